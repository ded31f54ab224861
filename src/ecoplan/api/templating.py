"""Server-rendered pages: the Jinja2 environment, :func:`render`, language and navigation.

Chinese by default; ``?lang=en`` switches to English and remembers it in a ``lang`` cookie
(``?lang=zh`` switches back). Templates write both texts side by side — ``{{ tr("指标",
"Indicators") }}`` — and pick a record's name with ``{{ nm(row) }}`` (``name_zh`` /
``name_en``, or ``title_…`` with ``nm(row, "title")``).

Navigation: :data:`NAV` lists the sections of the system; an entry is a link once a GET route
for its path exists (until then it is shown greyed out, "建设中"), and is shown only to callers
for whom ``can(user, item.action)`` holds.
"""

from __future__ import annotations

import json
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import pass_context
from markupsafe import Markup, escape
from starlette.routing import Match
from starlette.templating import Jinja2Templates

from ecoplan import __version__
from ecoplan.api.auth import resolve_principal
from ecoplan.api.csrf import FORM_FIELD, csrf_token
from ecoplan.api.errors import ApiError
from ecoplan.api.permissions import Principal, can

TEMPLATES_DIR = Path(__file__).with_name("templates")
STATIC_DIR = Path(__file__).with_name("static")
LANGS = ("zh", "en")
LANG_COOKIE = "lang"
FLASH_KEY = "flash"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
env = templates.env


@dataclass(frozen=True)
class NavItem:
    key: str
    path: str
    zh: str
    en: str
    action: str | None = None  # shown only when can(user, action); None: to everyone


NAV: list[NavItem] = [
    NavItem("overview", "/", "总览", "Overview", "data.read"),
    NavItem("indicators", "/plans", "指标", "Indicators", "data.read"),
    NavItem("air", "/air", "空气", "Air", "data.read"),
    NavItem("water", "/water", "水", "Water", "data.read"),
    NavItem("reports", "/reports", "报告", "Reports", "data.read"),
    NavItem("imports", "/imports", "导入", "Imports", "data.read"),
    NavItem("ledgers", "/ledgers", "台账", "Ledgers", "data.read"),
    NavItem("warnings", "/warnings", "预警", "Warnings", "data.read"),
    NavItem("public", "/public", "公众", "Public", None),
]
ADMIN_NAV: list[NavItem] = [
    NavItem("users", "/users", "用户", "Users", "user.manage"),
    NavItem("audit", "/audit", "审计", "Audit", "audit.read"),
]


def add_nav_item(item: NavItem, *, admin: bool = False, before: str | None = None) -> None:
    """Add a section to the navigation (before the entry keyed *before*, else at the end)."""
    items = ADMIN_NAV if admin else NAV
    if any(i.key == item.key for i in items):
        raise ValueError(f"navigation already has {item.key!r}")
    keys = [i.key for i in items]
    items.insert(keys.index(before) if before in keys else len(items), item)


def lang_of(request: Request) -> str:
    """``zh`` or ``en``: the ``lang`` query parameter, else the cookie, else Chinese."""
    q = request.query_params.get("lang")
    if q in LANGS:
        return q
    c = request.cookies.get(LANG_COOKIE)
    return c if c in LANGS else "zh"


_has_page: weakref.WeakKeyDictionary[Any, dict[str, bool]] = weakref.WeakKeyDictionary()


def has_page(request: Request, path: str) -> bool:
    """Does the application answer ``GET path`` (asked through the router's own matching)?

    Remembered per application: routes are fixed once it is built, and matching every
    route for every navigation entry costs milliseconds on each page.
    """
    known = _has_page.setdefault(request.app, {})
    if path not in known:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
        known[path] = any(r.matches(scope)[0] is Match.FULL for r in request.app.router.routes)
    return known[path]


def _nav(items: list[NavItem], request: Request, user: Principal | None) -> list[dict[str, Any]]:
    here = request.url.path
    out = []
    for it in items:
        if it.action is not None and not can(user, it.action):
            continue
        active = here == it.path if it.path == "/" else here.startswith(it.path)
        out.append(
            {"key": it.key, "path": it.path, "zh": it.zh, "en": it.en}
            | {"enabled": has_page(request, it.path), "active": active}
        )
    return out


_SYNTHETIC_TTL = 30.0
_synthetic: weakref.WeakKeyDictionary[Any, tuple[float, bool]] = weakref.WeakKeyDictionary()


def holds_synthetic(request: Request) -> bool:
    """Does the store hold demo (synthetic) data? Checked at most every 30 s per app."""
    import time

    from ecoplan.store.monitoring import holds_synthetic_data

    now = time.monotonic()
    hit = _synthetic.get(request.app)
    if hit is not None and now - hit[0] < _SYNTHETIC_TTL:
        return hit[1]
    store = getattr(request.app.state, "store", None)
    value = False
    if store is not None:
        with store.session() as ses:
            value = holds_synthetic_data(ses)
    _synthetic[request.app] = (now, value)
    return value


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """Queue a one-time message for the next page (kind: ok | error)."""
    request.session.setdefault(FLASH_KEY, [])
    request.session[FLASH_KEY] = [*request.session[FLASH_KEY], [kind, message]]


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render *template* with the common context: user, lang, nav, csrf, ``can``."""
    try:
        user = resolve_principal(request)
    except ApiError:
        user = None
    lang = lang_of(request)
    ctx: dict[str, Any] = {
        "request": request,
        "user": user,
        "lang": lang,
        "nav": _nav(NAV, request, user),
        "admin_nav": _nav(ADMIN_NAV, request, user),
        "flashes": request.session.pop(FLASH_KEY, []),
        "can": lambda action, region=None: can(user, action, region),
        "version": __version__,
        "synthetic_data": holds_synthetic(request),
    }
    ctx.update(context or {})
    resp = templates.TemplateResponse(request, template, ctx, status_code=status_code)
    if request.query_params.get("lang") in LANGS:
        resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax", httponly=True)
    return resp


# --- template helpers ------------------------------------------------------------------------


@pass_context
def tr(ctx: Any, zh: str, en: str) -> str:
    """*zh* or *en* by the page's language."""
    return en if ctx.get("lang") == "en" else zh


@pass_context
def nm(ctx: Any, row: Any, field: str = "name") -> str:
    """``row[field_zh]`` (or ``row[field_en]`` in English, when present)."""
    get = row.get if isinstance(row, dict) else lambda k, d=None: getattr(row, k, d)
    if ctx.get("lang") == "en" and get(f"{field}_en"):
        return str(get(f"{field}_en"))
    return str(get(f"{field}_zh") or get(f"{field}_en") or "")


@pass_context
def csrf_field(ctx: Any) -> Markup:
    """The hidden form field carrying the session's CSRF token."""
    token = csrf_token(ctx["request"])
    return Markup(f'<input type="hidden" name="{FORM_FIELD}" value="{escape(token)}">')


@pass_context
def url_with(ctx: Any, **params: Any) -> str:
    """The current URL with *params* replaced (``None`` removes one)."""
    request: Request = ctx["request"]
    q = dict(request.query_params)
    for k, v in params.items():
        if v is None or v == "":
            q.pop(k, None)
        else:
            q[k] = str(v)
    return request.url.path + ("?" + urlencode(q) if q else "")


def static_url(path: str) -> str:
    return f"/static/{path}?v={__version__}"


def num(value: Any) -> str:
    """A number without trailing zeros (``35``, ``0.5``, ``1.25e+06``)."""
    if value is None:
        return ""
    if isinstance(value, float | int):
        return f"{value:g}"
    return str(value)


COMPARATOR = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "==": "="}


def comparator(value: str) -> str:
    return COMPARATOR.get(value, value)


def pretty_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


env.globals.update(
    tr=tr, nm=nm, csrf_field=csrf_field, url_with=url_with, static=static_url, csrf_name=FORM_FIELD
)
env.filters.update(num=num, comparator=comparator, pretty_json=pretty_json)
