"""Fixtures of the web tests: an app over the ``store`` fixture (SQLite and PostgreSQL),
accounts of every role, bearer tokens and logged-in browser-like clients."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher
from fastapi import FastAPI

with warnings.catch_warnings():  # starlette's TestClient nags about httpx2
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions
from ecoplan.store.users import create_token, create_user

SMALL = Path(__file__).parents[1] / "data" / "small_plan.yaml"
PASSWORD = "correct horse 12"
SECRET = "test-secret-key-" * 4


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: the tests check the logic, not the hash's strength."""
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def published_and_draft(store: Store, tmp_path: Path) -> None:
    """Regions; the small test plan as *embedded* (published, id test-plan) and a copy as
    *imported* (unpublished, id draft-plan, region 150200)."""
    draft = yaml.safe_load(SMALL.read_text("utf-8"))
    draft["id"] = "draft-plan"
    draft["title_zh"] = "未公开草案"
    draft["region"] = "150200"
    f = tmp_path / "draft-plan.yaml"
    f.write_text(yaml.safe_dump(draft, allow_unicode=True), "utf-8")
    with store.session() as s:
        sync_regions(s)
        import_plan_file(s, SMALL, origin="embedded")
        import_plan_file(s, f)


@dataclass
class Accounts:
    """Usernames → bearer tokens, for admin, editor (150200 包头市) and viewer."""

    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    published_and_draft(store, tmp_path)
    return store


@pytest.fixture
def accounts(seeded: Store) -> Accounts:
    tokens: dict[str, str] = {}
    with seeded.session() as s:
        for name, role, region in (
            ("admin", "admin", None),
            ("editor", "editor", "150200"),
            ("viewer", "viewer", None),
        ):
            u = create_user(
                s,
                Actor.system("(test)"),
                username=name,
                password=PASSWORD,
                role=role,
                region_code=region,
            )
            tokens[name], _ = create_token(s, Actor.system("(test)"), u, "tests")
    return Accounts(tokens)


@pytest.fixture
def app(seeded: Store) -> FastAPI:
    return create_app(store=seeded, secret_key=SECRET)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def _csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "page has no CSRF field"
    return m.group(1)


def _login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log *client* in through the login form; returns the session's CSRF token."""
    token = _csrf_of(client.get("/login").text)
    r = client.post(
        "/login",
        data={"username": username, "password": password, "next": "/", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return _csrf_of(client.get("/account").text)


@pytest.fixture
def csrf_of() -> Callable[[str], str]:
    """The CSRF token of a rendered page."""
    return _csrf_of


@pytest.fixture
def login() -> Callable[..., str]:
    """``login(client, username, password=PASSWORD)`` through the form; returns the CSRF token."""
    return _login


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def admin_browser(app: FastAPI, accounts: Accounts) -> Iterator[tuple[TestClient, str]]:
    """A client logged in as admin through the pages, and its CSRF token."""
    with TestClient(app) as c:
        yield c, _login(c, "admin")
