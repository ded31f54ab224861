"""Forecast verification: ``GET /api/forecasts/verify`` (JSON) and the page
``/forecasts/verify`` (预报检验, docs/forecast.md). Reading needs ``data.read``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError
from ecoplan.api.models import ERRORS
from ecoplan.api.permissions import READ
from ecoplan.api.templating import NavItem, add_nav_item, render
from ecoplan.forecast.verify import VerifyError, verify
from ecoplan.model.regions import Level, children
from ecoplan.store import warehouse
from ecoplan.store.db import Store

api = APIRouter(prefix="/api/forecasts", tags=["forecasts 预报检验"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
MAX_DAYS = 3 * 366
"""Longest verification window one request may ask for."""

add_nav_item(NavItem("forecasts", "/forecasts/verify", "预报检验", "Forecasts", "data.read"),
             before="public")  # fmt: skip


def _window(start: dt.date | None, end: dt.date | None) -> tuple[dt.date, dt.date]:
    d1 = end or dt.date.today() - dt.timedelta(days=1)
    d0 = start or d1 - dt.timedelta(days=89)
    if (d1 - d0).days >= MAX_DAYS:
        raise ApiError(
            422,
            f"检验时段不能超过 {MAX_DAYS} 天",
            f"The window may not exceed {MAX_DAYS} days",
            fields=[{"loc": "query.from", "message": "window too long"}],
        )
    return d0, d1


def _report(store: Store, cities: list[str] | None, d0: dt.date, d1: dt.date) -> dict[str, Any]:
    from ecoplan.forecast.baseline import stored_baseline

    con = warehouse.connect(store=store)
    try:
        with store.session() as s:
            extra = stored_baseline(s, cities, d0, d1)
            return verify(s, con, d0, d1, cities=cities, extra=extra)
    except VerifyError as exc:
        raise ApiError(
            422,
            f"无法检验：{exc}",
            f"Cannot verify: {exc}",
            fields=[{"loc": "query", "message": str(exc)}],
        ) from None
    finally:
        con.close()


@api.get("/verify", summary="Forecast verification 预报检验")
def verify_api(
    city: list[str] | None = Query(None, description="league/city codes (default all)"),
    start: dt.date | None = Query(None, alias="from", description="first target day"),
    end: dt.date | None = Query(
        None, alias="to", description="last target day (default: yesterday)"
    ),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Scores of the stored forecasts (imported and baseline) against the observed daily AQI
    by lead day and city, heavy-pollution days and warnings as events, skill vs persistence."""
    d0, d1 = _window(start, end)
    return _report(store, city or None, d0, d1)


@pages.get("/forecasts/verify")
def verify_page(
    request: Request,
    city: str = Query(""),
    start: dt.date | None = Query(None, alias="from"),
    end: dt.date | None = Query(None, alias="to"),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    d0, d1 = _window(start, end)
    report = _report(store, [city] if city else None, d0, d1)
    leagues = [(r.code, r.name_zh) for r in children("150000") if r.level is Level.PREFECTURE]
    return render(
        request,
        "forecast_verify.html",
        {"r": report, "leagues": leagues, "filters": {"city": city, "from": d0, "to": d1}},
    )


router = APIRouter()
router.include_router(api)
router.include_router(pages)
