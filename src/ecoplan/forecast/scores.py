"""Forecast verification scores (pure functions over frames; docs/forecast.md).

Continuous and categorical scores of forecast daily AQI against the observed daily AQI:

- **level hit rate** (级别准确率): share of pairs whose forecast AQI level (HJ 633 Table 2 /
  HJ 633-2026 Table 1: 0–50, 51–100, 101–150, 151–200, 201–300, > 300) equals the observed
  level. A forecast AQI is rounded up to an integer before its level is taken, as AQI values
  are (HJ 633 §5: IAQI/AQI 向上取整);
- **within ±1 level** (级别偏差不超过一级): share with ``|forecast level − observed level| ≤ 1``;
- **MAE** (平均绝对误差) ``mean |F − O|``, **bias** (平均偏差) ``mean (F − O)`` (> 0: too high),
  **RMSE** (均方根误差);
- **heavy-pollution days** as a 2 × 2 contingency table (event: daily AQI > 200, 重度及以上污染):
  hits, misses, false alarms, correct negatives, POD = hits / (hits + misses),
  FAR = false alarms / (hits + false alarms), CSI = hits / (hits + misses + false alarms);
- **skill** against a reference: ``1 − MAE / MAE_reference`` on the pairs both forecast.

A rate with an empty denominator is ``None`` (not 0): nothing was there to score.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.standards.aqi import level_array

HEAVY_AQI = 200.0
"""Heavy pollution (重度污染) starts above AQI 200 (HJ 633 level 5: 201–300)."""

PAIR_COLUMNS = ("region_code", "issue_date", "target_date", "lead", "forecast", "observed")


def levels(aqi: pd.Series | np.ndarray) -> np.ndarray:
    """HJ 633 level numbers (1–6; 0 for NaN) of AQI values rounded up to integers."""
    a = np.ceil(np.asarray(aqi, dtype="float64"))
    return level_array(a).astype(np.int64)


def _rate(num: float, den: float) -> float | None:
    return None if den == 0 else float(num) / float(den)


def _mean(x: np.ndarray) -> float | None:
    return None if x.size == 0 else float(np.mean(x))


def continuous(pairs: pd.DataFrame) -> dict[str, Any]:
    """``n``, ``hit_rate``, ``within_one``, ``mae``, ``bias``, ``rmse`` of *pairs*
    (columns ``forecast``, ``observed``; rows with either missing are left out and counted in
    ``n_missing``)."""
    f = pairs["forecast"].to_numpy(dtype="float64")
    o = pairs["observed"].to_numpy(dtype="float64")
    ok = ~(np.isnan(f) | np.isnan(o))
    f, o = f[ok], o[ok]
    err = f - o
    lf, lo = levels(f), levels(o)
    return {
        "n": int(f.size),
        "n_missing": int((~ok).sum()),
        "hit_rate": _rate(int((lf == lo).sum()), f.size),
        "within_one": _rate(int((np.abs(lf - lo) <= 1).sum()), f.size),
        "mae": _mean(np.abs(err)),
        "bias": _mean(err),
        "rmse": None if err.size == 0 else float(math.sqrt(float(np.mean(err**2)))),
    }


def contingency(
    forecast_event: np.ndarray, observed_event: np.ndarray
) -> dict[str, int | float | None]:
    """2 × 2 table of boolean arrays: hits, misses, false alarms, correct negatives, POD, FAR,
    CSI."""
    fe = np.asarray(forecast_event, dtype=bool)
    oe = np.asarray(observed_event, dtype=bool)
    hits = int((fe & oe).sum())
    misses = int((~fe & oe).sum())
    fa = int((fe & ~oe).sum())
    cn = int((~fe & ~oe).sum())
    return {
        "hits": hits,
        "misses": misses,
        "false_alarms": fa,
        "correct_negatives": cn,
        "pod": _rate(hits, hits + misses),
        "far": _rate(fa, hits + fa),
        "csi": _rate(hits, hits + misses + fa),
    }


def heavy_days(pairs: pd.DataFrame, threshold: float = HEAVY_AQI) -> dict[str, Any]:
    """Contingency of the event "daily AQI > *threshold*" over the complete pairs."""
    f = pairs["forecast"].to_numpy(dtype="float64")
    o = pairs["observed"].to_numpy(dtype="float64")
    ok = ~(np.isnan(f) | np.isnan(o))
    return contingency(np.ceil(f[ok]) > threshold, o[ok] > threshold)


def scores(pairs: pd.DataFrame) -> dict[str, Any]:
    """Continuous scores and the heavy-pollution-day table of *pairs*."""
    return continuous(pairs) | {"heavy": heavy_days(pairs)}


def scores_by(pairs: pd.DataFrame, keys: list[str]) -> list[dict[str, Any]]:
    """:func:`scores` per group of *keys* (e.g. ``["lead"]``, ``["region_code"]``), sorted."""
    out: list[dict[str, Any]] = []
    if pairs.empty:
        return out
    for key, g in pairs.groupby(keys, sort=True):  # ≤ 10 leads × a dozen cities
        k = key if isinstance(key, tuple) else (key,)
        out.append(dict(zip(keys, [_plain(v) for v in k], strict=True)) | scores(g))
    return out


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def skill(mae: float | None, mae_reference: float | None) -> float | None:
    """MAE skill score ``1 − MAE / MAE_ref`` (1 perfect, 0 no better than the reference)."""
    if mae is None or mae_reference is None or mae_reference == 0:
        return None
    return 1.0 - mae / mae_reference


def runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``(start, length)`` of each run of True in *flags*."""
    f = np.concatenate([[False], np.asarray(flags, dtype=bool), [False]]).astype(np.int8)
    d = np.diff(f)
    starts = np.flatnonzero(d == 1)
    ends = np.flatnonzero(d == -1)
    return [(int(s), int(e - s)) for s, e in zip(starts, ends, strict=True)]
