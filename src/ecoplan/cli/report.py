"""``ecoplan report``: the evaluation report of a plan for a year (PDF, Word, Excel, HTML)."""

from __future__ import annotations

import datetime as dt
import os
import uuid
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer

from ecoplan.cli.common import console, err_console, fail, open_store
from ecoplan.store.db import Store


class Fmt(StrEnum):
    pdf = "pdf"
    docx = "docx"
    xlsx = "xlsx"
    html = "html"


def _air_entries(con: Any, plan_region: str, year: int) -> list[dict[str, Any]]:
    """HJ 663 evaluation of the plan's city (or of every league/city for a regional plan)."""
    from ecoplan.assess.airquality import evaluate_region
    from ecoplan.report.evaluation import air_entry

    return [air_entry(e) for e in evaluate_region(con, plan_region, year)]


def _synthetic(con: Any) -> bool:
    """Whether any station or section in the warehouse is demo (synthetic) data."""
    row = con.execute(
        "SELECT (SELECT count(*) FROM station WHERE synthetic) "
        "+ (SELECT count(*) FROM section WHERE synthetic)"
    ).fetchone()
    return bool(row and row[0])


def build_and_write(
    store: Store,
    plan_id: str,
    year: int,
    fmt: str,
    out: Path,
    *,
    generated_at: dt.datetime | None = None,
    progress: Any = None,
) -> Path:
    """Assess *plan_id* for *year* and write its evaluation report; returns the path.

    Shared by the CLI, ``make run`` and the web page.
    """
    from ecoplan.assess.run import get_plan, run_assessment
    from ecoplan.report import build_report_model, write_report
    from ecoplan.store import warehouse
    from ecoplan.store.plans import plan_to_dict

    con = warehouse.connect(store=store)
    with store.session() as s:
        plan = plan_to_dict(get_plan(s, plan_id))
        result = run_assessment(s, plan_id, year, con=con, progress=progress)
    air = _air_entries(con, plan["region_code"], year)
    model = build_report_model(
        plan,
        year,
        list(result.rows),
        list(result.ranking),
        air or None,
        generated_at=generated_at,
        synthetic=_synthetic(con),
    )
    if out.suffix == "":  # a directory: the file is named <plan>-<year>-<kind>.<fmt> in it
        out.mkdir(parents=True, exist_ok=True)
        if out.resolve() == reports_home(store).resolve():
            return _write_into_reports_home(store, model, fmt, out)
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
    return write_report(model, fmt, out)  # type: ignore[arg-type]


def reports_home(store: Store) -> Path:
    """``$ECOPLAN_HOME/reports``: where the 报告 page looks for reports already written."""
    return store.settings.home / "reports"


def _write_into_reports_home(store: Store, model: Any, fmt: str, folder: Path) -> Path:
    """Write the report under the name the 报告 page serves from its cache,
    ``<plan>-<year>-<kind>-<data version>.<fmt>`` (written to a temporary name and renamed),
    and delete older versions of the same plan, year and format."""
    from ecoplan.api.assessment_cache import data_version
    from ecoplan.report import write_report

    with store.session() as s:
        version = data_version(s, model.plan_id)
    stem = f"{model.plan_id}-{model.year}-{model.kind}"
    if version is None:  # cannot happen after a successful assessment; keep the plain name
        return write_report(model, fmt, folder / f"{stem}.{fmt}")  # type: ignore[arg-type]
    path = folder / f"{stem}-{version.tag}.{fmt}"
    tmp = folder / f".{uuid.uuid4().hex}.tmp.{fmt}"
    try:
        os.replace(write_report(model, fmt, tmp), path)  # type: ignore[arg-type]
    finally:
        tmp.unlink(missing_ok=True)
    for old in folder.glob(f"{stem}-*.{fmt}"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def report_cmd(
    plan: str = typer.Option(..., "--plan", "-p", help="plan id (see `ecoplan plan list`)"),
    year: int = typer.Option(..., "--year", "-y", help="evaluation year, e.g. 2023 (mid-term)"),
    fmt: Fmt = typer.Option(Fmt.pdf, "--format", "-f", help="pdf | docx | xlsx | html"),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="output file, or a directory (then named <plan>-<year>-<kind>.<fmt>); default "
        "$ECOPLAN_HOME/reports/, where the 报告 page lists it (named with the data version)",
    ),
    generated_at: str | None = typer.Option(
        None, "--date", help="date printed on the report (YYYY-MM-DD; default today)"
    ),
) -> None:
    """Write the evaluation report (评估报告) of a plan for a year, in Chinese: cover, summary,
    every indicator with its status, trend charts, a section per category, the league/city
    ranking, the indicators at risk with their gap, data sources and method.

    2023 and 2027 give a mid-term report (中期评估), the plan's last year a final one
    (总结评估), other years an annual one.  Same data and --date → the same file."""
    from ecoplan.assess.run import AssessmentError

    when = (
        dt.datetime.fromisoformat(generated_at)
        if generated_at
        else dt.datetime.now().replace(microsecond=0)
    )
    store = open_store()
    try:
        with console.status(f"评估并生成报告 assessing {plan} {year} …"):
            target = out if out is not None else reports_home(store)
            path = build_and_write(store, plan, year, fmt.value, target, generated_at=when)
    except (AssessmentError, ValueError) as exc:
        fail(str(exc))
    err_console.print(f"报告已生成 report written: {path}")


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
