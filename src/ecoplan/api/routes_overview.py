"""``/api/overview``: the figures behind the overview page's map."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from ecoplan.api.deps import current_user, get_store
from ecoplan.api.models import ERRORS
from ecoplan.api.permissions import Principal
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
    lang: Literal["zh", "en"] = Query("zh"),
    user: Principal | None = Depends(current_user),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """``{"measure", "leagues": {code: {value, color, label, href}}}`` — what the map colours.

    The measure is, for now, the number of plan targets (quantitative and qualitative) set for
    the league or its counties, over the plans the caller may see.
    """
    return {"measure": "targets", "leagues": league_map(store, user, lang)}
