"""The Spark engine: the same SQL (:mod:`ecoplan.engines.sql`) on Spark SQL over the Parquet
warehouse, and the per-unit standards step as ``applyInPandas`` (``docs/scale.md``).

Where Spark runs is set by the environment:

- ``ECOPLAN_SPARK_REMOTE=sc://host:15002`` — a Spark Connect server (Spark ≥ 3.4);
- ``ECOPLAN_SPARK_MASTER=spark://…|yarn|k8s://…|local[N]`` — a master for a classic session;
  under ``spark-submit`` the submitted master is kept; otherwise ``local[*]``;
- ``ECOPLAN_WAREHOUSE_URI`` — where the executors read the warehouse (``s3a://bucket/path``,
  ``hdfs://…``); by default the local warehouse folder as a ``file:`` URI;
- ``ECOPLAN_SPARK_PARTITIONS`` — ``spark.sql.shuffle.partitions`` (default 8 in local mode).

Only committed batches are read: the batch ids come from the application database and the
files are filtered on ``batch_id`` (a broadcast semi-join), partitions pruned on ``year``.
"""

from __future__ import annotations

import copyreg
import datetime as dt
import os
import pickle
import sys
from collections.abc import Callable, Iterable
from types import MappingProxyType
from typing import Any

import pandas as pd

from ecoplan.engines.sql import unit_hourly_sql, water_means_sql
from ecoplan.store import warehouse
from ecoplan.store.db import Store

LOCAL_PARTITIONS = 8


def build_session(app_name: str = "ecoplan") -> Any:
    """A SparkSession as the environment says (module docstring)."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers: this interpreter
    remote = os.environ.get("ECOPLAN_SPARK_REMOTE")
    builder = SparkSession.builder.appName(app_name)
    if remote:
        spark = builder.remote(remote).getOrCreate()
    else:
        master = os.environ.get("ECOPLAN_SPARK_MASTER")
        submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # launched by spark-submit
        if master or not submitted:
            builder = builder.master(master or "local[*]")
        local = (master or ("" if submitted else "local")).startswith("local")
        if local:
            builder = builder.config("spark.ui.enabled", "false")
            builder = builder.config("spark.sql.shuffle.partitions", str(LOCAL_PARTITIONS))
        spark = builder.getOrCreate()
    configure(spark)
    return spark


def configure(spark: Any) -> None:
    """Session settings the engine relies on: naive local times read and written unshifted
    (UTC session zone), Arrow transfers, the partition count from the environment."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
    parts = os.environ.get("ECOPLAN_SPARK_PARTITIONS")
    if parts:
        spark.conf.set("spark.sql.shuffle.partitions", parts)


class SparkEngine:
    """Spark over the committed warehouse of *store* (see the module docstring)."""

    name = "spark"

    def __init__(self, store: Store, *, spark: Any = None, warehouse_uri: str | None = None):
        self.store = store
        self._own = spark is None
        self.spark = spark if spark is not None else build_session()
        if spark is not None:
            configure(spark)
        uri = warehouse_uri or os.environ.get("ECOPLAN_WAREHOUSE_URI")
        self.uri = (uri or store.settings.warehouse.as_uri()).rstrip("/")
        self.batches = warehouse.committed_batches(store)

    # -- reading the warehouse -----------------------------------------------------------------

    def _empty(self, dataset: str) -> Any:
        from pyspark.sql.types import StructType

        schema = warehouse.SCHEMAS[dataset]
        fields = ", ".join(f"{f.name} {_SPARK_TYPES[str(f.type)]}" for f in schema)
        return self.spark.createDataFrame([], StructType.fromDDL(fields))

    def effective(self, dataset: str, years: Iterable[int]) -> Any:
        """The effective rows of *dataset* in the ``year=`` partitions *years*: committed
        batches only, rows superseded by a committed revision left out (as
        :func:`ecoplan.store.warehouse.connect`)."""
        from pyspark.sql import functions as F
        from pyspark.sql.utils import AnalysisException

        mine = self.batches[self.batches["kind"] == warehouse.KIND[dataset]]
        if mine.empty:
            return self._empty(dataset)
        root = f"{self.uri}/{dataset}"
        try:
            raw = self.spark.read.option("basePath", root).parquet(root)
        except AnalysisException:  # no file of this dataset yet
            return self._empty(dataset)
        raw = raw.where(F.col("year").isin([int(y) for y in years])).drop("year")
        ids = self.spark.createDataFrame(pd.DataFrame({"batch_id": mine["id"].astype(str)}))
        rows = raw.join(F.broadcast(ids), "batch_id", "left_semi")
        if int(mine["revised"].fillna(0).sum()) == 0:
            return rows
        a, b, c = warehouse.KEYS[dataset]
        revisions = rows.where(F.col("supersedes").isNotNull()).select(
            a, b, c, F.col("supersedes").alias("batch_id")
        )
        return rows.join(revisions, [a, b, c, "batch_id"], "left_anti")

    # -- the engine interface ------------------------------------------------------------------

    def unit_hourly(self, station_unit: pd.DataFrame, start: dt.datetime, end: dt.datetime) -> Any:
        from pyspark.sql import functions as F

        self.effective(warehouse.AIR, range(start.year, end.year + 1)).createOrReplaceTempView(
            "ecoplan_air_hourly"
        )
        su = self.spark.createDataFrame(station_unit[["station", "unit"]].astype(str))
        F.broadcast(su).createOrReplaceTempView("ecoplan_station_unit")
        return self.spark.sql(
            unit_hourly_sql("ecoplan_air_hourly", "ecoplan_station_unit", start, end)
        )

    def water_means(self, year: int, *, monthly: bool = False) -> Any:
        self.effective(warehouse.WATER, [year]).createOrReplaceTempView("ecoplan_water_samples")
        return self.spark.sql(water_means_sql("ecoplan_water_samples", year, monthly=monthly))

    def map_groups(
        self,
        frame: Any,
        key: str,
        fn: Callable[[pd.DataFrame], Any],
        progress: Callable[[int, int], Any] | None = None,
    ) -> list[Any]:
        """``fn`` on each *key* group on the executors (``applyInPandas``); each result comes
        back pickled, one row per group, and is returned in key order."""

        def apply(rows: pd.DataFrame) -> pd.DataFrame:
            copyreg.pickle(MappingProxyType, _reduce_mapping_proxy)
            rows = rows.reset_index(drop=True)
            return pd.DataFrame(
                {"key": [str(rows[key].iloc[0])], "payload": [pickle.dumps(fn(rows))]}
            )

        out = frame.groupBy(key).applyInPandas(apply, "key string, payload binary").collect()
        if progress is not None:
            progress(len(out), len(out))
        return [pickle.loads(r["payload"]) for r in sorted(out, key=lambda r: r["key"])]

    def to_pandas(self, frame: Any) -> pd.DataFrame:
        return frame.toPandas()

    def close(self) -> None:
        if self._own:
            self.spark.stop()


def _reduce_mapping_proxy(m: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    """Pickle a read-only mapping (the standards' result objects hold some) as its copy."""
    return (_mapping_proxy, (dict(m),))


def _mapping_proxy(d: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(d)


_SPARK_TYPES = {
    "string": "string",
    "timestamp[us]": "timestamp_ntz",
    "date32[day]": "date",
    "double": "double",
    "int32": "int",
}
