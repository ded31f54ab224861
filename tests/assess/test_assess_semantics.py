"""Indicator semantics in a whole assessment run (issue 11 items 1 and 8), SQLite and
PostgreSQL: totals are never handed down as a league's target, the region's value is rolled
up from its leagues when all reported (completeness shown), a met maintain target is achieved
with the 临界 flag beside it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecoplan.assess.run import load_run, run_assessment, store_run
from ecoplan.assess.types import Status
from ecoplan.demo.indicators import generate_indicator_values, indicator_paths
from ecoplan.demo.stations import CITY_CODES
from ecoplan.store import schema as s
from ecoplan.store.db import Store

PLAN = """
id: sem-test
title_zh: 指标语义测试
title_en: Semantics test
issuer_zh: 测试
region: "150000"
period_start: 2021
period_end: 2025
source_doc: t
indicators:
  - code: CAP
    name_zh: 新能源装机规模
    name_en: New-energy capacity
    unit: 亿千瓦
    direction: higher
    targets:
      - {region: "150000", year: 2025, comparator: ">", value: 3,
         source: {file: t, quote: 超过3亿千瓦}}
  - code: AREA
    name_zh: 耕地保有量
    name_en: Farmland
    unit: 亿亩
    direction: higher
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 1.7, kind: maintain,
         source: {file: t, quote: 1.7亿亩}}
  - code: OK
    name_zh: 达标面积
    name_en: Compliant area
    unit: 万亩
    direction: higher
  - code: ALL
    name_zh: 监测面积
    name_en: Monitored area
    unit: 万亩
    direction: higher
  - code: SHARE
    name_zh: 达标面积比例
    name_en: Compliant share
    unit: "%"
    direction: higher
    numerator: OK
    denominator: ALL
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 50, source: {file: t, quote: 50%}}
"""

# CAP: every league 0.25 in 2023 → region 12 × 0.25 = 3.0, not > 3 → not achieved.
# AREA: 11 leagues of 12 in 2023 (鄂尔多斯 150600 missing) → no roll-up; the region reported
#   1.72 itself → maintain ≥ 1.7, margin 0.02·1.7 = 0.034 ≥ 0.02 → achieved, 临界.
# SHARE: OK 30/ALL 100 for 6 leagues, OK 60/ALL 100 for 6 → 540/1200 = 45 %.
BAD = "150600"


def _setup(store: Store, load_plan_values: Callable[..., None]) -> None:
    rows: list[tuple[str, str, int, float, str]] = []
    for i, c in enumerate(CITY_CODES):
        rows.append(("CAP", c, 2023, 0.25, "亿千瓦"))
        if c != BAD:
            rows.append(("AREA", c, 2023, 0.15, "亿亩"))
        rows.append(("OK", c, 2023, 30.0 if i % 2 else 60.0, "万亩"))
        rows.append(("ALL", c, 2023, 100.0, "万亩"))
        rows.append(("SHARE", c, 2023, 30.0 if i % 2 else 60.0, "%"))
    rows.append(("AREA", "150000", 2023, 1.72, "亿亩"))
    load_plan_values(store, PLAN, rows)


def test_totals_rollup_and_critical_flag(
    store: Store, load_plan_values: Callable[..., None]
) -> None:
    _setup(store, load_plan_values)
    with store.session() as ses:
        res = run_assessment(ses, "sem-test", 2023)
    rows = {(r.indicator_code, r.region_code): r for r in res.rows}
    # a total is never a league's target: only the region has CAP and AREA rows
    assert {k[1] for k in rows if k[0] in ("CAP", "AREA")} == {"150000"}
    # the share's target may be inherited, and the row says so
    ordos = rows[("SHARE", BAD)]
    assert ordos.inherited and "比率/占比类指标，无分解目标时沿用上级目标" in ordos.note_zh
    assert ordos.aggregation == "ratio"

    cap = rows[("CAP", "150000")]
    assert cap.value == pytest.approx(3.0) and cap.status is not Status.ACHIEVED
    assert cap.value_source is not None and cap.value_source.startswith("汇总：内蒙古自治区")
    assert (cap.sub_reported, cap.sub_expected, cap.aggregation) == (12, 12, "additive")
    assert "2023年下级地区填报12/12" in cap.note_zh

    area = rows[("AREA", "150000")]
    assert area.value == 1.72 and area.value_source is not None
    assert not area.value_source.startswith("汇总")
    assert (area.sub_reported, area.sub_expected) == (11, 12)
    assert "填报11/12（缺鄂尔多斯市），未汇总" in area.note_zh
    assert area.status is Status.ACHIEVED and area.critical and "临界" in area.note_zh

    share = rows[("SHARE", "150000")]
    assert share.value == pytest.approx(45.0)
    # only one point (no baseline before 2023) and not ≥ 50 → 趋势不可计算 → at risk
    assert share.status is Status.AT_RISK
    assert share.value_source is not None and "Σ分子/Σ分母×100" in share.value_source

    # the new fields survive a stored run
    with store.session() as ses:
        run_id = store_run(ses, res)
    with store.session() as ses:
        back = {(r.indicator_code, r.region_code): r for r in load_run(ses, run_id).rows}
    assert back[("AREA", "150000")].critical is True
    assert back[("CAP", "150000")].sub_reported == 12


def test_own_value_wins_and_a_mismatch_is_named(
    store: Store, load_plan_values: Callable[..., None]
) -> None:
    _setup(store, load_plan_values)
    with store.session() as ses:
        ses.add(
            s.IndicatorValue(
                plan_id="sem-test", indicator_code="CAP", region_code="150000", year=2023,
                value=3.5, unit="亿千瓦", source_kind="imported", batch_id=None, source_note=None,
            )
        )  # fmt: skip
    with store.session() as ses:
        res = run_assessment(ses, "sem-test", 2023)
    cap = next(r for r in res.rows if r.indicator_code == "CAP")
    assert cap.value == 3.5 and cap.status is Status.ACHIEVED
    assert "2023年本级值3.5与下级合计3不一致" in cap.note_zh


def test_demo_league_totals_are_on_the_league_scale_and_add_up() -> None:
    values = generate_indicator_values(150000, range(2020, 2027))
    for code in ("BIM-NEW-ENERGY-CAPACITY", "BIM-FARMLAND-REDLINE", "IM20-VILLAGE-ENV-IMPROVEMENT"):
        v = values[values["indicator_code"] == code]
        prov = v[v["region_code"] == "150000"].set_index("year")["value"]
        leagues = v[v["region_code"] != "150000"]
        assert set(leagues["region_code"]) == set(CITY_CODES)
        sums = leagues.groupby("year")["value"].sum()
        assert sums.round(6).to_dict() == prov.round(6).to_dict(), code
        assert (leagues.groupby("year")["value"].max() < prov.reindex(sums.index)).all()
    counts = values[values["indicator_code"] == "IM20-VILLAGE-ENV-IMPROVEMENT"]["value"]
    assert (counts == counts.round()).all()
    paths = [p for p in indicator_paths(150000) if p.code == "BIM-NEW-ENERGY-CAPACITY"]
    assert [p.target for p in paths if p.region != "150000"] == [None] * 12
