"""How an indicator's values combine across regions: its aggregation type (汇总方式).

DHIS2 gives every data element an aggregation type; so does a plan indicator here
(``docs/plan-format.md`` §Aggregation).  The type decides three things:

* **roll-up** — how the region's value follows from its leagues'/counties' values
  (:mod:`ecoplan.assess.rollup`);
* **inheritance** — whether a sub-region without a target of its own may be judged against the
  enclosing region's target: a share, a mean or a maximum may be (the page says so); a total
  (1.7 亿亩 of farmland, 3 亿千瓦 of new-energy capacity) never is;
* which comparisons are meaningful (a league's total is never compared with the region's).

An indicator without an explicit ``aggregation`` gets one from its unit and derivation by
:func:`default_aggregation` (the rule is documented beside it and in the plan-format doc).
"""

from __future__ import annotations

from enum import StrEnum


class Aggregation(StrEnum):
    """Aggregation type of an indicator."""

    ADDITIVE = "additive"  # 总量：下级之和 (area, capacity, tonnes, km)
    RATIO = "ratio"  # 比率/占比：Σ分子/Σ分母 (or weighted by a weight indicator)
    MEAN = "mean"  # 均值：下级算术平均 (concentrations, indices, 12-league mean days)
    MAX = "max"  # 最大值：下级最大 (the worst water class)
    COUNT = "count"  # 计数：下级个数之和 (sites, enterprises, villages)
    QUALITATIVE = "qualitative"  # 定性：不汇总

    @property
    def name_zh(self) -> str:
        return AGGREGATION_ZH[self]


AGGREGATION_ZH: dict[Aggregation, str] = {
    Aggregation.ADDITIVE: "总量（可加）",
    Aggregation.RATIO: "比率/占比",
    Aggregation.MEAN: "均值",
    Aggregation.MAX: "最大值",
    Aggregation.COUNT: "计数",
    Aggregation.QUALITATIVE: "定性",
}

#: Sums: a sub-region's value is a part of the region's; the region's target is never its own.
SUMMABLE: frozenset[Aggregation] = frozenset({Aggregation.ADDITIVE, Aggregation.COUNT})
#: May be judged against the enclosing region's target when no allocated target exists.
INHERITABLE: frozenset[Aggregation] = frozenset(
    {Aggregation.RATIO, Aggregation.MEAN, Aggregation.MAX}
)

#: Units (their leading word) of totals that add up across regions.
ADDITIVE_UNITS: tuple[str, ...] = (
    "万吨", "吨", "亿亩", "万亩", "亩", "公顷", "km²", "平方公里", "亿千瓦", "万千瓦", "千瓦",
    "亿立方米", "万立方米", "立方米", "公里", "km", "万户", "户", "万平方米", "平方米",
    "亿元", "万元", "元",
)  # fmt: skip
#: Units of counted things.
COUNT_UNITS: tuple[str, ...] = (
    "个", "家", "座", "台", "套", "项", "件", "架", "份", "人次", "处", "条", "所",
)  # fmt: skip
#: Units of levels that are averaged (concentrations, indices, grades, days per city).
MEAN_UNITS: tuple[str, ...] = ("µg/m³", "mg/m³", "mg/L", "无量纲", "等", "天", "dB")


def default_aggregation(unit: str, derivation: str | None = None) -> Aggregation:
    """The aggregation an indicator gets when its plan does not say (the documented rule).

    In order:

    1. unit ``—`` (no unit) → ``qualitative``;
    2. a derivation from monitoring (``air.*``, ``water.*``) → ``mean`` for air (the regional
       figure is the 12 leagues' mean, docs/assessment.md §8) and ``ratio`` for water shares;
    3. unit naming a water-quality class (``水质类别``) → ``max`` (the worst class);
    4. unit starting with ``%``, ``百分点`` or containing ``/人`` → ``ratio``;
    5. unit with a "per time" part (``万吨/日``, ``件/年``) → by its leading word;
    6. leading word a counted thing (个, 家, 座, 台, 套, 项, 件 …) → ``count``;
    7. leading word a quantity (万吨, 万亩, 亿亩, 公顷, km², 亿千瓦, 公里 …) → ``additive``;
    8. leading word a level (µg/m³, mg/L, 无量纲, 等, 天) → ``mean``;
    9. anything else → ``qualitative`` (never summed, never inherited, never guessed).
    """
    u = unit.strip()
    if u in ("—", "-", ""):
        return Aggregation.QUALITATIVE
    if derivation:
        return Aggregation.RATIO if derivation.startswith("water.share") else Aggregation.MEAN
    if "水质类别" in u:
        return Aggregation.MAX
    if u.startswith(("%", "百分点")) or "/人" in u:
        return Aggregation.RATIO
    for prefix in sorted(COUNT_UNITS + ADDITIVE_UNITS + MEAN_UNITS, key=len, reverse=True):
        if u.startswith(prefix):
            if prefix in COUNT_UNITS:
                return Aggregation.COUNT
            if prefix in ADDITIVE_UNITS:
                return Aggregation.ADDITIVE
            return Aggregation.MEAN
    return Aggregation.QUALITATIVE


def resolve(aggregation: str | None, unit: str, derivation: str | None = None) -> Aggregation:
    """The explicit aggregation when given, else :func:`default_aggregation`."""
    if aggregation:
        return Aggregation(aggregation)
    return default_aggregation(unit, derivation)
