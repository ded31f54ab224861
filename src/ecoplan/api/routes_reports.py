"""Evaluation reports on demand: ``GET /api/reports?plan=&year=&format=`` and the 报告 page.

A report is written by :func:`ecoplan.cli.report.build_and_write` — the same code as
``ecoplan report`` — into ``$ECOPLAN_HOME/reports/`` as
``<plan>-<year>-<kind>-<data version>.<format>`` and streamed. The file is the cache: the same
plan, year, format and data version (:class:`ecoplan.api.assessment_cache.DataVersion`: the
latest import batch and the plan file's hash) is served from it without recomputing; a newer
version writes a new file and deletes the older ones of the same plan, year and format.
Writing goes to a temporary name renamed into place, under a lock per file, so concurrent
requests for the same report generate it once and nobody streams a half-written file.
"""

from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, Response

from ecoplan.api.assessment_cache import cache_for
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError
from ecoplan.api.models import ERRORS
from ecoplan.api.permissions import READ, Principal
from ecoplan.api.plandata import plan_detail
from ecoplan.api.routes_assessment import assessable_plans, default_plan_id
from ecoplan.api.templating import render
from ecoplan.report.evaluation import KIND_ZH, report_kind
from ecoplan.store.db import Store

router = APIRouter(tags=["reports 报告"], responses=ERRORS)

ReportFormat = Literal["pdf", "docx", "xlsx", "html"]
FORMATS: tuple[str, ...] = ("pdf", "docx", "xlsx", "html")
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
FORMAT_NAMES = {"pdf": "PDF", "docx": "Word (DOCX)", "xlsx": "Excel (XLSX)", "html": "HTML"}
KIND_EN = {"midterm": "mid-term", "final": "final", "annual": "annual"}

_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()


def reports_dir(store: Store) -> Path:
    return store.settings.home / "reports"


def report_years(plan: dict[str, Any], latest: int | None) -> list[int]:
    """Years a report can be written for: inside the plan period, up to the latest data."""
    start, end = int(plan["period_start"]), int(plan["period_end"])
    top = end if latest is None else max(start, min(end, latest))
    return list(range(top, start - 1, -1))


def report_path(store: Store, plan: dict[str, Any], year: int, fmt: str) -> tuple[Path, str]:
    """The cache file of this report for the current data version, and its download name."""
    version = cache_for(store).version(plan["id"])
    if version is None:
        raise ApiError(404, f"未找到规划 {plan['id']}", f"Plan {plan['id']!r} was not found")
    kind = report_kind(year, int(plan["period_start"]), int(plan["period_end"]))
    stem = f"{plan['id']}-{year}-{kind}"
    return reports_dir(store) / f"{stem}-{version.tag}.{fmt}", f"{stem}.{fmt}"


def ensure_report(store: Store, plan: dict[str, Any], year: int, fmt: str) -> tuple[Path, str]:
    """Write the report unless its file for the current data version exists; return it."""
    path, download = report_path(store, plan, year, fmt)
    if path.exists():
        return path, download
    with _locks_guard:
        lock = _locks.setdefault(path, threading.Lock())
    with lock:
        if path.exists():
            return path, download
        from ecoplan.cli.report import build_and_write

        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{uuid.uuid4().hex}.tmp.{fmt}")
        try:
            written = build_and_write(
                store,
                plan["id"],
                year,
                fmt,
                tmp,
                generated_at=datetime.now().replace(microsecond=0),
            )
            os.replace(written, path)
        except ValueError as exc:  # AssessmentError, ReportInputError, bad values
            raise ApiError(
                422, f"无法生成报告：{exc}", f"The report cannot be written: {exc}"
            ) from None
        except RuntimeError as exc:  # CJKFontNotFoundError: the server lacks a Chinese font
            raise ApiError(
                503, f"服务器无法生成报告：{exc}", f"The server cannot write the report: {exc}"
            ) from None
        finally:
            tmp.unlink(missing_ok=True)
        stem = download.rsplit(".", 1)[0]
        for old in path.parent.glob(f"{stem}-*.{fmt}"):
            if old != path:
                old.unlink(missing_ok=True)
    with _locks_guard:
        _locks.pop(path, None)
    return path, download


@router.get(
    "/api/reports",
    summary="Evaluation report 评估报告下载",
    response_class=FileResponse,
    responses={
        200: {
            "content": {m: {} for m in MEDIA_TYPES.values()},
            "description": "the report file",
        }
    },
)
def report_route(
    plan: str = Query(..., description="plan id"),
    year: int = Query(..., ge=1949, le=2100, description="evaluation year, within the plan period"),
    format: ReportFormat = Query("pdf", description="pdf | docx | xlsx | html"),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> FileResponse:
    """The evaluation report of *plan* for *year* (what ``ecoplan report`` writes), generated on
    the first request for the current data and then served from ``$ECOPLAN_HOME/reports/``.
    The first request of a plan × year × format may take tens of seconds (PDF with charts)."""
    data = plan_detail(store, plan, auth.user)
    path, download = ensure_report(store, data, year, format)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[format],
        filename=download,
        headers={"Cache-Control": "private, no-cache"},
    )


def cached_reports(store: Store, user: Principal | None) -> list[dict[str, Any]]:
    """Report files already written for the current data versions of the visible plans."""
    folder = reports_dir(store)
    if not folder.is_dir():
        return []
    cache = cache_for(store)
    out = []
    for plan in assessable_plans(store, user):
        version = cache.version(plan["id"])
        if version is None:
            continue
        for f in sorted(folder.glob(f"{plan['id']}-*-{version.tag}.*")):
            rest = f.name[len(plan["id"]) + 1 :]
            year_text, kind = rest.split("-", 2)[:2]
            if not year_text.isdigit():
                continue
            st = f.stat()
            out.append(
                {
                    "plan_id": plan["id"],
                    "title_zh": plan["title_zh"],
                    "title_en": plan["title_en"],
                    "year": int(year_text),
                    "kind": kind,
                    "format": f.suffix.lstrip("."),
                    "size_kb": max(1, round(st.st_size / 1024)),
                    "written": datetime.fromtimestamp(st.st_mtime).replace(microsecond=0),
                }
            )
    out.sort(key=lambda r: (r["plan_id"], -r["year"], r["format"]))
    return out


@router.get("/reports", include_in_schema=False)
def reports_page(
    request: Request,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """Choose plan, year and format; the download link goes to ``/api/reports``."""
    plans = assessable_plans(store, auth.user)
    chosen = request.query_params.get("plan") or default_plan_id(plans)
    plan = next((p for p in plans if p["id"] == chosen), None)
    cache = cache_for(store)
    years = {p["id"]: report_years(p, cache.latest_year(p["id"])) for p in plans}
    return render(
        request,
        "reports.html",
        {
            "plans": plans,
            "plan": plan,
            "years": years,
            "formats": FORMATS,
            "format_names": FORMAT_NAMES,
            "files": cached_reports(store, auth.user),
            "kind_zh": KIND_ZH,
            "kind_en": KIND_EN,
        },
    )
