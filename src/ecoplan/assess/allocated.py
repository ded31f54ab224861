"""Allocated targets (目标分解) as the assessment reads them: the leagues'/counties' own targets
loaded by ``ecoplan allocation import`` (:mod:`ecoplan.ingest.allocation`, table
``target_allocation``). An allocated target is the region's own: never "inherited"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.store.schema_reporting import TargetAllocation


@dataclass(frozen=True)
class Allocated:
    """An allocated target in the shape the assessment reads (like ``schema.Target``)."""

    value: float
    year: int
    comparator: str
    kind: str
    note_zh: str | None
    file_name: str


def load_allocations(session: Session, plan_id: str) -> dict[tuple[str, str], list[Allocated]]:
    """The allocations of *plan_id*: (indicator, region) → its allocated targets."""
    out: dict[tuple[str, str], list[Allocated]] = {}
    for a in session.scalars(select(TargetAllocation).where(TargetAllocation.plan_id == plan_id)):
        out.setdefault((a.indicator_code, a.region_code), []).append(
            Allocated(a.value, a.year, a.comparator, a.kind, None, a.file_name)
        )
    return out
