"""HJ 663 city evaluation over a DuckDB hourly table, on a hand-built year.

The year 2021 (365 days, HJ 633-2012 / HJ 663-2013 in force). City 150100 has two stations,
A and B, whose hourly values are constant within a day, so every statistic can be worked by
hand:

* PM2.5: A = 30, B = 50 → city 40 µg/m³, except days 1–10 where A = 150, B = 170 → city 160.
  IAQI(40) = 50 + (40 − 35)/(75 − 35)·50 = 56.25 → 57 (良);
  IAQI(160) = 200 + (160 − 150)/(250 − 150)·100 = 210 (重度污染, > 200).
* SO2 10, NO2 20, PM10 50, CO 0.5 mg/m³, O3 60 µg/m³ at both stations, every hour.
* Day 200 (2021-07-19) misses hours 10–14 (five stamps) of every pollutant at both stations:
  19 valid hours < 20, and only 9 of the 17 O3 8-hour windows keep ≥ 6 hours → the day is
  invalid for every pollutant and has no AQI.
* A sand-dust event covers 2021-04-05 06:00 – 2021-04-06 03:00 → dust days 04-05 and 04-06.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from ecoplan.assess.airquality import evaluate_units, hourly_wide

YEAR = 2021


def _hourly() -> pd.DataFrame:
    times = pd.date_range(f"{YEAR}-01-01 01:00", f"{YEAR + 1}-01-01 00:00", freq="h")
    day = (times - pd.Timedelta(hours=1)).normalize()
    day_no = (day - pd.Timestamp(f"{YEAR}-01-01")).days + 1
    gap = (day == pd.Timestamp("2021-07-19")) & times.hour.isin([10, 11, 12, 13, 14])
    frames = []
    for station, pm_clean, pm_dirty in (("A", 30.0, 150.0), ("B", 50.0, 170.0)):
        pm = np.where(day_no <= 10, pm_dirty, pm_clean)
        for pollutant, values in (
            ("PM2.5", pm),
            ("SO2", np.full(len(times), 10.0)),
            ("NO2", np.full(len(times), 20.0)),
            ("PM10", np.full(len(times), 50.0)),
            ("CO", np.full(len(times), 0.5)),
            ("O3", np.full(len(times), 60.0)),
        ):
            frames.append(
                pd.DataFrame(
                    {
                        "station": station,
                        "time": times[~gap],
                        "pollutant": pollutant,
                        "value": values[~gap],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def evaluation():
    con = duckdb.connect()
    con.register("air_hourly", _hourly())
    su = pd.DataFrame({"station": ["A", "B"], "unit": ["150100", "150100"]})
    dust = pd.DataFrame(
        {
            "unit": ["150100"],
            "start": [pd.Timestamp("2021-04-05 06:00")],
            "end": [pd.Timestamp("2021-04-06 03:00")],
        }
    )
    (ev,) = evaluate_units(con, su, YEAR, unit_names={"150100": "呼和浩特市"}, unit_dust=dust)
    return ev


def test_city_hour_is_the_mean_of_its_stations() -> None:
    con = duckdb.connect()
    con.register("air_hourly", _hourly())
    su = pd.DataFrame({"station": ["A", "B"], "unit": ["c", "c"]})
    wide = hourly_wide(con, su, pd.Timestamp("2021-01-01"), pd.Timestamp("2021-01-02"))
    assert len(wide) == 24
    assert (wide["PM2.5"] == 160.0).all()  # (150 + 170) / 2
    assert (wide["CO"] == 0.5).all()


def _stat(stats, pollutant: str) -> float:
    return stats.to_dict()["pollutants"][pollutant]["statistics"][0]["rounded"]


def test_hand_computed_annual_statistics(evaluation) -> None:
    raw = evaluation.raw.to_dict()
    assert raw["version"] == "2012"
    # PM2.5 annual mean over 364 valid days: (10·160 + 354·40)/364 = 15760/364 = 43.30 → 43
    pm = raw["pollutants"]["PM2.5"]
    assert pm["n_days"] == 364
    assert pm["statistics"][0]["value"] == pytest.approx(15760 / 364)
    assert pm["statistics"][0]["rounded"] == 43
    assert pm["compliant"] is False  # 43 > 35
    assert _stat(evaluation.raw, "CO") == 0.5  # 95th percentile of a constant
    assert _stat(evaluation.raw, "O3") == 60  # 90th percentile of MDA8 = 60
    days = raw["days"]
    # 364 valid days: 10 heavy-pollution days (AQI 210), 354 good (AQI 57)
    assert days["valid_days"] == 364
    assert days["good_days"] == 354
    assert days["heavy_days"] == 10
    assert days["good_ratio_rounded"] == pytest.approx(97.3)  # 354/364 = 97.25 %
    # composite index (rounded concentrations): 10/60 + 20/40 + 50/70 + 43/35 + 0.5/4 + 60/160
    expected = 10 / 60 + 20 / 40 + 50 / 70 + 43 / 35 + 0.5 / 4 + 60 / 160
    assert raw["composite"]["value"] == pytest.approx(expected)


def test_dust_days_are_flagged_and_deducted(evaluation) -> None:
    assert evaluation.dust_days == 2
    ded = evaluation.dust_deducted.to_dict()
    # PM statistics without the two dust days (both at city PM2.5 40):
    # (10·160 + 352·40)/362 = 15680/362 = 43.31
    pm = ded["pollutants"]["PM2.5"]
    assert pm["n_days"] == 362
    assert pm["statistics"][0]["value"] == pytest.approx(15680 / 362)
    assert ded["days"]["valid_days"] == 362
    assert ded["days"]["good_days"] == 352


def test_daily_aqi_by_hand(evaluation) -> None:
    d = evaluation.daily.set_index("date")
    assert d.loc["2021-01-01", "aqi"] == 210
    assert d.loc["2021-02-01", "aqi"] == 57
    assert np.isnan(d.loc["2021-07-19", "aqi"])
    assert (d["aqi_version"] == "2012").all()
