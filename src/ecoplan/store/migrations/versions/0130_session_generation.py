"""auth hardening: per-account session generation, API token expiry

Revision ID: 0130
Revises: 0010
Create Date: 2026-12-05 14:10:00

Hand-written; mirrors ``ecoplan.store.schema_auth``. ``user.session_generation`` is raised by
logout, a password change and deactivation: every browser session made before is refused.
``api_token.expires_at``: tokens issued before this revision expire 90 days after they were
created (they never expired before).
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision = "0130"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user") as b:
        b.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("api_token") as b:
        b.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
    tokens = sa.table(
        "api_token", sa.column("created_at", sa.DateTime()), sa.column("expires_at", sa.DateTime())
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(tokens.c.created_at).distinct()).scalars().all()
    for created in rows:
        bind.execute(
            tokens.update()
            .where(tokens.c.created_at == created, tokens.c.expires_at.is_(None))
            .values(expires_at=created + timedelta(days=90))
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token") as b:
        b.drop_column("expires_at")
    with op.batch_alter_table("user") as b:
        b.drop_column("session_generation")
