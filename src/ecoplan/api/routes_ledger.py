"""Rectification ledgers (督察整改台账): the JSON API under ``/api/ledger`` and the pages under
``/ledgers`` (list, board by status, item detail with history and evidence, forms).

Permissions: four actions registered with :func:`ecoplan.api.permissions.define_action` (the
documented way to extend the one permission mechanism, docs/api.md):

- ``ledger.write`` — admin anywhere, editor within its region: register, edit, notes,
  evidence, start, complete, the stage-achieved flag;
- ``ledger.close`` — admin anywhere, editor within its region, **asked for the region above
  the item** (a county's item is closed by its league/city, a league/city's by 150000);
- ``ledger.reopen`` — admin: reopen a closed item;
- ``ledger.import`` — admin: import a ledger file (it may carry closed items).

Routes pass :func:`can` bound to the caller into the ledger service (:class:`Caller`), which
asks it — through :func:`ecoplan.store.ledger.ledger_can` — for the right region, and itself
enforces the flow, evidence before closure and the separation of duties. Errors of the
service become 403 (role, region, duties), 404, 409 (flow, missing evidence, duplicates) and
422 (fields), in the app's error shape.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile, status
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from ecoplan.api.bounds import DB_INT_MAX, RowId
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import Page, PageParams, page, page_params
from ecoplan.api.permissions import READ, Principal, can, define_action, may_attempt
from ecoplan.api.templating import flash, lang_of, render
from ecoplan.ingest.errors import FileLayoutError, IngestError
from ecoplan.ingest.ledger_xlsx import (
    LedgerFileError,
    import_ledger_bytes,
    load_examples,
)
from ecoplan.model.ledger import (
    ACTION_CLOSE,
    ACTION_IMPORT,
    ACTION_REOPEN,
    ACTION_WRITE,
    EDITABLE_STATUSES,
    KIND_ZH,
    OPEN_STATUSES,
    STATUS_ORDER,
    STATUS_ZH,
    Kind,
    LedgerError,
    Status,
)
from ecoplan.model.regions import load_regions
from ecoplan.report.ledger_xlsx import write_ledger_xlsx
from ecoplan.store import ledger as svc
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store

LEDGER_WRITE = define_action(
    ACTION_WRITE,
    zh="登记、更新整改台账事项",
    en="register and update ledger items",
    roles=("admin",),
    scoped_roles=("editor",),
)
LEDGER_CLOSE = define_action(
    ACTION_CLOSE,
    zh="审核销号（下级地区的事项）",
    en="approve closures (销号) of the regions below one's own",
    roles=("admin",),
    scoped_roles=("editor",),
)
LEDGER_REOPEN = define_action(
    ACTION_REOPEN, zh="重新打开已销号事项", en="reopen closed ledger items", roles=("admin",)
)
LEDGER_IMPORT = define_action(
    ACTION_IMPORT, zh="导入整改台账文件", en="import ledger files", roles=("admin",)
)

MAX_IMPORT_BYTES = 20 * 1024 * 1024
PAGE_SIZE = 50
BOARD_PER_COLUMN = 60
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

api = APIRouter(prefix="/api/ledger", tags=["ledger 整改台账"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
router = APIRouter()  # both, included by create_app


def caller_for(user: Principal | None, actor: Actor) -> svc.Caller:
    """The service's view of the caller: its audit actor and ``can`` bound to the account."""
    return svc.Caller(actor, lambda action, region: can(user, action, region))


def caller_of(auth: Authorized) -> svc.Caller:
    return caller_for(auth.user, auth.actor)


_STATUS_OF_CODE = {
    "not_found": 404,
    "forbidden": 403,
    "invalid": 422,
    "transition": 409,
    "evidence_required": 409,
    "exists": 409,
}


def api_error(exc: LedgerError | IngestError) -> ApiError:
    """The app's error for a refusal of the ledger service or importer."""
    if isinstance(exc, LedgerFileError):
        fields = [
            {"loc": f"row {r}.{c}" if r is not None else c, "message": m} for r, c, m in exc.errors
        ]
        return ApiError(
            422,
            f"台账文件未导入：发现 {len(exc.errors)} 处错误，文件整体未导入",
            str(exc),
            code="invalid_ledger",
            fields=fields,
        )
    if isinstance(exc, FileLayoutError):
        return ApiError(422, f"无法读取台账文件：{exc.message}", str(exc), code="invalid_ledger")
    if isinstance(exc, IngestError):
        return ApiError(422, f"无法读取台账文件：{exc}", str(exc), code="invalid_ledger")
    code = exc.code
    bad: list[dict[str, str]] | None = None
    if isinstance(exc, svc.LedgerValidationError):
        bad = [{"loc": f"body.{f}", "message": m} for f, m in exc.fields]
    return ApiError(
        _STATUS_OF_CODE.get(code, 400),
        exc.message_zh,
        str(exc),
        code=f"ledger_{code}",
        fields=bad,
    )


@contextmanager
def ledger_errors() -> Iterator[None]:
    """Turn the service's refusals into the app's errors (after the transaction rolled back)."""
    try:
        yield
    except (LedgerError, IngestError) as exc:
        raise api_error(exc) from None


def _parse_today(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422,
            f"日期 {value!r} 无效，应为 YYYY-MM-DD",
            f"today {value!r} is not a date (YYYY-MM-DD)",
            fields=[{"loc": "query.today", "message": "not a date"}],
        ) from None


def _detail(
    store: Store,
    item_id: int | str,
    user: Principal | None,
    actor: Actor,
    today: date | None = None,
) -> dict[str, Any]:
    caller = caller_for(user, actor)
    with ledger_errors(), store.session() as s:
        item = svc.get_item(s, item_id)
        d = svc.item_detail(s, item, today, with_ip=can(user, "audit.read"))
        d["actions"] = [
            {
                "verb": t.verb,
                "target": t.target.value,
                "zh": t.zh,
                "en": t.en,
                "needs_note": t.needs_note,
                "allowed": why is None,
                "reason_zh": why.message_zh if why else None,
                "reason_en": str(why) if why else None,
            }
            for t, why in svc.allowed_transitions(s, caller, item)
        ]
        d["can_write"] = svc.ledger_can(caller, ACTION_WRITE, item)
    return d


# --- request bodies ----------------------------------------------------------------------------

KIND_DESC = "inspection 督察整改 | plan_task 规划任务 | major_project 重大工程 | complaint 信访举报"


class ItemIn(BaseModel):
    """A new ledger item. A plan task or major project names ``plan_id`` + ``task_code``;
    its title, region, lead department and deadline default to the task's."""

    kind: str = Field(description=KIND_DESC)
    title: str | None = Field(None, description="问题及整改任务")
    code: str | None = Field(None, description="编号 (default LG-<year>-<n>)", max_length=64)
    round: str | None = Field(None, description="督察轮次/来源, e.g. 2018年中央环保督察“回头看”")
    source_doc: str | None = Field(None, description="来源文件 (document)")
    region_code: str | None = Field(None, description="GB/T 2260 code of the responsible region")
    responsible_unit: str | None = Field(None, description="责任单位")
    lead_department: str | None = Field(None, description="牵头部门")
    deadline: date | None = Field(None, description="整改时限 (YYYY-MM-DD)")
    measures: str | None = Field(None, description="整改措施")
    plan_id: str | None = None
    task_code: str | None = None
    note: str | None = Field(None, description="a first timeline entry")


class ItemPatch(BaseModel):
    """Fields to change (only those sent); the code and the status change elsewhere."""

    kind: str | None = None
    title: str | None = None
    round: str | None = None
    source_doc: str | None = None
    region_code: str | None = None
    responsible_unit: str | None = None
    lead_department: str | None = None
    deadline: date | None = None
    measures: str | None = None
    plan_id: str | None = None
    task_code: str | None = None


class TransitionIn(BaseModel):
    status: str = Field(description="registered | in_progress | completed | closed (or 整改中 …)")
    note: str | None = Field(None, description="reason / remark (required to send back, reopen)")


class CloseIn(BaseModel):
    note: str | None = Field(None, description="销号意见")


class NoteIn(BaseModel):
    text: str = Field(description="整改进展")


class StageIn(BaseModel):
    achieved: bool = True
    note: str | None = Field(None, description="what was achieved (required when setting)")


# --- JSON API ------------------------------------------------------------------------------------


@api.get("/items", response_model=Page[dict[str, Any]], summary="Ledger items 台账事项")
def list_items(
    kind: str | None = Query(None, description=KIND_DESC),
    round: str | None = Query(None, description="督察轮次/来源 (exact)"),
    region: str | None = Query(None, description="GB/T 2260 code; includes the regions under it"),
    status_: str | None = Query(None, alias="status", description="registered | in_progress | …"),
    overdue: bool | None = Query(None, description="true: only overdue; false: none overdue"),
    q: str | None = Query(None, description="search titles and codes"),
    today: str | None = Query(None, description="the day overdue refers to (default today)"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Items in id order with ``overdue`` (derived from the deadline and *today*)."""
    day = _parse_today(today) or date.today()
    with ledger_errors(), store.session() as s:
        items, total = svc.list_items(
            s,
            kind=kind,
            round=round,
            region=region,
            status=status_,
            overdue=overdue,
            q=q,
            today=day,
            limit=p.limit,
            offset=p.offset,
        )
        rows = [svc.item_to_dict(i, day) for i in items]
    return page(rows, total, p)


@api.post("/items", status_code=status.HTTP_201_CREATED, summary="Register an item 登记事项")
def create_item(
    body: ItemIn,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Register an item (status 已登记) for a region the caller writes for."""
    values = body.model_dump(exclude={"note"})
    with ledger_errors(), store.session() as s:
        item = svc.create_item(s, caller_of(auth), values, note=body.note)
        item_id = item.id
    return _detail(store, item_id, auth.user, auth.actor)


@api.get("/items/{item_id}", summary="One item with timeline, evidence, history 事项详情")
def get_item(
    item_id: RowId,
    today: str | None = Query(None),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The item, its timeline (notes, oldest first), evidence files, audit history (newest
    first) and the status changes the caller may make (``actions``, with reasons when not)."""
    return _detail(store, item_id, auth.user, auth.actor, _parse_today(today))


@api.patch("/items/{item_id}", summary="Edit an item 修改事项")
def patch_item(
    item_id: RowId,
    body: ItemPatch,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with ledger_errors(), store.session() as s:
        svc.update_item(s, caller_of(auth), item_id, body.model_dump(exclude_unset=True))
    return _detail(store, item_id, auth.user, auth.actor)


@api.post("/items/{item_id}/notes", status_code=201, summary="Add a progress note 填写进展")
def add_note(
    item_id: RowId,
    body: NoteIn,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with ledger_errors(), store.session() as s:
        n = svc.add_note(s, caller_of(auth), item_id, body.text)
        return svc.note_to_dict(n)


@api.post("/items/{item_id}/transition", summary="Change the status 状态流转")
def transition(
    item_id: RowId,
    body: TransitionIn,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """start, complete, close, send back or reopen (the flow of docs/ledger.md): 409 when the
    flow does not allow it or evidence is missing, 403 when the caller may not."""
    with ledger_errors(), store.session() as s:
        svc.transition(s, caller_of(auth), item_id, body.status, body.note)
    return _detail(store, item_id, auth.user, auth.actor)


@api.post("/items/{item_id}/close", summary="Approve the closure 销号")
def close(
    item_id: RowId,
    body: CloseIn,
    auth: Authorized = Depends(require(LEDGER_CLOSE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """销号: by an admin or an editor of the region above the item's, who neither completed
    nor edited it; the item must be completed and have evidence."""
    with ledger_errors(), store.session() as s:
        svc.close_item(s, caller_of(auth), item_id, body.note)
    return _detail(store, item_id, auth.user, auth.actor)


@api.post("/items/{item_id}/stage", summary="Stage achieved 阶段性成效")
def stage(
    item_id: RowId,
    body: StageIn,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with ledger_errors(), store.session() as s:
        svc.set_stage_achieved(s, caller_of(auth), item_id, body.achieved, body.note)
    return _detail(store, item_id, auth.user, auth.actor)


def _read_upload(file: UploadFile, limit: int) -> bytes:
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise ApiError(
            413, f"文件超过 {limit >> 20} MB", f"The file is larger than {limit >> 20} MiB"
        )
    return data


@api.post("/items/{item_id}/evidence", status_code=201, summary="Attach evidence 上传佐证材料")
def attach(
    item_id: RowId,
    file: UploadFile = File(description="the evidence file (any type, ≤ 50 MiB)"),
    note: str | None = Form(None),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Store the file under ``$ECOPLAN_HOME/evidence/<sha256>`` and list it on the item."""
    data = _read_upload(file, svc.MAX_EVIDENCE_BYTES)
    with ledger_errors(), store.session() as s:
        ev = svc.attach_evidence(
            s,
            caller_of(auth),
            item_id,
            file_name=file.filename or "evidence",
            data=data,
            home=store.settings.home,
            content_type=file.content_type,
            note=note,
        )
        return svc.evidence_to_dict(ev)


@api.get("/items/{item_id}/evidence/{evidence_id}", summary="Download evidence 下载佐证材料")
def download(
    item_id: RowId,
    evidence_id: RowId,
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """The file as an attachment (``application/octet-stream``: never rendered inline)."""
    with ledger_errors(), store.session() as s:
        ev = svc.get_evidence(s, item_id, evidence_id)
        name, sha = ev.file_name, ev.sha256
    path = svc.evidence_path(store.settings.home, sha)
    if not path.is_file():
        raise ApiError(
            404,
            "佐证材料文件已不在存储目录中",
            f"the stored file {sha} is missing",
            code="not_found",
        )
    return FileResponse(path, filename=name, media_type="application/octet-stream")


@api.get("/stats", summary="Statistics 台账统计")
def stats(
    round: str | None = Query(None),
    region: str | None = Query(None),
    kind: str | None = Query(None),
    today: str | None = Query(None),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Counts by round × kind, kind, region and status, and sentences in the plans' style
    (“21项整改任务销号20项，剩余1项取得阶段性成效”)."""
    with ledger_errors(), store.session() as s:
        return svc.statistics(s, round=round, region=region, kind=kind, today=_parse_today(today))


@api.get("/rounds", summary="Rounds 督察轮次")
def rounds(
    _: Authorized = Depends(require(READ)), store: Store = Depends(get_store)
) -> list[dict[str, Any]]:
    with store.session() as s:
        return svc.rounds(s)


@api.get("/board", summary="Items by status 看板")
def board(
    kind: str | None = Query(None),
    round: str | None = Query(None),
    region: str | None = Query(None),
    today: str | None = Query(None),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    with ledger_errors(), store.session() as s:
        return svc.board(
            s, kind=kind, round=round, region=region, today=_parse_today(today), per_column=200
        )


def import_upload(store: Store, caller: svc.Caller, data: bytes, name: str) -> dict[str, Any]:
    with ledger_errors(), store.session() as s:
        return import_ledger_bytes(s, caller, data, Path(name or "ledger.xlsx").name).as_dict()


@api.post("/import", summary="Import a ledger file 导入台账 (admin)")
def import_file(
    file: UploadFile = File(description="XLSX or CSV in the ledger layout (docs/ledger.md)"),
    auth: Authorized = Depends(require(LEDGER_IMPORT)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """All rows or none: 422 lists every bad row and column."""
    data = _read_upload(file, MAX_IMPORT_BYTES)
    return import_upload(store, caller_of(auth), data, file.filename or "ledger.xlsx")


def export_response(
    store: Store,
    *,
    kind: str | None,
    round: str | None,
    region: str | None,
    status_: str | None,
    today: date | None,
) -> Response:
    day = today or date.today()
    with ledger_errors(), store.session() as s:
        items, _ = svc.list_items(
            s, kind=kind, round=round, region=region, status=status_, today=day
        )
        rows = svc.items_for_export(s, items, day)
        st = svc.statistics(s, round=round, region=region, kind=kind, today=day)
    with tempfile.TemporaryDirectory(prefix="ecoplan-ledger-") as tmp:
        path = Path(tmp) / "ledger.xlsx"
        write_ledger_xlsx(rows, path, stats=st, today=day)
        data = path.read_bytes()
    name = f"ledger-{day:%Y%m%d}.xlsx"
    return Response(
        data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@api.get("/export.xlsx", summary="Export as Excel 导出台账")
def export(
    kind: str | None = Query(None),
    round: str | None = Query(None),
    region: str | None = Query(None),
    status_: str | None = Query(None, alias="status"),
    today: str | None = Query(None),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """The selection in the officials' layout (one row per item, Chinese headers), with a
    statistics sheet; it imports back unchanged."""
    return export_response(
        store, kind=kind, round=round, region=region, status_=status_, today=_parse_today(today)
    )


# --- pages -----------------------------------------------------------------------------------


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _msg(request: Request, exc: LedgerError | IngestError) -> str:
    err = api_error(exc)
    return err.message_en if lang_of(request) == "en" else err.message_zh


def _region_choices() -> list[dict[str, Any]]:
    return [
        {"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en, "level": str(r.level)}
        for r in load_regions()
    ]


def _filters(request: Request) -> dict[str, str]:
    keys = ("kind", "round", "region", "status", "overdue", "q", "today")
    return {k: request.query_params.get(k, "").strip() for k in keys}


def _common(store: Store) -> dict[str, Any]:
    with store.session() as s:
        rnds = svc.rounds(s)
    return {
        "kinds": [(k.value, KIND_ZH[k]) for k in Kind],
        "statuses": [(s.value, STATUS_ZH[s]) for s in STATUS_ORDER],
        "rounds": rnds,
        "regions": _region_choices(),
    }


@pages.get("/ledgers")
def ledgers_page(
    request: Request,
    page_no: int = Query(1, alias="page", ge=1, le=DB_INT_MAX // PAGE_SIZE),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    f = _filters(request)
    day = _parse_today(f["today"]) or date.today()
    overdue = {"1": True, "0": False}.get(f["overdue"])
    with ledger_errors(), store.session() as s:
        items, total = svc.list_items(
            s,
            kind=f["kind"] or None,
            round=f["round"] or None,
            region=f["region"] or None,
            status=f["status"] or None,
            overdue=overdue,
            q=f["q"] or None,
            today=day,
            limit=PAGE_SIZE,
            offset=(page_no - 1) * PAGE_SIZE,
        )
        rows = [svc.item_to_dict(i, day) for i in items]
        st = svc.statistics(
            s,
            round=f["round"] or None,
            region=f["region"] or None,
            kind=f["kind"] or None,
            today=day,
        )
        empty = svc.count_items(s) == 0
    export_q = {
        k: v for k, v in f.items() if k in ("kind", "round", "region", "status", "today") and v
    }
    return render(
        request,
        "ledger_list.html",
        _common(store)
        | {
            "rows": rows,
            "total": total,
            "page": page_no,
            "pages": max(1, math.ceil(total / PAGE_SIZE)),
            "filters": f,
            "stats": st,
            "today": day.isoformat(),
            "empty": empty,
            "export_url": "/api/ledger/export.xlsx"
            + ("?" + urlencode(export_q) if export_q else ""),
            "may_write": may_attempt(auth.user, LEDGER_WRITE),
            "may_import": can(auth.user, LEDGER_IMPORT),
        },
    )


@pages.get("/ledgers/board")
def board_page(
    request: Request,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    f = _filters(request)
    day = _parse_today(f["today"]) or date.today()
    with ledger_errors(), store.session() as s:
        data = svc.board(
            s,
            kind=f["kind"] or None,
            round=f["round"] or None,
            region=f["region"] or None,
            today=day,
            per_column=BOARD_PER_COLUMN,
        )
        st = svc.statistics(
            s,
            round=f["round"] or None,
            region=f["region"] or None,
            kind=f["kind"] or None,
            today=day,
        )
    list_q = {k: v for k, v in f.items() if k in ("kind", "round", "region", "today") and v}
    return render(
        request,
        "ledger_board.html",
        _common(store)
        | {
            "board": data,
            "stats": st,
            "filters": f,
            "today": day.isoformat(),
            "list_query": urlencode(list_q),
            "may_write": may_attempt(auth.user, LEDGER_WRITE),
        },
    )


class ItemForm:
    """The fields of the register / edit form (a dependency reading them from the form)."""

    def __init__(
        self,
        kind: str = Form(""),
        title: str = Form(""),
        code: str = Form(""),
        round: str = Form(""),
        source_doc: str = Form(""),
        region_code: str = Form(""),
        responsible_unit: str = Form(""),
        lead_department: str = Form(""),
        deadline: str = Form(""),
        measures: str = Form(""),
        plan_id: str = Form(""),
        task_code: str = Form(""),
        note: str = Form(""),
    ):
        self.values: dict[str, Any] = {
            "kind": kind,
            "title": title,
            "round": round,
            "source_doc": source_doc,
            "region_code": region_code,
            "responsible_unit": responsible_unit,
            "lead_department": lead_department,
            "deadline": deadline,
            "measures": measures,
            "plan_id": plan_id,
            "task_code": task_code,
        }
        self.values = {k: v.strip() or None for k, v in self.values.items()}
        self.code = code.strip() or None
        self.note = note.strip() or None


@pages.get("/ledgers/new")
def new_page(
    request: Request,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    user = auth.user
    values = {"kind": "inspection", "region_code": user.region_code if user else ""}
    return render(
        request,
        "ledger_form.html",
        _common(store) | {"values": values, "item": None, "errors": None},
    )


def _form_error(
    request: Request, store: Store, values: dict[str, Any], item: Any, exc: LedgerError
) -> Response:
    err = api_error(exc)
    return render(
        request,
        "ledger_form.html",
        _common(store) | {"values": values, "item": item, "errors": err},
        status_code=err.status,
    )


@pages.post("/ledgers/new")
def new_submit(
    request: Request,
    form: ItemForm = Depends(),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    values = form.values | {"code": form.code}
    try:
        with store.session() as s:
            item = svc.create_item(s, caller_of(auth), values, note=form.note)
            item_id, code = item.id, item.code
    except LedgerError as exc:
        return _form_error(request, store, values, None, exc)
    flash(request, f"{code}: " + ("registered" if lang_of(request) == "en" else "已登记"))
    return redirect(f"/ledgers/{item_id}")


@pages.post("/ledgers/import")
def import_page(
    request: Request,
    file: UploadFile = File(...),
    auth: Authorized = Depends(require(LEDGER_IMPORT)),
    store: Store = Depends(get_store),
) -> Response:
    data = _read_upload(file, MAX_IMPORT_BYTES)
    try:
        with store.session() as s:
            res = import_ledger_bytes(
                s, caller_of(auth), data, Path(file.filename or "x.xlsx").name
            )
    except (LedgerError, IngestError) as exc:
        flash(request, _msg(request, exc) + _file_errors(exc), "error")
        return redirect("/ledgers")
    flash(request, _import_summary(request, [res.as_dict()]))
    return redirect("/ledgers")


def _file_errors(exc: Exception) -> str:
    if not isinstance(exc, LedgerFileError):
        return ""
    shown = "；".join(f"第{r}行 {c}：{m}" for r, c, m in exc.errors[:10])
    return f"（{shown}{'……' if len(exc.errors) > 10 else ''}）"


def _import_summary(request: Request, results: list[dict[str, Any]]) -> str:
    ins = sum(r["inserted"] for r in results)
    upd = sum(r["updated"] for r in results)
    same = sum(r["unchanged"] for r in results)
    if lang_of(request) == "en":
        return f"imported: {ins} new, {upd} updated, {same} unchanged"
    return f"已导入：新增 {ins} 项，更新 {upd} 项，未变 {same} 项"


@pages.post("/ledgers/load-examples")
def examples_page(
    request: Request,
    auth: Authorized = Depends(require(LEDGER_IMPORT)),
    store: Store = Depends(get_store),
) -> Response:
    with ledger_errors(), store.session() as s:
        results = [r.as_dict() for r in load_examples(s, caller_of(auth))]
    flash(request, _import_summary(request, results))
    return redirect("/ledgers")


@pages.get("/ledgers/{item_id:int}")
def item_page(
    request: Request,
    item_id: RowId,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    day = _parse_today(request.query_params.get("today")) or date.today()
    d = _detail(store, item_id, auth.user, auth.actor, day)
    status_now = Status(d["status"])
    return render(
        request,
        "ledger_item.html",
        {
            "item": d,
            "today": day.isoformat(),
            "editable": status_now in EDITABLE_STATUSES and d["can_write"],
            "open": status_now in OPEN_STATUSES,
            "closed": status_now is Status.CLOSED,
            "status_zh": STATUS_ZH,
        },
    )


@pages.get("/ledgers/{item_id:int}/edit")
def edit_page(
    request: Request,
    item_id: RowId,
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    d = _detail(store, item_id, auth.user, auth.actor)
    return render(
        request, "ledger_form.html", _common(store) | {"values": d, "item": d, "errors": None}
    )


@pages.post("/ledgers/{item_id:int}/edit")
def edit_submit(
    request: Request,
    item_id: RowId,
    form: ItemForm = Depends(),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    values = form.values
    try:
        with store.session() as s:
            svc.update_item(s, caller_of(auth), item_id, values)
    except LedgerError as exc:
        d = _detail(store, item_id, auth.user, auth.actor)
        return _form_error(request, store, values | {"code": d["code"]}, d, exc)
    flash(request, "saved" if lang_of(request) == "en" else "已保存")
    return redirect(f"/ledgers/{item_id}")


def _item_action(request: Request, item_id: int, done_zh: str, done_en: str, fn: Any) -> Response:
    """Run a service call for a form on the item page; flash the outcome, back to the item."""
    try:
        fn()
    except (LedgerError, IngestError) as exc:
        flash(request, _msg(request, exc), "error")
        return redirect(f"/ledgers/{item_id}")
    flash(request, done_en if lang_of(request) == "en" else done_zh)
    return redirect(f"/ledgers/{item_id}")


@pages.post("/ledgers/{item_id:int}/transition")
def transition_submit(
    request: Request,
    item_id: RowId,
    target: str = Form(...),
    note: str = Form(""),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    def run() -> None:
        with store.session() as s:
            svc.transition(s, caller_of(auth), item_id, target, note or None)

    label = STATUS_ZH.get(target, target)
    return _item_action(request, item_id, f"状态已改为：{label}", f"status: {target}", run)


@pages.post("/ledgers/{item_id:int}/note")
def note_submit(
    request: Request,
    item_id: RowId,
    text: str = Form(""),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    def run() -> None:
        with store.session() as s:
            svc.add_note(s, caller_of(auth), item_id, text)

    return _item_action(request, item_id, "已添加进展", "note added", run)


@pages.post("/ledgers/{item_id:int}/stage")
def stage_submit(
    request: Request,
    item_id: RowId,
    achieved: str = Form("1"),
    note: str = Form(""),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    def run() -> None:
        with store.session() as s:
            svc.set_stage_achieved(s, caller_of(auth), item_id, achieved == "1", note or None)

    return _item_action(request, item_id, "已更新阶段性成效", "stage result updated", run)


@pages.post("/ledgers/{item_id:int}/evidence")
def evidence_submit(
    request: Request,
    item_id: RowId,
    file: UploadFile = File(...),
    note: str = Form(""),
    auth: Authorized = Depends(require(LEDGER_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    data = _read_upload(file, svc.MAX_EVIDENCE_BYTES)

    def run() -> None:
        with store.session() as s:
            svc.attach_evidence(
                s,
                caller_of(auth),
                item_id,
                file_name=file.filename or "evidence",
                data=data,
                home=store.settings.home,
                content_type=file.content_type,
                note=note or None,
            )

    return _item_action(request, item_id, "已上传佐证材料", "evidence attached", run)


router.include_router(api)
router.include_router(pages)
