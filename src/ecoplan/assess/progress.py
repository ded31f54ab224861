"""Progress of one indicator toward one target: the pure method of ``docs/assessment.md``.

The method follows the Statistics Canada / Open SDG family (ratio of the actual to the
required rate of change, thresholds 95 % and 60 %, with their exception rules: target already
achieved, baseline already at target then worse, several targets → the worst, past target
year) adapted to the plans' comparators (≥ ≤ = > <) and to ``maintain`` targets (稳定在/保持).
Rates are **linear** (units per year) rather than compound: zero and 清零 targets, percentages
and negative changes break the CAGR formula, and SDSN reports that both give similar results
(``reference/anchors.md`` §3b, §3d).

Everything here is pure (no I/O); :mod:`ecoplan.assess.run` feeds it from the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ecoplan.assess.types import Status

#: Comparators of plan targets (``ecoplan.model.planfile.Comparator`` values).
COMPARATORS: tuple[str, ...] = (">=", "<=", "=", ">", "<")
#: +1 where higher values are better, −1 where lower are; 0 for "=" (toward the target).
SENSE: dict[str, int] = {">=": 1, ">": 1, "<=": -1, "<": -1, "=": 0}
KINDS: tuple[str, ...] = ("reach", "maintain")

#: Worst first: the order in which "the worst status wins" (StatCan: "the result that is the
#: farthest from its target is used"; weather symbols: "the most negative evaluation").
SEVERITY: dict[Status, int] = {
    Status.OFF_TRACK: 0,
    Status.AT_RISK: 1,
    Status.ON_TRACK: 2,
    Status.ACHIEVED: 3,
    Status.NO_DATA: -1,
}

#: Ratios are compared after rounding to this many decimals, so that a ratio that is exactly
#: 0.95 or 0.60 by hand (e.g. 19/20) is not pushed across a threshold by binary floating point.
RATIO_DECIMALS = 9


class ProgressInputError(ValueError):
    """Input the method cannot judge (unknown comparator, non-finite value, bad years)."""


@dataclass(frozen=True)
class MethodParams:
    """Thresholds and tolerances of the method (``ecoplan/data/assessment.yaml``).

    Attributes
    ----------
    on_track_ratio : R ≥ this → on track (StatCan / Open SDG "high": 0.95).
    at_risk_ratio : this ≤ R < ``on_track_ratio`` → at risk (Open SDG "med": 0.60); below → off
        track (Open SDG "limited progress" and "deterioration" together).
    critical_margin : fraction of |T|: a ``maintain`` value on the right side is achieved;
        when it is there by at most this margin it also carries the 临界 (critical) flag.
    equal_tolerance : fraction of |T| within which a "=" target counts as met.
    equal_tolerance_abs : absolute part of the "=" tolerance (indicator units), added.
    bound_tolerance_pp : percentage points within which a 100 % (≥/=) or 0 % (≤/=) target
        counts as achieved (UN Progress Chart rule, anchors.md §3c).
    min_points_ols : with at least this many points from the baseline on (baseline included),
        the actual rate is the least-squares slope instead of the two-point rate.
    """

    on_track_ratio: float = 0.95
    at_risk_ratio: float = 0.60
    critical_margin: float = 0.02
    equal_tolerance: float = 0.01
    equal_tolerance_abs: float = 0.0
    bound_tolerance_pp: float = 1.0
    min_points_ols: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.at_risk_ratio <= self.on_track_ratio:
            raise ProgressInputError(
                f"thresholds must satisfy 0 < at_risk_ratio ({self.at_risk_ratio}) ≤ "
                f"on_track_ratio ({self.on_track_ratio})"
            )
        for name in ("critical_margin", "equal_tolerance", "equal_tolerance_abs"):
            if getattr(self, name) < 0:
                raise ProgressInputError(f"{name} must be ≥ 0, got {getattr(self, name)}")
        if self.bound_tolerance_pp < 0:
            raise ProgressInputError("bound_tolerance_pp must be ≥ 0")
        if self.min_points_ols < 2:
            raise ProgressInputError("min_points_ols must be ≥ 2 (a slope needs two points)")


@dataclass(frozen=True)
class TargetSpec:
    """One quantitative target: *comparator* *value* by *year* (``reach``) or every year
    (``maintain``)."""

    value: float
    year: int
    comparator: str
    kind: str = "reach"

    def __post_init__(self) -> None:
        if self.comparator not in COMPARATORS:
            raise ProgressInputError(
                f"unknown comparator {self.comparator!r}; expected one of {COMPARATORS}"
            )
        if self.kind not in KINDS:
            raise ProgressInputError(f"unknown target kind {self.kind!r}; expected {KINDS}")
        if not math.isfinite(self.value):
            raise ProgressInputError(f"target value {self.value} is not finite")

    @property
    def label(self) -> str:
        """``≥ 45 (2027, 保持)`` style text."""
        sym = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}[self.comparator]
        keep = "，保持" if self.kind == "maintain" else ""
        return f"{sym} {self.value:g}（{self.year}{keep}）"


@dataclass(frozen=True)
class Progress:
    """The verdict on one target with its calculation components.

    Rates are in indicator units per year, signed (a falling PM2.5 has a negative rate);
    ``ratio`` = actual / required; ``projection`` = v + r_act·(t_T − t); ``gap`` = distance
    from the value to the target in indicator units (0 when achieved).
    """

    status: Status
    target: TargetSpec
    achieved: bool
    value: float | None
    value_year: int | None
    baseline: float | None
    baseline_year: int | None
    actual_rate: float | None
    required_rate: float | None
    ratio: float | None
    projection: float | None
    gap: float | None
    rate_method: str | None  # "two_point" | "ols" | None
    n_points: int
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: 临界: a ``maintain`` target met by no more than ``critical_margin``·|T| (a flag beside
    #: the status, never a status of its own).
    critical: bool = False


# ------------------------------------------------------------------------------- judgements


def _check_finite(what: str, x: float) -> None:
    if not math.isfinite(x):
        raise ProgressInputError(f"{what} {x} is not finite")


def at_bound(target: TargetSpec, unit: str) -> bool:
    """Whether *target* sits on a natural bound of a percentage: ≥/= 100 % or ≤/= 0 %."""
    if unit.strip() != "%":
        return False
    if target.value == 100 and target.comparator in (">=", "="):
        return True
    return target.value == 0 and target.comparator in ("<=", "=")


def satisfies(
    value: float, target: TargetSpec, unit: str = "", params: MethodParams | None = None
) -> bool:
    """Whether *value* already meets *target*'s comparator (docs/assessment.md §2).

    "=" holds within ``equal_tolerance·|T| + equal_tolerance_abs``; a percentage target of
    100 % (≥, =) or 0 % (≤, =) holds within ``bound_tolerance_pp`` percentage points (UN
    Progress Chart rule).  Every other comparison is exact.
    """
    p = params or MethodParams()
    v, t = value, target.value
    if at_bound(target, unit) and abs(v - t) <= p.bound_tolerance_pp:
        return True
    c = target.comparator
    if c == ">=":
        return v >= t
    if c == "<=":
        return v <= t
    if c == ">":
        return v > t
    if c == "<":
        return v < t
    return abs(v - t) <= p.equal_tolerance * abs(t) + p.equal_tolerance_abs


def ols_slope(years: Sequence[int], values: Sequence[float]) -> float:
    """Least-squares slope of *values* on *years* (units per year); needs two distinct years."""
    x = np.asarray(years, dtype=np.float64)
    y = np.asarray(values, dtype=np.float64)
    if x.size < 2 or np.ptp(x) == 0:
        raise ProgressInputError("a slope needs at least two distinct years")
    dx = x - x.mean()
    return float((dx * (y - y.mean())).sum() / (dx * dx).sum())


def classify_ratio(ratio: float, params: MethodParams | None = None) -> Status:
    """R ≥ 0.95 → on track; 0.60 ≤ R < 0.95 → at risk; R < 0.60 (incl. R < 0) → off track."""
    p = params or MethodParams()
    r = round(ratio, RATIO_DECIMALS)
    if r >= p.on_track_ratio:
        return Status.ON_TRACK
    if r >= p.at_risk_ratio:
        return Status.AT_RISK
    return Status.OFF_TRACK


def worst(results: Sequence[Progress]) -> Progress:
    """The result farthest from its target (StatCan's rule for indicators with two targets).

    Order: off track < at risk < on track < achieved; among equals, the lower ratio, then
    the larger gap, then the first given.
    """
    if not results:
        raise ProgressInputError("no results to choose from")

    def key(r: Progress) -> tuple[int, float, float]:
        ratio = r.ratio if r.ratio is not None else math.inf
        return (SEVERITY[r.status], ratio, -(r.gap or 0.0))

    return min(results, key=key)


# ------------------------------------------------------------------------------- the method


def _trend(
    points: Sequence[tuple[int, float]], baseline: tuple[int, float] | None, min_points_ols: int
) -> tuple[float | None, str | None, int]:
    """Actual rate from the baseline to the latest point: two-point, or OLS with ≥ n points."""
    if baseline is None:
        return None, None, len(points)
    t0, b = baseline
    used = [(t0, b)] + [(y, v) for y, v in points if y > t0]
    if len(used) < 2:
        return None, None, len(used)
    if len(used) >= min_points_ols:
        ys, vs = zip(*used, strict=True)
        return ols_slope(ys, vs), "ols", len(used)
    (ty, tv) = used[-1]
    return (tv - b) / (ty - t0), "two_point", 2


def assess_progress(
    points: Sequence[tuple[int, float]],
    target: TargetSpec,
    *,
    year: int,
    baseline: tuple[int, float] | None,
    unit: str = "",
    params: MethodParams | None = None,
) -> Progress:
    """Judge the progress of one series toward one target in assessment *year*.

    Parameters
    ----------
    points
        ``(year, value)`` observations (any order; years unique); those after *year* are
        ignored.  The latest one at or before *year* is the value *v* (year *t*).
    target
        The target *T* (comparator, year *t_T*, kind).
    year
        Assessment year *Y*.
    baseline
        ``(t0, b)``: the baseline the caller chose (plan baseline, data at the plan's baseline
        year, or the earliest value — :func:`choose_baseline`); ``None`` when there is none.
    unit
        The indicator's unit ("%" enables the 1-percentage-point bound rule).

    Rules (docs/assessment.md §2–§4), in order:

    * no value at or before *Y* → ``no_data``;
    * ``maintain``: right side → ``achieved`` (flagged 临界 when within
      ``critical_margin·|T|``); wrong side → ``off_track``;
    * ``reach``: value meets the comparator → ``achieved``; target year passed (t ≥ t_T or
      Y > t_T) → ``off_track``; baseline met but value not → ``off_track`` (StatCan override);
      rate not computable (no baseline before *t*) → ``at_risk`` "趋势不可计算";
      otherwise R = r_act / r_req with r_req = (T − b)/(t_T − t0), r_act = (v − b)/(t − t0)
      (OLS slope over the baseline and later points when there are ≥ ``min_points_ols``):
      R ≥ 0.95 on track, 0.60 ≤ R < 0.95 at risk, R < 0.60 off track.
    """
    p = params or MethodParams()
    seen: set[int] = set()
    for y, v in points:
        _check_finite(f"value of {y}", v)
        if y in seen:
            raise ProgressInputError(f"two values for year {y}")
        seen.add(y)
    pts = sorted((int(y), float(v)) for y, v in points if y <= year)
    notes: list[str] = []
    if baseline is not None:
        _check_finite("baseline", baseline[1])
    if not pts:
        return Progress(
            Status.NO_DATA, target, False, None, None,
            baseline[1] if baseline else None, baseline[0] if baseline else None,
            None, None, None, None, None, None, 0, ("无数据",),
        )  # fmt: skip
    t, v = pts[-1]
    b_year, b = baseline if baseline is not None else (None, None)
    if baseline is not None and baseline[0] > t:
        notes.append(f"基准年{baseline[0]}晚于最新值年份{t}，不计算趋势")
        baseline_for_trend = None
    else:
        baseline_for_trend = baseline
    r_act, method, n_used = _trend(pts, baseline_for_trend, p.min_points_ols)
    tT, T = target.year, target.value
    projection = None
    if r_act is not None and tT >= t:
        projection = v + r_act * (tT - t)
    ok = satisfies(v, target, unit, p)

    def result(
        status: Status,
        *,
        required: float | None = None,
        ratio: float | None = None,
        gap: float | None = None,
    ) -> Progress:
        return Progress(
            status, target, ok, v, t, b, b_year, r_act, required, ratio, projection,
            0.0 if ok and gap is None else (abs(T - v) if gap is None else gap),
            method, n_used, tuple(notes),
        )  # fmt: skip

    if target.kind == "maintain":
        return _maintain(v, target, unit, p, notes, result)

    if ok:
        if at_bound(target, unit) and not satisfies(v, TargetSpec(T, tT, target.comparator), "", p):
            notes.append(f"距{T:g}%目标不足{p.bound_tolerance_pp:g}个百分点，按已达标计（UN规则）")
        return result(Status.ACHIEVED, gap=0.0)
    r_req: float | None = None
    if baseline_for_trend is not None and tT > baseline_for_trend[0]:
        r_req = (T - baseline_for_trend[1]) / (tT - baseline_for_trend[0])
    if t >= tT or year > tT:
        if t < tT:
            notes.append(f"目标年{tT}无数据，按最新值（{t}年）判定")
        notes.append(f"目标年{tT}已过，未达标")
        return result(Status.OFF_TRACK, required=r_req)
    if baseline_for_trend is not None and satisfies(baseline_for_trend[1], target, unit, p):
        notes.append("基准值已达标，现值未达标（退步，StatCan 规则）")
        return result(Status.OFF_TRACK, required=r_req)
    if r_act is None or r_req is None:
        notes.append("趋势不可计算（基准年之后只有一个数据点）")
        return result(Status.AT_RISK, required=r_req)
    if r_req == 0:  # strict comparator with b == T: any move the right way is progress
        good = SENSE[target.comparator] * r_act > 0
        notes.append("所需速率为0（基准值等于严格目标值），按变化方向判定")
        return result(Status.ON_TRACK if good else Status.OFF_TRACK, required=r_req)
    ratio = r_act / r_req
    if method == "ols":
        notes.append(f"实际速率为{n_used}个数据点（含基准值）的最小二乘斜率")
    return result(classify_ratio(ratio, p), required=r_req, ratio=ratio)


def _maintain(
    v: float,
    target: TargetSpec,
    unit: str,
    p: MethodParams,
    notes: list[str],
    result: Callable[..., Progress],
) -> Progress:
    """``maintain`` targets: judged every year on the side of the value and its margin."""
    T, c = target.value, target.comparator
    if c == "=":
        if satisfies(v, target, unit, p):
            return result(Status.ACHIEVED, gap=0.0)
        return result(Status.OFF_TRACK)
    right = satisfies(v, target, unit, p)
    if not right:
        notes.append("保持类目标：数值已越过目标值")
        return result(Status.OFF_TRACK)
    if at_bound(target, unit):
        return result(Status.ACHIEVED, gap=0.0)
    margin = p.critical_margin * abs(T)
    distance = SENSE[c] * (v - T)
    done = result(Status.ACHIEVED, gap=0.0)
    if round(distance - margin, RATIO_DECIMALS) > 0:
        return done
    notes.append(f"临界：余量{distance:g}不超过{margin:g}（目标值的{p.critical_margin:.0%}）")
    return replace(done, critical=True, notes=tuple(notes))


def assess_targets(
    points: Sequence[tuple[int, float]],
    targets: Sequence[TargetSpec],
    *,
    year: int,
    baseline: tuple[int, float] | None,
    unit: str = "",
    params: MethodParams | None = None,
) -> tuple[Progress, list[Progress]]:
    """Assess every target and return ``(worst, all)`` (several targets → the worst wins)."""
    results = [
        assess_progress(points, t, year=year, baseline=baseline, unit=unit, params=params)
        for t in targets
    ]
    return worst(results), results


def select_milestone(targets: Sequence[TargetSpec], year: int) -> list[TargetSpec]:
    """The targets of the next milestone with target year ≥ *year* (all comparators of that
    year); when every milestone is past, those of the last one."""
    if not targets:
        return []
    years = sorted({t.year for t in targets})
    ahead = [y for y in years if y >= year]
    chosen = ahead[0] if ahead else years[-1]
    return [t for t in targets if t.year == chosen]


@dataclass(frozen=True)
class BaselineChoice:
    """The baseline used and where it came from (``kind``: plan | data | earliest)."""

    year: int
    value: float
    kind: str
    note_zh: str


def choose_baseline(
    plan_baseline: tuple[int, float] | None,
    points: Sequence[tuple[int, float]],
    baseline_year: int,
    *,
    year: int,
) -> BaselineChoice | None:
    """The plan's baseline for the region; else the region's own value in the plan's baseline
    year (period_start − 1); else its earliest value at or before *year*; else ``None``."""
    if plan_baseline is not None:
        return BaselineChoice(
            plan_baseline[0], plan_baseline[1], "plan", f"基准值取自规划（{plan_baseline[0]}年）"
        )
    by_year = {y: v for y, v in points if y <= year}
    if baseline_year in by_year:
        return BaselineChoice(
            baseline_year, by_year[baseline_year], "data",
            f"规划未给该地区基准值，取{baseline_year}年（规划基准年）实际值",
        )  # fmt: skip
    if by_year:
        y0 = min(by_year)
        return BaselineChoice(
            y0, by_year[y0], "earliest",
            f"规划未给基准值且{baseline_year}年无数据，取最早数据（{y0}年）作基准",
        )  # fmt: skip
    return None
