"""Plan-progress warnings (规划进展预警): a binding (约束性) indicator whose status *turned* to
at risk or off track between the two latest stored assessment runs of its plan.

Decisions (docs/warnings.md §4):

- Only **stored** runs are read (``ecoplan assess --store``, table ``assessment_run``): a
  warning must point to runs a reader can open again, and a "turn" needs a previous run. No
  fresh assessment is computed; with fewer than two stored runs nothing can start (noted).
- The runs compared are, per plan, the two latest whole-plan runs (``region_code`` NULL) with
  raw figures (not dust-deducted) created on or before the run date.
- A row starts a warning when its status in the latest run is one of the rule's ``statuses``
  and its status in the previous run was not (absent counts as not); while the status stays
  flagged the warning continues (at_risk ↔ off_track is an upgrade/downgrade); another status
  lifts it, except ``no_data``, which is no evidence either way (left as it is).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.assess.types import STATUS_ZH, Status
from ecoplan.model.warning_rules import RuleSet
from ecoplan.store.schema_assess import AssessmentRowRecord, AssessmentRun
from ecoplan.warn.types import Clear, Evaluation, Finding

KIND = "indicator_status"

_COMPONENTS = (
    "name_zh",
    "unit",
    "binding",
    "value",
    "value_year",
    "target",
    "target_year",
    "comparator",
    "ratio",
    "actual_rate",
    "required_rate",
    "projection",
    "gap",
    "note_zh",
)


def latest_runs(session: Session, as_of: date) -> dict[str, list[AssessmentRun]]:
    """Per plan, its whole-plan raw runs created by the end of *as_of*, newest first (two)."""
    end = datetime.combine(as_of, time.max)
    runs = session.scalars(
        select(AssessmentRun)
        .where(
            AssessmentRun.region_code.is_(None),
            AssessmentRun.dust_deducted.is_(False),
            AssessmentRun.created_at <= end,
        )
        .order_by(AssessmentRun.plan_id, AssessmentRun.created_at.desc(), AssessmentRun.id.desc())
    ).all()
    out: dict[str, list[AssessmentRun]] = {}
    for r in runs:
        mine = out.setdefault(r.plan_id, [])
        if len(mine) < 2:
            mine.append(r)
    return out


def _rows(session: Session, run_id: int) -> dict[tuple[str, str], AssessmentRowRecord]:
    recs = session.scalars(select(AssessmentRowRecord).where(AssessmentRowRecord.run_id == run_id))
    return {(r.indicator_code, r.region_code): r for r in recs}


def _status_zh(status: str | None) -> str:
    if status is None:
        return "无"
    try:
        return STATUS_ZH[Status(status)]
    except ValueError:
        return status


def evaluate_indicators(session: Session, rules: RuleSet, as_of: date) -> Evaluation:
    """Findings and clears of the ``indicator_status`` rules for run date *as_of*."""
    ev = Evaluation(KIND, as_of)
    if not rules.enabled(KIND):
        return ev
    plans = latest_runs(session, as_of)
    if not plans:
        ev.notes.append(
            "没有已保存的评估结果 no stored assessment run: `ecoplan assess --plan … --store`"
        )
    for plan_id, runs in plans.items():
        latest = runs[0]
        previous = runs[1] if len(runs) > 1 else None
        if previous is None:
            ev.notes.append(
                f"{plan_id}: 仅有一次已保存的评估（run {latest.id}），无法判断状态转变 "
                "only one stored run: no status turn can be detected yet"
            )
        now_rows = _rows(session, latest.id)
        prev_rows = _rows(session, previous.id) if previous is not None else {}
        title = str(latest.summary.get("plan_title_zh", plan_id))
        for (code, region), rec in sorted(now_rows.items()):
            rule = rules.rule_for(KIND, region)
            if rule is None:
                continue
            comp: dict[str, Any] = rec.components or {}
            if rule.params.binding_only and comp.get("binding") != "binding":
                continue
            status = rec.status
            if status == Status.NO_DATA.value:
                continue
            prev = prev_rows.get((code, region))
            prev_status = prev.status if prev is not None else None
            name = str(comp.get("name_zh") or code)
            region_zh = str(comp.get("region_zh") or region)
            inputs: dict[str, Any] = {
                "plan_id": plan_id,
                "plan_title_zh": title,
                "indicator_code": code,
                "region_zh": region_zh,
                "run_id": latest.id,
                "run_year": latest.year,
                "run_created_at": latest.created_at.isoformat(),
                "method_version": latest.method_version,
                "status": status,
                "previous_run_id": previous.id if previous is not None else None,
                "previous_run_year": previous.year if previous is not None else None,
                "previous_status": prev_status,
                **{k: comp.get(k) for k in _COMPONENTS},
            }
            subject = f"{plan_id}/{code}"
            head = f"{region_zh}「{name}」（{plan_id}，{latest.year}年评估）"
            if status in rule.params.statuses:
                turned = previous is not None and prev_status not in rule.params.statuses
                ev.findings.append(
                    Finding(
                        rule_id=rule.id,
                        kind=KIND,
                        region_code=region,
                        subject=subject,
                        subject_name=name,
                        level=status,
                        inputs=inputs,
                        basis={"run_id": latest.id},
                        message_zh=f"{head}：{_status_zh(status)}"
                        f"（上次评估：{_status_zh(prev_status)}）",
                        may_start=turned,
                    )
                )
            else:
                ev.clears.append(
                    Clear(rule.id, region, subject, inputs, f"{head}：{_status_zh(status)}")
                )
    return ev
