"""Validation rules of reported indicator values as data (ecoplan.ingest.indicator_rules,
issue 11 item 5): each rule kind, hard vs soft with the required explanation, through the real
importer on SQLite and PostgreSQL; z-score outliers by hand."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from ecoplan.ingest.importers import import_indicators
from ecoplan.ingest.indicator_rules import RuleFileError, load_rules, outliers
from ecoplan.store import schema as s
from ecoplan.store.db import Store
from ecoplan.store.plans import load_embedded_plans, sync_regions

HEAD = "indicator_code,region_code,year,value,unit,plan_id,note\n"


def _values(store: Store) -> dict[tuple[str, str, int], float]:
    with store.session() as ses:
        rows = ses.execute(
            select(
                s.IndicatorValue.indicator_code,
                s.IndicatorValue.region_code,
                s.IndicatorValue.year,
                s.IndicatorValue.value,
            )
        ).all()
    return {(c, r, y): v for c, r, y, v in rows}


def test_rules_through_the_importer(store: Store, tmp_path: Path) -> None:
    with store.session() as ses:
        sync_regions(ses)
        load_embedded_plans(ses)
    f = tmp_path / "v.csv"
    f.write_text(
        HEAD
        # the two: forest cover 250 % and manure use −40 % → refused (hard range)
        + "HH-FOREST-COVER,150100,2022,250,%,hohhot-14fyp-eco,\n"
        + "HH-MANURE-USE,150100,2022,-40,%,hohhot-14fyp-eco,\n"
        # a negative total (万亩, additive) → refused
        + "HH-FOREST-LAND-AREA,150100,2022,-5,万亩,hohhot-14fyp-eco,\n"
        # year-on-year: 2021 40 → 2022 70 (+75 %) with no note → refused asking for one;
        # 2021 → 2022 for the park area +100 % with a note → accepted
        + "HH-RECLAIMED-WATER,150100,2021,40,%,hohhot-14fyp-eco,\n"
        + "HH-RECLAIMED-WATER,150100,2022,70,%,hohhot-14fyp-eco,\n"
        + "HH-PARK-GREEN-AREA,150100,2021,100,公顷,hohhot-14fyp-eco,\n"
        + "HH-PARK-GREEN-AREA,150100,2022,200,公顷,hohhot-14fyp-eco,新建两处公园\n"
        # part ≤ whole: 12 closed of 10 items → refused; 8 of 10 fine
        + "HH-INSPECT-2019-REGIONAL-ITEMS,150100,2022,10,项,hohhot-14fyp-eco,\n"
        + "HH-INSPECT-2019-REGIONAL-ITEMS-CLOSED,150100,2022,12,项,hohhot-14fyp-eco,\n"
        + "HH-INSPECT-2019-REGIONAL-ITEMS-OPEN,150100,2022,8,项,hohhot-14fyp-eco,\n"
        # fine
        + "HH-FOREST-COVER,150100,2021,23.5,%,hohhot-14fyp-eco,\n",
        encoding="utf-8",
    )
    res = import_indicators(store, f)
    vals = _values(store)
    assert ("HH-FOREST-COVER", "150100", 2022) not in vals
    assert ("HH-MANURE-USE", "150100", 2022) not in vals
    assert ("HH-FOREST-LAND-AREA", "150100", 2022) not in vals
    assert ("HH-RECLAIMED-WATER", "150100", 2022) not in vals
    assert vals[("HH-PARK-GREEN-AREA", "150100", 2022)] == 200.0
    assert ("HH-INSPECT-2019-REGIONAL-ITEMS-CLOSED", "150100", 2022) not in vals
    assert vals[("HH-INSPECT-2019-REGIONAL-ITEMS-OPEN", "150100", 2022)] == 8.0
    assert vals[("HH-FOREST-COVER", "150100", 2021)] == 23.5
    with store.session() as ses:
        reasons = [q.reason for q in ses.scalars(select(s.Quarantine).order_by(s.Quarantine.id))]
    text = "\n".join(reasons)
    assert len(reasons) == 5, text
    assert "违反校验规则 validation rule: range.share：百分比须在0–100之间（250）" in text
    assert "range.share：百分比须在0–100之间（-40）" in text
    assert "range.total.nonnegative：总量和计数不得为负（-5）" in text
    assert "需填写说明 explanation required: yoy.default：与上年相比变化超过50%" in text
    assert "（上年40→70，+75%）" in text and "软规则" in text
    assert (
        "part.hh-inspect：部分不得大于总数" in text
        and "> HH-INSPECT-2019-REGIONAL-ITEMS 10" in text
    )
    assert res is not None

    # a later file: the year-on-year rule reads the value held in the database
    g = tmp_path / "w.csv"
    g.write_text(HEAD + "HH-PARK-GREEN-AREA,150100,2023,50,公顷,hohhot-14fyp-eco,\n",
                 encoding="utf-8")  # fmt: skip
    import_indicators(store, g)
    assert ("HH-PARK-GREEN-AREA", "150100", 2023) not in _values(store)  # 200 → 50: −75 %


def test_rule_file_errors(tmp_path: Path) -> None:
    assert {r.id for r in load_rules()} >= {"range.share", "yoy.default", "part.hh-inspect"}
    bad = tmp_path / "r.yaml"
    for body, match in (
        ("rules: [{id: a, kind: range, severity: hard, message_zh: m}]", "needs min or max"),
        ("rules: [{id: a, kind: nope, severity: hard, message_zh: m}]", "kind must be"),
        ("rules: [{id: a, kind: range, severity: maybe, message_zh: m, min: 0}]", "severity"),
        ("rules: [{id: a, kind: range, severity: hard, message_zh: m, min: 0, typo: 1}]",
         "unknown field"),
        ("rules: [{id: a, kind: max_yoy, severity: soft, message_zh: m}]", "max_change_rel"),
    ):  # fmt: skip
        bad.write_text(body, encoding="utf-8")
        with pytest.raises(RuleFileError, match=match):
            load_rules(bad)


def test_outliers_by_hand() -> None:
    # 2018–2022: 10, 11, 9, 10, 10 → mean 10, sd 0.7071; 2023 14: z = 4/0.7071 = 5.66 > 3
    years = [2018, 2019, 2020, 2021, 2022, 2023]
    vals = [10, 11, 9, 10, 10, 14]
    df = pd.DataFrame(
        {"indicator_code": "X", "region_code": "150100", "year": years, "value": vals}
    )
    got = outliers(df)
    assert list(got["year"]) == [2023]
    assert got["mean"].iloc[0] == pytest.approx(10.0)
    assert got["std"].iloc[0] == pytest.approx(0.5**0.5)
    assert got["z"].iloc[0] == pytest.approx(4 / 0.5**0.5)
    # with fewer than 4 other years nothing is flagged
    assert outliers(df[df["year"] >= 2020]).empty


def test_review_outliers_command(cli_env: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from ecoplan.cli import app

    f = tmp_path / "v.csv"
    rows = [(2018, 100), (2019, 110), (2020, 90), (2021, 100), (2022, 100), (2023, 140)]
    f.write_text(
        HEAD
        + "".join(
            f"HH-PARK-GREEN-AREA,150100,{y},{v},公顷,hohhot-14fyp-eco,核实\n" for y, v in rows
        ),
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(app, ["import", "indicators", str(f)]).exit_code == 0
    r = runner.invoke(app, ["review", "outliers", "--json"])
    assert r.exit_code == 0, r.output
    assert '"year": 2023' in r.output and "HH-PARK-GREEN-AREA" in r.output
    assert '"year": 2022' not in r.output
