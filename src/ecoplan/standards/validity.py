"""Data validity and hourly → daily statistics (GB 3095 Table 4, HJ 663 §6.1.2).

Time convention (``docs/standards-airqual.md`` §1)
---------------------------------------------------
* All times are local time UTC+8 (北京时间), as naive ``datetime64``; time-zone-aware input is
  converted to UTC+8.
* **Hours are labelled by their end** by default (``hour_label="end"``): the value at
  ``16:00`` is the mean over 15:00–16:00.  This is how HJ 663-2013 Table A.1 defines the
  1-hour average ("整点时刻前1小时时段内…的算术平均值", quoted by GB/T 34302-2017 §2.3) and how
  CNEMC publishes real-time data.  ``hour_label="start"`` is accepted for data labelled by the
  start of the hour.
* The **natural day** d (自然日) covers 00:00–24:00, i.e. the hours labelled d 01:00 … d+1 00:00
  (end labels).  Daily means and the O3 daily max 8 h both use exactly these 24 hours.
* The **8-hour moving average** labelled X is the mean of the hourly values labelled
  X-7 … X (HJ 663-2013 Table A.1 via GB/T 34302-2017 §2.2), i.e. it covers (X-8 h, X].
* The **O3 daily max 8 h** (MDA8, 日最大8小时平均) of day d is the maximum of the 8-hour means
  labelled d 08:00 … d 24:00 (HJ 663: "8时至24时"), 17 windows lying wholly inside the day;
  see :class:`Mda8Rule` to change this.

Input tables
------------
*Hourly* tables are **wide**: one row per (id, hour), columns ``station`` (or another id
column, see ``id_col``), ``time`` and any of ``SO2, NO2, PM10, PM2.5, CO, O3`` (floats,
µg/m³, CO mg/m³; NaN = missing or invalid hour).  :func:`wide_from_long` converts a long table
(``station, time, pollutant, value``).  Duplicate (id, time) rows, times not on the hour and
negative or infinite values raise :class:`AirDataError`.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from ecoplan.standards.limits import BASIC_POLLUTANTS, canonical_pollutant

__all__ = [
    "ANNUAL_MIN_DAYS",
    "DAILY_MIN_HOURS",
    "EIGHT_HOUR_MIN_HOURS",
    "FEBRUARY_MIN_DAYS",
    "HJ663_MDA8",
    "MONTH_MIN_DAYS",
    "AirDataError",
    "HourLabel",
    "Mda8Rule",
    "annual_valid",
    "annual_validity",
    "city_daily_from_stations",
    "city_hourly",
    "daily_means",
    "daily_table",
    "o3_8h_rolling",
    "o3_daily_max_1h",
    "o3_daily_max_8h",
    "wide_from_long",
]

#: GB 3095 Table 4: a daily mean needs at least 20 hourly values (or hours of sampling).
DAILY_MIN_HOURS = 20
#: GB 3095 Table 4: an O3 8-hour mean needs at least 6 hourly values in the 8 hours.
EIGHT_HOUR_MIN_HOURS = 6
#: GB 3095 Table 4: an annual mean needs at least 324 daily values in the year …
ANNUAL_MIN_DAYS = 324
#: … and at least 27 daily values in every month …
MONTH_MIN_DAYS = 27
#: … except February, which needs 25.
FEBRUARY_MIN_DAYS = 25

HourLabel = Literal["end", "start"]
_HOUR = np.timedelta64(1, "h")


class AirDataError(ValueError):
    """Input air-quality table is malformed (missing column, duplicate hour, bad value…)."""


@dataclass(frozen=True)
class Mda8Rule:
    """How the O3 daily maximum 8-hour average is formed and validated.

    Attributes
    ----------
    first_end_hour, last_end_hour
        End labels (hours after the day's 00:00) of the first and last 8-hour windows that
        belong to the day.  HJ 663: 8 and 24 ("8时至24时"): 17 windows, all inside the day.
        ``last_end_hour`` up to 31 is allowed (windows starting up to 23:00 and reaching into
        the next day, the US-EPA-like convention).
    min_windows
        Valid 8-hour means needed in the day (HJ 663 §6.1.2: 14).
    min_hours
        Valid hourly values needed in one 8-hour window (GB 3095 Table 4: 6).
    exceed_limit
        With fewer than ``min_windows`` valid windows the MDA8 is still valid when it
        *exceeds* this value (HJ 663 §6.1.2: "超过浓度限值"); default the level-2 8-hour limit
        160 µg/m³, the same in GB 3095-2012 and -2026.  ``None`` disables the exception.
    """

    first_end_hour: int = 8
    last_end_hour: int = 24
    min_windows: int = 14
    min_hours: int = EIGHT_HOUR_MIN_HOURS
    exceed_limit: float | None = 160.0

    def __post_init__(self) -> None:
        if not 1 <= self.first_end_hour <= self.last_end_hour <= 31:
            raise AirDataError(
                "need 1 <= first_end_hour <= last_end_hour <= 31, got "
                f"{self.first_end_hour}..{self.last_end_hour}"
            )
        n = self.last_end_hour - self.first_end_hour + 1
        if not 1 <= self.min_windows <= n:
            raise AirDataError(f"min_windows must be within 1..{n}, got {self.min_windows}")
        if not 1 <= self.min_hours <= 8:
            raise AirDataError(f"min_hours must be within 1..8, got {self.min_hours}")

    @property
    def n_windows(self) -> int:
        """Number of candidate 8-hour windows per day (HJ 663: 17)."""
        return self.last_end_hour - self.first_end_hour + 1


#: HJ 663-2013 / HJ 663-2026 §6.1.2 rule: windows ending 08:00..24:00, ≥ 14 valid of 17,
#: each window ≥ 6 hours, exception when the MDA8 exceeds 160 µg/m³.
HJ663_MDA8 = Mda8Rule()


# --------------------------------------------------------------------------------------------
# input checking
# --------------------------------------------------------------------------------------------


def _pollutant_columns(df: pd.DataFrame, wanted: Iterable[str] | None) -> list[str]:
    if wanted is None:
        cols = [p for p in BASIC_POLLUTANTS if p in df.columns]
    else:
        cols = [canonical_pollutant(p) for p in wanted]
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise AirDataError(f"hourly table has no column(s) {missing}")
    if not cols:
        raise AirDataError(
            f"hourly table has none of the pollutant columns {list(BASIC_POLLUTANTS)}; "
            f"columns are {list(df.columns)}"
        )
    return cols


def _local_naive(times: pd.Series, what: str) -> pd.Series:
    if not pd.api.types.is_datetime64_any_dtype(times):
        raise AirDataError(f"{what} must be a datetime column, got dtype {times.dtype}")
    if getattr(times.dt, "tz", None) is not None:
        times = times.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    if times.isna().any():
        raise AirDataError(f"{what} has {int(times.isna().sum())} missing (NaT) value(s)")
    return times.astype("datetime64[ns]")


def _check_values(df: pd.DataFrame, cols: list[str], table: str) -> None:
    for c in cols:
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise AirDataError(f"{table}: column {c!r} must be numeric, got {df[c].dtype}")
        v = df[c].to_numpy(dtype=float)
        bad = np.isinf(v) | (v < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AirDataError(
                f"{table}: column {c!r} has {int(bad.sum())} negative or infinite value(s), "
                f"first at row {df.index[i]!r} ({v[i]}); mark invalid hours as NaN instead"
            )


def _prepare_hourly(
    hourly: pd.DataFrame, id_col: str, hour_label: HourLabel, cols: list[str]
) -> pd.DataFrame:
    """Checked copy with columns ``_id``, ``_start`` (interval start) and *cols*."""
    if not isinstance(hourly, pd.DataFrame):
        raise AirDataError(f"expected a pandas DataFrame, got {type(hourly).__name__}")
    for c in (id_col, "time"):
        if c not in hourly.columns:
            raise AirDataError(f"hourly table has no {c!r} column; columns: {list(hourly.columns)}")
    if hour_label not in ("end", "start"):
        raise AirDataError(f"hour_label must be 'end' or 'start', got {hour_label!r}")
    if hourly[id_col].isna().any():
        raise AirDataError(f"hourly table: {id_col!r} has missing values")
    times = _local_naive(hourly["time"], "hourly table 'time'")
    off = times != times.dt.floor("h")
    if off.any():
        raise AirDataError(
            f"hourly table: {int(off.sum())} time(s) not on the hour, first {times[off].iloc[0]}"
        )
    _check_values(hourly, cols, "hourly table")
    start = times - pd.Timedelta(hours=1) if hour_label == "end" else times
    out = pd.DataFrame(
        {"_id": hourly[id_col].to_numpy(), "_start": start.to_numpy()}, index=hourly.index
    )
    for c in cols:
        out[c] = hourly[c].to_numpy(dtype=float)
    dup = out.duplicated(["_id", "_start"], keep=False)
    if dup.any():
        first = out.loc[dup].iloc[0]
        raise AirDataError(
            f"hourly table: {int(dup.sum())} rows share an ({id_col}, time); first "
            f"{id_col}={first['_id']!r} at {hourly.loc[dup, 'time'].iloc[0]}"
        )
    return out


def _label(starts: npt.NDArray[np.datetime64], hour_label: HourLabel) -> npt.NDArray[Any]:
    return starts + _HOUR if hour_label == "end" else starts


def wide_from_long(
    long: pd.DataFrame, *, id_col: str = "station", pollutant_col: str = "pollutant"
) -> pd.DataFrame:
    """Long hourly table (``station, time, pollutant, value``) → wide (one column each).

    Pollutant names are canonicalised (``pm2_5`` → ``PM2.5``).  A repeated
    (id, time, pollutant) raises :class:`AirDataError`.
    """
    need = [id_col, "time", pollutant_col, "value"]
    missing = [c for c in need if c not in long.columns]
    if missing:
        raise AirDataError(f"long table has no column(s) {missing}")
    names = long[pollutant_col].astype(str)
    canon = {n: canonical_pollutant(n) for n in names.unique()}
    df = pd.DataFrame(
        {
            id_col: long[id_col].to_numpy(),
            "time": long["time"].to_numpy(),
            "_p": names.map(canon).to_numpy(),
            "value": pd.to_numeric(long["value"], errors="raise").to_numpy(dtype=float),
        }
    )
    dup = df.duplicated([id_col, "time", "_p"], keep=False)
    if dup.any():
        r = df.loc[dup].iloc[0]
        raise AirDataError(
            f"long table: {int(dup.sum())} rows repeat an ({id_col}, time, pollutant); first "
            f"{r[id_col]!r} {r['time']} {r['_p']}"
        )
    wide = df.pivot(index=[id_col, "time"], columns="_p", values="value")
    wide.columns.name = None
    order = [p for p in BASIC_POLLUTANTS if p in wide.columns]
    return wide.reset_index()[[id_col, "time", *order]]


# --------------------------------------------------------------------------------------------
# daily means
# --------------------------------------------------------------------------------------------


def daily_means(
    hourly: pd.DataFrame,
    *,
    pollutants: Iterable[str] | None = None,
    id_col: str = "station",
    hour_label: HourLabel = "end",
    min_hours: int = DAILY_MIN_HOURS,
) -> pd.DataFrame:
    """Daily (natural-day) means of hourly values, NaN where the day is invalid.

    GB 3095-2012/2026 §3 (日平均: mean of the 24 hourly means of a natural day) and Table 4
    (valid with ≥ 20 hourly values).

    Parameters
    ----------
    hourly
        Wide hourly table (module docstring), N rows.
    pollutants
        Columns to average; default every basic pollutant present.
    id_col
        Station (or city) id column.
    hour_label
        ``"end"`` (default) or ``"start"``, see the module docstring.
    min_hours
        Valid hourly values needed for a valid daily mean (GB 3095 Table 4: 20).

    Returns
    -------
    DataFrame
        One row per (id, date) that has at least one hourly row, sorted; columns *id_col*,
        ``date`` (datetime64, midnight starting the natural day), each pollutant (mean, NaN
        if fewer than *min_hours* valid hours) and ``n_<pollutant>`` (int, valid hours).
    """
    cols = _pollutant_columns(hourly, pollutants)
    df = _prepare_hourly(hourly, id_col, hour_label, cols)
    df["date"] = df["_start"].dt.floor("D")
    g = df.groupby(["_id", "date"], sort=True)[cols]
    mean = g.mean()
    count = g.count()
    out = mean.where(count >= min_hours)
    for c in cols:
        out[f"n_{c}"] = count[c].astype("int64")
    out = out.reset_index().rename(columns={"_id": id_col})
    return out[[id_col, "date", *cols, *(f"n_{c}" for c in cols)]]


def o3_daily_max_1h(
    hourly: pd.DataFrame,
    *,
    id_col: str = "station",
    hour_label: HourLabel = "end",
    min_hours: int = DAILY_MIN_HOURS,
) -> pd.DataFrame:
    """O3 daily maximum 1-hour value of each natural day (HJ 633-2012 daily report item).

    No source gives a count rule for this statistic; by default it needs the same ≥ 20 valid
    hours as a daily mean (UNCONFIRMED, ``docs/standards-airqual.md`` §2.4).

    Returns
    -------
    DataFrame
        Columns *id_col*, ``date``, ``O3_1h`` (µg/m³, NaN if invalid), ``n_O3_1h``.
    """
    df = _prepare_hourly(hourly, id_col, hour_label, _pollutant_columns(hourly, ["O3"]))
    df["date"] = df["_start"].dt.floor("D")
    g = df.groupby(["_id", "date"], sort=True)["O3"]
    mx, n = g.max(), g.count()
    out = pd.DataFrame({"O3_1h": mx.where(n >= min_hours), "n_O3_1h": n.astype("int64")})
    return out.reset_index().rename(columns={"_id": id_col})


# --------------------------------------------------------------------------------------------
# O3 8-hour moving average and daily maximum
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Grid:
    """Dense hourly grid: per id, whole days from one day before its first to one after its last."""

    ids: npt.NDArray[Any]  # unique ids, sorted
    first_day: npt.NDArray[np.int64]  # per id, days since epoch of the first real day
    n_days: npt.NDArray[np.int64]  # per id, real days (padding excluded)
    offset: npt.NDArray[np.int64]  # per id, grid index of its block start (the padding day)
    values: npt.NDArray[np.float64]  # the grid, NaN where no valid value


def _hour_grid(df: pd.DataFrame, col: str) -> _Grid:
    codes, ids = pd.factorize(df["_id"], sort=True)
    hours = df["_start"].to_numpy().astype("datetime64[h]").astype(np.int64)
    day = np.floor_divide(hours, 24)
    k = len(ids)
    first = np.full(k, np.iinfo(np.int64).max)
    last = np.full(k, np.iinfo(np.int64).min)
    np.minimum.at(first, codes, day)
    np.maximum.at(last, codes, day)
    n_days = last - first + 1
    block = (n_days + 2) * 24  # one padding day before and after
    offset = np.concatenate([[0], np.cumsum(block)[:-1]]).astype(np.int64)
    grid = np.full(int(block.sum()), np.nan)
    pos = offset[codes] + (hours - (first[codes] - 1) * 24)
    grid[pos] = df[col].to_numpy(dtype=float)
    return _Grid(np.asarray(ids), first, n_days, offset, grid)


def _rolling8(values: npt.NDArray[np.float64], min_hours: int) -> tuple[Any, Any]:
    """8-hour trailing means (index i = window ending with hour i) and valid-hour counts."""
    n = len(values)
    ok = ~np.isnan(values)
    z = np.where(ok, values, 0.0)
    s = np.zeros(n)
    c = np.zeros(n, dtype=np.int64)
    for k in range(8):  # 8 window positions, not a loop over rows
        s[k:] += z[: n - k]
        c[k:] += ok[: n - k]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(c >= min_hours, s / np.maximum(c, 1), np.nan)
    return mean, c


def _ragged_arange(lengths: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``concatenate([arange(n) for n in lengths])`` without a Python loop."""
    total = int(lengths.sum())
    before = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) - np.repeat(before, lengths)


def _real_hour_index(grid: _Grid) -> npt.NDArray[np.int64]:
    """Grid indices of every hour of every real (non-padding) day, id by id."""
    lens = grid.n_days * 24
    return np.repeat(grid.offset + 24, lens) + _ragged_arange(lens)


def o3_8h_rolling(
    hourly: pd.DataFrame,
    *,
    id_col: str = "station",
    hour_label: HourLabel = "end",
    min_hours: int = EIGHT_HOUR_MIN_HOURS,
) -> pd.DataFrame:
    """O3 8-hour moving averages (8小时滑动平均), GB 3095 §3, Table 4; HJ 663 Table A.1.

    The value labelled X is the mean of the valid hourly values labelled X-7 … X; it is
    valid with ≥ *min_hours* (6) of them.  Missing rows count as missing hours.

    Returns
    -------
    DataFrame
        A complete hourly series for every natural day in which the id has data: columns
        *id_col*, ``time`` (labelled like the input), ``O3_8h`` (µg/m³, NaN if invalid) and
        ``n_O3_8h`` (valid hours in the window, 0..8).
    """
    df = _prepare_hourly(hourly, id_col, hour_label, _pollutant_columns(hourly, ["O3"]))
    grid = _hour_grid(df, "O3")
    mean, count = _rolling8(grid.values, min_hours)
    idx = _real_hour_index(grid)
    id_rep = np.repeat(np.arange(len(grid.ids)), grid.n_days * 24)
    start_hours = idx - grid.offset[id_rep] + (grid.first_day[id_rep] - 1) * 24
    starts = start_hours.astype("datetime64[h]").astype("datetime64[ns]")
    return pd.DataFrame(
        {
            id_col: grid.ids[id_rep],
            "time": _label(starts, hour_label),
            "O3_8h": mean[idx],
            "n_O3_8h": count[idx],
        }
    )


def o3_daily_max_8h(
    hourly: pd.DataFrame,
    *,
    id_col: str = "station",
    hour_label: HourLabel = "end",
    rule: Mda8Rule = HJ663_MDA8,
) -> pd.DataFrame:
    """O3 daily maximum 8-hour average (日最大8小时平均, MDA8) of each natural day.

    GB 3095 §3 (maximum of the 8-hour moving averages in a natural day), HJ 663 "8时至24时"
    and §6.1.2: valid with ≥ 14 valid 8-hour means among the 17 windows ending 08:00..24:00,
    or with fewer if the maximum exceeds the 8-hour limit (160 µg/m³).  See :class:`Mda8Rule`.

    Returns
    -------
    DataFrame
        One row per (id, date) for every natural day between the id's first and last day
        with data: *id_col*, ``date`` (datetime64 midnight), ``O3_8h`` (µg/m³, NaN if
        invalid), ``n_O3_8h`` (valid 8-hour windows among the rule's windows).
    """
    df = _prepare_hourly(hourly, id_col, hour_label, _pollutant_columns(hourly, ["O3"]))
    grid = _hour_grid(df, "O3")
    mean, _ = _rolling8(grid.values, rule.min_hours)
    days = mean.reshape(-1, 24)  # each id block is whole days, so rows are (id, day)
    nxt = np.vstack([days[1:], np.full((1, 24), np.nan)])
    two = np.hstack([days, nxt])  # columns 0..47: this day's and next day's hours
    win = two[:, rule.first_end_hour - 1 : rule.last_end_hour]  # window ending at hour e → col e-1
    n_valid = (~np.isnan(win)).sum(axis=1)
    mx = np.max(np.where(np.isnan(win), -np.inf, win), axis=1)
    enough = n_valid >= rule.min_windows
    if rule.exceed_limit is not None:
        enough |= (n_valid > 0) & (mx > rule.exceed_limit)
    value = np.where(enough, mx, np.nan)
    # keep the real days only (drop each block's padding days)
    block_days = grid.n_days + 2
    row_start = np.concatenate([[0], np.cumsum(block_days)[:-1]]) + 1
    within = _ragged_arange(grid.n_days)
    rows = np.repeat(row_start, grid.n_days) + within
    id_rep = np.repeat(np.arange(len(grid.ids)), grid.n_days)
    day_num = grid.first_day[id_rep] + within
    return pd.DataFrame(
        {
            id_col: grid.ids[id_rep],
            "date": day_num.astype("datetime64[D]").astype("datetime64[ns]"),
            "O3_8h": value[rows],
            "n_O3_8h": n_valid[rows].astype(np.int64),
        }
    )


def daily_table(
    hourly: pd.DataFrame,
    *,
    id_col: str = "station",
    hour_label: HourLabel = "end",
    min_hours: int = DAILY_MIN_HOURS,
    mda8_rule: Mda8Rule = HJ663_MDA8,
    o3_1h_min_hours: int = DAILY_MIN_HOURS,
) -> pd.DataFrame:
    """The daily evaluation table: daily means, O3 MDA8 and O3 daily max 1 h.

    Columns *id_col*, ``date``, the daily means of ``SO2, NO2, PM10, PM2.5, CO`` present in
    the input (O3's 24-hour mean is *not* included: HJ 663 evaluates O3 by ``O3_8h``), then
    ``O3_8h`` (:func:`o3_daily_max_8h`) and ``O3_1h`` (:func:`o3_daily_max_1h`) when ``O3`` is
    present, and ``n_<column>`` counts.  Outer-joined on (id, date); sorted.
    """
    cols = [p for p in _pollutant_columns(hourly, None) if p != "O3"]
    parts: list[pd.DataFrame] = []
    if cols:
        parts.append(
            daily_means(
                hourly, pollutants=cols, id_col=id_col, hour_label=hour_label, min_hours=min_hours
            )
        )
    if "O3" in hourly.columns:
        parts.append(o3_daily_max_8h(hourly, id_col=id_col, hour_label=hour_label, rule=mda8_rule))
        parts.append(
            o3_daily_max_1h(hourly, id_col=id_col, hour_label=hour_label, min_hours=o3_1h_min_hours)
        )
    out = parts[0]
    for p in parts[1:]:
        out = out.merge(p, on=[id_col, "date"], how="outer")
    out = out.sort_values([id_col, "date"], kind="stable").reset_index(drop=True)
    value_cols = [c for c in out.columns if c not in (id_col, "date") and not c.startswith("n_")]
    n_cols = [c for c in out.columns if c.startswith("n_")]
    out[n_cols] = out[n_cols].fillna(0).astype("int64")
    return out[[id_col, "date", *value_cols, *n_cols]]


# --------------------------------------------------------------------------------------------
# station → city
# --------------------------------------------------------------------------------------------


def _as_series(mapping: Mapping[Hashable, Hashable] | pd.Series) -> pd.Series:
    return mapping if isinstance(mapping, pd.Series) else pd.Series(dict(mapping))


def city_hourly(
    hourly_by_station: pd.DataFrame,
    station_city: Mapping[Hashable, Hashable] | pd.Series | None = None,
    *,
    pollutants: Iterable[str] | None = None,
    city_col: str = "city",
    min_stations: int = 1,
) -> pd.DataFrame:
    """City hourly concentrations: mean of the city's valid station values for each hour.

    UNCONFIRMED rule (standards.md §3.3, ``docs/standards-airqual.md`` §3): for every hour the
    city value is the arithmetic mean of the valid (non-NaN) values of the city's assessment
    stations (评价点位); daily means, 8-hour means and MDA8 of the city are then computed
    from this city hourly series with the ordinary functions (``id_col="city"``).

    Parameters
    ----------
    hourly_by_station
        Wide hourly table with ``station`` and ``time`` (labels unchanged: the output keeps
        them) and either a *city_col* column or a *station_city* mapping.
    station_city
        ``station -> city``; every station in the table must be mapped.
    min_stations
        Valid stations needed for a valid city hour (default 1: any valid station).

    Returns
    -------
    DataFrame
        *city_col*, ``time``, the pollutant means, ``n_<pollutant>`` (valid stations).
    """
    df = hourly_by_station
    for c in ("station", "time"):
        if c not in df.columns:
            raise AirDataError(f"station table has no {c!r} column")
    cols = _pollutant_columns(df, pollutants)
    _check_values(df, cols, "station table")
    if station_city is not None:
        city = df["station"].map(_as_series(station_city))
        if city.isna().any():
            raise AirDataError(
                "stations without a city: "
                f"{sorted(map(str, df.loc[city.isna(), 'station'].unique()))[:10]}"
            )
    elif city_col in df.columns:
        city = df[city_col]
        if city.isna().any():
            raise AirDataError(f"station table: {city_col!r} has missing values")
    else:
        raise AirDataError(f"give station_city or a {city_col!r} column")
    times = _local_naive(df["time"], "station table 'time'")
    work = pd.DataFrame({city_col: city.to_numpy(), "time": times.to_numpy()})
    for c in cols:
        work[c] = df[c].to_numpy(dtype=float)
    dup = pd.DataFrame({"s": df["station"].to_numpy(), "t": times.to_numpy()}).duplicated()
    if dup.any():
        raise AirDataError(f"station table has {int(dup.sum())} repeated (station, time) row(s)")
    g = work.groupby([city_col, "time"], sort=True)[cols]
    mean, count = g.mean(), g.count()
    out = mean.where(count >= min_stations)
    for c in cols:
        out[f"n_{c}"] = count[c].astype("int64")
    return out.reset_index()


def city_daily_from_stations(
    daily_by_station: pd.DataFrame,
    station_city: Mapping[Hashable, Hashable] | pd.Series | None = None,
    *,
    columns: Iterable[str] | None = None,
    city_col: str = "city",
    min_stations: int = 1,
) -> pd.DataFrame:
    """Alternative order: city daily value = mean of the stations' valid daily values.

    Not the default (``docs/standards-airqual.md`` §3); provided to compare with
    :func:`city_hourly`.  *columns* defaults to every non-count value column.
    """
    df = daily_by_station
    if "station" not in df.columns or "date" not in df.columns:
        raise AirDataError("daily station table needs 'station' and 'date' columns")
    if station_city is not None:
        city = df["station"].map(_as_series(station_city))
    elif city_col in df.columns:
        city = df[city_col]
    else:
        raise AirDataError(f"give station_city or a {city_col!r} column")
    if city.isna().any():
        raise AirDataError("daily station table has stations without a city")
    if columns is None:
        cols = [
            c
            for c in df.columns
            if c not in ("station", "date", city_col) and not str(c).startswith("n_")
        ]
    else:
        cols = list(columns)
    work = df[["date", *cols]].copy()
    work[city_col] = city.to_numpy()
    g = work.groupby([city_col, "date"], sort=True)[cols]
    mean, count = g.mean(), g.count()
    out = mean.where(count >= min_stations)
    for c in cols:
        out[f"n_{c}"] = count[c].astype("int64")
    return out.reset_index()


# --------------------------------------------------------------------------------------------
# annual validity
# --------------------------------------------------------------------------------------------


def _dates(col: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(col):
        d = col
    else:
        try:
            d = pd.to_datetime(col)
        except (ValueError, TypeError) as exc:
            raise AirDataError(f"cannot read the 'date' column as dates: {exc}") from None
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    if d.isna().any():
        raise AirDataError("'date' column has missing values")
    return d.dt.floor("D")


def annual_validity(
    daily: pd.DataFrame,
    *,
    columns: Iterable[str] | None = None,
    year: int | None = None,
    min_days: int = ANNUAL_MIN_DAYS,
    month_min_days: int = MONTH_MIN_DAYS,
    february_min_days: int = FEBRUARY_MIN_DAYS,
) -> pd.DataFrame:
    """Annual data-validity check (GB 3095-2012/2026 Table 4) for one station or city.

    A year's statistic is valid when it has ≥ 324 valid daily values and every month has
    ≥ 27 (February ≥ 25, leap year or not).  A valid daily value is a non-NaN entry.

    Parameters
    ----------
    daily
        Table with a ``date`` column and value columns (NaN = invalid day), one row per day.
    columns
        Value columns to check; default every column that is not ``date``, an id, a count
        (``n_*``) or ``aqi``/``dust``.
    year
        Year to check; default the single year in the table (several years raise).

    Returns
    -------
    DataFrame
        Index: column names.  Columns ``m01`` … ``m12`` (valid days per month), ``n_days``,
        ``months_ok`` (bool), ``year_ok`` (bool), ``valid`` (bool: both), ``failed_months``
        (tuple of month numbers below the monthly minimum).
    """
    if "date" not in daily.columns:
        raise AirDataError("daily table has no 'date' column")
    d = _dates(daily["date"])
    years = d.dt.year.unique()
    if year is None:
        if len(years) != 1:
            raise AirDataError(f"daily table spans years {sorted(years)}; pass year=")
        year = int(years[0])
    sel = (d.dt.year == year).to_numpy()
    if d[sel].duplicated().any():
        raise AirDataError("daily table has repeated dates; evaluate one station or city")
    if columns is None:
        skip = {"date", "station", "city", "aqi", "dust"}
        cols = [c for c in daily.columns if c not in skip and not str(c).startswith("n_")]
    else:
        cols = list(columns)
    month = d[sel].dt.month.to_numpy()
    valid = daily.loc[sel, cols].notna().to_numpy()
    counts = np.zeros((len(cols), 12), dtype=np.int64)
    for m in range(1, 13):  # 12 months, vectorised over days and columns
        counts[:, m - 1] = valid[month == m].sum(axis=0)
    need = np.full(12, month_min_days)
    need[1] = february_min_days
    month_ok = counts >= need
    n = counts.sum(axis=1)
    out = pd.DataFrame(
        counts, index=pd.Index(cols, name="column"), columns=[f"m{m:02d}" for m in range(1, 13)]
    )
    out["n_days"] = n
    out["months_ok"] = month_ok.all(axis=1)
    out["year_ok"] = n >= min_days
    out["valid"] = out["months_ok"] & out["year_ok"]
    out["failed_months"] = [tuple(int(m) + 1 for m in np.flatnonzero(~row)) for row in month_ok]
    return out


def annual_valid(
    daily: pd.DataFrame, *, columns: Iterable[str] | None = None, year: int | None = None
) -> bool:
    """Whether every checked column meets the annual validity rule (see :func:`annual_validity`,
    which gives the per-month summary)."""
    return bool(annual_validity(daily, columns=columns, year=year)["valid"].all())
