"""``ecoplan ledger …``: rectification ledgers (督察整改台账) — list, show, register, change
status, attach evidence, close (销号), statistics, Excel import/export, the example ledgers.

Changes name the acting account with ``--user`` and are checked by the web application's
permission function exactly as in the browser (a county editor cannot close its own items;
the approver must not have completed or edited the item). Without ``--user`` a command acts as
the system (audited as ``(cli:<os user>)``), which may register and import but never approve a
closure. Anyone with this command line can name any account: it is an administrator's tool on
the server, like direct database access.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json
from ecoplan.cli.users import cli_actor
from ecoplan.model.ledger import STATUS_ZH, LedgerError, Status
from ecoplan.store import ledger as svc
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store

ledger_app = typer.Typer(
    help="整改台账 Rectification ledgers: inspection rectification items (督察整改), plan tasks "
    "and major projects, public complaints (信访举报) — status, evidence, closure (销号), "
    "statistics, Excel import/export (docs/ledger.md)."
)

KIND_HELP = "inspection 督察整改 | plan_task 规划任务 | major_project 重大工程 | complaint 信访举报"


def _fail(exc: Exception) -> NoReturn:
    zh = getattr(exc, "message_zh", None)
    fail(f"{zh} / {exc}" if zh else str(exc))


def _caller(store: Store, username: str | None) -> svc.Caller:
    """The acting account (``--user``) with the web application's permission function bound
    to it, or the system when no account is named."""
    if not username:
        return svc.Caller(cli_actor(), svc._allow_all)
    from ecoplan.api.permissions import Principal
    from ecoplan.api.routes_ledger import caller_for  # registers the ledger actions
    from ecoplan.store.users import UserError, require_user

    try:
        with store.session() as s:
            u = require_user(s, username)
            p = Principal(u.id, u.username, u.role, u.region_code, u.display_name, u.active, "cli")
    except UserError as exc:
        _fail(exc)
    if not p.active:
        fail(f"账号 {username} 已停用 / account {username!r} is deactivated")
    return caller_for(p, Actor(p.id, p.username, None))


def _today(value: str | None) -> date:
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--today {value!r} 不是日期 / is not a date (YYYY-MM-DD)")


def _print_item(d: dict[str, Any]) -> None:
    flags = []
    if d["overdue"]:
        flags.append(f"[red]逾期 {d['days_overdue']} 天 overdue[/]")
    if d["stage_achieved"]:
        flags.append("[magenta]阶段性成效[/]")
    if d["reconstructed"]:
        flags.append("[yellow]示例·据总数重建[/]")
    console.print(f"[bold]{d['code']}[/] (id {d['id']}) {d['title']}", highlight=False)
    console.print(f"  状态 status: {d['status_zh']} {' '.join(flags)}", highlight=False)
    rows = [
        ("类型 kind", d["kind_zh"]),
        ("轮次 round", d["round"]),
        ("地区 region", f"{d['region_code']} {d['region_name']}"),
        ("责任单位", d["responsible_unit"]),
        ("牵头部门", d["lead_department"]),
        ("整改时限 deadline", d["deadline"]),
        ("整改措施 measures", d["measures"]),
        ("规划任务 plan task", f"{d['plan_id']} {d['task_code']}" if d["plan_id"] else None),
        ("申请销号 completed by", d["completed_by"]),
        ("销号 closed by", f"{d['closed_by']} {d['closed_at'] or ''}" if d["closed_by"] else None),
        ("销号意见", d["closure_note"]),
        ("数据说明", d["provenance"]),
    ]
    for k, v in rows:
        if v:
            console.print(f"  {k}: {v}", highlight=False)


@ledger_app.command("list")
def list_cmd(
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    round_: str | None = typer.Option(None, "--round", help="督察轮次/来源 (exact)"),
    region: str | None = typer.Option(None, "--region", help="GB/T 2260 code (and below)"),
    status: str | None = typer.Option(None, "--status", help="registered|in_progress|…|已销号"),
    overdue: bool = typer.Option(False, "--overdue", help="only items past their deadline"),
    today: str | None = typer.Option(None, "--today", help="the day overdue refers to"),
    limit: int = typer.Option(200, "--limit", help="at most this many rows"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List ledger items (overdue derived from the deadline and --today)."""
    day = _today(today)
    store = open_store()
    try:
        with store.session() as s:
            items, total = svc.list_items(
                s,
                kind=kind,
                round=round_,
                region=region,
                status=status,
                overdue=True if overdue else None,
                today=day,
                limit=limit,
            )
            rows = [svc.item_to_dict(i, day) for i in items]
    except LedgerError as exc:
        _fail(exc)
    if json_out:
        print_json({"items": rows, "total": total})
        return
    table = Table(title=f"整改台账 Ledger items ({len(rows)} / {total})")
    for col in ("ID", "编号", "类型", "轮次", "地区", "事项", "时限", "状态"):
        table.add_column(col)
    for r in rows:
        st = r["status_zh"] + (" [red]逾期[/]" if r["overdue"] else "")
        st += " [magenta]阶段性成效[/]" if r["stage_achieved"] else ""
        table.add_row(
            str(r["id"]),
            r["code"],
            r["kind_zh"],
            r["round"] or "",
            f"{r['region_code']} {r['region_name']}",
            r["title"],
            r["deadline"] or "",
            st,
        )
    console.print(table)


@ledger_app.command("show")
def show_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    json_out: bool = typer.Option(False, "--json", help="print JSON (timeline, evidence, audit)"),
) -> None:
    """Show one item with its timeline and evidence."""
    store = open_store()
    try:
        with store.session() as s:
            d = svc.item_detail(s, svc.get_item(s, ref), with_ip=True)
    except LedgerError as exc:
        _fail(exc)
    if json_out:
        print_json(d)
        return
    _print_item(d)
    if d["evidence"]:
        console.print("  佐证材料 evidence:")
        for e in d["evidence"]:
            console.print(
                f"    - {e['file_name']} ({e['size']} B, sha256 {e['sha256'][:12]}…, "
                f"{e['uploaded_by'] or '系统'} {e['uploaded_at']})",
                highlight=False,
            )
    console.print("  进展 timeline:")
    for n in d["notes"]:
        move = ""
        if n["from_status"] and n["to_status"]:
            move = f" {STATUS_ZH[Status(n['from_status'])]} → {STATUS_ZH[Status(n['to_status'])]}"
        console.print(
            f"    {n['at']} {n['author'] or '系统'} [{n['kind_zh']}]{move} {n['text'] or ''}",
            highlight=False,
        )


@ledger_app.command("add")
def add_cmd(
    kind: str = typer.Option(..., "--kind", help=KIND_HELP),
    title: str | None = typer.Option(None, "--title", help="问题及整改任务 (plan tasks: default)"),
    code: str | None = typer.Option(None, "--code", help="编号 (default LG-<year>-<n>)"),
    round_: str | None = typer.Option(None, "--round", help="督察轮次/来源"),
    source_doc: str | None = typer.Option(None, "--source-doc", help="来源文件"),
    region: str | None = typer.Option(None, "--region", help="GB/T 2260 code responsible"),
    unit: str | None = typer.Option(None, "--unit", help="责任单位"),
    lead: str | None = typer.Option(None, "--lead", help="牵头部门"),
    deadline: str | None = typer.Option(None, "--deadline", help="整改时限 YYYY-MM-DD"),
    measures: str | None = typer.Option(None, "--measures", help="整改措施"),
    plan: str | None = typer.Option(None, "--plan", help="plan id (plan tasks, projects)"),
    task: str | None = typer.Option(None, "--task", help="task code in the plan, e.g. MP02"),
    note: str | None = typer.Option(None, "--note", help="a first timeline entry"),
    user: str | None = typer.Option(None, "--user", help="acting account (default: system)"),
    json_out: bool = typer.Option(False, "--json", help="print the item as JSON"),
) -> None:
    """Register an item (status 已登记), audited."""
    store = open_store()
    caller = _caller(store, user)
    values = {
        "kind": kind,
        "title": title,
        "code": code,
        "round": round_,
        "source_doc": source_doc,
        "region_code": region,
        "responsible_unit": unit,
        "lead_department": lead,
        "deadline": deadline,
        "measures": measures,
        "plan_id": plan,
        "task_code": task,
    }
    try:
        with store.session() as s:
            d = svc.item_to_dict(svc.create_item(s, caller, values, note=note))
    except LedgerError as exc:
        _fail(exc)
    if json_out:
        print_json(d)
        return
    console.print(f"已登记 registered: {d['code']} (id {d['id']}) {d['title']}", highlight=False)


@ledger_app.command("transition")
def transition_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    status: str = typer.Argument(..., help="in_progress | completed | closed (or 整改中 …)"),
    user: str = typer.Option(..., "--user", help="acting account"),
    note: str | None = typer.Option(None, "--note", help="reason (needed to send back/reopen)"),
) -> None:
    """Change an item's status along the flow (registered → in_progress → completed → closed;
    completed → in_progress sends back; closed → in_progress reopens)."""
    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            d = svc.item_to_dict(svc.transition(s, caller, ref, status, note))
    except LedgerError as exc:
        _fail(exc)
    console.print(f"{d['code']}: {d['status_zh']}", highlight=False)


@ledger_app.command("close")
def close_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    user: str = typer.Option(..., "--user", help="the approving account"),
    note: str | None = typer.Option(None, "--note", help="销号意见"),
) -> None:
    """销号: approve the closure of a completed item (evidence needed; the approver is an admin
    or an editor of the region above, and neither completed nor edited the item)."""
    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            d = svc.item_to_dict(svc.close_item(s, caller, ref, note))
    except LedgerError as exc:
        _fail(exc)
    console.print(f"已销号 closed: {d['code']} ({d['closed_by']})", highlight=False)


@ledger_app.command("attach")
def attach_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    file: Path = typer.Argument(..., help="the evidence file", exists=True, dir_okay=False),
    user: str = typer.Option(..., "--user", help="acting account"),
    note: str | None = typer.Option(None, "--note", help="what the file shows"),
) -> None:
    """Attach an evidence file (stored as $ECOPLAN_HOME/evidence/<sha256>)."""
    store = open_store()
    caller = _caller(store, user)
    data = file.read_bytes()
    try:
        with store.session() as s:
            ev = svc.evidence_to_dict(
                svc.attach_evidence(
                    s,
                    caller,
                    ref,
                    file_name=file.name,
                    data=data,
                    home=store.settings.home,
                    note=note,
                )
            )
    except LedgerError as exc:
        _fail(exc)
    console.print(
        f"已上传 attached: {ev['file_name']} ({ev['size']} B, sha256 {ev['sha256']})",
        highlight=False,
    )


@ledger_app.command("note")
def note_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    text: str = typer.Argument(..., help="整改进展"),
    user: str = typer.Option(..., "--user", help="acting account"),
) -> None:
    """Add a progress note (整改进展)."""
    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            svc.add_note(s, caller, ref, text)
    except LedgerError as exc:
        _fail(exc)
    console.print("已添加进展 note added")


@ledger_app.command("stage")
def stage_cmd(
    ref: str = typer.Argument(..., help="item id or code"),
    user: str = typer.Option(..., "--user", help="acting account"),
    note: str | None = typer.Option(None, "--note", help="what was achieved (required to set)"),
    clear: bool = typer.Option(False, "--clear", help="clear the flag instead"),
) -> None:
    """Mark (or --clear) 阶段性成效 on an open item."""
    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            svc.set_stage_achieved(s, caller, ref, not clear, note)
    except LedgerError as exc:
        _fail(exc)
    console.print("已更新 updated")


@ledger_app.command("stats")
def stats_cmd(
    round_: str | None = typer.Option(None, "--round", help="督察轮次/来源 (exact)"),
    region: str | None = typer.Option(None, "--region", help="GB/T 2260 code (and below)"),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    today: str | None = typer.Option(None, "--today", help="the day overdue refers to"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Counts by round and kind, with sentences in the plans' style
    (“21项整改任务销号20项，剩余1项取得阶段性成效”)."""
    store = open_store()
    try:
        with store.session() as s:
            st = svc.statistics(s, round=round_, region=region, kind=kind, today=_today(today))
    except LedgerError as exc:
        _fail(exc)
    if json_out:
        print_json(st)
        return
    table = Table(title=f"台账统计 Ledger statistics (截至 {st['today']})")
    for col in (
        "轮次 round",
        "类型",
        "总数",
        "已登记",
        "整改中",
        "已完成",
        "已销号",
        "阶段性",
        "逾期",
    ):
        table.add_column(col)
    for g in st["groups"]:
        c = g["counts"]
        table.add_row(
            g["round"] or "",
            g["kind_zh"],
            *(str(c[k]) for k in ("total", "registered", "in_progress", "completed", "closed")),
            str(c["stage_achieved"]),
            str(c["overdue"]),
        )
    console.print(table)
    for g in st["groups"]:
        console.print(f"· {g['sentence_zh']}。", highlight=False)


@ledger_app.command("import")
def import_cmd(
    file: Path = typer.Argument(..., help="ledger file (.xlsx or .csv, docs/ledger.md)"),
    user: str | None = typer.Option(None, "--user", help="acting account (admin; default system)"),
) -> None:
    """Import a ledger file: all rows or none; matched by 编号, re-import changes nothing."""
    from ecoplan.ingest.errors import IngestError
    from ecoplan.ingest.ledger_xlsx import import_ledger

    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            r = import_ledger(s, caller, file)
    except (LedgerError, IngestError) as exc:
        _fail(exc)
    console.print(
        f"{r.file_name}: 新增 inserted {r.inserted}, 更新 updated {r.updated}, "
        f"未变 unchanged {r.unchanged}"
        + (
            f"; 忽略的列 ignored columns: {', '.join(r.ignored_columns)}"
            if r.ignored_columns
            else ""
        ),
        highlight=False,
    )


@ledger_app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", "-o", help="output .xlsx"),
    kind: str | None = typer.Option(None, "--kind", help=KIND_HELP),
    round_: str | None = typer.Option(None, "--round", help="督察轮次/来源 (exact)"),
    region: str | None = typer.Option(None, "--region", help="GB/T 2260 code (and below)"),
    status: str | None = typer.Option(None, "--status", help="only this status"),
    today: str | None = typer.Option(None, "--today", help="the day overdue refers to"),
) -> None:
    """Export to Excel in the officials' layout (one row per item, Chinese headers)."""
    from ecoplan.report.ledger_xlsx import write_ledger_xlsx

    day = _today(today)
    store = open_store()
    try:
        with store.session() as s:
            items, _ = svc.list_items(
                s, kind=kind, round=round_, region=region, status=status, today=day
            )
            rows = svc.items_for_export(s, items, day)
            st = svc.statistics(s, round=round_, region=region, kind=kind, today=day)
    except LedgerError as exc:
        _fail(exc)
    write_ledger_xlsx(rows, out, stats=st, today=day)
    console.print(f"written {out} ({len(rows)} 项 items)")


@ledger_app.command("load-examples")
def load_examples_cmd(
    user: str | None = typer.Option(None, "--user", help="acting account (admin; default system)"),
) -> None:
    """Load the example ledgers: the Hohhot 14th FYP's inspection and complaint totals rebuilt
    as items (marked 据总数重建). Loading twice changes nothing."""
    from ecoplan.ingest.errors import IngestError
    from ecoplan.ingest.ledger_xlsx import load_examples

    store = open_store()
    caller = _caller(store, user)
    try:
        with store.session() as s:
            results = load_examples(s, caller)
            st = svc.statistics(s)
    except (LedgerError, IngestError) as exc:
        _fail(exc)
    for r in results:
        console.print(
            f"{r.file_name}: 新增 {r.inserted}, 更新 {r.updated}, 未变 {r.unchanged}",
            highlight=False,
        )
    for g in st["groups"]:
        console.print(f"· {g['sentence_zh']}。", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")
