"""forecast baseline: the system's own city AQI forecasts

Revision ID: 0150
Revises: 0030
Create Date: 2026-12-05 13:00:00

Hand-written. Mirrors ``ecoplan.store.schema_forecast``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0150"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "aqi_forecast_baseline",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("target_date", sa.Date(), nullable=False),
        sa.Column("model", sa.String(length=16), nullable=False),
        sa.Column("aqi", sa.Float(), nullable=False),
        sa.Column("trained_until", sa.Date(), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_aqi_forecast_baseline_region_code_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aqi_forecast_baseline")),
        sa.UniqueConstraint(
            "region_code",
            "issue_date",
            "target_date",
            "model",
            name=op.f("uq_aqi_forecast_baseline_region_code"),
        ),
    )
    with op.batch_alter_table("aqi_forecast_baseline", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_aqi_forecast_baseline_issue_date"), ["issue_date"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_aqi_forecast_baseline_region_code"), ["region_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("aqi_forecast_baseline", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_aqi_forecast_baseline_region_code"))
        batch_op.drop_index(batch_op.f("ix_aqi_forecast_baseline_issue_date"))
    op.drop_table("aqi_forecast_baseline")
