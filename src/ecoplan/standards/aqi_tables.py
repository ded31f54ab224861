"""HJ 633-2012 / HJ 633-2026 (环境空气质量指数（AQI）技术规定) tables: breakpoints, levels, names.

Pure data; the computations are in :mod:`ecoplan.standards.aqi`.  Units: µg/m³ for every
pollutant except CO, which is mg/m³ (HJ 633-2012 Table 1, HJ 633-2026 Table 3).

Sources (see ``docs/standards-aqi.md`` and ``/work/shared/reference/standards.md`` §1):

- HJ 633-2012 Table 1, Table 2, Appendix A (official release PDF, text layer read).
- HJ 633-2026 Table 1, Table 3, Appendix A (official PDF, read from the page images).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass
from typing import Final, Literal

Version = Literal["2012", "2026"]
"""Edition of HJ 633: ``"2012"`` (HJ 633-2012, 试行) or ``"2026"`` (HJ 633-2026)."""

VERSIONS: Final[tuple[Version, ...]] = ("2012", "2026")

SWITCH_DATE: Final[_dt.date] = _dt.date(2026, 3, 1)
"""HJ 633-2026 is in force from this date; its preface repeals HJ 633-2012 (S2)."""

Period = Literal["1h", "8h", "24h"]
PERIODS: Final[tuple[Period, ...]] = ("1h", "8h", "24h")

POLLUTANTS: Final[tuple[str, ...]] = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
"""Pollutant codes, in the order of the bits of ``primary_mask``/``exceeding_mask``.

Bit ``i`` (value ``1 << i``) stands for ``POLLUTANTS[i]``: SO2=1, NO2=2, PM10=4, PM2.5=8,
CO=16, O3=32.
"""

POLLUTANT_NAME_ZH: Final[dict[str, str]] = {
    "SO2": "二氧化硫",
    "NO2": "二氧化氮",
    "PM10": "可吸入颗粒物",
    "PM2.5": "细颗粒物",
    "CO": "一氧化碳",
    "O3": "臭氧",
}
"""Chinese names as printed in HJ 633-2026 Tables 2, 4 and 5."""

UNITS: Final[dict[str, str]] = {
    "SO2": "µg/m³",
    "NO2": "µg/m³",
    "PM10": "µg/m³",
    "PM2.5": "µg/m³",
    "CO": "mg/m³",
    "O3": "µg/m³",
}

IAQI_STEPS: Final[tuple[int, ...]] = (0, 50, 100, 150, 200, 300, 400, 500)
"""The IAQI column of HJ 633-2012 Table 1 / HJ 633-2026 Table 3."""

# Breakpoints BP_i for IAQI_STEPS[i].  A column shorter than IAQI_STEPS ends where the table
# has a footnote instead of a value: SO2 1h stops at 800 (IAQI 200, note 2 / ᵇ) and O3 8h stops
# at 800 (IAQI 300, note 3 / ᶜ).
_COMMON: Final[dict[tuple[str, str], tuple[int, ...]]] = {
    ("SO2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("SO2", "1h"): (0, 150, 500, 650, 800),
    ("NO2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("NO2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("CO", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("CO", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("O3", "8h"): (0, 100, 160, 215, 265, 800),
    ("O3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
}

BREAKPOINTS: Final[dict[Version, dict[tuple[str, str], tuple[int, ...]]]] = {
    # HJ 633-2012 Table 1.
    "2012": {
        **_COMMON,
        ("PM10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
        ("PM2.5", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
    },
    # HJ 633-2026 Table 3: only the IAQI-100 cells of PM10 (120) and PM2.5 (60) differ.
    "2026": {
        **_COMMON,
        ("PM10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
        ("PM2.5", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
    },
}
"""``BREAKPOINTS[version][(pollutant, period)]`` → concentration limits, one per IAQI step."""

SO2_1H_LIMIT: Final[int] = 800
"""SO2 1h above this (µg/m³): 2012 note (2) — report the 24h IAQI; 2026 note ᵇ — IAQI = 200."""
SO2_1H_IAQI_2026: Final[int] = 200
O3_8H_LIMIT: Final[int] = 800
"""O3 8h above this (µg/m³): 2012 note (3) — use the O3 1h IAQI; 2026 note ᶜ — IAQI = 300."""
O3_8H_IAQI_2026: Final[int] = 300

IAQI_MAX: Final[int] = 500
"""Top of the scale. HJ 633-2026 §4.1.1: "空气质量指数的范围为 1～500"."""

CONCENTRATION_DECIMALS: Final[dict[str, int]] = {
    "SO2": 0,
    "NO2": 0,
    "PM10": 0,
    "PM2.5": 0,
    "CO": 1,
    "O3": 0,
}
"""HJ 633-2026 §4.2.2/§4.2.3: round per GB/T 8170 to integers (µg/m³); CO to 1 decimal (mg/m³)."""


@dataclass(frozen=True)
class Level:
    """One AQI level (空气质量指数级别) of HJ 633-2012 Table 2 / HJ 633-2026 Table 1.

    Colours from Appendix A (Table A.1), identical in both editions.
    """

    number: int
    """1–6."""
    level_zh: str
    """一级 … 六级."""
    name_zh: str
    """类别: 优, 良, 轻度污染, 中度污染, 重度污染, 严重污染."""
    name_en: str
    color_zh: str
    color: str
    """Hex, e.g. ``"#00E400"``."""
    rgb: tuple[int, int, int]
    cmyk: tuple[int, int, int, int]
    aqi_low: int
    """Lowest AQI of the level (0 for level 1; HJ 633-2026 writes the range 1～50)."""
    aqi_high: int | None
    """Highest AQI of the level; ``None`` for level 6 (">300")."""
    health_effect_zh: str
    """对健康影响情况, in the wording of the edition asked for."""
    advice_zh: str
    """建议采取的措施 (same edition)."""


# (number, level_zh, name_zh, name_en, color_zh, hex, rgb, cmyk, low, high)
_LEVEL_ROWS: Final = (
    (1, "一级", "优", "Excellent", "绿色", "#00E400", (0, 228, 0), (40, 0, 100, 0), 0, 50),
    (2, "二级", "良", "Good", "黄色", "#FFFF00", (255, 255, 0), (0, 0, 100, 0), 51, 100),
    (3, "三级", "轻度污染", "Lightly polluted", "橙色", "#FF7E00", (255, 126, 0), (0, 52, 100, 0),
     101, 150),
    (4, "四级", "中度污染", "Moderately polluted", "红色", "#FF0000", (255, 0, 0),
     (0, 100, 100, 0), 151, 200),
    (5, "五级", "重度污染", "Heavily polluted", "紫色", "#99004C", (153, 0, 76), (10, 100, 40, 30),
     201, 300),
    (6, "六级", "严重污染", "Severely polluted", "褐红色", "#7E0023", (126, 0, 35),
     (30, 100, 100, 30), 301, None),
)  # fmt: skip

# HJ 633-2012 Table 2 (text layer of the official PDF).
_HEALTH_2012: Final = (
    ("空气质量令人满意，基本无空气污染", "各类人群可正常活动"),
    (
        "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
        "极少数异常敏感人群应减少户外活动",
    ),
    (
        "易感人群症状有轻度加剧，健康人群出现刺激症状",
        "儿童、老年人及心脏病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    ),
    (
        "进一步加剧易感人群症状，可能对健康人群心脏、呼吸系统有影响",
        "儿童、老年人及心脏病、呼吸系统疾病患者避免长时间、高强度的户外锻练，一般人群适量减少户外运动",
    ),
    (
        "心脏病和肺病患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
        "儿童、老年人和心脏病、肺病患者应停留在室内，停止户外运动，一般人群减少户外运动",
    ),
    (
        "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
        "儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
    ),
)

# HJ 633-2026 Table 1 (page image of the official PDF).
_HEALTH_2026: Final = (
    ("空气质量令人满意，基本无空气污染", "各类人群可正常活动"),
    (
        "空气质量可接受，但某些污染物可能对极少数异常敏感人群健康有较弱影响",
        "极少数异常敏感人群应减少户外活动",
    ),
    (
        "敏感人群症状有轻度加剧，健康人群出现刺激症状",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者应减少长时间、高强度的户外锻炼",
    ),
    (
        "进一步加剧敏感人群症状，可能对健康人群心血管系统、呼吸系统有影响",
        "青少年儿童、老年人及心血管系统疾病、呼吸系统疾病患者避免长时间、高强度的户外锻炼，"
        "一般人群适量减少户外运动",
    ),
    (
        "心血管系统和呼吸系统患者症状显著加剧，运动耐受力降低，健康人群普遍出现症状",
        "青少年儿童、老年人和心血管系统疾病、呼吸系统疾病患者应停留在室内，停止户外运动，"
        "一般人群减少户外运动",
    ),
    (
        "健康人群运动耐受力降低，有明显强烈症状，提前出现某些疾病",
        "青少年儿童、老年人和病人应当留在室内，避免体力消耗，一般人群应避免户外活动",
    ),
)


def _levels(health: tuple[tuple[str, str], ...]) -> tuple[Level, ...]:
    return tuple(
        Level(n, lz, nz, ne, cz, hx, rgb, cmyk, lo, hi, h[0], h[1])
        for (n, lz, nz, ne, cz, hx, rgb, cmyk, lo, hi), h in zip(_LEVEL_ROWS, health, strict=True)
    )


LEVELS: Final[dict[Version, tuple[Level, ...]]] = {
    "2012": _levels(_HEALTH_2012),
    "2026": _levels(_HEALTH_2026),
}
"""``LEVELS[version][n - 1]`` is level *n*; only the health texts differ between editions."""

LEVEL_UPPER_BOUNDS: Final[tuple[int, ...]] = (50, 100, 150, 200, 300)
"""Upper AQI bound of levels 1–5; AQI > 300 is level 6."""

_PM_GROUPS: Final = (
    "患有心血管系统疾病或呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人"
)
SENSITIVE_GROUPS_ZH: Final[dict[str, str]] = {
    "SO2": "患有哮喘的人、青少年儿童以及老年人",
    "NO2": "患有呼吸系统疾病（如哮喘）的人、青少年儿童以及老年人",
    "CO": "患有心血管系统疾病的人",
    "O3": "患有呼吸系统疾病（如哮喘）的人、青少年儿童、户外活动频繁的人以及老年人",
    "PM10": _PM_GROUPS,
    "PM2.5": _PM_GROUPS,
}
"""HJ 633-2026 Table 2: sensitive groups for a pollutant whose IAQI exceeds 100 (2026 only)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator (指标) of a report: the input key, pollutant and averaging period.

    ``period`` names the breakpoint column used; for the 2026 real-time report PM10/PM2.5 1h
    values use the daily (``"24h"``) column, HJ 633-2026 §4.2.4.
    """

    key: str
    pollutant: str
    period: Period
    label_zh: str


def _ind(key: str, pollutant: str, period: Period, label_zh: str) -> Indicator:
    return Indicator(key, pollutant, period, label_zh)


Report = Literal["daily", "hourly"]

INDICATORS: Final[dict[tuple[Version, Report], tuple[Indicator, ...]]] = {
    # HJ 633-2012 §5.1.2 and Table 3: 7 indicators.
    ("2012", "daily"): (
        _ind("SO2", "SO2", "24h", "24小时平均"),
        _ind("NO2", "NO2", "24h", "24小时平均"),
        _ind("PM10", "PM10", "24h", "24小时平均"),
        _ind("PM2.5", "PM2.5", "24h", "24小时平均"),
        _ind("CO", "CO", "24h", "24小时平均"),
        _ind("O3_8h", "O3", "8h", "最大8小时滑动平均"),
        _ind("O3_1h", "O3", "1h", "最大1小时平均"),
    ),
    # HJ 633-2026 §4.2.2 and Table 4: 6 indicators.
    ("2026", "daily"): (
        _ind("SO2", "SO2", "24h", "日平均"),
        _ind("NO2", "NO2", "24h", "日平均"),
        _ind("PM10", "PM10", "24h", "日平均"),
        _ind("PM2.5", "PM2.5", "24h", "日平均"),
        _ind("CO", "CO", "24h", "日平均"),
        _ind("O3_8h", "O3", "8h", "日最大8小时平均"),
    ),
    # HJ 633-2012 §5.1.3 and Table 4: 9 indicators, of which Table 4 gives a 分指数 column to
    # these 7 (PM10/PM2.5 1h are published as concentrations only).
    ("2012", "hourly"): (
        _ind("SO2", "SO2", "1h", "1小时平均"),
        _ind("NO2", "NO2", "1h", "1小时平均"),
        _ind("PM10_24h", "PM10", "24h", "24小时滑动平均"),
        _ind("PM2.5_24h", "PM2.5", "24h", "24小时滑动平均"),
        _ind("CO", "CO", "1h", "1小时平均"),
        _ind("O3", "O3", "1h", "1小时平均"),
        _ind("O3_8h", "O3", "8h", "8小时滑动平均"),
    ),
    # HJ 633-2026 §4.2.3, §4.2.4 and Table 5: 6 indicators, PM 1h on the daily breakpoints.
    ("2026", "hourly"): (
        _ind("SO2", "SO2", "1h", "1小时平均"),
        _ind("NO2", "NO2", "1h", "1小时平均"),
        _ind("PM10", "PM10", "24h", "1小时平均"),
        _ind("PM2.5", "PM2.5", "24h", "1小时平均"),
        _ind("CO", "CO", "1h", "1小时平均"),
        _ind("O3", "O3", "1h", "1小时平均"),
    ),
}
"""Indicators that enter the AQI, per (edition, report)."""

HourlyReading = Literal["published", "table4"]
"""How the HJ 633-2012 real-time AQI is read (``docs/standards-aqi.md`` §2.2):

- ``"published"`` — the monitoring centre's (CNEMC) real-time practice: max of the 1-h IAQIs
  of SO2/NO2/CO/O3 and of PM10/PM2.5 1-h means scored on the 24-h breakpoints (the rule
  HJ 633-2026 §4.2.4 later wrote down).  Default.
- ``"table4"`` — HJ 633-2012 Table 4 read literally: PM10/PM2.5 24-h sliding means and the
  O3 8-h sliding mean get IAQIs, PM 1-h means only a concentration.

HJ 633-2026 rows are the same under both readings (§4.2.3/§4.2.4 settle it).
"""

HOURLY_READINGS: Final[tuple[str, ...]] = ("published", "table4")

#: HJ 633-2012 real-time report as CNEMC publishes it (reading ``"published"``).
PUBLISHED_HOURLY_2012: Final[tuple[Indicator, ...]] = (
    _ind("SO2", "SO2", "1h", "1小时平均"),
    _ind("NO2", "NO2", "1h", "1小时平均"),
    _ind("PM10", "PM10", "24h", "1小时平均"),
    _ind("PM2.5", "PM2.5", "24h", "1小时平均"),
    _ind("CO", "CO", "1h", "1小时平均"),
    _ind("O3", "O3", "1h", "1小时平均"),
)


def report_indicators(
    version: Version, report: Report, reading: str = "published"
) -> tuple[Indicator, ...]:
    """Indicators entering the AQI of (*version*, *report*) under the hourly *reading*."""
    if report == "hourly" and version == "2012" and reading == "published":
        return PUBLISHED_HOURLY_2012
    return INDICATORS[(version, report)]


def report_auxiliary(
    version: Version, report: Report, reading: str = "published"
) -> tuple[str, ...]:
    """Accepted non-indicator keys of (*version*, *report*) under the hourly *reading*."""
    if report == "hourly" and version == "2012" and reading == "published":
        return ("SO2_24h",)  # Table 1 note 2 still applies to SO2 1h > 800
    return AUXILIARY_KEYS[(version, report)]


AUXILIARY_KEYS: Final[dict[tuple[Version, Report], tuple[str, ...]]] = {
    ("2012", "daily"): (),
    ("2026", "daily"): (),
    # SO2 24h sliding mean: needed only when SO2 1h > 800 (HJ 633-2012 Table 1 note 2);
    # PM10/PM2.5 1h: published concentrations without an IAQI (Table 4).
    ("2012", "hourly"): ("SO2_24h", "PM10", "PM2.5"),
    ("2026", "hourly"): (),
}
"""Keys accepted by a report that are not AQI indicators of it."""
