"""The evaluation report as one standalone HTML page (charts as inline SVG).

The same HTML, with the found CJK font named first, is what :mod:`ecoplan.report.pdf`
prints; its stylesheet carries the A4 page rules (page numbers, repeated table headers).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ecoplan.report.charts import render_charts, svg_inline
from ecoplan.report.evaluation import LOCAL_TZ, ReportModel, ink_on
from ecoplan.report.fonts import css_font_stack

TEMPLATES = Path(__file__).with_name("templates")


def w3c_datetime(d: datetime) -> str:
    """*d* as a W3C date-time (naive times are local time, UTC+8, the project's convention)."""
    if d.tzinfo is None:
        d = d.replace(tzinfo=LOCAL_TZ)
    return d.isoformat(timespec="seconds")


def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "html.j2"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["ink"] = ink_on
    return env


def render_html(
    model: ReportModel,
    *,
    charts_svg: dict[str, bytes] | None = None,
    serif_font: str | None = None,
    sans_font: str | None = None,
) -> str:
    """The report page as a string.

    Parameters
    ----------
    charts_svg
        Pre-rendered SVG charts by key (default: render them).
    serif_font, sans_font
        A font family to name first in the body / heading font stacks (the PDF passes the
        fonts it found); by default the stacks are the fixed lists of
        :data:`ecoplan.report.fonts.PREFERRED`, so the page is the same on every machine.
    """
    svgs = charts_svg if charts_svg is not None else render_charts(model, "svg")
    inline = {k: svg_inline(v, f"c-{k}") for k, v in svgs.items()}
    tpl = _env().get_template("report.html.j2")
    return tpl.render(
        m=model,
        charts=inline,
        fig_no=model.figure_numbers(),
        created=w3c_datetime(model.generated_at),
        serif=css_font_stack("serif", serif_font),
        sans=css_font_stack("sans", sans_font),
    )


def write_html(model: ReportModel, out: Path) -> Path:
    """Write the report page to *out* (UTF-8); returns *out*."""
    out = Path(out)
    out.write_text(render_html(model), encoding="utf-8")
    return out
