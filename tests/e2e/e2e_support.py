"""Shared plumbing of the browser tests: Debian's Chromium and a live uvicorn server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn

from ecoplan.api.app import create_app
from ecoplan.store.db import Store

CHROMIUM = "/usr/bin/chromium"
#: no background networking: this machine's network is closed (docs: env)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def live_server(store: Store, secret_key: str = "e2e-" * 16) -> Iterator[str]:
    """Serve the app over *store* with uvicorn in a thread on a free loopback port; yields
    the base URL, stops the server and disposes of the store on exit."""
    port = free_port()
    config = uvicorn.Config(
        create_app(store=store, secret_key=secret_key), host="127.0.0.1", port=port,
        log_level="warning",
    )  # fmt: skip
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    assert httpx.get(f"{base}/api/health").json()["status"] == "ok"
    try:
        yield base
    finally:
        srv.should_exit = True
        thread.join(timeout=10)
        store.dispose()
