"""``ecoplan demo``: generate the synthetic demo data set (演示数据, 合成) and import it."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ecoplan.cli.common import console, err_console, fail, open_store, print_json
from ecoplan.config import settings
from ecoplan.demo.run import (
    DEFAULT_END,
    DEFAULT_SEED,
    DEFAULT_START,
    QUICK_END,
    QUICK_START,
    DemoFiles,
    LoadedFile,
    generate_demo,
    load_demo,
)
from ecoplan.demo.stations import DemoDataError
from ecoplan.ingest.errors import IngestError


def demo(
    seed: int = typer.Option(DEFAULT_SEED, "--seed", help="random seed (same seed → same files)"),
    start: str = typer.Option(
        str(DEFAULT_START.year), "--from", help="first year or day (YYYY or YYYY-MM-DD), ≥ 2015"
    ),
    end: str = typer.Option(
        DEFAULT_END.isoformat(), "--to", help="last year or day (YYYY or YYYY-MM-DD)"
    ),
    out: Path | None = typer.Option(
        None, "--out", help="output directory (default $ECOPLAN_HOME/demo)"
    ),
    no_import: bool = typer.Option(False, "--no-import", help="only write the files"),
    quick: bool = typer.Option(
        False, "--quick", help=f"only {QUICK_START.year}–{QUICK_END.year} (overrides --from/--to)"
    ),
    stations_per_city: int | None = typer.Option(
        None, "--stations-per-city", help="national stations per league/city (default 3–5)"
    ),
    json_out: bool = typer.Option(False, "--json", help="print a JSON summary"),
) -> None:
    """生成并导入演示数据（合成，非真实监测数据） Generate and import the SYNTHETIC demo data."""
    t0 = time.perf_counter()
    d0: str | dt.date = QUICK_START if quick else start
    d1: str | dt.date = QUICK_END if quick else end
    out_dir = out if out is not None else settings().home / "demo"
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    try:
        with progress:
            task = progress.add_task("生成演示数据 generating", total=1)

            def step(what: str, done: int, total: int) -> None:
                progress.update(task, description=f"生成 {what}", completed=done, total=total)

            files = generate_demo(
                out_dir, seed, d0, d1, stations_per_city=stations_per_city, on_step=step
            )
    except DemoDataError as exc:
        fail(str(exc))
    loaded: list[LoadedFile] = []
    warned: dict[str, Any] | None = None
    if not no_import:
        store = open_store()
        try:
            loaded = load_demo(store, files, console=err_console)
            warned = _warn_at_end(store, files.end)
        except IngestError as exc:
            fail(f"导入失败 import failed: {exc}")
        finally:
            store.dispose()
    elapsed = time.perf_counter() - t0
    if json_out:
        summary = _summary(files, loaded, elapsed)
        summary["warnings"] = warned
        print_json(summary)
        return
    _print(files, loaded, elapsed)
    if warned is not None:
        _print_warned(warned)


def _warn_at_end(store: Any, end: dt.date) -> dict[str, Any]:
    """Evaluate every warning rule as of the demo's last day (the injected faults, the water
    sections and indicators then show on the 预警 page) and deliver the outbox."""
    from ecoplan.warn import WarningRunError, deliver, run_warnings

    try:
        with err_console.status("评估预警 evaluating the warnings …"):
            summary = run_warnings(store, end)
            deliver(store)
    except WarningRunError as exc:
        return {"error": str(exc)}
    return summary.to_dict()


def _print_warned(warned: dict[str, Any]) -> None:
    if "error" in warned:
        err_console.print(Text(f"预警未评估 warnings not evaluated: {warned['error']}"))
        return
    console.print(
        f"预警 warnings as of {warned['as_of']}: 发布 started {warned['counts'].get('start', 0)}, "
        f"当前有效 active {warned['active']} (ecoplan warn list --active)",
        highlight=False,
    )


def _summary(files: DemoFiles, loaded: list[LoadedFile], elapsed: float) -> dict[str, object]:
    hh = files.calibration_for("150100", 2020)
    return {
        "synthetic": True,
        "out_dir": str(files.out_dir),
        "seed": files.seed,
        "start": files.start.isoformat(),
        "end": files.end.isoformat(),
        "stations": files.n_stations,
        "sections": files.n_sections,
        "air_files": [p.name for p in files.air],
        "dust_events": files.n_dust_events,
        "indicator_values": files.n_indicator_values,
        "anomalies": [a.describe() for a in files.anomalies],
        "hohhot_2020": None
        if hh is None
        else {
            "pm25": round(hh.pm25, 1),
            "good_days": hh.good_days,
            "good_ratio": round(hh.good_ratio, 1),
        },
        "generate_seconds": round(files.seconds, 1),
        "total_seconds": round(elapsed, 1),
        "imports": [
            {"kind": x.kind, "seconds": round(x.seconds, 1), **x.result.to_dict()} for x in loaded
        ],
    }


def _print(files: DemoFiles, loaded: list[LoadedFile], elapsed: float) -> None:
    console.print(
        f"[bold yellow]演示数据（合成，非真实监测数据） SYNTHETIC demo data[/] → {files.out_dir}\n"
        f"seed {files.seed}, {files.start} … {files.end}: {files.n_stations} 站点 stations, "
        f"{files.n_sections} 断面 sections, {len(files.air)} 小时数据文件 hourly files, "
        f"{files.n_dust_events} 沙尘过程 dust events, {files.n_indicator_values} 指标值 "
        f"indicator values; generated in {files.seconds:.1f} s",
        highlight=False,
    )
    hh = files.calibration_for("150100", 2020)
    if hh is not None:
        console.print(
            f"呼和浩特市 2020 (calibration): PM2.5 {hh.pm25:.1f} µg/m³ (规划 41), "
            f"优良天数 {hh.good_days} 天 (规划 294), 优良比例 {hh.good_ratio:.1f} % (规划 80.3)",
            highlight=False,
        )
    for a in files.anomalies:
        console.print(f"注入的数据质量问题 injected fault: {a.describe()}", highlight=False)
    if loaded:
        table = Table(title="导入 Imports")
        for col in ("类型 kind", "文件 file", "新增 accepted", "重复 duplicates", "隔离 rejected",
                    "秒 s"):  # fmt: skip
            table.add_column(col)
        for x in loaded:
            r = x.result
            table.add_row(
                x.kind, x.path.name, str(r.accepted), str(r.duplicates), str(r.rejected),
                f"{x.seconds:.1f}",
            )  # fmt: skip
        console.print(table)
        if all(x.result.unchanged for x in loaded):
            console.print("已导入过，未新增数据 already imported: nothing new was stored.")
    console.print(f"总耗时 total {elapsed:.1f} s", highlight=False)


HELP = (
    "生成并导入演示数据（合成，非真实监测数据） Generate and import the SYNTHETIC demo data: "
    "stations 「演示…站」 at the 12 league/city seats with hourly air data (national CSV layout, "
    "one file per year: winter heating and inversion episodes, spring sand-dust, summer ozone, "
    "a plan-consistent downward trend; Hohhot 2020 calibrated to its plan: PM2.5 41 µg/m³, "
    "294 good days, 80.3 %), water sections on the plans' rivers and lakes with monthly "
    "GB 3838 samples, sand-dust events and yearly indicator values. Running it twice imports "
    "nothing new. See docs/demo.md."
)


def register(app: typer.Typer) -> None:
    app.command("demo", help=HELP)(demo)
