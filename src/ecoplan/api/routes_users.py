"""Accounts and tokens: ``/api/me``, ``/api/tokens`` (own), ``/api/users`` (admin)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request, Response, status

from ecoplan.api.auth import actor_of, client_ip
from ecoplan.api.bounds import RowId
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.models import (
    ERRORS,
    PasswordChange,
    PasswordSet,
    TokenCreated,
    TokenOut,
    TokenRequest,
    UserCreate,
    UserOut,
    UserUpdate,
)
from ecoplan.api.paging import Page, PageParams, page, page_of, page_params
from ecoplan.api.permissions import ACCOUNT_OWN, USER_MANAGE, can
from ecoplan.api.throttle import check_login_allowed, note_login_failure, note_login_success
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.users import (
    authenticate,
    create_token,
    create_user,
    list_tokens,
    list_users,
    require_user,
    revoke_token,
    set_password,
    token_to_dict,
    update_user,
    user_to_dict,
    verify_password,
)

router = APIRouter(tags=["accounts 账号"], responses=ERRORS)


def bad_credentials() -> ApiError:
    return ApiError(
        401,
        "用户名或密码错误，或账号已停用",
        "Wrong username or password, or the account is deactivated",
        code="bad_credentials",
    )


@router.get("/api/me", response_model=UserOut, summary="The caller's account 当前账号")
def me(
    auth: Authorized = Depends(require(ACCOUNT_OWN)), store: Store = Depends(get_store)
) -> dict[str, Any]:
    assert auth.user is not None
    with store.session() as s:
        return user_to_dict(require_user(s, auth.user.username))


@router.put(
    "/api/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change one's own password 修改本人密码",
)
def change_own_password(
    body: PasswordChange,
    auth: Authorized = Depends(require(ACCOUNT_OWN)),
    store: Store = Depends(get_store),
) -> Response:
    assert auth.user is not None
    with store.session() as s:
        u = require_user(s, auth.user.username)
        if not verify_password(u.password_hash, body.current_password):
            raise ApiError(
                403, "当前密码不正确", "The current password is wrong", code="bad_credentials"
            )
        set_password(s, auth.actor, u.username, body.new_password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/api/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Get an API token 获取 API 令牌",
)
def issue_token(body: TokenRequest, request: Request, store: Store = Depends(get_store)) -> Any:
    """Exchange a username and password for a bearer token (shown once; only its hash is
    stored). Send it as ``Authorization: Bearer <token>``. The token expires after
    ``expires_in_days`` (default 90). Repeated failures for an account or from an address are
    answered 429 with ``Retry-After`` (docs/security.md)."""
    check_login_allowed(request, body.username)
    with store.session() as s:
        u = authenticate(s, body.username, body.password)
        if u is None:
            audit.record(
                s,
                Actor(None, None, client_ip(request)),
                action="login.failed",
                entity="user",
                entity_id=body.username,
                after={"via": "api/tokens"},
            )
            note_login_failure(request, s, body.username, "api/tokens")
        else:
            note_login_success(request, body.username)
            life = timedelta(days=body.expires_in_days) if body.expires_in_days else None
            token, row = create_token(
                s, Actor(u.id, u.username, client_ip(request)), u, body.label, lifetime=life
            )
            return token_to_dict(row) | {"token": token, "username": u.username}
    raise bad_credentials()


@router.get("/api/tokens", response_model=Page[TokenOut], summary="My API tokens 我的令牌")
def my_tokens(
    p: PageParams = Depends(page_params),
    auth: Authorized = Depends(require(ACCOUNT_OWN)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    assert auth.user is not None
    with store.session() as s:
        return page_of([token_to_dict(t) for t in list_tokens(s, auth.user.id)], p)


@router.delete(
    "/api/tokens/{token_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke a token 撤销令牌",
)
def revoke(
    token_id: RowId,
    auth: Authorized = Depends(require(ACCOUNT_OWN)),
    store: Store = Depends(get_store),
) -> Response:
    """Revoke one of one's own tokens (an admin may revoke anyone's)."""
    assert auth.user is not None
    owner = None if can(auth.user, USER_MANAGE) else auth.user.id
    with store.session() as s:
        if not revoke_token(s, auth.actor, token_id, owner_id=owner):
            raise not_found(f"有效的令牌 {token_id}", f"Live token {token_id}")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/api/users", response_model=Page[UserOut], summary="Accounts 用户列表 (admin)")
def users(
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with store.session() as s:
        rows, total = list_users(s, limit=p.limit, offset=p.offset)
        return page([user_to_dict(u) for u in rows], total, p)


@router.post(
    "/api/users",
    response_model=UserOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an account 新建用户 (admin)",
    responses={409: {"description": "the username is taken"}},
)
def add_user(
    body: UserCreate,
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with store.session() as s:
        u = create_user(
            s,
            auth.actor,
            username=body.username,
            password=body.password,
            role=body.role,
            region_code=body.region_code,
            display_name=body.display_name,
        )
        return user_to_dict(u)


@router.get("/api/users/{username}", response_model=UserOut, summary="One account (admin)")
def user(
    username: str,
    _: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with store.session() as s:
        return user_to_dict(require_user(s, username))


@router.patch(
    "/api/users/{username}",
    response_model=UserOut,
    summary="Change role, region, active, name (admin)",
    responses={409: {"description": "would leave no active administrator"}},
)
def change_user(
    username: str,
    body: UserUpdate,
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Only the fields sent change. Deactivate with ``{"active": false}`` (accounts are never
    deleted: the audit trail refers to them)."""
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    if "role" in changes and changes["role"] is None:
        raise ApiError(422, "角色不能为空", "role cannot be null")
    if "active" in changes and changes["active"] is None:
        raise ApiError(422, "active 不能为空", "active cannot be null")
    with store.session() as s:
        return user_to_dict(update_user(s, auth.actor, username, **changes))


@router.put(
    "/api/users/{username}/password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set an account's password (admin)",
)
def reset_password(
    username: str,
    body: PasswordSet,
    request: Request,
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> Response:
    with store.session() as s:
        set_password(s, actor_of(request, auth.user), username, body.password)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
