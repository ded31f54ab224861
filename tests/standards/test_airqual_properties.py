"""Hypothesis properties of the air validity and evaluation functions."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.standards.airqual import (
    COMPOSITE_DENOMINATORS_2012,
    COMPOSITE_WEIGHTS_2026_UNCONFIRMED,
    composite_index,
    percentile,
    period_statistics,
    round_gbt8170,
)
from ecoplan.standards.limits import BASIC_POLLUTANTS
from ecoplan.standards.validity import DAILY_MIN_HOURS, daily_means, o3_daily_max_8h

conc = st.floats(min_value=0.0, max_value=1000.0, allow_nan=False, allow_infinity=False)
values_st = st.lists(conc, min_size=1, max_size=60)
fraction = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


@given(values_st, fraction)
def test_percentile_equals_numpy_linear(values: list[float], p: float) -> None:
    expected = float(np.quantile(np.asarray(values), p, method="linear"))
    assert math.isclose(percentile(values, p), expected, rel_tol=1e-12, abs_tol=1e-9)


@given(values_st, fraction, fraction)
def test_percentile_monotone_in_p(values: list[float], p1: float, p2: float) -> None:
    lo, hi = sorted((p1, p2))
    assert percentile(values, lo) <= percentile(values, hi) + 1e-9


@given(values_st, fraction)
def test_percentile_between_min_and_max(values: list[float], p: float) -> None:
    m = percentile(values, p)
    assert min(values) - 1e-9 <= m <= max(values) + 1e-9


@given(values_st, fraction, st.integers(min_value=0, max_value=10))
def test_percentile_ignores_nan(values: list[float], p: float, n_nan: int) -> None:
    padded = values + [float("nan")] * n_nan
    assert percentile(padded, p) == percentile(values, p)


six = st.fixed_dictionaries({p: conc for p in BASIC_POLLUTANTS})


@given(six, six)
def test_composite_index_additive(a: dict[str, float], b: dict[str, float]) -> None:
    # I(a + b) = I(a) + I(b): the index is linear in the concentrations
    total = {p: a[p] + b[p] for p in BASIC_POLLUTANTS}
    for w in (None, COMPOSITE_WEIGHTS_2026_UNCONFIRMED):
        kw = {} if w is None else {"weights": w}
        lhs = composite_index(total, **kw).value  # type: ignore[arg-type]
        rhs = composite_index(a, **kw).value + composite_index(b, **kw).value  # type: ignore[arg-type]
        assert math.isclose(lhs, rhs, rel_tol=1e-9, abs_tol=1e-9)


@given(six, st.sampled_from(BASIC_POLLUTANTS), st.floats(min_value=0.001, max_value=500.0))
def test_composite_index_monotone(c: dict[str, float], p: str, delta: float) -> None:
    before = composite_index(c)
    after = composite_index({**c, p: c[p] + delta})
    assert after.value > before.value
    assert math.isclose(
        after.value - before.value,
        delta / COMPOSITE_DENOMINATORS_2012[p],
        rel_tol=1e-9,
        abs_tol=1e-10,
    )


@given(six)
def test_composite_index_is_sum_of_components(c: dict[str, float]) -> None:
    ci = composite_index(c)
    assert math.isclose(ci.value, sum(ci.components.values()), rel_tol=1e-12, abs_tol=1e-12)


@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False), st.integers(0, 3))
def test_round_gbt8170_within_half_unit(x: float, nd: int) -> None:
    assert abs(round_gbt8170(x, nd) - x) <= 0.5 * 10.0**-nd + 1e-9


aqi_st = st.lists(
    st.one_of(st.floats(min_value=0, max_value=500, allow_nan=False), st.just(float("nan"))),
    min_size=1,
    max_size=40,
)


@settings(max_examples=60, deadline=None)
@given(aqi_st)
def test_good_day_ratio_in_range(aqi: list[float]) -> None:
    d = pd.date_range("2025-05-01", periods=len(aqi), freq="D")
    r = period_statistics(pd.DataFrame({"date": d, "SO2": 10.0, "aqi": aqi}))
    n_valid = int(np.sum(~np.isnan(aqi)))
    assert r.days.valid_days == n_valid
    if n_valid:
        assert 0.0 <= r.days.good_ratio <= 100.0
        assert 0.0 <= r.days.good_ratio_rounded <= 100.0
        assert math.isclose(r.days.good_ratio + r.days.polluted_ratio, 100.0)
    else:
        assert math.isnan(r.days.good_ratio)
    counts = (
        r.days.excellent_days,
        r.days.fine_days,
        r.days.light_days,
        r.days.moderate_days,
        r.days.heavy_only_days,
        r.days.severe_days,
    )
    assert sum(counts) == n_valid
    assert r.days.good_days <= r.days.valid_days


DAY = pd.Timestamp("2025-08-01")
END_LABELS = pd.date_range(DAY + pd.Timedelta(hours=1), periods=24, freq="h")


@settings(max_examples=80, deadline=None)
@given(st.lists(st.booleans(), min_size=24, max_size=24), st.lists(conc, min_size=24, max_size=24))
def test_daily_mean_valid_exactly_from_20_hours(mask: list[bool], vals: list[float]) -> None:
    v = np.where(mask, vals, np.nan)
    d = daily_means(pd.DataFrame({"station": "S", "time": END_LABELS, "PM10": v}))
    k = int(sum(mask))
    assert d["n_PM10"].iloc[0] == k
    if k >= DAILY_MIN_HOURS:
        assert math.isclose(d["PM10"].iloc[0], float(np.nanmean(v)), rel_tol=1e-9, abs_tol=1e-9)
    else:
        assert math.isnan(d["PM10"].iloc[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(conc, min_size=24, max_size=24))
def test_mda8_full_day_is_max_of_17_window_means(vals: list[float]) -> None:
    # With all 24 hours valid the MDA8 is the largest of the 17 means of labels e-7..e,
    # e = 8..24 (HJ 663 "8时至24时").
    got = o3_daily_max_8h(pd.DataFrame({"station": "S", "time": END_LABELS, "O3": vals}))
    a = np.asarray(vals)
    expected = max(float(np.mean(a[e - 8 : e])) for e in range(8, 25))
    assert math.isclose(got["O3_8h"].iloc[0], expected, rel_tol=1e-9, abs_tol=1e-9)
    assert got["n_O3_8h"].iloc[0] == 17
