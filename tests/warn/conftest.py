"""Fixtures of the warning tests: a store (SQLite and PostgreSQL, tests/conftest.py) holding the
regions, and helpers to write and import forecast files and hand-built warehouse tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
from sqlalchemy import select

from ecoplan.ingest.forecast import import_forecast
from ecoplan.ingest.result import ImportResult
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.schema_warn import WarningEvent, WarningRecord

D = dt.date


@pytest.fixture
def wstore(store: Store) -> Store:
    """A migrated store holding the 116 regions."""
    with store.session() as s:
        sync_regions(s)
    return store


def forecast_csv(
    path: Path, issues: dict[tuple[str, D], Sequence[float]], *, primary: str = "PM2.5"
) -> Path:
    """Write a forecast file: for each (city, issue date) the AQI of issue+1, issue+2, …"""
    lines = ["region_code,issue_date,target_date,aqi,primary_pollutant"]
    for (city, issue), values in issues.items():
        for i, v in enumerate(values):
            lines.append(f"{city},{issue},{issue + dt.timedelta(days=i + 1)},{v:g},{primary}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_issue(
    store: Store, tmp_path: Path, city: str, issue: D, values: Sequence[float]
) -> ImportResult:
    """Import one issue of one city's forecast through the real importer."""
    f = forecast_csv(tmp_path / f"fc-{city}-{issue}.csv", {(city, issue): values})
    return import_forecast(store, f)


def warnings_of(store: Store, **where: Any) -> list[WarningRecord]:
    with store.session() as s:
        q = select(WarningRecord).order_by(WarningRecord.id)
        for k, v in where.items():
            q = q.where(getattr(WarningRecord, k) == v)
        return list(s.scalars(q))


def events_of(
    store: Store, warning_id: int | None = None
) -> list[tuple[str, str | None, str | None]]:
    """``(event, grade_from, grade_to)`` in order."""
    with store.session() as s:
        q = select(WarningEvent).order_by(WarningEvent.id)
        if warning_id is not None:
            q = q.where(WarningEvent.warning_id == warning_id)
        return [(e.event, e.grade_from, e.grade_to) for e in s.scalars(q)]


def hand_warehouse(
    stations: list[tuple[str, str, str, str]], hourly: pd.DataFrame
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the warehouse's names: ``station (code, name, region_code,
    kind)`` and ``air_hourly (station, time, pollutant, value)``; empty ``water_samples`` and
    ``section``."""
    con = duckdb.connect()
    st = pd.DataFrame(stations, columns=["code", "name", "region_code", "kind"])
    h = hourly[["station", "time", "pollutant", "value"]].copy()
    h["time"] = pd.to_datetime(h["time"]).astype("datetime64[us]")
    for name, df in (("station", st), ("air_hourly", h)):
        con.register("_frame", df)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    con.execute(
        "CREATE TABLE water_samples (section VARCHAR, date DATE, item VARCHAR, value DOUBLE)"
    )
    con.execute(
        "CREATE TABLE section (code VARCHAR, name VARCHAR, water_body VARCHAR, "
        "waterbody_type VARCHAR, region_code VARCHAR, target_class VARCHAR)"
    )
    return con
