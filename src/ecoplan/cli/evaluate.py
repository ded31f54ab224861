"""``ecoplan air evaluate`` and ``ecoplan water evaluate``: HJ 663 / GB 3838 evaluations."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json
from ecoplan.cli.engine_opt import engine_context, engine_option
from ecoplan.cli.water import water_app
from ecoplan.model.regions import UnknownRegionError, get_region
from ecoplan.store import warehouse

air_app = typer.Typer(
    help="空气质量 Air quality: HJ 663 annual evaluation of cities and counties from the "
    "hourly data in the warehouse (edition by year: HJ 663-2013 before 2026, HJ 663-2026 from "
    "2026; each day's AQI under the HJ 633 edition in force that day)."
)

REGION_HELP = (
    "GB/T 2260 code: 150000 evaluates every league/city, a league/city code (e.g. 150100 "
    "呼和浩特市) that city, a county code that county"
)


def _check_region(code: str) -> None:
    try:
        get_region(code)
    except UnknownRegionError:
        fail(f"unknown region code {code!r}; `ecoplan region list` shows the codes")


def _stat(p: dict[str, Any], kind: str) -> float | None:
    for st in p["statistics"]:
        if st["kind"] == kind:
            return st["rounded"]
    return None


def _fmt(v: float | None, digits: int = 0) -> str:
    if v is None:
        return "—"
    return f"{v:.{digits}f}"


@air_app.command("evaluate")
def air_evaluate(
    region: str = typer.Option(..., "--region", "-r", help=REGION_HELP),
    year: int = typer.Option(..., "--year", "-y", help="calendar year, e.g. 2020"),
    json_out: bool = typer.Option(False, "--json", help="print the full statistics as JSON"),
    engine: str | None = engine_option(),
) -> None:
    """Annual statistics per city (or county): annual means, CO 95th / O3-8h 90th percentiles,
    valid days, good days and ratio, heavy-pollution days, composite index, compliance — with
    the sand-dust-deducted figures beside the raw ones where dust days are recorded."""
    from ecoplan.assess.airquality import evaluate_region

    _check_region(region)
    store = open_store()
    con = warehouse.connect(store=store)
    with Progress(
        TextColumn("[bold]HJ 663 评价 evaluating"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} 城市 units"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=json_out,
    ) as bar:
        task = bar.add_task("eval", total=None)
        with engine_context(engine, store):
            evals = evaluate_region(
                con, region, year, progress=lambda i, n: bar.update(task, completed=i, total=n)
            )
    if json_out:
        print_json([e.to_dict() for e in evals])
        return
    if not evals:
        fail(f"no hourly air data for {region} in {year} (import some with `ecoplan import air`)")
    version = evals[0].raw.to_dict()["edition"]
    console.print(
        _air_table(f"{year}年环境空气质量评价（{version}）", [e.raw for e in evals], evals)
    )
    dusty = [e for e in evals if e.dust_days]
    if dusty:
        console.print(
            _air_table(
                f"{year}年 扣沙后 dust-deducted（沙尘天颗粒物不参与统计）",
                [e.dust_deducted for e in dusty],
                dusty,
            )
        )
        console.print(f"沙尘天 dust days recorded: {sum(e.dust_days for e in dusty)}")


AIR_COLUMNS = (
    "城市", "PM2.5", "PM10", "SO2", "NO2", "CO-95", "O3-8h-90",
    "有效天", "优良天", "优良率%", "重污染天", "综合指数", "达标",
)  # fmt: skip
AIR_STATS = (
    ("PM2.5", "mean", 0), ("PM10", "mean", 0), ("SO2", "mean", 0),
    ("NO2", "mean", 0), ("CO", "percentile", 1), ("O3", "percentile", 0),
)  # fmt: skip


def _air_table(title: str, stats: list[Any], evals: list[Any]) -> Table:
    """One row per unit: the HJ 663 annual figures (bulletin rounding)."""
    table = Table(title=title)
    for col in AIR_COLUMNS:
        table.add_column(col, justify="left" if col == "城市" else "right")
    for st, e in zip(stats, evals, strict=True):
        r = st.to_dict()
        rp, rd = r["pollutants"], r["days"]
        row = [f"{e.name_zh} {e.unit}"]
        row += [_fmt(_stat(rp[p], k), dg) if p in rp else "—" for p, k, dg in AIR_STATS]
        row += [
            str(rd["valid_days"]),
            str(rd["good_days"]),
            _fmt(rd["good_ratio_rounded"], 1),
            str(rd["heavy_days"]),
            _fmt(r["composite"]["rounded"], 2),
            {True: "[green]达标[/]", False: "[red]未达标[/]"}.get(r["attained"], "数据不足"),
        ]
        table.add_row(*row)
    return table


@water_app.command("evaluate")
def water_evaluate(
    region: str = typer.Option(..., "--region", "-r", help=REGION_HELP),
    year: int = typer.Option(..., "--year", "-y", help="calendar year"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
    engine: str | None = engine_option(),
) -> None:
    """Annual class of every section (GB 3838 single factor on annual means), target-class
    compliance, and the shares of sections in classes I–III and 劣V per region."""
    from ecoplan.assess.waterquality import evaluate_water

    _check_region(region)
    store = open_store()
    con = warehouse.connect(store=store)
    with engine_context(engine, store):
        res = evaluate_water(con, region, year)
    if json_out:
        print_json([r.to_dict() for r in res])
        return
    summary = Table(title=f"{year}年地表水水质评价 (GB 3838-2002)")
    for col in ("地区", "断面数", "Ⅰ～Ⅲ类比例%", "劣Ⅴ类比例%", "达到目标断面"):
        summary.add_column(col)
    for r in res:
        summary.add_row(
            f"{r.name_zh} {r.region_code}",
            str(r.n_sections),
            _fmt(r.share_i_iii, 1),
            _fmt(r.share_worse_v, 1),
            f"{r.meets_target}/{r.n_sections}",
        )
    console.print(summary)
    detail = Table(title="断面 Sections")
    for col in ("断面", "水体", "水质类别", "评价", "目标", "达标"):
        detail.add_column(col)
    for s in res[0].sections:
        ok = {True: "[green]是[/]", False: "[red]否[/]"}.get(s["meets_target"], "—")
        detail.add_row(
            f"{s['name']} {s['section']}",
            s["water_body"] or "",
            s["water_class"],
            s["grade_zh"] or "",
            s["target_class"] or "",
            ok,
        )
    console.print(detail)


def register(app: typer.Typer) -> None:
    app.add_typer(air_app, name="air")
