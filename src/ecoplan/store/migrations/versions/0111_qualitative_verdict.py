"""qualitative_verdict: evaluators' verdicts on qualitative targets

Revision ID: 0111
Revises: 0110
Create Date: 2026-12-05 14:00:00

Hand-written; mirrors ``ecoplan.store.schema_reporting.QualitativeVerdict``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0111"
down_revision = "0110"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "qualitative_verdict",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("text_zh", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evaluator", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_qualitative_verdict_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_qualitative_verdict_region_code_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualitative_verdict")),
    )
    with op.batch_alter_table("qualitative_verdict") as batch:
        batch.create_index(batch.f("ix_qualitative_verdict_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("qualitative_verdict") as batch:
        batch.drop_index(batch.f("ix_qualitative_verdict_plan_id"))
    op.drop_table("qualitative_verdict")
