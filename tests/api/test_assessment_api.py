"""Assessment in the web: ``/api/plans/{id}/values|assessment|ranking|indicators/{code}/
assessment``, the status map, the result cache (computed once per data version; an import
invalidates it) and the pages built on them.

The store is small and hand-built: a regional plan ``mini`` (150000, 2021–2025) with a binding
PM2.5 indicator (baseline 30 in 2020, target ≤ 25 in 2025), an expected forest-cover
indicator (target ≥ 24 in 2025) and a qualitative one, plus indicator values imported from a
CSV through the importer the API uses. The leagues inherit the regional targets.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.api.assessment_cache import cache_for
from ecoplan.api.routes_assessment import SHARE_CLASSES, share_color, source_info
from ecoplan.assess.run import run_assessment
from ecoplan.ingest.importers import IMPORTERS
from ecoplan.store import warehouse
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions

SMALL = Path(__file__).parents[1] / "data" / "small_plan.yaml"

MINI_PLAN = """
id: mini
title_zh: 小型区域规划
title_en: Mini regional plan
issuer_zh: 测试机关
region: "150000"
period_start: 2021
period_end: 2025
source_doc: test
indicator_categories:
  - {code: air, name_zh: 大气环境, name_en: Air}
  - {code: eco, name_zh: 生态保护, name_en: Ecology}
indicators:
  - code: M-FOREST
    name_zh: 森林覆盖率
    name_en: Forest cover
    category: eco
    binding: expected
    unit: "%"
    direction: higher
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 24,
         source: {file: test, quote: 达到24%}}
  - code: M-PM25
    name_zh: 细颗粒物年均浓度
    name_en: PM2.5 annual mean
    category: air
    binding: binding
    unit: µg/m³
    direction: lower
    baselines:
      - {region: "150000", year: 2020, value: 30, source: {file: test, quote: 基准30}}
    targets:
      - {region: "150000", year: 2025, comparator: "<=", value: 25,
         source: {file: test, quote: 25以下}}
  - code: M-QUAL
    name_zh: 生态环境质量
    name_en: Eco-environment quality
    category: eco
    unit: "—"
    direction: higher
    qualitative_targets:
      - {region: "150000", year: 2025, text_zh: 持续改善, source: {file: test, quote: 持续改善}}
"""

VALUES = """indicator_code,region_code,year,value,plan_id
M-PM25,150000,2021,29,mini
M-PM25,150000,2022,28,mini
M-PM25,150000,2023,27,mini
M-PM25,150100,2023,20,mini
M-PM25,150200,2020,40,mini
M-PM25,150200,2023,40,mini
M-FOREST,150000,2023,24.5,mini
M-FOREST,150100,2021,21,mini
M-FOREST,150100,2023,23,mini
M-FOREST,150200,2023,30,mini
"""


def load_mini(store: Store, tmp_path: Path) -> str:
    """The mini plan (embedded: published) and its values; returns the values' batch id."""
    plan = tmp_path / "mini.yaml"
    plan.write_text(MINI_PLAN, "utf-8")
    with store.session() as s:
        import_plan_file(s, plan, origin="embedded")
    values = tmp_path / "values.csv"
    values.write_text(VALUES, "utf-8")
    res = IMPORTERS["indicators"](store, values, user="test")
    assert res.accepted == 10 and res.rejected == 0 and res.batch_id
    return res.batch_id


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    """Regions, the small test plan (published, 150100), a draft copy (150200) and the mini
    plan with its values (overrides conftest's ``seeded``: accounts, app, client use it)."""
    draft = yaml.safe_load(SMALL.read_text("utf-8")) | {"id": "draft-plan", "region": "150200"}
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), "utf-8")
    with store.session() as s:
        sync_regions(s)
        import_plan_file(s, SMALL, origin="embedded")
        import_plan_file(s, tmp_path / "draft.yaml")
    store.batch_id = load_mini(store, tmp_path)  # type: ignore[attr-defined]
    return store


def _engine(store: Store, year: int) -> Any:
    con = warehouse.connect(store=store)
    try:
        with store.session() as s:
            return run_assessment(s, "mini", year, con=con)
    finally:
        con.close()


def _json_block(html: str, block_id: str) -> Any:
    m = re.search(
        rf'<script type="application/json" id="{block_id}-data">(.*?)</script>', html, re.S
    )
    assert m, f"no data block {block_id}"
    return json.loads(m.group(1))


# ------------------------------------------------------------------------------------- API


def test_assessment_rows_are_the_engine_rows_binding_first(
    client: TestClient, accounts: Any, seeded: Store
) -> None:
    auth = accounts.auth("viewer")
    r = client.get("/api/plans/mini/assessment", headers=auth)
    assert r.status_code == 200, r.text
    body = r.json()
    # default year: the latest year with data (values go to 2023; no warehouse)
    assert body["year"] == 2023 and body["plan_id"] == "mini"
    assert body["regions"][0] == "150000" and len(body["regions"]) == 13  # region + 12 leagues
    engine = _engine(seeded, 2023)
    assert body["total"] == len(engine.rows) == 26  # 2 indicators with targets × 13 regions
    expected = [row.to_dict() for row in engine.rows][:50]
    got = [
        {k: v for k, v in i.items() if k not in ("status_en", "status_color")}
        for i in body["items"]
    ]
    assert got == json.loads(json.dumps(expected))
    assert [i["binding"] for i in body["items"][:13]] == ["binding"] * 13  # binding first
    assert body["counts"] == {
        s: sum(1 for row in engine.rows if row.status.value == s)
        for s in ("achieved", "on_track", "at_risk", "off_track", "no_data")
    }
    assert body["data_version"].startswith(f"{body['data_version'].split('-')[0]}-")
    # paging envelope
    page = client.get("/api/plans/mini/assessment", params={"limit": 3, "offset": 2}, headers=auth)
    assert [i["region_code"] for i in page.json()["items"]] == [
        i["region_code"] for i in body["items"][2:5]
    ]
    assert page.json()["limit"] == 3 and page.json()["offset"] == 2


def test_hand_checked_statuses_and_filters(client: TestClient, accounts: Any) -> None:
    auth = accounts.auth("viewer")

    def rows(**params: Any) -> list[dict[str, Any]]:
        r = client.get("/api/plans/mini/assessment", params=params | {"year": 2023}, headers=auth)
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    pm = {i["region_code"]: i for i in rows(category="air")}
    assert set(pm) == {
        "150000",
        *[f"15{n:02d}00" for n in range(1, 10)],
        "152200",
        "152500",
        "152900",
    }
    # 150000: baseline 30 (2020, plan); points 30, 29, 28, 27 → OLS slope −1 µg/m³/yr; required
    # (25 − 30) / (2025 − 2020) = −1 → R = 1 ≥ 0.95: on track; projection 27 − 1·2 = 25
    assert pm["150000"]["status"] == "on_track" and pm["150000"]["ratio"] == pytest.approx(1.0)
    assert pm["150000"]["projection"] == pytest.approx(25.0)
    # 150200: 40 in 2020 and 2023, no plan baseline → data baseline 40; slope 0 → R = 0: off track
    assert pm["150200"]["status"] == "off_track" and pm["150200"]["inherited"] is True
    # 150100: 20 ≤ 25 → achieved; 150300 has no value → no data
    assert pm["150100"]["status"] == "achieved" and pm["150300"]["status"] == "no_data"
    assert [i["region_code"] for i in rows(status="achieved", binding="binding")] == ["150100"]
    only = rows(region="150200")
    assert [(i["indicator_code"], i["status"]) for i in only] == [
        ("M-PM25", "off_track"),
        ("M-FOREST", "achieved"),  # 30 ≥ 24
    ]
    assert rows(binding="none") == []
    bad = client.get("/api/plans/mini/assessment", params={"category": "nope"}, headers=auth)
    assert bad.status_code == 422 and "nope" in bad.json()["error"]["message_en"]
    assert (
        client.get("/api/plans/mini/assessment", params={"status": "x"}, headers=auth).status_code
        == 422
    )
    # a county is assessed in a run of its own (inherits the regional target, has no values)
    county = client.get("/api/plans/mini/assessment", params={"region": "150102"}, headers=auth)
    assert county.status_code == 200 and county.json()["regions"] == ["150102"]
    assert {i["status"] for i in county.json()["items"]} == {"no_data"}
    outside = client.get(
        "/api/plans/test-plan/assessment", params={"region": "150200"}, headers=auth
    )
    assert outside.status_code == 422  # 包头 is not inside the Hohhot test plan


def test_access_rules(client: TestClient, accounts: Any) -> None:
    for path in (
        "/api/plans/mini/assessment",
        "/api/plans/mini/ranking",
        "/api/plans/mini/values",
        "/api/plans/mini/indicators/M-PM25/assessment",
    ):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers=accounts.auth("viewer")).status_code == 200, path
    assert (
        client.get("/api/plans/nope/assessment", headers=accounts.auth("viewer")).status_code == 404
    )
    # drafts are visible to logged-in accounts only, and assessed for them
    draft = client.get("/api/plans/draft-plan/ranking", headers=accounts.auth("editor"))
    assert draft.status_code == 200


def test_ranking_matches_the_engine(client: TestClient, accounts: Any, seeded: Store) -> None:
    r = client.get("/api/plans/mini/ranking", params={"year": 2023}, headers=accounts.auth("admin"))
    assert r.status_code == 200
    items = r.json()["items"]
    assert items == json.loads(json.dumps([x.to_dict() for x in _engine(seeded, 2023).ranking]))
    # 150100: PM2.5 achieved (100) in air, forest on track (80) in eco → mean of categories 90;
    # 150200: PM2.5 off track (0), forest achieved (100) → 50; the others have no data (unranked)
    top = {i["region_code"]: i for i in items}
    assert top["150100"]["rank"] == 1 and top["150100"]["score"] == pytest.approx(90.0)
    assert top["150200"]["rank"] == 2 and top["150200"]["score"] == pytest.approx(50.0)
    assert top["150300"]["rank"] is None and top["150300"]["note_zh"]


def test_values_carry_their_sources(client: TestClient, accounts: Any, seeded: Store) -> None:
    batch = seeded.batch_id  # type: ignore[attr-defined]
    r = client.get(
        "/api/plans/mini/values", params={"region": "150000"}, headers=accounts.auth("viewer")
    )
    assert r.status_code == 200
    items = r.json()["items"]
    pm = [
        (i["year"], i["value"], i["source_kind"]) for i in items if i["indicator_code"] == "M-PM25"
    ]
    assert pm == [
        (2020, 30.0, "baseline"),
        (2021, 29.0, "imported"),
        (2022, 28.0, "imported"),
        (2023, 27.0, "imported"),
    ]
    imported = [i for i in items if i["source_kind"] == "imported"]
    assert {i["batch_id"] for i in imported} == {batch}
    assert {i["file_name"] for i in imported} == {"values.csv"}
    base = next(i for i in items if i["source_kind"] == "baseline")
    assert "基准30" in base["source"]
    # the year bounds the values; one indicator only
    early = client.get(
        "/api/plans/mini/values",
        params={"year": 2021, "indicator": "M-PM25"},
        headers=accounts.auth("viewer"),
    ).json()
    assert {i["year"] for i in early["items"]} <= {2020, 2021}
    assert {i["indicator_code"] for i in early["items"]} == {"M-PM25"}


def test_source_strings_are_classified() -> None:
    imported = source_info(
        "imported: values.csv sha256:0123456789ab batch 11111111-2222-3333-4444-555555555555"
    )
    assert imported["source_kind"] == "imported" and imported["file_name"] == "values.csv"
    assert imported["batch_id"] == "11111111-2222-3333-4444-555555555555"
    derived = source_info("derived: air.pm25_annual_mean (HJ 663-2013, 5 站, 未扣沙)")
    assert derived["source_kind"] == "derived" and derived["batch_id"] is None
    assert source_info("baseline: test «基准30»")["source_kind"] == "baseline"


def test_indicator_assessment_per_region(client: TestClient, accounts: Any) -> None:
    r = client.get(
        "/api/plans/mini/indicators/M-PM25/assessment",
        params={"year": 2023},
        headers=accounts.auth("viewer"),
    )
    assert r.status_code == 200
    body = r.json()
    assert body["assessed"] is True and body["indicator"]["code"] == "M-PM25"
    assert len(body["regions"]) == 13
    region = body["regions"][0]
    assert region["region_code"] == "150000" and len(region["series"]) == 4
    chart = region["chart"]
    assert chart["target"] == {"value": 25.0, "year": 2025, "comparator": "<=", "kind": "reach"}
    assert chart["projection"] == [[2023, 27.0], [2025, pytest.approx(25.0)]]
    assert chart["baseline"][:2] == [2020, 30.0]
    qual = client.get(
        "/api/plans/mini/indicators/M-QUAL/assessment", headers=accounts.auth("viewer")
    ).json()
    assert qual["assessed"] is False and qual["regions"] == []
    missing = client.get(
        "/api/plans/mini/indicators/NOPE/assessment", headers=accounts.auth("viewer")
    )
    assert missing.status_code == 404


# ----------------------------------------------------------------------------------- cache


def test_cache_computes_once_for_concurrent_requests_and_imports_invalidate(
    seeded: Store, tmp_path: Path
) -> None:
    cache = cache_for(seeded)
    cache.clear()
    before = cache.computations
    results: list[Any] = []
    barrier = threading.Barrier(20)

    def ask() -> None:
        barrier.wait()
        results.append(cache.get("mini", 2023))

    threads = [threading.Thread(target=ask) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.computations - before == 1  # 20 concurrent first requests, one computation
    assert len({id(r.result) for r in results}) == 1
    v1 = results[0].version
    # a new import batch changes the data version: the next request recomputes and sees it
    more = tmp_path / "more.csv"
    more.write_text("indicator_code,region_code,year,value,plan_id\nM-PM25,150300,2023,22,mini\n")
    assert IMPORTERS["indicators"](seeded, more, user="test").accepted == 1
    again = cache.get("mini", 2023)
    assert (
        again.version.batch_seq == v1.batch_seq + 1 and again.version.plan_sha256 == v1.plan_sha256
    )
    assert cache.computations - before == 2
    row = next(
        r for r in again.result.rows if (r.indicator_code, r.region_code) == ("M-PM25", "150300")
    )
    assert row.status.value == "achieved"  # 22 ≤ 25
    assert cache.get("mini", 2023) is again  # unchanged data: served from the cache


def test_share_colour_classes() -> None:
    # lower bounds 80/60/40/20/0 %: 4/5 = 80 % is the top class, 3/5 = 60 % the second
    assert share_color(4 / 5) == SHARE_CLASSES[0][1]
    assert share_color(3 / 5) == SHARE_CLASSES[1][1]
    assert share_color(0.59) == SHARE_CLASSES[2][1]
    assert share_color(0.0) == SHARE_CLASSES[-1][1]
    assert share_color(None) == "#bdbdbd"


@given(st.floats(0, 1), st.floats(0, 1))
def test_share_colour_never_gets_better_for_a_lower_share(a: float, b: float) -> None:
    order = [c for _, c in SHARE_CLASSES]  # best first
    lo, hi = sorted((a, b))
    assert order.index(share_color(lo)) >= order.index(share_color(hi))


def test_league_map_api_by_status(client: TestClient, accounts: Any) -> None:
    plain = client.get("/api/overview/league-map").json()
    assert plain["measure"] == "targets"  # unchanged without a plan
    assert client.get("/api/overview/league-map", params={"plan": "mini"}).status_code == 401
    r = client.get(
        "/api/overview/league-map",
        params={"plan": "mini", "year": 2023},
        headers=accounts.auth("viewer"),
    )
    body = r.json()
    assert body["measure"] == "status" and body["year"] == 2023 and len(body["leagues"]) == 12
    leagues = body["leagues"]
    # 150100: PM2.5 achieved, forest on track → 2/2 = 100 %; 150200: off track + achieved → 50 %
    assert leagues["150100"]["value"] == 100.0 and leagues["150100"]["color"] == SHARE_CLASSES[0][1]
    assert leagues["150200"]["value"] == 50.0 and leagues["150200"]["color"] == SHARE_CLASSES[2][1]
    assert leagues["150300"]["value"] is None and leagues["150300"]["color"] == "#bdbdbd"
    assert leagues["150200"]["href"] == "/plans/mini/indicators?year=2023&region=150200"
    assert "1/2" in leagues["150200"]["label"] and "第 2 名" in leagues["150200"]["label"]


# ----------------------------------------------------------------------------------- pages


def test_overview_page_map_headline_ranking(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/", params={"plan": "mini", "year": 2023})
    assert r.status_code == 200 and "<h1>总览</h1>" in r.text
    data = _json_block(r.text, "league-map")
    assert len(data) == 12 and data["150100"]["color"] == SHARE_CLASSES[0][1]
    assert data["150200"]["color"] == SHARE_CLASSES[2][1]
    assert "已达标”或“进展顺利”的指标占有数据指标的比例" in r.text  # the legend states the measure
    assert 'id="ranking"' in r.text and 'id="headline-cards"' in r.text
    assert "/static/js/assessment.js" in r.text
    # binding first in the headline table
    headline = r.text[r.text.index('id="headline-rows"') :]
    assert headline.index("细颗粒物年均浓度") < headline.index("森林覆盖率")
    # default: the only regional plan with targets here is not a default one → the first
    # assessable plan; unknown plan → 404
    assert c.get("/").status_code == 200
    assert c.get("/", params={"plan": "nope"}).status_code == 404
    en = c.get("/", params={"plan": "mini", "year": 2023, "lang": "en"})
    assert "achieved or on track" in _json_block(en.text, "league-map")["150100"]["label"]


def test_indicator_list_and_detail_pages(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/plans/mini/indicators", params={"year": 2023, "region": "150200"})
    assert r.status_code == 200
    assert 'data-status="off_track"' in r.text and 'data-status="not_assessed"' in r.text
    only = c.get(
        "/plans/mini/indicators", params={"year": 2023, "region": "150200", "status": "achieved"}
    )
    assert "/indicators/M-FOREST" in only.text and "/indicators/M-PM25" not in only.text
    assert c.get("/plans/mini/indicators", params={"region": "999999"}).status_code == 422
    assert c.get("/plans/mini/indicators", params={"status": "bad"}).status_code == 422
    d = c.get("/plans/mini/indicators/M-PM25", params={"year": 2023, "region": "150000"})
    assert d.status_code == 200
    trend = _json_block(d.text, "indicator-chart")
    assert [v[:2] for v in trend["values"]] == [
        [2020, 30.0],
        [2021, 29.0],
        [2022, 28.0],
        [2023, 27.0],
    ]
    assert trend["target"]["value"] == 25.0 and trend["projection"][1][0] == 2025
    assert 'id="region-status"' in d.text and 'id="value-sources"' in d.text
    assert "values.csv" in d.text  # the source of every value
    q = c.get("/plans/mini/indicators/M-QUAL")
    assert q.status_code == 200 and "trend-chart" not in q.text


def test_public_portal_shows_statuses_not_sources(client: TestClient) -> None:
    r = client.get("/public", params={"plan": "mini"})
    assert r.status_code == 200 and "小型区域规划" in r.text
    assert 'data-status="on_track"' in r.text  # PM2.5 at the plan's region
    assert "values.csv" not in r.text and "imported:" not in r.text and "/imports" not in r.text
    data = _json_block(r.text, "public-map")
    assert data["150100"]["color"] == SHARE_CLASSES[0][1]
    assert client.get("/public", params={"plan": "draft-plan"}).status_code == 404


def test_openapi_lists_the_assessment_endpoints(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert {
        "/api/plans/{plan_id}/values",
        "/api/plans/{plan_id}/assessment",
        "/api/plans/{plan_id}/ranking",
        "/api/plans/{plan_id}/indicators/{code}/assessment",
    } <= paths
