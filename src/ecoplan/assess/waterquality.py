"""GB 3838-2002 evaluation of water sections and regions from the measurement warehouse.

As for air, one SQL aggregation reduces the samples (section × date × item) to one mean per
section and period (month or year) and item; the single-factor class then comes from
:func:`ecoplan.standards.water.classify_array`, the one implementation of the rule.  A
section's annual class is the class of its annual mean concentrations (《地表水环境质量评价
办法（试行）》: 年度评价按年均值); its monthly class that of the month's mean.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ecoplan import engines
from ecoplan.engines.base import Engine
from ecoplan.engines.duckdb_engine import DuckDBEngine
from ecoplan.engines.frames import wide_means
from ecoplan.model.regions import Level, get_region, prefecture_of
from ecoplan.standards.water import class_shares, classify_array
from ecoplan.standards.water_tables import CLASSES, GRADE_ZH

CLASS_BY_CODE = {i + 1: c for i, c in enumerate(CLASSES)}


def section_means(
    con: duckdb.DuckDBPyConnection, year: int, *, monthly: bool = False
) -> pd.DataFrame:
    """Mean of each item per section and period: ``section, period, <item columns…>``.

    *period* is the year (``"2024"``) or the month (``"2024-07"``).  Reads the
    ``water_samples`` view (section, date, item, value). Means are exact
    (:mod:`ecoplan.engines.sql`).
    """
    return wide_means(DuckDBEngine(con).water_means(year, monthly=monthly))


def classify_means(long: pd.DataFrame, *, sections: pd.DataFrame) -> pd.DataFrame:
    """:func:`classify_sections` of long means (``section, period, item, value``): the
    per-section step that :func:`evaluate_water` runs on the active engine."""
    return classify_sections(wide_means(long), sections)


def classify_sections(means: pd.DataFrame, sections: pd.DataFrame) -> pd.DataFrame:
    """Class of every section-period row, against its section's water-body type and target.

    *sections* is the registry (``code, name, water_body, waterbody_type, region_code,
    target_class``).  Adds ``water_class``, ``grade_zh``, ``meets_target``.
    """
    if means.empty:
        return means.assign(water_class=[], grade_zh=[], meets_target=[])
    out = means.merge(
        sections.rename(columns={"code": "section"}), on="section", how="left", validate="m:1"
    )
    codes = np.zeros(len(out), dtype=np.int8)
    items = [c for c in means.columns if c not in ("section", "period")]
    for wb in ("river", "lake"):
        rows = (out["waterbody_type"] == wb).to_numpy()
        if rows.any():
            cols = {i: out.loc[rows, i].to_numpy(dtype="float64") for i in items}
            codes[rows] = classify_array(cols, waterbody=wb)
    out["class_code"] = codes
    out["water_class"] = [CLASS_BY_CODE.get(int(c)) for c in codes]
    out["grade_zh"] = [GRADE_ZH.get(c) if c else None for c in out["water_class"]]
    target = out["target_class"].map({c: i + 1 for i, c in enumerate(CLASSES)})
    out["meets_target"] = np.where(
        (codes > 0) & target.notna(), codes <= target.fillna(0).to_numpy(), None
    )
    return out


@dataclass(frozen=True)
class RegionWater:
    """Water-quality summary of one region for a year (share of sections by class)."""

    region_code: str
    name_zh: str
    year: int
    n_sections: int
    shares: dict[str, float]  # "I-III", "劣V", and each class
    meets_target: int
    sections: list[dict[str, Any]]

    @property
    def share_i_iii(self) -> float | None:
        return self.shares.get("I-III") if self.n_sections else None

    @property
    def share_worse_v(self) -> float | None:
        return self.shares.get("劣V") if self.n_sections else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "region_code": self.region_code,
            "name_zh": self.name_zh,
            "year": self.year,
            "n_sections": self.n_sections,
            "share_I_III": self.share_i_iii,
            "share_worse_V": self.share_worse_v,
            "shares": self.shares,
            "meets_target": self.meets_target,
            "sections": self.sections,
        }


def _prefecture_or_none(code: str) -> str | None:
    try:
        return prefecture_of(code).code
    except ValueError:
        return None


_EMPTY = pd.DataFrame(
    columns=[
        "section", "name", "water_body", "water_class", "grade_zh", "target_class",
        "meets_target", "class_code",
    ]
)  # fmt: skip


def _summary(code: str, year: int, rows: pd.DataFrame) -> RegionWater:
    rows = rows[rows["class_code"] > 0]
    classes = list(rows["water_class"])
    return RegionWater(
        region_code=code,
        name_zh=get_region(code).name_zh,
        year=year,
        n_sections=len(classes),
        shares=class_shares(classes) if classes else {},
        meets_target=int(rows["meets_target"].eq(True).sum()),
        sections=[
            {
                "section": r.section,
                "name": r.name,
                "water_body": r.water_body,
                "water_class": r.water_class,
                "grade_zh": r.grade_zh,
                "target_class": r.target_class,
                "meets_target": r.meets_target,
            }
            for r in rows.itertuples()
        ],
    )


def evaluate_water(
    con: duckdb.DuckDBPyConnection, region_code: str, year: int
) -> list[RegionWater]:
    """Annual section classes and class shares for *region_code*; for the autonomous region
    also for each league/city that has sections."""
    sections = con.execute(
        "SELECT code, name, water_body, waterbody_type, region_code, target_class FROM section"
    ).df()
    eng: Engine | None = engines.active()
    if eng is None or eng.name == "duckdb":
        eng = DuckDBEngine(con)
    step = partial(classify_means, sections=sections)
    parts = [p for p in eng.map_groups(eng.water_means(year), "section", step) if not p.empty]
    classed = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if classed.empty:  # no samples that year: every region has no classed section
        return [_summary(region_code, year, _EMPTY)]
    cities = {c: _prefecture_or_none(c) for c in classed["region_code"].unique()}
    classed["city"] = classed["region_code"].map(cities)
    region = get_region(region_code)
    if region.level is Level.PROVINCE:
        mine = classed[classed["region_code"].str.startswith(region_code[:2])]
        out = [_summary(region_code, year, mine)]
        for city in sorted(c for c in mine["city"].dropna().unique()):
            out.append(_summary(city, year, mine[mine["city"] == city]))
        return out
    if region.level is Level.PREFECTURE:
        return [_summary(region_code, year, classed[classed["city"] == region_code])]
    return [_summary(region_code, year, classed[classed["region_code"] == region_code])]
