"""Exact decimal statistics for HJ 663 evaluation, rounded by GB/T 8170.

Floats carry binary noise: the HJ 663 Appendix A percentile of daily CO values 4.0 and 4.1
interpolated half-way is the decimal 4.05, which GB/T 8170 (四舍六入五成双) rounds to 4.0,
but in float64 it computes as 4.050000000000001 and rounds to 4.1 — a different bulletin
value and possibly a different compliance verdict.  Here every daily value is read as the
decimal it stands for (its shortest representation, ``repr``: the number printed in the
daily table), and means, percentiles and ratios are computed in exact rational arithmetic
(:class:`fractions.Fraction`) before the single GB/T 8170 rounding.

The number of values per statistic is small (≤ 366 daily values of one unit-year), so the
exact path costs microseconds per statistic.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import cast

import numpy as np
import numpy.typing as npt

__all__ = [
    "exact_fraction",
    "exact_fractions",
    "exact_mean",
    "exact_percentile",
    "exact_ratio_percent",
    "round_exact",
]


def exact_fraction(x: float | int | Decimal | Fraction) -> Fraction:
    """The exact rational value of *x*; a float is read as its shortest decimal (``repr``)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, Decimal | int | np.integer):
        return Fraction(x if not isinstance(x, np.integer) else int(x))
    xf = float(x)
    if not math.isfinite(xf):
        raise ValueError(f"value must be finite, got {x!r}")
    return Fraction(Decimal(repr(xf)))


def exact_fractions(values: npt.ArrayLike) -> list[Fraction]:
    """The valid (non-NaN) values of a 1-D array as exact fractions, ascending."""
    arr = np.asarray(values, dtype=float).ravel()
    if np.isinf(arr).any():
        raise ValueError("values contain infinity")
    x = np.sort(arr[~np.isnan(arr)])
    return [Fraction(Decimal(repr(v))) for v in x.tolist()]  # ≤ 366 daily values


def _as_fractions(values: npt.ArrayLike | list[Fraction]) -> list[Fraction]:
    if isinstance(values, list) and all(isinstance(v, Fraction) for v in values):
        return cast(list[Fraction], values)
    return exact_fractions(cast(npt.ArrayLike, values))


def exact_mean(values: npt.ArrayLike | list[Fraction]) -> Fraction | None:
    """Arithmetic mean in exact arithmetic; ``None`` when there is no valid value."""
    fr = _as_fractions(values)
    if not fr:
        return None
    return Fraction(sum(fr, Fraction(0)), len(fr))


def exact_percentile(
    values: npt.ArrayLike | list[Fraction], p: float | Fraction
) -> Fraction | None:
    """HJ 663 Appendix A percentile in exact arithmetic (p a fraction: 0.95 → 95th).

    ``k = 1 + (n − 1)·p``, ``s = ⌊k⌋``, ``m_p = X(s) + (X(s+1) − X(s))·(k − s)``; *p* is read
    as its decimal (0.95 = 19/20).  ``None`` when there is no valid value.
    """
    q = exact_fraction(p)
    if not 0 <= q <= 1:
        raise ValueError(f"p must be a fraction in [0, 1], got {p!r}")
    x = sorted(_as_fractions(values))
    n = len(x)
    if n == 0:
        return None
    k = 1 + (n - 1) * q
    s = math.floor(k)
    lo = x[s - 1]
    hi = x[s] if s < n else lo
    return lo + (hi - lo) * (k - s)


def exact_ratio_percent(part: int, whole: int) -> Fraction | None:
    """``part / whole × 100`` exactly (e.g. 优良天数比例); ``None`` when *whole* is 0."""
    return Fraction(part * 100, whole) if whole else None


def round_exact(value: Fraction | Decimal | float | None, ndigits: int = 0) -> float:
    """GB/T 8170 rounding (round half to even) of an exact value, returned as a float.

    ``None``/NaN → NaN.  4.05 → 4.0, 4.15 → 4.2, 4.051 → 4.1 at one decimal.
    """
    if value is None:
        return float("nan")
    if isinstance(value, float) and math.isnan(value):
        return value
    fr = exact_fraction(value)
    r = round(fr, ndigits)  # Fraction.__round__ rounds half to even, exactly
    q = Decimal(1).scaleb(-ndigits)
    d = Decimal(r.numerator) / Decimal(r.denominator)
    return float(d.quantize(q, rounding=ROUND_HALF_EVEN))
