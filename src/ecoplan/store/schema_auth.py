"""Tables of accounts, API tokens and the audit trail (capability 9: web dashboard and API).

Registered on :class:`ecoplan.store.schema.Base` (imported at the end of ``schema.py``);
created by migration ``0010_auth``. Roles are ``admin`` (everything), ``editor`` (writes for
its own region and the regions under it) and ``viewer`` (reads everything); anonymous visitors
read the published subset only — see :mod:`ecoplan.api.permissions`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    false,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base

ROLES = ("admin", "editor", "viewer")


class User(Base):
    """An account. ``region_code`` is the editor's league/city (or county); NULL otherwise.

    Accounts are never deleted (the audit trail refers to them): they are deactivated.
    ``password_hash`` is an argon2id PHC string (``$argon2id$v=19$m=…``).
    """

    __tablename__ = "user"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'editor', 'viewer')", name="role"),
        CheckConstraint("role <> 'editor' OR region_code IS NOT NULL", name="editor_region"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(DateTime)
    #: raised by logout, password change and deactivation: older browser sessions are refused
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ApiToken(Base):
    """A bearer token for the API. Only the SHA-256 of the token is stored (hex, 64 chars)."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)  # migration 0130
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Audit(Base):
    """One write: who (``user_id``/``username``; NULL for the system), when (local time, naive),
    what (``action`` on ``entity``/``entity_id``, within ``region_code``), the state ``before``
    and ``after`` (JSON; NULL for creation / deletion) and the client address ``ip``."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    username: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64), index=True)
    entity_id: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6))
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
