"""Datasets (downloads) of the 空气 and 水 pages: the AQI calendar, monthly statistics, annual
evaluation, stations, the leagues compared, the water sections and their class shares, one
section's months. Each reads the same :mod:`ecoplan.api.airwater` function as its page and its
JSON API route, so a download equals what the page and ``/api/air/…`` show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ecoplan.api import airwater
from ecoplan.api.datasets import DataContext, dataset
from ecoplan.model.regions import get_region
from ecoplan.report.tabular import Column, Table, rows_of
from ecoplan.standards.water import CLASS_ZH

DEFAULT_CITY = "150100"  # 呼和浩特市, as the air page
PROVINCE = "150000"
POLLUTANT_KEYS = ("pm25", "pm10", "so2", "no2", "co", "o3")
POLLUTANT_LABELS = {
    "pm25": ("PM2.5", "µg/m³"),
    "pm10": ("PM10", "µg/m³"),
    "so2": ("SO2", "µg/m³"),
    "no2": ("NO2", "µg/m³"),
    "co": ("CO", "mg/m³"),
    "o3": ("O3", "µg/m³"),
}


def air_year(ctx: DataContext) -> int:
    y = ctx.year()
    if y is not None:
        return y
    years = airwater.air_years(ctx.store)
    return years[-1] if years else dt.date.today().year


def water_year(ctx: DataContext) -> int:
    y = ctx.year()
    if y is not None:
        return y
    years = airwater.water_years(ctx.store)
    return years[-1] if years else dt.date.today().year


# --- air -------------------------------------------------------------------------------------

DAILY_COLUMNS = [
    Column("date", "日期"),
    Column("aqi", "AQI"),
    Column("level_zh", "空气质量级别"),
    Column("primary", "首要污染物"),
    Column("pm25", "PM2.5 日均值", "µg/m³"),
    Column("pm10", "PM10 日均值", "µg/m³"),
    Column("so2", "SO2 日均值", "µg/m³"),
    Column("no2", "NO2 日均值", "µg/m³"),
    Column("co", "CO 日均值", "mg/m³"),
    Column("o3_8h", "O3 日最大8小时平均", "µg/m³"),
    Column("dust", "沙尘日"),
    Column("edition", "AQI 标准"),
    Column("published", "发布"),
]


@dataset("air-daily", "日空气质量（AQI 日历）", params=("city", "year"))
def air_daily(ctx: DataContext) -> Table:
    """Every day of the year of one league/city or county (the calendar chart)."""
    unit = ctx.code("city", DEFAULT_CITY) or DEFAULT_CITY
    year = air_year(ctx)
    body = airwater.unit_daily(ctx.store, unit, year)
    items = [d | {"primary": "、".join(d["primary"])} for d in body["items"]]
    return Table(
        f"{body['name_zh']} {year}年 日空气质量",
        DAILY_COLUMNS,
        rows_of(items, DAILY_COLUMNS),
        note="AQI 按当日有效的 HJ 633 版本计算；“发布”为否：有缺测且 AQI≤100"
        "（HJ 633-2026 §5.3.1）。",
    )


def _pollutant_cells(pollutants: dict[str, Any]) -> list[Any]:
    return [(pollutants.get(k) or {}).get("rounded") for k in POLLUTANT_KEYS]


def _pollutant_columns(prefix: str = "") -> list[Column]:
    return [
        Column(k, f"{prefix}{POLLUTANT_LABELS[k][0]}", POLLUTANT_LABELS[k][1])
        for k in POLLUTANT_KEYS
    ]


@dataset("air-monthly", "月度空气质量统计", params=("city", "year"))
def air_monthly(ctx: DataContext) -> Table:
    """Twelve months of one unit: headline statistic per pollutant, days per AQI level."""
    unit = ctx.code("city", DEFAULT_CITY) or DEFAULT_CITY
    year = air_year(ctx)
    body = airwater.unit_monthly(ctx.store, unit, year)
    head = [Column("month", "月份"), Column("edition", "评价标准")]
    pols = _pollutant_columns()
    days = [
        Column("valid_days", "有效天数"),
        Column("good_days", "优良天数"),
        Column("good_ratio", "优良天数比例", "%"),
        Column("excellent_days", "优"),
        Column("fine_days", "良"),
        Column("light_days", "轻度污染"),
        Column("moderate_days", "中度污染"),
        Column("heavy_only_days", "重度污染"),
        Column("severe_days", "严重污染"),
        Column("dust_days", "沙尘天数"),
    ]
    rows = [
        [m["month"], m["edition"], *_pollutant_cells(m["pollutants"])]
        + [m.get(c.key) for c in days]
        for m in body["items"]
    ]
    return Table(
        f"{body['name_zh']} {year}年 月度空气质量统计",
        head + pols + days,
        rows,
        note="CO 为日均值第95百分位数，O3 为日最大8小时平均第90百分位数，"
        "其余为月平均值（HJ 663）。",
    )


@dataset("air-evaluation", "年度空气质量评价（实况与扣沙）", params=("city", "year"))
def air_evaluation(ctx: DataContext) -> Table:
    """One unit's HJ 663 annual evaluation: each item raw and with sand-dust days deducted."""
    unit = ctx.code("city", DEFAULT_CITY) or DEFAULT_CITY
    year = air_year(ctx)
    (ev,) = airwater.air_evaluation(ctx.store, unit, year)["items"]
    cols = [
        Column("item", "项目"),
        Column("unit", "单位"),
        Column("limit", "限值"),
        Column("raw", "实况"),
        Column("dust_deducted", "扣沙"),
    ]
    raw, ded = ev["raw"], ev["dust_deducted"]
    rows: list[list[Any]] = []
    if raw and ded:
        for key, st in raw["pollutants"].items():
            sd = ded["pollutants"][key]
            rows.append([st["statistic_zh"], st["unit"], st["limit"], st["rounded"], sd["rounded"]])
        for key, label, unit_ in (
            ("valid_days", "有效天数", "天"),
            ("good_days", "优良天数", "天"),
            ("good_ratio", "优良天数比例", "%"),
            ("heavy_days", "重污染天数（AQI>200）", "天"),
            ("composite", "综合指数", ""),
            ("attained", "六项污染物达标", ""),
        ):
            rows.append([label, unit_, None, raw[key], ded[key]])
        rows.append(["评价依据", "", None, raw["edition"], ded["edition"]])
    return Table(f"{ev['name_zh']} {year}年 空气质量年度评价", cols, rows)


STATION_COLUMNS = [
    Column("code", "站点编码"),
    Column("name", "站点名称"),
    Column("kind_zh", "类型"),
    Column("region_name_zh", "所在地区"),
    Column("lon", "经度"),
    Column("lat", "纬度"),
]


@dataset("air-stations", "空气监测站点", params=("city",))
def air_stations(ctx: DataContext) -> Table:
    """The air stations in or under one region (default: the whole autonomous region)."""
    region = ctx.code("city", PROVINCE) or PROVINCE
    rows = airwater.stations(ctx.store, region=region)
    return Table(
        f"{get_region(region).name_zh} 空气监测站点",
        STATION_COLUMNS,
        rows_of(rows, STATION_COLUMNS),
    )


def league_rows(items: Sequence[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for u in items:
        r, d = u["raw"], u["dust_deducted"]
        if r is None or d is None:
            out.append([u["unit"], u["name_zh"], u["stations"], *([None] * 9)])
            continue
        out.append(
            [
                u["unit"],
                u["name_zh"],
                u["stations"],
                r["pollutants"]["pm25"]["rounded"],
                d["pollutants"]["pm25"]["rounded"],
                r["good_ratio"],
                d["good_ratio"],
                r["heavy_days"],
                u["dust_days"],
                r["composite"],
                r["attained"],
                r["edition"],
            ]
        )
    return out


LEAGUE_COLUMNS = [
    Column("code", "区划代码"),
    Column("name", "盟市"),
    Column("stations", "站点数"),
    Column("pm25_raw", "PM2.5 实况", "µg/m³"),
    Column("pm25_dust", "PM2.5 扣沙", "µg/m³"),
    Column("good_raw", "优良天数比例 实况", "%"),
    Column("good_dust", "优良天数比例 扣沙", "%"),
    Column("heavy_days", "重污染天数"),
    Column("dust_days", "沙尘天数"),
    Column("composite", "综合指数"),
    Column("attained", "六项污染物达标"),
    Column("edition", "评价标准"),
]


@dataset("air-leagues", "各盟市年度空气质量评价", params=("year",))
def air_leagues(ctx: DataContext) -> Table:
    """The 12 leagues/cities side by side (raw and sand-dust deducted)."""
    year = air_year(ctx)
    ev = airwater.air_evaluation(ctx.store, PROVINCE, year)
    return Table(f"各盟市 {year}年 空气质量年度评价", LEAGUE_COLUMNS, league_rows(ev["items"]))


# --- water -----------------------------------------------------------------------------------


def items_text(items: Sequence[dict[str, Any]]) -> str:
    """``高锰酸盐指数 6.2 mg/L（Ⅳ类）、…`` for the deciding or failing items."""
    parts = []
    for i in items:
        cls = CLASS_ZH.get(i["class"], i["class"])
        if i.get("value") is None:
            parts.append(f"{i['name_zh']}（{cls}）")
        else:
            unit = f" {i['unit']}" if i["unit"] else ""
            parts.append(f"{i['name_zh']} {i['value']:g}{unit}（{cls}）")
    return "、".join(parts)


SECTION_COLUMNS = [
    Column("code", "断面编码"),
    Column("name", "断面名称"),
    Column("water_body", "水体"),
    Column("waterbody_type_zh", "水体类型"),
    Column("region_name_zh", "所在地区"),
    Column("class_zh", "年度水质类别"),
    Column("target_class_zh", "水质目标"),
    Column("meets_target", "达到目标"),
    Column("deciding", "定类项目"),
    Column("failing", "超过目标的项目"),
    Column("lon", "经度"),
    Column("lat", "纬度"),
]


@dataset("water-sections", "断面年度水质", params=("region", "year"))
def water_sections(ctx: DataContext) -> Table:
    """Every section of a region with its annual GB 3838 class (the water map and table)."""
    region = ctx.code("region", PROVINCE) or PROVINCE
    year = water_year(ctx)
    ev = airwater.water_evaluation(ctx.store, region, year)
    items = [
        s
        | {
            "deciding": items_text(s["deciding_items"]),
            "failing": items_text(s["failing_items"]),
            "lon": s["lon"] if s["position"] == "surveyed" else None,
            "lat": s["lat"] if s["position"] == "surveyed" else None,
        }
        for s in ev["items"]
    ]
    return Table(
        f"{ev['name_zh']} {year}年 断面水质",
        SECTION_COLUMNS,
        rows_of(items, SECTION_COLUMNS),
        note="GB 3838-2002 单因子评价，以年均值定类；登记表无坐标的断面经纬度留空。",
    )


SHARE_COLUMNS = [
    Column("region_code", "区划代码"),
    Column("name_zh", "地区"),
    Column("n_sections", "有数据断面数"),
    Column("share_I_III", "Ⅰ～Ⅲ类比例", "%"),
    Column("share_worse_V", "劣Ⅴ类比例", "%"),
    Column("meets_target", "达到目标断面数"),
    Column("with_target", "有目标断面数"),
    Column("compliance_ratio", "达标比例", "%"),
]


@dataset("water-shares", "各盟市水质类别比例", params=("region", "year"))
def water_shares(ctx: DataContext) -> Table:
    region = ctx.code("region", PROVINCE) or PROVINCE
    year = water_year(ctx)
    ev = airwater.water_evaluation(ctx.store, region, year)
    return Table(
        f"{ev['name_zh']} {year}年 水质类别比例",
        SHARE_COLUMNS,
        rows_of(ev["summary"], SHARE_COLUMNS),
    )


@dataset("water-section-months", "断面逐月水质类别", params=("code", "year"))
def water_section_months(ctx: DataContext) -> Table:
    code = ctx.required("code")
    year = water_year(ctx)
    body = airwater.section_monthly_classes(ctx.store, code, year)
    cols = [
        Column("period", "月份"),
        Column("class_zh", "水质类别"),
        Column("target_class", "水质目标"),
        Column("meets_target", "达到目标"),
        Column("deciding", "定类项目"),
        Column("failing", "超过目标的项目"),
    ]
    items = [
        m
        | {
            "target_class": CLASS_ZH.get(m["target_class"]) if m["target_class"] else None,
            "deciding": items_text(m["deciding_items"]),
            "failing": items_text(m["failing_items"]),
        }
        for m in body["items"]
    ]
    return Table(f"{body['section']['name']} {year}年 逐月水质", cols, rows_of(items, cols))
