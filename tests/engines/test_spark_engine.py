"""DuckDB and Spark (local[2]) give the same evaluation to the last digit.

A generated year (three cities, eight stations with one-decimal values, missing hours, a
revision batch, a sand-dust event; six water sections with monthly samples) is imported through
the real importers into the Parquet warehouse; the HJ 663 city evaluation (hourly unit means,
daily means, O3 MDA8, daily AQI, annual statistics with and without dust days) and the GB 3838
section classes are computed on DuckDB and on Spark, and every figure must be equal — exact
float equality, not approximate. One SparkSession serves the whole module.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pyspark.sql import SparkSession

from ecoplan import engines
from ecoplan.assess.airquality import air_units, evaluate_region, hourly_wide
from ecoplan.assess.waterquality import evaluate_water
from ecoplan.config import settings
from ecoplan.engines.frames import wide_frame
from ecoplan.engines.spark_engine import SparkEngine
from ecoplan.ingest import import_air, import_dust, import_sections, import_stations, import_water
from ecoplan.store import warehouse
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions

YEAR = 2025
POLS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
STATIONS = [  # code, county, kind
    ("H1", "150102", "national"), ("H2", "150103", "national"), ("H3", "150104", "national"),
    ("B1", "150202", "national"), ("B2", "150203", "national"),
    ("W1", "150302", "national"), ("W2", "150303", "national"), ("W3", "150304", "provincial"),
]  # fmt: skip
LEVEL = {"SO2": 12, "NO2": 30, "PM10": 70, "PM2.5": 35, "CO": 0.9, "O3": 90}


def _air(rng: np.random.Generator) -> pd.DataFrame:
    times = pd.date_range(f"{YEAR}-01-01 01:00", f"{YEAR + 1}-01-01 00:00", freq="h")
    n = len(times)
    season = 1 + 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
    frames = []
    for code, _county, _kind in STATIONS:
        for p in POLS:
            x = LEVEL[p] * season * rng.lognormal(0, 0.5, n)
            x = np.round(x, 3 if p == "CO" else 1)  # one decimal (CO three), as reported
            keep = rng.random(n) > 0.03  # ~3 % of hours missing
            frames.append(
                pd.DataFrame(
                    {"station": code, "time": times[keep], "pollutant": p, "value": x[keep]}
                )
            )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkSession]:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers run this interpreter
    s = (
        SparkSession.builder.master("local[2]")
        .appName("ecoplan-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .getOrCreate()
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A SQLite store with the generated year imported through the real importers."""
    tmp = tmp_path_factory.mktemp("engines")
    st = Store(settings(home=tmp / "home", database_url=f"sqlite:///{tmp / 'ecoplan.db'}"))
    st.migrate()
    with st.session() as s:
        sync_regions(s)
    rows = "\n".join(f"{c},站{c},{r},111.0,40.0,{k}" for c, r, k in STATIONS)
    (tmp / "st.csv").write_text(f"code,name,region_code,longitude,latitude,kind\n{rows}\n")
    assert import_stations(st, tmp / "st.csv").accepted == len(STATIONS)
    rng = np.random.default_rng(14)
    air = _air(rng)
    air.to_parquet(tmp / "air.parquet", index=False)
    assert import_air(st, tmp / "air.parquet").accepted == len(air)
    # a revision batch: 500 values of H1 and B2 changed (rows superseding the first batch)
    rev = air[air["station"].isin(["H1", "B2"])].sample(500, random_state=1).copy()
    rev["value"] = np.round(rev["value"] * 1.7 + 0.1, 1)
    rev.to_parquet(tmp / "rev.parquet", index=False)
    assert import_air(st, tmp / "rev.parquet").revised == len(rev)
    (tmp / "dust.csv").write_text(
        f"region_code,start,end\n150200,{YEAR}-04-05 06:00,{YEAR}-04-06 03:00\n"
    )
    assert import_dust(st, tmp / "dust.csv").accepted == 1
    (tmp / "sec.csv").write_text(
        "code,name,water_body,waterbody_type,region_code,target_class\n"
        "S1,一号,大黑河,river,150100,III\nS2,二号,大黑河,river,150102,II\n"
        "S3,三号,昆都仑河,river,150200,IV\nS4,四号,南海湖,lake,150200,III\n"
        "S5,五号,黄河,river,150300,III\nS6,六号,乌梁素海,lake,150300,IV\n"
    )
    assert import_sections(st, tmp / "sec.csv").accepted == 6
    lines = ["section,date,item,value,unit"]
    for s in ("S1", "S2", "S3", "S4", "S5", "S6"):
        for m in range(1, 13):
            for day in (5, 20):
                d = dt.date(YEAR, m, day)
                lines.append(f"{s},{d},NH3N,{rng.uniform(0.1, 2.2):.3f},mg/L")
                lines.append(f"{s},{d},COD,{rng.uniform(8, 35):.1f},mg/L")
                lines.append(f"{s},{d},TP,{rng.uniform(0.01, 0.3):.3f},mg/L")
    (tmp / "water.csv").write_text("\n".join(lines) + "\n")
    assert import_water(st, tmp / "water.csv").accepted == len(lines) - 1
    yield st
    st.dispose()


@pytest.fixture(scope="module")
def engine(store: Store, spark: SparkSession) -> SparkEngine:
    return SparkEngine(store, spark=spark)


def _both(store: Store, engine: SparkEngine, fn: Any) -> tuple[Any, Any]:
    con = warehouse.connect(store=store)
    try:
        duck = fn(con)
        with engines.use(engine):
            return duck, fn(con)
    finally:
        con.close()


def test_unit_hourly_means_identical(store: Store, engine: SparkEngine) -> None:
    con = warehouse.connect(store=store)
    su, _, _ = air_units(
        con.execute("SELECT code, region_code, kind FROM station").df(), ["150000"]
    )
    start, end = dt.datetime(YEAR, 1, 1), dt.datetime(YEAR + 1, 1, 1)
    duck = hourly_wide(con, su, start, end)
    sp = wide_frame(engine.to_pandas(engine.unit_hourly(su, start, end)))
    assert set(duck["unit"]) == {"150100", "150200", "150300"}
    assert len(duck) == 3 * 8760
    pd.testing.assert_frame_equal(duck, sp, check_exact=True)
    # the revision is effective: H1's revised values are the ones averaged
    assert con.execute("SELECT count(*) FROM air_hourly_versions").fetchone()[0] > len(duck)


def test_air_evaluation_identical(store: Store, engine: SparkEngine) -> None:
    duck, sp = _both(store, engine, lambda con: evaluate_region(con, "150000", YEAR))
    assert [e.unit for e in duck] == ["150100", "150200", "150300"]
    assert [e.to_dict() for e in sp] == [e.to_dict() for e in duck]
    assert [e.dust_days for e in duck] == [0, 2, 0]
    for a, b in zip(duck, sp, strict=True):
        pd.testing.assert_frame_equal(a.daily, b.daily, check_exact=True)


def test_water_evaluation_identical(store: Store, engine: SparkEngine) -> None:
    duck, sp = _both(store, engine, lambda con: evaluate_water(con, "150000", YEAR))
    assert [r.region_code for r in duck] == ["150000", "150100", "150200", "150300"]
    assert duck[0].n_sections == 6
    assert [r.to_dict() for r in sp] == [r.to_dict() for r in duck]
