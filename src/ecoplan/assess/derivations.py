"""Indicator values derived from monitoring data: the derivation registry and its evaluators.

A plan indicator names a derivation in its ``derivation`` field (``docs/plan-format.md``); the
:data:`REGISTRY` below says, as data, what each name computes, in which unit and how the
province (自治区) value is formed.  Two evaluators do the work for every derivation of their
medium at once:

* **air** (``air.*``): the HJ 663 annual evaluation
  (:func:`ecoplan.assess.airquality.evaluate_units`) per league/city (盟市: its national
  国控 stations) or county (旗县: its non-micro stations),
  and the province value as the **mean of the 12 leagues/cities** (the way the regional
  bulletin states 全区平均; docs/assessment.md §5).
* **water** (``water.*``): the section classes of
  :func:`ecoplan.assess.waterquality.evaluate_water` (GB 3838-2002 class of each section's
  annual means) and the share of the region's sections in classes I–III / 劣V (sections pooled
  over the region, as 国考断面比例 are).

Both read a DuckDB connection holding the warehouse views (``air_hourly``, ``water_samples``)
and registries (``station``, ``section``, ``dust_event``) — :func:`ecoplan.store.warehouse.connect`
provides them; tests register small frames under the same names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

import duckdb
import numpy as np

from ecoplan.assess.airquality import air_units, evaluate_units, has_table, unit_dust
from ecoplan.assess.waterquality import RegionWater, evaluate_water
from ecoplan.model.regions import Level, UnknownRegionError, children, get_region
from ecoplan.standards.airqual import AnnualStatistics, round_gbt8170

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)`` callback."""

#: How the hour stamps of the warehouse are labelled: by the **end** of the hour, as HJ 663 and
#: the national publication do and as the standards engine (``ecoplan.standards.validity``)
#: expects (docs/standards.md).  ``"start"`` is accepted for a source stamped by the start of
#: the hour: the evaluator then shifts the stamps by +1 h.
WAREHOUSE_HOUR_LABEL: Literal["start", "end"] = "end"


class DerivationError(ValueError):
    """A derivation that cannot be computed (unknown name, unit mismatch, missing table)."""


@dataclass(frozen=True)
class Derivation:
    """What one derivation computes.

    Attributes
    ----------
    name : registry key, e.g. ``air.pm25_annual_mean``.
    name_zh : Chinese name.
    medium : ``air`` or ``water``.
    unit : unit of the value (must equal the indicator's unit).
    statistic : which figure of the evaluation (``pollutant_mean:PM2.5``,
        ``pollutant_percentile:O3:0.90``, ``days:good_ratio``, ``days:good_days``,
        ``days:heavy_days``, ``composite``; ``share:I-III``, ``share:worse_V``).
    decimals : GB/T 8170 rounding of the province mean (air) or of the share (water).
    standard : the clause the figure comes from.
    """

    name: str
    name_zh: str
    medium: Literal["air", "water"]
    unit: str
    statistic: str
    decimals: int
    standard: str


_ENTRIES = (
    Derivation(
        "air.pm25_annual_mean", "PM2.5年平均浓度", "air", "µg/m³", "pollutant_mean:PM2.5", 0,
        "HJ 663 表1 年平均（GB/T 8170 修约至整数）",
    ),
    Derivation(
        "air.good_days_ratio", "优良天数比例", "air", "%", "days:good_ratio", 1,
        "HJ 663 §6.2 / HJ 633 表2：日AQI≤100天数 ÷ 有效天数 × 100",
    ),
    Derivation(
        "air.good_days", "优良天数", "air", "天", "days:good_days", 1,
        "HJ 633 表2：日AQI≤100的天数",
    ),
    Derivation(
        "air.heavy_pollution_days", "重污染天数", "air", "天", "days:heavy_days", 1,
        "HJ 633 表2：日AQI>200（重度+严重）的天数",
    ),
    Derivation(
        "air.o3_p90", "O3日最大8小时平均第90百分位数", "air", "µg/m³",
        "pollutant_percentile:O3:0.90", 0, "HJ 663 表1 O3 MDA8 第90百分位数",
    ),
    Derivation(
        "air.composite_index", "环境空气质量综合指数", "air", "无量纲", "composite", 2,
        "HJ 663 §7 综合指数 Σ C_i/S_i（修约至2位小数）",
    ),
    Derivation(
        "water.share_I_III", "地表水水质优良（Ⅰ～Ⅲ类）断面比例", "water", "%", "share:I-III", 1,
        "GB 3838-2002 表1，断面年均值评价（21项）",
    ),
    Derivation(
        "water.share_worse_V", "劣Ⅴ类水体断面比例", "water", "%", "share:worse_V", 1,
        "GB 3838-2002 表1，断面年均值评价（21项）",
    ),
)  # fmt: skip

#: The derivation registry: name → :class:`Derivation`.
REGISTRY: Mapping[str, Derivation] = MappingProxyType({d.name: d for d in _ENTRIES})


def get_derivation(name: str) -> Derivation:
    """The registered derivation *name*; :class:`DerivationError` naming the known ones."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise DerivationError(
            f"unknown derivation {name!r}; registered: {', '.join(sorted(REGISTRY))}"
        ) from None


def check_unit(derivation: Derivation, indicator_code: str, unit: str) -> None:
    """Refuse an indicator whose unit differs from its derivation's."""
    if unit.strip() != derivation.unit:
        raise DerivationError(
            f"indicator {indicator_code} has unit {unit!r} but derivation {derivation.name} "
            f"gives {derivation.unit!r}"
        )


@dataclass(frozen=True)
class DerivedValue:
    """One derived yearly value with its provenance string."""

    derivation: str
    region_code: str
    year: int
    value: float
    source: str


# --------------------------------------------------------------------------------- helpers


def _require(con: duckdb.DuckDBPyConnection, name: str, what: str) -> None:
    if not has_table(con, name):
        raise DerivationError(
            f"the DuckDB connection has no table or view {name!r} ({what}); "
            "use ecoplan.store.warehouse.connect() or register one"
        )


def _known(code: str, what: str) -> None:
    try:
        get_region(code)
    except UnknownRegionError:
        raise DerivationError(f"{what}: region code {code!r} is not a known division") from None


def _prefectures(province: str) -> list[str]:
    return [r.code for r in children(province) if r.level is Level.PREFECTURE]


# --------------------------------------------------------------------------------------- air


def _extract_air(stats: AnnualStatistics, d: Derivation) -> tuple[float, str]:
    """The figure *d* of one unit's evaluation and a short validity note."""
    kind, _, arg = d.statistic.partition(":")
    if kind == "pollutant_mean" or kind == "pollutant_percentile":
        pollutant, _, q = arg.partition(":")
        pe = stats.pollutants.get(pollutant)
        if pe is None:
            return float("nan"), f"{pollutant} 未监测"
        st = (
            pe.statistic("mean")
            if kind == "pollutant_mean"
            else pe.statistic("percentile", float(q))
        )
        validity = "" if pe.valid is not False else "，年有效性不满足 GB 3095 表4"
        return float(st.rounded), f"有效天数 {pe.n_days}{validity}"
    days = stats.days
    if kind == "days":
        value = {
            "good_ratio": days.good_ratio_rounded,
            "good_days": float(days.good_days),
            "heavy_days": float(days.heavy_days),
        }[arg]
        return float(value), f"有效天数 {days.valid_days}"
    if kind == "composite":
        if stats.composite is None:
            return float("nan"), "综合指数不可计算"
        return float(stats.composite.rounded), f"有效天数 {days.valid_days}"
    raise DerivationError(f"derivation {d.name}: unknown statistic {d.statistic!r}")


def derive_air(
    con: duckdb.DuckDBPyConnection,
    derivations: Sequence[Derivation],
    regions: Sequence[str],
    years: Sequence[int],
    *,
    dust_deducted: bool = False,
    hour_label: Literal["start", "end"] = WAREHOUSE_HOUR_LABEL,
    source: str = "air_hourly",
    progress: Progress | None = None,
) -> list[DerivedValue]:
    """HJ 663 figures for every (derivation, region, year).

    Parameters
    ----------
    con
        DuckDB connection with *source* ``(station, time, pollutant, value)`` (µg/m³, CO
        mg/m³, local time) and ``station (code, region_code, kind)``; ``dust_event
        (region_code, station_code, start_time, end_time)`` if present.
    derivations
        ``air.*`` entries of :data:`REGISTRY`.
    regions
        Region codes to produce values for (province, leagues/cities, counties).
    years
        Calendar years.
    dust_deducted
        Use the sand-dust-deducted statistics (HJ 663 / 扣沙) instead of the raw ones.
    hour_label
        ``"start"`` when *source* stamps the beginning of the hour (the warehouse), ``"end"``
        when it stamps the end (the standards' convention).
    """
    derivations = [d for d in derivations if d.medium == "air"]
    if not derivations or not regions or not years:
        return []
    _require(con, source, "hourly air measurements")
    _require(con, "station", "station registry: code, region_code, kind")
    for r in regions:
        _known(r, "air derivation")
    stations = con.execute("SELECT code, region_code, kind FROM station").df()
    for code, reg in zip(stations["code"], stations["region_code"], strict=True):
        _known(str(reg), f"station {code}")
    station_unit, unit_notes, n_stations = air_units(stations, regions)
    dust = unit_dust(con, station_unit)
    src = source
    if hour_label == "start":
        src = "_ecoplan_air_hour_end"
        con.execute(
            f"CREATE OR REPLACE TEMP VIEW {src} AS SELECT station, "
            f"time + INTERVAL 1 HOUR AS time, pollutant, value FROM {source}"
        )
    elif hour_label != "end":
        raise DerivationError(f"hour_label must be 'start' or 'end', got {hour_label!r}")
    names = {u: get_region(u).name_zh for u in station_unit["unit"].unique()}
    variant = "扣沙" if dust_deducted else "未扣沙"
    out: list[DerivedValue] = []
    for i, year in enumerate(sorted(years)):
        if progress is not None:
            progress(i, len(years), f"空气质量评价 HJ 663 {year}")
        evs = evaluate_units(
            con, station_unit, year, unit_names=names, unit_dust=dust, source=src
        ) if not station_unit.empty else []  # fmt: skip
        per_unit: dict[str, dict[str, tuple[float, str]]] = {}
        for ev in evs:
            stats = ev.dust_deducted if dust_deducted else ev.raw
            edition = "HJ 663-2013" if stats.version == "2012" else "HJ 663-2026"
            for d in derivations:
                value, detail = _extract_air(stats, d)
                if not np.isfinite(value):
                    continue
                extra = f"，{unit_notes[ev.unit]}" if ev.unit in unit_notes else ""
                src_text = (
                    f"derived: {d.name} ({edition}, {n_stations.get(ev.unit, 0)} 站, {detail}, "
                    f"{variant}{extra})"
                )
                per_unit.setdefault(d.name, {})[ev.unit] = (value, src_text)
        for d in derivations:
            vals = per_unit.get(d.name, {})
            for r in regions:
                if get_region(r).level is Level.PROVINCE:
                    cities = _prefectures(r)
                    got = [c for c in cities if c in vals]
                    if not got:
                        continue
                    mean = float(np.mean([vals[c][0] for c in got]))
                    missing = [get_region(c).name_zh for c in cities if c not in vals]
                    miss = f"，缺{'、'.join(missing)}" if missing else ""
                    out.append(
                        DerivedValue(
                            d.name, r, year, round_gbt8170(mean, d.decimals),
                            f"derived: {d.name} (盟市平均 {len(got)}/{len(cities)} 个盟市"
                            f"{miss}, {variant})",
                        )
                    )  # fmt: skip
                elif r in vals:
                    out.append(DerivedValue(d.name, r, year, vals[r][0], vals[r][1]))
    if progress is not None:
        progress(len(years), len(years), "空气质量评价完成")
    return out


# ------------------------------------------------------------------------------------- water


def derive_water(
    con: duckdb.DuckDBPyConnection,
    derivations: Sequence[Derivation],
    regions: Sequence[str],
    years: Sequence[int],
    *,
    progress: Progress | None = None,
) -> list[DerivedValue]:
    """Shares of sections by class for every (derivation, region, year).

    The section classes and shares come from :func:`ecoplan.assess.waterquality.evaluate_water`
    (annual mean per item and section, GB 3838-2002 class of the means; sections of the region
    and of every division inside it): share_I_III = 100 · sections in classes I–III / classified
    sections, share_worse_V likewise for 劣V, rounded to 1 decimal (GB/T 8170).
    """
    derivations = [d for d in derivations if d.medium == "water"]
    if not derivations or not regions or not years:
        return []
    _require(con, "water_samples", "water samples")
    _require(con, "section", "section registry")
    for r in regions:
        _known(r, "water derivation")
    out: list[DerivedValue] = []
    for i, year in enumerate(sorted(years)):
        if progress is not None:
            progress(i, len(years), f"地表水断面评价 GB 3838 {year}")
        row = con.execute(
            "SELECT count(*) FROM water_samples WHERE year(date) = ?", [year]
        ).fetchone()
        if not row or not row[0]:
            continue  # no samples that year (evaluate_water fails on an empty year)
        found: dict[str, RegionWater] = {}
        for r in regions:
            if r not in found:
                found.update({w.region_code: w for w in evaluate_water(con, r, year)})
            w = found.get(r)
            if w is None or w.n_sections == 0:
                continue
            for d in derivations:
                good = d.statistic == "share:I-III"
                share = w.share_i_iii if good else w.share_worse_v
                if share is None:
                    continue
                k = round(share * w.n_sections / 100.0)
                what = "Ⅰ～Ⅲ类" if good else "劣Ⅴ类"
                out.append(
                    DerivedValue(
                        d.name, r, year, round_gbt8170(share, d.decimals),
                        f"derived: {d.name} (GB 3838-2002 断面年均值, {w.n_sections} 个断面, "
                        f"{what} {k} 个)",
                    )
                )  # fmt: skip
    if progress is not None:
        progress(len(years), len(years), "地表水评价完成")
    return out


def derive(
    con: duckdb.DuckDBPyConnection,
    names: Sequence[str],
    regions: Sequence[str],
    years: Sequence[int],
    *,
    dust_deducted: bool = False,
    hour_label: Literal["start", "end"] = WAREHOUSE_HOUR_LABEL,
    progress: Progress | None = None,
) -> list[DerivedValue]:
    """Every derivation in *names* for every region and year (air and water evaluators)."""
    specs = [get_derivation(n) for n in dict.fromkeys(names)]
    out = derive_air(
        con, specs, regions, years,
        dust_deducted=dust_deducted, hour_label=hour_label, progress=progress,
    )  # fmt: skip
    if any(d.medium == "water" for d in specs):
        out += derive_water(con, specs, regions, years, progress=progress)
    return out
