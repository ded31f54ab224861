"""``ecoplan allocation template|import|show``: target allocation (目标分解) to the
leagues/cities or counties (docs/allocation.md)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from ecoplan.cli.common import console, fail, open_store, print_json
from ecoplan.store import schema as s

allocation_app = typer.Typer(
    help="目标分解 Target allocation: the leagues'/counties' shares of a plan's regional "
    "targets — an Excel template, a validated import (totals must add up to the region's "
    "target), and the table the assessment uses.",
    no_args_is_help=True,
)
PLAN = typer.Option(..., "--plan", help="plan id (see `ecoplan plan list`)")


def _plan(ses: Session, plan_id: str) -> s.Plan:
    from ecoplan.assess.run import AssessmentError, get_plan

    try:
        return get_plan(ses, plan_id)
    except AssessmentError as exc:
        fail(str(exc))


@allocation_app.command("template")
def template_cmd(
    plan: str = PLAN,
    out: Path = typer.Option(..., "--out", "-o", help="the .xlsx file to write"),
) -> None:
    """Write the allocation template: one row per regional target × year, one column per
    league/city (county), filled with the allocations held."""
    from ecoplan.assess.allocated import load_allocations
    from ecoplan.ingest.allocation import regional_targets, write_template

    if out.suffix.lower() != ".xlsx":
        fail("--out must name an .xlsx file")
    store = open_store()
    try:
        with store.session() as ses:
            p = _plan(ses, plan)
            held = {
                (code, region, a.year, a.comparator): a.value
                for (code, region), items in load_allocations(ses, plan).items()
                for a in items
            }
            write_template(out, p, held)
            n = len(regional_targets(p))
    finally:
        store.dispose()
    console.print(f"written {out}（{n} 项全区目标 regional targets）")


@allocation_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="the filled allocation template (.xlsx)"),
    plan: str = PLAN,
    json_out: bool = typer.Option(False, "--json", help="print the summary as JSON"),
) -> None:
    """Validate and load an allocation file, all or nothing; every error names the row, the
    column and the reason (e.g. a total whose allocations do not add up)."""
    from ecoplan.cli.users import cli_actor
    from ecoplan.ingest.allocation import AllocationError, import_allocation

    store = open_store()
    try:
        with store.session() as ses:
            p = _plan(ses, plan)
            try:
                summary = import_allocation(ses, file, p, cli_actor())
            except AllocationError as exc:
                fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        print_json(summary)
    else:
        console.print(
            f"已导入 {summary['file']}：{summary['targets']} 项目标，{summary['allocations']} "
            f"个分解值（替换 {summary['replaced']} 个）"
        )


@allocation_app.command("show")
def show_cmd(plan: str = PLAN) -> None:
    """Show, per regional target, what each league/city gets: its allocation, the region's
    target inherited (shares, means, maxima) or none (totals not allocated)."""
    from ecoplan.assess.allocated import load_allocations
    from ecoplan.ingest.allocation import allocation_matrix

    store = open_store()
    try:
        with store.session() as ses:
            p = _plan(ses, plan)
            matrix = allocation_matrix(p, load_allocations(ses, plan))
    finally:
        store.dispose()
    t = Table(title=f"{p.title_zh} 目标分解")
    t.add_column("指标 / 全区目标", overflow="fold")
    for name in matrix.region_names:
        t.add_column(name, overflow="fold")
    for row in matrix.rows:
        t.add_row(row.label, *row.cells)
    console.print(t)
    console.print(
        "[dim]「沿用」= 无分解目标，沿用全区目标（比率/均值/最大值类）；"
        "「—」= 总量未分解，不考核[/]"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(allocation_app, name="allocation")
