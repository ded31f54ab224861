"""A whole assessment run on a hand-built plan, on SQLite and PostgreSQL.

The plan (``PLAN`` below) is a regional plan (150000) with five quantitative indicators and
one qualitative one; the values are written straight into ``indicator_value``. Assessment
year 2023. Every expected status is worked out by hand next to its data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from ecoplan.assess.derivations import DerivationError, check_unit, derive, get_derivation
from ecoplan.assess.run import AssessmentError, load_config, load_run, run_assessment, store_run
from ecoplan.assess.types import Status
from ecoplan.config import settings
from ecoplan.store import schema as s
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions
from ecoplan.store.schema_assess import AssessmentRowRecord

PLAN = """
id: assess-test
title_zh: 评估测试规划
title_en: Assessment test plan
issuer_zh: 测试机关
region: "150000"
period_start: 2021
period_end: 2025
source_doc: test
indicator_categories:
  - {code: air, name_zh: 大气环境}
  - {code: eco, name_zh: 生态保护}
indicators:
  - code: GOOD
    name_zh: 优良天数比例
    name_en: Good-air-day ratio
    category: air
    binding: binding
    unit: "%"
    direction: higher
    baselines:
      - {region: "150000", year: 2020, value: 60, source: {file: t, quote: 基准60}}
      - {region: "150200", year: 2020, value: 70, source: {file: t, quote: 包头基准70}}
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 80, source: {file: t, quote: qq}}
      - {region: "150100", year: 2025, comparator: ">=", value: 90, source: {file: t, quote: qq}}
  - code: PM25
    name_zh: 细颗粒物浓度
    name_en: PM2.5
    category: air
    binding: binding
    unit: µg/m³
    direction: lower
    baselines:
      - {region: "150000", year: 2020, value: 41, source: {file: t, quote: 基准41}}
    targets:
      - {region: "150000", year: 2025, comparator: "<=", value: 35, source: {file: t, quote: qq}}
  - code: GRASS
    name_zh: 草原植被盖度
    name_en: Grassland cover
    category: eco
    binding: expected
    unit: "%"
    direction: higher
    targets:
      - {region: "150000", year: 2027, comparator: ">=", value: 45, kind: maintain,
         source: {file: t, quote: 稳定在45%}}
  - code: BOILER
    name_zh: 燃煤锅炉淘汰率
    name_en: Boiler phase-out
    category: eco
    unit: "%"
    direction: higher
    targets:
      - {region: "150000", year: 2022, comparator: ">=", value: 100,
         source: {file: t, quote: qq}, note_zh: 原文为全部淘汰}
  - code: PILOT
    name_zh: 先行县数量
    name_en: Pilot counties
    category: eco
    unit: 个
    direction: reach
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 3, source: {file: t, quote: qq}}
      - {region: "150000", year: 2025, comparator: "<=", value: 5, source: {file: t, quote: qq}}
  - code: WORDS
    name_zh: 定性指标
    name_en: Qualitative only
    unit: —
    direction: reach
    qualitative_targets:
      - {region: "150000", year: 2025, text_zh: 持续改善, source: {file: t, quote: 持续改善}}
"""

VALUES = {
    # GOOD: b = 60 (plan), ≥ 80 by 2025 → r_req = 4 /a
    ("GOOD", "150000"): {2023: 71.4},  # r_act = 11.4/3 = 3.8, R = 0.95 → on track
    ("GOOD", "150100"): {2020: 70, 2023: 79},  # own ≥ 90; b = 70 (data 2020): 3/4 = 0.75
    ("GOOD", "150200"): {2023: 81},  # inherited ≥ 80, plan baseline 70 → achieved
    ("GOOD", "150300"): {2022: 65},  # only point → baseline = itself → at risk
    ("GOOD", "150400"): {2020: 70, 2023: 69},  # moving away → off track
    ("GOOD", "150600"): {2024: 90},  # only after 2023 → no data
    ("GOOD", "150700"): {2020: 85, 2023: 78},  # baseline met, then worse → off track
    ("GOOD", "150800"): {2020: 60, 2021: 66},  # latest ≤ 2023 is 2021: 6/4 = 1.5 → on track
    ("GOOD", "150900"): {2020: 60, 2023: 67.2},  # 2.4/4 = 0.60 → at risk
    # PM25: b = 41 (province plan), ≤ 35 by 2025 → r_req = −1.2 /a
    ("PM25", "150000"): {2023: 38},  # −1/−1.2 = 0.833 → at risk
    ("PM25", "150100"): {2020: 41, 2021: 40, 2022: 37, 2023: 38},  # OLS −1.2 → R 1 → on track
    ("PM25", "150700"): {2023: 30},  # achieved
    # GRASS: maintain ≥ 45, margin 0.9
    ("GRASS", "150000"): {2023: 45.5},  # met, within the margin → achieved, flagged 临界
    ("GRASS", "150100"): {2023: 47},  # achieved
    ("GRASS", "150200"): {2023: 44},  # wrong side → off track
    ("GRASS", "150700"): {2023: 50},  # achieved
    # BOILER: ≥ 100 % by 2022 (past)
    ("BOILER", "150000"): {2023: 97},  # past and not met → off track
    ("BOILER", "150100"): {2023: 99.5},  # within 1 point of 100 % → achieved
    # PILOT: ≥ 3 and ≤ 5 by 2025
    # ≥ 3 met; ≤ 5 was met in 2020 (4) and is not any more (6) → off track (StatCan override)
    ("PILOT", "150000"): {2020: 4, 2023: 6},
}
UNITS = {"GOOD": "%", "PM25": "µg/m³", "GRASS": "%", "BOILER": "%", "PILOT": "个"}


def _setup(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "assess_plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, path)
        ses.add(
            s.ImportBatch(
                id="B-2023", seq=1, kind="indicators", layout="long",
                file_name="values-2023.xlsx", file_sha256="ab" * 32,
                imported_at=dt.datetime(2024, 3, 1), status="committed", accepted=1,
                rejected=0, duplicates=0, revised=0, skipped_derived=0, missing=0,
            )
        )  # fmt: skip
        ses.flush()
        for (code, region), by_year in VALUES.items():
            for year, value in by_year.items():
                batch = "B-2023" if (code, region, year) == ("GOOD", "150000", 2023) else None
                ses.add(
                    s.IndicatorValue(
                        plan_id="assess-test", indicator_code=code, region_code=region,
                        year=year, value=float(value), unit=UNITS[code],
                        source_kind="imported", batch_id=batch, source_note=None,
                    )
                )  # fmt: skip


def _run(store: Store, **kw):
    with store.session() as ses:
        return run_assessment(ses, "assess-test", 2023, **kw)


def test_every_status_where_the_thresholds_put_it(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    res = _run(store)
    got = {(r.indicator_code, r.region_code): r.status for r in res.rows}
    S = Status
    expected = {
        ("GOOD", "150000"): S.ON_TRACK,
        ("GOOD", "150100"): S.AT_RISK,
        ("GOOD", "150200"): S.ACHIEVED,
        ("GOOD", "150300"): S.AT_RISK,
        ("GOOD", "150400"): S.OFF_TRACK,
        ("GOOD", "150500"): S.NO_DATA,
        ("GOOD", "150600"): S.NO_DATA,
        ("GOOD", "150700"): S.OFF_TRACK,
        ("GOOD", "150800"): S.ON_TRACK,
        ("GOOD", "150900"): S.AT_RISK,
        ("PM25", "150000"): S.AT_RISK,
        ("PM25", "150100"): S.ON_TRACK,
        ("PM25", "150700"): S.ACHIEVED,
        ("GRASS", "150000"): S.ACHIEVED,
        ("GRASS", "150100"): S.ACHIEVED,
        ("GRASS", "150200"): S.OFF_TRACK,
        ("BOILER", "150000"): S.OFF_TRACK,
        ("BOILER", "150100"): S.ACHIEVED,
        ("PILOT", "150000"): S.OFF_TRACK,
    }
    for key, status in expected.items():
        assert got[key] is status, key
    # every indicator with a target has a row for the province and all 12 leagues/cities,
    # except the count PILOT (个): a total is never handed down as a league's target
    assert len(res.rows) == 4 * 13 + 1
    assert [r.region_code for r in res.rows if r.indicator_code == "PILOT"] == ["150000"]
    crit = {(r.indicator_code, r.region_code) for r in res.rows if r.critical}
    assert crit == {("GRASS", "150000")}
    assert [k.indicator_code for k in res.skipped] == ["WORDS"]
    # binding first, then plan order, then the province before the leagues/cities
    assert [r.indicator_code for r in res.rows[:2]] == ["GOOD", "GOOD"]
    assert res.rows[0].region_code == "150000"
    firsts = [r.binding for r in res.rows]
    assert firsts == sorted(firsts, key=lambda b: {"binding": 0, "expected": 1, None: 2}[b])


def test_components_provenance_and_notes(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    rows = {(r.indicator_code, r.region_code): r for r in _run(store).rows}

    prov = rows[("GOOD", "150000")]
    assert (prov.baseline, prov.baseline_year, prov.baseline_kind) == (60.0, 2020, "plan")
    assert prov.required_rate == pytest.approx(4.0)
    assert prov.actual_rate == pytest.approx(3.8)
    assert prov.ratio == pytest.approx(0.95)
    assert prov.projection == pytest.approx(71.4 + 3.8 * 2)  # 79.0
    assert prov.gap == pytest.approx(8.6)
    assert prov.value_source == "imported: values-2023.xlsx sha256:abababababab batch B-2023"
    assert prov.baseline_source == "baseline: t «基准60»"
    # the plan baseline appears in the series beside the observed value
    assert [(p.year, p.value) for p in prov.series] == [(2020, 60.0), (2023, 71.4)]
    d = prov.to_dict()
    for k in ("indicator_code", "region_code", "year", "value", "baseline", "target",
              "target_year", "status", "actual_rate", "required_rate", "projection"):  # fmt: skip
        assert k in d
    assert d["status"] == "on_track" and d["status_zh"] == "进展顺利"

    hohhot = rows[("GOOD", "150100")]
    assert (hohhot.target, hohhot.inherited, hohhot.target_region) == (90.0, False, "150100")
    assert hohhot.baseline_kind == "data"
    assert hohhot.ratio == pytest.approx(0.75)  # (79 − 70)/3 = 3 vs (90 − 70)/5 = 4

    baotou = rows[("GOOD", "150200")]
    assert (baotou.target, baotou.inherited, baotou.target_region) == (80.0, True, "150000")
    assert "沿用内蒙古自治区目标" in baotou.note_zh
    assert baotou.baseline == 70.0 and baotou.gap == 0.0

    wuhai = rows[("GOOD", "150300")]
    assert wuhai.baseline_kind == "earliest" and "趋势不可计算" in wuhai.note_zh

    hulunbuir = rows[("GOOD", "150700")]
    assert "基准值已达标" in hulunbuir.note_zh

    bayannur = rows[("GOOD", "150800")]
    assert (bayannur.value, bayannur.value_year) == (66.0, 2021)
    assert bayannur.ratio == pytest.approx(1.5)

    ols = rows[("PM25", "150100")]
    assert ols.rate_method == "ols" and ols.n_points == 4
    assert ols.actual_rate == pytest.approx(-1.2)

    boiler = rows[("BOILER", "150000")]
    assert "目标年2022已过" in boiler.note_zh and "原文为全部淘汰" in boiler.note_zh
    assert rows[("BOILER", "150100")].gap == 0.0

    pilot = rows[("PILOT", "150000")]
    assert (pilot.comparator, pilot.target) == ("<=", 5.0)  # the worse of the two targets
    assert pilot.other_targets == [
        {
            "comparator": ">=",
            "value": 3.0,
            "year": 2025,
            "kind": "reach",
            "status": "achieved",
            "gap": 0.0,
        }
    ]

    grass = rows[("GRASS", "150000")]
    assert grass.target_kind == "maintain" and grass.target_year == 2027


def test_ranking_of_the_leagues(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    res = _run(store)
    by = {r.region_code: r for r in res.ranking}
    assert len(res.ranking) == 12 and "150000" not in by
    # 呼和浩特 (4 assessable — PILOT is a count, not inherited — 4 with data):
    # air (50·2 + 80·2)/4 = 65, eco (100 + 100)/2 = 100
    hh = by["150100"]
    assert hh.category_scores == {"air": pytest.approx(65.0), "eco": pytest.approx(100.0)}
    assert hh.score == pytest.approx(82.5)
    assert (hh.n_assessed, hh.n_assessable, hh.rank) == (4, 4, 1)
    # 呼伦贝尔 (3 of 4 = 75 %): air (0·2 + 100·2)/4 = 50, eco 100 → 75
    hlbe = by["150700"]
    assert hlbe.score == pytest.approx(75.0) and hlbe.rank == 2
    # 包头 (2 of 4 = 50 %): not ranked
    assert by["150200"].rank is None and "不足60%" in by["150200"].note_zh
    assert [r.region_code for r in res.ranking[:2]] == ["150100", "150700"]


def test_one_region_cached_values_and_errors(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    res = _run(store, region="150100")
    assert {r.region_code for r in res.rows} == {"150100"}
    assert res.params["progress"]["on_track_ratio"] == 0.95
    assert res.method_version == load_config().method_version
    with pytest.raises(AssessmentError, match="no region"):
        _run(store, region="610100")  # 西安市: not in the shipped table
    with store.session() as ses, pytest.raises(AssessmentError, match="no plan"):
        run_assessment(ses, "no-such-plan", 2023)


# ------------------------------------------------------------------ derived from monitoring
#
# A tiny warehouse registered in DuckDB under the warehouse's names. Hour stamps are the
# BEGINNING of the hour here, to exercise ``hour_label="start"`` (the evaluator shifts them;
# the warehouse itself stamps the end of the hour).
#
# 呼和浩特 150100: national stations A and B, PM2.5 constant within each day: 152 µg/m³ on
# "heavy" days (IAQI 200 + (152 − 150)/100·100 = 202 > 200 → 重污染), else 30.
#   2020 (366 days): heavy when day index % 5 == 0 → 74 days;
#       mean (74·152 + 292·30)/366 = 20008/366 = 54.67 → 55
#   2021 (365 days): heavy when day index % 10 == 0 → 37 days;
#       mean (37·152 + 328·30)/365 = 15464/365 = 42.37 → 42
#   (Were the stamps not shifted, a heavy day would mix in one hour of its neighbour:
#   (30 + 23·152)/24 = 146.9 → AQI 197, not heavy — the day count would be wrong.)
# A micro station M (500) and a county station K in 土默特左旗 (300) must not enter the city.
# 包头 150200: national station C, PM2.5 50 (2020) and 44 (2021), never heavy.
# Province = mean of the leagues/cities with values: 2020 (55 + 50)/2 = 52.5 → 52 (GB/T 8170,
# round half to even); 2021 (42 + 44)/2 = 43.
# Sand-dust event 150100 2021-01-01 00:00–2021-01-02 00:00 covers day 0 (a heavy day): the
# dust-deducted count is 36.
#
# Water: sections S1, S2 (rivers, 150100) and S3 (lake, 150200), monthly samples.
#   2020: S1 NH3N 1.2 (IV), S2 NH3N 1.8 (V), S3 TP 0.04 (lake III) → 150100 0 %, 全区 1/3
#   2021: S1 NH3N 0.4 (II), S2 1.8 (V), S3 TP 0.04, TN 0.9 (III) → 150100 50 %, 全区 2/3
#   S1 also carries TN 5.0 (ignored for rivers: 总氮 is for lakes and reservoirs).


DERIVE_PLAN = """
id: derive-test
title_zh: 派生测试规划
title_en: Derivation test plan
issuer_zh: 测试机关
region: "150000"
period_start: 2021
period_end: 2025
source_doc: test
indicators:
  - {code: PM, name_zh: 细颗粒物浓度, name_en: PM2.5, binding: binding, unit: µg/m³,
     direction: lower, derivation: air.pm25_annual_mean,
     targets: [{region: "150000", year: 2025, comparator: "<=", value: 35,
                source: {file: t, quote: qq}}]}
  - {code: HEAVY, name_zh: 重污染天数, name_en: Heavy days, unit: 天, direction: lower,
     derivation: air.heavy_pollution_days,
     targets: [{region: "150000", year: 2025, comparator: "<=", value: 10,
                source: {file: t, quote: qq}}]}
  - {code: WQ, name_zh: 优良水体比例, name_en: Good water, unit: "%", direction: higher,
     derivation: water.share_I_III,
     targets: [{region: "150000", year: 2025, comparator: ">=", value: 70,
                source: {file: t, quote: qq}}]}
"""


def _station_frame(station: str, year: int, pm_by_day: np.ndarray) -> pd.DataFrame:
    days = pm_by_day.size
    times = pd.date_range(f"{year}-01-01 00:00", periods=days * 24, freq="h")
    pm = np.repeat(pm_by_day, 24)
    const = {"SO2": 10.0, "NO2": 20.0, "PM10": 50.0, "CO": 0.5, "O3": 60.0}
    frames = [pd.DataFrame({"station": station, "time": times, "pollutant": "PM2.5", "value": pm})]
    for p, v in const.items():
        frames.append(pd.DataFrame({"station": station, "time": times, "pollutant": p, "value": v}))
    return pd.concat(frames, ignore_index=True)


def _warehouse() -> duckdb.DuckDBPyConnection:
    parts = []
    for year, every in ((2020, 5), (2021, 10)):
        n = 366 if year == 2020 else 365
        heavy = np.where(np.arange(n) % every == 0, 152.0, 30.0)
        parts += [_station_frame("A", year, heavy), _station_frame("B", year, heavy)]
        parts.append(_station_frame("C", year, np.full(n, 50.0 if year == 2020 else 44.0)))
        parts.append(_station_frame("M", year, np.full(n, 500.0)))
        parts.append(_station_frame("K", year, np.full(n, 300.0)))
    con = duckdb.connect()
    con.register("air_hourly", pd.concat(parts, ignore_index=True))
    con.register(
        "station",
        pd.DataFrame(
            {
                "code": ["A", "B", "C", "M", "K"],
                "region_code": ["150100", "150100", "150200", "150100", "150121"],
                "kind": ["national", "national", "national", "micro", "county"],
            }
        ),
    )
    con.register(
        "dust_event",
        pd.DataFrame(
            {
                "region_code": ["150100"],
                "station_code": [None],
                "start_time": [pd.Timestamp("2021-01-01 00:00")],
                "end_time": [pd.Timestamp("2021-01-02 00:00")],
            }
        ),
    )
    con.register(
        "section",
        pd.DataFrame(
            {
                "code": ["S1", "S2", "S3"],
                "name": ["演示一", "演示二", "演示湖"],
                "water_body": ["大黑河", "小黑河", "哈素海"],
                "waterbody_type": ["river", "river", "lake"],
                "region_code": ["150100", "150100", "150200"],
                "target_class": ["III", "III", "III"],
            }
        ),
    )
    rows = []
    for year in (2020, 2021):
        for month in range(1, 13):
            d = dt.date(year, month, 10)
            rows += [
                ("S1", d, "NH3N", 1.2 if year == 2020 else 0.4),
                ("S1", d, "TN", 5.0),
                ("S2", d, "NH3N", 1.8),
                ("S3", d, "TP", 0.04),
            ]
            if year == 2021:
                rows.append(("S3", d, "TN", 0.9))
    water = pd.DataFrame(rows, columns=["section", "date", "item", "value"])
    water["date"] = pd.to_datetime(water["date"])
    con.register("water_samples", water)
    return con


@pytest.fixture(scope="module")
def warehouse() -> duckdb.DuckDBPyConnection:
    return _warehouse()


def _derived(values, name: str) -> dict[tuple[str, int], float]:
    return {(v.region_code, v.year): v.value for v in values if v.derivation == name}


def test_derived_air_and_water_values_by_hand(warehouse: duckdb.DuckDBPyConnection) -> None:
    regions = ["150000", "150100", "150200"]
    out = derive(
        warehouse,
        ["air.pm25_annual_mean", "air.heavy_pollution_days", "water.share_I_III",
         "water.share_worse_V"],
        regions, [2020, 2021], hour_label="start",
    )  # fmt: skip
    pm = _derived(out, "air.pm25_annual_mean")
    assert pm == {
        ("150100", 2020): 55.0, ("150100", 2021): 42.0,
        ("150200", 2020): 50.0, ("150200", 2021): 44.0,
        ("150000", 2020): 52.0, ("150000", 2021): 43.0,
    }  # fmt: skip
    heavy = _derived(out, "air.heavy_pollution_days")
    assert heavy[("150100", 2020)] == 74 and heavy[("150100", 2021)] == 37
    assert heavy[("150000", 2021)] == 18.5  # (37 + 0)/2
    good = _derived(out, "water.share_I_III")
    assert good == {
        ("150100", 2020): 0.0, ("150100", 2021): 50.0,
        ("150200", 2020): 100.0, ("150200", 2021): 100.0,
        ("150000", 2020): 33.3, ("150000", 2021): 66.7,
    }  # fmt: skip
    assert derive(warehouse, ["water.share_I_III"], regions, [2019]) == []  # no samples
    # the other air figures of 150100 in 2021: 328 good days of 365 valid → 89.86 → 89.9 %;
    # O3 MDA8 constant 60 → P90 60; composite index on the bulletin-rounded concentrations
    # 10/60 + 20/40 + 50/70 + 42/35 + 0.5/4 + 60/160 = 3.0810 → 3.08
    more = derive(
        warehouse,
        ["air.good_days", "air.good_days_ratio", "air.o3_p90", "air.composite_index"],
        ["150100"], [2021], hour_label="start",
    )  # fmt: skip
    assert {v.derivation: v.value for v in more} == {
        "air.good_days": 328.0,
        "air.good_days_ratio": 89.9,
        "air.o3_p90": 60.0,
        "air.composite_index": 3.08,
    }
    worse = _derived(out, "water.share_worse_V")
    assert worse[("150000", 2021)] == 0.0  # S3's TN 0.9 is class III, S1's TN is ignored
    src = next(v.source for v in out if v.derivation == "air.pm25_annual_mean"
               and v.region_code == "150100" and v.year == 2021)  # fmt: skip
    assert src.startswith("derived: air.pm25_annual_mean (HJ 663-2013, 2 站, 有效天数 365")
    prov = next(v.source for v in out if v.derivation == "air.pm25_annual_mean"
                and v.region_code == "150000" and v.year == 2021)  # fmt: skip
    assert "2/12 个盟市" in prov
    deducted = derive(
        warehouse, ["air.heavy_pollution_days"], ["150100"], [2021],
        hour_label="start", dust_deducted=True,
    )  # fmt: skip
    assert [v.value for v in deducted] == [36.0]
    assert "扣沙" in deducted[0].source


def test_unknown_derivation_and_unit_mismatch_are_refused() -> None:
    with pytest.raises(DerivationError, match="registered"):
        get_derivation("air.pm10_mean")
    with pytest.raises(DerivationError, match="unit"):
        check_unit(get_derivation("air.pm25_annual_mean"), "X", "mg/m³")


def test_assessment_with_derived_values_and_cache(
    store: Store, tmp_path: Path, warehouse: duckdb.DuckDBPyConnection
) -> None:
    path = tmp_path / "derive_plan.yaml"
    path.write_text(DERIVE_PLAN, encoding="utf-8")
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, path)
    with store.session() as ses:
        res = run_assessment(
            ses, "derive-test", 2021, region="150100", con=warehouse, hour_label="start",
            save=True,
        )  # fmt: skip
    rows = {r.indicator_code: r for r in res.rows}
    pm = rows["PM"]
    # b = 55 (2020, the plan's baseline year, from the data), v = 42 (2021), ≤ 35 by 2025
    # r_req = (35 − 55)/5 = −4, r_act = −13 → R = 3.25 → on track; target inherited
    assert (pm.value, pm.baseline, pm.baseline_kind) == (42.0, 55.0, "data")
    assert pm.ratio == pytest.approx(3.25)
    assert pm.status is Status.ON_TRACK and pm.inherited
    assert pm.value_source is not None and pm.value_source.startswith("derived: air.pm25")
    heavy = rows["HEAVY"]
    assert (heavy.value, heavy.baseline) == (37.0, 74.0)
    wq = rows["WQ"]  # 0 → 50 %: r_req = 70/5 = 14, r_act = 50 → on track
    assert (wq.value, wq.baseline, wq.status) == (50.0, 0.0, Status.ON_TRACK)
    # the derived values were cached: without a warehouse the same values come back
    with store.session() as ses:
        cached = run_assessment(ses, "derive-test", 2021, region="150100")
        n = len(ses.scalars(select(s.IndicatorValue).where(
            s.IndicatorValue.source_kind == "derived")).all())  # fmt: skip
    assert n == 6  # 3 indicators × 2 years for 150100
    again = {r.indicator_code: r for r in cached.rows}
    assert again["PM"].value == 42.0 and again["PM"].ratio == pytest.approx(3.25)
    assert again["PM"].value_source == pm.value_source
    with store.session() as ses, pytest.raises(AssessmentError, match="raw only"):
        run_assessment(ses, "derive-test", 2021, con=warehouse, save=True, dust_deducted=True)


def test_a_stored_run_comes_back_unchanged(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    res = _run(store)
    with store.session() as ses:
        run_id = store_run(ses, res)
    with store.session() as ses:
        back = load_run(ses, run_id)
        n_rows = len(ses.scalars(select(AssessmentRowRecord)).all())
    assert n_rows == len(res.rows) == 53
    assert back.rows == res.rows  # every component, series and note
    assert back.ranking == res.ranking
    assert back.skipped == res.skipped
    assert back.params == res.params and back.categories == res.categories
    with store.session() as ses, pytest.raises(AssessmentError, match="no stored"):
        load_run(ses, run_id + 1)


def test_demo_warehouse_through_the_importers_reproduces_hohhot_2020(tmp_path: Path) -> None:
    """End to end: synthetic hourly data written in the national CSV layout (hour-END labels),
    imported by ecoplan.ingest (stored with hour-BEGINNING stamps), read back through
    ecoplan.store.warehouse and evaluated. The demo pins 呼和浩特 2020 to the Hohhot plan's
    published figures (002: PM2.5 41 µg/m³, 294 good days, 80.3 %); the derivations must give
    them back — which they do only with the hour labels handled right."""
    from ecoplan.demo.run import generate_demo, load_demo
    from ecoplan.store.warehouse import connect

    # the database plays no part here: SQLite only, to keep the file fast
    store = Store(settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path}/d.db"))
    files = generate_demo(tmp_path / "demo", start=2020, end=2020, cities=["150100"])
    load_demo(store, files, show_progress=False)
    con = connect(store=store)
    store.dispose()
    out = derive(
        con, ["air.pm25_annual_mean", "air.good_days", "air.good_days_ratio"], ["150100"], [2020]
    )
    got = {v.derivation: v.value for v in out}
    assert got == {
        "air.pm25_annual_mean": 41.0,
        "air.good_days": 294.0,
        "air.good_days_ratio": 80.3,
    }
