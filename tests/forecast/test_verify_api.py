"""The verification page and JSON endpoint (SQLite; the scores themselves are tested in
test_verify.py): forecasts not yet observed are pending, bad cities are refused, login needed."""

from __future__ import annotations

import warnings as pywarnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

with pywarnings.catch_warnings():
    pywarnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.config import settings
from ecoplan.ingest.forecast import import_forecast
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_token, create_user


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, dict]]:
    monkeypatch.setattr(users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64))
    store = Store(settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path}/e.db"))
    store.migrate()
    with store.session() as s:
        sync_regions(s)
        u = create_user(
            s, Actor.system("(test)"), username="viewer", password="x" * 12, role="viewer"
        )
        token, _ = create_token(s, Actor.system("(test)"), u, "tests")
    f = tmp_path / "fc.csv"
    f.write_text(
        "region_code,issue_date,target_date,aqi\n"
        "150200,2024-01-01,2024-01-02,120\n150200,2024-01-01,2024-01-03,230\n"
    )
    import_forecast(store, f)
    with TestClient(create_app(store=store, secret_key="k" * 64)) as c:
        yield c, {"Authorization": f"Bearer {token}"}
    store.dispose()


def test_page_and_api(client: tuple[TestClient, dict]) -> None:
    c, h = client
    page = c.get("/forecasts/verify?city=150200&from=2024-01-01&to=2024-01-31", headers=h)
    assert page.status_code == 200
    assert "城市空气质量预报检验" in page.text and 'data-source="official"' in page.text
    assert "导入的城市预报" in page.text and 'data-nav="forecasts"' in page.text
    js = c.get("/api/forecasts/verify?city=150200&from=2024-01-01&to=2024-01-31", headers=h)
    assert js.status_code == 200
    (src,) = js.json()["sources"]
    assert (src["forecasts"], src["pending"], src["overall"]["n"]) == (2, 2, 0)
    bad = c.get("/api/forecasts/verify?city=150102", headers=h)
    assert bad.status_code == 422 and "不是盟市" in bad.text
    too_long = c.get("/api/forecasts/verify?from=2020-01-01&to=2024-01-01", headers=h)
    assert too_long.status_code == 422
    anon = c.get("/forecasts/verify", follow_redirects=False)
    assert anon.status_code in (302, 303, 401)
    assert c.get("/forecasts/verify", headers=h).status_code == 200
