"""The command line: ``ecoplan import forecast``, ``ecoplan warn run/list/show/rules/send/
forecasts`` against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ecoplan.cli import app

from .conftest import forecast_csv

runner = CliRunner()
D = dt.date


def _json(args: list[str]) -> Any:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_import_run_list_show(cli_env: str, tmp_path: Path) -> None:
    f = forecast_csv(
        tmp_path / "fc.csv",
        {("150200", D(2024, 12, 1)): [250, 310, 320, 260], ("150600", D(2024, 12, 1)): [90]},
    )
    out = _json(["import", "forecast", str(f), "--json"])
    assert (out["accepted"], out["rejected"], out["kind"]) == (5, 0, "forecast")
    run = _json(["warn", "run", "--date", "2024-12-01", "--kind", "air", "--json"])
    assert run["counts"]["start"] == 1 and run["active"] == 1
    assert run["delivery"] == {"sent": 1, "failed": 0, "errors": []}
    again = _json(["warn", "run", "--date", "2024-12-01", "--kind", "air", "--json"])
    assert again["events"] == [] and again["delivery"]["sent"] == 0
    lines = (tmp_path / "home" / "outbox" / "warnings.jsonl").read_text("utf-8").splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["grade_to"] == "red"

    listed = _json(["warn", "list", "--active", "--kind", "air", "--json"])
    assert [(w["subject"], w["level"]) for w in listed["items"]] == [("150200", "red")]
    shown = _json(["warn", "show", str(listed["items"][0]["id"]), "--json"])
    assert [e["event"] for e in shown["events"]] == ["start"]
    text = runner.invoke(app, ["warn", "list"])
    assert text.exit_code == 0 and "包头市" in text.output
    assert runner.invoke(app, ["warn", "show", "99999"]).exit_code == 1
    fc = _json(["warn", "forecasts", "--region", "150200", "--json"])
    assert fc["total"] == 4
    assert _json(["warn", "send", "--json"]) == {"sent": 0, "failed": 0, "errors": []}


def test_rules_show_and_check(cli_env: str, tmp_path: Path) -> None:
    rules = _json(["warn", "rules", "--json"])
    assert rules["source"] == "ecoplan/data/warning_rules.yaml"
    hohhot = next(r for r in rules["rules"] if r["id"] == "air.heavy.hohhot")
    assert hohhot["scope"] == ["150100"] and hohhot["params"]["scheme"] == "hohhot"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "rules:\n  - id: x.y\n    kind: station_silent\n    params: {hour: 3}\n", "utf-8"
    )
    res = runner.invoke(app, ["warn", "rules", "--check", str(bad)])
    assert res.exit_code == 1 and "hour" in res.output
    # an installation's own rules file is used when present
    own = tmp_path / "home" / "warning_rules.yaml"
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_text(
        "rules:\n  - id: dq.only\n    kind: station_silent\n    params: {hours: 6}\n", "utf-8"
    )
    mine = _json(["warn", "rules", "--json"])
    assert mine["source"] == str(own) and [r["id"] for r in mine["rules"]] == ["dq.only"]
    res = runner.invoke(app, ["warn", "run", "--kind", "weather"])
    assert res.exit_code == 1 and "unknown warning kind" in res.output
