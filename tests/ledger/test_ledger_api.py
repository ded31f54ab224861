"""The ledger API (/api/ledger) and pages (/ledgers) on SQLite and PostgreSQL: who may do what
(401/403 as the app does), the closure rules over HTTP, evidence upload and download,
statistics, Excel export/import, and the forms with their CSRF token."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.ingest.ledger_xlsx import example_files
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_token, create_user

PASSWORD = "ledger password 1"
ACCOUNTS = {
    "admin": ("admin", None),
    "county": ("editor", "150121"),  # 土默特左旗
    "city": ("editor", "150100"),  # 呼和浩特市
    "baotou": ("editor", "150200"),
    "viewer": ("viewer", None),
}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@dataclass
class Tokens:
    tokens: dict[str, str]

    def __call__(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def auth(store: Store) -> Tokens:
    tokens: dict[str, str] = {}
    with store.session() as s:
        sync_regions(s)
        for name, (role, region) in ACCOUNTS.items():
            u = create_user(
                s,
                Actor.system("(test)"),
                username=name,
                password=PASSWORD,
                role=role,
                region_code=region,
            )
            tokens[name], _ = create_token(s, Actor.system("(test)"), u, "tests")
    return Tokens(tokens)


@pytest.fixture
def app(store: Store, auth: Tokens) -> FastAPI:
    return create_app(store=store, secret_key="ledger-test-" * 6)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _new(client: TestClient, who: dict[str, str], **body: Any) -> dict[str, Any]:
    payload = {"kind": "inspection", "title": "河道非法采砂", "region_code": "150121"} | body
    r = client.post("/api/ledger/items", json=payload, headers=who)
    assert r.status_code == 201, r.text
    out: dict[str, Any] = r.json()
    return out


def _move(client: TestClient, who: dict[str, str], item_id: int, status: str, **kw: Any) -> Any:
    return client.post(
        f"/api/ledger/items/{item_id}/transition", json={"status": status} | kw, headers=who
    )


def test_who_may_read_and_write(client: TestClient, auth: Tokens) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/ledger/items", "/api/ledger/items/{item_id}/close", "/api/ledger/stats"} <= set(
        paths
    )
    assert not any(p.startswith("/ledgers") for p in paths)  # pages stay out of the API docs
    assert client.get("/api/ledger/items").status_code == 401
    assert client.post("/api/ledger/items", json={"kind": "inspection"}).status_code == 401
    assert client.get("/api/ledger/items", headers=auth("viewer")).status_code == 200
    r = client.post(
        "/api/ledger/items",
        json={"kind": "inspection", "title": "x", "region_code": "150121"},
        headers=auth("viewer"),
    )
    assert r.status_code == 403
    r = client.post(
        "/api/ledger/items",
        json={"kind": "inspection", "title": "x", "region_code": "150121"},
        headers=auth("baotou"),
    )
    assert r.status_code == 403 and r.json()["error"]["code"] == "ledger_forbidden"
    r = client.post("/api/ledger/import", files={"file": ("a.csv", b"x")}, headers=auth("city"))
    assert r.status_code == 403


def test_close_over_http(client: TestClient, auth: Tokens) -> None:
    a, b = auth("county"), auth("city")
    item = _new(client, a, deadline="2025-06-30", round="2025年测试督察")
    iid = item["id"]
    assert item["status"] == "registered" and item["created_by"] == "county"
    assert _move(client, a, iid, "in_progress").status_code == 200
    assert _move(client, a, iid, "completed").status_code == 200
    # no evidence yet: 409; the county editor: 403 (both ways in)
    r = client.post(f"/api/ledger/items/{iid}/close", json={"note": "ok"}, headers=b)
    assert r.status_code == 409 and r.json()["error"]["code"] == "ledger_evidence_required"
    # send back, attach, complete again
    assert _move(client, b, iid, "in_progress").status_code == 422  # a reason is needed
    assert _move(client, b, iid, "in_progress", note="补充佐证材料").status_code == 200
    up = client.post(
        f"/api/ledger/items/{iid}/evidence",
        files={"file": ("现场照片.jpg", b"\xff\xd8\xff jpeg bytes", "image/jpeg")},
        data={"note": "整改后"},
        headers=a,
    )
    assert up.status_code == 201, up.text
    ev = up.json()
    assert ev["file_name"] == "现场照片.jpg" and ev["size"] == len(b"\xff\xd8\xff jpeg bytes")
    assert _move(client, a, iid, "completed").status_code == 200
    for path in (f"/api/ledger/items/{iid}/close",):
        r = client.post(path, json={}, headers=a)
        assert r.status_code == 403 and "呼和浩特市" in r.json()["error"]["message_zh"]
    assert _move(client, a, iid, "closed").status_code == 403
    assert (
        client.post(f"/api/ledger/items/{iid}/close", json={}, headers=auth("viewer")).status_code
        == 403
    )
    r = client.post(f"/api/ledger/items/{iid}/close", json={"note": "验收通过"}, headers=b)
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["status"], d["closed_by"], d["closure_note"]) == ("closed", "city", "验收通过")
    assert [n["kind"] for n in d["notes"]] == [
        "create", "start", "complete", "return", "evidence", "complete", "close",
    ]  # fmt: skip
    assert d["history"][0]["action"] == "ledger.close"
    assert all("ip" not in h for h in d["history"])  # addresses: admins only
    close = d["history"][0]
    assert close["before"]["status"] == "completed" and close["after"]["status"] == "closed"
    assert [a_["verb"] for a_ in d["actions"]] == ["reopen"] and not d["actions"][0]["allowed"]
    admin_view = client.get(f"/api/ledger/items/{iid}", headers=auth("admin")).json()
    assert "ip" in admin_view["history"][0] and admin_view["actions"][0]["allowed"]
    # the file comes back as it went in, as an attachment
    dl = client.get(f"/api/ledger/items/{iid}/evidence/{ev['id']}", headers=auth("viewer"))
    assert dl.status_code == 200 and dl.content == b"\xff\xd8\xff jpeg bytes"
    assert dl.headers["content-type"] == "application/octet-stream"
    assert dl.headers["content-disposition"].startswith("attachment")
    assert client.get(f"/api/ledger/items/{iid}/evidence/999", headers=b).status_code == 404
    # reopen: admin only, with a reason
    assert _move(client, b, iid, "in_progress", note="复查").status_code == 403
    assert _move(client, auth("admin"), iid, "in_progress", note="复查").status_code == 200


def test_errors_in_the_apps_shape(client: TestClient, auth: Tokens) -> None:
    a = auth("county")
    r = client.post("/api/ledger/items", json={"kind": "nope", "region_code": "150121"}, headers=a)
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "ledger_invalid"
    assert {f["loc"] for f in err["fields"]} == {"body.kind", "body.title"}
    iid = _new(client, a)["id"]
    r = _move(client, a, iid, "closed")
    assert r.status_code == 409 and r.json()["error"]["code"] == "ledger_transition"
    assert client.get("/api/ledger/items/4242", headers=a).status_code == 404
    assert client.get("/api/ledger/items?today=2025-13-01", headers=a).status_code == 422
    r = client.patch(f"/api/ledger/items/{iid}", json={"measures": "清理砂坑"}, headers=a)
    assert r.status_code == 200 and r.json()["measures"] == "清理砂坑"
    n = client.post(f"/api/ledger/items/{iid}/notes", json={"text": "已清理"}, headers=a)
    assert n.status_code == 201 and n.json()["author"] == "county"
    st = client.post(
        f"/api/ledger/items/{iid}/stage", json={"achieved": True, "note": "主体完成"}, headers=a
    )
    assert st.status_code == 200 and st.json()["stage_achieved"]


def test_list_filters_paging_and_overdue(client: TestClient, auth: Tokens) -> None:
    a, admin = auth("county"), auth("admin")
    _new(client, a, deadline="2025-03-31", round="R1")
    _new(client, a, deadline="2025-12-31", round="R1")
    _new(client, admin, kind="complaint", region_code="150200", round="R2", title="噪声")
    r = client.get("/api/ledger/items", params={"limit": 2}, headers=a).json()
    assert (r["total"], len(r["items"]), r["limit"]) == (3, 2, 2)
    late = client.get(
        "/api/ledger/items", params={"overdue": "true", "today": "2025-06-01"}, headers=a
    ).json()
    assert late["total"] == 1 and late["items"][0]["days_overdue"] == 62  # 2025-03-31 → 06-01
    assert (
        client.get("/api/ledger/items", params={"region": "150100"}, headers=a).json()["total"] == 2
    )
    assert (
        client.get("/api/ledger/items", params={"kind": "complaint"}, headers=a).json()["total"]
        == 1
    )
    assert client.get("/api/ledger/rounds", headers=a).json() == [
        {"round": "R1", "items": 2},
        {"round": "R2", "items": 1},
    ]
    board = client.get("/api/ledger/board", params={"today": "2025-06-01"}, headers=a).json()
    first = board["columns"][0]
    assert first["total"] == 3 and first["items"][0]["overdue"]  # overdue first


def test_stats_from_an_imported_example(client: TestClient, auth: Tokens) -> None:
    path = next(p for p in example_files() if "2018" in p.name)
    r = client.post(
        "/api/ledger/import", files={"file": (path.name, path.read_bytes())}, headers=auth("admin")
    )
    assert r.status_code == 200 and r.json()["inserted"] == 21
    st = client.get("/api/ledger/stats", headers=auth("viewer")).json()
    assert st["groups"][0]["sentence_zh"] == (
        "2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效"
    )
    bad = client.post(
        "/api/ledger/import",
        files={
            "file": (
                "bad.csv",
                "编号,类型,问题及整改任务,地区代码,整改状态\nx,?,t,150100,整改中\n".encode(),
            )
        },
        headers=auth("admin"),
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_ledger"
    assert bad.json()["error"]["fields"][0]["loc"] == "row 2.类型"
    # export (any reader) and import back: nothing changes
    x = client.get("/api/ledger/export.xlsx", headers=auth("viewer"))
    assert x.status_code == 200 and x.content[:2] == b"PK"
    again = client.post(
        "/api/ledger/import", files={"file": ("x.xlsx", x.content)}, headers=auth("admin")
    ).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 21)


# --- pages -----------------------------------------------------------------------------------


def _csrf(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field"
    return m.group(1)


def _login(c: TestClient, username: str) -> str:
    token = _csrf(c.get("/login").text)
    r = c.post(
        "/login",
        data={"username": username, "password": PASSWORD, "next": "/", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return _csrf(c.get("/ledgers").text)


def test_pages_register_complete_and_close(app: FastAPI, auth: Tokens, tmp_path: Path) -> None:
    with TestClient(app) as anon:
        r = anon.get("/ledgers", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
    with TestClient(app) as a:
        token = _login(a, "county")
        page = a.get("/ledgers")
        assert page.status_code == 200 and 'id="new-item"' in page.text
        assert a.get("/ledgers/new").status_code == 200
        form = {"kind": "inspection", "title": "养殖场粪污直排", "region_code": "150121"}
        form |= {"deadline": "2025-05-31", "round": "2025年测试督察", "csrf_token": token}
        r = a.post("/ledgers/new", data=form, follow_redirects=False)
        assert r.status_code == 303, r.text
        url = r.headers["location"]
        iid = int(url.rsplit("/", 1)[1])
        # no CSRF token: refused
        assert a.post(f"{url}/transition", data={"target": "in_progress"}).status_code == 403
        for target in ("in_progress",):
            r = a.post(f"{url}/transition", data={"target": target, "csrf_token": token})
            assert r.status_code == 200  # followed the redirect back to the item
        r = a.post(
            f"{url}/evidence",
            data={"csrf_token": token},
            files={"file": ("验收.pdf", b"%PDF evidence")},
        )
        assert "已上传佐证材料" in r.text
        r = a.post(f"{url}/transition", data={"target": "completed", "csrf_token": token})
        assert "已完成（待销号）" in r.text
        # the county editor sees why it may not close, and a forced POST is refused
        assert 'id="refused-close"' in r.text and 'id="btn-close"' not in r.text
        r = a.post(f"{url}/transition", data={"target": "closed", "csrf_token": token})
        assert 'class="flash error"' in r.text and "呼和浩特市" in r.text
        bad = a.post("/ledgers/new", data={"kind": "inspection", "csrf_token": token})
        assert bad.status_code == 422 and "问题及整改任务" in bad.text
    with TestClient(app) as b:
        token = _login(b, "city")
        page = b.get(url)
        assert 'id="btn-close"' in page.text
        r = b.post(
            url + "/transition", data={"target": "closed", "note": "同意销号", "csrf_token": token}
        )
        assert r.status_code == 200 and "已销号" in r.text
        board = b.get("/ledgers/board", params={"today": date(2025, 6, 1).isoformat()})
        closed = board.text.split('id="col-closed"', 1)[1]
        assert f'href="/ledgers/{iid}"' in closed
        lst = b.get("/ledgers", params={"status": "closed"})
        assert "养殖场粪污直排" in lst.text and "2025年测试督察1项整改任务全部销号" in lst.text
        edit = b.get(f"{url}/edit")
        assert edit.status_code == 200
