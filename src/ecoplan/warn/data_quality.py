"""Monitoring data-quality warnings over the hourly air warehouse: silent stations and
flat-lining stations (the seeds ask for action against falsified monitoring data).

Both are single SQL queries with window functions over ``air_hourly`` (station, time,
pollutant, value; hour-end stamps, local time): no Python loop per row.

- **Silent** (``station_silent``): a registered station with no value of any pollutant for more
  than ``hours`` hours. The gap is measured up to the *reference hour*: the latest stamp any
  station has up to the end of the run date (*D* + 1 00:00, the last hour of *D*), so that data
  not imported yet for the whole network is not blamed on every station. Silent hours =
  reference − the station's last stamp with a value (in hours); a station with no value in the
  ``lookback_days`` window is silent for at least the window. With no data at all in the window
  nothing is evaluated.
- **Flat-lining** (``station_flatline``): a station reporting the same value of one pollutant
  (|Δ| ≤ ``tolerance``) at consecutive hourly stamps (exactly one hour apart; a missing hour
  ends the run) for ≥ ``hours`` hours within the ``lookback_days`` window ending at *D* + 1
  00:00. Runs are found with the gaps-and-islands method: a run starts where the value changes
  or an hour is missing (``lag``), a running sum numbers the runs, ``GROUP BY`` measures them.
  Runs at or below the pollutant's ``ignore_at_or_below`` value are exempt (low values repeat
  without a fault). A station with values in the window and no such run is cleared.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from ecoplan.model.warning_rules import KIND_ZH, RuleSet, StationFlatlineParams
from ecoplan.warn.types import Clear, Evaluation, Finding

SILENT = "station_silent"
FLAT = "station_flatline"


def window_end(as_of: date) -> datetime:
    """The last hour-end stamp of the run date: *as_of* + 1 day, 00:00."""
    return datetime.combine(as_of + timedelta(days=1), datetime.min.time())


def _fmt(t: Any) -> str | None:
    if t is None or pd.isna(t):
        return None
    return f"{pd.Timestamp(t):%Y-%m-%d %H:%M}"


def silent_stations(
    con: duckdb.DuckDBPyConnection, as_of: date, lookback_days: int
) -> tuple[datetime | None, pd.DataFrame]:
    """``(reference hour, stations)``; stations: ``code, name, region_code, kind, last_time,
    silent_hours`` (``last_time`` NULL when the station has no value in the window)."""
    t1 = window_end(as_of)
    t0 = t1 - timedelta(days=lookback_days)
    df = con.execute(
        """
        WITH a AS (SELECT station, max(time) AS last_time FROM air_hourly
                   WHERE time > $t0 AND time <= $t1 AND value IS NOT NULL GROUP BY station),
        ref AS (SELECT max(last_time) AS ref FROM a)
        SELECT s.code, s.name, s.region_code, s.kind, a.last_time, ref.ref,
               date_diff('hour', coalesce(a.last_time, CAST($t0 AS TIMESTAMP)), ref.ref)
                   AS silent_hours
        FROM station s CROSS JOIN ref LEFT JOIN a ON a.station = s.code
        ORDER BY s.code
        """,
        {"t0": t0, "t1": t1},
    ).df()
    if df.empty or df["ref"].isna().all():
        return None, df.iloc[0:0]
    ref = pd.Timestamp(df["ref"].iloc[0]).to_pydatetime()
    return ref, df.drop(columns=["ref"])


def flat_runs(
    con: duckdb.DuckDBPyConnection, as_of: date, params: StationFlatlineParams
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(runs, reporting)``: runs ``station, pollutant, value, start_time, end_time, hours`` of
    ≥ the pollutant's threshold within the window; ``reporting``: stations with values in it."""
    t1 = window_end(as_of)
    t0 = t1 - timedelta(days=params.lookback_days)
    pollutants = list(params.checked())
    thresholds = pd.DataFrame(
        {
            "pollutant": pollutants,
            "min_hours": [params.hours_for(p) for p in pollutants],
            "floor": [params.ignore_at_or_below.get(p, -1.0) for p in pollutants],
        }
    )
    con.register("_ecoplan_flat_thresholds", thresholds)
    try:
        runs = con.execute(
            """
            WITH v AS (
                SELECT station, pollutant, time, value,
                       CASE WHEN lag(time) OVER w = time - INTERVAL 1 HOUR
                             AND abs(value - lag(value) OVER w) <= $tol
                            THEN 0 ELSE 1 END AS brk
                FROM air_hourly
                WHERE time > $t0 AND time <= $t1 AND value IS NOT NULL
                  AND list_contains($pollutants, pollutant)
                WINDOW w AS (PARTITION BY station, pollutant ORDER BY time)),
            g AS (
                SELECT *, sum(brk) OVER (PARTITION BY station, pollutant ORDER BY time
                                         ROWS UNBOUNDED PRECEDING) AS run
                FROM v)
            SELECT g.station, g.pollutant, min(g.value) AS value, max(g.value) AS value_max,
                   min(g.time) AS start_time, max(g.time) AS end_time, count(*) AS hours
            FROM g JOIN _ecoplan_flat_thresholds t ON t.pollutant = g.pollutant
            GROUP BY g.station, g.pollutant, g.run, t.min_hours, t.floor
            HAVING count(*) >= t.min_hours AND max(g.value) > t.floor
            ORDER BY g.station, g.pollutant, start_time
            """,
            {"t0": t0, "t1": t1, "tol": params.tolerance, "pollutants": pollutants},
        ).df()
    finally:
        con.unregister("_ecoplan_flat_thresholds")
    reporting = con.execute(
        """
        SELECT s.code, s.name, s.region_code, max(a.time) AS last_time
        FROM station s JOIN air_hourly a ON a.station = s.code
        WHERE a.time > $t0 AND a.time <= $t1 AND a.value IS NOT NULL
          AND list_contains($pollutants, a.pollutant)
        GROUP BY ALL ORDER BY s.code
        """,
        {"t0": t0, "t1": t1, "pollutants": pollutants},
    ).df()
    return runs, reporting


def _evaluate_silent(con: duckdb.DuckDBPyConnection, rules: RuleSet, as_of: date) -> Evaluation:
    ev = Evaluation(SILENT, as_of)
    enabled = rules.enabled(SILENT)
    if not enabled:
        return ev
    lookback = max(r.params.lookback_days for r in enabled)
    ref, st = silent_stations(con, as_of, lookback)
    if ref is None:
        ev.notes.append(f"{as_of:%Y-%m-%d}前{lookback}天内没有任何小时空气数据 no air data")
        return ev
    for row in st.itertuples(index=False):  # one row per station
        rule = rules.rule_for(SILENT, str(row.region_code))
        if rule is None:
            continue
        p = rule.params
        if p.station_kinds is not None and row.kind not in p.station_kinds:
            continue
        last = _fmt(row.last_time)
        hours = int(row.silent_hours)
        inputs = {
            "as_of": f"{as_of:%Y-%m-%d}",
            "reference_time": _fmt(ref),
            "last_value_time": last,
            "silent_hours": hours,
            "silent_hours_at_least": last is None,
            "threshold_hours": p.hours,
            "lookback_days": p.lookback_days,
            "station_kind": row.kind,
        }
        name = f"{row.name}（{row.code}）"
        if hours > p.hours:
            since = f"自{last}起" if last else f"{p.lookback_days}天内"
            ev.findings.append(
                Finding(
                    rule_id=rule.id,
                    kind=SILENT,
                    region_code=str(row.region_code),
                    subject=str(row.code),
                    subject_name=str(row.name),
                    level="silent",
                    inputs=inputs,
                    basis={"last_value_time": last},
                    message_zh=f"{name}{since}无监测数据，已中断"
                    f"{'≥' if last is None else ''}{hours}小时（阈值>{p.hours}小时，"
                    f"截至{_fmt(ref)}）",
                )
            )
        else:
            ev.clears.append(
                Clear(
                    rule.id,
                    str(row.region_code),
                    str(row.code),
                    inputs,
                    f"{name}数据正常上报（最近{last}）",
                )
            )
    return ev


def _evaluate_flat(con: duckdb.DuckDBPyConnection, rules: RuleSet, as_of: date) -> Evaluation:
    ev = Evaluation(FLAT, as_of)
    for rule in rules.enabled(FLAT):
        p: StationFlatlineParams = rule.params
        runs, reporting = flat_runs(con, as_of, p)
        by_station = {code: g for code, g in runs.groupby("station", sort=True)}
        for row in reporting.itertuples(index=False):  # one row per station
            if rules.rule_for(FLAT, str(row.region_code)) is not rule:
                continue
            code = str(row.code)
            inputs: dict[str, Any] = {
                "as_of": f"{as_of:%Y-%m-%d}",
                "window": [
                    _fmt(window_end(as_of) - timedelta(days=p.lookback_days)),
                    _fmt(window_end(as_of)),
                ],
                "threshold_hours": {q: p.hours_for(q) for q in p.checked()},
                "tolerance": p.tolerance,
                "ignore_at_or_below": dict(p.ignore_at_or_below),
                "last_value_time": _fmt(row.last_time),
            }
            name = f"{row.name}（{code}）"
            g = by_station.get(code)
            if g is None:
                ev.clears.append(
                    Clear(rule.id, str(row.region_code), code, inputs, f"{name}数据无恒定异常")
                )
                continue
            inputs["runs"] = [
                {
                    "pollutant": r.pollutant,
                    "value": float(r.value),
                    "start_time": _fmt(r.start_time),
                    "end_time": _fmt(r.end_time),
                    "hours": int(r.hours),
                }
                for r in g.itertuples(index=False)
            ]
            worst = max(inputs["runs"], key=lambda r: r["hours"])
            pols = "、".join(sorted({r["pollutant"] for r in inputs["runs"]}))
            ev.findings.append(
                Finding(
                    rule_id=rule.id,
                    kind=FLAT,
                    region_code=str(row.region_code),
                    subject=code,
                    subject_name=str(row.name),
                    level="flatline",
                    inputs=inputs,
                    basis=[[r["pollutant"], r["start_time"]] for r in inputs["runs"]],
                    message_zh=f"{name}{pols}数据恒定不变（{KIND_ZH[FLAT]}）：最长"
                    f"{worst['pollutant']}={worst['value']:g}连续{worst['hours']}小时"
                    f"（{worst['start_time']}—{worst['end_time']}）",
                )
            )
    return ev


def evaluate_data_quality(
    con: duckdb.DuckDBPyConnection, rules: RuleSet, as_of: date
) -> list[Evaluation]:
    """Findings and clears of the ``station_silent`` and ``station_flatline`` rules."""
    return [_evaluate_silent(con, rules, as_of), _evaluate_flat(con, rules, as_of)]
