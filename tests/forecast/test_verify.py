"""Verification of imported forecasts and of heavy-pollution warnings against a hand-built
warehouse whose daily AQI is known (SQLite and PostgreSQL).

Baotou 150200 (national warning scheme), observed daily AQI 1–10 Jan 2024 (PM2.5 only):
100, 200, 300, 300, 100, 100, 200, 100, 300, 300 → observed events (> 200 for ≥ 2 days)
3–4 Jan and 9–10 Jan.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecoplan.forecast.observed import city_daily_aqi
from ecoplan.forecast.verify import VerifyError, verify
from ecoplan.ingest.forecast import import_forecast
from ecoplan.store.db import Store
from ecoplan.warn import run_warnings

from .conftest import PM25_FOR_AQI, daily_pm25_warehouse

D = dt.date
CITY = "150200"
OBS = [100, 200, 300, 300, 100, 100, 200, 100, 300, 300]
ISSUES = {
    D(2024, 1, 1): [190, 280, 310, 120],  # yellow warning for 3–4 Jan (2 days > 200)
    D(2024, 1, 6): [260, 240, 100],  # yellow for 7–8 Jan: observed 200, 100 → false alarm
    D(2024, 1, 9): [100, 150, 150],  # 10 Jan observed; 11–12 Jan not yet
}


def _setup(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    con = daily_pm25_warehouse({CITY: (D(2024, 1, 1), [PM25_FOR_AQI[a] for a in OBS])})
    lines = ["region_code,issue_date,target_date,aqi"]
    for issue, values in ISSUES.items():
        lines += [
            f"{CITY},{issue},{issue + dt.timedelta(days=i + 1)},{v}" for i, v in enumerate(values)
        ]
    f = tmp_path / "fc.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_forecast(store, f).accepted == 10
    for day in (D(2024, 1, 1), D(2024, 1, 5), D(2024, 1, 6), D(2024, 1, 9)):
        run_warnings(store, day, kinds=["air"], con=con)
    return con


def test_observed_city_daily_aqi() -> None:
    con = daily_pm25_warehouse({CITY: (D(2024, 1, 1), [PM25_FOR_AQI[a] for a in OBS])})
    obs = city_daily_aqi(con, [CITY], D(2024, 1, 1), D(2024, 1, 10))
    assert obs["aqi"].tolist() == OBS
    assert set(obs["region_code"]) == {CITY}


def test_verify_by_hand(fstore: Store, tmp_path: Path) -> None:
    con = _setup(fstore, tmp_path)
    with fstore.session() as s:
        rep = verify(s, con, D(2024, 1, 1), D(2024, 1, 31), cities=[CITY])
    (src,) = rep["sources"]
    assert src["source"] == "official" and src["forecasts"] == 10 and src["pending"] == 2
    o = src["overall"]
    # pairs (F, O): 190/200 280/300 310/300 120/100 | 260/200 240/100 100/300 | 100/300
    assert o["n"] == 8
    assert o["hit_rate"] == pytest.approx(2 / 8)
    assert o["within_one"] == pytest.approx(5 / 8)
    assert o["mae"] == pytest.approx(660 / 8)
    assert o["bias"] == pytest.approx(-200 / 8)
    h = o["heavy"]
    assert (h["hits"], h["misses"], h["false_alarms"], h["correct_negatives"]) == (2, 2, 2, 2)
    lead1 = next(r for r in src["by_lead"] if r["lead"] == 1)
    assert lead1["n"] == 3 and lead1["hit_rate"] == pytest.approx(1 / 3)  # 190/200 only
    assert [r["lead"] for r in src["by_lead"]] == [1, 2, 3, 4]
    assert src["by_city"][0]["region_zh"] == "包头市"

    w = rep["warnings"]
    assert (w["events"], w["hits"], w["misses"]) == (2, 1, 1)
    assert (w["warnings"], w["false_alarms"], w["pending"]) == (2, 1, 0)
    assert w["pod"] == pytest.approx(0.5) and w["far"] == pytest.approx(0.5)
    assert w["csi"] == pytest.approx(1 / 3)
    assert [i["outcome_zh"] for i in w["items"]] == ["命中", "空报"]
    assert w["missed_events"][0]["first_day"] == "2024-01-09"


def test_verify_window_and_errors(fstore: Store, tmp_path: Path) -> None:
    con = _setup(fstore, tmp_path)
    with fstore.session() as s:
        rep = verify(s, con, D(2024, 1, 2), D(2024, 1, 3), cities=[CITY])
        assert rep["sources"][0]["overall"]["n"] == 2  # targets 2 and 3 Jan only
        with pytest.raises(VerifyError, match="不是盟市"):
            verify(s, con, D(2024, 1, 1), D(2024, 1, 3), cities=["150102"])
        with pytest.raises(VerifyError, match="颠倒"):
            verify(s, con, D(2024, 1, 3), D(2024, 1, 1))


def test_cli_forecast_verify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ecoplan.cli import app

    monkeypatch.setenv("ECOPLAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ECOPLAN_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    runner = CliRunner()
    f = tmp_path / "fc.csv"
    f.write_text("region_code,issue_date,target_date,aqi\n150200,2024-01-01,2024-01-02,90\n")
    assert runner.invoke(app, ["init"]).exit_code == 0
    assert runner.invoke(app, ["import", "forecast", str(f)]).exit_code == 0
    res = runner.invoke(
        app,
        ["forecast", "verify", "--city", "150200", "--from", "2024-01-01", "--to", "2024-01-31"],
    )
    assert res.exit_code == 0, res.output
    assert "导入的城市预报" in res.output and "待检验 pending 1" in res.output
    bad = runner.invoke(app, ["forecast", "verify", "--city", "150000"])
    assert bad.exit_code == 1 and "不是盟市" in bad.output
