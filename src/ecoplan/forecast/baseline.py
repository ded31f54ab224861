"""The system's baseline city AQI forecast (基线预报) from the observed history alone.

For an issue date *I* the information used is the observed city daily AQI up to *I* − 1 (the
last complete day when a forecast is issued during day *I*); lead *h* = 1…7 forecasts day
*I* + *h*. Three documented models (docs/forecast.md):

- ``persistence`` (持续性): the AQI of *I* − 1 for every lead — the reference a forecast must
  beat;
- ``climatology`` (气候态): the city's mean daily AQI on the target's day of year over the
  training years, pooled over a ±15-day window (days of year wrap around the new year);
- ``gbm`` (梯度提升): one scikit-learn ``HistGradientBoostingRegressor`` per lead, pooled over
  the cities, on the lagged AQI of *I* − 1 … *I* − 7, their mean, the climatology of the
  target day, the target's day of year (sine/cosine) and the city (categorical). Missing lags
  stay missing (the regressor handles them natively); forecasts are clipped to 0–500.

Fitting uses only observations up to ``trained_until`` = the day before the first issue date,
so forecasts for a range of past issue dates (a hindcast) are out-of-sample and can be scored
(:mod:`ecoplan.forecast.verify`) against persistence. Stored in ``aqi_forecast_baseline``
(:mod:`ecoplan.store.schema_forecast`), never in the imported ``aqi_forecast``: a baseline
never replaces an official forecast nor drives a warning.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ecoplan.forecast.observed import city_daily_aqi
from ecoplan.model.regions import UnknownRegionError, prefecture_of
from ecoplan.store.db import Store
from ecoplan.store.schema_forecast import BASELINE_MODELS, AqiForecastBaseline

DEFAULT_LEADS = 7
MAX_LEADS = 10
LAGS = 7
TRAIN_YEARS = 4
"""Years of history fitted (and averaged by the climatology) before the first issue date."""
CLIM_HALF_WINDOW = 15
MIN_TRAIN_ROWS = 200
MAX_AQI = 500.0
GBM_PARAMS: dict[str, Any] = {
    "max_iter": 150,
    "learning_rate": 0.06,
    "max_leaf_nodes": 31,
    "min_samples_leaf": 40,
    "l2_regularization": 1.0,
    "random_state": 0,
}
MODEL_ZH = {"persistence": "持续性预报", "climatology": "气候态预报", "gbm": "梯度提升模型"}

Progress = Callable[[str, int, int], None]


class BaselineError(ValueError):
    """The baseline cannot be made (no history, bad arguments)."""


@dataclass
class BaselineRun:
    """What :func:`make_baseline` did."""

    issue_from: dt.date
    issue_to: dt.date
    trained_until: dt.date
    cities: list[str]
    leads: int
    stored: dict[str, int] = field(default_factory=dict)
    train_rows: dict[int, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "issue_from": f"{self.issue_from:%Y-%m-%d}",
            "issue_to": f"{self.issue_to:%Y-%m-%d}",
            "trained_until": f"{self.trained_until:%Y-%m-%d}",
            "cities": self.cities,
            "leads": self.leads,
            "stored": self.stored,
            "train_rows": {str(k): v for k, v in self.train_rows.items()},
            "notes": self.notes,
        }


def grid(
    observed: pd.DataFrame, cities: Sequence[str], start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Observed AQI as a full day × city frame over *start*…*end* (NaN where missing)."""
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    if observed.empty:
        return pd.DataFrame(np.nan, index=days, columns=list(cities))
    wide = observed.pivot_table(index="date", columns="region_code", values="aqi", aggfunc="mean")
    wide.index = pd.to_datetime(wide.index)
    return wide.reindex(index=days, columns=list(cities)).astype("float64")


def climatology(
    train: pd.DataFrame, half_window: int = CLIM_HALF_WINDOW
) -> npt.NDArray[np.float64]:
    """Mean AQI per day of year (rows 0…365 = day 1…366) and city (columns of *train*),
    pooled over ± *half_window* days of year (circular); NaN where nothing was observed."""
    doy = train.index.day_of_year.to_numpy() - 1
    vals = train.to_numpy(dtype="float64")
    ok = ~np.isnan(vals)
    sums = np.zeros((366, vals.shape[1]))
    counts = np.zeros((366, vals.shape[1]))
    np.add.at(sums, doy, np.where(ok, vals, 0.0))
    np.add.at(counts, doy, ok.astype("float64"))
    w = half_window
    pad_s = np.concatenate([sums[-w:], sums, sums[:w]])
    pad_c = np.concatenate([counts[-w:], counts, counts[:w]])
    cs = np.cumsum(np.vstack([np.zeros((1, sums.shape[1])), pad_s]), axis=0)
    cc = np.cumsum(np.vstack([np.zeros((1, sums.shape[1])), pad_c]), axis=0)
    k = 2 * w + 1
    s = cs[k:] - cs[:-k]
    c = cc[k:] - cc[:-k]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(c > 0, s / c, np.nan)


def _features(
    values: npt.NDArray[np.float64],
    clim: npt.NDArray[np.float64],
    doy: npt.NDArray[np.int64],
    issues: npt.NDArray[np.int64],
    lead: int,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Feature matrix for issue row indices *issues* × every city at *lead*: ``(X, issue
    index, city index)``, rows ordered issue-major."""
    n_cities = values.shape[1]
    lags = np.stack([values[issues - k] for k in range(1, LAGS + 1)], axis=-1)  # (I, C, L)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN lags: mean stays NaN
        mean = np.nanmean(lags, axis=-1)
    tdoy = doy[issues + lead]  # 0-based day of year of the target
    clim_t = clim[tdoy]  # (I, C)
    ang = 2 * np.pi * tdoy / 366.0
    n_i = len(issues)
    city = np.broadcast_to(np.arange(n_cities), (n_i, n_cities))
    X = np.concatenate(
        [
            lags,
            mean[..., None],
            clim_t[..., None],
            np.broadcast_to(np.sin(ang)[:, None, None], (n_i, n_cities, 1)),
            np.broadcast_to(np.cos(ang)[:, None, None], (n_i, n_cities, 1)),
            city[..., None].astype("float64"),
        ],
        axis=-1,
    ).reshape(n_i * n_cities, -1)
    ii = np.repeat(issues, n_cities)
    cc = np.tile(np.arange(n_cities), n_i)
    return X, ii, cc


def _fit_predict(
    values: npt.NDArray[np.float64],
    clim: npt.NDArray[np.float64],
    doy: npt.NDArray[np.int64],
    train_end: int,
    issues: npt.NDArray[np.int64],
    lead: int,
) -> tuple[npt.NDArray[np.float64], int]:
    """GBM forecasts for *issues* at *lead* (NaN array if too little history), and the
    number of training rows."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    train_issues = np.arange(LAGS, train_end - lead + 1)
    if train_issues.size == 0:
        return np.full(len(issues) * values.shape[1], np.nan), 0
    X, ii, cc = _features(values, clim, doy, train_issues, lead)
    y = values[ii + lead, cc]
    keep = ~np.isnan(y)
    n = int(keep.sum())
    if n < MIN_TRAIN_ROWS:
        return np.full(len(issues) * values.shape[1], np.nan), n
    n_feat = X.shape[1]
    model = HistGradientBoostingRegressor(categorical_features=[n_feat - 1], **GBM_PARAMS)
    model.fit(X[keep], y[keep])
    Xp, _, _ = _features(values, clim, doy, issues, lead)
    return np.clip(model.predict(Xp), 0.0, MAX_AQI), n


def forecast_frame(
    observed: pd.DataFrame,
    cities: Sequence[str],
    issue_from: dt.date,
    issue_to: dt.date,
    *,
    leads: int = DEFAULT_LEADS,
    train_years: int = TRAIN_YEARS,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, dict[int, int]]:
    """Baseline forecasts ``region_code, issue_date, target_date, model, aqi`` of the issue
    dates *issue_from*…*issue_to* from *observed* (``region_code, date, aqi``), and the
    training rows per lead. Only observations before *issue_from* are fitted."""
    start = history_start(issue_from, train_years)
    g = grid(observed, cities, start, issue_to + dt.timedelta(days=leads))
    dates = g.index
    values = g.to_numpy(dtype="float64")
    # observations on or after an issue's own date are never features of that issue: the
    # lags end at I − 1 by construction; the fit ends the day before the first issue.
    train_end = int(dates.get_loc(pd.Timestamp(issue_from))) - 1
    clim = climatology(g.iloc[: train_end + 1])
    doy = (dates.day_of_year.to_numpy() - 1).astype(np.int64)
    issues = np.arange(train_end + 1, int(dates.get_loc(pd.Timestamp(issue_to))) + 1)
    n_c = len(cities)
    frames: list[pd.DataFrame] = []
    train_rows: dict[int, int] = {}
    for h in range(1, leads + 1):  # a handful of leads; vectorised over issues × cities
        gbm, n = _fit_predict(values, clim, doy, train_end, issues, h)
        train_rows[h] = n
        ii = np.repeat(issues, n_c)
        cc = np.tile(np.arange(n_c), len(issues))
        persistence = values[ii - 1, cc]
        clim_f = clim[doy[ii + h], cc]
        for model, f in (("persistence", persistence), ("climatology", clim_f), ("gbm", gbm)):
            ok = ~np.isnan(f)
            frames.append(
                pd.DataFrame(
                    {
                        "region_code": np.asarray(cities, dtype=object)[cc[ok]],
                        "issue_date": dates[ii[ok]],
                        "target_date": dates[ii[ok] + h],
                        "model": model,
                        "aqi": np.round(f[ok], 1),
                    }
                )
            )
        if progress:
            progress("lead", h, leads)
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return out, train_rows


def history_start(issue_from: dt.date, train_years: int = TRAIN_YEARS) -> dt.date:
    """First day of the history read for issues from *issue_from* (training years plus the
    lags)."""
    return issue_from - dt.timedelta(days=366 * train_years + LAGS)


def make_baseline(
    store: Store,
    con: duckdb.DuckDBPyConnection,
    issue_from: dt.date,
    issue_to: dt.date | None = None,
    *,
    cities: Sequence[str] | None = None,
    leads: int = DEFAULT_LEADS,
    train_years: int = TRAIN_YEARS,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> BaselineRun:
    """Make and store the baseline forecasts of the issue dates *issue_from*…*issue_to*
    (default: the one day *issue_from*) for *cities* (default: every league/city with
    stations). Re-making an issue replaces that issue's baseline rows only."""
    issue_to = issue_to or issue_from
    if issue_to < issue_from:
        raise BaselineError(f"起止日期颠倒：{issue_from} 晚于 {issue_to}")
    if not 1 <= leads <= MAX_LEADS:
        raise BaselineError(f"预报时效应为 1–{MAX_LEADS} 天，而不是 {leads}")
    if not 1 <= train_years <= 20:
        raise BaselineError(f"训练年数应为 1–20，而不是 {train_years}")
    if cities is None:
        regions = con.execute("SELECT DISTINCT region_code FROM station").fetchall()
        found: set[str] = set()
        for (code,) in regions:  # a few dozen station regions
            try:
                found.add(prefecture_of(str(code)).code)
            except (UnknownRegionError, ValueError):
                continue  # the province itself, or a code not held
        cities = sorted(found)
    cities = list(cities)
    if not cities:
        raise BaselineError("没有可用的城市监测数据 no league/city has stations")
    trained_until = issue_from - dt.timedelta(days=1)
    run = BaselineRun(issue_from, issue_to, trained_until, cities, leads)
    if progress:
        progress("observed", 0, 1)
    observed = city_daily_aqi(con, cities, history_start(issue_from, train_years), issue_to)
    observed = observed[observed["date"] < pd.Timestamp(issue_to)]
    n_hist = int(observed.loc[observed["date"] <= pd.Timestamp(trained_until), "aqi"].notna().sum())
    if n_hist == 0:
        raise BaselineError(f"{trained_until} 及以前没有城市日AQI实况，无法建立基线预报")
    frame, run.train_rows = forecast_frame(
        observed, cities, issue_from, issue_to, leads=leads, train_years=train_years,
        progress=progress,
    )  # fmt: skip
    if any(n < MIN_TRAIN_ROWS for n in run.train_rows.values()):
        run.notes.append(
            f"历史数据不足（少于{MIN_TRAIN_ROWS}个样本），部分时效未给出梯度提升模型预报"
        )
    stamp = (now or dt.datetime.now()).replace(microsecond=0)
    with store.session() as ses:
        ses.execute(
            delete(AqiForecastBaseline).where(
                AqiForecastBaseline.region_code.in_(cities),
                AqiForecastBaseline.issue_date >= issue_from,
                AqiForecastBaseline.issue_date <= issue_to,
            )
        )
        if not frame.empty:
            rows = frame.assign(
                issue_date=frame["issue_date"].dt.date,
                target_date=frame["target_date"].dt.date,
                trained_until=trained_until,
                made_at=stamp,
            ).to_dict("records")
            ses.execute(insert(AqiForecastBaseline), rows)
    run.stored = {
        m: int((frame["model"] == m).sum()) if not frame.empty else 0 for m in BASELINE_MODELS
    }
    return run


def stored_baseline(
    session: Session, cities: Sequence[str] | None, start: dt.date, end: dt.date
) -> pd.DataFrame:
    """Stored baseline forecasts with target dates *start*…*end* in the frame shape of
    :func:`ecoplan.forecast.verify.official_forecasts` (``source`` = ``baseline:<model>``)."""
    q = select(
        AqiForecastBaseline.model,
        AqiForecastBaseline.region_code,
        AqiForecastBaseline.issue_date,
        AqiForecastBaseline.target_date,
        AqiForecastBaseline.aqi,
    ).where(AqiForecastBaseline.target_date >= start, AqiForecastBaseline.target_date <= end)
    if cities:
        q = q.where(AqiForecastBaseline.region_code.in_(list(cities)))
    df = pd.DataFrame(
        session.execute(q).all(),
        columns=["source", "region_code", "issue_date", "target_date", "forecast"],
    )
    df["source"] = "baseline:" + df["source"].astype(str)
    return df
