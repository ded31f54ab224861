"""Verification scores on hand-made cases (worked by hand) and their properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.forecast import scores as sc


def _pairs(f: list[float], o: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"forecast": f, "observed": o})


def test_continuous_scores_by_hand() -> None:
    # levels F: 45→1, 120→3, 210→5, 160→4; O: 50→1, 160→4, 250→5, 90→2
    p = _pairs([45, 120, 210, 160], [50, 160, 250, 90])
    s = sc.continuous(p)
    assert s["n"] == 4
    assert s["hit_rate"] == pytest.approx(2 / 4)  # 45/50 and 210/250
    assert s["within_one"] == pytest.approx(3 / 4)  # 160 (level 4) vs 90 (level 2) is off by 2
    assert s["mae"] == pytest.approx((5 + 40 + 40 + 70) / 4)
    assert s["bias"] == pytest.approx((-5 - 40 - 40 + 70) / 4)
    assert s["rmse"] == pytest.approx(np.sqrt((25 + 1600 + 1600 + 4900) / 4))


def test_forecast_aqi_is_rounded_up_before_its_level() -> None:
    # 50.2 is AQI 51 (rounded up, HJ 633) → level 2 良, not level 1
    assert sc.levels(np.array([50.0, 50.2, 200.0, 200.5, 300.01])).tolist() == [1, 2, 4, 5, 6]


def test_missing_values_are_counted_not_scored() -> None:
    s = sc.continuous(_pairs([100, np.nan, 120], [100, 90, np.nan]))
    assert (s["n"], s["n_missing"], s["hit_rate"]) == (1, 2, 1.0)
    empty = sc.continuous(_pairs([], []))
    assert empty["hit_rate"] is None and empty["mae"] is None


def test_contingency_by_hand() -> None:
    f = np.array([True, True, False, False, True, False])
    o = np.array([True, False, True, False, True, True])
    t = sc.contingency(f, o)
    assert (t["hits"], t["misses"], t["false_alarms"], t["correct_negatives"]) == (2, 2, 1, 1)
    assert t["pod"] == pytest.approx(0.5)
    assert t["far"] == pytest.approx(1 / 3)
    assert t["csi"] == pytest.approx(2 / 5)
    none = sc.contingency(np.zeros(3, bool), np.zeros(3, bool))
    assert none["pod"] is None and none["far"] is None and none["correct_negatives"] == 3


def test_heavy_day_threshold_is_strict() -> None:
    # 200 is not heavy pollution (level 4); 200.3 rounds up to 201 (level 5)
    t = sc.heavy_days(_pairs([200, 200.3, 201], [201, 201, 200]))
    assert (t["hits"], t["misses"], t["false_alarms"]) == (1, 1, 1)


def test_skill_and_runs() -> None:
    assert sc.skill(30.0, 40.0) == pytest.approx(0.25)
    assert sc.skill(None, 40.0) is None and sc.skill(10.0, 0.0) is None
    assert sc.runs(np.array([1, 1, 0, 1, 0, 0, 1, 1, 1], bool)) == [(0, 2), (3, 1), (6, 3)]


aqi = st.floats(0, 500, allow_nan=False)


@given(st.lists(st.tuples(aqi, aqi), min_size=1, max_size=40))
def test_score_properties(values: list[tuple[float, float]]) -> None:
    f, o = zip(*values, strict=True)
    s = sc.continuous(_pairs(list(f), list(o)))
    assert 0 <= s["hit_rate"] <= s["within_one"] <= 1
    assert s["mae"] >= abs(s["bias"]) - 1e-9
    assert s["rmse"] >= s["mae"] - 1e-9
    perfect = sc.continuous(_pairs(list(o), list(o)))
    assert perfect["hit_rate"] == 1 and perfect["mae"] == 0
    t = sc.heavy_days(_pairs(list(f), list(o)))
    assert t["hits"] + t["misses"] + t["false_alarms"] + t["correct_negatives"] == len(values)
