"""``/api/regions``: the GB/T 2260 divisions of Inner Mongolia (public)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query

from ecoplan.api.deps import get_store
from ecoplan.api.errors import not_found
from ecoplan.api.models import ERRORS, RegionDetail, RegionOut
from ecoplan.api.paging import Page, PageParams, page_of, page_params
from ecoplan.model.regions import UnknownRegionError, get_region
from ecoplan.store.db import Store
from ecoplan.store.regions import list_regions

router = APIRouter(prefix="/api/regions", tags=["regions 行政区划"], responses=ERRORS)


@router.get("", response_model=Page[RegionOut], summary="List regions 行政区划列表")
def regions(
    level: Literal["province", "prefecture", "county"] | None = Query(
        None, description="province 自治区 | prefecture 盟市 | county 旗县(市、区)"
    ),
    parent: str | None = Query(None, pattern=r"^\d{6}$", description="parent's code"),
    p: PageParams = Depends(page_params),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Regions, the province first, then by code; filter by level and by parent."""
    with store.session() as s:
        rows = list_regions(s, level=level, parent=parent)
    return page_of(rows, p)


@router.get("/{code}", response_model=RegionDetail, summary="One region 单个行政区划")
def region(code: str, store: Store = Depends(get_store)) -> dict[str, Any]:
    """One region with its seat coordinates, enclosing regions and direct subdivisions."""
    with store.session() as s:
        rows = list_regions(s)
    by_code = {r["code"]: r for r in rows}
    if code not in by_code:
        raise not_found(f"代码为 {code} 的行政区划", f"Region {code!r}")
    chain, parent = [], by_code[code]["parent"]
    while parent is not None and parent in by_code:
        chain.append(by_code[parent])
        parent = by_code[parent]["parent"]
    try:
        shipped = get_region(code)
        lon, lat = shipped.lon, shipped.lat
    except UnknownRegionError:
        lon = lat = None
    return by_code[code] | {
        "lon": lon,
        "lat": lat,
        "ancestors": chain,
        "children": [r for r in rows if r["parent"] == code],
    }
