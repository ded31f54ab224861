"""The city AQI forecast importer: validation, quarantine, idempotence, revisions, every issue
date kept (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.forecast import import_forecast
from ecoplan.store import schema as s
from ecoplan.store.db import Store
from ecoplan.store.schema_warn import AqiForecast

GOOD = """城市代码,发布日期,预报日期,AQI,首要污染物
150100,2024-12-01,2024-12-02,160,PM2.5
150100,2024/12/01,2024/12/03,170,细颗粒物、PM10
150100,20241201,20241204,45,—
150200,2024-12-01,2024-12-11,230,O3_8h
150200,2024-12-01,2024-12-05,,
"""


def _rows(store: Store) -> list[tuple[str, str, str, float, str | None]]:
    with store.session() as ses:
        return [
            (f.region_code, f"{f.issue_date}", f"{f.target_date}", f.aqi, f.primary_pollutant)
            for f in ses.scalars(
                select(AqiForecast).order_by(
                    AqiForecast.region_code, AqiForecast.issue_date, AqiForecast.target_date
                )
            )
        ]


def test_import_good_file_and_again(wstore: Store, tmp_path: Path) -> None:
    f = tmp_path / "good.csv"
    f.write_text(GOOD, encoding="utf-8")
    r = import_forecast(wstore, f)
    assert (r.accepted, r.rejected, r.missing) == (4, 0, 1)
    assert _rows(wstore) == [
        ("150100", "2024-12-01", "2024-12-02", 160.0, "PM2.5"),
        ("150100", "2024-12-01", "2024-12-03", 170.0, "PM2.5,PM10"),
        ("150100", "2024-12-01", "2024-12-04", 45.0, None),
        ("150200", "2024-12-01", "2024-12-11", 230.0, "O3_8h"),  # lead 10 days: accepted
    ]
    again = import_forecast(wstore, f)
    assert again.unchanged and again.duplicates == 4 and again.accepted == 0


def test_each_issue_is_kept_and_corrections_are_revisions(wstore: Store, tmp_path: Path) -> None:
    a = tmp_path / "a.csv"
    a.write_text(
        "region_code,issue_date,target_date,aqi\n150300,2024-12-01,2024-12-03,210\n", "utf-8"
    )
    b = tmp_path / "b.csv"  # the next day's issue for the same target day
    b.write_text(
        "region_code,issue_date,target_date,aqi\n150300,2024-12-02,2024-12-03,250\n", "utf-8"
    )
    assert import_forecast(wstore, a).accepted == 1
    assert import_forecast(wstore, b).accepted == 1
    assert [r[1:4] for r in _rows(wstore)] == [
        ("2024-12-01", "2024-12-03", 210.0),
        ("2024-12-02", "2024-12-03", 250.0),
    ]
    c = tmp_path / "c.csv"  # corrected issue of 12-01
    c.write_text(
        "region_code,issue_date,target_date,aqi\n150300,2024-12-01,2024-12-03,215\n", "utf-8"
    )
    r = import_forecast(wstore, c)
    assert (r.accepted, r.revised) == (0, 1)
    with wstore.session() as ses:
        rev = ses.scalars(select(s.Revision)).all()
    assert [(x.kind, x.old_value, x.new_value) for x in rev] == [("forecast", 210.0, 215.0)]
    assert '"issue_date":"2024-12-01' in rev[0].key


BAD = """region_code,issue_date,target_date,aqi,primary_pollutant
150102,2024-12-01,2024-12-02,100,PM2.5
159999,2024-12-01,2024-12-02,100,PM2.5
150200,2024-12-01,2024-12-01,100,PM2.5
150200,2024-12-01,2024-12-12,100,PM2.5
150200,2024-12-01,2024-11-30,100,PM2.5
150200,2024-13-01,2024-12-02,100,PM2.5
150200,2012-12-01,2012-12-02,100,PM2.5
150200,2024-12-01,2024-12-03,501,PM2.5
150200,2024-12-01,2024-12-04,-1,PM2.5
150200,2024-12-01,2024-12-05,1OO,PM2.5
150200,2024-12-01,2024-12-06,100,dust
,2024-12-01,2024-12-07,100,
150200,2024-12-01,2024-12-08,120,
150200,2024-12-01,2024-12-08,130,
150200,2024-12-01,2024-12-09,500,O3
"""


def test_bad_rows_are_quarantined_with_reasons(wstore: Store, tmp_path: Path) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(BAD, encoding="utf-8")
    r = import_forecast(wstore, f)
    got = sorted((q["line"], q["column_name"], q["reason_code"]) for q in r.rejections)
    assert got == [
        (2, "region_code", "bad_value"),  # a county, not a league/city
        (3, "region_code", "unknown_region"),
        (4, "target_date", "bad_range"),  # lead 0 days
        (5, "target_date", "bad_range"),  # lead 11 days
        (6, "target_date", "bad_range"),  # before the issue
        (7, "issue_date", "bad_date"),
        (8, "issue_date", "bad_date"),  # before 2013 (HJ 633-2012 in force 2013-01-01)
        (9, "aqi", "implausible"),  # above 500
        (10, "aqi", "negative"),
        (11, "aqi", "non_numeric"),
        (12, "primary_pollutant", "unknown_pollutant"),
        (13, "region_code", "missing_field"),
        (14, None, "conflicting_duplicate"),  # the same key with another value
        (15, None, "conflicting_duplicate"),
    ]
    assert r.accepted == 1  # only the last row (AQI 500 is the top of the scale, allowed)
    assert _rows(wstore) == [("150200", "2024-12-01", "2024-12-09", 500.0, "O3")]
    lead = next(q for q in r.rejections if q["line"] == 5)
    assert "11 day(s)" in lead["reason"]
    with wstore.session() as ses:
        kinds = set(ses.scalars(select(s.Quarantine.kind)))
    assert kinds == {"forecast"}
    assert import_forecast(wstore, f).unchanged  # the same file again changes nothing


def test_xlsx_and_unknown_columns(wstore: Store, tmp_path: Path) -> None:
    df = pd.DataFrame(
        {
            "region_code": ["150600", "150600"],
            "issue_date": [dt.date(2025, 1, 5), dt.date(2025, 1, 5)],
            "target_date": [dt.date(2025, 1, 6), dt.date(2025, 1, 7)],
            "aqi": [205, 215],
            "城市名称": ["鄂尔多斯市", "鄂尔多斯市"],
        }
    )
    x = tmp_path / "fc.xlsx"
    df.to_excel(x, index=False)
    assert import_forecast(wstore, x).accepted == 2
    bad = tmp_path / "cols.csv"
    bad.write_text("region_code,issue_date,day,aqi\n150600,2025-01-05,2025-01-06,1\n", "utf-8")
    with pytest.raises(FileLayoutError, match=r"missing column.*target_date"):
        import_forecast(wstore, bad)
