"""Synthetic hourly air data (ecoplan.demo.air): determinism, layout, shape, dust, calibration.

Every check below computes its figures from freshly generated data; the Hohhot 2020 figures
are computed with the standards engine (city hourly → daily table → HJ 633-2012 daily AQI →
HJ 663 annual statistics) and compared with the plan's published values (seed 002: "2020年,
全市空气优良天数达到294天,优良比例为80.3%…PM2.5年均浓度为41μg/m3").
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from ecoplan.demo.air import (
    CSV_TYPES,
    POLLUTANTS,
    AirYear,
    Anomaly,
    ar1,
    dust_events,
    evaluate_city_year,
    generate_air_year,
    write_dust_csv,
    write_national_hourly_csv,
    yearly_targets,
)
from ecoplan.demo.stations import CITY_CODES, DemoDataError, demo_stations, stream
from ecoplan.ingest import read_national_hourly

SEED = 150000
HOHHOT = "150100"


@pytest.fixture(scope="module")
def hohhot_2020() -> AirYear:
    return generate_air_year(SEED, 2020, demo_stations(SEED, cities=[HOHHOT]))


@pytest.fixture(scope="module")
def three_2021() -> AirYear:
    """Hohhot, Baotou and Alxa (the dustiest) in 2021."""
    st = demo_stations(SEED, cities=["150100", "150200", "152900"])
    return generate_air_year(SEED, 2021, st)


def _months(air: AirYear) -> np.ndarray:
    return air.times.astype("datetime64[M]").astype(int) % 12 + 1


def _hours(air: AirYear) -> np.ndarray:
    return (air.times - air.times.astype("datetime64[D]")).astype(int)


# --- stations ----------------------------------------------------------------------------------


def test_stations_are_labelled_demo_and_near_their_seats() -> None:
    from ecoplan.model.regions import get_region

    st = demo_stations(SEED)
    assert len({s.code for s in st}) == len(st)
    assert {s.city_code for s in st} == set(CITY_CODES)
    for s in st:
        assert s.name.startswith("演示") and s.code.startswith("D")
        seat = get_region(s.region_code)
        assert seat.lon is not None and seat.lat is not None
        # distance in km on a local flat approximation: 1.5–8 km by construction, < 10 km asked
        dx = (s.longitude - seat.lon) * 111.0 * np.cos(np.radians(seat.lat))
        dy = (s.latitude - seat.lat) * 111.0
        assert 1.0 < float(np.hypot(dx, dy)) < 10.0
    national = Counter(s.city_code for s in st if s.kind == "national")
    assert all(3 <= national[c] <= 5 for c in CITY_CODES)
    assert {s.kind for s in st} == {"national", "provincial"}


def test_stations_reject_unknown_city_and_bad_count() -> None:
    with pytest.raises(DemoDataError, match="not league/city codes"):
        demo_stations(SEED, cities=["150102"])
    with pytest.raises(DemoDataError, match=r"1\.\.9"):
        demo_stations(SEED, stations_per_city=0)


# --- AR(1) ----------------------------------------------------------------------------------------


def test_ar1_equals_the_recursion() -> None:
    # the blocked matrix solution must equal x[t] = φ x[t-1] + e[t] step by step
    phi, sigma, n = 0.83, 0.7, 300
    got = ar1(stream(1, "t"), 2, n, phi, sigma)
    rng = stream(1, "t")
    e = rng.standard_normal((2, n)) * (sigma * np.sqrt(1 - phi * phi))
    x = rng.standard_normal(2) * sigma
    want = np.empty((2, n))
    for t in range(n):
        x = phi * x + e[:, t]
        want[:, t] = x
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


def test_ar1_has_the_asked_correlation_and_spread() -> None:
    x = ar1(stream(2, "t"), 4, 50_000, 0.9, 2.0)
    lag1 = np.mean([np.corrcoef(r[:-1], r[1:])[0, 1] for r in x])
    assert abs(lag1 - 0.9) < 0.01
    assert abs(float(x.std()) - 2.0) < 0.15


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data(hohhot_2020: AirYear) -> None:
    again = generate_air_year(SEED, 2020, demo_stations(SEED, cities=[HOHHOT]))
    np.testing.assert_array_equal(again.values, hohhot_2020.values)
    other = generate_air_year(SEED + 1, 2020, demo_stations(SEED + 1, cities=[HOHHOT]))
    assert not np.array_equal(other.values, hohhot_2020.values, equal_nan=True)


def test_a_city_does_not_depend_on_the_others(hohhot_2020: AirYear, three_2021: AirYear) -> None:
    both = generate_air_year(SEED, 2020, demo_stations(SEED, cities=[HOHHOT, "150300"]))
    idx = [both.station_index(s.code) for s in hohhot_2020.stations]
    np.testing.assert_array_equal(both.values[:, idx, :], hohhot_2020.values)


def test_range_cut_keeps_the_values(hohhot_2020: AirYear) -> None:
    part = generate_air_year(
        SEED,
        2020,
        demo_stations(SEED, cities=[HOHHOT]),
        start=dt.date(2020, 3, 1),
        end=dt.date(2020, 3, 31),
    )
    assert part.times[0] == np.datetime64("2020-03-01T01") and part.times.size == 31 * 24
    sel = (hohhot_2020.times >= part.times[0]) & (hohhot_2020.times <= part.times[-1])
    np.testing.assert_array_equal(part.values, hohhot_2020.values[:, :, sel])


# --- values -------------------------------------------------------------------------------------


def test_values_nonnegative_rounded_and_about_two_percent_missing(three_2021: AirYear) -> None:
    v = three_2021.values
    ok = ~np.isnan(v)
    assert (v[ok] >= 0).all()
    # integers except CO (two decimals), as published
    for p, name in enumerate(POLLUTANTS):
        x = v[p][~np.isnan(v[p])]
        decimals = 2 if name == "CO" else 0
        np.testing.assert_allclose(x, np.round(x, decimals))
    frac = 1.0 - ok.mean()
    assert 0.015 < frac < 0.035, frac
    # PM10 includes PM2.5
    both = ok[0] & ok[1]
    assert (v[1][both] >= v[0][both]).all()


def test_winter_pm25_above_summer_and_summer_o3_above_winter(three_2021: AirYear) -> None:
    m = _months(three_2021)
    winter = np.isin(m, (12, 1, 2))
    summer = np.isin(m, (6, 7, 8))
    for city in ("150100", "150200", "152900"):
        c = three_2021.city_series(city)
        assert np.nanmean(c[0][winter]) > 1.3 * np.nanmean(c[0][summer])
        assert np.nanmax(c[4][summer]) > 1.3 * np.nanmax(c[4][winter])
        assert np.nanmean(c[2][winter]) > 1.6 * np.nanmean(c[2][summer])  # SO2: heating


def test_diurnal_shapes(three_2021: AirYear) -> None:
    c = three_2021.city_series("150100")
    h = _hours(three_2021)
    july = _months(three_2021) == 7
    o3 = np.array([np.nanmean(c[4][july & (h == k)]) for k in range(24)])
    assert 12 <= int(np.argmax(o3)) <= 17  # afternoon O3 peak
    assert int(np.argmin(o3)) <= 7  # minimum around dawn
    no2 = np.array([np.nanmean(c[3][h == k]) for k in range(24)])
    assert no2[8] > no2[14] and no2[19] > no2[14]  # morning and evening rush hours


def test_spring_dust_spikes_with_low_fine_fraction(three_2021: AirYear) -> None:
    ev = dust_events(SEED, 2021)
    assert ev, "no dust process in 2021"
    assert all(np.datetime64("2021-03-01") <= e.start < np.datetime64("2021-06-01") for e in ev)
    top = max(ev, key=lambda e: e.peak_pm10)
    assert 500.0 <= top.peak_pm10 <= 3000.0
    seen = False
    for city in ("150100", "150200", "152900"):
        c = three_2021.city_series(city)
        windows = np.zeros(c.shape[1], dtype=bool)
        for e in (e for e in three_2021.dust if e.region_code == city):
            windows |= (three_2021.times >= e.start) & (three_2021.times <= e.end)
        if not windows.any():
            continue
        seen = True
        spring = np.isin(_months(three_2021), (3, 4, 5))
        assert np.nanmax(c[1][windows]) > 2 * np.nanmax(c[1][spring & ~windows]) * 0.5
        ratio_dust = np.nanmean(c[0][windows]) / np.nanmean(c[1][windows])
        ratio_else = np.nanmean(c[0][spring & ~windows]) / np.nanmean(c[1][spring & ~windows])
        assert ratio_dust < ratio_else
    assert seen


def test_dust_csv_covers_every_spike(three_2021: AirYear, tmp_path: Path) -> None:
    path = write_dust_csv(three_2021.dust, tmp_path / "dust.csv")
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and set(rows[0]) == {"region_code", "start", "end", "note"}
    assert all("演示" in r["note"] and "合成" in r["note"] for r in rows)
    spikes = 0
    for city in ("150100", "150200", "152900"):
        c = three_2021.city_series(city)
        covered = np.zeros(c.shape[1], dtype=bool)
        for r in rows:
            if r["region_code"] == city:
                t0 = np.datetime64(r["start"].replace(" ", "T"), "h")
                t1 = np.datetime64(r["end"].replace(" ", "T"), "h")  # exclusive
                covered |= (three_2021.times >= t0) & (three_2021.times < t1)
        spike = (c[1] > 800) & (c[0] < 0.35 * c[1])  # a dust signature: coarse-dominated
        spikes += int(spike.sum())
        assert not (spike & ~covered).any(), f"{city}: PM10 spike outside the dust table"
    assert spikes > 0


# --- anomalies ---------------------------------------------------------------------------------


def test_flatline_and_silent_stations() -> None:
    st = demo_stations(SEED, cities=["150200", "150300"])
    t0, t1 = np.datetime64("2020-10-01T00"), np.datetime64("2020-10-31T23")
    faults = [Anomaly("D150203", "flatline", t0, t1), Anomaly("D150302", "silent", t0, t1)]
    air = generate_air_year(SEED, 2020, st, anomalies=faults)
    assert air.anomalies == faults
    sel = (air.times >= t0) & (air.times <= t1)
    flat = air.values[:, air.station_index("D150203"), :][:, sel]
    for p in range(6):
        assert np.unique(flat[p]).size == 1 and not np.isnan(flat[p]).any()
    assert np.isnan(air.values[:, air.station_index("D150302"), :][:, sel]).all()
    other = air.values[:, air.station_index("D150201"), :][:, sel]
    assert np.unique(other[0][~np.isnan(other[0])]).size > 20


# --- CSV layout ---------------------------------------------------------------------------------


def test_national_csv_layout_round_trips_through_the_importer(
    hohhot_2020: AirYear, tmp_path: Path
) -> None:
    path = write_national_hourly_csv(hohhot_2020, tmp_path / "demo-synthetic-air-2020.csv")
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().strip().split(",")
        first = [fh.readline().strip().split(",") for _ in range(6)]
    codes = [s.code for s in hohhot_2020.stations]
    assert header == ["date", "hour", "type", *codes]
    # the first stamp of the year file is 01:00 (hour-end label of 00:00–01:00)
    assert [r[:3] for r in first] == [["20200101", "1", t] for t in CSV_TYPES]
    frame, meta = read_national_hourly(path)
    assert meta["layout"] == "national_hourly" and meta["stations"] == codes
    n_values = int((~np.isnan(hohhot_2020.values)).sum())
    assert len(frame) == n_values
    assert meta["missing"] == hohhot_2020.values.size - n_values
    # one value back: station 2, PM2.5, 2020-07-01 15:00
    t = np.datetime64("2020-07-01T15")
    i = int(np.flatnonzero(hohhot_2020.times == t)[0])
    want = hohhot_2020.values[0, 1, i]
    row = frame[(frame["station"] == codes[1]) & (frame["pollutant"] == "PM2.5")]
    got = row.loc[row["time"] == t.astype("datetime64[us]"), "value"]
    if np.isnan(want):
        assert got.empty
    else:
        assert float(got.iloc[0]) == want


# --- trend and calibration ----------------------------------------------------------------------


def test_targets_follow_the_plans_downward() -> None:
    # Hohhot 2015 = 41 / (1 - 4.7 %) = 43.0 µg/m³ and 80.3 - 4.7 = 75.6 % (seed 002)
    t15, t20 = yearly_targets(SEED, HOHHOT, 2015), yearly_targets(SEED, HOHHOT, 2020)
    assert (t15.pm25, t15.good_ratio) == (43.0, 75.6)
    assert (t20.pm25, t20.good_ratio) == (41.0, 80.3)
    for city in CITY_CODES:
        a, b = yearly_targets(SEED, city, 2015), yearly_targets(SEED, city, 2025)
        assert b.pm25 < a.pm25 and b.so2 < a.so2 and b.good_ratio > a.good_ratio
    # the polluted west and the clean north-east
    clean = {c: yearly_targets(SEED, c, 2020).pm25 for c in CITY_CODES}
    assert min(clean["150100"], clean["150200"], clean["150300"]) > max(
        clean["150700"], clean["152200"], clean["152500"]
    )


@pytest.mark.parametrize("seed", [SEED, 7])
def test_hohhot_2020_matches_its_plan(seed: int, hohhot_2020: AirYear) -> None:
    air = (
        hohhot_2020
        if seed == SEED
        else generate_air_year(seed, 2020, demo_stations(seed, cities=[HOHHOT]))
    )
    ev = evaluate_city_year(air, HOHHOT, "2012")
    assert ev.valid_days == 366
    # within 3 % of the plan (the brief allows 10 %)
    assert abs(ev.pm25 - 41.0) <= 0.03 * 41.0, ev
    assert abs(ev.good_days - 294) <= 0.03 * 294, ev
    assert abs(ev.good_ratio - 80.3) <= 0.03 * 80.3, ev
    cal = air.calibration[HOHHOT]
    assert cal.good_days == ev.good_days and abs(cal.pm25 - ev.pm25) < 1e-6


def test_the_2026_edition_counts_fewer_good_days() -> None:
    # HJ 633-2026 lowers the IAQI-100 breakpoints of PM2.5 (75 → 60) and PM10 (150 → 120):
    # the same air has at most as many good days under it
    air = generate_air_year(SEED, 2024, demo_stations(SEED, cities=[HOHHOT]))
    old, new = evaluate_city_year(air, HOHHOT, "2012"), evaluate_city_year(air, HOHHOT, "2026")
    assert new.good_days < old.good_days
