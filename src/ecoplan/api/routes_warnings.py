"""Warnings: ``/api/warnings`` (list, detail with events and inputs, rules, run), the stored
city AQI forecasts ``/api/forecasts``, and the pages ``/warnings`` and ``/warnings/{id}``.

One :data:`router` carries all of them (``app.include_router(routes_warnings.router)``).
Reading needs a login (``data.read``: data-quality warnings are internal); running the rules
is the new action ``warning.run`` (admin), audited as ``warning.run``.
"""

from __future__ import annotations

import datetime as dt
import math
from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ecoplan.api.bounds import RowId
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import Page, PageParams, page, page_params
from ecoplan.api.permissions import READ, define_action
from ecoplan.api.templating import render
from ecoplan.model.warning_rules import (
    CATEGORIES,
    CATEGORY_ZH,
    GROUPS,
    KIND_ZH,
    KINDS,
    WarningRulesError,
)
from ecoplan.store.db import Store
from ecoplan.warn import (
    WarningQueryError,
    WarningRunError,
    deliver,
    get_warning,
    list_forecasts,
    list_warnings,
    resolve_rules,
    run_warnings,
)

WARNING_RUN = define_action(
    "warning.run", zh="运行预警评估", en="run the warning rules", roles=("admin",)
)

api = APIRouter(prefix="/api/warnings", tags=["warnings 预警"], responses=ERRORS)
forecasts_api = APIRouter(prefix="/api/forecasts", tags=["warnings 预警"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
GROUP_ZH = {"air": "空气", "water": "水", "indicator": "指标", "data_quality": "数据质量"}


def _query_error(exc: ValueError, field: str) -> ApiError:
    return ApiError(
        422,
        f"筛选条件无效：{exc}",
        f"Invalid filter: {exc}",
        fields=[{"loc": f"query.{field}", "message": str(exc)}],
    )


def _list(
    store: Store,
    *,
    state: str | None,
    kind: str | None,
    category: str | None,
    region: str | None,
    subject: str | None,
    rule_id: str | None,
    limit: int,
    offset: int,
) -> tuple[list[dict[str, Any]], int]:
    try:
        with store.session() as s:
            return list_warnings(
                s,
                state=state,
                kind=kind,
                category=category,
                region=region,
                subject=subject,
                rule_id=rule_id,
                limit=limit,
                offset=offset,
            )
    except WarningQueryError as exc:
        raise _query_error(exc, "filter") from None


# ------------------------------------------------------------------------------ JSON API


@api.get("", response_model=Page[dict[str, Any]], summary="List warnings 预警列表")
def warnings(
    state: Literal["active", "lifted"] | None = Query(None, description="active | lifted"),
    kind: str | None = Query(
        None, description=f"group ({', '.join(GROUPS)}) or kind ({', '.join(KINDS)})"
    ),
    category: Literal["environment", "progress", "data_quality"] | None = Query(
        None, description="environment (air episodes, water) | progress | data_quality"
    ),
    region: str | None = Query(None, description="region code; includes the regions under it"),
    subject: str | None = Query(None, description="city/section/station code or plan/indicator"),
    rule_id: str | None = Query(None, description="rule id of the rules file"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Warnings, active first then most recently changed, each with its level, message and
    the inputs it was computed from (docs/warnings.md)."""
    rows, total = _list(
        store,
        state=state,
        kind=kind,
        category=category,
        region=region,
        subject=subject,
        rule_id=rule_id,
        limit=p.limit,
        offset=p.offset,
    )
    return page(rows, total, p)


@api.get("/rules", summary="Warning rules in force 预警规则")
def rules(
    _: Authorized = Depends(require(READ)), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """The rules file in force (``$ECOPLAN_HOME/warning_rules.yaml`` or the shipped one)."""
    try:
        return resolve_rules(store.settings).to_dict()
    except WarningRulesError as exc:
        raise ApiError(500, f"预警规则文件无效：{exc}", f"Invalid rules file: {exc}") from None


class RunIn(BaseModel):
    date: dt.date | None = Field(None, description="run date (default today)")
    kinds: list[str] | None = Field(None, description="groups or kinds (default all)")
    send: bool = Field(True, description="deliver the queued notifications afterwards")


@api.post("/run", summary="Run the warning rules 运行预警评估 (admin)")
def run(
    body: RunIn,
    auth: Authorized = Depends(require(WARNING_RUN)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Evaluate the rules for a date (idempotent: a second run for the same date changes
    nothing) and deliver the new notifications. Audited as ``warning.run``."""
    try:
        summary = run_warnings(store, body.date, body.kinds, actor=auth.actor)
    except (WarningRunError, WarningRulesError) as exc:
        raise ApiError(
            422,
            f"无法运行预警评估：{exc}",
            f"Cannot run the warnings: {exc}",
            fields=[{"loc": "body.kinds", "message": str(exc)}],
        ) from None
    out = summary.to_dict()
    out["delivery"] = deliver(store).to_dict() if body.send else None
    return out


@api.get("/{warning_id}", summary="One warning with its events 预警详情")
def warning(
    warning_id: RowId, _: Authorized = Depends(require(READ)), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """One warning: level, state, inputs, and every event (start, upgrade, downgrade, lift,
    repeat-suppressed) with its inputs and the notifications sent."""
    with store.session() as s:
        w = get_warning(s, warning_id)
    if w is None:
        raise not_found(f"编号为 {warning_id} 的预警", f"Warning {warning_id}")
    return w


@forecasts_api.get("", response_model=Page[dict[str, Any]], summary="City AQI forecasts 城市预报")
def forecasts(
    region: str | None = Query(None, description="league/city code"),
    issue_date: date | None = Query(None, description="only this issue date"),
    latest: bool = Query(False, description="only each city's latest issue"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Stored city daily AQI forecasts (every issue date is kept, for later scoring)."""
    try:
        with store.session() as s:
            rows, total = list_forecasts(
                s,
                region=region,
                issue_date=issue_date,
                latest=latest,
                limit=p.limit,
                offset=p.offset,
            )
    except WarningQueryError as exc:
        raise _query_error(exc, "region") from None
    return page(rows, total, p)


# ------------------------------------------------------------------------------ pages


@pages.get("/warnings")
def warnings_page(
    request: Request,
    state: str = Query("active"),
    kind: str = Query(""),
    category: str = Query(""),
    region: str = Query(""),
    page_no: int = Query(1, ge=1, alias="page"),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    st = state if state in ("active", "lifted") else None
    rows, total = _list(
        store,
        state=st,
        kind=kind or None,
        category=category or None,
        region=region or None,
        subject=None,
        rule_id=None,
        limit=PAGE_SIZE,
        offset=(page_no - 1) * PAGE_SIZE,
    )
    return render(
        request,
        "warnings.html",
        {
            "rows": rows,
            "total": total,
            "page": page_no,
            "pages": max(1, math.ceil(total / PAGE_SIZE)),
            "filters": {"state": state, "kind": kind, "category": category, "region": region},
            "groups": [(g, GROUP_ZH[g]) for g in GROUPS],
            "kinds": [(k, KIND_ZH[k]) for k in KINDS],
            "categories": [(c, CATEGORY_ZH[c]) for c in CATEGORIES],
        },
    )


@pages.get("/warnings/{warning_id}")
def warning_page(
    request: Request,
    warning_id: RowId,
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    with store.session() as s:
        w = get_warning(s, warning_id)
    if w is None:
        raise not_found(f"编号为 {warning_id} 的预警", f"Warning {warning_id}")
    return render(request, "warnings_detail.html", {"w": w})


router = APIRouter()
router.include_router(api)
router.include_router(forecasts_api)
router.include_router(pages)
