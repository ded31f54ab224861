"""``ecoplan ledger …`` on both databases: register, walk the flow, refusals, evidence,
overdue listing with a fixed day, statistics, Excel export/import, the example ledgers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.store import users as users_mod

runner = CliRunner()


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    res = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    assert res.exit_code == code, res.output
    return res.output if code == 0 else " ".join(res.output.split())  # undo Rich's wrapping


def js(*args: str) -> Any:
    return json.loads(run(*args, "--json"))


def test_ledger_commands(cli_env: str, tmp_path: Path) -> None:
    for name, region in (("county", "150121"), ("city", "150100")):
        run("user", "add", name, "--role", "editor", "--region", region, "--password-stdin",
            input="a password 1\n")  # fmt: skip
    item = js(
        "ledger", "add", "--kind", "inspection", "--code", "T-1", "--title", "砖厂烟尘",
        "--region", "150121", "--deadline", "2025-06-30", "--round", "2025年测试督察",
        "--user", "county",
    )  # fmt: skip
    assert (item["code"], item["status"], item["created_by"]) == ("T-1", "registered", "county")
    run("ledger", "transition", "T-1", "整改中", "--user", "county")
    overdue = js("ledger", "list", "--overdue", "--today", "2025-07-01")
    assert [i["code"] for i in overdue["items"]] == ["T-1"]
    assert js("ledger", "list", "--overdue", "--today", "2025-06-30")["total"] == 0
    run("ledger", "transition", "T-1", "completed", "--user", "county")
    out = run("ledger", "close", "T-1", "--user", "city", code=1)
    assert "佐证材料" in out
    ev = tmp_path / "验收报告.pdf"
    ev.write_bytes(b"%PDF-1.4 ok")
    run("ledger", "attach", "T-1", str(ev), "--user", "county")
    out = run("ledger", "close", "T-1", "--user", "county", code=1)
    assert "150100 呼和浩特市" in out
    assert "nobody" in run("ledger", "close", "T-1", "--user", "nobody", code=1)  # no account
    run("ledger", "close", "T-1", "--user", "city", "--note", "同意销号")
    shown = js("ledger", "show", "T-1")
    assert (shown["status"], shown["closed_by"], shown["completed_by"]) == (
        "closed",
        "city",
        "county",
    )
    assert shown["evidence"][0]["file_name"] == "验收报告.pdf"
    assert [h["action"] for h in shown["history"]][:2] == [
        "ledger.close",
        "ledger.evidence",
    ]
    st = js("ledger", "stats", "--round", "2025年测试督察")
    assert st["groups"][0]["sentence_zh"] == "2025年测试督察1项整改任务全部销号"
    # export → import: unchanged
    xlsx = tmp_path / "ledger.xlsx"
    run("ledger", "export", "--out", str(xlsx))
    assert "未变 unchanged 1" in run("ledger", "import", str(xlsx))
    # the examples, and the statistics they reproduce
    run("ledger", "load-examples")
    text = run("ledger", "stats", "--region", "150100")
    assert "21项整改任务销号20项，剩余1项取得阶段性成效" in "".join(text.split())
    complaints = js("ledger", "stats", "--kind", "complaint")
    assert complaints["total"]["total"] == 1546 + 176
    listed = js("ledger", "list", "--round", "2018年中央环保督察“回头看”", "--status", "整改中")
    assert [i["code"] for i in listed["items"]] == ["HH-2018-ZYDCHTK-21"]
    assert "T-1" in run("ledger", "list", "--region", "150121")


def test_ledger_refusals_name_the_problem(cli_env: str, tmp_path: Path) -> None:
    run(
        "ledger",
        "add",
        "--kind",
        "inspection",
        "--code",
        "T-2",
        "--title",
        "x",
        "--region",
        "150100",
    )
    assert "nobody" in run("ledger", "transition", "T-2", "整改中", "--user", "nobody", code=1)
    run("user", "add", "boss", "--role", "admin", "--password-stdin", input="a password 1\n")
    assert "不能改为" in run("ledger", "transition", "T-2", "closed", "--user", "boss", code=1)
    out = run("ledger", "add", "--kind", "督察", "--title", "x", "--region", "150100", code=1)
    assert "kind" in out
    assert "not a date" in run("ledger", "list", "--today", "2025-02-30", code=1)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "编号,类型,问题及整改任务,地区代码,整改状态\nB,督察整改,t,159999,整改中\n", "utf-8"
    )
    out = run("ledger", "import", str(bad), code=1)
    assert "row 2" in out and "地区代码" in out
