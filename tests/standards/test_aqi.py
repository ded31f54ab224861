"""Worked cases for HJ 633-2012 / HJ 633-2026 (ecoplan.standards.aqi).

Every expected IAQI below is either a table value of the standard or computed by hand with
formula (1), IAQI = (IAQI_Hi − IAQI_Lo)/(BP_Hi − BP_Lo)·(C − BP_Lo) + IAQI_Lo, rounded UP
(2012 §6.2, 2026 §4.2.6); the arithmetic is in the comment next to each case.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

from ecoplan.standards import aqi as A
from ecoplan.standards.aqi_tables import BREAKPOINTS, LEVELS, Version

# ---------------------------------------------------------------------------------------------
# Tables transcribed independently (reference/standards.md §1.1 = HJ 633-2012 Table 1 and §1.5 =
# HJ 633-2026 Table 3).  None marks a footnote cell (SO2 1h above 800, O3 8h above 800).
# ---------------------------------------------------------------------------------------------
STEPS = (0, 50, 100, 150, 200, 300, 400, 500)
T2012: dict[tuple[str, str], tuple[int | None, ...]] = {
    ("SO2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("SO2", "1h"): (0, 150, 500, 650, 800, None, None, None),
    ("NO2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
    ("CO", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("CO", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("O3", "8h"): (0, 100, 160, 215, 265, 800, None, None),
    ("PM2.5", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
}
T2026 = dict(T2012)
T2026[("PM10", "24h")] = (0, 50, 120, 250, 350, 420, 500, 600)
T2026[("PM2.5", "24h")] = (0, 35, 60, 115, 150, 250, 350, 500)
TABLES: dict[Version, dict[tuple[str, str], tuple[int | None, ...]]] = {
    "2012": T2012,
    "2026": T2026,
}

BREAKPOINT_CASES = [
    (version, pollutant, period, conc, step)
    for version, table in TABLES.items()
    for (pollutant, period), column in table.items()
    for conc, step in zip(column, STEPS, strict=True)
    if conc is not None
]


def test_module_tables_match_the_transcription() -> None:
    for version, table in TABLES.items():
        assert set(BREAKPOINTS[version]) == set(table)
        for key, column in table.items():
            assert BREAKPOINTS[version][key] == tuple(c for c in column if c is not None)


@pytest.mark.parametrize(("version", "pollutant", "period", "conc", "expected"), BREAKPOINT_CASES)
def test_exact_iaqi_at_every_breakpoint(
    version: str, pollutant: str, period: str, conc: int, expected: int
) -> None:
    # At a breakpoint formula (1) gives the table IAQI exactly, from either segment.
    assert A.iaqi(pollutant, conc, period, version) == expected
    assert A.iaqi(pollutant, float(conc), period, version) == expected
    got = A.iaqi_array(pollutant, np.array([float(conc)]), period, version)
    assert got.tolist() == [float(expected)]


def test_pm_breakpoints_that_changed_in_2026() -> None:
    assert A.iaqi("PM2.5", 60, "24h", "2026") == 100
    assert A.iaqi("PM2.5", 75, "24h", "2012") == 100
    assert A.iaqi("PM10", 120, "24h", "2026") == 100
    assert A.iaqi("PM10", 150, "24h", "2012") == 100
    # 2012 PM2.5 60: 50 + (100-50)/(75-35)·(60-35) = 50 + 31.25 = 81.25 → 82
    assert A.iaqi("PM2.5", 60, "24h", "2012") == 82
    # 2026 PM2.5 75: 100 + (150-100)/(115-60)·(75-60) = 100 + 13.636… → 114
    assert A.iaqi("PM2.5", 75, "24h", "2026") == 114


INTERPOLATED = [
    # (version, pollutant, period, conc, expected)   hand arithmetic
    ("2012", "PM2.5", "24h", 80, 107),  # (150-100)/(115-75)·(80-75)+100 = 106.25 → 107
    ("2012", "PM2.5", "24h", 36, 52),  # 50/40·(36-35)+50 = 51.25 → 52
    ("2012", "PM2.5", "24h", 35.5, 51),  # 50/40·0.5+50 = 50.625 → 51
    ("2012", "PM2.5", "24h", 75.4, 101),  # 50/40·0.4+100 = 100.5 → 101
    ("2012", "PM2.5", "24h", 300, 350),  # 100/100·(300-250)+300 = 350
    ("2012", "PM10", "24h", 200, 125),  # 50/100·(200-150)+100 = 125
    ("2012", "PM10", "24h", 50.5, 51),  # 50/100·0.5+50 = 50.25 → 51
    ("2012", "CO", "24h", 2.5, 63),  # 50/2·(2.5-2)+50 = 62.5 → 63
    ("2012", "CO", "24h", 3, 75),  # 50/2·1+50 = 75
    ("2012", "CO", "1h", 5.5, 55),  # 50/5·0.5+50 = 55
    ("2012", "NO2", "24h", 41, 52),  # 50/40·1+50 = 51.25 → 52
    ("2012", "NO2", "1h", 101, 51),  # 50/100·1+50 = 50.5 → 51
    ("2012", "O3", "8h", 100.5, 51),  # 50/60·0.5+50 = 50.41… → 51
    ("2012", "O3", "1h", 161, 52),  # 50/40·1+50 = 51.25 → 52
    ("2012", "O3", "1h", 180, 75),  # 50/40·20+50 = 75
    ("2012", "O3", "1h", 900, 350),  # 100/200·(900-800)+300 = 350
    ("2012", "SO2", "24h", 100, 75),  # 50/100·50+50 = 75
    ("2012", "SO2", "24h", 2000, 380),  # 100/500·(2000-1600)+300 = 380
    ("2012", "SO2", "1h", 700, 167),  # 50/150·(700-650)+150 = 166.67 → 167
    ("2012", "NO2", "24h", 600, 319),  # 100/185·(600-565)+300 = 318.92 → 319
    ("2012", "CO", "24h", 50, 417),  # 100/12·(50-48)+400 = 416.67 → 417
    ("2026", "PM2.5", "24h", 50, 80),  # 50/25·(50-35)+50 = 80
    ("2026", "PM2.5", "24h", 61, 101),  # 50/55·1+100 = 100.91 → 101
    ("2026", "PM2.5", "24h", 115, 150),  # breakpoint
    ("2026", "PM10", "24h", 100, 86),  # 50/70·(100-50)+50 = 85.71 → 86
    ("2026", "PM10", "24h", 200, 131),  # 50/130·(200-120)+100 = 130.77 → 131
    ("2026", "PM10", "24h", 121, 101),  # 50/130·1+100 = 100.38 → 101
    ("2026", "O3", "8h", 300, 207),  # 100/535·(300-265)+200 = 206.54 → 207
    ("2026", "CO", "24h", 2.5, 63),  # 2.5 stays 2.5 (one decimal); 25·0.5+50 = 62.5 → 63
]


@pytest.mark.parametrize(("version", "pollutant", "period", "conc", "expected"), INTERPOLATED)
def test_interpolated_cases(
    version: str, pollutant: str, period: str, conc: float, expected: int
) -> None:
    assert A.iaqi(pollutant, conc, period, version) == expected
    assert A.iaqi_array(pollutant, [conc], period, version)[0] == expected


# ---------------------------------------------------------------------------------------------
# Exact arithmetic: exact integers stay, anything above goes up.
# ---------------------------------------------------------------------------------------------


def test_exact_integer_results_are_not_pushed_up() -> None:
    # 2012 CO 24h c: IAQI = 50 + 25·(c − 2).  c = 2.2 gives exactly 55, but in binary 2.2 is
    # 2.2000000000000001776…, and plain float arithmetic gives 55.00000000000001.
    naive = (100 - 50) / (4 - 2) * (2.2 - 2) + 50
    assert naive > 55  # the float trap this test is about
    assert math.ceil(naive) == 56
    assert A.iaqi("CO", 2.2, "24h", "2012") == 55
    assert A.iaqi("CO", 2.2, "24h", "2026") == 55  # 2.2 is already at one decimal
    assert A.iaqi_array("CO", [2.2], "24h", "2012").tolist() == [55.0]
    # CO 0.28: 25·0.28 = 7 exactly (naive float 7.000000000000001)
    assert A.iaqi("CO", 0.28, "24h", "2012") == 7
    # SO2 24h 2120.8: 100/500·(2120.8 − 2100) + 400 = 404 exactly (naive 404.00000000000006)
    assert A.iaqi("SO2", 2120.8, "24h", "2012") == 404
    assert A.iaqi_array("SO2", [2120.8], "24h", "2012").tolist() == [404.0]
    # Every c = 2 + 0.04·k on [2, 4] gives exactly 50 + k, never one more.
    cs = [round(2 + 0.04 * k, 2) for k in range(51)]
    expected = [50 + k for k in range(51)]
    assert [A.iaqi("CO", c, "24h", "2012") for c in cs] == expected
    assert A.iaqi_array("CO", cs, "24h", "2012").tolist() == expected
    # PM2.5 2012, 35 → 75: IAQI = 50 + 1.25·(c − 35); c = 35.8 gives exactly 51.
    assert A.iaqi("PM2.5", 35.8, "24h", "2012") == 51
    assert A.iaqi_array("PM2.5", [35.8], "24h", "2012").tolist() == [51.0]


def test_every_integer_iaqi_point_exhaustively() -> None:
    # For every segment of every column and every integer m on it, the concentration c_m at
    # which formula (1) is exactly m (c_m = BP_lo + (m − I_lo)·ΔBP/ΔI, a decimal with ≤ 2
    # places) must give m, and the next double above c_m must give m + 1 (2012: no rounding).
    # Under 2026 concentrations are rounded first, so there only the c_m that are already
    # rounded (integers; CO one decimal) are checked.
    for version, table in TABLES.items():
        for (pollutant, period), column in table.items():
            bps = [b for b in column if b is not None]
            points: list[float] = []
            want: list[int] = []
            for s in range(1, len(bps)):
                lo, hi, ilo, ihi = bps[s - 1], bps[s], STEPS[s - 1], STEPS[s]
                for m in range(ilo, ihi + 1):
                    c_m = Fraction(lo) + Fraction((m - ilo) * (hi - lo), ihi - ilo)
                    if version == "2026":
                        scale = 10 if pollutant == "CO" else 1
                        if (c_m * scale).denominator == 1:
                            points.append(float(c_m))
                            want.append(m)
                        continue
                    points.append(float(c_m))
                    want.append(m)
                    if m < ihi:
                        points.append(float(np.nextafter(float(c_m), np.inf)))
                        want.append(m + 1)
            got = [A.iaqi(pollutant, c, period, version) for c in points]
            assert got == want, (version, pollutant, period)
            assert A.iaqi_array(pollutant, points, period, version).tolist() == want


def test_anything_above_an_integer_goes_up() -> None:
    # 2012 PM2.5: IAQI 50.0001 at c = 35 + 0.0001/1.25 = 35.00008 → 51
    assert A.iaqi("PM2.5", 35.00008, "24h", "2012") == 51
    # the next double above 35 (35 + 7.1e-15): IAQI 50 + 8.9e-15 → 51
    c = float(np.nextafter(35.0, 36.0))
    assert A.iaqi("PM2.5", c, "24h", "2012") == 51
    assert A.iaqi_array("PM2.5", [c], "24h", "2012").tolist() == [51.0]
    # the next double below 35.8 (exact 51) gives 50.99999… → 51; above gives 51.0000… → 52
    below, above = np.nextafter(35.8, 0.0), np.nextafter(35.8, 100.0)
    assert A.iaqi("PM2.5", float(below), "24h", "2012") == 51
    assert A.iaqi("PM2.5", float(above), "24h", "2012") == 52
    assert A.iaqi_array("PM2.5", [below, above], "24h", "2012").tolist() == [51.0, 52.0]
    # Under 2026 the concentration is first rounded to an integer: 35.00008 → 35 → 50.
    assert A.iaqi("PM2.5", 35.00008, "24h", "2026") == 50


def test_decimal_and_int_inputs() -> None:
    assert A.iaqi("CO", Decimal("2.04"), "24h", "2012") == 51
    assert A.iaqi("PM2.5", np.int64(80), "24h", "2012") == 107
    assert A.iaqi("PM2.5", np.float32(80), "24h", "2012") == 107


# ---------------------------------------------------------------------------------------------
# 2026 concentration rounding (GB/T 8170, §4.2.2)
# ---------------------------------------------------------------------------------------------

ROUNDING_2026 = [
    # (pollutant, conc, rounded, iaqi)
    ("PM2.5", 60.5, 60, 100),  # …5 exactly, kept digit 0 even → 60 → breakpoint 100
    ("PM2.5", 61.5, 62, 102),  # kept digit 1 odd → 62; 50/55·2+100 = 101.82 → 102
    ("PM2.5", 60.4999, 60, 100),  # < 5 → down
    ("PM2.5", 60.5001, 61, 101),  # 5 followed by non-zero → up; 50/55·1+100 = 100.91 → 101
    ("PM2.5", 35.4, 35, 50),  # 35 → 50 (2012 would give 50/40·0.4+50 = 50.5 → 51)
    ("PM10", 120.5, 120, 100),  # even → 120 → 100
    ("O3", 100.5, 100, 50),  # 8h: even → 100 → 50
    ("O3", 101.5, 102, 52),  # 8h: odd → 102; 50/60·2+50 = 51.67 → 52
    ("CO", 2.05, 2.0, 50),  # one decimal: kept 0 even → 2.0 → 50
    ("CO", 2.15, 2.2, 55),  # kept 1 odd → 2.2; 25·0.2+50 = 55
    ("CO", 2.25, 2.2, 55),  # kept 2 even → 2.2 → 55
    ("CO", 2.35, 2.4, 60),  # kept 3 odd → 2.4; 25·0.4+50 = 60
    ("CO", 2.04, 2.0, 50),  # → 2.0 → 50 (2012: 51)
    ("CO", 2.051, 2.1, 53),  # → 2.1; 25·0.1+50 = 52.5 → 53
]


@pytest.mark.parametrize(("pollutant", "conc", "rounded", "expected"), ROUNDING_2026)
def test_2026_rounds_concentrations_half_to_even(
    pollutant: str, conc: float, rounded: float, expected: int
) -> None:
    period = "8h" if pollutant == "O3" else "24h"
    decimals = 1 if pollutant == "CO" else 0
    assert A.round_gbt8170(conc, decimals) == Decimal(str(rounded)).quantize(
        Decimal(1).scaleb(-decimals)
    )
    assert A.round_gbt8170_array([conc], decimals).tolist() == [rounded]
    assert A.iaqi(pollutant, conc, period, "2026") == expected
    assert A.iaqi_array(pollutant, [conc], period, "2026").tolist() == [expected]


def test_gbt8170_rule_cases() -> None:
    # Hand-worked cases of the 进舍规则 (GB/T 8170-2008 §3.1–3.3).
    assert A.round_gbt8170(12.1498, 1) == Decimal("12.1")  # dropped 4 < 5 → down
    assert A.round_gbt8170(12.1498, 0) == Decimal("12")
    assert A.round_gbt8170(10.5002, 0) == Decimal("11")  # 5 then non-zero → up
    assert A.round_gbt8170(1.050, 1) == Decimal("1.0")  # 5 exactly, 0 even → down
    assert A.round_gbt8170(0.35, 1) == Decimal("0.4")  # 5 exactly, 3 odd → up
    assert A.round_gbt8170(0.5, 0) == Decimal("0")
    assert A.round_gbt8170(1.5, 0) == Decimal("2")
    assert A.round_gbt8170(2.5, 0) == Decimal("2")
    assert A.round_gbt8170(Decimal("0.25"), 1) == Decimal("0.2")
    got = A.round_gbt8170_array([12.1498, 10.5002, 1.05, 0.35, 0.5, 1.5, 2.5, np.nan], 0)
    assert got[:7].tolist() == [12, 11, 1, 0, 0, 2, 2]
    assert np.isnan(got[7])
    with pytest.raises(ValueError, match="missing"):
        A.round_gbt8170(float("nan"), 0)


# ---------------------------------------------------------------------------------------------
# Special rules for values above 800 µg/m³
# ---------------------------------------------------------------------------------------------


def test_2026_so2_1h_above_800_counts_as_200() -> None:
    # Table 3 note b: "SO2 1 小时平均浓度值高于 800 µg/m³ 的，IAQI 按照 200 计"
    assert A.iaqi("SO2", 801, "1h", "2026") == 200
    assert A.iaqi("SO2", 5000, "1h", "2026") == 200
    assert A.iaqi("SO2", 800.4, "1h", "2026") == 200  # rounds to 800: the breakpoint, 200
    assert A.iaqi("SO2", 799, "1h", "2026") == 200  # 50/150·(799-650)+150 = 199.67 → 200
    assert A.iaqi("SO2", 700, "1h", "2026") == 167
    assert A.iaqi_array("SO2", [801, 5000, 700], "1h", "2026").tolist() == [200, 200, 167]


def test_2026_o3_8h_above_800_counts_as_300() -> None:
    # Table 3 note c: "O3 8 小时平均浓度值高于 800 µg/m³ 的，IAQI 按照 300 计"
    assert A.iaqi("O3", 801, "8h", "2026") == 300
    assert A.iaqi("O3", 2000, "8h", "2026") == 300
    assert A.iaqi_array("O3", [801, 2000], "8h", "2026").tolist() == [300, 300]
    r = A.daily_aqi({"SO2": 5, "NO2": 10, "PM10": 30, "PM2.5": 20, "CO": 0.5, "O3_8h": 850}, "2026")
    assert r.aqi == 300 and r.iaqi["O3_8h"] == 300 and r.primary == ["O3"]


def test_2012_so2_1h_above_800_has_no_iaqi() -> None:
    # Table 1 note (2): no 1h IAQI; the SO2 IAQI reported is the 24h one.
    with pytest.raises(A.NoIAQIError, match="note"):
        A.iaqi("SO2", 801, "1h", "2012")
    with pytest.raises(A.NoIAQIError):
        A.iaqi_array("SO2", [100, 801], "1h", "2012")
    assert A.iaqi("SO2", 800, "1h", "2012") == 200
    c = {
        "SO2": 900, "SO2_24h": 300, "NO2": 50, "CO": 1.0, "O3": 100, "O3_8h": 90,
        "PM10_24h": 80, "PM2.5_24h": 50, "PM10": 90, "PM2.5": 60,
    }  # fmt: skip
    r = A.hourly_aqi(c, "2012", reading="table4")
    # SO2 24h 300: 50/325·(300-150)+100 = 123.08 → 124 (not the 1h column)
    assert r.iaqi["SO2"] == 124
    assert r.aqi == 124 and r.primary == ["SO2"]
    assert any("note 2" in n for n in r.notes)
    # The 24h value is used only when the 1h value is above 800.
    c2 = dict(c, SO2=400)  # 1h: 50/350·(400-150)+50 = 85.71 → 86
    assert A.hourly_aqi(c2, "2012", reading="table4").iaqi["SO2"] == 86
    # Without a 24h value SO2 becomes NA.
    c3 = dict(c)
    del c3["SO2_24h"]
    r3 = A.hourly_aqi(c3, "2012", reading="table4")
    assert "SO2" not in r3.iaqi and r3.missing == ["SO2"]
    # PM2.5_24h 50: 50/40·(50-35)+50 = 68.75 → 69; PM10_24h 80 → 50/100·30+50 = 65
    assert r3.aqi == 69 and r3.primary == ["PM2.5"]


def test_2012_o3_8h_above_800_uses_the_1h_iaqi() -> None:
    # Table 1 note (3).
    with pytest.raises(A.NoIAQIError, match="note"):
        A.iaqi("O3", 801, "8h", "2012")
    c = {"SO2": 5, "NO2": 10, "PM10": 30, "PM2.5": 20, "CO": 0.5, "O3_8h": 850, "O3_1h": 1000}
    r = A.daily_aqi(c, "2012")
    assert "O3_8h" not in r.iaqi
    assert r.iaqi["O3_1h"] == 400  # table value
    assert r.aqi == 400 and r.primary == ["O3"] and r.missing == []
    assert any("note 3" in n for n in r.notes)


# ---------------------------------------------------------------------------------------------
# Above the top breakpoint (standard silent): raise by default, 500 + flag when capping
# ---------------------------------------------------------------------------------------------


def test_beyond_top_breakpoint() -> None:
    with pytest.raises(A.BeyondTableError, match="top breakpoint 500"):
        A.iaqi("PM2.5", 501, "24h", "2026")
    with pytest.raises(A.BeyondTableError):
        A.iaqi_array("PM10", [10, 601], "24h", "2012")
    assert A.iaqi("PM2.5", 501, "24h", "2026", on_beyond="cap") == 500
    assert A.iaqi("PM2.5", 500.4, "24h", "2026") == 500  # rounds to 500: in the table
    with pytest.raises(A.BeyondTableError):
        A.iaqi("PM2.5", 500.4, "24h", "2012")  # 2012 does not round
    # Dust storm day: PM10 2500 µg/m³.
    c = {"SO2": 10, "NO2": 20, "PM10": 2500, "PM2.5": 300, "CO": 1.0, "O3_8h": 80}
    r = A.daily_aqi(c, "2026")
    assert r.aqi == 500 and r.iaqi["PM10"] == 500 and r.beyond_table == ["PM10"]
    assert r.primary == ["PM10"] and r.level == 6
    with pytest.raises(A.BeyondTableError):
        A.daily_aqi(c, "2026", on_beyond="raise")
    arr = A.daily_aqi_array({k: np.array([v]) for k, v in c.items()}, "2026")
    assert arr.aqi.tolist() == [500.0]
    assert arr.names(int(arr.beyond_mask[0]), "indicator") == ["PM10"]


# ---------------------------------------------------------------------------------------------
# Daily report, primary and exceeding pollutants, levels
# ---------------------------------------------------------------------------------------------


def test_daily_2026_example() -> None:
    c = {"SO2": 10, "NO2": 30, "PM10": 200, "PM2.5": 115, "CO": 1.2, "O3_8h": 90}
    r = A.daily_aqi(c, "2026")
    # SO2 10: 50/50·10 = 10; NO2 30: 50/40·30 = 37.5 → 38; PM10 200 → 131 (above);
    # PM2.5 115 → 150; CO 1.2: 25·1.2 = 30; O3 8h 90: 50/100·90 = 45
    assert r.iaqi == {"SO2": 10, "NO2": 38, "PM10": 131, "PM2.5": 150, "CO": 30, "O3_8h": 45}
    assert r.aqi == 150 and r.level == 3 and r.category_zh == "轻度污染"
    assert r.color == "#FF7E00" and r.primary == ["PM2.5"]
    assert r.exceeding == [] and r.published and r.missing == [] and r.version == "2026"


def test_daily_2012_seven_indicators_and_exceeding() -> None:
    c = {"SO2": 10, "NO2": 30, "PM10": 200, "PM2.5": 80, "CO": 1.2, "O3_8h": 90, "O3_1h": 250}
    r = A.daily_aqi(c, "2012")
    # PM10 200 → 125; PM2.5 80 → 107; O3 1h 250: 50/100·(250-200)+100 = 125
    assert r.iaqi["PM10"] == 125 and r.iaqi["PM2.5"] == 107 and r.iaqi["O3_1h"] == 125
    assert r.aqi == 125
    assert r.primary == ["PM10", "O3"]  # tie, both listed; O3 reported as "O3"
    assert r.exceeding == ["PM10", "PM2.5", "O3"]  # IAQI > 100
    # Without O3_1h the 2012 daily report lacks one of its 7 indicators.
    c2 = dict(c)
    del c2["O3_1h"]
    r2 = A.daily_aqi(c2, "2012")
    assert r2.missing == ["O3_1h"] and r2.published  # 2012 has no §5.3 rule


def test_o3_1h_is_not_a_2026_daily_indicator() -> None:
    c = {"SO2": 10, "NO2": 30, "PM10": 40, "PM2.5": 20, "CO": 0.6, "O3_8h": 90, "O3_1h": 400}
    r = A.daily_aqi(c, "2026")
    assert "O3_1h" not in r.iaqi and r.ignored == ["O3_1h"]
    assert r.aqi == 45  # O3 8h 90 → 45; O3 1h 400 (IAQI 200) does not count under 2026


def test_primary_ties_and_no_primary_at_or_below_50() -> None:
    # PM10 50 → 50, PM2.5 35 → 50: AQI 50, no primary pollutant (§4.4.2 / §4.3.1: AQI > 50).
    r = A.daily_aqi({"PM10": 50, "PM2.5": 35, "SO2": 5, "NO2": 5, "CO": 0.2, "O3_8h": 30})
    assert r.aqi == 50 and r.primary == [] and r.level == 1 and r.category_zh == "优"
    # SO2 150 → 100, NO2 80 → 100, PM2.5 60 → 100 (2026): three primaries.
    r = A.daily_aqi({"SO2": 150, "NO2": 80, "PM10": 50, "PM2.5": 60, "CO": 1, "O3_8h": 100})
    assert r.aqi == 100 and r.primary == ["SO2", "NO2", "PM2.5"] and r.level == 2
    # 51: PM2.5 36 (2026) → 50/25·1+50 = 52; O3 8h 102 → 50/60·2+50 = 51.67 → 52 — tie
    r = A.daily_aqi({"PM2.5": 36, "O3_8h": 102, "SO2": 1, "NO2": 1, "PM10": 1, "CO": 0.1})
    assert r.aqi == 52 and r.primary == ["PM2.5", "O3"]


def test_all_zero_gives_aqi_zero() -> None:
    r = A.daily_aqi(dict.fromkeys(("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h"), 0))
    assert r.aqi == 0 and r.level == 1 and r.primary == []


@pytest.mark.parametrize(
    ("aqi", "number", "name"),
    [
        (0, 1, "优"), (50, 1, "优"), (51, 2, "良"), (100, 2, "良"), (101, 3, "轻度污染"),
        (150, 3, "轻度污染"), (151, 4, "中度污染"), (200, 4, "中度污染"), (201, 5, "重度污染"),
        (300, 5, "重度污染"), (301, 6, "严重污染"), (500, 6, "严重污染"),
    ],
)  # fmt: skip
def test_levels(aqi: int, number: int, name: str) -> None:
    lev = A.level_of(aqi)
    assert (lev.number, lev.name_zh) == (number, name)
    assert A.level_array([aqi]).tolist() == [number]


def test_level_colours_and_texts() -> None:
    # HJ 633 Appendix A: RGB and the hex codes agree; both editions use the same colours.
    expected = {
        1: ("绿色", (0, 228, 0), "#00E400"),
        2: ("黄色", (255, 255, 0), "#FFFF00"),
        3: ("橙色", (255, 126, 0), "#FF7E00"),
        4: ("红色", (255, 0, 0), "#FF0000"),
        5: ("紫色", (153, 0, 76), "#99004C"),
        6: ("褐红色", (126, 0, 35), "#7E0023"),
    }
    for version in ("2012", "2026"):
        for lev in LEVELS[version]:
            color_zh, rgb, hx = expected[lev.number]
            assert (lev.color_zh, lev.rgb, lev.color) == (color_zh, rgb, hx)
            assert "#{:02X}{:02X}{:02X}".format(*lev.rgb) == lev.color
    assert "心脏" in A.level_of(160, "2012").health_effect_zh
    assert "心血管系统" in A.level_of(160, "2026").health_effect_zh
    assert A.level_of(160, "2026").advice_zh.startswith("青少年儿童")
    for bad in (-1, 50.5, float("nan"), True):
        with pytest.raises(ValueError):
            A.level_of(bad)  # type: ignore[arg-type]
    assert A.level_array([np.nan]).tolist() == [0]


# ---------------------------------------------------------------------------------------------
# 2026 §5.3 publication rule and missing data
# ---------------------------------------------------------------------------------------------


def test_2026_publication_rule() -> None:
    full = {"SO2": 10, "NO2": 30, "PM10": 60, "PM2.5": 50, "CO": 0.8, "O3_8h": 90}
    # complete data, AQI 80 (PM2.5 50: 50/25·15+50 = 80): published
    r = A.daily_aqi(full)
    assert r.aqi == 80 and r.published and r.published_aqi == 80
    # CO missing, AQI 80 ≤ 100: AQI computed but NOT published (NA), IAQIs are
    no_co = {k: v for k, v in full.items() if k != "CO"}
    r = A.daily_aqi(no_co)
    assert r.aqi == 80 and not r.published and r.published_aqi is None
    assert r.missing == ["CO"] and r.iaqi["PM2.5"] == 80 and "CO" not in r.iaqi
    # NaN is missing too
    assert not A.daily_aqi(dict(full, CO=float("nan"))).published
    assert not A.daily_aqi(dict(full, CO=None)).published
    # CO missing but AQI 131 > 100 (PM10 200): published
    r = A.daily_aqi(dict(no_co, PM10=200))
    assert r.aqi == 131 and r.published
    # AQI exactly 100 is not "大于 100"
    r = A.daily_aqi({**no_co, "PM2.5": 60})
    assert r.aqi == 100 and not r.published
    # §5.3.2: not in the monitoring plan (caller asserts the 3-year history condition)
    r = A.daily_aqi(no_co, not_in_plan={"CO"})
    assert r.published and r.missing == ["CO"]
    # 2012 has no such rule
    assert A.daily_aqi(no_co, "2012").published


def test_all_missing_raises() -> None:
    with pytest.raises(ValueError, match="no IAQI"):
        A.daily_aqi({})
    with pytest.raises(ValueError, match="no IAQI"):
        A.daily_aqi({"PM2.5": None, "PM10": float("nan")}, "2012")
    with pytest.raises(ValueError, match="no IAQI"):
        A.daily_aqi({"O3_8h": 900}, "2012")  # 2012: no 8h IAQI and no 1h value


def test_bad_input() -> None:
    with pytest.raises(ValueError, match="negative"):
        A.iaqi("PM10", -1, "24h")
    with pytest.raises(ValueError, match="negative"):
        A.daily_aqi({"PM10": -0.1})
    with pytest.raises(ValueError, match="negative"):
        A.daily_aqi_array({"PM10": np.array([1.0, -0.1])})
    with pytest.raises(ValueError, match="unknown pollutant"):
        A.iaqi("PM1", 10, "24h")
    with pytest.raises(ValueError, match="unknown averaging period"):
        A.iaqi("PM10", 10, "2h")
    with pytest.raises(ValueError, match="no 8h column"):
        A.iaqi("SO2", 10, "8h")
    with pytest.raises(ValueError, match=r"§4\.2\.4"):
        A.iaqi("PM2.5", 10, "1h", "2026")
    with pytest.raises(ValueError, match="edition"):
        A.iaqi("PM10", 10, "24h", "2018")
    with pytest.raises(ValueError, match="finite"):
        A.iaqi("PM10", float("inf"), "24h")
    with pytest.raises(ValueError, match="must be"):
        A.iaqi("PM10", "10", "24h")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown daily indicator"):
        A.daily_aqi({"PM25": 10})
    with pytest.raises(ValueError, match="different lengths"):
        A.daily_aqi_array({"PM10": np.ones(2), "SO2": np.ones(3)})
    with pytest.raises(ValueError, match="index 1"):
        A.daily_aqi_array({"PM10": np.ones(2)}, np.array(["2026", "2019"]))
    assert A.iaqi("PM10", None, "24h") is None
    assert A.iaqi("PM10", float("nan"), "24h") is None


# ---------------------------------------------------------------------------------------------
# Real-time report
# ---------------------------------------------------------------------------------------------


def test_hourly_2026_pm_1h_on_daily_breakpoints() -> None:
    c = {"SO2": 20, "NO2": 150, "CO": 2, "O3": 180, "PM10": 130, "PM2.5": 115}
    r = A.hourly_aqi(c, "2026")
    # NO2 1h 150: 50/100·50+50 = 75; CO 1h 2: 50/5·2 = 20; O3 1h 180 → 75;
    # PM10 1h 130 on the daily column: 50/130·10+100 = 103.85 → 104; PM2.5 1h 115 → 150
    assert r.iaqi == {"SO2": 7, "NO2": 75, "PM10": 104, "PM2.5": 150, "CO": 20, "O3": 75}
    assert r.aqi == 150 and r.primary == ["PM2.5"] and r.report == "hourly"


def test_hourly_2012_uses_24h_sliding_pm() -> None:
    c = {
        "SO2": 20, "NO2": 150, "CO": 2, "O3": 180, "O3_8h": 120,
        "PM10": 400, "PM2.5": 300, "PM10_24h": 130, "PM2.5_24h": 70,
    }  # fmt: skip
    r = A.hourly_aqi(c, "2012", reading="table4")
    # PM10_24h 130: 50/100·80+50 = 90; PM2.5_24h 70: 50/40·35+50 = 93.75 → 94;
    # O3 8h 120: 50/60·20+50 = 66.67 → 67.  PM 1h values have no IAQI (Table 4).
    assert r.iaqi == {
        "SO2": 7, "NO2": 75, "PM10_24h": 90, "PM2.5_24h": 94, "CO": 20, "O3": 75, "O3_8h": 67
    }  # fmt: skip
    assert r.aqi == 94 and r.primary == ["PM2.5"]
    assert r.concentrations["PM10"] == 400 and r.ignored == []
    # Under 2026 the 2012-only keys are ignored.
    r26 = A.hourly_aqi(c, "2026")
    assert r26.ignored == ["PM10_24h", "PM2.5_24h", "O3_8h"]
    assert r26.iaqi["PM2.5"] == 350  # 2026 PM2.5 1h 300: 100/100·50+300 = 350


def test_hourly_2012_published_reading_is_the_default() -> None:
    # CNEMC real-time practice (docs/standards-aqi.md §2.2): PM 1h means on the 24h breakpoints
    c = {
        "SO2": 20, "NO2": 150, "CO": 2, "O3": 180, "O3_8h": 120,
        "PM10": 400, "PM2.5": 300, "PM10_24h": 130, "PM2.5_24h": 70,
    }  # fmt: skip
    r = A.hourly_aqi(c, "2012")
    # PM10 1h 400 on 24h 350–420 → 200–300: 100/70·50+200 = 271.43 → 272;
    # PM2.5 1h 300 on 24h 250–350 → 300–400: 100/100·50+300 = 350.
    assert r.iaqi == {"SO2": 7, "NO2": 75, "PM10": 272, "PM2.5": 350, "CO": 20, "O3": 75}
    assert r.aqi == 350 and r.primary == ["PM2.5"] and r.reading == "published"
    assert r.ignored == ["PM10_24h", "PM2.5_24h", "O3_8h"]
    assert r == A.hourly_aqi(c, "2012", reading="published")
    # SO2 1h > 800 still takes the 24h IAQI (Table 1 note 2) under the published reading
    r2 = A.hourly_aqi(dict(c, SO2=900, SO2_24h=300), "2012")
    assert r2.iaqi["SO2"] == 124
    # arrays agree with the scalar, both readings
    cols = {k: np.array([float(v)]) for k, v in c.items()}
    for reading in ("published", "table4"):
        arr = A.hourly_aqi_array(cols, "2012", reading=reading)  # type: ignore[arg-type]
        assert arr.aqi[0] == A.hourly_aqi(c, "2012", reading=reading).aqi  # type: ignore[arg-type]
    # 2026 rows are the same under both readings
    assert A.hourly_aqi(c, "2026", reading="table4").aqi == A.hourly_aqi(c, "2026").aqi
    with pytest.raises(A.AQIError, match="reading"):
        A.hourly_aqi(c, "2012", reading="literal")  # type: ignore[arg-type]


def test_daily_aqi_from_published_rounded_concentrations() -> None:
    # 2012 sets no concentration rounding: PM2.5 75.4 → IAQI 50/40·(75.4−75)+100 = 100.5 → 101
    # (轻度); the published daily value is 75 → IAQI 100 (良).
    c = {"SO2": 5, "NO2": 10, "PM10": 30, "PM2.5": 75.4, "CO": 0.55, "O3_8h": 50, "O3_1h": 60}
    assert A.daily_aqi(c, "2012").aqi == 101
    r = A.daily_aqi(c, "2012", basis="rounded")
    assert r.aqi == 100 and r.concentrations["PM2.5"] == 75 and r.concentrations["CO"] == 0.6
    cols = {k: np.array([float(v)]) for k, v in c.items()}
    assert A.daily_aqi_array(cols, "2012", basis="rounded").aqi[0] == 100
    assert A.daily_aqi_array(cols, "2012").aqi[0] == 101
    # 2026 rounds anyway (§4.2.2): both bases agree
    assert A.daily_aqi(c, "2026", basis="rounded").aqi == A.daily_aqi(c, "2026").aqi


# ---------------------------------------------------------------------------------------------
# Editions by date
# ---------------------------------------------------------------------------------------------


def test_version_for() -> None:
    assert A.version_for(dt.date(2026, 2, 28)) == "2012"
    assert A.version_for(dt.date(2026, 3, 1)) == "2026"
    assert A.version_for(dt.datetime(2026, 2, 28, 23, 59)) == "2012"
    assert A.version_for(dt.datetime(2026, 3, 1, 0, 0)) == "2026"
    assert A.version_for("2026-03-01") == "2026"
    assert A.version_for("2020-06-30T12:00") == "2012"
    assert A.version_for(np.datetime64("2026-03-01T01")) == "2026"
    with pytest.raises(ValueError, match="ISO"):
        A.version_for("01/03/2026")
    got = A.versions_for_dates(
        np.array(["2025-12-31", "2026-02-28T23:00", "2026-03-01T00:00", "2030-01-01"],
                 dtype="datetime64[m]")
    )  # fmt: skip
    assert got.tolist() == ["2012", "2012", "2026", "2026"]
    assert A.versions_for_dates(["2026-03-01", "2026-02-01"]).tolist() == ["2026", "2012"]
    with pytest.raises(ValueError, match="NaT"):
        A.versions_for_dates(np.array(["2026-03-01", "NaT"], dtype="datetime64[D]"))


def test_mixed_version_array_matches_scalar() -> None:
    dates = np.array(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"], "datetime64[D]")
    versions = A.versions_for_dates(dates)
    cols = {
        "SO2": np.array([10.0, 10, 10, 10]),
        "NO2": np.array([30.0, 30, 30, np.nan]),
        "PM10": np.array([130.0, 130, 130, 130]),
        "PM2.5": np.array([70.0, 60.5, 70, 60.5]),
        "CO": np.array([2.04, 2.04, 2.04, 2.05]),
        "O3_8h": np.array([90.0, 900, 90, 900]),
        "O3_1h": np.array([150.0, 500, 150, 500]),
    }
    arr = A.daily_aqi_array(cols, versions)
    for i, v in enumerate(versions):
        r = A.daily_aqi({k: float(c[i]) for k, c in cols.items()}, str(v))
        assert arr.aqi[i] == r.aqi
        assert arr.level[i] == r.level
        assert {k: a[i] for k, a in arr.iaqi.items() if not np.isnan(a[i])} == r.iaqi
        assert arr.primary_names(int(arr.primary_mask[i])) == r.primary
        assert A.primary_names(int(arr.exceeding_mask[i])) == r.exceeding
        assert bool(arr.published[i]) == r.published
        assert arr.names(int(arr.missing_mask[i]), "indicator") == r.missing
    # Row 0 (2012): PM2.5 70: 50/40·35+50 = 93.75 → 94; PM10 130 → 90; CO 2.04 → 51
    assert arr.iaqi["PM2.5"][0] == 94 and arr.iaqi["CO"][0] == 51
    # Row 2 (2026): PM2.5 70: 50/55·10+100 = 109.09 → 110; CO 2.04 → 2.0 → 50
    assert arr.iaqi["PM2.5"][2] == 110 and arr.iaqi["CO"][2] == 50
    # Row 3 (2026): NO2 missing, O3 8h 900 → 300 > 100: published
    assert arr.aqi[3] == 300 and bool(arr.published[3])
