"""Invariants of the progress method (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.assess.progress import (
    SEVERITY,
    TargetSpec,
    assess_progress,
    satisfies,
)
from ecoplan.assess.types import Status

MIRROR = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "=": "="}
SENSE = {">=": 1, ">": 1, "<=": -1, "<": -1}

values = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 3))


@st.composite
def cases(draw: st.DrawFn, comparators: tuple[str, ...] = (">=", "<=", ">", "<", "=")):
    comparator = draw(st.sampled_from(comparators))
    kind = draw(st.sampled_from(["reach", "maintain"]))
    t_target = draw(st.integers(2021, 2035))
    target = TargetSpec(draw(values), t_target, comparator, kind)
    years = sorted(draw(st.sets(st.integers(2020, 2030), min_size=1, max_size=4)))
    points = [(y, draw(values)) for y in years]
    baseline = draw(st.one_of(st.none(), values.map(lambda b: (2020, b))))
    year = draw(st.integers(years[-1], 2036))
    return points, target, baseline, year


@settings(max_examples=300, deadline=None)
@given(cases(comparators=(">=", "<=", ">", "<")), st.floats(0.001, 500))
def test_improving_the_latest_value_never_worsens_the_status(case, delta: float) -> None:
    points, target, baseline, year = case
    before = assess_progress(points, target, year=year, baseline=baseline)
    y, v = points[-1]
    better = [*points[:-1], (y, v + SENSE[target.comparator] * delta)]
    after = assess_progress(better, target, year=year, baseline=baseline)
    assert SEVERITY[after.status] >= SEVERITY[before.status]


@settings(max_examples=300, deadline=None)
@given(cases())
def test_mirror_symmetry_between_higher_and_lower(case) -> None:
    points, target, baseline, year = case
    mirrored = TargetSpec(-target.value, target.year, MIRROR[target.comparator], target.kind)
    a = assess_progress(points, target, year=year, baseline=baseline)
    b = assess_progress(
        [(y, -v) for y, v in points],
        mirrored,
        year=year,
        baseline=(baseline[0], -baseline[1]) if baseline else None,
    )
    assert a.status is b.status
    assert a.ratio == b.ratio
    if a.actual_rate is not None:
        assert b.actual_rate == -a.actual_rate
    if a.gap is not None:
        assert math.isclose(a.gap, b.gap or 0.0, abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(cases())
def test_components_are_consistent(case) -> None:
    points, target, baseline, year = case
    p = assess_progress(points, target, year=year, baseline=baseline)
    assert p.status is not Status.NO_DATA  # every case has a value at or before the year
    assert p.value == points[-1][1]
    assert p.achieved == satisfies(points[-1][1], target)
    assert p.gap is not None and p.gap >= 0
    if target.kind == "reach":
        assert (p.status is Status.ACHIEVED) == p.achieved
        assert (p.gap == 0) == p.achieved or target.comparator in (">", "<")
    if p.projection is not None and p.actual_rate is not None and p.value_year is not None:
        expected = p.value + p.actual_rate * (target.year - p.value_year)
        assert math.isclose(p.projection, expected, rel_tol=1e-12, abs_tol=1e-9)
    if p.ratio is not None:
        assert p.required_rate not in (None, 0.0)
        assert math.isclose(p.ratio * (p.required_rate or 0), p.actual_rate or 0, abs_tol=1e-6)


@settings(max_examples=200, deadline=None)
@given(cases(), st.integers(1, 5))
def test_values_after_the_assessment_year_are_ignored(case, later: int) -> None:
    points, target, baseline, year = case
    a = assess_progress(points, target, year=year, baseline=baseline)
    b = assess_progress([*points, (year + later, 12345.0)], target, year=year, baseline=baseline)
    assert a == b
