"""The engine interface: what :mod:`ecoplan.assess` asks of DuckDB and of Spark."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Protocol

import pandas as pd


class EngineUnavailableError(RuntimeError):
    """The chosen engine cannot run here (unknown name, PySpark not installed)."""


class Engine(Protocol):
    """A compute engine over the committed warehouse.

    Frames it returns are engine-side handles (a pandas DataFrame for DuckDB, a Spark
    DataFrame for Spark); :meth:`map_groups` and :meth:`to_pandas` consume them.
    """

    name: str

    def unit_hourly(self, station_unit: pd.DataFrame, start: dt.datetime, end: dt.datetime) -> Any:
        """Hourly wide rows ``unit, time, SO2 … O3`` of every unit, hours ``start < t <= end``
        (:func:`ecoplan.engines.sql.unit_hourly_sql`)."""
        ...

    def water_means(self, year: int, *, monthly: bool = False) -> Any:
        """Long means ``section, period, item, value, n`` of *year*
        (:func:`ecoplan.engines.sql.water_means_sql`)."""
        ...

    def map_groups(
        self,
        frame: Any,
        key: str,
        fn: Callable[[pd.DataFrame], Any],
        progress: Callable[[int, int], Any] | None = None,
    ) -> list[Any]:
        """``fn`` applied to the rows of each *key* group (sorted by the frame's order, index
        reset); the results in key order. *progress* ``(done, total)`` when groups finish."""
        ...

    def to_pandas(self, frame: Any) -> pd.DataFrame: ...

    def close(self) -> None: ...
