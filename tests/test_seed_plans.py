"""The embedded plans: valid, every quote verbatim in its seed document, key figures present.

The seed documents are read from ``../shared/seeds`` (or ``$ECOPLAN_SEEDS``); they are part of
the repository's environment in CI, so their absence is a failure, not a skip.
"""

from __future__ import annotations

import pytest

from ecoplan.model.planfile import PlanFile, read_plan
from ecoplan.model.regions import regions_by_code
from ecoplan.model.sources import find_missing_quotes, seeds_dir
from ecoplan.store.plans import embedded_plan_files

PLAN_IDS = {"im-14fyp-eco", "hohhot-14fyp-eco", "im-2020-workplan", "im-beautiful-2035"}


@pytest.fixture(scope="module")
def plans() -> dict[str, PlanFile]:
    return {p.id: p for p in (read_plan(f) for f in embedded_plan_files())}


def test_the_four_seed_plans_ship(plans: dict[str, PlanFile]) -> None:
    assert set(plans) == PLAN_IDS


def test_seed_documents_are_reachable() -> None:
    d = seeds_dir()
    assert (d / "002_b2fe04079fb47e5c.txt").is_file(), f"seed documents not found in {d}"


@pytest.mark.parametrize("plan_id", sorted(PLAN_IDS))
def test_every_quote_is_verbatim_in_its_source(plans: dict[str, PlanFile], plan_id: str) -> None:
    plan = plans[plan_id]
    assert find_missing_quotes(plan, seeds_dir()) == []
    for ind in plan.indicators:
        for item in [*ind.baselines, *ind.targets, *ind.qualitative_targets]:
            assert item.source.file in plan.source_doc, (ind.code, item.source.file)


@pytest.mark.parametrize("plan_id", sorted(PLAN_IDS))
def test_regions_are_known(plans: dict[str, PlanFile], plan_id: str) -> None:
    known = regions_by_code()
    plan = plans[plan_id]
    codes = {plan.region}
    for ind in plan.indicators:
        codes |= {x.region for x in [*ind.baselines, *ind.targets, *ind.qualitative_targets]}
    assert codes <= set(known)


def _values(plan: PlanFile, keyword: str, what: str) -> set[tuple[str, int, float]]:
    out: set[tuple[str, int, float]] = set()
    for ind in plan.indicators:
        if keyword in ind.name_zh:
            for x in getattr(ind, what):
                out.add((x.region, x.year, x.value))
    return out


@pytest.mark.parametrize(
    ("plan_id", "keyword", "what", "expected"),
    [
        # 002: 2020 baselines of Hohhot quoted in the issue
        ("hohhot-14fyp-eco", "优良天数", "baselines", ("150100", 2020, 294)),
        ("hohhot-14fyp-eco", "优良天数比", "baselines", ("150100", 2020, 80.3)),
        ("hohhot-14fyp-eco", "PM2.5", "baselines", ("150100", 2020, 41)),
        ("hohhot-14fyp-eco", "森林覆盖率", "baselines", ("150100", 2020, 23)),
        # 000: coal share of energy consumption below 75 % by 2025
        ("im-14fyp-eco", "煤炭", "targets", ("150000", 2025, 75)),
        # 004: 2027 PM2.5 25 µg/m³, forest coverage 21.98 %, 2030/2035 水土保持率 63 %/64 %
        ("im-beautiful-2035", "PM2.5", "targets", ("150000", 2027, 25)),
        ("im-beautiful-2035", "森林覆盖率", "targets", ("150000", 2027, 21.98)),
        ("im-beautiful-2035", "水土保持率", "targets", ("150000", 2030, 63)),
        ("im-beautiful-2035", "水土保持率", "targets", ("150000", 2035, 64)),
    ],
)
def test_key_figures_of_the_seeds(
    plans: dict[str, PlanFile], plan_id: str, keyword: str, what: str, expected: tuple
) -> None:
    assert expected in _values(plans[plan_id], keyword, what)


def test_im14_plan_states_its_indicator_system(plans: dict[str, PlanFile]) -> None:
    plan = plans["im-14fyp-eco"]
    assert plan.notes_zh and "21" in plan.notes_zh and "12" in plan.notes_zh
    assert len(plan.indicator_categories) == 4
    assert len([t for t in plan.tasks if t.kind == "key_task"]) == 9
