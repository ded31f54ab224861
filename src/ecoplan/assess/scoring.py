"""Scores and ranking of regions (考核排名) from assessment rows (docs/assessment.md §7).

* Indicator score from its **status** (achieved 100, on track 80, at risk 50, off track 0;
  no data left out) — a step score rather than a continuous one from R, because R does not
  exist for achieved, maintain and past-deadline targets, and a step score is what a 考核
  table can show and a bureau can check by hand.
* Category score = weighted mean of its indicators' scores (约束性 binding weight 2, 预期性
  expected 1, unmarked 1).
* Overall score = weighted mean of the category scores that exist (equal weights unless
  ``assessment.yaml`` gives per-plan category weights).
* A region is ranked only when at least 60 % of its assessable indicators (those with a
  quantitative target for it, own or inherited) have data; ties share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ecoplan.assess.types import AssessmentRow, RankRow, Status

UNCATEGORISED = "uncategorised"
#: Scores are compared after rounding to this many decimals when deciding ties.
TIE_DECIMALS = 6


class ScoringError(ValueError):
    """Scoring parameters that cannot be used (missing status score, negative weight…)."""


@dataclass(frozen=True)
class ScoringParams:
    """Scoring parameters (``ecoplan/data/assessment.yaml`` → ``scoring``)."""

    status_scores: Mapping[str, float] = field(
        default_factory=lambda: {"achieved": 100, "on_track": 80, "at_risk": 50, "off_track": 0}
    )
    binding_weights: Mapping[str, float] = field(
        default_factory=lambda: {"binding": 2, "expected": 1, "unknown": 1}
    )
    category_weights: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    min_coverage: float = 0.6

    def __post_init__(self) -> None:
        need = {s.value for s in Status if s is not Status.NO_DATA}
        missing = need - set(self.status_scores)
        if missing:
            raise ScoringError(f"status_scores lacks {sorted(missing)}")
        if set(self.binding_weights) != {"binding", "expected", "unknown"}:
            raise ScoringError("binding_weights needs exactly binding, expected, unknown")
        weights = list(self.binding_weights.values())
        for per_plan in self.category_weights.values():
            weights += list(per_plan.values())
        if any(w < 0 for w in weights):
            raise ScoringError("weights must be ≥ 0")
        if not 0 <= self.min_coverage <= 1:
            raise ScoringError(f"min_coverage must be within [0, 1], got {self.min_coverage}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "status_scores": dict(self.status_scores),
            "binding_weights": dict(self.binding_weights),
            "category_weights": {k: dict(v) for k, v in self.category_weights.items()},
            "min_coverage": self.min_coverage,
        }


def indicator_score(status: Status, params: ScoringParams | None = None) -> float | None:
    """Score of one row from its status; ``None`` for no data."""
    if status is Status.NO_DATA:
        return None
    p = params or ScoringParams()
    return float(p.status_scores[status.value])


def indicator_weight(binding: str | None, params: ScoringParams | None = None) -> float:
    """Weight of an indicator within its category: binding 2, expected 1, unmarked 1."""
    p = params or ScoringParams()
    return float(p.binding_weights[binding if binding in ("binding", "expected") else "unknown"])


def _wmean(pairs: Sequence[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    if total <= 0:
        return None
    return sum(x * w for x, w in pairs) / total


def category_scores(
    rows: Sequence[AssessmentRow], params: ScoringParams | None = None
) -> dict[str, float | None]:
    """Weighted mean score per category code (``uncategorised`` for rows without one);
    ``None`` for a category whose rows all lack data."""
    p = params or ScoringParams()
    by_cat: dict[str, list[tuple[float, float]]] = {}
    for r in rows:
        cat = r.category or UNCATEGORISED
        pairs = by_cat.setdefault(cat, [])
        sc = indicator_score(r.status, p)
        if sc is not None:
            pairs.append((sc, indicator_weight(r.binding, p)))
    return {cat: _wmean(pairs) for cat, pairs in by_cat.items()}


def overall_score(
    cat_scores: Mapping[str, float | None], plan_id: str, params: ScoringParams | None = None
) -> float | None:
    """Weighted mean of the category scores that exist (weights per plan, default 1)."""
    p = params or ScoringParams()
    weights = p.category_weights.get(plan_id, {})
    pairs = [(sc, float(weights.get(cat, 1.0))) for cat, sc in cat_scores.items() if sc is not None]
    return _wmean(pairs)


def region_rank_row(
    rows: Sequence[AssessmentRow],
    region_code: str,
    region_zh: str,
    plan_id: str,
    params: ScoringParams | None = None,
) -> RankRow:
    """Score one region (rank filled in by :func:`rank_regions`)."""
    p = params or ScoringParams()
    mine = [r for r in rows if r.region_code == region_code]
    counts = {s.value: 0 for s in Status}
    for r in mine:
        counts[r.status.value] += 1
    n_assessable = len(mine)
    n_assessed = n_assessable - counts[Status.NO_DATA.value]
    coverage = n_assessed / n_assessable if n_assessable else None
    cats = category_scores(mine, p)
    score = overall_score(cats, plan_id, p)
    note = ""
    if n_assessable == 0:
        note = "无可评估指标（无定量目标）"
    elif coverage is not None and round(coverage, TIE_DECIMALS) < p.min_coverage:
        note = (
            f"有数据的指标 {n_assessed}/{n_assessable}（{coverage:.0%}）"
            f"不足{p.min_coverage:.0%}，不参与排名"
        )
    return RankRow(
        region_code=region_code,
        region_zh=region_zh,
        score=score,
        rank=None,
        category_scores=cats,
        counts=counts,
        n_assessed=n_assessed,
        n_assessable=n_assessable,
        coverage=coverage,
        note_zh=note,
    )


def rank_regions(
    rows: Sequence[AssessmentRow],
    regions: Sequence[tuple[str, str]],
    plan_id: str,
    params: ScoringParams | None = None,
) -> list[RankRow]:
    """Score and rank *regions* (``(code, 中文名)`` pairs) by overall score, highest first.

    Regions below the coverage threshold (or without any score) get ``rank = None`` and the
    reason in ``note_zh``; they follow the ranked ones, by code.  Equal scores (to 6 decimals)
    share a rank and the next rank skips (standard competition ranking, 1 2 2 4).
    """
    p = params or ScoringParams()
    scored = [region_rank_row(rows, code, name, plan_id, p) for code, name in regions]
    eligible = [r for r in scored if not r.note_zh and r.score is not None]
    others = [r for r in scored if r not in eligible]
    eligible.sort(key=lambda r: (-round(r.score or 0.0, TIE_DECIMALS), r.region_code))
    out: list[RankRow] = []
    prev: float | None = None
    rank = 0
    for i, r in enumerate(eligible, start=1):
        key = round(r.score or 0.0, TIE_DECIMALS)
        if key != prev:
            rank, prev = i, key
        out.append(_with_rank(r, rank))
    for r in sorted(others, key=lambda r: r.region_code):
        if not r.note_zh:
            r = _with_note(r, "无任何有数据的指标，不参与排名")
        out.append(r)
    return out


def _with_rank(r: RankRow, rank: int) -> RankRow:
    return replace(r, rank=rank)


def _with_note(r: RankRow, note: str) -> RankRow:
    return replace(r, note_zh=note)
