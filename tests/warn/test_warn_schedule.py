"""Warnings on a schedule (``$ECOPLAN_WARN_EVERY``): a slot is claimed by exactly one of several
runners sharing the database (SQLite file and PostgreSQL), an expired unfinished claim can be
taken over once, and the server's background task evaluates the warnings."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
import warnings
from pathlib import Path

import pytest
from sqlalchemy import select

from ecoplan.api.app import create_app
from ecoplan.ingest import import_sections, import_water
from ecoplan.store.db import Store
from ecoplan.store.schema_schedule import ScheduledRun
from ecoplan.warn.schedule import (
    ENV,
    JOB,
    ScheduleError,
    SlotRun,
    claim_slot,
    run_warning_slot,
    slot_key,
    warn_every_minutes,
)

from .conftest import warnings_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

D = dt.date
NOW = dt.datetime(2024, 1, 31, 13, 47)
SECTIONS = """code,name,water_body,waterbody_type,region_code,target_class
S1,一号断面,大黑河,river,150100,III
"""
JANUARY = """section,date,item,value,unit
S1,2024-01-15,NH3N,1.2,mg/L
"""  # 1.2 mg/L NH3-N → Ⅳ类 (GB 3838-2002 Table 1), worse than its target Ⅲ


def _water(store: Store, tmp_path: Path) -> None:
    (tmp_path / "sections.csv").write_text(SECTIONS, "utf-8")
    assert import_sections(store, tmp_path / "sections.csv").accepted == 1
    (tmp_path / "jan.csv").write_text(JANUARY, "utf-8")
    assert import_water(store, tmp_path / "jan.csv").accepted == 1


def test_setting() -> None:
    assert warn_every_minutes({}) == 0
    assert warn_every_minutes({}, default=60) == 60
    assert warn_every_minutes({ENV: " 15 "}) == 15
    assert warn_every_minutes({ENV: "0"}, default=60) == 0
    for bad in ("often", "-5", "1.5", "99999"):
        with pytest.raises(ScheduleError, match=ENV):
            warn_every_minutes({ENV: bad})
    assert slot_key(NOW, 60) == "60m@2024-01-31T13:00"
    assert slot_key(NOW, 15) == "15m@2024-01-31T13:45"
    assert slot_key(NOW.replace(tzinfo=dt.UTC), 1440) == "1440m@2024-01-31T00:00"


def test_two_runners_one_evaluation_per_slot(wstore: Store, tmp_path: Path) -> None:
    _water(wstore, tmp_path)
    other = Store(wstore.settings)  # a second worker: its own engine and connections
    barrier = threading.Barrier(2)
    done: dict[str, SlotRun] = {}

    def runner(name: str, store: Store, now: dt.datetime) -> None:
        barrier.wait()
        done[name] = run_warning_slot(store, 60, holder=name, now=now, as_of=D(2024, 1, 31))

    try:
        # 13:47 and 13:52 fall in one slot (13:52: already done), 14:47 in the next
        for now, winners in ((NOW, 1), (NOW + dt.timedelta(minutes=5), 0),
                             (NOW + dt.timedelta(hours=1), 1)):  # fmt: skip
            threads = [
                threading.Thread(target=runner, args=(n, st, now))
                for n, st in (("w1", wstore), ("w2", other))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
            assert sum(r.ran for r in done.values()) == winners and len(done) == 2, now
            assert len({r.slot for r in done.values()}) == 1
            done.clear()
    finally:
        other.dispose()
    with wstore.session() as s:
        runs = list(s.scalars(select(ScheduledRun).order_by(ScheduledRun.slot)))
    assert [r.slot for r in runs] == ["60m@2024-01-31T13:00", "60m@2024-01-31T14:00"]
    assert all(r.finished_at is not None and r.holder in ("w1", "w2") for r in runs)
    first = json.loads(runs[0].outcome or "{}")
    assert first["counts"]["start"] == 1 and first["active"] == 1
    assert json.loads(runs[1].outcome or "{}")["counts"]["start"] == 0
    assert [(w.subject, w.level) for w in warnings_of(wstore, state="active")] == [("S1", "IV")]


def test_an_expired_claim_is_taken_over_once(wstore: Store) -> None:
    lease = dt.timedelta(minutes=10)
    assert claim_slot(wstore, JOB, "60m@x", "dead", NOW, lease)
    assert not claim_slot(wstore, JOB, "60m@x", "w1", NOW + dt.timedelta(minutes=9), lease)
    later = NOW + dt.timedelta(minutes=11)
    assert claim_slot(wstore, JOB, "60m@x", "w1", later, lease)
    assert not claim_slot(wstore, JOB, "60m@x", "w2", later, lease)
    with wstore.session() as s:
        row = s.get(ScheduledRun, (JOB, "60m@x"))
        assert row is not None and row.holder == "w1"
        row.finished_at = later  # finished claims are never taken over
    assert not claim_slot(wstore, JOB, "60m@x", "w2", later + dt.timedelta(hours=1), lease)


def test_a_failed_run_is_recorded(wstore: Store) -> None:
    def broken(_store: Store, _day: D) -> dict[str, object]:
        raise RuntimeError("warehouse unreachable")

    r = run_warning_slot(wstore, 30, holder="w1", now=NOW, evaluate=broken)
    assert r.ran and r.outcome == {"error": "RuntimeError: warehouse unreachable"}
    with wstore.session() as s:
        row = s.get(ScheduledRun, (JOB, "30m@2024-01-31T13:30"))
        assert row is not None and row.finished_at is not None and "unreachable" in row.outcome


def test_the_server_runs_the_schedule(
    wstore: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _water(wstore, tmp_path)
    monkeypatch.setenv(ENV, "5")
    with TestClient(create_app(store=wstore, secret_key="k" * 64)):
        deadline = time.monotonic() + 30
        row = None
        while time.monotonic() < deadline:
            with wstore.session() as s:
                row = s.scalars(select(ScheduledRun).where(ScheduledRun.job == JOB)).first()
                if row is not None and row.finished_at is not None:
                    break
            time.sleep(0.2)
    assert row is not None and row.slot.startswith("5m@") and row.finished_at is not None
    # evaluated as of today: the January sample is older than the 3-month lookback
    assert json.loads(row.outcome or "{}")["as_of"] == f"{D.today():%Y-%m-%d}"
    monkeypatch.setenv(ENV, "0")
    with TestClient(create_app(store=wstore, secret_key="k" * 64)):
        pass
    with wstore.session() as s:
        assert len(list(s.scalars(select(ScheduledRun)))) == 1
