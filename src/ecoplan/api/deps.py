"""FastAPI dependencies shared by every router: the store, the caller, the permission gate.

``require(action)`` is the one gate in front of every write route::

    @router.delete("/api/plans/{plan_id}")
    def delete(plan_id: str, auth: Authorized = Depends(require(PLAN_WRITE))): ...

It answers 401 to an anonymous caller and 403 to one that :func:`~ecoplan.api.permissions.can`
refuses. For a region-scoped action the region comes from a path/query parameter
(``require(REGION_WRITE, region_param="code")``) or, when it is in the body, from the handler
calling ``auth.ensure(region_code)`` — the same :func:`can` either way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from ecoplan.api.auth import actor_of, resolve_principal, store_of
from ecoplan.api.errors import ApiError, forbidden, unauthenticated
from ecoplan.api.permissions import ACTIONS, Principal, can, may_attempt
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store


def get_store(request: Request) -> Store:
    """The application's :class:`~ecoplan.store.db.Store`."""
    return store_of(request)


def current_user(request: Request) -> Principal | None:
    """The logged-in account or token owner; ``None`` for an anonymous caller."""
    return resolve_principal(request)


def _denied(user: Principal | None, action: str) -> ApiError:
    if user is None:
        return unauthenticated()
    rule = ACTIONS[action]
    return forbidden(
        f"您的账号（{user.username}，角色 {user.role}）无权执行：{rule.zh}",
        f"Your account ({user.username}, role {user.role}) may not {rule.en}",
    )


@dataclass(frozen=True)
class Authorized:
    """What a guarded route receives: the caller, the action, and the audit actor."""

    user: Principal | None
    action: str
    actor: Actor

    def ensure(self, region_code: str | None) -> None:
        """Raise 401/403 unless the caller may perform the action for *region_code*."""
        if not can(self.user, self.action, region_code):
            if (
                self.user is not None
                and region_code is not None
                and may_attempt(self.user, self.action)
            ):
                raise forbidden(
                    f"您的账号只能修改所属地区（{self.user.region_code}）及其下级地区的数据，"
                    f"不能修改 {region_code}",
                    f"Your account writes only for region {self.user.region_code} and the "
                    f"regions under it, not for {region_code}",
                )
            raise _denied(self.user, self.action)


def require(action: str, *, region_param: str | None = None) -> Callable[[Request], Authorized]:
    """A dependency that lets the request through only if the caller may perform *action*.

    With *region_param*, the region is read from that path (or query) parameter and checked
    now; without it, a region-scoped role is let through to the handler, which must call
    :meth:`Authorized.ensure` with the region before writing.
    """
    if action not in ACTIONS:
        raise KeyError(f"unknown action {action!r}; define it with permissions.define_action")

    def dependency(request: Request) -> Authorized:
        user = resolve_principal(request)
        auth = Authorized(user, action, actor_of(request, user))
        if region_param is not None:
            region = request.path_params.get(region_param) or request.query_params.get(region_param)
            auth.ensure(region)
        elif not may_attempt(user, action):
            raise _denied(user, action)
        return auth

    dependency.__name__ = f"require_{action.replace('.', '_')}"
    return dependency
