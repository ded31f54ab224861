"""GB 3838 section and region evaluation over a DuckDB samples table, worked by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pytest

from ecoplan.assess.waterquality import evaluate_water, section_means

SECTIONS = pd.DataFrame(
    [
        # code, name, water body, type, region, target
        ("R1", "河一", "大黑河", "river", "150105", "III"),
        ("R2", "河二", "大黑河", "river", "150100", "III"),
        ("L1", "湖一", "岱海", "lake", "150900", "IV"),
    ],
    columns=["code", "name", "water_body", "waterbody_type", "region_code", "target_class"],
)


def _samples() -> pd.DataFrame:
    rows = []
    # R1: COD 18 and 22 in two months → annual mean 20 → class III (≤ 20); NH3N 0.4 → II.
    for month, cod in ((3, 18.0), (9, 22.0)):
        rows += [
            ("R1", dt.date(2024, month, 10), "COD", cod),
            ("R1", dt.date(2024, month, 10), "NH3N", 0.4),
        ]
    # R2: NH3N 2.5 → worse than V (> 2.0) → 劣V; DO 6.5 → II.
    rows += [("R2", dt.date(2024, 5, 1), "NH3N", 2.5), ("R2", dt.date(2024, 5, 1), "DO", 6.5)]
    # L1 (lake): TP 0.08 → lake IV (≤ 0.1; river would be II); COD 12 → I.
    rows += [("L1", dt.date(2024, 6, 1), "TP", 0.08), ("L1", dt.date(2024, 6, 1), "COD", 12.0)]
    # a 2023 sample that must not count for 2024
    rows += [("R2", dt.date(2023, 5, 1), "NH3N", 0.1)]
    return pd.DataFrame(rows, columns=["section", "date", "item", "value"])


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    c.register("water_samples", _samples())
    c.register("section", SECTIONS)
    return c


def test_annual_means_per_section(con: duckdb.DuckDBPyConnection) -> None:
    m = section_means(con, 2024).set_index("section")
    assert m.loc["R1", "COD"] == pytest.approx(20.0)
    assert m.loc["R2", "NH3N"] == pytest.approx(2.5)
    monthly = section_means(con, 2024, monthly=True)
    assert set(monthly.loc[monthly["section"] == "R1", "period"]) == {"2024-03", "2024-09"}


def test_city_and_region_classes(con: duckdb.DuckDBPyConnection) -> None:
    res = {r.region_code: r for r in evaluate_water(con, "150000", 2024)}
    assert set(res) == {"150000", "150100", "150900"}
    hohhot = res["150100"]
    classes = {s["section"]: s["water_class"] for s in hohhot.sections}
    assert classes == {"R1": "III", "R2": "劣V"}
    assert hohhot.share_i_iii == 50.0 and hohhot.share_worse_v == 50.0
    assert hohhot.meets_target == 1  # R1 meets III, R2 does not
    (lake,) = res["150900"].sections
    assert (lake["water_class"], lake["meets_target"]) == ("IV", True)
    region = res["150000"]
    assert region.n_sections == 3
    # I–III: R1 only → 1/3 = 33.3 %; 劣V: R2 → 33.3 %
    assert region.share_i_iii == pytest.approx(100 / 3, abs=0.1)
    assert region.share_worse_v == pytest.approx(100 / 3, abs=0.1)


def test_county_level(con: duckdb.DuckDBPyConnection) -> None:
    (res,) = evaluate_water(con, "150105", 2024)
    assert [s["section"] for s in res.sections] == ["R1"]


def test_year_without_samples_gives_empty_summary(con: duckdb.DuckDBPyConnection) -> None:
    (res,) = evaluate_water(con, "150000", 2019)
    assert res.n_sections == 0 and res.sections == [] and res.share_i_iii is None
