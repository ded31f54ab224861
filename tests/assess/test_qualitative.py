"""Evaluators' verdicts on qualitative targets (ecoplan.assess.qualitative): recorded with text
and evidence, audited, the latest counts, shown in a run and on the command line; SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from ecoplan.assess.qualitative import VerdictError, qualitative_rows, record_verdict
from ecoplan.assess.run import get_plan, load_run, run_assessment, store_run
from ecoplan.cli import app, common
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions
from ecoplan.store.schema_auth import Audit

PLAN = """
id: qual-test
title_zh: 定性测试
title_en: Qualitative test
issuer_zh: 测试
region: "150000"
period_start: 2021
period_end: 2025
source_doc: t
indicators:
  - code: TASK
    name_zh: 国家下达任务
    name_en: National task
    unit: —
    direction: reach
    qualitative_targets:
      - {region: "150000", year: 2025, text_zh: 完成国家下达的目标任务,
         source: {file: t, quote: 完成任务}}
  - code: NUM
    name_zh: 数值指标
    name_en: Numeric
    unit: "%"
    direction: higher
"""
ACTOR = Actor(None, "评价员甲", None)


def _setup(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "qual.yaml"
    path.write_text(PLAN, encoding="utf-8")
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, path)


def test_record_latest_counts_and_audited(store: Store, tmp_path: Path) -> None:
    _setup(store, tmp_path)
    with store.session() as ses:
        plan = get_plan(ses, "qual-test")
        before = qualitative_rows(ses, plan, 2023, ["150000", "150100"])
        # not judged yet: listed for the region that has the target, not for the league
        assert [(r.region_code, r.verdict, r.verdict_zh) for r in before] == [
            ("150000", None, "未评价")
        ]
        record_verdict(ses, plan, "TASK", "150000", 2023, "partly", "完成七成", "督察报告第3页",
                       ACTOR)  # fmt: skip
        record_verdict(ses, plan, "TASK", "150000", 2023, "met", "已全部完成", "年度考核通报",
                       ACTOR)  # fmt: skip
        record_verdict(ses, plan, "TASK", "150100", 2023, "not_met", "未完成", "市局报告", ACTOR)
    with store.session() as ses:
        plan = get_plan(ses, "qual-test")
        rows = {r.region_code: r for r in qualitative_rows(ses, plan, 2023, ["150000", "150100"])}
        assert (rows["150000"].verdict, rows["150000"].verdict_zh) == ("met", "达到")
        assert rows["150000"].history == 2 and rows["150000"].evidence == "年度考核通报"
        assert rows["150000"].evaluator == "评价员甲"
        hh = rows["150100"]
        assert hh.inherited and hh.target_region == "150000" and hh.verdict_zh == "未达到"
        # a verdict of another year does not count for 2023
        assert qualitative_rows(ses, plan, 2024, ["150000"])[0].verdict is None
        audits = ses.scalars(select(Audit).where(Audit.action == "qualitative.verdict")).all()
        assert len(audits) == 3


@pytest.mark.parametrize(
    ("code", "region", "verdict", "text", "evidence", "match"),
    [
        ("NOPE", "150000", "met", "t", "e", "no indicator"),
        ("NUM", "150000", "met", "t", "e", "no qualitative target"),
        ("TASK", "150000", "done", "t", "e", "verdict must be one of"),
        ("TASK", "150000", "met", " ", "e", "needs a text"),
        ("TASK", "150000", "met", "t", "", "needs evidence"),
        ("TASK", "999999", "met", "t", "e", "999999"),
    ],
)
def test_refusals(
    store: Store, tmp_path: Path, code: str, region: str, verdict: str, text: str,
    evidence: str, match: str,
) -> None:  # fmt: skip
    _setup(store, tmp_path)
    with store.session() as ses, pytest.raises(VerdictError, match=match):
        record_verdict(ses, get_plan(ses, "qual-test"), code, region, 2023, verdict, text,
                       evidence, ACTOR)  # fmt: skip


def test_in_a_run_stored_and_on_the_command_line(
    cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    monkeypatch.setattr(common.console, "width", 250)  # no folding of the table cells
    path = tmp_path / "qual.yaml"
    path.write_text(PLAN, encoding="utf-8")
    assert runner.invoke(app, ["plan", "import", str(path)]).exit_code == 0
    res = runner.invoke(
        app,
        ["assess-verdict", "--plan", "qual-test", "--indicator", "TASK", "--region", "150000",
         "--year", "2023", "--verdict", "met", "--text", "已完成", "--evidence", "考核通报",
         "--by", "评价员乙"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "达到" in res.output
    bad = runner.invoke(
        app,
        ["assess-verdict", "--plan", "qual-test", "--indicator", "TASK", "--region", "150000",
         "--year", "2023", "--verdict", "met", "--text", "x", "--evidence", " "],
    )  # fmt: skip
    assert bad.exit_code != 0 and "evidence" in bad.output
    out = runner.invoke(app, ["assess", "--plan", "qual-test", "--year", "2023", "--no-derive"])
    assert out.exit_code == 0, out.output
    assert "定性目标评价" in out.output and "考核通报" in out.output
    store = Store()
    try:
        with store.session() as ses:
            result = run_assessment(ses, "qual-test", 2023)
            run_id = store_run(ses, result)
        with store.session() as ses:
            back = load_run(ses, run_id)
        assert [(q.region_code, q.verdict, q.evaluator) for q in back.qualitative] == [
            ("150000", "met", "评价员乙")
        ]
        assert json.dumps(result.to_dict(), ensure_ascii=False).count("考核通报") == 1
    finally:
        store.dispose()
