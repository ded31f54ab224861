"""The air and water API and pages on a small hand-built warehouse, imported through
``ecoplan.ingest.IMPORTERS``; every figure worked by hand.

Air — stations T001, T002 (national, 呼和浩特市 150100) and T003 (provincial, county 新城区
150102, flagged synthetic); hour-end stamps, 24 hours a day unless said:

* 2024-01-10: PM2.5 T001 70, T002 90 → city 80 µg/m³. HJ 633-2012 Table 1 (PM2.5 24 h
  75 → IAQI 100, 115 → 150): IAQI = 100 + (80 − 75)/(115 − 75)·50 = 106.25 → 107 (rounded up,
  §6.2) → level 3 轻度污染, #FF7E00, primary PM2.5. T001 alone: 50 + (70 − 35)/40·50 = 93.75
  → 94 良.
* 2024-01-11: 19 hours only (< 20, GB 3095 Table 4) → no daily value, no AQI.
* 2024-03-20: PM2.5 30 and PM10 300 at both; a sand-dust event of 150100 06:00–18:00.
  PM10 IAQI = 150 + (300 − 250)/(350 − 250)·50 = 175 → 中度污染; PM2.5 30·50/35 = 42.9 → 43;
  AQI 175, primary PM10, dust day.
* 2026-02-27 and 2026-03-02: PM2.5 80. Before 2026-03-01 HJ 633-2012 → 107; from it HJ 633-2026
  Table 3 (PM2.5 60 → IAQI 100): 100 + (80 − 60)/(115 − 60)·50 = 118.2 → 119, published
  (AQI > 100 although the other pollutants are missing, §5.3.1).
* 2026-03-03: PM2.5 50 under 2026: 50 + (50 − 35)/(60 − 35)·50 = 80 良, other pollutants
  missing and AQI ≤ 100 → not published (HJ 633-2026 §5.3.1).

Water — S1 river 大黑河 (150100, target III): COD 18 / NH3N 0.4 in March, COD 22 / NH3N 0.4
in September; S2 lake 岱海 (150900, target IV): TP 0.08, COD 25, DO 6.5 in June; S3 river 黄河
(150200, target II): NH3N 2.5, DO 6.5 in May; S4 (150200, target III) has no sample.
GB 3838-2002 Table 1: COD I–II ≤ 15, III ≤ 20, IV ≤ 30; NH3N II ≤ 0.5, V ≤ 2.0; lake TP IV ≤ 0.1;
DO II ≥ 6.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pandas as pd
import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api import airwater
from ecoplan.api.app import create_app
from ecoplan.assess.waterquality import classify_sections
from ecoplan.config import settings as make_settings
from ecoplan.ingest import IMPORTERS
from ecoplan.standards.water import classify
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_token, create_user

PASSWORD = "air water test 1"
SECRET = "air-water-secret-" * 4
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)

STATIONS = """code,name,region_code,longitude,latitude,kind,synthetic
T001,测试一号站,150100,111.70,40.80,national,false
T002,测试二号站,150100,111.60,40.90,national,false
T003,测试新城区站,150102,111.66,40.86,provincial,true
"""
SECTIONS = """code,name,water_body,waterbody_type,region_code,target_class
S1,测试大黑河断面,大黑河,river,150100,III
S2,测试岱海断面,岱海,lake,150900,IV
S3,测试黄河断面,黄河,river,150200,II
S4,测试无数据断面,黄河,river,150200,III
"""
WATER = """section,date,item,value
S1,2024-03-10,COD,18
S1,2024-03-10,NH3N,0.4
S1,2024-09-10,COD,22
S1,2024-09-10,NH3N,0.4
S2,2024-06-01,TP,0.08
S2,2024-06-01,COD,25
S2,2024-06-01,DO,6.5
S3,2024-05-01,NH3N,2.5
S3,2024-05-01,DO,6.5
"""
DUST = """region_code,station_code,start,end,note
150100,,2024-03-20 06:00,2024-03-20 18:00,测试沙尘
"""


def _day(station: str, day: str, values: dict[str, float], hours: int = 24) -> list[str]:
    """CSV lines of *hours* hour-end stamps of natural day *day* (01:00 … next 00:00)."""
    stamps = pd.date_range(pd.Timestamp(day) + pd.Timedelta(hours=1), periods=hours, freq="h")
    return [
        f"{station},{t:%Y-%m-%d %H:%M},{p},{v}" for t in stamps for p, v in values.items()
    ]  # a few hundred test rows


def _air_lines() -> list[str]:
    lines = ["station,time,pollutant,value"]
    for station, pm in (("T001", 70), ("T002", 90)):
        lines += _day(station, "2024-01-10", {"PM2.5": pm})
        lines += _day(station, "2024-01-11", {"PM2.5": pm}, hours=19)
        lines += _day(station, "2024-03-20", {"PM2.5": 30, "PM10": 300})
        lines += _day(station, "2026-02-27", {"PM2.5": 80})
        lines += _day(station, "2026-03-02", {"PM2.5": 80})
        lines += _day(station, "2026-03-03", {"PM2.5": 50})
    lines += _day("T003", "2024-01-10", {"PM2.5": 40})
    return lines


def _write(path: Path, text: str) -> Path:
    path.write_text(text, "utf-8")
    return path


def _load(store: Store, folder: Path) -> dict[str, str]:
    """Regions, a viewer and an admin (bearer tokens) and the hand-built monitoring data."""
    tokens: dict[str, str] = {}
    with store.session() as s:
        sync_regions(s)
        for name in ("viewer", "admin"):
            u = create_user(s, Actor.system("(test)"), username=name, password=PASSWORD, role=name)
            tokens[name], _ = create_token(s, Actor.system("(test)"), u, "tests")
    files = [
        ("stations", _write(folder / "stations.csv", STATIONS)),
        ("sections", _write(folder / "sections.csv", SECTIONS)),
        ("air", _write(folder / "air.csv", "\n".join(_air_lines()) + "\n")),
        ("water", _write(folder / "water.csv", WATER)),
        ("dust", _write(folder / "dust.csv", DUST)),
    ]
    for kind, path in files:
        res = IMPORTERS[kind](store, path)
        assert res.rejected == 0, (kind, res.rejections)
    return tokens


def _getter(client: TestClient, token: str) -> Callable[..., Any]:
    def get(path: str, status: int = 200) -> Any:
        r = client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == status, r.text
        return r.json() if path.startswith("/api/") else r.text

    return get


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Store, Any]]:
    """One SQLite store with the data, shared by the read-only tests (the registries and
    batches read through the same code on PostgreSQL: see the cache test, run on both)."""
    home = tmp_path_factory.mktemp("airwater")
    store = Store(make_settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    with mock.patch.object(users_mod, "_hasher", CHEAP_HASHER):
        tokens = _load(store, home)
    with TestClient(create_app(store=store, secret_key=SECRET)) as c:
        yield c, store, tokens
    store.dispose()


@pytest.fixture
def api(shared: tuple[TestClient, Store, dict[str, str]]) -> Callable[..., Any]:
    """``api(path, status=200)`` → JSON body (API) or HTML (pages) of a viewer's GET."""
    return _getter(shared[0], shared[2]["viewer"])


@pytest.fixture
def monitored(store: Store, tmp_path: Path) -> tuple[Store, dict[str, str]]:
    """A fresh store (SQLite and PostgreSQL) with the data, for the test that imports more."""
    return store, _load(store, tmp_path)


def _days(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["date"]: d for d in body["items"]}


# --- registry --------------------------------------------------------------------------------


def test_stations_registry_filters_and_pages(api: Any, shared: Any) -> None:
    monitored = shared[1]
    body = api("/api/stations?region=150100")
    assert [s["code"] for s in body["items"]] == ["T001", "T002", "T003"]  # 150102 is inside
    assert {s["code"]: s["synthetic"] for s in body["items"]} == {
        "T001": False,
        "T002": False,
        "T003": True,
    }
    national = api("/api/stations?region=150100&kind=national")
    assert [s["code"] for s in national["items"]] == ["T001", "T002"]
    page = api("/api/stations?limit=1&offset=1")
    assert (page["total"], page["limit"], page["offset"]) == (3, 1, 1)
    assert [s["code"] for s in page["items"]] == ["T002"]
    assert api("/api/stations?region=150200")["total"] == 0
    t1 = api("/api/stations/T001")
    assert (t1["kind"], t1["kind_zh"]) == ("national", "国控")
    assert [u["code"] for u in t1["units"]] == ["150100"]  # the city evaluates on 国控
    t3 = api("/api/stations/T003")
    assert [u["code"] for u in t3["units"]] == ["150102"]  # provincial: its county only
    err = api("/api/stations/NOPE", status=404)["error"]
    assert err["code"] == "not_found" and "NOPE" in err["message_en"]
    # years with data, read from the Parquet footers (hour-end stamps)
    assert airwater.air_years(monitored) == [2024, 2025, 2026]
    assert airwater.water_years(monitored) == [2024]


# --- daily AQI -------------------------------------------------------------------------------


def test_city_daily_aqi_by_hand(api: Any) -> None:
    body = api("/api/air/cities/150100/daily?year=2024")
    assert body["stations"] == ["T001", "T002"]  # national stations only
    assert body["editions"] == ["HJ 633-2012"] and body["edition_note"] is None
    days = _days(body)
    d = days["2024-01-10"]
    assert d["pm25"] == pytest.approx(80.0)  # (70 + 90) / 2
    assert (d["aqi"], d["level"], d["level_zh"], d["color"]) == (107, 3, "轻度污染", "#FF7E00")
    assert d["primary"] == ["PM2.5"] and d["edition"] == "HJ 633-2012" and not d["dust"]
    invalid = days["2024-01-11"]  # 19 hours < 20
    assert invalid["aqi"] is None and invalid["pm25"] is None and invalid["level"] is None
    dusty = days["2024-03-20"]
    assert (dusty["aqi"], dusty["level_zh"], dusty["primary"]) == (175, "中度污染", ["PM10"])
    assert dusty["dust"] is True
    assert body["total"] == 3 and body["synthetic"] is False

    # the edition follows the date
    body = api("/api/air/cities/150100/daily?year=2026")
    assert body["editions"] == ["HJ 633-2012", "HJ 633-2026"]
    assert "2026-03-01" in body["edition_note"]["zh"]
    days = _days(body)
    before, after = days["2026-02-27"], days["2026-03-02"]
    assert (before["version"], before["aqi"]) == ("2012", 107)
    assert (after["version"], after["edition"], after["aqi"]) == ("2026", "HJ 633-2026", 119)
    assert after["published"] is True  # AQI > 100 though pollutants are missing
    withheld = days["2026-03-03"]
    assert (withheld["aqi"], withheld["level_zh"], withheld["published"]) == (80, "良", False)


def test_station_and_county_series_paging_errors(api: Any) -> None:
    t1 = _days(api("/api/air/stations/T001/daily?year=2024"))
    assert (t1["2024-01-10"]["aqi"], t1["2024-01-10"]["level_zh"]) == (94, "良")
    county = api("/api/air/cities/150102/daily?year=2024")
    assert county["stations"] == ["T003"] and county["synthetic"] is True
    (day,) = county["items"]
    # PM2.5 40: 50 + (40 − 35)/40·50 = 56.25 → 57
    assert (day["date"], day["aqi"]) == ("2024-01-10", 57)
    page = api("/api/air/cities/150100/daily?year=2024&limit=1&offset=2")
    assert (page["total"], [d["date"] for d in page["items"]]) == (3, ["2024-03-20"])
    err = api("/api/air/cities/150000/daily?year=2024", status=422)["error"]
    assert err["code"] == "not_a_unit" and "自治区" in err["message_zh"]
    assert api("/api/air/cities/159999/daily", status=404)["error"]["code"] == "not_found"
    assert "year" in str(api("/api/air/cities/150100/daily?year=12", status=422)["error"])


# --- monthly and annual ----------------------------------------------------------------------


def test_monthly_statistics_and_annual_evaluation(api: Any) -> None:
    body = api("/api/air/cities/150100/monthly?year=2024")
    months = {m["month"]: m for m in body["items"]}
    assert len(months) == 12 and body["total"] == 12
    jan = months["2024-01"]  # one valid day, AQI 107
    assert (jan["valid_days"], jan["good_days"], jan["light_days"], jan["good_ratio"]) == (
        1,
        0,
        1,
        0.0,
    )
    assert jan["pollutants"]["pm25"]["rounded"] == 80
    assert jan["pollutants"]["pm25"]["statistic_zh"] == "PM2.5月平均浓度"
    mar = months["2024-03"]
    assert (mar["moderate_days"], mar["dust_days"]) == (1, 1)
    feb = months["2024-02"]
    assert (feb["valid_days"], feb["good_ratio"], feb["pollutants"]) == (0, None, {})

    # the annual evaluation, raw and dust deducted
    body = api("/api/air/evaluation?region=150100&year=2024")
    (unit,) = body["items"]
    raw, ded = unit["raw"], unit["dust_deducted"]
    assert (unit["unit"], unit["stations"], unit["dust_days"]) == ("150100", 2, 1)
    assert raw["edition"] == "HJ 663-2013 / GB 3095-2012"
    # PM2.5 annual mean of the valid days: (80 + 30)/2 = 55; without the dust day: 80
    assert raw["pollutants"]["pm25"]["value"] == pytest.approx(55.0)
    assert ded["pollutants"]["pm25"]["value"] == pytest.approx(80.0)
    assert raw["pollutants"]["pm10"]["value"] == pytest.approx(300.0)
    assert ded["pollutants"]["pm10"]["value"] is None  # its only day is the dust day
    # day counts: raw 2 valid days (107, 175); the dust day leaves the deducted counts
    assert (raw["valid_days"], raw["good_days"], raw["moderate_days"]) == (2, 0, 1)
    assert (ded["valid_days"], ded["deducted_days"]) == (1, 1)
    # 3 days of data miss GB 3095 Table 4 (≥ 324 days): compliance left open
    assert raw["valid"] is False and raw["pollutants"]["pm25"]["compliant"] is None
    assert raw["composite"] is None  # SO2, NO2, CO, O3 not monitored
    assert "detail" not in unit or unit["detail"] is None
    full = api("/api/air/evaluation?region=150100&year=2024&detail=true")["items"][0]
    assert full["detail"]["raw"]["days"]["valid_days"] == 2

    # the autonomous region: its twelve leagues/cities; 2026 under the new edition
    body = api("/api/air/evaluation?region=150000&year=2024")
    assert body["total"] == 12
    by_unit = {u["unit"]: u for u in body["items"]}
    assert by_unit["150100"]["raw"]["valid_days"] == 2
    assert by_unit["150200"]["raw"] is None and by_unit["150200"]["stations"] == 0
    later = api("/api/air/evaluation?region=150100&year=2026")["items"][0]
    assert later["raw"]["edition"] == "HJ 663-2026 / GB 3095-2026"
    assert later["raw"]["stage"] == "transition"


def test_anonymous_is_refused(shared: Any) -> None:
    client = shared[0]
    for path in ("/api/stations", "/api/air/evaluation", "/api/water/sections"):
        r = client.get(path)
        assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


# --- water -----------------------------------------------------------------------------------


def test_water_sections_classes_and_evaluation(api: Any) -> None:
    body = api("/api/water/sections")
    assert [s["code"] for s in body["items"]] == ["S1", "S2", "S3", "S4"]
    s1 = body["items"][0]
    assert (s1["target_class"], s1["target_class_zh"], s1["waterbody_type"]) == (
        "III",
        "Ⅲ类",
        "river",
    )
    assert s1["position"] == "seat" and s1["lon"] is not None  # no coordinates: near the seat
    assert [s["code"] for s in api("/api/water/sections?region=150200")["items"]] == ["S3", "S4"]

    # monthly classes with their deciding items
    body = api("/api/water/sections/S1/classes?year=2024")
    months = {m["period"]: m for m in body["items"]}
    assert list(months) == ["2024-03", "2024-09"]
    mar, sep = months["2024-03"], months["2024-09"]
    # March: COD 18 → III (15 < 18 ≤ 20), NH3N 0.4 → II: class III, set by COD
    assert (mar["water_class"], mar["class_zh"], mar["meets_target"]) == ("III", "Ⅲ类", True)
    assert [i["item"] for i in mar["deciding_items"]] == ["COD"]
    # September: COD 22 → IV (20 < 22 ≤ 30): worse than the target III
    assert (sep["water_class"], sep["meets_target"]) == ("IV", False)
    assert [(i["item"], i["class"]) for i in sep["failing_items"]] == [("COD", "IV")]
    # annual mean COD (18 + 22)/2 = 20 → III: meets the target
    assert (body["annual"]["water_class"], body["annual"]["meets_target"]) == ("III", True)
    assert api("/api/water/sections/NOPE/classes?year=2024", status=404)["error"]["code"] == (
        "not_found"
    )

    # the annual evaluation: classes, compliance, shares per league/city
    body = api("/api/water/evaluation?region=150000&year=2024")
    sec = {s["code"]: s for s in body["items"]}
    assert sec["S1"]["water_class"] == "III" and sec["S1"]["meets_target"] is True
    # lake: TP 0.08 → IV (lake limits), COD 25 → IV, DO 6.5 → II: both IV items decide
    assert sec["S2"]["water_class"] == "IV"
    assert [i["item"] for i in sec["S2"]["deciding_items"]] == ["COD", "TP"]
    assert sec["S3"]["water_class"] == "劣V" and sec["S3"]["meets_target"] is False
    assert [i["item"] for i in sec["S3"]["deciding_items"]] == ["NH3N"]
    assert sec["S4"]["water_class"] is None and sec["S4"]["meets_target"] is None
    summary = {r["region_code"]: r for r in body["summary"]}
    region = summary["150000"]
    # three sections with a class: I–III {S1} = 1/3, 劣V {S3} = 1/3, targets met {S1, S2}
    assert region["n_sections"] == 3
    assert region["share_I_III"] == pytest.approx(33.3)
    assert region["share_worse_V"] == pytest.approx(33.3)
    assert (region["meets_target"], region["with_target"]) == (2, 3)
    assert region["compliance_ratio"] == pytest.approx(66.7)
    assert summary["150200"]["share_worse_V"] == 100.0
    assert set(summary) == {"150000", "150100", "150200", "150900"}
    city = api("/api/water/evaluation?region=150200&year=2024")
    assert [s["code"] for s in city["items"]] == ["S3", "S4"]


# --- cache -----------------------------------------------------------------------------------


def test_cache_serves_repeats_and_an_import_invalidates_it(
    monitored: tuple[Store, dict[str, str]], tmp_path: Path
) -> None:
    store, tokens = monitored
    with TestClient(create_app(store=store, secret_key=SECRET)) as client:
        _cache_and_import(store, _getter(client, tokens["viewer"]), tmp_path)


def _cache_and_import(monitored: Store, api: Callable[..., Any], tmp_path: Path) -> None:
    api("/api/air/cities/150100/daily?year=2024")
    before = airwater.cache_info(monitored)
    again = api("/api/air/cities/150100/daily?year=2024")
    after = airwater.cache_info(monitored)
    assert after["computed"] == before["computed"]  # served from the cache
    assert len(again["items"]) == 3
    # a new import (one more day) moves the data version on: the next answer sees it
    extra = ["station,time,pollutant,value"]
    extra += _day("T001", "2024-02-01", {"PM2.5": 20}) + _day("T002", "2024-02-01", {"PM2.5": 20})
    path = _write(tmp_path / "air2.csv", "\n".join(extra) + "\n")
    assert IMPORTERS["air"](monitored, path).rejected == 0
    fresh = api("/api/air/cities/150100/daily?year=2024")
    assert airwater.cache_info(monitored)["version"] > after["version"]
    assert _days(fresh)["2024-02-01"]["aqi"] == 29  # 20·50/35 = 28.6 → 29
    assert api("/api/water/evaluation?year=2024")["summary"][0]["n_sections"] == 3


# --- pages -----------------------------------------------------------------------------------


def test_air_and_water_pages(api: Any) -> None:
    r = api("/air?city=150100&year=2026")
    assert 'id="aqi-calendar-data"' in r and "HJ 633-2026" in r
    assert 'id="edition-note"' in r and "HJ 663-2026 / GB 3095-2026" in r
    county = api("/air?city=150102&year=2024")
    assert "演示数据（合成）" in county  # T003 is synthetic
    assert "leagues-table" in api("/air/leagues?year=2024&current=150100")
    w = api("/water?year=2024")
    assert "测试岱海断面" in w and "未达标" in w and "劣Ⅴ类" in w
    assert "monthly-classes" in api("/water/sections/S1?year=2024")
    assert "Surface water quality" in api("/water?year=2024&lang=en")
    assert "自治区" in api("/air?city=150000", status=422)
    # navigation: 空气 and 水 are links now
    assert 'href="/air"' in r and 'href="/water"' in r


# --- the deciding items follow the scalar rule -----------------------------------------------

_ITEMS = ("pH", "DO", "COD", "NH3N", "TP", "CODMn")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=hs.lists(
        hs.tuples(
            hs.sampled_from(("river", "lake")),
            hs.lists(
                hs.one_of(hs.none(), hs.floats(0.0, 14.0, allow_nan=False)),
                min_size=len(_ITEMS),
                max_size=len(_ITEMS),
            ),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_class_rows_match_the_scalar_classification(
    rows: list[tuple[str, list[float | None]]],
) -> None:
    """For any samples, the class and deciding items equal :func:`standards.water.classify`."""
    data = []
    registry = []
    for k, (wb, values) in enumerate(rows):
        data.append(
            {"section": f"X{k}", "period": "2024"}
            | {i: (np.nan if v is None else v) for i, v in zip(_ITEMS, values, strict=True)}
        )
        registry.append((f"X{k}", f"断面{k}", "水", wb, "150100", "III"))
    means = pd.DataFrame(data)
    reg = pd.DataFrame(
        registry,
        columns=["code", "name", "water_body", "waterbody_type", "region_code", "target_class"],
    )
    out = airwater.class_rows(classify_sections(means, reg))
    for (wb, values), row in zip(rows, out, strict=True):
        sample = {i: v for i, v in zip(_ITEMS, values, strict=True) if v is not None}
        if not sample:
            assert row["water_class"] is None and row["deciding_items"] == []
            continue
        ref = classify(sample, "lake" if wb == "lake" else "river")
        assert row["water_class"] == ref.water_class
        assert [i["item"] for i in row["deciding_items"]] == ref.deciding_items
        assert row["meets_target"] == ref.meets("III")


def test_without_any_monitoring_data(store: Store) -> None:
    """A fresh installation (regions, no stations, no samples): empty answers, working pages."""
    with store.session() as s:
        sync_regions(s)
        u = create_user(
            s, Actor.system("(test)"), username="viewer", password=PASSWORD, role="viewer"
        )
        token, _ = create_token(s, Actor.system("(test)"), u, "tests")
    with TestClient(create_app(store=store, secret_key=SECRET)) as client:
        get = _getter(client, token)
        assert get("/api/stations")["total"] == 0
        daily = get("/api/air/cities/150100/daily?year=2024")
        assert (daily["stations"], daily["items"], daily["days"]) == ([], [], 0)
        assert get("/api/air/evaluation?year=2024")["items"][0]["raw"] is None
        water = get("/api/water/evaluation?year=2024")
        assert (water["items"], water["summary"]) == ([], [])
        assert "aqi-calendar-empty" in get("/air?city=150100&year=2024")
        assert "water-map" in get("/water?year=2024")
