"""Regions as stored in the application database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.store import schema as s

_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def list_regions(
    session: Session, *, level: str | None = None, parent: str | None = None
) -> list[dict[str, Any]]:
    """Regions as dicts (code, name_zh, name_en, level, parent): province first, then by code."""
    q = select(s.Region)
    if level:
        q = q.where(s.Region.level == level)
    if parent:
        q = q.where(s.Region.parent_code == parent)
    rows = sorted(session.scalars(q), key=lambda r: (_LEVEL_ORDER.get(r.level, 9), r.code))
    return [
        {
            "code": r.code,
            "name_zh": r.name_zh,
            "name_en": r.name_en,
            "level": r.level,
            "parent": r.parent_code,
        }
        for r in rows
    ]


def region_names(session: Session) -> dict[str, str]:
    """Code → Chinese name, for showing names beside codes."""
    return {code: name for code, name in session.execute(select(s.Region.code, s.Region.name_zh))}
