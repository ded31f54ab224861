"""The whole demo: files, ``ecoplan demo`` and the import through the ingest layer (SQLite).

The end-to-end check reads Hohhot's 2020 hours back from the warehouse and evaluates them with
the standards engine: the figures the system will show must be the plan's (seed 002: PM2.5
41 µg/m³, 294 good days, 80.3 %).
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.config import settings
from ecoplan.demo.air import POLLUTANTS
from ecoplan.demo.run import DemoFiles, generate_demo, load_demo
from ecoplan.demo.stations import DemoDataError
from ecoplan.standards.airqual import annual_statistics
from ecoplan.standards.aqi import daily_aqi_array
from ecoplan.standards.validity import city_hourly, daily_table
from ecoplan.store import warehouse
from ecoplan.store.db import Store

SEED = 150000
runner = CliRunner()
sqlite_only = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _small(out: Path) -> DemoFiles:
    return generate_demo(out, SEED, "2020-03-01", "2020-04-30", cities=["150300"])


def test_files_are_labelled_synthetic_and_byte_identical(tmp_path: Path) -> None:
    a, b = _small(tmp_path / "a"), _small(tmp_path / "b")
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert all(n.startswith("demo-synthetic-") for n in names)
    assert len(names) == 7
    for p in (tmp_path / "a").iterdir():
        assert p.read_bytes() == (tmp_path / "b" / p.name).read_bytes(), p.name
    with a.stations.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0])[:6] == ["code", "name", "region_code", "longitude", "latitude", "kind"]
    assert all(r["synthetic"] == "true" and r["name"].startswith("演示") for r in rows)
    manifest = json.loads(a.manifest.read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and "合成" in manifest["note_zh"]
    # the last ten days (04-21 … 04-30): 乌海 station 2 is silent in them
    assert [(x.station, x.kind) for x in a.anomalies] == [("D150302", "silent")]
    assert b.calibration_for("150300", 2020) is not None


def test_bad_ranges_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DemoDataError, match="empty"):
        generate_demo(tmp_path, SEED, "2021-01-01", "2020-01-01")
    with pytest.raises(DemoDataError, match="2015"):
        generate_demo(tmp_path, SEED, "2014", "2015")
    with pytest.raises(DemoDataError, match="ISO date"):
        generate_demo(tmp_path, SEED, "March 2020", "2020")


@sqlite_only
def test_cli_demo_imports_once(cli_env: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    args = ["demo", "--from", "2020-03-01", "--to", "2020-03-10", "--out", str(out), "--json"]
    first = runner.invoke(app, args, catch_exceptions=False)
    assert first.exit_code == 0, first.output
    s1 = json.loads(first.stdout)
    assert s1["synthetic"] is True and s1["stations"] == 52
    kinds = [i["kind"] for i in s1["imports"]]
    assert kinds == ["stations", "sections", "air", "water", "dust", "indicators"]
    assert all(i["rejected"] == 0 for i in s1["imports"])
    by_kind = {i["kind"]: i for i in s1["imports"]}
    assert by_kind["stations"]["accepted"] == 52 and by_kind["sections"]["accepted"] == 27
    n_air = by_kind["air"]["accepted"]
    # 10 days × 24 h × 6 pollutants × 52 stations, less the ~2 % missing cells
    assert 0.95 * 10 * 24 * 6 * 52 < n_air + by_kind["air"]["missing"] <= 10 * 24 * 6 * 52
    # the demo ends with the warnings evaluated as of its last day: the injected faults show
    warned = s1["warnings"]
    assert warned["as_of"] == "2020-03-10"
    started = {(e["kind"], e["subject"]) for e in warned["events"] if e["event"] == "start"}
    assert {("station_silent", "D150302"), ("station_flatline", "D150203"),
            ("station_flatline", "D150602")} <= started  # fmt: skip
    second = runner.invoke(app, args, catch_exceptions=False)
    assert second.exit_code == 0, second.output
    s2 = json.loads(second.stdout)
    assert all(i["unchanged"] and i["accepted"] == 0 for i in s2["imports"])
    assert s2["warnings"]["events"] == []  # evaluated again: nothing new
    store = Store(settings())
    try:
        con = warehouse.connect(store=store)
        assert con.execute("select count(*) from air_hourly").fetchone() == (n_air,)
        st = con.execute("select count(*), min(synthetic::int) from station").fetchone()
        assert st == (52, 1)
        not_demo = "select count(*) from station where name not like '演示%'"
        assert con.execute(not_demo).fetchone() == (0,)
        con.close()
    finally:
        store.dispose()


@sqlite_only
def test_hohhot_2020_through_the_warehouse(store: Store, tmp_path: Path) -> None:
    files = generate_demo(tmp_path / "demo", SEED, 2020, 2020, cities=["150100"])
    loaded = load_demo(store, files, show_progress=False)
    kinds = ["stations", "sections", "air", "water", "dust", "indicators"]
    assert [x.kind for x in loaded] == kinds
    con = warehouse.connect(store=store)
    long = con.execute(
        "select a.station, a.time, a.pollutant, a.value from air_hourly a "
        "join station s on s.code = a.station "
        "where s.region_code = '150100' and s.kind = 'national'"
    ).df()
    con.close()
    wide = long.pivot_table(
        index=["station", "time"], columns="pollutant", values="value", aggfunc="first"
    ).reset_index()
    wide.columns.name = None
    wide["city"] = "150100"
    ch = city_hourly(wide)
    daily = daily_table(ch[["city", "time", *POLLUTANTS]], id_col="city")
    cols = {c: daily[c].to_numpy(dtype=float) for c in ("SO2", "NO2", "PM10", "PM2.5", "CO")}
    cols["O3_8h"] = daily["O3_8h"].to_numpy(dtype=float)
    cols["O3_1h"] = daily["O3_1h"].to_numpy(dtype=float)
    daily["aqi"] = daily_aqi_array(cols, "2012").aqi
    stats = annual_statistics(daily.drop(columns=["city"]), "2012", year=2020)
    pm25 = stats.pollutants["PM2.5"].statistic("mean").value
    assert isinstance(daily["date"].iloc[0], pd.Timestamp)
    assert stats.days.valid_days == 366
    assert abs(pm25 - 41.0) <= 0.03 * 41.0
    assert abs(stats.days.good_days - 294) <= 0.03 * 294
    assert abs(stats.days.good_ratio - 80.3) <= 0.03 * 80.3


def test_cli_refuses_a_range_before_2015(tmp_path: Path) -> None:
    res = runner.invoke(app, ["demo", "--from", "2014", "--no-import", "--out", str(tmp_path)])
    assert res.exit_code == 1
    assert "2015" in res.output
    assert not any(tmp_path.iterdir())
