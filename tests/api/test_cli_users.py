"""``ecoplan user add|list|passwd`` and ``ecoplan serve``'s first start, on both databases."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.store import audit
from ecoplan.store.db import Store
from ecoplan.store.users import authenticate

runner = CliRunner()


def run(*args: str, input: str | None = None, code: int = 0) -> str:
    res = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    assert res.exit_code == code, res.output
    return res.output if code == 0 else " ".join(res.output.split())  # undo Rich's wrapping


def test_user_add_list_passwd(cli_env: str) -> None:
    args = ("--region", "150200", "--name", "包头市生态环境局", "--password-stdin")
    out = run("user", "add", "baotou", "--role", "editor", *args, input="first password\n")
    assert "baotou" in out and "150200 包头市" in out
    run("user", "add", "reader", "--role", "viewer", input="second pass\nsecond pass\n")  # prompt
    rows = json.loads(run("user", "list", "--json"))
    assert [(r["username"], r["role"], r["region_code"]) for r in rows] == [
        ("baotou", "editor", "150200"),
        ("reader", "viewer", None),
    ]
    assert "password_hash" not in rows[0]
    table = run("user", "list")
    assert "baotou" in table and "reader" in table  # (Rich wraps cells in narrow terminals)
    run("user", "passwd", "baotou", "--password-stdin", input="changed password\n")
    store = Store()
    try:
        with store.session() as s:
            assert authenticate(s, "baotou", "changed password") is not None
            assert authenticate(s, "baotou", "first password") is None
            rows_, _ = audit.query(s, entity="user")
        assert [r["action"] for r in rows_] == ["user.passwd", "user.create", "user.create"]
        assert all(r["username"].startswith("(cli:") and r["user_id"] is None for r in rows_)
    finally:
        store.dispose()


def test_user_errors_exit_1_with_a_reason(cli_env: str) -> None:
    out = run("user", "add", "ed", "--role", "editor", "--password-stdin", input="long enough\n",
              code=1)  # fmt: skip
    assert "编辑账号必须指定所属地区" in out
    out = run("user", "add", "xy", "--role", "viewer", "--password-stdin", input="short\n", code=1)
    assert "at least 8" in out
    run("user", "add", "dup", "--role", "viewer", "--password-stdin", input="long enough\n")
    out = run("user", "add", "dup", "--role", "admin", "--password-stdin", input="long enough\n",
              code=1)  # fmt: skip
    assert "exists already" in out
    out = run("user", "passwd", "ghost", "--password-stdin", input="long enough\n", code=1)
    assert "ghost" in out
    run("user", "add", "bad", "--role", "boss", code=2)  # not a role: Typer's usage error


def test_serve_first_start_creates_admin_once(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[dict[str, Any]] = []

    def fake_run(asgi: Any, host: str, port: int, **kw: Any) -> None:
        started.append({"app": asgi, "host": host, "port": port})

    monkeypatch.setattr("uvicorn.run", fake_run)
    monkeypatch.delenv("ECOPLAN_ADMIN_PASSWORD", raising=False)
    out = run("serve", "--port", "8123")
    assert "http://127.0.0.1:8123/" in out and "admin" in out
    password = out.split("shown only this once): ")[1].split()[0]
    assert started[0]["port"] == 8123 and started[0]["host"] == "127.0.0.1"
    assert started[0]["app"].title == "ecoplan API"
    store = Store()
    try:
        with store.session() as s:
            admin = authenticate(s, "admin", password)
            assert admin is not None and admin.role == "admin"
    finally:
        store.dispose()
    again = run("serve", "--host", "0.0.0.0", "--port", "8124")
    assert "initial password" not in again and "http://0.0.0.0:8124/" in again


def test_serve_uses_the_admin_password_from_the_environment(
    cli_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("uvicorn.run", lambda *a, **k: None)
    monkeypatch.setenv("ECOPLAN_ADMIN_PASSWORD", "from the environment")
    out = run("serve")
    assert "ECOPLAN_ADMIN_PASSWORD" in out and "from the environment" not in out
    store = Store()
    try:
        with store.session() as s:
            assert authenticate(s, "admin", "from the environment") is not None
    finally:
        store.dispose()
