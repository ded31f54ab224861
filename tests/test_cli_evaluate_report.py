"""``ecoplan air evaluate``, ``water evaluate`` and ``report`` on a small demo store (SQLite).

One league/city (Hohhot) for 2020–2021 keeps it fast; the demo is calibrated so that Hohhot
2020 reproduces its plan's published figures (002: PM2.5 41 µg/m³, 294 good days, 80.3 %).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.config import settings
from ecoplan.demo.run import generate_demo, load_demo
from ecoplan.store.db import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("ECOPLAN_HOME", str(home))
    mp.delenv("ECOPLAN_DATABASE_URL", raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    store = Store(settings())
    files = generate_demo(home / "demo", 150000, 2020, 2021, cities=["150100"])
    load_demo(store, files, show_progress=False)
    store.dispose()
    yield home
    mp.undo()


def run(*args: str) -> str:
    res = runner.invoke(app, list(args), catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return res.stdout


def test_air_evaluate_hohhot_2020_matches_its_plan(demo_home: Path) -> None:
    (ev,) = json.loads(run("air", "evaluate", "--region", "150100", "--year", "2020", "--json"))
    raw = ev["raw"]
    assert raw["edition"] == "GB 3095-2012"
    pm25 = raw["pollutants"]["PM2.5"]["statistics"][0]["rounded"]
    assert abs(pm25 - 41) <= 0.1 * 41
    assert abs(raw["days"]["good_days"] - 294) <= 0.1 * 294
    assert abs(raw["days"]["good_ratio_rounded"] - 80.3) <= 0.1 * 80.3
    # sand-dust days are recorded in the demo, so the deducted figures differ
    assert ev["dust_days"] > 0
    assert ev["dust_deducted"]["days"]["valid_days"] < raw["days"]["valid_days"]
    table = run("air", "evaluate", "--region", "150000", "--year", "2020")
    assert "2020年环境空气质量评价" in table and "dust days recorded" in table


def test_air_evaluate_unknown_region_is_refused(demo_home: Path) -> None:
    res = runner.invoke(app, ["air", "evaluate", "--region", "159999", "--year", "2020"])
    assert res.exit_code == 1 and "159999" in res.stderr


def test_water_evaluate(demo_home: Path) -> None:
    rows = json.loads(run("water", "evaluate", "--region", "150000", "--year", "2021", "--json"))
    region = rows[0]
    assert region["region_code"] == "150000" and region["n_sections"] > 0
    total = sum(v for k, v in region["shares"].items() if k in ("I", "II", "III", "IV", "V", "劣V"))
    assert total == pytest.approx(100.0, abs=0.2)
    assert {s["water_class"] for s in region["sections"]} <= {"I", "II", "III", "IV", "V", "劣V"}


def test_report_docx_names_every_indicator(demo_home: Path, tmp_path: Path) -> None:
    out = tmp_path / "hh.docx"
    run(
        "report",
        "--plan",
        "hohhot-14fyp-eco",
        "--year",
        "2021",
        "--format",
        "docx",
        "--out",
        str(out),
        "--date",
        "2026-11-23",
    )
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    cells = "\n".join(
        c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells
    )
    assert "呼和浩特市" in text and "演示数据" in text
    assessed = json.loads(run("assess", "--plan", "hohhot-14fyp-eco", "--year", "2021", "--json"))
    names = {r["name_zh"] for r in assessed}
    assert names and all(n in cells for n in names)


def test_report_into_the_reports_home_is_listed_on_the_reports_page(demo_home: Path) -> None:
    """`ecoplan report --out $ECOPLAN_HOME/reports/` (what `make run` does) writes the file the
    报告 page lists and serves; without --out it goes there too."""
    from ecoplan.api.routes_assessment import assessable_plans
    from ecoplan.api.routes_reports import cached_reports, ensure_report

    folder = demo_home / "reports"
    run("report", "--plan", "hohhot-14fyp-eco", "--year", "2021", "--format", "xlsx",
        "--out", f"{folder}/")  # fmt: skip
    run("report", "--plan", "hohhot-14fyp-eco", "--year", "2021", "--format", "html")
    store = Store(settings())
    try:
        listed = {(r["plan_id"], r["year"], r["format"]) for r in cached_reports(store, None)}
        assert {("hohhot-14fyp-eco", 2021, "xlsx"), ("hohhot-14fyp-eco", 2021, "html")} <= listed
        plan = next(p for p in assessable_plans(store, None) if p["id"] == "hohhot-14fyp-eco")
        before = {f.name: f.stat().st_mtime_ns for f in folder.iterdir()}
        path, _ = ensure_report(store, plan, 2021, "xlsx")  # served, not written again
        assert path.name in before and path.stat().st_mtime_ns == before[path.name]
    finally:
        store.dispose()
    # writing it again replaces the file: one per plan, year and format
    run("report", "--plan", "hohhot-14fyp-eco", "--year", "2021", "--format", "xlsx")
    assert len(list(folder.glob("hohhot-14fyp-eco-2021-*.xlsx"))) == 1
