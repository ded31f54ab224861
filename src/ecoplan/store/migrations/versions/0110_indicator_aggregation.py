"""indicator aggregation type (汇总方式): additive/ratio/mean/max/count/qualitative

Revision ID: 0110
Revises: 0030
Create Date: 2026-12-05 13:20:00

Hand-written; mirrors the ``aggregation`` and ``agg_*`` columns of ``ecoplan.store.schema.
Indicator``. Existing rows keep NULL (the default rule by unit applies until the plan is
loaded again).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0110"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.add_column(sa.Column("aggregation", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("agg_numerator", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("agg_denominator", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("agg_weight", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("indicator") as batch:
        batch.drop_column("agg_weight")
        batch.drop_column("agg_denominator")
        batch.drop_column("agg_numerator")
        batch.drop_column("aggregation")
