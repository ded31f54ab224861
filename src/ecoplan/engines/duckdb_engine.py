"""The DuckDB engine: the warehouse views of :func:`ecoplan.store.warehouse.connect` on this
machine."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import pandas as pd

from ecoplan.engines.sql import unit_hourly_sql, water_means_sql


class DuckDBEngine:
    """Runs the shared SQL on a DuckDB connection whose *air_source* / *water_source* are the
    effective-value relations; :meth:`map_groups` calls the function on each group in turn
    (the same rows in the same order as a Spark group, so the results are identical)."""

    name = "duckdb"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        air_source: str = "air_hourly",
        water_source: str = "water_samples",
    ) -> None:
        self.con = con
        self.air_source = air_source
        self.water_source = water_source

    def unit_hourly(
        self, station_unit: pd.DataFrame, start: dt.datetime, end: dt.datetime
    ) -> pd.DataFrame:
        self.con.register("_ecoplan_station_unit", station_unit[["station", "unit"]])
        try:
            sql = unit_hourly_sql(self.air_source, "_ecoplan_station_unit", start, end)
            return self.con.execute(sql + "\nORDER BY unit, time").df()
        finally:
            self.con.unregister("_ecoplan_station_unit")

    def water_means(self, year: int, *, monthly: bool = False) -> pd.DataFrame:
        sql = water_means_sql(self.water_source, year, monthly=monthly)
        return self.con.execute(sql + "\nORDER BY 1, 2, 3").df()

    def map_groups(
        self,
        frame: Any,
        key: str,
        fn: Callable[[pd.DataFrame], Any],
        progress: Callable[[int, int], Any] | None = None,
    ) -> list[Any]:
        groups = list(frame.groupby(key, sort=True)) if len(frame) else []
        out = []
        for i, (_k, rows) in enumerate(groups):
            out.append(fn(rows.reset_index(drop=True)))
            if progress is not None:
                progress(i + 1, len(groups))
        return out

    def to_pandas(self, frame: Any) -> pd.DataFrame:
        return frame

    def close(self) -> None:
        """The connection belongs to the caller."""
