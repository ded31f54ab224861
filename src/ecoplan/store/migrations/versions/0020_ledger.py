"""ledger: rectification items (督察整改台账), their timeline and evidence files

Revision ID: 0020
Revises: 0003, 0010
Create Date: 2026-11-24 09:00:00

Hand-written; merges the monitoring/assessment branch (0003) and the accounts branch (0010),
since ledger items refer to regions and accounts. Mirrors ``ecoplan.store.schema_ledger``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = ("0003", "0010")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ledger_item",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("round", sa.String(length=200), nullable=True),
        sa.Column("source_doc", sa.Text(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("responsible_unit", sa.Text(), nullable=True),
        sa.Column("lead_department", sa.Text(), nullable=True),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.Column("plan_id", sa.String(length=64), nullable=True),
        sa.Column("task_code", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("stage_achieved", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("stage_note", sa.Text(), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("completed_by", sa.String(length=64), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_by", sa.String(length=64), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closure_note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("reconstructed", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("provenance", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('inspection', 'plan_task', 'major_project', 'complaint')",
            name=op.f("ck_ledger_item_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('registered', 'in_progress', 'completed', 'closed')",
            name=op.f("ck_ledger_item_status"),
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["user.id"], name=op.f("fk_ledger_item_closed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user.id"], name=op.f("fk_ledger_item_completed_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_ledger_item_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_ledger_item_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_item")),
        sa.UniqueConstraint("code", name=op.f("uq_ledger_item_code")),
    )
    with op.batch_alter_table("ledger_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_item_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_ledger_item_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_ledger_item_round"), ["round"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_item_status"), ["status"], unique=False)

    op.create_table(
        "ledger_evidence",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=128), nullable=True),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_by", sa.String(length=64), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["ledger_item.id"],
            name=op.f("fk_ledger_evidence_item_id_ledger_item"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user.id"], name=op.f("fk_ledger_evidence_uploaded_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_evidence")),
        sa.UniqueConstraint("item_id", "sha256", name=op.f("uq_ledger_evidence_item_id")),
    )
    with op.batch_alter_table("ledger_evidence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_evidence_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_evidence_sha256"), ["sha256"], unique=False)

    op.create_table(
        "ledger_note",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_ledger_note_author_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["ledger_item.id"],
            name=op.f("fk_ledger_note_item_id_ledger_item"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_note")),
    )
    with op.batch_alter_table("ledger_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_note_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_note_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ledger_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_note_item_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_note_author_id"))
    op.drop_table("ledger_note")
    with op.batch_alter_table("ledger_evidence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_evidence_sha256"))
        batch_op.drop_index(batch_op.f("ix_ledger_evidence_item_id"))
    op.drop_table("ledger_evidence")
    with op.batch_alter_table("ledger_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_item_status"))
        batch_op.drop_index(batch_op.f("ix_ledger_item_round"))
        batch_op.drop_index(batch_op.f("ix_ledger_item_region_code"))
        batch_op.drop_index(batch_op.f("ix_ledger_item_kind"))
    op.drop_table("ledger_item")
