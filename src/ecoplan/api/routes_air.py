"""Air quality: the station registry, daily AQI and monthly statistics per city/county and
station, the HJ 663 annual evaluation (raw and sand-dust deducted) — JSON API and the 空气
page.

Every figure comes from :mod:`ecoplan.api.airwater` (computed per unit-year and cached until
the next import). Reading needs an account (``data.read``); monitoring data are not part of
the anonymous published subset.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ecoplan.api import airwater
from ecoplan.api.bounds import offset_query
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import MAX_LIMIT, Page, PageParams, page_of, page_params
from ecoplan.api.permissions import READ
from ecoplan.api.templating import lang_of, render
from ecoplan.model.regions import Level, load_regions
from ecoplan.standards.aqi_tables import LEVELS
from ecoplan.store.db import Store

router = APIRouter(tags=["air 空气"], responses=ERRORS)

YEAR = Query(
    None, ge=1900, le=2200, description="calendar year; default the latest year with air data"
)


def series_params(
    limit: int = Query(
        MAX_LIMIT, ge=1, le=MAX_LIMIT, description=f"items per page (1–{MAX_LIMIT}; default all)"
    ),
    offset: int = offset_query(),
) -> PageParams:
    """Paging of a time series: the same envelope, but the whole year by default."""
    return PageParams(limit, offset)


# --- response bodies -------------------------------------------------------------------------


class StationOut(BaseModel):
    code: str
    name: str
    region_code: str
    region_name_zh: str
    region_name_en: str
    lon: float | None
    lat: float | None
    kind: str = Field(description="national 国控 | provincial 省控 | micro 微站")
    kind_zh: str
    synthetic: bool = Field(description="演示数据（合成）: demo data, not a real station")
    source: str | None


class AirUnitRef(BaseModel):
    code: str
    name_zh: str


class StationDetail(StationOut):
    units: list[AirUnitRef] = Field(description="evaluation units whose figures use this station")


class AirEditionNote(BaseModel):
    zh: str
    en: str


class AirDayOut(BaseModel):
    date: str
    so2: float | None = Field(description="SO2 daily mean, µg/m³")
    no2: float | None = Field(description="NO2 daily mean, µg/m³")
    pm10: float | None = Field(description="PM10 daily mean, µg/m³")
    pm25: float | None = Field(description="PM2.5 daily mean, µg/m³")
    co: float | None = Field(description="CO daily mean, mg/m³")
    o3_8h: float | None = Field(description="O3 daily maximum 8-hour mean (MDA8), µg/m³")
    o3_1h: float | None = Field(description="O3 daily maximum 1-hour mean, µg/m³")
    aqi: int | None = Field(description="daily AQI (HJ 633 of the day's edition)")
    level: int | None = Field(description="AQI level 1–6")
    level_zh: str | None = Field(description="优 / 良 / 轻度污染 / 中度污染 / 重度污染 / 严重污染")
    level_en: str | None
    color: str | None = Field(description="official colour of the level (HJ 633 Appendix A)")
    primary: list[str] = Field(description="primary pollutant(s), AQI > 50 only")
    version: Literal["2012", "2026"]
    edition: str = Field(description="HJ 633-2012 before 2026-03-01, HJ 633-2026 from then")
    published: bool = Field(description="False where HJ 633-2026 §5.3.1 withholds the AQI")
    dust: bool = Field(description="a recorded sand-dust process touches the day")


class AirSeriesMeta(BaseModel):
    year: int
    days: int = Field(description="days with a daily row")
    editions: list[str]
    edition_note: AirEditionNote | None = Field(description="set when the year spans 2026-03-01")


class AirUnitDailyPage(Page[AirDayOut], AirSeriesMeta):
    unit: str
    name_zh: str
    name_en: str
    stations: list[str] = Field(description="stations averaged into the unit's hourly values")
    note: str | None
    synthetic: bool


class AirStationDailyPage(Page[AirDayOut], AirSeriesMeta):
    station: str
    name: str
    region_code: str
    synthetic: bool


class AirPollutantStat(BaseModel):
    pollutant: str
    name_zh: str
    statistic_zh: str
    unit: str
    value: float | None = Field(description="unrounded")
    rounded: float | None = Field(description="bulletin value (GB/T 8170)")
    limit: float | None
    compliant: bool | None
    n_days: int
    n_deducted: int


class AirStats(BaseModel):
    version: Literal["2012", "2026"]
    edition: str
    stage: str
    valid: bool | None = Field(description="GB 3095 Table 4 annual validity (None for a month)")
    attained: bool | None
    composite: float | None = Field(description="综合指数 (HJ 663), 2 decimals")
    pollutants: dict[str, AirPollutantStat]
    valid_days: int
    good_days: int
    good_ratio: float | None = Field(description="优良天数比例, %, 1 decimal")
    excellent_days: int
    fine_days: int
    light_days: int
    moderate_days: int
    heavy_only_days: int
    severe_days: int
    heavy_days: int = Field(description="重污染天数: AQI > 200")
    deducted_days: int


class AirMonthOut(BaseModel):
    month: str
    version: Literal["2012", "2026"] | None
    edition: str | None
    pollutants: dict[str, AirPollutantStat]
    dust_days: int
    valid_days: int
    good_days: int
    good_ratio: float | None
    excellent_days: int
    fine_days: int
    light_days: int
    moderate_days: int
    heavy_only_days: int
    severe_days: int
    heavy_days: int
    deducted_days: int


class AirMonthlyPage(Page[AirMonthOut]):
    unit: str
    name_zh: str
    name_en: str
    synthetic: bool
    year: int
    edition_note: AirEditionNote | None


class AirUnitEvaluationOut(BaseModel):
    unit: str
    name_zh: str
    name_en: str
    stations: int
    note: str | None
    synthetic: bool
    year: int
    dust_days: int
    raw: AirStats | None = Field(description="实况: every valid day")
    dust_deducted: AirStats | None = Field(description="扣沙: sand-dust days deducted")
    detail: dict[str, Any] | None = Field(None, description="full statistics (?detail=true)")


class AirEvaluationPage(Page[AirUnitEvaluationOut]):
    region: str
    name_zh: str
    name_en: str
    year: int
    edition_note: AirEditionNote | None


# --- API -------------------------------------------------------------------------------------


def _year_or_latest(store: Store, year: int | None) -> int:
    if year is not None:
        return year
    years = airwater.air_years(store)
    return years[-1] if years else dt.date.today().year


@router.get("/api/stations", response_model=Page[StationOut], summary="Air stations 空气监测站")
def stations_route(
    region: str | None = Query(None, pattern=r"^\d{6}$", description="in or under this region"),
    kind: Literal["national", "provincial", "micro"] | None = Query(None),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The station registry by code; ``synthetic`` marks demo stations (演示数据（合成）)."""
    return page_of(airwater.stations(store, region=region, kind=kind), p)


@router.get("/api/stations/{code}", response_model=StationDetail, summary="One station 单个监测站")
def station_route(
    code: str, _: Authorized = Depends(require(READ)), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """One station and the evaluation units (league/city, county) its values enter."""
    return airwater.station_detail(store, code)


@router.get(
    "/api/air/cities/{code}/daily",
    response_model=AirUnitDailyPage,
    summary="Daily AQI of a city or county 城市日空气质量",
)
def city_daily_route(
    code: str,
    year: int | None = YEAR,
    p: PageParams = Depends(series_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Every day of the year: daily means, O3 MDA8, daily AQI with level, colour, primary
    pollutant(s), the HJ 633 edition of the day (2012 before 2026-03-01, 2026 from then) and
    the sand-dust flag. *code*: a league/city (evaluated on its national stations) or a county
    (on its non-micro stations); the autonomous region is not a unit (422)."""
    body = airwater.unit_daily(store, code, _year_or_latest(store, year))
    return body | page_of(body["items"], p)


@router.get(
    "/api/air/cities/{code}/monthly",
    response_model=AirMonthlyPage,
    summary="Monthly statistics of a city or county 城市月统计",
)
def city_monthly_route(
    code: str,
    year: int | None = YEAR,
    p: PageParams = Depends(series_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Twelve months: the HJ 663 headline statistic of each pollutant, day counts per AQI
    level, good days and 优良天数比例, dust days (no deduction)."""
    body = airwater.unit_monthly(store, code, _year_or_latest(store, year))
    return body | page_of(body["items"], p)


@router.get(
    "/api/air/evaluation",
    response_model=AirEvaluationPage,
    summary="Annual HJ 663 evaluation 年度评价（实况与扣沙）",
)
def evaluation_route(
    region: str = Query("150000", pattern=r"^\d{6}$", description="region: all its leagues"),
    year: int | None = YEAR,
    detail: bool = Query(False, description="add the full statistics"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """HJ 663 annual statistics of the leagues/cities of the autonomous region (or of one
    league/city or county), raw and with the sand-dust days deducted, each with the edition
    used (the one in force on 31 December)."""
    body = airwater.air_evaluation(store, region, _year_or_latest(store, year), detail=detail)
    return body | page_of(body["items"], p)


@router.get(
    "/api/air/stations/{code}/daily",
    response_model=AirStationDailyPage,
    summary="Daily AQI of a station 站点日空气质量",
)
def station_daily_route(
    code: str,
    year: int | None = YEAR,
    p: PageParams = Depends(series_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """As the city series, from the station's own hourly values."""
    body = airwater.station_daily(store, code, _year_or_latest(store, year))
    return body | page_of(body["items"], p)


# --- pages -----------------------------------------------------------------------------------

LEVEL_RANGES = ((0, 50), (51, 100), (101, 150), (151, 200), (201, 300), (301, None))


def aqi_levels(lang: str) -> list[dict[str, Any]]:
    """The six AQI levels with their official colours (HJ 633 Table 2 / Appendix A)."""
    out = []
    for lv, (lo, hi) in zip(LEVELS["2026"], LEVEL_RANGES, strict=True):
        name = lv.name_en if lang == "en" else lv.name_zh
        out.append(
            {
                "level": lv.number,
                "min": lo,
                "max": hi,
                "color": lv.color,
                "name": name,
                "label": f"{name} {lo}–{hi}" if hi is not None else f"{name} >{lo - 1}",
            }
        )
    return out


def air_unit_choices(store: Store) -> list[dict[str, Any]]:
    """The units the page offers: the 12 leagues/cities, then counties that have stations."""
    with_stations = {r["region_code"] for r in airwater.stations(store) if r["kind"] != "micro"}
    out = []
    for r in load_regions():
        if r.level is Level.PREFECTURE:
            out.append({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "group": 0})
        elif r.level is Level.COUNTY and r.code in with_stations:
            out.append({"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "group": 1})
    return out


def _calendar_data(daily: dict[str, Any], lang: str) -> dict[str, Any]:
    en = lang == "en"
    return {
        "year": daily["year"],
        "lang": lang,
        "levels": aqi_levels(lang),
        # [date, aqi, level name, primary, dust, edition, published]
        "days": [
            [
                d["date"],
                d["aqi"],
                d["level_en"] if en else d["level_zh"],
                "、".join(d["primary"]) if not en else ", ".join(d["primary"]),
                1 if d["dust"] else 0,
                d["edition"],
                1 if d["published"] else 0,
            ]
            for d in daily["items"]
            if d["aqi"] is not None
        ],
    }


def _monthly_chart(monthly: dict[str, Any], lang: str) -> dict[str, Any]:
    keys: tuple[str, ...] = ("excellent_days", "fine_days", "light_days", "moderate_days")
    keys += ("heavy_only_days", "severe_days")
    levels = aqi_levels(lang)
    return {
        "lang": lang,
        "months": [m["month"][5:] for m in monthly["items"]],
        "levels": [
            {"name": lv["name"], "color": lv["color"], "days": [m[k] for m in monthly["items"]]}
            for lv, k in zip(levels, keys, strict=True)
        ],
        "ratio": [m["good_ratio"] for m in monthly["items"]],
        "pm25": [(m["pollutants"].get("pm25") or {}).get("rounded") for m in monthly["items"]],
    }


@router.get("/air", include_in_schema=False)
def air_page(
    request: Request,
    city: str | None = Query(None, pattern=r"^\d{6}$"),
    year: int | None = Query(None, ge=1900, le=2200),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """Choose a city and a year: the daily AQI calendar, monthly statistics, the stations and
    the annual evaluation (raw and 扣沙 side by side)."""
    lang = lang_of(request)
    years = airwater.air_years(store)
    y = year if year is not None else (years[-1] if years else dt.date.today().year)
    unit = city or "150100"
    daily = airwater.unit_daily(store, unit, y)
    monthly = airwater.unit_monthly(store, unit, y)
    (evaluation,) = airwater.air_evaluation(store, unit, y)["items"]
    member = set(daily["stations"])
    stations = [
        s | {"evaluated": s["code"] in member} for s in airwater.stations(store, region=unit)
    ]
    return render(
        request,
        "air.html",
        {
            "units": air_unit_choices(store),
            "unit": unit,
            "year": y,
            "years": years or [y],
            "daily": daily,
            "monthly": monthly,
            "evaluation": evaluation,
            "stations": stations,
            "levels": aqi_levels(lang),
            "calendar": _calendar_data(daily, lang),
            "monthly_chart": _monthly_chart(monthly, lang),
            "synthetic": daily["synthetic"] or any(s["synthetic"] for s in stations),
        },
    )


@router.get("/air/leagues", include_in_schema=False)
def air_leagues_fragment(
    request: Request,
    year: int = Query(..., ge=1900, le=2200),
    current: str | None = Query(None, pattern=r"^\d{6}$"),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """The 12 leagues/cities side by side (loaded after the page, htmx): the region-wide
    computation never delays the calendar."""
    ev = airwater.air_evaluation(store, "150000", year)
    return render(request, "air_leagues.html", {"evaluation": ev, "year": year, "current": current})
