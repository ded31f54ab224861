"""The SQL of the heavy aggregations, written once for DuckDB and Spark SQL.

Only the common dialect is used: ``FILTER (WHERE …)`` aggregates, ``TIMESTAMP '…'`` literals,
``CAST(… AS BIGINT|DOUBLE|STRING)``, ``year``/``month``/``lpad``/``concat``, ``GROUP BY`` by
ordinal, and plain identifiers (``PM2.5`` is aliased ``p_PM2_5`` and renamed by the caller).

**Exact means.** A floating-point sum depends on the order of its terms, which differs between
engines (and between Spark partitions), so ``avg(value)`` could differ in the last bit and a
result on a rounding boundary could round differently. Each value is therefore scaled to an
integer first (``round(value · SCALE)``, exact for values with up to log10(SCALE) decimals: µg/m³
and mg/m³ data have at most 3, water concentrations at most 6), the integers are summed exactly
(BIGINT), and the mean is one IEEE division ``sum / (count · SCALE)``: the correctly rounded
mean of the decimal values, the same double on every engine whatever the order of the rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

POLLUTANTS: Final = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
AIR_SCALE: Final = 1_000_000
"""Air values are summed as integer micro-units (µg/m³ · 10⁶; CO mg/m³ · 10⁶)."""
WATER_SCALE: Final = 1_000_000_000
"""Water values are summed as integer nano-units (mg/L · 10⁹; Hg detection limits are 10⁻⁵)."""


def alias(pollutant: str) -> str:
    """The SQL column alias of *pollutant* (``PM2.5`` → ``p_PM2_5``)."""
    return "p_" + pollutant.replace(".", "_")


def ts(t: dt.datetime) -> str:
    """A ``TIMESTAMP`` literal both dialects read."""
    return f"TIMESTAMP '{t:%Y-%m-%d %H:%M:%S}'"


def exact_mean(value: str, scale: int, where: str | None = None) -> str:
    """The exact mean of *value* (NULLs ignored, NULL when there is none), optionally over the
    rows matching *where*."""
    filt = f" FILTER (WHERE {where})" if where else ""
    return (
        f"CAST(sum(CAST(round({value} * {scale}) AS BIGINT)){filt} AS DOUBLE) / "
        f"CAST(nullif(count({value}){filt}, 0) * {scale} AS DOUBLE)"
    )


def unit_hourly_sql(source: str, station_unit: str, start: dt.datetime, end: dt.datetime) -> str:
    """Unit-hourly wide rows: for each unit and hour stamp ``start < time <= end``, the mean of
    the unit's station values of each pollutant (HJ 663 city value: arithmetic mean of the
    valid station values of the hour, ``docs/standards-airqual.md`` §5).

    *source* is a relation ``(station, time, pollutant, value)`` of effective values and
    *station_unit* one of ``(station, unit)``. Columns ``unit, time, p_SO2 … p_O3``; unordered.
    """
    cols = ",\n       ".join(
        exact_mean("h.value", AIR_SCALE, "h.pollutant = '" + p + "'") + " AS " + alias(p)
        for p in POLLUTANTS
    )
    return (
        f"SELECT su.unit AS unit, h.time AS time,\n       {cols}\n"
        f"FROM {source} h JOIN {station_unit} su ON h.station = su.station\n"
        f"WHERE h.time > {ts(start)} AND h.time <= {ts(end)}\n"
        "GROUP BY su.unit, h.time"
    )


def water_means_sql(source: str, year: int, *, monthly: bool = False) -> str:
    """Long means per section, period and item of the samples dated in *year*: columns
    ``section, period, item, value, n``; *period* is ``'2024'`` or ``'2024-07'``."""
    period = "CAST(year(date) AS STRING)"
    if monthly:
        period = f"concat({period}, '-', lpad(CAST(month(date) AS STRING), 2, '0'))"
    return (
        f"SELECT section, {period} AS period, item, "
        f"{exact_mean('value', WATER_SCALE)} AS value, count(*) AS n\n"
        f"FROM {source} WHERE year(date) = {int(year)}\n"
        "GROUP BY 1, 2, 3"
    )
