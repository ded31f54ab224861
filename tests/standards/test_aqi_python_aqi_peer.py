"""ecoplan vs python-aqi 0.6.1 (``aqi.ALGO_MEP``): where they agree and where — and why — not.

python-aqi implements the HJ 633-2012 breakpoints but (reference/standards.md §1.4):

1. truncates every concentration to an integer (``ROUND_DOWN``), CO in mg/m³ included;
2. uses US-EPA-style discrete segments (36–75 → 51–100) where HJ 633 is continuous
   (35–75 → 50–100);
3. rounds the IAQI half-to-even where HJ 633-2012 §6.2 rounds up;
4. has no rule for SO2 1h > 800 or O3 8h > 800 (it fails with TypeError);
5. knows only the 2012 tables (PM2.5 IAQI 100 = 75, PM10 = 150), obsolete from 2026-03-01.

Each case asserts both values, so the test fails if either side changes.
"""

from __future__ import annotations

import aqi as pyaqi
import pytest

from ecoplan.standards import aqi as A

MEP = pyaqi.ALGO_MEP


def py_iaqi(key: str, conc: str) -> int:
    return int(pyaqi.to_iaqi(key, conc, algo=MEP))


def test_python_aqi_version() -> None:
    assert pyaqi.__version__ == "0.6.1"


# (python-aqi key, ecoplan pollutant, period, concentration, python-aqi, ecoplan HJ 633-2012)
AGREE = [
    ("pm25", "PM2.5", "24h", "35", 50, 50),  # breakpoint
    ("pm25", "PM2.5", "24h", "75", 100, 100),
    ("pm25", "PM2.5", "24h", "115", 150, 150),
    ("pm25", "PM2.5", "24h", "500", 500, 500),
    ("pm25", "PM2.5", "24h", "7", 10, 10),  # 50/35·7 = 10 exactly, first segment is shared
    ("pm10", "PM10", "24h", "150", 100, 100),
    ("pm10", "PM10", "24h", "151", 101, 101),  # py (151-151)/99·49+101; HJ 50/100·1+100=100.5→101
    ("so2_24h", "SO2", "24h", "50", 50, 50),
    ("so2_24h", "SO2", "24h", "51", 51, 51),  # HJ 50/100·1+50 = 50.5 → 51; py 51
    ("so2_24h", "SO2", "24h", "100", 75, 75),
    ("so2_1h", "SO2", "1h", "150", 50, 50),
    ("so2_1h", "SO2", "1h", "151", 51, 51),
    ("so2_1h", "SO2", "1h", "700", 167, 167),  # HJ 50/150·50+150 = 166.67 → 167
    ("no2_1h", "NO2", "1h", "101", 51, 51),
    ("co_24h", "CO", "24h", "2", 50, 50),
    ("co_24h", "CO", "24h", "4", 100, 100),
    ("o3_8h", "O3", "8h", "101", 51, 51),
    ("o3_8h", "O3", "8h", "300", 207, 207),  # HJ 100/535·35+200 = 206.54 → 207
    ("o3_1h", "O3", "1h", "180", 75, 75),
]


@pytest.mark.parametrize(("key", "pollutant", "period", "conc", "py", "ours"), AGREE)
def test_agreement_2012(
    key: str, pollutant: str, period: str, conc: str, py: int, ours: int
) -> None:
    assert py_iaqi(key, conc) == py
    assert A.iaqi(pollutant, float(conc), period, "2012") == ours
    assert py == ours


TRUNCATION = [
    # 1. python-aqi truncates the concentration: CO 2.5 → 2, 3.9 → 3; PM2.5 35.5 → 35
    ("co_24h", "CO", "24h", "2.5", 50, 63),  # HJ 50/2·0.5+50 = 62.5 → 63
    ("co_24h", "CO", "24h", "3", 51, 75),  # py: 3 on its (3,4)→(51,100) segment; HJ 25·1+50
    ("co_24h", "CO", "24h", "3.9", 51, 98),  # py 3.9 → 3 → 51; HJ 25·1.9+50 = 97.5 → 98
    ("co_1h", "CO", "1h", "5.5", 50, 55),  # py 5.5 → 5 → 50; HJ 50/5·0.5+50 = 55
    ("pm25", "PM2.5", "24h", "35.5", 50, 51),  # py 35; HJ 50/40·0.5+50 = 50.625 → 51
    ("pm10", "PM10", "24h", "50.5", 50, 51),  # py 50; HJ 50/100·0.5+50 = 50.25 → 51
    ("o3_8h", "O3", "8h", "100.5", 50, 51),  # py 100; HJ 50/60·0.5+50 = 50.42 → 51
]
SEGMENTS = [
    # 2. discrete US-style segments: python-aqi puts 36 at the bottom (51) of 36–75 → 51–100
    ("pm25", "PM2.5", "24h", "36", 51, 52),  # HJ 50/40·1+50 = 51.25 → 52
    ("pm25", "PM2.5", "24h", "80", 106, 107),  # py 49/39·4+101 = 106.03 → 106; HJ 106.25 → 107
    ("no2_24h", "NO2", "24h", "41", 51, 52),  # HJ 50/40·1+50 = 51.25 → 52
    ("o3_1h", "O3", "1h", "161", 51, 52),  # HJ 50/40·1+50 = 51.25 → 52
]
ROUNDING = [
    # 3. half-to-even IAQI rounding vs HJ 633 ceiling (same segment, integer concentration)
    ("o3_8h", "O3", "8h", "1", 0, 1),  # 50/100·1 = 0.5: py half-even → 0; HJ ceiling → 1
    ("pm25", "PM2.5", "24h", "1", 1, 2),  # 50/35·1 = 1.43: py → 1; HJ → 2
    ("so2_24h", "SO2", "24h", "3", 3, 3),  # 50/50·3 = 3 exactly: both 3 (control case)
]


@pytest.mark.parametrize(
    ("key", "pollutant", "period", "conc", "py", "ours"), TRUNCATION + SEGMENTS + ROUNDING
)
def test_divergence_2012(
    key: str, pollutant: str, period: str, conc: str, py: int, ours: int
) -> None:
    assert py_iaqi(key, conc) == py
    assert A.iaqi(pollutant, float(conc), period, "2012") == ours


def test_no_rule_above_800() -> None:
    # 4. python-aqi has no segment above 800 for SO2 1h / O3 8h and fails.
    with pytest.raises(TypeError):
        pyaqi.to_iaqi("so2_1h", "801", algo=MEP)
    with pytest.raises(TypeError):
        pyaqi.to_iaqi("o3_8h", "801", algo=MEP)
    # ecoplan: 2026 notes b/c give 200 and 300 ...
    assert A.iaqi("SO2", 801, "1h", "2026") == 200
    assert A.iaqi("O3", 801, "8h", "2026") == 300
    # ... and 2012 notes (2)/(3) substitute the SO2 24h / O3 1h IAQI in the reports.
    hourly = {"SO2": 801, "SO2_24h": 300, "NO2": 40, "CO": 1, "O3": 100, "O3_8h": 80,
              "PM10_24h": 60, "PM2.5_24h": 40}  # fmt: skip
    assert A.hourly_aqi(hourly, "2012").iaqi["SO2"] == 124  # 50/325·150+100 = 123.08 → 124
    daily = {"SO2": 5, "NO2": 10, "PM10": 30, "PM2.5": 20, "CO": 0.5, "O3_8h": 801, "O3_1h": 900}
    assert A.daily_aqi(daily, "2012").aqi == 350  # O3 1h 900: 100/200·100+300 = 350
    # Above the top of a column python-aqi fails with IndexError; ecoplan raises a clear error
    # or, in reports, gives 500 and flags it.
    with pytest.raises(IndexError):
        pyaqi.to_iaqi("pm25", "501", algo=MEP)
    with pytest.raises(A.BeyondTableError):
        A.iaqi("PM2.5", 501, "24h", "2012")
    assert A.daily_aqi({"PM2.5": 501}, "2012").beyond_table == ["PM2.5"]


def test_2012_tables_only() -> None:
    # 5. python-aqi has the 2012 PM tables; from 2026-03-01 HJ 633-2026 Table 3 applies.
    assert py_iaqi("pm25", "60") == 81  # py 49/39·24+51 = 81.15 → 81
    assert A.iaqi("PM2.5", 60, "24h", "2012") == 82  # 50/40·25+50 = 81.25 → 82
    assert A.iaqi("PM2.5", 60, "24h", "2026") == 100  # Table 3 breakpoint
    assert py_iaqi("pm10", "120") == 85  # py 49/99·69+51 = 85.15 → 85
    assert A.iaqi("PM10", 120, "24h", "2012") == 85  # 50/100·70+50 = 85
    assert A.iaqi("PM10", 120, "24h", "2026") == 100  # Table 3 breakpoint


def test_to_aqi_combined() -> None:
    # reference/standards.md §1.4: to_aqi(PM2.5 80, PM10 120, O3 8h 150) = 106.
    py = pyaqi.to_aqi(
        [(pyaqi.POLLUTANT_PM25, "80"), (pyaqi.POLLUTANT_PM10, "120"),
         (pyaqi.POLLUTANT_O3_8H, "150")],
        algo=MEP,
    )  # fmt: skip
    assert int(py) == 106
    # ecoplan 2012: PM2.5 107, PM10 85, O3 8h 50/60·50+50 = 91.67 → 92 → AQI 107
    r = A.daily_aqi({"PM2.5": 80, "PM10": 120, "O3_8h": 150}, "2012")
    assert r.iaqi == {"PM2.5": 107, "PM10": 85, "O3_8h": 92} and r.aqi == 107
