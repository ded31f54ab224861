"""Heavy-pollution warnings from imported city AQI forecasts: grades at each threshold, the
start → upgrade → downgrade → lift sequence across issue dates, idempotence (SQLite and
PostgreSQL), and a property test of the state machine against the standards engine."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, func, select

from ecoplan.config import settings as eco_settings
from ecoplan.model.warning_rules import default_rules, parse_rules
from ecoplan.standards.warning import grade
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.schema_warn import AqiForecast, OutboxMessage, WarningEvent, WarningRecord
from ecoplan.warn import run_warnings

from .conftest import events_of, forecast_csv, hand_warehouse, import_issue, warnings_of

D = dt.date


def _active_level(store: Store, city: str) -> str | None:
    ws = warnings_of(store, subject=city, state="active")
    assert len(ws) <= 1
    return ws[0].level if ws else None


def test_grades_at_each_threshold(wstore: Store, tmp_path: Path) -> None:
    """One issue per city; the expected grade worked out by hand from the national scheme
    (S10: yellow > 200 for ≥ 2 consecutive days, orange ≥ 3, red ≥ 4 days holding ≥ 2 days
    > 300, or a day ≥ 500; '>' strict)."""
    issue = D(2024, 12, 1)
    cases: dict[str, tuple[list[float], str | None]] = {
        "150200": ([200, 200, 200], None),  # 200 is not > 200
        "150300": ([201, 201, 100], "yellow"),  # 2 days > 200
        "150400": ([201, 100, 201, 100], None),  # not consecutive
        "150500": ([100, 201, 201, 201], "orange"),  # 3 days, from day 2
        "150600": ([301, 301, 201, 201], "red"),  # 4 days > 200, 2 of them > 300
        "150700": ([301, 301, 100, 201, 201, 201, 201], "orange"),  # >300 in another episode
        "150800": ([500], "red"),  # reaches 500
        "150900": ([499, 100], None),  # one day only
        "152200": ([210, 250, 260, 301], "orange"),  # 4 days but only one > 300
    }
    f = forecast_csv(tmp_path / "fc.csv", {(c, issue): v for c, (v, _) in cases.items()})
    from ecoplan.ingest.forecast import import_forecast

    assert import_forecast(wstore, f).accepted == sum(len(v) for v, _ in cases.values())
    summary = run_warnings(wstore, issue, kinds=["air"])
    got = {c: _active_level(wstore, c) for c in cases}
    assert got == {c: g for c, (_, g) in cases.items()}
    assert summary.counts["start"] == sum(1 for _, g in cases.values() if g)
    red = warnings_of(wstore, subject="150800")[0]
    assert red.rule_id == "air.heavy.national"
    assert red.inputs["result"]["rule"] == "national.red.aqi500"
    assert red.inputs["series"] == [
        {"date": "2024-12-02", "aqi": 500.0, "primary_pollutant": "PM2.5"}
    ]
    assert red.category == "environment"


def test_start_upgrade_downgrade_lift_and_nothing_twice(wstore: Store, tmp_path: Path) -> None:
    city = "150200"
    issues = [
        (D(2024, 12, 1), [210, 220, 150, 100], "start", "yellow"),  # 2 days > 200
        (D(2024, 12, 2), [230, 240, 250, 100], "upgrade", "orange"),  # 3 days
        (D(2024, 12, 3), [320, 330, 240, 250], "upgrade", "red"),  # 4 days, 2 > 300
        (D(2024, 12, 4), [230, 240, 100, 100], "downgrade", "yellow"),
        (D(2024, 12, 5), [230, 240, 100, 100], "repeat-suppressed", "yellow"),  # same grade
        (D(2024, 12, 6), [150, 120, 100, 90], "lift", None),
    ]
    for issue, values, event, level in issues:
        import_issue(wstore, tmp_path, city, issue, values)
        s1 = run_warnings(wstore, issue, kinds=["air"])
        assert [e["event"] for e in s1.events] == [event]
        assert _active_level(wstore, city) == level
        before = events_of(wstore)
        s2 = run_warnings(wstore, issue, kinds=["air"])  # same date again: nothing
        assert s2.events == [] and events_of(wstore) == before
    ws = warnings_of(wstore, subject=city)
    assert len(ws) == 1  # one warning all along: continuations, not new warnings
    assert ws[0].state == "lifted" and ws[0].lifted_at is not None
    assert events_of(wstore, ws[0].id) == [
        ("start", None, "yellow"),
        ("upgrade", "yellow", "orange"),
        ("upgrade", "orange", "red"),
        ("downgrade", "red", "yellow"),
        ("repeat-suppressed", "yellow", "yellow"),
        ("lift", "yellow", None),
    ]
    with wstore.session() as s:  # the repeat is recorded but not queued for sending
        n_out = s.scalar(select(func.count()).select_from(OutboxMessage))
        assert n_out == 5
    # a new episode after the lift is a new warning
    import_issue(wstore, tmp_path, city, D(2024, 12, 9), [300, 300])
    assert [e["event"] for e in run_warnings(wstore, D(2024, 12, 9), kinds=["air"]).events] == [
        "start"
    ]
    assert len(warnings_of(wstore, subject=city)) == 2


def test_run_for_an_older_date_changes_nothing(wstore: Store, tmp_path: Path) -> None:
    import_issue(wstore, tmp_path, "150300", D(2025, 1, 10), [250, 260, 270])
    import_issue(wstore, tmp_path, "150300", D(2025, 1, 11), [100, 100, 100])
    assert run_warnings(wstore, D(2025, 1, 10), kinds=["air"]).counts["start"] == 1
    assert run_warnings(wstore, D(2025, 1, 11), kinds=["air"]).counts["lift"] == 1
    before = events_of(wstore)
    assert run_warnings(wstore, D(2025, 1, 10), kinds=["air"]).events == []
    assert events_of(wstore) == before


def test_forecast_horizon_passed_lifts(wstore: Store, tmp_path: Path) -> None:
    """The series is the issue's days after the run date: an old issue that covers no later
    day lifts the warning; an issue one day old still grades its remaining days."""
    import_issue(wstore, tmp_path, "150400", D(2025, 2, 1), [250, 260, 100])
    run_warnings(wstore, D(2025, 2, 1), kinds=["air"])
    assert _active_level(wstore, "150400") == "yellow"
    s = run_warnings(wstore, D(2025, 2, 2), kinds=["air"])  # days 02-03, 02-04: 260, 100
    assert s.counts["lift"] == 1  # only one day > 200 remains
    w = warnings_of(wstore, subject="150400")[0]
    with wstore.session() as ses:
        last = ses.scalars(select(WarningEvent).order_by(WarningEvent.id.desc())).first()
        assert last is not None
        assert [p["date"] for p in last.inputs["series"]] == ["2025-02-03", "2025-02-04"]
    assert w.state == "lifted"
    import_issue(wstore, tmp_path, "150400", D(2025, 3, 1), [250, 260])
    run_warnings(wstore, D(2025, 3, 1), kinds=["air"])
    s = run_warnings(wstore, D(2025, 3, 9), kinds=["air"])
    assert s.counts["lift"] == 1
    assert "预报期已过" in s.events[0]["message_zh"]


def test_hohhot_start_condition_with_observed_hourly_aqi(wstore: Store, tmp_path: Path) -> None:
    """Hohhot (150100) uses the Hohhot scheme: forecast daily AQI > 150 for ≥ 2 days and an
    hourly AQI > 200 → yellow. The observed hourly AQI of the run date comes from the
    warehouse: PM2.5 180 µg/m³ every hour for two days gives a 24-h sliding mean of 180 and,
    by HJ 633-2012 Table 1 (24-h PM2.5 150→IAQI 200, 250→300), IAQI = 200 + (180 − 150) ×
    100/100 = 230 > 200."""
    issue = D(2024, 12, 1)
    import_issue(wstore, tmp_path, "150100", issue, [151, 160, 100])
    import_issue(wstore, tmp_path, "150200", issue, [151, 160, 100])  # national: no warning
    times = pd.date_range("2024-11-30 01:00", "2024-12-02 00:00", freq="h")
    hourly = pd.DataFrame({"station": "H1", "time": times, "pollutant": "PM2.5", "value": 180.0})
    con = hand_warehouse([("H1", "新城区站", "150102", "national")], hourly)
    s = run_warnings(wstore, issue, kinds=["air"], con=con)
    assert [(e["subject"], e["grade_to"]) for e in s.events] == [("150100", "yellow")]
    w = warnings_of(wstore, subject="150100")[0]
    assert w.rule_id == "air.heavy.hohhot"
    assert w.inputs["result"]["rule"] == "hohhot.start"
    assert w.inputs["hourly"]["hours"] == 24 and w.inputs["hourly"]["max_aqi"] == 230.0


def test_hohhot_without_hourly_data_uses_national_grades(wstore: Store, tmp_path: Path) -> None:
    issue = D(2024, 12, 1)
    import_issue(wstore, tmp_path, "150100", issue, [151, 160, 100])
    empty = pd.DataFrame(columns=["station", "time", "pollutant", "value"])
    con = hand_warehouse([("H1", "新城区站", "150102", "national")], empty)
    assert run_warnings(wstore, issue, kinds=["air"], con=con).events == []
    import_issue(wstore, tmp_path, "150100", D(2024, 12, 2), [201, 202, 100])
    s = run_warnings(wstore, D(2024, 12, 2), kinds=["air"], con=con)
    assert [e["grade_to"] for e in s.events] == ["yellow"]
    w = warnings_of(wstore, subject="150100")[0]
    assert w.inputs["scheme_used"] == "national"
    assert "无小时AQI数据" in w.inputs["hohhot_condition"]


def test_disabling_a_rule_lifts_its_warnings(wstore: Store, tmp_path: Path) -> None:
    import_issue(wstore, tmp_path, "150500", D(2024, 12, 1), [250, 250])
    run_warnings(wstore, D(2024, 12, 1), kinds=["air"])
    text = (
        "version: 1\nrules:\n  - id: air.heavy.national\n    kind: air_forecast\n"
        "    enabled: false\n    params: {scheme: national}\n"
    )
    s = run_warnings(wstore, D(2024, 12, 1), kinds=["air"], rules=parse_rules(text, "t.yaml"))
    assert [e["event"] for e in s.events] == ["lift"]
    assert "已停用" in s.events[0]["message_zh"]


def test_a_league_rule_overrides_all(wstore: Store, tmp_path: Path) -> None:
    """A stricter rule for one league (yellow from 1 day) beats the `all` rule there."""
    text = """
version: 1
rules:
  - id: air.all
    kind: air_forecast
    scope: all
    params: {scheme: national}
  - id: air.wuhai
    kind: air_forecast
    scope: ["150300"]
    params: {scheme: national, scheme_params: {yellow_days: 1}}
"""
    rules = parse_rules(text, "t.yaml")
    issue = D(2024, 12, 1)
    import_issue(wstore, tmp_path, "150300", issue, [250, 100])
    import_issue(wstore, tmp_path, "150200", issue, [250, 100])
    s = run_warnings(wstore, issue, kinds=["air"], rules=rules)
    assert [(e["subject"], e["rule_id"], e["grade_to"]) for e in s.events] == [
        ("150300", "air.wuhai", "yellow")
    ]


# ------------------------------------------------------------------------------ property

_STORE_DIR = tempfile.mkdtemp(prefix="ecoplan-warn-prop-")
_PROP_STORE: list[Store] = []


def _prop_store() -> Store:
    if not _PROP_STORE:
        st_ = Store(
            eco_settings(
                home=Path(_STORE_DIR) / "home", database_url=f"sqlite:///{_STORE_DIR}/p.db"
            )
        )
        st_.migrate()
        with st_.session() as s:
            sync_regions(s)
        _PROP_STORE.append(st_)
    st_ = _PROP_STORE[0]
    with st_.session() as s:
        for model in (OutboxMessage, WarningEvent, WarningRecord, AqiForecast):
            s.execute(delete(model))
    return st_


series_st = st.lists(st.sampled_from([100.0, 180.0, 201.0, 301.0, 500.0]), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(series_st, min_size=1, max_size=5))
def test_state_follows_the_standards_grade(issues: list[list[float]]) -> None:
    """For any sequence of daily issues: after each run the active warning's level is the
    national grade of the issue's series (standards engine), the event is the one the level
    change implies, one warning lasts from start to lift, and a second run adds nothing."""
    store = _prop_store()
    tmp = Path(tempfile.mkdtemp(dir=_STORE_DIR))
    rules = default_rules()
    city = "150600"
    prev: str | None = None
    order = ("yellow", "orange", "red")
    for i, values in enumerate(issues):
        issue = D(2024, 1, 1) + dt.timedelta(days=i)
        import_issue(store, tmp, city, issue, values)
        s = run_warnings(store, issue, kinds=["air"], rules=rules)
        want = grade(values, "national")
        assert _active_level(store, city) == want
        events = [e["event"] for e in s.events]
        if prev is None and want is None:
            assert events == []
        elif prev is None:
            assert events == ["start"]
        elif want is None:
            assert events == ["lift"]
        elif order.index(want) > order.index(prev):
            assert events == ["upgrade"]
        elif order.index(want) < order.index(prev):
            assert events == ["downgrade"]
        else:
            assert events == ["repeat-suppressed"]
        assert run_warnings(store, issue, kinds=["air"], rules=rules).events == []
        prev = want
    starts = sum(1 for e in events_of(store) if e[0] == "start")
    assert len(warnings_of(store, subject=city)) == starts


@pytest.fixture(scope="module", autouse=True)
def _dispose_prop_store() -> object:
    yield None
    for s in _PROP_STORE:
        s.dispose()
    shutil.rmtree(_STORE_DIR, ignore_errors=True)
