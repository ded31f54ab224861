"""HJ 663 evaluation: percentile, composite index, good-day ratio, annual statistics, 扣沙."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from ecoplan.standards.airqual import (
    COMPOSITE_WEIGHTS_2026_UNCONFIRMED,
    AnnualStatistics,
    DustRule,
    annual_statistics,
    annual_statistics_both,
    composite_index,
    percentile,
    period_statistics,
    round_gbt8170,
    version_on,
)
from ecoplan.standards.limits import Edition, Stage
from ecoplan.standards.validity import AirDataError

# --------------------------------------------------------------------------------------------
# percentile (HJ 663 Appendix A, standards.md §3.2)
# --------------------------------------------------------------------------------------------


def test_percentile_hand_cases() -> None:
    # 1..10, p = 0.9: k = 1 + 9·0.9 = 9.1, s = 9 → X(9) + (X(10) − X(9))·0.1 = 9 + 0.1 = 9.1
    assert percentile(np.arange(1, 11), 0.9) == pytest.approx(9.1)
    # [3, 1, 2] sorted 1, 2, 3; p = 0.5: k = 1 + 2·0.5 = 2 → X(2) = 2
    assert percentile([3, 1, 2], 0.5) == 2.0
    # [10, 20], p = 0.95: k = 1 + 1·0.95 = 1.95 → 10 + 10·0.95 = 19.5
    assert percentile([20, 10], 0.95) == pytest.approx(19.5)
    # NaN dropped: [5, NaN, 1] → [1, 5]; p = 0.5: k = 1.5 → 1 + 4·0.5 = 3
    assert percentile([5, np.nan, 1], 0.5) == 3.0
    # p = 0 → min, p = 1 → max (k = n, X(s+1) not needed)
    assert percentile([4, 8, 6], 0.0) == 4.0
    assert percentile([4, 8, 6], 1.0) == 8.0
    # one value
    assert percentile([7.5], 0.98) == 7.5
    # nothing valid → NaN
    assert np.isnan(percentile([np.nan, np.nan], 0.9))
    assert np.isnan(percentile([], 0.9))


def test_percentile_co_p95_on_20_days() -> None:
    # CO daily means 0.1, 0.2, …, 2.0 (n = 20): k = 1 + 19·0.95 = 19.05, s = 19
    # m = X(19) + (X(20) − X(19))·0.05 = 1.9 + 0.1·0.05 = 1.905
    co = np.round(np.arange(1, 21) * 0.1, 1)
    assert percentile(co, 0.95) == pytest.approx(1.905)


def test_percentile_rejects_percent_and_inf() -> None:
    with pytest.raises(ValueError, match=r"pass 0\.9"):
        percentile([1, 2, 3], 90)
    with pytest.raises(ValueError, match="fraction"):
        percentile([1, 2, 3], -0.1)
    with pytest.raises(ValueError, match="infinity"):
        percentile([1, np.inf], 0.5)


# --------------------------------------------------------------------------------------------
# rounding (GB/T 8170 四舍六入五成双)
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("x", "nd", "expected"),
    [
        (2.5, 0, 2.0),  # 5 after an even digit: drop
        (3.5, 0, 4.0),  # 5 after an odd digit: carry
        (35.4, 0, 35.0),
        (35.6, 0, 36.0),
        (0.25, 1, 0.2),
        (0.35, 1, 0.4),
        (2.675, 2, 2.68),  # decimal reading of the printed value, not binary 2.67499…
        (94.50549450549451, 1, 94.5),  # 86 / 91 × 100
        (3.057142857142857, 2, 3.06),
        (-1.5, 0, -2.0),
    ],
)
def test_round_gbt8170(x: float, nd: int, expected: float) -> None:
    assert round_gbt8170(x, nd) == expected


def test_round_gbt8170_passes_nan() -> None:
    assert np.isnan(round_gbt8170(float("nan"), 1))


# --------------------------------------------------------------------------------------------
# composite index (standards.md §3.5)
# --------------------------------------------------------------------------------------------

S12 = {"PM2.5": 21.0, "PM10": 39.0, "SO2": 9.0, "NO2": 15.0, "O3": 192.0, "CO": 0.7}


def test_composite_index_s12_worked_example() -> None:
    # 21/35 + 39/70 + 9/60 + 15/40 + 192/160 + 0.7/4
    # = 0.6 + 0.557142… + 0.15 + 0.375 + 1.2 + 0.175 = 3.057142… → 3.06
    ci = composite_index(S12)
    assert ci.value == pytest.approx(3.0571428571)
    assert ci.rounded == 3.06
    assert ci.components["PM2.5"] == pytest.approx(0.6)
    assert ci.components["O3"] == pytest.approx(1.2)
    assert ci.components_rounded["PM10"] == 0.56


def test_composite_index_naiman_q1_from_rounded_concentrations() -> None:
    # 奈曼旗 2024 Q1 table: SO2 9, NO2 14, PM10 77, CO 1.1, O3_8h 96, PM2.5 23.
    # 9/60 + 14/40 + 77/70 + 1.1/4 + 96/160 + 23/35
    # = 0.15 + 0.35 + 1.1 + 0.275 + 0.6 + 0.657142… = 3.132142… → 3.13
    # (the bulletin prints 3.14, presumably from unrounded concentrations; see docs §6)
    ci = composite_index({"SO2": 9, "NO2": 14, "PM10": 77, "CO": 1.1, "O3": 96, "PM2.5": 23})
    assert ci.rounded == 3.13


def test_composite_index_weighted_variant() -> None:
    # UNCONFIRMED 2026 weights: 3·21/35 + 39/70 + 9/60 + 2·15/40 + 2·192/160 + 0.7/4
    # = 1.8 + 0.557142… + 0.15 + 0.75 + 2.4 + 0.175 = 5.832142… → 5.83
    ci = composite_index(S12, weights=COMPOSITE_WEIGHTS_2026_UNCONFIRMED)
    assert ci.rounded == 5.83


def test_composite_index_errors() -> None:
    with pytest.raises(ValueError, match="missing"):
        composite_index({"PM2.5": 21.0})
    with pytest.raises(ValueError, match="finite"):
        composite_index({**S12, "SO2": float("nan")})


# --------------------------------------------------------------------------------------------
# daily tables
# --------------------------------------------------------------------------------------------


def year_daily(year: int = 2025) -> pd.DataFrame:
    """A hand-built year whose statistics equal S12's example.

    n = 365.  O3: 300 days at 100 and 65 at 192 → sorted X(301..365) = 192;
    k = 1 + 364·0.9 = 328.6 → X(328) = X(329) = 192 → p90 = 192.
    CO: 340 days at 0.5 and 25 at 0.7 → X(341..365) = 0.7; k = 1 + 364·0.95 = 346.8 →
    X(346) = X(347) = 0.7 → p95 = 0.7.  Other pollutants constant.
    AQI: 300 days 60 (良), 65 days 120 (轻度) → good 300/365.
    """
    d = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    n = len(d)
    o3 = np.full(n, 100.0)
    o3[np.arange(65) * 5 + 2] = 192.0  # 65 days spread over the year
    co = np.full(n, 0.5)
    co[np.arange(25) * 14 + 3] = 0.7  # 25 days
    aqi = np.where(o3 > 160, 120.0, 60.0)
    return pd.DataFrame(
        {
            "date": d,
            "SO2": 9.0,
            "NO2": 15.0,
            "PM10": 39.0,
            "PM2.5": 21.0,
            "CO": co,
            "O3_8h": o3,
            "aqi": aqi,
        }
    )


def test_year_daily_fixture_counts() -> None:
    t = year_daily()
    assert (t["O3_8h"] == 192).sum() == 65
    assert (t["CO"] == 0.7).sum() == 25


def test_annual_statistics_2012_worked_year() -> None:
    r = annual_statistics(year_daily())
    assert r.version == "2012"
    assert r.edition is Edition.GB3095_2012
    assert r.annual
    assert r.valid is True
    pm25 = r.pollutants["PM2.5"]
    assert pm25.statistic("mean").value == pytest.approx(21.0)
    assert pm25.statistic("mean").limit == 35
    assert pm25.compliant is True
    assert pm25.n_days == 365
    assert pm25.completeness == 100.0
    assert pm25.month_days[1] == 28
    co = r.pollutants["CO"].statistic("percentile", 0.95)
    assert co.value == pytest.approx(0.7)
    assert co.rounded == 0.7
    assert co.label_zh == "CO24小时平均第95百分位数"
    o3 = r.pollutants["O3"].statistic("percentile", 0.90)
    assert o3.value == 192.0
    assert o3.limit == 160
    assert o3.compliant is False  # 192 > 160
    assert r.pollutants["O3"].compliant is False
    assert r.attained is False  # one of six fails
    # 2012 default: no daily percentiles for SO2/NO2/PM
    assert [s.kind for s in r.pollutants["SO2"].statistics] == ["mean"]
    # composite index = S12's example
    assert r.composite is not None
    assert r.composite.rounded == 3.06
    # days: 300 good of 365 → 82.19… → 82.2 %
    assert r.days.valid_days == 365
    assert r.days.good_days == 300
    assert r.days.fine_days == 300
    assert r.days.light_days == 65
    assert r.days.good_ratio_rounded == 82.2
    assert r.days.heavy_days == 0


def test_annual_statistics_2012_with_daily_percentiles_flag() -> None:
    r = annual_statistics(year_daily(), daily_percentiles=True)
    s = r.pollutants["SO2"].statistic("percentile", 0.98)
    assert s.value == 9.0
    assert s.limit == 150  # GB 3095-2012 SO2 24 h level 2
    assert r.pollutants["PM2.5"].statistic("percentile", 0.95).limit == 75


def test_annual_statistics_2026_transition_and_final() -> None:
    r = annual_statistics(year_daily(2027))
    assert (r.version, r.edition, r.stage) == ("2026", Edition.GB3095_2026, Stage.TRANSITION)
    pm25 = r.pollutants["PM2.5"]
    assert [s.kind for s in pm25.statistics] == ["mean", "percentile"]
    assert pm25.statistic("mean").limit == 30
    assert pm25.statistic("percentile", 0.95).limit == 60
    assert pm25.statistic("percentile", 0.95).label_zh == "PM2.5日平均第95百分位数"
    assert r.pollutants["NO2"].statistic("percentile", 0.98).limit == 80
    assert r.pollutants["PM10"].statistic("mean").limit == 60
    # composite index keeps the 2012 denominators by default
    assert r.composite is not None and r.composite.rounded == 3.06
    # final stage from 2031: PM2.5 annual 25 → 21 still complies; NO2 annual 30
    f = annual_statistics(year_daily(2031))
    assert f.stage is Stage.FINAL
    assert f.pollutants["PM2.5"].statistic("mean").limit == 25
    assert f.pollutants["NO2"].statistic("percentile", 0.98).limit == 50


def test_composite_denominators_of_the_edition() -> None:
    # 2027 transition level-2: PM2.5 30, PM10 60, SO2 60, NO2 40, CO 4, O3 160
    # 21/30 + 39/60 + 9/60 + 15/40 + 192/160 + 0.7/4 = 0.7 + 0.65 + 0.15 + 0.375 + 1.2 + 0.175
    # = 3.25
    r = annual_statistics(year_daily(2027), composite_denominators="edition")
    assert r.composite is not None
    assert r.composite.rounded == 3.25
    w = annual_statistics(year_daily(2027), composite_weights="2026_unconfirmed")
    assert w.composite is not None and w.composite.rounded == 5.83


def test_year_2026_is_evaluated_under_the_2026_rules_by_default() -> None:
    assert version_on("2026-02-28") == "2012"
    assert version_on("2026-03-01") == "2026"
    r = annual_statistics(year_daily(2026))
    assert r.version == "2026"
    old = annual_statistics(year_daily(2026), "2012")
    assert old.edition is Edition.GB3095_2012
    assert old.pollutants["PM2.5"].statistic("mean").limit == 35


def test_compliance_judged_on_rounded_value() -> None:
    t = year_daily()
    t["PM2.5"] = 35.4  # rounds to 35 ≤ 35 → complies; unrounded 35.4 > 35
    r = annual_statistics(t)
    assert r.pollutants["PM2.5"].statistic("mean").rounded == 35
    assert r.pollutants["PM2.5"].compliant is True
    assert annual_statistics(t, compare_rounded=False).pollutants["PM2.5"].compliant is False
    t["PM2.5"] = 35.5  # GB/T 8170: 35.5 → 36 > 35
    assert annual_statistics(t).pollutants["PM2.5"].compliant is False


def test_attained_when_all_six_comply() -> None:
    t = year_daily()
    t["O3_8h"] = 100.0
    r = annual_statistics(t)
    assert all(e.compliant for e in r.pollutants.values())
    assert r.attained is True


def test_invalid_year_leaves_compliance_undecided() -> None:
    t = year_daily()
    t["O3_8h"] = 100.0
    # PM2.5: March keeps 26 days (< 27) → annual statistic invalid (GB 3095 Table 4)
    t.loc[(t["date"].dt.month == 3) & (t["date"].dt.day <= 5), "PM2.5"] = np.nan
    r = annual_statistics(t)
    pm25 = r.pollutants["PM2.5"]
    assert pm25.valid is False
    assert pm25.month_days[2] == 26
    assert pm25.statistic("mean").value == pytest.approx(21.0)  # still computed
    assert pm25.compliant is None
    assert r.attained is None
    assert r.valid is False
    assert annual_statistics(t, require_valid=False).attained is True


def test_missing_pollutant_column() -> None:
    t = year_daily().drop(columns=["CO"])
    r = annual_statistics(t)
    assert r.pollutants["CO"].n_days == 0
    assert np.isnan(r.pollutants["CO"].statistics[0].value)
    assert r.pollutants["CO"].compliant is None
    assert r.composite is None  # needs all six


# --------------------------------------------------------------------------------------------
# day counts
# --------------------------------------------------------------------------------------------


def naiman_q1() -> pd.DataFrame:
    """2024 Q1 (91 days): 51 优, 35 良, 2 轻度, 0 中度, 3 重度 (奈曼旗 bulletin)."""
    d = pd.date_range("2024-01-01", "2024-03-31", freq="D")
    aqi = [40.0] * 51 + [80.0] * 35 + [130.0] * 2 + [250.0] * 3
    return pd.DataFrame(
        {
            "date": d,
            "SO2": 9.0,
            "NO2": 14.0,
            "PM10": 77.0,
            "PM2.5": 23.0,
            "CO": 1.1,
            "O3_8h": 96.0,
            "aqi": aqi,
        }
    )


def test_good_day_ratio_naiman_example() -> None:
    # 有效监测天数 91, 优良 86 → 86/91 = 94.505… → 94.5 %; 污染率 5/91 = 5.49… → 5.5 %
    r = period_statistics(naiman_q1())
    assert not r.annual
    assert r.valid is None
    assert r.days.valid_days == 91
    assert (r.days.excellent_days, r.days.fine_days) == (51, 35)
    assert r.days.good_days == 86
    assert r.days.good_ratio == pytest.approx(86 / 91 * 100)
    assert r.days.good_ratio_rounded == 94.5
    assert r.days.polluted_ratio_rounded == 5.5
    assert r.days.heavy_days == 3
    assert r.composite is not None and r.composite.rounded == 3.13


def test_heavy_and_severe_days_and_invalid_aqi() -> None:
    # AQI 201, 250, 300 → 重度; 301, 500 → 严重; NaN → not a valid day
    d = pd.date_range("2025-01-01", periods=7, freq="D")
    t = pd.DataFrame({"date": d, "PM2.5": 100.0, "aqi": [100.0, 201, 250, 300, 301, 500, np.nan]})
    r = period_statistics(t)
    assert r.days.valid_days == 6
    assert r.days.good_days == 1  # AQI 100 is still 良
    assert r.days.heavy_only_days == 3
    assert r.days.severe_days == 2
    assert r.days.heavy_days == 5  # 重污染 = AQI > 200
    assert r.days.good_ratio_rounded == round(100 / 6, 1)  # 16.666… → 16.7


# --------------------------------------------------------------------------------------------
# sand-dust deduction (扣沙)
# --------------------------------------------------------------------------------------------


def dusty() -> pd.DataFrame:
    """10 days; day 9 dust with AQI 300 (PM10 400), day 10 dust but good (AQI 75, PM10 100)."""
    d = pd.date_range("2025-04-01", periods=10, freq="D")
    return pd.DataFrame(
        {
            "date": d,
            "SO2": [10.0] * 8 + [20.0, 30.0],
            "PM10": [50.0] * 8 + [400.0, 100.0],
            "PM2.5": [20.0] * 8 + [60.0, 30.0],
            "aqi": [40.0] * 8 + [300.0, 75.0],
            "dust": [False] * 8 + [True, True],
        }
    )


def test_dust_raw() -> None:
    # PM10 mean (8·50 + 400 + 100)/10 = 900/10 = 90; good days 9/10 = 90 %
    r = period_statistics(dusty())
    assert r.pollutants["PM10"].statistic("mean").value == 90.0
    assert r.days.good_ratio_rounded == 90.0
    assert r.days.heavy_days == 1


def test_dust_rule_pm_and_day() -> None:
    # PM10/PM2.5 of days 9-10 dropped: PM10 mean 50, PM2.5 20.  SO2 keeps all 10 days:
    # (8·10 + 20 + 30)/10 = 13.  Both dust days leave the day counts: 8 valid, 8 good → 100 %.
    r = period_statistics(dusty(), deduct_dust=True)
    assert r.dust_rule is DustRule.PM_AND_DAY
    assert r.pollutants["PM10"].statistic("mean").value == 50.0
    assert r.pollutants["PM10"].n_deducted == 2
    assert r.pollutants["PM10"].n_days_raw == 10
    assert r.pollutants["PM2.5"].statistic("mean").value == 20.0
    assert r.pollutants["SO2"].statistic("mean").value == 13.0
    assert r.pollutants["SO2"].n_deducted == 0
    assert (r.days.valid_days, r.days.good_days, r.days.deducted_days) == (8, 8, 2)
    assert r.days.good_ratio_rounded == 100.0
    assert r.days.heavy_days == 0


def test_dust_rule_exceedance_day_only() -> None:
    # Day 9 (AQI 300) leaves the day counts, day 10 (AQI 75) stays and counts as good:
    # 9 valid, 9 good → 100 %.  PM statistics as in PM_AND_DAY.
    r = period_statistics(dusty(), deduct_dust=True, dust_rule="pm_and_exceedance_day")
    assert (r.days.valid_days, r.days.good_days, r.days.deducted_days) == (9, 9, 1)
    assert r.pollutants["PM10"].statistic("mean").value == 50.0


def test_dust_rule_whole_day() -> None:
    # Everything of days 9-10 is dropped: SO2 mean 10 over 8 days.
    r = period_statistics(dusty(), deduct_dust=True, dust_rule=DustRule.WHOLE_DAY)
    assert r.pollutants["SO2"].statistic("mean").value == 10.0
    assert r.pollutants["SO2"].n_days == 8


def test_annual_statistics_both() -> None:
    t = year_daily()
    # dust on 1-10 April, PM10 doubled on those days, AQI 160 (中度)
    april = (t["date"].dt.month == 4) & (t["date"].dt.day <= 10)
    t["dust"] = april
    t.loc[april, "PM10"] = 78.0
    t.loc[april, "aqi"] = 160.0
    both = annual_statistics_both(t)
    raw, ded = both["raw"], both["dust_deducted"]
    # raw PM10: (355·39 + 10·78)/365 = (13845 + 780)/365 = 14625/365 = 40.068…
    assert raw.pollutants["PM10"].statistic("mean").value == pytest.approx(14625 / 365)
    assert ded.pollutants["PM10"].statistic("mean").value == pytest.approx(39.0)
    assert not raw.dust_deducted and ded.dust_deducted
    # validity is judged on raw counts: April keeps 30 raw PM10 days, so still valid
    assert ded.pollutants["PM10"].valid is True
    assert ded.pollutants["PM10"].n_days == 355
    assert raw.days.valid_days == 365
    assert ded.days.valid_days == 355
    with pytest.raises(TypeError):
        annual_statistics_both(t, deduct_dust=True)


def test_dust_deduction_needs_a_dust_column() -> None:
    with pytest.raises(AirDataError, match="dust"):
        annual_statistics(year_daily(), deduct_dust=True)


# --------------------------------------------------------------------------------------------
# input errors and result types
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.drop(columns="aqi"), "'aqi'"),
        (lambda t: t.drop(columns="date"), "'date'"),
        (lambda t: pd.concat([t, t.iloc[:1]]), "repeated date"),
        (lambda t: t.assign(station=["A", "B"] * 182 + ["A"]), "2 stations"),
        (lambda t: t.assign(SO2=-1.0), "negative"),
        (lambda t: t.assign(dust=np.nan), "dust"),
        (lambda t: t.drop(columns=["SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h"]), "none of"),
    ],
)
def test_bad_daily_input(mutate: object, message: str) -> None:
    with pytest.raises(AirDataError, match=message):
        annual_statistics(mutate(year_daily()))  # type: ignore[operator]


def test_several_years_need_year() -> None:
    t = pd.concat([year_daily(2024), year_daily(2025)], ignore_index=True)
    with pytest.raises(AirDataError, match="spans years"):
        annual_statistics(t)
    r = annual_statistics(t, year=2024)
    assert r.year == 2024
    assert r.pollutants["SO2"].n_days == 366


def test_bad_options() -> None:
    t = year_daily()
    with pytest.raises(ValueError, match="version"):
        annual_statistics(t, "2013")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="level"):
        annual_statistics(t, level=3)
    with pytest.raises(ValueError, match="dust_rule"):
        annual_statistics(t, dust_rule="some")
    with pytest.raises(ValueError, match="composite_weights"):
        annual_statistics(t, composite_weights="x")  # type: ignore[arg-type]


def test_result_is_frozen_and_serialisable() -> None:
    r = annual_statistics(year_daily())
    assert isinstance(r, AnnualStatistics)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.attained = True  # type: ignore[misc]
    d = r.to_dict()
    text = json.dumps(d, ensure_ascii=False)  # JSON-ready: no NaN, dates as strings
    assert '"period_start": "2025-01-01"' in text
    assert d["composite"]["rounded"] == 3.06
    assert d["pollutants"]["O3"]["statistics"][0]["compliant"] is False
    assert d["days"]["good_ratio_rounded"] == 82.2
    missing = annual_statistics(year_daily().drop(columns=["CO"])).to_dict()
    assert missing["pollutants"]["CO"]["statistics"][0]["value"] is None
