"""Accounts and API tokens: create, find, change, authenticate. Every change is audited.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile: 64
MiB each); at most :data:`HASH_SLOTS` hashes run at the same time in one process, so a burst of
logins cannot exhaust memory (:class:`HashingBusyError` after :data:`HASH_WAIT` seconds).
API tokens are random (256 bits), only their SHA-256 is stored, and they expire
(:data:`TOKEN_LIFETIME` unless asked otherwise). A password change or reset revokes every token
of the account and raises its ``session_generation`` (every browser session ends). Accounts
are deactivated, never deleted, so the audit trail keeps pointing at them.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ecoplan.model.regions import UnknownRegionError, get_region
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.schema_auth import ROLES, ApiToken, User

PASSWORD_MIN_LENGTH = 8
USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$")
TOKEN_PREFIX = "eco_"
LAST_USED_RESOLUTION = timedelta(minutes=1)  # how stale ``last_used_at`` may get (fewer writes)
ROLE_ZH = {"admin": "管理员", "editor": "编辑", "viewer": "查看"}

TOKEN_LIFETIME = timedelta(days=90)
TOKEN_MAX_LIFETIME = timedelta(days=366)
#: argon2 hashes running at once per process ($ECOPLAN_HASH_SLOTS, default 2: 2 × 64 MiB)
HASH_SLOTS = max(1, int(os.environ.get("ECOPLAN_HASH_SLOTS", "2") or 2))
#: seconds a login waits for a free hashing slot before answering "busy"
HASH_WAIT = 20.0

_hasher = PasswordHasher()
_hash_slots = threading.BoundedSemaphore(HASH_SLOTS)
# verified against when the username is unknown, so both paths take the same time
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class UserError(ValueError):
    """A refused account operation; ``message_zh`` says the same in Chinese."""

    code = "invalid"

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_zh = message_zh


class InvalidUserError(UserError):
    """Bad username, password, role or region."""

    code = "invalid"


class UserExistsError(UserError):
    code = "exists"


class UserNotFoundError(UserError):
    code = "not_found"


class HashingBusyError(UserError):
    """Every password-hashing slot stayed busy for :data:`HASH_WAIT` seconds."""

    code = "busy"


class LastAdminError(UserError):
    """The change would leave no active administrator."""

    code = "last_admin"


# --- passwords and tokens --------------------------------------------------------------------


@contextmanager
def hashing_slot() -> Iterator[None]:
    """Hold one of the :data:`HASH_SLOTS` password-hashing slots (bounded memory)."""
    if not _hash_slots.acquire(timeout=HASH_WAIT):
        raise HashingBusyError(
            "the server is busy checking passwords; try again in a moment",
            "服务器正忙于校验密码，请稍后再试",
        )
    try:
        yield
    finally:
        _hash_slots.release()


def hash_password(password: str) -> str:
    """argon2id PHC string of *password* (after checking its length)."""
    check_password(password)
    with hashing_slot():
        return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when *password* matches *password_hash*; False on mismatch or a malformed hash."""
    with hashing_slot():
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False


def check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise InvalidUserError(
            f"the password must have at least {PASSWORD_MIN_LENGTH} characters",
            f"密码至少需要 {PASSWORD_MIN_LENGTH} 个字符",
        )


def token_hash(token: str) -> str:
    """SHA-256 (hex) of a bearer token: what the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- reading ---------------------------------------------------------------------------------


def user_to_dict(u: User) -> dict[str, Any]:
    """The API shape of an account (never the password hash)."""
    return {
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role,
        "region_code": u.region_code,
        "active": u.active,
        "created_at": u.created_at.isoformat(),
    }


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def require_user(session: Session, username: str) -> User:
    """The account called *username*; :class:`UserNotFoundError` if there is none."""
    u = find_user(session, username)
    if u is None:
        raise UserNotFoundError(f"no user called {username!r}", f"没有名为 {username!r} 的用户")
    return u


def list_users(
    session: Session, *, limit: int | None = None, offset: int = 0
) -> tuple[list[User], int]:
    """Accounts by username, and how many there are in all."""
    total = session.scalar(select(func.count()).select_from(User)) or 0
    q = select(User).order_by(User.username).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return list(session.scalars(q)), total


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active account whose name and password match, else ``None`` (no hint which failed)."""
    u = find_user(session, username)
    if u is None:
        verify_password(_DUMMY_HASH, password)
        return None
    if not verify_password(u.password_hash, password) or not u.active:
        return None
    return u


# --- writing ---------------------------------------------------------------------------------


def _check_role_region(role: str, region_code: str | None) -> None:
    if role not in ROLES:
        raise InvalidUserError(
            f"role {role!r} is not one of {', '.join(ROLES)}",
            f"角色 {role!r} 无效，应为 admin（管理员）、editor（编辑）或 viewer（查看）",
        )
    if role == "editor":
        if not region_code:
            raise InvalidUserError(
                "an editor needs a region (--region CODE, the league/city it writes for)",
                "编辑账号必须指定所属地区（盟市或旗县代码）",
            )
        try:
            get_region(region_code)
        except UnknownRegionError:
            raise InvalidUserError(
                f"region code {region_code} is not a known GB/T 2260 region",
                f"地区代码 {region_code} 不是已知的行政区划代码",
            ) from None
    elif region_code:
        raise InvalidUserError(
            f"only editors have a region; a {role} reads (and an admin writes) everywhere",
            f"只有编辑账号有所属地区；{ROLE_ZH[role]}账号不限地区",
        )


def _active_admins(session: Session) -> int:
    q = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    return session.scalar(q) or 0


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    role: str,
    region_code: str | None = None,
    display_name: str | None = None,
) -> User:
    """Create an account (audited as ``user.create``)."""
    if not USERNAME_RE.match(username):
        raise InvalidUserError(
            f"username {username!r} must be 2–64 letters, digits, '_', '.' or '-' "
            "and start with a letter or digit",
            f"用户名 {username!r} 须为 2–64 个字母、数字、'_'、'.' 或 '-'，以字母或数字开头",
        )
    _check_role_region(role, region_code)
    if find_user(session, username) is not None:
        raise UserExistsError(f"user {username!r} exists already", f"用户 {username!r} 已存在")
    u = User(
        username=username,
        display_name=display_name or None,
        password_hash=hash_password(password),
        role=role,
        region_code=region_code or None,
        active=True,
        created_at=datetime.now().replace(microsecond=0),
    )
    session.add(u)
    session.flush()
    audit.record(
        session,
        actor,
        action="user.create",
        entity="user",
        entity_id=username,
        region_code=u.region_code,
        after=user_to_dict(u),
    )
    return u


_UNSET: Any = object()


def update_user(
    session: Session,
    actor: Actor,
    username: str,
    *,
    role: str = _UNSET,
    region_code: str | None = _UNSET,
    active: bool = _UNSET,
    display_name: str | None = _UNSET,
) -> User:
    """Change an account's role, region, active flag or display name (audited ``user.update``).

    Refuses (:class:`LastAdminError`) to demote or deactivate the last active administrator.
    """
    u = require_user(session, username)
    before = user_to_dict(u)
    new_role = u.role if role is _UNSET else role
    new_region = u.region_code if region_code is _UNSET else (region_code or None)
    if role is not _UNSET and new_role != "editor" and region_code is _UNSET:
        new_region = None  # leaving the editor role drops the region
    _check_role_region(new_role, new_region)
    new_active = u.active if active is _UNSET else bool(active)
    if (
        u.role == "admin"
        and u.active
        and (new_role != "admin" or not new_active)
        and _active_admins(session) <= 1
    ):
        raise LastAdminError(
            f"{username!r} is the last active administrator; make another admin first",
            f"{username!r} 是最后一个有效的管理员账号，请先设置另一个管理员",
        )
    if u.active and not new_active:
        u.session_generation = (u.session_generation or 0) + 1  # every session ends
    u.role, u.region_code, u.active = new_role, new_region, new_active
    if display_name is not _UNSET:
        u.display_name = display_name or None
    session.flush()
    after = user_to_dict(u)
    if after != before:
        audit.record(
            session,
            actor,
            action="user.update",
            entity="user",
            entity_id=username,
            region_code=u.region_code,
            before=before,
            after=after,
        )
    return u


def set_password(session: Session, actor: Actor, username: str, password: str) -> User:
    """Set a new password (audited ``user.passwd``; the audit row holds no hash). Every browser
    session of the account ends and every API token is revoked (audited ``token.revoke_all``)."""
    u = require_user(session, username)
    u.password_hash = hash_password(password)
    u.session_generation = (u.session_generation or 0) + 1
    session.flush()
    audit.record(
        session,
        actor,
        action="user.passwd",
        entity="user",
        entity_id=username,
        region_code=u.region_code,
        after={"password": "changed 已修改", "sessions": "ended 已全部退出"},
    )
    revoke_all_tokens(session, actor, u, reason="password changed 密码已修改")
    return u


def end_all_sessions(session: Session, user_id: int) -> None:
    """Raise the account's session generation: every browser session made before is refused
    (logout ends the session everywhere, not only on this browser)."""
    session.execute(
        update(User)
        .where(User.id == user_id)
        .values(session_generation=func.coalesce(User.session_generation, 0) + 1)
    )


def revoke_all_tokens(session: Session, actor: Actor, user: User, *, reason: str) -> int:
    """Revoke every live token of *user*; returns how many (audited ``token.revoke_all``)."""
    live = [t for t in list_tokens(session, user.id) if not t.revoked]
    for t in live:
        t.revoked = True
    session.flush()
    if live:
        audit.record(
            session,
            actor,
            action="token.revoke_all",
            entity="user",
            entity_id=user.username,
            region_code=user.region_code,
            after={"revoked": [t.id for t in live], "reason": reason},
        )
    return len(live)


def new_token() -> str:
    """A fresh bearer token (``eco_`` + 43 URL-safe characters, 256 random bits)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def create_token(
    session: Session,
    actor: Actor,
    user: User,
    label: str | None = None,
    *,
    lifetime: timedelta | None = None,
) -> tuple[str, ApiToken]:
    """Issue an API token for *user*: returns the token (shown once) and its row. It expires
    after *lifetime* (default :data:`TOKEN_LIFETIME`, at most :data:`TOKEN_MAX_LIFETIME`)."""
    token = new_token()
    now = datetime.now().replace(microsecond=0)
    life = min(lifetime or TOKEN_LIFETIME, TOKEN_MAX_LIFETIME)
    row = ApiToken(
        token_hash=token_hash(token),
        user_id=user.id,
        label=label or None,
        created_at=now,
        expires_at=now + life,
        revoked=False,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        action="token.create",
        entity="api_token",
        entity_id=row.id,
        after=token_to_dict(row) | {"username": user.username},
    )
    return token, row


def token_to_dict(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.id,
        "label": t.label,
        "created_at": t.created_at.isoformat(),
        "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
        "expires_at": t.expires_at.isoformat() if t.expires_at else None,
        "revoked": t.revoked,
    }


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active account owning an unrevoked, unexpired *token*, else ``None``; notes its
    last use (*now*: the current local time)."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash(token))
    ).one_or_none()
    now = (now or datetime.now()).replace(microsecond=0)
    if row is None or row.revoked or (row.expires_at is not None and now >= row.expires_at):
        return None
    u = session.get(User, row.user_id)
    if u is None or not u.active:
        return None
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        row.last_used_at = now
    return u


def list_tokens(session: Session, user_id: int) -> list[ApiToken]:
    q = select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
    return list(session.scalars(q))


def revoke_token(session: Session, actor: Actor, token_id: int, *, owner_id: int | None) -> bool:
    """Revoke token *token_id* (only *owner_id*'s, unless ``None``: any). True if it was live."""
    row = session.get(ApiToken, token_id)
    if row is None or (owner_id is not None and row.user_id != owner_id):
        return False
    if row.revoked:
        return False
    before = token_to_dict(row)
    row.revoked = True
    session.flush()
    audit.record(
        session,
        actor,
        action="token.revoke",
        entity="api_token",
        entity_id=token_id,
        before=before,
        after=token_to_dict(row),
    )
    return True


FIRST_ADMIN = "admin"


def ensure_first_admin(session: Session, password: str) -> User | None:
    """Create the account ``admin`` (role admin) with *password* when there is no account at
    all; returns it, or ``None`` when accounts exist already (audited ``user.create``)."""
    if count_users(session) > 0:
        return None
    return create_user(
        session,
        Actor.system("(first start)"),
        username=FIRST_ADMIN,
        password=password,
        role="admin",
        display_name="管理员 Administrator",
    )
