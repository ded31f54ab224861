"""Hourly air imports on SQLite and PostgreSQL with real Parquet files: quarantine of every
kind of bad row, idempotent re-import, revisions, formats."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest

from ecoplan.ingest import FileLayoutError, import_air
from ecoplan.store import monitoring, warehouse
from ecoplan.store.db import Store

from .conftest import DATA, air_rows, sigs, table_counts

# Expected outcome of tests/data/ingest/air_national.csv (header = line 1; line 13 is blank).
NATIONAL_GOOD = {
    ("1001A", "2024-03-01 00:00", "PM2.5"): 38.0,
    ("1002A", "2024-03-01 00:00", "PM2.5"): 42.0,
    ("1001A", "2024-03-01 00:00", "PM10"): 60.0,
    ("1003A", "2024-03-01 00:00", "PM10"): 5200.0,  # a dust storm: plausible (< 10 000)
    ("1001A", "2024-03-01 00:00", "CO"): 1.2,
    ("1003A", "2024-03-01 00:00", "CO"): 0.9,
    ("1002A", "2024-03-01 00:00", "SO2"): 11.0,
    ("1003A", "2024-03-01 00:00", "SO2"): 12.0,
    ("1001A", "2024-03-01 01:00", "O3"): 40.0,
    ("1003A", "2024-03-01 01:00", "O3"): 30.0,
    ("1001A", "2024-03-01 01:00", "PM2.5"): 40.0,
    ("1002A", "2024-03-01 01:00", "PM2.5"): 41.0,
    ("1003A", "2024-03-01 01:00", "PM2.5"): 42.0,
    ("1001A", "2024-03-01 02:00", "NO2"): 20.0,
    ("1003A", "2024-03-01 02:00", "NO2"): 22.0,
}
NATIONAL_BAD = sorted(
    [
        (5, "1002A", "non_numeric"),  # abc
        (6, "1002A", "implausible"),  # CO 200 mg/m³ > 150
        (7, "1001A", "negative"),  # SO2 -3
        (8, "hour", "bad_hour"),  # hour 24: every non-empty cell of the line
        (8, "hour", "bad_hour"),
        (8, "hour", "bad_hour"),
        (9, "date", "bad_date"),  # 20240230
        (9, "date", "bad_date"),
        (9, "date", "bad_date"),
        (10, "1002A", "implausible"),  # O3 2500 > 2000
        (10, "9999X", "unknown_station"),
        (11, "type", "unknown_pollutant"),  # PM1
        (11, "type", "unknown_pollutant"),
        (14, "", "malformed_line"),  # one field short
        (15, "1002A", "conflicting_duplicate"),  # NO2 21 vs 29 at the same hour
        (16, "1002A", "conflicting_duplicate"),
    ]
)


def test_national_layout_quarantines_each_bad_value_and_stores_the_rest(seeded: Store) -> None:
    res = import_air(seeded, DATA / "air_national.csv")
    assert sigs(res) == NATIONAL_BAD
    assert (res.accepted, res.rejected, res.duplicates, res.revised) == (15, 16, 2, 0)
    # derived rows: AQI (3 cells) and PM2.5_24h (3 cells); empty cells in the other rows: 12
    assert (res.skipped_derived, res.missing) == (6, 12)
    assert air_rows(seeded) == NATIONAL_GOOD
    with seeded.session() as ses:
        q = monitoring.list_quarantine(ses, batch_id=res.batch_id)
    assert len(q) == 16
    by = {(r["line"], r["column_name"]): r for r in q}
    assert by[(5, "1002A")]["raw_value"] == "abc"
    assert by[(5, "1002A")]["file_name"] == "air_national.csv"
    assert json.loads(by[(5, "1002A")]["raw_row"]) == {
        "date": "20240301",
        "hour": "0",
        "type": "PM10",
        "station": "1002A",
        "value": "abc",
    }
    assert json.loads(by[(5, "1002A")]["key"]) == {
        "pollutant": "PM10",
        "station": "1002A",
        "time": "2024-03-01T00:00",
    }
    assert "150" in by[(6, "1002A")]["reason"] and "mg/m³" in by[(6, "1002A")]["reason"]
    assert by[(10, "9999X")]["raw_value"] == "7"
    assert by[(14, None)]["raw_value"] == "20240301,2,PM2.5,40,41"
    assert "lines 15, 16" in by[(15, "1002A")]["reason"]


def test_importing_twice_changes_nothing(seeded: Store) -> None:
    first = import_air(seeded, DATA / "air_national.csv")
    before = (
        table_counts(seeded),
        air_rows(seeded),
        warehouse.dataset_files(seeded.settings, "air_hourly"),
    )
    again = import_air(seeded, DATA / "air_national.csv")
    assert again.unchanged and again.batch_id is None
    assert (again.accepted, again.revised, again.rejected) == (0, 0, first.rejected)
    assert again.duplicates == first.accepted + first.duplicates
    after = (
        table_counts(seeded),
        air_rows(seeded),
        warehouse.dataset_files(seeded.settings, "air_hourly"),
    )
    assert after == before


def test_a_changed_value_is_a_revision_and_the_view_shows_it(seeded: Store, tmp_path: Path) -> None:
    first = import_air(seeded, DATA / "air_national.csv")
    f = tmp_path / "fix.csv"
    f.write_text(
        "date,hour,type,1001A,1002A\n"
        "20240301,0,PM2.5,39.5,42\n"  # 1001A changed (38 → 39.5); 1002A unchanged
        "20240301,3,PM2.5,50,\n",  # new
        encoding="utf-8",
    )
    res = import_air(seeded, f)
    assert (res.accepted, res.revised, res.duplicates, res.rejected) == (1, 1, 1, 0)
    rows = air_rows(seeded)
    assert rows[("1001A", "2024-03-01 00:00", "PM2.5")] == 39.5
    assert rows[("1002A", "2024-03-01 00:00", "PM2.5")] == 42.0
    assert rows[("1001A", "2024-03-01 03:00", "PM2.5")] == 50.0
    assert len(rows) == len(NATIONAL_GOOD) + 1
    with seeded.session() as ses:
        revs = monitoring.list_revisions(ses, kind="air")
    assert len(revs) == 1
    r = revs[0]
    assert json.loads(r["key"]) == {
        "pollutant": "PM2.5",
        "station": "1001A",
        "time": "2024-03-01T00:00",
    }
    assert (r["old_value"], r["new_value"]) == (38.0, 39.5)
    assert (r["old_batch_id"], r["new_batch_id"]) == (first.batch_id, res.batch_id)
    con = warehouse.connect(store=seeded)
    versions = con.sql(
        "SELECT value, seq FROM air_hourly_versions WHERE station='1001A' AND pollutant='PM2.5' "
        "AND time = TIMESTAMP '2024-03-01 00:00' ORDER BY seq"
    ).fetchall()
    con.close()
    assert [v for v, _ in versions] == [38.0, 39.5]


def test_effective_values_follow_the_newest_batch_over_random_imports(
    seeded: Store, tmp_path: Path
) -> None:
    """Five imports of random subsets with random changes; after each, the view equals the
    value of the newest batch that wrote each key (computed here independently)."""
    rng = random.Random(7)
    stations, hours = ["1001A", "1002A", "1003A"], range(4)
    expected: dict[tuple[str, str, str], float] = {}
    for k in range(5):
        lines = ["station,time,pollutant,value"]
        for st in stations:
            for h in hours:
                if rng.random() < 0.6:
                    t = f"2024-05-01 {h:02d}:00"
                    v = float(rng.choice([10, 11, 12]))
                    lines.append(f"{st},{t},NO2,{v:g}")
                    expected[(st, t, "NO2")] = v
        f = tmp_path / f"step{k}.csv"
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
        import_air(seeded, f)
        assert air_rows(seeded) == expected


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_xlsx_and_parquet_give_the_same_result_as_csv(
    seeded: Store, tmp_path: Path, fmt: str
) -> None:
    src = DATA / "air_long.csv"
    df = pd.read_csv(src, dtype=str, keep_default_na=False)
    f = tmp_path / f"air_long.{fmt}"
    if fmt == "xlsx":
        df.to_excel(f, index=False)
    else:
        df.replace("", None).to_parquet(f, index=False)
    res = import_air(seeded, f)
    assert air_rows(seeded) == _long_expected()
    # XLSX rows are numbered like CSV lines (header = row 1); Parquet records from 1
    shift = 1 if fmt == "parquet" else 0
    assert sigs(res) == [(line - shift, c, code) for line, c, code in LONG_BAD]


LONG_BAD = sorted(
    [
        (6, "unit", "unit_mismatch"),  # CO in µg/m³
        (8, "time", "bad_time"),  # 24:00
        (9, "time", "bad_time"),  # 04:30 is not on the full hour
        (10, "pollutant", "unknown_pollutant"),  # PM1
        (12, "station", "unknown_station"),  # 1099A
        (16, "value", "conflicting_duplicate"),
        (17, "value", "conflicting_duplicate"),
    ]
)


def _long_expected() -> dict[tuple[str, str, str], float]:
    return {
        ("1001A", "2024-03-02 00:00", "PM2.5"): 35.0,
        ("1001A", "2024-03-02 01:00", "PM2.5"): 36.0,  # 细颗粒物, ug/m3
        ("1001A", "2024-03-02 02:00", "PM2.5"): 37.0,  # +08:00 kept as is
        ("1001A", "2024-03-02 03:00", "PM10"): 80.0,  # 19:00Z = 03:00 UTC+8
        ("1001A", "2024-03-02 03:00", "CO"): 0.9,
        ("1002A", "2024-03-02 06:00", "NO2"): 31.0,
    }


def test_long_layout_units_times_and_duplicates(seeded: Store) -> None:
    res = import_air(seeded, DATA / "air_long.csv")
    assert sigs(res) == LONG_BAD
    assert (res.accepted, res.rejected, res.duplicates) == (6, 7, 1)
    assert (res.skipped_derived, res.missing) == (1, 1)
    assert air_rows(seeded) == _long_expected()
    unit = next(r for r in res.rejections if r["reason_code"] == "unit_mismatch")
    assert unit["raw_value"] == "µg/m³" and "mg/m³" in unit["reason"]


def test_files_refused_whole(
    seeded: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "x.csv"
    f.write_text("station,when,pollutant,value\n1001A,2024-01-01 00:00,NO2,3\n", "utf-8")
    with pytest.raises(FileLayoutError, match=r"x\.csv.*missing column\(s\) time.*'when'"):
        import_air(seeded, f)
    assert table_counts(seeded)["import_batch"] == 2  # the two registry imports only

    # a file whose rows would nearly all be refused (registry not imported): refused whole
    from ecoplan.ingest import measurements

    monkeypatch.setattr(measurements, "MAX_QUARANTINE", 5)
    f = tmp_path / "nobody.csv"
    rows = "".join(f"20240101,{h},NO2,1,2\n" for h in range(4))
    f.write_text("date,hour,type,X1,X2\n" + rows, "utf-8")
    with pytest.raises(FileLayoutError, match=r"8 rows would be quarantined.*unknown_station"):
        import_air(seeded, f)
    assert table_counts(seeded)["quarantine"] == 0
