"""The PDF (WeasyPrint): text, fonts, pages, metadata, reproducibility."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from report_inputs import NAMES

from ecoplan.assess.types import Status
from ecoplan.report import write_report
from ecoplan.report.evaluation import SYNTHETIC_NOTE_ZH, ReportModel


@pytest.fixture(scope="module")
def pdf(model: ReportModel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(model, "pdf", tmp_path_factory.mktemp("pdf") / "r.pdf")


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _text(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(path).pages]


def test_pdf_text_has_every_indicator_and_status(pdf: Path, model: ReportModel) -> None:
    pages = _text(pdf)
    text = _squash("".join(pages))
    for name in NAMES:  # table cells wrap long names: compare without white space
        assert _squash(name) in text, name
    for s in Status:
        assert s.name_zh in text
    assert _squash(model.title_zh) in text
    assert _squash(SYNTHETIC_NOTE_ZH) in _squash(pages[0])  # on the cover
    assert "内蒙古自治区生态环境厅（规划处）" in text
    for h in ("一、总体情况", "四、盟市排名", "六、数据来源与方法", "图1", "表1"):
        assert h in text


def test_pdf_pages_fonts_and_metadata(pdf: Path) -> None:
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 8
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    # page numbers: none on the cover, "— n —" from page 2 on
    assert "— 1 —" not in (reader.pages[0].extract_text() or "")
    assert "— 3 —" in (reader.pages[2].extract_text() or "")
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            for d in f.get("/DescendantFonts", [f]):
                desc = d.get_object().get("/FontDescriptor")
                desc = desc.get_object() if desc is not None else {}
                fonts[str(f["/BaseFont"])] = any(
                    k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")
                )
    assert any("CJK" in name for name in fonts), fonts
    assert all(fonts.values()), fonts  # every font embedded
    meta = reader.metadata
    assert meta is not None
    assert meta["/CreationDate"].startswith("D:20240315093000+08")
    assert meta["/Title"] == "测试自治区“十四五”生态环境保护规划实施情况中期评估报告"


def test_pdf_pages_render_to_png(pdf: Path, tmp_path: Path) -> None:
    """pdftoppm (poppler-utils, scripts/install-system-deps.sh) draws every page."""
    exe = shutil.which("pdftoppm")
    assert exe, "pdftoppm missing: run scripts/install-system-deps.sh"
    subprocess.run(
        [exe, "-png", "-r", "20", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "p")], check=True
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 3 and all(p.stat().st_size > 500 for p in pngs)
