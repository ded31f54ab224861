"""Quarantine round trip: export the refused rows, correct them, re-import, resolved."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ecoplan.ingest import import_air, import_water
from ecoplan.ingest.quarantine import export_rows
from ecoplan.store import monitoring
from ecoplan.store.db import Store

from .conftest import DATA, air_rows, water_rows


def _open(store: Store, kind: str) -> list[dict]:
    with store.session() as ses:
        return monitoring.list_quarantine(ses, kind=kind)


def test_export_correct_reimport_resolves(seeded: Store, tmp_path: Path) -> None:
    first = import_air(seeded, DATA / "air_national.csv")
    rows = _open(seeded, "air")
    assert len(rows) == first.rejected == 16
    out = tmp_path / "fix.csv"
    assert export_rows("air", rows, out) == 16
    df = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(df.columns) == [
        "station",
        "time",
        "pollutant",
        "value",
        "unit",
        "quarantine_id",
        "reason",
    ]
    abc = df[df["value"] == "abc"].iloc[0]
    assert (abc["station"], abc["time"], abc["pollutant"]) == ("1002A", "2024-03-01 00:00", "PM10")
    bad_hour = df[df["reason"].str.contains("air_national.csv:8")].iloc[0]
    assert bad_hour["time"] == "20240301 24"  # left as read, for the official to correct

    # the official corrects two rows and leaves the others as they were
    df.loc[df["value"] == "abc", "value"] = "65"
    df.loc[bad_hour.name, "time"] = "2024-03-01 23:00"
    df.to_csv(out, index=False, encoding="utf-8-sig")
    res = import_air(seeded, out)
    assert res.accepted == 2
    assert air_rows(seeded)[("1002A", "2024-03-01 00:00", "PM10")] == 65.0
    assert air_rows(seeded)[("1001A", "2024-03-01 23:00", "NO2")] == 10.0
    with seeded.session() as ses:
        resolved = monitoring.list_quarantine(ses, kind="air", include_resolved=True)
    by_id = {r["id"]: r for r in resolved}
    fixed = by_id[int(abc["quarantine_id"])]
    assert fixed["resolved"] and fixed["resolved_by_batch"] == res.batch_id
    still = _open(seeded, "air")
    # every other row is refused again and replaces its old quarantine row (shown once)
    assert len(still) == 14
    assert {r["file_name"] for r in still if r["reason_code"] != "malformed_line"} == {"fix.csv"}
    assert all(r["replaces_id"] is not None for r in still if r["file_name"] == "fix.csv")
    # the malformed line was exported with empty fields (its text is in the reason): left as is,
    # the row is empty (missing), so the original quarantine row stays open
    (malformed,) = [r for r in still if r["reason_code"] == "malformed_line"]
    assert malformed["file_name"] == "air_national.csv" and res.missing == 1


def test_a_later_file_with_the_key_resolves_by_key(seeded: Store, tmp_path: Path) -> None:
    import_water(seeded, DATA / "water_wide.csv")
    open_before = _open(seeded, "water")
    ph = next(r for r in open_before if r["column_name"] == "pH值")
    f = tmp_path / "resend.csv"
    f.write_text("section,date,pH\nHH-01,2024-02-15,7.9\n", "utf-8")
    res = import_water(seeded, f)
    assert (res.accepted, res.resolved) == (1, 1)
    assert water_rows(seeded)[("HH-01", "2024-02-15", "pH")] == 7.9
    assert ph["id"] not in {r["id"] for r in _open(seeded, "water")}
    assert len(_open(seeded, "water")) == len(open_before) - 1
