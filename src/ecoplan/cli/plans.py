"""``ecoplan plan …``: the plans, their indicators, baselines, targets and tasks."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json
from ecoplan.model.planfile import PlanFileError
from ecoplan.store.plans import get_plans, import_plan_file, plan_summaries, plan_to_dict
from ecoplan.store.regions import region_names

plan_app = typer.Typer(
    help="规划 Plans: list, show, import a plan file (YAML/JSON, docs/plan-format.md), export."
)

BINDING_ZH = {"binding": "约束性", "expected": "预期性", None: ""}
DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好", "reach": "达到目标值"}


class ExportFormat(StrEnum):
    json = "json"
    xlsx = "xlsx"


@plan_app.command("list")
def list_cmd(json_out: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """List the plans held, with counts of indicators, baselines, targets and tasks."""
    store = open_store()
    with store.session() as s:
        rows = plan_summaries(s)
    if json_out:
        print_json(rows)
        return
    table = Table(title="规划 Plans")
    for col in ("ID", "名称", "期限", "指标", "基准值", "目标值", "任务", "来源"):
        table.add_column(col)
    for r in rows:
        table.add_row(
            r["id"],
            r["title_zh"],
            r["period"],
            str(r["indicators"]),
            str(r["baselines"]),
            str(r["targets"]),
            str(r["tasks"]),
            "内置" if r["origin"] == "embedded" else "导入",
        )
    console.print(table)


@plan_app.command("show")
def show_cmd(
    plan_id: str = typer.Argument(..., help="plan id, e.g. hohhot-14fyp-eco (see `plan list`)"),
    json_out: bool = typer.Option(False, "--json", help="print JSON (same shape as export)"),
) -> None:
    """Show one plan: its indicators (binding first) with baselines and targets, and its tasks."""
    store = open_store()
    with store.session() as s:
        plans = get_plans(s, plan_id)
        names = region_names(s)
        if not plans:
            fail(f"no plan with id {plan_id!r}; `ecoplan plan list` shows the ids")
        data = plan_to_dict(plans[0])
    if json_out:
        print_json(data)
        return
    console.print(f"[bold]{data['title_zh']}[/]  ({data['title_en']})")
    console.print(
        f"{data['issuer_zh']} · {data['period_start']}–{data['period_end']} · "
        f"来源 source: {data['source_doc']}"
    )
    cats = {c["code"]: c["name_zh"] for c in data["indicator_categories"]}
    table = Table(title="指标 Indicators (约束性在前 binding first)", show_lines=False)
    for col in ("代码", "指标", "类别", "属性", "单位", "方向", "基准值", "目标值"):
        table.add_column(col)
    order = {"binding": 0, "expected": 1, None: 2}
    for ind in sorted(data["indicators"], key=lambda i: order[i["binding"]]):
        base = "; ".join(
            f"{b['year']} {names.get(b['region_code'], b['region_code'])} {b['value']:g}"
            for b in ind["baselines"]
        )
        tgt = "; ".join(
            f"{t['year']} {names.get(t['region_code'], t['region_code'])} {t['comparator']} "
            f"{t['value']:g}{' (保持)' if t['kind'] == 'maintain' else ''}"
            for t in ind["targets"]
        ) or "; ".join(q["text_zh"] for q in ind["qualitative_targets"])
        table.add_row(
            ind["code"],
            ind["name_zh"],
            cats.get(ind["category"] or "", ""),
            BINDING_ZH[ind["binding"]],
            ind["unit"],
            DIRECTION_ZH[ind["direction"]],
            base,
            tgt,
        )
    console.print(table)
    if data["tasks"]:
        tt = Table(title="任务 Tasks")
        for col in ("代码", "类型", "任务", "牵头单位"):
            tt.add_column(col)
        for t in data["tasks"]:
            tt.add_row(t["code"], t["kind"], t["title_zh"], "、".join(t["lead_departments"]))
        console.print(tt)


@plan_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="plan file (.yaml/.yml/.json), see docs/plan-format.md"),
    replace: bool = typer.Option(False, "--replace", help="replace a plan with the same id"),
    json_out: bool = typer.Option(False, "--json", help="print the result as JSON"),
) -> None:
    """Import a plan file. A file with any error is refused whole: nothing is half-imported."""
    store = open_store()
    try:
        with store.session() as s:
            res = import_plan_file(s, file, replace=replace)
    except PlanFileError as exc:
        lines = "\n".join(f"  • {loc}: {msg}" for loc, msg in exc.errors)
        fail(f"plan file {exc.path} was not imported ({len(exc.errors)} error(s)):\n{lines}")
    if json_out:
        print_json(res.__dict__)
        return
    verb = {
        "inserted": "已导入 imported",
        "replaced": "已替换 replaced",
        "unchanged": "未变化 unchanged",
    }
    console.print(
        f"{verb[res.action]}: {res.plan_id} — {res.indicators} indicators, "
        f"{res.baselines} baselines, {res.targets} targets, {res.tasks} tasks"
    )


@plan_app.command("export")
def export_cmd(
    fmt: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json or xlsx"),
    plan_id: str | None = typer.Option(None, "--plan", help="only this plan (default: all)"),
    out: Path | None = typer.Option(None, "--out", "-o", help="output file (xlsx needs one)"),
) -> None:
    """Export plans: JSON to stdout (or --out), or an Excel workbook with one sheet per plan."""
    store = open_store()
    with store.session() as s:
        plans = [plan_to_dict(p) for p in get_plans(s, plan_id)]
        names = region_names(s)
    if plan_id and not plans:
        fail(f"no plan with id {plan_id!r}")
    if fmt is ExportFormat.json:
        if out:
            import json

            out.write_text(json.dumps({"plans": plans}, ensure_ascii=False, indent=2), "utf-8")
            console.print(f"written {out}")
        else:
            print_json({"plans": plans})
        return
    if out is None:
        fail("--format xlsx needs --out FILE.xlsx")
    from ecoplan.report.plan_xlsx import write_plans_xlsx

    write_plans_xlsx(plans, out, region_names=names)
    console.print(f"written {out} ({len(plans)} sheet(s) of plans)")


def register(app: typer.Typer) -> None:
    app.add_typer(plan_app, name="plan")
