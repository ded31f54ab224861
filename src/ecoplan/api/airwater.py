"""Air and water figures of the web pages and the API, computed per unit-year and cached.

Every figure comes from the one implementation of its rule — :mod:`ecoplan.assess.airquality`
(stations → unit hourly means, HJ 663), :mod:`ecoplan.standards.validity` (daily means, O3
MDA8, GB 3095 Table 4), :mod:`ecoplan.standards.aqi` (daily AQI by the HJ 633 edition in force
on each day: HJ 633-2012 before 2026-03-01, HJ 633-2026 from then on),
:mod:`ecoplan.standards.airqual` (annual and monthly statistics, sand-dust deduction) and
:mod:`ecoplan.assess.waterquality` / :mod:`ecoplan.standards.water` (GB 3838-2002 single-factor
class) — this module only selects, shapes and caches.

**Units.** A league/city is evaluated on its national (国控) stations, a county on its
non-micro stations (:func:`ecoplan.assess.airquality.air_units`); a station on itself. One
unit-year is computed alone (one SQL aggregation over that unit's stations and year), so the
calendar of a city never recomputes the whole region; the region's evaluation computes only
the units not yet cached, in one aggregation.

**Cache.** One cache per :class:`~ecoplan.store.db.Store`, valid for one *data version*: the
``seq`` of the latest committed import batch (any kind — measurements, registries, dust
events). An import commits a new batch, the version moves on and the next request starts a
fresh cache over a fresh DuckDB snapshot (:func:`ecoplan.store.warehouse.connect`). Entries
are JSON-ready, so a cached answer costs a dictionary lookup (and one ``max(seq)`` query).

**Water-class colours** (UNCONFIRMED: the 2011 评价办法 colour codes are not confirmed,
``reference/standards.md`` §5): Ⅰ–Ⅱ blue (Ⅰ darker), Ⅲ green, Ⅳ yellow, Ⅴ orange, 劣Ⅴ red —
the 蓝/绿/黄/橙/红 of common practice; :data:`WATER_CLASS_COLORS`.

**Section positions.** A section with no coordinates in the registry is drawn at the seat of
its region (GB/T 2260 seat coordinates), spread on a small circle so that several sections of
one region stay apart, and is marked ``position = "seat"`` (the pages say so); never as if
surveyed.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Final, TypeVar
from weakref import WeakKeyDictionary

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from sqlalchemy import func, select

from ecoplan.api.errors import ApiError
from ecoplan.assess.airquality import air_units, dust_day_flags, hourly_wide, unit_dust
from ecoplan.assess.waterquality import classify_sections, evaluate_water, section_means
from ecoplan.model.regions import (
    Level,
    UnknownRegionError,
    ancestors,
    children,
    get_region,
    is_within,
)
from ecoplan.standards import aqi as aqi_std
from ecoplan.standards import validity
from ecoplan.standards.airqual import AnnualStatistics, annual_statistics_both, period_statistics
from ecoplan.standards.aqi_tables import LEVELS, SWITCH_DATE
from ecoplan.standards.limits import BASIC_POLLUTANTS, POLLUTANT_NAMES_ZH, UNITS
from ecoplan.standards.water import classify_array
from ecoplan.standards.water_tables import (
    CLASS_ZH,
    CLASSES,
    GRADE_ZH,
    NATIONAL_ITEMS,
    WATER_ITEMS,
)
from ecoplan.store import schema as s
from ecoplan.store import warehouse
from ecoplan.store.db import Store

__all__ = [
    "AQI_EDITIONS",
    "KIND_ZH",
    "SYNTHETIC_ZH",
    "WATER_CLASS_COLORS",
    "AirWaterError",
    "air_evaluation",
    "air_years",
    "cache_info",
    "class_rows",
    "data_version",
    "section_detail",
    "section_monthly_classes",
    "sections",
    "station_daily",
    "station_detail",
    "stations",
    "unit_daily",
    "unit_monthly",
    "unit_stations",
    "water_evaluation",
    "water_years",
]

SYNTHETIC_ZH: Final = "演示数据（合成）"
SYNTHETIC_EN: Final = "demo data (synthetic)"
KIND_ZH: Final[dict[str, str]] = {"national": "国控", "provincial": "省控", "micro": "微站"}
AQI_EDITIONS: Final[dict[str, str]] = {"2012": "HJ 633-2012", "2026": "HJ 633-2026"}
"""Daily AQI: HJ 633-2012 before 2026-03-01, HJ 633-2026 from 2026-03-01 (``aqi.version_for``)."""
EVAL_EDITIONS: Final[dict[str, str]] = {
    "2012": "HJ 663-2013 / GB 3095-2012",
    "2026": "HJ 663-2026 / GB 3095-2026",
}
"""Annual evaluation: the edition in force on the period's last day (``airqual.version_on``)."""

WATER_CLASS_COLORS: Final[dict[str, str]] = {
    "I": "#1565C0",
    "II": "#42A5F5",
    "III": "#2E9E44",
    "IV": "#F2C200",
    "V": "#FF7E00",
    "劣V": "#E02020",
}
"""Map colour of each GB 3838 class (UNCONFIRMED palette, module docstring)."""
NO_DATA_COLOR: Final = "#9E9E9E"
WATER_CLASS_EN: Final[dict[str, str]] = {c: f"Class {c}" for c in CLASSES[:5]} | {
    "劣V": "Worse than V"
}

CACHE_ENTRIES: Final = 512
"""Entries kept per store (the oldest dropped first); a unit-year is ~100 KB of JSON rows."""

_DAILY_COLS: Final = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h", "O3_1h")
_JSON_KEYS: Final[dict[str, str]] = {
    "SO2": "so2",
    "NO2": "no2",
    "PM10": "pm10",
    "PM2.5": "pm25",
    "CO": "co",
    "O3_8h": "o3_8h",
    "O3_1h": "o3_1h",
}

T = TypeVar("T")


class AirWaterError(ApiError, ValueError):
    """A request the air/water data cannot answer: an unknown code (404) or a region that is
    not an evaluation unit (422), in Chinese and English. An :class:`ApiError`, so the
    application answers it as JSON (API) or an error page (pages) without more code."""


# --------------------------------------------------------------------------------------------
# cache
# --------------------------------------------------------------------------------------------


@dataclass
class _Cache:
    version: int
    con: duckdb.DuckDBPyConnection
    entries: OrderedDict[Hashable, Any] = field(default_factory=OrderedDict)
    lock: threading.RLock = field(default_factory=threading.RLock)
    computed: int = 0


_CACHES: WeakKeyDictionary[Store, _Cache] = WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def data_version(store: Store) -> int:
    """The data version: ``seq`` of the latest committed import batch (0 when none)."""
    with store.session() as ses:
        v = ses.scalar(
            select(func.max(s.ImportBatch.seq)).where(s.ImportBatch.status == "committed")
        )
    return int(v or 0)


def _cache(store: Store) -> _Cache:
    version = data_version(store)
    c = _CACHES.get(store)
    if c is not None and c.version == version:
        return c
    with _CACHES_LOCK:
        c = _CACHES.get(store)
        if c is None or c.version != version:
            c = _Cache(version, warehouse.connect(store=store))
            _CACHES[store] = c
        return c


def _cached(store: Store, key: Hashable, compute: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
    """The cached value of *key*, computing it (under the cache's lock, on its DuckDB
    connection) when it is missing."""
    c = _cache(store)
    try:
        value: T = c.entries[key]
        return value
    except KeyError:
        pass
    with c.lock:  # one computation at a time per store (DuckDB runs it in parallel itself)
        if key in c.entries:
            value = c.entries[key]
            return value
        cur = c.con.cursor()  # a fresh cursor: no result left pending by another computation
        try:
            value = compute(cur)
        finally:
            cur.close()
        c.entries[key] = value
        c.computed += 1
        while len(c.entries) > CACHE_ENTRIES:
            c.entries.popitem(last=False)
        return value


def cache_info(store: Store) -> dict[str, int]:
    """``{"version", "entries", "computed"}`` of *store*'s cache (for tests and diagnostics)."""
    c = _cache(store)
    return {"version": c.version, "entries": len(c.entries), "computed": c.computed}


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------


def _f(x: Any, digits: int = 4) -> float | None:
    """A JSON number (rounded to *digits* to drop float noise), ``None`` for NaN/None."""
    if x is None:
        return None
    v = float(x)
    return None if math.isnan(v) else round(v, digits)


def _region_names(code: str | None) -> tuple[str, str]:
    if not code:
        return "", ""
    try:
        r = get_region(code)
    except UnknownRegionError:
        return code, code
    return r.name_zh, r.name_en


def _check_region(code: str) -> Level:
    try:
        return get_region(code).level
    except UnknownRegionError:
        raise AirWaterError(
            404, f"未找到代码为 {code} 的行政区划", f"Region {code!r} was not found"
        ) from None


def _edition_note(year: int) -> dict[str, str] | None:
    """The note shown for a year that spans 2026-03-01 (two HJ 633 editions)."""
    if year != SWITCH_DATE.year:
        return None
    return {
        "zh": "本年度跨越 2026-03-01：此前各日的 AQI 按 HJ 633-2012 计算，此后按 HJ 633-2026；"
        "年度评价按年末有效的 HJ 663-2026 / GB 3095-2026（过渡阶段）。",
        "en": "This year spans 2026-03-01: daily AQI before it follows HJ 633-2012, from it "
        "HJ 633-2026; the annual evaluation follows the edition in force at the year's end, "
        "HJ 663-2026 / GB 3095-2026 (transition stage).",
    }


# --------------------------------------------------------------------------------------------
# registries
# --------------------------------------------------------------------------------------------


def _station_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    df = con.execute(
        "SELECT code, name, region_code, lon, lat, kind, synthetic, source FROM station "
        "ORDER BY code"
    ).df()
    out = []
    for r in df.itertuples(index=False):  # the registry: tens to hundreds of stations
        zh, en = _region_names(r.region_code)
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "region_code": r.region_code,
                "region_name_zh": zh,
                "region_name_en": en,
                "lon": _f(r.lon, 6),
                "lat": _f(r.lat, 6),
                "kind": r.kind,
                "kind_zh": KIND_ZH.get(str(r.kind), str(r.kind)),
                "synthetic": bool(r.synthetic),
                "source": r.source if isinstance(r.source, str) else None,
            }
        )
    return out


def stations(
    store: Store, *, region: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """The station registry, by code; *region* keeps the stations in it or under it (GB/T
    2260 hierarchy), *kind* one kind (``national`` | ``provincial`` | ``micro``)."""
    if region is not None:
        _check_region(region)
    rows: list[dict[str, Any]] = _cached(store, ("stations",), _station_rows)
    return [
        r
        for r in rows
        if (region is None or is_within(r["region_code"], region))
        and (kind is None or r["kind"] == kind)
    ]


def station_detail(store: Store, code: str) -> dict[str, Any]:
    """One station, with the units whose evaluation it enters (its county and, for a national
    station, its league/city). :class:`AirWaterError` 404 when unknown."""
    rows: list[dict[str, Any]] = _cached(store, ("stations",), _station_rows)
    for r in rows:
        if r["code"] == code:
            units = []
            reg = r["region_code"]
            try:
                chain = [get_region(reg), *ancestors(reg)]
            except UnknownRegionError:
                chain = []
            for region in chain:
                if region.level is Level.PROVINCE:
                    continue
                su = unit_stations(store, region.code)
                if code in su["stations"]:
                    units.append({"code": region.code, "name_zh": region.name_zh})
            return r | {"units": units}
    raise _no_station(code)


def _no_station(code: str) -> AirWaterError:
    return AirWaterError(
        404, f"未找到编码为 {code} 的空气监测站", f"Station {code!r} was not found"
    )


def unit_stations(store: Store, unit: str) -> dict[str, Any]:
    """The stations that make up evaluation unit *unit* (a league/city or a county):
    ``{"unit", "stations": [codes], "note", "synthetic"}``.

    A province is not a unit (its figures are the mean of its leagues/cities): 422.
    """
    level = _check_region(unit)
    if level is Level.PROVINCE:
        raise AirWaterError(
            422,
            f"{unit} 是自治区：请选择一个盟市或旗县（自治区不是评价单元）",
            f"{unit} is the autonomous region: choose a league/city or a county "
            "(the province is not an evaluation unit)",
            code="not_a_unit",
        )

    def compute(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        reg = con.execute("SELECT code, region_code, kind, synthetic FROM station").df()
        su, notes, _counts = air_units(reg, [unit])
        codes = sorted(su["station"].tolist())
        synth = bool(reg.loc[reg["code"].isin(codes), "synthetic"].fillna(False).any())
        return {"unit": unit, "stations": codes, "note": notes.get(unit), "synthetic": synth}

    result: dict[str, Any] = _cached(store, ("unit", unit), compute)
    return result


def _years(con: duckdb.DuckDBPyConnection, sql: str) -> list[int]:
    rows = con.execute(sql).fetchall()
    lo, hi = rows[0] if rows else (None, None)
    if lo is None or hi is None:
        return []
    return list(range(int(lo), int(hi) + 1))


def _air_time_range(store: Store) -> tuple[dt.datetime, dt.datetime] | None:
    """Oldest and newest hour stamp of the committed air files, from their Parquet footers
    (row-group statistics; milliseconds instead of a scan of every row). ``None`` when a
    footer has no statistics or no file is committed."""
    ids = set(warehouse.committed_batches(store).query("kind == 'air'")["id"])
    files = [f for f in warehouse.dataset_files(store.settings, warehouse.AIR) if f.stem in ids]
    lo: dt.datetime | None = None
    hi: dt.datetime | None = None
    for path in files:  # one file per import batch and year
        md = pq.ParquetFile(path).metadata
        j = md.schema.names.index("time")
        for i in range(md.num_row_groups):
            st = md.row_group(i).column(j).statistics
            if st is None or not st.has_min_max:
                return None
            lo = st.min if lo is None else min(lo, st.min)
            hi = st.max if hi is None else max(hi, st.max)
    return (lo, hi) if lo is not None and hi is not None else None


def air_years(store: Store) -> list[int]:
    """Years with hourly air data (hour-end stamps: 00:00 of 1 January belongs to the year
    before), oldest first."""
    sql = (
        "SELECT year(min(time) - INTERVAL 1 HOUR), year(max(time) - INTERVAL 1 HOUR) "
        "FROM air_hourly"
    )

    def compute(con: duckdb.DuckDBPyConnection) -> list[int]:
        span = _air_time_range(store)
        if span is None:
            return _years(con, sql)
        hour = dt.timedelta(hours=1)
        return list(range((span[0] - hour).year, (span[1] - hour).year + 1))

    years: list[int] = _cached(store, ("air_years",), compute)
    return years


def water_years(store: Store) -> list[int]:
    """Years with water samples, oldest first."""
    sql = "SELECT year(min(date)), year(max(date)) FROM water_samples"
    years: list[int] = _cached(store, ("water_years",), lambda con: _years(con, sql))
    return years


# --------------------------------------------------------------------------------------------
# air: daily tables per unit-year
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _UnitYear:
    """The daily table of one unit-year (``aqi``, ``level``, ``primary``, ``dust`` …) and its
    JSON rows."""

    daily: pd.DataFrame
    rows: list[dict[str, Any]]


def _daily_frames(
    con: duckdb.DuckDBPyConnection, station_unit: pd.DataFrame, year: int
) -> dict[str, pd.DataFrame]:
    """Daily tables of every unit of *station_unit* for *year* — one SQL aggregation, then the
    standards engine: daily means and O3 MDA8 (GB 3095 Table 4, HJ 663 §6.1.2), daily AQI
    (HJ 633 by each day's edition), primary pollutants, sand-dust flags."""
    units = sorted(station_unit["unit"].unique()) if not station_unit.empty else []
    empty = {u: pd.DataFrame() for u in units}
    if not units:
        return {}
    wide = hourly_wide(con, station_unit, dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1))
    if wide.empty:
        return empty
    daily = validity.daily_table(wide, id_col="unit")
    daily = daily[pd.to_datetime(daily["date"]).dt.year == year]
    # days inside the span with no hourly value at all are not rows (a day with some hours
    # but too few for a daily value stays, with no AQI)
    counts = daily[[c for c in daily.columns if c.startswith("n_")]].to_numpy()
    daily = daily[(counts > 0).any(axis=1)].reset_index(drop=True)
    if daily.empty:
        return empty
    dates = pd.to_datetime(daily["date"]).to_numpy()
    versions = aqi_std.versions_for_dates(dates)
    res = aqi_std.daily_aqi_array(
        {k: daily[k].to_numpy(dtype="float64") for k in _DAILY_COLS if k in daily.columns},
        versions,
    )
    daily["aqi"] = res.aqi
    daily["aqi_version"] = versions
    daily["level"] = res.level
    daily["primary_mask"] = res.primary_mask
    daily["published"] = res.published
    daily["dust"] = dust_day_flags(daily, unit_dust(con, station_unit))
    out = dict(empty)
    for unit, part in daily.groupby("unit", sort=True):  # a handful of units
        out[str(unit)] = part.reset_index(drop=True)
    return out


_LEVEL_INFO: Final = {lv.number: lv for lv in LEVELS["2026"]}


def _day_rows(daily: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON rows of a daily table (one per day; ≤ 366)."""
    if daily.empty:
        return []
    masks = {int(m): aqi_std.primary_names(int(m)) for m in np.unique(daily["primary_mask"])}
    rows = []
    cols = {c: daily[c].to_numpy(dtype="float64") for c in _DAILY_COLS if c in daily.columns}
    dates = pd.to_datetime(daily["date"]).dt.strftime("%Y-%m-%d").tolist()
    aqi = daily["aqi"].to_numpy(dtype="float64")
    level = daily["level"].to_numpy()
    prim = daily["primary_mask"].to_numpy()
    ver = daily["aqi_version"].to_numpy()
    pub = daily["published"].to_numpy()
    dust = daily["dust"].to_numpy()
    for i, day in enumerate(dates):  # ≤ 366 days
        lv = _LEVEL_INFO.get(int(level[i]))
        row: dict[str, Any] = {"date": day}
        for c, key in _JSON_KEYS.items():
            row[key] = _f(cols[c][i]) if c in cols else None
        row |= {
            "aqi": None if math.isnan(aqi[i]) else int(aqi[i]),
            "level": lv.number if lv else None,
            "level_zh": lv.name_zh if lv else None,
            "level_en": lv.name_en if lv else None,
            "color": lv.color if lv else None,
            "primary": masks[int(prim[i])],
            "version": str(ver[i]),
            "edition": AQI_EDITIONS[str(ver[i])],
            "published": bool(pub[i]),
            "dust": bool(dust[i]),
        }
        rows.append(row)
    return rows


def _check_year(year: int) -> None:
    if not 1900 <= year <= 2200:
        raise AirWaterError(422, f"年份 {year} 不合理", f"Year {year} is out of range")


def _unit_year(store: Store, unit: str, year: int) -> _UnitYear:
    """Cached daily table of one unit-year; computed alone (this unit's stations only)."""
    _check_year(year)
    su = unit_stations(store, unit)

    def compute(con: duckdb.DuckDBPyConnection) -> _UnitYear:
        frame = pd.DataFrame({"station": su["stations"], "unit": unit})
        daily = _daily_frames(con, frame, year).get(unit, pd.DataFrame())
        return _UnitYear(daily, _day_rows(daily))

    result: _UnitYear = _cached(store, ("air_daily", unit, year), compute)
    return result


def _station_year(store: Store, code: str, year: int) -> _UnitYear:
    _check_year(year)
    rows: list[dict[str, Any]] = _cached(store, ("stations",), _station_rows)
    if not any(r["code"] == code for r in rows):
        raise AirWaterError(
            404, f"未找到编码为 {code} 的空气监测站", f"Station {code!r} was not found"
        )

    def compute(con: duckdb.DuckDBPyConnection) -> _UnitYear:
        frame = pd.DataFrame({"station": [code], "unit": [code]})
        daily = _daily_frames(con, frame, year).get(code, pd.DataFrame())
        return _UnitYear(daily, _day_rows(daily))

    result: _UnitYear = _cached(store, ("station_daily", code, year), compute)
    return result


def _series_meta(year: int, uy: _UnitYear) -> dict[str, Any]:
    versions = sorted({r["version"] for r in uy.rows})
    return {
        "year": year,
        "days": len(uy.rows),
        "editions": [AQI_EDITIONS[v] for v in versions],
        "edition_note": _edition_note(year),
    }


def unit_daily(store: Store, unit: str, year: int) -> dict[str, Any]:
    """Daily means, O3 MDA8, daily AQI (level, colour, primary pollutants, edition) and the
    dust flag of every day of *unit* in *year*: ``{"unit", "name_zh", "name_en", "stations",
    "note", "synthetic", "year", "days", "editions", "edition_note", "items": [day rows]}``.

    Concentrations µg/m³ (CO mg/m³); ``o3_8h`` is the MDA8, ``o3_1h`` the daily max 1-h mean.
    ``published`` is False where HJ 633-2026 §5.3.1 withholds the AQI (a pollutant missing
    and AQI ≤ 100).
    """
    su = unit_stations(store, unit)
    uy = _unit_year(store, unit, year)
    zh, en = _region_names(unit)
    return {
        "unit": unit,
        "name_zh": zh,
        "name_en": en,
        "stations": su["stations"],
        "note": su["note"],
        "synthetic": su["synthetic"],
        **_series_meta(year, uy),
        "items": uy.rows,
    }


def station_daily(store: Store, code: str, year: int) -> dict[str, Any]:
    """As :func:`unit_daily` for one station (its own hourly values)."""
    uy = _station_year(store, code, year)
    st = next(r for r in _cached(store, ("stations",), _station_rows) if r["code"] == code)
    return {
        "station": code,
        "name": st["name"],
        "region_code": st["region_code"],
        "synthetic": st["synthetic"],
        **_series_meta(year, uy),
        "items": uy.rows,
    }


# --------------------------------------------------------------------------------------------
# air: monthly statistics and the annual evaluation
# --------------------------------------------------------------------------------------------


def _main_statistics(stats: AnnualStatistics) -> dict[str, dict[str, Any]]:
    """The headline statistic of each pollutant (annual/period mean of SO2, NO2, PM10, PM2.5;
    CO daily-mean 95th percentile; O3 MDA8 90th percentile — HJ 663 Table 1). Period means
    are compared with the annual limits, as monthly bulletins do (``period_statistics``)."""
    out: dict[str, dict[str, Any]] = {}
    for pol in BASIC_POLLUTANTS:
        ev = stats.pollutants[pol]
        st = ev.statistic("mean") if pol not in ("CO", "O3") else ev.statistic("percentile")
        out[_JSON_KEYS.get(pol, pol.lower())] = {
            "pollutant": pol,
            "name_zh": POLLUTANT_NAMES_ZH[pol],
            "statistic_zh": st.label_zh
            if stats.annual
            else st.label_zh.replace("年平均", "月平均"),
            "unit": UNITS[pol],
            "value": _f(st.value),
            "rounded": _f(st.rounded),
            "limit": _f(st.limit),
            "compliant": st.compliant,
            "n_days": ev.n_days,
            "n_deducted": ev.n_deducted,
        }
    return out


def _days(stats: AnnualStatistics) -> dict[str, Any]:
    d = stats.days
    return {
        "valid_days": d.valid_days,
        "good_days": d.good_days,
        "good_ratio": _f(d.good_ratio_rounded, 1) if d.valid_days else None,
        "excellent_days": d.excellent_days,
        "fine_days": d.fine_days,
        "light_days": d.light_days,
        "moderate_days": d.moderate_days,
        "heavy_only_days": d.heavy_only_days,
        "severe_days": d.severe_days,
        "heavy_days": d.heavy_days,
        "deducted_days": d.deducted_days,
    }


def _summary(stats: AnnualStatistics) -> dict[str, Any]:
    return {
        "version": stats.version,
        "edition": EVAL_EDITIONS[stats.version],
        "stage": str(stats.stage),
        "valid": stats.valid,
        "attained": stats.attained,
        "composite": _f(stats.composite.rounded, 2) if stats.composite else None,
        "pollutants": _main_statistics(stats),
        **_days(stats),
    }


def unit_monthly(store: Store, unit: str, year: int) -> dict[str, Any]:
    """Monthly statistics of *unit* in *year* (HJ 663 period statistics, no dust deduction):
    the headline statistic of each pollutant, day counts per AQI level, good days and their
    ratio (优良天数比例 = good / valid days × 100), dust days; 12 rows, empty months with
    ``valid_days`` 0."""
    su = unit_stations(store, unit)

    def compute(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        del con  # the daily table is cached separately
        daily = _unit_year(store, unit, year).daily
        rows: list[dict[str, Any]] = []
        for m in range(1, 13):  # twelve months
            start = dt.date(year, m, 1)
            end = (pd.Timestamp(start) + pd.offsets.MonthEnd(0)).date()
            row: dict[str, Any] = {"month": f"{year:04d}-{m:02d}"}
            in_month = (
                daily[pd.to_datetime(daily["date"]).dt.month == m] if not daily.empty else daily
            )
            if in_month.empty:
                row |= {"version": None, "edition": None, "pollutants": {}, "dust_days": 0}
                row |= dict.fromkeys(_days_keys(), 0) | {"good_ratio": None}
            else:
                stats = period_statistics(in_month, start=start, end=end)
                row |= {
                    "version": stats.version,
                    "edition": EVAL_EDITIONS[stats.version],
                    "pollutants": _main_statistics(stats),
                    "dust_days": int(in_month["dust"].sum()),
                    **_days(stats),
                }
            rows.append(row)
        return rows

    items: list[dict[str, Any]] = _cached(store, ("air_monthly", unit, year), compute)
    zh, en = _region_names(unit)
    return {
        "unit": unit,
        "name_zh": zh,
        "name_en": en,
        "synthetic": su["synthetic"],
        "year": year,
        "edition_note": _edition_note(year),
        "items": items,
    }


def _days_keys() -> tuple[str, ...]:
    return (
        "valid_days",
        "good_days",
        "excellent_days",
        "fine_days",
        "light_days",
        "moderate_days",
        "heavy_only_days",
        "severe_days",
        "heavy_days",
        "deducted_days",
    )


def _evaluation_units(region: str) -> list[str]:
    level = _check_region(region)
    if level is Level.PROVINCE:
        return [c.code for c in children(region) if c.level is Level.PREFECTURE]
    return [region]


def _evaluate_unit(store: Store, unit: str, year: int, *, detail: bool) -> dict[str, Any]:
    su = unit_stations(store, unit)
    zh, en = _region_names(unit)

    def compute(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
        del con
        daily = _unit_year(store, unit, year).daily
        out: dict[str, Any] = {
            "unit": unit,
            "name_zh": zh,
            "name_en": en,
            "stations": len(su["stations"]),
            "note": su["note"],
            "synthetic": su["synthetic"],
            "year": year,
            "dust_days": int(daily["dust"].sum()) if not daily.empty else 0,
            "raw": None,
            "dust_deducted": None,
            "detail": None,
        }
        if daily.empty:
            return out
        both = annual_statistics_both(daily, year=year)
        out["raw"] = _summary(both["raw"])
        out["dust_deducted"] = _summary(both["dust_deducted"])
        out["detail"] = {k: v.to_dict() for k, v in both.items()}
        return out

    ev: dict[str, Any] = _cached(store, ("air_eval", unit, year), compute)
    return ev if detail else {k: v for k, v in ev.items() if k != "detail"}


def _prefetch_units(store: Store, units: list[str], year: int) -> None:
    """Compute the daily tables of the *units* not yet cached in one SQL aggregation, and cache
    each unit-year on its own (the same entries :func:`unit_daily` reads)."""
    c = _cache(store)
    missing = [u for u in units if ("air_daily", u, year) not in c.entries]
    if len(missing) < 2:
        return
    members = {u: unit_stations(store, u)["stations"] for u in missing}
    frame = pd.DataFrame(
        [(st, u) for u, codes in members.items() for st in codes], columns=["station", "unit"]
    )
    with c.lock:
        cur = c.con.cursor()
        try:
            frames = _daily_frames(cur, frame, year)
        finally:
            cur.close()
        for u in missing:
            key = ("air_daily", u, year)
            if key not in c.entries:
                daily = frames.get(u, pd.DataFrame())
                c.entries[key] = _UnitYear(daily, _day_rows(daily))
                c.computed += 1


def air_evaluation(store: Store, region: str, year: int, *, detail: bool = False) -> dict[str, Any]:
    """HJ 663 annual evaluation of *region*'s units for *year*, raw and sand-dust deducted
    (扣沙): the 12 leagues/cities for the autonomous region, else the league/city or county
    itself. ``{"region", "year", "edition_note", "items": [unit evaluations]}``; each unit has
    ``raw`` / ``dust_deducted`` summaries (headline statistic per pollutant with limit and
    compliance, day counts, 优良天数比例, composite index, edition), ``None`` without data;
    *detail* adds the full statistics (``detail``)."""
    _check_year(year)
    units = _evaluation_units(region)
    _prefetch_units(store, units, year)
    zh, en = _region_names(region)
    return {
        "region": region,
        "name_zh": zh,
        "name_en": en,
        "year": year,
        "edition_note": _edition_note(year),
        "items": [_evaluate_unit(store, u, year, detail=detail) for u in units],
    }


# --------------------------------------------------------------------------------------------
# water
# --------------------------------------------------------------------------------------------


def _section_frame(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return con.execute(
        "SELECT code, name, water_body, waterbody_type, region_code, target_class, lon, lat, "
        "synthetic FROM section ORDER BY code"
    ).df()


def _seat_positions(df: pd.DataFrame) -> tuple[list[float | None], list[float | None], list[str]]:
    """Map positions: surveyed coordinates, else the region's seat on a small circle."""
    lon: list[float | None] = []
    lat: list[float | None] = []
    how: list[str] = []
    seen: dict[str, int] = {}
    counts = df["region_code"].value_counts().to_dict()
    for r in df.itertuples(index=False):  # the section registry (tens to hundreds)
        if r.lon is not None and r.lat is not None and not (pd.isna(r.lon) or pd.isna(r.lat)):
            lon.append(float(r.lon))
            lat.append(float(r.lat))
            how.append("surveyed")
            continue
        try:
            reg = get_region(str(r.region_code))
        except UnknownRegionError:
            reg = None
        if reg is None or reg.lon is None or reg.lat is None:
            lon.append(None)
            lat.append(None)
            how.append("none")
            continue
        k = seen.get(reg.code, 0)
        seen[reg.code] = k + 1
        n = int(counts.get(r.region_code, 1))
        radius = 0.0 if n == 1 else 0.12 + 0.02 * n  # degrees: apart on the map, near the seat
        angle = 2 * math.pi * k / max(n, 1)
        lon.append(round(reg.lon + radius * math.cos(angle) / math.cos(math.radians(reg.lat)), 4))
        lat.append(round(reg.lat + radius * math.sin(angle), 4))
        how.append("seat")
    return lon, lat, how


def _section_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    df = _section_frame(con)
    lon, lat, how = _seat_positions(df)
    out = []
    for i, r in enumerate(df.itertuples(index=False)):
        zh, en = _region_names(r.region_code)
        target = r.target_class if isinstance(r.target_class, str) else None
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "water_body": r.water_body if isinstance(r.water_body, str) else None,
                "waterbody_type": r.waterbody_type,
                "waterbody_type_zh": "湖库" if r.waterbody_type == "lake" else "河流",
                "region_code": r.region_code,
                "region_name_zh": zh,
                "region_name_en": en,
                "target_class": target,
                "target_class_zh": CLASS_ZH.get(target) if target else None,
                "lon": lon[i],
                "lat": lat[i],
                "position": how[i],
                "synthetic": bool(r.synthetic),
            }
        )
    return out


def sections(store: Store, *, region: str | None = None) -> list[dict[str, Any]]:
    """The section registry with target classes and map positions; *region* keeps the
    sections in it or under it."""
    if region is not None:
        _check_region(region)
    rows: list[dict[str, Any]] = _cached(store, ("sections",), _section_rows)
    return [r for r in rows if region is None or is_within(r["region_code"], region)]


def section_detail(store: Store, code: str) -> dict[str, Any]:
    """One section of the registry; :class:`AirWaterError` 404 when unknown."""
    for r in sections(store):
        if r["code"] == code:
            return r
    raise AirWaterError(404, f"未找到编码为 {code} 的断面", f"Section {code!r} was not found")


def _item_classes(classed: pd.DataFrame) -> tuple[np.ndarray, list[str]]:
    """Single-factor class code of every evaluated item in every row (GB 3838-2002 §5.1 via
    :func:`ecoplan.standards.water.classify_array`, item by item): ``(codes, items)`` with
    ``codes[row, j]`` for ``items[j]``, 0 where not measured."""
    items = [c for c in NATIONAL_ITEMS if c in classed.columns]
    codes = np.zeros((len(classed), len(items)), dtype=np.int8)
    for wb in ("river", "lake"):
        rows = (classed["waterbody_type"] == wb).to_numpy()
        if not rows.any():
            continue
        for j, item in enumerate(items):  # ≤ 21 items
            col = classed.loc[rows, item].to_numpy(dtype="float64")
            codes[rows, j] = classify_array({item: col}, waterbody=wb)
    return codes, items


def class_rows(classed: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON rows of classified section-periods (the output of
    :func:`ecoplan.assess.waterquality.classify_sections`) with the deciding items (定类项目:
    those whose single-factor class is the section's class, GB 3838-2002 §5.1) and the items
    worse than the target class; item values are the period means (mg/L, pH dimensionless)."""
    if classed.empty:
        return []
    codes, items = _item_classes(classed)
    worst = codes.max(axis=1) if items else np.zeros(len(classed), dtype=np.int8)
    check = classed["class_code"].to_numpy()
    if not np.array_equal(worst[check > 0], check[check > 0]):  # one rule, two routes
        raise RuntimeError("GB 3838 item classes disagree with the section classes")
    values = {item: classed[item].to_numpy(dtype="float64") for item in items}
    target_num = (
        classed["target_class"].map({c: i + 1 for i, c in enumerate(CLASSES)}).fillna(0).to_numpy()
    )
    out = []
    for i, r in enumerate(classed.itertuples(index=False)):  # section-periods (hundreds)
        cls = r.water_class if isinstance(r.water_class, str) else None
        deciding = []
        failing = []
        for j, item in enumerate(items):  # ≤ 21 items
            k = int(codes[i, j])
            if k == 0:
                continue
            entry = {
                "item": item,
                "name_zh": WATER_ITEMS[item].name_zh,
                "value": _f(values[item][i], 6),
                "unit": WATER_ITEMS[item].unit,
                "class": CLASSES[k - 1],
            }
            if cls and k == int(worst[i]):
                deciding.append(entry)
            if target_num[i] and k > target_num[i]:
                failing.append(entry)
        meets = r.meets_target
        out.append(
            {
                "section": r.section,
                "period": r.period,
                "water_class": cls,
                "class_zh": CLASS_ZH.get(cls) if cls else None,
                "grade_zh": GRADE_ZH.get(cls) if cls else None,
                "color": WATER_CLASS_COLORS.get(cls, NO_DATA_COLOR) if cls else NO_DATA_COLOR,
                "target_class": r.target_class if isinstance(r.target_class, str) else None,
                "meets_target": None if meets is None or pd.isna(meets) else bool(meets),
                "deciding_items": deciding,
                "failing_items": failing,
            }
        )
    return out


def _water_year(store: Store, year: int, monthly: bool) -> dict[str, list[dict[str, Any]]]:
    """Classified section rows of *year* (annual or monthly) by section code, cached."""
    _check_year(year)

    def compute(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
        reg = _section_frame(con)[
            ["code", "name", "water_body", "waterbody_type", "region_code", "target_class"]
        ]
        classed = classify_sections(section_means(con, year, monthly=monthly), reg)
        by_section: dict[str, list[dict[str, Any]]] = {}
        for row in class_rows(classed):
            by_section.setdefault(row["section"], []).append(row)
        return by_section

    result: dict[str, list[dict[str, Any]]] = _cached(store, ("water", year, monthly), compute)
    return result


def section_monthly_classes(store: Store, code: str, year: int) -> dict[str, Any]:
    """Monthly classes of section *code* in *year* (GB 3838 class of each month's mean
    concentrations) with the deciding items, and the annual class."""
    sec = section_detail(store, code)
    months = _water_year(store, year, True).get(code, [])
    annual = _water_year(store, year, False).get(code, [])
    return {
        "section": sec,
        "year": year,
        "annual": annual[0] if annual else None,
        "items": sorted(months, key=lambda r: r["period"]),
    }


def water_evaluation(store: Store, region: str, year: int) -> dict[str, Any]:
    """Annual class of every section in *region* (target class, compliance 达标, deciding
    items) and the shares of I–III and 劣V per region (the autonomous region and each
    league/city with sections), from :func:`ecoplan.assess.waterquality.evaluate_water`."""
    _check_region(region)
    _check_year(year)
    annual = _water_year(store, year, False)
    rows = []
    for sec in sections(store, region=region):
        found = annual.get(sec["code"])
        ev = found[0] if found else None
        rows.append(
            sec
            | {
                "water_class": ev["water_class"] if ev else None,
                "class_zh": ev["class_zh"] if ev else None,
                "grade_zh": ev["grade_zh"] if ev else None,
                "color": ev["color"] if ev else NO_DATA_COLOR,
                "meets_target": ev["meets_target"] if ev else None,
                "deciding_items": ev["deciding_items"] if ev else [],
                "failing_items": ev["failing_items"] if ev else [],
            }
        )

    def compute(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        if not annual:  # no sample this year (evaluate_water expects some)
            return out
        for r in evaluate_water(con, region, year):
            zh, en = _region_names(r.region_code)
            with_target = sum(1 for x in r.sections if x["target_class"])
            out.append(
                {
                    "region_code": r.region_code,
                    "name_zh": zh,
                    "name_en": en,
                    "n_sections": r.n_sections,
                    "share_I_III": _f(r.share_i_iii, 1),
                    "share_worse_V": _f(r.share_worse_v, 1),
                    "shares": {k: _f(v, 1) for k, v in r.shares.items()},
                    "with_target": with_target,
                    "meets_target": r.meets_target,
                    "compliance_ratio": _f(100.0 * r.meets_target / with_target, 1)
                    if with_target
                    else None,
                }
            )
        return out

    summary: list[dict[str, Any]] = _cached(store, ("water_summary", region, year), compute)
    zh, en = _region_names(region)
    return {
        "region": region,
        "name_zh": zh,
        "name_en": en,
        "year": year,
        "synthetic": any(r["synthetic"] for r in rows),
        "summary": summary,
        "items": rows,
    }
