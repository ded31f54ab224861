"""Heavy-pollution warning grades: thresholds, run lengths, schemes, monotonicity."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.standards.warning import (
    GRADES,
    HOHHOT_CLAUSE,
    WarningInputError,
    assess_warning,
    grade,
)

# --------------------------------------------------------------------------- national (S10)


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([200, 200, 200, 200], None),  # "> 200": 200 itself does not count
        ([201], None),  # 1 day > 200 (blue only existed in the 2017 scheme)
        ([201, 201], "yellow"),  # 2 consecutive days > 200
        ([201, 200], None),
        ([201, 201, 201], "orange"),  # 3 days
        ([201, 201, 201, 201], "orange"),  # 4 days but no day > 300
        ([201, 201, 300, 300], "orange"),  # 300 is not > 300
        ([201, 201, 301, 300], "orange"),  # only 1 day > 300
        ([201, 201, 301, 301], "red"),  # 4 days > 200 holding 2 days > 300
        ([301, 301, 301], "orange"),  # > 300 twice but only 3 days > 200
        ([499], None),
        ([500], "red"),  # "达到500" → ≥ 500, any single day
        ([100, 100, 100, 520], "red"),
        ([499, 499], "yellow"),
    ],
)
def test_national_thresholds(series: list[int], expected: str | None) -> None:
    assert grade(series) == expected


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([201, 100, 201], None),  # two 1-day runs are not 2 consecutive days
        ([201, 201, 100, 201, 201], "yellow"),  # longest run 2
        ([201, 201, 100, 201, 201, 201], "orange"),  # run of 3 anywhere in the window
        ([50, 90, 201, 201], "yellow"),  # need not start tomorrow
        # 4-day run > 200 and a 2-day run > 300 in a *different* episode: not red.
        ([301, 301, 100, 201, 201, 201, 201], "orange"),
        # > 300 days not consecutive inside the 4-day run: not red.
        ([301, 201, 301, 201], "orange"),
        ([201, 301, 301, 201, 100], "red"),
    ],
)
def test_national_runs_are_consecutive_and_anywhere(
    series: list[int], expected: str | None
) -> None:
    assert grade(series) == expected


def test_assess_warning_reports_the_rule() -> None:
    r = assess_warning([150, 220, 310, 320, 240, 180])
    assert r.grade == "red"
    assert r.name_zh == "红色预警"
    assert r.level_zh == "一级"
    assert r.rule == "national.red.duration"
    assert r.episode == (1, 4)  # days 2–5
    assert "第2–5天" in r.detail
    r500 = assess_warning([100, 505])
    assert (r500.rule, r500.episode) == ("national.red.aqi500", (1, 1))
    y = assess_warning([150, 210, 230])
    assert (y.grade, y.name_zh, y.level_zh, y.rule) == (
        "yellow",
        "黄色预警",
        "三级",
        "national.yellow",
    )
    o = assess_warning([210, 230, 250])
    assert (o.name_zh, o.level_zh, o.rule) == ("橙色预警", "二级", "national.orange")
    none = assess_warning([100, 120])
    assert (none.grade, none.name_zh, none.level_zh, none.rule) == (None, "无预警", None, None)


def test_national_parameters_override_durations() -> None:
    assert grade([201, 201], yellow_days=3) is None
    assert grade([160, 160], heavy=150) == "yellow"
    assert grade([450], extreme=450) == "red"


# --------------------------------------------------------------------------- legacy 2017 (S11)


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([200, 200], None),
        ([201], "blue"),  # > 200 for 1 day
        ([100, 201, 100, 201], "blue"),
        ([201, 201], "yellow"),
        ([201, 201, 201], "yellow"),  # 3 days but no day > 300 → not orange
        ([201, 201, 301], "orange"),  # 3 days and a day > 300
        ([301, 100, 201, 201, 201], "yellow"),  # the > 300 day is in another episode
        ([201, 301, 301, 201], "red"),
        ([500], "red"),
        ([499], "blue"),
    ],
)
def test_legacy_2017(series: list[int], expected: str | None) -> None:
    assert grade(series, "legacy-2017") == expected


def test_legacy_blue_result() -> None:
    r = assess_warning([100, 230], "legacy-2017")
    assert (r.grade, r.name_zh, r.level_zh, r.rule) == (
        "blue",
        "蓝色预警",
        "四级",
        "legacy-2017.blue",
    )


# --------------------------------------------------------------------------- Hohhot (seed 002)


def test_hohhot_clause_is_quoted_from_the_plan() -> None:
    # Hohhot 14th FYP eco-environment plan (seed 002), 第五章第一节 4.强化重污染天气应急响应:
    sentence = "以预测预报日AQI日均值>150持续天数及小时AQI>200作为预警启动基本条件"
    assert sentence == HOHHOT_CLAUSE
    assert sentence in (grade.__doc__ or "")
    assert sentence in (assess_warning.__doc__ or "")


@pytest.mark.parametrize(
    ("daily", "hourly", "expected"),
    [
        ([151, 151], [120, 201], "yellow"),  # daily > 150 for 2 days and an hour > 200
        ([150, 151], [120, 201], None),  # 150 is not > 150
        ([151, 151], [120, 200], None),  # no hour > 200
        ([151, 100, 151], [250], None),  # daily run of 1 < min_days 2
        ([100, 151, 180], [250], "yellow"),
        ([210, 230, 250], [100], "orange"),  # national levels still apply
        ([100, 100], [300, 300], None),
    ],
)
def test_hohhot_start_condition(daily: list[int], hourly: list[int], expected: str | None) -> None:
    assert grade(daily, "hohhot", hourly_aqi=hourly) == expected


def test_hohhot_parameters() -> None:
    assert grade([151], "hohhot", hourly_aqi=[201], min_days=1) == "yellow"
    assert grade([151, 151], "hohhot", hourly_aqi=[201], min_days=3) is None
    assert grade([151, 151], "hohhot", hourly_aqi=[201, 100, 201], min_hours=2) is None
    assert grade([151, 151], "hohhot", hourly_aqi=[201, 201], min_hours=2) == "yellow"
    # "or": either part suffices; without hourly data only the daily part is tested.
    assert grade([151, 151], "hohhot", combine="or") == "yellow"
    assert grade([100], "hohhot", hourly_aqi=[201], combine="or") == "yellow"
    assert grade([100, 151], "hohhot", combine="or") is None
    r = assess_warning([151, 160], "hohhot", hourly_aqi=[210])
    assert (r.scheme, r.rule, r.episode) == ("hohhot", "hohhot.start", (0, 2))
    assert "小时AQI>200" in r.detail
    with pytest.raises(WarningInputError, match="needs hourly_aqi"):
        grade([151, 151], "hohhot")
    with pytest.raises(WarningInputError, match="combine"):
        grade([151, 151], "hohhot", hourly_aqi=[1], combine="xor")


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("series", "kwargs", "match"),
    [
        ([], {}, "empty"),
        ([100, -1], {}, "≥ 0"),
        ([100, float("nan")], {}, "finite"),
        ([True, 201], {}, "number"),
        (["201"], {}, "number"),
        ([201], {"scheme": "beijing"}, "unknown scheme"),
        ([201], {"yellow_day": 2}, "unknown parameter"),
        ([201], {"yellow_days": 0}, "yellow_days"),
        ([201], {"heavy": "200"}, "heavy"),
        ([201], {"scheme": "national", "blue_days": 1}, "unknown parameter"),
        ([201], {"scheme": "hohhot", "hourly_aqi": [-3]}, "hourly_aqi"),
        ([201], {"scheme": "hohhot", "hourly_aqi": "201"}, "hourly_aqi"),
    ],
)
def test_bad_input(series: list[object], kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(WarningInputError, match=match):
        grade(series, **kwargs)  # type: ignore[arg-type]
    assert issubclass(WarningInputError, ValueError)


# --------------------------------------------------------------------------- properties

RANK: dict[str | None, int] = {None: 0, **{g: i + 1 for i, g in enumerate(GRADES)}}
aqi = st.integers(0, 520) | st.sampled_from([150, 151, 200, 201, 300, 301, 499, 500])
series_st = st.lists(aqi, min_size=1, max_size=10)
scheme_st = st.sampled_from(["national", "legacy-2017", "hohhot"])
hourly_st = st.lists(st.integers(0, 400), min_size=1, max_size=24)


def _grade(series: list[int], scheme: str, hourly: list[int]) -> int:
    extra = {"hourly_aqi": hourly} if scheme == "hohhot" else {}
    return RANK[grade(series, scheme, **extra)]


@given(series_st, scheme_st, hourly_st, st.data())
def test_raising_a_value_never_lowers_the_grade(
    series: list[int], scheme: str, hourly: list[int], data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(series) - 1))
    raised = list(series)
    raised[i] = data.draw(st.integers(series[i], 600))
    assert _grade(raised, scheme, hourly) >= _grade(series, scheme, hourly)


@given(series_st, series_st, scheme_st, hourly_st)
def test_extending_the_series_never_lowers_the_grade(
    series: list[int], more: list[int], scheme: str, hourly: list[int]
) -> None:
    g = _grade(series, scheme, hourly)
    assert _grade(series + more, scheme, hourly) >= g
    assert _grade(more + series, scheme, hourly) >= g


@given(series_st, hourly_st)
def test_schemes_relative_to_national(series: list[int], hourly: list[int]) -> None:
    national = RANK[grade(series)]
    # Hohhot only adds a start condition on top of the national levels.
    assert _grade(series, "hohhot", hourly) >= national
    # The 2017 scheme's blue is below yellow, and any national warning is at least blue there.
    legacy = RANK[grade(series, "legacy-2017")]
    if national:
        assert legacy >= RANK["yellow"]
    assert (legacy >= RANK["blue"]) == any(v > 200 for v in series)
    assert (national == RANK["red"]) == (legacy == RANK["red"])
