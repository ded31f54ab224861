"""Word, Excel and HTML renderings of the evaluation report (the PDF: test_report_pdf.py)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn
from report_inputs import GENERATED, NAMES, YEAR, make_plan, make_ranking, make_rows

from ecoplan.assess.types import Status
from ecoplan.report import write_report
from ecoplan.report.evaluation import (
    LOCAL_TZ,
    SYNTHETIC_NOTE_ZH,
    ReportModel,
    build_report_model,
)

STATUS_WORDS = [s.name_zh for s in Status]


@pytest.fixture(scope="module")
def out(model: ReportModel, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("report")
    return {f: write_report(model, f, d / f"r.{f}") for f in ("docx", "xlsx", "html")}  # type: ignore[arg-type]


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ------------------------------------------------------------------ Word


def _docx_text(d: docx.document.Document) -> str:
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def test_docx_text(out: dict[str, Path], model: ReportModel) -> None:
    d = docx.Document(str(out["docx"]))
    text = _docx_text(d)
    for name in NAMES:
        assert name in text, name
    for w in STATUS_WORDS:
        assert w in text, w
    assert f"《{model.title_zh}》" in text
    assert SYNTHETIC_NOTE_ZH in text
    assert "内蒙古自治区生态环境厅（规划处）" in text
    for h in (
        "一、总体情况",
        "二、指标完成情况",
        "三、分类评估",
        "四、盟市排名",
        "五、存在风险的指标",
        "六、数据来源与方法",
    ):
        assert h in text


def test_docx_official_look(out: dict[str, Path], model: ReportModel) -> None:
    d = docx.Document(str(out["docx"]))
    heads = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    assert [p.text for p in heads][:2] == ["一、总体情况", "二、指标完成情况"]
    east = heads[0].runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))
    assert east == "黑体"
    body = next(p for p in d.paragraphs if p.text.startswith("根据《"))
    assert body.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋"
    # every table's first row repeats as a header
    assert len(d.tables) == len(model.all_tables())
    for t in d.tables:
        assert t.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    # status cells are shaded in the traffic-light colour
    ind = d.tables[1]
    fills = {
        c._element.tcPr.find(qn("w:shd")).get(qn("w:fill"))
        for row in ind.rows[1:]
        for c in row.cells[-1:]
    }
    assert fills == {s.color.lstrip("#").upper() for s in Status}
    # one picture per chart, A4 page
    assert len(d.inline_shapes) == len(model.charts)
    assert round(d.sections[0].page_width.cm, 1) == 21.0
    assert d.core_properties.created == GENERATED.replace(tzinfo=LOCAL_TZ)  # 01:30 UTC


# ------------------------------------------------------------------ Excel


def test_xlsx_sheets_and_cells(out: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(out["xlsx"])
    assert wb.sheetnames == ["概况", "指标", "分类", "排名", "风险", "来源"]
    ws = wb["指标"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if c.value is not None}
    for name in NAMES:
        assert name in cells, name
    head = next(r for r in ws.iter_rows() if r[0].value == "序号")
    cols = [c.value for c in head]
    rows = [r for r in ws.iter_rows(min_row=head[0].row + 1) if isinstance(r[0].value, int)]
    assert len(rows) == 9
    pm = next(r for r in rows if r[1].value == NAMES[0])
    assert pm[cols.index("现状值")].value == 25.0  # stored as a number
    assert pm[cols.index("现状值") + 1].value == 2023  # and its year beside it
    assert cols[cols.index("基准值") + 1] == "年份"
    assert pm[cols.index("目标值")].value == 27.0
    assert pm[cols.index("状态")].value == "已达标"
    assert pm[cols.index("状态")].fill.fgColor.rgb.endswith(Status.ACHIEVED.color[1:].upper())
    assert {r[cols.index("状态")].value for r in rows} == set(STATUS_WORDS)
    rank = wb["排名"]
    first = next(r for r in rank.iter_rows() if r[0].value == 1)
    assert first[1].value == "呼和浩特市" and first[2].value == 92.5
    assert SYNTHETIC_NOTE_ZH in [c.value for c in wb["概况"]["A"]]
    risks = [c.value for row in wb["风险"].iter_rows() for c in row]
    assert NAMES[3] in risks and "进展滞后" in risks
    src = [c.value for row in wb["来源"].iter_rows() for c in row]
    assert "imported:t-pm25.csv sha256:abc123" in src and "（二）评估方法" in src
    assert wb.properties.created == datetime(2024, 3, 15, 1, 30)  # UTC of 09:30 UTC+8


# ------------------------------------------------------------------ HTML


def test_html_standalone_with_svg_charts(out: dict[str, Path], model: ReportModel) -> None:
    html = out["html"].read_text(encoding="utf-8")
    assert html.count("<svg") == len(model.charts) == 5
    assert "<?xml" not in html and "<script" not in html and "http://" not in html.split("<svg")[0]
    for name in NAMES:
        assert name in html, name
    for w in STATUS_WORDS:
        assert w in html
    for s in Status:
        assert f"background-color: {s.color}" in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # charts' ids were prefixed apart
    assert SYNTHETIC_NOTE_ZH in html
    assert '<meta name="dcterms.created" content="2024-03-15T09:30:00+08:00">' in html
    assert "@page" in html and "counter(page)" in html


# ------------------------------------------------------------------ reproducible, API


def test_same_model_same_bytes(out: dict[str, Path], model: ReportModel, tmp_path: Path) -> None:
    for fmt in ("docx", "xlsx", "html"):
        again = write_report(model, fmt, tmp_path / f"again.{fmt}")  # type: ignore[arg-type]
        assert again.read_bytes() == out[fmt].read_bytes(), fmt


def test_write_report_into_a_directory(model: ReportModel, tmp_path: Path) -> None:
    p = write_report(model, "xlsx", tmp_path)
    assert p == tmp_path / "test-14fyp-2023-midterm.xlsx" and p.exists()


def test_write_report_unknown_format(model: ReportModel, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf, docx, xlsx, html"):
        write_report(model, "odt", tmp_path / "x.odt")  # type: ignore[arg-type]


def test_html_without_synthetic(tmp_path: Path) -> None:
    real = build_report_model(
        make_plan(), YEAR, make_rows(), make_ranking(), generated_at=GENERATED
    )
    html = write_report(real, "html", tmp_path / "real.html").read_text(encoding="utf-8")
    assert SYNTHETIC_NOTE_ZH not in html and 'class="synthetic' not in html
    assert NAMES[0] in html
