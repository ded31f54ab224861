"""The first pages: login/logout, overview, plans → indicators → indicator, users, audit,
account, and the public portal.

Pages get their data from the same functions as the API (:mod:`ecoplan.api.plandata`,
:mod:`ecoplan.store.users`, :mod:`ecoplan.store.audit`) and are guarded by the same
``require(action)`` dependency; a 401 becomes a redirect to the login page. Every form POST
carries the CSRF token (checked app-wide by :func:`ecoplan.api.csrf.csrf_protect`).
"""

from __future__ import annotations

import math
from datetime import date
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from ecoplan.api import routes_assessment as assessment_pages
from ecoplan.api.auth import actor_of, client_ip, end_session, start_session
from ecoplan.api.deps import Authorized, current_user, get_store, require
from ecoplan.api.errors import ApiError, plan_file_api_error
from ecoplan.api.permissions import (
    ACCOUNT_OWN,
    AUDIT_READ,
    PLAN_WRITE,
    READ,
    USER_MANAGE,
    Principal,
)
from ecoplan.api.plandata import (
    visible_summaries,
)
from ecoplan.api.routes_plans import MAX_PLAN_BYTES, delete_plan_audited, import_plan_bytes
from ecoplan.api.templating import flash, lang_of, render
from ecoplan.api.throttle import check_login_allowed, note_login_failure, note_login_success
from ecoplan.model.planfile import PlanFileError
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.regions import list_regions, region_names
from ecoplan.store.schema_auth import ROLES
from ecoplan.store.users import (
    ROLE_ZH,
    UserError,
    authenticate,
    create_user,
    end_all_sessions,
    list_tokens,
    list_users,
    require_user,
    set_password,
    token_to_dict,
    update_user,
    user_to_dict,
    verify_password,
)

router = APIRouter(include_in_schema=False)

AUDIT_PAGE = 50


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def safe_next(target: str | None) -> str:
    """A local path to go to after login (never another site)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


# --- login / logout --------------------------------------------------------------------------


@router.get("/login")
def login_page(
    request: Request, next: str | None = None, user: Principal | None = Depends(current_user)
) -> Response:
    if user is not None and user.via == "session":
        return redirect(safe_next(next))
    return render(request, "login.html", {"next": safe_next(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    store: Store = Depends(get_store),
) -> Response:
    try:
        check_login_allowed(request, username.strip())
    except ApiError as exc:  # locked: the login form again, with the wait (429)
        page = render(
            request,
            "login.html",
            {
                "next": safe_next(next),
                "error": exc.message_en if lang_of(request) == "en" else exc.message_zh,
                "username": username,
            },
            status_code=429,
        )
        page.headers.update(exc.headers or {})
        return page
    with store.session() as s:
        u = authenticate(s, username.strip(), password)
        if u is None:
            audit.record(
                s,
                Actor(None, None, client_ip(request)),
                action="login.failed",
                entity="user",
                entity_id=username.strip()[:200] or None,
                after={"via": "page"},
            )
            note_login_failure(request, s, username.strip(), "page")
        else:
            note_login_success(request, username.strip())
            audit.record(
                s,
                Actor(u.id, u.username, client_ip(request)),
                action="login",
                entity="user",
                entity_id=u.username,
            )
    if u is None:
        error = (
            "Wrong username or password, or the account is deactivated."
            if lang_of(request) == "en"
            else "用户名或密码错误，或账号已停用。"
        )
        return render(
            request,
            "login.html",
            {"next": safe_next(next), "error": error, "username": username},
            status_code=400,
        )
    start_session(request, u)
    return redirect(safe_next(next))


@router.post("/logout")
def logout(
    request: Request,
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> Response:
    if user is not None:
        with store.session() as s:
            audit.record(
                s, actor_of(request, user), action="logout", entity="user", entity_id=user.username
            )
            if user.via == "session":  # every copy of the cookie ends, on every browser
                end_all_sessions(s, user.id)
    end_session(request)
    return redirect("/login")


# --- overview, plans, indicators -------------------------------------------------------------


@router.get("/")
def overview(
    request: Request,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """Map of the leagues coloured by assessment status, headline figures, ranking
    (``?plan=&year=``; see :mod:`ecoplan.api.routes_assessment`)."""
    return assessment_pages.overview_page(request, auth, store)


@router.get("/plans")
def plans_page(
    request: Request,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    plans = visible_summaries(store, auth.user)
    return render(
        request, "plans.html", {"plans": plans, "errors": None, "max_mb": MAX_PLAN_BYTES >> 20}
    )


@router.post("/plans/import")
def plans_import(
    request: Request,
    file: UploadFile = File(...),
    replace: bool = Form(False),
    auth: Authorized = Depends(require(PLAN_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    en = lang_of(request) == "en"
    data = file.file.read(MAX_PLAN_BYTES + 1)
    try:
        res = import_plan_bytes(store, auth.actor, data, file.filename or "", replace=replace)
    except PlanFileError as exc:
        err = plan_file_api_error(exc)
        plans = visible_summaries(store, auth.user)
        return render(
            request,
            "plans.html",
            {
                "plans": plans,
                "errors": err,
                "file_name": file.filename,
                "max_mb": MAX_PLAN_BYTES >> 20,
            },
            status_code=err.status,
        )
    verb = {
        "inserted": ("已导入", "imported"),
        "replaced": ("已替换", "replaced"),
        "unchanged": ("未变化", "unchanged"),
    }[res["action"]]
    flash(
        request,
        f"{res['plan_id']}: {verb[1] if en else verb[0]} — {res['indicators']} "
        + ("indicators" if en else "项指标"),
    )
    return redirect("/plans")


@router.post("/plans/{plan_id}/delete")
def plans_delete(
    request: Request,
    plan_id: str,
    auth: Authorized = Depends(require(PLAN_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    delete_plan_audited(store, auth.actor, plan_id)
    flash(request, f"{plan_id}: " + ("deleted" if lang_of(request) == "en" else "已删除"))
    return redirect("/plans")


@router.get("/plans/{plan_id}")
def plan_page(plan_id: str) -> Response:
    return redirect(f"/plans/{plan_id}/indicators")


@router.get("/plans/{plan_id}/indicators")
def indicators_page(
    request: Request,
    plan_id: str,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """Indicators with traffic lights (``?category=&binding=&year=&region=&status=``)."""
    return assessment_pages.indicators_page(request, plan_id, auth, store)


@router.get("/plans/{plan_id}/indicators/{code}")
def indicator_page(
    request: Request,
    plan_id: str,
    code: str,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """One indicator: trend chart, status per region, sources (``?year=&region=``)."""
    return assessment_pages.indicator_page(request, plan_id, code, auth, store)


# --- public portal ---------------------------------------------------------------------------


@router.get("/public")
def public_page(request: Request, store: Store = Depends(get_store)) -> Response:
    """The published subset, for everyone (no login): anonymous visibility rules apply even to
    logged-in visitors, so what they see here is what the public sees (``?plan=``)."""
    return assessment_pages.public_page(request, store)


# --- account ---------------------------------------------------------------------------------


@router.get("/account")
def account_page(
    request: Request,
    auth: Authorized = Depends(require(ACCOUNT_OWN)),
    store: Store = Depends(get_store),
) -> Response:
    assert auth.user is not None
    with store.session() as s:
        me = user_to_dict(require_user(s, auth.user.username))
        tokens = [token_to_dict(t) for t in list_tokens(s, auth.user.id)]
        names = region_names(s)
    return render(
        request,
        "account.html",
        {"me": me, "tokens": tokens, "names": names, "role_zh": ROLE_ZH, "error": None},
    )


@router.post("/account/password")
def account_password(
    request: Request,
    current_password: str = Form(""),
    new_password: str = Form(""),
    auth: Authorized = Depends(require(ACCOUNT_OWN)),
    store: Store = Depends(get_store),
) -> Response:
    assert auth.user is not None
    en = lang_of(request) == "en"
    with store.session() as s:
        u = require_user(s, auth.user.username)
        if not verify_password(u.password_hash, current_password):
            flash(request, "The current password is wrong." if en else "当前密码不正确。", "error")
            return redirect("/account")
        try:
            set_password(s, auth.actor, u.username, new_password)
        except UserError as exc:
            flash(request, str(exc) if en else exc.message_zh, "error")
            return redirect("/account")
        start_session(request, u)  # keep this browser logged in under the new password
    flash(request, "Password changed." if en else "密码已修改。")
    return redirect("/account")


# --- users (admin) ---------------------------------------------------------------------------


@router.get("/users")
def users_page(
    request: Request,
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> Response:
    with store.session() as s:
        rows, _ = list_users(s)
        users = [user_to_dict(u) for u in rows]
        regions = list_regions(s)
    return render(
        request,
        "users.html",
        {
            "users": users,
            "roles": ROLES,
            "role_zh": ROLE_ZH,
            "regions": [r for r in regions if r["level"] != "province"],
            "names": {r["code"]: r["name_zh"] for r in regions},
        },
    )


def _user_error(request: Request, exc: UserError) -> Response:
    flash(request, str(exc) if lang_of(request) == "en" else exc.message_zh, "error")
    return redirect("/users")


@router.post("/users")
def users_add(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    role: str = Form("viewer"),
    region_code: str = Form(""),
    display_name: str = Form(""),
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> Response:
    try:
        with store.session() as s:
            create_user(
                s,
                auth.actor,
                username=username.strip(),
                password=password,
                role=role,
                region_code=region_code or None,
                display_name=display_name.strip() or None,
            )
    except UserError as exc:
        return _user_error(request, exc)
    flash(request, f"{username}: " + ("created" if lang_of(request) == "en" else "已创建"))
    return redirect("/users")


@router.post("/users/{username}")
def users_update(
    request: Request,
    username: str,
    role: str = Form(...),
    region_code: str = Form(""),
    active: str | None = Form(None),
    display_name: str = Form(""),
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> Response:
    try:
        with store.session() as s:
            update_user(
                s,
                auth.actor,
                username,
                role=role,
                region_code=(region_code or None) if role == "editor" else None,
                active=active is not None,
                display_name=display_name.strip() or None,
            )
    except UserError as exc:
        return _user_error(request, exc)
    flash(request, f"{username}: " + ("saved" if lang_of(request) == "en" else "已保存"))
    return redirect("/users")


@router.post("/users/{username}/password")
def users_password(
    request: Request,
    username: str,
    password: str = Form(""),
    auth: Authorized = Depends(require(USER_MANAGE)),
    store: Store = Depends(get_store),
) -> Response:
    try:
        with store.session() as s:
            set_password(s, auth.actor, username, password)
    except UserError as exc:
        return _user_error(request, exc)
    en = lang_of(request) == "en"
    flash(request, f"{username}: " + ("password set" if en else "密码已重置"))
    return redirect("/users")


# --- audit (admin) ---------------------------------------------------------------------------


@router.get("/audit")
def audit_page(
    request: Request,
    user: str = Query(""),
    entity: str = Query(""),
    action: str = Query(""),
    since: date | None = Query(None),
    until: date | None = Query(None),
    page: int = Query(1, ge=1),
    auth: Authorized = Depends(require(AUDIT_READ)),
    store: Store = Depends(get_store),
) -> Response:
    if since and until and since > until:
        raise ApiError(422, f"起始日期 {since} 晚于结束日期 {until}", f"since {since} > {until}")
    with store.session() as s:
        rows, total = audit.query(
            s,
            username=user or None,
            entity=entity or None,
            action=action or None,
            since=since,
            until=until,
            limit=AUDIT_PAGE,
            offset=(page - 1) * AUDIT_PAGE,
        )
    return render(
        request,
        "audit.html",
        {
            "rows": rows,
            "total": total,
            "page": page,
            "pages": max(1, math.ceil(total / AUDIT_PAGE)),
            "filters": {
                "user": user,
                "entity": entity,
                "action": action,
                "since": since.isoformat() if since else "",
                "until": until.isoformat() if until else "",
            },
        },
    )
