"""Write endpoints (admin) and their audit rows, on SQLite and PostgreSQL: plan upload and
delete, accounts, tokens, own password; and the audit endpoint's filters."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

SMALL = Path(__file__).parents[1] / "data" / "small_plan.yaml"


def _plan_bytes(**changes: Any) -> bytes:
    d = yaml.safe_load(SMALL.read_text("utf-8"))
    d.update(changes)
    return yaml.safe_dump(d, allow_unicode=True).encode("utf-8")


def _audit(client: TestClient, accounts: Any, **params: Any) -> list[dict[str, Any]]:
    r = client.get("/api/audit", params=params, headers=accounts.auth("admin"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_upload_plan_then_conflict_then_replace_then_delete(
    client: TestClient, accounts: Any
) -> None:
    admin = accounts.auth("admin")
    data = _plan_bytes(id="new-plan", title_zh="新规划")
    r = client.post("/api/plans", files={"file": ("new.yaml", data)}, headers=admin)
    assert r.status_code == 201, r.text
    assert r.json() == {
        "plan_id": "new-plan",
        "action": "inserted",
        "indicators": 2,
        "baselines": 1,
        "targets": 2,
        "tasks": 2,
    }
    # same bytes again: unchanged, 200, no audit row
    again = client.post("/api/plans", files={"file": ("new.yaml", data)}, headers=admin)
    assert again.status_code == 200 and again.json()["action"] == "unchanged"
    changed = _plan_bytes(id="new-plan", title_zh="新规划（修订）")
    conflict = client.post("/api/plans", files={"file": ("new.yaml", changed)}, headers=admin)
    assert conflict.status_code == 409 and conflict.json()["error"]["code"] == "plan_exists"
    replaced = client.post(
        "/api/plans",
        files={"file": ("new.yaml", changed)},
        data={"replace": "true"},
        headers=admin,
    )
    assert replaced.status_code == 200 and replaced.json()["action"] == "replaced"
    assert client.get("/api/plans/new-plan", headers=admin).json()["title_zh"] == "新规划（修订）"

    rows = _audit(client, accounts, entity="plan", entity_id="new-plan")
    assert [r["action"] for r in rows] == ["plan.replace", "plan.import"]
    replace, first = rows
    assert first["before"] is None and first["after"]["title_zh"] == "新规划"
    assert replace["before"]["title_zh"] == "新规划" and len(replace["before"]["indicators"]) == 2
    assert replace["after"]["title_zh"] == "新规划（修订）" and replace["username"] == "admin"
    assert replace["region_code"] == "150100"

    gone = client.delete("/api/plans/new-plan", headers=admin)
    assert gone.status_code == 204
    assert client.get("/api/plans/new-plan", headers=admin).status_code == 404
    deleted = _audit(client, accounts, action="plan.delete")[0]
    assert deleted["before"]["id"] == "new-plan" and deleted["after"] is None
    # the whole plan is in 'before': enough to restore it
    assert deleted["before"]["indicators"][0]["targets"][0]["quote"] == "35以下"
    assert client.delete("/api/plans/new-plan", headers=admin).status_code == 404


def test_upload_invalid_plan_is_422_naming_every_field(client: TestClient, accounts: Any) -> None:
    d = yaml.safe_load(SMALL.read_text("utf-8"))
    d["id"] = "broken"
    d["indicators"][0]["targets"][0]["comparator"] = "≤"
    d["indicators"][0]["baselines"][0]["region"] = "159999"
    bad = yaml.safe_dump(d, allow_unicode=True).encode("utf-8")
    r = client.post(
        "/api/plans", files={"file": ("broken.yaml", bad)}, headers=accounts.auth("admin")
    )
    err = r.json()["error"]
    assert r.status_code == 422 and err["code"] == "invalid_plan"
    locs = [f["loc"] for f in err["fields"]]
    assert any("targets[0].comparator" in loc for loc in locs)
    syntax = client.post(
        "/api/plans", files={"file": ("x.yaml", b"id: [unclosed")}, headers=accounts.auth("admin")
    )
    assert syntax.status_code == 422 and syntax.json()["error"]["fields"][0]["loc"] == "(syntax)"
    suffix = client.post(
        "/api/plans", files={"file": ("plan.txt", b"id: x")}, headers=accounts.auth("admin")
    )
    assert suffix.status_code == 422 and ".yaml" in suffix.json()["error"]["fields"][0]["message"]
    assert client.get("/api/plans/broken", headers=accounts.auth("admin")).status_code == 404
    assert _audit(client, accounts, entity="plan") == []


def test_users_create_list_get_update(client: TestClient, accounts: Any) -> None:
    admin = accounts.auth("admin")
    r = client.post(
        "/api/users",
        json={
            "username": "hohhot",
            "password": "long enough",
            "role": "editor",
            "region_code": "150100",
            "display_name": "呼和浩特市生态环境局",
        },
        headers=admin,
    )
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["role"] == "editor" and created["region_code"] == "150100"
    assert "password_hash" not in created
    dup = client.post(
        "/api/users",
        json={"username": "hohhot", "password": "long enough", "role": "viewer"},
        headers=admin,
    )
    assert dup.status_code == 409 and dup.json()["error"]["code"] == "user_exists"
    no_region = client.post(
        "/api/users",
        json={"username": "x1", "password": "long enough", "role": "editor"},
        headers=admin,
    )
    assert no_region.status_code == 422 and "编辑" in no_region.json()["error"]["message_zh"]
    bad_region = client.post(
        "/api/users",
        json={
            "username": "x2",
            "password": "long enough",
            "role": "editor",
            "region_code": "159999",
        },
        headers=admin,
    )
    assert bad_region.status_code == 422
    short = client.post(
        "/api/users", json={"username": "x3", "password": "short", "role": "viewer"}, headers=admin
    )
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["loc"] == "body.password"

    listed = client.get("/api/users", params={"limit": 2}, headers=admin).json()
    assert listed["total"] == 4 and [u["username"] for u in listed["items"]] == ["admin", "editor"]
    assert (
        client.get("/api/users/hohhot", headers=admin).json()["display_name"]
        == "呼和浩特市生态环境局"
    )
    assert client.get("/api/users/nobody", headers=admin).status_code == 404

    r = client.patch("/api/users/hohhot", json={"role": "viewer"}, headers=admin)
    assert r.status_code == 200 and (r.json()["role"], r.json()["region_code"]) == ("viewer", None)
    upd = _audit(client, accounts, action="user.update", entity_id="hohhot")[0]
    assert upd["before"]["role"] == "editor" and upd["before"]["region_code"] == "150100"
    assert upd["after"]["role"] == "viewer" and upd["after"]["region_code"] is None
    create = _audit(client, accounts, action="user.create", entity_id="hohhot")[0]
    assert create["before"] is None and create["after"]["username"] == "hohhot"
    assert "password" not in str(create) and create["ip"] == "testclient"
    assert (
        client.patch("/api/users/hohhot", json={"colour": "red"}, headers=admin).status_code == 422
    )


def test_last_admin_cannot_be_demoted_or_deactivated(client: TestClient, accounts: Any) -> None:
    admin = accounts.auth("admin")
    for change in ({"role": "viewer"}, {"active": False}):
        r = client.patch("/api/users/admin", json=change, headers=admin)
        assert r.status_code == 409 and r.json()["error"]["code"] == "user_last_admin"
    assert (
        client.patch("/api/users/viewer", json={"role": "admin"}, headers=admin).status_code == 200
    )
    assert (
        client.patch("/api/users/admin", json={"active": False}, headers=admin).status_code == 200
    )


def test_tokens_issue_list_revoke(client: TestClient, accounts: Any, password: str) -> None:
    bad = client.post("/api/tokens", json={"username": "viewer", "password": "wrong password"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "bad_credentials"
    unknown = client.post("/api/tokens", json={"username": "ghost", "password": "whatever1"})
    assert unknown.status_code == 401
    failed = _audit(client, accounts, action="login.failed")
    assert {r["entity_id"] for r in failed} == {"viewer", "ghost"}

    r = client.post("/api/tokens", json={"username": "viewer", "password": password, "label": "ci"})
    assert r.status_code == 201
    token = r.json()["token"]
    assert token.startswith("eco_") and r.json()["label"] == "ci"
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/me", headers=h).json()["username"] == "viewer"
    mine = client.get("/api/tokens", headers=h).json()
    assert mine["total"] == 2 and {t["label"] for t in mine["items"]} == {"tests", "ci"}
    assert all("token" not in t and "token_hash" not in t for t in mine["items"])
    tid = r.json()["id"]
    # an editor cannot revoke the viewer's token (it is not theirs): 404, nothing revoked
    assert client.delete(f"/api/tokens/{tid}", headers=accounts.auth("editor")).status_code == 404
    assert client.delete(f"/api/tokens/{tid}", headers=h).status_code == 204
    assert client.get("/api/me", headers=h).status_code == 401
    assert client.delete(f"/api/tokens/{tid}", headers=accounts.auth("viewer")).status_code == 404
    revoke = _audit(client, accounts, action="token.revoke")[0]
    assert revoke["before"]["revoked"] is False and revoke["after"]["revoked"] is True


def test_change_own_password_and_admin_reset(
    client: TestClient, accounts: Any, password: str
) -> None:
    h = accounts.auth("editor")
    wrong = client.put(
        "/api/me/password",
        json={"current_password": "not it at all", "new_password": "brand new pw"},
        headers=h,
    )
    assert wrong.status_code == 403
    ok = client.put(
        "/api/me/password",
        json={"current_password": password, "new_password": "brand new pw"},
        headers=h,
    )
    assert ok.status_code == 204
    assert (
        client.post("/api/tokens", json={"username": "editor", "password": password}).status_code
        == 401
    )
    login = client.post("/api/tokens", json={"username": "editor", "password": "brand new pw"})
    assert login.status_code == 201
    reset = client.put(
        "/api/users/editor/password",
        json={"password": "admin chosen"},
        headers=accounts.auth("admin"),
    )
    assert reset.status_code == 204
    assert (
        client.post(
            "/api/tokens", json={"username": "editor", "password": "admin chosen"}
        ).status_code
        == 201
    )
    rows = _audit(client, accounts, action="user.passwd", entity_id="editor")
    assert [r["username"] for r in rows] == ["admin", "editor"]
    assert all("$argon2" not in str(r) for r in rows)


def test_audit_filters_and_paging(client: TestClient, accounts: Any) -> None:
    admin = accounts.auth("admin")
    for name in ("a1", "a2", "a3"):
        client.post(
            "/api/users",
            json={"username": name, "password": "long enough", "role": "viewer"},
            headers=admin,
        )
    r = client.get(
        "/api/audit", params={"action": "user.create", "user": "admin", "limit": 2}, headers=admin
    )
    body = r.json()
    assert body["total"] == 3 and [i["entity_id"] for i in body["items"]] == ["a3", "a2"]
    page2 = client.get(
        "/api/audit",
        params={"action": "user.create", "user": "admin", "limit": 2, "offset": 2},
        headers=admin,
    ).json()
    assert [i["entity_id"] for i in page2["items"]] == ["a1"]
    today = date.today()
    assert (
        client.get(
            "/api/audit", params={"since": today.isoformat(), "user": "admin"}, headers=admin
        ).json()["total"]
        == 3
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    assert client.get("/api/audit", params={"since": tomorrow}, headers=admin).json()["total"] == 0
    yesterday = (today - timedelta(days=1)).isoformat()
    assert client.get("/api/audit", params={"until": yesterday}, headers=admin).json()["total"] == 0
    bad = client.get("/api/audit", params={"since": tomorrow, "until": yesterday}, headers=admin)
    assert bad.status_code == 422
    assert (
        client.get("/api/audit", params={"since": "2025-13-01"}, headers=admin).status_code == 422
    )
