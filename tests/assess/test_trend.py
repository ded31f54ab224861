"""Trend status without a numeric target (ecoplan.assess.trend): worked cases and properties;
the trend rows of a whole run (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.assess.run import load_run, run_assessment, store_run
from ecoplan.assess.trend import SEVERITY_ORDER, TrendParams, TrendStatus, assess_trend, cagr
from ecoplan.store.db import Store

T = TrendStatus


def test_worked_cases_by_hand() -> None:
    # 100 → 110.25 in two years: (1.1025)^(1/2) − 1 = 5 % ≥ 1.5 % → 趋势良好
    tr = assess_trend([(2020, 100.0), (2022, 110.25)], "higher", year=2023)
    assert tr.cagr == pytest.approx(0.05) and tr.status is T.GOOD
    assert "年均+5.00%" in tr.note_zh and tr.status.name_zh == "趋势良好"
    # 100 → 102 in two years: 0.995 % → 0.5 % ≤ g < 1.5 % → 有进展但需加快
    assert assess_trend([(2020, 100), (2022, 102)], "higher", year=2022).status is T.MODERATE
    # 100 → 100.8 in two years: 0.399 % → 进展有限; 100 → 100: 0 % → 进展有限 (0 is "≥ 0")
    assert assess_trend([(2020, 100), (2022, 100.8)], "higher", year=2022).status is T.LIMITED
    assert assess_trend([(2020, 100), (2022, 100)], "higher", year=2022).status is T.LIMITED
    # PM2.5 41 → 38 in three years: (38/41)^(1/3) − 1 = −2.50 %, lower is better → +2.50 % → good
    pm = assess_trend([(2020, 41), (2023, 38)], "lower", year=2023)
    assert pm.cagr == pytest.approx((38 / 41) ** (1 / 3) - 1)
    assert pm.directed == pytest.approx(-pm.cagr) and pm.status is T.GOOD
    assert "越低越好，取反" in pm.note_zh
    # rising PM2.5 → 趋势退步
    assert assess_trend([(2020, 41), (2023, 44)], "lower", year=2023).status is T.DETERIORATION
    # the start is the given baseline, the value the latest point at or before the year
    tr = assess_trend([(2021, 90), (2022, 95), (2025, 10)], "higher", year=2023,
                      start=(2020, 80.0))  # fmt: skip
    assert (tr.start_year, tr.start, tr.year, tr.value) == (2020, 80.0, 2022, 95.0)


def test_not_computable_cases_are_labelled() -> None:
    assert assess_trend([(2020, 5)], "higher", year=2023).status is T.NOT_COMPUTABLE
    assert assess_trend([(2020, 0), (2023, 5)], "higher", year=2023).status is T.NOT_COMPUTABLE
    nc = assess_trend([(2020, 1), (2023, 5)], "reach", year=2023)
    assert nc.status is T.NOT_COMPUTABLE and "方向" in nc.note_zh
    assert assess_trend([], "higher", year=2023).status is T.NOT_COMPUTABLE
    with pytest.raises(ValueError):
        cagr(0, 1, 2)
    with pytest.raises(ValueError):
        TrendParams(high=0.001, med=0.005)


def test_thresholds_are_data() -> None:
    eurostat_like = TrendParams(high=0.01, med=0.0, low=-0.01)
    pts = [(2020, 100.0), (2022, 99.0)]  # −0.50 % a year
    assert assess_trend(pts, "higher", year=2022).status is T.DETERIORATION
    assert assess_trend(pts, "higher", year=2022, params=eurostat_like).status is T.LIMITED


pos = st.floats(0.01, 1e5, allow_nan=False, allow_infinity=False)


@settings(max_examples=300, deadline=None)
@given(pos, pos, st.floats(0.01, 1e5), st.integers(1, 15), st.sampled_from(["higher", "lower"]),
       st.floats(0.1, 100))  # fmt: skip
def test_properties(v0: float, v: float, delta: float, n: int, d: str, k: float) -> None:
    base = assess_trend([(2010, v0), (2010 + n, v)], d, year=2030)
    # scale-free: the same series in another unit gives the same verdict
    scaled = assess_trend([(2010, v0 * k), (2010 + n, v * k)], d, year=2030)
    assert scaled.status is base.status or abs(scaled.directed - base.directed) < 1e-9  # type: ignore[operator]
    # improving the latest value (up when higher is better, down when lower is) never worsens
    better = v + delta if d == "higher" else v * 0.5
    got = assess_trend([(2010, v0), (2010 + n, better)], d, year=2030)
    assert SEVERITY_ORDER[got.status] >= SEVERITY_ORDER[base.status]
    # direction-aware: swapping the direction negates the directed rate
    other = assess_trend([(2010, v0), (2010 + n, v)], "lower" if d == "higher" else "higher",
                         year=2030)  # fmt: skip
    assert other.directed == pytest.approx(-base.directed)  # type: ignore[operator]


PLAN = """
id: trend-test
title_zh: 趋势测试
title_en: Trend test
issuer_zh: 测试
region: "150000"
period_start: 2021
period_end: 2025
source_doc: t
indicators:
  - code: AREA
    name_zh: 湿地面积
    name_en: Wetland area
    unit: 公顷
    direction: higher
    baselines:
      - {region: "150000", year: 2020, value: 1000, source: {file: t, quote: 湿地1000公顷}}
  - code: ODOR
    name_zh: 异味投诉量
    name_en: Odour complaints
    unit: 件/年
    direction: lower
  - code: TGT
    name_zh: 有目标的指标
    name_en: With target
    unit: "%"
    direction: higher
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 50, source: {file: t, quote: 五十}}
"""


def test_trend_rows_of_a_run(store: Store, load_plan_values: Callable[..., None]) -> None:
    vals = [
        ("AREA", "150000", 2023, 1100.0, "公顷"),
        ("ODOR", "150100", 2020, 200.0, "件/年"),
        ("ODOR", "150100", 2023, 250.0, "件/年"),
        ("TGT", "150000", 2023, 40.0, "%"),
    ]
    load_plan_values(store, PLAN, vals)
    with store.session() as ses:
        res = run_assessment(ses, "trend-test", 2023)
        run_id = store_run(ses, res)
    by = {(t.indicator_code, t.region_code): t for t in res.trends}
    assert set(by) == {("AREA", "150000"), ("ODOR", "150100")}  # TGT has a target: not here
    # AREA from the plan baseline 1000 (2020) to 1100 (2023): 3.23 % a year → 趋势良好
    area = by[("AREA", "150000")]
    assert area.status == "good" and area.start_year == 2020
    assert area.cagr == pytest.approx(1.1 ** (1 / 3) - 1)
    assert "基准值取自规划" in area.note_zh and area.method_zh.startswith("无目标值")
    # ODOR 200 → 250, lower is better → 趋势退步
    assert by[("ODOR", "150100")].status_zh == "趋势退步"
    # trends never enter the rows, the scores or the ranking
    assert {r.indicator_code for r in res.rows} == {"TGT"}
    assert res.params["trend"] == {"high": 0.015, "med": 0.005, "low": 0.0}
    with store.session() as ses:
        back = load_run(ses, run_id)
    assert back.trends == res.trends
