"""Reading and importing rectification ledgers (督察整改台账) kept as spreadsheets: one row per
item, Chinese headers (:data:`ecoplan.model.ledger.COLUMNS`), as XLSX or CSV.

``read_ledger(path)`` / ``parse_ledger(data, file_name)`` return the rows (cell values keyed
by column) and a metadata dict, in the shape of the other readers of :mod:`ecoplan.ingest`;
``import_ledger(session, caller, path)`` validates every row and writes them all, or — if any
row is bad — nothing, raising :class:`LedgerFileError` that names the file, row, column and
reason of every problem. Re-importing a file changes nothing; a changed row updates its item
(matched by 编号), audited ``ledger.import``.

The header row may sit below a title row (the first row, within the first ten, that holds
``编号``). XLSX: the sheet called ``整改台账``, else the first sheet. CSV: UTF-8 (a BOM is
allowed), else GB 18030. Columns the layout does not know (备注 …) are reported and ignored.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy.orm import Session

from ecoplan.ingest.errors import FileLayoutError, IngestError
from ecoplan.model.ledger import COLUMNS, REQUIRED_COLUMNS, parse_yes_no
from ecoplan.store.ledger import (
    FIELD_ZH,
    Caller,
    LedgerValidationError,
    check_import_row,
)
from ecoplan.store.ledger import import_rows as store_import_rows

SHEET = "整改台账"
HEADER_SCAN_ROWS = 10
MAX_ERRORS_SHOWN = 20
_BY_HEADER = {c.zh: c for c in COLUMNS} | {c.key: c for c in COLUMNS}
_BOOLEAN = ("stage_achieved", "reconstructed")


class LedgerFileError(IngestError):
    """A ledger file that was not imported: every problem as ``(row, column, message)``
    (row: the spreadsheet row or CSV line, header included; ``None`` for the whole file)."""

    def __init__(self, file_name: str, errors: list[tuple[int | None, str, str]]):
        self.file_name = file_name
        self.errors = errors
        shown = "; ".join(
            f"row {r} [{c}]: {m}" if r is not None else f"[{c}]: {m}"
            for r, c, m in errors[:MAX_ERRORS_SHOWN]
        )
        more = (
            f" (and {len(errors) - MAX_ERRORS_SHOWN} more)"
            if len(errors) > MAX_ERRORS_SHOWN
            else ""
        )
        super().__init__(
            f"{file_name}: {len(errors)} problem(s), nothing was imported: {shown}{more}"
        )


@dataclass
class LedgerImportResult:
    """What an import did: rows read, items inserted, updated and left unchanged."""

    file_name: str
    sha256: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


# --- reading ---------------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """A cell as the validators want it: text stripped, whole floats as integers' text (Excel
    keeps 150100 as 150100.0), dates kept as dates, booleans kept."""
    if value is None:
        return None
    if isinstance(value, bool | date | datetime):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    t = str(value).strip()
    return t or None


def _header_index(rows: list[list[Any]], file_name: str) -> int:
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = {str(v).strip() for v in row if v is not None}
        if "编号" in cells or "code" in cells:
            return i
    raise FileLayoutError(
        file_name,
        f"no header row with 编号 (code) in the first {HEADER_SCAN_ROWS} rows; "
        f"expected the columns {', '.join(c.zh for c in COLUMNS)}",
    )


def _rows_of(table: list[list[Any]], file_name: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    h = _header_index(table, file_name)
    header = [str(v).strip() if v is not None else "" for v in table[h]]
    keys: dict[int, str] = {}
    ignored: list[str] = []
    seen: dict[str, str] = {}
    for j, name in enumerate(header):
        if not name:
            continue
        col = _BY_HEADER.get(name)
        if col is None:
            ignored.append(name)
            continue
        if col.key in seen:
            raise FileLayoutError(file_name, f"columns {seen[col.key]!r} and {name!r} are the same")
        seen[col.key] = name
        if col.imported:
            keys[j] = col.key
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        names = "、".join(f"{_BY_HEADER[k].zh} ({k})" for k in missing)
        raise FileLayoutError(file_name, f"missing column(s): {names}")
    rows: list[dict[str, Any]] = []
    for i in range(h + 1, len(table)):
        raw = table[i]
        if all(_cell(v) is None for v in raw):
            continue  # blank rows are layout, not data
        rec: dict[str, Any] = {"_line": i + 1}
        for j, key in keys.items():
            rec[key] = _cell(raw[j]) if j < len(raw) else None
        rows.append(rec)
    meta = {"header_row": h + 1, "columns": [seen[k] for k in seen], "ignored_columns": ignored}
    return rows, meta


def _decode(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            raise FileLayoutError(file_name, "the CSV file is neither UTF-8 nor GB 18030") from None


def parse_ledger(data: bytes, file_name: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The rows of a ledger file given as bytes (``.xlsx`` or ``.csv`` by *file_name*).

    Returns ``(rows, meta)``: every row a dict of the importable columns' keys (cells as
    text, dates or booleans; ``None`` when empty) plus ``_line``; *meta* holds
    ``file_name``, ``sha256``, ``format``, ``sheet``, ``header_row``, ``columns`` and
    ``ignored_columns``. Raises :class:`~ecoplan.ingest.errors.FileLayoutError` for a file
    that cannot be read or lacks a required column.
    """
    suffix = Path(file_name).suffix.lower()
    sheet_name: str | None = None
    if suffix in (".xlsx", ".xlsm"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise FileLayoutError(file_name, f"not a readable XLSX workbook ({exc})") from None
        ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
        sheet_name = ws.title
        table = [list(r) for r in ws.iter_rows(values_only=True)]
        wb.close()
        fmt = "xlsx"
    elif suffix in (".csv", ".txt"):
        text = _decode(data, file_name)
        table = [list(r) for r in csv.reader(io.StringIO(text))]
        fmt = "csv"
    else:
        raise FileLayoutError(file_name, "a ledger file must be .xlsx or .csv")
    rows, meta = _rows_of(table, file_name)
    meta |= {
        "file_name": file_name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "format": fmt,
        "sheet": sheet_name,
        "rows": len(rows),
    }
    return rows, meta


def read_ledger(path: str | Path) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """:func:`parse_ledger` of the file at *path*."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FileLayoutError(p.name, f"cannot read the file: {exc.strerror}") from None
    return parse_ledger(data, p.name)


# --- importing -------------------------------------------------------------------------------


def _column_name(key: str, meta: dict[str, Any]) -> str:
    col = _BY_HEADER.get(key)
    if col is None:
        return FIELD_ZH.get(key, key)
    return f"{col.zh}"


def check_rows(
    session: Session, rows: list[dict[str, Any]], meta: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[tuple[int | None, str, str]]]:
    """Validate every row; returns the normalised rows and every ``(row, column, message)``."""
    errors: list[tuple[int | None, str, str]] = []
    good: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for rec in rows:
        line = int(rec["_line"])
        values = dict(rec)
        bad_flag = False
        for key in _BOOLEAN:
            try:
                values[key] = parse_yes_no(values.get(key))
            except ValueError as exc:
                errors.append((line, _column_name(key, meta), str(exc)))
                bad_flag = True
        try:
            row = check_import_row(session, values)
        except LedgerValidationError as exc:
            errors += [(line, _column_name(k, meta), m) for k, m in exc.fields]
            continue
        if bad_flag:
            continue
        code = row["code"]
        if code in first_line:
            errors.append((line, "编号", f"code {code!r} repeats row {first_line[code]}"))
            continue
        first_line[code] = line
        good.append(row)
    return good, errors


def import_rows(
    session: Session,
    caller: Caller,
    rows: list[dict[str, Any]],
    meta: dict[str, Any],
) -> LedgerImportResult:
    """Validate *rows* (from :func:`parse_ledger`) and write them all, or raise
    :class:`LedgerFileError` listing every problem and write nothing."""
    file_name = str(meta["file_name"])
    if not rows:
        raise LedgerFileError(file_name, [(None, "(file)", "the file holds no item rows")])
    good, errors = check_rows(session, rows, meta)
    if errors:
        raise LedgerFileError(file_name, errors)
    result = LedgerImportResult(
        file_name, str(meta["sha256"]), rows=len(good), ignored_columns=meta["ignored_columns"]
    )
    counts = store_import_rows(session, caller, good, source_file=file_name)
    result.inserted, result.updated, result.unchanged = (
        counts["inserted"],
        counts["updated"],
        counts["unchanged"],
    )
    return result


def import_ledger(
    session: Session, caller: Caller, path: str | Path, *, file_name: str | None = None
) -> LedgerImportResult:
    """Import the ledger file at *path* (all rows or none; see the module docstring)."""
    rows, meta = read_ledger(path)
    if file_name:
        meta["file_name"] = file_name
    return import_rows(session, caller, rows, meta)


def import_ledger_bytes(
    session: Session, caller: Caller, data: bytes, file_name: str
) -> LedgerImportResult:
    """Import an uploaded ledger file (all rows or none)."""
    rows, meta = parse_ledger(data, file_name)
    return import_rows(session, caller, rows, meta)


# --- the shipped examples ----------------------------------------------------------------------


def example_files() -> list[Path]:
    """The example ledgers shipped in ``ecoplan/data/ledger`` (``*.csv``, ``*.xlsx``), by name.

    They are reconstructed from the totals the Hohhot 14th FYP (seeds/002, 第一章第一节“4.”)
    publishes — the documents give counts, not the items — and say so in every row.
    """
    root = Path(str(files("ecoplan.data") / "ledger"))
    return sorted(p for p in root.iterdir() if p.suffix.lower() in (".csv", ".xlsx"))


def load_examples(session: Session, caller: Caller) -> list[LedgerImportResult]:
    """Import every example ledger (idempotent: a second load changes nothing)."""
    return [import_ledger(session, caller, p) for p in example_files()]
