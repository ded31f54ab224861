"""Spreadsheet-safe cell values: user text is written as text, never as a formula.

OWASP "CSV Injection": a spreadsheet program evaluates a cell whose text begins with ``=``,
``+``, ``-`` or ``@`` (and some also after a leading tab, carriage return or spaces, which they
strip first) — ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` typed into a ledger item would run
on the official's machine when the export is opened. Every export writes cells through one of:

- :func:`safe_cell` / :func:`safe_text` — for CSV and other plain-text cells: text that a
  spreadsheet would evaluate gets a leading apostrophe ``'`` (OWASP's advice; Excel shows the
  rest as text). Numbers stay numbers, and text that *is* a plain number (``-3.5``, ``+1``) is
  left alone: a program reads it as that number, nothing runs;
- :func:`safe_frame` — the same over every text column of a DataFrame (vectorised);
- :func:`harden_workbook` — for ``.xlsx``, just before saving: openpyxl makes text beginning
  with ``=`` a live formula; such cells (and any other formula-like text) become string cells
  with Excel's "quote prefix" style (what Excel does for text typed as ``'=…``), so the cell
  shows — and reads back as — exactly the text, and is never evaluated. No ecoplan workbook
  writes a formula on purpose.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

#: First characters that make a spreadsheet evaluate or reinterpret a cell (OWASP).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
#: Evaluated also after leading whitespace that a spreadsheet strips.
_AFTER_SPACE = ("=", "+", "-", "@")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?%?")
_LEADING_WS = " \t\r\n\u3000\xa0"


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could evaluate *text* as a formula (or DDE call)."""
    if not text:
        return False
    stripped = text.lstrip(_LEADING_WS)
    if not (text.startswith(TRIGGERS) or stripped.startswith(_AFTER_SPACE)):
        return False
    return not _PLAIN_NUMBER.fullmatch(stripped.rstrip())


def safe_text(text: str) -> str:
    """*text*, with a leading ``'`` when a spreadsheet would evaluate it."""
    return "'" + text if is_formula_like(text) else text


def safe_cell(value: Any) -> Any:
    """A cell value to write to CSV: text escaped by :func:`safe_text`, anything else as is."""
    return safe_text(value) if isinstance(value, str) else value


def safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of *df* whose text cells are escaped by :func:`safe_text` (numbers untouched)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype != object and not pd.api.types.is_string_dtype(s):
            continue
        stripped = s.str.lstrip(_LEADING_WS)  # NaN where the cell is not text
        risky = s.str.startswith(TRIGGERS, na=False) | stripped.str.startswith(
            _AFTER_SPACE, na=False
        )
        risky &= ~stripped.str.rstrip().str.fullmatch(_PLAIN_NUMBER.pattern, na=False)
        if risky.any():
            out[col] = s.astype(object)
            out.loc[risky, col] = "'" + s[risky].astype(str)
    return out


def harden_cell(cell: Any) -> bool:
    """Make *cell* plain text if it is (or would become) a formula; True when it changed."""
    value = cell.value
    if not isinstance(value, str):
        return False
    if cell.data_type != "f" and not is_formula_like(value):
        return False
    cell.data_type = "s"
    cell.quotePrefix = True
    return True


def harden_workbook(wb: Any) -> int:
    """Harden every cell of every sheet of *wb* (an openpyxl Workbook); returns how many."""
    changed = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                changed += harden_cell(cell)
    return changed
