"""Air quality index (AQI) by HJ 633-2012 and HJ 633-2026 (环境空气质量指数（AQI）技术规定).

Units: µg/m³ for SO2, NO2, PM10, PM2.5 and O3; **mg/m³ for CO** (HJ 633-2012 Table 1,
HJ 633-2026 Table 3).  Edition by date: HJ 633-2026 from 2026-03-01 (its preface repeals
HJ 633-2012), HJ 633-2012 before (:func:`version_for`).

Rules implemented (clauses of HJ 633-2012 "§…(2012)" and HJ 633-2026 "§…(2026)"):

- IAQI by formula (1), piecewise-linear between the breakpoints of Table 1 (2012) / Table 3
  (2026); AQI = max IAQI, formula (2).
- IAQI and AQI rounded **up** to an integer: §6.2 (2012), §4.2.6 (2026).  Scalars are computed
  in exact integer arithmetic on the decimal value; arrays in float64 with an exact integer
  correction step, so both give identical results (a float is read as its shortest decimal
  representation, e.g. ``2.04`` is 2.04, not the binary 2.0400000000000000355…).
- 2026 only: concentrations are first rounded per GB/T 8170 (round half to even on the
  decimal value): integers for µg/m³, one decimal for CO, §4.2.2/§4.2.3 (2026).  2012 sets no
  concentration rounding, so none is applied.
- SO2 1h > 800 µg/m³: 2012 Table 1 note (2) — no 1h IAQI, the SO2 IAQI reported is the one
  from the 24h mean; 2026 Table 3 note ᵇ — IAQI = 200.
- O3 8h > 800 µg/m³: 2012 Table 1 note (3) — no 8h IAQI, the O3 IAQI is the 1h one; 2026
  Table 3 note ᶜ — IAQI = 300.
- Primary pollutant(s) when AQI > 50, ties all listed: §3.3/§4.4.2 (2012), §4.3.1 (2026).
- Exceeding pollutants (超标污染物, IAQI > 100): §3.4/§4.4.2 (2012) only; deleted in 2026.
- Daily report: 7 indicators (2012 §5.1.2), 6 indicators (2026 §4.2.2).  Real-time report:
  2012 §5.1.3 and Table 4 (IAQIs of SO2/NO2/CO/O3 1h, O3 8h sliding and PM10/PM2.5 24h
  sliding means); 2026 §4.2.3/§4.2.4 (six 1h means, PM on the daily breakpoints).
- Missing data: 2026 §5.3.1 — when a pollutant is missing, compute from the others and publish
  the AQI only if it exceeds 100 (``published``; §5.3.2 exemption via ``not_in_plan``);
  2012 has no such rule.

Project decisions where the standards are silent (``docs/standards-aqi.md``):

- A concentration above the top breakpoint of its column has no IAQI in either edition.
  :func:`iaqi` / :func:`iaqi_array` raise :class:`BeyondTableError` by default; with
  ``on_beyond="cap"`` — the default of the report functions — the IAQI is 500, the top of the
  scale (2026 §4.1.1 "范围为 1～500"), and the indicator is flagged in ``beyond_table`` /
  ``beyond_mask``.
- All-zero concentrations give AQI 0 (Table 3 keeps the IAQI-0 row), although 2026 §4.1.1
  states the range as 1～500; the value is not forced to 1.
"""

from __future__ import annotations

import datetime as _dt
import math
from bisect import bisect_left
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import lru_cache
from typing import Any, Final, Literal, cast

import numpy as np
import numpy.typing as npt

from ecoplan.standards.aqi_tables import (
    AUXILIARY_KEYS,
    BREAKPOINTS,
    CONCENTRATION_DECIMALS,
    HOURLY_READINGS,
    IAQI_MAX,
    IAQI_STEPS,
    INDICATORS,
    LEVEL_UPPER_BOUNDS,
    LEVELS,
    O3_8H_IAQI_2026,
    O3_8H_LIMIT,
    PERIODS,
    POLLUTANTS,
    SO2_1H_IAQI_2026,
    SO2_1H_LIMIT,
    SWITCH_DATE,
    VERSIONS,
    HourlyReading,
    Indicator,
    Level,
    Report,
    Version,
    report_auxiliary,
    report_indicators,
)

__all__ = [
    "POLLUTANTS",
    "AQIArrays",
    "AQIError",
    "AQIResult",
    "BeyondTableError",
    "DailyBasis",
    "HourlyReading",
    "Level",
    "NoIAQIError",
    "OnBeyond",
    "Version",
    "daily_aqi",
    "daily_aqi_array",
    "hourly_aqi",
    "hourly_aqi_array",
    "iaqi",
    "iaqi_array",
    "indicator_keys",
    "level_array",
    "level_of",
    "primary_names",
    "round_gbt8170",
    "round_gbt8170_array",
    "version_for",
    "versions_for_dates",
]

OnBeyond = Literal["raise", "cap"]
"""What to do with a concentration above the top breakpoint of its column (standard silent)."""

FloatArray = npt.NDArray[np.float64]
Concentration = float | int | Decimal | np.number[Any] | None
"""A scalar concentration: µg/m³ (CO mg/m³); ``None``/NaN means missing."""


class AQIError(ValueError):
    """Bad input to an AQI computation (unknown pollutant, negative concentration, …)."""


class BeyondTableError(AQIError):
    """A concentration is above the top breakpoint of its column: the standard gives no IAQI."""


class NoIAQIError(AQIError):
    """HJ 633-2012 says no IAQI is calculated for this value (SO2 1h or O3 8h above 800 µg/m³)."""


# --------------------------------------------------------------------------------------------
# Editions and dates
# --------------------------------------------------------------------------------------------


def _check_version(version: object) -> Version:
    if isinstance(version, str) and version in VERSIONS:
        return cast(Version, str(version))
    raise AQIError(f"unknown HJ 633 edition {version!r}: expected '2012' or '2026'")


def _check_reading(reading: object) -> str:
    if reading not in HOURLY_READINGS:
        raise AQIError(f"reading must be one of {HOURLY_READINGS}, got {reading!r}")
    return str(reading)


def _check_on_beyond(on_beyond: object) -> OnBeyond:
    if on_beyond in ("raise", "cap"):
        return cast(OnBeyond, on_beyond)
    raise AQIError(f"on_beyond must be 'raise' or 'cap', got {on_beyond!r}")


def version_for(date: _dt.date | _dt.datetime | str | np.datetime64) -> Version:
    """Edition of HJ 633 that applies to data stamped *date*.

    ``"2026"`` on or after 2026-03-01 (HJ 633-2026 in force; its preface repeals HJ 633-2012),
    else ``"2012"``.  A datetime is judged by its own calendar date (stamps are expected in
    local Beijing time); a string must be ISO 8601 (``"2026-03-01"``, ``"2026-03-01T08:00"``).
    """
    day: _dt.date
    if isinstance(date, str):
        try:
            day = _dt.datetime.fromisoformat(date.strip()).date()
        except ValueError:
            raise AQIError(f"cannot read {date!r} as an ISO date (YYYY-MM-DD)") from None
    elif isinstance(date, _dt.datetime):
        day = date.date()
    elif isinstance(date, _dt.date):
        day = date
    elif isinstance(date, np.datetime64):
        if np.isnat(date):
            raise AQIError("date is NaT: the HJ 633 edition cannot be chosen")
        day = _dt.date.fromisoformat(str(date.astype("datetime64[D]")))
    else:
        raise AQIError(f"date must be a date, datetime or ISO string, got {type(date).__name__}")
    return "2026" if day >= SWITCH_DATE else "2012"


def versions_for_dates(dates: npt.ArrayLike) -> npt.NDArray[np.str_]:
    """Vectorised :func:`version_for`: ``"2012"``/``"2026"`` (dtype ``<U4``) for each date.

    *dates* is a ``datetime64`` array (any unit; naive local time) or something NumPy can cast
    to one (ISO strings, ``datetime.date`` objects).  NaT raises :class:`AQIError`.
    """
    arr = np.asarray(dates)
    if arr.dtype.kind != "M":
        try:
            arr = arr.astype("datetime64[s]")
        except (ValueError, TypeError) as exc:
            raise AQIError(f"cannot read the dates as datetime64: {exc}") from None
    nat = np.isnat(arr)
    if nat.any():
        first = int(np.flatnonzero(nat.ravel())[0])
        raise AQIError(f"date at index {first} is NaT: the HJ 633 edition cannot be chosen")
    return np.where(arr >= np.datetime64(SWITCH_DATE.isoformat()), "2026", "2012").astype("<U4")


# --------------------------------------------------------------------------------------------
# GB/T 8170 rounding
# --------------------------------------------------------------------------------------------

_DEC_CTX: Final = Context(prec=60, rounding=ROUND_HALF_EVEN)
_ROUND_LIMIT: Final = Decimal(10) ** 9
"""Values above this are above every breakpoint; they are not rounded (nothing depends on it)."""


def _to_decimal(value: object, what: str) -> Decimal | None:
    """Exact decimal value of a concentration; ``None`` if missing (None/NaN).

    A float is taken as its shortest round-trip decimal (``repr``), which is the number a
    person reads and the one :func:`round_gbt8170_array` reproduces.
    """
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        raise AQIError(f"{what}: concentration must be a number, got a bool")
    if isinstance(value, Decimal):
        if value.is_nan():
            return None
        d = value
    elif isinstance(value, int | np.integer):
        d = Decimal(int(value))
    elif isinstance(value, float | np.floating):
        x = float(value)
        if math.isnan(x):
            return None
        d = Decimal(repr(x)) if math.isfinite(x) else Decimal(x)
    else:
        raise AQIError(
            f"{what}: concentration must be int, float or Decimal, got {type(value).__name__}"
        )
    if not d.is_finite():
        raise AQIError(f"{what}: concentration must be finite, got {value!r}")
    if d < 0:
        raise AQIError(f"{what}: concentration must not be negative, got {value!r}")
    return d


def round_gbt8170(value: Concentration, decimals: int) -> Decimal:
    """Round *value* to *decimals* places per GB/T 8170-2008 §3 (进舍规则), exactly.

    The digit dropped decides: > 5, or 5 followed by non-zero digits → round up; < 5 → down;
    exactly 5 (nothing after it) → make the kept last digit even ("round half to even").
    A float is taken as its shortest decimal representation (``60.5`` → 60, ``61.5`` → 62,
    ``0.25`` → 0.2, ``0.35`` → 0.4 at one decimal).
    """
    if decimals < 0:
        raise AQIError(f"decimals must be 0 or more, got {decimals}")
    d = _to_decimal(value, "round_gbt8170")
    if d is None:
        raise AQIError("round_gbt8170: value is missing (None/NaN)")
    return d.quantize(Decimal(1).scaleb(-decimals), context=_DEC_CTX)


def round_gbt8170_array(x: npt.ArrayLike, decimals: int) -> FloatArray:
    """Vectorised :func:`round_gbt8170` (float64 in, float64 out, NaN stays NaN).

    Identical to the scalar rule on each float's shortest decimal: with ``y = x·10^k`` and
    ``n = floor(y)`` the tie point ``(2n+1)/(2·10^k)`` is a decimal whose nearest double is
    ``t = (2n+1)/(2·10^k)`` computed by one correctly rounded division, and ``x`` (a double) is
    below/at/above that decimal exactly when ``x <`` / ``==`` / ``> t``.
    """
    if decimals < 0:
        raise AQIError(f"decimals must be 0 or more, got {decimals}")
    a = np.asarray(x, dtype=np.float64)
    if decimals == 0:
        # x − floor(x) is exact, so a double is a decimal tie k + 0.5 exactly when its binary
        # value is: np.rint (IEEE round half to even) is the rule itself.
        return cast(FloatArray, np.rint(a))
    scale = 10.0**decimals
    n = np.floor(a * scale)
    tie = (2.0 * n + 1.0) / (2.0 * scale)
    odd = np.remainder(n, 2.0)
    out = np.where(a > tie, n + 1.0, np.where(a < tie, n, n + odd))
    out /= scale
    return cast(FloatArray, out)


# --------------------------------------------------------------------------------------------
# IAQI: scalar
# --------------------------------------------------------------------------------------------


def _table(version: Version, pollutant: str, period: str) -> tuple[int, ...]:
    if pollutant not in POLLUTANTS:
        raise AQIError(f"unknown pollutant {pollutant!r}; expected one of {', '.join(POLLUTANTS)}")
    if period not in PERIODS:
        raise AQIError(f"unknown averaging period {period!r}; expected one of {', '.join(PERIODS)}")
    try:
        return BREAKPOINTS[version][(pollutant, period)]
    except KeyError:
        table = "Table 1" if version == "2012" else "Table 3"
        have = ", ".join(p for (q, p) in BREAKPOINTS[version] if q == pollutant)
        hint = ""
        if pollutant in ("PM10", "PM2.5") and period == "1h":
            hint = (
                ". HJ 633-2026 §4.2.4 evaluates PM10/PM2.5 1h means on the daily breakpoints: "
                "pass period='24h' (hourly_aqi does this)"
            )
        raise AQIError(
            f"HJ 633-{version} {table} has no {period} column for {pollutant} "
            f"(it has: {have}){hint}"
        ) from None


def _interp_ceil(bps: tuple[int, ...], num: int, den: int) -> int:
    """Formula (1) for C = num/den (exact), rounded up (§6.2 (2012), §4.2.6 (2026)).

    IAQI = I_lo + ΔI·(C − BP_lo)/ΔBP = I_lo + ΔI·(num − BP_lo·den)/(ΔBP·den), so the ceiling is
    an integer ceiling division: no rounding error anywhere.
    """
    seg = len(bps) - 1
    for k in range(1, len(bps)):
        if num <= bps[k] * den:
            seg = k
            break
    lo, hi = bps[seg - 1], bps[seg]
    ilo, ihi = IAQI_STEPS[seg - 1], IAQI_STEPS[seg]
    return ilo - (-(ihi - ilo) * (num - lo * den) // ((hi - lo) * den))


_Status = Literal["ok", "missing", "beyond", "no_iaqi", "rule"]


def _iaqi_scalar(
    pollutant: str, period: str, version: Version, value: object
) -> tuple[int | None, Decimal | None, _Status]:
    """IAQI, concentration used (rounded for 2026) and a status; no exceptions for data."""
    bps = _table(version, pollutant, period)
    d = _to_decimal(value, f"{pollutant} {period}")
    if d is None:
        return None, None, "missing"
    if version == "2026" and d <= _ROUND_LIMIT:
        d = d.quantize(Decimal(1).scaleb(-CONCENTRATION_DECIMALS[pollutant]), context=_DEC_CTX)
    num, den = d.as_integer_ratio()  # the exact value C = num/den
    if pollutant == "SO2" and period == "1h" and num > SO2_1H_LIMIT * den:
        return (SO2_1H_IAQI_2026, d, "rule") if version == "2026" else (None, d, "no_iaqi")
    if pollutant == "O3" and period == "8h" and num > O3_8H_LIMIT * den:
        return (O3_8H_IAQI_2026, d, "rule") if version == "2026" else (None, d, "no_iaqi")
    if num > bps[-1] * den:
        return IAQI_MAX, d, "beyond"
    return _interp_ceil(bps, num, den), d, "ok"


def _show(d: Decimal | None) -> str:
    """A concentration for messages: ``900`` rather than ``900.0``."""
    if d is None:
        return "NA"
    return str(d.to_integral_value()) if d == d.to_integral_value() else str(d)


def _beyond_message(pollutant: str, period: str, version: Version, value: object) -> str:
    top = BREAKPOINTS[version][(pollutant, period)][-1]
    return (
        f"{pollutant} {period} = {value!r} is above the top breakpoint {top} of "
        f"HJ 633-{version}; the standard gives no IAQI for it (use on_beyond='cap' for 500, "
        "flagged)"
    )


def _no_iaqi_message(pollutant: str, period: str, value: object) -> str:
    if pollutant == "SO2":
        return (
            f"SO2 1h = {value!r} > 800 µg/m³: HJ 633-2012 Table 1 note (2) — no 1h IAQI is "
            "calculated; the SO2 IAQI reported is the one from the 24h mean (hourly_aqi does "
            "this given 'SO2_24h')"
        )
    return (
        f"O3 8h = {value!r} > 800 µg/m³: HJ 633-2012 Table 1 note (3) — no 8h IAQI is "
        "calculated; the O3 IAQI reported is the one from the 1h mean"
    )


def iaqi(
    pollutant: str,
    concentration: Concentration,
    period: str,
    version: str = "2026",
    *,
    on_beyond: OnBeyond = "raise",
) -> int | None:
    """Individual air quality index (空气质量分指数) of one concentration.

    Parameters
    ----------
    pollutant
        ``"SO2"``, ``"NO2"``, ``"PM10"``, ``"PM2.5"``, ``"CO"`` or ``"O3"``.
    concentration
        µg/m³ (CO: mg/m³).  ``None``/NaN → ``None``.  Under 2026 it is first rounded per
        GB/T 8170 (integer; CO one decimal), §4.2.2.
    period
        ``"1h"``, ``"8h"`` or ``"24h"``: the breakpoint column of Table 1 (2012) / Table 3
        (2026).  PM10/PM2.5 have only ``"24h"``.
    version
        ``"2012"`` or ``"2026"``.
    on_beyond
        Above the top breakpoint: ``"raise"`` (:class:`BeyondTableError`) or ``"cap"`` (500).

    Returns
    -------
    int | None
        Formula (1), rounded up.  Special rules: 2026 SO2 1h > 800 → 200, O3 8h > 800 → 300.

    Raises
    ------
    AQIError
        Negative/non-finite concentration, unknown pollutant/period or a pair the table lacks.
    NoIAQIError
        2012 SO2 1h > 800 or O3 8h > 800 (Table 1 notes 2 and 3: no IAQI is calculated).
    BeyondTableError
        Above the top breakpoint with ``on_beyond="raise"``.
    """
    v = _check_version(version)
    mode = _check_on_beyond(on_beyond)
    value, _, status = _iaqi_scalar(pollutant, period, v, concentration)
    if status == "no_iaqi":
        raise NoIAQIError(_no_iaqi_message(pollutant, period, concentration))
    if status == "beyond" and mode == "raise":
        raise BeyondTableError(_beyond_message(pollutant, period, v, concentration))
    return value


# --------------------------------------------------------------------------------------------
# IAQI: arrays
# --------------------------------------------------------------------------------------------


def _as_column(values: npt.ArrayLike, name: str) -> FloatArray:
    """1-D float64 copy-free view of a column; negative or infinite values raise."""
    arr = np.asarray(values)
    if arr.dtype.kind == "b":
        raise AQIError(f"{name}: concentrations must be numbers, got a bool array")
    if arr.dtype.kind not in "fiu":
        try:
            arr = arr.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise AQIError(f"{name}: concentrations must be numbers ({exc})") from None
    arr = arr.astype(np.float64, copy=False)
    if arr.ndim != 1:
        raise AQIError(f"{name}: expected a 1-D array, got shape {arr.shape}")
    bad = arr < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AQIError(
            f"{name}: {int(bad.sum())} negative concentration(s), first at index {i} "
            f"({arr[i]!r}); concentrations must not be negative"
        )
    inf = np.isinf(arr)
    if inf.any():
        i = int(np.flatnonzero(inf)[0])
        raise AQIError(f"{name}: infinite concentration at index {i}")
    return arr


@lru_cache(maxsize=64)
def _segment_tables(bps: tuple[int, ...]) -> tuple[FloatArray, ...]:
    """Per-segment constants indexed by ``searchsorted`` position (0 and 1 share segment 1)."""
    bp = np.asarray(bps, dtype=np.float64)
    steps = np.asarray(IAQI_STEPS[: len(bps)], dtype=np.float64)
    lo = np.r_[bp[0], bp[:-1]]
    ilo = np.r_[steps[0], steps[:-1]]
    d_bp = np.r_[bp[1] - bp[0], np.diff(bp)]
    d_i = np.r_[steps[1] - steps[0], np.diff(steps)]
    return bp, lo, ilo, d_bp, d_i, d_i / d_bp, lo * d_i


def _interp_ceil_array(bps: tuple[int, ...], x: FloatArray) -> FloatArray:
    """Formula (1) rounded up, exact for every element (values above the top are junk).

    ``m = ceil`` of the float64 estimate is off by at most one.  It is corrected with the exact
    concentration at which the segment reaches IAQI ``m``: ``c_m = (BP_lo·ΔI + (m−I_lo)·ΔBP)/ΔI``
    with ΔI ∈ {50, 100}, a decimal with at most two places whose nearest double is that one
    correctly rounded division of exact integers; a double ``x`` compares with the decimal
    exactly as with that double.  The true result is the smallest ``m`` with ``x ≤ c_m``.
    """
    bp, lo_t, ilo_t, d_bp_t, d_i_t, slope_t, base_t = _segment_tables(bps)
    seg = np.searchsorted(bp, x, side="left")
    np.minimum(seg, len(bp) - 1, out=seg)
    lo = lo_t[seg]
    ilo = ilo_t[seg]
    d_bp = d_bp_t[seg]
    d_i = d_i_t[seg]
    m = x - lo
    m *= slope_t[seg]
    m += ilo
    np.ceil(m, out=m)
    num = m - ilo  # numerator of c_m, an exact integer
    num *= d_bp
    num += base_t[seg]
    c = num / d_i
    m += x > c
    num -= d_bp  # numerator of c_(m-1)
    np.divide(num, d_i, out=c)
    m -= x <= c
    return m


@dataclass(frozen=True)
class _ArrayIAQI:
    value: FloatArray
    """IAQI; NaN where missing or not calculated (2012 notes 2/3)."""
    beyond: npt.NDArray[np.bool_]
    no_iaqi: npt.NDArray[np.bool_]


def _iaqi_core(pollutant: str, period: str, version: Version, x: FloatArray) -> _ArrayIAQI:
    """Array twin of :func:`_iaqi_scalar` (x already validated)."""
    bps = _table(version, pollutant, period)
    if version == "2026":
        x = round_gbt8170_array(x, CONCENTRATION_DECIMALS[pollutant])
    out = _interp_ceil_array(bps, x)
    over = x > bps[-1]
    no_iaqi = np.zeros(x.shape, dtype=bool)
    beyond = no_iaqi
    special = (pollutant, period) in (("SO2", "1h"), ("O3", "8h"))
    if special and version == "2026":
        out[over] = SO2_1H_IAQI_2026 if pollutant == "SO2" else O3_8H_IAQI_2026
    elif special:
        out[over] = np.nan
        no_iaqi = over
    else:
        out[over] = IAQI_MAX
        beyond = over
    return _ArrayIAQI(out, beyond, no_iaqi)


_CHUNK: Final = 1 << 16
"""Rows per block in the array functions: keeps the temporaries in the CPU cache."""

_Groups = list[tuple[Version, npt.NDArray[np.intp] | None]]


def _version_mask(version: str | npt.ArrayLike, n: int) -> Version | npt.NDArray[np.bool_]:
    """A single edition, or a per-row boolean mask "row is under HJ 633-2026"."""
    if isinstance(version, str):
        return _check_version(version)
    arr = np.asarray(version)
    if arr.shape != (n,):
        raise AQIError(f"version array has shape {arr.shape}; expected ({n},), one per row")
    arr = arr.astype(str)
    is2026 = arr == "2026"
    bad = ~(is2026 | (arr == "2012"))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AQIError(f"version at index {i} is {arr[i]!r}: expected '2012' or '2026'")
    return is2026


def _groups(version: Version | npt.NDArray[np.bool_], sl: slice) -> _Groups:
    """Rows of block *sl* by edition: ``[(version, indices in the block or None for all)]``."""
    if isinstance(version, str):
        return [(version, None)]
    is2026 = version[sl]
    if is2026.all():
        return [("2026", None)]
    if not is2026.any():
        return [("2012", None)]
    return [("2012", np.flatnonzero(~is2026)), ("2026", np.flatnonzero(is2026))]


def _blocks(n: int) -> list[slice]:
    return [slice(i, min(n, i + _CHUNK)) for i in range(0, n, _CHUNK)]


def iaqi_array(
    pollutant: str,
    conc: npt.ArrayLike,
    period: str,
    version: str | npt.ArrayLike = "2026",
    *,
    on_beyond: OnBeyond = "raise",
) -> FloatArray:
    """Vectorised :func:`iaqi`: float64 IAQIs (integral values), NaN where *conc* is NaN.

    *version* is ``"2012"``/``"2026"`` or an array of them, one per element.  Same errors as
    :func:`iaqi` (raised if any element triggers them); results are identical element by element.
    """
    x = _as_column(conc, f"{pollutant} {period}")
    mode = _check_on_beyond(on_beyond)
    _table("2026", pollutant, period)  # errors for unknown names even on empty input
    ver = _version_mask(version, x.shape[0])
    out = np.full(x.shape, np.nan)
    for sl in _blocks(x.shape[0]):
        block = x[sl]
        out_block = out[sl]
        for v, rows in _groups(ver, sl):
            sub = block if rows is None else block[rows]
            res = _iaqi_core(pollutant, period, v, sub)
            if res.no_iaqi.any():
                i = int(np.flatnonzero(res.no_iaqi)[0])
                raise NoIAQIError(_no_iaqi_message(pollutant, period, float(sub[i])))
            if mode == "raise" and res.beyond.any():
                i = int(np.flatnonzero(res.beyond)[0])
                raise BeyondTableError(_beyond_message(pollutant, period, v, float(sub[i])))
            if rows is None:
                out_block[:] = res.value
            else:
                out_block[rows] = res.value
    return out


# --------------------------------------------------------------------------------------------
# Levels
# --------------------------------------------------------------------------------------------


def _level_number(aqi: int) -> int:
    return bisect_left(LEVEL_UPPER_BOUNDS, aqi) + 1


def level_of(aqi: int, version: str = "2026") -> Level:
    """AQI level (空气质量指数级别) of an integer AQI: HJ 633-2012 Table 2 / HJ 633-2026 Table 1.

    0–50 → 1 优 (2026 writes 1～50), 51–100 → 2 良, 101–150 → 3 轻度污染, 151–200 → 4 中度污染,
    201–300 → 5 重度污染, > 300 → 6 严重污染.  Colours from Appendix A.  *version* only selects
    the wording of the health texts.
    """
    v = _check_version(version)
    if isinstance(aqi, bool | np.bool_) or not isinstance(aqi, int | float | np.number):
        raise AQIError(f"AQI must be an integer, got {aqi!r}")
    value = float(aqi)
    if not math.isfinite(value) or value != math.floor(value):
        raise AQIError(f"AQI must be an integer (IAQI/AQI are rounded up), got {aqi!r}")
    if value < 0:
        raise AQIError(f"AQI must not be negative, got {aqi!r}")
    return LEVELS[v][_level_number(int(value)) - 1]


def level_array(aqi: npt.ArrayLike) -> npt.NDArray[np.int8]:
    """Vectorised level number (1–6) of AQI values; 0 where the AQI is NaN."""
    a = np.asarray(aqi, dtype=np.float64)
    lev = (np.searchsorted(np.asarray(LEVEL_UPPER_BOUNDS, float), a, side="left") + 1).astype(
        np.int8
    )
    lev[np.isnan(a)] = 0
    return lev


# --------------------------------------------------------------------------------------------
# Reports: scalar
# --------------------------------------------------------------------------------------------


_NEWEST_FIRST: Final[tuple[Version, ...]] = ("2026", "2012")


def _keys_in_order(report: Report, auxiliary: bool) -> tuple[str, ...]:
    keys: list[str] = []
    for v in _NEWEST_FIRST:
        for ind in INDICATORS[(v, report)]:
            if ind.key not in keys:
                keys.append(ind.key)
    if auxiliary:
        for v in _NEWEST_FIRST:
            keys.extend(k for k in AUXILIARY_KEYS[(v, report)] if k not in keys)
    return tuple(keys)


_ACCEPTED_KEYS: Final[dict[str, tuple[str, ...]]] = {
    r: _keys_in_order(cast(Report, r), True) for r in ("daily", "hourly")
}
_INDICATOR_KEYS: Final[dict[str, tuple[str, ...]]] = {
    r: _keys_in_order(cast(Report, r), False) for r in ("daily", "hourly")
}
_POLLUTANT_OF: Final[dict[str, str]] = {
    ind.key: ind.pollutant for inds in INDICATORS.values() for ind in inds
} | {"SO2_24h": "SO2"}


def indicator_keys(report: Report = "daily") -> tuple[str, ...]:
    """Keys of *report* whose IAQI can be computed, in the bit order of the array masks.

    Daily: ``SO2, NO2, PM10, PM2.5, CO, O3_8h, O3_1h`` (``O3_1h`` 2012 only).  Hourly:
    ``SO2, NO2, PM10, PM2.5, CO, O3`` (1h means; PM 2026 only), then ``PM10_24h, PM2.5_24h,
    O3_8h`` (2012 only).
    """
    if report not in _INDICATOR_KEYS:
        raise AQIError(f"report must be 'daily' or 'hourly', got {report!r}")
    return _INDICATOR_KEYS[report]


def _pollutant_of(key: str) -> str:
    return _POLLUTANT_OF[key]


@dataclass(frozen=True)
class AQIResult:
    """Result of :func:`daily_aqi` / :func:`hourly_aqi` for one station/county/city and period.

    ``aqi``, ``level``, ``category_zh``, ``color`` and ``primary`` are *computed* from the
    indicators present (2026 §5.3.1 "首先利用其他污染物监测数据计算").  Whether the AQI may be
    published is ``published``; :attr:`published_aqi` is the value to show (``None`` = "NA").
    """

    aqi: int | None
    """AQI = max IAQI (formula (2)).  Never ``None`` from :func:`daily_aqi`/:func:`hourly_aqi`
    (they raise when no IAQI can be computed); typed optional like the other NA-able fields."""
    level: int | None
    """1–6 (HJ 633-2012 Table 2 / HJ 633-2026 Table 1)."""
    category_zh: str | None
    """优, 良, 轻度污染, 中度污染, 重度污染, 严重污染."""
    color: str | None
    """Hex colour of the level (Appendix A), e.g. ``"#FF7E00"``."""
    primary: list[str]
    """Primary pollutant codes (AQI > 50 only; ties all listed; O3 as ``"O3"``)."""
    iaqi: dict[str, int]
    """IAQI per indicator key (missing indicators are left out)."""
    exceeding: list[str]
    """超标污染物 (IAQI > 100), HJ 633-2012 §4.4.2; always empty under 2026."""
    published: bool
    """2026 §5.3.1: AQI publishable (no indicator missing, or AQI > 100).  2012: ``True``."""
    missing: list[str]
    """Indicator keys of this report with no value (NA), in :func:`indicator_keys` order."""
    version: Version
    report: Report
    concentrations: dict[str, float]
    """Concentrations used, after GB/T 8170 rounding under 2026 (µg/m³; CO mg/m³)."""
    beyond_table: list[str]
    """Indicators above the top breakpoint, given IAQI 500 (project rule, standard silent)."""
    ignored: list[str]
    """Keys given that this edition's report does not use (e.g. ``O3_1h`` in a 2026 daily)."""
    notes: list[str]
    """Special rules applied, with their clause."""
    reading: str | None = None
    """Hourly reports: ``"published"`` (CNEMC real-time practice, default) or ``"table4"``
    (HJ 633-2012 Table 4 read literally); :data:`HourlyReading`.  ``None`` for daily."""

    @property
    def published_aqi(self) -> int | None:
        """The AQI to publish, ``None`` ("NA") when 2026 §5.3.1 withholds it."""
        return self.aqi if self.published else None

    @property
    def level_info(self) -> Level | None:
        """Full :class:`Level` (names, colours, health texts of this edition)."""
        return None if self.aqi is None else level_of(self.aqi, self.version)


def _check_columns_keys(keys: Collection[str], report: Report) -> None:
    accepted = _ACCEPTED_KEYS[report]
    unknown = [k for k in keys if k not in accepted]
    if unknown:
        raise AQIError(
            f"unknown {report} indicator key(s) {unknown}; accepted: {', '.join(accepted)}"
        )


def _check_not_in_plan(not_in_plan: Collection[str]) -> frozenset[str]:
    if isinstance(not_in_plan, str):
        raise AQIError("not_in_plan must be a collection of pollutant codes, not a string")
    bad = [p for p in not_in_plan if p not in POLLUTANTS]
    if bad:
        raise AQIError(f"not_in_plan: unknown pollutant(s) {bad}; expected {POLLUTANTS}")
    return frozenset(not_in_plan)


def _report_scalar(
    c: Mapping[str, Any],
    version: str,
    report: Report,
    on_beyond: OnBeyond,
    not_in_plan: Collection[str],
    reading: str = "published",
) -> AQIResult:
    v = _check_version(version)
    reading = _check_reading(reading)
    mode = _check_on_beyond(on_beyond)
    exempt = _check_not_in_plan(not_in_plan)
    if not isinstance(c, Mapping):
        raise AQIError(f"concentrations must be a mapping of indicator → value, got {type(c)}")
    _check_columns_keys(list(c), report)
    indicators: tuple[Indicator, ...] = report_indicators(v, report, reading)
    auxiliary = report_auxiliary(v, report, reading)
    used = {ind.key for ind in indicators} | set(auxiliary)
    ignored = [k for k in _ACCEPTED_KEYS[report] if k in c and k not in used]
    for k, val in c.items():  # validate every value given, as the array version does
        _to_decimal(val, k)

    iaqis: dict[str, int] = {}
    concs: dict[str, float] = {}
    missing: list[str] = []
    beyond: list[str] = []
    notes: list[str] = []
    for ind in indicators:
        period: str = ind.period
        value, d, status = _iaqi_scalar(ind.pollutant, period, v, c.get(ind.key))
        if d is not None:
            concs[ind.key] = float(d)
        if status == "no_iaqi" and ind.pollutant == "O3":
            notes.append(
                f"{ind.key} = {_show(d)} > 800 µg/m³: no O3 8h IAQI; the O3 IAQI is the 1h one "
                "(HJ 633-2012 Table 1 note 3)"
            )
            continue
        if status == "no_iaqi":  # SO2 1h > 800 under 2012: the 24h IAQI is reported
            period = "24h"
            value, d24, status = _iaqi_scalar("SO2", period, v, c.get("SO2_24h"))
            if d24 is not None:
                concs["SO2_24h"] = float(d24)
            notes.append(
                f"SO2 1h = {_show(d)} > 800 µg/m³: the SO2 IAQI is the one of the 24h mean "
                "SO2_24h (HJ 633-2012 Table 1 note 2)"
                + ("; SO2_24h is missing, so SO2 is NA" if status == "missing" else "")
            )
        if status == "missing":
            missing.append(ind.key)
            continue
        if status == "beyond":
            if mode == "raise":
                key = "SO2_24h" if period != ind.period else ind.key
                raise BeyondTableError(_beyond_message(ind.pollutant, period, v, c.get(key)))
            beyond.append(ind.key)
            notes.append(
                f"{ind.key} is above the top breakpoint of HJ 633-{v}: IAQI set to {IAQI_MAX} "
                "(project rule; the standard is silent)"
            )
        if status == "rule":
            notes.append(
                f"{ind.key} = {_show(d)} > 800 µg/m³: IAQI = {value} (HJ 633-2026 Table 3 note "
                + ("b)" if ind.pollutant == "SO2" else "c)")
            )
        iaqis[ind.key] = cast(int, value)

    for k in auxiliary:
        if k in ("PM10", "PM2.5"):  # 2012 real-time: published concentration, no IAQI
            d = _to_decimal(c.get(k), f"{k} 1h")
            if d is not None:
                concs[k] = float(d)
    if not iaqis:
        raise AQIError(
            f"no IAQI can be calculated: every indicator of the HJ 633-{v} {report} report is "
            f"missing or has no IAQI ({', '.join(ind.key for ind in indicators)})"
        )
    aqi = max(iaqis.values())
    per_pollutant: dict[str, int] = {}
    for key, val in iaqis.items():
        p = _pollutant_of(key)
        per_pollutant[p] = max(val, per_pollutant.get(p, val))
    primary = [p for p in POLLUTANTS if per_pollutant.get(p) == aqi] if aqi > 50 else []
    exceeding = [p for p in POLLUTANTS if per_pollutant.get(p, 0) > 100] if v == "2012" else []
    if v == "2026":
        blocking = [k for k in missing if _pollutant_of(k) not in exempt]
        published = not blocking or aqi > 100
    else:
        published = True
    lev = LEVELS[v][_level_number(aqi) - 1]
    order = _INDICATOR_KEYS[report]  # same order as the bits of the array masks
    missing.sort(key=order.index)
    beyond.sort(key=order.index)
    return AQIResult(
        aqi=aqi,
        level=lev.number,
        category_zh=lev.name_zh,
        color=lev.color,
        primary=primary,
        iaqi=iaqis,
        exceeding=exceeding,
        published=published,
        missing=missing,
        version=v,
        report=report,
        concentrations=concs,
        beyond_table=beyond,
        ignored=ignored,
        notes=notes,
        reading=reading if report == "hourly" else None,
    )


DailyBasis = Literal["unrounded", "rounded"]
"""Which daily concentrations a daily AQI is computed from: ``"unrounded"`` daily means
(default) or ``"rounded"`` — the published daily concentrations, GB/T 8170 to integers
µg/m³ and CO to 0.1 mg/m³ (as CNEMC publishes them).  Identical for HJ 633-2026 rows, whose
§4.2.2 prescribes that rounding anyway."""


def _check_basis(basis: object) -> str:
    if basis not in ("unrounded", "rounded"):
        raise AQIError(f"basis must be 'unrounded' or 'rounded', got {basis!r}")
    return str(basis)


def _decimals_of(key: str) -> int:
    return 1 if key == "CO" else 0


def daily_aqi(
    c: Mapping[str, Concentration],
    version: str = "2026",
    *,
    on_beyond: OnBeyond = "cap",
    not_in_plan: Collection[str] = (),
    basis: DailyBasis = "unrounded",
) -> AQIResult:
    """Daily AQI report (日报) of one station/county/city and natural day.

    Parameters
    ----------
    c
        ``SO2, NO2, PM10, PM2.5`` (24h means, µg/m³), ``CO`` (24h mean, mg/m³), ``O3_8h``
        (daily max 8h mean, µg/m³) and, for 2012, ``O3_1h`` (daily max 1h mean, µg/m³).
        2012 §5.1.2: 7 indicators; 2026 §4.2.2: 6 (``O3_1h`` is then listed in ``ignored``).
        A key absent or ``None``/NaN is missing.  Unknown keys raise :class:`AQIError`.
    version
        ``"2012"`` or ``"2026"`` (see :func:`version_for`).
    on_beyond
        ``"cap"`` (default): IAQI 500 for a value above its column, listed in ``beyond_table``;
        ``"raise"``: :class:`BeyondTableError`.
    not_in_plan
        Pollutants not monitored under the monitoring plan and, as the caller asserts, not the
        primary pollutant of a 轻度污染-or-worse period in the last 3 years: 2026 §5.3.2, they
        do not withhold publication.

    basis
        ``"unrounded"`` daily means (default) or ``"rounded"``: the published daily
        concentrations (GB/T 8170, integers µg/m³, CO 0.1 mg/m³) — :data:`DailyBasis`.

    Raises
    ------
    AQIError
        Every indicator missing, a negative concentration, an unknown key.
    """
    if _check_basis(basis) == "rounded" and isinstance(c, Mapping):
        c = {
            k: (None if _to_decimal(x, k) is None else round_gbt8170(x, _decimals_of(k)))
            for k, x in c.items()
        }
    return _report_scalar(c, version, "daily", on_beyond, not_in_plan)


def hourly_aqi(
    c: Mapping[str, Concentration],
    version: str = "2026",
    *,
    on_beyond: OnBeyond = "cap",
    not_in_plan: Collection[str] = (),
    reading: HourlyReading = "published",
) -> AQIResult:
    """Real-time (hourly) AQI report (实时报).

    Keys ``SO2, NO2, CO, O3, PM10, PM2.5`` are 1h means (µg/m³; CO mg/m³).

    - 2026 (§4.2.3, §4.2.4, Table 5): the six 1h means; PM10/PM2.5 on the daily breakpoints.
    - 2012, ``reading="published"`` (default; CNEMC real-time practice, docs/standards-aqi.md
      §2.2): the same six 1h means on the 2012 breakpoints — PM10/PM2.5 1h means on the 24h
      breakpoints; ``PM10_24h``/``PM2.5_24h``/``O3_8h`` are listed in ``ignored``.
    - 2012, ``reading="table4"`` (§5.1.3, Table 4 read literally): IAQIs of ``SO2, NO2, CO,
      O3`` (1h), ``O3_8h`` (8h sliding mean), ``PM10_24h`` and ``PM2.5_24h`` (24h sliding
      means).  Table 4 gives PM10/PM2.5 1h means a concentration column only, so
      ``PM10``/``PM2.5`` are recorded in ``concentrations`` without an IAQI.

    Under 2012 ``SO2_24h`` (24h sliding mean) is used only when SO2 1h > 800 (Table 1 note 2);
    if it is then missing, SO2 is NA.  Other parameters as in :func:`daily_aqi`.
    """
    return _report_scalar(c, version, "hourly", on_beyond, not_in_plan, reading)


# --------------------------------------------------------------------------------------------
# Reports: arrays
# --------------------------------------------------------------------------------------------


def primary_names(mask: int) -> list[str]:
    """Pollutant codes of a ``primary_mask``/``exceeding_mask`` value (bit i = POLLUTANTS[i])."""
    m = int(mask)
    return [p for i, p in enumerate(POLLUTANTS) if m >> i & 1]


@dataclass(frozen=True)
class AQIArrays:
    """Result of :func:`daily_aqi_array` / :func:`hourly_aqi_array`, one element per row.

    Bit masks: ``primary_mask`` and ``exceeding_mask`` (uint8) use bit ``i`` for
    ``POLLUTANTS[i]`` = SO2, NO2, PM10, PM2.5, CO, O3; ``missing_mask`` and ``beyond_mask``
    (uint16) use bit ``i`` for ``indicators[i]``.
    """

    aqi: FloatArray
    """Computed AQI (integral values); NaN where no IAQI could be computed."""
    level: npt.NDArray[np.int8]
    """1–6; 0 where ``aqi`` is NaN."""
    iaqi: dict[str, FloatArray]
    """IAQI per indicator key of :attr:`indicators`; NaN where missing or not applicable."""
    primary_mask: npt.NDArray[np.uint8]
    exceeding_mask: npt.NDArray[np.uint8]
    """超标污染物 (IAQI > 100), 2012 rows only."""
    published: npt.NDArray[np.bool_]
    """2026 §5.3.1 rule (2012 rows: AQI computable)."""
    missing_mask: npt.NDArray[np.uint16]
    beyond_mask: npt.NDArray[np.uint16]
    indicators: tuple[str, ...]
    version: str | npt.NDArray[np.str_]

    primary_names = staticmethod(primary_names)

    def names(self, mask: int, which: Literal["pollutant", "indicator"] = "pollutant") -> list[str]:
        """Decode a mask: pollutant codes (primary/exceeding) or indicator keys (missing/beyond)."""
        if which == "pollutant":
            return primary_names(mask)
        m = int(mask)
        return [k for i, k in enumerate(self.indicators) if m >> i & 1]

    def __len__(self) -> int:
        return int(self.aqi.shape[0])


def _pick(col: FloatArray | None, rows: npt.NDArray[np.intp] | None, m: int) -> FloatArray:
    """The rows of one edition from a column; all-NaN when the column is absent."""
    if col is None:
        return np.full(m, np.nan)
    return col if rows is None else col[rows]


def _report_arrays(
    columns: Mapping[str, npt.ArrayLike],
    version: str | npt.ArrayLike,
    report: Report,
    on_beyond: OnBeyond,
    not_in_plan: Collection[str],
    reading: str = "published",
) -> AQIArrays:
    mode = _check_on_beyond(on_beyond)
    reading = _check_reading(reading)
    exempt = _check_not_in_plan(not_in_plan)
    if not isinstance(columns, Mapping):
        raise AQIError(f"columns must be a mapping of indicator → array, got {type(columns)}")
    if not columns:
        raise AQIError("columns is empty: no indicator given")
    _check_columns_keys(list(columns), report)
    cols = {k: _as_column(a, k) for k, a in columns.items()}
    lengths = {k: a.shape[0] for k, a in cols.items()}
    n = next(iter(lengths.values()))
    if any(length != n for length in lengths.values()):
        raise AQIError(f"columns have different lengths: {lengths}")
    ver = _version_mask(version, n)
    keys = indicator_keys(report)
    out = AQIArrays(
        aqi=np.full(n, np.nan),
        level=np.zeros(n, dtype=np.int8),
        iaqi={k: np.full(n, np.nan) for k in keys},
        primary_mask=np.zeros(n, dtype=np.uint8),
        exceeding_mask=np.zeros(n, dtype=np.uint8),
        published=np.zeros(n, dtype=bool),
        missing_mask=np.zeros(n, dtype=np.uint16),
        beyond_mask=np.zeros(n, dtype=np.uint16),
        indicators=keys,
        version=version if isinstance(version, str) else np.asarray(version).astype("<U4"),
    )
    for sl in _blocks(n):
        _report_block(
            {k: a[sl] for k, a in cols.items()}, ver, sl, report, mode, exempt, out, reading
        )
    return out


def _report_block(
    cols: dict[str, FloatArray],
    ver: Version | npt.NDArray[np.bool_],
    sl: slice,
    report: Report,
    mode: OnBeyond,
    exempt: frozenset[str],
    out: AQIArrays,
    reading: str = "published",
) -> None:
    """Compute rows *sl* (``cols`` already sliced) into the preallocated arrays of *out*."""
    n = sl.stop - sl.start
    groups = _groups(ver, sl)
    keys = out.indicators
    bit = {k: i for i, k in enumerate(keys)}
    iaqis = {k: a[sl] for k, a in out.iaqi.items()}  # views: written in place
    missing = out.missing_mask[sl]
    beyond = out.beyond_mask[sl]
    blocking = np.zeros(n, dtype=np.uint16)  # missing bits that withhold publication (2026)
    for v, rows in groups:
        m = n if rows is None else rows.shape[0]
        for ind in report_indicators(v, report, reading):
            x = _pick(cols.get(ind.key), rows, m)
            res = _iaqi_core(ind.pollutant, ind.period, v, x)
            value = res.value
            over = res.beyond
            absent = np.isnan(x)
            if ind.pollutant == "SO2" and res.no_iaqi.any():  # 2012 note (2): 24h IAQI
                alt = _iaqi_core("SO2", "24h", v, _pick(cols.get("SO2_24h"), rows, m))
                value = np.where(res.no_iaqi, alt.value, value)
                over = over | (res.no_iaqi & alt.beyond)
                absent = absent | (res.no_iaqi & np.isnan(alt.value))
            if mode == "raise" and over.any():
                i = int(np.flatnonzero(over)[0])
                row = sl.start + (i if rows is None else int(rows[i]))
                raise BeyondTableError(
                    _beyond_message(ind.pollutant, ind.period, v, float(x[i])) + f" (row {row})"
                )
            b = np.uint16(1 << bit[ind.key])
            miss_bits = absent.astype(np.uint16) * b
            over_bits = over.astype(np.uint16) * b
            counts = v == "2026" and ind.pollutant not in exempt
            if rows is None:
                iaqis[ind.key][:] = value
                missing |= miss_bits
                beyond |= over_bits
                if counts:
                    blocking |= miss_bits
            else:
                iaqis[ind.key][rows] = value
                missing[rows] |= miss_bits
                beyond[rows] |= over_bits
                if counts:
                    blocking[rows] |= miss_bits

    aqi = out.aqi[sl]
    per_pollutant: dict[str, FloatArray] = {}
    for k in keys:
        np.fmax(aqi, iaqis[k], out=aqi)
        p = _pollutant_of(k)
        per_pollutant[p] = np.fmax(per_pollutant[p], iaqis[k]) if p in per_pollutant else iaqis[k]
    out.level[sl] = level_array(aqi)
    gt50 = aqi > 50
    is2026 = None if isinstance(ver, str) else ver[sl]
    has_2012 = any(v == "2012" for v, _ in groups)
    primary = out.primary_mask[sl]
    exceeding = out.exceeding_mask[sl]
    for i, p in enumerate(POLLUTANTS):
        if p not in per_pollutant:
            continue
        pi = per_pollutant[p]
        primary |= ((pi == aqi) & gt50).astype(np.uint8) << np.uint8(i)
        if has_2012:  # 超标污染物: HJ 633-2012 §4.4.2 only
            exc = pi > 100
            if is2026 is not None:
                exc &= ~is2026
            exceeding |= exc.astype(np.uint8) << np.uint8(i)
    computable = ~np.isnan(aqi)
    publish_2026 = computable & ((blocking == 0) | (aqi > 100))
    if is2026 is None:
        out.published[sl] = publish_2026 if groups[0][0] == "2026" else computable
    else:
        out.published[sl] = np.where(is2026, publish_2026, computable)


def daily_aqi_array(
    columns: Mapping[str, npt.ArrayLike],
    version: str | npt.ArrayLike = "2026",
    *,
    on_beyond: OnBeyond = "cap",
    not_in_plan: Collection[str] = (),
    basis: DailyBasis = "unrounded",
) -> AQIArrays:
    """Vectorised :func:`daily_aqi` over rows (station-days); identical results row by row.

    *columns* maps the keys of :func:`daily_aqi` to equal-length 1-D arrays (NaN = missing; a
    key may be absent).  *version* is ``"2012"``/``"2026"`` or an array of them per row (data
    spanning 2026-03-01, see :func:`versions_for_dates`).  Rows where every indicator is
    missing get ``aqi`` NaN and ``level`` 0 (the scalar function raises instead).
    """
    if _check_basis(basis) == "rounded" and isinstance(columns, Mapping):
        columns = {
            k: round_gbt8170_array(_as_column(a, k), _decimals_of(k)) for k, a in columns.items()
        }
    return _report_arrays(columns, version, "daily", on_beyond, not_in_plan)


def hourly_aqi_array(
    columns: Mapping[str, npt.ArrayLike],
    version: str | npt.ArrayLike = "2026",
    *,
    on_beyond: OnBeyond = "cap",
    not_in_plan: Collection[str] = (),
    reading: HourlyReading = "published",
) -> AQIArrays:
    """Vectorised :func:`hourly_aqi` (real-time report, *reading* as there); see
    :func:`daily_aqi_array`."""
    return _report_arrays(columns, version, "hourly", on_beyond, not_in_plan, reading)
