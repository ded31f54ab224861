"""``ecoplan warn …`` (run, list, show, rules, send, forecasts) and ``ecoplan import forecast``:
the early warnings (docs/warnings.md)."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ecoplan.cli.common import console, err_console, fail, open_store, print_json
from ecoplan.ingest.errors import IngestError
from ecoplan.model.warning_rules import (
    GROUPS,
    KIND_ZH,
    KINDS,
    WarningRulesError,
    load_rules_file,
)

warn_app = typer.Typer(
    name="warn",
    help="预警 Early warnings: heavy-pollution warnings from city AQI forecasts, water sections "
    "worse than their target class or in 劣Ⅴ, binding indicators turning at risk / off track, "
    "silent and flat-lining stations. Rules are data (`ecoplan warn rules`). See "
    "docs/warnings.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

KIND_HELP = f"group ({', '.join(GROUPS)}) or kind ({', '.join(KINDS)}); repeatable"
LEVEL_STYLE = {
    "blue": "bold blue",
    "yellow": "bold yellow",
    "orange": "bold dark_orange",
    "red": "bold red",
    "II": "yellow",
    "III": "yellow",
    "IV": "dark_orange",
    "V": "bold dark_orange",
    "劣V": "bold red",
    "off_track": "bold red",
    "at_risk": "dark_orange",
    "silent": "magenta",
    "flatline": "magenta",
}
"""Rich style of each warning level; a level not listed here is printed unstyled."""


def level_text(level: str, level_zh: str | None) -> Text:
    """The level as a styled Rich Text (never parsed as markup, so any level is safe)."""
    return Text(level_zh or level, style=LEVEL_STYLE.get(level, ""))


def _cell(value: object) -> Text:
    """A table cell as plain text: data (names, messages) is never interpreted as markup."""
    return Text("" if value is None else str(value))


EVENT_ZH = {
    "start": "发布 start",
    "upgrade": "升级 upgrade",
    "downgrade": "降级 downgrade",
    "lift": "解除 lift",
    "repeat-suppressed": "维持 repeat-suppressed",
}


def _parse_date(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--date {text!r}: expected YYYY-MM-DD")


def _os_user() -> str | None:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


@warn_app.command("run")
def warn_run(
    on: str | None = typer.Option(
        None,
        "--date",
        help="run date YYYY-MM-DD (default today): forecasts issued by then, data up to its end",
    ),
    kind: list[str] | None = typer.Option(None, "--kind", help=KIND_HELP),
    json_out: bool = typer.Option(False, "--json", help="print the run summary as JSON"),
    send: bool = typer.Option(
        True, "--send/--no-send", help="deliver the queued notifications after the run"
    ),
) -> None:
    """Evaluate the warning rules for a date: start, upgrade, downgrade or lift warnings.

    Running again for the same date changes nothing; the same level on a new forecast issue
    continues the warning (recorded as repeat-suppressed, not sent again).
    """
    from ecoplan.cli.users import cli_actor
    from ecoplan.warn import WarningRunError, deliver, run_warnings

    day = _parse_date(on)
    store = open_store()
    try:
        summary = run_warnings(store, day, kind or None, actor=cli_actor())
        report = deliver(store) if send else None
    except (WarningRunError, WarningRulesError) as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        out = summary.to_dict()
        out["delivery"] = report.to_dict() if report else None
        print_json(out)
        return
    c = summary.counts
    console.print(
        f"[bold]预警评估 warning run[/] {summary.as_of:%Y-%m-%d} — "
        + " · ".join(f"{EVENT_ZH[k]} {v}" for k, v in c.items())
        + f" — 当前有效 active {summary.active}",
        highlight=False,
    )
    if summary.events:
        t = Table(show_lines=False)
        for col in ("事件 event", "编号 id", "类型 kind", "对象 subject", "说明 message"):
            t.add_column(col, overflow="fold")
        for e in summary.events:
            t.add_row(
                _cell(EVENT_ZH.get(e["event"], e["event"])),
                _cell(e["warning_id"]),
                _cell(KIND_ZH.get(e["kind"], e["kind"])),
                _cell(f"{e['subject']} {e['subject_name'] or ''}"),
                _cell(e["message_zh"]),
            )
        console.print(t)
    for n in summary.notes:
        console.print(Text(n, style="dim"), highlight=False)
    if report is not None and (report.sent or report.failed):
        console.print(f"通知 notifications: sent {report.sent}, failed {report.failed}")
        for e in report.errors[:10]:
            err_console.print(Text(f"  outbox {e['outbox_id']} ({e['channel']}): {e['error']}"))
    console.print(f"[dim]规则 rules: {escape(str(summary.rules_source))}[/]", highlight=False)


@warn_app.command("list")
def warn_list(
    active: bool = typer.Option(False, "--active", help="only active warnings"),
    kind: str | None = typer.Option(None, "--kind", help=f"{', '.join(GROUPS)} or a kind"),
    region: str | None = typer.Option(None, "--region", help="region code (includes sub-regions)"),
    category: str | None = typer.Option(
        None, "--category", help="environment | progress | data_quality"
    ),
    limit: int = typer.Option(200, "--limit", help="at most this many rows"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List warnings (active first, newest first)."""
    from ecoplan.warn import WarningQueryError, list_warnings

    store = open_store()
    try:
        with store.session() as s:
            rows, total = list_warnings(
                s,
                state="active" if active else None,
                kind=kind,
                category=category,
                region=region,
                limit=limit,
            )
    except WarningQueryError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        print_json({"items": rows, "total": total})
        return
    if not rows:
        console.print("没有预警 no warnings")
        return
    t = Table(title=f"预警 Warnings ({total})")
    for col in ("ID", "状态 state", "级别 level", "类型 kind", "地区 region", "对象 subject",
                "评估日 as of", "说明 message"):  # fmt: skip
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(
            _cell(r["id"]),
            _cell("有效 active" if r["state"] == "active" else "已解除 lifted"),
            level_text(r["level"], r["level_zh"]),
            _cell(r["kind_zh"]),
            _cell(f"{r['region_code'] or ''} {r['region_zh'] or ''}"),
            _cell(f"{r['subject']} {r['subject_name'] or ''}"),
            _cell(r["evaluated_on"]),
            _cell(r["message_zh"]),
        )
    console.print(t)


@warn_app.command("show")
def warn_show(
    warning_id: int = typer.Argument(..., help="warning id (ecoplan warn list)"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """One warning with its event history and the inputs it was computed from."""
    from ecoplan.warn import get_warning

    store = open_store()
    try:
        with store.session() as s:
            w = get_warning(s, warning_id)
    finally:
        store.dispose()
    if w is None:
        fail(f"no warning with id {warning_id}")
    if json_out:
        print_json(w)
        return
    head = Text.assemble(
        (f"#{w['id']} {w['kind_zh']}", "bold"),
        f" — {w['subject']} {w['subject_name'] or ''} — ",
        level_text(w["level"], w["level_zh"]),
        f" — {'有效 active' if w['state'] == 'active' else '已解除 lifted'}",
    )
    console.print(head, highlight=False)
    console.print(Text(w["message_zh"] or ""), highlight=False)
    console.print(
        Text(
            f"rule {w['rule_id']} · started {w['started_on']} · evaluated {w['evaluated_on']}",
            style="dim",
        ),
        highlight=False,
    )
    t = Table(title="事件 Events")
    for col in ("时间 at", "评估日 as of", "事件 event", "级别 from→to", "说明 message", "通知"):
        t.add_column(col, overflow="fold")
    for e in w["events"]:
        sent = ", ".join(
            f"{n['channel']}:{'✓' if n['sent_at'] else ('✗' if n['error'] else '…')}"
            for n in e["notifications"]
        )
        t.add_row(
            _cell(e["at"].replace("T", " ")),
            _cell(e["as_of"]),
            _cell(EVENT_ZH.get(e["event"], e["event"])),
            _cell(f"{e['grade_from_zh'] or '—'} → {e['grade_to_zh'] or '—'}"),
            _cell(e["message_zh"]),
            _cell(sent),
        )
    console.print(t)
    console.print("[bold]依据 inputs[/]")
    print_json(w["inputs"])


@warn_app.command("rules")
def warn_rules(
    file: Path | None = typer.Option(
        None, "--check", help="validate this rules file instead of showing the one in force"
    ),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """Show the warning rules in force, or validate a rules file with --check.

    The rules in force are $ECOPLAN_HOME/warning_rules.yaml if it exists, else the shipped
    ecoplan/data/warning_rules.yaml (docs/warnings.md §1).
    """
    from ecoplan.config import settings
    from ecoplan.warn import resolve_rules

    try:
        rules = load_rules_file(file) if file is not None else resolve_rules(settings())
    except WarningRulesError as exc:
        fail(str(exc))
    if json_out:
        print_json(rules.to_dict())
        return
    if file is not None:
        console.print(f"[green]有效 valid[/]: {escape(str(file))} ({len(rules.rules)} rules)")
    t = Table(title=f"预警规则 Warning rules — {escape(str(rules.source))}")
    for col in ("ID", "类型 kind", "名称 name", "范围 scope", "启用", "参数 params"):
        t.add_column(col, overflow="fold")
    for r in rules.rules:
        d = r.to_dict()
        params = ", ".join(f"{k}={v}" for k, v in d["params"].items() if v not in (None, {}, []))
        t.add_row(
            _cell(r.id),
            _cell(KIND_ZH.get(r.kind, r.kind)),
            _cell(r.name_zh),
            _cell("all" if r.scope is None else " ".join(r.scope)),
            _cell("✓" if r.enabled else "✗"),
            _cell(params),
        )
    console.print(t)
    for c in rules.channels:
        console.print(
            f"通知 notify: {c.channel} → {c.target}"
            + ("" if c.enabled else " (disabled)")
            + (f" kinds={list(c.kinds)}" if c.kinds else "")
            + (f" regions={list(c.regions)}" if c.regions else ""),
            highlight=False,
        )


@warn_app.command("send")
def warn_send(json_out: bool = typer.Option(False, "--json", help="print JSON")) -> None:
    """Deliver the queued notifications (retries those that failed, up to 5 attempts)."""
    from ecoplan.warn import deliver

    store = open_store()
    try:
        report = deliver(store)
    finally:
        store.dispose()
    if json_out:
        print_json(report.to_dict())
        return
    console.print(f"通知 notifications: sent {report.sent}, failed {report.failed}")
    for e in report.errors:
        err_console.print(Text(f"  outbox {e['outbox_id']} ({e['channel']}): {e['error']}"))


@warn_app.command("forecasts")
def warn_forecasts(
    region: str | None = typer.Option(None, "--region", help="league/city code"),
    issue: str | None = typer.Option(None, "--issue-date", help="only this issue date"),
    latest: bool = typer.Option(False, "--latest", help="only each city's latest issue"),
    json_out: bool = typer.Option(False, "--json", help="print JSON"),
) -> None:
    """List the stored city AQI forecasts (every issue date is kept)."""
    from ecoplan.warn import WarningQueryError, list_forecasts

    issue_date = _parse_date(issue) if issue else None
    store = open_store()
    try:
        with store.session() as s:
            rows, total = list_forecasts(
                s, region=region, issue_date=issue_date, latest=latest, limit=None
            )
    except WarningQueryError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        print_json({"items": rows, "total": total})
        return
    t = Table(title=f"城市AQI预报 City AQI forecasts ({total})")
    for col in ("城市 city", "发布 issued", "预报日 for", "提前 lead", "AQI", "首要污染物"):
        t.add_column(col)
    for r in rows:
        t.add_row(
            f"{r['region_code']} {r['region_zh']}",
            r["issue_date"],
            r["target_date"],
            f"{r['lead_days']}d",
            f"{r['aqi']:g}",
            r["primary_pollutant"] or "",
        )
    console.print(t)


def import_forecast_cmd(
    file: Path = typer.Argument(..., help="forecast file (.csv, .xlsx or .parquet)", exists=True),
    json_out: bool = typer.Option(False, "--json", help="print the counts as JSON"),
    user: str | None = typer.Option(None, "--user", help="who imports (default: the login name)"),
) -> None:
    """Import city daily AQI forecasts (7–10 days ahead), kept per issue date.

    Columns: region_code (league/city), issue_date, target_date (1–10 days after issue), aqi
    (0–500), optional primary_pollutant (Chinese headers accepted: 城市代码, 发布日期, 预报日期,
    AQI, 首要污染物). Bad rows go to quarantine; importing the same file again changes nothing.
    A committed import then grades the heavy-pollution warnings (as `ecoplan warn run --kind
    air` does).
    """
    from ecoplan.cli.ingest import SHOWN, _print_result, warn_after_import
    from ecoplan.ingest.forecast import import_forecast

    store = open_store()
    try:
        res = import_forecast(store, file, user=user or _os_user())
        warned = warn_after_import(store, "forecast", [res])
    except (IngestError, OSError) as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        out: dict[str, Any] = res.to_dict(rejections=SHOWN)
        if warned is not None:
            out["warnings"] = warned
        print_json(out)
        return
    _print_result(res)


def register(app: typer.Typer) -> None:
    from ecoplan.cli.ingest import import_app

    import_app.command("forecast")(import_forecast_cmd)
    app.add_typer(warn_app, name="warn")
