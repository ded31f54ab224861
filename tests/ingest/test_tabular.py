"""Reading and cell parsing (no database): line numbers, encodings, numbers, times, keys."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.ingest import parse_national_hourly
from ecoplan.ingest.codes import AIR_UNITS, POLLUTANTS, WATER_ITEMS, canonical_unit
from ecoplan.ingest.measurements import AIR, WATER, key_strings
from ecoplan.ingest.quarantine import canonical_key
from ecoplan.ingest.tabular import (
    parse_dates,
    parse_hour_times,
    parse_raw,
    parse_yyyymmdd,
    to_float,
)


def test_csv_lines_count_blank_lines_and_skip_malformed_ones() -> None:
    data = b"a,b\r\n1,2\r\n\r\n3,4\r\n5\r\n\r\n6,7\r\n"
    raw = parse_raw(data, file_name="t.csv")
    assert raw.lines.tolist() == [2, 4, 7]
    assert raw.table.column(0).to_pylist() == ["1", "3", "6"]
    assert [(line, text) for line, text, _ in raw.malformed] == [(5, "5")]


def test_gb18030_and_bom() -> None:
    text = "站点,值\n呼和浩特,1\n"
    gbk = parse_raw(text.encode("gb18030"), file_name="g.csv")
    bom = parse_raw(b"\xef\xbb\xbf" + text.encode("utf-8"), file_name="u.csv")
    for raw in (gbk, bom):
        assert raw.header == ["站点", "值"]
        assert raw.table.column(0).to_pylist() == ["呼和浩特"]


def test_national_frame_is_long_and_keeps_positions() -> None:
    data = b"date,hour,type,A,B\n20240101,5,PM2.5,1,\n20240101,5,O3_8h,9,9\n20240101,6,CO,,0.5\n"
    frame, meta = parse_national_hourly(data, file_name="n.csv")
    got = [
        (r.station, str(r.time), r.pollutant, r.value, r.line)
        for r in frame.itertuples(index=False)
    ]
    assert sorted(got) == [
        ("A", "2024-01-01 05:00:00", "PM2.5", 1.0, 2),
        ("B", "2024-01-01 06:00:00", "CO", 0.5, 4),
    ]
    assert (meta["skipped_derived"], meta["missing"], meta["unique_keys"]) == (2, 2, True)


@settings(max_examples=200, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, width=64))
def test_numbers_round_trip_through_text(x: float) -> None:
    cells = pa.array([repr(x), f"{x:.6g}", f" {x!r} "])
    v, present, bad = to_float(cells)
    assert present.all() and not bad.any()
    assert v[0] == x and v[2] == x
    assert math.isclose(v[1], float(f"{x:.6g}"))


@given(st.text(min_size=1).filter(lambda s: s.strip() != ""))
def test_anything_else_is_non_numeric_or_a_number(s: str) -> None:
    v, present, bad = to_float(pa.array([s]))
    assert present[0]
    try:
        expected: float | None = float(s.strip())
    except ValueError:
        expected = None
    if bad[0]:
        assert math.isnan(v[0])
    else:  # accepted cells are exactly Python's decimal floats, finite
        assert expected is not None and math.isfinite(expected) and v[0] == expected


def test_empty_and_blank_cells_are_missing_not_errors() -> None:
    v, present, bad = to_float(pa.array(["", "  ", None, "nan", "inf", "1,5", "—"]))
    assert present.tolist() == [False, False, False, True, True, True, True]
    assert bad.tolist() == [False, False, False, True, True, True, True]
    assert np.isnan(v).all()


def test_hour_times() -> None:
    s = pd.Series(
        [
            "2024-03-02 05:00",
            "2024-03-02T05:00:00",
            "2024/03/02 05:00",
            "2024030205",
            "2024-03-01T21:00Z",  # 21:00 UTC = 05:00 UTC+8 next day
            "2024-03-02T05:00+08:00",
            "2024-03-02 05:30",
            "2024-03-02 24:00",
            "junk",
        ],
        dtype="str",
    )
    t, off = parse_hour_times(s)
    assert [str(x) for x in t[:6]] == ["2024-03-02 05:00:00"] * 6
    assert off.tolist() == [False] * 6 + [True, False, False]
    assert t[7:].isna().all()


def test_dates() -> None:
    d = parse_dates(pd.Series(["2024-01-15", "2024/01/16", "20240117", "2024-02-30", "x"]))
    assert [str(x) for x in d[:3]] == [
        "2024-01-15 00:00:00",
        "2024-01-16 00:00:00",
        "2024-01-17 00:00:00",
    ]
    assert d[3:].isna().all()
    y = parse_yyyymmdd(pd.Series(["20240229", "20230229", "2024011", "20240101.0"]))
    assert [None if pd.isna(x) else str(x)[:10] for x in y] == [
        "2024-02-29",
        None,
        None,
        "2024-01-01",
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(min_size=1, max_size=6),
            st.datetimes(
                min_value=pd.Timestamp("2000-01-01").to_pydatetime(),
                max_value=pd.Timestamp("2040-01-01").to_pydatetime(),
            ),
            st.sampled_from(POLLUTANTS),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_vectorised_keys_equal_the_scalar_json(rows: list) -> None:
    site = pd.Series([r[0] for r in rows], dtype="str")
    time = pd.Series([pd.Timestamp(r[1]).floor("h") for r in rows])
    pol = pd.Series([r[2] for r in rows], dtype="str")
    got = key_strings(AIR, site, time, pol).tolist()
    want = [
        canonical_key({"station": s, "time": f"{t:%Y-%m-%dT%H:%M}", "pollutant": p})
        for s, t, p in zip(site, time, pol, strict=True)
    ]
    assert got == want
    got_w = key_strings(WATER, site, time.dt.floor("D"), pd.Series(["NH3N"] * len(rows))).tolist()
    assert got_w[0] == canonical_key(
        {"section": rows[0][0], "date": f"{time.iloc[0]:%Y-%m-%d}", "item": "NH3N"}
    )


def test_codes_agree_with_the_standards_tables() -> None:
    from ecoplan.standards import aqi_tables, water_tables

    assert set(POLLUTANTS) == set(aqi_tables.POLLUTANTS)
    assert {p: canonical_unit(u) for p, u in AIR_UNITS.items()} == {
        p: canonical_unit(u) for p, u in aqi_tables.UNITS.items()
    }
    assert list(WATER_ITEMS) == list(water_tables.WATER_ITEMS)
    for code, item in WATER_ITEMS.items():
        std = water_tables.WATER_ITEMS[code]
        assert (item.name_zh, item.unit) == (std.name_zh, std.unit)
        # the plausible range contains every class limit of GB 3838-2002 Table 1
        assert item.low <= min(std.limits) and max(std.limits) <= item.high


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("ug/m3", "µg/m³"),
        ("μg/m³", "µg/m³"),
        ("微克/立方米", "µg/m³"),
        ("MG/M3", "mg/m³"),
        ("毫克/升", "mg/L"),
        ("ppb", "ppb"),
    ],
)
def test_units(text: str, unit: str) -> None:
    assert canonical_unit(text) == unit
