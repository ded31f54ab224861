"""The evaluation report as PDF: WeasyPrint prints the HTML page (A4, CJK font embedded).

Page numbers, the repeated table headers and the table of contents come from the
stylesheet in ``templates/report.css.j2``.  The PDF's creation/modification dates are the
report's ``generated_at`` (from the page's ``dcterms`` meta tags), so the same model gives the
same file.
"""

from __future__ import annotations

from pathlib import Path

from ecoplan.report.evaluation import ReportModel
from ecoplan.report.fonts import find_cjk_font
from ecoplan.report.html import TEMPLATES, render_html


def render_pdf(model: ReportModel, *, charts_svg: dict[str, bytes] | None = None) -> bytes:
    """The report as PDF bytes.

    Raises
    ------
    ecoplan.report.fonts.CJKFontNotFoundError
        No CJK font is installed (the message names the Debian package).
    """
    from weasyprint import HTML

    serif = find_cjk_font("serif").family
    sans = find_cjk_font("sans").family
    html = render_html(model, charts_svg=charts_svg, serif_font=serif, sans_font=sans)
    pdf = HTML(string=html, base_url=str(TEMPLATES)).write_pdf(
        uncompressed_pdf=False, pdf_identifier=model.plan_id.encode("utf-8")
    )
    assert pdf is not None
    return bytes(pdf)


def write_pdf(model: ReportModel, out: Path) -> Path:
    """Write the report PDF to *out*; returns *out*."""
    out = Path(out)
    out.write_bytes(render_pdf(model))
    return out
