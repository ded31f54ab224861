"""Uploading monitoring data: ``POST /api/imports/{kind}``, ``GET /api/imports``,
``GET /api/quarantine`` and the 导入 page (``/imports``).

An upload goes through exactly what ``ecoplan import <kind>`` runs
(:data:`ecoplan.ingest.importers.IMPORTERS`): the same validation, the same quarantine with
file, line, column and reason, the same batches and revisions.

Who may import (:func:`import_action`):

- ``stations``, ``sections`` (registries), ``air``, ``water`` and ``dust``:
  :data:`MONITORING_IMPORT`, admins only;
- ``indicators`` (yearly indicator values): :data:`~ecoplan.api.permissions.REGION_WRITE` —
  an admin anywhere, an editor for its own region and the regions under it. Before anything
  is stored, the file is read and every row's region checked: a row for another (known)
  region refuses the whole file with 403. Rows with an unknown region code are no region's
  data; they go to quarantine as the command line does.

Audit: the batch row and its audit row (``import.<kind>``, entity ``import_batch``, the counts
in ``after``) are written in the same transaction — :class:`AuditedStore` adds the audit row to
the importer's own commit. An import that changes nothing (the file was imported before) writes
no batch and no audit row.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from sqlalchemy import event
from sqlalchemy.orm import Session

from ecoplan.api import assessment_cache, plandata
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError, forbidden
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import PageParams, page_of, page_params
from ecoplan.api.permissions import READ, REGION_WRITE, Principal, can, define_action, may_attempt
from ecoplan.api.templating import lang_of, render
from ecoplan.ingest.errors import IngestError
from ecoplan.ingest.importers import IMPORTERS
from ecoplan.ingest.indicators import parse_indicators
from ecoplan.ingest.result import ImportResult
from ecoplan.ingest.tabular import FORMATS, read_raw
from ecoplan.store import audit, monitoring
from ecoplan.store import schema as s
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store

router = APIRouter(tags=["imports 导入"], responses=ERRORS)

MONITORING_IMPORT = define_action(
    "monitoring.import",
    zh="导入监测数据及站点、断面名录",
    en="import monitoring data and station/section registries",
)

KINDS: tuple[str, ...] = tuple(IMPORTERS)
ImportKind = Literal["air", "water", "indicators", "stations", "sections", "dust"]
KIND_NAMES: dict[str, tuple[str, str]] = {
    "indicators": ("指标数值（年度）", "indicator values (yearly)"),
    "air": ("空气质量小时数据", "hourly air quality"),
    "water": ("地表水监测数据", "surface water samples"),
    "stations": ("空气站点名录", "air station registry"),
    "sections": ("水质断面名录", "water section registry"),
    "dust": ("沙尘天气过程", "sand-dust events"),
}
MAX_IMPORT_BYTES = 512 * 1024 * 1024
#: Quarantined rows returned with an upload (all of them are in ``GET /api/quarantine``).
SHOWN_REJECTIONS = 1000
REJECTION_FIELDS = ("file_name", "line", "column_name", "raw_value", "reason_code", "reason")


def import_action(kind: str) -> str:
    """The permission an import of *kind* needs (module docstring)."""
    return REGION_WRITE if kind == "indicators" else MONITORING_IMPORT


def allowed_kinds(user: Principal | None) -> list[str]:
    """The kinds *user* may upload (for some region, in the case of indicator values)."""
    return [k for k in KINDS if may_attempt(user, import_action(k))]


def authorize_import(request: Request, kind: str) -> Authorized:
    """401/403 unless the caller may import *kind* (for some region)."""
    if kind not in IMPORTERS:
        raise ApiError(
            422,
            f"未知的导入类型 {kind}（可选：{'、'.join(KINDS)}）",
            f"Unknown import kind {kind!r} (choose from: {', '.join(KINDS)})",
        )
    return require(import_action(kind))(request)


def import_auth(request: Request, kind: ImportKind) -> Authorized:
    """Dependency of ``POST /api/imports/{kind}``."""
    return authorize_import(request, kind)


# ------------------------------------------------------------------------- audit with batch


class AuditedStore(Store):
    """*store* seen by an importer: every :class:`~ecoplan.store.schema.ImportBatch` flushed in
    one of its sessions gets an audit row in the same session, just before it commits."""

    def __init__(self, store: Store, actor: Actor, region_code: str | None = None):
        # share the engine and the session factory; no second connection pool
        self.settings = store.settings
        self.engine = store.engine
        self._sessions = store._sessions
        self.actor = actor
        self.region_code = region_code
        self.batches: list[str] = []

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as ses, ses.begin():
            flushed: list[s.ImportBatch] = []

            def collect(session: Session, _ctx: Any) -> None:
                flushed.extend(o for o in session.new if isinstance(o, s.ImportBatch))

            event.listen(ses, "after_flush", collect)
            try:
                yield ses
                for b in flushed:
                    audit.record(
                        ses,
                        self.actor,
                        action=f"import.{b.kind}",
                        entity="import_batch",
                        entity_id=b.id,
                        region_code=self.region_code,
                        after=_batch_after(b),
                    )
                    self.batches.append(b.id)
            finally:
                event.remove(ses, "after_flush", collect)

    def dispose(self) -> None:  # the engine belongs to the wrapped store
        return None


def _batch_after(b: s.ImportBatch) -> dict[str, Any]:
    return {
        "kind": b.kind,
        "layout": b.layout,
        "file_name": b.file_name,
        "file_sha256": b.file_sha256,
        "seq": b.seq,
        "accepted": b.accepted,
        "rejected": b.rejected,
        "duplicates": b.duplicates,
        "revised": b.revised,
        "skipped_derived": b.skipped_derived,
        "missing": b.missing,
    }


# ---------------------------------------------------------------------------------- import


def safe_name(file_name: str | None) -> str:
    """The uploaded file's own name (no directories), as quarantine rows will show it."""
    name = Path((file_name or "").replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in "/\0")[:200]
    if not name or name in (".", ".."):
        raise ApiError(422, "上传的文件没有文件名", "The uploaded file has no name")
    if Path(name).suffix.lower() not in FORMATS:
        raise ApiError(
            422,
            f"{name}：不支持的文件类型，请使用 .csv、.xlsx 或 .parquet",
            f"{name}: unsupported file type; use .csv, .xlsx or .parquet",
            code="invalid_file",
        )
    return name


def save_upload(upload: UploadFile, folder: Path) -> Path:
    """Copy the upload into *folder* under its own name, at most :data:`MAX_IMPORT_BYTES`."""
    path = folder / safe_name(upload.filename)
    size = 0
    with path.open("wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > MAX_IMPORT_BYTES:
                raise ApiError(
                    413,
                    f"文件超过 {MAX_IMPORT_BYTES >> 20} MB，请用命令行 ecoplan import 导入",
                    f"The file is larger than {MAX_IMPORT_BYTES >> 20} MB; "
                    "use the command line (ecoplan import)",
                )
            out.write(chunk)
    return path


def check_region_scope(store: Store, auth: Authorized, path: Path) -> None:
    """For a caller limited to a region: read the indicator-value file and refuse it (403)
    when a row names another known region. Nothing is stored here."""
    if can(auth.user, auth.action):  # may write for every region
        return
    raw = read_raw(path)
    with store.session() as ses:
        catalog = monitoring.indicator_catalog(ses)
        regions = monitoring.region_codes(ses)
    frame, _meta = parse_indicators(raw, catalog, regions)
    named = set(frame["region_code"].dropna().astype(str)) & regions
    outside = sorted(c for c in named if not can(auth.user, auth.action, c))
    if outside:
        names = plandata.names(store)
        listed = "、".join(f"{c} {names.get(c, '')}".strip() for c in outside[:10])
        more = f" 等 {len(outside)} 个地区" if len(outside) > 10 else ""
        home = auth.user.region_code if auth.user else None
        raise forbidden(
            f"文件 {raw.file_name} 含有本账号所属地区（{home}）以外的数据：{listed}{more}；"
            "文件未导入",
            f"{raw.file_name} holds rows for regions outside your account's region ({home}): "
            f"{', '.join(outside[:10])}{' …' if len(outside) > 10 else ''}; nothing was imported",
        )


def import_file(store: Store, auth: Authorized, kind: str, path: Path) -> ImportResult:
    """Run the importer of *kind* on *path* with the caller's permissions, audited."""
    user = auth.user
    region = user.region_code if user is not None and not can(user, auth.action) else None
    audited = AuditedStore(store, auth.actor, region)
    try:  # the region check reads the file too: an unreadable file is a 422 there as well
        if kind == "indicators":
            check_region_scope(store, auth, path)
        result = IMPORTERS[kind](audited, path, user=user.username if user else None)
    except IngestError as exc:
        raise ApiError(
            422, f"文件未导入：{exc}", f"The file was not imported: {exc}", code="invalid_file"
        ) from None
    except UnicodeError as exc:
        raise ApiError(
            422,
            f"文件未导入：{path.name} 不是可读的文本文件（编码无法识别：{exc.__class__.__name__}）",
            f"The file was not imported: {path.name} is not readable text ({exc})",
            code="invalid_file",
        ) from None
    if result.batch_id is not None:
        assessment_cache.invalidate(store)
    return result


def import_upload(store: Store, auth: Authorized, kind: str, upload: UploadFile) -> ImportResult:
    """Save *upload* to a private temporary folder, import it, remove it."""
    with tempfile.TemporaryDirectory(prefix="ecoplan-upload-") as tmp:
        path = save_upload(upload, Path(tmp))
        return import_file(store, auth, kind, path)


def result_dict(res: ImportResult, shown: int = SHOWN_REJECTIONS) -> dict[str, Any]:
    """The JSON answer of an upload: the counts, the batch, and the quarantined rows."""
    out = res.to_dict()
    out["new_quarantine"] = res.new_quarantine
    out["quarantined_total"] = len(res.rejections)
    out["quarantined"] = [{k: r.get(k) for k in REJECTION_FIELDS} for r in res.rejections[:shown]]
    return out


@router.post(
    "/api/imports/{kind}",
    summary="Upload a data file 上传导入数据文件",
    responses={201: {"description": "imported: a new batch"}},
)
def upload_route(
    kind: ImportKind,
    file: UploadFile = File(..., description="CSV, XLSX or Parquet"),
    auth: Authorized = Depends(import_auth),
    store: Store = Depends(get_store),
) -> JSONResponse:
    """Import one file exactly as ``ecoplan import <kind>`` does (docs/ingest.md).

    Answers ``{"accepted", "rejected", "duplicates", "revised", "skipped_derived", "missing",
    "resolved", "batch_id", "unchanged", "quarantined": [{file_name, line, column_name,
    raw_value, reason_code, reason}], "quarantined_total"}`` — 201 when a batch was written,
    200 when the file changed nothing. Registries, air, water and dust: admins; indicator
    values: admins, and editors for their own region (a row for another region → 403, nothing
    stored). A file that cannot be read at all → 422.
    """
    res = import_upload(store, auth, kind, file)
    return JSONResponse(result_dict(res), status_code=201 if res.batch_id else 200)


@router.get("/api/imports", summary="Import batches 导入批次")
def batches_route(
    kind: ImportKind | None = Query(None),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Committed import batches, newest first, with their counts."""
    with store.session() as ses:
        rows = list(reversed(monitoring.list_batches(ses, kind=kind)))
    return page_of(rows, p)


@router.get("/api/quarantine", summary="Quarantined rows 隔离区")
def quarantine_route(
    batch: str | None = Query(None, description="import batch id (or its beginning)"),
    kind: ImportKind | None = Query(None),
    resolved: bool = Query(False, description="include rows resolved by a later import"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Rows refused by imports with file, line, column, raw value and reason, by id; open rows
    only unless ``resolved=true``."""
    with store.session() as ses:
        rows = monitoring.list_quarantine(ses, batch_id=batch, kind=kind, include_resolved=resolved)
    return page_of(rows, p)


# ----------------------------------------------------------------------------------- page

RECENT_BATCHES = 20


def _page(
    request: Request,
    auth: Authorized,
    store: Store,
    *,
    result: dict[str, Any] | None = None,
    error: ApiError | None = None,
    kind: str = "indicators",
    batch: str | None = None,
    status_code: int = 200,
) -> Response:
    with store.session() as ses:
        batches = list(reversed(monitoring.list_batches(ses)))[:RECENT_BATCHES]
        quarantine = (
            monitoring.list_quarantine(ses, batch_id=batch, include_resolved=True)[:2000]
            if batch
            else None
        )
    kinds = allowed_kinds(auth.user)
    return render(
        request,
        "imports.html",
        {
            "kinds": kinds,
            "kind": kind if kind in kinds else (kinds[0] if kinds else ""),
            "kind_names": KIND_NAMES,
            "result": result,
            "error": error,
            "batches": batches,
            "batch": batch,
            "quarantine": quarantine,
            "max_mb": MAX_IMPORT_BYTES >> 20,
        },
        status_code=status_code,
    )


@router.get("/imports", include_in_schema=False)
def imports_page(
    request: Request,
    batch: str | None = Query(None),
    kind: str = Query("indicators"),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    return _page(request, auth, store, kind=kind, batch=batch or None)


@router.post("/imports", include_in_schema=False)
def imports_upload_page(
    request: Request,
    kind: str = Form("indicators"),
    file: UploadFile = File(...),
    reader: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """The upload form: same import as the API; the result (or the refusal) on the page."""
    try:
        auth = authorize_import(request, kind)
        res = import_upload(store, auth, kind, file)
    except ApiError as exc:
        if exc.status == 401:
            raise
        return _page(request, reader, store, error=exc, kind=kind, status_code=exc.status)
    out = result_dict(res)
    out["kind_name"] = KIND_NAMES[kind][1 if lang_of(request) == "en" else 0]
    return _page(request, reader, store, result=out, kind=kind)
