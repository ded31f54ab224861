"""Registries, yearly indicator values and sand-dust events (application DB only)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import openpyxl

from ecoplan.ingest import import_dust, import_indicators, import_stations
from ecoplan.ingest.template import write_indicator_template
from ecoplan.store import monitoring
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file
from ecoplan.store.regions import list_regions

from .conftest import DATA, SMALL_PLAN, sigs, table_counts


def test_registries_bad_rows_updates_without_duplicates_and_sections(
    seeded: Store, tmp_path: Path
) -> None:
    res = import_stations(seeded, DATA / "stations_bad.csv")
    assert sigs(res) == [
        (3, "地区代码", "unknown_region"),
        (4, "类型", "bad_value"),  # 城市站 is not a station kind
        (5, "纬度", "implausible"),  # latitude 95
        (6, "经度", "non_numeric"),
        (7, "站点编码", "missing_field"),
        (8, "", "conflicting_duplicate"),
        (9, "", "conflicting_duplicate"),
    ]
    assert res.accepted == 1
    with seeded.session() as ses:
        st = {r["code"]: r for r in monitoring.list_stations(ses)}
    assert st["1002A"]["kind"] == "national" and st["1004A"]["kind"] == "micro"
    assert st["1001A"]["region_name"] == "新城区"
    assert st["2001A"]["name"] == "好站"

    f = tmp_path / "stations2.csv"
    f.write_text(
        (DATA / "stations.csv").read_text("utf-8").replace("新城区站", "新城区监测站"), "utf-8"
    )
    before = table_counts(seeded)["station"]
    res2 = import_stations(seeded, f)
    assert (res2.accepted, res2.revised, res2.duplicates) == (0, 1, 3)
    with seeded.session() as ses:
        st = {r["code"]: r for r in monitoring.list_stations(ses)}
        hohhot = monitoring.list_stations(ses, region="150100")
    assert table_counts(seeded)["station"] == before
    assert st["1001A"]["name"] == "新城区监测站" and st["1001A"]["lon"] == 111.67
    assert {r["code"] for r in hohhot} == {"1001A", "1002A", "1004A", "2001A"}
    counts = table_counts(seeded)
    assert import_stations(seeded, f).unchanged
    assert table_counts(seeded) == counts

    # sections (imported by the fixture, Chinese headers)
    with seeded.session() as ses:
        sec = {r["code"]: r for r in monitoring.list_sections(ses)}
    assert sec["HH-01"]["target_class"] == "IV"  # IV类
    assert sec["HH-02"]["target_class"] == "III"  # Ⅲ (Unicode Roman numeral)
    assert sec["BT-01"]["waterbody_type"] == "lake"  # 湖库
    assert sec["HH-02"]["water_body"] == "大黑河"


def test_indicator_values_bad_rows_revision_and_reimport(seeded: Store, tmp_path: Path) -> None:
    res = import_indicators(seeded, DATA / "indicators.csv")
    assert sigs(res) == [
        (5, "指标代码", "unknown_indicator"),
        (6, "地区代码", "unknown_region"),
        (7, "年份", "bad_year"),
        (8, "数值", "non_numeric"),
        (9, "单位", "unit_mismatch"),
    ]
    assert (res.accepted, res.missing) == (3, 1)
    with seeded.session() as ses:
        vals = monitoring.list_indicator_values(ses, indicator="T-PM25")
    assert [(v["year"], v["value"], v["plan_id"], v["source_note"]) for v in vals] == [
        (2021, 38.5, "test-plan", "2021年公报"),
        (2022, 36.0, "test-plan", "2022年公报"),
    ]
    assert vals[0]["unit"] == "µg/m³" and vals[0]["batch_id"] == res.batch_id
    again = import_indicators(seeded, DATA / "indicators.csv")
    assert again.unchanged and again.duplicates == 3

    f = tmp_path / "fix.csv"
    f.write_text("indicator_code,region_code,year,value\nT-PM25,150100,2022,35.1\n", "utf-8")
    fix = import_indicators(seeded, f)
    assert (fix.accepted, fix.revised) == (0, 1)
    with seeded.session() as ses:
        v = monitoring.list_indicator_values(ses, indicator="T-PM25")[1]
        revs = monitoring.list_revisions(ses, kind="indicators")
    assert v["value"] == 35.1
    assert [(r["old_value"], r["new_value"], r["old_batch_id"]) for r in revs] == [
        (36.0, 35.1, res.batch_id)
    ]
    assert json.loads(revs[0]["key"]) == {
        "indicator_code": "T-PM25",
        "plan_id": "test-plan",
        "region_code": "150100",
        "year": 2022,
    }


def test_an_indicator_code_in_two_plans_needs_a_plan_id(seeded: Store, tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(SMALL_PLAN.read_text("utf-8").replace("id: test-plan", "id: test-plan-2"))
    with seeded.session() as ses:
        import_plan_file(ses, other)
    f = tmp_path / "i.csv"
    f.write_text(
        "indicator_code,region_code,year,value,plan_id\n"
        "T-PM25,150100,2023,30,\n"
        "T-PM25,150100,2023,31,test-plan-2\n"
        "T-PM25,150100,2023,32,no-such-plan\n",
        "utf-8",
    )
    res = import_indicators(seeded, f)
    assert sigs(res) == [
        (2, "indicator_code", "ambiguous_indicator"),
        (4, "plan_id", "unknown_plan"),
    ]
    with seeded.session() as ses:
        assert [v["plan_id"] for v in monitoring.list_indicator_values(ses)] == ["test-plan-2"]


def test_template_round_trip(seeded: Store, tmp_path: Path) -> None:
    with seeded.session() as ses:
        catalog = monitoring.indicator_catalog(ses)
        regions = list_regions(ses)
    out = write_indicator_template(tmp_path / "t.xlsx", catalog, regions)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["填报 data", "指标 indicators", "地区 regions"]
    data = wb["填报 data"]
    assert [c.value for c in data[1]][:4] == [
        "指标代码 indicator_code",
        "地区代码 region_code",
        "年份 year",
        "数值 value",
    ]
    codes = [r[0] for r in wb["指标 indicators"].iter_rows(min_row=2, values_only=True)]
    assert codes == ["T-PM25", "T-GRASS"]
    assert wb["地区 regions"].max_row == len(regions) + 1
    assert len(data.data_validations.dataValidation) == 3
    data.append(["T-GRASS", "150000", 2023, 45.2, "%", None, "填报测试"])
    wb.save(out)
    res = import_indicators(seeded, out)
    assert (res.accepted, res.rejected) == (1, 0)
    with seeded.session() as ses:
        (v,) = monitoring.list_indicator_values(ses, indicator="T-GRASS")
    assert (v["region_code"], v["year"], v["value"], v["source_note"]) == (
        "150000",
        2023,
        45.2,
        "填报测试",
    )


def test_dust_events_are_time_ranges(seeded: Store) -> None:
    res = import_dust(seeded, DATA / "dust.csv")
    assert sigs(res) == [
        (5, "region_code", "unknown_region"),
        (6, "end", "bad_range"),
        (7, "start", "bad_time"),
    ]
    with seeded.session() as ses:
        ev = monitoring.list_dust_events(ses)
        baotou = monitoring.list_dust_events(
            ses, region="150200", start=datetime(2024, 4, 11, 12), end=datetime(2024, 4, 12)
        )
    assert [(e["region_code"], e["station_code"], e["start_time"], e["end_time"]) for e in ev] == [
        ("150100", None, datetime(2024, 3, 21, 8), datetime(2024, 3, 23, 20)),
        # a date alone is the whole day: 2024-04-10 … 2024-04-11 ends at 04-12 00:00
        ("150200", None, datetime(2024, 4, 10), datetime(2024, 4, 12)),
        (None, "1003A", datetime(2024, 4, 10, 6), datetime(2024, 4, 10, 18)),
    ]
    assert len(baotou) == 1
    assert import_dust(seeded, DATA / "dust.csv").unchanged
