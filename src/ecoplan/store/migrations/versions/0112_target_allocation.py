"""target_allocation: leagues'/counties' shares of regional targets (目标分解)

Revision ID: 0112
Revises: 0111
Create Date: 2026-12-05 14:10:00

Hand-written; mirrors ``ecoplan.store.schema_reporting.TargetAllocation``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0112"
down_revision = "0111"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "target_allocation",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("plan_id", sa.String(length=64), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("region_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("comparator", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plan.id"],
            name=op.f("fk_target_allocation_plan_id_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_target_allocation_region_code_region"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_allocation")),
        sa.UniqueConstraint(
            "plan_id",
            "indicator_code",
            "region_code",
            "year",
            "comparator",
            name=op.f("uq_target_allocation_plan_id"),
        ),
    )
    with op.batch_alter_table("target_allocation") as batch:
        batch.create_index(batch.f("ix_target_allocation_plan_id"), ["plan_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("target_allocation") as batch:
        batch.drop_index(batch.f("ix_target_allocation_plan_id"))
    op.drop_table("target_allocation")
