"""The shapes an assessment run produces (shared by the CLI, the reports and the API).

``docs/assessment.md`` defines how each field is computed.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Progress status of one indicator × region × year (docs/assessment.md)."""

    ACHIEVED = "achieved"  # 已达标
    ON_TRACK = "on_track"  # 进展顺利
    AT_RISK = "at_risk"  # 存在风险
    OFF_TRACK = "off_track"  # 进展滞后 / 偏离
    NO_DATA = "no_data"  # 无数据

    @property
    def name_zh(self) -> str:
        return STATUS_ZH[self]

    @property
    def color(self) -> str:
        """Traffic-light colour (hex) for tables, maps and reports."""
        return STATUS_COLOR[self]


STATUS_ZH = {
    Status.ACHIEVED: "已达标",
    Status.ON_TRACK: "进展顺利",
    Status.AT_RISK: "存在风险",
    Status.OFF_TRACK: "进展滞后",
    Status.NO_DATA: "无数据",
}
STATUS_COLOR = {
    Status.ACHIEVED: "#1a9850",
    Status.ON_TRACK: "#91cf60",
    Status.AT_RISK: "#fdae61",
    Status.OFF_TRACK: "#d73027",
    Status.NO_DATA: "#bdbdbd",
}


@dataclass(frozen=True)
class ValuePoint:
    """One observed value of an indicator with where it came from."""

    year: int
    value: float
    source: str  # "imported:<file> sha256:<…>" | "derived:<derivation> …" | "baseline:<file>"


@dataclass(frozen=True)
class AssessmentRow:
    """Status of one indicator × region × assessment year, with its calculation components."""

    plan_id: str
    indicator_code: str
    name_zh: str
    name_en: str
    category: str | None
    category_zh: str | None
    binding: str | None  # binding | expected | None
    unit: str
    direction: str  # higher | lower | reach
    region_code: str
    region_zh: str
    year: int  # the assessment year
    value: float | None  # the latest value at or before *year*
    value_year: int | None
    value_source: str | None
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_year: int | None
    comparator: str | None
    target_kind: str | None  # reach | maintain
    status: Status
    actual_rate: float | None
    required_rate: float | None
    ratio: float | None  # actual_rate / required_rate
    projection: float | None  # projected value in target_year
    gap: float | None  # distance still to go to the target (in the indicator's unit, ≥ 0)
    note_zh: str = ""
    series: list[ValuePoint] = field(default_factory=list)
    # --- added with the assessment engine (docs/assessment.md §6) ---
    baseline_kind: str | None = None  # plan | data | earliest
    baseline_source: str | None = None
    target_region: str | None = None  # region whose target applies (≠ region_code: inherited)
    inherited: bool = False
    rate_method: str | None = None  # two_point | ols
    n_points: int = 0  # points used for the actual rate (baseline included)
    position: int = 0  # the indicator's position in the plan
    other_targets: list[dict[str, Any]] = field(default_factory=list)  # same milestone
    # --- added with indicator semantics (issue 11; docs/assessment.md §1, §3.2, §2.1) ---
    critical: bool = False  # 临界: a maintain target met by a thin margin (flag, not status)
    aggregation: str | None = None  # additive | ratio | mean | max | count | qualitative
    sub_reported: int | None = None  # sub-regions with a value in value_year (roll-up)
    sub_expected: int | None = None  # sub-regions expected to report

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["status"] = self.status.value
        d["status_zh"] = self.status.name_zh
        return d


@dataclass(frozen=True)
class RankRow:
    """League/city score and rank for one plan and year (考核排名)."""

    region_code: str
    region_zh: str
    score: float | None  # 0–100
    rank: int | None
    category_scores: dict[str, float | None]
    counts: dict[str, int]  # status → number of indicators
    n_assessed: int
    # --- added with the assessment engine (docs/assessment.md §7) ---
    n_assessable: int = 0  # indicators with a (possibly inherited) quantitative target
    coverage: float | None = None  # n_assessed / n_assessable
    note_zh: str = ""  # why the region is not ranked, when rank is None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
