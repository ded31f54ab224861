"""Verdicts on qualitative targets (定性目标评价): recorded by an evaluator, never computed.

A target stated in words only (完成国家下达的目标任务, 持续改善…) cannot be judged from
numbers; instead of 未评估 forever, an evaluator records a verdict — 达到 met / 部分达到
partly / 未达到 not met — with a text and the evidence (document, inspection, data source).
The latest verdict of an indicator × region × year counts; earlier ones stay as history.
A region without a qualitative target of its own is judged on the nearest enclosing region's
(a league carries out the regional task), said in the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.model.regions import UnknownRegionError, ancestors, get_region
from ecoplan.store import audit
from ecoplan.store import schema as s
from ecoplan.store.schema_reporting import QualitativeVerdict

VERDICTS: dict[str, str] = {"met": "达到", "partly": "部分达到", "not_met": "未达到"}
NOT_JUDGED_ZH = "未评价"


class VerdictError(ValueError):
    """A verdict that cannot be recorded (unknown plan/indicator, no qualitative target…)."""


@dataclass(frozen=True)
class QualitativeRow:
    """One qualitative target of one region with its latest verdict (or none)."""

    plan_id: str
    indicator_code: str
    name_zh: str
    region_code: str
    region_zh: str
    year: int  # assessment year
    target_year: int
    target_text_zh: str
    target_region: str
    inherited: bool
    verdict: str | None  # met | partly | not_met | None (not yet judged)
    verdict_zh: str
    text_zh: str | None
    evidence: str | None
    evaluator: str | None
    judged_at: str | None  # ISO time of the verdict
    history: int = 0  # verdicts recorded for this key (the latest counts)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _targets_for(ind: s.Indicator, region: str) -> tuple[list[s.QualitativeTarget], str | None]:
    by: dict[str, list[s.QualitativeTarget]] = {}
    for q in ind.qualitative_targets:
        by.setdefault(q.region_code, []).append(q)
    for code in [region] + [a.code for a in ancestors(region)]:
        if code in by:
            return by[code], code
    return [], None


def record_verdict(
    session: Session,
    plan: s.Plan,
    indicator_code: str,
    region: str,
    year: int,
    verdict: str,
    text_zh: str,
    evidence: str,
    actor: audit.Actor,
) -> QualitativeVerdict:
    """Record a verdict (audited as ``qualitative.verdict``); refused with a reason when the
    indicator has no qualitative target for *region*, or the verdict, text or evidence is
    missing."""
    ind = next((i for i in plan.indicators if i.code == indicator_code), None)
    if ind is None:
        raise VerdictError(f"plan {plan.id} has no indicator {indicator_code!r}")
    try:
        get_region(region)
    except UnknownRegionError as exc:
        raise VerdictError(str(exc)) from None
    targets, _ = _targets_for(ind, region)
    if not targets:
        raise VerdictError(
            f"{indicator_code} has no qualitative target for {region} or an enclosing region"
        )
    if verdict not in VERDICTS:
        raise VerdictError(f"verdict must be one of {sorted(VERDICTS)}, got {verdict!r}")
    if not text_zh.strip():
        raise VerdictError("a verdict needs a text (评价说明)")
    if not evidence.strip():
        raise VerdictError("a verdict needs evidence (依据：文件、检查记录或数据来源)")
    who = actor.username or "system"
    row = QualitativeVerdict(
        plan_id=plan.id, indicator_code=indicator_code, region_code=region, year=year,
        verdict=verdict, text_zh=text_zh.strip(), evidence=evidence.strip(), evaluator=who,
        created_at=datetime.now().replace(microsecond=0),
    )  # fmt: skip
    session.add(row)
    session.flush()
    audit.record(
        session, actor, action="qualitative.verdict", entity="qualitative_verdict",
        entity_id=row.id, region_code=region,
        after={"plan_id": plan.id, "indicator_code": indicator_code, "year": year,
               "verdict": verdict, "text_zh": row.text_zh, "evidence": row.evidence},
    )  # fmt: skip
    return row


def qualitative_rows(
    session: Session, plan: s.Plan, year: int, regions: Sequence[str]
) -> list[QualitativeRow]:
    """Every qualitative target of *plan* for *regions* (of the milestone ≥ *year*, else the
    last) with its latest verdict for *year*; an enclosing region's target appears for a
    sub-region only once a verdict was recorded for it."""
    recs = session.scalars(
        select(QualitativeVerdict)
        .where(QualitativeVerdict.plan_id == plan.id, QualitativeVerdict.year == year)
        .order_by(QualitativeVerdict.created_at, QualitativeVerdict.id)
    ).all()
    latest: dict[tuple[str, str], QualitativeVerdict] = {}
    count: dict[tuple[str, str], int] = {}
    for r in recs:
        latest[(r.indicator_code, r.region_code)] = r
        key = (r.indicator_code, r.region_code)
        count[key] = count.get(key, 0) + 1
    out: list[QualitativeRow] = []
    for ind in plan.indicators:
        if not ind.qualitative_targets:
            continue
        for region in regions:
            targets, target_region = _targets_for(ind, region)
            if not targets or target_region is None:
                continue
            years = sorted({q.year for q in targets})
            ty = next((y for y in years if y >= year), years[-1])
            text = "；".join(q.text_zh for q in targets if q.year == ty)
            v = latest.get((ind.code, region))
            if target_region != region and v is None:
                continue  # an enclosing region's task is listed for a league once judged
            out.append(
                QualitativeRow(
                    plan_id=plan.id, indicator_code=ind.code, name_zh=ind.name_zh,
                    region_code=region, region_zh=get_region(region).name_zh, year=year,
                    target_year=ty, target_text_zh=text, target_region=target_region,
                    inherited=target_region != region,
                    verdict=v.verdict if v else None,
                    verdict_zh=VERDICTS[v.verdict] if v else NOT_JUDGED_ZH,
                    text_zh=v.text_zh if v else None, evidence=v.evidence if v else None,
                    evaluator=v.evaluator if v else None,
                    judged_at=v.created_at.isoformat() if v else None,
                    history=count.get((ind.code, region), 0),
                )
            )  # fmt: skip
    return out
