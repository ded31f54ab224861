"""Benchmark: the HJ 663 unit evaluation on DuckDB and on Spark (local mode) as the network grows.

For each size (default 1,000 / 5,000 / 20,000 stations, ten stations per evaluated unit) it
writes ``--days`` days (default a whole year, 365) of hourly values of the six pollutants into
a fresh warehouse (Parquet files in the import layout ``air_hourly/year=Y/<batch>.parquet``,
one committed batch per 100 stations, recorded in a SQLite application DB), then runs
:func:`ecoplan.assess.airquality.evaluate_units` — unit-hourly aggregation + the standards step
per unit — once with each engine, each in its own process, and prints the wall time (Spark
session start-up shown apart), the peak resident memory of the process tree (Python + JVM,
sampled from /proc every 0.1 s) and the growth ratio from one size to the next. Synthetic
data; plain script, not a test (``make bench``; docs/scale.md discusses the results)::

    .venv/bin/python benchmarks/bench_scale.py [--sizes 1000,5000,20000] [--days 365]
        [--engines duckdb,spark] [--spark-master local[2]]

Rows per size: stations × 24 × days × 6 (one year of 1,000 stations ≈ 52.6 M values).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

YEAR = 2025
POLS = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")
LEVEL = {"SO2": 12.0, "NO2": 30.0, "PM10": 70.0, "PM2.5": 35.0, "CO": 0.9, "O3": 90.0}
PER_UNIT = 10
PER_BATCH = 100


def station_units(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": [f"S{i:06d}" for i in range(n)],
            "unit": [f"U{i // PER_UNIT:05d}" for i in range(n)],
        }
    )


def generate(home: Path, n: int, days: int, seed: int = 1) -> int:
    """Write the warehouse and commit its batches; returns the number of values."""
    from ecoplan.config import settings
    from ecoplan.store import schema as s
    from ecoplan.store import warehouse
    from ecoplan.store.db import Store

    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    rng = np.random.default_rng(seed)
    times = pd.date_range(dt.datetime(YEAR, 1, 1, 1), periods=24 * days, freq="h").to_numpy()
    h = times.size
    codes = station_units(n)["station"].to_numpy()
    total = 0
    for seq, b0 in enumerate(range(0, n, PER_BATCH), start=1):
        chunk = codes[b0 : b0 + PER_BATCH]
        k = chunk.size * len(POLS)
        bid = str(uuid.uuid4())
        level = np.repeat(np.array([LEVEL[p] for p in POLS] * chunk.size), h)
        values = np.round(level * rng.lognormal(0, 0.5, k * h), 1)
        table = pa.table(
            {
                "station": pa.array(np.repeat(chunk, len(POLS) * h)).dictionary_encode(),
                "time": pa.array(np.tile(times, k)),
                "pollutant": pa.array(
                    np.tile(np.repeat(np.array(POLS), h), chunk.size)
                ).dictionary_encode(),
                "value": pa.array(values),
                "line": pa.array(np.zeros(k * h, dtype=np.int32)),
                "batch_id": pa.DictionaryArray.from_arrays(
                    pa.array(np.zeros(k * h, dtype=np.int32)), pa.array([bid])
                ),
                "supersedes": pa.nulls(k * h, pa.string()),
            }
        )
        warehouse.write_batch(store.settings, warehouse.AIR, bid, table)
        with store.session() as ses:
            ses.add(
                s.ImportBatch(
                    id=bid, seq=seq, kind="air", layout="air_long", file_name=f"bench-{seq}",
                    file_sha256=bid.replace("-", "").ljust(64, "0"),
                    imported_at=dt.datetime.now(), status="committed", accepted=k * h,
                    rejected=0, duplicates=0, revised=0,
                )
            )  # fmt: skip
            ses.commit()
        total += k * h
    store.dispose()
    return total


def run_one(engine: str, home: str, n: int) -> None:
    """Child process: evaluate every unit on *engine*; print JSON timings."""
    from ecoplan import engines
    from ecoplan.assess.airquality import evaluate_units
    from ecoplan.config import settings
    from ecoplan.store import warehouse
    from ecoplan.store.db import Store

    store = Store(settings(home=home, database_url=f"sqlite:///{Path(home) / 'ecoplan.db'}"))
    su = station_units(n)
    t0 = time.perf_counter()
    eng = engines.open_engine(engine, store)
    t1 = time.perf_counter()
    con = warehouse.connect(store=store)
    with engines.use(eng):
        evals = evaluate_units(con, su, YEAR)
    t2 = time.perf_counter()
    if eng is not None:
        eng.close()
    print(json.dumps({"startup": t1 - t0, "compute": t2 - t1, "units": len(evals)}))


def _tree_rss(pid: int) -> int:
    """Resident bytes of *pid* and all its descendants."""
    children: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        children.setdefault(ppid, []).append(int(d))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


def measure(engine: str, home: Path, n: int, env: dict[str, str]) -> dict[str, float]:
    cmd = [sys.executable, __file__, "--run", engine, "--home", str(home), "--n", str(n)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while proc.poll() is None:
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(0.1)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    out, _ = proc.communicate()
    t.join()
    if proc.returncode:
        raise SystemExit(f"{engine} run for {n} stations failed (exit {proc.returncode})")
    res: dict[str, float] = json.loads(out.decode().strip().splitlines()[-1])
    res["peak_mib"] = peak / 2**20
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,5000,20000", help="station counts")
    ap.add_argument("--days", type=int, default=365, help="days of hourly data (≤ 365)")
    ap.add_argument("--engines", default="duckdb,spark")
    ap.add_argument("--spark-master", default="local[2]")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--home", help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.run:
        run_one(a.run, a.home, a.n)
        return
    sizes = [int(x) for x in a.sizes.split(",")]
    names = a.engines.split(",")
    env = dict(os.environ, ECOPLAN_SPARK_MASTER=a.spark_master, PYSPARK_PYTHON=sys.executable)
    rows: list[dict[str, float | int | str]] = []
    for n in sizes:
        with tempfile.TemporaryDirectory(prefix="ecoplan-bench-scale-") as tmp:
            home = Path(tmp)
            t0 = time.perf_counter()
            values = generate(home, n, a.days)
            print(f"{n} stations: {values / 1e6:.1f} M values written in "
                  f"{time.perf_counter() - t0:.0f} s", flush=True)  # fmt: skip
            for e in names:
                r = measure(e, home, n, env)
                rows.append({"engine": e, "stations": n, "values": values, **r})
                print(f"  {e:6s} start {r['startup']:6.1f} s  compute {r['compute']:7.1f} s  "
                      f"peak {r['peak_mib']:7.0f} MiB  units {int(r['units'])}",
                      flush=True)  # fmt: skip
    print()
    print(f"{'engine':7s} {'stations':>8s} {'M values':>9s} {'start s':>8s} {'compute s':>10s} "
          f"{'×time':>6s} {'peak MiB':>9s} {'×mem':>6s} {'M val/s':>8s}")  # fmt: skip
    for e in names:
        prev: dict[str, float | int | str] | None = None
        for r in (r for r in rows if r["engine"] == e):
            rt = f"{float(r['compute']) / float(prev['compute']):.2f}" if prev else "—"
            rm = f"{float(r['peak_mib']) / float(prev['peak_mib']):.2f}" if prev else "—"
            rate = float(r["values"]) / 1e6 / float(r["compute"])
            print(f"{e:7s} {int(r['stations']):8d} {float(r['values']) / 1e6:9.1f} "
                  f"{float(r['startup']):8.1f} {float(r['compute']):10.1f} {rt:>6s} "
                  f"{float(r['peak_mib']):9.0f} {rm:>6s} {rate:8.2f}")  # fmt: skip
            prev = r
    if {"duckdb", "spark"} <= set(names):
        print()
        for n in sizes:
            d = next(r for r in rows if r["engine"] == "duckdb" and r["stations"] == n)
            s = next(r for r in rows if r["engine"] == "spark" and r["stations"] == n)
            ratio = float(s["compute"]) / float(d["compute"])
            print(f"{n:6d} stations: Spark/DuckDB compute time {ratio:.2f}"
                  f" ({'Spark faster' if ratio < 1 else 'DuckDB faster'})")  # fmt: skip


if __name__ == "__main__":
    main()
