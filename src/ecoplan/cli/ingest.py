"""``ecoplan import …``, ``ecoplan template indicators``, ``ecoplan quarantine …`` and
``ecoplan warehouse …``: loading monitoring data (docs/ingest.md)."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecoplan.cli.common import console, err_console, fail, open_store, print_json
from ecoplan.ingest.codes import REASONS
from ecoplan.ingest.errors import IngestError
from ecoplan.ingest.importers import IMPORTERS
from ecoplan.ingest.result import STAGES, ImportResult

import_app = typer.Typer(
    name="import",
    help="导入监测数据 Import monitoring data: station/section registries, hourly air data, "
    "water samples, yearly indicator values, sand-dust events (CSV, XLSX or Parquet). Bad rows "
    "go to quarantine with file, line, column and reason; good rows around them are stored; "
    "importing a file again changes nothing. See docs/ingest.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)
template_app = typer.Typer(
    name="template", help="填报模板 Excel templates to fill and import.", no_args_is_help=True
)
quarantine_app = typer.Typer(
    name="quarantine",
    help="隔离区 Rows refused by imports: list them, export them to correct and re-import.",
    no_args_is_help=True,
)
warehouse_app = typer.Typer(
    name="warehouse",
    help="数据仓库 The Parquet measurement warehouse: import batches, clean-up.",
    no_args_is_help=True,
)

JSON_OPT = typer.Option(False, "--json", help="print the counts as JSON")
USER_OPT = typer.Option(None, "--user", help="who imports (default: the login name)")
SHOWN = 20


def _user(user: str | None) -> str | None:
    if user:
        return user
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


#: Warning groups evaluated after a committed import of this kind (issue: "on import").
WARN_AFTER: dict[str, tuple[str, ...]] = {
    "air": ("data_quality",),
    "water": ("water",),
    "forecast": ("air",),
}


def warn_after_import(store: Any, kind: str, results: list[ImportResult]) -> dict[str, Any] | None:
    """Run the warning rules that the new data can change, then deliver the outbox.

    Only after an import that committed a batch; a failure here never undoes the import
    (it is reported, and ``ecoplan warn run`` can be run again)."""
    groups = WARN_AFTER.get(kind)
    if not groups or not any(r.batch_id for r in results):
        return None
    from ecoplan.warn import deliver, run_warnings

    try:
        summary = run_warnings(store, kinds=groups)
        deliver(store)
    except Exception as exc:  # the import is committed; say what failed, do not hide it
        err_console.print(f"[yellow]预警未运行 warnings not run after the import:[/] {exc}")
        return {"error": str(exc)}
    return summary.to_dict()


def _run(kind: str, files: list[Path], json_out: bool, user: str | None) -> None:
    store = open_store()
    importer = IMPORTERS[kind]
    results: list[ImportResult] = []
    errors: list[dict[str, str]] = []
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[stage]}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    )
    with progress:
        for f in files:
            task = progress.add_task(f.name, total=len(STAGES), stage="")

            def step(stage: str, task: Any = task) -> None:
                progress.update(task, completed=STAGES.index(stage) + 1, stage=stage)

            try:
                results.append(importer(store, f, user=_user(user), progress=step))
            except (IngestError, OSError) as exc:
                errors.append({"file": str(f), "error": str(exc)})
            progress.remove_task(task)
    warned = warn_after_import(store, kind, results)
    store.dispose()
    if json_out:
        totals = (
            {k: sum(r.counts()[k] for r in results) for k in results[0].counts()} if results else {}
        )
        out: dict[str, Any] = {
            "accepted": totals.get("accepted", 0),
            "rejected": totals.get("rejected", 0),
            "duplicates": totals.get("duplicates", 0),
            "revised": totals.get("revised", 0),
            "skipped_derived": totals.get("skipped_derived", 0),
            "missing": totals.get("missing", 0),
            "resolved": totals.get("resolved", 0),
        }
        if len(files) == 1 and results:
            out["batch_id"] = results[0].batch_id
        out["files"] = [r.to_dict(rejections=SHOWN) for r in results]
        out["errors"] = errors
        if warned is not None:
            out["warnings"] = warned
        print_json(out)
    else:
        for r in results:
            _print_result(r)
        for e in errors:
            err_console.print(f"[bold red]错误 Error:[/] {e['error']}", highlight=False)
        if warned and "counts" in warned:
            c = warned["counts"]
            console.print(
                f"预警 warnings: 新发 start {c['start']} · 升级 upgrade {c['upgrade']} · "
                f"解除 lift {c['lift']} · 生效中 active {warned.get('active', 0)}"
            )
    if errors:
        raise typer.Exit(1)


def _print_result(r: ImportResult) -> None:
    state = "未变化 unchanged (imported before)" if r.unchanged else f"批次 batch {r.batch_id}"
    console.print(f"[bold]{r.file_name}[/] ({r.layout}) — {state}", highlight=False)
    parts = [
        f"新增 accepted {r.accepted}",
        f"修订 revised {r.revised}",
        f"重复 duplicates {r.duplicates}",
        f"隔离 rejected {r.rejected}",
    ]
    if r.skipped_derived:
        parts.append(f"派生值未存 skipped_derived {r.skipped_derived}")
    if r.missing:
        parts.append(f"空值 missing {r.missing}")
    if r.resolved:
        parts.append(f"已解决隔离 resolved {r.resolved}")
    console.print("  " + " · ".join(parts), highlight=False)
    if r.rejections:
        _quarantine_table(r.rejections[:SHOWN], title=f"隔离行 Rejected rows of {r.file_name}")
        if len(r.rejections) > SHOWN:
            console.print(
                f"  … {len(r.rejections) - SHOWN} more: ecoplan quarantine list --batch "
                f"{r.batch_id or '<earlier batch>'}",
                highlight=False,
            )


def _quarantine_table(rows: list[dict[str, Any]], title: str, with_id: bool = False) -> None:
    t = Table(title=title)
    cols = (["ID"] if with_id else []) + [
        "文件 file",
        "行 line",
        "列 column",
        "值 value",
        "原因 reason",
    ]
    for c in cols:
        t.add_column(c, overflow="fold")
    for q in rows:
        t.add_row(
            *([str(q["id"])] if with_id else []),
            q["file_name"],
            "" if q["line"] is None else str(q["line"]),
            q["column_name"] or "",
            q["raw_value"] or "",
            q["reason"],
        )
    console.print(t)


FILES = typer.Argument(..., help="files to import (.csv, .xlsx or .parquet)", exists=True)
FILE = typer.Argument(..., help="file to import (.csv, .xlsx or .parquet)", exists=True)


@import_app.command("stations")
def import_stations(
    file: Path = FILE, json_out: bool = JSON_OPT, user: str | None = USER_OPT
) -> None:
    """Import or update the air station registry.

    Columns: code, name, region_code, kind, optional longitude, latitude, synthetic, source
    (Chinese headers accepted: 站点编码, 站点名称, 地区代码, 类型, 经度, 纬度). kind is
    national (国控), provincial (省控/区控) or micro (微站). Re-importing updates, never duplicates.
    """
    _run("stations", [file], json_out, user)


@import_app.command("sections")
def import_sections(
    file: Path = FILE, json_out: bool = JSON_OPT, user: str | None = USER_OPT
) -> None:
    """Import or update the water-section registry.

    Columns: code, name, waterbody_type (river 河流 | lake 湖库), region_code, optional
    water_body, target_class (I–V), longitude, latitude, synthetic, source.
    """
    _run("sections", [file], json_out, user)


@import_app.command("air")
def import_air(
    files: list[Path] = FILES, json_out: bool = JSON_OPT, user: str | None = USER_OPT
) -> None:
    """Import hourly air-quality data (the station registry must hold the stations).

    National layout: date,hour,type,<station codes…> — date YYYYMMDD, hour 0–23 = the hour
    ending at hour:00 local time (UTC+8, HJ 663); type PM2.5, PM10, SO2, NO2, O3, CO are stored;
    AQI and *_24h / *_8h rows are derived values, counted as skipped_derived, not stored.
    Empty cells are missing values.

    Long layout: station,time,pollutant,value[,unit] — time YYYY-MM-DD HH:00 (hour-end
    stamp); units µg/m³, CO mg/m³ (a different unit is refused, not converted).
    """
    _run("air", files, json_out, user)


@import_app.command("water")
def import_water(
    files: list[Path] = FILES, json_out: bool = JSON_OPT, user: str | None = USER_OPT
) -> None:
    """Import water-section samples (the section registry must hold the sections).

    Wide layout: section,date,<items…> — one row per section and sampling date, item columns
    by GB 3838 code or Chinese name (pH, DO 溶解氧, CODMn 高锰酸盐指数, COD 化学需氧量, BOD5,
    NH3N 氨氮, TP 总磷, TN 总氮, …). Long layout: section,date,item,value[,unit].
    Units mg/L (pH dimensionless, fecal_coliform 个/L).
    """
    _run("water", files, json_out, user)


@import_app.command("indicators")
def import_indicators(
    files: list[Path] = FILES, json_out: bool = JSON_OPT, user: str | None = USER_OPT
) -> None:
    """Import yearly indicator values (fill `ecoplan template indicators`).

    Columns: indicator_code, region_code, year, value, optional unit, plan_id, note (Chinese:
    指标代码, 地区代码, 年份, 数值, 单位, 规划, 备注). The code must belong to a plan held; a
    unit, when given, must be the indicator's unit.
    """
    _run("indicators", files, json_out, user)


@import_app.command("dust")
def import_dust(file: Path = FILE, json_out: bool = JSON_OPT, user: str | None = USER_OPT) -> None:
    """Import sand-dust events (annotations; they never change measurements).

    Columns: region_code (or station_code), start, end, optional note, source. Local time
    UTC+8, range [start, end); a date alone means the whole day.
    """
    _run("dust", [file], json_out, user)


@template_app.command("indicators")
def template_indicators(
    out: Path = typer.Option(..., "--out", "-o", help="the .xlsx file to write"),
) -> None:
    """Write an empty Excel template for yearly indicator values: a data sheet (Chinese and
    code headers, drop-down lists), every indicator with its unit and plan, every region."""
    from ecoplan.ingest.template import write_indicator_template
    from ecoplan.store.monitoring import indicator_catalog
    from ecoplan.store.regions import list_regions

    if out.suffix.lower() != ".xlsx":
        fail("--out must name an .xlsx file")
    store = open_store()
    with store.session() as s:
        catalog = indicator_catalog(s)
        regions = list_regions(s)
    write_indicator_template(out, catalog, regions)
    console.print(f"written {out} ({len(catalog)} 指标 indicators, {len(regions)} 地区 regions)")


@quarantine_app.command("list")
def quarantine_list(
    batch: str | None = typer.Option(None, "--batch", help="only rows of this batch (id prefix)"),
    kind: str | None = typer.Option(None, "--kind", help="air|water|indicators|stations|…"),
    all_rows: bool = typer.Option(False, "--all", help="include resolved rows"),
    limit: int = typer.Option(200, "--limit", help="show at most this many rows (text output)"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List quarantined rows: file, line, column, raw value and reason (open rows by default)."""
    from ecoplan.store.monitoring import list_quarantine

    store = open_store()
    with store.session() as s:
        rows = list_quarantine(s, batch_id=batch, kind=kind, include_resolved=all_rows)
    if json_out:
        for r in rows:
            r["raw_row"] = json.loads(r["raw_row"])
        print_json(rows)
        return
    if not rows:
        console.print("隔离区为空 no quarantined rows")
        return
    _quarantine_table(rows[:limit], title=f"隔离行 Quarantined rows ({len(rows)})", with_id=True)
    by_reason: dict[str, int] = {}
    for r in rows:
        by_reason[r["reason_code"]] = by_reason.get(r["reason_code"], 0) + 1
    console.print(
        " · ".join(f"{REASONS.get(k, k)} {v}" for k, v in sorted(by_reason.items())),
        highlight=False,
    )


@quarantine_app.command("export")
def quarantine_export(
    out: Path = typer.Option(..., "--out", "-o", help="file to write (.csv or .xlsx)"),
    kind: str | None = typer.Option(None, "--kind", help="which kind (needed when several)"),
    batch: str | None = typer.Option(None, "--batch", help="only rows of this batch"),
) -> None:
    """Write the open quarantined rows in the importable long layout of their kind, with
    quarantine_id and reason columns: correct the values and import the file again; rows that
    then pass mark their quarantine rows resolved."""
    from ecoplan.ingest.quarantine import export_rows
    from ecoplan.store.monitoring import list_quarantine

    store = open_store()
    with store.session() as s:
        rows = list_quarantine(s, batch_id=batch, kind=kind)
    kinds = sorted({r["kind"] for r in rows})
    if not rows:
        fail("no open quarantined rows to export")
    if len(kinds) > 1:
        fail(f"rows of several kinds ({', '.join(kinds)}): choose one with --kind")
    try:
        n = export_rows(kinds[0], rows, out)
    except IngestError as exc:
        fail(str(exc))
    console.print(
        f"written {out}: {n} rows ({kinds[0]}); correct them, then `ecoplan import {kinds[0]} "
        f"{out.name}`",
        highlight=False,
    )


@warehouse_app.command("batches")
def warehouse_batches(
    kind: str | None = typer.Option(None, "--kind", help="only this kind"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the committed import batches, oldest first."""
    from ecoplan.store.monitoring import list_batches

    store = open_store()
    with store.session() as s:
        rows = list_batches(s, kind=kind)
    if json_out:
        print_json(rows)
        return
    t = Table(title="导入批次 Import batches")
    for c in ("seq", "id", "kind", "file", "imported", "accepted", "revised", "dup", "rejected"):
        t.add_column(c)
    for b in rows:
        t.add_row(
            str(b["seq"]),
            b["id"],
            b["kind"],
            b["file_name"],
            f"{b['imported_at']:%Y-%m-%d %H:%M}",
            str(b["accepted"]),
            str(b["revised"]),
            str(b["duplicates"]),
            str(b["rejected"]),
        )
    console.print(t)


@warehouse_app.command("gc")
def warehouse_gc(json_out: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Delete Parquet files left by interrupted imports (their batch was never committed)."""
    from ecoplan.store import warehouse

    store = open_store()
    removed = warehouse.gc(store=store)
    if json_out:
        print_json({"removed": [str(p) for p in removed]})
        return
    console.print(f"removed {len(removed)} orphan file(s)")


def register(app: typer.Typer) -> None:
    app.add_typer(import_app, name="import")
    app.add_typer(template_app, name="template")
    app.add_typer(quarantine_app, name="quarantine")
    app.add_typer(warehouse_app, name="warehouse")
