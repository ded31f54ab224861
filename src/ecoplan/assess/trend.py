"""Trend status of an indicator without a numeric target (无目标值指标的趋势判断).

The method of Statistics Canada / Open SDG for indicators "without a quantitative target"
(``reference/anchors.md`` §3a; Open SDG ``measure_indicator_progress``, code defaults
``{'high': 0.015, 'med': 0.005, 'low': 0}``), which StatCan says "closely mirrors the progress
methodology used by Eurostat":

    CAGR = (v_t / v_0)^(1/(t − t0)) − 1, sign-flipped when lower is better;

    ========================  ==================================  ===============
    CAGR (direction-aware)    StatCan / Open SDG label            中文
    ========================  ==================================  ===============
    ≥ 1.5 %                   On track                            趋势良好
    0.5 % ≤ CAGR < 1.5 %      Progress made, acceleration needed  有进展但需加快
    0 % ≤ CAGR < 0.5 %        Limited progress                    进展有限
    < 0 %                     Deterioration                       趋势退步
    ========================  ==================================  ===============

The thresholds are data (``assessment.yaml`` ``trend``): Eurostat's own 1 % / 0 % / −1 %
style table could not be confirmed from its pages (anchors.md §3a, §7) and can be set there.
A trend is never a target verdict: it is reported apart, labelled with the method, and never
enters a score or ranking.  Not computable (labelled so) when the direction is not higher/lower,
when there are fewer than two years, or when the start or latest value is ≤ 0 (CAGR needs
positive values).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class TrendStatus(StrEnum):
    """Direction-aware CAGR category (StatCan / Open SDG labels)."""

    GOOD = "good"  # On track
    MODERATE = "moderate"  # Progress made but acceleration needed
    LIMITED = "limited"  # Limited progress
    DETERIORATION = "deterioration"  # Deterioration
    NOT_COMPUTABLE = "not_computable"

    @property
    def name_zh(self) -> str:
        return TREND_ZH[self]


TREND_ZH: dict[TrendStatus, str] = {
    TrendStatus.GOOD: "趋势良好",
    TrendStatus.MODERATE: "有进展但需加快",
    TrendStatus.LIMITED: "进展有限",
    TrendStatus.DETERIORATION: "趋势退步",
    TrendStatus.NOT_COMPUTABLE: "趋势不可计算",
}
TREND_EN: dict[TrendStatus, str] = {
    TrendStatus.GOOD: "On track",
    TrendStatus.MODERATE: "Progress made but acceleration needed",
    TrendStatus.LIMITED: "Limited progress",
    TrendStatus.DETERIORATION: "Deterioration",
    TrendStatus.NOT_COMPUTABLE: "Not computable",
}
METHOD_ZH = "无目标值：复合年增长率法（StatCan/Open SDG）"


@dataclass(frozen=True)
class TrendParams:
    """CAGR thresholds (fractions a year): ≥ high good; ≥ med moderate; ≥ low limited."""

    high: float = 0.015
    med: float = 0.005
    low: float = 0.0

    def __post_init__(self) -> None:
        if not self.low <= self.med <= self.high:
            raise ValueError(
                f"trend thresholds must satisfy low ≤ med ≤ high, got {self.low}, {self.med}, "
                f"{self.high}"
            )


@dataclass(frozen=True)
class Trend:
    """The trend verdict with its components (years, values, CAGR before and after the
    direction sign)."""

    status: TrendStatus
    start_year: int | None
    start: float | None
    year: int | None
    value: float | None
    cagr: float | None  # observed, (v/v0)^(1/n) − 1
    directed: float | None  # cagr × (+1 higher is better, −1 lower is better)
    note_zh: str


def cagr(v0: float, v: float, years: float) -> float:
    """Compound annual growth rate from *v0* to *v* over *years* (> 0); values must be > 0."""
    if years <= 0:
        raise ValueError("CAGR needs a positive number of years")
    if v0 <= 0 or v <= 0 or not (math.isfinite(v0) and math.isfinite(v)):
        raise ValueError("CAGR needs finite positive values")
    return float((v / v0) ** (1.0 / years) - 1.0)


def classify(directed: float, params: TrendParams | None = None) -> TrendStatus:
    p = params or TrendParams()
    d = round(directed, 12)
    if d >= p.high:
        return TrendStatus.GOOD
    if d >= p.med:
        return TrendStatus.MODERATE
    if d >= p.low:
        return TrendStatus.LIMITED
    return TrendStatus.DETERIORATION


def assess_trend(
    points: Sequence[tuple[int, float]],
    direction: str,
    *,
    year: int,
    start: tuple[int, float] | None = None,
    params: TrendParams | None = None,
) -> Trend:
    """The trend of *points* up to *year* from *start* (default: the earliest point).

    *direction* is the indicator's (``higher`` / ``lower``; anything else is not computable).
    """
    pts = sorted((int(y), float(v)) for y, v in points if y <= year)
    if start is None and pts:
        start = pts[0]

    def nc(why: str) -> Trend:
        last = pts[-1] if pts else (None, None)
        s0 = start if start is not None else (None, None)
        return Trend(TrendStatus.NOT_COMPUTABLE, s0[0], s0[1], last[0], last[1], None, None, why)

    if direction not in ("higher", "lower"):
        return nc("指标方向不是越高越好或越低越好，不判断趋势")
    if start is None or not pts or pts[-1][0] <= start[0]:
        return nc("起始年之后无数据（至少需两年数据）")
    t, v = pts[-1]
    t0, v0 = start
    if v0 <= 0 or v <= 0:
        return nc("起始值或现值不为正，复合增长率不可计算")
    g = cagr(v0, v, t - t0)
    sign = 1 if direction == "higher" else -1
    d = sign * g
    status = classify(d, params)
    p = params or TrendParams()
    note = (
        f"{METHOD_ZH}：{t0}年{v0:g}→{t}年{v:g}，年均{g:+.2%}"
        + ("（越低越好，取反）" if sign < 0 else "")
        + f"，阈值{p.high:.1%}/{p.med:.1%}/{p.low:.1%}"
    )
    return Trend(status, t0, v0, t, v, g, d, note)


@dataclass(frozen=True)
class TrendRow:
    """Trend of one indicator without a numeric target × region × assessment year."""

    plan_id: str
    indicator_code: str
    name_zh: str
    unit: str
    direction: str
    aggregation: str | None
    region_code: str
    region_zh: str
    year: int
    status: str  # a TrendStatus value
    status_zh: str
    status_en: str
    method_zh: str
    start_year: int | None
    start: float | None
    value_year: int | None
    value: float | None
    value_source: str | None
    cagr: float | None
    directed: float | None
    note_zh: str
    position: int = 0

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


#: Worst first, for "never worse" comparisons; not computable sits apart (−1).
SEVERITY_ORDER: dict[TrendStatus, int] = {
    TrendStatus.NOT_COMPUTABLE: -1,
    TrendStatus.DETERIORATION: 0,
    TrendStatus.LIMITED: 1,
    TrendStatus.MODERATE: 2,
    TrendStatus.GOOD: 3,
}
