"""The audit trail: who changed what, when, from which state to which.

Every write path — the API, the pages, the command line — calls :func:`record` inside the same
transaction as the write, so a write and its audit row are committed (or rolled back) together.
:func:`query` reads the trail back for ``GET /api/audit`` and the audit page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecoplan.store.schema_auth import Audit


@dataclass(frozen=True)
class Actor:
    """Who is writing: an account (``user_id``, ``username``) or the system (both ``None``),
    and the client address when the write came over the network."""

    user_id: int | None = None
    username: str | None = None
    ip: str | None = None

    @classmethod
    def system(cls, label: str | None = None) -> Actor:
        """The system itself (command line, start-up); *label* is kept as the username."""
        return cls(None, label, None)


def _jsonable(value: Any) -> Any:
    """*value* as plain JSON types (dates as ISO strings), so every database stores the same."""
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    entity: str,
    entity_id: str | int | None = None,
    region_code: str | None = None,
    before: Any = None,
    after: Any = None,
) -> Audit:
    """Append one audit row in *session*'s transaction and return it.

    Parameters
    ----------
    action : what was done, ``<entity>.<verb>`` by convention (``plan.import``, ``user.update``).
    entity, entity_id : the kind of thing written and its key (``plan``, ``hohhot-14fyp-eco``).
    region_code : the GB/T 2260 region the write concerns, when it concerns one.
    before, after : the state before and after (JSON-serialisable; ``None`` for creation and
        deletion respectively). Secrets (password hashes, tokens) must not be passed.
    """
    row = Audit(
        at=datetime.now().replace(microsecond=0),
        user_id=actor.user_id,
        username=actor.username,
        action=action,
        entity=entity,
        entity_id=None if entity_id is None else str(entity_id),
        region_code=region_code,
        before=_jsonable(before),
        after=_jsonable(after),
        ip=actor.ip,
    )
    session.add(row)
    session.flush()
    return row


def to_dict(row: Audit) -> dict[str, Any]:
    """The API shape of one audit row."""
    return {
        "id": row.id,
        "at": row.at.isoformat(),
        "user_id": row.user_id,
        "username": row.username,
        "action": row.action,
        "entity": row.entity,
        "entity_id": row.entity_id,
        "region_code": row.region_code,
        "before": row.before,
        "after": row.after,
        "ip": row.ip,
    }


def query(
    session: Session,
    *,
    username: str | None = None,
    entity: str | None = None,
    entity_id: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Audit rows, newest first, and the total matching (for paging).

    ``since`` and ``until`` are calendar days in local time, both included.
    """
    if since is not None and until is not None and since > until:
        raise ValueError(f"since {since} is after until {until}")
    conds = []
    if username:
        conds.append(Audit.username == username)
    if entity:
        conds.append(Audit.entity == entity)
    if entity_id:
        conds.append(Audit.entity_id == entity_id)
    if action:
        conds.append(Audit.action == action)
    if since is not None:
        conds.append(Audit.at >= datetime.combine(since, datetime.min.time()))
    if until is not None:
        conds.append(Audit.at < datetime.combine(until + timedelta(days=1), datetime.min.time()))
    total = session.scalar(select(func.count()).select_from(Audit).where(*conds)) or 0
    rows = session.scalars(
        select(Audit).where(*conds).order_by(Audit.id.desc()).limit(limit).offset(offset)
    )
    return [to_dict(r) for r in rows], total


def count(session: Session) -> int:
    """How many audit rows there are."""
    return session.scalar(select(func.count()).select_from(Audit)) or 0
