"""Codes, units, aliases and plausibility limits used when importing monitoring data.

Air pollutant codes and units follow HJ 633-2012 Table 1 / HJ 633-2026 Table 3 (µg/m³, CO in
mg/m³); water item codes and units follow GB 3838-2002 Table 1 (mg/L, pH dimensionless,
faecal coliforms 个/L).

The *plausible* limits below are not from any standard: they are sanity bounds of the importer
(values beyond them are physically implausible for ambient air or surface water and are
quarantined, never clipped). They are deliberately generous: dust storms in Inner Mongolia
drive hourly PM10 to several thousand µg/m³, so PM10 is only refused above 10 000 µg/m³.
docs/ingest.md lists them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# --- air --------------------------------------------------------------------------------------

POLLUTANTS: Final[tuple[str, ...]] = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
"""Pollutants stored as hourly (1-h average) measurements."""

POLLUTANT_NAME_ZH: Final[dict[str, str]] = {
    "SO2": "二氧化硫",
    "NO2": "二氧化氮",
    "PM10": "可吸入颗粒物",
    "PM2.5": "细颗粒物",
    "CO": "一氧化碳",
    "O3": "臭氧",
}

AIR_UNITS: Final[dict[str, str]] = {p: ("mg/m³" if p == "CO" else "µg/m³") for p in POLLUTANTS}
"""Unit of every stored air value (HJ 633 Table 1: CO in mg/m³, the others in µg/m³)."""

AIR_PLAUSIBLE_MAX: Final[dict[str, float]] = {
    "SO2": 10_000.0,
    "NO2": 5_000.0,
    "PM10": 10_000.0,
    "PM2.5": 2_000.0,
    "CO": 150.0,
    "O3": 2_000.0,
}
"""Importer sanity bound per pollutant (unit of :data:`AIR_UNITS`); a larger value is refused."""

NATIONAL_MEASURED_TYPES: Final[dict[str, str]] = {p: p for p in POLLUTANTS}
"""``type`` values of the national hourly CSV that are 1-h measurements → pollutant code."""

NATIONAL_DERIVED_TYPES: Final[frozenset[str]] = frozenset(
    {
        "AQI",
        "PM2.5_24h",
        "PM10_24h",
        "SO2_24h",
        "NO2_24h",
        "O3_24h",
        "O3_8h",
        "O3_8h_24h",
        "CO_24h",
    }
)
"""``type`` values that are values derived from the hourly measurements (moving averages, AQI):
not stored (they are recomputed from the measurements), counted as ``skipped_derived``."""

_POLLUTANT_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "SO2": ("so2", "so₂", "二氧化硫"),
    "NO2": ("no2", "no₂", "二氧化氮"),
    "PM10": ("pm10", "可吸入颗粒物"),
    "PM2.5": ("pm2.5", "pm25", "pm2_5", "细颗粒物"),
    "CO": ("co", "一氧化碳"),
    "O3": ("o3", "o₃", "臭氧"),
}
POLLUTANT_LOOKUP: Final[dict[str, str]] = {
    alias: code for code, aliases in _POLLUTANT_ALIASES.items() for alias in aliases
}
"""Lower-cased pollutant name or alias → code (long layouts)."""

# --- water ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaterItemInfo:
    """A GB 3838-2002 Table 1 item as the importer knows it.

    ``low``/``high`` are the importer's plausible range (not a standard's limit).
    """

    code: str
    name_zh: str
    unit: str
    low: float
    high: float
    aliases: tuple[str, ...] = ()


_MG = "mg/L"
WATER_ITEMS: Final[dict[str, WaterItemInfo]] = {
    i.code: i
    for i in (
        WaterItemInfo("pH", "pH值", "无量纲", 0.0, 14.0, ("ph", "ph值")),
        WaterItemInfo("DO", "溶解氧", _MG, 0.0, 25.0),
        WaterItemInfo("CODMn", "高锰酸盐指数", _MG, 0.0, 500.0, ("codmn", "高锰酸钾指数")),
        WaterItemInfo("COD", "化学需氧量", _MG, 0.0, 5_000.0, ("codcr", "化学需氧量(cod)")),
        WaterItemInfo("BOD5", "五日生化需氧量", _MG, 0.0, 2_000.0, ("bod", "生化需氧量")),
        WaterItemInfo("NH3N", "氨氮", _MG, 0.0, 500.0, ("nh3-n", "nh3_n", "氨氮(nh3-n)")),
        WaterItemInfo("TP", "总磷", _MG, 0.0, 100.0, ("总磷(以p计)",)),
        WaterItemInfo("TN", "总氮", _MG, 0.0, 500.0, ("总氮(以n计)",)),
        WaterItemInfo("Cu", "铜", _MG, 0.0, 100.0),
        WaterItemInfo("Zn", "锌", _MG, 0.0, 100.0),
        WaterItemInfo("F", "氟化物", _MG, 0.0, 100.0, ("氟化物(以f-计)",)),
        WaterItemInfo("Se", "硒", _MG, 0.0, 10.0),
        WaterItemInfo("As", "砷", _MG, 0.0, 10.0),
        WaterItemInfo("Hg", "汞", _MG, 0.0, 1.0),
        WaterItemInfo("Cd", "镉", _MG, 0.0, 10.0),
        WaterItemInfo("Cr6", "铬(六价)", _MG, 0.0, 10.0, ("六价铬", "cr6+", "cr(vi)")),
        WaterItemInfo("Pb", "铅", _MG, 0.0, 10.0),
        WaterItemInfo("CN", "氰化物", _MG, 0.0, 10.0),
        WaterItemInfo("phenol", "挥发酚", _MG, 0.0, 100.0),
        WaterItemInfo("oil", "石油类", _MG, 0.0, 1_000.0),
        WaterItemInfo("LAS", "阴离子表面活性剂", _MG, 0.0, 100.0),
        WaterItemInfo("sulfide", "硫化物", _MG, 0.0, 100.0),
        WaterItemInfo("fecal_coliform", "粪大肠菌群", "个/L", 0.0, 1e9, ("粪大肠菌群数",)),
    )
}
"""The 23 classifiable GB 3838-2002 Table 1 items (Table 1 without water temperature)."""


def _fold(text: str) -> str:
    """Lower-case, full-width brackets to ASCII, no spaces: the form names are compared in."""
    t = text.strip().lower().replace("（", "(").replace("）", ")").replace("\ufeff", "")
    return re.sub(r"\s+", "", t)


WATER_ITEM_LOOKUP: Final[dict[str, str]] = {
    _fold(alias): it.code
    for it in WATER_ITEMS.values()
    for alias in (it.code, it.name_zh, *it.aliases)
}
"""Folded item code, Chinese name or alias → item code."""

# --- units ------------------------------------------------------------------------------------

_UNIT_FORMS: Final[dict[str, str]] = {
    "ug/m3": "µg/m³",
    "微克/立方米": "µg/m³",
    "mg/m3": "mg/m³",
    "毫克/立方米": "mg/m³",
    "mg/l": "mg/L",
    "毫克/升": "mg/L",
    "个/l": "个/L",
    "mpn/l": "个/L",
    "无量纲": "无量纲",
    "无": "无量纲",
    "-": "无量纲",
}


def canonical_unit(text: str) -> str:
    """The canonical spelling of a unit (``ug/m3``, ``μg/m³`` → ``µg/m³``); unknown units are
    returned folded (so they compare unequal to every known unit)."""
    t = _fold(text).replace("μ", "u").replace("µ", "u").replace("³", "3")
    return _UNIT_FORMS.get(t, t)


# --- registries -------------------------------------------------------------------------------

STATION_KINDS: Final[dict[str, str]] = {
    "national": "national",
    "国控": "national",
    "国控站": "national",
    "国家": "national",
    "provincial": "provincial",
    "省控": "provincial",
    "区控": "provincial",
    "自治区控": "provincial",
    "省控站": "provincial",
    "micro": "micro",
    "微站": "micro",
    "小微站": "micro",
}
"""Station kind (folded) → ``national`` | ``provincial`` | ``micro``."""

STATION_KIND_ZH: Final[dict[str, str]] = {
    "national": "国控",
    "provincial": "省控",
    "micro": "微站",
}

WATERBODY_TYPES: Final[dict[str, str]] = {
    "river": "river",
    "河流": "river",
    "河": "river",
    "lake": "lake",
    "reservoir": "lake",
    "湖库": "lake",
    "湖、库": "lake",
    "湖泊": "lake",
    "水库": "lake",
    "湖": "lake",
}
"""Water body type (folded) → ``river`` | ``lake`` (GB 3838 treats lakes and reservoirs alike)."""

TARGET_CLASSES: Final[dict[str, str]] = {
    **{c.lower(): c for c in ("I", "II", "III", "IV", "V")},
    "ⅰ": "I",
    "ⅱ": "II",
    "ⅲ": "III",
    "ⅳ": "IV",
    "ⅴ": "V",
    "1": "I",
    "2": "II",
    "3": "III",
    "4": "IV",
    "5": "V",
}
"""Target water class (folded, without a trailing 类) → ``I`` … ``V``."""

# --- reasons ----------------------------------------------------------------------------------

REASONS: Final[dict[str, str]] = {
    "malformed_line": "行格式错误 malformed line",
    "missing_field": "缺少必填项 required field empty",
    "unknown_station": "未知站点 unknown station",
    "unknown_section": "未知断面 unknown section",
    "unknown_pollutant": "未知污染物 unknown pollutant",
    "unknown_item": "未知监测项目 unknown item",
    "unknown_indicator": "未知指标 unknown indicator",
    "ambiguous_indicator": "指标属于多个规划 indicator in several plans",
    "unknown_plan": "未知规划 unknown plan",
    "unknown_region": "未知地区 unknown region",
    "bad_date": "日期无效 invalid date",
    "bad_hour": "小时无效 invalid hour",
    "bad_time": "时间无效 invalid time",
    "bad_year": "年份无效 invalid year",
    "bad_range": "时段无效 invalid time range",
    "non_numeric": "非数值 not a number",
    "negative": "负值 negative value",
    "implausible": "超出合理范围 physically implausible",
    "unit_mismatch": "单位不符 unit mismatch",
    "bad_value": "取值无效 invalid value",
    "conflicting_duplicate": "重复且数值冲突 conflicting duplicate",
    "rule_violation": "违反校验规则 validation rule",
    "explanation_required": "需填写说明 explanation required",
}
"""Reason codes of quarantined rows → bilingual label."""
