"""The evaluation report model: naming, ordering, counts, sections, input checks."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from report_inputs import (
    GENERATED,
    NAMES,
    PLAN_ID,
    SPECS,
    YEAR,
    make_plan,
    make_ranking,
    make_rows,
)

from ecoplan.assess.types import Status
from ecoplan.report.evaluation import (
    METHOD_ZH,
    SYNTHETIC_NOTE_ZH,
    ReportInputError,
    ReportModel,
    Section,
    air_monthly,
    build_report_model,
    fmt_num,
    ink_on,
    report_kind,
    report_title,
    target_text,
)


def _texts(m: ReportModel) -> str:
    out: list[str] = []

    def walk(secs: tuple[Section, ...]) -> None:
        for s in secs:
            out.append(s.heading_zh)
            out.extend(s.paragraphs)
            for t in s.tables:
                out.append(t.caption_zh)
                out.extend(c.text for r in t.rows for c in r)
            walk(s.subsections)

    walk(m.sections)
    return "\n".join(out)


def _section(m: ReportModel, key: str) -> Section:
    return next(s for s in m.sections if s.key == key)


# ------------------------------------------------------------------ naming


def test_title_and_kind_follow_the_year() -> None:
    plan = make_plan()
    rows = make_rows()
    m23 = build_report_model(plan, 2023, rows, [], generated_at=GENERATED)
    assert m23.kind == "midterm"
    assert m23.title_zh == "测试自治区“十四五”生态环境保护规划实施情况中期评估报告"
    rows25 = [dataclasses.replace(r, year=2025) for r in rows]
    m25 = build_report_model(plan, 2025, rows25, [], generated_at=GENERATED)
    assert m25.title_zh.endswith("规划实施情况总结评估报告")
    rows24 = [dataclasses.replace(r, year=2024) for r in rows]
    m24 = build_report_model(plan, 2024, rows24, [], generated_at=GENERATED)
    assert m24.title_zh.endswith("规划实施情况2024年度评估报告")
    assert m24.kind_zh == "年度评估"


def test_report_kind_for_the_2035_outline() -> None:
    assert report_kind(2027, 2025, 2035) == "midterm"
    assert report_kind(2030, 2025, 2035) == "annual"
    assert report_kind(2035, 2025, 2035) == "final"
    assert report_kind(2020, 2020, 2020) == "final"
    assert report_title("某规划", 2030, "annual") == "某规划实施情况2030年度评估报告"


@given(st.integers(2000, 2040), st.integers(0, 15), st.integers(0, 15))
def test_final_exactly_in_the_last_year(start: int, length: int, offset: int) -> None:
    end = start + length
    year = start + min(offset, length)
    kind = report_kind(year, start, end)
    assert (kind == "final") == (year == end)
    if kind == "midterm":
        assert year in (2023, 2027) and year < end


def test_cover_fields(model: ReportModel) -> None:
    assert model.plan_id == PLAN_ID
    assert model.date_zh == "2024年3月15日"
    assert model.issuer_zh == "内蒙古自治区生态环境厅（规划处）"
    assert model.plan_period_zh == "2021—2025年"
    assert model.region_zh == "内蒙古自治区"
    assert model.synthetic and model.synthetic_note_zh == SYNTHETIC_NOTE_ZH


# ------------------------------------------------------------------ ordering and counts


def test_binding_indicators_come_first(model: ReportModel) -> None:
    t = _section(model, "indicators").tables[0]
    attrs = [r[2].text for r in t.rows]
    # 5 binding (PM2.5, 优良天数, 地表水, 能耗, 耕地) then 4 expected, plan order inside each
    assert attrs == ["约束性"] * 5 + ["预期性"] * 4
    assert [r[1].text for r in t.rows][:5] == [NAMES[0], NAMES[1], NAMES[2], NAMES[3], NAMES[6]]
    assert [r[0].value for r in t.rows] == list(range(1, 10))


def test_every_indicator_and_status_in_the_table(model: ReportModel) -> None:
    t = _section(model, "indicators").tables[0]
    assert {r[1].text for r in t.rows} == set(NAMES)
    statuses = {r[-1].text for r in t.rows}
    assert statuses == {s.name_zh for s in Status}
    for r in t.rows:
        assert r[-1].fill == next(s.color for s in Status if s.name_zh == r[-1].text)


def test_overview_counts_binding_first(model: ReportModel) -> None:
    paras = _section(model, "overview").paragraphs
    # binding: PM2.5 & 耕地 achieved, 地表水 on track, 优良天数 at risk, 能耗 off track
    assert paras[1] == "约束性指标5项中，已达标2项，进展顺利1项，存在风险1项，进展滞后1项。"
    # expected: 森林 on track, 地下水 at risk, 草原 off track, 重金属 no data
    assert paras[2] == "预期性指标4项中，进展顺利1项，存在风险1项，进展滞后1项，无数据1项。"
    # 4 of the 8 with data are achieved or on track
    assert "有数据的8项指标中，已达标或进展顺利的4项，占50%" in paras[3]
    counts = _section(model, "overview").tables[0]
    total = counts.rows[-1]
    assert total[0].text == "合计" and total[1].value == 9
    assert sum(c.value for c in total[2:]) == 9  # type: ignore[misc]


def test_risk_section_order_and_gaps(model: ReportModel) -> None:
    sec = _section(model, "risks")
    names = [r[0].text for r in sec.tables[0].rows]
    # binding first; off track before at risk
    assert names == [NAMES[3], NAMES[1], NAMES[5], NAMES[8]]
    energy = sec.tables[0].rows[0]
    assert energy[5].text == "11个百分点"  # 15 − 4
    assert energy[6].text == "6.67\n（2025）"  # 4 + (4/3)·2
    assert energy[7].text == "44%"  # (4/3)/3
    # the league-level row is listed in its own subsection
    (sub,) = sec.subsections
    (row,) = sub.tables[0].rows
    assert row[0].text == NAMES[0] and row[1].text == "呼和浩特市" and row[5].text == "进展滞后"


def test_category_sections(model: ReportModel) -> None:
    sec = _section(model, "categories")
    heads = [s.heading_zh for s in sec.subsections]
    assert heads == [
        "（一）生态环境质量",
        "（二）绿色化发展",
        "（三）生态系统质量",
        "（四）环境风险防范",
        "（五）其他指标",
        "（六）环境空气质量专项评价",
    ]
    first = sec.subsections[0].paragraphs
    assert first[0] == "生态环境质量类指标共3项（约束性3项），已达标1项，进展顺利1项，存在风险1项。"
    # PM2.5 30 → 25 over 2020–2023: −5, actual −5/3 = −1.67 a year, required −3/5 = −0.6
    assert "较2020年（30）下降5" in first[1]
    assert "实际年均变化-1.67，所需年均变化-0.6，比值278%" in first[1]


def test_ranking_table_in_rank_order(model: ReportModel) -> None:
    t = _section(model, "ranking").tables[0]
    assert [r[0].value for r in t.rows] == list(range(1, 13))
    assert t.rows[0][1].text == "呼和浩特市" and t.rows[0][2].value == 92.5
    assert "生态环境质量得分" in t.columns and "环境风险防范得分" in t.columns
    assert t.rows[-1][t.columns.index("环境风险防范得分")].text == "—"
    assert model.chart("ranking").data["bars"][0] == (1, "呼和浩特市", 92.5)


def test_sources_list_every_value(model: ReportModel) -> None:
    t = _section(model, "sources").subsections[0].tables[0]
    # one row per indicator × region × source: 8 indicators with values + the city row
    assert len(t.rows) == 9
    assert all(r[3].text.startswith("imported:") for r in t.rows)
    # every value with its year: 3+3+2+2+2+1+1+0+1 = 15 for the region, + 2 for the city
    assert sum(r[2].text.count("年 ") for r in t.rows) == 17
    pm = next(r for r in t.rows if r[0].text == NAMES[0] and r[1].text == "内蒙古自治区")
    assert pm[2].text == "2021年 28；2022年 26；2023年 25"
    method = _section(model, "sources").subsections[1].paragraphs
    assert method == METHOD_ZH
    text = "".join(method)
    for phrase in ("R ≥ 95%", "60% ≤ R < 95%", "2%裕度", "最小二乘斜率", "1个百分点"):
        assert phrase in text, phrase


def test_synthetic_note_only_when_synthetic() -> None:
    plan, rows = make_plan(), make_rows()
    real = build_report_model(plan, YEAR, rows, [], generated_at=GENERATED)
    demo = build_report_model(plan, YEAR, rows, [], generated_at=GENERATED, synthetic=True)
    assert SYNTHETIC_NOTE_ZH not in _texts(real)
    assert SYNTHETIC_NOTE_ZH in _texts(demo)


def test_charts(model: ReportModel) -> None:
    keys = [c.key for c in model.charts]
    assert set(keys) == {"status", "trend", "ranking", "air_monthly", "air_annual"}
    panels = model.chart("trend").data["panels"]
    # the five binding indicators first, then the expected one with the most points (森林)
    assert [p["title"] for p in panels] == [
        NAMES[0],
        NAMES[1],
        NAMES[2],
        NAMES[3],
        NAMES[6],
        NAMES[4],
    ]
    assert panels[0]["target"] == (2025, 27.0)
    nums = model.figure_numbers()
    assert sorted(nums.values()) == list(range(1, len(keys) + 1))
    assert nums["status"] == 1


def test_no_ranking_no_air() -> None:
    m = build_report_model(make_plan(), YEAR, make_rows(), [], generated_at=GENERATED)
    rank = _section(m, "ranking")
    assert rank.tables == () and "未开展" in rank.paragraphs[0]
    assert "air" not in [c.key for c in m.charts]
    assert all(s.key != "air" for s in _section(m, "categories").subsections)


def test_rows_of_one_region_only_when_plan_region_missing() -> None:
    plan = make_plan() | {"region_code": "159999"}
    m = build_report_model(plan, YEAR, make_rows(), [], generated_at=GENERATED)
    t = _section(m, "indicators").tables[0]
    assert "地区" in t.columns and len(t.rows) == 10


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda rows: [dataclasses.replace(rows[0], year=2022), *rows[1:]], "assessed for 2022"),
        (lambda rows: [dataclasses.replace(rows[0], plan_id="other"), *rows[1:]], "plan 'other'"),
        (lambda rows: [*rows, rows[0]], "appears twice"),
        (lambda rows: [], "no assessment rows"),
    ],
)
def test_inconsistent_rows_are_refused(change, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportInputError, match=message):
        build_report_model(make_plan(), YEAR, change(make_rows()), make_ranking())


def test_year_outside_the_plan_period() -> None:
    rows = [dataclasses.replace(r, year=2026) for r in make_rows()]
    with pytest.raises(ReportInputError, match="outside the period 2021–2025"):
        build_report_model(make_plan(), 2026, rows, [])


def test_bad_air_entries(air) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReportInputError, match="evaluates 2022"):
        build_report_model(make_plan(), YEAR, make_rows(), [], [air[0] | {"year": 2022}])
    with pytest.raises(ReportInputError, match="lacks"):
        build_report_model(make_plan(), YEAR, make_rows(), [], [{"unit": "x", "year": YEAR}])
    with pytest.raises(ReportInputError, match="month must be 1–12"):
        bad = air[0] | {"monthly": [{"month": 13, "pm25": 1.0, "good_ratio": 1.0}]}
        build_report_model(make_plan(), YEAR, make_rows(), [], [bad])


def test_plan_dict_shape_is_checked() -> None:
    plan = make_plan()
    del plan["period_end"]
    with pytest.raises(ReportInputError, match="period_end"):
        build_report_model(plan, YEAR, make_rows(), [])


# ------------------------------------------------------------------ air


def test_air_monthly_by_hand() -> None:
    daily = pd.DataFrame(
        {
            "date": pd.to_datetime(["2023-01-01", "2023-01-02", "2023-01-03", "2023-02-01"]),
            "PM2.5": [10.0, 20.0, math.nan, 30.0],
            "aqi": [50.0, 120.0, math.nan, 80.0],
        }
    )
    jan, feb = air_monthly(daily)
    # January: PM2.5 (10 + 20) / 2 = 15; AQI ≤ 100 on 1 of the 2 days with an AQI → 50 %
    assert jan == {"month": 1, "pm25": 15.0, "good_ratio": 50.0}
    assert feb == {"month": 2, "pm25": 30.0, "good_ratio": 100.0}


def test_air_entry_from_the_real_evaluation(air) -> None:  # type: ignore[no-untyped-def]
    hohhot = next(a for a in air if a["unit"] == "150100")
    months = {m["month"]: m for m in hohhot["monthly"]}
    assert sorted(months) == list(range(1, 13))
    # winter PM2.5 ≈ 42·1.95 ≈ 82 µg/m³ > 75 → not good; summer ≈ 2–5 → all good
    assert months[1]["good_ratio"] < 50 < months[7]["good_ratio"] == 100.0
    assert months[1]["pm25"] > months[7]["pm25"]
    t = next(
        s
        for s in _sections_of(build_report_model(make_plan(), YEAR, make_rows(), [], air))
        if s.key == "air"
    ).tables[0]
    row = next(r for r in t.rows if r[0].text == "呼和浩特市")
    assert row[2].value == hohhot["raw"]["days"]["good_ratio_rounded"]
    assert row[7].value == hohhot["dust_days"] == 3  # 03-10, 03-11, 03-12


def _sections_of(m: ReportModel) -> list[Section]:
    out: list[Section] = []

    def walk(secs: tuple[Section, ...]) -> None:
        for s in secs:
            out.append(s)
            walk(s.subsections)

    walk(m.sections)
    return out


# ------------------------------------------------------------------ formatting


@pytest.mark.parametrize(
    ("v", "text"),
    [
        (25.0, "25"),
        (90.6, "90.6"),
        (0.16667, "0.167"),
        (-1.6667, "-1.67"),
        (1234.5678, "1234.57"),
        (0.0012345, "0.00123"),
        (0.0, "0"),
        (-0.001, "-0.001"),
        (None, "—"),
        (math.nan, "—"),
    ],
)
def test_fmt_num(v: float | None, text: str) -> None:
    assert fmt_num(v) == text


@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_fmt_num_round_trips(v: float) -> None:
    s = fmt_num(v)
    back = float(s)
    # ≤ 2 decimals at or above 1; 3 significant digits below
    tol = 0.005 if abs(v) >= 1 else max(abs(v) * 0.005, 1e-12)
    assert abs(back - v) <= tol * (1 + 1e-9)
    assert not (("." in s) and s.endswith("0"))


def test_fmt_num_signed() -> None:
    assert fmt_num(0.2, signed=True) == "+0.2"
    assert fmt_num(-0.2, signed=True) == "-0.2"
    assert fmt_num(0.0, signed=True) == "0"


def test_target_text_maintain() -> None:
    soil = next(r for r in make_rows() if r.indicator_code == "T-SOIL")
    assert target_text(soil) == "保持≥98（2025）"
    pm = next(r for r in make_rows() if r.indicator_code == "T-PM25")
    assert target_text(pm) == "≤27（2025）"
    assert target_text(pm, with_year=False) == "≤27"


def test_ink_on() -> None:
    assert ink_on(Status.ACHIEVED.color) == "#ffffff"
    assert ink_on(Status.OFF_TRACK.color) == "#ffffff"
    assert ink_on(Status.AT_RISK.color) == "#000000"
    assert ink_on(Status.NO_DATA.color) == "#000000"


def test_specs_are_coherent() -> None:
    """The hand-made rows' statuses agree with the 95 % / 60 % thresholds (docstring)."""
    for r in make_rows():
        if r.ratio is None or r.status == Status.ACHIEVED:
            continue
        expected = (
            Status.ON_TRACK
            if r.ratio >= 0.95
            else Status.AT_RISK
            if r.ratio >= 0.6
            else Status.OFF_TRACK
        )
        assert r.status == expected, r.indicator_code
    assert len(SPECS) == 9


def test_engine_fields_inherited_unranked_baseline_source() -> None:
    """Fields the assessment engine fills: inherited targets, coverage, baseline source."""
    rows = make_rows()
    rows = [
        dataclasses.replace(r, inherited=True, target_region="150000")
        if r.region_code == "150100"
        else dataclasses.replace(r, baseline_source="baseline: 000_test.txt «2020年30»")
        if r.indicator_code == "T-PM25"
        else r
        for r in rows
    ]
    ranking = make_ranking()
    ranking = [
        dataclasses.replace(x, n_assessable=10, coverage=x.n_assessed / 10)
        if x.rank != 12
        else dataclasses.replace(
            x, rank=None, n_assessable=20, coverage=0.45, note_zh="有数据指标占45%，低于60%"
        )
        for x in ranking
    ]
    m = build_report_model(make_plan(), YEAR, rows, ranking, generated_at=GENERATED)
    risks = _section(m, "risks").subsections[0].tables[0]
    assert risks.rows[0][4].text == "≤27\n（2025）*"
    assert "沿用上级地区" in risks.note_zh
    rank = _section(m, "ranking")
    assert "阿拉善盟未参与排名：有数据指标占45%，低于60%。" in rank.paragraphs
    t = rank.tables[0]
    assert t.columns[-1] == "有数据/应评估"
    assert t.rows[0][-1].text == "9/10" and t.rows[-1][0].text == "—"
    assert [b[1] for b in m.chart("ranking").data["bars"]][-1] == "阿拉善盟"  # still scored
    src = _section(m, "sources").subsections[0].tables[0]
    base = [r for r in src.rows if r[3].text.startswith("baseline:")]
    assert [(r[0].text, r[2].text) for r in base] == [(NAMES[0], "2020年 30")]


def test_city_plan_ranks_counties() -> None:
    plan = make_plan() | {"region_code": "150100"}
    rows = [
        dataclasses.replace(r, region_code="150100", region_zh="呼和浩特市")
        if r.region_code == "150000"
        else dataclasses.replace(r, region_code="150121", region_zh="土默特左旗")
        for r in make_rows()
    ]
    m = build_report_model(plan, YEAR, rows, make_ranking(), generated_at=GENERATED)
    assert _section(m, "ranking").heading_zh == "四、旗县（市、区）排名"
    assert _section(m, "risks").subsections[0].heading_zh == "（一）旗县（市、区）层面"
    assert m.region_zh == "呼和浩特市"
