"""Synthetic (演示) air monitoring stations at the real seats of the 12 leagues/cities.

Every station here is **invented**: its name starts with 「演示」 and its code with ``D`` so that
it can never be mistaken for a real national station (real codes look like ``1001A``).
Locations are the GB/T 2260 seat coordinates of ``ecoplan/data/regions/regions.csv`` moved by a
random offset of 1.5–8 km (deterministic for the seed).

Codes: ``D`` + the first four digits of the league/city code + a two-digit number; national
(国控, city assessment) stations are numbered 01…, county stations 51… (e.g. ``D150101``
演示呼和浩特市1号站, ``D150151`` 演示土默特左旗站).  County stations are of kind ``provincial``
(区控; the registry's kinds are national | provincial | micro) and do not enter the city
assessment.
"""

from __future__ import annotations

import csv
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ecoplan.model.regions import get_region, prefecture_of

__all__ = [
    "CITY_CODES",
    "COUNTY_STATIONS",
    "DEFAULT_STATIONS_PER_CITY",
    "STATION_HEADER",
    "DemoDataError",
    "DemoStation",
    "demo_stations",
    "stream",
    "write_stations_csv",
]

#: The 12 盟市 (GB/T 2260), in table order.
CITY_CODES: tuple[str, ...] = (
    "150100",
    "150200",
    "150300",
    "150400",
    "150500",
    "150600",
    "150700",
    "150800",
    "150900",
    "152200",
    "152500",
    "152900",
)

#: National stations per league/city by default (3–5; the larger cities get more).
DEFAULT_STATIONS_PER_CITY: dict[str, int] = {
    "150100": 5,
    "150200": 5,
    "150300": 4,
    "150400": 4,
    "150500": 4,
    "150600": 4,
    "150700": 3,
    "150800": 4,
    "150900": 4,
    "152200": 3,
    "152500": 3,
    "152900": 3,
}

#: County (旗县) stations: one at each of these county seats.
COUNTY_STATIONS: tuple[str, ...] = (
    "150121",  # 土默特左旗
    "150221",  # 土默特右旗
    "150622",  # 准格尔旗
    "150781",  # 满洲里市
    "150921",  # 卓资县
    "152501",  # 二连浩特市
)

STATION_HEADER: tuple[str, ...] = ("code", "name", "region_code", "longitude", "latitude", "kind")
"""Columns of the station registry CSV."""

_KM_PER_DEG_LAT = 111.0


class DemoDataError(ValueError):
    """Bad arguments to a demo-data generator (unknown city, empty range, …)."""


def _key(k: int | str) -> int:
    return k if isinstance(k, int) else zlib.crc32(k.encode("utf-8"))


def stream(seed: int, *keys: int | str) -> np.random.Generator:
    """An independent random generator for one component of the demo data.

    Keyed by the seed and by names/numbers (e.g. ``stream(seed, "air", 2020, 150100)``) so that
    any part of the data comes out the same whichever other parts are generated with it.
    """
    return np.random.default_rng([seed & 0xFFFFFFFF, *(_key(k) for k in keys)])


@dataclass(frozen=True, slots=True)
class DemoStation:
    """One synthetic station.

    Attributes
    ----------
    code : ``D`` + 6 digits (module docstring).
    name : Chinese name, always starting with 「演示」.
    region_code : GB/T 2260 code of the league/city (national) or county (county stations).
    city_code : the league/city the station belongs to.
    longitude, latitude : decimal degrees (WGS-84-like, approximate).
    kind : ``"national"`` (国控, enters the city assessment) or ``"provincial"`` (区控 county
        station).
    """

    code: str
    name: str
    region_code: str
    city_code: str
    longitude: float
    latitude: float
    kind: str


def _offset(rng: np.random.Generator, lon: float, lat: float) -> tuple[float, float]:
    r = rng.uniform(1.5, 8.0)  # km
    a = rng.uniform(0.0, 2.0 * math.pi)
    dlat = r * math.sin(a) / _KM_PER_DEG_LAT
    dlon = r * math.cos(a) / (_KM_PER_DEG_LAT * math.cos(math.radians(lat)))
    return round(lon + dlon, 4), round(lat + dlat, 4)


def demo_stations(
    seed: int,
    *,
    cities: tuple[str, ...] | list[str] | None = None,
    stations_per_city: int | dict[str, int] | None = None,
    county_stations: bool = True,
) -> list[DemoStation]:
    """The synthetic stations of *cities* (default all 12), national ones first per city.

    Parameters
    ----------
    seed : random seed (locations only).
    cities : league/city codes; default :data:`CITY_CODES`.
    stations_per_city : national stations per city, one number for all (1–9) or a mapping;
        default :data:`DEFAULT_STATIONS_PER_CITY`.
    county_stations : add the county stations of :data:`COUNTY_STATIONS` in those cities.

    Raises
    ------
    DemoDataError
        For a code that is not one of the 12 leagues/cities or a count outside 1–9.
    """
    chosen = tuple(cities) if cities is not None else CITY_CODES
    unknown = [c for c in chosen if c not in CITY_CODES]
    if unknown:
        raise DemoDataError(f"not league/city codes of Inner Mongolia: {unknown}")
    counts: dict[str, int]
    if stations_per_city is None:
        counts = dict(DEFAULT_STATIONS_PER_CITY)
    elif isinstance(stations_per_city, int):
        counts = dict.fromkeys(CITY_CODES, stations_per_city)
    else:
        counts = {**DEFAULT_STATIONS_PER_CITY, **stations_per_city}
    bad = {c: n for c, n in counts.items() if not 1 <= n <= 9}
    if bad:
        raise DemoDataError(f"stations per city must be within 1..9, got {bad}")
    out: list[DemoStation] = []
    for city in chosen:
        region = get_region(city)
        assert region.lon is not None and region.lat is not None
        rng = stream(seed, "stations", int(city))
        for n in range(1, counts[city] + 1):
            lon, lat = _offset(rng, region.lon, region.lat)
            out.append(
                DemoStation(
                    code=f"D{city[:4]}{n:02d}",
                    name=f"演示{region.name_zh}{n}号站",
                    region_code=city,
                    city_code=city,
                    longitude=lon,
                    latitude=lat,
                    kind="national",
                )
            )
        if county_stations:
            mine = [c for c in COUNTY_STATIONS if prefecture_of(c).code == city]
            for k, county in enumerate(mine, start=51):
                cr = get_region(county)
                assert cr.lon is not None and cr.lat is not None
                lon, lat = _offset(rng, cr.lon, cr.lat)
                out.append(
                    DemoStation(
                        code=f"D{city[:4]}{k:02d}",
                        name=f"演示{cr.name_zh}站",
                        region_code=county,
                        city_code=city,
                        longitude=lon,
                        latitude=lat,
                        kind="provincial",
                    )
                )
    return out


def write_stations_csv(
    stations: list[DemoStation], path: Path, extra: dict[str, str] | None = None
) -> Path:
    """Write the registry CSV ``code,name,region_code,longitude,latitude,kind`` (UTF-8), then
    the *extra* columns with one value for every row (e.g. ``synthetic`` = ``true``)."""
    more = extra or {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*STATION_HEADER, *more])
        for s in stations:
            lon, lat = f"{s.longitude:.4f}", f"{s.latitude:.4f}"
            w.writerow([s.code, s.name, s.region_code, lon, lat, s.kind, *more.values()])
    return path
