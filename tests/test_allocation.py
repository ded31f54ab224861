"""Target allocation (目标分解, issue 11 item 2): the Excel template, the validated import
(totals add up to the region's target), the assessment using the allocated targets; the sum
check as properties (hypothesis); SQLite and PostgreSQL."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from ecoplan.assess.allocated import load_allocations
from ecoplan.assess.run import get_plan, run_assessment
from ecoplan.cli import app, common
from ecoplan.demo.stations import CITY_CODES
from ecoplan.ingest.allocation import (
    SHEET,
    AllocationError,
    allocation_matrix,
    check_sum,
    import_allocation,
    write_template,
)
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions
from ecoplan.store.schema_reporting import TargetAllocation

PLAN = """
id: alloc-test
title_zh: 分解测试
title_en: Allocation test
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
      - {region: "150000", year: 2025, comparator: ">", value: 3, source: {file: t, quote: 三亿}}
  - code: SHARE
    name_zh: 可再生电力消纳占比
    name_en: Renewable share
    unit: "%"
    direction: higher
    targets:
      - {region: "150000", year: 2025, comparator: ">=", value: 40, source: {file: t, quote: 四十}}
"""
ACTOR = Actor(None, "分解员", None)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(1.0, 1e7, allow_nan=False),  # tolerance: 1e-6·max(1, |T|)
    st.lists(st.floats(0.01, 10), min_size=1, max_size=14),
    st.randoms(use_true_random=False),
)
def test_sum_check_properties(total: float, weights: list[float], rnd: random.Random) -> None:
    w = math.fsum(weights)
    parts = [total * x / w for x in weights]
    assert check_sum(total, parts).ok  # exact shares add up, in any order
    shuffled = parts[:]
    rnd.shuffle(shuffled)
    assert check_sum(total, shuffled).ok
    # one part off by 1‰ of the total is reported with the signed difference
    bad = [*parts[:-1], parts[-1] + total * 1e-3]
    chk = check_sum(total, bad)
    assert not chk.ok and chk.difference == pytest.approx(total * 1e-3, rel=1e-6)


def test_sum_check_by_hand() -> None:
    assert check_sum(3.0, [0.25] * 12).ok
    chk = check_sum(3.0, [0.25] * 11 + [0.15])
    assert (chk.ok, chk.allocated) == (False, pytest.approx(2.9))
    assert chk.difference == pytest.approx(-0.1)
    assert check_sum(3.0, [0.1] * 30).ok  # 0.1·30 is not exactly 3 in binary: within tolerance


def _setup(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "alloc.yaml"
    path.write_text(PLAN, encoding="utf-8")
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, path)


def _filled(store: Store, tmp_path: Path, cap: list[object], share: dict[str, object],
            name: str = "分解.xlsx") -> Path:  # fmt: skip
    out = tmp_path / name
    with store.session() as ses:
        write_template(out, get_plan(ses, "alloc-test"))
    wb = load_workbook(out)
    ws = wb[SHEET]
    head = [c.value for c in ws[1]]
    rows = {ws.cell(row=r, column=1).value: r for r in range(2, ws.max_row + 1)}
    for i, h in enumerate(head, start=1):
        code = str(h)[:6]
        if code in CITY_CODES:
            k = CITY_CODES.index(code)
            ws.cell(row=rows["CAP"], column=i, value=cap[k] if k < len(cap) else None)
            ws.cell(row=rows["SHARE"], column=i, value=share.get(code))
    wb.save(out)
    return out


def test_template_import_and_assessment(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    with store.session() as ses:
        plan = get_plan(ses, "alloc-test")
        blank = tmp_path / "blank.xlsx"
        write_template(blank, plan)
    ws = load_workbook(blank)[SHEET]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["指标代码 indicator_code", "指标名称 name_zh", "单位 unit",
                        "汇总方式 aggregation", "目标年 year", "比较符 comparator",
                        "全区目标 region_target"]  # fmt: skip
    assert head[7] == "150100 呼和浩特市" and len(head) == 7 + 12
    assert [ws.cell(row=r, column=1).value for r in (2, 3)] == ["CAP", "SHARE"]

    f = _filled(store, tmp_path, [0.25] * 12, {"150100": 55, "150200": 35})
    with store.session() as ses:
        summary = import_allocation(ses, f, get_plan(ses, "alloc-test"), ACTOR)
    assert (summary["targets"], summary["allocations"], summary["replaced"]) == (2, 14, 0)
    with store.session() as ses:
        res = run_assessment(ses, "alloc-test", 2023)
        matrix = allocation_matrix(get_plan(ses, "alloc-test"), load_allocations(ses, "alloc-test"))
    rows = {(r.indicator_code, r.region_code): r for r in res.rows}
    cap = rows[("CAP", "150100")]
    assert (cap.target, cap.comparator, cap.inherited) == (0.25, ">", False)
    assert "目标取自目标分解（分解.xlsx）" in cap.note_zh
    assert rows[("SHARE", "150100")].target == 55 and not rows[("SHARE", "150100")].inherited
    ordos = rows[("SHARE", "150600")]
    assert ordos.inherited and ordos.target == 40  # not allocated: the share is inherited
    assert matrix.region_names[0] == "呼和浩特市"
    assert matrix.rows[0].cells == ["0.25"] * 12
    assert matrix.rows[1].cells[:3] == ["55", "35", "沿用"]

    # a new file replaces the held allocations of the indicator × years it contains
    f2 = _filled(store, tmp_path, [], {"150100": 60}, name="第二版.xlsx")
    with store.session() as ses:
        s2 = import_allocation(ses, f2, get_plan(ses, "alloc-test"), ACTOR)
        held = load_allocations(ses, "alloc-test")
        matrix = allocation_matrix(get_plan(ses, "alloc-test"), held)
    assert (s2["allocations"], s2["replaced"]) == (1, 14)
    assert matrix.rows[0].cells == ["—"] * 12  # the total is no longer allocated: not assessed
    assert held[("SHARE", "150100")][0].value == 60


@pytest.mark.parametrize(
    ("cap", "share", "match"),
    [
        (
            [0.25] * 11 + [0.15],
            {},
            r"第2行：CAP（新能源装机规模）2025年：分解合计 2\.9 ≠ 全区目标 3（差 -0\.1 亿千瓦）",
        ),
        ([0.25] * 11, {}, "总量（可加）指标须分解到全部下级地区，缺：阿拉善盟"),
        (["多", *[0.25] * 11], {}, "第2行 列「150100 呼和浩特市」：不是数值"),
        ([-0.25, 0.5, *[0.25] * 10], {}, "总量不得为负"),
        ([], {"150100": 120}, "第3行 列「150100 呼和浩特市」：百分比须在0–100之间：120"),
    ],
)
def test_refused_files_change_nothing(
    store: Store, tmp_path: Path, cap: list[object], share: dict[str, object], match: str
) -> None:
    _setup(store, tmp_path)
    f = _filled(store, tmp_path, cap, share)
    with store.session() as ses, pytest.raises(AllocationError, match=match):
        import_allocation(ses, f, get_plan(ses, "alloc-test"), ACTOR)
    with store.session() as ses:
        assert ses.scalar(select(func.count()).select_from(TargetAllocation)) == 0


def test_stale_template_and_foreign_columns(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    f = _filled(store, tmp_path, [0.25] * 12, {})
    wb = load_workbook(f)
    ws = wb[SHEET]
    ws.cell(row=2, column=7, value=2.5)  # 全区目标 edited
    ws.cell(row=1, column=20, value="610100 西安市")
    ws.cell(row=4, column=1, value="NOPE")
    ws.cell(row=4, column=5, value=2025)
    ws.cell(row=4, column=6, value=">=")
    wb.save(f)
    with store.session() as ses, pytest.raises(AllocationError) as exc:
        import_allocation(ses, f, get_plan(ses, "alloc-test"), ACTOR)
    text = str(exc.value)
    assert "2.5 与规划目标 3 不一致" in text
    assert "610100 不是内蒙古自治区的下级地区" in text
    assert "第4行" in text and "NOPE 2025 >= 不是本规划" in text


def test_command_line(cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(common.console, "width", 250)
    runner = CliRunner()
    path = tmp_path / "alloc.yaml"
    path.write_text(PLAN, encoding="utf-8")
    assert runner.invoke(app, ["plan", "import", str(path)]).exit_code == 0
    out = tmp_path / "t.xlsx"
    r = runner.invoke(app, ["allocation", "template", "--plan", "alloc-test", "--out", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    ws = wb[SHEET]
    for col in range(8, 20):
        ws.cell(row=2, column=col, value=0.2)  # 12 × 0.2 = 2.4 ≠ 3
    wb.save(out)
    r = runner.invoke(app, ["allocation", "import", str(out), "--plan", "alloc-test"])
    assert r.exit_code != 0 and "分解合计 2.4 ≠ 全区目标 3" in r.output
    for col in range(8, 20):
        ws.cell(row=2, column=col, value=0.25)
    wb.save(out)
    r = runner.invoke(app, ["allocation", "import", str(out), "--plan", "alloc-test"])
    assert r.exit_code == 0 and "12 个分解值" in r.output, r.output
    r = runner.invoke(app, ["allocation", "show", "--plan", "alloc-test"])
    assert r.exit_code == 0 and "0.25" in r.output and "沿用" in r.output
