"""Data validity and hourly → daily statistics (GB 3095 Table 4, HJ 663 §6.1.2, Table A.1).

Hours are labelled by their end unless a test says otherwise: the value at 01:00 is the
00:00–01:00 mean, and the natural day d is made of the labels d 01:00 … d+1 00:00.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecoplan.standards.validity import (
    AirDataError,
    Mda8Rule,
    annual_valid,
    annual_validity,
    city_daily_from_stations,
    city_hourly,
    daily_means,
    daily_table,
    o3_8h_rolling,
    o3_daily_max_1h,
    o3_daily_max_8h,
    wide_from_long,
)

DAY1 = pd.Timestamp("2025-07-01")


def day_hours(day: pd.Timestamp = DAY1) -> pd.DatetimeIndex:
    """The 24 end labels of natural day *day*: 01:00 … next day 00:00."""
    return pd.date_range(day + pd.Timedelta(hours=1), periods=24, freq="h")


def frame(
    values: dict[str, list[float]], times: pd.DatetimeIndex, station: str = "A"
) -> pd.DataFrame:
    return pd.DataFrame({"station": station, "time": times, **values})


# --------------------------------------------------------------------------------------------
# daily means
# --------------------------------------------------------------------------------------------


def test_daily_mean_full_day() -> None:
    # PM2.5 = 1, 2, …, 24 → mean (1 + 24) / 2 = 12.5
    h = frame({"PM2.5": list(np.arange(1.0, 25.0))}, day_hours())
    d = daily_means(h)
    assert len(d) == 1
    assert d.loc[0, "date"] == DAY1
    assert d.loc[0, "PM2.5"] == 12.5
    assert d.loc[0, "n_PM2.5"] == 24


def test_daily_mean_20_hours_valid_19_invalid() -> None:
    # day 1: 20 valid hours of 30 and 4 NaN → mean 30, valid (≥ 20 hours)
    # day 2: 19 valid hours of 30 and 5 NaN → invalid (NaN), n = 19
    v1 = [30.0] * 20 + [np.nan] * 4
    v2 = [np.nan] * 5 + [30.0] * 19
    times = day_hours(DAY1).append(day_hours(DAY1 + pd.Timedelta(days=1)))
    d = daily_means(frame({"SO2": v1 + v2}, times))
    assert d["SO2"].iloc[0] == 30.0
    assert d["n_SO2"].iloc[0] == 20
    assert np.isnan(d["SO2"].iloc[1])
    assert d["n_SO2"].iloc[1] == 19


def test_missing_rows_count_as_missing_hours() -> None:
    # only 19 rows present for the day (no NaN at all): invalid
    h = frame({"NO2": [40.0] * 19}, day_hours()[:19])
    d = daily_means(h)
    assert np.isnan(d["NO2"].iloc[0])
    assert d["n_NO2"].iloc[0] == 19


def test_end_labelled_midnight_belongs_to_previous_day() -> None:
    # Value labelled 2025-07-02 00:00 is the 23:00–24:00 mean of 2025-07-01.
    times = day_hours()  # 07-01 01:00 … 07-02 00:00
    vals = [10.0] * 23 + [34.0]  # mean = (23·10 + 34) / 24 = 264 / 24 = 11.0
    d = daily_means(frame({"CO": vals}, times))
    assert list(d["date"]) == [DAY1]
    assert d["CO"].iloc[0] == pytest.approx(11.0)
    # Read as start labels the same rows span two days: 07-01 01:00..23:00 (23 h) and
    # 07-02 00:00 (1 h); both invalid (< 20 h) except the first with 23 hours.
    s = daily_means(frame({"CO": vals}, times), hour_label="start")
    assert list(s["date"]) == [DAY1, DAY1 + pd.Timedelta(days=1)]
    assert list(s["n_CO"]) == [23, 1]
    assert s["CO"].iloc[0] == 10.0
    assert np.isnan(s["CO"].iloc[1])


def test_timezone_aware_times_are_converted_to_utc8() -> None:
    # 2025-06-30 17:00 UTC = 2025-07-01 01:00 +08:00, the first hour of 2025-07-01
    times = day_hours().tz_localize("Asia/Shanghai").tz_convert("UTC")
    d = daily_means(frame({"PM10": [50.0] * 24}, pd.DatetimeIndex(times)))
    assert list(d["date"]) == [DAY1]
    assert d["PM10"].iloc[0] == 50.0


def test_several_stations_and_pollutants() -> None:
    t = day_hours()
    h = pd.concat(
        [
            frame({"SO2": [5.0] * 24, "NO2": [20.0] * 24}, t, "A"),
            frame({"SO2": [7.0] * 24, "NO2": [np.nan] * 24}, t, "B"),
        ]
    )
    d = daily_means(h).set_index("station")
    assert d.loc["A", "SO2"] == 5.0
    assert d.loc["B", "SO2"] == 7.0
    assert np.isnan(d.loc["B", "NO2"])
    assert d.loc["B", "n_NO2"] == 0


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda h: pd.concat([h, h.iloc[:1]]), "share an"),
        (lambda h: h.assign(time=h["time"] + pd.Timedelta(minutes=30)), "not on the hour"),
        (lambda h: h.assign(SO2=-1.0), "negative"),
        (lambda h: h.assign(SO2=np.inf), "infinite"),
        (lambda h: h.drop(columns="time"), "no 'time' column"),
        (lambda h: h.drop(columns="SO2"), "none of the pollutant columns"),
        (lambda h: h.assign(SO2="x"), "must be numeric"),
        (lambda h: h.assign(time=h["time"].astype(str)), "datetime column"),
    ],
)
def test_bad_hourly_input_raises(mutate: object, message: str) -> None:
    h = frame({"SO2": [5.0] * 24}, day_hours())
    with pytest.raises(AirDataError, match=message):
        daily_means(mutate(h))  # type: ignore[operator]


def test_wide_from_long() -> None:
    t = day_hours()[:2]
    long = pd.DataFrame(
        {
            "station": ["A"] * 4,
            "time": list(t) * 2,
            "pollutant": ["pm2_5", "pm2_5", "so2", "so2"],
            "value": [10.0, 12.0, 3.0, 4.0],
        }
    )
    w = wide_from_long(long)
    assert list(w.columns) == ["station", "time", "SO2", "PM2.5"]
    assert list(w["PM2.5"]) == [10.0, 12.0]
    with pytest.raises(AirDataError, match="repeat"):
        wide_from_long(pd.concat([long, long.iloc[:1]]))


# --------------------------------------------------------------------------------------------
# O3 8-hour moving average
# --------------------------------------------------------------------------------------------


def test_o3_8h_rolling_hand_values() -> None:
    # labels 01:00 … 08:00 carry 10, 20, …, 80: the 8-h mean labelled 08:00 is
    # (10 + … + 80) / 8 = 360 / 8 = 45 (HJ 663 Table A.1: hours X-7 … X).
    vals = [10.0 * k for k in range(1, 9)] + [np.nan] * 16
    r = o3_8h_rolling(frame({"O3": vals}, day_hours()))
    at8 = r.loc[r["time"] == DAY1 + pd.Timedelta(hours=8)].iloc[0]
    assert at8["O3_8h"] == 45.0
    assert at8["n_O3_8h"] == 8
    # label 07:00: 7 hours (01..07) and one hour before the data → (10+…+70)/7 = 280/7 = 40
    at7 = r.loc[r["time"] == DAY1 + pd.Timedelta(hours=7)].iloc[0]
    assert at7["O3_8h"] == 40.0
    assert at7["n_O3_8h"] == 7
    # label 06:00: 6 hours → valid (≥ 6): (10+…+60)/6 = 210/6 = 35
    at6 = r.loc[r["time"] == DAY1 + pd.Timedelta(hours=6)].iloc[0]
    assert at6["O3_8h"] == 35.0
    # label 05:00: 5 hours → invalid
    at5 = r.loc[r["time"] == DAY1 + pd.Timedelta(hours=5)].iloc[0]
    assert np.isnan(at5["O3_8h"])
    assert at5["n_O3_8h"] == 5
    # label 13:00 covers 06:00..13:00 labels: 60, 70, 80 and 5 NaN → 3 valid → invalid
    at13 = r.loc[r["time"] == DAY1 + pd.Timedelta(hours=13)].iloc[0]
    assert at13["n_O3_8h"] == 3
    assert np.isnan(at13["O3_8h"])


def test_o3_8h_rolling_is_a_complete_hourly_series() -> None:
    # two rows only (01:00 and 2 days later): the output covers every hour of the 3 days
    t = pd.DatetimeIndex([DAY1 + pd.Timedelta(hours=1), DAY1 + pd.Timedelta(days=2, hours=5)])
    r = o3_8h_rolling(frame({"O3": [50.0, 60.0]}, t))
    assert len(r) == 3 * 24
    assert r["time"].iloc[0] == DAY1 + pd.Timedelta(hours=1)
    assert r["time"].iloc[-1] == DAY1 + pd.Timedelta(days=3)
    assert r["O3_8h"].isna().all()  # never 6 valid hours in 8


# --------------------------------------------------------------------------------------------
# O3 daily maximum 8-hour average (MDA8)
# --------------------------------------------------------------------------------------------


def test_mda8_peak_window() -> None:
    # hours labelled 13..20 = 200, other hours 0: the window labelled 20:00 covers 13..20
    # → 200; every other window holds fewer 200s → MDA8 = 200 with all 17 windows valid.
    vals = [0.0] * 24
    for label in range(13, 21):
        vals[label - 1] = 200.0
    m = o3_daily_max_8h(frame({"O3": vals}, day_hours()))
    assert m["O3_8h"].iloc[0] == 200.0
    assert m["n_O3_8h"].iloc[0] == 17


def test_mda8_ignores_windows_ending_before_08() -> None:
    # Day 1 labels 17..24 = 300 (the evening), day 2 all 10.
    # Day 2's 8-h mean labelled 02:00 covers day-1 labels 19..24 and day-2 labels 01..02:
    # (6·300 + 2·10)/8 = 227.5, but it ends before 08:00 so it is not in day 2's MDA8
    # (HJ 663: windows ending 08:00..24:00).  Day 2 MDA8 = 10.
    # Day 1: the window labelled 24:00 covers labels 17..24 → 300.
    v1 = [0.0] * 16 + [300.0] * 8
    v2 = [10.0] * 24
    times = day_hours(DAY1).append(day_hours(DAY1 + pd.Timedelta(days=1)))
    h = frame({"O3": v1 + v2}, times)
    m = o3_daily_max_8h(h)
    assert list(m["O3_8h"]) == [300.0, 10.0]
    r = o3_8h_rolling(h)
    at2 = r.loc[r["time"] == DAY1 + pd.Timedelta(days=1, hours=2), "O3_8h"].iloc[0]
    assert at2 == 227.5


def test_mda8_13_windows_valid_only_when_exceeding_160() -> None:
    # Labels 01..06 missing.  Window ending e covers e-7..e, so valid hours are
    # e=8: 2, e=9: 3, e=10: 4, e=11: 5 (all < 6, invalid), e=12..24: ≥ 6 (valid) → 13 windows.
    # 13 < 14, so the MDA8 is valid only if it exceeds 160 (HJ 663 §6.1.2).
    missing = [np.nan] * 6
    days = [DAY1 + pd.Timedelta(days=k) for k in range(3)]
    times = day_hours(days[0]).append([day_hours(days[1]), day_hours(days[2])])
    vals = missing + [170.0] * 18 + missing + [150.0] * 18 + missing + [160.0] * 18
    m = o3_daily_max_8h(frame({"O3": vals}, times))
    assert list(m["n_O3_8h"]) == [13, 13, 13]
    assert m["O3_8h"].iloc[0] == 170.0  # 170 > 160: valid despite 13 windows
    assert np.isnan(m["O3_8h"].iloc[1])  # 150: invalid
    assert np.isnan(m["O3_8h"].iloc[2])  # exactly 160 does not exceed: invalid


def test_mda8_14_windows_valid() -> None:
    # Labels 01..05 missing: e=8: 3, e=9: 4, e=10: 5 invalid; e=11: 6 valid … → 14 windows.
    vals = [np.nan] * 5 + [50.0] * 19
    m = o3_daily_max_8h(frame({"O3": vals}, day_hours()))
    assert m["n_O3_8h"].iloc[0] == 14
    assert m["O3_8h"].iloc[0] == 50.0


def test_mda8_rule_parameters() -> None:
    vals = [np.nan] * 6 + [170.0] * 18  # 13 valid windows (see above)
    h = frame({"O3": vals}, day_hours())
    strict = Mda8Rule(exceed_limit=None)  # no exception: invalid
    assert np.isnan(o3_daily_max_8h(h, rule=strict)["O3_8h"].iloc[0])
    lax = Mda8Rule(min_windows=13)
    assert o3_daily_max_8h(h, rule=lax)["O3_8h"].iloc[0] == 170.0
    with pytest.raises(AirDataError):
        Mda8Rule(first_end_hour=0)
    with pytest.raises(AirDataError):
        Mda8Rule(min_windows=18)  # only 17 windows in 8..24


def test_mda8_windows_starting_in_the_day() -> None:
    # The US-EPA-like convention: windows *starting* 00:00..23:00 (end labels 8..31), 18 of 24.
    # Day 1 all 20 except labels 21..24 = 100; day 2 labels 01..04 = 100, rest 20.
    # The window ending day-2 04:00 (label 28 of day 1) covers day-1 21..24 + day-2 01..04
    # → 100 and belongs to day 1 under this rule, not under HJ 663's.
    v1 = [20.0] * 20 + [100.0] * 4
    v2 = [100.0] * 4 + [20.0] * 20
    times = day_hours(DAY1).append(day_hours(DAY1 + pd.Timedelta(days=1)))
    h = frame({"O3": v1 + v2}, times)
    us = Mda8Rule(first_end_hour=8, last_end_hour=31, min_windows=18)
    assert o3_daily_max_8h(h, rule=us)["O3_8h"].iloc[0] == 100.0
    # HJ 663: day 1's best window ends 24:00: labels 17..24 = 4·20 + 4·100 = 480 / 8 = 60
    assert o3_daily_max_8h(h)["O3_8h"].iloc[0] == 60.0


def test_o3_daily_max_1h() -> None:
    vals = [float(k) for k in range(24)]
    vals[5] = np.nan  # 23 valid hours, max 23
    m = o3_daily_max_1h(frame({"O3": vals}, day_hours()))
    assert m["O3_1h"].iloc[0] == 23.0
    assert m["n_O3_1h"].iloc[0] == 23


def test_daily_table_columns() -> None:
    h = frame(
        {"SO2": [5.0] * 24, "PM2.5": [30.0] * 24, "CO": [0.8] * 24, "O3": [80.0] * 24},
        day_hours(),
    )
    d = daily_table(h)
    assert list(d.columns) == [
        "station",
        "date",
        "SO2",
        "PM2.5",
        "CO",
        "O3_8h",
        "O3_1h",
        "n_SO2",
        "n_PM2.5",
        "n_CO",
        "n_O3_8h",
        "n_O3_1h",
    ]
    row = d.iloc[0]
    assert (row["SO2"], row["PM2.5"], row["O3_8h"], row["O3_1h"]) == (5.0, 30.0, 80.0, 80.0)
    assert row["CO"] == pytest.approx(0.8)  # 24 × 0.8 summed in binary floating point


# --------------------------------------------------------------------------------------------
# station → city
# --------------------------------------------------------------------------------------------


def test_city_hourly_three_stations() -> None:
    # City X = stations A, B, C; city Y = station D.  Two hours.
    # hour 1: A 10, B 20, C NaN → X = (10 + 20)/2 = 15 with 2 stations; D 40 → Y = 40
    # hour 2: A NaN, B NaN, C 33 → X = 33 with 1 station
    t = day_hours()[:2]
    h = pd.DataFrame(
        {
            "station": ["A", "B", "C", "D"] * 2,
            "time": np.repeat(t, 4),
            "PM2.5": [10.0, 20.0, np.nan, 40.0, np.nan, np.nan, 33.0, 41.0],
        }
    )
    c = city_hourly(h, {"A": "X", "B": "X", "C": "X", "D": "Y"})
    x = c[c["city"] == "X"].reset_index(drop=True)
    assert list(x["PM2.5"]) == [15.0, 33.0]
    assert list(x["n_PM2.5"]) == [2, 1]
    y = c[c["city"] == "Y"].reset_index(drop=True)
    assert list(y["PM2.5"]) == [40.0, 41.0]
    # at least 2 stations required: hour 2 of X becomes invalid
    c2 = city_hourly(h, {"A": "X", "B": "X", "C": "X", "D": "Y"}, min_stations=2)
    assert np.isnan(c2.loc[(c2["city"] == "X"), "PM2.5"].iloc[1])


def test_city_daily_from_city_hourly_differs_from_station_daily_mean() -> None:
    # A: 24 hours of 10.  B: 20 hours of 30, 4 hours missing (labels 21..24).
    # Hourly first (default): city = 20 for 20 hours, 10 for 4 → (20·20 + 4·10)/24 = 440/24.
    # Station daily first: (10 + 30)/2 = 20.
    t = day_hours()
    h = pd.concat(
        [
            frame({"PM10": [10.0] * 24}, t, "A"),
            frame({"PM10": [30.0] * 20 + [np.nan] * 4}, t, "B"),
        ]
    )
    mapping = {"A": "X", "B": "X"}
    city_day = daily_means(city_hourly(h, mapping), id_col="city")
    assert city_day["PM10"].iloc[0] == pytest.approx(440 / 24)
    alt = city_daily_from_stations(daily_means(h), mapping, columns=["PM10"])
    assert alt["PM10"].iloc[0] == 20.0
    assert alt["n_PM10"].iloc[0] == 2


def test_city_hourly_errors() -> None:
    t = day_hours()[:1]
    h = pd.DataFrame({"station": ["A", "B"], "time": [t[0], t[0]], "SO2": [1.0, 2.0]})
    with pytest.raises(AirDataError, match="without a city"):
        city_hourly(h, {"A": "X"})
    with pytest.raises(AirDataError, match="give station_city"):
        city_hourly(h)
    with pytest.raises(AirDataError, match="repeated"):
        city_hourly(pd.concat([h, h]), {"A": "X", "B": "X"})
    # a city column works as well as a mapping
    assert city_hourly(h.assign(city="X"))["SO2"].iloc[0] == 1.5


def test_city_mda8_from_city_hourly() -> None:
    # Station A has O3 only in the afternoon, B only in the morning; the city series
    # (mean of valid stations) is complete, so the city MDA8 is valid although each
    # station's is not.
    t = day_hours()
    a = [np.nan] * 12 + [120.0] * 12
    b = [60.0] * 12 + [np.nan] * 12
    h = pd.concat([frame({"O3": a}, t, "A"), frame({"O3": b}, t, "B")])
    st = o3_daily_max_8h(h)
    assert st["O3_8h"].isna().all()  # A: 8 valid windows (17..24), B: 5 (8..12)
    city = o3_daily_max_8h(city_hourly(h, {"A": "X", "B": "X"}), id_col="city")
    assert city["O3_8h"].iloc[0] == 120.0
    assert city["n_O3_8h"].iloc[0] == 17


# --------------------------------------------------------------------------------------------
# annual validity
# --------------------------------------------------------------------------------------------


def year_table(year: int = 2025) -> pd.DataFrame:
    d = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    return pd.DataFrame({"date": d, "PM2.5": 30.0, "SO2": 10.0})


def test_month_with_26_days_fails_february_with_25_passes() -> None:
    t = year_table()
    march = t["date"].dt.month == 3
    feb = t["date"].dt.month == 2
    # March: 31 − 5 = 26 valid days (< 27) → fails.  February: 28 − 3 = 25 (≥ 25) → passes.
    t.loc[march & (t["date"].dt.day <= 5), "PM2.5"] = np.nan
    t.loc[feb & (t["date"].dt.day <= 3), "PM2.5"] = np.nan
    t.loc[feb & (t["date"].dt.day <= 3), "SO2"] = np.nan
    v = annual_validity(t)
    assert v.loc["PM2.5", "m03"] == 26
    assert v.loc["PM2.5", "m02"] == 25
    assert v.loc["PM2.5", "n_days"] == 365 - 8  # 357 ≥ 324, but March fails
    assert bool(v.loc["PM2.5", "year_ok"])
    assert not bool(v.loc["PM2.5", "months_ok"])
    assert not bool(v.loc["PM2.5", "valid"])
    assert v.loc["PM2.5", "failed_months"] == (3,)
    # SO2: only February short, at 25 → valid
    assert bool(v.loc["SO2", "valid"])
    assert v.loc["SO2", "failed_months"] == ()
    assert annual_valid(t, columns=["SO2"]) is True
    assert annual_valid(t) is False  # PM2.5 fails


def test_324_days_a_year() -> None:
    # Keep 25 days in February, 28 in January and 27 in every other month:
    # 25 + 28 + 10·27 = 323 < 324 → invalid although every month passes; one more → 324, valid.
    t = year_table()
    keep = pd.Series(False, index=t.index)
    for m, n in {1: 28, 2: 25, **{m: 27 for m in range(3, 13)}}.items():
        keep |= (t["date"].dt.month == m) & (t["date"].dt.day <= n)
    t.loc[~keep, "PM2.5"] = np.nan
    v = annual_validity(t, columns=["PM2.5"])
    assert v.loc["PM2.5", "n_days"] == 323
    assert bool(v.loc["PM2.5", "months_ok"])
    assert not bool(v.loc["PM2.5", "year_ok"])
    t.loc[t["date"] == pd.Timestamp("2025-03-28"), "PM2.5"] = 30.0
    v = annual_validity(t, columns=["PM2.5"])
    assert v.loc["PM2.5", "n_days"] == 324
    assert bool(v.loc["PM2.5", "valid"])


def test_leap_year_february_still_25() -> None:
    t = year_table(2024)
    feb = t["date"].dt.month == 2
    t.loc[feb & (t["date"].dt.day <= 4), "PM2.5"] = np.nan  # 29 − 4 = 25
    assert bool(annual_validity(t).loc["PM2.5", "valid"])


def test_annual_validity_errors() -> None:
    t = pd.concat([year_table(2024), year_table(2025)])
    with pytest.raises(AirDataError, match="spans years"):
        annual_validity(t)
    v = annual_validity(t, year=2024)
    assert v.loc["PM2.5", "n_days"] == 366
    with pytest.raises(AirDataError, match="repeated dates"):
        annual_validity(pd.concat([year_table(), year_table()]))
