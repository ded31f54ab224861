"""Verification of the stored city AQI forecasts against the observed daily AQI
(预报检验; docs/forecast.md).

Every stored issue is scored once its target day is past and observed: a forecast for day *T*
issued on day *I* (lead ``T − I`` = 1…10 days) is paired with the city's observed daily AQI of
*T* (:func:`ecoplan.forecast.observed.city_daily_aqi`). Scores (:mod:`ecoplan.forecast.scores`)
are given overall, by lead day, by city, for each forecast source — the imported official
forecasts (``official``) and the system's baseline models (``baseline:<model>``) — and a
source's MAE skill against the persistence baseline on the pairs both forecast.

Heavy-pollution warnings (``air_forecast``) are scored as events:

- an **observed event** is a run of ≥ 2 consecutive days with observed daily AQI > 200 (the
  national yellow condition, :data:`ecoplan.standards.warning` ``heavy``/``yellow_days``);
- a **warning** predicted the days of the episodes its evaluations graded (the ``episode`` of
  its start/upgrade/downgrade/repeat inputs; the day after its start date when none is
  recorded);
- an event is **hit** when a warning's days overlap it, else **missed**; a warning overlapping
  no observed event is a **false alarm**. POD = hit events / events, FAR = false alarms /
  warnings, CSI = 1 / (1/POD + 1/(1 − FAR) − 1) (event-based verification: events and
  warnings are counted apart). Warnings whose days are not all observed yet are pending.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.forecast import scores as sc
from ecoplan.forecast.observed import city_daily_aqi
from ecoplan.model.regions import Level, UnknownRegionError, get_region
from ecoplan.model.warning_rules import LEVEL_ZH
from ecoplan.store.schema_warn import AqiForecast, WarningEvent, WarningRecord

OFFICIAL = "official"
SOURCE_ZH: dict[str, str] = {
    OFFICIAL: "导入的城市预报",
    "baseline:persistence": "系统基线：持续性预报",
    "baseline:climatology": "系统基线：气候态预报",
    "baseline:gbm": "系统基线：梯度提升模型",
}
REFERENCE = "baseline:persistence"
EVENT_MIN_DAYS = 2
"""An observed heavy-pollution event lasts ≥ 2 days above AQI 200 (national yellow)."""


class VerifyError(ValueError):
    """Bad arguments of a verification (unknown city, reversed dates)."""


def check_city(code: str) -> str:
    """*code* if it is a league/city (盟市) code; forecasts are per city."""
    try:
        reg = get_region(code)
    except UnknownRegionError:
        raise VerifyError(f"{code} 不是已知的行政区划代码 (GB/T 2260)") from None
    if reg.level is not Level.PREFECTURE:
        raise VerifyError(f"{code} {reg.name_zh} 不是盟市：预报按盟市发布")
    return code


def official_forecasts(
    session: Session, cities: Sequence[str] | None, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Imported forecasts with target dates *start*…*end*: ``source, region_code, issue_date,
    target_date, lead, forecast``."""
    q = select(
        AqiForecast.region_code, AqiForecast.issue_date, AqiForecast.target_date, AqiForecast.aqi
    ).where(AqiForecast.target_date >= start, AqiForecast.target_date <= end)
    if cities:
        q = q.where(AqiForecast.region_code.in_(list(cities)))
    rows = session.execute(q).all()
    df = pd.DataFrame(rows, columns=["region_code", "issue_date", "target_date", "forecast"])
    df.insert(0, "source", OFFICIAL)
    return normalise(df)


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """Typed forecast frame with the ``lead`` column (days)."""
    out = df.copy()
    for c in ("issue_date", "target_date"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[us]")
    out["region_code"] = out["region_code"].astype(object)
    out["forecast"] = out["forecast"].astype("float64")
    out["lead"] = (out["target_date"] - out["issue_date"]).dt.days.astype("int64")
    return out


def pair(forecasts: pd.DataFrame, observed: pd.DataFrame) -> pd.DataFrame:
    """Forecasts joined with the observed AQI of their target day (``observed`` NaN when that
    day has no valid observation)."""
    obs = observed.rename(columns={"date": "target_date", "aqi": "observed"})
    return forecasts.merge(obs, on=["region_code", "target_date"], how="left")


def _source_block(p: pd.DataFrame, ref: pd.DataFrame | None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "overall": sc.scores(p),
        "by_lead": sc.scores_by(p, ["lead"]),
        "by_city": [
            r | {"region_zh": get_region(r["region_code"]).name_zh}
            for r in sc.scores_by(p, ["region_code"])
        ],
    }
    if ref is not None:
        block["skill"] = skill_vs(p, ref)
    return block


def skill_vs(p: pd.DataFrame, ref: pd.DataFrame) -> dict[str, Any]:
    """MAE skill of pairs *p* against reference pairs *ref* on the common (city, issue,
    target) keys, overall and by lead."""
    keys = ["region_code", "issue_date", "target_date", "lead"]
    both = p.dropna(subset=["forecast", "observed"]).merge(
        ref.dropna(subset=["forecast", "observed"])[[*keys, "forecast"]].rename(
            columns={"forecast": "reference"}
        ),
        on=keys,
    )

    def one(g: pd.DataFrame) -> dict[str, Any]:
        mae = float(np.mean(np.abs(g["forecast"] - g["observed"]))) if len(g) else None
        mae_ref = float(np.mean(np.abs(g["reference"] - g["observed"]))) if len(g) else None
        return {"n": len(g), "mae": mae, "mae_reference": mae_ref, "skill": sc.skill(mae, mae_ref)}

    return {
        "reference": REFERENCE,
        "overall": one(both),
        "by_lead": [{"lead": int(k)} | one(g) for k, g in both.groupby("lead", sort=True)],
    }


def warning_windows(
    session: Session, cities: Sequence[str] | None, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Heavy-pollution warnings and the days they predicted: ``warning_id, region_code,
    level, started_on, first_day, last_day`` (warnings whose predicted days meet
    *start*…*end*)."""
    q = select(WarningRecord).where(WarningRecord.kind == "air_forecast")
    if cities:
        q = q.where(WarningRecord.region_code.in_(list(cities)))
    warnings = list(session.scalars(q))
    ids = [w.id for w in warnings]
    episodes: dict[int, list[tuple[dt.date, dt.date]]] = {}
    if ids:
        for e in session.scalars(select(WarningEvent).where(WarningEvent.warning_id.in_(ids))):
            ep = ((e.inputs or {}).get("result") or {}).get("episode")
            if ep and ep.get("first_day") and ep.get("days"):
                first = dt.date.fromisoformat(str(ep["first_day"]))
                last = first + dt.timedelta(days=int(ep["days"]) - 1)
                episodes.setdefault(e.warning_id, []).append((first, last))
    rows = []
    for w in warnings:
        spans = episodes.get(w.id) or [(w.started_on + dt.timedelta(days=1),) * 2]
        first = min(s for s, _ in spans)
        last = max(e for _, e in spans)
        if last < start or first > end:
            continue
        rows.append((w.id, w.region_code, w.level, w.started_on, first, last))
    return pd.DataFrame(
        rows,
        columns=["warning_id", "region_code", "level", "started_on", "first_day", "last_day"],
    )


def observed_events(observed: pd.DataFrame, threshold: float = sc.HEAVY_AQI) -> pd.DataFrame:
    """Runs of ≥ :data:`EVENT_MIN_DAYS` consecutive days with observed AQI > *threshold*:
    ``region_code, first_day, last_day, days, max_aqi``."""
    rows = []
    for city, g in observed.sort_values("date").groupby("region_code", sort=True):
        days = pd.to_datetime(g["date"])
        full = pd.date_range(days.min(), days.max(), freq="D")
        aqi = g.set_index(days)["aqi"].reindex(full).to_numpy(dtype="float64")
        with np.errstate(invalid="ignore"):
            flags = aqi > threshold
        for s, n in sc.runs(flags):
            if n >= EVENT_MIN_DAYS:
                rows.append(
                    (
                        city,
                        full[s].date(),
                        full[s + n - 1].date(),
                        n,
                        float(np.nanmax(aqi[s : s + n])),
                    )
                )
    return pd.DataFrame(rows, columns=["region_code", "first_day", "last_day", "days", "max_aqi"])


def score_warnings(
    windows: pd.DataFrame, events: pd.DataFrame, last_observed: dict[str, dt.date]
) -> dict[str, Any]:
    """Event-based scores of the warnings *windows* against the observed *events*
    (module docstring). *last_observed* is each city's last observed day."""
    items = []
    verified_warnings = fa = pending = 0
    hit_events: set[int] = set()
    ev = events.reset_index(drop=True)
    for w in windows.itertuples(index=False):
        last_obs = last_observed.get(w.region_code)
        if last_obs is None or w.last_day > last_obs:
            pending += 1
            items.append(_item(w, "pending", []))
            continue
        mine = ev[
            (ev["region_code"] == w.region_code)
            & (ev["first_day"] <= w.last_day)
            & (ev["last_day"] >= w.first_day)
        ]
        if mine.empty:
            fa += 1
            items.append(_item(w, "false_alarm", []))
        else:
            verified_warnings += 1
            hit_events.update(int(i) for i in mine.index)
            items.append(_item(w, "hit", [f"{d:%Y-%m-%d}" for d in mine["first_day"]]))
    n_events = len(ev)
    hits = len(hit_events)
    misses = n_events - hits
    scored = verified_warnings + fa
    pod = None if n_events == 0 else hits / n_events
    far = None if scored == 0 else fa / scored
    csi = None
    if pod is not None and far is not None:
        csi = 0.0 if pod == 0 or far == 1 else 1.0 / (1.0 / pod + 1.0 / (1.0 - far) - 1.0)
    missed = [
        {
            "region_code": r.region_code,
            "region_zh": get_region(r.region_code).name_zh,
            "first_day": f"{r.first_day:%Y-%m-%d}",
            "last_day": f"{r.last_day:%Y-%m-%d}",
            "days": int(r.days),
            "max_aqi": r.max_aqi,
        }
        for i, r in enumerate(ev.itertuples(index=False))
        if i not in hit_events
    ]
    return {
        "events": n_events,
        "hits": hits,
        "misses": misses,
        "warnings": len(windows),
        "verified_warnings": verified_warnings,
        "false_alarms": fa,
        "pending": pending,
        "pod": pod,
        "far": far,
        "csi": csi,
        "items": items,
        "missed_events": missed,
    }


def _item(w: Any, outcome: str, matched: list[str]) -> dict[str, Any]:
    return {
        "warning_id": int(w.warning_id),
        "region_code": w.region_code,
        "region_zh": get_region(w.region_code).name_zh,
        "level": w.level,
        "level_zh": LEVEL_ZH.get(w.level, w.level),
        "started_on": f"{w.started_on:%Y-%m-%d}",
        "first_day": f"{w.first_day:%Y-%m-%d}",
        "last_day": f"{w.last_day:%Y-%m-%d}",
        "outcome": outcome,
        "outcome_zh": OUTCOME_ZH[outcome],
        "events": matched,
    }


OUTCOME_ZH = {"hit": "命中", "false_alarm": "空报", "pending": "待检验", "miss": "漏报"}


def verify(
    session: Session,
    con: duckdb.DuckDBPyConnection,
    start: dt.date,
    end: dt.date,
    *,
    cities: Sequence[str] | None = None,
    extra: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The verification report of forecasts with target dates *start*…*end*.

    *extra* are further forecasts (the baseline's) in the frame shape of
    :func:`official_forecasts`.
    """
    if end < start:
        raise VerifyError(f"起止日期颠倒：{start} 晚于 {end}")
    cities = [check_city(c) for c in cities] if cities else None
    fc = official_forecasts(session, cities, start, end)
    if extra is not None and not extra.empty:
        fc = pd.concat([fc, normalise(extra)], ignore_index=True)
    windows = warning_windows(session, cities, start, end)
    wanted = sorted(
        set(cities or []) | set(fc["region_code"]) | set(windows["region_code"].astype(str))
    )
    obs_from = start - dt.timedelta(days=EVENT_MIN_DAYS)
    observed = city_daily_aqi(con, wanted, obs_from, end)
    obs_valid = observed.dropna(subset=["aqi"])
    last_observed = {
        str(c): pd.Timestamp(d).date()
        for c, d in obs_valid.groupby("region_code")["date"].max().items()
    }
    pairs = pair(fc, observed)
    last_ts = (
        pairs["region_code"]
        .map({c: pd.Timestamp(d) for c, d in last_observed.items()})
        .astype("datetime64[us]")
    )
    pending = pairs["observed"].isna() & ~(pairs["target_date"] <= last_ts)
    in_range = observed[pd.to_datetime(observed["date"]) >= pd.Timestamp(start)]
    ref = pairs[pairs["source"] == REFERENCE] if REFERENCE in set(pairs["source"]) else None
    sources = []
    for src, p in pairs.groupby("source", sort=False):
        block = _source_block(p, ref if src != REFERENCE else None)
        sources.append(
            {
                "source": src,
                "source_zh": SOURCE_ZH.get(str(src), str(src)),
                "forecasts": len(p),
                "pending": int(pending[p.index].sum()),
            }
            | block
        )
    order = list(SOURCE_ZH)
    sources.sort(key=lambda s: order.index(s["source"]) if s["source"] in order else len(order))
    events = observed_events(obs_valid)
    events = events[events["last_day"] >= start].reset_index(drop=True) if len(events) else events
    return {
        "from": f"{start:%Y-%m-%d}",
        "to": f"{end:%Y-%m-%d}",
        "cities": [{"code": c, "name_zh": get_region(c).name_zh} for c in wanted],
        "observed_days": int(in_range["aqi"].notna().sum()),
        "last_observed": {c: f"{d:%Y-%m-%d}" for c, d in sorted(last_observed.items())},
        "sources": sources,
        "warnings": score_warnings(windows, events, last_observed),
    }
