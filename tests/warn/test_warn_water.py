"""Water-section warnings through the real importers and the warehouse: a section's monthly
class worse than its target, and a river section in 劣Ⅴ — each firing exactly on its condition
(SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecoplan.ingest import import_sections, import_water
from ecoplan.store.db import Store
from ecoplan.warn import run_warnings

from .conftest import events_of, warnings_of

D = dt.date

SECTIONS = """code,name,water_body,waterbody_type,region_code,target_class
S1,一号断面,大黑河,river,150100,III
S2,二号断面,大黑河,river,150100,III
S3,三号断面,小黑河,river,150100,IV
S4,四号湖库,南海湖,lake,150200,II
S5,五号断面,昆都仑河,river,150200,
"""

# GB 3838-2002 Table 1 limits used below (mg/L): NH3-N I 0.15, II 0.5, III 1.0, IV 1.5, V 2.0;
# TP lakes I 0.01, II 0.025, III 0.05, IV 0.1, V 0.2. One item per sample: the class is its
# class (single-factor evaluation).
JANUARY = """section,date,item,value,unit
S1,2024-01-15,NH3N,1.2,mg/L
S2,2024-01-15,NH3N,0.9,mg/L
S3,2024-01-15,NH3N,2.5,mg/L
S4,2024-01-15,TP,0.3,mg/L
S5,2024-01-15,NH3N,2.5,mg/L
"""
# S1: 1.2 → IV, target III → worse.  S2: 0.9 → III = target → fine.  S3: 2.5 → 劣V, target
# IV → worse, and a river in 劣V.  S4: lake TP 0.3 → 劣V, target II → worse; a lake, so not the
# river 劣V rule.  S5: 劣V river without a target class → only the 劣V rule.
FEBRUARY = """section,date,item,value,unit
S1,2024-02-10,NH3N,0.8,mg/L
S3,2024-02-10,NH3N,1.8,mg/L
S3,2024-02-25,NH3N,1.9,mg/L
"""
# S1: 0.8 → III → meets its target: lifted.  S3: monthly mean (1.8 + 1.9)/2 = 1.85 → V:
# still worse than IV (downgrade 劣V → V) and no longer 劣V (lifted).  S2, S4, S5 have no
# February sample: judged on January (lookback 3 months) → unchanged.


def _setup(store: Store, tmp_path: Path) -> None:
    (tmp_path / "sections.csv").write_text(SECTIONS, "utf-8")
    assert import_sections(store, tmp_path / "sections.csv").accepted == 5
    (tmp_path / "jan.csv").write_text(JANUARY, "utf-8")
    assert import_water(store, tmp_path / "jan.csv").accepted == 5


def _active(store: Store, kind: str) -> dict[str, str]:
    return {w.subject: w.level for w in warnings_of(store, kind=kind, state="active")}


def test_water_warnings_fire_exactly_on_their_conditions(wstore: Store, tmp_path: Path) -> None:
    _setup(wstore, tmp_path)
    s = run_warnings(wstore, D(2024, 1, 31), kinds=["water"])
    assert _active(wstore, "water_target") == {"S1": "IV", "S3": "劣V", "S4": "劣V"}
    assert _active(wstore, "water_worse_v") == {"S3": "劣V", "S5": "劣V"}
    assert s.counts["start"] == 5
    w = warnings_of(wstore, kind="water_target", subject="S1")[0]
    assert w.inputs["period"] == "2024-01" and w.inputs["target_class"] == "III"
    assert w.inputs["monthly_means"] == {"NH3N": 1.2}
    assert w.region_code == "150100" and w.subject_name == "一号断面"
    assert run_warnings(wstore, D(2024, 1, 31), kinds=["water"]).events == []

    (tmp_path / "feb.csv").write_text(FEBRUARY, "utf-8")
    assert import_water(wstore, tmp_path / "feb.csv").accepted == 3
    # run on 02-15: the sample of 02-25 is not yet "known" → S3 February = 1.8 → V
    s = run_warnings(wstore, D(2024, 2, 15), kinds=["water"])
    got = sorted((e["kind"], e["subject"], e["event"]) for e in s.events)
    assert got == [
        ("water_target", "S1", "lift"),
        ("water_target", "S3", "downgrade"),
        ("water_worse_v", "S3", "lift"),
    ]
    s3 = warnings_of(wstore, kind="water_target", subject="S3")[0]
    assert s3.inputs["monthly_means"] == {"NH3N": 1.8} and s3.level == "V"
    # run on 02-29: both February samples, mean 1.85 → V: new evidence at the same level
    s = run_warnings(wstore, D(2024, 2, 29), kinds=["water"])
    assert [(e["subject"], e["event"]) for e in s.events] == [("S3", "repeat-suppressed")]
    s3 = warnings_of(wstore, kind="water_target", subject="S3")[0]
    assert s3.inputs["monthly_means"] == {"NH3N": 1.85} and s3.inputs["sampling_dates"] == 2
    assert events_of(wstore, s3.id) == [
        ("start", None, "劣V"),
        ("downgrade", "劣V", "V"),
        ("repeat-suppressed", "V", "V"),
    ]


def test_no_samples_in_the_window_changes_nothing(wstore: Store, tmp_path: Path) -> None:
    _setup(wstore, tmp_path)
    run_warnings(wstore, D(2024, 1, 31), kinds=["water"])
    s = run_warnings(wstore, D(2024, 9, 30), kinds=["water"])  # nothing since January
    assert s.events == [] and s.active == 5
    assert any("没有断面水质数据" in n for n in s.notes)
