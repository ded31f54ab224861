"""GB 3095-2012 / GB 3095-2026 limits (standards.md §2.1, §2.2)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ecoplan.standards.limits import (
    LIMIT_SETS,
    Edition,
    LimitError,
    LimitNotDefinedError,
    Stage,
    canonical_period,
    canonical_pollutant,
    edition_on,
    limit,
    limit_array,
    limit_set,
    to_local_date,
)

OLD = "2025-06-30"  # GB 3095-2012
TRANSITION = "2027-06-30"  # GB 3095-2026 transition stage
FINAL = "2031-06-30"  # GB 3095-2026 final stage


# Level-2 limits of GB 3095-2012 equal the IAQI = 100 breakpoints of HJ 633-2012 Table 1
# (standards.md §2.1, "How each part is confirmed").
@pytest.mark.parametrize(
    ("pollutant", "period", "expected"),
    [
        ("SO2", "24h", 150),
        ("SO2", "1h", 500),
        ("NO2", "24h", 80),
        ("NO2", "1h", 200),
        ("PM10", "24h", 150),
        ("PM2.5", "24h", 75),
        ("CO", "24h", 4),
        ("CO", "1h", 10),
        ("O3", "8h", 160),
        ("O3", "1h", 200),
        # annual level-2 limits = composite-index denominators (S12, S13, S8)
        ("SO2", "annual", 60),
        ("NO2", "annual", 40),
        ("PM10", "annual", 70),
        ("PM2.5", "annual", 35),
    ],
)
def test_gb3095_2012_level2(pollutant: str, period: str, expected: float) -> None:
    assert limit(pollutant, period, on=OLD) == expected


@pytest.mark.parametrize(
    ("pollutant", "period", "l1", "l2"),
    [
        ("SO2", "annual", 20, 60),
        ("SO2", "24h", 50, 150),
        ("NO2", "annual", 40, 40),
        ("O3", "8h", 100, 160),
        ("PM10", "annual", 40, 70),
        ("PM10", "24h", 50, 150),
        ("PM2.5", "annual", 15, 35),
        ("PM2.5", "24h", 35, 75),
    ],
)
def test_gb3095_2012_levels(pollutant: str, period: str, l1: float, l2: float) -> None:
    assert limit(pollutant, period, 1, on=OLD) == l1
    assert limit(pollutant, period, 2, on=OLD) == l2


# GB 3095-2026 Table 1 (standards.md §2.2): (transition L1, transition L2, final L1, final L2)
TABLE1_2026 = {
    ("SO2", "annual"): (20, 60, 20, 20),
    ("SO2", "24h"): (50, 150, 50, 50),
    ("SO2", "1h"): (150, 500, 150, 150),
    ("NO2", "annual"): (40, 40, 30, 30),
    ("NO2", "24h"): (80, 80, 50, 50),
    ("NO2", "1h"): (200, 200, 200, 200),
    ("CO", "24h"): (4, 4, 4, 4),
    ("CO", "1h"): (10, 10, 10, 10),
    ("O3", "8h"): (100, 160, 100, 160),
    ("O3", "1h"): (160, 200, 160, 200),
    ("PM10", "annual"): (40, 60, 20, 50),
    ("PM10", "24h"): (50, 120, 50, 100),
    ("PM2.5", "annual"): (15, 30, 10, 25),
    ("PM2.5", "24h"): (35, 60, 25, 50),
}


@pytest.mark.parametrize(("key", "row"), list(TABLE1_2026.items()))
def test_gb3095_2026_table1(key: tuple[str, str], row: tuple[float, ...]) -> None:
    pollutant, period = key
    got = (
        limit(pollutant, period, 1, on=TRANSITION),
        limit(pollutant, period, 2, on=TRANSITION),
        limit(pollutant, period, 1, on=FINAL),
        limit(pollutant, period, 2, on=FINAL),
    )
    assert got == row


def test_gb3095_2026_table2() -> None:
    # TSP, Pb, BaP: the same in both stages; NOx: transition 50/100 until 2030-12-31
    for on in (TRANSITION, FINAL):
        assert limit("TSP", "annual", 1, on=on) == 80
        assert limit("TSP", "annual", 2, on=on) == 200
        assert limit("TSP", "24h", 1, on=on) == 120
        assert limit("TSP", "24h", 2, on=on) == 300
        assert limit("NOx", "1h", on=on) == 250
        assert limit("Pb", "annual", on=on) == 0.5
        assert limit("Pb", "quarter", on=on) == 1.0
        assert limit("BaP", "annual", on=on) == 0.001
        assert limit("BaP", "24h", on=on) == 0.0025
    assert limit("NOx", "annual", on=TRANSITION) == 50
    assert limit("NOx", "24h", on=TRANSITION) == 100
    assert limit("NOx", "annual", on=FINAL) == 40
    assert limit("NOx", "24h", on=FINAL) == 70


@pytest.mark.parametrize(
    ("on", "pm25_24h"),
    [
        ("2026-02-28", 75),  # last day of GB 3095-2012
        ("2026-03-01", 60),  # first day of GB 3095-2026 (transition)
        ("2030-12-31", 60),  # last day of the transition stage
        ("2031-01-01", 50),  # first day of the final stage
        (dt.date(2016, 1, 1), 75),
        (dt.datetime(2026, 3, 1, 0, 30), 60),
        (pd.Timestamp("2031-01-01 08:00"), 50),
        (np.datetime64("2026-02-28T23:00"), 75),
    ],
)
def test_edition_switch_dates(on: object, pm25_24h: float) -> None:
    assert limit("PM2.5", "24h", on=on) == pm25_24h


def test_timezone_aware_dates_are_read_in_utc8() -> None:
    # 2026-02-28 16:30 UTC is 2026-03-01 00:30 in Beijing: the 2026 edition applies.
    on = pd.Timestamp("2026-02-28 16:30", tz="UTC")
    assert to_local_date(on) == dt.date(2026, 3, 1)
    assert limit("PM2.5", "24h", on=on) == 60


def test_edition_on() -> None:
    assert edition_on("2026-02-28") == (Edition.GB3095_2012, Stage.SINGLE)
    assert edition_on("2026-03-01") == (Edition.GB3095_2026, Stage.TRANSITION)
    assert edition_on("2031-01-01") == (Edition.GB3095_2026, Stage.FINAL)


def test_limit_set_by_name() -> None:
    s = limit_set(edition="GB 3095-2026", stage="final")
    assert s.limit("PM2.5", "annual") == 25
    assert limit_set(edition="GB 3095-2026").stage is Stage.TRANSITION
    assert limit_set(edition=Edition.GB3095_2012).limit("PM10", "annual") == 70
    with pytest.raises(LimitError, match="does not apply"):
        limit_set(edition="GB 3095-2026", stage="final", on="2027-01-01")
    with pytest.raises(LimitError, match="unknown edition"):
        limit_set(edition="GB 3095-1996")
    with pytest.raises(LimitError, match="give a date"):
        limit_set()


def test_aliases() -> None:
    assert canonical_pollutant("pm2_5") == "PM2.5"
    assert canonical_pollutant("PM25") == "PM2.5"
    assert canonical_pollutant("nox") == "NOx"
    assert canonical_period("日平均") == "24h"
    assert canonical_period("年平均") == "annual"
    assert canonical_period("daily") == "24h"
    assert limit("pm2.5", "年平均", on=OLD) == 35


def test_errors() -> None:
    with pytest.raises(LimitNotDefinedError, match="CO"):
        limit("CO", "annual", on=OLD)  # GB 3095 sets no annual CO limit
    with pytest.raises(LimitNotDefinedError):
        limit("TSP", "annual", on=OLD)  # GB 3095-2012 Table 2 is not held
    with pytest.raises(LimitError, match="level"):
        limit("SO2", "24h", 3, on=OLD)
    with pytest.raises(LimitError, match="unknown pollutant"):
        limit("H2S", "24h", on=OLD)
    with pytest.raises(LimitError, match="unknown averaging period"):
        limit("SO2", "week", on=OLD)
    with pytest.raises(LimitError, match="cannot read a date"):
        limit("SO2", "24h", on="not a date")
    assert issubclass(LimitError, ValueError)


def test_limit_array_across_switches() -> None:
    dates = ["2025-12-31", "2026-03-01", "2030-12-31", "2031-01-01", None]
    got = limit_array("PM2.5", "24h", dates)
    np.testing.assert_array_equal(got[:4], [75, 60, 60, 50])
    assert np.isnan(got[4])
    tz = pd.DatetimeIndex(["2026-02-28 16:30"], tz="UTC")  # = 2026-03-01 00:30 +08:00
    assert limit_array("PM10", "24h", tz)[0] == 120


def test_level1_never_above_level2_and_final_never_above_transition() -> None:
    for s in LIMIT_SETS:
        for pollutant, period in s.items():
            assert s.limit(pollutant, period, 1) <= s.limit(pollutant, period, 2)
    trans = limit_set(edition="GB 3095-2026", stage="transition")
    final = limit_set(edition="GB 3095-2026", stage="final")
    assert set(trans.items()) == set(final.items())
    for pollutant, period in trans.items():
        for level in (1, 2):
            assert final.limit(pollutant, period, level) <= trans.limit(pollutant, period, level)


def test_limit_sets_are_contiguous() -> None:
    # every day maps to exactly one set
    for day in pd.date_range("2025-12-25", "2031-01-05", freq="D"):
        covering = [s for s in LIMIT_SETS if s.covers(day.date())]
        assert len(covering) == 1
