"""GB 3838-2002 Table 1: basic items and class I–V limits (地表水环境质量标准基本项目标准限值).

Source: GB 3838-2002 Table 1 (official scan, printed page 2), cross-checked against an independent
implementation for items 2–22 including the lake/reservoir TP column (see
``/work/shared/reference/standards.md`` §5.1). Units are mg/L unless the item says otherwise.

Item 1 (水温, water temperature) has no class limits (only a limit on man-made change) and is not
used to classify, so it is not listed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Direction = Literal["le", "ge", "range"]
"""How a value meets a limit: ``le`` value ≤ limit; ``ge`` value ≥ limit (DO); ``range`` pH 6–9."""

CLASSES: tuple[str, ...] = ("I", "II", "III", "IV", "V", "劣V")
"""Class codes in order from best to worst; ``CLASSES[k - 1]`` has the numeric code ``k``."""

TARGET_CLASSES: tuple[str, ...] = CLASSES[:5]
"""Classes that can be a target (water-function class): I–V."""

CLASS_ZH: dict[str, str] = {
    "I": "Ⅰ类",
    "II": "Ⅱ类",
    "III": "Ⅲ类",
    "IV": "Ⅳ类",
    "V": "Ⅴ类",
    "劣V": "劣Ⅴ类",
}
"""Chinese display names of the classes."""

GRADE_ZH: dict[str, str] = {
    "I": "优",
    "II": "优",
    "III": "良好",
    "IV": "轻度污染",
    "V": "中度污染",
    "劣V": "重度污染",
}
"""Qualitative grade (水质定性评价) of a section class, 2011 评价办法 as quoted in S18/S19."""

NO_DATA = 0
"""Numeric class code meaning: no evaluated item had a value."""


@dataclass(frozen=True)
class WaterItem:
    """One GB 3838-2002 Table 1 item.

    Attributes
    ----------
    code : ASCII item code used in samples (``"NH3N"``).
    number : Item number in Table 1.
    name_zh : Chinese name (``"氨氮"``).
    unit : Unit of the limits and of sample values.
    direction : ``le``, ``ge`` or ``range`` (see :data:`Direction`).
    limits : Class I–V limits for rivers (and for lakes unless ``lake_limits`` is given). For
        ``range`` it holds ``(low, high)``.
    lake_limits : Class I–V limits for lakes and reservoirs (湖、库) where they differ (TP).
    lake_only : True when Table 1 gives the item for lakes and reservoirs only (TN).
    """

    code: str
    number: int
    name_zh: str
    unit: str
    direction: Direction
    limits: tuple[float, ...]
    lake_limits: tuple[float, ...] | None = None
    lake_only: bool = False

    def limits_for(self, waterbody: str) -> tuple[float, ...]:
        """Class I–V limits that apply to *waterbody* (``"river"`` or ``"lake"``)."""
        if waterbody == "lake" and self.lake_limits is not None:
            return self.lake_limits
        return self.limits


_MG_L = "mg/L"

WATER_ITEMS: dict[str, WaterItem] = {
    it.code: it
    for it in (
        WaterItem("pH", 2, "pH值", "无量纲", "range", (6.0, 9.0)),
        # Class I: "饱和率90%（或7.5）" — the 7.5 mg/L alternative is the default here; the
        # saturation alternative is an optional input (see water.classify, do_saturation).
        WaterItem("DO", 3, "溶解氧", _MG_L, "ge", (7.5, 6.0, 5.0, 3.0, 2.0)),
        WaterItem("CODMn", 4, "高锰酸盐指数", _MG_L, "le", (2.0, 4.0, 6.0, 10.0, 15.0)),
        WaterItem("COD", 5, "化学需氧量", _MG_L, "le", (15.0, 15.0, 20.0, 30.0, 40.0)),
        WaterItem("BOD5", 6, "五日生化需氧量", _MG_L, "le", (3.0, 3.0, 4.0, 6.0, 10.0)),
        WaterItem("NH3N", 7, "氨氮", _MG_L, "le", (0.15, 0.5, 1.0, 1.5, 2.0)),
        WaterItem(
            "TP",
            8,
            "总磷",
            _MG_L,
            "le",
            (0.02, 0.1, 0.2, 0.3, 0.4),
            lake_limits=(0.01, 0.025, 0.05, 0.1, 0.2),
        ),
        WaterItem("TN", 9, "总氮", _MG_L, "le", (0.2, 0.5, 1.0, 1.5, 2.0), lake_only=True),
        WaterItem("Cu", 10, "铜", _MG_L, "le", (0.01, 1.0, 1.0, 1.0, 1.0)),
        WaterItem("Zn", 11, "锌", _MG_L, "le", (0.05, 1.0, 1.0, 2.0, 2.0)),
        WaterItem("F", 12, "氟化物", _MG_L, "le", (1.0, 1.0, 1.0, 1.5, 1.5)),
        WaterItem("Se", 13, "硒", _MG_L, "le", (0.01, 0.01, 0.01, 0.02, 0.02)),
        WaterItem("As", 14, "砷", _MG_L, "le", (0.05, 0.05, 0.05, 0.1, 0.1)),
        WaterItem("Hg", 15, "汞", _MG_L, "le", (0.00005, 0.00005, 0.0001, 0.001, 0.001)),
        WaterItem("Cd", 16, "镉", _MG_L, "le", (0.001, 0.005, 0.005, 0.005, 0.01)),
        WaterItem("Cr6", 17, "铬(六价)", _MG_L, "le", (0.01, 0.05, 0.05, 0.05, 0.1)),
        WaterItem("Pb", 18, "铅", _MG_L, "le", (0.01, 0.01, 0.05, 0.05, 0.1)),
        WaterItem("CN", 19, "氰化物", _MG_L, "le", (0.005, 0.05, 0.2, 0.2, 0.2)),
        WaterItem("phenol", 20, "挥发酚", _MG_L, "le", (0.002, 0.002, 0.005, 0.01, 0.1)),
        WaterItem("oil", 21, "石油类", _MG_L, "le", (0.05, 0.05, 0.05, 0.5, 1.0)),
        WaterItem("LAS", 22, "阴离子表面活性剂", _MG_L, "le", (0.2, 0.2, 0.2, 0.3, 0.3)),
        WaterItem("sulfide", 23, "硫化物", _MG_L, "le", (0.05, 0.1, 0.2, 0.5, 1.0)),
        WaterItem(
            "fecal_coliform",
            24,
            "粪大肠菌群",
            "个/L",
            "le",
            (200.0, 2000.0, 10000.0, 20000.0, 40000.0),
        ),
    )
}
"""All classifiable Table 1 items, in table order, keyed by code."""

ALL_ITEMS: tuple[str, ...] = tuple(WATER_ITEMS)
"""Every classifiable item (23: Table 1 without water temperature)."""

NATIONAL_ITEMS: tuple[str, ...] = tuple(c for c in ALL_ITEMS if c not in ("TN", "fecal_coliform"))
"""The 21 items of national section evaluation (环办[2011]22号): Table 1 minus 水温, 总氮 and
粪大肠菌群."""

PH_MIN = 0.0
PH_MAX = 14.0
"""Physically possible pH range; values outside are rejected as bad input."""

DO_SATURATION_CLASS_I = 90.0
"""DO class I alternative: saturation ≥ 90 % (Table 1 item 3, "饱和率90%")."""

assert len(NATIONAL_ITEMS) == 21
