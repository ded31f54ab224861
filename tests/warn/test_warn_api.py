"""The warnings API and pages: list with filters, detail with events and inputs, rules,
forecasts, run (admin only, audited) — SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import warnings as pywarnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI

with pywarnings.catch_warnings():
    pywarnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api import routes_warnings
from ecoplan.api.app import create_app
from ecoplan.store import audit
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.users import create_token, create_user
from ecoplan.warn import run_warnings

from .conftest import import_issue

D = dt.date


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def warned(wstore: Store, tmp_path: Path) -> Store:
    """Two air warnings (Baotou started then upgraded; Wuhai started then lifted)."""
    import_issue(wstore, tmp_path, "150200", D(2024, 12, 1), [250, 250])
    import_issue(wstore, tmp_path, "150300", D(2024, 12, 1), [250, 250, 250])
    run_warnings(wstore, D(2024, 12, 1), kinds=["air"])
    import_issue(wstore, tmp_path, "150200", D(2024, 12, 2), [250, 250, 250])
    import_issue(wstore, tmp_path, "150300", D(2024, 12, 2), [100, 100])
    run_warnings(wstore, D(2024, 12, 2), kinds=["air"])
    return wstore


@pytest.fixture
def tokens(warned: Store) -> dict[str, str]:
    out = {}
    with warned.session() as s:
        for name, role in (("admin", "admin"), ("viewer", "viewer")):
            u = create_user(s, Actor.system("(test)"), username=name, password="x" * 12, role=role)
            out[name], _ = create_token(s, Actor.system("(test)"), u, "tests")
    return out


@pytest.fixture
def client(warned: Store) -> Iterator[TestClient]:
    app: FastAPI = create_app(store=warned, secret_key="k" * 64)
    if not any(getattr(r, "path", "") == "/api/warnings" for r in app.routes):
        app.include_router(routes_warnings.router)  # until app.py includes it
    with TestClient(app) as c:
        yield c


def _auth(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def test_list_and_filters(client: TestClient, tokens: dict[str, str]) -> None:
    assert client.get("/api/warnings").status_code == 401
    h = _auth(tokens, "viewer")
    r = client.get("/api/warnings", headers=h)
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 2 and body["limit"] == 50
    assert [(w["subject"], w["state"], w["level"]) for w in body["items"]] == [
        ("150200", "active", "orange"),
        ("150300", "lifted", "orange"),
    ]
    active = client.get("/api/warnings?state=active", headers=h).json()
    assert [w["subject"] for w in active["items"]] == ["150200"]
    assert client.get("/api/warnings?region=150300", headers=h).json()["total"] == 1
    assert client.get("/api/warnings?region=150000&kind=air", headers=h).json()["total"] == 2
    assert client.get("/api/warnings?kind=water", headers=h).json()["total"] == 0
    assert client.get("/api/warnings?category=progress", headers=h).json()["total"] == 0
    bad = client.get("/api/warnings?kind=nonsense", headers=h)
    assert bad.status_code == 422 and "nonsense" in bad.json()["error"]["message"]
    assert (
        client.get("/api/warnings?limit=1&offset=1", headers=h).json()["items"][0]["subject"]
        == "150300"
    )


def test_detail_with_events_and_inputs(client: TestClient, tokens: dict[str, str]) -> None:
    h = _auth(tokens, "viewer")
    wid = client.get("/api/warnings?subject=150200", headers=h).json()["items"][0]["id"]
    w = client.get(f"/api/warnings/{wid}", headers=h).json()
    assert [(e["event"], e["grade_from"], e["grade_to"]) for e in w["events"]] == [
        ("start", None, "yellow"),
        ("upgrade", "yellow", "orange"),
    ]
    assert w["inputs"]["issue_date"] == "2024-12-02"
    assert w["events"][0]["inputs"]["issue_date"] == "2024-12-01"
    assert w["events"][0]["notifications"][0]["channel"] == "file"
    assert client.get("/api/warnings/999999", headers=h).status_code == 404


def test_rules_forecasts_and_run(client: TestClient, tokens: dict[str, str], warned: Store) -> None:
    h = _auth(tokens, "viewer")
    rules = client.get("/api/warnings/rules", headers=h).json()
    assert {r["id"] for r in rules["rules"]} >= {"air.heavy.national", "air.heavy.hohhot"}
    fc = client.get("/api/forecasts?region=150200&latest=true", headers=h).json()
    assert fc["total"] == 3 and {r["issue_date"] for r in fc["items"]} == {"2024-12-02"}
    assert (
        client.post("/api/warnings/run", json={"date": "2024-12-02"}, headers=h).status_code == 403
    )
    r = client.post(
        "/api/warnings/run",
        json={"date": "2024-12-02", "kinds": ["air"], "send": False},
        headers=_auth(tokens, "admin"),
    )
    assert r.status_code == 200 and r.json()["events"] == []  # same date again: nothing
    with warned.session() as s:
        rows, _ = audit.query(s, action="warning.run")
    assert rows[0]["entity_id"] == "2024-12-02" and rows[0]["username"] == "admin"
    bad = client.post(
        "/api/warnings/run", json={"kinds": ["nonsense"]}, headers=_auth(tokens, "admin")
    )
    assert bad.status_code == 422


def test_pages(client: TestClient, tokens: dict[str, str]) -> None:
    h = _auth(tokens, "viewer")
    page = client.get("/warnings", headers=h)
    assert page.status_code == 200
    assert 'data-warning="' in page.text and "包头市" in page.text
    assert "乌海市" not in page.text  # lifted: not in the default (active) list
    lifted = client.get("/warnings?state=lifted", headers=h)
    assert "乌海市" in lifted.text
    wid = client.get("/api/warnings?subject=150200", headers=h).json()["items"][0]["id"]
    detail = client.get(f"/warnings/{wid}", headers=h)
    assert detail.status_code == 200
    assert 'data-event="upgrade"' in detail.text and "2024-12-02" in detail.text
    anon = client.get("/warnings", follow_redirects=False)
    assert anon.status_code in (302, 303, 401)
