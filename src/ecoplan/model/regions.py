"""Administrative divisions of Inner Mongolia (GB/T 2260 codes), shipped as package data.

The table ``ecoplan/data/regions/regions.csv`` holds 内蒙古自治区 (150000), its 12 盟市 and its
103 旗县(市、区); ``SOURCE.md`` beside it says where it came from. GB/T 2260 code structure:
digits 1-2 the province, 3-4 the prefecture, 5-6 the county, so a province code ends in
``0000``, a prefecture code in ``00`` and a county code in neither.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib.resources import files

HEADER = ("code", "name_zh", "name_en", "level", "parent", "lon", "lat")
_CODE = re.compile(r"^\d{6}$")


class Level(StrEnum):
    """Tier of an administrative division."""

    PROVINCE = "province"  # 省级: 自治区
    PREFECTURE = "prefecture"  # 地级: 市、盟
    COUNTY = "county"  # 县级: 市辖区、县级市、县、旗、自治旗


class RegionDataError(ValueError):
    """The regions table is malformed or inconsistent (names the row and the rule broken)."""


class UnknownRegionError(ValueError):
    """A code that is not in the regions table."""


@dataclass(frozen=True, slots=True)
class Region:
    """One division.

    Attributes
    ----------
    code : GB/T 2260 six-digit code.
    name_zh, name_en : Chinese name; English name (official romanisation or pinyin).
    level : tier, consistent with the code pattern (module docstring).
    parent : code of the enclosing division; ``None`` for the province.
    lon, lat : seat (政府驻地) longitude / latitude in decimal degrees, approximate (demo stations
        and map centring only); ``None`` when unknown.
    """

    code: str
    name_zh: str
    name_en: str
    level: Level
    parent: str | None
    lon: float | None
    lat: float | None

    @property
    def label(self) -> str:
        """``code 中文名`` for user-facing output."""
        return f"{self.code} {self.name_zh}"


def level_of_code(code: str) -> Level:
    """Tier implied by a GB/T 2260 code's pattern (``xx0000``, ``xxyy00``, other)."""
    if not _CODE.match(code):
        raise RegionDataError(f"code {code!r} is not six digits (GB/T 2260)")
    if code[2:] == "0000":
        return Level.PROVINCE
    if code[4:] == "00":
        return Level.PREFECTURE
    return Level.COUNTY


def _coord(row: int, field: str, text: str, limit: float) -> float | None:
    if text == "":
        return None
    try:
        value = float(text)
    except ValueError:
        raise RegionDataError(f"row {row}: {field} {text!r} is not a number") from None
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise RegionDataError(f"row {row}: {field} {value} outside [-{limit}, {limit}] degrees")
    return value


def _row(n: int, rec: dict[str, str]) -> Region:
    code = rec["code"]
    try:
        level_code = level_of_code(code)
        level = Level(rec["level"])
    except ValueError as e:
        raise RegionDataError(f"row {n}: {e}") from None
    if level is not level_code:
        raise RegionDataError(
            f"row {n}: {code} has level {level} but its code pattern says {level_code}"
        )
    if not rec["name_zh"] or not rec["name_en"]:
        raise RegionDataError(f"row {n}: {code} has an empty name")
    parent = rec["parent"] or None
    want = {
        Level.PROVINCE: None,
        Level.PREFECTURE: code[:2] + "0000",
        Level.COUNTY: code[:4] + "00",
    }
    if parent != want[level]:
        raise RegionDataError(
            f"row {n}: {code} ({level}) has parent {parent!r}, expected {want[level]!r}"
        )
    lon, lat = _coord(n, "lon", rec["lon"], 180.0), _coord(n, "lat", rec["lat"], 90.0)
    if (lon is None) != (lat is None):
        raise RegionDataError(f"row {n}: {code} has only one of lon / lat")
    return Region(code, rec["name_zh"], rec["name_en"], level, parent, lon, lat)


def parse_regions(text: str) -> list[Region]:
    """Parse and validate a regions CSV (header ``code,name_zh,name_en,level,parent,lon,lat``).

    Checks: six-digit codes, unique; level matches the code pattern; the parent is the
    division the code pattern implies and is present; names non-empty and unique within a
    parent (Chinese and English); lon in [-180, 180], lat in [-90, 90], both or neither.

    Raises
    ------
    RegionDataError
        On the first rule broken, naming the row (1 = first data row) and the code.
    """
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != HEADER:
        raise RegionDataError(f"header is {reader.fieldnames}, expected {list(HEADER)}")
    regions: list[Region] = []
    seen: dict[str, Region] = {}
    names: set[tuple[str | None, str, str]] = set()
    for n, rec in enumerate(reader, start=1):
        if None in rec or any(v is None for v in rec.values()):
            raise RegionDataError(f"row {n}: expected {len(HEADER)} fields")
        r = _row(n, rec)
        if r.code in seen:
            raise RegionDataError(f"row {n}: duplicate code {r.code}")
        for lang, name in (("zh", r.name_zh), ("en", r.name_en)):
            if (r.parent, lang, name) in names:
                raise RegionDataError(f"row {n}: duplicate name {name!r} under {r.parent}")
            names.add((r.parent, lang, name))
        seen[r.code] = r
        regions.append(r)
    for r in regions:
        if r.parent is not None and r.parent not in seen:
            raise RegionDataError(f"{r.code} {r.name_zh}: parent {r.parent} is not in the table")
    return regions


@cache
def _table() -> tuple[Region, ...]:
    text = (files("ecoplan.data") / "regions" / "regions.csv").read_text(encoding="utf-8")
    return tuple(parse_regions(text))


@cache
def _index() -> dict[str, Region]:
    return {r.code: r for r in _table()}


def load_regions() -> list[Region]:
    """All divisions shipped with ecoplan, in table order (province, prefectures, counties)."""
    return list(_table())


def regions_by_code() -> dict[str, Region]:
    """``{code: Region}`` for every shipped division (a fresh dict; safe to modify)."""
    return dict(_index())


def get_region(code: str) -> Region:
    """The division with GB/T 2260 *code*; :class:`UnknownRegionError` if there is none."""
    try:
        return _index()[code]
    except KeyError:
        raise UnknownRegionError(f"no region with code {code!r} in the shipped table") from None


def children(code: str) -> list[Region]:
    """Direct subdivisions of *code*, by code (empty for a county)."""
    get_region(code)
    return sorted((r for r in _table() if r.parent == code), key=lambda r: r.code)


def ancestors(code: str) -> list[Region]:
    """Enclosing divisions of *code*, nearest first (county → prefecture → province)."""
    out: list[Region] = []
    parent = get_region(code).parent
    while parent is not None:
        region = get_region(parent)
        out.append(region)
        parent = region.parent
    return out


def prefecture_of(code: str) -> Region:
    """The 盟市 containing *code* (itself for a prefecture).

    Raises
    ------
    UnknownRegionError
        For an unknown code.
    ValueError
        For the province, which lies in no prefecture.
    """
    region = get_region(code)
    if region.level is Level.PREFECTURE:
        return region
    for a in ancestors(code):
        if a.level is Level.PREFECTURE:
            return a
    raise ValueError(f"{region.label} is a {region.level}, not within a prefecture")


def is_within(code: str, region: str) -> bool:
    """Whether division *code* is *region* or lies inside it (GB/T 2260 hierarchy); False
    for an unknown code."""
    if code == region:
        return True
    try:
        return any(a.code == region for a in ancestors(code))
    except UnknownRegionError:
        return False
