"""Synthetic (演示) surface-water sections and monthly samples — NOT real measurements.

The sections sit on the rivers and lakes the seed documents name (黄河, 大黑河, 小黑河,
浑河, 哈素海, 昆都仑河, 乌梁素海, 岱海, 察汗淖尔, 呼伦湖, 额尔古纳河, 嫩江, 西辽河, 达里诺尔,
红碱淖尔, 黑河, 东居延海, and the reservoirs 万家寨, 尼尔基, 红山), 1–3 per water body, each in
the league/city where the water body lies; names start with 「演示」 and codes with ``DW``.
The section names echo the sections of the Hohhot plan (喇嘛湾, 浑河入黄口, 大黑河入黄口,
三分闸 …) but every value is invented.

Samples: one a month (around the 10th–17th) from 2015, with the GB 3838-2002 Table 1 items
(pH, DO, CODMn, COD, BOD5, NH3N, TP, TN, F, oil, phenol, Cu, Zn, As, Hg, Cd, Cr6, Pb, CN, LAS,
sulfide, Se; mg/L, pH dimensionless).  Levels follow a per-section profile (typical values
of a class-II/III/IV river, a lake, or a saline steppe lake with natural high pH, fluoride and
COD — 岱海, 达里诺尔, 呼伦湖, 红碱淖尔 and 察汗淖尔 really fail their targets that way), with
seasonality (winter ammonia under ice, summer run-off and evaporation, DO from water
temperature), log-normal month-to-month noise and an improving trend; northern sections are
not sampled in the ice months they are skipped in practice (Jan–Feb).  TP is the lake TP
for lakes (the class limits differ, GB 3838 Table 1 item 8).
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from ecoplan.demo.stations import DemoDataError, stream

__all__ = [
    "ITEMS",
    "SAMPLE_KEYS",
    "SECTIONS",
    "SECTION_HEADER",
    "DemoSection",
    "generate_samples",
    "write_samples_csv",
    "write_sections_csv",
]

#: Item columns of the samples CSV (GB 3838-2002 Table 1 codes, ``ecoplan.standards.water``).
ITEMS: tuple[str, ...] = (
    "pH", "DO", "CODMn", "COD", "BOD5", "NH3N", "TP", "TN", "Cu", "Zn", "F", "Se", "As", "Hg",
    "Cd", "Cr6", "Pb", "CN", "phenol", "oil", "LAS", "sulfide",
)  # fmt: skip
SAMPLE_KEYS: tuple[str, ...] = ("section", "date")
SECTION_HEADER: tuple[str, ...] = (
    "code",
    "name",
    "water_body",
    "waterbody_type",
    "region_code",
    "target_class",
)

# Decimals as a laboratory reports them.
_DECIMALS: dict[str, int] = {
    "pH": 2, "DO": 1, "CODMn": 1, "COD": 1, "BOD5": 1, "NH3N": 3, "TP": 3, "TN": 2, "Cu": 4,
    "Zn": 4, "F": 2, "Se": 5, "As": 5, "Hg": 6, "Cd": 5, "Cr6": 4, "Pb": 5, "CN": 4,
    "phenol": 5, "oil": 3, "LAS": 3, "sulfide": 3,
}  # fmt: skip

# Typical 2015 levels (mg/L) of the main items per profile.
_PROFILES: dict[str, dict[str, float]] = {
    "river_II": {"CODMn": 2.6, "COD": 10, "BOD5": 1.8, "NH3N": 0.22, "TP": 0.06, "TN": 1.2,
                 "F": 0.35},
    "river_III": {"CODMn": 4.0, "COD": 15, "BOD5": 2.8, "NH3N": 0.55, "TP": 0.12, "TN": 2.2,
                  "F": 0.55},
    "river_IV": {"CODMn": 6.5, "COD": 24, "BOD5": 4.5, "NH3N": 1.1, "TP": 0.22, "TN": 4.0,
                 "F": 0.9},
    "river_V": {"CODMn": 9.0, "COD": 34, "BOD5": 7.0, "NH3N": 2.4, "TP": 0.38, "TN": 7.0,
                "F": 1.35},
    "lake_II": {"CODMn": 2.8, "COD": 12, "BOD5": 2.0, "NH3N": 0.2, "TP": 0.02, "TN": 0.45,
                "F": 0.4},
    "lake_III": {"CODMn": 4.5, "COD": 17, "BOD5": 3.0, "NH3N": 0.4, "TP": 0.04, "TN": 0.9,
                 "F": 0.7},
    "lake_IV": {"CODMn": 8.0, "COD": 30, "BOD5": 4.8, "NH3N": 0.8, "TP": 0.09, "TN": 1.8,
                "F": 1.1},
    "saline": {"CODMn": 12.0, "COD": 62, "BOD5": 5.5, "NH3N": 0.6, "TP": 0.13, "TN": 2.2,
               "F": 2.8},
}  # fmt: skip


@dataclass(frozen=True)
class DemoSection:
    """One synthetic section and how its water behaves.

    ``profile`` a key of the level table; ``scale`` multiplies the main items; ``trend`` the
    yearly log change (negative = improving); ``ph`` the mean pH; ``ice`` months not sampled.
    """

    code: str
    name: str
    water_body: str
    waterbody_type: str  # river | lake
    region_code: str
    target_class: str
    profile: str
    scale: float = 1.0
    trend: float = -0.03
    ph: float = 8.1
    ice: tuple[int, ...] = ()


_NORTH_ICE = (1, 2)

SECTIONS: tuple[DemoSection, ...] = (
    # 呼和浩特市: the Hohhot plan's national and key sections
    DemoSection("DW150101", "演示黄河喇嘛湾断面", "黄河", "river", "150100", "III", "river_III",
                1.0, -0.02, 8.2),
    DemoSection("DW150102", "演示万家寨水库断面", "万家寨水库", "lake", "150100", "II", "lake_II",
                0.95, -0.015, 8.3),
    DemoSection("DW150103", "演示浑河入黄口断面", "浑河", "river", "150100", "III", "river_III",
                1.0, -0.03, 8.2),
    DemoSection("DW150104", "演示大黑河入黄口断面", "大黑河", "river", "150100", "IV", "river_IV",
                1.25, -0.05, 8.0),
    DemoSection("DW150105", "演示大黑河三分闸断面", "大黑河", "river", "150100", "IV", "river_V",
                1.1, -0.05, 7.9),
    DemoSection("DW150106", "演示小黑河断面", "小黑河", "river", "150100", "IV", "river_IV",
                1.3, -0.06, 7.9),
    DemoSection("DW150107", "演示哈素海湖心断面", "哈素海", "lake", "150100", "IV", "lake_IV",
                1.1, -0.04, 8.6),
    # 包头市, 乌海市
    DemoSection("DW150201", "演示黄河画匠营子断面", "黄河", "river", "150200", "III",
                "river_III", 0.9, -0.02, 8.2),
    DemoSection("DW150202", "演示昆都仑河入黄口断面", "昆都仑河", "river", "150200", "IV",
                "river_IV", 1.2, -0.05, 8.0),
    DemoSection("DW150301", "演示黄河海勃湾断面", "黄河", "river", "150300", "III", "river_III",
                0.85, -0.02, 8.2),
    # 巴彦淖尔市: 乌梁素海 (high COD/TN, improving)
    DemoSection("DW150801", "演示乌梁素海湖心断面", "乌梁素海", "lake", "150800", "IV",
                "lake_IV", 1.45, -0.06, 8.5),
    DemoSection("DW150802", "演示乌梁素海出水口断面", "乌梁素海", "lake", "150800", "IV",
                "lake_IV", 1.25, -0.05, 8.4),
    # 乌兰察布市, 锡林郭勒盟: 岱海 and 察汗淖尔 (saline: pH, F, COD fail the target)
    DemoSection("DW150901", "演示岱海湖心断面", "岱海", "lake", "150900", "IV", "saline", 1.0,
                -0.01, 9.05),
    DemoSection("DW150902", "演示察汗淖尔（商都）断面", "察汗淖尔", "lake", "150900", "IV",
                "saline", 1.2, -0.01, 9.1, (1, 2, 3, 11, 12)),
    DemoSection("DW152501", "演示察汗淖尔（太仆寺旗）断面", "察汗淖尔", "lake", "152500", "IV",
                "saline", 1.1, -0.01, 9.05, (1, 2, 3, 11, 12)),
    # 呼伦贝尔市, 兴安盟
    DemoSection("DW150701", "演示呼伦湖湖心断面", "呼伦湖", "lake", "150700", "IV", "saline",
                0.9, -0.015, 8.9, _NORTH_ICE),
    DemoSection("DW150702", "演示额尔古纳河黑山头断面", "额尔古纳河", "river", "150700", "III",
                "river_III", 1.05, -0.01, 7.6, _NORTH_ICE),
    DemoSection("DW150703", "演示尼尔基水库断面", "嫩江", "lake", "150700", "II", "lake_II",
                1.05, -0.01, 7.5, _NORTH_ICE),
    DemoSection("DW152201", "演示嫩江扎赉特旗断面", "嫩江", "river", "152200", "III",
                "river_III", 0.9, -0.015, 7.6, _NORTH_ICE),
    # 赤峰市, 通辽市
    DemoSection("DW150401", "演示达里诺尔湖心断面", "达里诺尔", "lake", "150400", "V", "saline",
                1.1, -0.005, 9.25, _NORTH_ICE),
    DemoSection("DW150402", "演示红山水库断面", "红山水库", "lake", "150400", "III", "lake_III",
                1.0, -0.03, 8.3),
    DemoSection("DW150403", "演示西辽河海日苏断面", "西辽河", "river", "150400", "III",
                "river_III", 1.1, -0.03, 8.1),
    DemoSection("DW150501", "演示西辽河通辽段断面", "西辽河", "river", "150500", "III",
                "river_III", 1.2, -0.035, 8.1),
    DemoSection("DW150502", "演示西辽河科左中旗断面", "西辽河", "river", "150500", "IV",
                "river_IV", 1.0, -0.03, 8.0),
    # 鄂尔多斯市, 阿拉善盟
    DemoSection("DW150601", "演示红碱淖尔湖心断面", "红碱淖尔", "lake", "150600", "IV", "saline",
                0.7, -0.01, 9.0),
    DemoSection("DW152901", "演示黑河狼心山断面", "黑河", "river", "152900", "III", "river_III",
                0.8, -0.02, 8.2),
    DemoSection("DW152902", "演示东居延海断面", "东居延海", "lake", "152900", "IV", "lake_IV",
                1.15, -0.02, 8.8),
)  # fmt: skip


def write_sections_csv(
    sections: tuple[DemoSection, ...] | list[DemoSection],
    path: Path,
    extra: dict[str, str] | None = None,
) -> Path:
    """Write the section registry (:data:`SECTION_HEADER`), UTF-8, then the *extra* columns
    with one value for every row (e.g. ``synthetic`` = ``true``)."""
    more = extra or {}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([*SECTION_HEADER, *more])
        for s in sections:
            row = [s.code, s.name, s.water_body, s.waterbody_type, s.region_code, s.target_class]
            w.writerow([*row, *more.values()])
    return path


def _do_saturation(temp: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Oxygen solubility in fresh water (mg/L) at *temp* °C, sea level (APHA polynomial fit)."""
    t = temp
    return 14.62 - 0.3898 * t + 0.006969 * t**2 - 0.00005897 * t**3


def generate_samples(
    seed: int,
    start: dt.date,
    end: dt.date,
    sections: tuple[DemoSection, ...] | list[DemoSection] = SECTIONS,
) -> pd.DataFrame:
    """Monthly samples of *sections* from *start* to *end* (dates), one row per section-month.

    Columns ``section``, ``date`` (``datetime.date``) and :data:`ITEMS` (mg/L; pH
    dimensionless).  Each section's months are drawn from its own random stream, so a section's
    samples do not depend on the range or on the other sections.
    """
    if end < start:
        raise DemoDataError(f"empty range: {start} .. {end}")
    frames: list[pd.DataFrame] = []
    for sec in sections:  # ~27 sections, each vectorised over months
        frames.append(_section_samples(seed, sec, start, end))
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["date", "section"], kind="stable").reset_index(drop=True)


def _section_samples(seed: int, sec: DemoSection, start: dt.date, end: dt.date) -> pd.DataFrame:
    first, last = 2015, 2035
    m0, m1 = np.datetime64(f"{first}-01", "M"), np.datetime64(f"{last}-12", "M")
    months = np.arange(m0, m1 + 1, dtype="datetime64[M]")
    n = months.size
    rng = stream(seed, "water", sec.code)
    day = rng.integers(10, 18, n)
    dates = months.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    month = months.astype(int) % 12 + 1
    years = (months.astype(int) // 12 + 1970) - 2015 + month / 12.0
    phase = 2 * np.pi * (month - 1 + 0.5) / 12.0
    summer = np.cos(phase - 2 * np.pi * 6.5 / 12)  # +1 in July
    autumn = np.cos(phase - 2 * np.pi * 8.5 / 12)  # +1 in September (evaporation peak)
    temp = np.clip(11.0 + 13.0 * summer, 0.3, None)  # water temperature °C
    lake = sec.waterbody_type == "lake"
    trend = np.exp(sec.trend * years)
    prof = _PROFILES[sec.profile]

    def ln(sigma: float, k: int = 1) -> npt.NDArray[np.float64]:
        return np.exp(rng.normal(-0.5 * sigma * sigma, sigma, (k, n)))[0]

    out: dict[str, npt.NDArray[np.float64]] = {}
    organic_season = (0.12 * autumn) if lake else (0.18 * summer)
    common = ln(0.12)  # shared month effect of the organic load
    for item in ("CODMn", "COD", "BOD5"):
        out[item] = prof[item] * sec.scale * trend * np.exp(organic_season) * common * ln(0.15)
    winter = -summer
    nh3 = np.exp((0.1 if lake else 0.35) * winter)
    out["NH3N"] = prof["NH3N"] * sec.scale * trend**1.3 * nh3 * ln(0.3)
    nutrient = np.exp((0.25 if lake else 0.15) * summer)
    out["TP"] = prof["TP"] * sec.scale * trend**1.2 * nutrient * ln(0.25)
    out["TN"] = prof["TN"] * sec.scale * trend * nutrient * ln(0.2)
    evap = np.exp((0.1 if lake else 0.0) * autumn)
    out["F"] = prof["F"] * (1.0 + 0.3 * (sec.scale - 1.0)) * evap * ln(0.1)
    algae = (0.25 if lake else 0.1) * np.clip(summer, 0, None)
    out["pH"] = sec.ph + algae + rng.normal(0.0, 0.12, n)
    health = 0.97 if sec.profile in ("river_II", "lake_II", "river_III") else 0.88
    if sec.profile == "river_V":
        health = 0.72
    out["DO"] = _do_saturation(temp) * (health + 0.04 * rng.standard_normal(n))
    out["DO"] = np.maximum(out["DO"], 0.8)
    # trace items: class I almost always (background levels, log-normal)
    traces = {
        "Cu": 0.003, "Zn": 0.012, "Se": 0.0004, "As": 0.004 if not lake else 0.012,
        "Hg": 0.00002, "Cd": 0.0002, "Cr6": 0.004, "Pb": 0.0012, "CN": 0.002, "phenol": 0.0006,
        "oil": 0.02, "LAS": 0.04, "sulfide": 0.01,
    }  # fmt: skip
    for item, level in traces.items():
        out[item] = level * (1.0 + 0.5 * (sec.scale - 1.0)) * ln(0.35)
    df = pd.DataFrame({"section": sec.code, "date": dates.astype("datetime64[D]")})
    for item in ITEMS:
        df[item] = np.round(out[item], _DECIMALS[item])
    # ice months are not sampled; the range is cut last (after all draws)
    keep = ~np.isin(month, sec.ice)
    d = dates.astype("datetime64[D]")
    keep &= (d >= np.datetime64(start, "D")) & (d <= np.datetime64(end, "D"))
    df = df.loc[keep].reset_index(drop=True)
    df["date"] = [x.date() for x in pd.to_datetime(df["date"])]
    return df


def write_samples_csv(samples: pd.DataFrame, path: Path) -> Path:
    """Write the wide samples CSV ``section,date,<items…>`` (ISO dates; values with the
    decimals a laboratory reports, never in exponent notation; empty = not measured)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    cols = [*SAMPLE_KEYS, *ITEMS]
    missing = [c for c in cols if c not in samples.columns]
    if missing:
        raise DemoDataError(f"samples frame lacks columns {missing}")
    values = {c: samples[c].to_numpy(dtype=float) for c in ITEMS}
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(cols)
        for r, (sec, day) in enumerate(zip(samples["section"], samples["date"], strict=True)):
            w.writerow(
                [sec, day.isoformat()]
                + [
                    "" if math.isnan(values[c][r]) else f"{values[c][r]:.{_DECIMALS[c]}f}"
                    for c in ITEMS
                ]
            )
    return path
