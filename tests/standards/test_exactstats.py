"""Exact annual statistics (HJ 663 + GB/T 8170) and NA days (HJ 633-2026 §5.3.1)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.standards.airqual import (
    annual_statistics,
    composite_index,
    percentile,
    period_statistics,
    round_gbt8170,
)
from ecoplan.standards.exactstats import (
    exact_mean,
    exact_percentile,
    exact_ratio_percent,
    round_exact,
)

_CTX = Context(prec=80, rounding=ROUND_HALF_EVEN)


def _dec_percentile(values: list[Decimal], p: Decimal) -> Decimal:
    """Independent reference: HJ 663 Appendix A in Python Decimal (80 digits)."""
    x = sorted(values)
    n = len(x)
    k = _CTX.add(1, _CTX.multiply(n - 1, p))
    s = int(k)
    hi = x[s] if s < n else x[s - 1]
    return _CTX.add(x[s - 1], _CTX.multiply(_CTX.subtract(hi, x[s - 1]), _CTX.subtract(k, s)))


def _dec_round(d: Decimal, nd: int) -> float:
    return float(d.quantize(Decimal(1).scaleb(-nd), rounding=ROUND_HALF_EVEN, context=_CTX))


# one-decimal CO-like daily values (mg/m³) and integer-ish µg/m³ daily means with 1-3 decimals
co_values = st.lists(st.integers(min_value=1, max_value=120), min_size=1, max_size=120).map(
    lambda xs: [x / 10 for x in xs]
)
ug_values = st.lists(st.integers(min_value=0, max_value=300_000), min_size=1, max_size=120).map(
    lambda xs: [x / 1000 for x in xs]
)
p_st = st.sampled_from(["0.90", "0.95", "0.98", "0.5", "0.25"])


@settings(max_examples=300, deadline=None)
@given(st.one_of(co_values, ug_values), p_st, st.sampled_from([0, 1]))
def test_exact_percentile_matches_decimal_reference(values: list[float], p: str, nd: int) -> None:
    ref = _dec_percentile([Decimal(repr(v)) for v in values], Decimal(p))
    ex = exact_percentile(values, float(p))
    assert ex is not None
    assert ex == Fraction(ref)
    assert round_exact(ex, nd) == _dec_round(ref, nd)
    # the float percentile agrees to rounding error (the exact one only removes the noise)
    assert math.isclose(float(ex), percentile(values, float(p)), rel_tol=1e-12, abs_tol=1e-12)


@settings(max_examples=300, deadline=None)
@given(st.one_of(co_values, ug_values), st.sampled_from([0, 1]))
def test_exact_mean_matches_decimal_reference(values: list[float], nd: int) -> None:
    total = sum((Decimal(repr(v)) for v in values), Decimal(0))
    ref = _CTX.divide(total, len(values))
    ex = exact_mean(values)
    assert ex is not None
    assert round_exact(ex, nd) == _dec_round(ref, nd)


def test_round_exact_half_even() -> None:
    assert round_exact(Fraction(405, 100), 1) == 4.0
    assert round_exact(Fraction(415, 100), 1) == 4.2
    assert round_exact(Fraction(4051, 1000), 1) == 4.1
    assert round_exact(Fraction(121, 2), 0) == 60.0  # 60.5 → 60
    assert round_exact(Fraction(123, 2), 0) == 62.0  # 61.5 → 62
    assert math.isnan(round_exact(None, 1))
    assert exact_ratio_percent(86, 91) == Fraction(8600, 91)
    assert round_exact(exact_ratio_percent(86, 91), 1) == 94.5  # 奈曼旗 worked example


def _co_tie_year() -> pd.DataFrame:
    """2025 with 351 valid CO days: k = 1 + 350·0.95 = 333.5, X(333) = 3.7, X(334) = 4.4 →
    p95 = 3.7 + 0.7·0.5 = 4.05 exactly; GB/T 8170 → 4.0 (≤ the 24-h limit 4 mg/m³).
    Float arithmetic gives 4.050000000000001 → 4.1 (non-compliant)."""
    d = pd.date_range("2025-01-01", "2025-12-31", freq="D")
    n = len(d)
    co = np.full(n, 1.0)
    missing = np.arange(14) * 26 + 5  # 14 missing days, ≤ 2 a month
    ok = np.setdiff1d(np.arange(n), missing)
    co[ok[332]] = 3.7
    co[ok[333:]] = 4.4
    co[missing] = np.nan
    frame = {"date": d, "SO2": 9.0, "NO2": 15.0, "PM10": 39.0, "PM2.5": 21.0, "CO": co}
    return pd.DataFrame(frame | {"O3_8h": 100.0, "aqi": 60.0})


def test_co_p95_tie_is_rounded_from_the_exact_value() -> None:
    t = _co_tie_year()
    co = t["CO"].to_numpy()
    # the float route shows the defect this fixes
    assert round_gbt8170(percentile(co, 0.95), 1) == 4.1
    stats = annual_statistics(t, "2012", year=2025)
    s = stats.pollutants["CO"].statistic("percentile")
    assert stats.pollutants["CO"].n_days == 351
    assert s.rounded == 4.0
    assert s.compliant is True
    assert math.isclose(s.value, 4.05)


def test_annual_mean_tie_exact() -> None:
    # 2 days: 60.4 and 60.6 → mean 60.5 exactly → 60 (half to even); float gives 60.5 too,
    # but 0.1+0.2-style noise is removed for e.g. 35.15/35.25 → mean 35.2
    t = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-01", "2025-01-02"]),
            "PM2.5": [35.15, 35.35],
            "aqi": [50.0, 50.0],
        }
    )
    st_ = period_statistics(t, "2012").pollutants["PM2.5"].statistic("mean")
    assert st_.rounded == 35.0  # 35.25 → 35 at integer precision
    t["PM2.5"] = [4.0, 5.0]
    assert period_statistics(t, "2012").pollutants["PM2.5"].statistic("mean").rounded == 4.0


def test_composite_index_tie_exact() -> None:
    # Σ C/S = 1.005 exactly → 1.00 (half to even at 2 decimals); the components are exact
    conc = {"SO2": 0.0, "NO2": 0.0, "PM10": 0.0, "PM2.5": 35.175, "CO": 0.0, "O3": 0.0}
    ci = composite_index(conc)
    assert ci.rounded == 1.0
    assert ci.components_rounded["PM2.5"] == 1.0


@pytest.mark.parametrize(
    ("published", "good_days", "valid_days", "na_days"),
    [
        ([True] * 4, 3, 4, 0),  # no NA day: 3 good of 4
        ([True, True, False, True], 2, 3, 1),  # the NA day (AQI 60 from partial data) left out
    ],
)
def test_na_days_not_valid_good_days(
    published: list[bool], good_days: int, valid_days: int, na_days: int
) -> None:
    # HJ 633-2026 §5.3.1: a day with a pollutant missing and AQI ≤ 100 is published as NA;
    # it is not a valid monitoring day of the good-day ratio (docs/standards-airqual.md).
    t = pd.DataFrame(
        {
            "date": pd.date_range("2026-04-01", periods=4, freq="D"),
            "PM2.5": [30.0, 30.0, np.nan, 120.0],
            "aqi": [45.0, 60.0, 60.0, 158.0],
            "published": published,
        }
    )
    days = period_statistics(t, "2026").days
    assert (days.good_days, days.valid_days, days.na_days) == (good_days, valid_days, na_days)
    assert days.good_ratio == pytest.approx(good_days / valid_days * 100)


def test_published_column_checked() -> None:
    t = pd.DataFrame(
        {
            "date": pd.to_datetime(["2026-04-01"]),
            "PM2.5": [30.0],
            "aqi": [45.0],
            "published": ["yes"],
        }
    )
    with pytest.raises(ValueError, match="published"):
        period_statistics(t, "2026")
