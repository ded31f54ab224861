"""Who is asking: a bearer token (API) or the signed session cookie (pages).

The session cookie (Starlette's ``SessionMiddleware``: itsdangerous-signed, HttpOnly,
SameSite=Lax) holds the account id, a fingerprint of its password hash — so changing the
password ends every other session —, the account's ``session_generation`` when the session
began — raised by logout, a password change and deactivation, so a cookie copied before
them is refused — and the CSRF token. Tokens are looked up by their
SHA-256 (:func:`ecoplan.store.users.user_for_token`).
"""

from __future__ import annotations

import hashlib

from fastapi import Request

from ecoplan.api.csrf import SESSION_KEY as CSRF_KEY
from ecoplan.api.csrf import new_csrf_token
from ecoplan.api.errors import ApiError
from ecoplan.api.permissions import Principal
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.schema_auth import User
from ecoplan.store.users import get_user, user_for_token

SESSION_UID = "uid"
SESSION_PWV = "pwv"
SESSION_GEN = "gen"


def password_version(password_hash: str) -> str:
    """A short fingerprint of the password hash: sessions made before a change stop working."""
    return hashlib.sha256(password_hash.encode("utf-8")).hexdigest()[:16]


def principal_of(u: User, via: str) -> Principal:
    return Principal(
        id=u.id,
        username=u.username,
        role=u.role,
        region_code=u.region_code,
        display_name=u.display_name,
        active=u.active,
        via=via,
    )


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def resolve_principal(request: Request) -> Principal | None:
    """The account behind *request* (cached on ``request.state``), or ``None`` when anonymous.

    A malformed ``Authorization`` header or an unknown/revoked token is a 401, not anonymity.
    """
    if hasattr(request.state, "principal"):
        cached: Principal | None = request.state.principal
        return cached
    principal: Principal | None = None
    header = request.headers.get("authorization")
    store = store_of(request)
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(
                401,
                "Authorization 头应为 “Bearer <令牌>”",
                "The Authorization header must be 'Bearer <token>'",
                code="invalid_token",
                headers={"WWW-Authenticate": "Bearer"},
            )
        with store.session() as s:
            u = user_for_token(s, token.strip())
            principal = principal_of(u, "token") if u is not None else None
        if principal is None:
            raise ApiError(
                401,
                "API 令牌无效、已撤销或其账号已停用",
                "The API token is unknown, revoked, or its account is deactivated",
                code="invalid_token",
                headers={"WWW-Authenticate": "Bearer"},
            )
    else:
        uid = request.session.get(SESSION_UID)
        if uid is not None:
            with store.session() as s:
                u = get_user(s, int(uid))
                ok = (
                    u is not None
                    and u.active
                    and request.session.get(SESSION_PWV) == password_version(u.password_hash)
                    and request.session.get(SESSION_GEN, 0) == (u.session_generation or 0)
                )
                principal = principal_of(u, "session") if ok and u is not None else None
            if principal is None:
                request.session.pop(SESSION_UID, None)
                request.session.pop(SESSION_PWV, None)
                request.session.pop(SESSION_GEN, None)
    request.state.principal = principal
    return principal


def start_session(request: Request, u: User) -> None:
    """Log *u* in on this browser: a fresh session with a new CSRF token."""
    request.session.clear()
    request.session.update(
        {
            SESSION_UID: u.id,
            SESSION_PWV: password_version(u.password_hash),
            SESSION_GEN: u.session_generation or 0,
            CSRF_KEY: new_csrf_token(),
        }
    )
    request.state.principal = principal_of(u, "session")


def end_session(request: Request) -> None:
    request.session.clear()
    request.state.principal = None


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def actor_of(request: Request, principal: Principal | None) -> Actor:
    """The audit :class:`~ecoplan.store.audit.Actor` for a write made through *request*."""
    if principal is None:
        return Actor(None, None, client_ip(request))
    return Actor(principal.id, principal.username, client_ip(request))
