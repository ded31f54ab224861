"""Source documents behind the embedded plans, and the check that quotes are verbatim."""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path

from ecoplan.model.planfile import PlanFile

_WS = re.compile(r"\s+")


def seeds_dir() -> Path:
    """Seed documents: ``$ECOPLAN_SEEDS``, else ``../shared/seeds`` beside the repository."""
    env = os.environ.get("ECOPLAN_SEEDS")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent.parent / "shared" / "seeds"
        if cand.is_dir():
            return cand
    return here.parents[3].parent / "shared" / "seeds"


def normalise(text: str) -> str:
    """Drop all white space: quotes are matched whitespace-insensitively."""
    return _WS.sub("", text)


@cache
def _document(path: Path) -> str:
    return normalise(path.read_text(encoding="utf-8"))


def plan_quotes(plan: PlanFile) -> list[tuple[str, str, str]]:
    """Every ``(location, file, quote)`` in a plan."""
    out: list[tuple[str, str, str]] = []
    for ind in plan.indicators:
        if ind.source:
            out.append((f"{ind.code}.source", ind.source.file, ind.source.quote))
        for b in ind.baselines:
            out.append((f"{ind.code}.baseline[{b.region},{b.year}]", b.source.file, b.source.quote))
        for t in ind.targets:
            out.append((f"{ind.code}.target[{t.region},{t.year}]", t.source.file, t.source.quote))
        for q in ind.qualitative_targets:
            out.append(
                (f"{ind.code}.qualitative[{q.region},{q.year}]", q.source.file, q.source.quote)
            )
    for task in plan.tasks:
        if task.source:
            out.append((f"task {task.code}", task.source.file, task.source.quote))
    return out


def find_missing_quotes(plan: PlanFile, seeds: Path) -> list[tuple[str, str, str]]:
    """Quotes of *plan* that are not verbatim (white space aside) in their source document."""
    missing = []
    for where, file, quote in plan_quotes(plan):
        path = seeds / file
        if not path.is_file():
            missing.append((where, file, f"(no such source document) {quote}"))
            continue
        if normalise(quote) not in _document(path):
            missing.append((where, file, quote))
    return missing
