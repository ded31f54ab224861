"""The evaluation report as an Excel workbook (openpyxl): one sheet per section.

Sheets 概况, 指标, 分类, 排名, 风险, 来源 (the sheet names of the six sections).  Each sheet
holds its section's heading and paragraphs, then its tables (and those of its subsections)
with the numbers stored as numbers and status cells filled with the traffic-light colour.
Same style as :mod:`ecoplan.report.plan_xlsx`.  Reproducible: fixed document properties
and zip time stamps (``generated_at``).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ecoplan.model.cells import harden_workbook
from ecoplan.report.docx import deterministic_zip
from ecoplan.report.evaluation import Cell, ReportModel, Section, Table, as_utc, ink_on
from ecoplan.report.plan_xlsx import HEAD_FILL, HEAD_FONT

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
CAPTION_FONT = Font(bold=True)
RED_FONT = Font(bold=True, color="C0392B")
WIDTH_UNIT = 9.0  # characters per unit of Table.widths
TEXT_COLUMNS = 8  # paragraphs are merged across this many columns


def _para(ws: Any, text: str, font: Font | None = None) -> None:
    ws.append([text])
    r = ws.max_row
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=TEXT_COLUMNS)
    c = ws.cell(row=r, column=1)
    c.alignment = Alignment(wrap_text=True, vertical="top")
    if font is not None:
        c.font = font
    # a merged cell does not grow with its text: give the row a height for ~60 chars a line
    lines = max(1, -(-len(text) // 60))
    ws.row_dimensions[r].height = 15 * lines


def _table(ws: Any, t: Table) -> None:
    """Write *t*; a column whose cells carry a year gets a 年份 column after it.

    ``基准值（年）`` becomes ``基准值`` (the number) and ``年份`` (the integer year), so both stay
    numbers a reader can sort and compute with.
    """
    ws.append([])
    ws.append([t.caption_zh])
    ws.cell(row=ws.max_row, column=1).font = CAPTION_FONT
    dated = [any(r[j].year is not None for r in t.rows) for j in range(len(t.columns))]
    headers: list[str] = []
    widths: list[float] = []
    for name, w, has_year in zip(t.columns, t.widths, dated, strict=True):
        if has_year:
            headers += [name.replace("（年）", ""), "年份"]
            widths += [w * 0.7, 0.7]
        else:
            headers.append(name)
            widths.append(w)
    ws.append(headers)
    head = ws.max_row
    for j, w in enumerate(widths, start=1):
        c = ws.cell(row=head, column=j)
        c.fill, c.font, c.border = HEAD_FILL, HEAD_FONT, BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        col = ws.column_dimensions[get_column_letter(j)]
        col.width = max(col.width or 0, round(w * WIDTH_UNIT, 1))
    for row in t.rows:
        cells: list[Cell] = []
        for cell, has_year in zip(row, dated, strict=True):
            cells.append(cell)
            if has_year:
                y = cell.year
                cells.append(Cell("" if y is None else str(y), value=y, align="center"))
        ws.append([c.sheet_value if c.value is not None or c.text else None for c in cells])
        r = ws.max_row
        for j, cell in enumerate(cells, start=1):
            c = ws.cell(row=r, column=j)
            c.border = BORDER
            c.alignment = Alignment(horizontal=cell.align, vertical="top", wrap_text=True)
            if cell.fill:
                hexa = cell.fill.lstrip("#").upper()
                c.fill = PatternFill("solid", fgColor=hexa)
                c.font = Font(color=ink_on(cell.fill).lstrip("#").upper())
    if t.note_zh:
        _para(ws, f"注：{t.note_zh}")


def _section(ws: Any, s: Section, top: bool) -> None:
    if not top:
        ws.append([])
    ws.append([s.heading_zh])
    ws.cell(row=ws.max_row, column=1).font = TITLE_FONT if top else HEADING_FONT
    for p in s.paragraphs:
        _para(ws, p)
    for t in s.tables:
        _table(ws, t)
    for sub in s.subsections:
        _section(ws, sub, False)


def render_xlsx(model: ReportModel) -> bytes:
    """The report as .xlsx bytes."""
    wb = Workbook()
    first = True
    for s in model.sections:
        if first:
            ws = wb.active
            ws.title = s.sheet_zh or s.key
            ws.append([f"《{model.title_zh}》"])
            ws.cell(row=1, column=1).font = Font(bold=True, size=16)
            ws.append([f"{model.issuer_zh}　{model.date_zh}"])
            ws.append(
                [f"规划：{model.plan_title_zh}（{model.plan_period_zh}）　评估年度：{model.year}年"]
            )
            if model.synthetic:
                ws.append([model.synthetic_note_zh])
                ws.cell(row=ws.max_row, column=1).font = RED_FONT
            ws.append([])
            first = False
        else:
            ws = wb.create_sheet(s.sheet_zh or s.key)
            if model.synthetic:
                ws.append([model.synthetic_note_zh])
                ws.cell(row=ws.max_row, column=1).font = RED_FONT
        _section(ws, s, True)
        ws.sheet_view.showGridLines = False
    props = wb.properties
    props.title = f"《{model.title_zh}》"
    props.subject = model.plan_title_zh
    props.creator = model.issuer_zh
    props.lastModifiedBy = "ecoplan"
    props.keywords = f"{model.plan_id} {model.year} {model.kind_zh}"
    when = as_utc(model.generated_at).replace(tzinfo=None)  # openpyxl writes naive UTC
    props.created = when
    props.modified = when
    buf = io.BytesIO()
    # ExcelWriter directly: Workbook.save would stamp "modified" with the current time
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        harden_workbook(wb)  # user text is text, never a formula
        ExcelWriter(wb, archive).write_data()
    return deterministic_zip(buf.getvalue(), model.generated_at)


def write_xlsx(model: ReportModel, out: Path) -> Path:
    """Write the report workbook to *out*; returns *out*."""
    out = Path(out)
    out.write_bytes(render_xlsx(model))
    return out
