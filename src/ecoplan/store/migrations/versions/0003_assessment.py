"""assessment: stored assessment runs and their rows

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:30:00

Hand-written; mirrors ``ecoplan.store.schema_assess``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_run",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("method_version", sa.String(length=16), nullable=False),
        sa.Column("dust_deducted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_run")),
    )
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_run_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "assessment_row",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("target", sa.Float(), nullable=True),
        sa.Column("ratio", sa.Float(), nullable=True),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["assessment_run.id"],
            name=op.f("fk_assessment_row_run_id_assessment_run"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_row")),
        sa.UniqueConstraint(
            "run_id", "indicator_code", "region_code", name=op.f("uq_assessment_row_run_id")
        ),
    )
    with op.batch_alter_table("assessment_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_row_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("assessment_row", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_row_run_id"))
    op.drop_table("assessment_row")
    with op.batch_alter_table("assessment_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_run_plan_id"))
    op.drop_table("assessment_run")
