"""Uploads (``POST /api/imports/{kind}``, the 导入 page), the quarantine list, and evaluation
reports on demand (``GET /api/reports``, the 报告 page).

Role matrix of the upload: anonymous 401, viewer 403, editor (150200 包头市) 403 for another
region's indicator values — before anything is stored — and for registries/measurements,
admin everything. Every import is audited in the importer's own transaction.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from ecoplan.api import routes_imports
from ecoplan.ingest.importers import IMPORTERS
from ecoplan.store import audit
from ecoplan.store import schema as s
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions

DATA = Path(__file__).parents[1] / "data"
INGEST = DATA / "ingest"

MINI_PLAN = """
id: mini
title_zh: 小型区域规划
title_en: Mini regional plan
issuer_zh: 测试机关
region: "150000"
period_start: 2021
period_end: 2025
source_doc: test
indicator_categories:
  - {code: air, name_zh: 大气环境, name_en: Air}
indicators:
  - code: M-PM25
    name_zh: 细颗粒物年均浓度
    name_en: PM2.5 annual mean
    category: air
    binding: binding
    unit: µg/m³
    direction: lower
    baselines:
      - {region: "150000", year: 2020, value: 30, source: {file: test, quote: 基准30}}
    targets:
      - {region: "150000", year: 2025, comparator: "<=", value: 25,
         source: {file: test, quote: 25以下}}
"""

HEADER = "indicator_code,region_code,year,value,plan_id\n"


@pytest.fixture
def seeded(store: Store, tmp_path: Path) -> Store:
    """Regions, the small test plan (150100, published), a draft (150200) and the mini plan
    (150000) with two values (overrides conftest's ``seeded``)."""
    small = DATA / "small_plan.yaml"
    draft = yaml.safe_load(small.read_text("utf-8")) | {"id": "draft-plan", "region": "150200"}
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), "utf-8")
    (tmp_path / "mini.yaml").write_text(MINI_PLAN, "utf-8")
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, small, origin="embedded")
        import_plan_file(ses, tmp_path / "draft.yaml")
        import_plan_file(ses, tmp_path / "mini.yaml", origin="embedded")
    values = tmp_path / "values.csv"
    values.write_text(HEADER + "M-PM25,150000,2022,28,mini\nM-PM25,150000,2023,27,mini\n")
    assert IMPORTERS["indicators"](store, values, user="test").accepted == 2
    return store


def _counts(store: Store) -> dict[str, int]:
    with store.session() as ses:
        return {
            "values": ses.scalar(select(func.count()).select_from(s.IndicatorValue)) or 0,
            "batches": ses.scalar(select(func.count()).select_from(s.ImportBatch)) or 0,
            "quarantine": ses.scalar(select(func.count()).select_from(s.Quarantine)) or 0,
            "audit": len(audit.query(ses, entity="import_batch", limit=1000)[0]),
        }


def _csv(rows: str, name: str = "values.csv") -> dict[str, Any]:
    return {"file": (name, (HEADER + rows).encode("utf-8"), "text/csv")}


# ---------------------------------------------------------------------------------- uploads


def test_upload_role_matrix(client: TestClient, accounts: Any, seeded: Store) -> None:
    ours = "M-PM25,150200,2023,33,mini\n"
    before = _counts(seeded)
    anon = client.post("/api/imports/indicators", files=_csv(ours))
    assert anon.status_code == 401
    viewer = client.post(
        "/api/imports/indicators", files=_csv(ours), headers=accounts.auth("viewer")
    )
    assert viewer.status_code == 403
    # the editor of 包头 (150200) sends values for 呼和浩特 (150100): refused, nothing stored
    for rows in ("M-PM25,150100,2023,20,mini\n", ours + "M-PM25,150100,2023,20,mini\n"):
        r = client.post(
            "/api/imports/indicators", files=_csv(rows), headers=accounts.auth("editor")
        )
        assert r.status_code == 403, r.text
        assert "150100" in r.json()["error"]["message_en"]
    assert _counts(seeded) == before
    # registries and measurements are for admins only
    stations = {"file": ("stations.csv", (INGEST / "stations.csv").read_bytes())}
    assert (
        client.post(
            "/api/imports/stations", files=stations, headers=accounts.auth("editor")
        ).status_code
        == 403
    )
    assert _counts(seeded) == before
    # the editor's own region (a county under it too) is accepted and audited with the region
    mine = client.post(
        "/api/imports/indicators",
        files=_csv(ours + "M-PM25,150202,2023,31,mini\n"),
        headers=accounts.auth("editor"),
    )
    assert mine.status_code == 201, mine.text
    body = mine.json()
    assert body["accepted"] == 2 and body["rejected"] == 0 and body["batch_id"]
    with seeded.session() as ses:
        row = audit.query(ses, action="import.indicators", limit=1)[0][0]
        batch = ses.get(s.ImportBatch, body["batch_id"])
        assert batch is not None and batch.imported_by == "editor"
    assert row["entity_id"] == body["batch_id"] and row["username"] == "editor"
    assert row["region_code"] == "150200" and row["after"]["accepted"] == 2
    # the same file again changes nothing: 200, no batch, no audit row
    again = client.post(
        "/api/imports/indicators",
        files=_csv(ours + "M-PM25,150202,2023,31,mini\n"),
        headers=accounts.auth("editor"),
    )
    assert again.status_code == 200 and again.json()["unchanged"] is True
    assert _counts(seeded)["audit"] == before["audit"] + 1


def test_bad_rows_are_quarantined_and_listed(client: TestClient, accounts: Any) -> None:
    admin = accounts.auth("admin")
    rows = (
        "M-PM25,150300,2023,26,mini\n"  # good
        "M-PM25,159999,2023,26,mini\n"  # unknown region
        "M-PM25,150300,20x3,26,mini\n"  # bad year
        "M-NOPE,150300,2023,1,mini\n"  # unknown indicator
        "M-PM25,150400,2023,abc,mini\n"  # not a number
    )
    r = client.post("/api/imports/indicators", files=_csv(rows, "bad.csv"), headers=admin)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["accepted"], body["rejected"], body["quarantined_total"]) == (1, 4, 4)
    got = {(q["line"], q["column_name"], q["reason_code"]) for q in body["quarantined"]}
    assert got == {
        (3, "region_code", "unknown_region"),
        (4, "year", "bad_year"),
        (5, "indicator_code", "unknown_indicator"),
        (6, "value", "non_numeric"),
    }
    assert {q["file_name"] for q in body["quarantined"]} == {"bad.csv"}
    assert all(q["reason"] for q in body["quarantined"])
    listed = client.get(
        "/api/quarantine", params={"batch": body["batch_id"], "limit": 2}, headers=admin
    ).json()
    assert listed["total"] == 4 and len(listed["items"]) == 2
    assert listed["items"][0]["raw_value"] == "159999"
    assert client.get("/api/quarantine").status_code == 401
    assert client.get("/api/quarantine", params={"kind": "air"}, headers=admin).json()["total"] == 0
    batches = client.get("/api/imports", headers=admin).json()
    assert batches["items"][0]["id"] == body["batch_id"]  # newest first


def test_air_upload_after_the_station_registry(client: TestClient, accounts: Any) -> None:
    admin = accounts.auth("admin")
    reg = client.post(
        "/api/imports/stations",
        files={"file": ("stations.csv", (INGEST / "stations.csv").read_bytes())},
        headers=admin,
    )
    assert reg.status_code == 201 and reg.json()["accepted"] >= 4
    air = client.post(
        "/api/imports/air",
        files={"file": ("air_national.csv", (INGEST / "air_national.csv").read_bytes())},
        headers=admin,
    )
    assert air.status_code == 201, air.text
    body = air.json()
    assert body["accepted"] > 0 and body["rejected"] > 0
    assert {"line", "column_name", "raw_value", "reason_code", "reason"} <= set(
        body["quarantined"][0]
    )
    # e.g. the PM10 cell "abc" of station 1002A
    assert any(q["raw_value"] == "abc" for q in body["quarantined"])


def test_unreadable_file_and_unknown_kind(client: TestClient, accounts: Any, seeded: Store) -> None:
    admin = accounts.auth("admin")
    before = _counts(seeded)
    wrong = client.post(
        "/api/imports/indicators",
        files={"file": ("x.csv", b"foo,bar\n1,2\n")},
        headers=admin,
    )
    assert wrong.status_code == 422 and wrong.json()["error"]["code"] == "invalid_file"
    suffix = client.post("/api/imports/indicators", files={"file": ("x.doc", b"a")}, headers=admin)
    assert suffix.status_code == 422 and ".csv" in suffix.json()["error"]["message_en"]
    assert client.post("/api/imports/nope", files=_csv(""), headers=admin).status_code == 422
    assert _counts(seeded) == before


def test_audit_row_and_batch_commit_together(
    app: FastAPI, accounts: Any, seeded: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit row is written in the importer's transaction: when it fails, nothing is kept."""
    before = _counts(seeded)

    def broken(*_a: Any, **_k: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(routes_imports.audit, "record", broken)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(
            "/api/imports/indicators",
            files=_csv("M-PM25,150300,2023,26,mini\nM-PM25,159999,2023,1,mini\n"),
            headers=accounts.auth("admin"),
        )
    assert r.status_code == 500
    assert _counts(seeded) == before  # no batch, no value, no quarantine row


def test_imports_page_form_is_csrf_protected(
    app: FastAPI, accounts: Any, login: Any, csrf_of: Any
) -> None:
    with TestClient(app) as c:
        token = login(c, "admin")
        page = c.get("/imports")
        assert page.status_code == 200 and 'id="import-form"' in page.text
        assert 'value="air"' in page.text and 'value="stations"' in page.text
        files = _csv("M-PM25,150300,2023,26,mini\nM-PM25,159999,2023,1,mini\n", "page.csv")
        refused = c.post("/imports", data={"kind": "indicators"}, files=files)
        assert refused.status_code == 403 and "CSRF" in refused.text
        r = c.post("/imports", data={"kind": "indicators", "csrf_token": token}, files=files)
        assert r.status_code == 200
        assert (
            'id="import-result"' in r.text and "unknown_region" in r.text and "page.csv" in r.text
        )
        assert '<div id="count-rejected" class="bad"><strong>1</strong>' in r.text
    with TestClient(app) as editor:
        token = login(editor, "editor")
        html = editor.get("/imports").text
        assert 'value="indicators"' in html and 'value="air"' not in html  # only what it may
        other = editor.post(
            "/imports",
            data={"kind": "indicators", "csrf_token": token},
            files=_csv("M-PM25,150100,2023,20,mini\n"),
        )
        assert other.status_code == 403 and 'id="import-error"' in other.text
        air = editor.post("/imports", data={"kind": "air", "csrf_token": token}, files=_csv(""))
        assert air.status_code == 403
    with TestClient(app) as viewer:
        login(viewer, "viewer")
        assert 'id="import-form"' not in viewer.get("/imports").text
        # the batch list and a batch's quarantine rows are readable
        assert viewer.get("/imports").status_code == 200


# ---------------------------------------------------------------------------------- reports


def test_report_download_pdf_and_docx_cached_by_data_version(
    client: TestClient, accounts: Any, seeded: Store, tmp_path: Path
) -> None:
    auth = accounts.auth("viewer")
    params = {"plan": "mini", "year": 2023, "format": "docx"}
    r = client.get("/api/reports", params=params, headers=auth)
    assert r.status_code == 200, r.text
    assert r.content[:4] == b"PK\x03\x04"  # a ZIP container …
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(r.content)).namelist()  # … DOCX
    assert 'filename="mini-2023-midterm.docx"' in r.headers["content-disposition"]
    folder = seeded.settings.home / "reports"
    (first,) = folder.glob("mini-2023-midterm-*.docx")
    stamp = first.stat().st_mtime_ns
    assert client.get("/api/reports", params=params, headers=auth).content == r.content
    assert first.stat().st_mtime_ns == stamp  # served from the file, not written again
    # an import changes the data version: a new file replaces the old one
    more = tmp_path / "more.csv"
    more.write_text(HEADER + "M-PM25,150300,2023,24,mini\n")
    assert IMPORTERS["indicators"](seeded, more, user="test").accepted == 1
    assert client.get("/api/reports", params=params, headers=auth).status_code == 200
    (second,) = folder.glob("mini-2023-midterm-*.docx")
    assert second != first and not first.exists()
    if seeded.engine.dialect.name != "sqlite":
        return  # the PDF renderer does not touch the database: checked once (it takes seconds)
    pdf = client.get("/api/reports", params=params | {"format": "pdf"}, headers=auth)
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    assert pdf.headers["content-type"] == "application/pdf"


def test_report_errors_and_access(client: TestClient, accounts: Any) -> None:
    auth = accounts.auth("viewer")
    assert client.get("/api/reports", params={"plan": "mini", "year": 2023}).status_code == 401
    missing = client.get("/api/reports", params={"plan": "nope", "year": 2023}, headers=auth)
    assert missing.status_code == 404
    outside = client.get("/api/reports", params={"plan": "mini", "year": 2030}, headers=auth)
    assert outside.status_code == 422  # outside the plan period 2021–2025
    bad = client.get(
        "/api/reports", params={"plan": "mini", "year": 2023, "format": "odt"}, headers=auth
    )
    assert bad.status_code == 422


def test_reports_page(app: FastAPI, accounts: Any, login: Any) -> None:
    with TestClient(app) as c:
        login(c, "viewer")
        r = c.get("/reports", params={"plan": "mini"})
        assert r.status_code == 200 and 'id="report-form"' in r.text
        assert 'action="/api/reports"' in r.text and '<option value="2023">' in r.text
        assert 'value="docx"' in r.text and 'value="pdf"' in r.text
        assert 'data-nav="reports"' in r.text and 'data-nav="imports"' in r.text
