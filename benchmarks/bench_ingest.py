"""Benchmark: import one year of the national hourly CSV layout for 1,000 stations, then
evaluate every league/city (HJ 663).

Generates ``date,hour,type,<1000 station codes>`` for 8,760 hours with the six measured
pollutant rows (PM2.5, PM10, SO2, NO2, O3, CO) plus two derived rows (AQI, PM2.5_24h, skipped
by the importer), 2 % of the cells empty: 8,760 × 6 × 1,000 × 0.98 ≈ 51.5 M stored values.
Then it imports the file into a fresh store (SQLite + Parquet warehouse in a temporary
directory) and prints the import throughput and, measured in the same run, the time of a plain
DuckDB scan of the Parquet files written (``SELECT count(*), avg(value) FROM read_parquet``)
and the ratio. Then it runs the HJ 663 annual evaluation of all 12 leagues/cities (the
stations are spread over them as national stations) and prints its time and the ratio to the
same plain scan. ``--reimport`` also times importing the same file again (every value a
duplicate). Synthetic data; plain script, not a test::

    .venv/bin/python benchmarks/bench_ingest.py [--stations 1000] [--hours 8760] [--reimport]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv

TYPES = ("AQI", "PM2.5", "PM2.5_24h", "PM10", "SO2", "NO2", "O3", "CO")
SCALE = {"AQI": 60, "PM2.5": 35, "PM2.5_24h": 35, "PM10": 70, "SO2": 12, "NO2": 25, "O3": 60}


def generate(path: Path, n_stations: int, hours: int, seed: int = 1) -> list[str]:
    """Write the national-layout CSV in chunks of hours; returns the station codes."""
    rng = np.random.default_rng(seed)
    codes = [f"{1001 + i}A" for i in range(n_stations)]
    start = np.datetime64("2024-01-01T00", "h")
    chunk = 240
    opts = pcsv.WriteOptions(include_header=False, quoting_style="none")
    with open(path, "wb") as fh:
        fh.write(("date,hour,type," + ",".join(codes) + "\n").encode())
        for h0 in range(0, hours, chunk):
            hs = np.arange(h0, min(h0 + chunk, hours))
            times = start + hs
            n = hs.size * len(TYPES)
            t_rep = np.repeat(times, len(TYPES))
            date = np.char.replace(np.datetime_as_string(t_rep, unit="D"), "-", "")
            hour = (t_rep - t_rep.astype("datetime64[D]")).astype(int)
            types = np.tile(np.array(TYPES), hs.size)
            cols: dict[str, pa.Array] = {
                "date": pa.array(date),
                "hour": pa.array(hour),
                "type": pa.array(types),
            }
            scale = np.array([SCALE.get(t, 1.0) for t in TYPES])[
                np.tile(np.arange(len(TYPES)), hs.size)
            ]
            values = np.round(rng.gamma(2.0, 0.5, size=(n, n_stations)) * scale[:, None], 1)
            co = types == "CO"
            values[co] = np.round(values[co], 2)
            empty = rng.random((n, n_stations)) < 0.02
            for j, c in enumerate(codes):
                cols[c] = pa.array(values[:, j], mask=empty[:, j])
            pcsv.write_csv(pa.table(cols), fh, write_options=opts)
    return codes


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stations", type=int, default=1000)
    ap.add_argument("--hours", type=int, default=8760)
    ap.add_argument("--reimport", action="store_true", help="also time a second import")
    ap.add_argument("--workdir", type=Path, default=None, help="keep files here")
    args = ap.parse_args()

    work = args.workdir or Path(tempfile.mkdtemp(prefix="ecoplan-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ["ECOPLAN_HOME"] = str(work / "home")
    os.environ.pop("ECOPLAN_DATABASE_URL", None)

    from ecoplan.config import settings
    from ecoplan.ingest import import_air, import_stations
    from ecoplan.store import warehouse
    from ecoplan.store.db import Store
    from ecoplan.store.plans import sync_regions

    csv_path = work / "national_year.csv"
    t0 = time.perf_counter()
    codes = generate(csv_path, args.stations, args.hours)
    gen_s = time.perf_counter() - t0
    size_mb = csv_path.stat().st_size / 1e6
    print(
        f"generated {csv_path.name}: {args.hours} h × {len(TYPES)} types × {len(codes)} "
        f"stations, {size_mb:.0f} MB in {gen_s:.1f} s"
    )

    store = Store(settings())
    store.migrate()
    with store.session() as ses:
        sync_regions(ses)
    reg = work / "stations.csv"
    cities = ["150100", "150200", "150300", "150400", "150500", "150600",
              "150700", "150800", "150900", "152200", "152500", "152900"]  # fmt: skip
    reg.write_text(
        "code,name,region_code,kind\n"
        + "".join(
            f"{c},合成站点 synthetic {c},{cities[i % len(cities)]},national\n"
            for i, c in enumerate(codes)
        ),
        "utf-8",
    )
    import_stations(store, reg)

    stages: dict[str, float] = {}
    last_t = [time.perf_counter()]
    last_stage = ["start"]

    def progress(stage: str) -> None:
        now = time.perf_counter()
        stages[last_stage[0]] = now - last_t[0]
        last_t[0], last_stage[0] = now, stage

    t0 = time.perf_counter()
    res = import_air(store, csv_path, progress=progress)
    import_s = time.perf_counter() - t0
    stages[last_stage[0]] = time.perf_counter() - last_t[0]
    stored = res.accepted
    print(
        f"import: {stored:,} values stored, {res.skipped_derived:,} derived skipped, "
        f"{res.missing:,} empty, {res.rejected} rejected in {import_s:.1f} s "
        f"→ {stored / import_s:,.0f} values/s"
    )
    print("  stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items() if k != "start"))

    files = warehouse.dataset_files(store.settings, "air_hourly")
    mb = sum(f.stat().st_size for f in files) / 1e6
    con = duckdb.connect()
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        n, avg = con.sql(f"SELECT count(*), avg(value) FROM read_parquet({lst})").fetchall()[0]
        best = min(best, time.perf_counter() - t0)
    print(
        f"baseline DuckDB scan of the {len(files)} Parquet file(s) ({mb:.0f} MB): "
        f"{n:,} rows, avg {avg:.2f}, {best:.3f} s → {n / best:,.0f} rows/s"
    )
    print(f"ratio import time / scan time: {import_s / best:,.0f}×")
    full = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        con.sql(
            f"SELECT count(*), avg(value), max(time), max(station), max(pollutant) "
            f"FROM read_parquet({lst})"
        ).fetchall()
        full = min(full, time.perf_counter() - t0)
    print(
        f"baseline DuckDB scan reading every column the evaluation reads (station, time, "
        f"pollutant, value): {full:.3f} s"
    )

    view = warehouse.connect(store=store)
    t0 = time.perf_counter()
    vn = view.sql("SELECT count(*) FROM air_hourly WHERE pollutant = 'PM2.5'").fetchall()[0]
    print(f"view air_hourly: PM2.5 rows {vn[0]:,} in {time.perf_counter() - t0:.3f} s")

    from ecoplan.assess.airquality import evaluate_region

    t0 = time.perf_counter()
    evals = evaluate_region(view, "150000", 2024)
    eval_s = time.perf_counter() - t0
    print(
        f"HJ 663 evaluation of {len(evals)} leagues/cities (2024, {n:,} station-hours×pollutants): "
        f"{eval_s:.2f} s → {n / eval_s:,.0f} values/s; ratio evaluation / value-column scan: "
        f"{eval_s / best:.1f}×, / all-columns scan: {eval_s / full:.1f}×"
    )
    print(f"import + evaluation: {import_s + eval_s:.1f} s")

    if args.reimport:
        t0 = time.perf_counter()
        again = import_air(store, csv_path)
        s = time.perf_counter() - t0
        print(
            f"re-import: unchanged={again.unchanged}, {again.duplicates:,} duplicates in "
            f"{s:.1f} s → {again.duplicates / s:,.0f} values/s"
        )
    store.dispose()
    if args.workdir is None:
        print(f"(files in {work}; delete when done)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
