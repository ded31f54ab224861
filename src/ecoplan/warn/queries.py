"""Reading warnings, their events and the stored forecasts back (CLI and API share these)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from ecoplan.model.regions import Level, UnknownRegionError, get_region
from ecoplan.model.warning_rules import CATEGORIES, GROUP_OF, GROUPS, KINDS
from ecoplan.store.schema_warn import AqiForecast, OutboxMessage, WarningEvent, WarningRecord
from ecoplan.warn.engine import event_to_dict, warning_to_dict


class WarningQueryError(ValueError):
    """A filter that names nothing known (kind, category, state, region)."""


def _region_prefix(code: str) -> str:
    """SQL LIKE prefix of the region and everything under it (GB/T 2260 code structure)."""
    try:
        level = get_region(code).level
    except UnknownRegionError as exc:
        raise WarningQueryError(str(exc)) from None
    if level is Level.PROVINCE:
        return code[:2]
    if level is Level.PREFECTURE:
        return code[:4]
    return code


def _conditions(
    *,
    state: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    region: str | None = None,
    subject: str | None = None,
    rule_id: str | None = None,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if state is not None:
        if state not in ("active", "lifted"):
            raise WarningQueryError(f"state must be active or lifted, got {state!r}")
        conds.append(WarningRecord.state == state)
    if kind is not None:
        if kind in KINDS:
            conds.append(WarningRecord.kind == kind)
        elif kind in GROUPS:
            conds.append(WarningRecord.kind.in_([k for k in KINDS if GROUP_OF[k] == kind]))
        else:
            raise WarningQueryError(
                f"unknown kind {kind!r}: a group ({', '.join(GROUPS)}) or a kind "
                f"({', '.join(KINDS)})"
            )
    if category is not None:
        if category not in CATEGORIES:
            raise WarningQueryError(
                f"unknown category {category!r}: one of {', '.join(CATEGORIES)}"
            )
        conds.append(WarningRecord.category == category)
    if region:
        conds.append(WarningRecord.region_code.like(_region_prefix(region) + "%"))
    if subject:
        conds.append(WarningRecord.subject == subject)
    if rule_id:
        conds.append(WarningRecord.rule_id == rule_id)
    return conds


def list_warnings(
    session: Session,
    *,
    state: str | None = None,
    kind: str | None = None,
    category: str | None = None,
    region: str | None = None,
    subject: str | None = None,
    rule_id: str | None = None,
    limit: int | None = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Warnings matching the filters, active first, then newest first, and the total.

    *kind* is a kind or a group; *region* matches the region and every region under it.
    """
    conds = _conditions(
        state=state, kind=kind, category=category, region=region, subject=subject, rule_id=rule_id
    )
    total = session.scalar(select(func.count()).select_from(WarningRecord).where(*conds)) or 0
    q = (
        select(WarningRecord)
        .where(*conds)
        .order_by(WarningRecord.state, WarningRecord.updated_at.desc(), WarningRecord.id.desc())
        .offset(offset)
    )
    if limit is not None:
        q = q.limit(limit)
    return [warning_to_dict(w) for w in session.scalars(q)], total


def get_warning(session: Session, warning_id: int) -> dict[str, Any] | None:
    """One warning with its events (oldest first) and their notifications."""
    w = session.get(WarningRecord, warning_id)
    if w is None:
        return None
    out = warning_to_dict(w)
    events = session.scalars(
        select(WarningEvent).where(WarningEvent.warning_id == warning_id).order_by(WarningEvent.id)
    ).all()
    outbox = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.warning_event_id.in_([e.id for e in events]))
        .order_by(OutboxMessage.id)
    ).all()
    by_event: dict[int, list[dict[str, Any]]] = {}
    for o in outbox:
        by_event.setdefault(o.warning_event_id, []).append(
            {
                "id": o.id,
                "channel": o.channel,
                "target": o.target,
                "created_at": o.created_at.isoformat(),
                "sent_at": o.sent_at.isoformat() if o.sent_at else None,
                "attempts": o.attempts,
                "error": o.error,
            }
        )
    out["events"] = [event_to_dict(e) | {"notifications": by_event.get(e.id, [])} for e in events]
    return out


def list_forecasts(
    session: Session,
    *,
    region: str | None = None,
    issue_date: date | None = None,
    latest: bool = False,
    limit: int | None = 500,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Stored forecasts by city, issue date (newest first) and target date; *latest* keeps
    only each city's latest issue."""
    conds: list[ColumnElement[bool]] = []
    if region:
        conds.append(AqiForecast.region_code.like(_region_prefix(region) + "%"))
    if issue_date is not None:
        conds.append(AqiForecast.issue_date == issue_date)
    if latest:
        newest = (
            select(AqiForecast.region_code, func.max(AqiForecast.issue_date).label("issue"))
            .group_by(AqiForecast.region_code)
            .subquery()
        )
        conds.append(
            select(newest.c.issue)
            .where(
                newest.c.region_code == AqiForecast.region_code,
                newest.c.issue == AqiForecast.issue_date,
            )
            .exists()
        )
    total = session.scalar(select(func.count()).select_from(AqiForecast).where(*conds)) or 0
    q = (
        select(AqiForecast)
        .where(*conds)
        .order_by(AqiForecast.region_code, AqiForecast.issue_date.desc(), AqiForecast.target_date)
        .offset(offset)
    )
    if limit is not None:
        q = q.limit(limit)
    rows = [
        {
            "region_code": f.region_code,
            "region_zh": get_region(f.region_code).name_zh,
            "issue_date": f"{f.issue_date:%Y-%m-%d}",
            "target_date": f"{f.target_date:%Y-%m-%d}",
            "lead_days": (f.target_date - f.issue_date).days,
            "aqi": f.aqi,
            "primary_pollutant": f.primary_pollutant,
            "batch_id": f.batch_id,
        }
        for f in session.scalars(q)
    ]
    return rows, total
