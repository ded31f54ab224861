"""Data-quality warnings: silent and flat-lining stations, on a small hand-built warehouse
(DuckDB tables with the warehouse's names) and through the real importers (SQLite and
PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ecoplan.ingest import import_air, import_stations
from ecoplan.model.warning_rules import default_rules, parse_rules
from ecoplan.store.db import Store
from ecoplan.warn import run_warnings
from ecoplan.warn.data_quality import evaluate_data_quality

from .conftest import hand_warehouse, warnings_of

D = dt.date
AS_OF = D(2024, 3, 10)  # window: stamps 2024-03-03 01:00 … 2024-03-11 00:00 (7 days)
POLS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
STATIONS = [
    ("OK", "正常站", "150102", "national"),
    ("SIL", "中断站", "150103", "national"),
    ("SIL24", "刚好24小时站", "150104", "national"),
    ("FLAT", "恒定站", "150105", "national"),
    ("SHORT", "短恒定站", "150202", "provincial"),
    ("GAP", "间断恒定站", "150203", "micro"),
]


def _varying(station: str, times: pd.DatetimeIndex) -> pd.DataFrame:
    """Every pollutant changing every hour (30 + hour index mod 7: never two equal in a row)."""
    k = np.arange(len(times))
    return pd.concat(
        [
            pd.DataFrame({"station": station, "time": times, "pollutant": p, "value": 30.0 + k % 7})
            for p in POLS
        ]
    )


def _hourly() -> pd.DataFrame:
    times = pd.date_range("2024-03-03 01:00", "2024-03-11 00:00", freq="h")
    parts = [_varying("OK", times)]
    parts.append(_varying("SIL", times[times <= "2024-03-09 20:00"]))  # silent 28 h
    parts.append(_varying("SIL24", times[times <= "2024-03-10 00:00"]))  # silent exactly 24 h
    flat = _varying("FLAT", times)
    run = (flat["pollutant"] == "PM2.5") & flat["time"].between(
        "2024-03-08 01:00", "2024-03-08 12:00"
    )
    flat.loc[run, "value"] = 35.0  # 12 consecutive hours (01:00 … 12:00) at 35 µg/m³
    parts.append(flat)
    short = _varying("SHORT", times)
    run = (short["pollutant"] == "CO") & short["time"].between(
        "2024-03-08 01:00", "2024-03-08 11:00"
    )
    short.loc[run, "value"] = 0.4  # only 11 hours
    parts.append(short)
    gap = _varying("GAP", times)
    run = (gap["pollutant"] == "O3") & gap["time"].between("2024-03-08 01:00", "2024-03-08 13:00")
    gap.loc[run, "value"] = 80.0  # 13 stamps at 80 …
    gap = gap[~((gap["pollutant"] == "O3") & (gap["time"] == pd.Timestamp("2024-03-08 07:00")))]
    parts.append(gap)  # … but 07:00 missing: runs of 6 and 6 hours
    return pd.concat(parts, ignore_index=True)


def test_silent_and_flatline_on_a_hand_built_warehouse() -> None:
    con = hand_warehouse(STATIONS, _hourly())
    silent, flat = evaluate_data_quality(con, default_rules(), AS_OF)
    # reference hour = the latest stamp of any station = 2024-03-11 00:00
    # SIL: last 03-09 20:00 → 28 h > 24 → silent; SIL24: last 03-10 00:00 → 24 h, not > 24
    assert [(f.subject, f.inputs["silent_hours"]) for f in silent.findings] == [("SIL", 28)]
    f = silent.findings[0]
    assert f.inputs["last_value_time"] == "2024-03-09 20:00"
    assert f.inputs["reference_time"] == "2024-03-11 00:00"
    assert {c.subject: c.inputs["silent_hours"] for c in silent.clears} == {
        "OK": 0, "SIL24": 24, "FLAT": 0, "SHORT": 0, "GAP": 0,
    }  # fmt: skip
    # FLAT: PM2.5 35 for 12 h ≥ 12 → flat; SHORT: 11 h; GAP: the missing hour breaks the run
    assert [f.subject for f in flat.findings] == ["FLAT"]
    assert flat.findings[0].inputs["runs"] == [
        {
            "pollutant": "PM2.5",
            "value": 35.0,
            "start_time": "2024-03-08 01:00",
            "end_time": "2024-03-08 12:00",
            "hours": 12,
        }
    ]
    assert sorted(c.subject for c in flat.clears) == ["GAP", "OK", "SHORT", "SIL", "SIL24"]


def test_thresholds_are_parameters() -> None:
    text = """
version: 1
rules:
  - id: dq.silent
    kind: station_silent
    params: {hours: 23, lookback_days: 7}
  - id: dq.flat
    kind: station_flatline
    params: {hours: 12, hours_by_pollutant: {CO: 11}, pollutants: [CO, PM2.5]}
"""
    con = hand_warehouse(STATIONS, _hourly())
    silent, flat = evaluate_data_quality(con, parse_rules(text, "t.yaml"), AS_OF)
    assert sorted(f.subject for f in silent.findings) == ["SIL", "SIL24"]  # 24 > 23
    assert sorted(f.subject for f in flat.findings) == ["FLAT", "SHORT"]  # CO 11 h ≥ 11
    floors = text.replace("pollutants: [CO, PM2.5]", "ignore_at_or_below: {PM2.5: 35, CO: 0.3}")
    _, flat = evaluate_data_quality(con, parse_rules(floors, "t.yaml"), AS_OF)
    assert [f.subject for f in flat.findings] == ["SHORT"]  # PM2.5 35 ≤ 35 exempt; CO 0.4 > 0.3


def test_stored_warnings_and_lift(wstore: Store) -> None:
    hourly = _hourly()
    con = hand_warehouse(STATIONS, hourly)
    s = run_warnings(wstore, AS_OF, kinds=["data_quality"], con=con)
    assert sorted((e["kind"], e["subject"]) for e in s.events) == [
        ("station_flatline", "FLAT"),
        ("station_silent", "SIL"),
    ]
    w = warnings_of(wstore, subject="SIL")[0]
    assert (w.region_code, w.category, w.level) == ("150103", "data_quality", "silent")
    assert run_warnings(wstore, AS_OF, kinds=["data_quality"], con=con).events == []
    # the next day SIL reports again and nothing is flat any more in the window 03-05 … 03-12
    more = pd.date_range("2024-03-11 01:00", "2024-03-12 00:00", freq="h")
    later = pd.concat([hourly, *(_varying(code, more) for code, *_ in STATIONS)], ignore_index=True)
    con2 = hand_warehouse(STATIONS, later)
    s = run_warnings(wstore, D(2024, 3, 11), kinds=["data_quality"], con=con2)
    # FLAT's run of 03-08 is still inside the 7-day window: the warning continues
    assert [(e["subject"], e["event"]) for e in s.events] == [("SIL", "lift")]
    s = run_warnings(wstore, D(2024, 3, 16), kinds=["data_quality"], con=hand_warehouse(
        STATIONS,
        pd.concat(
            [later]
            + [
                _varying(code, pd.date_range("2024-03-12 01:00", "2024-03-17 00:00", freq="h"))
                for code, *_ in STATIONS
            ],
            ignore_index=True,
        ),
    ))  # fmt: skip
    assert [(e["subject"], e["event"]) for e in s.events] == [("FLAT", "lift")]


def test_through_the_real_importers(wstore: Store, tmp_path: Path) -> None:
    """Stations and long-layout hourly data imported into the Parquet warehouse; the run
    opens the warehouse itself."""
    (tmp_path / "st.csv").write_text(
        "code,name,region_code,longitude,latitude,kind\n"
        "1001A,新城区站,150102,111.67,40.86,national\n"
        "1002A,回民区站,150103,111.62,40.81,national\n",
        "utf-8",
    )
    assert import_stations(wstore, tmp_path / "st.csv").accepted == 2
    lines = ["station,time,pollutant,value,unit"]
    for h in range(48):  # 2024-05-01 00:00 … 05-02 23:00 (hour-end stamps as stored)
        t = dt.datetime(2024, 5, 1) + dt.timedelta(hours=h)
        lines.append(f"1001A,{t:%Y-%m-%d %H:%M},PM2.5,{20 + h % 5},µg/m³")
        if h < 20:  # 1002A stops after 2024-05-01 19:00
            lines.append(f"1002A,{t:%Y-%m-%d %H:%M},PM2.5,42,µg/m³")  # and is stuck at 42
    (tmp_path / "air.csv").write_text("\n".join(lines) + "\n", "utf-8")
    assert import_air(wstore, tmp_path / "air.csv").accepted == 68
    s = run_warnings(wstore, D(2024, 5, 2), kinds=["data_quality"])
    # reference = 05-02 23:00 (latest stamp ≤ 05-03 00:00); 1002A last 05-01 19:00 → 28 h;
    # 1002A PM2.5 = 42 at 20 consecutive hours ≥ 12 → flat
    assert sorted((e["kind"], e["subject"]) for e in s.events) == [
        ("station_flatline", "1002A"),
        ("station_silent", "1002A"),
    ]
    silent = warnings_of(wstore, kind="station_silent")[0]
    assert silent.inputs["silent_hours"] == 28
    flat = warnings_of(wstore, kind="station_flatline")[0]
    assert flat.inputs["runs"][0]["hours"] == 20
