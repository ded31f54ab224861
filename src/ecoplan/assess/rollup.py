"""Roll a region's value up from its sub-regions' values, by the indicator's aggregation type.

DHIS2 aggregates a data element over the org-unit tree by its aggregation type; here the
plan region's value (内蒙古自治区) follows from its 12 leagues/cities (or a city's from its
counties) — docs/assessment.md §2.1:

* ``additive`` / ``count``: the sum (math.fsum);
* ``ratio`` with ``numerator``/``denominator`` indicators: Σ numerator / Σ denominator (×100
  for a ``%`` unit); with a ``weight`` indicator: Σ v·w / Σ w; with neither it cannot be
  rolled up (a mean of shares is not the share) and the roll-up says so;
* ``mean``: the arithmetic mean of the sub-regions (the regional bulletin's 盟市平均);
* ``max``: the largest value (the worst water class);
* ``qualitative``: never.

A value is produced **only when every sub-region reported** (for a ratio: both parts; with a
weight: the value and the weight); otherwise the completeness (reported / expected, and who
is missing) is returned without a value.  A value the region reported itself always wins; the
roll-up is then a cross-check, named in the row's note when it differs.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ecoplan.assess.types import ValuePoint
from ecoplan.assess.values import ValueTable, stored_values
from ecoplan.model.aggregation import Aggregation, resolve
from ecoplan.model.regions import children, get_region
from ecoplan.store import schema as s

#: Decimals a rolled-up value is rounded to (removes binary noise of sums such as 0.1 + 0.2).
ROLLUP_DECIMALS = 6
#: Relative difference above which a reported region value and its roll-up are named as
#: inconsistent in the note.
MISMATCH_REL = 0.005


@dataclass(frozen=True)
class Rollup:
    """The roll-up of one indicator × region × year."""

    value: float | None
    reported: int
    expected: int
    missing: tuple[str, ...]
    method_zh: str

    @property
    def complete(self) -> bool:
        return self.reported == self.expected

    @property
    def completeness_zh(self) -> str:
        return f"{self.reported}/{self.expected}"


def rollup(
    aggregation: Aggregation | str,
    values: Mapping[str, float],
    expected: Sequence[str],
    *,
    numerators: Mapping[str, float] | None = None,
    denominators: Mapping[str, float] | None = None,
    weights: Mapping[str, float] | None = None,
    percent: bool = False,
) -> Rollup:
    """Roll *values* (sub-region → value) of the *expected* sub-regions up (module docstring).

    For a ratio, pass *numerators* and *denominators* (then *values* is not used) or
    *weights*; *percent* multiplies Σ numerator / Σ denominator by 100.
    """
    agg = Aggregation(aggregation)
    exp = list(dict.fromkeys(expected))

    def done(have: Sequence[str], value: float | None, method: str) -> Rollup:
        missing = tuple(r for r in exp if r not in set(have))
        if missing or not exp:
            value = None
        elif value is not None:
            value = round(value, ROLLUP_DECIMALS) + 0.0
        return Rollup(value, len(exp) - len(missing), len(exp), missing, method)

    if agg is Aggregation.QUALITATIVE:
        return done([], None, "定性指标不汇总")
    if agg is Aggregation.RATIO and numerators is not None and denominators is not None:
        have = [r for r in exp if r in numerators and r in denominators]
        den = math.fsum(denominators[r] for r in have)
        num = math.fsum(numerators[r] for r in have)
        value = None if den == 0 else num / den * (100.0 if percent else 1.0)
        return done(have, value, "Σ分子/Σ分母" + ("×100" if percent else ""))
    if agg in (Aggregation.RATIO, Aggregation.MEAN) and weights is not None:
        have = [r for r in exp if r in values and r in weights]
        w = math.fsum(weights[r] for r in have)
        value = None if w == 0 else math.fsum(values[r] * weights[r] for r in have) / w
        return done(have, value, "加权平均（Σ值×权重/Σ权重）")
    have = [r for r in exp if r in values]
    vals = [values[r] for r in have]
    if agg is Aggregation.RATIO:
        r = done(have, None, "占比类指标未给分子分母或权重，不由下级汇总")
        return r
    if not vals:
        return done(have, None, "无下级数据")
    if agg in (Aggregation.ADDITIVE, Aggregation.COUNT):
        return done(have, math.fsum(vals), "下级合计")
    if agg is Aggregation.MEAN:
        return done(have, math.fsum(vals) / len(vals), "下级算术平均")
    return done(have, max(vals), "下级最大值")


Rollups = dict[tuple[str, str], dict[int, Rollup]]  # (indicator, region) → year → roll-up


def apply_rollups(
    session: Session, plan: s.Plan, regions: Sequence[str], year: int, table: ValueTable
) -> Rollups:
    """Roll the plan region's values up from its direct subdivisions, years ≤ *year*.

    Only the plan's own region is rolled up (from the 12 leagues/cities, or a city's
    counties), and only indicators without a ``derivation`` (derived figures have their own
    regional rule, docs/assessment.md §8).  A complete roll-up is added to *table* for a year
    the region has no value of its own (source ``汇总：…``); every roll-up, complete or not,
    is returned for the completeness shown in the rows.
    """
    region = plan.region_code
    if region not in regions:
        return {}
    kids = [c.code for c in children(region)]
    if not kids:
        return {}
    kid_table = table
    absent = [k for k in kids if k not in regions]
    if absent:
        kid_table = ValueTable(points={k: dict(v) for k, v in table.points.items()})
        for code, reg, pt in stored_values(session, plan, absent, year, kind="imported"):
            kid_table.add(code, reg, pt)

    def by_year(code: str | None) -> dict[int, dict[str, float]]:
        out: dict[int, dict[str, float]] = {}
        if code is None:
            return out
        for k in kids:
            for y, p in kid_table.points.get((code, k), {}).items():
                if y <= year:
                    out.setdefault(y, {})[k] = p.value
        return out

    label = get_region(region).name_zh
    result: Rollups = {}
    for ind in plan.indicators:
        agg = resolve(ind.aggregation, ind.unit, ind.derivation)
        if ind.derivation or agg is Aggregation.QUALITATIVE:
            continue
        vals = by_year(ind.code)
        nums, dens = by_year(ind.agg_numerator), by_year(ind.agg_denominator)
        wts = by_year(ind.agg_weight)
        parts = [vals, nums, dens, wts] if ind.agg_numerator or ind.agg_weight else [vals]
        years = sorted({y for d in parts for y in d} | {year})
        own = table.points.get((ind.code, region), {})
        per_year: dict[int, Rollup] = {}
        for y in years:
            ru = rollup(
                agg, vals.get(y, {}), kids,
                numerators=nums.get(y, {}) if ind.agg_numerator else None,
                denominators=dens.get(y, {}) if ind.agg_denominator else None,
                weights=wts.get(y, {}) if ind.agg_weight else None,
                percent=ind.unit.strip().startswith("%"),
            )  # fmt: skip
            per_year[y] = ru
            if ru.value is not None and y not in own:
                src = f"汇总：{label}下级地区{ru.completeness_zh}已报，{ru.method_zh}"
                table.add(ind.code, region, ValuePoint(y, ru.value, src))
        result[(ind.code, region)] = per_year
    return result


def rollup_notes(
    per_year: Mapping[int, Rollup], own: Mapping[int, ValuePoint], year: int
) -> list[str]:
    """The completeness and consistency notes of one region row (assessment year *year*)."""
    notes: list[str] = []
    ru = per_year.get(year)
    if ru is not None:
        if ru.complete and ru.value is None:
            notes.append(f"{year}年下级地区填报{ru.completeness_zh}（{ru.method_zh}）")
        elif ru.complete:
            notes.append(f"{year}年下级地区填报{ru.completeness_zh}")
        else:
            names = "、".join(get_region(c).name_zh for c in ru.missing[:4])
            more = "等" if len(ru.missing) > 4 else ""
            notes.append(f"{year}年下级地区填报{ru.completeness_zh}（缺{names}{more}），未汇总")
    for y, r in sorted(per_year.items()):
        p = own.get(y)
        if r.value is None or p is None or p.source.startswith("汇总"):
            continue
        if abs(p.value - r.value) > MISMATCH_REL * max(abs(r.value), 1e-9):
            notes.append(f"{y}年本级值{p.value:g}与{r.method_zh}{r.value:g}不一致")
    return notes
