"""Who may do what: ONE function, :func:`can`, and the table of actions it reads.

Every write route asks :func:`can` through the dependency :func:`ecoplan.api.deps.require`;
pages ask it to decide which buttons to show. No handler checks roles itself.

Roles (``user.role``):

- ``admin`` 管理员 — everything, everywhere.
- ``editor`` 编辑 — reads everything; writes region-scoped data for its own region
  (``user.region_code``, a league/city or county) and every region under it
  (:func:`ecoplan.model.regions.ancestors`).
- ``viewer`` 查看 — reads everything, writes nothing.
- anonymous (no login) — reads the published subset only (:data:`PUBLIC_READ`).

A later feature adds its own actions with :func:`define_action` (docs/api.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecoplan.model.regions import UnknownRegionError, ancestors


@dataclass(frozen=True)
class Principal:
    """The logged-in account as the web layer sees it (no password hash)."""

    id: int
    username: str
    role: str
    region_code: str | None = None
    display_name: str | None = None
    active: bool = True
    via: str = "session"  # session | token

    @property
    def label(self) -> str:
        return self.display_name or self.username


@dataclass(frozen=True)
class ActionRule:
    """Who may perform one action.

    ``roles`` may do it anywhere; ``scoped_roles`` only for a region inside their own
    (the route must name the region); ``anonymous`` says whether no login is enough.
    """

    name: str
    roles: frozenset[str]
    scoped_roles: frozenset[str]
    anonymous: bool
    zh: str
    en: str


ACTIONS: dict[str, ActionRule] = {}


def define_action(
    name: str,
    *,
    zh: str,
    en: str,
    roles: tuple[str, ...] = ("admin",),
    scoped_roles: tuple[str, ...] = (),
    anonymous: bool = False,
) -> str:
    """Register an action and return its name (use the name in ``require(name)``)."""
    if name in ACTIONS:
        raise ValueError(f"action {name!r} is defined already")
    ACTIONS[name] = ActionRule(name, frozenset(roles), frozenset(scoped_roles), anonymous, zh, en)
    return name


ALL_ROLES = ("admin", "editor", "viewer")

PUBLIC_READ = define_action(
    "public.read", zh="查看公开数据", en="read published figures", roles=ALL_ROLES, anonymous=True
)
READ = define_action("data.read", zh="查看全部数据", en="read all data", roles=ALL_ROLES)
REGION_WRITE = define_action(
    "region_data.write",
    zh="填报/修改本地区数据",
    en="write data of a region",
    roles=("admin",),
    scoped_roles=("editor",),
)
PLAN_WRITE = define_action("plan.write", zh="导入或删除规划", en="import or delete plans")
USER_MANAGE = define_action("user.manage", zh="管理用户", en="manage user accounts")
AUDIT_READ = define_action("audit.read", zh="查看审计日志", en="read the audit trail")
ACCOUNT_OWN = define_action(
    "account.own",
    zh="管理自己的账号（密码、API 令牌）",
    en="manage one's own account (password, API tokens)",
    roles=ALL_ROLES,
)


def in_region(home: str, code: str) -> bool:
    """True when *code* is *home* or lies under it (GB/T 2260 hierarchy); False if unknown."""
    if code == home:
        return True
    try:
        return any(a.code == home for a in ancestors(code))
    except UnknownRegionError:
        return False


def can(user: Principal | None, action: str, region_code: str | None = None) -> bool:
    """May *user* (``None``: anonymous) perform *action*, for *region_code* if it names one?

    A region-scoped role asked without a region gets False: the route must say which region
    the write concerns. Unknown actions raise ``KeyError`` (a programming error, not a denial).
    """
    rule = ACTIONS[action]
    if user is None:
        return rule.anonymous
    if not user.active:
        return False
    if user.role in rule.roles:
        return True
    if user.role in rule.scoped_roles and user.region_code and region_code:
        return in_region(user.region_code, region_code)
    return False


def may_attempt(user: Principal | None, action: str) -> bool:
    """Could *user* perform *action* for some region? (Used before the region is known.)"""
    rule = ACTIONS[action]
    if user is None:
        return rule.anonymous
    return user.active and (user.role in rule.roles or user.role in rule.scoped_roles)
