"""Surface water: the section registry with target classes, monthly and annual GB 3838-2002
classes with their deciding items, target compliance and the shares of I–III and 劣V per
league/city — JSON API and the 水 page (sections on the map of Inner Mongolia).

Every figure comes from :mod:`ecoplan.api.airwater` (cached until the next import). Reading
needs an account (``data.read``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ecoplan.api import airwater
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import Page, PageParams, page_of, page_params
from ecoplan.api.permissions import READ
from ecoplan.api.routes_air import series_params
from ecoplan.api.templating import lang_of, render
from ecoplan.model.regions import Level, load_regions
from ecoplan.standards.water_tables import CLASS_ZH, CLASSES
from ecoplan.store.db import Store

router = APIRouter(tags=["water 水"], responses=ERRORS)

YEAR = Query(None, ge=1900, le=2200, description="calendar year; default the latest with samples")


# --- response bodies -------------------------------------------------------------------------


class SectionOut(BaseModel):
    code: str
    name: str
    water_body: str | None
    waterbody_type: Literal["river", "lake"]
    waterbody_type_zh: str
    region_code: str
    region_name_zh: str
    region_name_en: str
    target_class: str | None = Field(description="GB 3838 target class I–V (水质目标)")
    target_class_zh: str | None
    lon: float | None
    lat: float | None
    position: Literal["surveyed", "seat", "none"] = Field(
        description="surveyed: registry coordinates; seat: drawn near the region's seat (the "
        "registry has none); none: not drawable"
    )
    synthetic: bool = Field(description="演示数据（合成）: demo section and samples")


class WaterItemOut(BaseModel):
    item: str = Field(description="GB 3838 Table 1 item code, e.g. NH3N")
    name_zh: str
    value: float | None = Field(description="mean concentration of the period")
    unit: str
    class_: str = Field(alias="class", description="the item's single-factor class")

    model_config = {"populate_by_name": True}


class WaterClassOut(BaseModel):
    section: str
    period: str = Field(description="YYYY (annual) or YYYY-MM (monthly)")
    water_class: str | None = Field(description="I … V, 劣V (GB 3838-2002 single-factor)")
    class_zh: str | None
    grade_zh: str | None = Field(description="优 / 良好 / 轻度污染 / 中度污染 / 重度污染")
    color: str
    target_class: str | None
    meets_target: bool | None = Field(description="达标: class no worse than the target")
    deciding_items: list[WaterItemOut] = Field(
        description="定类项目: items whose class is the class"
    )
    failing_items: list[WaterItemOut] = Field(description="items worse than the target class")


class WaterSectionClassesPage(Page[WaterClassOut]):
    section: SectionOut
    year: int
    annual: WaterClassOut | None


class WaterSectionEvalOut(SectionOut):
    water_class: str | None
    class_zh: str | None
    grade_zh: str | None
    color: str
    meets_target: bool | None
    deciding_items: list[WaterItemOut]
    failing_items: list[WaterItemOut]


class WaterRegionShares(BaseModel):
    region_code: str
    name_zh: str
    name_en: str
    n_sections: int = Field(description="sections with a class this year")
    share_I_III: float | None = Field(description="share of sections in classes I–III, %")
    share_worse_V: float | None = Field(description="share of sections worse than V (劣V), %")
    shares: dict[str, float | None]
    with_target: int
    meets_target: int
    compliance_ratio: float | None = Field(description="sections meeting their target, %")


class WaterEvaluationPage(Page[WaterSectionEvalOut]):
    region: str
    name_zh: str
    name_en: str
    year: int
    synthetic: bool
    summary: list[WaterRegionShares] = Field(description="the region, then each league/city")


# --- API -------------------------------------------------------------------------------------


def _year_or_latest(store: Store, year: int | None) -> int:
    if year is not None:
        return year
    years = airwater.water_years(store)
    return years[-1] if years else dt.date.today().year


@router.get(
    "/api/water/sections", response_model=Page[SectionOut], summary="Water sections 水质断面"
)
def sections_route(
    region: str | None = Query(None, pattern=r"^\d{6}$", description="in or under this region"),
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The section registry with target classes; ``synthetic`` marks demo sections."""
    return page_of(airwater.sections(store, region=region), p)


@router.get(
    "/api/water/sections/{code}/classes",
    response_model=WaterSectionClassesPage,
    response_model_by_alias=True,
    summary="Monthly classes of a section 断面逐月水质类别",
)
def section_classes_route(
    code: str,
    year: int | None = YEAR,
    p: PageParams = Depends(series_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The class of each month's mean concentrations with the deciding items (定类项目) and
    the items worse than the target; ``annual`` is the class of the annual means."""
    body = airwater.section_monthly_classes(store, code, _year_or_latest(store, year))
    return body | page_of(body["items"], p)


@router.get(
    "/api/water/evaluation",
    response_model=WaterEvaluationPage,
    response_model_by_alias=True,
    summary="Annual water evaluation 年度水质评价",
)
def evaluation_route(
    region: str = Query("150000", pattern=r"^\d{6}$"),
    year: int | None = YEAR,
    p: PageParams = Depends(page_params),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Annual class of every section in the region with its target class, compliance
    (达标/未达标) and deciding items; ``summary`` gives the shares of I–III and 劣V and the
    target compliance of the region and of each league/city."""
    body = airwater.water_evaluation(store, region, _year_or_latest(store, year))
    return body | page_of(body["items"], p)


# --- pages -----------------------------------------------------------------------------------


def class_legend(lang: str) -> list[dict[str, str]]:
    """Map legend: the six classes with their Chinese names and colours, then 无数据."""
    out = [
        {
            "cls": c,
            "label": airwater.WATER_CLASS_EN[c] if lang == "en" else CLASS_ZH[c],
            "color": airwater.WATER_CLASS_COLORS[c],
        }
        for c in CLASSES
    ]
    out.append(
        {
            "cls": "",
            "label": "no data" if lang == "en" else "无数据",
            "color": airwater.NO_DATA_COLOR,
        }
    )
    return out


def _map_data(ev: dict[str, Any], lang: str, year: int) -> dict[str, Any]:
    en = lang == "en"
    points = []
    for s in ev["items"]:
        if s["lon"] is None or s["lat"] is None:
            continue
        deciding = ("、" if not en else ", ").join(
            (i["item"] if en else i["name_zh"]) for i in s["deciding_items"]
        )
        points.append(
            {
                "code": s["code"],
                "name": s["name"],
                "value": [s["lon"], s["lat"]],
                "cls": s["water_class"] or "",
                "label": (
                    (airwater.WATER_CLASS_EN[s["water_class"]] if en else s["class_zh"])
                    if s["water_class"]
                    else ("no data" if en else "无数据")
                ),
                "water_body": s["water_body"] or "",
                "target": s["target_class"] or "",
                "meets": s["meets_target"],
                "deciding": deciding,
                "seat": s["position"] == "seat",
                "synthetic": s["synthetic"],
                "href": f"/water/sections/{s['code']}?year={year}",
            }
        )
    return {"lang": lang, "classes": class_legend(lang), "points": points}


def water_region_choices() -> list[dict[str, Any]]:
    return [
        {"code": r.code, "name_zh": r.name_zh, "name_en": r.name_en}
        for r in load_regions()
        if r.level in (Level.PROVINCE, Level.PREFECTURE)
    ]


@router.get("/water", include_in_schema=False)
def water_page(
    request: Request,
    region: str = Query("150000", pattern=r"^\d{6}$"),
    year: int | None = Query(None, ge=1900, le=2200),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """Sections on the map coloured by annual class; the table of sections (class, target,
    达标, deciding items); the shares of I–III and 劣V per league/city."""
    lang = lang_of(request)
    years = airwater.water_years(store)
    y = _year_or_latest(store, year)
    ev = airwater.water_evaluation(store, region, y)
    return render(
        request,
        "water.html",
        {
            "regions": water_region_choices(),
            "region": region,
            "year": y,
            "years": years or [y],
            "evaluation": ev,
            "map": _map_data(ev, lang, y),
            "legend": class_legend(lang),
            "seat_positions": sum(1 for s in ev["items"] if s["position"] == "seat"),
        },
    )


@router.get("/water/sections/{code}", include_in_schema=False)
def water_section_page(
    request: Request,
    code: str,
    year: int | None = Query(None, ge=1900, le=2200),
    _: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """One section: its monthly classes with the deciding items."""
    y = _year_or_latest(store, year)
    body = airwater.section_monthly_classes(store, code, y)
    return render(
        request,
        "water_section.html",
        {"data": body, "year": y, "years": airwater.water_years(store) or [y]},
    )
