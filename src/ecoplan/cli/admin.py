"""``ecoplan init`` and ``ecoplan status``: set up the store and say what it holds."""

from __future__ import annotations

import typer
from rich.table import Table

from ecoplan.cli.common import console, initialise, open_store, print_json
from ecoplan.store.plans import plan_summaries
from ecoplan.store.regions import list_regions


def init_cmd(
    json_out: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Create or migrate the database, load the regions and the embedded plans (idempotent)."""
    store = open_store(init=False)
    res = initialise(store)
    out = {
        "database": store.settings.database_url,
        "regions_written": res["regions_written"],
        "plans": [r.__dict__ for r in res["plans"]],
    }
    if json_out:
        print_json(out)
        return
    console.print(f"数据库 database: {out['database']}")
    console.print(f"行政区划 regions written: {out['regions_written']}")
    for r in res["plans"]:
        console.print(
            f"规划 plan {r.plan_id}: {r.action} ({r.indicators} 指标, {r.targets} 目标值)"
        )


def status_cmd(json_out: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Summarise what the store holds: regions by level, plans with their counts."""
    store = open_store()
    with store.session() as s:
        regions = list_regions(s)
        plans = plan_summaries(s)
    levels = {
        lv: sum(1 for r in regions if r["level"] == lv)
        for lv in ("province", "prefecture", "county")
    }
    if json_out:
        print_json({"database": store.settings.database_url, "regions": levels, "plans": plans})
        return
    console.print(f"[bold]ecoplan[/] 数据库 database: {store.settings.database_url}")
    console.print(
        f"行政区划 regions: 自治区 {levels['province']} · 盟市 {levels['prefecture']} · "
        f"旗县(市、区) {levels['county']}"
    )
    t = Table(title="规划 Plans")
    for col in ("ID", "名称", "期限", "指标", "基准值", "目标值", "任务"):
        t.add_column(col)
    for p in plans:
        t.add_row(
            p["id"],
            p["title_zh"],
            p["period"],
            str(p["indicators"]),
            str(p["baselines"]),
            str(p["targets"]),
            str(p["tasks"]),
        )
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command("init")(init_cmd)
    app.command("status")(status_cmd)
