"""Sessions and CSRF: login/logout through the form, the cookie's attributes, every form POST
refused (403) without the session's token or with another one, cookie-authorised API writes
need the X-CSRF-Token header, bearer-token requests are exempt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ecoplan.api.pages import safe_next
from ecoplan.store import audit
from ecoplan.store.db import Store
from ecoplan.store.schema_auth import User


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: sessions and CSRF call the store functions tested on both databases."""
    return f"sqlite:///{tmp_path / 'ecoplan.db'}"


def _users(store: Store) -> int:
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(User)) or 0


def _audits(store: Store) -> int:
    with store.session() as s:
        return audit.count(s)


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(
    app: FastAPI, accounts: Any, csrf_of: Callable[[str], str], password: str, seeded: Store
) -> None:
    with TestClient(app) as c:
        assert c.get("/", follow_redirects=False).headers["location"] == "/login?next=%2F"
        token = csrf_of(c.get("/login").text)
        r = c.post(
            "/login",
            data={
                "username": "viewer",
                "password": password,
                "next": "/plans",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/plans"
        cookie = r.headers["set-cookie"].lower()
        assert "ecoplan_session=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
        assert c.get("/").status_code == 200
        new_token = csrf_of(c.get("/account").text)
        assert new_token != token  # a fresh token after login
        with seeded.session() as s:
            assert audit.query(s, action="login")[0][0]["username"] == "viewer"
        # logout is a form POST like any other: refused without the token
        assert c.post("/logout", follow_redirects=False).status_code == 403
        out = c.post("/logout", data={"csrf_token": new_token}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert c.get("/", follow_redirects=False).status_code == 303


def test_wrong_password_rerenders_the_form_and_is_audited(
    app: FastAPI, accounts: Any, csrf_of: Callable[[str], str], seeded: Store
) -> None:
    with TestClient(app) as c:
        token = csrf_of(c.get("/login").text)
        r = c.post(
            "/login",
            data={"username": "viewer", "password": "nope-nope", "csrf_token": token},
            follow_redirects=False,
        )
        assert r.status_code == 400 and "用户名或密码错误" in r.text
        assert c.get("/", follow_redirects=False).status_code == 303  # still anonymous
    with seeded.session() as s:
        rows, total = audit.query(s, action="login.failed")
    assert total == 1 and rows[0]["entity_id"] == "viewer" and rows[0]["user_id"] is None


def test_login_form_itself_needs_the_csrf_token(app: FastAPI, accounts: Any, password: str) -> None:
    with TestClient(app) as c:
        c.get("/login")
        r = c.post("/login", data={"username": "viewer", "password": password})
        assert r.status_code == 403 and "CSRF" in r.text
        r = c.post(
            "/login", data={"username": "viewer", "password": password, "csrf_token": "forged"}
        )
        assert r.status_code == 403


def test_form_posts_missing_or_mismatched_token_are_refused(
    admin_browser: tuple[TestClient, str], seeded: Store
) -> None:
    c, token = admin_browser
    users, audits = _users(seeded), _audits(seeded)
    form = {"username": "csrfvictim", "password": "long enough", "role": "admin"}
    missing = c.post("/users", data=form, follow_redirects=False)
    mismatch = c.post("/users", data=form | {"csrf_token": token[::-1]}, follow_redirects=False)
    for r in (missing, mismatch):
        assert r.status_code == 403
        assert r.headers["content-type"].startswith("text/html")  # a page, not JSON
    assert _users(seeded) == users and _audits(seeded) == audits
    # another browser's valid token is still a mismatch
    with TestClient(c.app) as other:
        other_token = other.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
    assert c.post("/users", data=form | {"csrf_token": other_token}).status_code == 403
    ok = c.post("/users", data=form | {"csrf_token": token}, follow_redirects=False)
    assert ok.status_code == 303 and _users(seeded) == users + 1


def test_session_authorised_api_writes_need_the_header(
    admin_browser: tuple[TestClient, str], seeded: Store
) -> None:
    c, token = admin_browser
    body = {"username": "viajs", "password": "long enough", "role": "viewer"}
    r = c.post("/api/users", json=body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    assert c.post("/api/users", json=body, headers={"X-CSRF-Token": "wrong"}).status_code == 403
    assert c.post("/api/users", json=body, headers={"X-CSRF-Token": token}).status_code == 201
    assert c.get("/api/me").json()["username"] == "admin"  # reads need no token


def test_bearer_requests_are_exempt_and_anonymous_api_writes_are_401(
    client: TestClient, accounts: Any
) -> None:
    body = {"username": "bybearer", "password": "long enough", "role": "viewer"}
    assert client.post("/api/users", json=body, headers=accounts.auth("admin")).status_code == 201
    r = client.post("/api/users", json=body | {"username": "anon"})
    assert r.status_code == 401


def test_password_change_ends_other_sessions(
    app: FastAPI, accounts: Any, login: Callable[..., str], password: str
) -> None:
    with TestClient(app) as laptop, TestClient(app) as phone:
        token = login(laptop, "editor")
        login(phone, "editor")
        r = laptop.post(
            "/account/password",
            data={
                "current_password": password,
                "new_password": "another long one",
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert r.status_code == 303
        assert laptop.get("/account").status_code == 200  # this browser stays logged in
        assert phone.get("/account", follow_redirects=False).status_code == 303  # → login


def test_safe_next_never_leaves_the_site() -> None:
    assert safe_next("/plans?x=1") == "/plans?x=1"
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "", None):
        assert safe_next(bad) == "/"
