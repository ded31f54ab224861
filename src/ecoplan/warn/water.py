"""Water-section warnings: a section's monthly class worse than its target class, and a river
section in 劣Ⅴ.

The monthly class is the GB 3838-2002 single-factor class of the month's mean concentrations
(:func:`ecoplan.assess.waterquality.section_means` with ``monthly=True``, then
:func:`~ecoplan.assess.waterquality.classify_sections` — one implementation of the rule). On run
date *D* each section is judged on its latest month with samples dated on or before *D*,
looking back ``lookback_months`` months (the month of *D* included). A section without samples
in that window is not evaluated: an active warning on it is left as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ecoplan.assess.waterquality import classify_sections, section_means
from ecoplan.model.warning_rules import LEVEL_ZH, RuleSet, WarningRule
from ecoplan.standards.water_tables import CLASSES
from ecoplan.warn.types import Clear, Evaluation, Finding

KINDS = ("water_target", "water_worse_v")
WORSE_V = CLASSES[-1]  # "劣V"


def _month_start(d: date, back: int) -> date:
    m = d.year * 12 + d.month - 1 - back
    return date(m // 12, m % 12 + 1, 1)


def monthly_classes(
    con: duckdb.DuckDBPyConnection, as_of: date, lookback_months: int
) -> pd.DataFrame:
    """Each section's latest month (≤ *as_of*, within *lookback_months*) with its class.

    Samples dated after *as_of* are left out: the window's samples are copied into a private
    DuckDB connection under the warehouse's name ``water_samples`` and the months are computed
    there with :func:`section_means` (one call per calendar year of the window).
    """
    start = _month_start(as_of, lookback_months - 1)
    samples = con.sql(
        "SELECT section, date, item, value FROM water_samples WHERE date BETWEEN ? AND ?",
        params=[start, as_of],
    ).to_arrow_table()
    sections = con.execute(
        "SELECT code, name, water_body, waterbody_type, region_code, target_class FROM section"
    ).df()
    if samples.num_rows == 0:
        return pd.DataFrame()
    sub = duckdb.connect()
    try:
        sub.register("water_samples", samples)
        means = pd.concat(
            [section_means(sub, y, monthly=True) for y in range(start.year, as_of.year + 1)],
            ignore_index=True,
        )
        counts = sub.execute(
            "SELECT section, strftime(date, '%Y-%m') AS period, count(DISTINCT date) AS n_dates, "
            "max(date) AS last_date FROM water_samples GROUP BY ALL"
        ).df()
    finally:
        sub.close()
    means = means.sort_values(["section", "period"]).groupby("section").tail(1)
    classed = classify_sections(means.reset_index(drop=True), sections)
    classed = classed[classed["class_code"] > 0]
    return classed.merge(counts, on=["section", "period"], how="left")


def _items(row: pd.Series, items: list[str]) -> dict[str, float]:
    return {i: round(float(row[i]), 6) for i in items if i in row and pd.notna(row[i])}


def evaluate_water(con: duckdb.DuckDBPyConnection, rules: RuleSet, as_of: date) -> list[Evaluation]:
    """Findings and clears of the ``water_target`` and ``water_worse_v`` rules."""
    out = []
    for kind in KINDS:
        ev = Evaluation(kind, as_of)
        out.append(ev)
        enabled = rules.enabled(kind)
        if not enabled:
            continue
        lookback = max(r.params.lookback_months for r in enabled)
        classed = monthly_classes(con, as_of, lookback)
        if classed.empty:
            ev.notes.append(f"{as_of:%Y-%m-%d}前{lookback}个月内没有断面水质数据 no samples")
            continue
        known = {"section", "period", "name", "water_body", "waterbody_type", "region_code"}
        known |= {"target_class", "class_code", "water_class", "grade_zh", "meets_target"}
        known |= {"n_dates", "last_date"}
        items = [c for c in classed.columns if c not in known]
        for _, row in classed.iterrows():  # one row per section (a few hundred at most)
            rule = rules.rule_for(kind, str(row["region_code"]))
            if rule is None:
                continue
            if row["period"] < f"{_month_start(as_of, rule.params.lookback_months - 1):%Y-%m}":
                continue
            item = _judge(rule, row, items)
            if isinstance(item, Finding):
                ev.findings.append(item)
            elif item is not None:
                ev.clears.append(item)
    return out


def _judge(rule: WarningRule, row: pd.Series, items: list[str]) -> Finding | Clear | None:
    kind, rule_id = rule.kind, rule.id
    section, region = str(row["section"]), str(row["region_code"])
    name = str(row["name"])
    cls, target = str(row["water_class"]), row["target_class"]
    inputs: dict[str, Any] = {
        "period": row["period"],
        "water_class": cls,
        "target_class": None if pd.isna(target) else str(target),
        "waterbody_type": row["waterbody_type"],
        "water_body": None if pd.isna(row["water_body"]) else row["water_body"],
        "sampling_dates": None if pd.isna(row["n_dates"]) else int(row["n_dates"]),
        "last_sample": None if pd.isna(row["last_date"]) else f"{row['last_date']:%Y-%m-%d}",
        "monthly_means": _items(row, items),
        "method": "GB 3838-2002 单因子评价（月均值）",
    }
    basis = {"period": row["period"], "last_sample": inputs["last_sample"]}
    label = f"{name}（{section}）{row['period']}"
    if kind == "water_target":
        if pd.isna(target):
            return None  # no target class: the rule does not apply
        worse = row["meets_target"] is False or row["meets_target"] is np.False_
        if not worse:
            met = f"{label}水质{LEVEL_ZH[cls]}，达到目标{LEVEL_ZH[str(target)]}"
            return Clear(rule_id, region, section, inputs, met)
        return Finding(
            rule_id=rule_id,
            kind=kind,
            region_code=region,
            subject=section,
            subject_name=name,
            level=cls,
            inputs=inputs,
            basis=basis,
            message_zh=f"{label}水质{LEVEL_ZH[cls]}，劣于目标{LEVEL_ZH[str(target)]}",
        )
    if row["waterbody_type"] != "river" and rule.params.waterbody == "river":
        return None
    if cls != WORSE_V:
        return Clear(rule_id, region, section, inputs, f"{label}水质{LEVEL_ZH[cls]}，非劣Ⅴ类")
    return Finding(
        rule_id=rule_id,
        kind=kind,
        region_code=region,
        subject=section,
        subject_name=name,
        level=WORSE_V,
        inputs=inputs,
        basis=basis,
        message_zh=f"{label}水质为劣Ⅴ类",
    )
