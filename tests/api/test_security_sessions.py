"""Login throttling with a fake clock, session and token revocation (issue 13 items 1–2)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.api.throttle import LoginThrottle
from ecoplan.store.db import Store
from ecoplan.store.users import find_user, user_for_token


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_backs_off_exponentially_and_forgets() -> None:
    clock = FakeClock()
    t = LoginThrottle(clock=clock, free_account=3, free_address=100, base=2.0, max_lock=60)
    for _ in range(3):
        assert t.failure("alice", "10.0.0.1") == []
    assert t.retry_after("alice", "10.0.0.1") == 0
    locks = t.failure("alice", "10.0.0.1")
    assert [(lk.key, lk.seconds) for lk in locks] == [("account:alice", 2.0)]
    assert t.retry_after("Alice", "10.0.0.9") == 2.0  # per account, whatever the address
    clock.now += 2.0
    assert t.retry_after("alice", None) == 0
    assert t.failure("alice", None)[0].seconds == 4.0  # doubles
    clock.now += 4.0
    for expected in (8.0, 16.0, 32.0, 60.0, 60.0):  # capped at max_lock
        assert t.failure("alice", None)[0].seconds == expected
        clock.now += expected
    t.success("alice")
    assert t.retry_after("alice", None) == 0 and t.failure("alice", None) == []


def test_address_throttle_covers_many_accounts() -> None:
    clock = FakeClock()
    t = LoginThrottle(clock=clock, free_account=100, free_address=3, base=1.0)
    for i in range(3):
        t.failure(f"user{i}", "10.0.0.2")
    assert [lk.key for lk in t.failure("user9", "10.0.0.2")] == ["address:10.0.0.2"]
    assert t.retry_after("someone-else", "10.0.0.2") == 1.0
    assert t.retry_after("someone-else", "10.0.0.3") == 0


def test_api_tokens_answer_429_with_retry_after_and_audit_the_lockout(
    seeded: Store, accounts: Any, password: str
) -> None:
    clock = FakeClock()
    app = create_app(
        store=seeded,
        secret_key="s" * 64,
        login_throttle=LoginThrottle(clock=clock, free_account=3, base=30.0),
    )
    with TestClient(app) as c:
        for _ in range(4):
            r = c.post("/api/tokens", json={"username": "viewer", "password": "wrong pass"})
            assert r.status_code == 401
        r = c.post("/api/tokens", json={"username": "viewer", "password": password})
        assert r.status_code == 429 and r.headers["Retry-After"] == "30"
        clock.now += 31
        assert (
            c.post("/api/tokens", json={"username": "viewer", "password": password}).status_code
            == 201
        )
        audit = c.get(
            "/api/audit", params={"action": "login.lockout"}, headers=accounts.auth("admin")
        ).json()
        assert audit["total"] == 1 and audit["items"][0]["entity_id"] == "viewer"


def test_logout_and_password_change_end_sessions_and_tokens(
    seeded: Store, accounts: Any, login: Any, csrf_of: Any
) -> None:
    app = create_app(store=seeded, secret_key="s" * 64)
    with TestClient(app) as a, TestClient(app) as b:
        login(a, "viewer")
        copied = dict(a.cookies)
        assert a.get("/api/me").status_code == 200
        b.cookies.update(copied)
        assert b.get("/api/me").status_code == 200
        a.post("/logout", data={"csrf_token": csrf_of(a.get("/account").text)})
        b.cookies.clear()
        b.cookies.update(copied)
        assert b.get("/api/me").status_code == 401  # the copied cookie is dead
    # a password reset revokes every token of the account
    tok = accounts.tokens["viewer"]
    with seeded.session() as s:
        assert user_for_token(s, tok) is not None
    with TestClient(app) as c:
        r = c.put(
            "/api/users/viewer/password",
            json={"password": "a new password 1"},
            headers=accounts.auth("admin"),
        )
        assert r.status_code == 204
    with seeded.session() as s:
        assert user_for_token(s, tok) is None
        u = find_user(s, "viewer")
        assert u is not None and u.session_generation >= 2


def test_tokens_expire(seeded: Store, accounts: Any) -> None:
    tok = accounts.tokens["editor"]
    with seeded.session() as s:
        assert user_for_token(s, tok) is not None
        assert user_for_token(s, tok, now=datetime.now() + timedelta(days=91)) is None
