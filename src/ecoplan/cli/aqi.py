"""``ecoplan aqi``: air quality index of one set of concentrations (HJ 633-2012 / HJ 633-2026)."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ecoplan.standards.aqi import (
    AQIError,
    AQIResult,
    daily_aqi,
    hourly_aqi,
    level_of,
    version_for,
)
from ecoplan.standards.aqi_tables import (
    POLLUTANT_NAME_ZH,
    SENSITIVE_GROUPS_ZH,
    UNITS,
    Version,
    report_indicators,
)

_HELP = "\n\n".join(
    (
        "计算环境空气质量指数 AQI（HJ 633）。Compute the air quality index of one station/city.",
        "单位 Units: CO 为 mg/m³（毫克），其余污染物（SO2、NO2、PM10、PM2.5、O3）为 µg/m³。",
        "版本 Edition: 2026-03-01 起用 HJ 633-2026，此前用 HJ 633-2012。用 --date YYYY-MM-DD "
        "按数据日期选择，或用 --version 2012|2026 直接指定；都不给时按今天的日期。"
        "(HJ 633-2026 applies from 2026-03-01, HJ 633-2012 before.)",
        "日报 Daily (default): --so2 --no2 --pm10 --pm25 --co 为日（24小时）平均，--o3-8h 为"
        "日最大8小时平均，--o3-1h 为日最大1小时平均（仅2012版日报使用）。",
        "实时报 Hourly (--hourly): --so2 --no2 --pm10 --pm25 --co --o3-1h 为1小时平均，"
        "PM10/PM2.5 的1小时值按日平均（24小时）限值计算——即中国环境监测总站实时发布的算法"
        "（2026版 §4.2.4 的写法；默认 --reading published）。2012版的另一种读法 "
        "--reading table4 按 HJ 633-2012 表4 字面：用 --o3-8h（8小时滑动平均）、--pm10-24h、"
        "--pm25-24h（24小时滑动平均）计算分指数。--so2-24h 仅当 SO2 1小时 > 800 时使用。",
        "日报浓度口径 --basis: unrounded（默认，未修约的日均值）或 rounded（按 GB/T 8170 修约后的"
        "发布日均值：整数 µg/m³，CO 保留1位小数）；2026版两者相同（§4.2.2 规定先修约）。",
        "缺测的污染物不给即可；2026版有缺项且 AQI ≤ 100 时不发布 AQI（NA，§5.3.1）。"
        "浓度超过表中最高限值时 IAQI 记为 500 并注明（标准未规定，项目约定）。",
    )
)

_LIGHT_LEVELS = (1, 2, 3)  # black text on green/yellow/orange, white on the darker colours


def _fmt(value: float, pollutant: str, version: Version) -> str:
    if version == "2026" and pollutant == "CO":
        return f"{value:.1f}"
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _level_text(result: AQIResult) -> Text:
    if result.aqi is None or result.level is None or result.color is None:
        return Text("NA")
    lev = level_of(result.aqi, result.version)
    fg = "black" if lev.number in _LIGHT_LEVELS else "white"
    return Text(
        f" {lev.level_zh} · {lev.name_zh} · {lev.color_zh} {lev.color} ",
        style=f"bold {fg} on {lev.color}",
    )


def _json(result: AQIResult) -> dict[str, Any]:
    pub = result.published
    return {
        "aqi": result.published_aqi,
        "level": result.level if pub else None,
        "category_zh": result.category_zh if pub else None,
        "color": result.color if pub else None,
        "primary": result.primary if pub else [],
        "iaqi": result.iaqi,
        "version": result.version,
        "published": pub,
        "report": result.report,
        "reading": result.reading,
        "aqi_computed": result.aqi,
        "level_computed": result.level,
        "concentrations": result.concentrations,
        "missing": result.missing,
        "exceeding": result.exceeding,
        "beyond_table": result.beyond_table,
        "ignored": result.ignored,
        "notes": result.notes,
    }


def _print(result: AQIResult, console: Console) -> None:
    v = result.version
    report_zh = "日报" if result.report == "daily" else "实时报"
    console.print(f"[bold]环境空气质量指数（AQI）{report_zh}[/bold] · HJ 633-{v}")
    if result.report == "hourly" and v == "2012":
        console.print(
            "算法：HJ 633-2012 表4 字面读法（PM 24小时滑动、O3 8小时滑动）"
            if result.reading == "table4"
            else "算法：监测总站实时发布口径（PM10、PM2.5 1小时值按日均限值计算）"
        )
    table = Table(show_header=True, header_style="bold")
    for col in ("污染物", "指标", "浓度", "单位", "分指数 IAQI"):
        table.add_column(col, justify="right" if col in ("浓度", "分指数 IAQI") else "left")
    for ind in report_indicators(v, result.report, result.reading or "published"):
        conc = result.concentrations.get(ind.key)
        value = result.iaqi.get(ind.key)
        table.add_row(
            f"{POLLUTANT_NAME_ZH[ind.pollutant]} {ind.pollutant}",
            ind.label_zh,
            "NA" if conc is None else _fmt(conc, ind.pollutant, v),
            UNITS[ind.pollutant],
            "NA" if value is None else str(value),
        )
    console.print(table)

    if result.published:
        line = Text("空气质量指数 AQI：")
        line.append(str(result.aqi), style="bold")
        line.append("  ")
        line.append_text(_level_text(result))
        console.print(line)
    else:
        console.print(
            f"空气质量指数 AQI：NA（HJ 633-2026 §5.3.1：{'、'.join(result.missing)} 缺测且 AQI "
            f"≤ 100，不发布 AQI；按其余污染物计算为 {result.aqi}）"
        )
    if result.published and result.primary:
        names = "、".join(f"{POLLUTANT_NAME_ZH[p]} {p}" for p in result.primary)
        console.print(f"首要污染物：{names}")
    elif result.published:
        console.print("首要污染物：无（AQI ≤ 50）")
    if v == "2012":
        exc = "、".join(f"{POLLUTANT_NAME_ZH[p]} {p}" for p in result.exceeding) or "无"
        console.print(f"超标污染物（IAQI > 100）：{exc}")
    if result.missing:
        console.print(f"缺测指标（NA）：{'、'.join(result.missing)}")
    if result.published and result.aqi is not None:
        lev = level_of(result.aqi, v)
        console.print(f"对健康影响情况：{lev.health_effect_zh}")
        console.print(f"建议采取的措施：{lev.advice_zh}")
    if v == "2026":
        over = sorted(
            {k.split("_")[0] for k, val in result.iaqi.items() if val > 100},
            key=list(POLLUTANT_NAME_ZH).index,
        )
        for p in over:
            console.print(f"敏感人群（{POLLUTANT_NAME_ZH[p]} {p}，表2）：{SENSITIVE_GROUPS_ZH[p]}")
    for note in result.notes:
        console.print(f"[yellow]注：{note}[/yellow]")
    if result.ignored:
        console.print(
            f"[yellow]注：HJ 633-{v}{report_zh}不使用这些指标，已忽略：{'、'.join(result.ignored)}"
            "[/yellow]"
        )


def aqi_command(
    so2: Annotated[
        float | None, typer.Option("--so2", help="SO2 µg/m³（日报24小时平均；实时报1小时平均）")
    ] = None,
    no2: Annotated[
        float | None, typer.Option("--no2", help="NO2 µg/m³（日报24小时平均；实时报1小时平均）")
    ] = None,
    pm10: Annotated[
        float | None, typer.Option("--pm10", help="PM10 µg/m³（日报24小时平均；实时报1小时平均）")
    ] = None,
    pm25: Annotated[
        float | None,
        typer.Option("--pm25", help="PM2.5 µg/m³（日报24小时平均；实时报1小时平均）"),
    ] = None,
    co: Annotated[
        float | None,
        typer.Option("--co", help="CO mg/m³ 毫克（日报24小时平均；实时报1小时平均）"),
    ] = None,
    o3_8h: Annotated[
        float | None,
        typer.Option("--o3-8h", help="O3 µg/m³ 日最大8小时平均（2012实时报：8小时滑动平均）"),
    ] = None,
    o3_1h: Annotated[
        float | None,
        typer.Option("--o3-1h", help="O3 µg/m³ 日最大1小时平均（2012日报）；实时报：1小时平均"),
    ] = None,
    pm10_24h: Annotated[
        float | None, typer.Option("--pm10-24h", help="2012实时报：PM10 24小时滑动平均 µg/m³")
    ] = None,
    pm25_24h: Annotated[
        float | None, typer.Option("--pm25-24h", help="2012实时报：PM2.5 24小时滑动平均 µg/m³")
    ] = None,
    so2_24h: Annotated[
        float | None,
        typer.Option("--so2-24h", help="2012实时报：SO2 24小时滑动平均 µg/m³（SO2 1h > 800 时用）"),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option("--date", help="数据日期 YYYY-MM-DD：2026-03-01 起用 HJ 633-2026"),
    ] = None,
    version: Annotated[
        str | None, typer.Option("--version", help="直接指定版本：2012 或 2026")
    ] = None,
    hourly: Annotated[bool, typer.Option("--hourly", help="实时报（1小时值）；默认为日报")] = False,
    reading: Annotated[
        str,
        typer.Option(
            "--reading",
            help="实时报算法：published（默认，监测总站实时发布：PM 1小时值按日均限值）"
            "或 table4（HJ 633-2012 表4 字面：PM 24小时滑动、O3 8小时滑动）",
        ),
    ] = "published",
    basis: Annotated[
        str,
        typer.Option(
            "--basis",
            help="日报浓度口径：unrounded（默认，未修约日均值）或 rounded（发布的修约日均值）",
        ),
    ] = "unrounded",
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    err = Console(stderr=True)

    def fail(message: str) -> typer.Exit:
        err.print(f"[red]错误：{message}[/red]")
        return typer.Exit(code=2)

    if date is not None and version is not None:
        raise fail("--date 与 --version 只能给一个 (give --date or --version, not both)")
    try:
        if version is not None:
            if version not in ("2012", "2026"):
                raise fail(f"--version 必须是 2012 或 2026，得到 {version!r}")
            edition: Version = "2012" if version == "2012" else "2026"
        else:
            edition = version_for(date if date is not None else _dt.date.today())
    except AQIError as exc:
        raise fail(str(exc)) from None

    if reading not in ("published", "table4"):
        raise fail(f"--reading 必须是 published 或 table4，得到 {reading!r}")
    if basis not in ("unrounded", "rounded"):
        raise fail(f"--basis 必须是 unrounded 或 rounded，得到 {basis!r}")
    if hourly and basis != "unrounded":
        raise fail("--basis 只用于日报（daily report only）")
    extra = {"--pm10-24h": pm10_24h, "--pm25-24h": pm25_24h, "--so2-24h": so2_24h}
    if not hourly and any(val is not None for val in extra.values()):
        given = [k for k, val in extra.items() if val is not None]
        raise fail(f"{', '.join(given)} 只用于实时报 (--hourly)")
    if hourly:
        values = {
            "SO2": so2, "NO2": no2, "PM10": pm10, "PM2.5": pm25, "CO": co, "O3": o3_1h,
            "O3_8h": o3_8h, "PM10_24h": pm10_24h, "PM2.5_24h": pm25_24h, "SO2_24h": so2_24h,
        }  # fmt: skip
    else:
        values = {
            "SO2": so2, "NO2": no2, "PM10": pm10, "PM2.5": pm25, "CO": co, "O3_8h": o3_8h,
            "O3_1h": o3_1h,
        }  # fmt: skip
    given_values = {k: val for k, val in values.items() if val is not None}
    if not given_values:
        raise fail("没有给出任何污染物浓度 (no concentration given; see --help)")
    try:
        if hourly:
            result = hourly_aqi(
                given_values, edition, reading="table4" if reading == "table4" else "published"
            )
        else:
            result = daily_aqi(
                given_values, edition, basis="rounded" if basis == "rounded" else "unrounded"
            )
    except AQIError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(json.dumps(_json(result), ensure_ascii=False))
    else:
        _print(result, Console())


def register(app: typer.Typer) -> None:
    """Register ``ecoplan aqi`` on *app*."""
    app.command("aqi", help=_HELP)(aqi_command)
