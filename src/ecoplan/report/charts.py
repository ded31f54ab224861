"""Charts of the evaluation report (matplotlib): SVG for HTML/PDF, PNG for Word.

Each :class:`~ecoplan.report.evaluation.ChartSpec` is drawn on its own
:class:`matplotlib.figure.Figure` (no pyplot state) with a CJK font found by
:mod:`ecoplan.report.fonts`.  Output is reproducible: SVG ids come from a fixed
``svg.hashsalt``, and the SVG date and PNG software metadata are left out, so the same spec
gives the same bytes.  SVG text is drawn as glyph paths, so the charts need no font on the
reader's machine.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from matplotlib import font_manager, rc_context
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import MaxNLocator

from ecoplan.assess.types import STATUS_COLOR, STATUS_ZH, Status
from ecoplan.report.evaluation import ChartSpec, ReportModel, fmt_num
from ecoplan.report.fonts import find_cjk_font

ChartFormat = Literal["svg", "png"]

WIDTH_IN = 6.3  # 16 cm: the text width of an A4 page with 2.5 cm margins
PNG_DPI = 150
HASH_SALT = "ecoplan-report"
INK = "#333333"
TARGET_COLOR = "#c0392b"
PALETTE = ("#1f4e79", "#d95f02", "#1b9e77", "#7570b3", "#e7298a", "#66a61e", "#a6761d")


def _font_family() -> list[str]:
    """The CJK sans family (registered with matplotlib if its cache predates the font)."""
    font = find_cjk_font("sans")
    names = {f.name for f in font_manager.fontManager.ttflist}
    if font.family not in names:
        font_manager.fontManager.addfont(font.path)
    return [font.family, "DejaVu Sans"]


def _rc() -> Any:
    return {
        "font.family": _font_family(),
        "font.size": 9,
        "axes.unicode_minus": False,
        "axes.edgecolor": "#888888",
        "axes.labelcolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": INK,
        "ytick.color": INK,
        "svg.hashsalt": HASH_SALT,
        "svg.fonttype": "path",
        "svg.image_inline": True,
    }


def _wrap(text: str, width: int = 16) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


# --------------------------------------------------------------------------------------------
# the chart kinds
# --------------------------------------------------------------------------------------------


def _status_chart(spec: ChartSpec) -> Figure:
    groups: Sequence[tuple[str, Mapping[str, int]]] = spec.data["groups"]
    fig = Figure(figsize=(WIDTH_IN, 1.2 + 0.55 * len(groups)))
    ax = fig.add_subplot()
    labels = [g for g, _ in groups]
    y = list(range(len(groups)))
    left = [0.0] * len(groups)
    for s in Status:
        widths = [float(c.get(s.value, 0)) for _, c in groups]
        if not any(widths):
            continue
        bars = ax.barh(y, widths, left=left, color=STATUS_COLOR[s], label=STATUS_ZH[s], height=0.55)
        for bar, w in zip(bars, widths, strict=True):
            if w:
                ax.text(
                    bar.get_x() + w / 2,
                    bar.get_y() + bar.get_height() / 2,
                    f"{int(w)}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if s in (Status.ACHIEVED, Status.OFF_TRACK) else INK,
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("指标数（项）")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.legend(
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncol=5,
        frameon=False,
        fontsize=8,
        handlelength=1.2,
    )
    return fig


def _trend_panel(ax: Any, p: Mapping[str, Any]) -> None:
    pts: Sequence[tuple[int, float]] = p["points"]
    years = [y for y, _ in pts]
    base, target, proj = p["baseline"], p["target"], p["projection"]
    allx = years + [t[0] for t in (base, target, proj) if t]
    x0, x1 = min(allx), max(allx)
    if pts:
        xs = years
        ys = [v for _, v in pts]
        if base and base[0] < xs[0]:
            xs, ys = [base[0], *xs], [base[1], *ys]
        ax.plot(xs, ys, "-o", color=p["color"], markersize=3.5, linewidth=1.6, zorder=3)
        for x, v in zip(xs[-1:], ys[-1:], strict=True):
            ax.annotate(
                fmt_num(v),
                (x, v),
                textcoords="offset points",
                xytext=(0, 5),
                ha="center",
                fontsize=7,
                color=INK,
            )
    if base:
        ax.plot([base[0]], [base[1]], "o", mfc="white", mec=INK, markersize=4.5, zorder=4)
    if target:
        ax.hlines(target[1], x0, target[0], colors=TARGET_COLOR, linestyles="--", linewidth=1)
        ax.plot([target[0]], [target[1]], "*", color=TARGET_COLOR, markersize=8, zorder=4)
    if proj and pts:
        ax.plot(
            [years[-1], proj[0]],
            [pts[-1][1], proj[1]],
            ":",
            color=p["color"],
            linewidth=1.4,
        )
        ax.plot([proj[0]], [proj[1]], "x", color=p["color"], markersize=5)
    ax.set_xlim(x0 - 0.5, x1 + 0.5)
    ax.set_xticks(list(range(x0, x1 + 1, max(1, math.ceil((x1 - x0 + 1) / 6)))))
    ax.margins(y=0.25)
    title = _wrap(p["title"], 18)
    ax.set_title(f"{title}\n（{p['status_zh']}）", fontsize=8.5, color=INK, loc="left")
    if p["unit"]:
        ax.set_ylabel(p["unit"], fontsize=8)
    ax.tick_params(labelsize=7.5)
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)


def _trend_chart(spec: ChartSpec) -> Figure:
    panels: Sequence[Mapping[str, Any]] = spec.data["panels"]
    ncol = 1 if len(panels) == 1 else 2
    nrow = math.ceil(len(panels) / ncol)
    fig = Figure(figsize=(WIDTH_IN, 0.5 + 2.35 * nrow))
    axes = fig.subplots(nrow, ncol, squeeze=False)
    for i, p in enumerate(panels):
        _trend_panel(axes[i // ncol][i % ncol], p)
    for j in range(len(panels), nrow * ncol):
        axes[j // ncol][j % ncol].set_visible(False)
    handles = [
        Line2D([], [], color="#555555", marker="o", markersize=4, label="监测值"),
        Line2D([], [], color=INK, marker="o", mfc="white", linestyle="none", label="基准值"),
        Line2D([], [], color=TARGET_COLOR, linestyle="--", marker="*", label="目标值"),
        Line2D([], [], color="#555555", linestyle=":", marker="x", label="目标年预计值"),
    ]
    fig.legend(handles=handles, loc="lower center", ncol=4, frameon=False, fontsize=8)
    fig.subplots_adjust(hspace=0.85, wspace=0.3, bottom=0.75 / (0.5 + 2.35 * nrow))
    return fig


def _ranking_chart(spec: ChartSpec) -> Figure:
    bars: Sequence[tuple[int | None, str, float]] = spec.data["bars"]
    fig = Figure(figsize=(WIDTH_IN, 0.8 + 0.28 * len(bars)))
    ax = fig.add_subplot()
    names = [n if r is None else f"{r}. {n}" for r, n, _ in bars]
    scores = [float(s) for _, _, s in bars]
    rects = ax.barh(range(len(bars)), scores, color=PALETTE[0], height=0.6)
    for r, s in zip(rects, scores, strict=True):
        ax.text(
            r.get_width() + 0.8,
            r.get_y() + r.get_height() / 2,
            fmt_num(s),
            va="center",
            fontsize=7.5,
            color=INK,
        )
    ax.set_yticks(range(len(bars)), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, max(100.0, max(scores, default=0) * 1.08))
    ax.set_xlabel("综合得分（分）")
    ax.grid(axis="x", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


def _air_monthly_chart(spec: ChartSpec) -> Figure:
    units: Sequence[Mapping[str, Any]] = spec.data["units"]
    fig = Figure(figsize=(WIDTH_IN, 4.6))
    ax1, ax2 = fig.subplots(2, 1, sharex=True)
    for i, u in enumerate(units):
        c = PALETTE[i % len(PALETTE)]
        ax1.plot(
            u["months"],
            [math.nan if v is None else v for v in u["pm25"]],
            "-o",
            color=c,
            markersize=3,
            label=u["name"],
        )
        ax2.plot(
            u["months"],
            [math.nan if v is None else v for v in u["good_ratio"]],
            "-s",
            color=c,
            markersize=3,
            label=u["name"],
        )
    ax1.axhline(
        35, color=TARGET_COLOR, linestyle="--", linewidth=1, label="GB 3095 二级年均限值 35"
    )
    ax1.set_ylabel("PM2.5（μg/m³）")
    ax1.set_ylim(bottom=0)
    ax2.set_ylabel("优良天数比例（%）")
    ax2.set_ylim(0, 105)
    ax2.set_xticks(range(1, 13), [f"{m}月" for m in range(1, 13)])
    for ax in (ax1, ax2):
        ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax1.legend(
        fontsize=7.5,
        frameon=False,
        ncol=min(4, len(units) + 1),
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
    )
    fig.subplots_adjust(hspace=0.15)
    return fig


def _air_annual_chart(spec: ChartSpec) -> Figure:
    units: Sequence[Mapping[str, Any]] = spec.data["units"]
    fig = Figure(figsize=(WIDTH_IN, 3.0))
    ax = fig.add_subplot()
    xs = range(len(units))
    width = min(0.4, 0.25 * len(units))
    raw = [math.nan if u["good_raw"] is None else u["good_raw"] for u in units]
    dd = [math.nan if u["good_dd"] is None else u["good_dd"] for u in units]
    ax.bar([x - width / 2 for x in xs], raw, width=width, color=PALETTE[0], label="原始")
    ax.bar([x + width / 2 for x in xs], dd, width=width, color=PALETTE[2], label="扣除沙尘后")
    for x, v in zip(xs, raw, strict=True):
        if not math.isnan(v):
            ax.text(x - width / 2, v + 1, fmt_num(v), ha="center", fontsize=7, color=INK)
    for x, v in zip(xs, dd, strict=True):
        if not math.isnan(v):
            ax.text(x + width / 2, v + 1, fmt_num(v), ha="center", fontsize=7, color=INK)
    ax.set_xticks(
        list(xs),
        [u["name"] for u in units],
        rotation=30 if len(units) > 6 else 0,
        ha="right" if len(units) > 6 else "center",
        fontsize=8,
    )
    ax.set_xlim(-0.6, len(units) - 0.4)
    ax.set_ylabel("优良天数比例（%）")
    ax.set_ylim(0, 105)
    ax.legend(fontsize=8, frameon=False, ncol=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    ax.set_axisbelow(True)
    return fig


DRAW = {
    "status": _status_chart,
    "trend": _trend_chart,
    "ranking": _ranking_chart,
    "air_monthly": _air_monthly_chart,
    "air_annual": _air_annual_chart,
}


# --------------------------------------------------------------------------------------------
# rendering
# --------------------------------------------------------------------------------------------


def render_chart(spec: ChartSpec, fmt: ChartFormat) -> bytes:
    """Draw *spec* as SVG or PNG (:data:`PNG_DPI`) bytes; the same spec gives the same bytes."""
    if fmt not in ("svg", "png"):
        raise ValueError(f"chart format must be 'svg' or 'png', got {fmt!r}")
    with rc_context(_rc()):
        fig = DRAW[spec.kind](spec)
        buf = io.BytesIO()
        if fmt == "svg":
            fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
        else:
            fig.savefig(
                buf, format="png", dpi=PNG_DPI, bbox_inches="tight", metadata={"Software": None}
            )
    return buf.getvalue()


def render_charts(model: ReportModel, fmt: ChartFormat) -> dict[str, bytes]:
    """Every chart of *model*, by key."""
    return {c.key: render_chart(c, fmt) for c in model.charts}


_ID = re.compile(r'\bid="([^"]+)"')
_ID_OR_REF = re.compile(r'(\bid="|#)([^"\)\s#]+)(?=["\)])')


def svg_inline(svg: bytes, prefix: str) -> str:
    """An SVG document as an element to put inside HTML.

    The XML declaration and DOCTYPE go; every ``id`` (and each ``#id`` reference) gets
    *prefix* so several charts in one page cannot share ids.
    """
    text = svg.decode("utf-8")
    start = text.index("<svg")
    text = text[start:]
    ids = set(_ID.findall(text))

    def prefixed(m: re.Match[str]) -> str:
        key = m.group(2)
        return f"{m.group(1)}{prefix}-{key}" if key in ids else m.group(0)

    text = _ID_OR_REF.sub(prefixed, text)
    return text.strip()
