"""Crash safety with a real process kill: an import SIGKILLed after writing its Parquet file
and before its DB commit leaves the store as it was; gc() removes the orphan."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from ecoplan.ingest import import_air
from ecoplan.ingest.measurements import PAUSE_ENV
from ecoplan.store import warehouse
from ecoplan.store.db import Store

from .conftest import DATA, air_rows, table_counts


def _big_file(path: Path) -> dict[tuple[str, str, str], float]:
    """Three days × 24 h × 3 stations × 3 pollutants (648 values, some overlapping the
    committed ones with other values); returns what the file holds."""
    lines = ["date,hour,type,1001A,1002A,1003A"]
    held: dict[tuple[str, str, str], float] = {}
    for day in ("20240301", "20240302", "20240303"):
        for h in range(24):
            for pol, base in (("PM2.5", 30), ("PM10", 60), ("NO2", 20)):
                vals = [base + h, base + h + 1, base + h + 2]
                if (day, h, pol) == ("20240301", 0, "PM2.5"):
                    vals[0] = 99
                lines.append(f"{day},{h},{pol}," + ",".join(str(v) for v in vals))
                t = f"{day[:4]}-{day[4:6]}-{day[6:]} {h:02d}:00"
                for st, v in zip(("1001A", "1002A", "1003A"), vals, strict=True):
                    held[(st, t, pol)] = float(v)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return held


def test_killed_import_leaves_the_store_unchanged(
    seeded: Store, db_url: str, tmp_path: Path
) -> None:
    import_air(seeded, DATA / "air_national.csv")
    before = (table_counts(seeded), air_rows(seeded))
    files_before = warehouse.dataset_files(seeded.settings, "air_hourly")
    big = tmp_path / "big.csv"
    in_file = _big_file(big)

    env = dict(os.environ)
    env |= {
        "ECOPLAN_HOME": str(seeded.settings.home),
        "ECOPLAN_DATABASE_URL": db_url,
        PAUSE_ENV: "120",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "ecoplan.cli", "import", "air", str(big), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        seen = ""
        assert proc.stderr is not None
        while PAUSE_ENV not in seen:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, f"import ended early: {seen}"
            seen += line
            assert time.monotonic() < deadline, "the import never reached the pause"
        orphans = sorted(
            set(warehouse.dataset_files(seeded.settings, "air_hourly")) - set(files_before)
        )
        assert len(orphans) == 1  # written under its final name, batch not committed
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # readers see exactly what they saw before; the DB holds nothing of the killed import
    assert (table_counts(seeded), air_rows(seeded)) == before
    assert air_rows(seeded)[("1001A", "2024-03-01 00:00", "PM2.5")] == 38.0
    removed = warehouse.gc(store=seeded)
    assert removed == orphans and not orphans[0].exists()
    assert warehouse.dataset_files(seeded.settings, "air_hourly") == files_before

    # the lock died with the process: the same import now runs to the end
    res = import_air(seeded, big)
    committed = before[1]
    changed = {k for k, v in in_file.items() if k in committed and committed[k] != v}
    assert ("1001A", "2024-03-01 00:00", "PM2.5") in changed
    assert (res.accepted, res.revised) == (len(in_file.keys() - committed.keys()), len(changed))
    assert air_rows(seeded) == committed | in_file
