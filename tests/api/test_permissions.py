"""The one permission function, and the role matrix through the API: refused writes answer
401/403 and change nothing (rows and audit trail counted before and after)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel
from sqlalchemy import func, select

from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.permissions import (
    ACTIONS,
    AUDIT_READ,
    PLAN_WRITE,
    PUBLIC_READ,
    READ,
    REGION_WRITE,
    USER_MANAGE,
    Principal,
    can,
    define_action,
)
from ecoplan.model.regions import Level, load_regions
from ecoplan.store import audit
from ecoplan.store import schema as s
from ecoplan.store.db import Store
from ecoplan.store.schema_auth import User

REGIONS = load_regions()
CODES = [r.code for r in REGIONS]
PREFECTURES = [r.code for r in REGIONS if r.level is Level.PREFECTURE]
COUNTIES = [r.code for r in REGIONS if r.level is Level.COUNTY]


def who(role: str, region: str | None = None, active: bool = True) -> Principal:
    return Principal(id=1, username=f"u-{role}", role=role, region_code=region, active=active)


# --- can() -----------------------------------------------------------------------------------


def test_can_table() -> None:
    admin, viewer = who("admin"), who("viewer")
    baotou = who("editor", "150200")
    assert can(None, PUBLIC_READ) and not can(None, READ)
    assert can(viewer, READ) and not can(viewer, REGION_WRITE, "150200")
    assert can(admin, PLAN_WRITE) and can(admin, USER_MANAGE) and can(admin, AUDIT_READ)
    assert can(baotou, REGION_WRITE, "150200")  # its own league
    assert can(baotou, REGION_WRITE, "150203")  # 昆都仑区, under 包头市
    assert not can(baotou, REGION_WRITE, "150100")  # 呼和浩特市
    assert not can(baotou, REGION_WRITE, "150102")  # a district of 呼和浩特市
    assert not can(baotou, REGION_WRITE, "150000")  # the region above it
    assert not can(baotou, REGION_WRITE, None)  # a scoped write must name its region
    assert not can(baotou, REGION_WRITE, "999999")  # unknown code
    assert not can(baotou, PLAN_WRITE) and not can(baotou, USER_MANAGE)
    assert not can(who("admin", active=False), READ)  # deactivated: nothing
    with pytest.raises(KeyError):
        can(admin, "no.such.action")


def test_define_action_refuses_duplicates() -> None:
    with pytest.raises(ValueError, match="defined already"):
        define_action(PLAN_WRITE, zh="x", en="x")
    assert set(ACTIONS) >= {PUBLIC_READ, READ, REGION_WRITE, PLAN_WRITE, USER_MANAGE, AUDIT_READ}


@given(home=st.sampled_from(PREFECTURES), code=st.sampled_from(CODES))
def test_prefecture_editor_writes_exactly_its_own_code_block(home: str, code: str) -> None:
    # GB/T 2260: a prefecture xxyy00 holds exactly the codes xxyy.. (independent of ancestors())
    assert can(who("editor", home), REGION_WRITE, code) == (code[:4] == home[:4])


@given(home=st.sampled_from(COUNTIES), code=st.sampled_from(CODES))
def test_county_editor_writes_only_its_county_and_its_league_covers_it(
    home: str, code: str
) -> None:
    allowed = can(who("editor", home), REGION_WRITE, code)
    assert allowed == (code == home)
    if allowed:  # monotone: the league's editor may write whatever its county's may
        assert can(who("editor", home[:4] + "00"), REGION_WRITE, code)


@given(code=st.sampled_from(CODES), action=st.sampled_from(sorted(ACTIONS)))
def test_admin_everything_viewer_and_anonymous_no_writes(code: str, action: str) -> None:
    assert can(who("admin"), action, code)
    writes = {REGION_WRITE, PLAN_WRITE, USER_MANAGE}
    if action in writes:
        assert not can(who("viewer"), action, code) and not can(None, action, code)


# --- the mechanism as a later router uses it (docs/api.md) -----------------------------------

notes = APIRouter(prefix="/api/test-notes")


class NoteText(BaseModel):
    text: str


class Note(NoteText):
    region_code: str


@notes.put("/{code}")
def put_note(
    code: str,
    body: NoteText,
    auth: Authorized = Depends(require(REGION_WRITE, region_param="code")),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with store.session() as ses:
        audit.record(
            ses, auth.actor, action="note.write", entity="note", entity_id=code,
            region_code=code, after={"text": body.text},
        )  # fmt: skip
    return {"ok": True}


@notes.post("")
def post_note(
    body: Note,
    auth: Authorized = Depends(require(REGION_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    auth.ensure(body.region_code)  # the region is in the body
    with store.session() as ses:
        audit.record(
            ses, auth.actor, action="note.write", entity="note", entity_id=body.region_code,
            region_code=body.region_code, after={"text": body.text},
        )  # fmt: skip
    return {"ok": True}


@pytest.fixture
def notes_client(app: FastAPI) -> TestClient:
    app.include_router(notes)
    return TestClient(app)


def _state(store: Store) -> dict[str, int]:
    with store.session() as ses:
        counts = {
            t.__tablename__: ses.scalar(select(func.count()).select_from(t)) or 0
            for t in (s.Plan, s.Indicator, s.Target, User)
        }
        counts["audit"] = audit.count(ses)
    return counts


def test_region_scoped_write_matrix(notes_client: TestClient, accounts: Any, seeded: Store) -> None:
    c = notes_client
    before = _state(seeded)
    refused = [
        (c.put("/api/test-notes/150100", json={"text": "x"}, headers=accounts.auth("editor")), 403),
        (c.put("/api/test-notes/150102", json={"text": "x"}, headers=accounts.auth("editor")), 403),
        (c.put("/api/test-notes/150200", json={"text": "x"}, headers=accounts.auth("viewer")), 403),
        (c.put("/api/test-notes/150200", json={"text": "x"}), 401),
        (
            c.post(
                "/api/test-notes",
                json={"region_code": "150100", "text": "x"},
                headers=accounts.auth("editor"),
            ),
            403,
        ),
        (c.post("/api/test-notes", json={"region_code": "150200", "text": "x"}), 401),
    ]
    for r, status in refused:
        assert r.status_code == status, r.text
        assert r.json()["error"]["code"] == ("forbidden" if status == 403 else "unauthenticated")
    assert "150200" in refused[0][0].json()["error"]["message_en"]  # says where it may write
    assert _state(seeded) == before  # nothing written, not even an audit row
    ok = c.put("/api/test-notes/150203", json={"text": "ok"}, headers=accounts.auth("editor"))
    assert ok.status_code == 200
    ok2 = c.post(
        "/api/test-notes",
        json={"region_code": "150200", "text": "ok"},
        headers=accounts.auth("editor"),
    )
    assert ok2.status_code == 200
    admin = c.put("/api/test-notes/150100", json={"text": "ok"}, headers=accounts.auth("admin"))
    assert admin.status_code == 200
    with seeded.session() as ses:
        rows, total = audit.query(ses, action="note.write")
    assert total == 3 and {r["username"] for r in rows} == {"editor", "admin"}
    assert rows[-1]["region_code"] == "150203" and rows[-1]["after"] == {"text": "ok"}


def test_admin_only_writes_matrix(client: TestClient, accounts: Any, seeded: Store) -> None:
    plan_file = b"id: x\n"
    before = _state(seeded)
    for who_, status in (("editor", 403), ("viewer", 403), (None, 401)):
        h = accounts.auth(who_) if who_ else {}
        calls = [
            client.post("/api/plans", files={"file": ("x.yaml", plan_file)}, headers=h),
            client.delete("/api/plans/test-plan", headers=h),
            client.post(
                "/api/users",
                json={"username": "mallory", "password": "12345678", "role": "admin"},
                headers=h,
            ),
            client.patch("/api/users/viewer", json={"role": "admin"}, headers=h),
            client.put("/api/users/viewer/password", json={"password": "12345678"}, headers=h),
            client.get("/api/users", headers=h),
            client.get("/api/audit", headers=h),
        ]
        for r in calls:
            assert r.status_code == status, (who_, r.request.url, r.text)
    assert _state(seeded) == before
    assert client.get("/api/plans/test-plan").status_code == 200


def test_deactivated_accounts_token_stops_working(client: TestClient, accounts: Any) -> None:
    assert client.get("/api/me", headers=accounts.auth("viewer")).status_code == 200
    r = client.patch("/api/users/viewer", json={"active": False}, headers=accounts.auth("admin"))
    assert r.status_code == 200 and r.json()["active"] is False
    r = client.get("/api/me", headers=accounts.auth("viewer"))
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_malformed_authorization_header_is_401(client: TestClient) -> None:
    for header in ("Basic abc", "Bearer", "Bearer eco_not-a-real-token", "Bearer xyz"):
        r = client.get("/api/plans", headers={"Authorization": header})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
