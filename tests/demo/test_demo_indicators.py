"""Synthetic yearly indicator values (ecoplan.demo.indicators) from the embedded plans."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecoplan.demo.indicators import (
    INDICATOR_HEADER,
    NOTE,
    SCENARIOS,
    IndicatorPath,
    demo_plans,
    generate_indicator_values,
    indicator_paths,
    write_indicators_csv,
)
from ecoplan.demo.stations import CITY_CODES
from ecoplan.model.planfile import PlanFile
from ecoplan.model.regions import prefecture_of

SEED = 150000


@pytest.fixture(scope="module")
def plans() -> list[PlanFile]:
    return demo_plans()


@pytest.fixture(scope="module")
def paths(plans: list[PlanFile]) -> list[IndicatorPath]:
    return indicator_paths(SEED, range(2020, 2027), plans)


@pytest.fixture(scope="module")
def values(plans: list[PlanFile]) -> pd.DataFrame:
    return generate_indicator_values(SEED, range(2020, 2027), plans)


def test_layout_note_units_and_codes(values: pd.DataFrame, plans: list[PlanFile]) -> None:
    assert list(values.columns) == list(INDICATOR_HEADER)
    assert (values["note"] == NOTE).all() and NOTE == "演示数据（合成）"
    catalog = {(p.id, i.code): i for p in plans for i in p.indicators}
    used = values[["plan_id", "indicator_code", "unit"]].drop_duplicates()
    for plan_id, code, unit in used.itertuples(index=False):
        ind = catalog[(plan_id, code)]
        assert ind.unit == unit
        assert ind.derivation is None, f"{code} is derived from monitoring"
        assert ind.baselines or ind.targets
    assert values["year"].between(2020, 2026).all()
    assert not values.duplicated(["plan_id", "indicator_code", "region_code", "year"]).any()
    assert (values["value"] >= 0).all()
    pct = values["unit"].str.startswith("%")
    assert (values.loc[pct, "value"] <= 100).all()


def test_regional_indicators_cover_every_league(values: pd.DataFrame) -> None:
    coal = values[values["indicator_code"] == "IM14-COAL-SHARE"]
    assert set(coal["region_code"]) == {"150000", *CITY_CODES}
    hh = values[values["plan_id"] == "hohhot-14fyp-eco"]
    assert {prefecture_of(r).code for r in hh["region_code"]} == {"150100"}


def test_baseline_year_equals_the_plan_baseline(
    values: pd.DataFrame, plans: list[PlanFile]
) -> None:
    checked = 0
    for p in plans:
        for ind in p.indicators:
            for b in ind.baselines:
                row = values[
                    (values["plan_id"] == p.id)
                    & (values["indicator_code"] == ind.code)
                    & (values["region_code"] == b.region)
                    & (values["year"] == b.year)
                ]
                if ind.derivation is None and len(row):
                    assert float(row["value"].iloc[0]) == pytest.approx(b.value)
                    checked += 1
    assert checked > 50
    # e.g. Hohhot forest coverage 2020 = 23 % (seed 002 baseline)
    hh = values[(values["indicator_code"] == "HH-FOREST-COVER") & (values["year"] == 2020)]
    assert float(hh["value"].iloc[0]) == 23.0


def test_every_status_appears_and_behaves(paths: list[IndicatorPath]) -> None:
    with_target = [p for p in paths if p.target is not None and len(p.values) >= 5]
    seen = Counter(p.scenario for p in with_target)
    assert set(seen) == set(SCENARIOS), seen
    for p in with_target:
        assert p.target is not None and p.target_year is not None
        need = p.sense * (p.target - p.baseline)  # > 0: improvement still needed
        if need <= 0 or p.target_year > 2026:
            continue
        final = p.values[max(p.values)]
        by_target = p.values.get(p.target_year, final)
        gap = p.sense * (p.target - by_target)
        if p.scenario == "achieved":
            assert gap <= 1e-9 + 0.02 * abs(p.target), p
        elif p.scenario == "off_track":
            first = p.values[min(p.values)]
            assert p.sense * (final - first) <= 0.02 * max(abs(need), 1.0), p
        elif p.scenario == "at_risk":
            assert gap > 0, p


def test_cumulative_values_never_decrease(
    paths: list[IndicatorPath], plans: list[PlanFile]
) -> None:
    units = {(p.id, i.code): i.unit for p in plans for i in p.indicators}
    cum = [p for p in paths if "累计" in units[(p.plan_id, p.code)] and len(p.values) > 1]
    assert cum
    for p in cum:
        v = np.array([p.values[y] for y in sorted(p.values)])
        assert (np.diff(v) >= 0).all(), p


def test_deterministic_and_csv(values: pd.DataFrame, plans: list[PlanFile], tmp_path: Path) -> None:
    pd.testing.assert_frame_equal(values, generate_indicator_values(SEED, range(2020, 2027), plans))
    other = generate_indicator_values(SEED + 1, range(2020, 2027), plans)
    assert not np.array_equal(values["value"].to_numpy(), other["value"].to_numpy())
    path = write_indicators_csv(values, tmp_path / "ind.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert tuple(rows[0]) == INDICATOR_HEADER and len(rows) == len(values) + 1
    assert all("e" not in r[3].lower() for r in rows[1:])
    assert float(rows[1][3]) == pytest.approx(float(values["value"].iloc[0]))
