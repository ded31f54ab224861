"""Fixtures of the forecast tests: a store holding the regions and a hand-built warehouse whose
city daily AQI is known by hand (only PM2.5, HJ 633-2012 breakpoints: 75 µg/m³ → IAQI 100,
150 → 200, 250 → 300)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import numpy as np
import pandas as pd
import pytest

from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions

PM25_FOR_AQI = {100: 75.0, 200: 150.0, 300: 250.0}


@pytest.fixture
def fstore(store: Store) -> Store:
    """A migrated store holding the 116 regions."""
    with store.session() as s:
        sync_regions(s)
    return store


def daily_pm25_warehouse(
    series: dict[str, tuple[dt.date, Sequence[float]]],
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with ``station`` and ``air_hourly`` where each city (one national
    station ``S<city>``) has a constant hourly PM2.5 each day: ``{city: (first day, [daily
    PM2.5 …])}``; day *d* is the hours stamped d 01:00 … d+1 00:00."""
    stations, frames = [], []
    for city, (first, values) in series.items():
        code = f"S{city}"
        stations.append((code, f"站{city}", city, "national"))
        days = np.repeat(np.asarray(values, dtype="float64"), 24)
        t0 = pd.Timestamp(first) + pd.Timedelta(hours=1)
        times = pd.date_range(t0, periods=len(days), freq="h")
        frames.append(
            pd.DataFrame({"station": code, "time": times, "pollutant": "PM2.5", "value": days})
        )
    con = duckdb.connect()
    st = pd.DataFrame(stations, columns=["code", "name", "region_code", "kind"])
    h = pd.concat(frames, ignore_index=True)
    h["time"] = h["time"].astype("datetime64[us]")
    for name, df in (("station", st), ("air_hourly", h)):
        con.register("_frame", df)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM _frame")
        con.unregister("_frame")
    return con
