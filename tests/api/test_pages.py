"""Server-rendered pages: what each shows, who may open it, the language switch, and the
forms that write (plan upload/delete, accounts) — all through the same store functions as the
API."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.routing import Match

from ecoplan.api.templating import NAV
from ecoplan.store import audit
from ecoplan.store.db import Store

SMALL = Path(__file__).parents[1] / "data" / "small_plan.yaml"


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: pages use the store functions the API tests run on both databases."""
    return f"sqlite:///{tmp_path / 'ecoplan.db'}"


def _map_data(html: str, map_id: str) -> dict[str, Any]:
    m = re.search(rf'<script type="application/json" id="{map_id}-data">(.*?)</script>', html, re.S)
    assert m, f"no data for map {map_id}"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


def test_overview_has_the_league_map_and_the_plans(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/", params={"plan": "test-plan"})
    assert r.status_code == 200 and "<h1>总览</h1>" in r.text
    data = _map_data(r.text, "league-map")
    # coloured by assessment status: Hohhot is covered by the plan but has no values (grey),
    # the other leagues are not covered by this city plan (light grey)
    assert len(data) == 12 and data["150100"]["value"] is None
    assert data["150100"]["color"] == "#bdbdbd" and data["150200"]["color"] == "#eeeeee"
    assert set(data["150100"]) == {"value", "color", "label", "href"}
    assert "/static/vendor/echarts/echarts.min.js" in r.text and "/static/js/charts.js" in r.text
    assert 'href="/plans/test-plan/indicators"' in r.text and "未公开" in r.text  # draft marked


def test_navigation_links_only_sections_that_exist(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    html = c.get("/plans").text
    for key, path in (("overview", "/"), ("indicators", "/plans"), ("public", "/public")):
        assert f'<a href="{path}" class="' in html and f'data-nav="{key}"' in html
    assert re.search(r'<a href="/plans" class="active" data-nav="indicators">', html)

    def exists(path: str) -> bool:
        scope = {"type": "http", "path": path, "method": "GET", "root_path": ""}
        return any(r.matches(scope)[0] is Match.FULL for r in c.app.router.routes)

    for item in NAV:
        if item.key in ("overview", "indicators", "public"):
            continue
        if exists(item.path):  # a section is a link once its page exists, else greyed out
            assert f'<a href="{item.path}" class="' in html, item.key
        else:
            assert re.search(rf'<span class="disabled"[^>]*data-nav="{item.key}"', html), item.key
    assert 'data-nav="users"' in html and 'data-nav="audit"' in html  # admin sees admin pages


def test_indicator_list_filters_and_detail(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/plans/test-plan/indicators")
    assert r.status_code == 200 and "测试规划" in r.text
    assert (
        "T-PM25" in r.text
        and "T-GRASS" in r.text
        and 'hx-get="/plans/test-plan/indicators"' in r.text
    )
    binding = c.get("/plans/test-plan/indicators", params={"binding": "binding"}).text
    assert "T-PM25" in binding and "/indicators/T-GRASS" not in binding
    cat = c.get("/plans/test-plan/indicators", params={"category": "air"}).text
    assert "/indicators/T-PM25" in cat and "/indicators/T-GRASS" not in cat
    assert c.get("/plans/test-plan/indicators", params={"binding": "x"}).status_code == 422
    d = c.get("/plans/test-plan/indicators/T-PM25")
    assert d.status_code == 200
    assert "细颗粒物41" in d.text and "35以下" in d.text  # baseline and target quotes
    assert "≤ 35" in d.text and "<code>150100</code> 呼和浩特市" in d.text
    chart = _map_data(d.text, "indicator-chart")
    assert chart["baseline"][:2] == [2020, 41.0] and chart["target"]["value"] == 35.0
    missing = c.get("/plans/test-plan/indicators/NOPE")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    assert c.get("/plans/test-plan", follow_redirects=False).headers["location"] == (
        "/plans/test-plan/indicators"
    )


def test_language_switch_and_cookie(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/plans/test-plan/indicators", params={"lang": "en"})
    assert '<html lang="en">' in r.text and ">Indicators<" in r.text and "Test plan" in r.text
    assert "lang=en" in r.headers["set-cookie"]
    again = c.get("/")  # the cookie keeps English
    assert "<h1>Overview</h1>" in again.text and "Hohhot · " in again.text
    back = c.get("/", params={"lang": "zh"})
    assert "<h1>总览</h1>" in back.text


def test_pages_need_login_and_roles(app: FastAPI, accounts: Any, login: Any) -> None:
    with TestClient(app) as anon:
        for path in ("/", "/plans", "/plans/test-plan/indicators", "/users", "/audit", "/account"):
            r = anon.get(path, follow_redirects=False)
            assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    with TestClient(app) as viewer:
        login(viewer, "viewer")
        assert viewer.get("/plans/draft-plan/indicators").status_code == 200
        for path in ("/users", "/audit"):
            r = viewer.get(path)
            assert r.status_code == 403 and "无权" in r.text
        html = viewer.get("/plans").text
        assert 'data-nav="users"' not in html and "/plans/import" not in html  # no admin forms


def test_public_portal_without_login_shows_only_published(client: TestClient) -> None:
    r = client.get("/public")
    assert r.status_code == 200 and "测试规划" in r.text and "未公开草案" not in r.text
    assert "稳定在45%以上" in r.text  # each target carries its source quote
    data = _map_data(r.text, "public-map")
    assert len(data) == 12 and set(data["150100"]) == {"value", "color", "label", "href"}
    assert "未公开" not in data["150100"]["label"]  # the draft plan does not show here
    assert client.get("/public", params={"plan": "draft-plan"}).status_code == 404
    assert client.get("/public", params={"plan": "test-plan"}).status_code == 200


def test_plan_upload_and_delete_through_the_page(
    admin_browser: tuple[TestClient, str], seeded: Store
) -> None:
    c, token = admin_browser
    data = SMALL.read_bytes().replace(b"id: test-plan", b"id: page-plan")
    r = c.post(
        "/plans/import",
        files={"file": ("page-plan.yaml", data)},
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    listing = c.get("/plans").text
    assert "page-plan" in listing and "page-plan: 已导入" in listing  # flash message
    bad = c.post(
        "/plans/import",
        files={"file": ("bad.yaml", b"id: [")},
        data={"csrf_token": token},
    )
    assert bad.status_code == 422 and "(syntax)" in bad.text and "bad.yaml" in bad.text
    gone = c.post("/plans/page-plan/delete", data={"csrf_token": token}, follow_redirects=False)
    after = c.get("/plans").text
    assert gone.status_code == 303 and "page-plan: 已删除" in after
    assert "/plans/page-plan/indicators" not in after
    with seeded.session() as s:
        actions = [r["action"] for r in audit.query(s, entity_id="page-plan")[0]]
    assert actions == ["plan.delete", "plan.import"]


def test_user_admin_through_the_page(admin_browser: tuple[TestClient, str], seeded: Store) -> None:
    c, token = admin_browser
    r = c.post(
        "/users",
        data={
            "username": "wuhai",
            "password": "long enough",
            "role": "editor",
            "region_code": "150300",
            "display_name": "乌海市",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = c.get("/users").text
    assert "wuhai: 已创建" in page and 'id="edit-wuhai"' in page
    # an editor without a region is refused with a message, nothing created
    refused = c.post(
        "/users",
        data={"username": "noregion", "password": "long enough", "role": "editor"}
        | {"csrf_token": token},
    )  # follows the redirect to /users, which shows the message once
    assert "编辑账号必须指定所属地区" in refused.text and 'id="edit-noregion"' not in refused.text
    # deactivate (checkbox absent) and change the name
    c.post(
        "/users/wuhai",
        data={
            "role": "editor",
            "region_code": "150300",
            "display_name": "乌海",
            "csrf_token": token,
        },
    )
    with seeded.session() as s:
        row = audit.query(s, action="user.update", entity_id="wuhai")[0][0]
    assert row["before"]["active"] is True and row["after"]["active"] is False
    assert row["after"]["display_name"] == "乌海"
    reset = c.post("/users/wuhai/password", data={"password": "short", "csrf_token": token})
    assert "密码至少需要 8 个字符" in reset.text


def test_audit_page_filters_and_pages(admin_browser: tuple[TestClient, str]) -> None:
    c, _ = admin_browser
    r = c.get("/audit")
    assert r.status_code == 200 and "<code>login</code>" in r.text and "user.create" in r.text
    only = c.get("/audit", params={"action": "login"}).text
    assert "<code>user.create</code>" not in only and "<code>login</code>" in only
    assert "第 1 / 1 页" in r.text
    assert c.get("/audit", params={"since": "2030-01-02", "until": "2030-01-01"}).status_code == 422


def test_every_page_says_when_the_data_are_synthetic(client: TestClient, seeded: Store) -> None:
    from ecoplan.api import templating
    from ecoplan.store import schema as s

    assert "data-synthetic" not in client.get("/public").text
    with seeded.session() as ses:
        ses.add(
            s.Station(
                code="D1", name="演示站", region_code="150100", kind="national", synthetic=True
            )
        )
    templating._synthetic.clear()  # the check is cached for 30 s per app
    html = client.get("/public").text
    assert 'data-synthetic="1"' in html and "演示数据（合成）" in html
    assert 'data-synthetic="1"' in client.get("/login").text
