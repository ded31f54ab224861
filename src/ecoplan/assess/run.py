"""Run an assessment: one plan × one year (× one region) → rows, scores and ranking.

The steps (docs/assessment.md):

1. regions: the plan's region and its direct subdivisions (the 12 leagues/cities of a regional
   plan, the counties of a city plan), or the one ``region`` asked for;
2. values (:mod:`ecoplan.assess.values`): imported, else derived from the warehouse;
3. for each indicator × region with a quantitative target (own, or inherited from the nearest
   enclosing region): the milestone, the baseline, and the verdict of
   :func:`ecoplan.assess.progress.assess_targets`;
4. scores and ranking of the subdivisions (:mod:`ecoplan.assess.scoring`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import duckdb
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.assess.allocated import Allocated, load_allocations
from ecoplan.assess.derivations import WAREHOUSE_HOUR_LABEL, Progress
from ecoplan.assess.progress import (
    MethodParams,
    TargetSpec,
    assess_targets,
    choose_baseline,
    select_milestone,
)
from ecoplan.assess.qualitative import QualitativeRow, qualitative_rows
from ecoplan.assess.rollup import Rollups, apply_rollups, rollup_notes
from ecoplan.assess.scoring import ScoringParams, rank_regions
from ecoplan.assess.trend import TREND_EN, TrendParams, TrendRow, TrendStatus, assess_trend
from ecoplan.assess.types import AssessmentRow, RankRow, Status, ValuePoint
from ecoplan.assess.values import ValueTable, collect_values, save_derived
from ecoplan.model.aggregation import INHERITABLE, resolve
from ecoplan.model.regions import UnknownRegionError, ancestors, children, get_region
from ecoplan.store import schema as s
from ecoplan.store.plans import get_plans
from ecoplan.store.schema_assess import AssessmentRowRecord, AssessmentRun

BINDING_ORDER = {"binding": 0, "expected": 1, None: 2}
DIRECTION_OF = {">=": "higher", ">": "higher", "<=": "lower", "<": "lower", "=": "reach"}


class AssessmentError(ValueError):
    """An assessment that cannot be run (unknown plan, region outside the plan, bad config)."""


# ------------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class AssessmentConfig:
    """The parameters of a run (``ecoplan/data/assessment.yaml``)."""

    method_version: str = "1.0"
    progress: MethodParams = field(default_factory=MethodParams)
    scoring: ScoringParams = field(default_factory=ScoringParams)
    trend: TrendParams = field(default_factory=TrendParams)

    def to_dict(self) -> dict[str, Any]:
        return {
            "method_version": self.method_version,
            "progress": dict(self.progress.__dict__),
            "scoring": self.scoring.to_dict(),
            "trend": dict(self.trend.__dict__),
        }


def _only(d: Any, allowed: set[str], where: str, path: str) -> dict[str, Any]:
    if not isinstance(d, dict):
        raise AssessmentError(f"{path}: {where} must be a mapping")
    extra = set(d) - allowed
    if extra:
        raise AssessmentError(f"{path}: unknown key(s) {sorted(extra)} in {where}")
    return d


def load_config(path: str | Path | None = None) -> AssessmentConfig:
    """Read the assessment parameters (default: the shipped ``assessment.yaml``)."""
    if path is None:
        text = (resources.files("ecoplan.data") / "assessment.yaml").read_text("utf-8")
        where = "ecoplan/data/assessment.yaml"
    else:
        text = Path(path).read_text("utf-8")
        where = str(path)
    data = _only(
        yaml.safe_load(text), {"method_version", "progress", "scoring", "trend"}, "top", where
    )
    prog = _only(
        data.get("progress", {}), set(MethodParams.__dataclass_fields__), "progress", where
    )
    scor = _only(data.get("scoring", {}), set(ScoringParams.__dataclass_fields__), "scoring", where)
    trnd = _only(data.get("trend", {}), set(TrendParams.__dataclass_fields__), "trend", where)
    try:
        return AssessmentConfig(
            method_version=str(data.get("method_version", "1.0")),
            progress=MethodParams(**prog),
            scoring=ScoringParams(**scor),
            trend=TrendParams(**trnd),
        )
    except (TypeError, ValueError) as exc:
        raise AssessmentError(f"{where}: {exc}") from None


# ---------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class SkippedIndicator:
    """An indicator of the plan not assessed, and why (no quantitative target)."""

    indicator_code: str
    name_zh: str
    reason_zh: str


@dataclass(frozen=True)
class AssessmentResult:
    """Everything one run produced, with the parameters it used."""

    plan_id: str
    plan_title_zh: str
    year: int
    regions: list[str]
    rows: list[AssessmentRow]
    ranking: list[RankRow]
    skipped: list[SkippedIndicator]
    params: dict[str, Any]
    method_version: str
    dust_deducted: bool = False
    categories: dict[str, str] = field(default_factory=dict)  # category code → 中文名
    #: trends of the indicators without a numeric target (docs/assessment.md §3.4)
    trends: list[TrendRow] = field(default_factory=list)
    #: qualitative targets with the evaluators' verdicts (docs/assessment.md §3.5)
    qualitative: list[QualitativeRow] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "plan_id": self.plan_id,
            "plan_title_zh": self.plan_title_zh,
            "year": self.year,
            "regions": list(self.regions),
            "method_version": self.method_version,
            "categories": dict(self.categories),
            "dust_deducted": self.dust_deducted,
            "params": self.params,
            "rows": [r.to_dict() for r in self.rows],
            "ranking": [r.to_dict() for r in self.ranking],
            "skipped": [k.__dict__ for k in self.skipped],
            "trends": [t.to_dict() for t in self.trends],
            "qualitative": [q.to_dict() for q in self.qualitative],
        }


# ------------------------------------------------------------------------------------- steps


def assessed_regions(plan_region: str, region: str | None = None) -> list[str]:
    """The plan's region and its direct subdivisions; or just *region* (which must be the
    plan's region or lie inside it)."""
    try:
        get_region(plan_region)
        if region is None:
            return [plan_region] + [r.code for r in children(plan_region)]
        reg = get_region(region)
    except UnknownRegionError as exc:
        raise AssessmentError(str(exc)) from None
    if region != plan_region and plan_region not in {a.code for a in ancestors(region)}:
        raise AssessmentError(
            f"region {reg.label} is not inside the plan's region {get_region(plan_region).label}"
        )
    return [region]


def targets_for(ind: s.Indicator, region: str) -> tuple[list[s.Target], str | None]:
    """The indicator's targets for *region*, else those of the nearest enclosing region that
    has some (a league/city inherits the regional target, as the 考核 applies it)."""
    by_region: dict[str, list[s.Target]] = {}
    for t in ind.targets:
        by_region.setdefault(t.region_code, []).append(t)
    for code in [region] + [a.code for a in ancestors(region)]:
        if code in by_region:
            return by_region[code], code
    return [], None


def plan_baseline(
    ind: s.Indicator, region: str, baseline_year: int, year: int
) -> s.Baseline | None:
    """The plan's baseline for *region*: the one of the plan's baseline year, else the latest
    at or before *year*."""
    mine = [b for b in ind.baselines if b.region_code == region]
    exact = [b for b in mine if b.year == baseline_year]
    if exact:
        return exact[0]
    before = [b for b in mine if b.year <= year]
    return max(before, key=lambda b: b.year) if before else None


def assess_indicator(
    plan: s.Plan,
    ind: s.Indicator,
    region: str,
    year: int,
    values: ValueTable,
    config: AssessmentConfig,
    rollups: Rollups | None = None,
    allocations: dict[tuple[str, str], list[Allocated]] | None = None,
) -> AssessmentRow | None:
    """One row, or ``None`` when no quantitative target applies to *region*.

    A target of an enclosing region applies only to an indicator whose aggregation allows it
    (ratio, mean, max: :data:`ecoplan.model.aggregation.INHERITABLE`); a total (additive,
    count) is never handed down, so a league's total is never judged against the region's.
    """
    targets: Sequence[s.Target | Allocated]
    target_region: str | None
    allocated = (allocations or {}).get((ind.code, region))
    if allocated:
        targets, target_region = allocated, region
    else:
        targets, target_region = targets_for(ind, region)
    if not targets or target_region is None:
        return None
    agg = resolve(ind.aggregation, ind.unit, ind.derivation)
    notes: list[str] = []
    if allocated:
        notes.append(f"目标取自目标分解（{allocated[0].file_name}）")
    inherited = target_region != region
    if inherited and agg not in INHERITABLE:
        return None
    if inherited:
        notes.append(f"本地区无目标值，沿用{get_region(target_region).name_zh}目标")
        notes.append(f"（{agg.name_zh}类指标，无分解目标时沿用上级目标）")
    series = values.series(ind.code, region, up_to=year)
    points = [(p.year, p.value) for p in series]
    baseline_year = plan.period_start - 1
    pb = plan_baseline(ind, region, baseline_year, year)
    choice = choose_baseline(
        (pb.year, pb.value) if pb is not None else None, points, baseline_year, year=year
    )
    specs = [TargetSpec(t.value, t.year, t.comparator, t.kind) for t in targets]
    chosen = select_milestone(specs, year)
    worst, results = assess_targets(
        points,
        chosen,
        year=year,
        baseline=(choice.year, choice.value) if choice else None,
        unit=ind.unit,
        params=config.progress,
    )
    if choice is not None and worst.status is not Status.NO_DATA:
        notes.append(choice.note_zh)
    notes += list(worst.notes)
    per_year = (rollups or {}).get((ind.code, region))
    if per_year:
        notes += rollup_notes(per_year, values.points.get((ind.code, region), {}), year)
    sub = per_year.get(year) if per_year else None
    target_row = next(
        t for t in targets
        if t.year == worst.target.year and t.comparator == worst.target.comparator
    )  # fmt: skip
    if target_row.note_zh:
        notes.append(f"目标说明：{target_row.note_zh}")
    others = [
        {
            "comparator": r.target.comparator,
            "value": r.target.value,
            "year": r.target.year,
            "kind": r.target.kind,
            "status": r.status.value,
            "gap": r.gap,
        }
        for r in results
        if r is not worst
    ]
    if others:
        notes.append(
            "同一目标年另有目标："
            + "；".join(
                f"{r.target.comparator} {r.target.value:g} → {r.status.name_zh}"
                for r in results
                if r is not worst
            )
            + "（取最差）"
        )
    lost = [p for p in values.superseded.get((ind.code, region), []) if p.year <= year]
    if lost:
        notes.append(
            "另有未采用的值（导入值优先）："
            + "；".join(f"{p.year}年 {p.value:g}（{p.source}）" for p in lost)
        )
    value_point = next((p for p in series if p.year == worst.value_year), None)
    baseline_source: str | None = None
    if choice is not None:
        if choice.kind == "plan" and pb is not None:
            baseline_source = f"baseline: {pb.source_file} «{pb.source_quote}»"
            if choice.year not in {p.year for p in series}:
                series = sorted(
                    [*series, ValuePoint(choice.year, choice.value, baseline_source)],
                    key=lambda p: p.year,
                )
        else:
            bp = next((p for p in series if p.year == choice.year), None)
            baseline_source = bp.source if bp else None
    cats = {c.code: c.name_zh for c in plan.categories}
    return AssessmentRow(
        plan_id=plan.id,
        indicator_code=ind.code,
        name_zh=ind.name_zh,
        name_en=ind.name_en,
        category=ind.category_code,
        category_zh=cats.get(ind.category_code or ""),
        binding=ind.binding,
        unit=ind.unit,
        direction=ind.direction,
        region_code=region,
        region_zh=get_region(region).name_zh,
        year=year,
        value=worst.value,
        value_year=worst.value_year,
        value_source=value_point.source if value_point else None,
        baseline=choice.value if choice else None,
        baseline_year=choice.year if choice else None,
        target=worst.target.value,
        target_year=worst.target.year,
        comparator=worst.target.comparator,
        target_kind=worst.target.kind,
        status=worst.status,
        actual_rate=worst.actual_rate,
        required_rate=worst.required_rate,
        ratio=worst.ratio,
        projection=worst.projection,
        gap=worst.gap,
        note_zh="；".join(n for n in notes if n),
        series=series,
        baseline_kind=choice.kind if choice else None,
        baseline_source=baseline_source,
        target_region=target_region,
        inherited=inherited,
        rate_method=worst.rate_method,
        n_points=worst.n_points,
        position=ind.position,
        other_targets=others,
        critical=worst.critical,
        aggregation=agg.value,
        sub_reported=sub.reported if sub else None,
        sub_expected=sub.expected if sub else None,
    )


def assess_plan_rows(
    plan: s.Plan,
    year: int,
    regions: Sequence[str],
    values: ValueTable,
    config: AssessmentConfig,
    rollups: Rollups | None = None,
    allocations: dict[tuple[str, str], list[Allocated]] | None = None,
) -> tuple[list[AssessmentRow], list[SkippedIndicator]]:
    """Rows for every indicator × region with a target; binding first, then plan order, then
    region order (plan region first)."""
    rows: list[AssessmentRow] = []
    skipped: list[SkippedIndicator] = []
    for ind in plan.indicators:
        if not ind.targets:
            reason = "仅有定性目标，不作定量评估" if ind.qualitative_targets else "无目标值"
            skipped.append(SkippedIndicator(ind.code, ind.name_zh, reason))
            continue
        for region in regions:
            row = assess_indicator(plan, ind, region, year, values, config, rollups, allocations)
            if row is not None:
                rows.append(row)
    order = {r: i for i, r in enumerate(regions)}
    rows.sort(key=lambda r: (BINDING_ORDER.get(r.binding, 2), r.position, order[r.region_code]))
    return rows, skipped


def trend_rows(
    plan: s.Plan,
    year: int,
    regions: Sequence[str],
    values: ValueTable,
    config: AssessmentConfig,
) -> list[TrendRow]:
    """Trends of the indicators without a numeric target, per region with values up to *year*:
    the StatCan/Open SDG CAGR categories (:mod:`ecoplan.assess.trend`), from the plan's
    baseline for the region, else the region's value in the baseline year, else its earliest.
    """
    out: list[TrendRow] = []
    baseline_year = plan.period_start - 1
    for ind in plan.indicators:
        if ind.targets:
            continue
        agg = resolve(ind.aggregation, ind.unit, ind.derivation)
        for region in regions:
            series = values.series(ind.code, region, up_to=year)
            if not series:
                continue
            points = [(p.year, p.value) for p in series]
            pb = plan_baseline(ind, region, baseline_year, year)
            choice = choose_baseline(
                (pb.year, pb.value) if pb is not None else None, points, baseline_year, year=year
            )
            start = (choice.year, choice.value) if choice is not None else None
            tr = assess_trend(points, ind.direction, year=year, start=start, params=config.trend)
            latest = next((p for p in series if p.year == tr.year), None)
            st = TrendStatus(tr.status)
            out.append(
                TrendRow(
                    plan_id=plan.id, indicator_code=ind.code, name_zh=ind.name_zh,
                    unit=ind.unit, direction=ind.direction, aggregation=agg.value,
                    region_code=region, region_zh=get_region(region).name_zh, year=year,
                    status=st.value, status_zh=st.name_zh, status_en=TREND_EN[st],
                    method_zh="无目标值：复合年增长率趋势（StatCan/Open SDG）",
                    start_year=tr.start_year, start=tr.start, value_year=tr.year,
                    value=tr.value, value_source=latest.source if latest else None,
                    cagr=tr.cagr, directed=tr.directed,
                    note_zh="；".join(
                        n for n in (choice.note_zh if choice else "", tr.note_zh) if n
                    ),
                    position=ind.position,
                )
            )  # fmt: skip
    return out


def get_plan(session: Session, plan_id: str) -> s.Plan:
    plans = get_plans(session, plan_id)
    if not plans:
        raise AssessmentError(f"no plan with id {plan_id!r}; `ecoplan plan list` shows the ids")
    return plans[0]


def run_assessment(
    session: Session,
    plan_id: str,
    year: int,
    *,
    region: str | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    dust_deducted: bool = False,
    config: AssessmentConfig | None = None,
    progress: Progress | None = None,
    save: bool = False,
    hour_label: Literal["start", "end"] = WAREHOUSE_HOUR_LABEL,
) -> AssessmentResult:
    """Assess *plan_id* in *year* (all its regions, or *region*).

    Parameters
    ----------
    session
        Application-database session (plans, regions, ``indicator_value``).
    con
        DuckDB connection over the warehouse (:func:`ecoplan.store.warehouse.connect`) to
        derive the indicators with a ``derivation``; ``None`` reads cached derived values.
    dust_deducted
        Derive air figures with the sand-dust deduction (default: raw figures).
    save
        Cache the freshly derived (raw) values in ``indicator_value`` (``source_kind =
        derived``); refused with *dust_deducted*, whose figures would overwrite the raw ones.
    """
    if not 1949 <= year <= 2100:
        raise AssessmentError(f"year {year} is outside 1949–2100")
    if save and dust_deducted:
        raise AssessmentError("derived values are cached raw only; drop --dust-deducted to save")
    cfg = config or load_config()
    plan = get_plan(session, plan_id)
    regions = assessed_regions(plan.region_code, region)
    values = collect_values(
        session, plan, regions, year,
        con=con, dust_deducted=dust_deducted, hour_label=hour_label, progress=progress,
        only_targeted=False,
    )  # fmt: skip
    if save and values.derived:
        save_derived(session, plan, values.derived)
    rollups = apply_rollups(session, plan, regions, year, values)
    allocations = load_allocations(session, plan.id)
    rows, skipped = assess_plan_rows(plan, year, regions, values, cfg, rollups, allocations)
    ranked = [r for r in regions if r != plan.region_code]
    ranking = rank_regions(rows, [(r, get_region(r).name_zh) for r in ranked], plan.id, cfg.scoring)
    return AssessmentResult(
        plan_id=plan.id,
        plan_title_zh=plan.title_zh,
        year=year,
        regions=regions,
        rows=rows,
        ranking=ranking,
        skipped=skipped,
        params=cfg.to_dict(),
        method_version=cfg.method_version,
        dust_deducted=dust_deducted,
        categories={c.code: c.name_zh for c in plan.categories},
        trends=trend_rows(plan, year, regions, values, cfg),
        qualitative=qualitative_rows(session, plan, year, regions),
    )


# ------------------------------------------------------------------------------ stored runs


def store_run(session: Session, result: AssessmentResult, *, region: str | None = None) -> int:
    """Store *result* (``assessment_run`` + one ``assessment_row`` per row); returns the run id.

    *region* is the region the run was limited to (``None``: the whole plan).
    """
    run = AssessmentRun(
        plan_id=result.plan_id,
        year=result.year,
        region_code=region,
        created_at=datetime.now().replace(microsecond=0),
        method_version=result.method_version,
        dust_deducted=result.dust_deducted,
        params=result.params,
        summary={
            "plan_title_zh": result.plan_title_zh,
            "regions": list(result.regions),
            "categories": dict(result.categories),
            "ranking": [r.to_dict() for r in result.ranking],
            "skipped": [k.__dict__ for k in result.skipped],
            "trends": [t.to_dict() for t in result.trends],
            "qualitative": [q.to_dict() for q in result.qualitative],
        },
    )
    session.add(run)
    session.flush()
    session.add_all(
        AssessmentRowRecord(
            run_id=run.id,
            indicator_code=r.indicator_code,
            region_code=r.region_code,
            status=r.status.value,
            value=r.value,
            target=r.target,
            ratio=r.ratio,
            components=r.to_dict(),
        )
        for r in result.rows
    )
    session.flush()
    return run.id


def load_run(session: Session, run_id: int) -> AssessmentResult:
    """A stored run as an :class:`AssessmentResult`, rows and ranking as they were stored."""
    run = session.get(AssessmentRun, run_id)
    if run is None:
        raise AssessmentError(f"no stored assessment run with id {run_id}")
    records = session.scalars(
        select(AssessmentRowRecord)
        .where(AssessmentRowRecord.run_id == run_id)
        .order_by(AssessmentRowRecord.id)
    )
    summary = run.summary
    return AssessmentResult(
        plan_id=run.plan_id,
        plan_title_zh=str(summary.get("plan_title_zh", "")),
        year=run.year,
        regions=list(summary.get("regions", [])),
        rows=[row_from_dict(rec.components) for rec in records],
        ranking=[RankRow(**r) for r in summary.get("ranking", [])],
        skipped=[SkippedIndicator(**k) for k in summary.get("skipped", [])],
        params=dict(run.params),
        method_version=run.method_version,
        dust_deducted=run.dust_deducted,
        categories=dict(summary.get("categories", {})),
        trends=[TrendRow(**t) for t in summary.get("trends", [])],
        qualitative=[QualitativeRow(**q) for q in summary.get("qualitative", [])],
    )


def row_from_dict(d: dict[str, Any]) -> AssessmentRow:
    """Rebuild an :class:`AssessmentRow` from :meth:`AssessmentRow.to_dict` output."""
    data = {k: v for k, v in d.items() if k in AssessmentRow.__dataclass_fields__}
    data["status"] = Status(data["status"])
    data["series"] = [ValuePoint(**p) for p in data.get("series", [])]
    return AssessmentRow(**data)
