"""The evaluation report as data: what every renderer (HTML, PDF, Word, Excel) shows.

:func:`build_report_model` turns a plan (the export dict of
:func:`ecoplan.store.plans.plan_to_dict`), the assessment rows and ranking of one year
(:mod:`ecoplan.assess.types`) and, optionally, HJ 663 city evaluations
(:meth:`ecoplan.assess.airquality.UnitEvaluation.to_dict`, see :func:`air_entry`) into a
:class:`ReportModel`: cover data, six numbered sections of Chinese paragraphs and tables, and
chart specifications.  The renderers only lay it out, so the four formats say the same thing.

The report is named as a planning division names it: 《…规划实施情况中期评估报告》 in the
mid-term years (:data:`MIDTERM_YEARS`), 《…规划实施情况总结评估报告》 in the plan's final year,
《…规划实施情况YYYY年度评估报告》 otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Literal

from ecoplan.assess.types import AssessmentRow, RankRow, Status

ReportKind = Literal["midterm", "final", "annual"]

ISSUER_ZH = "内蒙古自治区生态环境厅（规划处）"
SYNTHETIC_NOTE_ZH = "本报告含演示数据（合成），不代表实际监测结果"
MIDTERM_YEARS = (2023, 2027)
KIND_ZH: dict[ReportKind, str] = {"midterm": "中期评估", "final": "总结评估", "annual": "年度评估"}
BINDING_ZH = {"binding": "约束性", "expected": "预期性", None: "未标明属性"}
BINDING_SHORT = {"binding": "约束性", "expected": "预期性", None: "—"}
BINDING_ORDER = {"binding": 0, "expected": 1, None: 2}
STATUS_ORDER = (Status.ACHIEVED, Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK, Status.NO_DATA)
COMPARATOR_SYMBOL = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "=": "=", "==": "="}
NUMERALS_ZH = "一二三四五六七八九十"
MAX_TREND_PANELS = 6
UNCATEGORISED = "uncategorised"  # the scoring's category of indicators without one
INHERITED_NOTE_ZH = "带*的目标值为沿用上级地区的目标值。"

#: How the statuses are computed — the summary printed in section 六.  It mirrors
#: ``docs/assessment.md`` (§1–§7); a different text can be passed to :func:`build_report_model`.
METHOD_ZH: tuple[str, ...] = (
    "评估对象与取值：对每项指标、每个地区、评估年度逐一评估。现状值取评估年及以前最近一年的数值"
    "（导入的统计数据优先，其次为由监测数据按国家标准计算的派生值）；基准值取规划基准值，缺失时取"
    "规划基准年该地区数值，再缺失时取最早数值；目标值取评估年及以后最近一个目标年份的目标，"
    "同一目标年有多个目标时取评估结果最差者，盟市、旗县无本级目标时沿用上级地区目标。",
    "评估方法参照加拿大统计局和 Open SDG 的可持续发展目标进展评估方法，采用线性年均变化率比值法："
    "所需年均变化率 =（目标值 − 基准值）÷（目标年 − 基准年）；实际年均变化率 =（现状值 − 基准值）"
    "÷（现状值年份 − 基准年），自基准年起有3个及以上数据点时取最小二乘斜率；"
    "比值 R = 实际年均变化率 ÷ 所需年均变化率。",
    "“到期达到”类目标：现状值已满足目标的为“已达标”（目标为100%或0%的百分比指标，相差不超过"
    "1个百分点视为达标）；目标年已过仍未达标、或基准年已达标而现状值未达标的为“进展滞后”；"
    "其余按比值判定：R ≥ 95% 为“进展顺利”，60% ≤ R < 95% 为“存在风险”，R < 60%"
    "（含变化方向与目标相反）为“进展滞后”；只有一个数据点、趋势不可计算的为“存在风险”。",
    "“保持”类目标（稳定在、保持、不降低）：现状值优于目标值且超出目标值2%以上的为“已达标”，"
    "在2%裕度以内（含恰好等于目标值）的为“存在风险”，劣于目标值的为“进展滞后”。"
    "评估年及以前无数值的为“无数据”。",
    "目标年预计值 = 现状值 + 实际年均变化率 ×（目标年 − 现状值年份）；差距为现状值与目标值之差的"
    "绝对值（已达标为0），单位同指标。约束性指标排列在前，优先关注。",
    "盟市综合得分：已达标100分、进展顺利80分、存在风险50分、进展滞后0分（无数据不计），"
    "约束性指标权重2、预期性指标权重1，按指标类别加权平均得类别得分，再取各类别得分的平均值为"
    "综合得分（满分100分）；有数据的指标占应评估指标60%及以上的盟市参与排名。",
    "环境空气质量按《环境空气质量评价技术规范（试行）》（HJ 663）评价，"
    "同时给出原始结果和扣除沙尘天气影响后的结果。",
)


class ReportInputError(ValueError):
    """The inputs of :func:`build_report_model` are inconsistent (says what and why)."""


# --------------------------------------------------------------------------------------------
# the model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One table cell: the text shown, the value a spreadsheet stores, a background colour."""

    text: str
    value: str | float | int | None = None  # None → the text
    fill: str | None = None  # hex "#rrggbb"
    align: Literal["left", "right", "center"] = "left"
    year: int | None = None  # the year a value is of (a spreadsheet gives it its own column)

    @property
    def sheet_value(self) -> str | float | int:
        return self.text if self.value is None else self.value


@dataclass(frozen=True)
class Table:
    """A numbered table: caption, column headers, rows of cells, relative column widths."""

    key: str
    caption_zh: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    widths: tuple[float, ...]
    note_zh: str = ""


@dataclass(frozen=True)
class ChartSpec:
    """What one chart shows; :mod:`ecoplan.report.charts` draws it.

    ``kind`` and the shape of ``data``:

    * ``status`` — ``groups``: list of ``(label, {status value: count})``.
    * ``trend`` — ``panels``: list of dicts ``title, unit, color, points [(year, value)],
      baseline (year, value) | None, target (year, value) | None, projection (year, value) |
      None, status_zh``.
    * ``ranking`` — ``bars``: list of ``(rank, region_zh, score)`` in rank order.
    * ``air_monthly`` — ``units``: list of dicts ``name, months, pm25, good_ratio``.
    * ``air_annual`` — ``units``: list of dicts ``name, good_raw, good_dd, pm25_raw, pm25_dd``.
    """

    key: str
    title_zh: str
    kind: Literal["status", "trend", "ranking", "air_monthly", "air_annual"]
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Section:
    """A numbered section (一、…) or subsection (（一）…)."""

    key: str
    heading_zh: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    charts: tuple[str, ...] = ()  # ChartSpec keys shown in this section
    subsections: tuple[Section, ...] = ()
    sheet_zh: str = ""  # Excel sheet name of a top-level section


@dataclass(frozen=True)
class ReportModel:
    """Everything an evaluation report shows, in order; renderers only lay it out."""

    plan_id: str
    plan_title_zh: str
    plan_issuer_zh: str
    plan_period_zh: str
    region_zh: str
    year: int
    kind: ReportKind
    title_zh: str  # without the 《》
    issuer_zh: str
    generated_at: datetime
    date_zh: str
    synthetic: bool
    synthetic_note_zh: str
    sections: tuple[Section, ...]
    charts: tuple[ChartSpec, ...]
    rows: tuple[AssessmentRow, ...] = field(repr=False)  # sorted, binding first
    ranking: tuple[RankRow, ...] = field(repr=False)
    air: tuple[Mapping[str, Any], ...] = field(repr=False)

    @property
    def kind_zh(self) -> str:
        return KIND_ZH[self.kind]

    def chart(self, key: str) -> ChartSpec:
        for c in self.charts:
            if c.key == key:
                return c
        raise KeyError(key)

    def figure_numbers(self) -> dict[str, int]:
        """图 numbers of the charts in the order the sections show them."""
        out: dict[str, int] = {}

        def walk(secs: Iterable[Section]) -> None:
            for s in secs:
                for k in s.charts:
                    out.setdefault(k, len(out) + 1)
                walk(s.subsections)

        walk(self.sections)
        return out

    def all_tables(self) -> list[Table]:
        def walk(secs: Iterable[Section]) -> Iterable[Table]:
            for s in secs:
                yield from s.tables
                yield from walk(s.subsections)

        return list(walk(self.sections))


# --------------------------------------------------------------------------------------------
# formatting
# --------------------------------------------------------------------------------------------


def fmt_num(v: float | None, *, signed: bool = False) -> str:
    """A number as a report prints it: ≤ 2 decimals (3 significant digits below 1), no zeros."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    a = abs(v)
    decimals = max(2, 2 - math.floor(math.log10(a))) if 0 < a < 1 else 2
    s = f"{v:.{decimals}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    if s in ("-0", ""):
        s = "0"
    if signed and not s.startswith("-") and s != "0":
        s = "+" + s
    return s


def fmt_pct(ratio: float | None) -> str:
    """A ratio (1.0 = 100 %) as a whole percentage."""
    return "—" if ratio is None else f"{round(ratio * 100):d}%"


LOCAL_TZ = timezone(timedelta(hours=8))  # the project's time convention (UTC+8)


def as_utc(d: datetime) -> datetime:
    """*d* in UTC (a naive *d* is local time, UTC+8)."""
    return (d if d.tzinfo else d.replace(tzinfo=LOCAL_TZ)).astimezone(UTC)


def date_zh(d: datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def ink_on(fill: str) -> str:
    """Black or white text, whichever reads better on the background *fill* (``#rrggbb``)."""
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _unit(u: str) -> str:
    return "" if u in ("—", "-", "") else u


def _with_year(v: float | None, year: int | None) -> str:
    """A table cell's ``value`` over ``（year）`` (two lines, so narrow columns break well)."""
    return "—" if v is None else fmt_num(v) + (f"\n（{year}）" if year else "")


def target_text(r: AssessmentRow, *, with_year: bool = True) -> str:
    """E.g. ``≤30（2025）``, ``保持≥95（2025）`` for a maintain target; ``*`` when inherited."""
    if r.target is None:
        return "—"
    sym = COMPARATOR_SYMBOL.get(r.comparator or "", r.comparator or "")
    text = ("保持" if r.target_kind == "maintain" else "") + f"{sym}{fmt_num(r.target)}"
    text += f"（{r.target_year}）" if with_year and r.target_year else ""
    return text + ("*" if r.inherited else "")


def gap_text(r: AssessmentRow) -> str:
    if r.gap is None:
        return "—"
    u = _unit(r.unit)
    return f"{fmt_num(r.gap)}个百分点" if u == "%" else f"{fmt_num(r.gap)}{u}"


def _zh_list(items: Sequence[str]) -> str:
    return "、".join(items)


def _status_counts(rows: Iterable[AssessmentRow]) -> dict[Status, int]:
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for r in rows:
        counts[r.status] += 1
    return counts


def _counts_phrase(counts: Mapping[Status, int]) -> str:
    parts = [f"{s.name_zh}{n}项" for s, n in counts.items() if n]
    return "，".join(parts) if parts else "无"


def _target_cell(r: AssessmentRow) -> Cell:
    return Cell(
        target_text(r).replace("（", "\n（"), value=r.target, align="right", year=r.target_year
    )


def _status_cell(s: Status) -> Cell:
    return Cell(s.name_zh, fill=s.color, align="center")


def _num_cell(v: float | None, text: str | None = None, year: int | None = None) -> Cell:
    return Cell(text if text is not None else fmt_num(v), value=v, align="right", year=year)


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------


def report_kind(year: int, period_start: int, period_end: int) -> ReportKind:
    """中期 in :data:`MIDTERM_YEARS` inside the period, 总结 in the final year, else 年度."""
    if year == period_end:
        return "final"
    if year in MIDTERM_YEARS and period_start <= year < period_end:
        return "midterm"
    return "annual"


def report_title(plan_title_zh: str, year: int, kind: ReportKind) -> str:
    word = {"midterm": "中期评估", "final": "总结评估", "annual": f"{year}年度评估"}[kind]
    return f"{plan_title_zh}实施情况{word}报告"


def _check_inputs(
    plan: Mapping[str, Any], year: int, rows: Sequence[AssessmentRow], air: Sequence[Any]
) -> None:
    for key in ("id", "title_zh", "period_start", "period_end"):
        if key not in plan:
            raise ReportInputError(f"plan dict has no {key!r} (expected plan_to_dict's shape)")
    start, end = int(plan["period_start"]), int(plan["period_end"])
    if not start <= year <= end:
        raise ReportInputError(
            f"year {year} is outside the period {start}–{end} of plan {plan['id']!r}"
        )
    if not rows:
        raise ReportInputError(f"no assessment rows for plan {plan['id']!r} in {year}")
    seen: set[tuple[str, str]] = set()
    for i, r in enumerate(rows):
        if r.plan_id != plan["id"]:
            raise ReportInputError(
                f"rows[{i}] ({r.indicator_code}) belongs to plan {r.plan_id!r}, not {plan['id']!r}"
            )
        if r.year != year:
            raise ReportInputError(
                f"rows[{i}] ({r.indicator_code}, {r.region_code}) is assessed for {r.year}, "
                f"not {year}"
            )
        k = (r.indicator_code, r.region_code)
        if k in seen:
            raise ReportInputError(f"rows[{i}]: indicator {k[0]} in region {k[1]} appears twice")
        seen.add(k)
    for i, a in enumerate(air):
        missing = [k for k in ("unit", "name_zh", "year", "raw", "dust_deducted") if k not in a]
        if missing:
            raise ReportInputError(
                f"air[{i}] lacks {missing} (expected UnitEvaluation.to_dict()'s shape)"
            )
        if int(a["year"]) != year:
            raise ReportInputError(
                f"air[{i}] ({a['name_zh']}) evaluates {a['year']}, not the report year {year}"
            )
        for j, m in enumerate(a.get("monthly") or []):
            if not 1 <= int(m.get("month", 0)) <= 12:
                raise ReportInputError(f"air[{i}].monthly[{j}]: month must be 1–12, got {m}")


def air_monthly(daily: Any) -> list[dict[str, Any]]:
    """Monthly PM2.5 mean and good-day ratio from a unit's daily table.

    *daily* is :attr:`ecoplan.assess.airquality.UnitEvaluation.daily` (``date``, ``PM2.5``
    daily means in µg/m³, ``aqi`` daily AQI).  PM2.5 is the mean of the month's valid daily
    values; the good-day ratio is days with AQI ≤ 100 (优、良, HJ 633 Table 2) over days with
    an AQI, in %.  Both are for display (the annual statistics are HJ 663's, not these).
    """
    import pandas as pd

    d = pd.DataFrame(
        {
            "month": pd.to_datetime(daily["date"]).dt.month,
            "pm25": pd.to_numeric(daily["PM2.5"], errors="coerce"),
            "has_aqi": daily["aqi"].notna(),
            "good": daily["aqi"] <= 100,
        }
    )
    g = d.groupby("month").agg(pm25=("pm25", "mean"), n=("has_aqi", "sum"), good=("good", "sum"))
    out = []
    for month, row in g.iterrows():
        n = int(row["n"])
        out.append(
            {
                "month": int(str(month)),
                "pm25": None if pd.isna(row["pm25"]) else float(row["pm25"]),
                "good_ratio": float(row["good"]) / n * 100 if n else None,
            }
        )
    return out


def air_entry(evaluation: Any) -> dict[str, Any]:
    """``UnitEvaluation.to_dict()`` plus ``monthly`` (:func:`air_monthly`) for the report."""
    d: dict[str, Any] = evaluation.to_dict()
    d["monthly"] = air_monthly(evaluation.daily)
    return d


def _air_figures(stats: Mapping[str, Any] | None) -> dict[str, Any]:
    """Good-day ratio, PM2.5 mean, composite index, valid days, attainment of one result."""
    if not stats:
        return {}
    days = stats.get("days") or {}
    pm = (stats.get("pollutants") or {}).get("PM2.5") or {}
    pm_mean = next((s for s in pm.get("statistics") or [] if s.get("kind") == "mean"), None)
    comp = stats.get("composite") or {}
    return {
        "good_ratio": days.get("good_ratio_rounded"),
        "valid_days": days.get("valid_days"),
        "heavy_days": days.get("heavy_days"),
        "pm25": pm_mean.get("rounded") if pm_mean else None,
        "composite": comp.get("rounded"),
        "attained": stats.get("attained"),
        "edition": stats.get("edition"),
    }


# --------------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------------


def build_report_model(
    plan: Mapping[str, Any],
    year: int,
    rows: list[AssessmentRow],
    ranking: list[RankRow],
    air: list[dict[str, Any]] | None = None,
    *,
    generated_at: datetime | None = None,
    synthetic: bool = False,
    kind: ReportKind | None = None,
    issuer_zh: str = ISSUER_ZH,
    method_zh: Sequence[str] = METHOD_ZH,
) -> ReportModel:
    """Assemble the evaluation report of *plan* for *year*.

    Parameters
    ----------
    plan
        :func:`ecoplan.store.plans.plan_to_dict` of the plan (``id``, ``title_zh``,
        ``issuer_zh``, ``region_code``, ``period_start``, ``period_end``, ``source_doc``,
        ``indicator_categories``, ``indicators`` are read).
    year
        The assessment year; every row must be assessed for it.
    rows
        Assessment rows of the plan's indicators.  Rows of the plan's own region make up
        sections 一–三 and 五; rows of other regions (the leagues/cities) are listed in 五 when
        at risk.  When no row is of the plan's region, all rows are treated as main rows.
    ranking
        League/city ranking (may be empty).
    air
        HJ 663 evaluations (``UnitEvaluation.to_dict()``, optionally with ``monthly`` — see
        :func:`air_entry`), or ``None``.
    generated_at
        The report date (fixed for reproducible output); default now, to the second.
    synthetic
        The data are demo data: the cover and section 六 say so.
    kind
        Override the report kind derived by :func:`report_kind`.

    Raises
    ------
    ReportInputError
        Rows of another plan or year, duplicates, no rows, a year outside the plan period, or
        malformed air entries.
    """
    air_list: list[Mapping[str, Any]] = list(air or [])
    _check_inputs(plan, year, rows, air_list)
    gen = generated_at or datetime.now().replace(microsecond=0)
    start, end = int(plan["period_start"]), int(plan["period_end"])
    k: ReportKind = kind or report_kind(year, start, end)
    b = _Builder(plan, year, rows, ranking, air_list, synthetic, method_zh)
    return ReportModel(
        plan_id=str(plan["id"]),
        plan_title_zh=str(plan["title_zh"]),
        plan_issuer_zh=str(plan.get("issuer_zh") or ""),
        plan_period_zh=f"{start}—{end}年",
        region_zh=b.region_zh,
        year=year,
        kind=k,
        title_zh=report_title(str(plan["title_zh"]), year, k),
        issuer_zh=issuer_zh,
        generated_at=gen,
        date_zh=date_zh(gen),
        synthetic=synthetic,
        synthetic_note_zh=SYNTHETIC_NOTE_ZH,
        sections=b.sections(),
        charts=tuple(b.charts),
        rows=tuple(b.rows),
        ranking=tuple(b.ranking),
        air=tuple(air_list),
    )


class _Builder:
    """Holds the sorted inputs while the sections are written."""

    def __init__(
        self,
        plan: Mapping[str, Any],
        year: int,
        rows: Sequence[AssessmentRow],
        ranking: Sequence[RankRow],
        air: Sequence[Mapping[str, Any]],
        synthetic: bool,
        method_zh: Sequence[str],
    ) -> None:
        self.plan = plan
        self.year = year
        self.synthetic = synthetic
        self.method_zh = tuple(method_zh)
        self.air = list(air)
        self.cat_order = {
            c["code"]: i for i, c in enumerate(plan.get("indicator_categories") or [])
        }
        self.cat_zh: dict[str, str] = {
            c["code"]: c["name_zh"] for c in plan.get("indicator_categories") or []
        }
        for r in rows:
            if r.category and r.category_zh:
                self.cat_zh.setdefault(r.category, r.category_zh)
        self.cat_zh.setdefault(UNCATEGORISED, "其他")
        self.ind_order = {ind["code"]: i for i, ind in enumerate(plan.get("indicators") or [])}
        region = plan.get("region_code")
        self.rows = sorted(rows, key=lambda r: self._row_key(r, region))
        main = [r for r in self.rows if r.region_code == region]
        self.main = main or list(self.rows)
        main_ids = {id(r) for r in self.main}
        self.others = [r for r in self.rows if id(r) not in main_ids]
        self.region_zh = self.main[0].region_zh if main else ""
        # the plan region's subdivisions: leagues/cities of the region, counties of a city
        code = str(region or "")
        self.sub_zh = (
            "旗县（市、区）" if code.endswith("00") and not code.endswith("0000") else "盟市"
        )
        self.multi_region = len({r.region_code for r in self.main}) > 1
        self.ranking = sorted(ranking, key=lambda x: (x.rank is None, x.rank or 0, x.region_code))
        self.charts: list[ChartSpec] = []
        self.n_table = 0

    def _row_key(self, r: AssessmentRow, region: Any) -> tuple[Any, ...]:
        return (
            BINDING_ORDER.get(r.binding, 2),
            self.cat_order.get(r.category or "", len(self.cat_order)),
            self.ind_order.get(r.indicator_code, len(self.ind_order) + r.position),
            r.indicator_code,
            r.region_code != region,
            r.region_code,
        )

    def table(
        self,
        key: str,
        caption: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[float],
        note: str = "",
    ) -> Table:
        self.n_table += 1
        return Table(
            key=key,
            caption_zh=f"表{self.n_table}　{caption}",
            columns=tuple(columns),
            rows=tuple(tuple(r) for r in rows),
            widths=tuple(widths),
            note_zh=note,
        )

    def sections(self) -> tuple[Section, ...]:
        return (
            self.overview(),
            self.indicators(),
            self.categories(),
            self.rank(),
            self.risks(),
            self.sources(),
        )

    # ---------------------------------------------------------------------------- 一
    def overview(self) -> Section:
        rows, plan = self.main, self.plan
        groups: dict[str | None, list[AssessmentRow]] = {}
        for r in rows:
            groups.setdefault(r.binding, []).append(r)
        where = f"{self.region_zh}" if self.region_zh else ""
        base_years = sorted({r.baseline_year for r in rows if r.baseline_year})
        target_years = sorted({r.target_year for r in rows if r.target_year})
        frame = []
        if base_years:
            frame.append(f"{'、'.join(map(str, base_years))}年基准值")
        if target_years:
            frame.append(f"{'、'.join(map(str, target_years))}年目标值")
        paras = [
            f"根据《{plan['title_zh']}》（以下简称《规划》）确定的指标体系，"
            + (f"对照{'和'.join(frame)}，" if frame else "")
            + f"对{where}{self.year}年规划指标完成情况进行了评估。"
            + f"纳入评估的指标共{len(rows)}项，其中"
            + "、".join(
                f"{BINDING_ZH[bk]}指标{len(groups[bk])}项"
                for bk in ("binding", "expected", None)
                if bk in groups
            )
            + "。"
        ]
        for bk in ("binding", "expected", None):
            if bk in groups:
                c = _status_counts(groups[bk])
                paras.append(f"{BINDING_ZH[bk]}指标{len(groups[bk])}项中，{_counts_phrase(c)}。")
        total = _status_counts(rows)
        good = total[Status.ACHIEVED] + total[Status.ON_TRACK]
        assessed = len(rows) - total[Status.NO_DATA]
        if assessed:
            share = good * 100 / assessed
            line = f"总体看，有数据的{assessed}项指标中，已达标或进展顺利的{good}项，占{share:.0f}%"
            bind = [r for r in groups.get("binding", []) if r.status != Status.NO_DATA]
            if bind:
                bg = sum(r.status in (Status.ACHIEVED, Status.ON_TRACK) for r in bind)
                line += f"；其中约束性指标{len(bind)}项中{bg}项已达标或进展顺利"
            paras.append(line + "。")
        risky = [r for r in rows if r.status in (Status.AT_RISK, Status.OFF_TRACK)]
        if risky:
            paras.append(
                f"需重点关注的指标{len(risky)}项："
                + _zh_list([f"{r.name_zh}（{r.status.name_zh}）" for r in risky])
                + "，详见第五部分。"
            )
        elif assessed:
            paras.append("有数据的指标均已达标或进展顺利。")
        if total[Status.NO_DATA]:
            paras.append(
                f"{total[Status.NO_DATA]}项指标评估年度及以前无数值或无法计算（"
                + _zh_list([r.name_zh for r in rows if r.status == Status.NO_DATA])
                + "），应补充数据后评估。"
            )
        headline = [r for r in rows if r.binding == "binding" and r.value is not None][:8]
        if not headline:
            headline = [r for r in rows if r.value is not None][:5]
        for r in headline:
            paras.append(
                f"{r.name_zh}：{r.value_year}年为{fmt_num(r.value)}{_unit(r.unit)}"
                + (
                    f"（基准值{fmt_num(r.baseline)}，"
                    f"{r.target_year}年目标{target_text(r, with_year=False)}）"
                    if r.baseline is not None and r.target is not None
                    else (
                        f"（{r.target_year}年目标{target_text(r, with_year=False)}）"
                        if r.target is not None
                        else ""
                    )
                )
                + f"，{r.status.name_zh}。"
            )
        for a in self.air:
            raw, dd = _air_figures(a.get("raw")), _air_figures(a.get("dust_deducted"))
            if raw.get("good_ratio") is not None:
                paras.append(
                    f"{a['name_zh']}{self.year}年环境空气优良天数比例为{fmt_num(raw['good_ratio'])}%"
                    + (
                        f"（扣除沙尘影响后{fmt_num(dd['good_ratio'])}%）"
                        if dd.get("good_ratio") is not None
                        else ""
                    )
                    + (
                        f"，细颗粒物（PM2.5）年均浓度{fmt_num(raw['pm25'])}微克/立方米"
                        + (f"（扣沙后{fmt_num(dd['pm25'])}）" if dd.get("pm25") is not None else "")
                        if raw.get("pm25") is not None
                        else ""
                    )
                    + "。"
                )
        scored = [x for x in self.ranking if x.score is not None]
        if len(scored) >= 2:
            n = min(3, len(scored) // 2) or 1
            paras.append(
                f"{self.sub_zh}综合得分排名前{n}位的是"
                + _zh_list([f"{x.region_zh}（{fmt_num(x.score)}分）" for x in scored[:n]])
                + f"；排名后{n}位的是"
                + _zh_list([f"{x.region_zh}（{fmt_num(x.score)}分）" for x in scored[-n:]])
                + "。"
            )

        trows = []
        for bk in ("binding", "expected", None):
            if bk in groups:
                c = _status_counts(groups[bk])
                trows.append(
                    [
                        Cell(f"{BINDING_ZH[bk]}指标"),
                        _num_cell(len(groups[bk]), str(len(groups[bk]))),
                    ]
                    + [_num_cell(c[s], str(c[s])) for s in STATUS_ORDER]
                )
        trows.append(
            [Cell("合计"), _num_cell(len(rows), str(len(rows)))]
            + [_num_cell(total[s], str(total[s])) for s in STATUS_ORDER]
        )
        t = self.table(
            "status_counts",
            "指标进展状态统计",
            ["指标属性", "指标数", *[s.name_zh for s in STATUS_ORDER]],
            trows,
            [2.2, 1, 1, 1, 1, 1, 1],
        )
        self.charts.append(
            ChartSpec(
                "status",
                "指标进展状态分布",
                "status",
                {
                    "groups": [
                        (
                            f"{BINDING_ZH[bk]}指标",
                            {s.value: n for s, n in _status_counts(groups[bk]).items()},
                        )
                        for bk in ("binding", "expected", None)
                        if bk in groups
                    ]
                },
            )
        )
        return Section("overview", "一、总体情况", tuple(paras), (t,), ("status",), sheet_zh="概况")

    # ---------------------------------------------------------------------------- 二
    def indicator_rows(self, rows: Sequence[AssessmentRow], region_col: bool) -> list[list[Cell]]:
        out = []
        for i, r in enumerate(rows, start=1):
            cells = [
                Cell(str(i), value=i, align="center"),
                Cell(r.name_zh),
                Cell(BINDING_SHORT.get(r.binding, "—"), align="center"),
                Cell(_unit(r.unit), align="center"),
                _num_cell(r.baseline, _with_year(r.baseline, r.baseline_year), r.baseline_year),
                _num_cell(r.value, _with_year(r.value, r.value_year), r.value_year),
                _target_cell(r),
                _status_cell(r.status),
            ]
            if region_col:
                cells.insert(2, Cell(r.region_zh))
            out.append(cells)
        return out

    def indicators(self) -> Section:
        cols = [
            "序号",
            "指标",
            "属性",
            "单位",
            "基准值（年）",
            "现状值（年）",
            "目标值（年）",
            "状态",
        ]
        widths = [0.55, 3.6, 0.9, 1.0, 1.6, 1.6, 2.0, 1.25]
        if self.multi_region:
            cols.insert(2, "地区")
            widths.insert(2, 1.4)
        t = self.table(
            "indicators",
            "规划指标完成情况（约束性指标在前）",
            cols,
            self.indicator_rows(self.main, self.multi_region),
            widths,
            note="状态颜色：深绿为已达标，浅绿为进展顺利，橙色为存在风险，红色为进展滞后，灰色为无数据。"
            + (INHERITED_NOTE_ZH if any(r.inherited for r in self.main) else ""),
        )
        paras = [
            f"《规划》{len(self.main)}项指标{self.year}年完成情况见{_ref(t)}。"
            "现状值为评估年及以前最近一年的数值，括号内为数据年份。"
        ]
        charts: tuple[str, ...] = ()
        panels = self.trend_panels()
        if panels:
            self.charts.append(
                ChartSpec(
                    "trend",
                    "重点指标变化趋势（实线为监测值，虚线为目标值）",
                    "trend",
                    {"panels": panels},
                )
            )
            charts = ("trend",)
            paras.append(
                f"图示{len(panels)}项重点指标（约束性指标及数据年份最多的指标）的变化趋势、"
                "目标值和按当前速度外推的目标年预计值。"
            )
        return Section(
            "indicators", "二、指标完成情况", tuple(paras), (t,), charts, sheet_zh="指标"
        )

    def trend_panels(self) -> list[dict[str, Any]]:
        def n_points(r: AssessmentRow) -> int:
            return len(r.series) + (r.baseline is not None)

        cands = [r for r in self.main if r.series or r.value is not None]
        binding = [r for r in cands if r.binding == "binding" and n_points(r) >= 2]
        rest = sorted(
            (r for r in cands if r not in binding and n_points(r) >= 2),
            key=lambda r: (-n_points(r), self._row_key(r, self.plan.get("region_code"))),
        )
        chosen = (binding + rest)[:MAX_TREND_PANELS]
        panels = []
        for r in chosen:
            pts = sorted({p.year: p.value for p in r.series}.items())
            if not pts and r.value is not None and r.value_year is not None:
                pts = [(r.value_year, r.value)]
            panels.append(
                {
                    "title": r.name_zh + ("" if not self.multi_region else f"（{r.region_zh}）"),
                    "unit": _unit(r.unit),
                    "color": r.status.color,
                    "status_zh": r.status.name_zh,
                    "points": pts,
                    "baseline": (r.baseline_year, r.baseline)
                    if r.baseline is not None and r.baseline_year is not None
                    else None,
                    "target": (r.target_year, r.target)
                    if r.target is not None and r.target_year is not None
                    else None,
                    "projection": (r.target_year, r.projection)
                    if r.projection is not None and r.target_year is not None
                    else None,
                }
            )
        return panels

    # ---------------------------------------------------------------------------- 三
    def indicator_sentence(self, i: int, r: AssessmentRow) -> str:
        u = _unit(r.unit)
        s = f"{i}．{r.name_zh}" + (f"（{BINDING_ZH[r.binding]}）。" if r.binding else "。")
        if self.multi_region:
            s += f"{r.region_zh}"
        if r.value is None:
            s += f"{self.year}年及以前无数值"
        else:
            s += f"{r.value_year}年为{fmt_num(r.value)}{u}"
            if r.baseline is not None:
                d = r.value - r.baseline
                word = "上升" if d > 0 else "下降" if d < 0 else "持平"
                s += f"，较{r.baseline_year or '基准'}年（{fmt_num(r.baseline)}）" + (
                    f"{word}{fmt_num(abs(d))}" if d else word
                )
        if r.target is not None:
            s += f"；{r.target_year}年目标{target_text(r, with_year=False)}"
        s += f"，评估为“{r.status.name_zh}”。"
        if r.actual_rate is not None and r.required_rate is not None:
            s += (
                f"实际年均变化{fmt_num(r.actual_rate, signed=True)}，"
                f"所需年均变化{fmt_num(r.required_rate, signed=True)}"
                + (f"，比值{fmt_pct(r.ratio)}" if r.ratio is not None else "")
                + "。"
            )
        if r.status in (Status.AT_RISK, Status.OFF_TRACK) and r.projection is not None:
            s += f"按当前速度，{r.target_year}年预计为{fmt_num(r.projection)}{u}。"
        if r.note_zh:
            s += r.note_zh if r.note_zh.endswith("。") else r.note_zh + "。"
        return s

    def categories(self) -> Section:
        groups: dict[str | None, list[AssessmentRow]] = {}
        for r in sorted(
            self.main,
            key=lambda r: (
                self.cat_order.get(r.category or "", len(self.cat_order)),
                r.category or "~",
                *self._row_key(r, self.plan.get("region_code")),
            ),
        ):
            groups.setdefault(r.category, []).append(r)
        subs = []
        summary_rows = []
        for n, (cat, rs) in enumerate(groups.items()):
            name = self.cat_zh.get(cat or "", "") or (cat or "其他")
            c = _status_counts(rs)
            nb = sum(r.binding == "binding" for r in rs)
            paras = [
                f"{name}{'类' if cat else ''}指标共{len(rs)}项"
                + (f"（约束性{nb}项）" if nb else "")
                + f"，{_counts_phrase(c)}。"
            ] + [self.indicator_sentence(i, r) for i, r in enumerate(rs, start=1)]
            subs.append(
                Section(
                    f"category-{cat or 'none'}",
                    f"（{_numeral(n + 1)}）{name}{'' if cat else '指标'}",
                    tuple(paras),
                )
            )
            summary_rows.append(
                [Cell(name), _num_cell(len(rs), str(len(rs)))]
                + [_num_cell(c[s], str(c[s])) for s in STATUS_ORDER]
            )
        t = self.table(
            "categories",
            "分类指标进展状态",
            ["指标类别", "指标数", *[s.name_zh for s in STATUS_ORDER]],
            summary_rows,
            [2.2, 1, 1, 1, 1, 1, 1],
        )
        if self.air:
            subs.append(self.air_section(len(subs) + 1))
        return Section(
            "categories",
            "三、分类评估",
            (f"按《规划》指标类别分{len(groups)}类评估如下（各类别进展状态见{_ref(t)}）。",),
            (t,),
            (),
            tuple(subs),
            sheet_zh="分类",
        )

    def air_section(self, n: int) -> Section:
        trows = []
        annual = []
        for a in self.air:
            raw, dd = _air_figures(a.get("raw")), _air_figures(a.get("dust_deducted"))
            att = raw.get("attained")
            trows.append(
                [
                    Cell(str(a["name_zh"])),
                    _num_cell(raw.get("valid_days"), fmt_num(raw.get("valid_days"))),
                    _num_cell(raw.get("good_ratio")),
                    _num_cell(dd.get("good_ratio")),
                    _num_cell(raw.get("pm25")),
                    _num_cell(dd.get("pm25")),
                    _num_cell(raw.get("composite")),
                    _num_cell(a.get("dust_days"), fmt_num(a.get("dust_days"))),
                    Cell(
                        "达标" if att else "未达标" if att is False else "无法判定",
                        align="center",
                    ),
                ]
            )
            annual.append(
                {
                    "name": a["name_zh"],
                    "good_raw": raw.get("good_ratio"),
                    "good_dd": dd.get("good_ratio"),
                    "pm25_raw": raw.get("pm25"),
                    "pm25_dd": dd.get("pm25"),
                }
            )
        editions = sorted(
            {str(_air_figures(a.get("raw")).get("edition") or "") for a in self.air} - {""}
        )
        t = self.table(
            "air",
            f"{self.year}年环境空气质量评价（HJ 663）",
            [
                "城市",
                "有效天数",
                "优良天数比例（%）",
                "扣沙后优良天数比例（%）",
                "PM2.5年均浓度（μg/m³）",
                "扣沙后PM2.5（μg/m³）",
                "综合指数",
                "沙尘天数",
                "达标情况",
            ],
            trows,
            [1.6, 0.9, 1.1, 1.1, 1.1, 1.1, 0.9, 0.9, 0.9],
            note="达标情况按原始结果（未扣沙）判定"
            + (f"；评价标准：{'、'.join(editions)}" if editions else "")
            + "。",
        )
        charts: list[str] = []
        monthly = [
            {
                "name": a["name_zh"],
                "months": [int(m["month"]) for m in a["monthly"]],
                "pm25": [m.get("pm25") for m in a["monthly"]],
                "good_ratio": [m.get("good_ratio") for m in a["monthly"]],
            }
            for a in self.air
            if a.get("monthly")
        ]
        if monthly:
            self.charts.append(
                ChartSpec(
                    "air_monthly",
                    f"{self.year}年逐月细颗粒物（PM2.5）浓度与优良天数比例",
                    "air_monthly",
                    {"units": monthly},
                )
            )
            charts.append("air_monthly")
        if len(annual) >= 2:
            self.charts.append(
                ChartSpec(
                    "air_annual",
                    f"{self.year}年各城市优良天数比例（原始与扣沙）",
                    "air_annual",
                    {"units": annual},
                )
            )
            charts.append("air_annual")
        return Section(
            "air",
            f"（{_numeral(n)}）环境空气质量专项评价",
            (
                f"依据《环境空气质量评价技术规范（试行）》（HJ 663），对{len(self.air)}个城市"
                f"{self.year}年环境空气质量进行了评价，结果见{_ref(t)}。",
            ),
            (t,),
            tuple(charts),
        )

    # ---------------------------------------------------------------------------- 四
    def rank(self) -> Section:
        if not self.ranking:
            return Section(
                "ranking",
                f"四、{self.sub_zh}排名",
                (f"本次评估未开展{self.sub_zh}综合评分排名（无{self.sub_zh}评估结果）。",),
                sheet_zh="排名",
            )
        keys: list[str] = []
        for x in self.ranking:
            for key in x.category_scores:
                if key not in keys:
                    keys.append(key)
        keys.sort(key=lambda c: (self.cat_order.get(c, len(self.cat_order)), c))
        status_keys = [s for s in STATUS_ORDER if any(x.counts.get(s.value) for x in self.ranking)]
        trows = []
        for x in self.ranking:
            trows.append(
                [
                    Cell("—" if x.rank is None else str(x.rank), value=x.rank, align="center"),
                    Cell(x.region_zh),
                    _num_cell(x.score),
                    *[_num_cell(x.category_scores.get(c)) for c in keys],
                    *[
                        _num_cell(x.counts.get(s.value, 0), str(x.counts.get(s.value, 0)))
                        for s in status_keys
                    ],
                    _num_cell(
                        x.n_assessed,
                        f"{x.n_assessed}/{x.n_assessable}" if x.n_assessable else str(x.n_assessed),
                    ),
                ]
            )
        t = self.table(
            "ranking",
            f"{self.year}年{self.sub_zh}综合评分与排名",
            [
                "排名",
                self.sub_zh,
                "综合得分",
                *[f"{self.cat_zh.get(c, c)}得分" for c in keys],
                *[f"{s.name_zh}（项）" for s in status_keys],
                "有数据/应评估" if any(x.n_assessable for x in self.ranking) else "评估指标数",
            ],
            trows,
            [0.7, 1.6, 1.0, *[1.1] * len(keys), *[0.9] * len(status_keys), 0.9],
        )
        scored = [x for x in self.ranking if x.score is not None]
        self.charts.append(
            ChartSpec(
                "ranking",
                f"{self.year}年{self.sub_zh}综合得分",
                "ranking",
                {"bars": [(x.rank, x.region_zh, x.score) for x in scored]},
            )
        )
        paras = [
            f"按评估方法对{len(self.ranking)}个{self.sub_zh}的规划指标进展进行综合评分（满分100分），"
            f"结果见{_ref(t)}。"
        ]
        if scored:
            paras.append(
                f"综合得分最高的是{scored[0].region_zh}（{fmt_num(scored[0].score)}分），"
                f"最低的是{scored[-1].region_zh}（{fmt_num(scored[-1].score)}分）。"
            )
        for x in self.ranking:
            if x.rank is None:
                why = x.note_zh or ("无可评估指标" if x.score is None else "未参与排名")
                paras.append(f"{x.region_zh}未参与排名：{why.rstrip('。')}。")
        return Section(
            "ranking",
            f"四、{self.sub_zh}排名",
            tuple(paras),
            (t,),
            ("ranking",) if scored else (),
            sheet_zh="排名",
        )

    # ---------------------------------------------------------------------------- 五
    def risk_rows(self, rows: Sequence[AssessmentRow], region_col: bool) -> list[list[Cell]]:
        out = []
        for r in rows:
            cells = [
                Cell(r.name_zh),
                Cell(BINDING_SHORT.get(r.binding, "—"), align="center"),
                _num_cell(
                    r.value,
                    "—"
                    if r.value is None
                    else f"{fmt_num(r.value)}{_unit(r.unit)}\n（{r.value_year}）",
                    r.value_year,
                ),
                _target_cell(r),
                _status_cell(r.status),
                _num_cell(r.gap, gap_text(r)),
                _num_cell(
                    r.projection,
                    "—"
                    if r.projection is None
                    else f"{fmt_num(r.projection)}\n（{r.target_year}）",
                    r.target_year,
                ),
                _num_cell(r.ratio, fmt_pct(r.ratio)),
            ]
            if region_col:
                cells.insert(1, Cell(r.region_zh))
            out.append(cells)
        return out

    @staticmethod
    def _risk_sorted(rows: Iterable[AssessmentRow]) -> list[AssessmentRow]:
        return sorted(
            (r for r in rows if r.status in (Status.AT_RISK, Status.OFF_TRACK)),
            key=lambda r: (
                BINDING_ORDER.get(r.binding, 2),
                r.status != Status.OFF_TRACK,
                math.inf if r.ratio is None else r.ratio,
                r.indicator_code,
                r.region_code,
            ),
        )

    def risks(self) -> Section:
        cols = [
            "指标",
            "属性",
            "现状值（年）",
            "目标值（年）",
            "状态",
            "差距",
            "目标年预计值",
            "实际/所需",
        ]
        widths = [2.8, 0.9, 1.6, 1.5, 1.3, 1.5, 1.4, 1.0]
        main = self._risk_sorted(self.main)
        tables: list[Table] = []
        paras: list[str] = []
        if main:
            nb = sum(r.binding == "binding" for r in main)
            off = sum(r.status == Status.OFF_TRACK for r in main)
            t = self.table(
                "risks",
                "存在风险和进展滞后的指标",
                cols if not self.multi_region else [cols[0], "地区", *cols[1:]],
                self.risk_rows(main, self.multi_region),
                widths if not self.multi_region else [widths[0], 1.4, *widths[1:]],
                note="差距为现状值距目标值尚需改善的量；目标年预计值按实际年均变化率线性外推；"
                "“实际/所需”为实际与所需年均变化率之比。"
                + (INHERITED_NOTE_ZH if any(r.inherited for r in main) else ""),
            )
            tables.append(t)
            paras.append(
                f"存在风险或进展滞后的指标共{len(main)}项"
                + (f"（其中约束性指标{nb}项）" if nb else "")
                + f"，进展滞后{off}项、存在风险{len(main) - off}项，见{_ref(t)}。"
            )
            for r in main:
                s = f"{r.name_zh}：{r.status.name_zh}"
                if r.gap is not None:
                    s += f"，距目标尚差{gap_text(r)}"
                if r.projection is not None:
                    s += (
                        f"，按当前速度{r.target_year}年预计为{fmt_num(r.projection)}"
                        f"{_unit(r.unit)}（目标{target_text(r, with_year=False)}）"
                    )
                paras.append(s + "。")
            paras.append(
                "建议相关牵头单位分析原因，制定针对性措施，加快推进，并在下一年度评估中重点跟踪。"
            )
        else:
            paras.append(f"{self.region_zh}本年度无存在风险或进展滞后的指标。")
        subs: list[Section] = []
        others = self._risk_sorted(self.others)
        if others:
            t2 = self.table(
                "risks_regions",
                f"{self.sub_zh}层面存在风险和进展滞后的指标",
                [cols[0], self.sub_zh, *cols[1:]],
                self.risk_rows(others, True),
                [widths[0], 1.4, *widths[1:]],
                note=INHERITED_NOTE_ZH if any(r.inherited for r in others) else "",
            )
            subs.append(
                Section(
                    "risks-regions",
                    f"（一）{self.sub_zh}层面",
                    (
                        f"{self.sub_zh}层面存在风险或进展滞后的指标共{len(others)}项，见{_ref(t2)}。",
                    ),
                    (t2,),
                )
            )
        return Section(
            "risks",
            "五、存在风险的指标",
            tuple(paras),
            tuple(tables),
            (),
            tuple(subs),
            sheet_zh="风险",
        )

    # ---------------------------------------------------------------------------- 六
    def sources(self) -> Section:
        src_rows = []
        for r in self.rows:
            pts = {(p.year, p.value, p.source) for p in r.series}
            if r.value is not None and r.value_year is not None and r.value_source:
                pts.add((r.value_year, r.value, r.value_source))
            if r.baseline is not None and r.baseline_year is not None and r.baseline_source:
                pts.add((r.baseline_year, r.baseline, r.baseline_source))
            by_source: dict[str, list[tuple[int, float]]] = {}
            for y, v, src in sorted(pts):
                by_source.setdefault(src, []).append((y, v))
            # one row per indicator × region × source: every value with its year
            for src, yv in sorted(by_source.items(), key=lambda kv: (kv[1][0][0], kv[0])):
                src_rows.append(
                    [
                        Cell(r.name_zh),
                        Cell(r.region_zh),
                        Cell("；".join(f"{y}年 {fmt_num(v)}" for y, v in yv)),
                        Cell(src),
                    ]
                )
        plan_src = self.plan.get("source_doc") or ""
        paras = [
            f"基准值和目标值取自《{self.plan['title_zh']}》"
            + (f"（原文文件：{plan_src}）" if plan_src else "")
            + "；各年度指标数值及其来源见下表，每个数值均注明来源（imported 为导入文件及其"
            " SHA-256 校验值，derived 为由监测数据按标准计算，baseline 为规划文本中的基准值）。"
        ]
        if self.air:
            paras.append(
                "环境空气质量评价由国控、区控空气自动监测站小时数据按 HJ 663 计算，"
                "原始结果与扣除沙尘天气影响后的结果分别列示。"
            )
        if self.synthetic:
            paras.append(f"{SYNTHETIC_NOTE_ZH}。本报告所用监测和指标数据为系统演示用合成数据。")
        t = self.table(
            "sources",
            "指标数值来源",
            ["指标", "地区", "年份与数值", "来源"],
            src_rows,
            [2.6, 1.2, 3.2, 5],
        )
        return Section(
            "sources",
            "六、数据来源与方法",
            (),
            (),
            (),
            (
                Section("sources-data", "（一）数据来源", tuple(paras), (t,)),
                Section("sources-method", "（二）评估方法", self.method_zh),
            ),
            sheet_zh="来源",
        )


def _ref(t: Table) -> str:
    """How the text refers to table *t*: ``表3``."""
    return t.caption_zh.split("　")[0]


def _numeral(n: int) -> str:
    if 1 <= n <= 10:
        return NUMERALS_ZH[n - 1]
    if n < 20:
        return "十" + NUMERALS_ZH[n - 11]
    return str(n)


# --------------------------------------------------------------------------------------------
# writing
# --------------------------------------------------------------------------------------------

ReportFormat = Literal["pdf", "docx", "xlsx", "html"]
REPORT_FORMATS: tuple[ReportFormat, ...] = ("pdf", "docx", "xlsx", "html")


def write_report(model: ReportModel, fmt: ReportFormat, out: Path) -> Path:
    """Write *model* as *fmt* to *out* and return the path written.

    *out* is a file path; when it is an existing directory the file is named
    ``<plan_id>-<year>-<kind>.<fmt>`` inside it.  The renderer (and its heavy imports:
    WeasyPrint, python-docx, matplotlib) is loaded only for the format asked for.

    Raises
    ------
    ValueError
        Unknown *fmt*.
    ecoplan.report.fonts.CJKFontNotFoundError
        PDF/DOCX/HTML charts need a CJK font and none is installed.
    """
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"report format must be one of {', '.join(REPORT_FORMATS)}, got {fmt!r}")
    out = Path(out)
    if out.is_dir():
        out = out / f"{model.plan_id}-{model.year}-{model.kind}.{fmt}"
    if fmt == "pdf":
        from ecoplan.report.pdf import write_pdf

        return write_pdf(model, out)
    if fmt == "docx":
        from ecoplan.report.docx import write_docx

        return write_docx(model, out)
    if fmt == "xlsx":
        from ecoplan.report.xlsx import write_xlsx

        return write_xlsx(model, out)
    from ecoplan.report.html import write_html

    return write_html(model, out)
