"""The command line: ``ecoplan import …``, ``quarantine …``, ``template indicators``,
``warehouse …`` against a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.store.db import Store

from .conftest import DATA

runner = CliRunner()


def _json(args: list[str]) -> dict:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_import_list_export_reimport(seeded: Store, cli_env: str, tmp_path: Path) -> None:
    out = _json(["import", "air", str(DATA / "air_national.csv"), "--json"])
    assert {k: out[k] for k in ("accepted", "rejected", "duplicates", "revised")} == {
        "accepted": 15,
        "rejected": 16,
        "duplicates": 2,
        "revised": 0,
    }
    assert out["skipped_derived"] == 6 and out["batch_id"] == out["files"][0]["batch_id"]
    assert _json(["import", "air", str(DATA / "air_national.csv"), "--json"])["files"][0][
        "unchanged"
    ]

    q = _json(["quarantine", "list", "--batch", out["batch_id"], "--json"])
    assert len(q) == 16
    abc = next(r for r in q if r["raw_value"] == "abc")
    assert (abc["file_name"], abc["line"], abc["column_name"], abc["reason_code"]) == (
        "air_national.csv",
        5,
        "1002A",
        "non_numeric",
    )
    text = runner.invoke(app, ["quarantine", "list"])
    assert text.exit_code == 0 and "1002A" in text.stdout and "abc" in text.stdout

    fix = tmp_path / "fix.xlsx"
    res = runner.invoke(app, ["quarantine", "export", "--out", str(fix)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(fix)
    ws = wb.active
    assert ws is not None
    header = [c.value for c in ws[1]]
    value_col = header.index("value") + 1
    for row in ws.iter_rows(min_row=2):
        if row[value_col - 1].value == "abc":
            row[value_col - 1].value = 64
    wb.save(fix)
    again = _json(["import", "air", str(fix), "--json"])
    assert again["accepted"] == 1 and again["resolved"] >= 1

    batches = _json(["warehouse", "batches", "--kind", "air", "--json"])
    assert [b["seq"] for b in batches] == sorted(b["seq"] for b in batches)
    assert len(batches) == 2
    assert _json(["warehouse", "gc", "--json"]) == {"removed": []}


def test_file_errors_template_and_help(seeded: Store, cli_env: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("foo,bar\n1,2\n", "utf-8")
    res = runner.invoke(app, ["import", "water", str(bad), str(DATA / "water_long.csv"), "--json"])
    assert res.exit_code == 1
    out = json.loads(res.stdout)
    assert out["accepted"] == 3
    assert out["errors"][0]["file"].endswith("bad.csv")
    assert "missing column(s) section, date" in out["errors"][0]["error"]

    t = tmp_path / "tpl.xlsx"
    res = runner.invoke(app, ["template", "indicators", "--out", str(t)])
    assert res.exit_code == 0, res.output
    assert openpyxl.load_workbook(t).sheetnames == ["填报 data", "指标 indicators", "地区 regions"]
    help_air = runner.invoke(app, ["import", "air", "--help"])
    words = " ".join(help_air.stdout.split())
    assert "date,hour,type" in words and "hour ending" in words
    assert "skipped_derived" in words and "station,time,pollutant,value" in words
