"""``/api/overview``: the figures behind the overview page's map (plan targets per league, or
the assessment status of one plan)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request

from ecoplan.api import routes_assessment as ra
from ecoplan.api.deps import current_user, get_store, require
from ecoplan.api.models import ERRORS
from ecoplan.api.permissions import READ, Principal
from ecoplan.api.plandata import league_map_data, targets_per_league, visible_plans
from ecoplan.store.db import Store
from ecoplan.store.regions import list_regions

router = APIRouter(prefix="/api/overview", tags=["overview 总览"], responses=ERRORS)


def league_map(
    store: Store, user: Principal | None, lang: str = "zh", href: str | None = None
) -> dict[str, Any]:
    """Map data of the 12 leagues/cities: number of plan targets per league (placeholder
    measure until the assessment supplies a status)."""
    plans = visible_plans(store, user)
    with store.session() as s:
        leagues = list_regions(s, level="prefecture")
    return league_map_data(targets_per_league(plans), leagues, lang=lang, href=href)


@router.get("/league-map", summary="Map data per league/city 盟市地图数据")
def league_map_route(
    request: Request,
    lang: Literal["zh", "en"] = Query("zh"),
    plan: str | None = Query(None, description="plan id: colour by its assessment status"),
    year: int | None = Query(None, ge=1949, le=2100, description="with plan: assessment year"),
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """``{"measure", "leagues": {code: {value, color, label, href}}}`` — what the map colours.

    Without ``plan`` the measure is ``targets``: the number of plan targets (quantitative and
    qualitative) set for the league or its counties, over the plans the caller may see. With
    ``plan`` it is ``status``: the share (in %) of the league's assessed indicators with data
    that are achieved or on track in ``year`` (default: the latest year with data), as the
    overview page colours it (:mod:`ecoplan.api.routes_assessment`); the caller must be logged
    in for that, and ``plan_id``, ``year``, ``data_version`` and ``legend`` come with it.
    """
    if plan is None:
        return {"measure": "targets", "leagues": league_map(store, user, lang)}
    auth = require(READ)(request)
    data, y, cached = ra.plan_result(store, auth.user, plan, year)
    href = f"/plans/{data['id']}/indicators?year={y}&region={{code}}"
    return {
        "measure": "status",
        "plan_id": data["id"],
        "year": y,
        "data_version": cached.version.tag,
        "legend": [{"color": c, "label": t} for c, t in ra.map_legend(lang)],
        "leagues": ra.status_map_data(
            cached.result.rows, cached.result.ranking, lang=lang, href=href
        ),
    }
