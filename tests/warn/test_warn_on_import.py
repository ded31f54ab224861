"""Warnings are evaluated on import: a forecast crossing the national orange threshold,
imported through the CLI, starts a heavy-pollution warning at once (and only once)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from ecoplan.cli import app

runner = CliRunner()


def test_forecast_import_starts_a_warning_once(cli_env: str, tmp_path: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    today = dt.date.today()
    rows = ["region_code,issue_date,target_date,aqi"]
    # 包头 150200 (national scheme): four days > 200, none > 300 → orange (二级)
    for k, aqi in enumerate((230, 250, 260, 240), start=1):
        rows.append(f"150200,{today},{today + dt.timedelta(days=k)},{aqi}")
    f = tmp_path / "forecast.csv"
    f.write_text("\n".join(rows) + "\n", "utf-8")
    res = runner.invoke(app, ["import", "forecast", str(f), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["accepted"] == 4
    assert out["warnings"]["counts"]["start"] == 1
    listed = json.loads(runner.invoke(app, ["warn", "list", "--active", "--json"]).stdout)
    items = listed["items"] if isinstance(listed, dict) else listed
    assert [(w["region_code"], w["level"]) for w in items] == [("150200", "orange")]
    again = json.loads(runner.invoke(app, ["import", "forecast", str(f), "--json"]).stdout)
    assert "warnings" not in again  # nothing new committed, nothing re-run
