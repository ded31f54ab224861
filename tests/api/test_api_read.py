"""Read endpoints of the JSON API, on SQLite and PostgreSQL: regions, plans, indicators,
overview, health, OpenAPI; paging envelope; the published subset for anonymous callers."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

ENVELOPE = {"items", "total", "limit", "offset"}


def test_regions_paging_and_filters(client: TestClient) -> None:
    r = client.get("/api/regions", params={"limit": 5, "offset": 1})
    body = r.json()
    assert r.status_code == 200 and set(body) == ENVELOPE
    # 1 province + 12 leagues/cities + 103 counties (GB/T 2260, regions.csv)
    assert (body["total"], body["limit"], body["offset"]) == (116, 5, 1)
    assert [i["code"] for i in body["items"]] == ["150100", "150200", "150300", "150400", "150500"]
    leagues = client.get("/api/regions", params={"level": "prefecture", "limit": 100}).json()
    assert leagues["total"] == 12 and all(i["parent"] == "150000" for i in leagues["items"])
    under_baotou = client.get("/api/regions", params={"parent": "150200"}).json()
    assert under_baotou["total"] > 0
    assert all(i["code"].startswith("1502") for i in under_baotou["items"])


def test_regions_bad_query_is_422_with_fields(client: TestClient) -> None:
    r = client.get("/api/regions", params={"level": "town"})
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid"
    assert err["fields"][0]["loc"] == "query.level"
    assert " / " in err["message"]  # Chinese / English
    assert client.get("/api/regions", params={"limit": 0}).status_code == 422
    assert client.get("/api/regions", params={"offset": -1}).status_code == 422


def test_region_detail(client: TestClient) -> None:
    r = client.get("/api/regions/150203")  # 昆都仑区, a district of 包头市
    body = r.json()
    assert r.status_code == 200 and body["name_zh"] == "昆都仑区"
    assert [a["code"] for a in body["ancestors"]] == ["150200", "150000"]
    assert body["children"] == [] and body["lon"] is not None
    top = client.get("/api/regions/150000").json()
    assert len(top["children"]) == 12 and top["ancestors"] == []
    missing = client.get("/api/regions/159999")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_plans_anonymous_see_only_published(client: TestClient, accounts: Any) -> None:
    anon = client.get("/api/plans").json()
    assert [p["id"] for p in anon["items"]] == ["test-plan"] and anon["total"] == 1
    assert anon["items"][0]["published"] is True
    viewer = client.get("/api/plans", headers=accounts.auth("viewer")).json()
    assert sorted(p["id"] for p in viewer["items"]) == ["draft-plan", "test-plan"]
    draft = next(p for p in viewer["items"] if p["id"] == "draft-plan")
    assert draft["published"] is False and draft["origin"] == "imported"
    counts = (draft["indicators"], draft["baselines"], draft["targets"], draft["tasks"])
    assert counts == (2, 1, 2, 2)


def test_plan_detail_export_shape(client: TestClient, accounts: Any) -> None:
    r = client.get("/api/plans/test-plan")
    d = r.json()
    assert r.status_code == 200 and d["id"] == "test-plan" and d["published"] is True
    assert d["indicator_categories"] == [{"code": "air", "name_zh": "大气环境", "name_en": "Air"}]
    assert [i["code"] for i in d["indicators"]] == ["T-PM25", "T-GRASS"]
    assert d["tasks"][1]["parent"] == "C1"
    # unpublished: 401 for anonymous, 200 with a token; unknown: 404
    r = client.get("/api/plans/draft-plan")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"
    assert client.get("/api/plans/draft-plan", headers=accounts.auth("viewer")).status_code == 200
    assert client.get("/api/plans/nope").status_code == 404


def test_indicators_filters(client: TestClient) -> None:
    r = client.get("/api/plans/test-plan/indicators")
    body = r.json()
    assert set(body) == ENVELOPE and body["total"] == 2
    pm = body["items"][0]
    assert pm["code"] == "T-PM25" and pm["category_name_zh"] == "大气环境"
    assert pm["baselines"][0]["quote"] == "细颗粒物41"
    only_binding = client.get("/api/plans/test-plan/indicators", params={"binding": "binding"})
    assert [i["code"] for i in only_binding.json()["items"]] == ["T-PM25"]
    none = client.get("/api/plans/test-plan/indicators", params={"binding": "none"}).json()
    assert [i["code"] for i in none["items"]] == ["T-GRASS"]
    air = client.get("/api/plans/test-plan/indicators", params={"category": "air"}).json()
    assert [i["code"] for i in air["items"]] == ["T-PM25"]
    paged = client.get("/api/plans/test-plan/indicators", params={"limit": 1, "offset": 1}).json()
    assert [i["code"] for i in paged["items"]] == ["T-GRASS"] and paged["total"] == 2
    bad_cat = client.get("/api/plans/test-plan/indicators", params={"category": "water"})
    assert bad_cat.status_code == 422 and "air" in bad_cat.json()["error"]["message_en"]
    bad_binding = client.get("/api/plans/test-plan/indicators", params={"binding": "maybe"})
    assert bad_binding.status_code == 422
    assert client.get("/api/plans/nope/indicators").status_code == 404
    assert client.get("/api/plans/draft-plan/indicators").status_code == 401


def test_indicator_detail(client: TestClient) -> None:
    r = client.get("/api/plans/test-plan/indicators/T-GRASS")
    ind = r.json()
    assert r.status_code == 200 and ind["plan_id"] == "test-plan"
    t = ind["targets"][0]
    assert (t["region_code"], t["comparator"], t["value"], t["kind"]) == (
        "150000",
        ">=",
        45.0,
        "maintain",
    )
    assert t["quote"] == "稳定在45%以上"
    missing = client.get("/api/plans/test-plan/indicators/NOPE")
    assert missing.status_code == 404 and "NOPE" in missing.json()["error"]["message_en"]


def test_overview_league_map_counts_targets_per_league(client: TestClient, accounts: Any) -> None:
    anon = client.get("/api/overview/league-map").json()
    leagues = anon["leagues"]
    assert anon["measure"] == "targets" and len(leagues) == 12
    # test-plan: T-PM25 has one target for 150100; T-GRASS's target is for 150000 (not a league)
    assert leagues["150100"]["value"] == 1 and leagues["150200"]["value"] == 0
    assert leagues["150100"]["label"] == "呼和浩特市 · 1 项目标"
    assert leagues["150200"]["color"] == "#e0e0e0"  # no value: grey
    # logged in, the draft plan counts too (its PM2.5 target is for 150100)
    viewer = client.get("/api/overview/league-map", headers=accounts.auth("viewer")).json()
    assert viewer["leagues"]["150100"]["value"] == 2
    en = client.get("/api/overview/league-map", params={"lang": "en"}).json()
    assert en["leagues"]["150100"]["label"] == "Hohhot · 1 targets"


def test_health_docs_openapi(client: TestClient) -> None:
    h = client.get("/api/health").json()
    assert h["status"] == "ok" and h["database"] in ("sqlite", "postgresql")
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in (
        "/api/regions",
        "/api/regions/{code}",
        "/api/plans",
        "/api/plans/{plan_id}",
        "/api/plans/{plan_id}/indicators",
        "/api/plans/{plan_id}/indicators/{code}",
        "/api/users",
        "/api/tokens",
        "/api/audit",
    ):
        assert p in paths
    assert "/login" not in paths  # pages stay out of the API document
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs.text
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200


def test_unknown_api_path_is_json_404(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["message"] == "未找到请求的内容 / Nothing was found at this address"


def test_security_headers(client: TestClient) -> None:
    r = client.get("/public")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
