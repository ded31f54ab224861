"""Roll-up of a region's value from its sub-regions (ecoplan.assess.rollup), by hand and as
properties (hypothesis)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.assess.rollup import ROLLUP_DECIMALS, rollup
from ecoplan.model.aggregation import Aggregation

KIDS = ["A", "B", "C"]


def test_worked_cases_by_hand() -> None:
    # 新能源装机 (亿千瓦, additive): 0.25 + 0.5 + 1.0 = 1.75
    r = rollup("additive", {"A": 0.25, "B": 0.5, "C": 1.0}, KIDS)
    assert (r.value, r.reported, r.expected, r.missing) == (1.75, 3, 3, ())
    # 0.1 + 0.2 is 0.30000000000000004 in binary; the roll-up gives 0.3
    assert rollup("additive", {"A": 0.1, "B": 0.2}, ["A", "B"]).value == 0.3
    # a share from its parts: (30 + 10 + 20)/(100 + 50 + 50) × 100 = 30 %
    r = rollup(
        "ratio", {}, KIDS,
        numerators={"A": 30, "B": 10, "C": 20}, denominators={"A": 100, "B": 50, "C": 50},
        percent=True,
    )  # fmt: skip
    assert r.value == 30.0 and r.method_zh == "Σ分子/Σ分母×100"
    # the mean of the shares would be (30 + 20 + 40)/3 = 30 as well here; with other parts
    # it differs: (1 + 9)/(10 + 90) = 10 %, the mean of 10 % and 10 % … pick 1/10 and 45/90
    r = rollup(
        "ratio", {}, ["A", "B"], numerators={"A": 1, "B": 45}, denominators={"A": 10, "B": 90},
        percent=True,
    )  # fmt: skip
    assert r.value == 46.0  # not (10 + 50)/2 = 30
    # weighted: forest cover 20 % over 100 and 40 % over 300 → (2000 + 12000)/400 = 35 %
    r = rollup("ratio", {"A": 20, "B": 40}, ["A", "B"], weights={"A": 100, "B": 300})
    assert r.value == 35.0
    # mean and max
    assert rollup("mean", {"A": 40, "B": 44, "C": 45}, KIDS).value == 43.0
    assert rollup("max", {"A": 2, "B": 5, "C": 3}, KIDS).value == 5.0
    assert rollup("count", {"A": 2, "B": 5, "C": 3}, KIDS).value == 10.0


def test_incomplete_gives_completeness_and_no_value() -> None:
    r = rollup("additive", {"A": 1.0, "C": 2.0}, KIDS)
    assert r.value is None and (r.reported, r.expected, r.missing) == (2, 3, ("B",))
    assert r.completeness_zh == "2/3" and not r.complete
    # a ratio needs both parts from everyone
    r = rollup("ratio", {}, KIDS, numerators={"A": 1, "B": 1, "C": 1}, denominators={"A": 2})
    assert r.value is None and r.missing == ("B", "C")


def test_ratio_without_parts_and_qualitative_never_roll_up() -> None:
    r = rollup("ratio", {"A": 10, "B": 20, "C": 30}, KIDS)
    assert r.value is None and r.complete and "未给分子分母" in r.method_zh
    assert rollup("qualitative", {"A": 1, "B": 1, "C": 1}, KIDS).value is None
    # a zero denominator or zero weights: no value, not a division error
    assert rollup("ratio", {}, ["A"], numerators={"A": 0}, denominators={"A": 0}).value is None
    assert rollup("mean", {"A": 3}, ["A"], weights={"A": 0}).value is None


def test_unknown_aggregation_is_refused() -> None:
    with pytest.raises(ValueError):
        rollup("median", {"A": 1}, ["A"])


finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(0.001, 1e6, allow_nan=False, allow_infinity=False)
kids = st.lists(st.text("abcdefgh", min_size=1, max_size=3), min_size=1, max_size=12, unique=True)


@settings(max_examples=200, deadline=None)
@given(kids.flatmap(lambda ks: st.tuples(st.just(ks), st.lists(finite, min_size=len(ks),
                                                                max_size=len(ks)))))  # fmt: skip
def test_additive_is_the_exact_sum_and_order_free(case: tuple[list[str], list[float]]) -> None:
    ks, vs = case
    vals = dict(zip(ks, vs, strict=True))
    r = rollup(Aggregation.ADDITIVE, vals, ks)
    assert r.value == pytest.approx(round(math.fsum(vs), ROLLUP_DECIMALS), abs=1e-9)
    back = rollup(Aggregation.ADDITIVE, dict(reversed(vals.items())), list(reversed(ks)))
    assert back.value == r.value
    # splitting the sub-regions in two and adding the two roll-ups gives the same total
    half = len(ks) // 2
    if 0 < half < len(ks):
        a = rollup("additive", vals, ks[:half]).value
        b = rollup("additive", vals, ks[half:]).value
        assert a is not None and b is not None
        assert a + b == pytest.approx(r.value, abs=1e-5)


@settings(max_examples=200, deadline=None)
@given(
    kids.flatmap(
        lambda ks: st.tuples(
            st.just(ks),
            st.lists(positive, min_size=len(ks), max_size=len(ks)),
            st.lists(st.floats(0, 1), min_size=len(ks), max_size=len(ks)),
        )
    )
)
def test_ratio_lies_between_the_sub_region_ratios(
    case: tuple[list[str], list[float], list[float]],
) -> None:
    """Σn/Σd is a weighted mean of the n/d: never outside their range; scaling every
    denominator and numerator by one factor leaves it unchanged."""
    ks, dens, fracs = case
    d = dict(zip(ks, dens, strict=True))
    n = {k: d[k] * f for k, f in zip(ks, fracs, strict=True)}
    r = rollup("ratio", {}, ks, numerators=n, denominators=d, percent=True)
    assert r.value is not None and r.complete
    shares = [100 * n[k] / d[k] for k in ks]
    assert min(shares) - 1e-5 <= r.value <= max(shares) + 1e-5
    scaled = rollup(
        "ratio", {}, ks, numerators={k: 7 * v for k, v in n.items()},
        denominators={k: 7 * v for k, v in d.items()}, percent=True,
    )  # fmt: skip
    assert scaled.value == pytest.approx(r.value, abs=1e-5)


@settings(max_examples=200, deadline=None)
@given(kids, st.data())
def test_missing_any_sub_region_means_no_value(ks: list[str], data: st.DataObject) -> None:
    present = data.draw(st.lists(st.sampled_from(ks), unique=True, max_size=len(ks) - 1))
    vals = {k: 1.0 for k in present}
    for agg in ("additive", "count", "mean", "max"):
        r = rollup(agg, vals, ks)
        assert r.value is None and r.reported == len(present) and r.expected == len(ks)
        assert set(r.missing) == set(ks) - set(present)
