"""Synthetic (演示) yearly indicator values for the plans' non-monitoring indicators.

For every indicator of the embedded plans that is *not* derived from monitoring data
(``derivation`` empty) and has a numeric baseline and/or target, a path is generated for the
years asked (default 2020–2026): for the indicator's own region and, when that region is the
autonomous region (150000), for each of the 12 leagues/cities too (the regional target is
taken as the league's target for shares, means and maxima; a regional *total* — additive or
count aggregation, ``ecoplan.model.aggregation`` — is split over the 12 leagues by fixed
synthetic shares instead, so that league values are on a league's scale and add up exactly
to the region's value; those league paths have no target of their own).

Each (indicator, region) follows one of four scenarios so that a progress assessment shows
every status: ``achieved`` (target reached early and held), ``on_track`` (straight to the
target in the target year), ``at_risk`` (about 60 % of the required pace) and ``off_track``
(moving away from the target).  The region itself is mostly on track; the leagues rotate
through the scenarios.  The baseline year's value at the baseline region equals the plan's
baseline; indicators with only a target get a plausible synthetic baseline (e.g. 80–95 % of a
≥ target, 0 for a five-year cumulative count).  Percentages stay within 0–100, counts are
whole numbers, cumulative ("累计") values never decrease, and 13th-FYP/five-year totals are
given only for their baseline year.  Every row's note is 「演示数据（合成）」.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from ecoplan.demo.stations import CITY_CODES, stream
from ecoplan.model.aggregation import SUMMABLE
from ecoplan.model.planfile import Direction, Indicator, PlanFile, parse_plan

__all__ = [
    "INDICATOR_HEADER",
    "NOTE",
    "SCENARIOS",
    "IndicatorPath",
    "demo_plans",
    "generate_indicator_values",
    "write_indicators_csv",
]

NOTE = "演示数据（合成）"
SCENARIOS: tuple[str, ...] = ("achieved", "on_track", "at_risk", "off_track")
INDICATOR_HEADER: tuple[str, ...] = (
    "indicator_code",
    "region_code",
    "year",
    "value",
    "unit",
    "plan_id",
    "note",
)
PROVINCE = "150000"
_COUNT_UNITS = ("个", "家", "座", "台", "套", "件", "项", "人次", "架", "份", "天")


def demo_plans() -> list[PlanFile]:
    """The embedded plans (``ecoplan/data/plans``), read and validated (cached)."""
    return list(_embedded_plans())


@cache
def _embedded_plans() -> tuple[PlanFile, ...]:
    from ecoplan.store.plans import embedded_plan_files

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when available
    out: list[PlanFile] = []
    for path in embedded_plan_files():  # four plan files
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
        out.append(parse_plan(data, str(path)))
    return tuple(out)


@dataclass(frozen=True)
class IndicatorPath:
    """The generated path of one indicator in one region (for tests and docs)."""

    plan_id: str
    code: str
    region: str
    scenario: str
    baseline_year: int
    baseline: float
    target_year: int | None
    target: float | None
    sense: int  # +1 higher is better, -1 lower is better
    values: dict[int, float]


def _sense(ind: Indicator) -> int:
    if ind.direction is Direction.HIGHER:
        return 1
    if ind.direction is Direction.LOWER:
        return -1
    cmp = ind.targets[0].comparator.value if ind.targets else ">="
    return -1 if cmp.startswith("<") else 1


def _is_percent(unit: str) -> bool:
    return unit.startswith("%")


def _is_count(unit: str) -> bool:
    return any(unit.startswith(u) for u in _COUNT_UNITS) or "水质类别" in unit


def _is_closed_total(unit: str) -> bool:
    """Totals of a period that ended with the baseline (13th FYP, five-year reductions)."""
    return "十三五" in unit or "五年累计" in unit


def _is_cumulative(unit: str) -> bool:
    return "累计" in unit


def _target_for(ind: Indicator, region: str, after: int) -> tuple[int, float] | None:
    """The first target year ≥ *after* (for *region*, else the province's), and its value (the
    midpoint when a year has both a ≥ and a ≤ target)."""
    for reg in (region, PROVINCE):
        ts = [t for t in ind.targets if t.region == reg]
        if not ts:
            continue
        years = sorted({t.year for t in ts})
        year = next((y for y in years if y >= after), years[-1])
        vals = [t.value for t in ts if t.year == year]
        return year, float(sum(vals) / len(vals))
    return None


def _synthetic_baseline(
    rng: np.random.Generator, ind: Indicator, target: float, sense: int
) -> float:
    if _is_cumulative(ind.unit):
        return 0.0
    if any(t.kind.value == "maintain" for t in ind.targets):  # "稳定在/保持": already near it
        return target * (1.0 + sense * rng.uniform(0.0, 0.04))
    if sense > 0:
        if _is_percent(ind.unit) and target >= 90:
            return target * rng.uniform(0.80, 0.95)
        return target * rng.uniform(0.6, 0.9)
    if target == 0:
        return rng.uniform(5.0, 15.0) if _is_percent(ind.unit) else float(rng.integers(2, 6))
    return target * rng.uniform(1.06, 1.3)


def _path(
    scenario: str,
    b: float,
    t: float,
    sense: int,
    y0: int,
    ty: int,
    years: np.ndarray,
) -> np.ndarray:
    """Values for *years*: see the module docstring (d > 0: improvement still needed)."""
    ty = max(ty, y0 + 1)
    f = np.clip((years - y0) / (ty - y0), 0.0, 1.5)
    d = sense * (t - b)
    unit = max(abs(b) * 0.05, abs(d), 1e-3)
    if d > 0:
        slope = {"achieved": 1.12 / 0.6, "on_track": 1.03, "at_risk": 0.6, "off_track": -0.25}
        frac = f * slope[scenario]
        if scenario == "achieved":
            frac = np.minimum(frac, 1.12 + 0.02 * np.maximum(f - 0.6, 0))
        return b + sense * d * frac
    m = -d  # already meeting the target by m
    if scenario in ("achieved", "on_track"):
        return b + sense * unit * 0.3 * f
    if scenario == "at_risk":
        return b - sense * m * 0.8 * f
    return b - sense * (m + 0.5 * unit) * f


_BEHIND = ("at_risk", "off_track")


def _finish(values: np.ndarray, unit: str, b: float, worse: int = 0) -> np.ndarray:
    """Clip to the unit's range and round; *worse* (±1, the better direction) rounds counts
    away from it so that a path behind its target is not rounded onto the target."""
    v = np.maximum(values, 0.0)
    if _is_percent(unit):
        v = np.minimum(v, 100.0)
    if _is_cumulative(unit):
        v = np.maximum.accumulate(v)
    if "水质类别" in unit:
        return np.clip(np.round(v), 1, 6)
    if _is_count(unit):
        if worse > 0:
            return np.floor(v + 1e-9)
        if worse < 0:
            return np.ceil(v - 1e-9)
        return np.round(v)
    digits = 2 if abs(b) < 1000 else 1
    return np.round(v, digits)


def _regions_of(plan: PlanFile, ind: Indicator) -> list[str]:
    named = [*(b.region for b in ind.baselines), *(t.region for t in ind.targets)]
    regions = list(dict.fromkeys(named))
    if PROVINCE in regions:
        regions += [c for c in CITY_CODES if c not in regions]
    return regions


def _scenario(seed: int, k: int, region: str, plan_region: str) -> str:
    """Rotate the scenarios over the leagues; the plan's own region is mostly on track."""
    if region == plan_region:
        return "on_track" if k % 4 else "achieved"
    i = CITY_CODES.index(region) if region in CITY_CODES else 0
    return SCENARIOS[(i + k + seed) % 4]


def indicator_paths(
    seed: int, years: Iterable[int] = range(2020, 2027), plans: list[PlanFile] | None = None
) -> list[IndicatorPath]:
    """Every generated (indicator, region) path (see :func:`generate_indicator_values`)."""
    ys = np.array(sorted(set(years)), dtype=float)
    out: list[IndicatorPath] = []
    for plan in plans if plans is not None else demo_plans():
        for k, ind in enumerate(plan.indicators):  # tens of indicators
            if ind.derivation or not (ind.baselines or ind.targets):
                continue
            sense = _sense(ind)
            split = PROVINCE in _regions_of(plan, ind) and ind.effective_aggregation in SUMMABLE
            for region in _regions_of(plan, ind):
                if split and region != PROVINCE and region in CITY_CODES:
                    continue  # the leagues' shares of the regional total, below
                rng = stream(seed, "indicator", plan.id, ind.code, region)
                # the latest baseline is the anchor (HH-ODOR-COMPLAINTS has 2016 and 2020)
                base = max(
                    (b for b in ind.baselines if b.region == region),
                    key=lambda b: b.year,
                    default=None,
                )
                prov_base = max(
                    (b for b in ind.baselines if b.region == PROVINCE),
                    key=lambda b: b.year,
                    default=None,
                )
                if base is not None:
                    y0, b, exact = base.year, base.value, True
                elif prov_base is not None:
                    y0, exact = prov_base.year, False
                    b = prov_base.value * rng.uniform(0.85, 1.15)
                else:
                    y0, exact, b = 2020, False, float("nan")
                tgt = _target_for(ind, region, y0 + 1)
                if tgt is not None and tgt[0] <= y0:  # a target for the baseline year itself
                    y0 = tgt[0] - 1
                if math.isnan(b):
                    assert tgt is not None
                    b = _synthetic_baseline(rng, ind, tgt[1], sense)
                if _is_percent(ind.unit):
                    b = min(b, 100.0)
                scenario = _scenario(seed, k, region, plan.region)
                if tgt is None:  # baseline only: the "target" is a 10 % improvement by 2025
                    t_year, t_val = 2025, b * (1 + 0.1 * sense) if b else 1.0 * sense
                    if "水质类别" in ind.unit:
                        t_val = b
                else:
                    t_year, t_val = tgt
                if _is_closed_total(ind.unit):
                    sel = ys == y0
                else:
                    sel = ys >= y0
                    if "十四五" in ind.unit:
                        sel &= ys <= 2025
                yy = ys[sel]
                if yy.size == 0:
                    continue
                raw = _path(scenario, b, t_val, sense, y0, t_year, yy)
                noise = rng.normal(0.0, 0.004 * max(abs(b), abs(t_val - b), 1e-3), yy.size)
                raw = raw + noise * (yy > y0)
                if exact:
                    raw = np.where(yy == y0, b, raw)
                vals = _finish(raw, ind.unit, b, worse=sense if scenario in _BEHIND else 0)
                out.append(
                    IndicatorPath(
                        plan_id=plan.id,
                        code=ind.code,
                        region=region,
                        scenario=scenario,
                        baseline_year=y0,
                        baseline=float(b),
                        target_year=None if tgt is None else t_year,
                        target=None if tgt is None else float(t_val),
                        sense=sense,
                        values={int(y): float(v) for y, v in zip(yy, vals, strict=True)},
                    )
                )
                if split and region == PROVINCE:
                    out += _league_shares(seed, out[-1], ind.unit, b)
    return out


def _apportion(total: float, shares: np.ndarray, step: float) -> np.ndarray:
    """Split *total* over *shares* in multiples of *step* that add up exactly to it (largest
    remainder, Hamilton's method)."""
    q = round(total / step)
    raw = q * shares
    base = np.floor(raw).astype(np.int64)
    left = q - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:left]] += 1
    return base * step


def _league_shares(seed: int, prov: IndicatorPath, unit: str, b: float) -> list[IndicatorPath]:
    """The 12 leagues' values of a regional total: fixed synthetic shares of each year's
    regional value, in whole units for counts and in the province value's last digit
    otherwise, adding up to it exactly."""
    rng = stream(seed, "indicator-share", prov.plan_id, prov.code)
    shares = rng.dirichlet(np.full(len(CITY_CODES), 2.0))
    step = 1.0 if _is_count(unit) else (0.01 if abs(b) < 1000 else 0.1)
    years = sorted(prov.values)
    split = np.array([_apportion(prov.values[y], shares, step) for y in years])
    return [
        IndicatorPath(
            plan_id=prov.plan_id,
            code=prov.code,
            region=city,
            scenario=prov.scenario,
            baseline_year=prov.baseline_year,
            baseline=float(prov.baseline * shares[i]),
            target_year=None,
            target=None,
            sense=prov.sense,
            values={y: round(float(v), 6) for y, v in zip(years, split[:, i], strict=True)},
        )
        for i, city in enumerate(CITY_CODES)
    ]


def generate_indicator_values(
    seed: int, years: Iterable[int] = range(2020, 2027), plans: list[PlanFile] | None = None
) -> pd.DataFrame:
    """Yearly values in the indicators layout ``indicator_code,region_code,year,value,unit,
    plan_id,note`` (note 「演示数据（合成）」), sorted by plan, indicator, region and year."""
    held = plans if plans is not None else demo_plans()
    units = {(p.id, i.code): i.unit for p in held for i in p.indicators}
    rows = [
        (ip.code, ip.region, year, value, units[(ip.plan_id, ip.code)], ip.plan_id, NOTE)
        for ip in indicator_paths(seed, years, held)
        for year, value in ip.values.items()
    ]
    return pd.DataFrame(rows, columns=list(INDICATOR_HEADER))


def write_indicators_csv(values: pd.DataFrame, path: Path) -> Path:
    """Write the indicators CSV (UTF-8; values without exponent notation)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(INDICATOR_HEADER)
        for r in values.itertuples(index=False):
            w.writerow(
                [r.indicator_code, r.region_code, int(r.year), _num(r.value), r.unit,
                 r.plan_id, r.note]
            )  # fmt: skip
    return path


def _num(v: float) -> str:
    return np.format_float_positional(float(v), trim="-")
