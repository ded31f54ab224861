"""One table of figures written as CSV or as an Excel workbook — the downloads of the pages.

A :class:`Table` has a Chinese title, columns (label and unit) and rows of plain values (text,
numbers, dates, booleans, ``None``). Both writers keep every value the page shows:

- **CSV**: UTF-8 with a byte-order mark (Excel opens it with the right encoding), a header
  row of the column labels (unit in parentheses), ``是``/``否`` for booleans, empty for ``None``.
- **XLSX**: one sheet with a bold, frozen header row and an autofilter over the data; numbers
  stay numbers.

Text that a spreadsheet would read as a formula — a cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return — is written with a leading apostrophe (``'``) in both formats
(OWASP "CSV injection"), so user text is always shown as text and never evaluated.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
SHEET_NAME_MAX = 31  # Excel's limit
_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


@dataclass(frozen=True)
class Column:
    """A column: its key (the JSON name), Chinese label and unit (``""`` when none)."""

    key: str
    label: str
    unit: str = ""

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass
class Table:
    """A titled table; *rows* hold one value per column, in column order."""

    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str = ""

    def __post_init__(self) -> None:
        n = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"{self.title}: row {i + 1} has {len(row)} values, not {n}")

    def to_json(self) -> dict[str, Any]:
        """``{"title", "note", "columns": [{key, label, unit}], "rows": [[...]]}``."""
        return {
            "title": self.title,
            "note": self.note,
            "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in self.columns],
            "rows": [[_json_value(v) for v in row] for row in self.rows],
        }


def _json_value(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dt.date | dt.datetime):
        return v.isoformat()
    return v


def safe_text(text: str) -> str:
    """*text*, with a leading ``'`` when a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def cell_text(v: Any) -> str:
    """The CSV text of one value."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return "" if not math.isfinite(v) else f"{v:g}" if abs(v) < 1e15 else repr(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return safe_text(str(v))


def to_csv(table: Table) -> bytes:
    """The table as UTF-8 CSV (with BOM, CRLF line ends, header row)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([safe_text(c.header) for c in table.columns])
    for row in table.rows:
        w.writerow([cell_text(v) for v in row])
    return (BOM + buf.getvalue()).encode("utf-8")


def _cell_value(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, int | float | dt.date | dt.datetime):
        return v
    return safe_text(str(v))


def sheet_title(title: str) -> str:
    """An Excel sheet name from *title* (≤ 31 characters, none of ``[]:*?/\\``)."""
    name = title.translate(_SHEET_FORBIDDEN).strip("'") or "数据"
    return name[:SHEET_NAME_MAX]


def to_xlsx(table: Table) -> bytes:
    """The table as an Excel workbook: frozen bold header row, autofilter, column widths."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet_title(table.title)
    ws.append([safe_text(c.header) for c in table.columns])
    for row in table.rows:
        ws.append([_cell_value(v) for v in row])
    for cell in ws[1]:
        cell.data_type = "s"
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    head_font = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E8F1EC")
    for cell in ws[1]:
        cell.font = head_font
        cell.fill = head_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"
    if table.columns:
        last = get_column_letter(len(table.columns))
        ws.auto_filter.ref = f"A1:{last}{max(1, len(table.rows) + 1)}"
    for j, col in enumerate(table.columns, start=1):
        width = _width(col.header, (r[j - 1] for r in table.rows[:500]))
        ws.column_dimensions[get_column_letter(j)].width = width
    if table.note:
        ws.cell(row=len(table.rows) + 3, column=1, value=safe_text(table.note))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _width(header: str, values: Any) -> float:
    def w(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    longest = max([w(header), *(w(cell_text(v)) for v in values)])
    return float(min(60, max(8, longest + 2)))


def rows_of(items: Sequence[dict[str, Any]], columns: Sequence[Column]) -> list[list[Any]]:
    """Rows of *columns*' keys from dict *items* (missing keys are ``None``)."""
    return [[it.get(c.key) for c in columns] for it in items]
