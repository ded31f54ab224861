"""warnings: AQI forecasts, warnings, their events, the notification outbox

Revision ID: 0030
Revises: 0003, 0010
Create Date: 2026-11-24 09:00:00

Hand-written; merges the assessment (0003) and auth (0010) branches. Mirrors
``ecoplan.store.schema_warn``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = ("0003", "0010")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aqi_forecast",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("aqi", sa.Float(), nullable=False),
        sa.Column("primary_pollutant", sa.String(length=64), nullable=True),
        sa.Column("batch_id", sa.String(length=36), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batch.id"], name=op.f("fk_aqi_forecast_batch_id_import_batch")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_aqi_forecast_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aqi_forecast")),
        sa.UniqueConstraint(
            "region_code", "issue_date", "target_date", name=op.f("uq_aqi_forecast_region_code")
        ),
    )
    with op.batch_alter_table("aqi_forecast", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aqi_forecast_issue_date"), ["issue_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aqi_forecast_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "warning",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rule_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("subject_name", sa.Text(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.CheckConstraint("state IN ('active', 'lifted')", name=op.f("ck_warning_state")),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_warning_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning")),
    )
    with op.batch_alter_table("warning", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_warning_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_region_code"), ["region_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_rule_id"), ["rule_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_warning_state"), ["state"], unique=False)
        batch_op.create_index(
            "uq_warning_active",
            ["rule_id", "region_code", "subject"],
            unique=True,
            sqlite_where=sa.text("state = 'active'"),
            postgresql_where=sa.text("state = 'active'"),
        )

    op.create_table(
        "warning_event",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("grade_from", sa.String(length=16), nullable=True),
        sa.Column("grade_to", sa.String(length=16), nullable=True),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("message_zh", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "event IN ('start', 'upgrade', 'downgrade', 'lift', 'repeat-suppressed')",
            name=op.f("ck_warning_event_event"),
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["warning.id"],
            name=op.f("fk_warning_event_warning_id_warning"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_warning_event")),
    )
    with op.batch_alter_table("warning_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_warning_event_warning_id"), ["warning_id"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("warning_event_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('file', 'email', 'webhook')", name=op.f("ck_outbox_channel")
        ),
        sa.ForeignKeyConstraint(
            ["warning_event_id"],
            ["warning_event.id"],
            name=op.f("fk_outbox_warning_event_id_warning_event"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_sent_at"), ["sent_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbox_warning_event_id"), ["warning_event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_warning_event_id"))
        batch_op.drop_index(batch_op.f("ix_outbox_sent_at"))
    op.drop_table("outbox")
    with op.batch_alter_table("warning_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_warning_event_warning_id"))
    op.drop_table("warning_event")
    with op.batch_alter_table("warning", schema=None) as batch_op:
        batch_op.drop_index("uq_warning_active")
        batch_op.drop_index(batch_op.f("ix_warning_state"))
        batch_op.drop_index(batch_op.f("ix_warning_rule_id"))
        batch_op.drop_index(batch_op.f("ix_warning_region_code"))
        batch_op.drop_index(batch_op.f("ix_warning_kind"))
    op.drop_table("warning")
    with op.batch_alter_table("aqi_forecast", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aqi_forecast_region_code"))
        batch_op.drop_index(batch_op.f("ix_aqi_forecast_issue_date"))
    op.drop_table("aqi_forecast")
