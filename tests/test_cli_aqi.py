"""``ecoplan aqi`` (src/ecoplan/cli/aqi.py) through typer's CliRunner against ecoplan.cli.app."""

from __future__ import annotations

import json
from typing import Any

import typer.main
from typer.testing import CliRunner

from ecoplan.cli import app

runner = CliRunner()


def invoke(*args: str) -> Any:
    """Run ``ecoplan aqi ARGS``.

    While ``aqi`` is the only registered command Typer runs it as the whole app (no group);
    once other commands exist it is a sub-command.  Either way the user types ``ecoplan aqi``.
    """
    command = typer.main.get_command(app)
    argv = ["aqi", *args] if hasattr(command, "list_commands") else list(args)
    return runner.invoke(app, argv)


def test_aqi_command_is_registered() -> None:
    assert "aqi" in [c.name for c in app.registered_commands]


def test_help_explains_units_and_edition() -> None:
    result = invoke("--help")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "mg/m³" in out and "µg/m³" in out
    assert "2026-03-01" in out and "HJ 633-2012" in out and "HJ 633-2026" in out
    for option in ("--pm25", "--o3-8h", "--o3-1h", "--date", "--version", "--hourly", "--json"):
        assert option in out


BASE = ("--so2", "10", "--no2", "30", "--co", "1.2", "--o3-8h", "90")


def test_json_2026() -> None:
    result = invoke("--pm25", "115", "--pm10", "200", *BASE, "--version", "2026", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    # PM2.5 115 → 150 (breakpoint); PM10 200: 50/130·80+100 = 130.77 → 131
    assert data["aqi"] == 150 and data["level"] == 3 and data["category_zh"] == "轻度污染"
    assert data["color"] == "#FF7E00" and data["primary"] == ["PM2.5"]
    assert data["iaqi"]["PM10"] == 131 and data["version"] == "2026" and data["published"]
    assert {"aqi", "level", "category_zh", "color", "primary", "iaqi", "version", "published"} <= (
        set(data)
    )


def test_date_selects_the_edition() -> None:
    args = ("--pm25", "80", "--pm10", "100", *BASE, "--json")
    before = json.loads(invoke(*args, "--date", "2026-02-28").output)
    after = json.loads(invoke(*args, "--date", "2026-03-01").output)
    assert before["version"] == "2012" and after["version"] == "2026"
    # 2012 PM2.5 80: 50/40·5+100 = 106.25 → 107; 2026: 50/55·20+100 = 118.18 → 119
    assert before["iaqi"]["PM2.5"] == 107 and after["iaqi"]["PM2.5"] == 119
    assert before["aqi"] == 107 and after["aqi"] == 119


def test_rich_output_in_chinese() -> None:
    result = invoke("--pm25", "115", "--pm10", "200", *BASE, "--version", "2026")
    assert result.exit_code == 0, result.output
    out = result.output
    expected = (
        "细颗粒物 PM2.5", "可吸入颗粒物 PM10", "二氧化硫 SO2", "二氧化氮 NO2", "一氧化碳 CO",
        "臭氧 O3", "轻度污染", "首要污染物：细颗粒物 PM2.5", "HJ 633-2026", "#FF7E00",
    )  # fmt: skip
    for text in expected:
        assert text in out, text


def test_2012_o3_1h_and_exceeding() -> None:
    result = invoke(
        "--pm25", "80", "--pm10", "200", *BASE[:-2], "--o3-8h", "900", "--o3-1h", "300",
        "--version", "2012",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    # O3 8h > 800: no 8h IAQI, O3 from 1h 300 → 150 (note 3); PM10 200 → 125; PM2.5 → 107
    assert "首要污染物：臭氧 O3" in result.output
    assert "超标污染物" in result.output and "note 3" in result.output


def test_not_published_shows_na() -> None:
    result = invoke("--pm25", "55", "--pm10", "20", "--version", "2026", "--json")
    data = json.loads(result.output)
    # PM2.5 55: 50/25·20+50 = 90 ≤ 100 with SO2/NO2/CO/O3 missing → §5.3.1: AQI is NA
    assert data["aqi"] is None and data["aqi_computed"] == 90 and data["published"] is False
    assert data["iaqi"] == {"PM10": 20, "PM2.5": 90}
    text = invoke("--pm25", "55", "--pm10", "20", "--version", "2026").output
    assert "NA" in text and "§5.3.1" in text


def test_hourly() -> None:
    result = invoke(
        "--hourly", "--so2", "20", "--no2", "150", "--co", "2", "--o3-1h", "180",
        "--pm10", "130", "--pm25", "115", "--version", "2026", "--json",
    )  # fmt: skip
    data = json.loads(result.output)
    # PM10 1h 130 on the daily column: 50/130·10+100 = 103.85 → 104
    assert data["iaqi"]["PM10"] == 104 and data["iaqi"]["O3"] == 75 and data["aqi"] == 150
    assert data["report"] == "hourly"


def test_hourly_2012_readings() -> None:
    args = (
        "--hourly", "--so2", "20", "--no2", "150", "--co", "2", "--o3-1h", "180",
        "--pm10", "400", "--pm25", "300", "--pm10-24h", "130", "--pm25-24h", "70",
        "--o3-8h", "120", "--version", "2012",
    )  # fmt: skip
    published = json.loads(invoke(*args, "--json").output)
    # default = CNEMC practice: PM2.5 1h 300 on the 24h column → 350
    assert published["reading"] == "published" and published["aqi"] == 350
    assert published["iaqi"]["PM2.5"] == 350
    table4 = json.loads(invoke(*args, "--reading", "table4", "--json").output)
    # Table 4 literally: PM2.5 24h sliding 70 → 94 is the largest IAQI
    assert table4["reading"] == "table4" and table4["aqi"] == 94
    text = invoke(*args, "--reading", "table4").output
    assert "表4" in text
    assert "监测总站" in invoke(*args).output
    assert invoke(*args, "--reading", "x").exit_code == 2


def test_daily_basis() -> None:
    args = ("--pm25", "75.4", "--version", "2012", "--json")
    assert json.loads(invoke(*args).output)["aqi"] == 101
    assert json.loads(invoke(*args, "--basis", "rounded").output)["aqi"] == 100
    assert invoke(*args, "--basis", "x").exit_code == 2


def test_errors() -> None:
    both = invoke("--pm25", "10", "--date", "2026-03-01", "--version", "2026")
    assert both.exit_code == 2 and "--version" in both.output
    assert invoke("--pm25", "-5", "--version", "2026").exit_code == 2
    assert invoke("--version", "2026").exit_code == 2  # nothing given
    assert invoke("--pm25", "10", "--version", "2019").exit_code == 2
    assert invoke("--pm25", "10", "--date", "03/01/2026").exit_code == 2
    assert invoke("--pm25", "10", "--pm25-24h", "10").exit_code == 2  # hourly-only option
