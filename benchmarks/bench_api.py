"""Latency of the web application under bounded concurrent load (loopback only).

Starts ``ecoplan serve`` on a free 127.0.0.1 port over a SQLite home holding the **demo**
(``ecoplan init`` + ``ecoplan demo --from 2020`` in a fresh temporary home, ≈ 1 min; or an
existing demo home with ``--home``), logs in once, warms the assessment cache (the first
request of a plan × year computes the assessment with its derivations from the warehouse and
is timed separately), then sends REQUESTS requests per endpoint from CONCURRENCY concurrent
clients (httpx async) to

- ``/api/health``                                  (baseline: the framework's own cost),
- ``/api/me``                                      (second baseline: + the session login,
                                                     one database read per request),
- ``/``                                             (overview page: status map, headline,
                                                     ranking of the default plan and year),
- ``/api/plans/PLAN/assessment?year=Y``            (assessment rows, first page),
- ``/api/plans/PLAN/indicators``                   (the plan's indicators),
- ``/plans/PLAN/indicators/CODE``                  (indicator page: trend chart, sources),

and prints p50 / p95 / p99 latency, throughput and the p50 ratio against the baseline measured
in the same run. Bounded: at most REQUESTS requests per endpoint and TIME_LIMIT seconds each.
The target (issue 6): p95 < 200 ms at 20 concurrent clients for ``/`` and the assessment API.

    .venv/bin/python benchmarks/bench_api.py [--requests 2000] [--concurrency 20]
        [--home DIR --user admin --password …] [--plan im-beautiful-2035]
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
DEFAULT_PLAN = "im-beautiful-2035"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def ecoplan_env(home: Path, password: str) -> dict[str, str]:
    env = dict(os.environ, ECOPLAN_HOME=str(home), ECOPLAN_ADMIN_PASSWORD=password)
    env.pop("ECOPLAN_DATABASE_URL", None)
    return env


def load_demo(home: Path) -> float:
    """``ecoplan init`` and ``ecoplan demo --from 2020`` into *home*; returns the seconds."""
    exe = Path(sys.executable).with_name("ecoplan")
    t0 = time.perf_counter()
    for args in (["init"], ["demo", "--from", "2020"]):
        subprocess.run(
            [str(exe), *args], env=ecoplan_env(home, PASSWORD), check=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
    return time.perf_counter() - t0


def start_server(home: Path, port: int, password: str = PASSWORD) -> subprocess.Popen[bytes]:
    env = ecoplan_env(home, password)
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


def login(base: str, user: str = "admin", password: str = PASSWORD) -> httpx.Cookies:
    with httpx.Client(base_url=base) as c:
        html = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', html)
        assert token, "no CSRF token on the login page"
        r = c.post(
            "/login",
            data={"username": user, "password": password, "csrf_token": token.group(1)},
        )
        assert r.status_code in (200, 303), r.text
        assert c.get("/api/me").status_code == 200, "login failed"  # (not "/": keep it cold)
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


def warm(base: str, cookies: httpx.Cookies, plan: str) -> tuple[int, str, float, float]:
    """First (cold) requests: the assessment API (computes and caches the result) and the
    overview. Returns the year, an assessed indicator code and both cold latencies (s)."""
    with httpx.Client(base_url=base, cookies=cookies, timeout=600) as c:
        t0 = time.perf_counter()
        r = c.get(f"/api/plans/{plan}/assessment", params={"limit": 1})
        cold_api = time.perf_counter() - t0
        r.raise_for_status()
        body = r.json()
        t0 = time.perf_counter()
        c.get("/", params={"plan": plan}).raise_for_status()
        cold_page = time.perf_counter() - t0
        code = body["items"][0]["indicator_code"] if body["items"] else "none"
        return int(body["year"]), code, cold_api, cold_page


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=20)
    ap.add_argument("--home", type=Path, help="an existing demo home (default: a new one)")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password", default=PASSWORD, help="of --user in --home")
    ap.add_argument("--plan", default=DEFAULT_PLAN)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecoplan-bench-") as tmp:
        home = args.home or Path(tmp)
        if args.home is None:
            print(f"loading the demo into {home} …", flush=True)
            print(f"demo loaded in {load_demo(home):.0f} s")
        port = free_port()
        proc = start_server(home, port, args.password)
        base = f"http://127.0.0.1:{port}"
        try:
            cookies = login(base, args.user, args.password)
            year, code, cold_api, cold_page = warm(base, cookies, args.plan)
            print(
                f"cold (first request, computes the assessment of {args.plan} {year}): "
                f"API {cold_api * 1000:.0f} ms, then overview {cold_page * 1000:.0f} ms"
            )
            endpoints = (
                "/api/health",
                "/api/me",
                "/",
                f"/api/plans/{args.plan}/assessment?year={year}",
                f"/api/plans/{args.plan}/indicators",
                f"/plans/{args.plan}/indicators/{code}",
            )
            print(
                f"ecoplan web benchmark: {args.requests} requests per endpoint, "
                f"{args.concurrency} concurrent clients, one uvicorn worker, SQLite, loopback"
            )
            print(f"{'endpoint':58} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8} "
                  f"{'×base':>6} {'err':>4}")  # fmt: skip
            base_p50 = None
            for path in endpoints:
                lat, wall, errors = asyncio.run(
                    load(base, path, cookies, args.requests, args.concurrency)
                )
                p50 = pct(lat, 50)
                base_p50 = base_p50 or p50
                print(
                    f"{path:58} {p50:8.1f} {pct(lat, 95):8.1f} {pct(lat, 99):8.1f} "
                    f"{len(lat) / wall:8.0f} {p50 / base_p50:6.1f} {errors:4d}"
                )
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
