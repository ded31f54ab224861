"""Choosing the engine: ``--engine`` / ``ECOPLAN_ENGINE``, the install hint without PySpark,
and the shared SQL text (no Spark needed here)."""

from __future__ import annotations

import datetime as dt
import sys

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecoplan import engines
from ecoplan.cli import app
from ecoplan.engines.sql import exact_mean, unit_hourly_sql, water_means_sql

runner = CliRunner()


def test_default_and_unknown_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(engines.ENV, raising=False)
    assert engines.engine_name() == "duckdb"
    monkeypatch.setenv(engines.ENV, "Spark")
    assert engines.engine_name() == "spark"
    with pytest.raises(engines.EngineUnavailableError, match="duckdb, spark"):
        engines.engine_name("trino")


@pytest.mark.parametrize(
    "args",
    [
        ["air", "evaluate", "--region", "150100", "--year", "2024", "--engine", "spark"],
        ["water", "evaluate", "--region", "150100", "--year", "2024"],
    ],
)
def test_spark_without_pyspark_says_how_to_install(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if PySpark were not installed
    monkeypatch.setenv(engines.ENV, "spark")  # the water command takes it from the environment
    res = runner.invoke(app, args)
    assert res.exit_code == 1
    assert "pip install -e '.[spark]'" in " ".join(res.output.split())


def test_exact_mean_does_not_depend_on_row_order() -> None:
    """The float sum of 0.1, 0.2, 0.3 depends on its order; the scaled-integer mean does not."""
    orders = [[0.1, 0.2, 0.3, 1e6], [1e6, 0.3, 0.2, 0.1], [0.3, 1e6, 0.1, 0.2]]
    means = set()
    for vals in orders:
        con = duckdb.connect()
        con.register("t", pd.DataFrame({"v": vals}))
        means.add(con.sql(f"SELECT {exact_mean('v', 10**6)} AS m FROM t").fetchall()[0][0])
        con.close()
    assert means == {(10**12 + 600_000) / (4 * 10**6)}


def test_shared_sql_runs_on_duckdb_as_written() -> None:
    con = duckdb.connect()
    con.register(
        "h",
        pd.DataFrame(
            {
                "station": ["A", "B", "A"],
                "time": pd.to_datetime(["2024-01-01 01:00"] * 2 + ["2024-01-02 01:00"]),
                "pollutant": ["PM2.5", "PM2.5", "CO"],
                "value": [30.0, 51.0, 0.7],
            }
        ),
    )
    con.register("su", pd.DataFrame({"station": ["A", "B"], "unit": ["c", "c"]}))
    sql = unit_hourly_sql("h", "su", dt.datetime(2024, 1, 1), dt.datetime(2024, 1, 2))
    rows = con.execute(sql).df()  # the 01-02 01:00 hour lies after the end: left out
    assert len(rows) == 1 and rows["p_PM2_5"][0] == 40.5 and pd.isna(rows["p_CO"][0])
    w = pd.DataFrame(
        {"section": ["S"] * 3, "date": pd.to_datetime(["2024-07-01", "2024-07-20", "2023-07-01"])}
    ).assign(item="COD", value=[18.0, 21.0, 99.0])
    con.register("w", w)
    got = con.execute(water_means_sql("w", 2024, monthly=True)).df()
    assert got[["period", "value", "n"]].values.tolist() == [["2024-07", 19.5, 2]]
