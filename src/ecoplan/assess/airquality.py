"""HJ 663 air-quality evaluation of stations and cities from the measurement warehouse.

The work is split where the data shrinks:

1. **One SQL aggregation over the hourly rows** (millions of station-hours): the stations'
   effective hourly values are combined into one hourly series per evaluated unit (city,
   county or station) — the arithmetic mean of the unit's valid station values each hour
   (HJ 663 city value, ``docs/standards-airqual.md`` §5) — and pivoted to the wide form.
   This is a plain ``GROUP BY`` that DuckDB runs here and Spark or Trino would run unchanged.
2. **The standard itself, once** (:mod:`ecoplan.standards`): daily means and validity, O3
   MDA8, daily AQI by the edition in force on each day, annual statistics with and without
   sand-dust days — applied per unit to ~9,000 hourly rows a year, so the standards engine
   stays the single implementation of every rule.

Time stamps are hour-end labels in local time (UTC+8), so year *Y* is the hours stamped
(Y-01-01 00:00, Y+1-01-01 00:00].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ecoplan import engines
from ecoplan.engines.base import Engine
from ecoplan.engines.duckdb_engine import DuckDBEngine
from ecoplan.engines.frames import wide_frame
from ecoplan.model.regions import Level, children, get_region, is_within
from ecoplan.standards import aqi as aqi_std
from ecoplan.standards import validity
from ecoplan.standards.airqual import AnnualStatistics, annual_statistics_both

POLLUTANTS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")


@dataclass(frozen=True)
class UnitEvaluation:
    """The evaluation of one unit (city, county or station) for one year."""

    unit: str
    name_zh: str
    year: int
    raw: AnnualStatistics
    dust_deducted: AnnualStatistics
    dust_days: int
    daily: pd.DataFrame  # the daily table with ``aqi`` and ``dust``

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "name_zh": self.name_zh,
            "year": self.year,
            "dust_days": self.dust_days,
            "raw": self.raw.to_dict(),
            "dust_deducted": self.dust_deducted.to_dict(),
        }


def hourly_wide(
    con: duckdb.DuckDBPyConnection,
    station_unit: pd.DataFrame,
    start: dt.datetime,
    end: dt.datetime,
    *,
    source: str = "air_hourly",
) -> pd.DataFrame:
    """Hourly wide table per unit: the mean of the unit's stations each hour.

    Parameters
    ----------
    con
        DuckDB connection in which *source* is a table or view ``(station, time, pollutant,
        value)`` of effective hourly values (µg/m³, CO mg/m³; hour-end stamps).
    station_unit
        DataFrame ``station, unit``: which stations make up each unit.
    start, end
        Hour stamps ``start < time <= end``.

    Returns
    -------
    DataFrame ``unit, time, SO2, NO2, PM10, PM2.5, CO, O3`` (NaN where no station had a value;
    exact means, :mod:`ecoplan.engines.sql`).
    """
    rows = DuckDBEngine(con, air_source=source).unit_hourly(station_unit, start, end)
    return wide_frame(rows)


def dust_day_flags(
    daily: pd.DataFrame, unit_dust: pd.DataFrame, *, id_col: str = "unit"
) -> np.ndarray:
    """Which (unit, date) rows fall on a recorded sand-dust day.

    *unit_dust* holds ``unit, start, end`` time ranges (local time).  A natural day is a dust
    day of the unit when a range of that unit overlaps it (dust flags are annotations beside
    the values, never edits of them — DESIGN.md).
    """
    flags = np.zeros(len(daily), dtype=bool)
    if unit_dust.empty or daily.empty:
        return flags
    day_start = pd.to_datetime(daily["date"]).to_numpy()
    day_end = day_start + np.timedelta64(1, "D")
    units = daily[id_col].to_numpy()
    for unit, ev in unit_dust.groupby("unit"):  # loop over units, vectorised over days
        rows = units == unit
        if not rows.any():
            continue
        s = pd.to_datetime(ev["start"]).to_numpy()
        e = pd.to_datetime(ev["end"]).to_numpy()
        ds, de = day_start[rows][:, None], day_end[rows][:, None]
        flags[rows] = ((s[None, :] < de) & (e[None, :] > ds)).any(axis=1)
    return flags


def add_daily_aqi(daily: pd.DataFrame) -> pd.DataFrame:
    """Add ``aqi`` (daily AQI, HJ 633 edition by each day's date), ``aqi_version`` and
    ``published`` (False where HJ 633-2026 §5.3.1 publishes the AQI as NA: such a day is not a
    valid day of the good-day ratio, ``ecoplan.standards.airqual``)."""
    dates = pd.to_datetime(daily["date"]).to_numpy()
    versions = aqi_std.versions_for_dates(dates)
    cols = {
        k: daily[k].to_numpy(dtype="float64")
        for k in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h", "O3_1h")
        if k in daily.columns
    }
    res = aqi_std.daily_aqi_array(cols, versions)
    out = daily.copy()
    out["aqi"] = res.aqi
    out["aqi_version"] = versions
    out["published"] = res.published
    return out


def evaluate_units(
    con: duckdb.DuckDBPyConnection,
    station_unit: pd.DataFrame,
    year: int,
    *,
    unit_names: dict[str, str] | None = None,
    unit_dust: pd.DataFrame | None = None,
    source: str = "air_hourly",
    progress: Any = None,
) -> list[UnitEvaluation]:
    """HJ 663 annual evaluation of every unit in *station_unit* for *year*.

    The edition (HJ 663-2013 / -2026 and GB 3095 limits) is the one in force on the last
    day of the year (``docs/standards-airqual.md`` §6); each day's AQI uses the HJ 633
    edition in force on that day.  *progress* is an optional ``callable(n_done, n_total)``.

    The unit-hourly aggregation runs on the :func:`ecoplan.engines.active` engine (DuckDB on
    *con* by default, Spark when set), and :func:`evaluate_hourly` on each unit's rows there.
    """
    start = dt.datetime(year, 1, 1)
    end = dt.datetime(year + 1, 1, 1)
    dust = unit_dust if unit_dust is not None else pd.DataFrame(columns=["unit", "start", "end"])
    eng: Engine | None = engines.active() if source == "air_hourly" else None
    if eng is None or eng.name == "duckdb":
        eng = DuckDBEngine(con, air_source=source)
    step = partial(evaluate_hourly, year=year, unit_names=unit_names or {}, unit_dust=dust)
    frame = eng.unit_hourly(station_unit, start, end)
    parts = eng.map_groups(frame, "unit", step, progress=progress)
    return sorted((e for part in parts for e in part), key=lambda e: e.unit)


def evaluate_hourly(
    rows: pd.DataFrame,
    *,
    year: int,
    unit_names: dict[str, str],
    unit_dust: pd.DataFrame,
    progress: Any = None,
) -> list[UnitEvaluation]:
    """The standards step of :func:`evaluate_units` on unit-hourly rows (of one unit or many):
    daily means and validity, O3 MDA8, daily AQI, dust days, annual statistics with and
    without dust days — all from :mod:`ecoplan.standards`."""
    wide = wide_frame(rows)
    out: list[UnitEvaluation] = []
    units = sorted(wide["unit"].unique())
    if wide.empty:
        return out
    daily_all = validity.daily_table(wide, id_col="unit")
    daily_all = daily_all[pd.to_datetime(daily_all["date"]).dt.year == year]
    daily_all = add_daily_aqi(daily_all.reset_index(drop=True))
    daily_all["dust"] = dust_day_flags(daily_all, unit_dust)
    for i, unit in enumerate(units):
        d = daily_all[daily_all["unit"] == unit].reset_index(drop=True)
        both = annual_statistics_both(d, year=year) if not d.empty else None
        if both is not None:
            out.append(
                UnitEvaluation(
                    unit=str(unit),
                    name_zh=unit_names.get(str(unit), str(unit)),
                    year=year,
                    raw=both["raw"],
                    dust_deducted=both["dust_deducted"],
                    dust_days=int(d["dust"].sum()),
                    daily=d,
                )
            )
        if progress is not None:
            progress(i + 1, len(units))
    return out


def has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether *con* has a table or view called *name*."""
    row = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
    ).fetchone()
    return bool(row and row[0])


def air_units(
    stations: pd.DataFrame, regions: Sequence[str]
) -> tuple[pd.DataFrame, dict[str, str], dict[str, int]]:
    """``station, unit`` rows for every league/city and county to evaluate.

    A league/city (prefecture) is evaluated on its national (国控) stations, as HJ 663 city
    evaluation is; when it has none, on all its non-micro stations (noted). A county on its
    non-micro stations. The province is not a unit: its value is the mean of its prefectures.
    """
    units: set[str] = set()
    for r in regions:
        reg = get_region(r)
        if reg.level is Level.PROVINCE:
            units.update([c.code for c in children(r) if c.level is Level.PREFECTURE])
        else:
            units.add(r)
    usable = stations[stations["kind"].fillna("") != "micro"]
    rows: list[tuple[str, str]] = []
    notes: dict[str, str] = {}
    counts: dict[str, int] = {}
    for u in sorted(units):
        inside = usable[np.array([is_within(str(c), u) for c in usable["region_code"]], dtype=bool)]
        if get_region(u).level is Level.PREFECTURE:
            national = inside[inside["kind"] == "national"]
            if national.empty and not inside.empty:
                notes[u] = "无国控站，使用全部非微站"
            else:
                inside = national
        rows += [(str(c), u) for c in inside["code"]]
        counts[u] = len(inside)
    return pd.DataFrame(rows, columns=["station", "unit"]), notes, counts


def unit_dust(con: duckdb.DuckDBPyConnection, station_unit: pd.DataFrame) -> pd.DataFrame:
    """Dust events mapped to units: a region event applies to the units it contains or lies
    in (hierarchy overlap); a station event to the units holding the station."""
    empty = pd.DataFrame(columns=["unit", "start", "end"])
    if not has_table(con, "dust_event"):
        return empty
    ev = con.execute("SELECT region_code, station_code, start_time, end_time FROM dust_event").df()
    if ev.empty or station_unit.empty:
        return empty
    units = sorted(station_unit["unit"].unique())
    out: list[tuple[str, object, object]] = []
    for reg, sta, start, end in ev.itertuples(index=False, name=None):  # few events a year
        if isinstance(sta, str) and sta:
            hit = station_unit.loc[station_unit["station"] == sta, "unit"].unique().tolist()
        elif isinstance(reg, str) and reg:
            hit = [u for u in units if is_within(u, reg) or is_within(reg, u)]
        else:
            hit = []
        out += [(u, start, end) for u in hit]
    return pd.DataFrame(out, columns=["unit", "start", "end"]) if out else empty


def evaluate_region(
    con: duckdb.DuckDBPyConnection, region_code: str, year: int, *, progress: Any = None
) -> list[UnitEvaluation]:
    """HJ 663 evaluation of the city/cities or county that ``--region CODE`` names."""
    stations = con.execute("SELECT code, region_code, kind FROM station").df()
    su, _notes, _counts = air_units(stations, [region_code])
    names = {u: get_region(u).name_zh for u in su["unit"].unique()}
    return evaluate_units(
        con, su, year, unit_names=names, unit_dust=unit_dust(con, su), progress=progress
    )
