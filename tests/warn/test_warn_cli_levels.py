"""``ecoplan warn list`` / ``warn show`` print every kind of warning: water classes (Ⅳ类, 劣Ⅴ类),
data-quality levels and names holding Rich markup characters are shown as text, never parsed
(the MarkupError of issue 12)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.cli.common import console
from ecoplan.cli.warn import LEVEL_STYLE
from ecoplan.ingest import import_sections, import_water
from ecoplan.model.warning_rules import LEVELS
from ecoplan.store.db import Store
from ecoplan.warn import run_warnings

from .conftest import hand_warehouse

runner = CliRunner()
D = dt.date

SECTIONS = """code,name,water_body,waterbody_type,region_code,target_class
S1,[bold]一号断面[/],大黑河,river,150100,III
S3,三号断面 [/x],小黑河,river,150100,IV
"""
JANUARY = """section,date,item,value,unit
S1,2024-01-15,NH3N,1.2,mg/L
S3,2024-01-15,NH3N,2.5,mg/L
"""


def test_every_level_has_a_style() -> None:
    assert {lv for levels in LEVELS.values() for lv in levels} <= set(LEVEL_STYLE)


def test_list_and_show_water_and_data_quality(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "_width", 240)  # wide enough that no cell is folded
    assert runner.invoke(app, ["init"]).exit_code == 0
    store = Store()
    try:
        (tmp_path / "sections.csv").write_text(SECTIONS, "utf-8")
        assert import_sections(store, tmp_path / "sections.csv").accepted == 2
        (tmp_path / "jan.csv").write_text(JANUARY, "utf-8")
        assert import_water(store, tmp_path / "jan.csv").accepted == 2
        run_warnings(store, D(2024, 1, 31), kinds=["water"])
        # a silent station named with markup characters, on a hand-built warehouse
        times = pd.date_range("2024-03-03 01:00", "2024-03-11 00:00", freq="h")
        hourly = pd.DataFrame(
            {"station": "OK", "time": times, "pollutant": "PM2.5",
             "value": 30.0 + np.arange(len(times)) % 7}
        )  # fmt: skip
        silent = hourly[hourly["time"] <= "2024-03-09 20:00"].assign(station="SIL")
        con = hand_warehouse(
            [("OK", "正常站", "150102", "national"), ("SIL", "中断站[red]", "150103", "national")],
            pd.concat([hourly, silent], ignore_index=True),
        )
        run_warnings(store, D(2024, 3, 10), kinds=["data_quality"], con=con)
    finally:
        store.dispose()

    listed = json.loads(runner.invoke(app, ["warn", "list", "--active", "--json"]).stdout)
    levels = {(w["kind"], w["level"]) for w in listed["items"]}
    assert ("water_target", "IV") in levels and ("station_silent", "silent") in levels
    res = runner.invoke(app, ["warn", "list", "--active"])
    assert res.exit_code == 0, res.output
    for shown in ("Ⅳ类", "劣Ⅴ类", "数据中断", "[bold]一号断面[/]", "中断站[red]"):
        assert shown in res.output, shown
    for w in listed["items"]:
        res = runner.invoke(app, ["warn", "show", str(w["id"])])
        assert res.exit_code == 0, res.output
        assert w["level_zh"] in res.output
