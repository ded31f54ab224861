"""Scores and ranking (docs/assessment.md §7), worked by hand on three regions."""

from __future__ import annotations

import pytest

from ecoplan.assess.scoring import (
    ScoringError,
    ScoringParams,
    category_scores,
    indicator_score,
    overall_score,
    rank_regions,
)
from ecoplan.assess.types import AssessmentRow, Status

A, W = "air", "water"


def row(region: str, code: str, cat: str | None, binding: str | None, status: Status):
    return AssessmentRow(
        plan_id="p", indicator_code=code, name_zh=code, name_en=code, category=cat,
        category_zh=None, binding=binding, unit="%", direction="higher", region_code=region,
        region_zh=region, year=2023, value=None, value_year=None, value_source=None,
        baseline=None, baseline_year=None, target=None, target_year=None, comparator=None,
        target_kind=None, status=status, actual_rate=None, required_rate=None, ratio=None,
        projection=None, gap=None,
    )  # fmt: skip


S = Status
# five indicators: a1 (air, binding), a2 (air, expected), w1 (water, binding),
# w2 (water, unmarked), w3 (water, expected)
ROWS = [
    # R1: air = (100·2 + 50·1)/3 = 83.333; water = (80·2 + 0·1 + 100·1)/4 = 65 → 74.1667
    row("R1", "a1", A, "binding", S.ACHIEVED),
    row("R1", "a2", A, "expected", S.AT_RISK),
    row("R1", "w1", W, "binding", S.ON_TRACK),
    row("R1", "w2", W, None, S.OFF_TRACK),
    row("R1", "w3", W, "expected", S.ACHIEVED),
    # R2: air = (80·2 + 80·1)/3 = 80; water = (50·2 + 100 + 100)/4 = 75 → 77.5
    row("R2", "a1", A, "binding", S.ON_TRACK),
    row("R2", "a2", A, "expected", S.ON_TRACK),
    row("R2", "w1", W, "binding", S.AT_RISK),
    row("R2", "w2", W, None, S.ACHIEVED),
    row("R2", "w3", W, "expected", S.ACHIEVED),
    # R3: 2 of 5 with data = 40 % < 60 % → not ranked; air = 100, water = 0 → 50
    row("R3", "a1", A, "binding", S.ACHIEVED),
    row("R3", "a2", A, "expected", S.NO_DATA),
    row("R3", "w1", W, "binding", S.NO_DATA),
    row("R3", "w2", W, None, S.NO_DATA),
    row("R3", "w3", W, "expected", S.OFF_TRACK),
]
REGIONS = [("R1", "甲"), ("R2", "乙"), ("R3", "丙")]


def test_indicator_scores_by_status() -> None:
    assert [indicator_score(s) for s in Status] == [100, 80, 50, 0, None]


def test_category_and_overall_scores_by_hand() -> None:
    r1 = [r for r in ROWS if r.region_code == "R1"]
    cats = category_scores(r1)
    assert cats[A] == pytest.approx(250 / 3)
    assert cats[W] == pytest.approx(65.0)
    assert overall_score(cats, "p") == pytest.approx((250 / 3 + 65) / 2)
    # category weights from the config: air 3, water 1 → (83.333·3 + 65)/4 = 78.75
    p = ScoringParams(category_weights={"p": {A: 3}})
    assert overall_score(cats, "p", p) == pytest.approx((250 + 65) / 4)
    assert overall_score(cats, "other-plan", p) == pytest.approx((250 / 3 + 65) / 2)


def test_ranking_by_hand() -> None:
    ranking = rank_regions(ROWS, REGIONS, "p")
    by = {r.region_code: r for r in ranking}
    assert by["R2"].score == pytest.approx(77.5)
    assert by["R1"].score == pytest.approx((250 / 3 + 65) / 2)  # 74.1667
    assert (by["R2"].rank, by["R1"].rank) == (1, 2)
    assert [r.region_code for r in ranking] == ["R2", "R1", "R3"]
    r3 = by["R3"]
    assert r3.rank is None
    assert r3.score == pytest.approx(50.0)  # scored, but not ranked
    assert (r3.n_assessed, r3.n_assessable) == (2, 5)
    assert r3.coverage == pytest.approx(0.4)
    assert "不足60%" in r3.note_zh
    assert r3.counts == {"achieved": 1, "on_track": 0, "at_risk": 0, "off_track": 1,
                         "no_data": 3}  # fmt: skip


def test_coverage_exactly_at_the_threshold_is_ranked() -> None:
    rows = [r for r in ROWS if r.region_code == "R3"]
    rows[1] = row("R3", "a2", A, "expected", S.AT_RISK)  # now 3/5 = 60 %
    (r3,) = rank_regions(rows, [("R3", "丙")], "p")
    assert r3.rank == 1
    assert r3.coverage == pytest.approx(0.6)


def test_ties_share_a_rank() -> None:
    rows = [
        row("X", "a1", A, "binding", S.ON_TRACK),
        row("Y", "a1", A, "binding", S.ON_TRACK),
        row("Z", "a1", A, "binding", S.ACHIEVED),
        row("V", "a1", A, "binding", S.OFF_TRACK),
    ]
    ranking = rank_regions(rows, [("X", "x"), ("Y", "y"), ("Z", "z"), ("V", "v")], "p")
    assert [(r.region_code, r.rank) for r in ranking] == [("Z", 1), ("X", 2), ("Y", 2), ("V", 4)]


def test_region_without_targets_is_not_ranked() -> None:
    (r,) = rank_regions(ROWS, [("R9", "无")], "p")
    assert r.rank is None and r.score is None and r.n_assessable == 0
    assert r.note_zh


def test_bad_parameters_are_refused() -> None:
    with pytest.raises(ScoringError, match="status_scores"):
        ScoringParams(status_scores={"achieved": 100})
    with pytest.raises(ScoringError, match="min_coverage"):
        ScoringParams(min_coverage=1.5)
    with pytest.raises(ScoringError, match="≥ 0"):
        ScoringParams(category_weights={"p": {A: -1}})
