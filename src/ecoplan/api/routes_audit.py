"""``/api/audit``: the audit trail (admin only)."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Query

from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError
from ecoplan.api.models import ERRORS, AuditOut
from ecoplan.api.paging import Page, PageParams, page, page_params
from ecoplan.api.permissions import AUDIT_READ
from ecoplan.store import audit
from ecoplan.store.db import Store

router = APIRouter(prefix="/api/audit", tags=["audit 审计"], responses=ERRORS)


@router.get("", response_model=Page[AuditOut], summary="Audit trail 审计日志 (admin)")
def audit_trail(
    user: str | None = Query(None, description="username"),
    entity: str | None = Query(None, description="plan, user, api_token, …"),
    entity_id: str | None = Query(None),
    action: str | None = Query(None, description="e.g. plan.import, user.update"),
    since: date | None = Query(None, description="first day, YYYY-MM-DD (local time)"),
    until: date | None = Query(None, description="last day, YYYY-MM-DD (included)"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(AUDIT_READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Writes, newest first: who, when, what, the state before and after, the client address."""
    if since and until and since > until:
        raise ApiError(
            422,
            f"起始日期 {since} 晚于结束日期 {until}",
            f"since ({since}) is after until ({until})",
            fields=[{"loc": "query.since", "message": "after until"}],
        )
    with store.session() as s:
        rows, total = audit.query(
            s,
            username=user,
            entity=entity,
            entity_id=entity_id,
            action=action,
            since=since,
            until=until,
            limit=p.limit,
            offset=p.offset,
        )
    return page(rows, total, p)
