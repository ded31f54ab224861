"""Property tests (hypothesis) for ecoplan.standards.aqi: invariants and scalar/array agreement."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.standards import aqi as A
from ecoplan.standards.aqi_tables import BREAKPOINTS, IAQI_STEPS, Version

VERSIONS: tuple[Version, ...] = ("2012", "2026")
COLUMNS: list[tuple[Version, str, str]] = [
    (v, p, per) for v in VERSIONS for (p, per) in BREAKPOINTS[v]
]
SPECIAL = {("SO2", "1h"), ("O3", "8h")}


def _exact_points(bps: tuple[int, ...]) -> list[float]:
    """Concentrations where formula (1) is an exact integer, with their float neighbours."""
    out: list[float] = []
    for s in range(1, len(bps)):
        lo, hi, ilo, ihi = bps[s - 1], bps[s], IAQI_STEPS[s - 1], IAQI_STEPS[s]
        for m in range(ilo, ihi + 1, 7):
            c = float(Fraction(lo) + Fraction((m - ilo) * (hi - lo), ihi - ilo))
            out += [c, float(np.nextafter(c, 0.0)), float(np.nextafter(c, np.inf))]
    return out


def conc_strategy(
    pollutant: str, period: str, version: Version, top_factor: float = 1.1
) -> st.SearchStrategy[float]:
    bps = BREAKPOINTS[version][(pollutant, period)]
    top = bps[-1] * top_factor
    scale = 10 if pollutant == "CO" else 1
    return st.one_of(
        st.floats(0, top, allow_nan=False, allow_infinity=False),
        st.sampled_from(bps),
        st.sampled_from(_exact_points(bps)),
        # decimal ties and near-ties for GB/T 8170 (x.5; CO x.x5)
        st.integers(0, int(top * scale)).map(lambda k: (k + 0.5) / scale),
        st.integers(0, int(top * scale * 100)).map(lambda k: k / (scale * 100)),
    )


@st.composite
def column_and_pair(draw: st.DrawFn) -> tuple[Version, str, str, float, float]:
    v, p, per = draw(st.sampled_from(COLUMNS))
    limit = 1.0 if (p, per) in SPECIAL and v == "2012" else 1.1
    s = conc_strategy(p, per, v, limit)
    a, b = draw(s), draw(s)
    if (p, per) in SPECIAL and v == "2012":
        a, b = min(a, 800.0), min(b, 800.0)
    return v, p, per, min(a, b), max(a, b)


@settings(max_examples=200, deadline=None)
@given(column_and_pair())
def test_iaqi_is_non_decreasing(case: tuple[Version, str, str, float, float]) -> None:
    v, p, per, lo, hi = case
    a = A.iaqi(p, lo, per, v, on_beyond="cap")
    b = A.iaqi(p, hi, per, v, on_beyond="cap")
    assert a is not None and b is not None
    assert 0 <= a <= b <= 500


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(COLUMNS), st.data())
def test_iaqi_is_within_one_of_the_real_formula(
    column: tuple[Version, str, str], data: st.DataObject
) -> None:
    # ceil(x) − x ∈ [0, 1): the result is the smallest integer ≥ formula (1) (2012, no rounding)
    _, p, per = column
    bps = BREAKPOINTS["2012"][(p, per)]
    c = data.draw(st.floats(0, bps[-1], allow_nan=False))
    exact = Fraction(repr(c))
    s = max(1, min(len(bps) - 1, next(i for i, b in enumerate(bps) if b >= exact)))
    lo, hi, ilo, ihi = bps[s - 1], bps[s], IAQI_STEPS[s - 1], IAQI_STEPS[s]
    value = Fraction(ihi - ilo, hi - lo) * (exact - lo) + ilo
    got = A.iaqi(p, c, per, "2012")
    assert got == math.ceil(value)
    assert 0 <= got - value < 1


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [
            (v, p, per, c, s)
            for v, p, per in COLUMNS
            for c, s in zip(BREAKPOINTS[v][(p, per)], IAQI_STEPS, strict=False)
        ]
    )
)
def test_exact_value_at_every_breakpoint(case: tuple[str, str, str, int, int]) -> None:
    v, p, per, c, step = case
    assert A.iaqi(p, c, per, v) == step
    assert A.iaqi(p, float(c), per, v) == step
    assert A.iaqi_array(p, [c], per, v).tolist() == [step]


@given(st.integers(0, 2000))
def test_level_changes_exactly_at_the_bounds(aqi: int) -> None:
    expected = 1 + sum(aqi > b for b in (50, 100, 150, 200, 300))
    assert A.level_of(aqi).number == expected
    assert A.level_array([aqi]).tolist() == [expected]
    if aqi in (50, 100, 150, 200, 300):
        assert A.level_of(aqi + 1).number == A.level_of(aqi).number + 1
    elif aqi > 0:
        assert A.level_of(aqi - 1).number == A.level_of(aqi).number or aqi - 1 in (
            50, 100, 150, 200, 300,
        )  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(COLUMNS), st.data())
def test_iaqi_array_equals_scalar(column: tuple[Version, str, str], data: st.DataObject) -> None:
    v, p, per = column
    limit = 1.0 if (p, per) in SPECIAL and v == "2012" else 1.1
    values = data.draw(
        st.lists(st.one_of(conc_strategy(p, per, v, limit), st.just(math.nan)), max_size=30)
    )
    if (p, per) in SPECIAL and v == "2012":
        values = [min(x, 800.0) for x in values]
    got = A.iaqi_array(p, np.asarray(values, dtype=float), per, v, on_beyond="cap")
    want = [A.iaqi(p, x, per, v, on_beyond="cap") for x in values]
    assert got.shape == (len(values),)
    for g, w in zip(got.tolist(), want, strict=True):
        assert (math.isnan(g) and w is None) or g == w


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.floats(0, 1e4, allow_nan=False),
            st.integers(0, 100_000).map(lambda k: (k + 0.5) / 10),
            st.integers(0, 100_000).map(lambda k: (2 * k + 1) / 20),
            st.integers(0, 10**7).map(lambda k: k / 1000),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([0, 1]),
)
def test_round_gbt8170_array_equals_scalar(values: list[float], decimals: int) -> None:
    got = A.round_gbt8170_array(values, decimals).tolist()
    want = [float(A.round_gbt8170(x, decimals)) for x in values]
    assert got == want


# ---------------------------------------------------------------------------------------------
# Whole reports: scalar rows vs the array version (both editions, mixed per row, NaNs)
# ---------------------------------------------------------------------------------------------

DAILY_SPEC = {
    "SO2": ("SO2", "24h"), "NO2": ("NO2", "24h"), "PM10": ("PM10", "24h"),
    "PM2.5": ("PM2.5", "24h"), "CO": ("CO", "24h"), "O3_8h": ("O3", "8h"), "O3_1h": ("O3", "1h"),
}  # fmt: skip
HOURLY_SPEC = {
    "SO2": ("SO2", "1h"), "NO2": ("NO2", "1h"), "PM10": ("PM10", "24h"),
    "PM2.5": ("PM2.5", "24h"), "CO": ("CO", "1h"), "O3": ("O3", "1h"), "O3_8h": ("O3", "8h"),
    "PM10_24h": ("PM10", "24h"), "PM2.5_24h": ("PM2.5", "24h"), "SO2_24h": ("SO2", "24h"),
}  # fmt: skip


@st.composite
def report_rows(
    draw: st.DrawFn, spec: dict[str, tuple[str, str]]
) -> tuple[dict[str, list[float]], list[str] | str]:
    n = draw(st.integers(1, 25))
    keys = draw(st.sets(st.sampled_from(sorted(spec)), min_size=1))
    cols: dict[str, list[float]] = {}
    for k in sorted(keys):
        p, per = spec[k]
        top_factor = 1.4 if (p, per) in SPECIAL else 1.1  # exercise the > 800 rules
        value = st.one_of(conc_strategy(p, per, "2026", top_factor), st.just(math.nan))
        cols[k] = draw(st.lists(value, min_size=n, max_size=n))
    if draw(st.booleans()):
        versions: list[str] | str = draw(st.sampled_from(VERSIONS))
    else:
        versions = [
            str(v) for v in draw(st.lists(st.sampled_from(VERSIONS), min_size=n, max_size=n))
        ]
    return cols, versions


def _check_rows(report: str, cols: dict[str, list[float]], versions: list[str] | str) -> None:
    arrays = {k: np.asarray(v, dtype=float) for k, v in cols.items()}
    vers = versions if isinstance(versions, str) else np.asarray(versions)
    func_a = A.daily_aqi_array if report == "daily" else A.hourly_aqi_array
    func_s = A.daily_aqi if report == "daily" else A.hourly_aqi
    arr = func_a(arrays, vers)
    n = len(next(iter(cols.values())))
    assert arr.aqi.shape == (n,) and len(arr) == n
    for i in range(n):
        v = versions if isinstance(versions, str) else versions[i]
        row = {k: c[i] for k, c in cols.items()}
        try:
            r = func_s(row, v)
        except A.AQIError as exc:
            assert "no IAQI" in str(exc)
            assert math.isnan(arr.aqi[i]) and arr.level[i] == 0 and not arr.published[i]
            assert arr.primary_mask[i] == 0
            continue
        assert arr.aqi[i] == r.aqi
        assert arr.level[i] == r.level
        got_iaqi = {k: a[i] for k, a in arr.iaqi.items() if not math.isnan(a[i])}
        assert got_iaqi == r.iaqi
        assert arr.primary_names(int(arr.primary_mask[i])) == r.primary
        assert A.primary_names(int(arr.exceeding_mask[i])) == r.exceeding
        assert bool(arr.published[i]) == r.published
        assert arr.names(int(arr.missing_mask[i]), "indicator") == r.missing
        assert arr.names(int(arr.beyond_mask[i]), "indicator") == r.beyond_table
        # invariants of a report
        assert r.aqi == max(r.iaqi.values())
        assert (r.aqi > 50) == bool(r.primary)
        if r.version == "2026":
            assert r.exceeding == []
            assert r.published == (not r.missing or r.aqi > 100)


@settings(max_examples=100, deadline=None)
@given(report_rows(DAILY_SPEC))
def test_daily_scalar_and_array_agree(case: tuple[dict[str, list[float]], list[str] | str]) -> None:
    _check_rows("daily", *case)


@settings(max_examples=100, deadline=None)
@given(report_rows(HOURLY_SPEC))
def test_hourly_scalar_and_array_agree(
    case: tuple[dict[str, list[float]], list[str] | str],
) -> None:
    _check_rows("hourly", *case)


def test_iaqi_array_mixed_versions() -> None:
    x = np.array([60.0, 60.0, 120.0, 120.0, np.nan])
    got = A.iaqi_array("PM2.5", x, "24h", np.array(["2012", "2026", "2012", "2026", "2026"]))
    # 2012 60: 50/40·25+50 = 81.25 → 82; 2026 60 → 100; 2012 120: 50/35·5+150 = 157.14 → 158;
    # 2026 120: 50/35·5+150 → 158 too (the column is the same above 115)
    assert got[:4].tolist() == [82, 100, 158, 158] and math.isnan(got[4])


@pytest.mark.parametrize("version", VERSIONS)
def test_large_random_batch_matches_scalar(version: str) -> None:
    # A deterministic batch of realistic station-days, checked row by row.
    rng = np.random.default_rng(633)
    n = 2000
    cols = {
        "SO2": rng.lognormal(2.5, 0.9, n), "NO2": rng.lognormal(3.3, 0.5, n),
        "PM10": rng.lognormal(4.3, 0.7, n), "PM2.5": rng.lognormal(3.5, 0.8, n),
        "CO": np.round(rng.lognormal(-0.2, 0.5, n), 1), "O3_8h": rng.lognormal(4.5, 0.4, n),
        "O3_1h": rng.lognormal(4.8, 0.4, n),
    }  # fmt: skip
    cols["PM2.5"][::17] = np.nan
    _check_rows("daily", {k: v.tolist() for k, v in cols.items()}, version)
