"""Synthetic water sections and monthly samples (ecoplan.demo.water).

Classes are computed with ``ecoplan.standards.water.classify_array`` (GB 3838-2002 Table 1,
single-factor evaluation over the 21 national items).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ecoplan.demo.water import (
    ITEMS,
    SECTION_HEADER,
    SECTIONS,
    generate_samples,
    write_samples_csv,
    write_sections_csv,
)
from ecoplan.ingest import read_sections, read_water
from ecoplan.model.regions import Level, get_region
from ecoplan.model.sources import seeds_dir
from ecoplan.standards.water import CLASSES, NATIONAL_ITEMS, classify_array

SEED = 150000
START, END = dt.date(2015, 1, 1), dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def samples() -> pd.DataFrame:
    return generate_samples(SEED, START, END)


def _classes(df: pd.DataFrame, waterbody: str) -> np.ndarray:
    cols = {c: df[c].to_numpy(dtype=float) for c in ITEMS if c in NATIONAL_ITEMS}
    return classify_array(cols, waterbody)  # type: ignore[arg-type]


def test_sections_are_demo_on_the_seed_water_bodies() -> None:
    seeds = "".join(p.read_text(encoding="utf-8") for p in sorted(seeds_dir().glob("00*.txt")))
    codes = [s.code for s in SECTIONS]
    assert len(set(codes)) == len(codes)
    for s in SECTIONS:
        assert s.name.startswith("演示") and s.code.startswith("DW")
        # 004 lists the reservoirs without the word 水库 ("海勃湾、尼尔基、红山…等大中型水库")
        assert s.water_body.removesuffix("水库") in seeds, f"{s.water_body} not in the seeds"
        assert get_region(s.region_code).level is Level.PREFECTURE
        assert s.target_class in ("II", "III", "IV", "V")
        assert s.waterbody_type in ("river", "lake")
    per_body = Counter(s.water_body for s in SECTIONS)
    assert all(1 <= n <= 3 for n in per_body.values()), per_body
    assert {"黄河", "大黑河", "乌梁素海", "岱海", "呼伦湖", "西辽河", "嫩江"} <= set(per_body)


def test_sections_csv_reads_back(tmp_path: Path) -> None:
    path = write_sections_csv(SECTIONS, tmp_path / "sections.csv")
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(SECTION_HEADER)
    frame, _meta = read_sections(path, {s.region_code for s in SECTIONS})
    assert list(frame["code"]) == [s.code for s in SECTIONS]


def test_samples_deterministic_monthly_and_plausible(samples: pd.DataFrame) -> None:
    again = generate_samples(SEED, START, END)
    pd.testing.assert_frame_equal(samples, again)
    assert not samples.equals(generate_samples(SEED + 1, START, END))
    assert list(samples.columns) == ["section", "date", *ITEMS]
    assert not samples.duplicated(["section", "date"]).any()
    months = pd.Series([d.strftime("%Y-%m") for d in samples["date"]])
    assert not pd.DataFrame({"s": samples["section"], "m": months}).duplicated().any()
    assert samples["date"].min() >= START and samples["date"].max() <= END
    values = samples[list(ITEMS)].to_numpy(dtype=float)
    assert not np.isnan(values).any() and (values >= 0).all()
    assert samples["pH"].between(6.5, 10.0).all()
    # ice months: 呼伦湖 is not sampled in January/February
    hulun = samples[samples["section"] == "DW150701"]
    assert not any(d.month in (1, 2) for d in hulun["date"])
    # a section's samples do not depend on the others generated with it
    one = generate_samples(SEED, START, END, [s for s in SECTIONS if s.code == "DW150701"])
    pd.testing.assert_frame_equal(one, hulun.reset_index(drop=True))


def test_saline_lake_violates_its_target(samples: pd.DataFrame) -> None:
    # 岱海 (target IV): pH above 9, fluoride and COD above the class-V limits → 劣V
    sec = next(s for s in SECTIONS if s.water_body == "岱海")
    in_2020 = np.array([d.year == 2020 for d in samples["date"]])
    df = samples[(samples["section"] == sec.code).to_numpy() & in_2020]
    classes = _classes(df, "lake")
    target = CLASSES.index(sec.target_class) + 1
    assert (classes > target).mean() > 0.9
    assert df["F"].mean() > 1.5 and df["COD"].mean() > 40


def test_some_sections_meet_and_the_trend_improves(samples: pd.DataFrame) -> None:
    years = np.array([d.year for d in samples["date"]])
    meet = 0
    for sec in SECTIONS:
        df = samples[(samples["section"] == sec.code) & (years == 2025)]
        if (_classes(df, sec.waterbody_type) <= CLASSES.index(sec.target_class) + 1).mean() > 0.8:
            meet += 1
    assert meet >= len(SECTIONS) // 2
    dahei = samples["section"] == "DW150104"  # 大黑河入黄口
    cod = {y: samples.loc[dahei & (years == y), "COD"].mean() for y in (2015, 2025)}
    nh3 = {y: samples.loc[dahei & (years == y), "NH3N"].mean() for y in (2015, 2025)}
    assert cod[2025] < 0.8 * cod[2015] and nh3[2025] < 0.8 * nh3[2015]


def test_river_ammonia_higher_in_winter_do_higher_in_winter(samples: pd.DataFrame) -> None:
    rivers = {s.code for s in SECTIONS if s.waterbody_type == "river"}
    r = samples[samples["section"].isin(rivers)]
    month = np.array([d.month for d in r["date"]])
    winter, summer = np.isin(month, (12, 1, 2)), np.isin(month, (6, 7, 8))
    assert r["NH3N"][winter].mean() > 1.3 * r["NH3N"][summer].mean()
    assert r["DO"][winter].mean() > r["DO"][summer].mean() + 2.0


def test_samples_csv_round_trips_through_the_importer(
    samples: pd.DataFrame, tmp_path: Path
) -> None:
    part = samples[[d.year == 2020 for d in samples["date"]]].reset_index(drop=True)
    path = write_samples_csv(part, tmp_path / "water.csv")
    text = path.read_text(encoding="utf-8")
    assert "e-" not in text and "E-" not in text  # no exponent notation
    frame, meta = read_water(path)
    assert meta["missing"] == 0
    assert len(frame) == len(part) * len(ITEMS)
    row = part.iloc[5]
    got = frame[(frame["item"] == "NH3N") & (frame["line"] == 7)]["value"]
    assert float(got.iloc[0]) == pytest.approx(row["NH3N"], abs=5e-4)
