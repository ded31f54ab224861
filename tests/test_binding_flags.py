"""Binding / expected (约束性/预期性) flags (issue 11 item 3).

The flags are set only where a seed says which indicator is which. Every seed was read: the
only mentions are the count sentence of the regional 14th FYP (000, and its simplified twin
001: "其中约束性指标12项,预期性指标9项"), which does not name the indicators; 002, 003 and 004
name none. So no shipped indicator carries a flag (recorded in im-14fyp-eco's notes_zh with
the quote), and this test fails the day a seed or a plan changes that. The binding-indicator
warning is shown to work end to end on a plan that does set the flag (SQLite and PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ecoplan.assess.run import run_assessment, store_run
from ecoplan.demo.indicators import demo_plans
from ecoplan.model.sources import seeds_dir
from ecoplan.store.db import Store
from ecoplan.warn import run_warnings

FLAG = re.compile(r"约束性|約束性|预期性|預期性")
COUNT_SENTENCE = re.compile(
    r"其中(约束性指标12项|約束性指標12項)[,，](预期性指标9项|預期性指標9項)"
)


def test_no_seed_names_the_binding_indicators() -> None:
    mentions: dict[str, int] = {}
    for f in sorted(seeds_dir().glob("*.txt")):
        if f.with_suffix(".clean.txt").is_file():
            continue  # 000_*.txt with pinyin: its .clean.txt twin is read (plan-format.md)
        text = f.read_text(encoding="utf-8")
        flags = [m.start() for m in FLAG.finditer(text)]
        counted = [m.span() for m in COUNT_SENTENCE.finditer(text)]
        for pos in flags:  # every mention lies inside the count sentence
            assert any(a <= pos < b for a, b in counted), (f.name, text[pos - 40 : pos + 40])
        if flags:
            mentions[f.name[:3]] = len(counted)
    assert mentions == {"000": 1, "001": 1}, mentions
    plans = {p.id: p for p in demo_plans()}
    assert all(i.binding is None for p in plans.values() for i in p.indicators)
    notes = plans["im-14fyp-eco"].notes_zh or ""
    assert "其中約束性指標12項,預期性指標9項" in notes and "是否约束性" in notes


PLAN = """
id: binding-test
title_zh: 约束性测试
title_en: Binding test
issuer_zh: 测试
region: "150000"
period_start: 2021
period_end: 2025
source_doc: t
indicators:
  - code: B
    name_zh: 约束性指标
    name_en: Binding one
    binding: binding
    unit: "%"
    direction: higher
    baselines:
      - {region: "150000", year: 2020, value: 60, source: {file: t, quote: 基准60}}
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 80, source: {file: t, quote: 八十}}
  - code: E
    name_zh: 预期性指标
    name_en: Expected one
    binding: expected
    unit: "%"
    direction: higher
    baselines:
      - {region: "150000", year: 2020, value: 60, source: {file: t, quote: 基准60}}
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 80, source: {file: t, quote: 八十}}
"""


def test_binding_warning_fires_on_a_flagged_indicator(
    store: Store, load_plan_values: Callable[..., None]
) -> None:
    # both: 2022 70 → r_act 5 vs r_req 4 → on track; 2023 61 → 1/3 vs 4 → off track
    rows = [
        (code, "150000", year, value, "%")
        for code in ("B", "E")
        for year, value in ((2022, 70.0), (2023, 61.0))
    ]
    load_plan_values(store, PLAN, rows)
    for year in (2022, 2023):
        with store.session() as ses:
            res = run_assessment(ses, "binding-test", year)
            row = next(r for r in res.rows if r.indicator_code == "B")
            assert row.binding == "binding"
            store_run(ses, res)
    summary = run_warnings(store, dt.date.today(), kinds=["indicator"])
    started = [(e["subject"], e["event"]) for e in summary.events]
    assert started == [("binding-test/B", "start")]  # the expected indicator E: none
