"""The evaluation report as a Word document (python-docx), laid out as an official document.

A4 with the margins of GB/T 9704 (党政机关公文格式: top 37 mm, bottom 35 mm, left 28 mm,
right 26 mm); body text 仿宋 14 pt with a two-character first-line indent; 一级标题 黑体,
二级标题 楷体; tables in 宋体 with a shaded header row that repeats on every page; charts as
PNG pictures; page numbers in the footer from the second page on.  The CJK font is set on
every run through ``w:eastAsia`` (Latin text in Times New Roman); Word on the reader's
machine supplies the fonts.

The file is reproducible: core properties take the report's ``generated_at`` and the zip
entries a fixed time stamp (:func:`deterministic_zip`).
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from ecoplan.report.charts import render_charts
from ecoplan.report.evaluation import ReportModel, Section, Table, as_utc, ink_on

BODY_FONT = "仿宋"  # FangSong
HEADING_FONT = "黑体"  # SimHei
HEADING2_FONT = "楷体"  # KaiTi
TABLE_FONT = "宋体"  # SimSun
LATIN_FONT = "Times New Roman"
BODY_PT = 14.0  # 四号
TABLE_PT = 10.5  # 五号
TABLE_PT_WIDE = 9.0  # 小五, tables of more than six columns
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6
HEAD_FILL = "1F4E79"
RED = RGBColor(0xC0, 0x39, 0x2B)


def _set_fonts(rpr_owner: Any, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set ``w:rFonts`` (ascii, hAnsi, eastAsia) on a run or a style, dropping theme fonts."""
    rpr = rpr_owner.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if rfonts.get(qn(attr)) is not None:
            del rfonts.attrib[qn(attr)]
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _run(
    paragraph: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = BODY_PT,
    bold: bool = False,
    color: RGBColor | None = None,
) -> Any:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    _set_fonts(run._element, font)
    return run


def _style_document(doc: Any) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    _set_fonts(normal.element, BODY_FONT)
    for name, font, size, bold in (
        ("Heading 1", HEADING_FONT, 16.0, False),
        ("Heading 2", HEADING2_FONT, 15.0, True),
        ("Heading 3", BODY_FONT, 14.0, True),
    ):
        st = styles[name]
        st.font.size = Pt(size)
        st.font.bold = bold
        st.font.italic = False
        st.font.color.rgb = RGBColor(0, 0, 0)
        _set_fonts(st.element, font)
        pf = st.paragraph_format
        pf.space_before = Pt(12 if name == "Heading 1" else 8)
        pf.space_after = Pt(6)
        pf.keep_with_next = True


def _page_number_footer(section: Any) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=10.5)
    run = _run(p, "", size=10.5)
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._element.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
    _run(p, " —", size=10.5)


def _shade(cell: Any, fill: str) -> None:
    tcpr = cell._element.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    tcpr.append(shd)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _cant_split(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))


ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}


def _caption(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    p.paragraph_format.space_before = Pt(6)
    _run(p, text, font=HEADING_FONT, size=TABLE_PT)


def _table(doc: Any, t: Table) -> None:
    _caption(doc, t.caption_zh)
    size = TABLE_PT_WIDE if len(t.columns) > 6 else TABLE_PT
    table = doc.add_table(rows=1 + len(t.rows), cols=len(t.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(t.widths)
    widths = [Cm(TEXT_WIDTH_CM * w / total) for w in t.widths]
    table.autofit = False
    for j, col in enumerate(table.columns):  # w:gridCol, which LibreOffice follows
        col.width = widths[j]
    head = table.rows[0]
    _repeat_header(head)
    for j, name in enumerate(t.columns):
        cell = head.cells[j]
        cell.width = widths[j]
        _shade(cell, HEAD_FILL)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, name, font=HEADING_FONT, size=size, color=RGBColor(0xFF, 0xFF, 0xFF))
    for i, row in enumerate(t.rows, start=1):
        trow = table.rows[i]
        _cant_split(trow)
        for j, c in enumerate(row):
            cell = trow.cells[j]
            cell.width = widths[j]
            p = cell.paragraphs[0]
            p.alignment = ALIGN[c.align]
            color = None
            if c.fill:
                _shade(cell, c.fill)
                color = RGBColor.from_string(ink_on(c.fill).lstrip("#").upper())
            _run(p, c.text, font=TABLE_FONT, size=size, color=color)
    if t.note_zh:
        p = doc.add_paragraph()
        _run(p, f"注：{t.note_zh}", size=TABLE_PT - 1)


def _paragraph(doc: Any, text: str) -> None:
    p = doc.add_paragraph()
    pf = p.paragraph_format
    pf.first_line_indent = Pt(2 * BODY_PT)
    pf.line_spacing = 1.5
    pf.space_after = Pt(0)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _run(p, text)


def _section(
    doc: Any, s: Section, level: int, pngs: dict[str, bytes], fig_no: dict[str, int], m: Any
) -> None:
    h = doc.add_heading(level=min(level, 3))
    _run(
        h,
        s.heading_zh,
        font=(HEADING_FONT, HEADING2_FONT, BODY_FONT)[min(level, 3) - 1],
        size=(16.0, 15.0, 14.0)[min(level, 3) - 1],
        bold=level > 1,
        color=RGBColor(0, 0, 0),
    )
    for text in s.paragraphs:
        _paragraph(doc, text)
    for t in s.tables:
        _table(doc, t)
    for key in s.charts:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.keep_with_next = True
        p.add_run().add_picture(io.BytesIO(pngs[key]), width=Cm(TEXT_WIDTH_CM - 0.4))
        _caption(doc, f"图{fig_no[key]}　{m.chart(key).title_zh}")
    for sub in s.subsections:
        _section(doc, sub, level + 1, pngs, fig_no, m)


def _cover(doc: Any, m: ReportModel) -> None:
    def centered(text: str, **kw: Any) -> Any:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.paragraph_format.space_after = Pt(6)
        _run(p, text, **kw)
        return p

    for _ in range(4):
        doc.add_paragraph()
    centered(
        f"{m.year}年度 · {m.kind_zh}", font=HEADING_FONT, size=14, color=RGBColor(0x1F, 0x4E, 0x79)
    )
    doc.add_paragraph()
    centered(f"《{m.title_zh}》", font=HEADING_FONT, size=22, bold=False)
    doc.add_paragraph()
    centered(f"规划：{m.plan_title_zh}（{m.plan_period_zh}）", size=14)
    if m.plan_issuer_zh:
        centered(f"印发单位：{m.plan_issuer_zh}", size=14)
    centered(f"评估年度：{m.year}年", size=14)
    if m.region_zh:
        centered(f"评估范围：{m.region_zh}", size=14)
    if m.synthetic:
        doc.add_paragraph()
        centered(m.synthetic_note_zh, font=HEADING_FONT, size=14, bold=True, color=RED)
    for _ in range(5):
        doc.add_paragraph()
    centered(m.issuer_zh, font=HEADING_FONT, size=16)
    centered(m.date_zh, size=14)


def deterministic_zip(data: bytes, when: datetime) -> bytes:
    """Rewrite an OOXML zip so every entry carries the time stamp *when* (entry order kept)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=stamp)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def render_docx(model: ReportModel, *, charts_png: dict[str, bytes] | None = None) -> bytes:
    """The report as .docx bytes (charts rendered as PNG unless given)."""
    pngs = charts_png if charts_png is not None else render_charts(model, "png")
    doc = Document()
    _style_document(doc)
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    _cover(doc, model)
    body = doc.add_section(WD_SECTION.NEW_PAGE)
    body.footer.is_linked_to_previous = False
    _page_number_footer(body)
    if model.synthetic:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, model.synthetic_note_zh, font=HEADING_FONT, size=12, color=RED)
    fig_no = model.figure_numbers()
    for s in model.sections:
        _section(doc, s, 1, pngs, fig_no, model)
    p = doc.add_paragraph()
    p.add_run().add_break(WD_BREAK.LINE)
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(p, f"{model.issuer_zh}\n{model.date_zh}")

    props = doc.core_properties
    props.title = f"《{model.title_zh}》"
    props.subject = model.plan_title_zh
    props.author = model.issuer_zh
    props.last_modified_by = "ecoplan"
    props.keywords = f"{model.plan_id} {model.year} {model.kind_zh}"
    props.comments = model.synthetic_note_zh if model.synthetic else ""
    when = as_utc(model.generated_at)
    props.created = when
    props.modified = when
    props.last_printed = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue(), model.generated_at)


def write_docx(model: ReportModel, out: Path) -> Path:
    """Write the report as .docx to *out*; returns *out*."""
    out = Path(out)
    out.write_bytes(render_docx(model))
    return out
