"""``ecoplan air evaluate`` and ``ecoplan water evaluate``: HJ 663 / GB 3838 evaluations."""

from __future__ import annotations

from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json
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


def _pair(raw: float | None, ded: float | None, digits: int = 0) -> str:
    """``41`` or ``41 (扣沙 39)`` when the dust-deducted figure differs."""
    a, b = _fmt(raw, digits), _fmt(ded, digits)
    return a if a == b else f"{a} (扣沙 {b})"


@air_app.command("evaluate")
def air_evaluate(
    region: str = typer.Option(..., "--region", "-r", help=REGION_HELP),
    year: int = typer.Option(..., "--year", "-y", help="calendar year, e.g. 2020"),
    json_out: bool = typer.Option(False, "--json", help="print the full statistics as JSON"),
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
        evals = evaluate_region(
            con, region, year, progress=lambda i, n: bar.update(task, completed=i, total=n)
        )
    if json_out:
        print_json([e.to_dict() for e in evals])
        return
    if not evals:
        fail(f"no hourly air data for {region} in {year} (import some with `ecoplan import air`)")
    version = evals[0].raw.to_dict()["edition"]
    table = Table(title=f"{year}年环境空气质量评价（{version}；括号内为扣沙后）")
    for col in (
        "城市", "PM2.5", "PM10", "SO2", "NO2", "CO-95", "O3-8h-90",
        "有效天", "优良天", "优良率%", "重污染天", "综合指数", "达标",
    ):
        table.add_column(col, justify="right" if col != "城市" else "left")
    for e in evals:
        r, d = e.raw.to_dict(), e.dust_deducted.to_dict()
        rp, dp = r["pollutants"], d["pollutants"]
        row = [f"{e.name_zh} {e.unit}"]
        for p, kind, digits in (
            ("PM2.5", "mean", 0), ("PM10", "mean", 0), ("SO2", "mean", 0),
            ("NO2", "mean", 0), ("CO", "percentile", 1), ("O3", "percentile", 0),
        ):
            row.append(_pair(_stat(rp[p], kind), _stat(dp[p], kind), digits) if p in rp else "—")
        rd, dd = r["days"], d["days"]
        row += [
            _pair(rd["valid_days"], dd["valid_days"]),
            _pair(rd["good_days"], dd["good_days"]),
            _pair(rd["good_ratio_rounded"], dd["good_ratio_rounded"], 1),
            _pair(rd["heavy_days"], dd["heavy_days"]),
            _pair(r["composite"]["rounded"], d["composite"]["rounded"], 2),
            {True: "[green]达标[/]", False: "[red]未达标[/]"}.get(r["attained"], "数据不足"),
        ]
        table.add_row(*row)
    console.print(table)
    dust = sum(e.dust_days for e in evals)
    if dust:
        console.print(f"沙尘天 dust days recorded: {dust} (扣沙: 沙尘天颗粒物不参与统计)")


@water_app.command("evaluate")
def water_evaluate(
    region: str = typer.Option(..., "--region", "-r", help=REGION_HELP),
    year: int = typer.Option(..., "--year", "-y", help="calendar year"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Annual class of every section (GB 3838 single factor on annual means), target-class
    compliance, and the shares of sections in classes I–III and 劣V per region."""
    from ecoplan.assess.waterquality import evaluate_water

    _check_region(region)
    store = open_store()
    con = warehouse.connect(store=store)
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
            f"{s['name']} {s['section']}", s["water_body"] or "", s["water_class"],
            s["grade_zh"] or "", s["target_class"] or "", ok,
        )
    console.print(detail)


def register(app: typer.Typer) -> None:
    app.add_typer(air_app, name="air")
