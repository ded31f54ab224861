"""The observed hourly AQI used by warnings is the published (CNEMC real-time) AQI."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ecoplan.warn.air import city_hourly_aqi

from .conftest import hand_warehouse


def test_city_hourly_aqi_uses_the_published_reading() -> None:
    # PM2.5 50 µg/m³ every hour for two days, one hour at 260 on the second day.
    times = pd.date_range("2024-11-30 01:00", "2024-12-02 00:00", freq="h")
    values = np.full(len(times), 50.0)
    spike = times.get_loc(pd.Timestamp("2024-12-01 12:00"))
    values[spike] = 260.0
    hourly = pd.DataFrame({"station": "H1", "time": times, "pollutant": "PM2.5", "value": values})
    con = hand_warehouse([("H1", "新城区站", "150102", "national")], hourly)
    pub = city_hourly_aqi(con, "150100", dt.date(2024, 12, 1))
    lit = city_hourly_aqi(con, "150100", dt.date(2024, 12, 1), reading="table4")
    assert len(pub) == len(lit) == 24
    # published: 1h 260 on the 24h breakpoints 250→300, 350→400: 300 + 10 = 310
    assert pub["aqi"].max() == 310.0
    # Table 4 literally: 24h sliding mean (23·50 + 260)/24 = 58.75 → 50/40·(58.75−35)+50 = 79.7 → 80
    assert lit["aqi"].max() == 80.0
