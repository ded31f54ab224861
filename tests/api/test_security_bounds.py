"""Bounded numbers (issue 13 item 4): integers beyond 2^63−1 in offsets and ids are a 422
naming the parameter — never a 500 (SQLite OverflowError, PostgreSQL bigint out of range) —
on SQLite and PostgreSQL; every integer parameter of the OpenAPI document has a maximum; an
editor's unreadable indicator file is a 422."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.api.bounds import DB_INT_MAX, ROW_ID_MAX
from ecoplan.config import settings

HUGE = 2**63  # one more than a signed 64-bit integer holds
HUGER = 10**30

LISTS = [
    "/api/users",
    "/api/audit",
    "/api/warnings",
    "/api/forecasts",
    "/api/ledger/items",
    "/api/tokens",
    "/api/plans",
    "/api/regions",
    "/api/imports",
    "/api/quarantine",
    "/api/stations",
]
ITEMS = [
    "/api/ledger/items/{n}",
    "/api/ledger/items/1/evidence/{n}",
    "/api/ledger/items/{n}/evidence/1",
    "/api/warnings/{n}",
]


UNREADABLE = {
    "values.xlsx": b"garbage\x00\x01 not a workbook",
    "values.csv": b"\xff\xfe\x00\x81\x82 not text",
    "values.parquet": b"PAR1 junk",
}


def _is_422_on(r: Any, name: str) -> None:
    assert r.status_code == 422, (r.status_code, r.text[:300])
    assert any(name in f["loc"] for f in r.json()["error"]["fields"]), r.text


def test_numbers_beyond_int64_are_422_and_the_largest_are_harmless(
    client: TestClient, accounts: Any
) -> None:
    """Offsets: 2^63 and more → 422, 2^63−1 → an empty page; ids: 2^63 and more (and 0) →
    422, 2^31−1 (the largest id an ``integer`` column holds) → 404."""
    h = accounts.auth("admin")
    for path in LISTS:
        for bad in (HUGE, HUGER, -1):
            _is_422_on(client.get(path, params={"offset": bad}, headers=h), "offset")
        r = client.get(path, params={"offset": DB_INT_MAX}, headers=h)
        assert r.status_code == 200, (path, r.text[:300])
        assert r.json()["items"] == [] and r.json()["offset"] == DB_INT_MAX
    for template in ITEMS:
        for bad in (ROW_ID_MAX + 1, HUGE, HUGER, 0):
            r = client.get(template.format(n=bad), headers=h)
            assert r.status_code == 422, (template, bad, r.status_code, r.text[:200])
        assert client.get(template.format(n=ROW_ID_MAX), headers=h).status_code == 404
    # writes
    assert client.delete(f"/api/tokens/{HUGE}", headers=h).status_code == 422
    assert client.delete(f"/api/tokens/{ROW_ID_MAX}", headers=h).status_code == 404
    r = client.post(f"/api/ledger/items/{HUGE}/notes", json={"text": "x"}, headers=h)
    assert r.status_code == 422
    r = client.patch(f"/api/ledger/items/{HUGE}", json={"title": "x"}, headers=h)
    assert r.status_code == 422
    # the ledger page's page number (offset = (page − 1) × 50)
    assert client.get("/ledgers", params={"page": HUGE}, headers=h).status_code == 422
    assert client.get("/ledgers", params={"page": 10**6}, headers=h).status_code == 200
    # an editor's indicator file that cannot be read: 422 naming the file, not a 500
    for name, data in UNREADABLE.items():
        r = client.post(
            "/api/imports/indicators",
            files={"file": (name, data, "application/octet-stream")},
            headers=accounts.auth("editor"),
        )
        assert r.status_code == 422, r.text[:300]
        assert r.json()["error"]["code"] == "invalid_file"
        assert name in r.json()["error"]["message_en"]


def test_every_integer_parameter_of_the_api_has_a_maximum(tmp_path: Path) -> None:
    cfg = settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'x.db'}")
    spec = create_app(cfg, secret_key="x" * 32).openapi()
    comps = spec.get("components", {}).get("schemas", {})
    unbounded: list[str] = []

    def walk(s: Any, where: str, seen: tuple[str, ...] = ()) -> None:
        if not isinstance(s, dict):
            return
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[-1]
            if name not in seen:
                walk(comps[name], f"{where}->{name}", (*seen, name))
            return
        if s.get("type") == "integer":
            top = s.get("maximum", s.get("exclusiveMaximum"))
            if top is None or top > DB_INT_MAX:
                unbounded.append(where)
        for k in ("anyOf", "oneOf", "allOf"):
            for x in s.get(k, []):
                walk(x, where, seen)
        for k, v in s.get("properties", {}).items():
            walk(v, f"{where}.{k}", seen)
        if "items" in s:
            walk(s["items"], f"{where}[]", seen)

    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                walk(p.get("schema", {}), f"{method.upper()} {path} {p['in']}:{p['name']}")
            for c in op.get("requestBody", {}).get("content", {}).values():
                walk(c.get("schema", {}), f"{method.upper()} {path} body")
    assert not unbounded, (
        "integer parameters without a maximum (use ecoplan.api.bounds.RowId / offset_query "
        f"or Query(le=...)): {unbounded}"
    )
