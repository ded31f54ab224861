"""``ecoplan user …``: accounts of the web application (roles admin | editor | viewer)."""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum

import typer
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json
from ecoplan.store.audit import Actor
from ecoplan.store.regions import region_names
from ecoplan.store.users import (
    ROLE_ZH,
    UserError,
    create_user,
    list_users,
    set_password,
    user_to_dict,
)

user_app = typer.Typer(
    help="用户 Accounts of the web application: add, list, set a password. Roles: admin 管理员 "
    "(everything), editor 编辑 (writes for its league/city and the counties under it), "
    "viewer 查看 (read-only)."
)


class Role(StrEnum):
    admin = "admin"
    editor = "editor"
    viewer = "viewer"


def cli_actor() -> Actor:
    """The audit actor of a command-line change: the system, labelled with the OS user."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        who = "?"
    return Actor.system(f"(cli:{who})")


def read_password(from_stdin: bool) -> str:
    """One line from standard input, or an interactive prompt asked twice (hidden)."""
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: standard input is empty 标准输入为空")
        return line.rstrip("\r\n")
    return str(typer.prompt("密码 Password", hide_input=True, confirmation_prompt=True))


def _fail_user(exc: UserError) -> None:
    fail(f"{exc.message_zh} / {exc}")


@user_app.command("add")
def add_cmd(
    username: str = typer.Argument(..., help="login name: letters, digits, '_', '.', '-'"),
    role: Role = typer.Option(..., "--role", help="admin | editor | viewer"),
    region: str | None = typer.Option(
        None, "--region", help="editors: GB/T 2260 code of their league/city, e.g. 150200"
    ),
    name: str | None = typer.Option(None, "--name", help="display name, e.g. 包头市生态环境局"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the password from standard input (one line)"
    ),
) -> None:
    """Create an account (audited). Without --password-stdin the password is asked twice."""
    password = read_password(password_stdin)
    store = open_store()
    try:
        with store.session() as s:
            u = create_user(
                s,
                cli_actor(),
                username=username,
                password=password,
                role=role.value,
                region_code=region,
                display_name=name,
            )
            code = u.region_code
            where = f" · {code} {region_names(s).get(code, '')}" if code else ""
    except UserError as exc:
        _fail_user(exc)
    console.print(f"已创建 created: {username} ({role.value} {ROLE_ZH[role.value]}{where})")


@user_app.command("list")
def list_cmd(json_out: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the accounts: role, region, active."""
    store = open_store()
    with store.session() as s:
        rows = [user_to_dict(u) for u in list_users(s)[0]]
        names = region_names(s)
    if json_out:
        print_json(rows)
        return
    table = Table(title="用户 Accounts")
    for col in ("用户名 username", "姓名 name", "角色 role", "地区 region", "有效 active", "创建"):
        table.add_column(col)
    for r in rows:
        region = f"{r['region_code']} {names.get(r['region_code'], '')}" if r["region_code"] else ""
        table.add_row(
            r["username"],
            r["display_name"] or "",
            f"{r['role']} {ROLE_ZH[r['role']]}",
            region,
            "是 yes" if r["active"] else "否 no",
            r["created_at"][:10],
        )
    console.print(table)


@user_app.command("passwd")
def passwd_cmd(
    username: str = typer.Argument(..., help="the account"),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="read the new password from standard input (one line)"
    ),
) -> None:
    """Set an account's password (audited; the account's other sessions end)."""
    password = read_password(password_stdin)
    store = open_store()
    try:
        with store.session() as s:
            set_password(s, cli_actor(), username, password)
    except UserError as exc:
        _fail_user(exc)
    console.print(f"已修改密码 password changed: {username}")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
