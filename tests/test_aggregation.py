"""Aggregation type per indicator in the plan format (ecoplan.model.aggregation, issue 11)."""

from __future__ import annotations

import copy
from collections import Counter

import pytest

from ecoplan.demo.indicators import demo_plans
from ecoplan.model.aggregation import INHERITABLE, SUMMABLE, Aggregation, default_aggregation
from ecoplan.model.planfile import PlanFileError, parse_plan


@pytest.mark.parametrize(
    ("unit", "derivation", "expected"),
    [
        ("%", None, "ratio"),
        ("%（较2020年累计下降）", None, "ratio"),
        ("百分点（较2015年）", None, "ratio"),
        ("平方米/人", None, "ratio"),
        ("万亩", None, "additive"),
        ("亿亩", None, "additive"),
        ("亿千瓦", None, "additive"),
        ("万吨/日", None, "additive"),
        ("万吨（五年累计减排量）", None, "additive"),
        ("km²", None, "additive"),
        ("个", None, "count"),
        ("件/年", None, "count"),
        ("家（“十三五”累计）", None, "count"),
        ("人次（“十三五”累计）", None, "count"),
        ("µg/m³", None, "mean"),
        ("无量纲", None, "mean"),
        ("天", None, "mean"),
        ("水质类别（Ⅰ=1…Ⅴ=5）", None, "max"),
        ("—", None, "qualitative"),
        ("某种新单位", None, "qualitative"),  # never guessed
        ("%", "air.good_days_ratio", "mean"),  # the regional figure is the 12 leagues' mean
        ("%", "water.share_I_III", "ratio"),
    ],
)
def test_default_rule(unit: str, derivation: str | None, expected: str) -> None:
    assert default_aggregation(unit, derivation) is Aggregation(expected)


def test_totals_are_never_inheritable() -> None:
    assert not SUMMABLE & INHERITABLE
    assert Aggregation.QUALITATIVE not in SUMMABLE | INHERITABLE
    assert Aggregation.ADDITIVE.name_zh == "总量（可加）"


def test_shipped_plans_resolve_and_the_named_totals_are_additive() -> None:
    inds = {i.code: i for p in demo_plans() for i in p.indicators}
    got = Counter(i.effective_aggregation.value for i in inds.values())
    assert set(got) == {a.value for a in Aggregation}, got
    # the two examples: a province total is not a league's target
    for code in ("BIM-NEW-ENERGY-CAPACITY", "BIM-FARMLAND-REDLINE"):
        assert inds[code].aggregation is Aggregation.ADDITIVE  # explicit in the plan file
    assert inds["HH-IRRIGATION-COEF"].effective_aggregation is Aggregation.RATIO  # explicit
    # an indicator with a unit is never left qualitative by the default rule
    for ind in inds.values():
        if ind.effective_aggregation is Aggregation.QUALITATIVE:
            assert ind.unit == "—", ind.code


PLAN = {
    "id": "agg-test",
    "title_zh": "汇总测试",
    "title_en": "Aggregation test",
    "issuer_zh": "测试",
    "region": "150000",
    "period_start": 2021,
    "period_end": 2025,
    "source_doc": "t",
    "indicators": [
        {"code": "N", "name_zh": "达标面积", "name_en": "n", "unit": "万亩", "direction": "higher"},
        {"code": "D", "name_zh": "总面积", "name_en": "d", "unit": "万亩", "direction": "higher"},
        {
            "code": "R",
            "name_zh": "达标比例",
            "name_en": "r",
            "unit": "%",
            "direction": "higher",
            "aggregation": "ratio",
            "numerator": "N",
            "denominator": "D",
        },
    ],
}


def test_ratio_parts_are_checked() -> None:
    plan = parse_plan(copy.deepcopy(PLAN))
    r = plan.indicators[2]
    assert (r.effective_aggregation, r.numerator, r.denominator) == ("ratio", "N", "D")

    def bad(change: dict[str, object], match: str) -> None:
        data = copy.deepcopy(PLAN)
        data["indicators"][2].update(change)  # type: ignore[index]
        data["indicators"][2] = {k: v for k, v in data["indicators"][2].items() if v is not None}  # type: ignore[index]
        with pytest.raises(PlanFileError, match=match):
            parse_plan(data, "agg.yaml")

    bad({"numerator": "NOPE"}, "numerator 'NOPE' is not another indicator")
    bad({"denominator": None}, "given together")
    bad({"aggregation": "additive"}, "belong to a ratio")
    bad({"aggregation": "median"}, "aggregation")
    bad({"weight": "D"}, "not both")
    bad({"numerator": "R"}, "not another indicator")
