"""Plan-progress warnings from stored assessment runs: a binding indicator that *turned* at
risk / off track between the two latest runs — and nothing otherwise (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecoplan.store.db import Store
from ecoplan.store.schema_assess import AssessmentRowRecord, AssessmentRun
from ecoplan.warn import run_warnings

from .conftest import events_of, warnings_of

D = dt.date
PLAN = "test-plan"


def _run(
    store: Store,
    created: dt.datetime,
    rows: dict[tuple[str, str], tuple[str, str]],
    *,
    region: str | None = None,
    dust: bool = False,
    year: int = 2023,
) -> int:
    """Store a run with rows {(indicator, region): (status, binding)}."""
    with store.session() as s:
        run = AssessmentRun(
            plan_id=PLAN,
            year=year,
            region_code=region,
            created_at=created,
            method_version="1.0",
            dust_deducted=dust,
            params={},
            summary={"plan_title_zh": "测试规划"},
        )
        s.add(run)
        s.flush()
        for (code, reg), (status, binding) in rows.items():
            comp: dict[str, Any] = {
                "indicator_code": code,
                "name_zh": f"指标{code}",
                "region_code": reg,
                "region_zh": "呼和浩特市" if reg == "150100" else "内蒙古自治区",
                "binding": binding,
                "status": status,
                "value": 1.0,
                "target": 2.0,
                "ratio": 0.5,
            }
            s.add(
                AssessmentRowRecord(
                    run_id=run.id,
                    indicator_code=code,
                    region_code=reg,
                    status=status,
                    value=1.0,
                    target=2.0,
                    ratio=0.5,
                    components=comp,
                )
            )
        return run.id


def _active(store: Store) -> dict[str, str]:
    return {
        f"{w.subject}@{w.region_code}": w.level
        for w in warnings_of(store, kind="indicator_status", state="active")
    }


def test_status_turned_warnings(wstore: Store) -> None:
    first = {
        ("A", "150000"): ("on_track", "binding"),
        ("B", "150000"): ("at_risk", "binding"),
        ("C", "150000"): ("on_track", "expected"),
        ("D", "150000"): ("on_track", "binding"),
        ("A", "150100"): ("achieved", "binding"),
    }
    _run(wstore, dt.datetime(2024, 1, 10, 9), first)
    s = run_warnings(wstore, D(2024, 1, 10), kinds=["indicator"])
    assert s.events == []  # one stored run: no turn can be seen (B is at risk, but not turned)
    assert any("仅有一次" in n for n in s.notes)

    second = {
        ("A", "150000"): ("at_risk", "binding"),  # turned → warning
        ("B", "150000"): ("at_risk", "binding"),  # stayed at risk → no new warning
        ("C", "150000"): ("off_track", "expected"),  # not binding → none
        ("D", "150000"): ("no_data", "binding"),  # no data → none
        ("A", "150100"): ("off_track", "binding"),  # turned → warning (off track)
    }
    run2 = _run(wstore, dt.datetime(2024, 6, 1, 9), second)
    # runs created after the run date are not seen
    assert run_warnings(wstore, D(2024, 5, 31), kinds=["indicator"]).events == []
    # region-limited and dust-deducted runs are not compared
    _run(wstore, dt.datetime(2024, 6, 1, 10), {("B", "150000"): ("on_track", "binding")},
         region="150000")  # fmt: skip
    _run(wstore, dt.datetime(2024, 6, 1, 11), {("B", "150000"): ("on_track", "binding")},
         dust=True)  # fmt: skip
    s = run_warnings(wstore, D(2024, 6, 1), kinds=["indicator"])
    assert _active(wstore) == {"test-plan/A@150000": "at_risk", "test-plan/A@150100": "off_track"}
    assert s.counts["start"] == 2
    w = warnings_of(wstore, subject="test-plan/A", region_code="150000")[0]
    assert w.category == "progress"
    assert (w.inputs["run_id"], w.inputs["previous_status"]) == (run2, "on_track")
    assert run_warnings(wstore, D(2024, 6, 1), kinds=["indicator"]).events == []

    third = {
        ("A", "150000"): ("off_track", "binding"),  # worse → upgrade
        ("B", "150000"): ("off_track", "binding"),  # was at risk: still not "turned"
        ("A", "150100"): ("on_track", "binding"),  # better → lift
    }
    _run(wstore, dt.datetime(2024, 12, 1, 9), third, year=2024)
    s = run_warnings(wstore, D(2024, 12, 1), kinds=["indicator"])
    assert sorted((e["subject"], e["region_code"], e["event"]) for e in s.events) == [
        ("test-plan/A", "150000", "upgrade"),
        ("test-plan/A", "150100", "lift"),
    ]
    assert _active(wstore) == {"test-plan/A@150000": "off_track"}
    assert events_of(wstore, w.id) == [
        ("start", None, "at_risk"),
        ("upgrade", "at_risk", "off_track"),
    ]


def test_no_stored_run_is_a_note(wstore: Store) -> None:
    s = run_warnings(wstore, D(2024, 6, 1), kinds=["indicator"])
    assert s.events == [] and any("no stored assessment run" in n for n in s.notes)
