"""Monitoring data in the application database: registries (stations, sections), import
batches, quarantine, revisions, yearly indicator values and sand-dust events.

Functions take a session and work inside the caller's transaction (``with store.session()``);
writers never commit themselves, so one import is one transaction. Measurements live in the
warehouse (:mod:`ecoplan.store.warehouse`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from ecoplan.store import schema as s

_CHUNK = 900


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


# --- codes -------------------------------------------------------------------------------------


def region_codes(session: Session) -> set[str]:
    return set(session.scalars(select(s.Region.code)))


def station_codes(session: Session) -> set[str]:
    return set(session.scalars(select(s.Station.code)))


def section_codes(session: Session) -> set[str]:
    return set(session.scalars(select(s.Section.code)))


# --- registries --------------------------------------------------------------------------------

STATION_FIELDS = ("code", "name", "region_code", "lon", "lat", "kind", "synthetic", "source")
SECTION_FIELDS = (
    "code",
    "name",
    "water_body",
    "waterbody_type",
    "region_code",
    "target_class",
    "lon",
    "lat",
    "synthetic",
    "source",
)


def registry_frame(session: Session, kind: str) -> pd.DataFrame:
    """The station (``kind="stations"``) or section registry as a frame, one row per code."""
    model, fields = (
        (s.Station, STATION_FIELDS) if kind == "stations" else (s.Section, SECTION_FIELDS)
    )
    rows = session.execute(select(*(getattr(model, f) for f in fields))).all()
    return pd.DataFrame(rows, columns=list(fields))


def write_registry(
    session: Session, kind: str, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
) -> None:
    """Insert new and update changed stations/sections (rows are dicts of the model's fields,
    ``batch_id`` included)."""
    model = s.Station if kind == "stations" else s.Section
    if inserts:
        session.execute(insert(model), inserts)
    if updates:
        session.execute(update(model), updates)


def list_stations(
    session: Session, *, region: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Stations with their region's Chinese name, by code. *region* matches the station's
    region or any region it lies in (prefecture 150100 includes its counties)."""
    q = select(s.Station, s.Region.name_zh, s.Region.parent_code).join(
        s.Region, s.Region.code == s.Station.region_code
    )
    if kind:
        q = q.where(s.Station.kind == kind)
    if region:
        q = q.where((s.Station.region_code == region) | (s.Region.parent_code == region))
    out = []
    for st, region_name, _parent in session.execute(q.order_by(s.Station.code)):
        d = {f: getattr(st, f) for f in STATION_FIELDS}
        d["region_name"] = region_name
        out.append(d)
    return out


def list_sections(session: Session, *, region: str | None = None) -> list[dict[str, Any]]:
    """Water sections with their region's Chinese name, by code (*region* as in
    :func:`list_stations`)."""
    q = select(s.Section, s.Region.name_zh).join(s.Region, s.Region.code == s.Section.region_code)
    if region:
        q = q.where((s.Section.region_code == region) | (s.Region.parent_code == region))
    out = []
    for sec, region_name in session.execute(q.order_by(s.Section.code)):
        d = {f: getattr(sec, f) for f in SECTION_FIELDS}
        d["region_name"] = region_name
        out.append(d)
    return out


# --- batches -----------------------------------------------------------------------------------


def add_batch(session: Session, **fields: Any) -> s.ImportBatch:
    """Record a committed batch; ``seq`` is the next number (imports hold the import lock, so
    numbers are not raced for). Flushed, so rows referring to it can follow."""
    seq = (session.scalar(select(func.max(s.ImportBatch.seq))) or 0) + 1
    row = s.ImportBatch(seq=seq, status="committed", imported_at=datetime.now(), **fields)
    session.add(row)
    session.flush()
    return row


def list_batches(session: Session, *, kind: str | None = None) -> list[dict[str, Any]]:
    q = select(s.ImportBatch).order_by(s.ImportBatch.seq)
    if kind:
        q = q.where(s.ImportBatch.kind == kind)
    cols = [c.name for c in s.ImportBatch.__table__.columns]
    return [{c: getattr(b, c) for c in cols} for b in session.scalars(q)]


# --- quarantine --------------------------------------------------------------------------------

QUARANTINE_FIELDS = (
    "id",
    "batch_id",
    "kind",
    "file_name",
    "file_sha256",
    "line",
    "column_name",
    "raw_value",
    "reason_code",
    "reason",
    "raw_row",
    "key",
    "resolved",
    "resolved_by_batch",
    "replaces_id",
)


def add_quarantine(session: Session, records: list[dict[str, Any]]) -> None:
    """Insert quarantine rows (dicts of :data:`QUARANTINE_FIELDS` without ``id``)."""
    for chunk in _chunks(records, 5000):
        session.execute(insert(s.Quarantine), list(chunk))


def open_quarantine(session: Session, kind: str) -> pd.DataFrame:
    """Unresolved quarantine rows of *kind*: ``id, key, file_sha256, line, column_name,
    reason_code``."""
    cols = ("id", "key", "file_sha256", "line", "column_name", "reason_code")
    rows = session.execute(
        select(*(getattr(s.Quarantine, c) for c in cols)).where(
            s.Quarantine.kind == kind, s.Quarantine.resolved.is_(False)
        )
    ).all()
    return pd.DataFrame(rows, columns=list(cols))


def resolve_quarantine(session: Session, ids: Iterable[int], batch_id: str) -> int:
    """Mark quarantine rows resolved by *batch_id*; returns how many."""
    ids = sorted(set(int(i) for i in ids))
    for chunk in _chunks(ids):
        session.execute(
            update(s.Quarantine)
            .where(s.Quarantine.id.in_(chunk))
            .values(resolved=True, resolved_by_batch=batch_id)
        )
    return len(ids)


def list_quarantine(
    session: Session,
    *,
    batch_id: str | None = None,
    kind: str | None = None,
    include_resolved: bool = False,
    ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Quarantine rows (dicts of :data:`QUARANTINE_FIELDS`), by id."""
    q = select(s.Quarantine).order_by(s.Quarantine.id)
    if batch_id:
        q = q.where(s.Quarantine.batch_id.startswith(batch_id))
    if kind:
        q = q.where(s.Quarantine.kind == kind)
    if not include_resolved:
        q = q.where(s.Quarantine.resolved.is_(False))
    if ids is not None:
        q = q.where(s.Quarantine.id.in_(list(ids)))
    return [{f: getattr(r, f) for f in QUARANTINE_FIELDS} for r in session.scalars(q)]


# --- revisions ---------------------------------------------------------------------------------


def add_revisions(session: Session, records: list[dict[str, Any]]) -> None:
    """Insert revision rows (``kind, key, old_value, new_value, old_batch_id, new_batch_id,
    at``)."""
    for chunk in _chunks(records, 5000):
        session.execute(insert(s.Revision), list(chunk))


def list_revisions(
    session: Session, *, batch_id: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    q = select(s.Revision).order_by(s.Revision.id)
    if batch_id:
        q = q.where(s.Revision.new_batch_id == batch_id)
    if kind:
        q = q.where(s.Revision.kind == kind)
    cols = [c.name for c in s.Revision.__table__.columns]
    return [{c: getattr(r, c) for c in cols} for r in session.scalars(q)]


# --- indicator values --------------------------------------------------------------------------

INDICATOR_VALUE_FIELDS = (
    "id",
    "plan_id",
    "indicator_code",
    "region_code",
    "year",
    "value",
    "unit",
    "source_kind",
    "batch_id",
    "source_note",
)


def indicator_catalog(session: Session) -> pd.DataFrame:
    """Every plan indicator: ``plan_id, code, name_zh, unit, plan_title_zh, aggregation``
    (aggregation as stored: NULL for rows loaded before migration 0110)."""
    rows = session.execute(
        select(
            s.Indicator.plan_id,
            s.Indicator.code,
            s.Indicator.name_zh,
            s.Indicator.unit,
            s.Plan.title_zh,
            s.Indicator.aggregation,
        )
        .join(s.Plan, s.Plan.id == s.Indicator.plan_id)
        .order_by(s.Indicator.plan_id, s.Indicator.position)
    ).all()
    return pd.DataFrame(
        rows, columns=["plan_id", "code", "name_zh", "unit", "plan_title_zh", "aggregation"]
    )


def indicator_values_frame(session: Session) -> pd.DataFrame:
    """All stored indicator values as a frame (:data:`INDICATOR_VALUE_FIELDS`)."""
    rows = session.execute(
        select(*(getattr(s.IndicatorValue, f) for f in INDICATOR_VALUE_FIELDS))
    ).all()
    return pd.DataFrame(rows, columns=list(INDICATOR_VALUE_FIELDS))


def write_indicator_values(
    session: Session, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
) -> None:
    if inserts:
        session.execute(insert(s.IndicatorValue), inserts)
    if updates:
        session.execute(update(s.IndicatorValue), updates)


def list_indicator_values(
    session: Session,
    *,
    indicator: str | None = None,
    region: str | None = None,
    plan: str | None = None,
) -> list[dict[str, Any]]:
    q = select(s.IndicatorValue).order_by(
        s.IndicatorValue.indicator_code, s.IndicatorValue.region_code, s.IndicatorValue.year
    )
    if indicator:
        q = q.where(s.IndicatorValue.indicator_code == indicator)
    if region:
        q = q.where(s.IndicatorValue.region_code == region)
    if plan:
        q = q.where(s.IndicatorValue.plan_id == plan)
    return [{f: getattr(r, f) for f in INDICATOR_VALUE_FIELDS} for r in session.scalars(q)]


# --- sand-dust events --------------------------------------------------------------------------

DUST_FIELDS = ("id", "region_code", "station_code", "start_time", "end_time", "source", "note")


def dust_events_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(select(*(getattr(s.DustEvent, f) for f in DUST_FIELDS))).all()
    return pd.DataFrame(rows, columns=list(DUST_FIELDS))


def write_dust_events(
    session: Session, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]
) -> None:
    if inserts:
        session.execute(insert(s.DustEvent), inserts)
    if updates:
        session.execute(update(s.DustEvent), updates)


def list_dust_events(
    session: Session,
    *,
    region: str | None = None,
    station: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> list[dict[str, Any]]:
    """Sand-dust events, by start time; *start*/*end* select events overlapping
    ``[start, end)``."""
    q = select(s.DustEvent).order_by(s.DustEvent.start_time, s.DustEvent.id)
    if region:
        q = q.where(s.DustEvent.region_code == region)
    if station:
        q = q.where(s.DustEvent.station_code == station)
    if start:
        q = q.where(s.DustEvent.end_time > start)
    if end:
        q = q.where(s.DustEvent.start_time < end)
    return [{f: getattr(r, f) for f in DUST_FIELDS} for r in session.scalars(q)]


def holds_synthetic_data(session: Session) -> bool:
    """Whether the store holds demo (synthetic) data: a synthetic station or section, or a
    batch imported from a ``demo-synthetic-*`` file.  Pages say so on every screen."""
    q = select(s.Station.code).where(s.Station.synthetic.is_(True)).limit(1)
    if session.execute(q).first():
        return True
    q2 = select(s.Section.code).where(s.Section.synthetic.is_(True)).limit(1)
    if session.execute(q2).first():
        return True
    q3 = select(s.ImportBatch.id).where(s.ImportBatch.file_name.like("demo-synthetic%")).limit(1)
    return session.execute(q3).first() is not None
