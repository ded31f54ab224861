"""pandas shapes of the engines' SQL results (shared by both engines' callers)."""

from __future__ import annotations

import pandas as pd

from ecoplan.engines.sql import POLLUTANTS, alias


def wide_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of :func:`~ecoplan.engines.sql.unit_hourly_sql` as the hourly wide table
    ``unit, time, SO2, NO2, PM10, PM2.5, CO, O3`` (float64, NaN where no station had a value),
    sorted by unit and time: the same frame whichever engine produced the rows."""
    out = rows.rename(columns={alias(p): p for p in POLLUTANTS})
    out = out[["unit", "time", *POLLUTANTS]].copy()
    out["unit"] = out["unit"].astype(str)
    out["time"] = pd.to_datetime(out["time"]).astype("datetime64[us]")
    for p in POLLUTANTS:
        out[p] = pd.to_numeric(out[p]).astype("float64")
    return out.sort_values(["unit", "time"], kind="stable").reset_index(drop=True)


def wide_means(long: pd.DataFrame) -> pd.DataFrame:
    """Long water means (``section, period, item, value``) pivoted to ``section, period,
    <item columns…>`` (items in sorted order), sorted by section and period."""
    if long.empty:
        return pd.DataFrame(columns=["section", "period"])
    wide = long.pivot_table(index=["section", "period"], columns="item", values="value")
    wide.columns.name = None
    wide = wide[sorted(wide.columns)]
    return wide.reset_index()
