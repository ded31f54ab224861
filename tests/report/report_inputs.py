"""Hand-made inputs for the evaluation report tests (used by conftest.py and the tests).

Nine indicators of a small plan shaped like the IM 14th FYP (four Chinese categories, binding
and expected, every status), one league-level row at risk, a 12-league ranking, and two
cities' HJ 663 evaluations computed by the real engine from synthetic hourly data.

The statuses follow docs/assessment.md's rule, worked by hand here so the rows are coherent
(ratio = actual / required yearly change; base 2020, target 2025, value 2023):

* PM2.5 30 → 25, target ≤ 27: already met → 已达标.
* 优良天数比例 90.1 → 90.6, target ≥ 91.2: (0.5/3)/(1.1/5) = 0.1667/0.22 = 0.758 → 存在风险.
* 地表水Ⅲ类 60 → 66.5, target ≥ 70: (6.5/3)/(10/5) = 2.1667/2 = 1.083 → 进展顺利.
* 能耗降低 0 → 4, target ≥ 15: (4/3)/(15/5) = 1.333/3 = 0.444 → 进展滞后.
* 森林覆盖率 23.0 → 23.3, target ≥ 23.5: (0.3/3)/(0.5/5) = 0.1/0.1 = 1.0 → 进展顺利.
* 草原植被盖度 45 → 44.8, target ≥ 46: (−0.2/3)/(1/5) = −0.333 → 进展滞后.
* 受污染耕地安全利用率 98.5, maintain ≥ 98 → 已达标.
* 重金属排放量降低: no value → 无数据.
* 地下水Ⅴ类比例 (no category) 20 → 18.5, target ≤ 16: (−1.5/3)/(−4/5) = 0.5/0.8 = 0.625 → 存在风险.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from ecoplan.assess.airquality import evaluate_units
from ecoplan.assess.types import AssessmentRow, RankRow, Status, ValuePoint
from ecoplan.report.evaluation import air_entry

YEAR = 2023
GENERATED = datetime(2024, 3, 15, 9, 30)
PLAN_ID = "test-14fyp"
REGION = "150000"

CATEGORIES = [
    {"code": "env-quality", "name_zh": "生态环境质量", "name_en": "Eco-environmental quality"},
    {"code": "green-dev", "name_zh": "绿色化发展", "name_en": "Green development"},
    {"code": "eco-quality", "name_zh": "生态系统质量", "name_en": "Ecosystem quality"},
    {"code": "env-risk", "name_zh": "环境风险防范", "name_en": "Environmental risk prevention"},
]
CAT_ZH = {c["code"]: c["name_zh"] for c in CATEGORIES}

# code, name_zh, category, binding, unit, direction, base, target, cmp, kind, series, status
SPECS: list[tuple[Any, ...]] = [
    (
        "T-PM25",
        "地级及以上城市细颗粒物（PM2.5）浓度",
        "env-quality",
        "binding",
        "μg/m³",
        "lower",
        30.0,
        27.0,
        "<=",
        "reach",
        [(2021, 28.0), (2022, 26.0), (2023, 25.0)],
        Status.ACHIEVED,
    ),
    (
        "T-GOOD",
        "地级及以上城市空气质量优良天数比例",
        "env-quality",
        "binding",
        "%",
        "higher",
        90.1,
        91.2,
        ">=",
        "reach",
        [(2021, 90.3), (2022, 90.4), (2023, 90.6)],
        Status.AT_RISK,
    ),
    (
        "T-WATER",
        "地表水达到或好于Ⅲ类水体比例",
        "env-quality",
        "binding",
        "%",
        "higher",
        60.0,
        70.0,
        ">=",
        "reach",
        [(2021, 62.0), (2023, 66.5)],
        Status.ON_TRACK,
    ),
    (
        "T-ENERGY",
        "单位地区生产总值能源消耗降低",
        "green-dev",
        "binding",
        "%",
        "higher",
        0.0,
        15.0,
        ">=",
        "reach",
        [(2022, 2.5), (2023, 4.0)],
        Status.OFF_TRACK,
    ),
    (
        "T-FOREST",
        "森林覆盖率",
        "eco-quality",
        "expected",
        "%",
        "higher",
        23.0,
        23.5,
        ">=",
        "reach",
        [(2022, 23.2), (2023, 23.3)],
        Status.ON_TRACK,
    ),
    (
        "T-GRASS",
        "草原综合植被盖度",
        "eco-quality",
        "expected",
        "%",
        "higher",
        45.0,
        46.0,
        ">=",
        "reach",
        [(2023, 44.8)],
        Status.OFF_TRACK,
    ),
    (
        "T-SOIL",
        "受污染耕地安全利用率",
        "env-risk",
        "binding",
        "%",
        "higher",
        98.0,
        98.0,
        ">=",
        "maintain",
        [(2023, 98.5)],
        Status.ACHIEVED,
    ),
    (
        "T-METAL",
        "重点重金属污染物排放量降低",
        "env-risk",
        "expected",
        "%",
        "higher",
        0.0,
        5.0,
        ">=",
        "reach",
        [],
        Status.NO_DATA,
    ),
    (
        "T-GW",
        "地下水质量Ⅴ类水比例",
        None,
        "expected",
        "%",
        "lower",
        20.0,
        16.0,
        "<=",
        "reach",
        [(2023, 18.5)],
        Status.AT_RISK,
    ),
]
NAMES = [s[1] for s in SPECS]

LEAGUES = [
    ("150100", "呼和浩特市"),
    ("150200", "包头市"),
    ("150300", "乌海市"),
    ("150400", "赤峰市"),
    ("150500", "通辽市"),
    ("150600", "鄂尔多斯市"),
    ("150700", "呼伦贝尔市"),
    ("150800", "巴彦淖尔市"),
    ("150900", "乌兰察布市"),
    ("152200", "兴安盟"),
    ("152500", "锡林郭勒盟"),
    ("152900", "阿拉善盟"),
]


def _row(
    spec: tuple[Any, ...], region: str = REGION, region_zh: str = "内蒙古自治区"
) -> AssessmentRow:
    code, name, cat, binding, unit, direction, base, target, cmp, kind, series, status = spec
    last = series[-1] if series else None
    value = last[1] if last else None
    actual = required = ratio = projection = gap = None
    if value is not None and kind == "reach":
        actual = (value - base) / (last[0] - 2020)
        required = (target - base) / 5
        ratio = actual / required
        projection = value + actual * (2025 - last[0])
        gap = max(0.0, (target - value) if direction == "higher" else (value - target))
    elif value is not None:
        gap = 0.0
    return AssessmentRow(
        plan_id=PLAN_ID,
        indicator_code=code,
        name_zh=name,
        name_en=code,
        category=cat,
        category_zh=CAT_ZH.get(cat) if cat else None,
        binding=binding,
        unit=unit,
        direction=direction,
        region_code=region,
        region_zh=region_zh,
        year=YEAR,
        value=value,
        value_year=last[0] if last else None,
        value_source=f"imported:{code.lower()}.csv sha256:abc123" if last else None,
        baseline=base,
        baseline_year=2020,
        target=target,
        target_year=2025,
        comparator=cmp,
        target_kind=kind,
        status=status,
        actual_rate=actual,
        required_rate=required,
        ratio=ratio,
        projection=projection,
        gap=gap,
        note_zh="基准值取自规划文本。" if code == "T-PM25" else "",
        series=[ValuePoint(y, v, f"imported:{code.lower()}.csv sha256:abc123") for y, v in series],
    )


def make_plan() -> dict[str, Any]:
    return {
        "id": PLAN_ID,
        "title_zh": "测试自治区“十四五”生态环境保护规划",
        "title_en": "Test plan",
        "issuer_zh": "测试自治区人民政府",
        "region_code": REGION,
        "period_start": 2021,
        "period_end": 2025,
        "source_doc": "000_test.txt",
        "source_title_zh": None,
        "notes_zh": None,
        "origin": "test",
        "indicator_categories": CATEGORIES,
        "indicators": [{"code": s[0], "name_zh": s[1]} for s in SPECS],
        "tasks": [],
    }


def make_rows() -> list[AssessmentRow]:
    rows = [_row(s) for s in SPECS]
    # one league-level row, off track (the city's PM2.5 rose)
    city = (*SPECS[0][:10], [(2022, 33.0), (2023, 34.0)], Status.OFF_TRACK)
    rows.append(_row(city, "150100", "呼和浩特市"))
    return rows[::-1]  # reversed: the model must sort


def make_ranking() -> list[RankRow]:
    out = []
    for i, (code, name) in enumerate(LEAGUES):
        score = round(92.5 - 3.7 * i, 1)
        out.append(
            RankRow(
                region_code=code,
                region_zh=name,
                score=score,
                rank=i + 1,
                category_scores={
                    "env-quality": round(score + 2, 1),
                    "green-dev": round(score - 4, 1),
                    "eco-quality": round(score - 1, 1),
                    "env-risk": None if i == 11 else 100.0,
                },
                counts={"achieved": 6 - i // 3, "on_track": 2, "at_risk": i // 3, "off_track": 1},
                n_assessed=9,
            )
        )
    return out[::-1]


def _hourly(year: int) -> pd.DataFrame:
    """Two cities, one station each; PM2.5 follows a winter-high season; AQI-driving."""
    times = pd.date_range(f"{year}-01-01 01:00", f"{year + 1}-01-01 00:00", freq="h")
    doy = ((times - pd.Timedelta(hours=1)).day_of_year.to_numpy() - 1).astype(float)
    season = np.cos(2 * np.pi * doy / 365.0)  # 1 in January, −1 in July
    frames = []
    for station, level in (("S1", 42.0), ("S2", 28.0)):
        pm25 = level * (1.0 + 0.95 * season)
        for pollutant, values in (
            ("PM2.5", pm25),
            ("PM10", pm25 * 1.8),
            ("SO2", np.full(len(times), 12.0)),
            ("NO2", np.full(len(times), 25.0)),
            ("CO", np.full(len(times), 0.8)),
            ("O3", 90.0 - 30.0 * season),
        ):
            frames.append(
                pd.DataFrame(
                    {"station": station, "time": times, "pollutant": pollutant, "value": values}
                )
            )
    return pd.concat(frames, ignore_index=True)


def make_air() -> list[dict[str, Any]]:
    con = duckdb.connect()
    con.register("air_hourly", _hourly(YEAR))
    su = pd.DataFrame({"station": ["S1", "S2"], "unit": ["150100", "150200"]})
    dust = pd.DataFrame(
        {
            "unit": ["150100"],
            "start": [pd.Timestamp(f"{YEAR}-03-10 08:00")],
            "end": [pd.Timestamp(f"{YEAR}-03-12 20:00")],
        }
    )
    evs = evaluate_units(
        con, su, YEAR, unit_names={"150100": "呼和浩特市", "150200": "包头市"}, unit_dust=dust
    )
    return [air_entry(e) for e in evs]
