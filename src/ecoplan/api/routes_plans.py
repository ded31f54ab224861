"""``/api/plans``: plans, their indicators, baselines and targets; import and delete (admin)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Depends, File, Form, Query, Response, UploadFile, status

from ecoplan.api.deps import Authorized, current_user, get_store, require
from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.models import ERRORS, PlanImportOut, PlanSummaryOut
from ecoplan.api.paging import Page, PageParams, page_of, page_params
from ecoplan.api.permissions import PLAN_WRITE, Principal
from ecoplan.api.plandata import (
    filter_indicators,
    find_indicator,
    invalidate,
    plan_detail,
    visible_summaries,
)
from ecoplan.model.planfile import PlanFileError
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import (
    decode_plan_bytes,
    delete_plan,
    get_plans,
    import_plan_file,
    plan_summaries,
    plan_to_dict,
)

router = APIRouter(prefix="/api/plans", tags=["plans 规划"], responses=ERRORS)

MAX_PLAN_BYTES = 5 * 1024 * 1024
PLAN_SUFFIXES = (".yaml", ".yml", ".json")


@router.get("", response_model=Page[PlanSummaryOut], summary="List plans 规划列表")
def plans(
    p: PageParams = Depends(page_params),
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Plans with counts of indicators, baselines, targets and tasks. Anonymous callers see the
    published subset (the embedded plans)."""
    return page_of(visible_summaries(store, user), p)


@router.get("/{plan_id}", summary="One plan (export shape) 规划详情")
def plan(
    plan_id: str, user: Principal | None = Depends(current_user), store: Store = Depends(get_store)
) -> dict[str, Any]:
    """The plan in the shape of ``ecoplan plan export --format json`` (docs/plan-format.md)."""
    return plan_detail(store, plan_id, user)


@router.get("/{plan_id}/indicators", response_model=Page[dict[str, Any]], summary="Indicators 指标")
def indicators(
    plan_id: str,
    category: str | None = Query(None, description="category code, e.g. air"),
    binding: Literal["binding", "expected", "none"] | None = Query(
        None, description="binding 约束性 | expected 预期性 | none (no attribute)"
    ),
    p: PageParams = Depends(page_params),
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Indicators of a plan in plan order, each with its baselines and targets."""
    data = plan_detail(store, plan_id, user)
    if category and category not in {c["code"] for c in data["indicator_categories"]}:
        codes = ", ".join(c["code"] for c in data["indicator_categories"]) or "(none)"
        raise ApiError(
            422,
            f"规划 {plan_id} 没有类别 {category}（可选：{codes}）",
            f"Plan {plan_id!r} has no category {category!r} (choose from: {codes})",
            fields=[{"loc": "query.category", "message": f"unknown category {category!r}"}],
        )
    return page_of(filter_indicators(data, category=category, binding=binding), p)


@router.get("/{plan_id}/indicators/{code}", summary="One indicator 单个指标")
def indicator(
    plan_id: str,
    code: str,
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """One indicator with its baselines, targets and source quotes."""
    data = plan_detail(store, plan_id, user)
    return find_indicator(data, code)


def _summary(session: Any, plan_id: str) -> dict[str, Any] | None:
    for r in plan_summaries(session):
        if r["id"] == plan_id:
            return r
    return None


def import_plan_bytes(
    store: Store, actor: Actor, data: bytes, file_name: str, *, replace: bool
) -> dict[str, Any]:
    """Validate and load an uploaded plan file, audited as ``plan.import`` / ``plan.replace``.

    Shared by ``POST /api/plans`` and the plans page. Raises PlanFileError (→ 422/409).
    """
    name = Path(file_name or "plan.yaml").name
    if not name.lower().endswith(PLAN_SUFFIXES):
        raise PlanFileError(name, [("(file)", "a plan file must end in .yaml, .yml or .json")])
    if len(data) > MAX_PLAN_BYTES:
        raise ApiError(
            413,
            f"规划文件超过 {MAX_PLAN_BYTES // 1024 // 1024} MB",
            f"The plan file is larger than {MAX_PLAN_BYTES // 1024 // 1024} MB",
        )
    raw = decode_plan_bytes(data, name)
    plan_id = raw.get("id") if isinstance(raw, dict) else None
    with tempfile.TemporaryDirectory(prefix="ecoplan-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        with store.session() as s:
            old = get_plans(s, plan_id) if isinstance(plan_id, str) else []
            before = plan_to_dict(old[0]) if old else None
            try:
                res = import_plan_file(s, path, replace=replace)
            except PlanFileError as exc:  # name the upload, not the temporary path
                raise PlanFileError(name, exc.errors) from None
            if res.action != "unchanged":
                audit.record(
                    s,
                    actor,
                    action="plan.replace" if res.action == "replaced" else "plan.import",
                    entity="plan",
                    entity_id=res.plan_id,
                    region_code=(_summary(s, res.plan_id) or {}).get("region_code"),
                    before=before,
                    after=_summary(s, res.plan_id),
                )
    invalidate(store)
    return dict(res.__dict__)


@router.post(
    "",
    response_model=PlanImportOut,
    status_code=status.HTTP_201_CREATED,
    summary="Import a plan file 导入规划 (admin)",
    responses={409: {"description": "a plan with this id exists (send replace=true)"}},
)
def upload_plan(
    response: Response,
    file: UploadFile = File(description="plan file, YAML or JSON (docs/plan-format.md)"),
    replace: bool = Form(False, description="replace a plan with the same id"),
    auth: Authorized = Depends(require(PLAN_WRITE)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Validate and load a plan file, all or nothing — the same checks as ``ecoplan plan
    import``. 201 when inserted, 200 when replaced or unchanged; 422 lists every error."""
    data = file.file.read(MAX_PLAN_BYTES + 1)
    res = import_plan_bytes(store, auth.actor, data, file.filename or "", replace=replace)
    if res["action"] != "inserted":
        response.status_code = status.HTTP_200_OK
    return res


@router.delete(
    "/{plan_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a plan 删除规划 (admin)"
)
def remove_plan(
    plan_id: str,
    auth: Authorized = Depends(require(PLAN_WRITE)),
    store: Store = Depends(get_store),
) -> Response:
    """Delete a plan with its indicators, baselines, targets and tasks (audited with the whole
    plan as ``before``, so it can be restored)."""
    delete_plan_audited(store, auth.actor, plan_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def delete_plan_audited(store: Store, actor: Actor, plan_id: str) -> None:
    """Delete *plan_id*, audited as ``plan.delete``; 404 if there is none."""
    with store.session() as s:
        old = get_plans(s, plan_id)
        if not old:
            raise not_found(f"编号为 {plan_id} 的规划", f"Plan {plan_id!r}")
        before = plan_to_dict(old[0])
        s.expunge_all()
        delete_plan(s, plan_id)
        audit.record(
            s,
            actor,
            action="plan.delete",
            entity="plan",
            entity_id=plan_id,
            region_code=before["region_code"],
            before=before,
        )
    invalidate(store)
