"""The progress method (docs/assessment.md §2–§4) on hand-computed cases.

Unless said otherwise: baseline b = 60 in t0 = 2020, target ≥ 80 in t_T = 2025, so the
required rate is r_req = (80 − 60)/(2025 − 2020) = 4 per year.
"""

from __future__ import annotations

import pytest

from ecoplan.assess.progress import (
    MethodParams,
    ProgressInputError,
    TargetSpec,
    assess_progress,
    assess_targets,
    choose_baseline,
    classify_ratio,
    ols_slope,
    satisfies,
    select_milestone,
)
from ecoplan.assess.types import Status

GE80 = TargetSpec(80, 2025, ">=")
BASE = (2020, 60.0)


def judge(v: float, t: int = 2022, *, target: TargetSpec = GE80, year: int | None = None, **kw):
    return assess_progress(
        [(t, v)], target, year=year if year is not None else t, baseline=BASE, **kw
    )


# ------------------------------------------------------------------- higher is better, reach


def test_ratio_exactly_095_is_on_track() -> None:
    # r_act = (67.6 − 60)/2 = 3.8; R = 3.8/4 = 0.95 exactly by hand (0.9499999999999993 in
    # binary floating point: the ratio is compared after rounding to 9 decimals)
    p = judge(67.6)
    assert p.required_rate == pytest.approx(4.0)
    assert p.actual_rate == pytest.approx(3.8)
    assert p.ratio == pytest.approx(0.95)
    assert p.status is Status.ON_TRACK
    # projection v + r_act·(t_T − t) = 67.6 + 3.8·3 = 79.0; gap = 80 − 67.6 = 12.4
    assert p.projection == pytest.approx(79.0)
    assert p.gap == pytest.approx(12.4)
    assert p.rate_method == "two_point"


def test_ratio_just_below_095_is_at_risk() -> None:
    p = judge(67.5)  # r_act = 3.75, R = 0.9375
    assert p.ratio == pytest.approx(0.9375)
    assert p.status is Status.AT_RISK


def test_ratio_exactly_060_is_at_risk() -> None:
    p = judge(64.8)  # r_act = 4.8/2 = 2.4, R = 2.4/4 = 0.6
    assert p.ratio == pytest.approx(0.6)
    assert p.status is Status.AT_RISK


def test_ratio_just_below_060_is_off_track() -> None:
    p = judge(64.7)  # r_act = 2.35, R = 0.5875
    assert p.ratio == pytest.approx(0.5875)
    assert p.status is Status.OFF_TRACK


def test_moving_away_is_off_track() -> None:
    p = judge(58.0)  # r_act = −1, R = −0.25
    assert p.ratio == pytest.approx(-0.25)
    assert p.status is Status.OFF_TRACK


def test_value_exactly_at_target_is_achieved() -> None:
    p = judge(80.0)
    assert p.status is Status.ACHIEVED
    assert p.achieved is True
    assert p.gap == 0.0
    # the rates are still reported: r_act = 20/2 = 10
    assert p.actual_rate == pytest.approx(10.0)


def test_strict_comparator_at_target_is_not_achieved() -> None:
    p = judge(80.0, target=TargetSpec(80, 2025, ">"))
    assert p.status is Status.ON_TRACK  # R = 10/4 = 2.5 ≥ 0.95
    assert p.achieved is False


# ------------------------------------------------------------------- lower is better


def test_lower_is_better_pm25() -> None:
    # Hohhot-like: b = 41 (2020), ≤ 35 by 2025: r_req = (35 − 41)/5 = −1.2 µg/m³ a year.
    # 2023: 38 → r_act = (38 − 41)/3 = −1, R = −1/−1.2 = 0.8333 → at risk;
    # projection 38 + (−1)·2 = 36, gap 38 − 35 = 3.
    p = assess_progress(
        [(2023, 38.0)], TargetSpec(35, 2025, "<="), year=2023, baseline=(2020, 41.0)
    )
    assert p.required_rate == pytest.approx(-1.2)
    assert p.actual_rate == pytest.approx(-1.0)
    assert p.ratio == pytest.approx(1 / 1.2)
    assert p.status is Status.AT_RISK
    assert p.projection == pytest.approx(36.0)
    assert p.gap == pytest.approx(3.0)


def test_lower_is_better_achieved_and_boundaries() -> None:
    t = TargetSpec(35, 2025, "<=")
    assert assess_progress([(2023, 35.0)], t, year=2023, baseline=(2020, 41.0)).status is (
        Status.ACHIEVED
    )
    # r_req = −1.2: R = 0.95 needs r_act = −1.14, i.e. v = 41 − 3·1.14 = 37.58 in 2023
    p = assess_progress([(2023, 37.58)], t, year=2023, baseline=(2020, 41.0))
    assert p.ratio == pytest.approx(0.95)
    assert p.status is Status.ON_TRACK
    # R = 0.60 needs r_act = −0.72, v = 41 − 2.16 = 38.84
    p = assess_progress([(2023, 38.84)], t, year=2023, baseline=(2020, 41.0))
    assert p.ratio == pytest.approx(0.6)
    assert p.status is Status.AT_RISK
    # worse than the baseline: R < 0
    p = assess_progress([(2023, 42.0)], t, year=2023, baseline=(2020, 41.0))
    assert p.status is Status.OFF_TRACK


def test_ols_slope_with_three_or_more_points() -> None:
    # b = 41 (2020), values 40, 37, 38 (2021–2023). x̄ = 1.5 (years from 2020), ȳ = 39;
    # Σdx·dy = (−1.5)(2) + (−0.5)(1) + (0.5)(−2) + (1.5)(−1) = −6; Σdx² = 5 → slope −1.2.
    # R = −1.2/−1.2 = 1.0 → on track (the two-point rate (38 − 41)/3 = −1 would give 0.83).
    pts = [(2021, 40.0), (2022, 37.0), (2023, 38.0)]
    p = assess_progress(pts, TargetSpec(35, 2025, "<="), year=2023, baseline=(2020, 41.0))
    assert p.rate_method == "ols"
    assert p.n_points == 4
    assert p.actual_rate == pytest.approx(-1.2)
    assert p.ratio == pytest.approx(1.0)
    assert p.status is Status.ON_TRACK
    assert p.projection == pytest.approx(38.0 - 1.2 * 2)
    assert ols_slope([2020, 2021, 2022, 2023], [41, 40, 37, 38]) == pytest.approx(-1.2)
    two = assess_progress(
        pts, TargetSpec(35, 2025, "<="), year=2023, baseline=(2020, 41.0),
        params=MethodParams(min_points_ols=5),
    )  # fmt: skip
    assert two.rate_method == "two_point"
    assert two.status is Status.AT_RISK


# ------------------------------------------------------------------- maintain


def test_maintain_met_is_achieved_and_a_thin_margin_is_flagged_critical() -> None:
    # 草原植被盖度 稳定在45%以上: value meeting the target is achieved (issue 11 item 8); the
    # thin-margin concern is the separate 临界 flag: margin m = 2 % · 45 = 0.9 points
    t = TargetSpec(45, 2027, ">=", "maintain")
    got = {v: assess_progress([(2026, v)], t, year=2026, baseline=None)
           for v in (46.0, 45.91, 45.9, 45.0, 44.99)}  # fmt: skip
    assert {v: (p.status, p.critical) for v, p in got.items()} == {
        46.0: (Status.ACHIEVED, False),  # 1.0 > 0.9
        45.91: (Status.ACHIEVED, False),  # 0.91 > 0.9
        45.9: (Status.ACHIEVED, True),  # 0.9 is not more than the margin → 临界
        45.0: (Status.ACHIEVED, True),  # exactly at the target: met, no margin → 临界
        44.99: (Status.OFF_TRACK, False),  # wrong side
    }
    assert got[46.0].achieved and got[45.0].achieved and got[45.0].gap == 0.0
    assert any(n.startswith("临界：余量0.9不超过0.9") for n in got[45.9].notes)
    assert not any("临界" in n for n in got[46.0].notes)
    no_margin = MethodParams(critical_margin=0.0)
    p = assess_progress([(2026, 45.01)], t, year=2026, baseline=None, params=no_margin)
    assert (p.status, p.critical) == (Status.ACHIEVED, False)
    p = assess_progress([(2026, 45.0)], t, year=2026, baseline=None, params=no_margin)
    assert (p.status, p.critical) == (Status.ACHIEVED, True)


def test_maintain_lower_is_better() -> None:
    # PM2.5 稳定在25以下: m = 0.5 µg/m³
    t = TargetSpec(25, 2027, "<=", "maintain")
    got = [assess_progress([(2026, v)], t, year=2026, baseline=(2024, 27.0))
           for v in (24.4, 24.5, 25.0, 25.1)]  # fmt: skip
    assert [(p.status, p.critical) for p in got] == [
        (Status.ACHIEVED, False),
        (Status.ACHIEVED, True),
        (Status.ACHIEVED, True),
        (Status.OFF_TRACK, False),
    ]


def test_critical_flag_never_on_reach_targets_or_at_a_bound() -> None:
    reach = assess_progress([(2026, 45.0)], TargetSpec(45, 2027, ">="), year=2026, baseline=None)
    assert (reach.status, reach.critical) == (Status.ACHIEVED, False)
    bound = TargetSpec(100, 2027, ">=", "maintain")
    p = assess_progress([(2026, 99.5)], bound, year=2026, baseline=None, unit="%")
    assert (p.status, p.critical) == (Status.ACHIEVED, False)


def test_maintain_is_judged_every_year_even_after_the_target_year() -> None:
    t = TargetSpec(45, 2027, ">=", "maintain")
    assert assess_progress([(2030, 47.0)], t, year=2030, baseline=None).status is (Status.ACHIEVED)


# ------------------------------------------------------------------- data and deadlines


def test_latest_value_at_or_before_the_year_is_used() -> None:
    pts = [(2021, 62.0), (2023, 79.0)]
    p = assess_progress(pts, GE80, year=2022, baseline=BASE)
    assert (p.value_year, p.value) == (2021, 62.0)
    # r_act = 2/1 = 2, R = 0.5 → off track (the 2023 value is not seen in 2022)
    assert p.status is Status.OFF_TRACK


def test_no_value_is_no_data() -> None:
    p = assess_progress([(2023, 70.0)], GE80, year=2022, baseline=BASE)
    assert p.status is Status.NO_DATA
    assert p.value is None and p.gap is None and p.ratio is None
    assert assess_progress([], GE80, year=2022, baseline=BASE).status is Status.NO_DATA


def test_target_year_passed_and_not_met_is_off_track() -> None:
    p = assess_progress([(2025, 79.0)], GE80, year=2025, baseline=BASE)
    assert p.status is Status.OFF_TRACK  # would be on track by R = 3.8/4 = 0.95
    assert p.ratio is None
    assert p.required_rate == pytest.approx(4.0)
    assert assess_progress([(2025, 81.0)], GE80, year=2026, baseline=BASE).status is (
        Status.ACHIEVED
    )
    # assessed after the target year on a value from before it
    late = assess_progress([(2024, 79.0)], GE80, year=2026, baseline=BASE)
    assert late.status is Status.OFF_TRACK
    assert "目标年2025无数据" in "".join(late.notes)


def test_target_year_now_with_older_data_uses_the_trend() -> None:
    p = assess_progress([(2024, 76.4)], GE80, year=2025, baseline=BASE)
    # r_act = 16.4/4 = 4.1 → R = 1.025 → on track; projection 76.4 + 4.1 = 80.5
    assert p.status is Status.ON_TRACK
    assert p.projection == pytest.approx(80.5)


def test_baseline_already_met_then_worse_is_off_track() -> None:
    # b = 82 ≥ 80, v = 78: r_req = (80 − 82)/5 = −0.4, r_act = (78 − 82)/2 = −2, R = 5 would
    # read "on track"; StatCan's override makes it off track.
    p = assess_progress([(2022, 78.0)], GE80, year=2022, baseline=(2020, 82.0))
    assert p.status is Status.OFF_TRACK
    assert p.ratio is None
    assert "基准值已达标" in "".join(p.notes)


def test_single_point_without_trend_is_at_risk() -> None:
    p = assess_progress([(2022, 70.0)], GE80, year=2022, baseline=None)
    assert p.status is Status.AT_RISK
    assert p.actual_rate is None and p.ratio is None and p.projection is None
    assert "趋势不可计算" in "".join(p.notes)
    # the baseline year's own value is the only point
    p = assess_progress([(2020, 70.0)], GE80, year=2022, baseline=(2020, 70.0))
    assert p.status is Status.AT_RISK


def test_zero_target_and_counts() -> None:
    # 清零: ≤ 0 劣V sections (个), 4 in 2020, 2 in 2022: r_req = −4/5 = −0.8, r_act = −1 →
    # R = 1.25 → on track; no tolerance for a count.
    t = TargetSpec(0, 2025, "<=")
    p = assess_progress([(2022, 2.0)], t, year=2022, baseline=(2020, 4.0), unit="个")
    assert p.ratio == pytest.approx(1.25)
    assert p.status is Status.ON_TRACK
    assert not satisfies(0.5, t, "个")


def test_percentage_bound_rule() -> None:
    t = TargetSpec(100, 2025, ">=")
    assert satisfies(99.0, t, "%")  # within 1 percentage point of 100 %
    assert not satisfies(98.9, t, "%")
    assert not satisfies(99.5, t, "个")  # only for percentages
    p = assess_progress([(2022, 99.2)], t, year=2022, baseline=(2020, 90.0), unit="%")
    assert p.status is Status.ACHIEVED
    assert "UN" in "".join(p.notes)
    assert satisfies(0.8, TargetSpec(0, 2025, "<="), "%")


def test_equal_comparator_tolerance() -> None:
    t = TargetSpec(50, 2025, "=")
    assert satisfies(50.4, t)  # tolerance 1 % · 50 = 0.5
    assert satisfies(49.5, t)
    assert not satisfies(50.6, t)
    # moving toward 50 from 40: r_req = 2, r_act = (46 − 40)/2 = 3 → R = 1.5 → on track
    p = assess_progress([(2022, 46.0)], t, year=2022, baseline=(2020, 40.0))
    assert p.status is Status.ON_TRACK


def test_two_targets_the_worst_wins() -> None:
    # 美丽中国先行县 3–5 个: ≥ 3 and ≤ 5; 6 counties meets ≥ 3 but not ≤ 5
    targets = [TargetSpec(3, 2027, ">="), TargetSpec(5, 2027, "<=")]
    worst, every = assess_targets([(2026, 6.0)], targets, year=2026, baseline=(2024, 2.0))
    assert [r.status for r in every] == [Status.ACHIEVED, Status.OFF_TRACK]
    assert worst.target.comparator == "<="
    assert worst.status is Status.OFF_TRACK
    worst, _ = assess_targets([(2026, 4.0)], targets, year=2026, baseline=(2024, 2.0))
    assert worst.status is Status.ACHIEVED


# ------------------------------------------------------------------- milestones and baselines


def test_next_milestone_is_chosen() -> None:
    ts = [TargetSpec(63, 2030, ">="), TargetSpec(64, 2035, ">="), TargetSpec(60, 2027, ">=")]
    assert [t.year for t in select_milestone(ts, 2026)] == [2027]
    assert [t.year for t in select_milestone(ts, 2027)] == [2027]
    assert [t.year for t in select_milestone(ts, 2028)] == [2030]
    assert [t.year for t in select_milestone(ts, 2040)] == [2035]  # all past: the last one
    assert select_milestone([], 2026) == []


def test_baseline_choice_order() -> None:
    pts = [(2020, 50.0), (2022, 55.0)]
    plan = choose_baseline((2020, 48.0), pts, 2020, year=2023)
    assert plan is not None and (plan.kind, plan.value) == ("plan", 48.0)
    data = choose_baseline(None, pts, 2020, year=2023)
    assert data is not None and (data.kind, data.year, data.value) == ("data", 2020, 50.0)
    early = choose_baseline(None, [(2022, 55.0), (2021, 52.0)], 2020, year=2023)
    assert early is not None and (early.kind, early.year) == ("earliest", 2021)
    assert choose_baseline(None, [(2024, 1.0)], 2020, year=2023) is None


# ------------------------------------------------------------------- input checks


def test_bad_input_is_refused() -> None:
    with pytest.raises(ProgressInputError, match="comparator"):
        TargetSpec(1, 2025, "≥")
    with pytest.raises(ProgressInputError, match="kind"):
        TargetSpec(1, 2025, ">=", "hold")
    with pytest.raises(ProgressInputError, match="two values"):
        assess_progress([(2021, 1.0), (2021, 2.0)], GE80, year=2022, baseline=None)
    with pytest.raises(ProgressInputError, match="finite"):
        assess_progress([(2021, float("nan"))], GE80, year=2022, baseline=None)
    with pytest.raises(ProgressInputError, match="thresholds"):
        MethodParams(on_track_ratio=0.5, at_risk_ratio=0.6)


def test_classify_ratio_thresholds_are_parameters() -> None:
    p = MethodParams(on_track_ratio=1.0, at_risk_ratio=0.5)
    assert classify_ratio(0.99, p) is Status.AT_RISK
    assert classify_ratio(1.0, p) is Status.ON_TRACK
    assert classify_ratio(0.5, p) is Status.AT_RISK
    assert classify_ratio(0.49, p) is Status.OFF_TRACK
