"""Heavy-pollution weather warnings (重污染天气预警) from the city daily AQI forecasts.

For each league/city with a forecast, on run date *D*:

1. the forecast in force is the latest issue dated on or before *D* (``aqi_forecast``, one
   issue per issue date);
2. the series graded is that issue's forecast daily AQI for the consecutive days *D*+1,
   *D*+2, … (the first value is tomorrow; days already past are dropped; a missing day ends
   the series, because the durations count consecutive days);
3. the grade is :func:`ecoplan.standards.warning.assess_warning` under the scheme of the
   city's rule (``ecoplan/data/warning_rules.yaml``: Hohhot 150100 ``hohhot``, the others
   ``national``) — the grades are never re-implemented here;
4. no grade → the condition does not hold (an active warning is lifted); an empty series
   (the latest issue covers no day after *D*) also lifts: the forecast episode is over.

The Hohhot start condition also needs "小时AQI>200". With ``hourly: observed`` it is fed the
city's observed hourly AQI of the run date (HJ 633 real-time report over the city's hourly
mean concentrations, :func:`city_hourly_aqi`); without hourly data the Hohhot condition cannot
be checked and the national grades alone apply (the inputs say so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ecoplan.model.regions import UnknownRegionError, children, get_region
from ecoplan.model.warning_rules import LEVEL_ZH, AirForecastParams, RuleSet, WarningRule
from ecoplan.standards.aqi import HourlyReading, hourly_aqi_array, versions_for_dates
from ecoplan.standards.validity import DAILY_MIN_HOURS, EIGHT_HOUR_MIN_HOURS
from ecoplan.standards.warning import assess_warning
from ecoplan.store.schema_warn import AqiForecast
from ecoplan.warn.types import Clear, Evaluation, Finding

KIND = "air_forecast"


def latest_issues(session: Session, as_of: date) -> dict[str, tuple[date, pd.DataFrame]]:
    """Per city, the latest issue dated on or before *as_of* and its rows
    (``target_date, aqi, primary_pollutant, batch_id``, by target date)."""
    latest = (
        select(AqiForecast.region_code, func.max(AqiForecast.issue_date).label("issue"))
        .where(AqiForecast.issue_date <= as_of)
        .group_by(AqiForecast.region_code)
        .subquery()
    )
    rows = session.execute(
        select(
            AqiForecast.region_code,
            AqiForecast.issue_date,
            AqiForecast.target_date,
            AqiForecast.aqi,
            AqiForecast.primary_pollutant,
            AqiForecast.batch_id,
        )
        .join(
            latest,
            (latest.c.region_code == AqiForecast.region_code)
            & (latest.c.issue == AqiForecast.issue_date),
        )
        .order_by(AqiForecast.region_code, AqiForecast.target_date)
    ).all()
    cols = ["region_code", "issue_date", "target_date", "aqi", "primary_pollutant", "batch_id"]
    df = pd.DataFrame(rows, columns=cols)
    return {
        str(city): (g["issue_date"].iloc[0], g.drop(columns=["region_code", "issue_date"]))
        for city, g in df.groupby("region_code", sort=True)
    }


def forecast_series(rows: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """The rows for the consecutive days *as_of* + 1, + 2, … (stops at the first missing day)."""
    want = as_of + timedelta(days=1)
    out = []
    by_day = {d: i for i, d in enumerate(rows["target_date"])}
    while want in by_day:
        out.append(by_day[want])
        want += timedelta(days=1)
    return rows.iloc[out].reset_index(drop=True)


def _city_codes(city: str) -> list[str]:
    try:
        codes = [city, *(c.code for c in children(city))]
    except UnknownRegionError:
        codes = [city]
    return codes


def city_hourly_aqi(
    con: duckdb.DuckDBPyConnection,
    city: str,
    day: date,
    reading: HourlyReading = "published",
) -> pd.DataFrame:
    """The city's observed hourly AQI for the natural day *day*: ``time, aqi``.

    *reading* (HJ 633-2012 rows only): ``"published"`` (default) is the AQI the public saw —
    CNEMC's real-time practice, PM10/PM2.5 1-h means on the 24-h breakpoints;
    ``"table4"`` reads HJ 633-2012 Table 4 literally (docs/standards-aqi.md §2.2).

    City hourly concentrations are the mean of the valid station values of each hour
    (:func:`ecoplan.standards.validity.city_hourly`, standards.md §3.3, UNCONFIRMED) over the
    city's national stations (all its stations if it has none). The HJ 633 real-time report
    (:func:`ecoplan.standards.aqi.hourly_aqi_array`) under ``"table4"`` needs, for HJ 633-2012
    rows, the 24-hour sliding means of PM10/PM2.5 (valid with ≥ 20 values, GB 3095 Table 4) and the
    8-hour sliding mean of O3 (≥ 6 values), computed here with window functions. Stamps are
    hour-end (docs/standards.md): the day's hours are stamped *day* 01:00 … *day*+1 00:00.
    """
    codes = _city_codes(city)
    t1 = datetime.combine(day + timedelta(days=1), datetime.min.time())
    t0 = t1 - timedelta(hours=24)
    df = con.execute(
        """
        WITH st AS (SELECT code, kind FROM station WHERE list_contains($codes, region_code)),
        use AS (SELECT code FROM st WHERE kind = 'national'
                OR NOT EXISTS (SELECT 1 FROM st WHERE kind = 'national')),
        h AS (SELECT time, pollutant, avg(value) AS v FROM air_hourly
              WHERE station IN (SELECT code FROM use) AND value IS NOT NULL
                AND time > $t0 - INTERVAL 23 HOURS AND time <= $t1
              GROUP BY time, pollutant),
        w AS (SELECT time, pollutant, v,
                     avg(v) OVER p24 AS v24, count(v) OVER p24 AS n24,
                     avg(v) OVER p8 AS v8, count(v) OVER p8 AS n8
              FROM h
              WINDOW p24 AS (PARTITION BY pollutant ORDER BY time
                             RANGE BETWEEN INTERVAL 23 HOURS PRECEDING AND CURRENT ROW),
                     p8 AS (PARTITION BY pollutant ORDER BY time
                            RANGE BETWEEN INTERVAL 7 HOURS PRECEDING AND CURRENT ROW))
        SELECT time, pollutant, v,
               CASE WHEN n24 >= $n24 THEN v24 END AS v24,
               CASE WHEN n8 >= $n8 THEN v8 END AS v8
        FROM w WHERE time > $t0 ORDER BY time
        """,
        {
            "codes": codes,
            "t0": t0,
            "t1": t1,
            "n24": DAILY_MIN_HOURS,
            "n8": EIGHT_HOUR_MIN_HOURS,
        },
    ).df()
    if df.empty:
        return pd.DataFrame({"time": pd.Series([], dtype="datetime64[us]"), "aqi": []})
    wide = df.pivot_table(index="time", columns="pollutant", values=["v", "v24", "v8"])
    times = wide.index.to_numpy()
    n = len(times)

    def col(kind: str, pollutant: str) -> np.ndarray:
        if (kind, pollutant) in wide.columns:
            return wide[(kind, pollutant)].to_numpy(dtype="float64")
        return np.full(n, np.nan)

    columns = {p: col("v", p) for p in ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")}
    columns |= {"PM10_24h": col("v24", "PM10"), "PM2.5_24h": col("v24", "PM2.5")}
    columns |= {"O3_8h": col("v8", "O3"), "SO2_24h": col("v24", "SO2")}
    # an hour-end stamp belongs to the natural day of the hour it closes (00:00 → the day before)
    versions = versions_for_dates(times - np.timedelta64(1, "h"))
    res = hourly_aqi_array(columns, versions, reading=reading)
    out = pd.DataFrame({"time": times, "aqi": res.aqi})
    return out[out["aqi"].notna()].reset_index(drop=True)


def _day(d: date) -> str:
    return f"{d:%Y-%m-%d}"


def _grade_city(
    rule: WarningRule,
    city: str,
    issue: date,
    rows: pd.DataFrame,
    as_of: date,
    con: duckdb.DuckDBPyConnection | None,
) -> Finding | Clear:
    params: AirForecastParams = rule.params
    name = get_region(city).name_zh
    series = forecast_series(rows, as_of)
    base: dict[str, Any] = {
        "as_of": _day(as_of),
        "issue_date": _day(issue),
        "series": [
            {"date": _day(d), "aqi": float(a), "primary_pollutant": p}
            for d, a, p in zip(
                series["target_date"], series["aqi"], series["primary_pollutant"], strict=True
            )
        ],
        "batch_ids": sorted({str(b) for b in series["batch_id"].dropna()}),
        "scheme": params.scheme,
        "scheme_params": dict(params.scheme_params),
    }
    if series.empty:
        return Clear(
            rule.id,
            city,
            city,
            base,
            f"{name}：最新预报（{_day(issue)}发布）未覆盖{_day(as_of + timedelta(days=1))}"
            "及以后，预报期已过",
        )
    scheme = params.scheme
    kw: dict[str, Any] = dict(params.scheme_params)
    if scheme == "hohhot":
        combine = kw.get("combine", "and")
        hourly: list[float] = []
        if params.hourly == "observed" and con is not None:
            h = city_hourly_aqi(con, city, as_of)
            hourly = [float(x) for x in h["aqi"]]
            base["hourly"] = {
                "source": "observed",
                "day": _day(as_of),
                "hours": len(hourly),
                "max_aqi": max(hourly) if hourly else None,
            }
        if hourly:
            kw["hourly_aqi"] = hourly
        elif combine == "and":
            scheme = "national"
            kw = {k: v for k, v in kw.items() if k in _NATIONAL_KEYS}
            base["hohhot_condition"] = "未判定：无小时AQI数据（仅按国家分级）"
    base["scheme_used"] = scheme
    res = assess_warning([float(a) for a in series["aqi"]], scheme, **kw)
    first = series["target_date"].iloc[0]
    base["result"] = {"rule": res.rule, "detail": res.detail, "name_zh": res.name_zh}
    if res.episode is not None:
        start, length = res.episode
        base["result"]["episode"] = {
            "first_day": _day(first + timedelta(days=start)),
            "days": length,
        }
    if res.grade is None:
        return Clear(rule.id, city, city, base, f"{name}：{res.detail}（{_day(issue)}发布的预报）")
    return Finding(
        rule_id=rule.id,
        kind=KIND,
        region_code=city,
        subject=city,
        subject_name=name,
        level=res.grade,
        inputs=base,
        basis={"issue_date": _day(issue)},
        message_zh=f"{name}{LEVEL_ZH[res.grade]}（{res.level_zh}）：{res.detail}"
        f"（{_day(issue)}发布的预报，{_day(first)}起）",
    )


_NATIONAL_KEYS = frozenset(
    {
        "heavy",
        "severe",
        "extreme",
        "yellow_days",
        "orange_days",
        "red_days",
        "red_severe_days",
        "extreme_days",
    }
)


def evaluate_air(
    session: Session,
    rules: RuleSet,
    as_of: date,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    cities: Sequence[str] | None = None,
) -> Evaluation:
    """Findings and clears of the ``air_forecast`` rules for run date *as_of*.

    *con* (the warehouse) is needed only for rules using the observed hourly AQI (Hohhot).
    """
    ev = Evaluation(KIND, as_of)
    issues = latest_issues(session, as_of)
    if not issues:
        ev.notes.append(f"没有{_day(as_of)}及以前发布的城市AQI预报 no forecast issued by then")
    for city, (issue, rows) in issues.items():
        if cities is not None and city not in cities:
            continue
        rule = rules.rule_for(KIND, city)
        if rule is None:
            continue
        ev_item = _grade_city(rule, city, issue, rows, as_of, con)
        if isinstance(ev_item, Finding):
            ev.findings.append(ev_item)
        else:
            ev.clears.append(ev_item)
    return ev
