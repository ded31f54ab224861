"""Latency of the web application under bounded concurrent load (loopback only).

Starts ``ecoplan serve`` on a free 127.0.0.1 port over a fresh SQLite home (the embedded
plans), logs in once, then sends REQUESTS requests per endpoint from CONCURRENCY concurrent
clients (httpx async) to

- ``/api/health``                                  (baseline: the framework's own cost),
- ``/``                                             (overview page: map data over all plans),
- ``/api/plans/hohhot-14fyp-eco/indicators``       (the largest plan's indicators, 141),

and prints p50 / p95 / p99 latency, throughput and the p50 ratio against the baseline measured
in the same run. Bounded: at most REQUESTS requests per endpoint and TIME_LIMIT seconds each.

    .venv/bin/python benchmarks/bench_api.py [--requests 2000] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

TIME_LIMIT = 120.0  # seconds per endpoint, whatever REQUESTS says
PASSWORD = "bench password 1"
ENDPOINTS = ("/api/health", "/", "/api/plans/hohhot-14fyp-eco/indicators?limit=500")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(home: Path, port: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ECOPLAN_HOME=str(home), ECOPLAN_ADMIN_PASSWORD=PASSWORD)
    env.pop("ECOPLAN_DATABASE_URL", None)
    exe = Path(sys.executable).with_name("ecoplan")
    log = open(home / "server.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: see {home / 'server.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("server did not start within 120 s")


def login(base: str) -> httpx.Cookies:
    with httpx.Client(base_url=base) as c:
        html = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert token, "no CSRF token on the login page"
        r = c.post(
            "/login",
            data={"username": "admin", "password": PASSWORD, "csrf_token": token.group(1)},
        )
        assert r.status_code in (200, 303), r.text
        assert c.get("/").status_code == 200, "login failed"
        return c.cookies


async def load(
    base: str, path: str, cookies: httpx.Cookies, total: int, concurrency: int
) -> tuple[list[float], float, int]:
    """Latencies (s) of *total* GETs of *path* from *concurrency* workers; wall time; errors."""
    latencies: list[float] = []
    errors = 0
    remaining = total
    stop_at = time.monotonic() + TIME_LIMIT
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, cookies=cookies, limits=limits) as client:

        async def worker() -> None:
            nonlocal remaining, errors
            while remaining > 0 and time.monotonic() < stop_at:
                remaining -= 1
                t0 = time.perf_counter()
                r = await client.get(path)
                latencies.append(time.perf_counter() - t0)
                if r.status_code != 200:
                    errors += 1

        for _ in range(min(20, total)):  # warm-up
            await client.get(path)
        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return latencies, time.perf_counter() - start, errors


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecoplan-bench-") as tmp:
        home = Path(tmp)
        port = free_port()
        proc = start_server(home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = login(base)
            print(
                f"ecoplan web benchmark: {args.requests} requests per endpoint, "
                f"{args.concurrency} concurrent clients, one uvicorn worker, SQLite, loopback"
            )
            print(f"{'endpoint':52} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} "
                  f"{'×base':>6} {'err':>4}")  # fmt: skip
            base_p50 = None
            for path in ENDPOINTS:
                lat, wall, errors = asyncio.run(
                    load(base, path, cookies, args.requests, args.concurrency)
                )
                p50 = pct(lat, 50)
                base_p50 = base_p50 or p50
                print(
                    f"{path:52} {p50:8.1f} {pct(lat, 95):8.1f} {pct(lat, 99):8.1f} "
                    f"{len(lat) / wall:8.0f} {p50 / base_p50:6.1f} {errors:4d}"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
