"""``ecoplan serve``: the web application (pages and JSON API) with uvicorn."""

from __future__ import annotations

import os
import secrets

import typer

from ecoplan.cli.common import console, fail, open_store
from ecoplan.store.users import FIRST_ADMIN, ensure_first_admin

ADMIN_PASSWORD_ENV = "ECOPLAN_ADMIN_PASSWORD"


def serve_cmd(
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", help="TCP port", min=1, max=65535),
    warn_every: int | None = typer.Option(
        None,
        "--warn-every",
        help="evaluate the warning rules every N minutes while serving, 0 = never (default "
        "$ECOPLAN_WARN_EVERY, else 60); with several workers only one runs each slot",
        min=0,
        max=10080,
    ),
) -> None:
    """Serve the web pages and the API (OpenAPI at /docs). Sets up the database if needed; on
    the first start, with no account yet, creates the account 'admin' with a random password
    printed once (or $ECOPLAN_ADMIN_PASSWORD)."""
    import uvicorn

    from ecoplan.api.app import create_app
    from ecoplan.warn.schedule import ENV, SERVE_DEFAULT_MINUTES, ScheduleError, warn_every_minutes

    if warn_every is None:
        try:
            warn_every = warn_every_minutes(default=SERVE_DEFAULT_MINUTES)
        except ScheduleError as exc:
            fail(str(exc))
    os.environ[ENV] = str(warn_every)  # read by the app (and by every worker process)
    store = open_store()
    env_password = os.environ.get(ADMIN_PASSWORD_ENV)
    password = env_password or secrets.token_urlsafe(12)
    with store.session() as s:
        created = ensure_first_admin(s, password)
    if created is not None:
        if env_password:
            console.print(
                f"已创建管理员账号 created the administrator account [bold]{FIRST_ADMIN}[/] "
                f"with the password from ${ADMIN_PASSWORD_ENV}."
            )
        else:
            console.print(
                f"已创建管理员账号 created the administrator account [bold]{FIRST_ADMIN}[/]; "
                f"初始密码 initial password (shown only this once): [bold]{password}[/]",
                highlight=False,
            )
        console.print(
            f"修改密码 change it: `ecoplan user passwd {FIRST_ADMIN}` or the 账号 Account page.",
            highlight=False,
        )
    if warn_every:
        console.print(
            f"预警每 {warn_every} 分钟评估一次 warnings evaluated every {warn_every} min "
            f"(--warn-every / ${ENV}; 0 = off)",
            highlight=False,
        )
    shown = f"[{host}]" if ":" in host else host
    console.print(
        f"ecoplan 已启动 serving at [bold]http://{shown}:{port}/[/] "
        f"(API docs http://{shown}:{port}/docs; Ctrl+C stops)",
        highlight=False,
    )
    uvicorn.run(create_app(store=store), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve_cmd)
