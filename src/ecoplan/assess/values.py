"""Yearly indicator values per indicator × region × year, with their provenance.

Sources, in order of precedence for the same indicator, region and year:

1. **imported** — the ``indicator_value`` table, ``source_kind = imported`` (values reported by
   the bureaus and loaded by ``ecoplan import``); source ``imported: <file> sha256:<12 hex>
   batch <id>``;
2. **derived** — computed now from the monitoring warehouse by the indicator's ``derivation``
   (:mod:`ecoplan.assess.derivations`) when a DuckDB connection is given; otherwise the values
   cached earlier in ``indicator_value`` with ``source_kind = derived``.

An official figure that was reported wins over our own computation; the computed one is kept
beside it (``ValueTable.superseded``) so that a reader sees both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import duckdb
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ecoplan.assess.derivations import (
    WAREHOUSE_HOUR_LABEL,
    DerivedValue,
    Progress,
    check_unit,
    derive,
    get_derivation,
)
from ecoplan.assess.types import ValuePoint
from ecoplan.store import schema as s

Key = tuple[str, str]  # (indicator_code, region_code)


class IndicatorValueError(ValueError):
    """A stored indicator value that contradicts the plan (e.g. another unit)."""


@dataclass
class ValueTable:
    """The values found: ``points[(code, region)][year]`` → the chosen :class:`ValuePoint`.

    ``superseded`` holds values of the same key and year that lost to a higher-precedence
    source; ``derived`` the fresh derivations (for caching with :func:`save_derived`).
    """

    points: dict[Key, dict[int, ValuePoint]] = field(default_factory=dict)
    superseded: dict[Key, list[ValuePoint]] = field(default_factory=dict)
    derived: list[DerivedValue] = field(default_factory=list)

    def add(self, code: str, region: str, point: ValuePoint) -> None:
        """Add *point* unless the key already has a value for that year (first source wins)."""
        by_year = self.points.setdefault((code, region), {})
        if point.year in by_year:
            self.superseded.setdefault((code, region), []).append(point)
        else:
            by_year[point.year] = point

    def series(self, code: str, region: str, up_to: int | None = None) -> list[ValuePoint]:
        """The chosen points of one indicator and region, by year (those ≤ *up_to*)."""
        pts = self.points.get((code, region), {})
        return [pts[y] for y in sorted(pts) if up_to is None or y <= up_to]


def _source(
    kind: str, file_name: str | None, sha: str | None, batch: str | None, note: str | None
) -> str:
    if kind == "derived":
        return note or "derived: (cached)"
    parts = ["imported:", file_name or "(no file)"]
    if sha:
        parts.append(f"sha256:{sha[:12]}")
    if batch:
        parts.append(f"batch {batch}")
    text = " ".join(parts)
    return f"{text} — {note}" if note else text


def stored_values(
    session: Session,
    plan: s.Plan,
    regions: Sequence[str],
    up_to: int,
    *,
    kind: Literal["imported", "derived"] = "imported",
    codes: Sequence[str] | None = None,
) -> list[tuple[str, str, ValuePoint]]:
    """Values of *plan*'s indicators (or of *codes* among them) held in ``indicator_value``
    (rows of this plan first, then rows without a plan), for *regions* and years ≤ *up_to*."""
    units = {i.code: i.unit for i in plan.indicators if codes is None or i.code in codes}
    if not units or not regions:
        return []
    iv, ib = s.IndicatorValue, s.ImportBatch
    q = (
        select(
            iv.id, iv.indicator_code, iv.region_code, iv.year, iv.value, iv.unit, iv.plan_id,
            iv.source_note, iv.batch_id, ib.file_name, ib.file_sha256,
        )
        .outerjoin(ib, ib.id == iv.batch_id)
        .where(
            iv.indicator_code.in_(list(units)),
            iv.region_code.in_(list(regions)),
            iv.year <= up_to,
            iv.source_kind == kind,
            or_(iv.plan_id == plan.id, iv.plan_id.is_(None)),
        )
    )  # fmt: skip
    rows = sorted(session.execute(q).all(), key=lambda r: (r.plan_id is None, r.id))
    out: list[tuple[str, str, ValuePoint]] = []
    for r in rows:
        if r.unit is not None and r.unit.strip() != units[r.indicator_code].strip():
            raise IndicatorValueError(
                f"indicator_value id {r.id}: {r.indicator_code} {r.region_code} {r.year} has "
                f"unit {r.unit!r} but the plan's indicator has {units[r.indicator_code]!r}"
            )
        src = _source(kind, r.file_name, r.file_sha256, r.batch_id, r.source_note)
        out.append((r.indicator_code, r.region_code, ValuePoint(r.year, float(r.value), src)))
    return out


def derivation_years(plan: s.Plan, year: int) -> list[int]:
    """Years derived for an assessment in *year*: the plan's baseline year (period_start − 1)
    through *year*."""
    return list(range(min(plan.period_start - 1, year), year + 1))


def collect_values(
    session: Session,
    plan: s.Plan,
    regions: Sequence[str],
    year: int,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    dust_deducted: bool = False,
    hour_label: Literal["start", "end"] = WAREHOUSE_HOUR_LABEL,
    progress: Progress | None = None,
    only_targeted: bool = True,
) -> ValueTable:
    """All values of *plan*'s indicators for *regions*, years ≤ *year* (module docstring).

    With *con* (a DuckDB connection over the warehouse, :func:`ecoplan.store.warehouse.connect`)
    the indicators with a ``derivation`` are derived now for the years of
    :func:`derivation_years`; without it, cached derived values are read instead.
    *only_targeted* leaves out the derivations of indicators without a quantitative target
    (they are not assessed, so their values would be computed for nothing).
    """
    table = ValueTable()
    for code, region, pt in stored_values(session, plan, regions, year, kind="imported"):
        table.add(code, region, pt)
    by_derivation: dict[str, list[str]] = {}
    for ind in plan.indicators:
        if ind.derivation:
            check_unit(get_derivation(ind.derivation), ind.code, ind.unit)
            if ind.targets or not only_targeted:
                by_derivation.setdefault(ind.derivation, []).append(ind.code)
    if con is not None and by_derivation:
        table.derived = derive(
            con, list(by_derivation), regions, derivation_years(plan, year),
            dust_deducted=dust_deducted, hour_label=hour_label, progress=progress,
        )  # fmt: skip
        for dv in table.derived:
            for code in by_derivation[dv.derivation]:
                table.add(code, dv.region_code, ValuePoint(dv.year, dv.value, dv.source))
    elif by_derivation:
        derived_codes = [c for cs in by_derivation.values() for c in cs]
        cached = stored_values(session, plan, regions, year, kind="derived", codes=derived_codes)
        for code, region, pt in cached:
            table.add(code, region, pt)
    return table


def save_derived(session: Session, plan: s.Plan, derived: Iterable[DerivedValue]) -> int:
    """Cache derived values in ``indicator_value`` (``source_kind = derived``, this plan).

    An existing derived row of the same key is updated; a key held by an imported value is
    left alone (imported values are never overwritten).  Returns the rows written.
    """
    codes: dict[str, list[tuple[str, str]]] = {}
    for ind in plan.indicators:
        if ind.derivation:
            codes.setdefault(ind.derivation, []).append((ind.code, ind.unit))
    n = 0
    iv = s.IndicatorValue
    for dv in derived:
        for code, unit in codes.get(dv.derivation, []):
            row = session.scalars(
                select(iv).where(
                    iv.indicator_code == code,
                    iv.region_code == dv.region_code,
                    iv.year == dv.year,
                    iv.plan_id == plan.id,
                )
            ).first()
            if row is not None and row.source_kind != "derived":
                continue
            if row is None:
                session.add(
                    iv(
                        plan_id=plan.id, indicator_code=code, region_code=dv.region_code,
                        year=dv.year, value=dv.value, unit=unit, source_kind="derived",
                        batch_id=None, source_note=dv.source,
                    )
                )  # fmt: skip
                n += 1
            elif row.value != dv.value or row.source_note != dv.source:
                row.value, row.source_note = dv.value, dv.source
                n += 1
    session.flush()
    return n
