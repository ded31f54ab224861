"""The command line on a fresh home: init, status, plan list/show/import/export, region list."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from ecoplan.cli import app

runner = CliRunner()
SMALL = Path(__file__).parent / "data" / "small_plan.yaml"


def run(*args: str) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_region_list_json(cli_env: str) -> None:
    rows = json.loads(run("region", "list", "--format", "json"))
    levels = [r["level"] for r in rows]
    assert (levels.count("province"), levels.count("prefecture"), levels.count("county")) == (
        1,
        12,
        103,
    )
    assert set(rows[0]) == {"code", "name_zh", "name_en", "level", "parent"}
    by_code = {r["code"]: r for r in rows}
    assert by_code["150000"]["parent"] is None
    assert by_code["150100"] == {
        "code": "150100",
        "name_zh": "呼和浩特市",
        "name_en": "Hohhot",
        "level": "prefecture",
        "parent": "150000",
    }
    assert by_code["152921"]["parent"] == "152900"  # 阿拉善左旗 under 阿拉善盟
    assert all(
        by_code[r["parent"]]["level"] == "prefecture" for r in rows if r["level"] == "county"
    )


def test_init_is_idempotent_and_status_counts(cli_env: str) -> None:
    first = json.loads(run("init", "--json"))
    assert first["regions_written"] == 116
    again = json.loads(run("init", "--json"))
    assert again["regions_written"] == 0
    assert all(p["action"] == "unchanged" for p in again["plans"])
    st = json.loads(run("status", "--json"))
    assert st["regions"] == {"province": 1, "prefecture": 12, "county": 103}
    assert {p["id"] for p in st["plans"]} == {p["plan_id"] for p in first["plans"]}


def test_import_show_and_export_json_shape(cli_env: str) -> None:
    run("plan", "import", str(SMALL))
    shown = run("plan", "show", "test-plan")
    assert "T-PM25" in shown and "T-GRASS" in shown and "测试规划" in shown
    data = json.loads(run("plan", "export", "--format", "json", "--plan", "test-plan"))
    (plan,) = data["plans"]
    assert {"id", "title_zh", "source_doc", "indicators", "tasks"} <= set(plan)
    ind = plan["indicators"][0]
    assert {
        "code",
        "name_zh",
        "name_en",
        "category",
        "binding",
        "unit",
        "direction",
        "baselines",
        "targets",
    } <= set(ind)
    assert {"region_code", "year", "value"} <= set(ind["baselines"][0])
    assert {"region_code", "year", "comparator", "value", "quote"} <= set(ind["targets"][0])
    assert ind["targets"][0]["quote"] == "35以下"


def test_import_refuses_bad_file_with_location(cli_env: str, tmp_path: Path) -> None:
    data = yaml.safe_load(SMALL.read_text("utf-8"))
    data["indicators"][0]["direction"] = "sideways"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    run("init")
    before = run("plan", "list", "--json")
    res = runner.invoke(app, ["plan", "import", str(bad)])
    assert res.exit_code == 1
    err = "".join(res.stderr.split())  # Rich wraps long paths across lines
    assert "indicators[0](T-PM25).direction" in err
    assert "bad.yaml" in err
    assert run("plan", "list", "--json") == before


def test_export_xlsx_one_sheet_per_plan(cli_env: str, tmp_path: Path) -> None:
    run("plan", "import", str(SMALL))
    out = tmp_path / "plans.xlsx"
    run("plan", "export", "--format", "xlsx", "--out", str(out))
    wb = load_workbook(out)
    plans = json.loads(run("plan", "list", "--json"))
    assert wb.sheetnames == ["说明"] + [p["id"][:31] for p in plans]
    ws = wb["test-plan"]
    values = [c for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    assert "测试规划" in values and "T-PM25" in values and 35 in values and "35以下" in values
