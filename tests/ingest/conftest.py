"""Fixtures of the ingestion tests: a store (SQLite and PostgreSQL, from tests/conftest.py)
holding the regions, the small test plan, four stations and three sections."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from ecoplan.ingest import import_sections, import_stations
from ecoplan.ingest.result import ImportResult
from ecoplan.store import schema as s
from ecoplan.store import warehouse
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions

DATA = Path(__file__).parents[1] / "data" / "ingest"
SMALL_PLAN = Path(__file__).parents[1] / "data" / "small_plan.yaml"


@pytest.fixture
def seeded(store: Store) -> Store:
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, SMALL_PLAN)
    assert import_stations(store, DATA / "stations.csv").accepted == 4
    assert import_sections(store, DATA / "sections.csv").accepted == 3
    return store


def table_counts(store: Store) -> dict[str, int]:
    """Row counts of the monitoring tables."""
    models = (
        s.ImportBatch,
        s.Quarantine,
        s.Revision,
        s.Station,
        s.Section,
        s.IndicatorValue,
        s.DustEvent,
    )
    with store.session() as ses:
        return {
            m.__tablename__: ses.scalar(select(func.count()).select_from(m)) or 0 for m in models
        }


def air_rows(store: Store) -> dict[tuple[str, str, str], float]:
    """The effective air values: (station, 'YYYY-MM-DD HH:MM', pollutant) → value."""
    con = warehouse.connect(store=store)
    try:
        rows = con.sql("SELECT station, time, pollutant, value FROM air_hourly").fetchall()
    finally:
        con.close()
    return {(st, f"{t:%Y-%m-%d %H:%M}", p): v for st, t, p, v in rows}


def water_rows(store: Store) -> dict[tuple[str, str, str], float]:
    con = warehouse.connect(store=store)
    try:
        rows = con.sql("SELECT section, date, item, value FROM water_samples").fetchall()
    finally:
        con.close()
    return {(sec, f"{d:%Y-%m-%d}", i): v for sec, d, i, v in rows}


def sigs(result: ImportResult) -> list[tuple[Any, Any, str]]:
    """(line, column, reason_code) of every refused row, sorted."""
    return sorted(
        ((r["line"], r["column_name"] or "", r["reason_code"]) for r in result.rejections),
        key=lambda x: (x[0], x[1], x[2]),
    )


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)
