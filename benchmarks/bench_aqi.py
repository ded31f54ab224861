"""Benchmark: daily AQI (HJ 633) for N station-days with ecoplan's array version.

Baselines measured in the same run on a subsample (per-value loops, extrapolated rate):

- python-aqi 0.6.1 (``aqi.to_aqi`` with ``ALGO_MEP``; its 2012 tables, one call per day);
- ecoplan's own scalar :func:`ecoplan.standards.aqi.daily_aqi`, one call per day.

The synthetic data are log-normal concentrations in realistic ranges (PM2.5 median ≈ 33 µg/m³,
CO ≈ 0.8 mg/m³ …), dated over 2024-01-01 … 2027-12-31 so the rows span the 2026-03-01 switch
from HJ 633-2012 to HJ 633-2026 (the edition is chosen per row).

Run: ``.venv/bin/python benchmarks/bench_aqi.py [--n 10000000] [--sub 20000]``.
"""

from __future__ import annotations

import argparse
import time

import aqi as pyaqi
import numpy as np
from aqi import constants as pyaqi_c

from ecoplan.standards.aqi import daily_aqi, daily_aqi_array, versions_for_dates

KEYS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3_8h", "O3_1h")
# (median, sigma of log, python-aqi key, python-aqi top breakpoint)
DIST = {
    "SO2": (12.0, 0.8, pyaqi_c.POLLUTANT_SO2_24H, 2620),
    "NO2": (28.0, 0.5, pyaqi_c.POLLUTANT_NO2_24H, 940),
    "PM10": (70.0, 0.7, pyaqi_c.POLLUTANT_PM10, 600),
    "PM2.5": (33.0, 0.8, pyaqi_c.POLLUTANT_PM25, 500),
    "CO": (0.8, 0.5, pyaqi_c.POLLUTANT_CO_24H, 60),
    "O3_8h": (95.0, 0.4, pyaqi_c.POLLUTANT_O3_8H, 800),
    "O3_1h": (120.0, 0.4, pyaqi_c.POLLUTANT_O3_1H, 1200),
}


def make_data(n: int, seed: int = 2026) -> tuple[dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    cols = {k: rng.lognormal(np.log(m), s, n) for k, (m, s, _, _) in DIST.items()}
    cols["CO"] = np.round(cols["CO"], 2)
    for k in KEYS:  # ~0.5 % missing values
        cols[k][rng.random(n) < 0.005] = np.nan
    start = np.datetime64("2024-01-01")
    days = rng.integers(0, 4 * 365, n).astype("timedelta64[D]")
    return cols, start + days


def bench_python_aqi(cols: dict[str, np.ndarray], idx: np.ndarray) -> float:
    """Seconds for python-aqi on rows *idx* (strings, as its API requires)."""
    rows = []
    for i in idx:
        rows.append([(DIST[k][2], repr(float(cols[k][i]))) for k in KEYS])
    t0 = time.perf_counter()
    for row in rows:
        pyaqi.to_aqi(row, algo=pyaqi.ALGO_MEP)
    return time.perf_counter() - t0


def bench_scalar(cols: dict[str, np.ndarray], versions: np.ndarray, idx: np.ndarray) -> float:
    rows = [({k: float(cols[k][i]) for k in KEYS}, str(versions[i])) for i in idx]
    t0 = time.perf_counter()
    for row, v in rows:
        daily_aqi(row, v)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000_000, help="station-days (default 10M)")
    parser.add_argument("--sub", type=int, default=20_000, help="subsample for the loops")
    parser.add_argument("--repeat", type=int, default=3, help="array runs (best is reported)")
    args = parser.parse_args()

    cols, dates = make_data(args.n)
    t0 = time.perf_counter()
    versions = versions_for_dates(dates)
    t_ver = time.perf_counter() - t0
    share_2026 = float((versions == "2026").mean())
    print(f"rows: {args.n:,} station-days, {share_2026:.1%} under HJ 633-2026 (rest 2012)")
    print(f"versions_for_dates: {t_ver:.3f} s")

    best = float("inf")
    res = None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        res = daily_aqi_array(cols, versions)
        best = min(best, time.perf_counter() - t0)
    assert res is not None
    rate_array = args.n / best
    print(f"ecoplan daily_aqi_array: {best:.3f} s  →  {rate_array:,.0f} station-days/s")
    print(f"  AQI NaN rows: {int(np.isnan(res.aqi).sum())}, levels: "
          f"{np.bincount(res.level, minlength=7).tolist()}")  # fmt: skip

    rng = np.random.default_rng(1)
    sub = rng.choice(args.n, size=min(args.sub, args.n), replace=False)
    # python-aqi fails on NaN and on values above its tables / the 800 rules: keep valid rows
    ok = np.ones(sub.shape, bool)
    for k in KEYS:
        top = DIST[k][3]
        ok &= ~np.isnan(cols[k][sub]) & (cols[k][sub] <= top)
    sub_py = sub[ok]
    t_py = bench_python_aqi(cols, sub_py)
    rate_py = sub_py.size / t_py
    t_sc = bench_scalar(cols, versions, sub)
    rate_sc = sub.size / t_sc
    print(f"python-aqi to_aqi loop ({sub_py.size:,} days): {t_py:.3f} s  →  "
          f"{rate_py:,.0f} station-days/s (extrapolated to {args.n:,}: "
          f"{args.n / rate_py:,.0f} s)")  # fmt: skip
    print(f"ecoplan daily_aqi loop ({sub.size:,} days): {t_sc:.3f} s  →  "
          f"{rate_sc:,.0f} station-days/s (extrapolated: {args.n / rate_sc:,.0f} s)")  # fmt: skip
    print(f"ratio array / python-aqi loop: {rate_array / rate_py:,.0f}x")
    print(f"ratio array / ecoplan scalar loop: {rate_array / rate_sc:,.0f}x")


if __name__ == "__main__":
    main()
