"""Synthetic (演示) hourly air-quality data for the demo stations — NOT real measurements.

The model (all on the log scale of a concentration, vectorised over hours; see ``docs/demo.md``):

``log C[s, p, t] = log μ[p] + season[p](t) + diurnal[p](hour, season) + A[p](t)
+ o[s, p] + ε[s, p](t)``, then ``C = k[p]·C + dust[p]`` and PM10 = PM2.5 + coarse part.

* ``season``: winter heating (Nov–Mar) raises PM2.5, SO2, CO (and NO2 less); the coarse part of
  PM10 peaks in spring; O3 peaks in June.
* ``diurnal``: night/morning PM2.5 and CO maxima in winter, NO2 rush-hour peaks (08–09, 19–20),
  SO2 mid-morning fumigation, O3 afternoon maximum (14–16).
* ``A`` (city level): ``γ`` × a meteorological stagnation index — daily AR(1) shared by the
  whole region plus a city part, interpolated to hours — times a pollutant loading, plus
  multi-day winter inversion and spring floating-dust episodes of strength ``α`` and an hourly
  AR(1) term.  ``o``/``ε``: fixed station offsets and station AR(1) noise.
* Spring sand-dust processes move west → east across the region (Mar–May): PM10 rises by
  500–3000 µg/m³ at the most affected city, with a fine fraction of only 15–25 % (the
  PM2.5/PM10 ratio drops).  Every process is listed in the dust table per league/city.
* Calibration, per league/city and year: ``k`` makes the annual means of the city series
  (mean of its national stations) equal the year's targets (a plan-consistent path
  2015 → 2025, :data:`CITY_PROFILES`); the O3 factor makes the 90th percentile of the daily
  maximum 8-hour mean equal its target; the episode strength ``α``, then the spread ``γ``,
  are found by bisection so that the number of days with daily AQI ≤ 100 (HJ 633-2012)
  matches the year's good-day ratio target.  Hohhot 2020 is pinned to its plan's published
  figures: PM2.5 41 µg/m³, 294 good days, 80.3 % (002 Hohhot 14th FYP, "2020年,全市空气优良
  天数达到294天,优良比例为80.3%…PM2.5年均浓度为41μg/m3").
* Gaps: ~2 % missing hours (short runs, whole hours and single pollutants) and occasional
  multi-day outages per station; :class:`Anomaly` adds deliberate flat-lining or silent
  stations for the data-quality warnings.

Time convention: rows are labelled like the national hourly CSV (``date``, ``hour`` 0–23) and
as ``ecoplan.ingest.air`` stores it: ``time = date + hour``, read as the **end** of the hour
(local time UTC+8, HJ 663 / CNEMC), so natural day d = stamps d 01:00 … d+1 00:00
(``hour_label="end"``, the default of ``ecoplan.standards.validity``; docs/standards.md).
Units: µg/m³, CO mg/m³.  Values are rounded as published (integers, CO two decimals).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from ecoplan.demo.stations import CITY_CODES, DemoDataError, DemoStation, stream
from ecoplan.model.regions import get_region
from ecoplan.standards.aqi import daily_aqi_array

__all__ = [
    "CITY_PROFILES",
    "CSV_TYPES",
    "HOHHOT_2020",
    "POLLUTANTS",
    "AirProfile",
    "AirYear",
    "Anomaly",
    "CityCalibration",
    "CityYearTargets",
    "DustEvent",
    "ar1",
    "dust_events",
    "generate_air_year",
    "write_dust_csv",
    "write_national_hourly_csv",
    "yearly_targets",
]

F64 = npt.NDArray[np.float64]

#: Pollutant order of the value arrays (and of the ``type`` rows of the CSV).
POLLUTANTS: tuple[str, ...] = ("PM2.5", "PM10", "SO2", "NO2", "O3", "CO")
CSV_TYPES = POLLUTANTS
_I25, _I10, _ISO2, _INO2, _IO3, _ICO = range(6)

#: Hohhot 2020 as published in its 14th FYP (seed 002): PM2.5 µg/m³, good days, good ratio %.
HOHHOT_2020 = {"pm25": 41.0, "good_days": 294, "good_ratio": 80.3}


# --------------------------------------------------------------------------------------------
# city profiles and yearly targets
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AirProfile:
    """Plausible air-quality path of one league/city (synthetic, loosely after the bulletins).

    ``pm25`` and ``good`` give the 2015, 2020 and 2025 annual PM2.5 mean (µg/m³) and good-day
    ratio (%); the other pollutants give 2015 and 2025 annual means (CO mg/m³; ``o3`` is the
    90th percentile of the O3 daily max 8-h mean).  ``pm10_ratio`` = PM10 / PM2.5 annual
    means; ``dust`` the exposure to sand-dust processes (0–1.2); ``winter`` the strength of
    heating-season pollution.
    """

    pm25: tuple[float, float, float]
    good: tuple[float, float, float]
    pm10_ratio: float
    so2: tuple[float, float]
    no2: tuple[float, float]
    co: tuple[float, float]
    o3: tuple[float, float]
    dust: float
    winter: float


CITY_PROFILES: dict[str, AirProfile] = {
    # Hohhot: 2015 = 41 / (1 - 4.7 %) = 43 µg/m³ and 80.3 - 4.7 = 75.6 % (seed 002).
    "150100": AirProfile((43, 41, 31), (75.6, 80.3, 85.5), 1.9, (33, 9), (40, 31), (1.2, 0.8),
                         (152, 150), 0.8, 1.0),
    "150200": AirProfile((47, 37, 31), (72.0, 80.0, 85.0), 2.0, (35, 12), (40, 30), (1.3, 0.9),
                         (155, 154), 0.8, 1.0),
    "150300": AirProfile((52, 38, 33), (68.0, 80.0, 83.0), 2.2, (60, 18), (35, 27), (1.6, 1.1),
                         (160, 158), 1.0, 1.1),
    "150400": AirProfile((36, 29, 26), (87.0, 91.0, 93.0), 2.0, (28, 10), (25, 20), (1.1, 0.7),
                         (140, 140), 0.5, 0.9),
    "150500": AirProfile((42, 31, 27), (83.0, 88.0, 90.0), 1.9, (25, 9), (28, 21), (1.2, 0.8),
                         (138, 138), 0.45, 1.0),
    "150600": AirProfile((30, 24, 21), (85.0, 89.5, 90.0), 2.2, (24, 10), (28, 22), (0.9, 0.6),
                         (150, 148), 0.8, 0.7),
    "150700": AirProfile((26, 18, 15), (96.0, 98.0, 98.5), 1.8, (12, 6), (18, 14), (0.8, 0.5),
                         (115, 115), 0.15, 0.8),
    "150800": AirProfile((38, 30, 26), (80.0, 85.0, 88.0), 2.3, (22, 10), (24, 19), (0.9, 0.6),
                         (145, 145), 1.0, 0.8),
    "150900": AirProfile((34, 26, 22), (85.0, 91.0, 92.0), 2.0, (30, 12), (24, 19), (1.0, 0.7),
                         (140, 140), 0.7, 0.9),
    "152200": AirProfile((28, 20, 17), (94.0, 97.0, 97.5), 1.8, (15, 7), (20, 15), (0.9, 0.6),
                         (118, 118), 0.2, 0.9),
    "152500": AirProfile((22, 15, 13), (96.0, 97.0, 97.5), 2.1, (12, 6), (16, 13), (0.6, 0.4),
                         (128, 128), 0.5, 0.6),
    "152900": AirProfile((30, 22, 19), (88.0, 92.0, 93.0), 2.6, (14, 7), (16, 13), (0.6, 0.4),
                         (140, 140), 1.0, 0.5),
}  # fmt: skip

#: Relative level of the county stations (multiplies every pollutant of the parent city).
COUNTY_LEVEL: dict[str, float] = {
    "150121": 0.85,
    "150221": 0.9,
    "150622": 1.1,
    "150781": 0.8,
    "150921": 0.8,
    "152501": 0.75,
}


@dataclass(frozen=True)
class CityYearTargets:
    """Targets of one league/city and year (city series = mean of its national stations).

    Annual means in µg/m³ (CO mg/m³); ``o3_p90`` µg/m³; ``good_ratio`` in % of valid days
    (daily AQI ≤ 100 by HJ 633-2012, whatever edition the year is later evaluated under).
    """

    city: str
    year: int
    pm25: float
    pm10: float
    so2: float
    no2: float
    co: float
    o3_p90: float
    good_ratio: float


def _path3(v: tuple[float, float, float], year: int, log: bool = True) -> float:
    """Piecewise-linear (in log for concentrations) path through 2015, 2020, 2025; after 2025
    the 2020–2025 slope continues at half speed; before 2015 held."""
    y = min(max(year, 2015), 2035)
    f = (lambda x: math.log(x)) if log else (lambda x: x)
    g = (lambda x: math.exp(x)) if log else (lambda x: x)
    a, b, c = (f(x) for x in v)
    if y <= 2020:
        return g(a + (b - a) * (y - 2015) / 5)
    if y <= 2025:
        return g(b + (c - b) * (y - 2020) / 5)
    return g(c + 0.5 * (c - b) * (y - 2025) / 5)


def _path2(v: tuple[float, float], year: int) -> float:
    return _path3((v[0], math.sqrt(v[0] * v[1]), v[1]), year)


def yearly_targets(seed: int, city: str, year: int) -> CityYearTargets:
    """The year's targets for *city*: the profile path with a small deterministic jitter.

    Concentrations get ±3 % (1 σ) and the good-day ratio ±1.2 points; Hohhot 2015 and 2020
    are the plan's figures exactly (:data:`HOHHOT_2020`).
    """
    try:
        prof = CITY_PROFILES[city]
    except KeyError:
        raise DemoDataError(f"no air profile for {city!r}; cities: {list(CITY_PROFILES)}") from None
    rng = stream(seed, "targets", year, int(city))
    j = np.exp(rng.normal(0.0, 0.03, 6))
    jg = float(rng.normal(0.0, 1.2))
    pm25 = _path3(prof.pm25, year) * j[0]
    good = _path3(prof.good, year, log=False) + jg
    if city == "150100" and year in (2015, 2020):
        pm25 = float(prof.pm25[0] if year == 2015 else HOHHOT_2020["pm25"])
        good = float(prof.good[0] if year == 2015 else HOHHOT_2020["good_ratio"])
    return CityYearTargets(
        city=city,
        year=year,
        pm25=float(pm25),
        pm10=float(pm25 * prof.pm10_ratio * j[1]),
        so2=float(_path2(prof.so2, year) * j[2]),
        no2=float(_path2(prof.no2, year) * j[3]),
        co=float(_path2(prof.co, year) * j[4]),
        o3_p90=float(_path2(prof.o3, year) * j[5]),
        good_ratio=float(min(max(good, 40.0), 99.5)),
    )


# --------------------------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------------------------


def ar1(rng: np.random.Generator, n_series: int, n: int, phi: float, sigma: float) -> F64:
    """Stationary AR(1) series ``x[t] = φ x[t-1] + e[t]`` with marginal s.d. *sigma*.

    Shape ``(n_series, n)``; draws ``e`` as ``(n_series, n)`` normals, then ``x[-1]``.
    Vectorised: blocks of 32 steps are solved with one matrix product; only the carry between
    blocks is propagated block by block (a loop over blocks, vectorised over series).
    """
    if not 0.0 <= phi < 1.0:
        raise DemoDataError(f"AR(1) coefficient must be in [0, 1), got {phi}")
    L = 32
    nb = max(1, -(-n // L))
    e = np.zeros((n_series, nb * L))
    e[:, :n] = rng.standard_normal((n_series, n)) * (sigma * math.sqrt(1.0 - phi * phi))
    x0 = rng.standard_normal(n_series) * sigma
    k = np.arange(L)
    expo = k[None, :] - k[:, None]
    tri = np.where(expo >= 0, phi ** np.maximum(expo, 0).astype(float), 0.0)
    local = (e.reshape(n_series * nb, L) @ tri).reshape(n_series, nb, L)  # Σ_{i≤j} φ^(j-i) e_i
    powers = phi ** (k + 1.0)
    out = np.empty_like(local)
    carry = x0
    for b in range(nb):  # one step per block of 32 hours, vectorised over series
        out[:, b, :] = local[:, b, :] + carry[:, None] * powers[None, :]
        carry = out[:, b, -1]
    return out.reshape(n_series, nb * L)[:, :n]


# Diurnal profiles by hour label 0..23 (multiplicative, later normalised to log-mean 0).
_DIURNAL = {
    "pm_winter": [1.25, 1.25, 1.2, 1.15, 1.1, 1.05, 1.05, 1.1, 1.15, 1.15, 1.05, 0.95, 0.85,
                  0.78, 0.75, 0.75, 0.78, 0.85, 0.95, 1.05, 1.15, 1.22, 1.27, 1.27],
    "pm_summer": [1.05, 1.05, 1.05, 1.05, 1.05, 1.05, 1.08, 1.1, 1.08, 1.02, 0.98, 0.95, 0.93,
                  0.92, 0.92, 0.93, 0.95, 0.97, 0.98, 1.0, 1.02, 1.03, 1.04, 1.05],
    "no2": [1.05, 1.0, 0.95, 0.9, 0.88, 0.9, 1.0, 1.15, 1.28, 1.22, 1.05, 0.9, 0.8, 0.75, 0.72,
            0.73, 0.8, 0.95, 1.15, 1.32, 1.3, 1.25, 1.15, 1.1],
    "so2": [0.85, 0.85, 0.85, 0.85, 0.85, 0.88, 0.92, 1.0, 1.15, 1.3, 1.35, 1.3, 1.2, 1.1, 1.0,
            0.95, 0.92, 0.92, 0.95, 0.98, 1.0, 0.95, 0.9, 0.88],
    "coarse": [0.8, 0.78, 0.76, 0.75, 0.75, 0.78, 0.85, 0.95, 1.05, 1.12, 1.18, 1.22, 1.25,
               1.28, 1.3, 1.28, 1.22, 1.15, 1.08, 1.0, 0.95, 0.9, 0.85, 0.82],
    "o3": [0.55, 0.5, 0.47, 0.45, 0.43, 0.42, 0.43, 0.5, 0.65, 0.85, 1.05, 1.25, 1.42, 1.55,
           1.62, 1.62, 1.55, 1.4, 1.2, 1.0, 0.85, 0.72, 0.65, 0.6],
}  # fmt: skip


def _logprof(name: str) -> F64:
    v = np.log(np.asarray(_DIURNAL[name], dtype=float))
    return v - v.mean()


@dataclass(frozen=True)
class _Clock:
    """Time features of a full calendar year of hour labels."""

    year: int
    times: npt.NDArray[np.datetime64]  # labels, datetime64[h]
    hod: npt.NDArray[np.int64]
    wint: F64  # cos, +1 in mid-January
    heat: F64  # 0..1, heating season
    spring: F64
    summer: F64
    w: F64  # winter weight 0..1


def _clock(year: int) -> _Clock:
    t0 = np.datetime64(f"{year}-01-01T00", "h")
    t1 = np.datetime64(f"{year + 1}-01-01T00", "h")
    # hour-end stamps (HJ 663): the hour 00:00–01:00 of 1 January is stamped 01:00
    times = (np.arange(t0, t1, dtype="datetime64[h]") + np.timedelta64(1, "h")).astype(
        "datetime64[h]"
    )
    n = times.size
    hours = np.arange(n, dtype=np.int64)
    days = n / 24
    doy = hours / 24.0
    wint = np.cos(2 * np.pi * (doy - 19) / days)
    return _Clock(
        year=year,
        times=times,
        hod=hours % 24,
        wint=wint,
        heat=1.0 / (1.0 + np.exp(-(wint - 0.05) / 0.12)),
        spring=np.cos(2 * np.pi * (doy - 105) / days),
        summer=np.cos(2 * np.pi * (doy - 172) / days),
        w=(1 + wint) / 2,
    )


# --------------------------------------------------------------------------------------------
# sand-dust processes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DustEvent:
    """One sand-dust process at one league/city (synthetic).

    ``start``/``end`` are hour labels (``datetime64[h]``, inclusive) between which the dust
    increment of PM10 is at least ~50 µg/m³ at the city; ``peak_pm10`` is the peak increment of
    the city series (µg/m³).  ``rise``/``decay`` shape the increment (hours).
    """

    event: int
    region_code: str
    start: np.datetime64
    end: np.datetime64
    peak_pm10: float
    rise: float
    decay: float
    fine_fraction: float

    @property
    def note(self) -> str:
        """Chinese note for the dust table."""
        name = get_region(self.region_code).name_zh
        return (
            f"演示沙尘过程（合成数据）#{self.event} {name} PM10峰值增量约{self.peak_pm10:.0f}µg/m³"
        )


def dust_events(seed: int, year: int) -> list[DustEvent]:
    """The year's synthetic spring sand-dust processes at all 12 leagues/cities.

    3–10 processes start between 1 March and 28 May; each sweeps eastward from a western
    edge (103–112° E) over 3–16° of longitude at ~2 h per degree; the most exposed city gets
    a PM10 increment of 500–3000 µg/m³ (log-uniform), decaying eastward; cities where it
    would stay below 150 µg/m³ are not affected.
    """
    rng = stream(seed, "dust", year)
    n = 3 + int(min(rng.poisson(3.0), 7))
    t_lo = np.datetime64(f"{year}-03-01T00", "h")
    span = int((np.datetime64(f"{year}-05-28T00", "h") - t_lo).astype(int))
    out: list[DustEvent] = []
    for k in range(n):  # a handful of processes
        start = t_lo + np.timedelta64(int(rng.integers(0, span)), "h")
        lon0 = rng.uniform(103.0, 112.0)
        extent = rng.uniform(3.0, 16.0)
        peak0 = math.exp(rng.uniform(math.log(500.0), math.log(3000.0)))
        scale = rng.uniform(4.0, 10.0)
        jitter = rng.uniform(0.8, 1.2, len(CITY_CODES))
        rises = rng.uniform(2.0, 6.0, len(CITY_CODES))
        decays = rng.uniform(6.0, 18.0, len(CITY_CODES))
        fines = rng.uniform(0.15, 0.25, len(CITY_CODES))
        hits: list[tuple[float, int]] = []
        for i, city in enumerate(CITY_CODES):
            reg = get_region(city)
            assert reg.lon is not None
            if not lon0 - 1.0 <= reg.lon <= lon0 + extent:
                continue
            dist = max(reg.lon - lon0, 0.0)
            peak = peak0 * math.exp(-dist / scale) * CITY_PROFILES[city].dust * jitter[i]
            if peak < 150.0:
                continue
            hits.append((min(peak, 3000.0), i))
        if hits:  # the most exposed city gets the drawn peak (the 500–3000 spike)
            top = max(hits)[1]
            hits = [(min(peak0, 3000.0) if i == top else p, i) for p, i in hits]
        for peak, i in hits:
            city = CITY_CODES[i]
            reg = get_region(city)
            assert reg.lon is not None
            arrive = start + np.timedelta64(round(max(reg.lon - lon0, 0.0) * 2.0), "h")
            length = rises[i] + decays[i] * math.log(peak / 50.0)
            end = arrive + np.timedelta64(math.ceil(length), "h")
            out.append(
                DustEvent(
                    event=k + 1,
                    region_code=city,
                    start=arrive,
                    end=end,
                    peak_pm10=float(peak),
                    rise=float(rises[i]),
                    decay=float(decays[i]),
                    fine_fraction=float(fines[i]),
                )
            )
    return out


def _dust_increment(ev: DustEvent, times: npt.NDArray[np.datetime64]) -> F64:
    """PM10 increment (µg/m³) of one process on the hour labels *times*; 0 outside it."""
    tau = (times - ev.start).astype(np.int64).astype(float)
    inside = (times >= ev.start) & (times <= ev.end)
    up = np.clip(tau / ev.rise, 0.0, 1.0)
    down = np.exp(-np.clip(tau - ev.rise, 0.0, None) / ev.decay)
    return np.where(inside, ev.peak_pm10 * np.where(tau < ev.rise, up, down), 0.0)


# --------------------------------------------------------------------------------------------
# missing data and anomalies
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anomaly:
    """A deliberate data-quality fault: a station flat-lining (a stuck value repeated) or silent
    (no data at all) from *start* to *end* (hour labels, inclusive)."""

    station: str
    kind: Literal["flatline", "silent"]
    start: np.datetime64
    end: np.datetime64
    pollutants: tuple[str, ...] = POLLUTANTS

    def describe(self) -> str:
        what = "恒定值（卡值）" if self.kind == "flatline" else "无数据（静默）"
        return (
            f"{self.station} {','.join(self.pollutants)} {what} "
            f"{str(self.start)[:13].replace('T', ' ')}:00 — "
            f"{str(self.end)[:13].replace('T', ' ')}:00"
        )


def _runs(
    rng: np.random.Generator, n: int, p_start: float, mean_len: float
) -> npt.NDArray[np.bool_]:
    """Boolean mask of short runs: a run starts at each hour with probability *p_start* and
    lasts a geometric number of hours with mean *mean_len*."""
    starts = np.flatnonzero(rng.random(n) < p_start)
    lens = rng.geometric(1.0 / mean_len, starts.size)
    d = np.zeros(n + 1, dtype=np.int64)
    np.add.at(d, starts, 1)
    np.add.at(d, np.minimum(starts + lens, n), -1)
    return np.cumsum(d[:n]) > 0


def _missing_mask(seed: int, year: int, code: str, n: int) -> npt.NDArray[np.bool_]:
    """(6, n) mask of missing values of one station-year: ≈1.5 % whole hours in short runs,
    ≈0.3 % single pollutants, and with probability 0.3 one outage of 2–7 days."""
    rng = stream(seed, "missing", year, code)
    whole = _runs(rng, n, 0.0095, 1.6)
    if rng.random() < 0.3:
        length = int(rng.integers(48, 7 * 24 + 1))
        s = int(rng.integers(0, n - length))
        whole[s : s + length] = True
    single = rng.random((6, n)) < 0.003
    return single | whole[None, :]


# --------------------------------------------------------------------------------------------
# one city-year
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityCalibration:
    """How one city-year was calibrated and what the quick check gives.

    ``gamma`` spread of the stagnation index; ``n_episodes`` pollution episodes used and
    ``episode_strength`` their amplitude factor; ``factors`` the scale factors per pollutant;
    ``pm25``/``good_days``/``good_ratio``/``valid_days``: the city series' annual PM2.5 mean of
    daily means (µg/m³), days with daily AQI ≤ 100 (HJ 633-2012), their % of valid days.
    """

    targets: CityYearTargets
    gamma: float
    n_episodes: int
    episode_strength: float
    factors: dict[str, float]
    pm25: float
    good_days: int
    valid_days: int

    @property
    def good_ratio(self) -> float:
        return 100.0 * self.good_days / self.valid_days if self.valid_days else float("nan")


def _nanmean0(x: F64) -> F64:
    """Mean over axis 0 ignoring NaN; NaN where all are NaN (no warnings)."""
    ok = ~np.isnan(x)
    n = ok.sum(axis=0)
    s = np.where(ok, x, 0.0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _day_matrix(x: F64) -> F64:
    """Hours of a calendar year (start labels from 1 Jan 00:00) → (days, 24) natural days."""
    return x.reshape(-1, 24)


def _daily_mean(x: F64, min_hours: int = 20) -> F64:
    m = _day_matrix(x)
    ok = ~np.isnan(m)
    n = ok.sum(axis=1)
    s = np.where(ok, m, 0.0).sum(axis=1)
    return np.where(n >= min_hours, s / np.maximum(n, 1), np.nan)


def _mda8(x: F64) -> tuple[F64, F64]:
    """O3 daily max 8-h mean (windows ending 08..24, ≥ 6 h each, ≥ 14 of 17 or > 160) and daily
    max 1-h (≥ 20 h), as in ``ecoplan.standards.validity`` (GB 3095 Table 4, HJ 663 §6.1.2)."""
    n = x.size
    ok = ~np.isnan(x)
    z = np.where(ok, x, 0.0)
    s = np.zeros(n)
    c = np.zeros(n)
    for k in range(8):  # 8 window positions
        s[k:] += z[: n - k]
        c[k:] += ok[: n - k]
    roll = np.where(c >= 6, s / np.maximum(c, 1), np.nan)
    win = _day_matrix(roll)[:, 7:24]  # windows covering hours 00–08 … 16–24 of the day
    nv = (~np.isnan(win)).sum(axis=1)
    mx = np.max(np.where(np.isnan(win), -np.inf, win), axis=1)
    mda8 = np.where((nv >= 14) | ((nv > 0) & (mx > 160.0)), mx, np.nan)
    hm = _day_matrix(x)
    hn = (~np.isnan(hm)).sum(axis=1)
    h1 = np.where(hn >= 20, np.max(np.where(np.isnan(hm), -np.inf, hm), axis=1), np.nan)
    return mda8, h1


def _good_days(city: F64) -> tuple[int, int, float]:
    """(good days, valid days, PM2.5 mean of daily means) of a city series (6, T), HJ 633-2012."""
    cols = {
        "SO2": _daily_mean(city[_ISO2]),
        "NO2": _daily_mean(city[_INO2]),
        "PM10": _daily_mean(city[_I10]),
        "PM2.5": _daily_mean(city[_I25]),
        "CO": _daily_mean(city[_ICO]),
    }
    cols["O3_8h"], cols["O3_1h"] = _mda8(city[_IO3])
    aqi = daily_aqi_array(cols, "2012").aqi
    valid = ~np.isnan(aqi)
    return int((aqi[valid] <= 100).sum()), int(valid.sum()), float(np.nanmean(cols["PM2.5"]))


_FLOORS = np.array([2.0, 3.0, 2.0, 2.0, 2.0, 0.1])  # detection-like minimum per pollutant
_DECIMALS = (0, 0, 0, 0, 0, 2)


def _finish(values: F64) -> F64:
    """Floors and published rounding (integers, CO two decimals); NaN stays NaN."""
    out = np.maximum(values, _FLOORS[:, None, None])
    for i, d in enumerate(_DECIMALS):
        out[i] = np.round(out[i], d)
    # PM10 never below PM2.5 at the same station and hour (PM10 includes PM2.5)
    out[_I10] = np.fmax(out[_I10], out[_I25])
    return out


@dataclass
class _CityParts:
    """Precomputed pieces of one city-year (station axis: national first, then county)."""

    base: F64  # (6, S, T) log of season + diurnal + station offset + station noise
    met: F64  # (T,) stagnation index (log units, seasonal amplitude applied)
    eta: F64  # (6, T) city hourly AR(1) term
    winter_ep: F64  # (K + 1, T) winter episode candidates (row 0: none)
    coarse_ep: F64  # (K + 1, T) floating-dust episode candidates (row 0: none)
    dust: F64  # (2, S, T) dust increments PM2.5, PM10 (µg/m³)
    mask: npt.NDArray[np.bool_]  # (6, S, T) missing
    level: F64  # (S,) station multipliers (county level)
    national: npt.NDArray[np.bool_]  # (S,)


#: Loading of the stagnation index and of the winter episodes per pollutant (O3: see code).
_LOADS = np.array([1.0, 0.5, 0.7, 0.55, 0.0, 0.8])
#: Loading of the floating-dust (浮尘/扬沙) episodes: mostly the coarse part of PM10.
_COARSE_LOADS = np.array([0.35, 1.3, 0.0, 0.0, 0.0, 0.0])
#: Largest log-amplitude of a floating-dust episode (a 4-fold coarse PM10).
_COARSE_MAX = math.log(4.0)
#: Candidate pollution episodes per city-year; calibration uses the first N of them.
N_EPISODES = 40


def _episodes(seed: int, clock: _Clock, city: str) -> tuple[F64, F64]:
    """Candidate multi-day pollution episodes of a city-year, one per row (K + 1, T).

    Winter inversion episodes (Jan–Mar, Oct 15–Dec): 2–6 days, log-amplitude 0.5–1.0, rising
    through the episode and ending sharply (a cold front).  Floating-dust episodes (Apr–Jun):
    1–3 days, log-amplitude 0.6–1.1 on the coarse part of PM10; their share is larger in the
    dusty west.  Overlapping episodes do not add up (maximum).
    """
    prof = CITY_PROFILES[city]
    rng = stream(seed, "episodes", clock.year, int(city))
    n = clock.times.size
    doy = np.arange(n) // 24
    month = (clock.times - np.timedelta64(1, "h")).astype("datetime64[M]").astype(int) % 12 + 1
    heating = np.flatnonzero((month <= 3) | (month >= 11) | ((month == 10) & (doy % 31 >= 14)))
    spring = np.flatnonzero((month >= 4) & (month <= 6))  # after the heating season
    p_coarse = 0.15 + 0.25 * min(prof.dust, 1.0)
    win = np.zeros((N_EPISODES + 1, n))
    coa = np.zeros((N_EPISODES + 1, n))
    for i in range(1, N_EPISODES + 1):  # 40 candidates, each a vectorised bump
        if rng.random() < p_coarse:
            s0 = int(rng.choice(spring))
            dur = int(rng.integers(24, 73))
            amp = rng.uniform(0.6, 1.1)
            target = coa
        else:
            s0 = int(rng.choice(heating))
            dur = int(rng.integers(48, 145))
            amp = rng.uniform(0.5, 1.0) * min(prof.winter, 1.0)
            target = win
        s1 = min(s0 + dur, n)
        bump = amp * (np.arange(s1 - s0) / dur) ** 0.7
        target[i, s0:s1] = bump
        tail = np.arange(min(12, n - s1))
        target[i, s1 : s1 + tail.size] = amp * np.exp(-tail / 3.0)
    return win, coa


def _city_parts(
    seed: int, clock: _Clock, city: str, stations: Sequence[DemoStation], dust: Sequence[DustEvent]
) -> _CityParts:
    prof = CITY_PROFILES[city]
    n = clock.times.size
    S = len(stations)
    y = clock.year
    W = prof.winter
    # --- season (log) ---
    season = np.empty((6, n))
    season[_I25] = W * (0.30 * clock.wint + 0.35 * clock.heat)
    season[_I10] = 0.35 * clock.spring + 0.1 * clock.wint  # the coarse part
    season[_ISO2] = W * (0.45 * clock.wint + 0.6 * clock.heat)
    season[_INO2] = 0.15 * clock.wint + 0.15 * clock.heat
    season[_IO3] = 0.42 * clock.summer
    season[_ICO] = W * (0.25 * clock.wint + 0.3 * clock.heat)
    # --- diurnal (log), mixed winter/summer by the winter weight ---
    w = clock.w
    h = clock.hod
    pm = w * _logprof("pm_winter")[h] + (1 - w) * _logprof("pm_summer")[h]
    diurnal = np.empty((6, n))
    diurnal[_I25] = pm
    diurnal[_I10] = _logprof("coarse")[h]
    diurnal[_ISO2] = _logprof("so2")[h] * (0.5 + 0.5 * w)
    diurnal[_INO2] = _logprof("no2")[h]
    diurnal[_IO3] = _logprof("o3")[h] * (0.6 + 0.4 * (1 - w))
    diurnal[_ICO] = 0.5 * (pm + _logprof("no2")[h])
    # --- meteorology: regional + city daily AR(1), interpolated to hours ---
    nd = n // 24
    reg = ar1(stream(seed, "met", y, "region"), 1, nd + 1, 0.65, 1.0)[0]
    loc = ar1(stream(seed, "met", y, int(city)), 1, nd + 1, 0.65, 1.0)[0]
    daily = 0.7 * reg + 0.71 * loc
    met = np.interp(np.arange(n) / 24.0, np.arange(nd + 1) + 0.5, daily)
    met *= 0.28 + 0.17 * w
    winter_ep, coarse_ep = _episodes(seed, clock, city)
    eta = ar1(stream(seed, "city-noise", y, int(city)), 6, n, 0.92, 0.18)
    # --- stations ---
    codes = [s.code for s in stations]
    offsets = np.stack([stream(seed, "offset", s.code).normal(0.0, 0.12, 6) for s in stations])
    offsets[:, :] -= offsets.mean(axis=0, keepdims=True) * (S > 1)
    eps = np.stack([ar1(stream(seed, "station-noise", y, c), 6, n, 0.75, 0.16) for c in codes])
    base = (season + diurnal)[:, None, :] + offsets.T[:, :, None] + eps.transpose(1, 0, 2)
    level = np.array(
        [COUNTY_LEVEL.get(s.region_code, 0.9) if s.kind != "national" else 1.0 for s in stations]
    )
    mask = np.stack([_missing_mask(seed, y, c, n) for c in codes], axis=1)
    # --- dust ---
    dust_arr = np.zeros((2, S, n))
    for ev in dust:  # a handful of processes
        if ev.region_code != city:
            continue
        inc = _dust_increment(ev, clock.times)
        f = stream(seed, "dust-station", y, ev.event, int(city)).uniform(0.8, 1.2, S)
        dust_arr[0] += ev.fine_fraction * f[:, None] * inc[None, :]
        dust_arr[1] += f[:, None] * inc[None, :]
    return _CityParts(
        base=base,
        met=met,
        eta=eta,
        winter_ep=winter_ep,
        coarse_ep=coarse_ep,
        dust=dust_arr,
        mask=mask,
        level=level,
        national=np.array([s.kind == "national" for s in stations]),
    )


def _anomaly(
    parts: _CityParts, gamma: float, n_ep: int, amp: tuple[float, float] = (1.0, 1.0)
) -> F64:
    """City anomaly A (6, T): γ·loads·met + loads·(first *n_ep* episodes) + η (O3 row is
    replaced by :func:`_o3_anomaly`).  *amp* scales the winter and floating-dust episodes."""
    ew = parts.winter_ep[: n_ep + 1].max(axis=0) * amp[0]
    ec = parts.coarse_ep[: n_ep + 1].max(axis=0) * amp[1]
    return (
        _LOADS[:, None] * (gamma * parts.met + ew)[None, :]
        + _COARSE_LOADS[:, None] * ec[None, :]
        + parts.eta
    )


def _assemble(parts: _CityParts, anomaly: F64, k: F64) -> F64:
    """Station values (6, S, T) for the city *anomaly* and scale factors *k* (PM10 row: the
    coarse part)."""
    raw = np.exp(parts.base + anomaly[:, None, :])
    vals = k[:, None, None] * raw * parts.level[None, :, None]
    vals[_I25] += parts.dust[0]
    vals[_I10] = vals[_I25] + vals[_I10] + (parts.dust[1] - parts.dust[0])
    vals[parts.mask] = np.nan
    return vals


@dataclass(frozen=True)
class _Fit:
    gamma: float
    n_episodes: int
    alpha: float
    k: F64
    anomaly: F64


def _calibrate(parts: _CityParts, t: CityYearTargets, o3_anomaly: F64) -> _Fit:
    """Scale factors, episode count and γ for one city-year (module docstring)."""
    nat = parts.national
    mask = parts.mask[:, nat, :]
    q = np.stack(
        [_nanmean0(np.where(mask[i], np.nan, np.exp(parts.base[i, nat]))) for i in range(6)]
    )
    dfine = _nanmean0(np.where(mask[_I25], np.nan, parts.dust[0][nat]))
    dcoarse = _nanmean0(np.where(mask[_I10], np.nan, parts.dust[1][nat] - parts.dust[0][nat]))
    o3 = q[_IO3] * np.exp(o3_anomaly)
    mda8, _ = _mda8(o3)
    k_o3 = t.o3_p90 / float(np.nanpercentile(mda8, 90))
    fixed = {_ISO2: t.so2, _INO2: t.no2, _ICO: t.co}
    # episodes must reach the AQI-100 concentrations from the city's own level: cleaner
    # cities need larger relative episodes (log of 100/PM2.5 and 220/PM10, within 0.8–1.8)
    amp = (
        min(max(math.log(100.0 / t.pm25), 0.8), 1.8),
        min(max(math.log(220.0 / t.pm10), 0.8), 1.8),
    )

    def city_for(gamma: float, n_ep: int, alpha: float) -> tuple[F64, F64, F64]:
        # floating-dust episodes stay below 4-fold: the PM10 spikes of 500–3000 µg/m³ are the
        # sand-dust processes of the dust table, not these
        a = _anomaly(parts, gamma, n_ep, (alpha * amp[0], min(alpha * amp[1], _COARSE_MAX)))
        a[_IO3] = o3_anomaly
        raw = q * np.exp(a)
        k = np.ones(6)
        k[_IO3] = k_o3
        city = np.empty_like(raw)
        k[_I25] = (t.pm25 - np.nanmean(dfine)) / np.nanmean(raw[_I25])
        city[_I25] = k[_I25] * raw[_I25] + dfine
        coarse = max(t.pm10 - t.pm25 - np.nanmean(dcoarse), 0.15 * t.pm25)
        k[_I10] = coarse / np.nanmean(raw[_I10])
        city[_I10] = city[_I25] + k[_I10] * raw[_I10] + dcoarse
        for i, v in fixed.items():
            k[i] = v / np.nanmean(raw[i])
            city[i] = k[i] * raw[i]
        city[_IO3] = k_o3 * o3
        return city, k, a

    def miss(gamma: float, alpha: float) -> int:
        good, valid, _ = _good_days(city_for(gamma, n_ep, alpha)[0])
        return good - round(t.good_ratio / 100.0 * valid)  # > 0: too many good days

    # episodes: about one per 2.5 non-good days the target asks for
    n_ep = int(np.clip(round((1.0 - t.good_ratio / 100.0) * 365.0 / 2.5), 2, N_EPISODES))
    best: tuple[int, float, float] | None = None

    def bisect(
        lo: float,
        hi: float,
        fn: Callable[[float], int],
        mk: Callable[[float], tuple[float, float]],
    ) -> None:
        nonlocal best
        for _ in range(11):
            mid = 0.5 * (lo + hi)
            m = fn(mid)
            if best is None or abs(m) < best[0]:
                best = (abs(m), *mk(mid))
            if m == 0:
                return
            if m > 0:
                lo = mid
            else:
                hi = mid

    # 1. episode strength α (γ = 1), at most a 6-fold winter episode; 2. then γ in [0.7, 1.5]
    a_max = math.log(6.0) / amp[0]
    bisect(0.0, a_max, lambda x: miss(1.0, x), lambda x: (1.0, x))
    assert best is not None
    if best[0] != 0:
        alpha = best[2]
        bisect(0.7, 1.5, lambda g: miss(g, alpha), lambda g: (g, alpha))
    assert best is not None
    _, gamma, alpha = best
    _city, k, a = city_for(gamma, n_ep, alpha)
    return _Fit(gamma=gamma, n_episodes=n_ep, alpha=alpha, k=k, anomaly=a)


def _o3_anomaly(parts: _CityParts, clock: _Clock) -> F64:
    """O3 anomaly: stagnation raises O3 in summer and lowers it in winter (NO titration)."""
    return parts.met * (0.35 - 0.75 * clock.w) + parts.eta[_IO3]


# --------------------------------------------------------------------------------------------
# one year, all cities
# --------------------------------------------------------------------------------------------


@dataclass
class AirYear:
    """One calendar year (or the part of it in the requested range) of synthetic hourly data.

    ``values[p, s, t]``: pollutant ``POLLUTANTS[p]`` at ``stations[s]`` for hour label
    ``times[t]`` (µg/m³, CO mg/m³; NaN = missing).
    """

    year: int
    times: npt.NDArray[np.datetime64]
    stations: tuple[DemoStation, ...]
    values: F64
    dust: list[DustEvent]
    calibration: dict[str, CityCalibration] = field(default_factory=dict)
    anomalies: list[Anomaly] = field(default_factory=list)

    def station_index(self, code: str) -> int:
        for i, s in enumerate(self.stations):
            if s.code == code:
                return i
        raise KeyError(code)

    def city_series(self, city: str) -> F64:
        """City series (6, T): per hour the mean of the city's valid national station values."""
        idx = [
            i for i, s in enumerate(self.stations) if s.city_code == city and s.kind == "national"
        ]
        if not idx:
            raise DemoDataError(f"no national demo station in {city}")
        return np.stack([_nanmean0(self.values[p][idx]) for p in range(6)])


def _apply_anomalies(
    values: F64,
    stations: Sequence[DemoStation],
    times: npt.NDArray[np.datetime64],
    anomalies: Iterable[Anomaly],
) -> list[Anomaly]:
    applied: list[Anomaly] = []
    codes = [s.code for s in stations]
    for a in anomalies:  # a couple of faults
        if a.station not in codes:
            continue
        sel = (times >= a.start) & (times <= a.end)
        if not sel.any():
            continue
        s = codes.index(a.station)
        first = int(np.flatnonzero(sel)[0])
        for p in (POLLUTANTS.index(x) for x in a.pollutants):
            if a.kind == "silent":
                values[p, s, sel] = np.nan
            else:
                before = values[p, s, :first]
                ok = before[~np.isnan(before)]
                stuck = ok[-1] if ok.size else _FLOORS[p] * 10
                values[p, s, sel] = stuck
        applied.append(a)
    return applied


def generate_air_year(
    seed: int,
    year: int,
    stations: Sequence[DemoStation],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    anomalies: Iterable[Anomaly] = (),
) -> AirYear:
    """Synthetic hourly data of *stations* for *year*, cut to [*start*, *end*] (dates).

    The whole calendar year is always generated and calibrated, so a city's data do not depend
    on the range or on the other cities requested.  Hour-end stamps run from ``start`` 01:00
    to the day after ``end`` 00:00 (the natural days *start* … *end*).
    """
    clock = _clock(year)
    dust_all = dust_events(seed, year)
    cities = list(dict.fromkeys(s.city_code for s in stations))
    blocks: list[F64] = []
    order: list[DemoStation] = []
    calib: dict[str, CityCalibration] = {}
    for city in cities:  # 12 cities at most
        st = [s for s in stations if s.city_code == city]
        st.sort(key=lambda s: (s.kind != "national", s.code))
        parts = _city_parts(seed, clock, city, st, dust_all)
        t = yearly_targets(seed, city, year)
        o3a = _o3_anomaly(parts, clock)
        if not parts.national.any():
            raise DemoDataError(f"{city}: county stations need the city's national stations")
        fit = _calibrate(parts, t, o3a)
        vals = _finish(_assemble(parts, fit.anomaly, fit.k))
        nat = [i for i, s in enumerate(st) if s.kind == "national"]
        if nat:
            city_ser = np.stack([_nanmean0(vals[p][nat]) for p in range(6)])
            good, valid, pm = _good_days(city_ser)
            calib[city] = CityCalibration(
                targets=t,
                gamma=fit.gamma,
                n_episodes=fit.n_episodes,
                episode_strength=fit.alpha,
                factors={p: float(fit.k[i]) for i, p in enumerate(POLLUTANTS)},
                pm25=pm,
                good_days=good,
                valid_days=valid,
            )
        blocks.append(vals)
        order.extend(st)
    values = np.concatenate(blocks, axis=1) if blocks else np.zeros((6, 0, clock.times.size))
    one_h, one_d = np.timedelta64(1, "h"), np.timedelta64(24, "h")
    lo = np.datetime64(start, "h") + one_h if start is not None else clock.times[0]
    hi = np.datetime64(end, "h") + one_d if end is not None else clock.times[-1]
    keep = (clock.times >= lo) & (clock.times <= hi)
    times = clock.times[keep]
    values = values[:, :, keep]
    applied = _apply_anomalies(values, order, times, anomalies)
    wanted = set(cities)
    dust = [
        ev
        for ev in dust_all
        if ev.region_code in wanted and ev.end >= times[0] and ev.start <= times[-1]
    ] if times.size else []  # fmt: skip
    return AirYear(year, times, tuple(order), values, dust, calib, applied)


# --------------------------------------------------------------------------------------------
# writers
# --------------------------------------------------------------------------------------------


def write_national_hourly_csv(air: AirYear, path: Path) -> Path:
    """Write the national hourly layout ``date,hour,type,<station codes…>``.

    One row per (date, hour, type) with ``date`` YYYYMMDD, ``hour`` 0–23 (end label) and
    ``type`` in :data:`CSV_TYPES` order; empty cell = missing.  Written with pyarrow (fast).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    n = air.times.size
    day = air.times.astype("datetime64[D]")
    date_num = np.char.replace(day.astype(str), "-", "").astype(np.int32)
    hour = (air.times - day.astype("datetime64[h]")).astype(np.int8)
    cols: dict[str, pa.Array] = {
        "date": pa.array(np.repeat(date_num, 6)),
        "hour": pa.array(np.repeat(hour, 6)),
        "type": pa.array(np.tile(np.array(CSV_TYPES), n)),
    }
    for s, st in enumerate(air.stations):
        col = air.values[:, s, :].T.reshape(-1)  # (t, p) order
        cols[st.code] = pa.array(col, from_pandas=True)
    table = pa.table(cols)
    with path.open("wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode("utf-8"))
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False, quoting_style="none"))
    return path


DUST_HEADER = ("region_code", "start", "end", "note")


def _fmt_hour(t: np.datetime64) -> str:
    s = str(t.astype("datetime64[h]"))
    return f"{s[:10]} {s[11:13]}:00"


def write_dust_csv(events: Iterable[DustEvent], path: Path) -> Path:
    """Write ``region_code,start,end,note``, one row per process and league/city, sorted by
    start.  ``start``/``end`` are ``YYYY-MM-DD HH:00`` local time and the range is half-open
    ``[start, end)`` as ``ecoplan.ingest.dust`` reads it: ``end`` is one hour after the last
    dusty hour (:attr:`DustEvent.end`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(events, key=lambda e: (e.start, e.region_code))
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(DUST_HEADER)
        for e in rows:
            end = e.end + np.timedelta64(1, "h")
            w.writerow([e.region_code, _fmt_hour(e.start), _fmt_hour(end), e.note])
    return path


# --------------------------------------------------------------------------------------------
# evaluation with the standards engine (checks and the calibration report)
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityYearEvaluation:
    """HJ 663 figures of one city-year computed by ``ecoplan.standards`` from the demo data.

    ``pm25`` annual mean of daily means (µg/m³, unrounded); ``good_days``/``valid_days``/
    ``good_ratio`` (%) by the daily AQI of *version*.
    """

    city: str
    year: int
    version: str
    pm25: float
    good_days: int
    valid_days: int
    good_ratio: float


def evaluate_city_year(air: AirYear, city: str, version: str = "2012") -> CityYearEvaluation:
    """Evaluate *city* in *air* with the standards engine, as the system would.

    City hourly = mean of the city's national stations (``validity.city_hourly``), then the
    daily table (daily means, O3 MDA8 and max 1 h; GB 3095 Table 4 validity), the daily AQI
    (``aqi.daily_aqi_array``, HJ 633-*version*) and the annual statistics (HJ 663,
    ``airqual.annual_statistics``); hours labelled by their beginning.
    """
    import pandas as pd

    from ecoplan.standards.airqual import annual_statistics
    from ecoplan.standards.validity import city_hourly, daily_table

    idx = [i for i, s in enumerate(air.stations) if s.city_code == city and s.kind == "national"]
    if not idx:
        raise DemoDataError(f"no national demo station of {city} in the data")
    n = air.times.size
    wide = pd.DataFrame(
        {
            "station": np.repeat([air.stations[i].code for i in idx], n),
            "time": np.tile(air.times.astype("datetime64[ns]"), len(idx)),
        }
    )
    for p, name in enumerate(POLLUTANTS):
        wide[name] = air.values[p][idx].reshape(-1)
    wide["city"] = city
    ch = city_hourly(wide)
    daily = daily_table(ch[["city", "time", *POLLUTANTS]], id_col="city")
    daily = daily[daily["date"].dt.year == air.year].reset_index(drop=True)
    cols = {c: daily[c].to_numpy(dtype=float) for c in ("SO2", "NO2", "PM10", "PM2.5", "CO")}
    cols["O3_8h"] = daily["O3_8h"].to_numpy(dtype=float)
    if version == "2012":
        cols["O3_1h"] = daily["O3_1h"].to_numpy(dtype=float)
    daily["aqi"] = daily_aqi_array(cols, version).aqi
    stats = annual_statistics(daily.drop(columns=["city"]), version, year=air.year)  # type: ignore[arg-type]
    return CityYearEvaluation(
        city=city,
        year=air.year,
        version=version,
        pm25=float(stats.pollutants["PM2.5"].statistic("mean").value),
        good_days=stats.days.good_days,
        valid_days=stats.days.valid_days,
        good_ratio=float(stats.days.good_ratio),
    )
