"""``ecoplan assess`` and ``ecoplan rank``: progress of a plan's indicators and 考核排名."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ecoplan.assess.derivations import DerivationError
from ecoplan.assess.run import (
    AssessmentError,
    AssessmentResult,
    get_plan,
    load_config,
    run_assessment,
    store_run,
)
from ecoplan.assess.types import AssessmentRow, Status
from ecoplan.assess.values import IndicatorValueError
from ecoplan.cli.common import console, err_console, fail, open_store, print_json
from ecoplan.cli.engine_opt import engine_context, engine_option

BINDING_ZH = {"binding": "约束性", "expected": "预期性", None: ""}
ROW_COLUMNS = (
    "属性", "指标", "地区", "现值(年)", "基准(年)", "目标(年)",
    "实际/所需速率", "R", "预测", "状态",
)  # fmt: skip
RANK_COUNTS = "达标/顺利/风险/滞后/无数据"
CMP = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<", None: ""}


def _num(x: float | None, digits: int = 2) -> str:
    if x is None:
        return "—"
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{x:.0f}"


def _status(st: Status) -> Text:
    return Text(f"● {st.name_zh}", style=f"bold {st.color}")


@contextmanager
def _progress(enabled: bool) -> Iterator[Any]:
    """A Rich progress bar on stderr (stdout stays clean for --json)."""
    if not enabled:
        yield None
        return
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as prog:
        task = prog.add_task("派生指标值 deriving values", total=None)

        def update(done: int, total: int, label: str) -> None:
            prog.update(task, completed=done, total=total, description=label)

        yield update


def _run(
    plan: str,
    year: int,
    region: str | None,
    dust_deducted: bool,
    derive: bool,
    save: bool,
    show_progress: bool,
    keep: bool = False,
    config: Path | None = None,
    engine: str | None = None,
) -> AssessmentResult:
    store = open_store()
    con = None
    try:
        cfg = load_config(config) if config is not None else None
        if derive:
            from ecoplan.store.warehouse import connect

            con = connect(store.settings, store=store)
        with (
            engine_context(engine if derive else None, store),
            _progress(show_progress) as cb,
            store.session() as ses,
        ):
            result = run_assessment(
                ses, plan, year,
                region=region, con=con, dust_deducted=dust_deducted, progress=cb, save=save,
                config=cfg,
            )  # fmt: skip
            if keep:
                run_id = store_run(ses, result, region=region)
                err_console.print(f"已保存评估结果 stored as assessment run {run_id}")
            return result
    except (AssessmentError, DerivationError, IndicatorValueError, OSError) as exc:
        fail(str(exc))
    finally:
        if con is not None:
            con.close()
        store.dispose()


def _rows_table(result: AssessmentResult) -> Table:
    t = Table(
        title=f"{result.plan_title_zh} — {result.year}年实施进展评估"
        f"{'（扣沙）' if result.dust_deducted else ''}（约束性在前 binding first）",
        show_lines=False,
    )
    for col in (
        "属性",
        "指标",
        "地区",
        "现值(年)",
        "基准(年)",
        "目标(年)",
        "实际/所需速率",
        "R",
        "预测",
        "状态",
    ):
        t.add_column(col, overflow="fold")
    for r in result.rows:
        t.add_row(
            BINDING_ZH.get(r.binding, ""),
            f"{r.name_zh}\n[dim]{r.indicator_code} · {r.unit}[/]",
            r.region_zh + ("*" if r.inherited else ""),
            f"{_num(r.value)} ({r.value_year})" if r.value is not None else "—",
            f"{_num(r.baseline)} ({r.baseline_year})" if r.baseline is not None else "—",
            f"{CMP[r.comparator]} {_num(r.target)} ({r.target_year}"
            f"{'，保持' if r.target_kind == 'maintain' else ''})",
            f"{_num(r.actual_rate, 3)} / {_num(r.required_rate, 3)}",
            _num(r.ratio, 4),
            _num(r.projection),
            Text.assemble(_status(r.status), (" 临界", "yellow") if r.critical else ""),
        )
    return t


def _summary(rows: list[AssessmentRow]) -> str:
    counts = {s: sum(1 for r in rows if r.status is s) for s in Status}
    return " · ".join(f"[{s.color}]{s.name_zh} {n}[/]" for s, n in counts.items())


def assess_cmd(
    plan: str = typer.Option(..., "--plan", help="plan id (see `ecoplan plan list`)"),
    year: int = typer.Option(..., "--year", help="assessment year, e.g. 2023 (mid-term)"),
    region: str | None = typer.Option(
        None,
        "--region",
        help="only this region (GB/T 2260 code); default: the plan's region and its subdivisions",
    ),
    json_out: bool = typer.Option(False, "--json", help="print the rows as JSON"),
    dust_deducted: bool = typer.Option(
        False, "--dust-deducted", help="air figures with the sand-dust deduction (扣沙)"
    ),
    derive: bool = typer.Option(
        True, "--derive/--no-derive", help="derive values from the warehouse (else use cached)"
    ),
    save_derived: bool = typer.Option(
        False, "--save-derived", help="cache the derived values in the database"
    ),
    keep: bool = typer.Option(
        False, "--store", help="store the run (rows and components) in the database"
    ),
    config: Path | None = typer.Option(
        None, "--config", help="assessment parameters (default: the shipped assessment.yaml)"
    ),
    engine: str | None = engine_option(),
) -> None:
    """Assess every indicator × region of a plan: achieved / on track / at risk / off track
    (docs/assessment.md)."""
    result = _run(
        plan, year, region, dust_deducted, derive, save_derived, not json_out, keep, config,
        engine,
    )  # fmt: skip
    if json_out:
        print_json([r.to_dict() for r in result.rows])
        return
    if not result.rows:
        console.print(
            f"{result.plan_id}: 没有可定量评估的指标（无目标值） — no quantitative targets"
        )
    else:
        console.print(_rows_table(result))
        console.print(_summary(result.rows))
        if any(r.inherited for r in result.rows):
            console.print("[dim]* 沿用上级地区目标 target inherited from the enclosing region[/]")
    if result.skipped:
        console.print(
            f"[dim]未评估 {len(result.skipped)} 项指标（仅有定性目标或无目标值）: "
            + ", ".join(k.indicator_code for k in result.skipped[:8])
            + (" …" if len(result.skipped) > 8 else "")
            + "[/]"
        )
    if result.trends:
        console.print(_trend_table(result.trends))
    if result.qualitative:
        q = Table(title="定性目标评价（评价人记录）", caption="`ecoplan assess-verdict` 记录评价")
        for col in ("指标", "地区", "定性目标", "评价", "说明与依据"):
            q.add_column(col, overflow="fold")
        for r in result.qualitative:
            q.add_row(
                f"{r.name_zh}\n[dim]{r.indicator_code}[/]",
                r.region_zh,
                f"{r.target_text_zh}（{r.target_year}）",
                r.verdict_zh,
                f"{r.text_zh}；依据：{r.evidence}（{r.evaluator}）" if r.verdict else "—",
            )
        console.print(q)


def _trend_table(trends: list[Any]) -> Table:
    """Trends of the indicators without a numeric target (docs/assessment.md §3.4)."""
    t = Table(
        title="无目标值指标的趋势（复合年增长率，StatCan/Open SDG 阈值）",
        caption="趋势不是目标判定，不计入得分与排名",
    )
    for col in ("指标", "地区", "起始(年)", "现值(年)", "年均增长", "趋势"):
        t.add_column(col, overflow="fold")
    for r in trends:
        t.add_row(
            f"{r.name_zh}\n[dim]{r.indicator_code} · {r.unit}[/]",
            r.region_zh,
            f"{_num(r.start)} ({r.start_year})" if r.start is not None else "—",
            f"{_num(r.value)} ({r.value_year})" if r.value is not None else "—",
            f"{r.cagr:+.2%}" if r.cagr is not None else "—",
            r.status_zh,
        )
    return t


def rank_cmd(
    plan: str = typer.Option(..., "--plan", help="plan id (see `ecoplan plan list`)"),
    year: int = typer.Option(..., "--year", help="assessment year"),
    json_out: bool = typer.Option(False, "--json", help="print the ranking as JSON"),
    dust_deducted: bool = typer.Option(
        False, "--dust-deducted", help="air figures with the sand-dust deduction (扣沙)"
    ),
    derive: bool = typer.Option(
        True, "--derive/--no-derive", help="derive values from the warehouse (else use cached)"
    ),
    config: Path | None = typer.Option(
        None, "--config", help="assessment parameters (default: the shipped assessment.yaml)"
    ),
) -> None:
    """Score and rank the plan region's subdivisions (the 12 leagues/cities for a regional
    plan) — 考核排名 (docs/assessment.md §7)."""
    result = _run(plan, year, None, dust_deducted, derive, False, not json_out, False, config)
    if json_out:
        print_json([r.to_dict() for r in result.ranking])
        return
    t = Table(title=f"{result.plan_title_zh} — {result.year}年 盟市/旗县考核排名")
    for col in ("排名", "地区", "综合得分", "分类得分", RANK_COUNTS, "数据覆盖", "说明"):
        t.add_column(col, overflow="fold")
    names = dict(result.categories, uncategorised="未分类")
    for r in result.ranking:
        c = r.counts
        t.add_row(
            str(r.rank) if r.rank is not None else "—",
            f"{r.region_zh} {r.region_code}",
            _num(r.score, 1),
            "\n".join(f"{names.get(k, k)} {_num(v, 1)}" for k, v in r.category_scores.items()),
            f"{c['achieved']}/{c['on_track']}/{c['at_risk']}/{c['off_track']}/{c['no_data']}",
            f"{r.n_assessed}/{r.n_assessable}",
            r.note_zh,
        )
    console.print(t)


def verdict_cmd(
    plan: str = typer.Option(..., "--plan", help="plan id (see `ecoplan plan list`)"),
    indicator: str = typer.Option(..., "--indicator", help="indicator code with a 定性目标"),
    region: str = typer.Option(..., "--region", help="GB/T 2260 code of the region judged"),
    year: int = typer.Option(..., "--year", help="assessment year the verdict is for"),
    verdict: str = typer.Option(
        ..., "--verdict", help="met 达到 | partly 部分达到 | not_met 未达到"
    ),
    text: str = typer.Option(..., "--text", help="评价说明: why this verdict"),
    evidence: str = typer.Option(
        ..., "--evidence", help="依据: the document, inspection record or data behind it"
    ),
    evaluator: str | None = typer.Option(
        None, "--by", help="evaluator's name (default: the OS user, as (cli:<user>))"
    ),
) -> None:
    """Record an evaluator's verdict on a qualitative target (定性目标评价; audited). The
    latest verdict shows in `ecoplan assess` and its JSON (docs/assessment.md §3.5)."""
    from ecoplan.assess.qualitative import VERDICTS, VerdictError, record_verdict
    from ecoplan.cli.users import cli_actor
    from ecoplan.store.audit import Actor

    actor = Actor.system(evaluator) if evaluator else cli_actor()
    store = open_store()
    try:
        with store.session() as ses:
            p = get_plan(ses, plan)
            row = record_verdict(ses, p, indicator, region, year, verdict, text, evidence, actor)
            console.print(
                f"已记录 {row.indicator_code} {row.region_code} {row.year}年："
                f"{VERDICTS[row.verdict]}（{row.evaluator}）"
            )
    except (VerdictError, AssessmentError) as exc:
        fail(str(exc))
    finally:
        store.dispose()


def register(app: typer.Typer) -> None:
    app.command("assess")(assess_cmd)
    app.command("rank")(rank_cmd)
    app.command("assess-verdict")(verdict_cmd)
