"""Two PDF renders of the same model are the same file (fixed dates, ids and font subsets).

Separate from test_report_pdf.py so the two slow renders run beside the content checks.
"""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from ecoplan.report import write_report
from ecoplan.report.evaluation import ReportModel


def test_pdf_is_reproducible(model: ReportModel, tmp_path: Path) -> None:
    a = write_report(model, "pdf", tmp_path / "a.pdf")
    b = write_report(model, "pdf", tmp_path / "b.pdf")
    assert a.read_bytes() == b.read_bytes()
    # and so, a fortiori, the text; check it is there at all
    first = PdfReader(a).pages[0].extract_text() or ""
    assert model.title_zh[:6] in first.replace("\n", "")
