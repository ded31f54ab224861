"""Ambient air quality evaluation (HJ 663-2013 / HJ 663-2026 环境空气质量评价技术规范).

Annual (or period) statistics of one station or one city from its *daily table*, the
percentile rule of HJ 663 Appendix A, the composite index (综合指数), 优良天数比例, heavy
pollution day counts and the sand-dust deduction (扣沙).  Hourly → daily work and data
validity are in :mod:`ecoplan.standards.validity`; limits in :mod:`ecoplan.standards.limits`.
Every choice made where the sources are silent is listed in ``docs/standards-airqual.md``.

Daily table (input of :func:`annual_statistics`)
-----------------------------------------------
One row per natural day of **one** station or city:

=================  =========================================================================
``date``           the day (datetime64 or ``datetime.date``), unique
``SO2`` ``NO2``    daily means, µg/m³ (NaN = invalid day for that pollutant)
``PM10`` ``PM2.5`` daily means, µg/m³
``CO``             daily mean, mg/m³
``O3_8h``          O3 daily maximum 8-hour mean (MDA8), µg/m³
``aqi``            daily AQI (from ``ecoplan.standards.aqi``); NaN = no valid AQI that day
``dust``           optional bool: day affected by a sand-dust process (沙尘天气过程影响日)
``published``      optional bool: False where the daily AQI is published as NA (HJ 633-2026
                   §5.3.1); such a day is left out of the day counts (``DayCounts.na_days``)
=================  =========================================================================

A missing pollutant column means "not monitored": its statistics are NaN and its
compliance ``None``.  An optional ``station``/``city`` column must hold a single value.

Versions: ``"2012"`` = GB 3095-2012 + HJ 663-2013 (data before 2026-03-01), ``"2026"`` =
GB 3095-2026 + HJ 663-2026 (from 2026-03-01; transition limits to 2030-12-31, final limits
from 2031-01-01).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, is_dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from ecoplan.standards.exactstats import (
    exact_fraction,
    exact_fractions,
    exact_mean,
    exact_percentile,
    exact_ratio_percent,
    round_exact,
)
from ecoplan.standards.limits import (
    BASIC_POLLUTANTS,
    EDITION_2026_START,
    FINAL_STAGE_START,
    POLLUTANT_NAMES_ZH,
    UNITS,
    Edition,
    LimitSet,
    Stage,
    limit_set,
    to_local_date,
)
from ecoplan.standards.validity import (
    ANNUAL_MIN_DAYS,
    FEBRUARY_MIN_DAYS,
    MONTH_MIN_DAYS,
    AirDataError,
)

__all__ = [
    "COMPOSITE_DENOMINATORS_2012",
    "COMPOSITE_WEIGHTS_2026_UNCONFIRMED",
    "COMPOSITE_WEIGHTS_EQUAL",
    "DAILY_COLUMNS",
    "AnnualStatistics",
    "CompositeIndex",
    "DayCounts",
    "DustRule",
    "PollutantEvaluation",
    "Statistic",
    "Version",
    "annual_statistics",
    "annual_statistics_both",
    "composite_index",
    "percentile",
    "period_statistics",
    "round_gbt8170",
    "version_on",
]

Version = Literal["2012", "2026"]

#: Daily-table column holding each pollutant's daily statistic.
DAILY_COLUMNS: Mapping[str, str] = MappingProxyType(
    {"SO2": "SO2", "NO2": "NO2", "PM10": "PM10", "PM2.5": "PM2.5", "CO": "CO", "O3": "O3_8h"}
)

#: S_i of the composite index under GB 3095-2012 (standards.md §3.5): level-2 annual limits of
#: SO2, NO2, PM10, PM2.5; level-2 24-hour CO limit; level-2 8-hour O3 limit.
COMPOSITE_DENOMINATORS_2012: Mapping[str, float] = MappingProxyType(
    {"SO2": 60.0, "NO2": 40.0, "PM10": 70.0, "PM2.5": 35.0, "CO": 4.0, "O3": 160.0}
)
#: Unweighted sum, HJ 663-2013 practice (confirmed by 3 sources, standards.md §3.5).
COMPOSITE_WEIGHTS_EQUAL: Mapping[str, float] = MappingProxyType({p: 1.0 for p in BASIC_POLLUTANTS})
#: UNCONFIRMED weights claimed for HJ 663-2026 by one unofficial source (standards.md §3.5).
COMPOSITE_WEIGHTS_2026_UNCONFIRMED: Mapping[str, float] = MappingProxyType(
    {"SO2": 1.0, "NO2": 2.0, "PM10": 1.0, "PM2.5": 3.0, "CO": 1.0, "O3": 2.0}
)

_PARTICLES = ("PM10", "PM2.5")
_DECIMALS = {"CO": 1}  # bulletin rounding: CO to 0.1 mg/m³, others to 1 µg/m³


class DustRule(StrEnum):
    """What the sand-dust deduction (扣沙) removes; ``docs/standards-airqual.md`` §5.

    In every rule the PM10 and PM2.5 daily values of dust days are excluded from the
    particle statistics.  The rules differ in the day counts (优良天数比例, 重污染天数):
    """

    #: dust days leave the day counts entirely (numerator and denominator).  Default.
    PM_AND_DAY = "pm_and_day"
    #: dust days leave the day counts only when their AQI > 100 (a good dust day stays good).
    PM_AND_EXCEEDANCE_DAY = "pm_and_exceedance_day"
    #: dust days leave everything: every pollutant's statistics and the day counts.
    WHOLE_DAY = "whole_day"


# --------------------------------------------------------------------------------------------
# rounding and percentile
# --------------------------------------------------------------------------------------------


def round_gbt8170(x: float, ndigits: int = 0) -> float:
    """Round *x* to *ndigits* decimals by GB/T 8170 (四舍六入五成双, half to even).

    Works on the shortest decimal representation of the float (``repr``), so 0.25 → 0.2,
    0.35 → 0.4, 2.675 → 2.68 as a person rounding the printed number would.  NaN/inf pass
    through unchanged.
    """
    xf = float(x)
    if not math.isfinite(xf):
        return xf
    q = Decimal(1).scaleb(-ndigits)
    return float(Decimal(repr(xf)).quantize(q, rounding=ROUND_HALF_EVEN))


def percentile(values: npt.ArrayLike, p: float) -> float:
    """The p-th percentile by HJ 663 Appendix A (p as a fraction: 0.9 → 90th).

    ``k = 1 + (n − 1)·p``, ``s`` = integer part of ``k``,
    ``m_p = X(s) + (X(s+1) − X(s))·(k − s)`` on the ascending valid values X(1) … X(n)
    (standards.md §3.2).  NaN values are dropped first.  Equals ``numpy.quantile(…,
    method="linear")``.

    Parameters
    ----------
    values
        1-D array-like of concentrations (any units).
    p
        Fraction in [0, 1].

    Returns
    -------
    float
        The percentile, or NaN when there is no valid value.
    """
    pf = float(p)
    if not 0.0 <= pf <= 1.0:
        hint = f" (for the {pf:g}th percentile pass {pf / 100:g})" if 1 < pf <= 100 else ""
        raise ValueError(f"p must be a fraction in [0, 1], got {p!r}{hint}")
    arr = np.asarray(values, dtype=float).ravel()
    if np.isinf(arr).any():
        raise ValueError("values contain infinity")
    x = np.sort(arr[~np.isnan(arr)])
    n = x.size
    if n == 0:
        return float("nan")
    k = 1.0 + (n - 1) * pf
    s = int(k)  # integer part; 1 <= s <= n
    lo = x[s - 1]
    hi = x[s] if s < n else lo
    return float(lo + (hi - lo) * (k - s))


# --------------------------------------------------------------------------------------------
# result types
# --------------------------------------------------------------------------------------------


def _jsonable(v: Any) -> Any:
    if is_dataclass(v) and not isinstance(v, type):
        return {f.name: _jsonable(getattr(v, f.name)) for f in fields(v)}
    if isinstance(v, Mapping):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, tuple | list):
        return [_jsonable(x) for x in v]
    if isinstance(v, StrEnum):
        return v.value
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


@dataclass(frozen=True)
class Statistic:
    """One evaluation statistic of one pollutant and its comparison with the limit.

    ``value`` is unrounded; ``rounded`` is the bulletin value (GB/T 8170: integers µg/m³,
    CO one decimal mg/m³).  ``compliant`` is ``None`` when the statistic cannot be judged
    (no data, or the annual validity rule fails and ``require_valid`` was set).
    """

    pollutant: str
    kind: Literal["mean", "percentile"]
    p: float | None
    value: float
    rounded: float
    limit: float
    limit_period: str
    compliant: bool | None
    label_zh: str

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready: NaN → None)."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True)
class PollutantEvaluation:
    """Everything evaluated for one pollutant over the period.

    ``n_days_raw`` counts valid daily values before the dust deduction, ``n_days`` those
    used, ``n_deducted`` the difference.  ``month_days`` are the raw monthly counts;
    ``valid`` applies GB 3095 Table 4 (≥ 324 a year, ≥ 27 a month, February ≥ 25) to the raw
    counts and is ``None`` for a non-annual period.  ``completeness`` is raw valid days /
    calendar days of the period, in %.
    """

    pollutant: str
    name_zh: str
    unit: str
    n_days_raw: int
    n_days: int
    n_deducted: int
    month_days: tuple[int, ...]
    valid: bool | None
    completeness: float
    statistics: tuple[Statistic, ...]
    compliant: bool | None

    def statistic(self, kind: str, p: float | None = None) -> Statistic:
        """The statistic of *kind* (``"mean"``/``"percentile"``) and, for percentiles, *p*."""
        for s in self.statistics:
            if s.kind == kind and (p is None or (s.p is not None and math.isclose(s.p, p))):
                return s
        raise KeyError(f"{self.pollutant} has no {kind} statistic{'' if p is None else f' p={p}'}")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True)
class DayCounts:
    """Day classification by daily AQI (HJ 633 Table 2 categories).

    ``valid_days`` are days with a daily AQI that take part (after any dust deduction);
    ``good_days`` = 优 + 良 (AQI ≤ 100); ``good_ratio`` = good / valid × 100 (%);
    ``heavy_days`` = 重污染 (AQI > 200, i.e. 重度 + 严重); ``severe_days`` = 严重 (AQI > 300).
    """

    valid_days: int
    excellent_days: int  # 优 0/1–50
    fine_days: int  # 良 51–100
    light_days: int  # 轻度污染 101–150
    moderate_days: int  # 中度污染 151–200
    heavy_only_days: int  # 重度污染 201–300
    severe_days: int  # 严重污染 > 300
    good_days: int
    heavy_days: int
    good_ratio: float
    good_ratio_rounded: float
    polluted_ratio: float
    polluted_ratio_rounded: float
    deducted_days: int
    #: days whose daily AQI is published as NA (HJ 633-2026 §5.3.1: a pollutant missing and
    #: the AQI of the others ≤ 100); not valid days, so neither good nor in the denominator.
    na_days: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True)
class CompositeIndex:
    """环境空气质量综合指数 I_sum = Σ w_i · C_i / S_i (standards.md §3.5).

    ``components`` are the single indices I_i = C_i / S_i (unweighted), ``value`` the
    weighted sum unrounded, ``rounded`` to 2 decimals (GB/T 8170).  ``concentrations`` are
    the C_i used (bulletin-rounded or raw, see ``basis``).
    """

    value: float
    rounded: float
    components: Mapping[str, float]
    components_rounded: Mapping[str, float]
    concentrations: Mapping[str, float]
    denominators: Mapping[str, float]
    weights: Mapping[str, float]
    basis: Literal["rounded", "raw"]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        out: dict[str, Any] = _jsonable(self)
        return out


@dataclass(frozen=True)
class AnnualStatistics:
    """HJ 663 evaluation of one station or city over a year (or another period).

    ``attained`` (环境空气质量达标) is True when all six pollutants comply, False when any
    does not, ``None`` when some cannot be judged.  ``valid`` is True when all six meet the
    annual validity rule (``None`` for a non-annual period).
    """

    version: Version
    edition: Edition
    stage: Stage
    level: int
    period_start: dt.date
    period_end: dt.date
    annual: bool
    dust_deducted: bool
    dust_rule: DustRule | None
    pollutants: Mapping[str, PollutantEvaluation]
    days: DayCounts
    composite: CompositeIndex | None
    attained: bool | None
    valid: bool | None

    @property
    def year(self) -> int:
        """Calendar year of the period's start."""
        return self.period_start.year

    def to_dict(self) -> dict[str, Any]:
        """Nested plain dict, JSON-ready (dates ISO strings, NaN → None)."""
        out: dict[str, Any] = _jsonable(self)
        return out


# --------------------------------------------------------------------------------------------
# composite index
# --------------------------------------------------------------------------------------------


def composite_index(
    concentrations: Mapping[str, float],
    *,
    denominators: Mapping[str, float] = COMPOSITE_DENOMINATORS_2012,
    weights: Mapping[str, float] = COMPOSITE_WEIGHTS_EQUAL,
    basis: Literal["rounded", "raw"] = "rounded",
) -> CompositeIndex:
    """Composite index Σ w_i · C_i / S_i over the six pollutants (standards.md §3.5).

    Parameters
    ----------
    concentrations
        C_i for ``SO2, NO2, PM10, PM2.5`` (period means, µg/m³), ``CO`` (daily-mean 95th
        percentile, mg/m³) and ``O3`` (MDA8 90th percentile, µg/m³).  All six are required.
    denominators
        S_i; default GB 3095-2012 level 2: 60, 40, 70, 35 µg/m³, CO 4 mg/m³, O3 160 µg/m³.
    weights
        w_i; default 1 each (HJ 663-2013).  :data:`COMPOSITE_WEIGHTS_2026_UNCONFIRMED` is the
        unconfirmed 2026 variant.
    basis
        Recorded in the result only (whether the C_i are bulletin-rounded).

    Examples
    --------
    S12's worked example: 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4 = 3.06.

    >>> ci = composite_index({"PM2.5": 21, "PM10": 39, "SO2": 9, "NO2": 15, "O3": 192, "CO": 0.7})
    >>> ci.rounded
    3.06
    """
    missing = [p for p in BASIC_POLLUTANTS if p not in concentrations]
    if missing:
        raise ValueError(f"composite index needs all six pollutants; missing {missing}")
    comps: dict[str, Fraction] = {}
    total = Fraction(0)
    for p in BASIC_POLLUTANTS:  # six pollutants
        c = float(concentrations[p])
        s = float(denominators[p])
        w = float(weights[p])
        if not math.isfinite(c) or c < 0:
            raise ValueError(f"composite index: {p} concentration must be finite and >= 0, got {c}")
        if not s > 0:
            raise ValueError(f"composite index: denominator for {p} must be > 0, got {s}")
        comps[p] = exact_fraction(c) / exact_fraction(s)  # exact: no float noise at a tie
        total += exact_fraction(w) * comps[p]
    return CompositeIndex(
        value=float(total),
        rounded=round_exact(total, 2),
        components=MappingProxyType({p: float(v) for p, v in comps.items()}),
        components_rounded=MappingProxyType({p: round_exact(v, 2) for p, v in comps.items()}),
        concentrations=MappingProxyType({p: float(concentrations[p]) for p in BASIC_POLLUTANTS}),
        denominators=MappingProxyType({p: float(denominators[p]) for p in BASIC_POLLUTANTS}),
        weights=MappingProxyType({p: float(weights[p]) for p in BASIC_POLLUTANTS}),
        basis=basis,
    )


# --------------------------------------------------------------------------------------------
# annual statistics
# --------------------------------------------------------------------------------------------


def version_on(day: Any) -> Version:
    """The air-standard version in force on *day*: ``"2012"`` before 2026-03-01, else ``"2026"``."""
    return "2026" if to_local_date(day) >= EDITION_2026_START else "2012"


def _resolve_limits(version: Version, stage: Stage | str | None, last_day: dt.date) -> LimitSet:
    if version == "2012":
        if stage not in (None, Stage.SINGLE, "single"):
            raise ValueError("GB 3095-2012 has a single stage")
        return limit_set(edition=Edition.GB3095_2012)
    if stage is None:
        stage = Stage.FINAL if last_day >= FINAL_STAGE_START else Stage.TRANSITION
    return limit_set(edition=Edition.GB3095_2026, stage=stage)


def _spec(
    daily_percentiles: bool,
) -> tuple[tuple[str, Literal["mean", "percentile"], float | None, str], ...]:
    """(pollutant, kind, p, limit period) of each statistic (HJ 663 Table 1 / standards.md §3.1)."""
    out: list[tuple[str, Literal["mean", "percentile"], float | None, str]] = []
    for p, q in (("SO2", 0.98), ("NO2", 0.98), ("PM10", 0.95), ("PM2.5", 0.95)):
        out.append((p, "mean", None, "annual"))
        if daily_percentiles:
            out.append((p, "percentile", q, "24h"))
    out.append(("CO", "percentile", 0.95, "24h"))
    out.append(("O3", "percentile", 0.90, "8h"))
    return tuple(out)


def _label_zh(p: str, kind: str, q: float | None, per: str, version: Version) -> str:
    if kind == "mean":
        return f"{p}年平均浓度"
    base = "日最大8小时平均" if per == "8h" else ("日平均" if version == "2026" else "24小时平均")
    assert q is not None
    return f"{p}{base}第{round(q * 100)}百分位数"


def _check_daily(daily: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(daily, pd.DataFrame):
        raise AirDataError(f"expected a pandas DataFrame, got {type(daily).__name__}")
    for c in ("date", "aqi"):
        if c not in daily.columns:
            raise AirDataError(
                f"daily table has no {c!r} column (columns: {list(daily.columns)}); "
                "compute the daily AQI upstream with ecoplan.standards.aqi"
            )
    for idc in ("station", "city"):
        if idc in daily.columns and daily[idc].nunique(dropna=False) > 1:
            raise AirDataError(
                f"daily table holds {daily[idc].nunique(dropna=False)} {idc}s; evaluate one at "
                "a time (e.g. groupby) or combine stations into a city first"
            )
    present = [DAILY_COLUMNS[p] for p in BASIC_POLLUTANTS if DAILY_COLUMNS[p] in daily.columns]
    if not present:
        raise AirDataError(f"daily table has none of the columns {list(DAILY_COLUMNS.values())}")
    d = daily["date"]
    d = d if pd.api.types.is_datetime64_any_dtype(d) else pd.to_datetime(d, errors="raise")
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    if d.isna().any():
        raise AirDataError("daily table: 'date' has missing values")
    d = d.dt.floor("D")
    if d.duplicated().any():
        raise AirDataError(f"daily table: repeated date {d[d.duplicated()].iloc[0].date()}")
    out = pd.DataFrame({"date": d.to_numpy()}, index=daily.index)
    for c in [*present, "aqi"]:
        if not pd.api.types.is_numeric_dtype(daily[c]):
            raise AirDataError(f"daily table: column {c!r} must be numeric, got {daily[c].dtype}")
        v = daily[c].to_numpy(dtype=float)
        if (np.isinf(v) | (v < 0)).any():
            raise AirDataError(f"daily table: column {c!r} has negative or infinite values")
        out[c] = v
    if "dust" in daily.columns:
        dust = daily["dust"]
        if dust.isna().any():
            raise AirDataError("daily table: 'dust' has missing values; use True/False")
        if not (pd.api.types.is_bool_dtype(dust) or set(pd.unique(dust)) <= {0, 1}):
            raise AirDataError("daily table: 'dust' must be boolean")
        out["dust"] = dust.to_numpy(dtype=bool)
    if "published" in daily.columns:
        pub = daily["published"]
        if pub.isna().any() or not (
            pd.api.types.is_bool_dtype(pub) or set(pd.unique(pub)) <= {0, 1}
        ):
            raise AirDataError("daily table: 'published' must be True/False (HJ 633-2026 §5.3.1)")
        out["published"] = pub.to_numpy(dtype=bool)
    return out.sort_values("date", kind="stable")


def _day_counts(aqi: npt.NDArray[np.float64], deducted: int, na_days: int = 0) -> DayCounts:
    a = aqi[~np.isnan(aqi)]
    n = int(a.size)
    bins = [
        int((a <= 50).sum()),
        int(((a > 50) & (a <= 100)).sum()),
        int(((a > 100) & (a <= 150)).sum()),
        int(((a > 150) & (a <= 200)).sum()),
        int(((a > 200) & (a <= 300)).sum()),
        int((a > 300).sum()),
    ]
    good = bins[0] + bins[1]
    ratio_x, pol_x = exact_ratio_percent(good, n), exact_ratio_percent(n - good, n)
    ratio = float(ratio_x) if ratio_x is not None else float("nan")
    pol = float(pol_x) if pol_x is not None else float("nan")
    return DayCounts(
        valid_days=n,
        excellent_days=bins[0],
        fine_days=bins[1],
        light_days=bins[2],
        moderate_days=bins[3],
        heavy_only_days=bins[4],
        severe_days=bins[5],
        good_days=good,
        heavy_days=bins[4] + bins[5],
        good_ratio=ratio,
        good_ratio_rounded=round_exact(ratio_x, 1),
        polluted_ratio=pol,
        polluted_ratio_rounded=round_exact(pol_x, 1),
        deducted_days=deducted,
        na_days=na_days,
    )


@dataclass(frozen=True)
class _Options:
    annual: bool
    version: Version
    limits: LimitSet
    level: int
    deduct_dust: bool
    dust_rule: DustRule
    daily_percentiles: bool
    weights: Mapping[str, float]
    denominators: Mapping[str, float]
    composite_basis: Literal["rounded", "raw"]
    compare_rounded: bool
    require_valid: bool


def _tri(flags: list[bool | None]) -> bool | None:
    """False if any False, True if all True, else None (cannot be judged)."""
    if any(f is False for f in flags):
        return False
    return True if all(f is True for f in flags) else None


def _select_period(
    df: pd.DataFrame, annual: bool, year: int | None, start: Any, end: Any
) -> tuple[pd.DataFrame, dt.date, dt.date]:
    if annual:
        years = sorted(set(df["date"].dt.year))
        if year is None:
            if len(years) != 1:
                raise AirDataError(f"daily table spans years {years}; pass year=")
            year = int(years[0])
        p_start, p_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    else:
        p_start = _as_date(start) if start is not None else _as_date(df["date"].min())
        p_end = _as_date(end) if end is not None else _as_date(df["date"].max())
        if p_end < p_start:
            raise ValueError(f"period end {p_end} is before its start {p_start}")
    sel = df[(df["date"] >= pd.Timestamp(p_start)) & (df["date"] <= pd.Timestamp(p_end))]
    if sel.empty:
        raise AirDataError(f"daily table has no rows in {p_start} .. {p_end}")
    return sel, p_start, p_end


def _evaluate_pollutant(
    pol: str,
    raw: npt.NDArray[np.float64],
    drop: npt.NDArray[np.bool_],
    months: npt.NDArray[np.int64],
    n_calendar_days: int,
    o: _Options,
) -> PollutantEvaluation:
    used = np.where(drop, np.nan, raw)
    ok_raw = ~np.isnan(raw)
    month_days = tuple(int((ok_raw & (months == m)).sum()) for m in range(1, 13))
    n_raw, n_used = int(ok_raw.sum()), int((~np.isnan(used)).sum())
    valid: bool | None = None
    if o.annual:  # GB 3095 Table 4, on the raw (pre-deduction) counts
        need = np.full(12, MONTH_MIN_DAYS)
        need[1] = FEBRUARY_MIN_DAYS
        valid = bool(n_raw >= ANNUAL_MIN_DAYS and (np.asarray(month_days) >= need).all())
    stats: list[Statistic] = []
    exact = exact_fractions(used)  # exact decimals of the daily values (≤ 366), ascending
    for sp, kind, q, per in _spec(o.daily_percentiles):
        if sp != pol:
            continue
        # exact arithmetic, then one GB/T 8170 rounding (no float noise at a tie)
        assert kind == "mean" or q is not None
        ex = exact_mean(exact) if kind == "mean" else exact_percentile(exact, q or 0.0)
        value = float("nan") if ex is None else float(ex)
        rounded = round_exact(ex, _DECIMALS.get(pol, 0))
        lim = o.limits.limit(pol, per, o.level)
        compliant: bool | None = None
        if not math.isnan(value) and not (o.require_valid and valid is False):
            compliant = bool((rounded if o.compare_rounded else value) <= lim)
        label = _label_zh(pol, kind, q, per, o.version)
        stats.append(Statistic(pol, kind, q, value, rounded, lim, per, compliant, label))
    return PollutantEvaluation(
        pollutant=pol,
        name_zh=POLLUTANT_NAMES_ZH[pol],
        unit=UNITS[pol],
        n_days_raw=n_raw,
        n_days=n_used,
        n_deducted=n_raw - n_used,
        month_days=month_days,
        valid=valid,
        completeness=n_raw / n_calendar_days * 100.0,
        statistics=tuple(stats),
        compliant=_tri([s.compliant for s in stats]),
    )


def _composite(
    evaluations: Mapping[str, PollutantEvaluation], o: _Options
) -> CompositeIndex | None:
    conc: dict[str, float] = {}
    for pol in BASIC_POLLUTANTS:
        e = evaluations[pol]
        s = e.statistic("percentile") if pol in ("CO", "O3") else e.statistic("mean")
        conc[pol] = s.rounded if o.composite_basis == "rounded" else s.value
    if not all(math.isfinite(v) for v in conc.values()):
        return None  # HJ 663 composite index needs all six pollutants
    return composite_index(
        conc, denominators=o.denominators, weights=o.weights, basis=o.composite_basis
    )


def _options(
    *,
    annual: bool,
    version: Version,
    p_end: dt.date,
    stage: Stage | str | None,
    level: int,
    deduct_dust: bool,
    dust_rule: DustRule | str,
    daily_percentiles: bool | None,
    composite_weights: str,
    composite_denominators: str,
    composite_basis: str,
    compare_rounded: bool,
    require_valid: bool,
) -> _Options:
    if version not in ("2012", "2026"):
        raise ValueError(f"version must be '2012' or '2026', got {version!r}")
    if level not in (1, 2):
        raise ValueError(f"level must be 1 or 2, got {level!r}")
    lset = _resolve_limits(version, stage, p_end)
    weights = {
        "equal": COMPOSITE_WEIGHTS_EQUAL,
        "2026_unconfirmed": COMPOSITE_WEIGHTS_2026_UNCONFIRMED,
    }
    if composite_weights not in weights:
        raise ValueError(
            f"composite_weights must be one of {list(weights)}, got {composite_weights!r}"
        )
    if composite_denominators == "2012":
        den: Mapping[str, float] = COMPOSITE_DENOMINATORS_2012
    elif composite_denominators == "edition":
        per = {"CO": "24h", "O3": "8h"}
        den = {p: lset.limit(p, per.get(p, "annual"), 2) for p in BASIC_POLLUTANTS}
    else:
        raise ValueError(
            f"composite_denominators must be '2012' or 'edition', got {composite_denominators!r}"
        )
    if composite_basis not in ("rounded", "raw"):
        raise ValueError(f"composite_basis must be 'rounded' or 'raw', got {composite_basis!r}")
    try:
        rule = DustRule(dust_rule)
    except ValueError:
        raise ValueError(
            f"dust_rule must be one of {[r.value for r in DustRule]}, got {dust_rule!r}"
        ) from None
    return _Options(
        annual=annual,
        version=version,
        limits=lset,
        level=level,
        deduct_dust=deduct_dust,
        dust_rule=rule,
        daily_percentiles=(version == "2026") if daily_percentiles is None else daily_percentiles,
        weights=weights[composite_weights],
        denominators=den,
        composite_basis="rounded" if composite_basis == "rounded" else "raw",
        compare_rounded=compare_rounded,
        require_valid=require_valid and annual,
    )


def _evaluate(
    daily: pd.DataFrame,
    *,
    annual: bool,
    year: int | None,
    start: Any,
    end: Any,
    version: Version | None,
    **kw: Any,
) -> AnnualStatistics:
    df, p_start, p_end = _select_period(_check_daily(daily), annual, year, start, end)
    o = _options(annual=annual, version=version or version_on(p_end), p_end=p_end, **kw)
    if o.deduct_dust and "dust" not in df.columns:
        raise AirDataError("deduct_dust=True needs a boolean 'dust' column in the daily table")

    dust = df["dust"].to_numpy(dtype=bool) if o.deduct_dust else np.zeros(len(df), dtype=bool)
    aqi = df["aqi"].to_numpy(dtype=float).copy()
    # HJ 633-2026 §5.3.1: a day whose AQI is published as NA is not a valid monitoring day for
    # the day counts (docs/standards-airqual.md "NA days"); dust deduction applies first.
    na = (~df["published"].to_numpy(dtype=bool)) if "published" in df.columns else None
    drop_day = dust & (aqi > 100) if o.dust_rule is DustRule.PM_AND_EXCEEDANCE_DAY else dust
    n_day_deducted = int((drop_day & ~np.isnan(aqi)).sum())
    aqi[drop_day] = np.nan
    n_na = 0
    if na is not None:
        na &= ~np.isnan(aqi)
        n_na = int(na.sum())
        aqi[na] = np.nan

    months = df["date"].dt.month.to_numpy()
    n_cal = (p_end - p_start).days + 1
    no_drop = np.zeros(len(df), dtype=bool)
    evaluations: dict[str, PollutantEvaluation] = {}
    for pol in BASIC_POLLUTANTS:  # six pollutants
        col = DAILY_COLUMNS[pol]
        raw = df[col].to_numpy(dtype=float) if col in df.columns else np.full(len(df), np.nan)
        dropped = pol in _PARTICLES or o.dust_rule is DustRule.WHOLE_DAY
        evaluations[pol] = _evaluate_pollutant(
            pol, raw, dust if dropped else no_drop, months, n_cal, o
        )
    return AnnualStatistics(
        version=o.version,
        edition=o.limits.edition,
        stage=o.limits.stage,
        level=o.level,
        period_start=p_start,
        period_end=p_end,
        annual=annual,
        dust_deducted=o.deduct_dust,
        dust_rule=o.dust_rule if o.deduct_dust else None,
        pollutants=MappingProxyType(evaluations),
        days=_day_counts(aqi, n_day_deducted, n_na),
        composite=_composite(evaluations, o),
        attained=_tri([e.compliant for e in evaluations.values()]),
        valid=all(bool(e.valid) for e in evaluations.values()) if annual else None,
    )


def _as_date(x: Any) -> dt.date:
    ts = pd.Timestamp(x)
    return dt.date(ts.year, ts.month, ts.day)


_DOC_PARAMS = """
    version
        ``"2012"`` or ``"2026"``; default the version in force on the period's last day
        (so the year 2026 is evaluated under the 2026 rules).
    stage
        GB 3095-2026 stage (``"transition"``/``"final"``); default by the last day.
    level
        Limit level, 2 (二级, default) or 1.
    deduct_dust, dust_rule
        Apply the sand-dust deduction (needs a ``dust`` column), by :class:`DustRule`.
    daily_percentiles
        Also evaluate SO2/NO2 daily 98th and PM10/PM2.5 daily 95th percentiles against the
        24-hour limits; default True for 2026, False for 2012 (UNCONFIRMED for HJ 663-2013).
    composite_weights
        ``"equal"`` (default) or ``"2026_unconfirmed"`` (3 PM2.5, 2 NO2 and O3, 1 others).
    composite_denominators
        ``"2012"`` (default: 60/40/70/35, CO 4, O3 160) or ``"edition"`` (the level-2 limits
        of the limit set used).
    composite_basis
        ``"rounded"`` (default: bulletin-rounded C_i) or ``"raw"``.
    compare_rounded
        Judge compliance on the bulletin-rounded statistic (default) or the unrounded one.
    require_valid
        Annual only: leave compliance ``None`` when the annual validity rule fails.
"""


def annual_statistics(
    daily: pd.DataFrame,
    version: Version | None = None,
    *,
    year: int | None = None,
    stage: Stage | str | None = None,
    level: int = 2,
    deduct_dust: bool = False,
    dust_rule: DustRule | str = DustRule.PM_AND_DAY,
    daily_percentiles: bool | None = None,
    composite_weights: Literal["equal", "2026_unconfirmed"] = "equal",
    composite_denominators: Literal["2012", "edition"] = "2012",
    composite_basis: Literal["rounded", "raw"] = "rounded",
    compare_rounded: bool = True,
    require_valid: bool = True,
) -> AnnualStatistics:
    """Annual evaluation of one station or city (HJ 663 年评价).

    Statistics (standards.md §3.1): annual means of SO2, NO2, PM10, PM2.5; CO daily-mean
    95th percentile; O3 MDA8 90th percentile (+ the daily percentiles, see below); valid-day
    counts, monthly counts and the GB 3095 Table 4 annual validity; compliance against the
    limits of the version/stage; 优良天数比例, 重污染/严重污染 days; composite index.

    Parameters
    ----------
    daily
        Daily table of one station or city (module docstring), covering one calendar year
        or more (then pass *year*).
    """
    return _evaluate(
        daily,
        annual=True,
        year=year,
        start=None,
        end=None,
        version=version,
        stage=stage,
        level=level,
        deduct_dust=deduct_dust,
        dust_rule=dust_rule,
        daily_percentiles=daily_percentiles,
        composite_weights=composite_weights,
        composite_denominators=composite_denominators,
        composite_basis=composite_basis,
        compare_rounded=compare_rounded,
        require_valid=require_valid,
    )


annual_statistics.__doc__ = (annual_statistics.__doc__ or "") + _DOC_PARAMS


def period_statistics(
    daily: pd.DataFrame,
    version: Version | None = None,
    *,
    start: Any = None,
    end: Any = None,
    stage: Stage | str | None = None,
    level: int = 2,
    deduct_dust: bool = False,
    dust_rule: DustRule | str = DustRule.PM_AND_DAY,
    daily_percentiles: bool | None = None,
    composite_weights: Literal["equal", "2026_unconfirmed"] = "equal",
    composite_denominators: Literal["2012", "edition"] = "2012",
    composite_basis: Literal["rounded", "raw"] = "rounded",
    compare_rounded: bool = True,
) -> AnnualStatistics:
    """Same statistics over any period (month, quarter, year to date…), e.g. for bulletins.

    The annual validity rule is not applied (``valid`` is ``None``); means are compared with
    the annual limits as monthly bulletins do.  *start*/*end* default to the first/last date
    in the table.
    """
    return _evaluate(
        daily,
        annual=False,
        year=None,
        start=start,
        end=end,
        version=version,
        stage=stage,
        level=level,
        deduct_dust=deduct_dust,
        dust_rule=dust_rule,
        daily_percentiles=daily_percentiles,
        composite_weights=composite_weights,
        composite_denominators=composite_denominators,
        composite_basis=composite_basis,
        compare_rounded=compare_rounded,
        require_valid=False,
    )


period_statistics.__doc__ = (period_statistics.__doc__ or "") + _DOC_PARAMS


def annual_statistics_both(
    daily: pd.DataFrame, version: Version | None = None, **kwargs: Any
) -> dict[str, AnnualStatistics]:
    """Annual statistics without and with the sand-dust deduction.

    Inner Mongolia publishes both.  Returns ``{"raw": …, "dust_deducted": …}``; *kwargs* go
    to :func:`annual_statistics` (``deduct_dust`` is set here).  Needs a ``dust`` column.
    """
    if "deduct_dust" in kwargs:
        raise TypeError("annual_statistics_both sets deduct_dust itself")
    return {
        "raw": annual_statistics(daily, version, deduct_dust=False, **kwargs),
        "dust_deducted": annual_statistics(daily, version, deduct_dust=True, **kwargs),
    }
