"""Charts (matplotlib, CJK font) and font discovery."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from ecoplan.assess.types import Status
from ecoplan.report import fonts
from ecoplan.report.charts import render_chart, svg_inline
from ecoplan.report.evaluation import ReportModel
from ecoplan.report.fonts import CJKFontNotFoundError, css_font_stack, find_cjk_font

KINDS = ("status", "trend", "ranking", "air_monthly", "air_annual")


@pytest.fixture(scope="module")
def svgs(model: ReportModel) -> dict[str, bytes]:
    return {k: render_chart(model.chart(k), "svg") for k in KINDS}


@pytest.fixture(scope="module")
def status_png(model: ReportModel) -> bytes:
    return render_chart(model.chart("status"), "png")


def test_svg_charts_draw_cjk_glyphs(svgs: dict[str, bytes]) -> None:
    family = find_cjk_font("sans").family.replace(" ", "").lower()
    for key, svg in svgs.items():
        text = svg.decode()
        assert text.lstrip().startswith("<?xml") and "<svg" in text, key
        glyph_ids = [i.lower() for i in re.findall(r'id="([^"]+)"', text)]
        # glyphs are drawn as paths named after the font (svg.fonttype = path)
        assert any(i.startswith(family) for i in glyph_ids), key
        assert "<dc:date>" not in text, key  # no time stamp


def test_svg_is_reproducible(model: ReportModel, svgs: dict[str, bytes]) -> None:
    assert render_chart(model.chart("trend"), "svg") == svgs["trend"]


def test_png_has_the_status_colours(status_png: bytes, model: ReportModel) -> None:
    assert status_png[:8] == b"\x89PNG\r\n\x1a\n"
    img = Image.open(io.BytesIO(status_png)).convert("RGB")
    colours = {c for _n, c in img.getcolors(maxcolors=1 << 20) or []}
    for s in Status:  # every status occurs in the hand-made rows, so each bar is drawn
        rgb = tuple(int(s.color[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, s
    assert render_chart(model.chart("status"), "png") == status_png


def test_svg_inline_prefixes_ids(svgs: dict[str, bytes]) -> None:
    text = svg_inline(svgs["trend"], "c-trend")
    assert text.startswith("<svg") and "<?xml" not in text and "<!DOCTYPE" not in text
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert ids and all(i.startswith("c-trend-") for i in ids)
    refs = re.findall(r'(?:href="#|url\(#)([^")]+)', text)
    assert refs and set(refs) <= set(ids)


def test_unknown_chart_format(model: ReportModel) -> None:
    with pytest.raises(ValueError, match="'svg' or 'png'"):
        render_chart(model.chart("status"), "gif")  # type: ignore[arg-type]


def test_cjk_font_found() -> None:
    serif, sans = find_cjk_font("serif"), find_cjk_font("sans")
    assert (
        "CJK" in serif.family or "Han" in serif.family or serif.family in fonts.PREFERRED["serif"]
    )
    assert serif.path and sans.path
    assert css_font_stack("sans", sans.family).startswith(f'"{sans.family}"')
    assert css_font_stack("serif").endswith(", serif")


def test_missing_font_names_the_debian_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "_fc_list", lambda: [])
    monkeypatch.setattr(fonts, "_matplotlib_fonts", lambda: [("DejaVu Sans", "Regular", "/x")])
    fonts.find_cjk_font.cache_clear()
    try:
        with pytest.raises(CJKFontNotFoundError, match="fonts-noto-cjk"):
            fonts.find_cjk_font("serif")
    finally:
        fonts.find_cjk_font.cache_clear()
