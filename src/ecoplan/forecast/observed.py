"""The observed city daily AQI that forecasts are scored against (and the baseline learns from).

A league/city's daily AQI is HJ 633's daily AQI of the city's daily concentrations: the hourly
city value is the mean of the valid values of its national (国控) stations (all non-micro
stations when it has none), as the HJ 663 city evaluation takes it
(:func:`ecoplan.assess.airquality.air_units`, :func:`~ecoplan.assess.airquality.hourly_wide`);
daily means, O3 MDA8 and validity by GB 3095 Table 4 (:func:`ecoplan.standards.validity.
daily_table`); the AQI by the HJ 633 edition in force each day. A day without a valid AQI is
missing (NaN), never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import duckdb
import pandas as pd

from ecoplan.assess.airquality import add_daily_aqi, air_units, has_table, hourly_wide
from ecoplan.standards import validity

COLUMNS = ["region_code", "date", "aqi"]


def _empty() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": pd.Series([], dtype=object),
            "date": pd.Series([], dtype="datetime64[us]"),
            "aqi": pd.Series([], dtype="float64"),
        }
    )


def city_daily_aqi(
    con: duckdb.DuckDBPyConnection, cities: Sequence[str], start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Observed daily AQI ``region_code, date, aqi`` of *cities* for the days *start*…*end*
    (inclusive; hour-end stamps: day *d* is the hours (d 00:00, d+1 00:00])."""
    if not cities or not has_table(con, "station") or end < start:
        return _empty()
    stations = con.execute("SELECT code, region_code, kind FROM station").df()
    su, _notes, _counts = air_units(stations, list(cities))
    if su.empty:
        return _empty()
    t0 = dt.datetime.combine(start, dt.time())
    t1 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time())
    wide = hourly_wide(con, su, t0, t1)
    if wide.empty:
        return _empty()
    daily = validity.daily_table(wide, id_col="unit")
    d = pd.to_datetime(daily["date"])
    daily = daily[(d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end))].reset_index(drop=True)
    daily = add_daily_aqi(daily)
    out = pd.DataFrame(
        {
            "region_code": daily["unit"].astype(str).astype(object),
            "date": pd.to_datetime(daily["date"]).astype("datetime64[us]"),
            "aqi": daily["aqi"].astype("float64"),
        }
    )
    return out.sort_values(["region_code", "date"]).reset_index(drop=True)
