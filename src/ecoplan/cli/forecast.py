"""``ecoplan forecast …``: verification of the city AQI forecasts against the observed daily
AQI (``verify``) and the system's baseline forecast (``make``). See docs/forecast.md."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import typer
from rich.table import Table

from ecoplan.cli.common import console, fail, open_store, print_json

forecast_app = typer.Typer(
    name="forecast",
    help="城市AQI预报 City AQI forecasts: verify the stored forecasts (imported and the "
    "system's baseline) against the observed daily AQI, and make the baseline forecast from "
    "the history alone. See docs/forecast.md.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)


def _date(text: str | None, default: date, option: str) -> date:
    if text is None:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option} {text!r}: 应为 YYYY-MM-DD expected YYYY-MM-DD")


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _num(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _score_table(title: str, rows: list[dict[str, Any]], key: str, key_zh: str) -> Table:
    t = Table(title=title)
    for col in (key_zh, "样本 n", "级别准确率 hit", "±1级 within 1", "平均绝对误差 MAE",
                "平均偏差 bias", "重污染命中 POD", "空报率 FAR"):  # fmt: skip
        t.add_column(col, justify="right" if col != key_zh else "left")
    for r in rows:
        label = str(r[key]) if key != "region_code" else f"{r['region_code']} {r['region_zh']}"
        t.add_row(
            label,
            str(r["n"]),
            _pct(r["hit_rate"]),
            _pct(r["within_one"]),
            _num(r["mae"]),
            _num(r["bias"]),
            _pct(r["heavy"]["pod"]),
            _pct(r["heavy"]["far"]),
        )
    return t


def verify_cmd(
    city: list[str] | None = typer.Option(
        None, "--city", help="盟市代码 league/city code (GB/T 2260), repeatable; default all"
    ),
    start: str | None = typer.Option(
        None, "--from", help="first target day YYYY-MM-DD (default 90 days before --to)"
    ),
    end: str | None = typer.Option(None, "--to", help="last target day (default yesterday)"),
    json_out: bool = typer.Option(False, "--json", help="print the full report as JSON"),
) -> None:
    """预报检验 Score the stored forecasts against the observed daily AQI: level hit rate,
    within ±1 level, MAE and bias by lead day and city; heavy-pollution days (AQI > 200) and
    heavy-pollution warnings as events (hits, misses, false alarms, POD/FAR/CSI); skill
    against persistence."""
    from ecoplan.forecast.baseline import stored_baseline
    from ecoplan.forecast.verify import VerifyError, verify
    from ecoplan.store import warehouse

    d1 = _date(end, date.today() - timedelta(days=1), "--to")
    d0 = _date(start, d1 - timedelta(days=89), "--from")
    store = open_store()
    try:
        con = warehouse.connect(store=store)
        try:
            with store.session() as s:
                extra = stored_baseline(s, city or None, d0, d1)
                report = verify(s, con, d0, d1, cities=city or None, extra=extra)
        finally:
            con.close()
    except VerifyError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        print_json(report)
        return
    _print(report)


def _print(report: dict[str, Any]) -> None:
    names = "、".join(f"{c['name_zh']}" for c in report["cities"]) or "—"
    console.print(
        f"[bold]预报检验 Forecast verification[/] {report['from']} … {report['to']}: {names}; "
        f"实况有效日 observed days {report['observed_days']}",
        highlight=False,
    )
    if not report["sources"]:
        console.print("该时段没有存储的预报 no stored forecast for these days.")
    for src in report["sources"]:
        o = src["overall"]
        line = (
            f"\n[bold]{src['source_zh']}[/] ({src['source']}): {src['forecasts']} 条预报, "
            f"已检验 scored {o['n']}, 待检验 pending {src['pending']}; "
            f"级别准确率 {_pct(o['hit_rate'])}, ±1级 {_pct(o['within_one'])}, "
            f"MAE {_num(o['mae'])}, bias {_num(o['bias'])}"
        )
        sk = src.get("skill")
        if sk and sk["overall"]["skill"] is not None:
            line += f"; 相对持续性预报技巧 skill vs persistence {_num(sk['overall']['skill'], 3)}"
        console.print(line, highlight=False)
        console.print(_score_table("按预报时效 by lead day", src["by_lead"], "lead", "时效(天)"))
        console.print(_score_table("按城市 by city", src["by_city"], "region_code", "城市"))
    w = report["warnings"]
    console.print(
        f"\n[bold]重污染天气预警检验 Warnings as events[/]: 实况过程 events {w['events']}, "
        f"命中 hits {w['hits']}, 漏报 misses {w['misses']}, 预警 warnings {w['warnings']} "
        f"(空报 false alarms {w['false_alarms']}, 待检验 pending {w['pending']}); "
        f"POD {_pct(w['pod'])}, FAR {_pct(w['far'])}, CSI {_pct(w['csi'])}",
        highlight=False,
    )


def make_cmd(
    issue: str | None = typer.Option(
        None, "--date", help="发布日期 issue date YYYY-MM-DD (default today); one issue"
    ),
    start: str | None = typer.Option(
        None, "--from", help="first issue date of a hindcast range (with --to)"
    ),
    end: str | None = typer.Option(None, "--to", help="last issue date of a hindcast range"),
    city: list[str] | None = typer.Option(
        None, "--city", help="盟市代码 league/city code, repeatable; default all with stations"
    ),
    leads: int = typer.Option(7, "--leads", help="预报时效 lead days 1–10"),
    train_years: int = typer.Option(4, "--train-years", help="years of history fitted"),
    json_out: bool = typer.Option(False, "--json", help="print a JSON summary"),
) -> None:
    """基线预报 Make the system's baseline 1–7 day city AQI forecasts from the observed
    history alone: persistence, climatology by day of year and a gradient-boosting model on
    lagged values (fitted on days before the first issue date). Stored apart from imported
    forecasts: a baseline never replaces an official forecast nor raises a warning."""
    from rich.progress import Progress

    from ecoplan.cli.common import err_console
    from ecoplan.forecast.baseline import MODEL_ZH, BaselineError, make_baseline
    from ecoplan.forecast.verify import VerifyError, check_city
    from ecoplan.store import warehouse

    if (start is None) != (end is None):
        fail("--from 与 --to 须同时给出 give both --from and --to")
    if start is not None and issue is not None:
        fail("--date 与 --from/--to 只能二选一 give --date or --from/--to, not both")
    d0 = _date(start or issue, date.today(), "--from" if start else "--date")
    d1 = _date(end, d0, "--to")
    try:
        cities = [check_city(c) for c in city] if city else None
    except VerifyError as exc:
        fail(str(exc))
    store = open_store()
    try:
        con = warehouse.connect(store=store)
        try:
            with Progress(console=err_console, transient=True) as bar:
                task = bar.add_task("基线预报 baseline", total=leads)

                def step(what: str, done: int, total: int) -> None:
                    bar.update(task, completed=done, total=total, description=f"基线预报 {what}")

                run = make_baseline(
                    store, con, d0, d1, cities=cities, leads=leads, train_years=train_years,
                    progress=step,
                )  # fmt: skip
        finally:
            con.close()
    except BaselineError as exc:
        fail(str(exc))
    finally:
        store.dispose()
    if json_out:
        print_json(run.to_dict())
        return
    stored = "，".join(f"{MODEL_ZH[m]} {n} 条" for m, n in run.stored.items())
    console.print(
        f"[bold]基线预报 Baseline forecast[/] 发布日 {run.issue_from} … {run.issue_to}, "
        f"{len(run.cities)} 个盟市, 时效 1–{run.leads} 天; 训练数据截至 trained until "
        f"{run.trained_until}; 已保存 stored: {stored}",
        highlight=False,
    )
    for n in run.notes:
        console.print(f"注意 note: {n}", highlight=False)


def register(app: typer.Typer) -> None:
    forecast_app.command("verify")(verify_cmd)
    forecast_app.command("make")(make_cmd)
    app.add_typer(forecast_app, name="forecast")
