"""scheduled_run: the claim (lease) of one slot of a scheduled job by one server worker

Revision ID: 0120
Revises: 0030
Create Date: 2026-12-05 13:30:00

Hand-written; mirrors ``ecoplan.store.schema_schedule``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0120"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "scheduled_run",
        sa.Column("job", sa.String(length=32), nullable=False),
        sa.Column("slot", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.Column("lease_until", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("job", "slot", name=op.f("pk_scheduled_run")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_run")
