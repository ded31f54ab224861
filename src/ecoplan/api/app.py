"""The web application: ``create_app(settings)`` → FastAPI (JSON API + server-rendered pages).

Run it with ``ecoplan serve``; the OpenAPI document is at ``/openapi.json`` and its browsable
form at ``/docs`` (Swagger UI served from the package, no CDN). docs/api.md describes the API
and how a new feature plugs its routes and pages in.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ecoplan import __version__
from ecoplan.api import (
    errors,
    pages,
    routes_air,
    routes_assessment,
    routes_audit,
    routes_data,
    routes_forecast,
    routes_imports,
    routes_ledger,
    routes_overview,
    routes_plans,
    routes_regions,
    routes_reports,
    routes_users,
    routes_warnings,
    routes_water,
)
from ecoplan.api.csrf import csrf_protect
from ecoplan.api.templating import STATIC_DIR
from ecoplan.config import Settings
from ecoplan.config import settings as default_settings
from ecoplan.store.db import Store

SESSION_COOKIE = "ecoplan_session"
SESSION_MAX_AGE = 12 * 3600  # seconds: one working day
SECRET_FILE = "secret_key"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)

DESCRIPTION = """
内蒙古生态环境保护规划实施监测评估预警系统 — the ecoplan JSON API.

* **Authentication**: `POST /api/tokens` with a username and password returns a bearer token;
  send it as `Authorization: Bearer <token>`. Browsers logged in on the pages use the session
  cookie instead (and must send the `X-CSRF-Token` header on writes).
* **Errors**: `{"error": {"code", "message", "message_zh", "message_en", "fields"?}}`.
* **Lists**: `{"items", "total", "limit", "offset"}`; page with `?limit=&offset=`.
* Anonymous callers read the published subset (the embedded plans) and the regions.
"""


def secret_key_for(cfg: Settings) -> str:
    """``$ECOPLAN_SECRET_KEY``, else ``$ECOPLAN_HOME/secret_key`` (created, mode 0600)."""
    env = os.environ.get("ECOPLAN_SECRET_KEY")
    if env:
        return env
    path: Path = cfg.home / SECRET_FILE
    if path.exists():
        return path.read_text("utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key + "\n")
    return key


class SecurityHeaders:
    """Adds a content security policy and the usual hardening headers to every response."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope["path"].startswith("/docs")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                ]
                if not docs:  # Swagger UI starts itself with an inline script
                    headers.append((b"content-security-policy", CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings | None = None,
    *,
    store: Store | None = None,
    secret_key: str | None = None,
    https_only: bool | None = None,
) -> FastAPI:
    """The ecoplan web application over *store* (default: a new Store on *settings*).

    The schema must be current (``ecoplan init``, or ``ecoplan serve`` which does it).
    ``https_only`` marks the session cookie Secure (default: ``$ECOPLAN_COOKIE_SECURE=1``).
    """
    cfg = settings or (store.settings if store else default_settings())
    owned = store is None
    st = store or Store(cfg)
    if https_only is None:
        https_only = os.environ.get("ECOPLAN_COOKIE_SECURE", "") in ("1", "true", "yes")

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        from ecoplan.warn.schedule import warning_schedule

        async with warning_schedule(st):  # $ECOPLAN_WARN_EVERY minutes; off when unset or 0
            yield
        if owned:
            st.dispose()

    app = FastAPI(
        title="ecoplan API",
        description=DESCRIPTION,
        version=__version__,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(csrf_protect)],
    )
    app.state.store = st
    app.state.settings = cfg
    errors.install(app)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret_key or secret_key_for(cfg),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=https_only,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")

    @app.get("/api/health", tags=["meta"], summary="Liveness 健康检查")
    def health() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "database": st.engine.dialect.name}

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title="ecoplan API — docs",
            swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
            swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
            swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png",
        )

    for module in (
        routes_regions,
        routes_plans,
        routes_overview,
        routes_users,
        routes_audit,
        routes_air,
        routes_water,
        routes_assessment,
        routes_reports,
        routes_imports,
        routes_warnings,
        routes_ledger,
        routes_forecast,
        routes_data,
        pages,
    ):
        app.include_router(module.router)
    return app
