"""Property tests for the GB 3838 single-factor rule: worst item decides, monotonicity,
scalar == array, basin grading."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecoplan.standards.water import (
    ALL_ITEMS,
    CLASSES,
    NATIONAL_ITEMS,
    WATER_ITEMS,
    basin_grade_from_shares,
    class_code,
    class_shares,
    classify,
    classify_array,
    item_class,
)

ITEMS_ALL_LAKE = ALL_ITEMS  # with items="all" every item is evaluated in a lake
RIVER_ITEMS = tuple(c for c in ALL_ITEMS if c != "TN")
GRADE_ORDER = ["优", "良好", "轻度污染", "中度污染", "重度污染"]

waterbodies = st.sampled_from(["river", "lake"])


@st.composite
def item_value(draw: st.DrawFn, code: str) -> float:
    """A value for *code*: often exactly on, or just beside, a Table 1 limit."""
    item = WATER_ITEMS[code]
    limits = sorted(set(item.limits) | set(item.lake_limits or ()))
    if code == "pH":
        return draw(st.sampled_from([5.99, 6.0, 9.0, 9.01]) | st.floats(0, 14))
    top = max(limits) * 2.5
    near = st.sampled_from(limits).flatmap(
        lambda lim: st.sampled_from([lim, lim * (1 - 1e-9), lim * (1 + 1e-9)])
    )
    return draw(near | st.floats(0, top, allow_nan=False) | st.just(0.0))


@st.composite
def samples(draw: st.DrawFn, codes: tuple[str, ...] = RIVER_ITEMS) -> dict[str, float]:
    chosen = draw(st.lists(st.sampled_from(codes), min_size=1, max_size=len(codes), unique=True))
    return {c: draw(item_value(c)) for c in chosen}


@given(samples(ITEMS_ALL_LAKE), waterbodies)
def test_class_is_the_worst_item_class(sample: dict[str, float], body: str) -> None:
    sample = {k: v for k, v in sample.items() if body == "lake" or k != "TN"}
    assume(sample)
    r = classify(sample, body, "all")  # type: ignore[arg-type]
    codes = {c: class_code(k) for c, k in r.item_classes.items()}
    assert set(codes) == set(sample)
    assert class_code(r.water_class) == max(codes.values())
    assert r.deciding_items == [c for c in r.item_classes if codes[c] == max(codes.values())]
    for c, v in sample.items():
        assert r.item_classes[c] == item_class(c, v, body)  # type: ignore[arg-type]


@given(samples(), samples(), waterbodies)
def test_adding_items_never_improves_the_class(
    base: dict[str, float], extra: dict[str, float], body: str
) -> None:
    before = classify(base, body, "all")  # type: ignore[arg-type]
    after = classify({**extra, **base}, body, "all")  # type: ignore[arg-type]
    assert class_code(after.water_class) >= class_code(before.water_class)


@given(
    st.sampled_from([c for c in RIVER_ITEMS if WATER_ITEMS[c].direction == "le"]),
    st.data(),
    waterbodies,
)
def test_raising_a_concentration_never_improves_its_class(
    code: str, data: st.DataObject, body: str
) -> None:
    a = data.draw(item_value(code))
    b = data.draw(item_value(code))
    lo, hi = min(a, b), max(a, b)
    assert class_code(item_class(code, hi, body)) >= class_code(item_class(code, lo, body))  # type: ignore[arg-type]


@given(item_value("DO"), item_value("DO"), st.none() | st.floats(0, 150))
def test_raising_do_never_worsens_its_class(a: float, b: float, sat: float | None) -> None:
    lo, hi = min(a, b), max(a, b)
    assert class_code(item_class("DO", hi, do_saturation=sat)) <= class_code(
        item_class("DO", lo, do_saturation=sat)
    )


@given(samples(), waterbodies)
def test_exceedances_match_failing_items(sample: dict[str, float], body: str) -> None:
    r = classify(sample, body, "all")  # type: ignore[arg-type]
    for target in CLASSES[:5]:
        ex = r.exceedances(target)
        failing = r.failing_items(target)
        assert set(ex) == set(failing) - {"pH"}
        assert all(m > 0 for m in ex.values())
        assert r.meets(target) == (not failing)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(samples(ITEMS_ALL_LAKE), min_size=1, max_size=25),
    waterbodies,
    st.sampled_from(["national", "all"]),
    st.data(),
)
def test_array_equals_scalar(
    rows: list[dict[str, float]], body: str, items: str, data: st.DataObject
) -> None:
    if body == "river":
        rows = [{k: v for k, v in r.items() if k != "TN"} for r in rows]
    codes = sorted({k for r in rows for k in r})
    cols = {c: np.array([r.get(c, math.nan) for r in rows], dtype=float) for c in codes}
    sat = np.array(
        [
            data.draw(st.sampled_from([math.nan, 89.9, 90.0, 120.0])) if "DO" in r else math.nan
            for r in rows
        ]
    )
    if items == "national":
        evaluated = set(NATIONAL_ITEMS)
    else:
        evaluated = set(ALL_ITEMS if body == "lake" else RIVER_ITEMS)
    assume(evaluated & set(codes))
    out = classify_array(cols, body, items, do_saturation=sat)  # type: ignore[arg-type]
    assert out.dtype == np.int8 and out.shape == (len(rows),)
    for i, r in enumerate(rows):
        if not evaluated & set(r):
            assert out[i] == 0
            continue
        s = None if math.isnan(sat[i]) else float(sat[i])
        expected = classify(r, body, items, do_saturation=s)  # type: ignore[arg-type]
        assert out[i] == class_code(expected.water_class)


classes_st = st.lists(st.sampled_from(CLASSES), min_size=1, max_size=40)


@given(classes_st)
def test_class_shares_sum_to_100(classes: list[str]) -> None:
    s = class_shares(classes)
    assert math.isclose(sum(s[c] for c in CLASSES), 100.0)
    assert math.isclose(s["I-III"], s["I"] + s["II"] + s["III"])


@given(classes_st, st.data())
def test_worsening_a_section_never_improves_the_basin_grade(
    classes: list[str], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(classes) - 1))
    worse = data.draw(st.sampled_from(CLASSES[CLASSES.index(classes[i]) :]))
    changed = [*classes[:i], worse, *classes[i + 1 :]]
    before = GRADE_ORDER.index(basin_grade_from_shares(classes))
    after = GRADE_ORDER.index(basin_grade_from_shares(changed))
    assert after >= before
