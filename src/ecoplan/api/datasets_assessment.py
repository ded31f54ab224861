"""Datasets (downloads) of the assessment pages: the overview's map and ranking, the indicator
list with its traffic lights, one indicator per region, one indicator's values (the trend
chart) and the public portal's plan table. Plan, year and region default as on the pages
(:mod:`ecoplan.api.routes_assessment`)."""

from __future__ import annotations

from typing import Any

from ecoplan.api.assessment_cache import CachedAssessment, cache_for
from ecoplan.api.datasets import DataContext, dataset
from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.permissions import PUBLIC_READ
from ecoplan.api.plandata import (
    BINDING_ZH,
    filter_indicators,
    find_indicator,
    visible_summaries,
)
from ecoplan.api.routes_assessment import (
    STATUS_ZH,
    assess,
    check_category,
    choose_plan,
    default_year,
    filter_rows,
    region_name,
    region_summary,
    values_of,
)
from ecoplan.assess.types import AssessmentRow
from ecoplan.report.tabular import Column, Table

CMP = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "=", "==": "="}
SOURCE_KIND_ZH = {"imported": "导入数据", "derived": "由监测数据计算", "baseline": "规划基准值"}


def _plan_year(
    ctx: DataContext, *, published_only: bool = False
) -> tuple[dict[str, Any], int, CachedAssessment]:
    _, plan = choose_plan(ctx.store, ctx.user, ctx.get("plan"), published_only=published_only)
    if plan is None:
        raise not_found("含定量目标的规划", "A plan with quantitative targets")
    version = cache_for(ctx.store).version(plan["id"])
    year = ctx.year() or default_year(ctx.store, plan, version)
    return plan, year, assess(ctx.store, plan, year, version=version)


def _region(ctx: DataContext, plan: dict[str, Any], cached: CachedAssessment) -> str:
    region = ctx.code("region", plan["region_code"]) or str(plan["region_code"])
    if region not in cached.result.regions:
        raise ApiError(
            422,
            f"地区 {region} 不在规划的评估范围内",
            f"region {region} is not assessed in plan {plan['id']}",
            fields=[{"loc": "query.region", "message": "not assessed in this plan"}],
        )
    return region


def target_text(r: AssessmentRow) -> str | None:
    if r.target is None:
        return None
    return f"{CMP.get(r.comparator or '', r.comparator or '')}{r.target:g}"


ROW_COLUMNS = [
    Column("code", "指标代码"),
    Column("name", "指标"),
    Column("category", "类别"),
    Column("binding", "属性"),
    Column("region", "地区"),
    Column("status", "评估状态"),
    Column("value", "最新值"),
    Column("value_year", "最新值年份"),
    Column("baseline", "基准值"),
    Column("baseline_year", "基准年"),
    Column("target", "目标值"),
    Column("target_year", "目标年"),
    Column("unit", "单位"),
    Column("note", "说明"),
]


def row_cells(r: AssessmentRow) -> list[Any]:
    return [
        r.indicator_code,
        r.name_zh,
        r.category_zh,
        BINDING_ZH.get(r.binding or ""),
        r.region_zh,
        STATUS_ZH[r.status.value],
        r.value,
        r.value_year,
        r.baseline,
        r.baseline_year,
        target_text(r),
        r.target_year,
        r.unit,
        r.note_zh or None,
    ]


def _indicator_rows(
    plan: dict[str, Any], cached: CachedAssessment, region: str, status: str | None, **filters: Any
) -> list[list[Any]]:
    """One row per indicator of the plan (as the indicator list): assessed ones with their
    row for *region*, the others 未评估 with the plan's nearest target."""
    by_code = {r.indicator_code: r for r in cached.result.rows if r.region_code == region}
    out = []
    for ind in filter_indicators(plan, **filters):
        r = by_code.get(ind["code"])
        st = r.status.value if r else "not_assessed"
        if status and st != status:
            continue
        if r is not None:
            out.append(row_cells(r))
            continue
        t = ind["targets"][0] if ind["targets"] else None
        out.append(
            [
                ind["code"],
                ind["name_zh"],
                ind.get("category_name_zh"),
                BINDING_ZH.get(ind["binding"] or ""),
                region_name(region),
                STATUS_ZH["not_assessed"],
                None,
                None,
                None,
                None,
                f"{CMP.get(t['comparator'], t['comparator'])}{t['value']:g}" if t else None,
                t["year"] if t else None,
                ind["unit"],
                None,
            ]
        )
    return out


@dataset(
    "indicators",
    "指标评估状态",
    params=("plan", "year", "region", "category", "binding", "status"),
)
def indicators(ctx: DataContext) -> Table:
    """The indicator list of one plan for one region and year, with the page's filters."""
    plan, year, cached = _plan_year(ctx)
    region = _region(ctx, plan, cached)
    category, binding, status = ctx.get("category"), ctx.get("binding"), ctx.get("status")
    check_category(plan, category)
    if binding not in (None, "binding", "expected", "none"):
        raise ApiError(422, f"属性 {binding} 无效", f"binding {binding!r} is not valid")
    if status not in (None, *STATUS_ZH):
        raise ApiError(422, f"状态 {status} 无效", f"status {status!r} is not valid")
    rows = _indicator_rows(plan, cached, region, status, category=category, binding=binding)
    rows.sort(key=lambda r: {"约束性": 0, "预期性": 1}.get(r[3] or "", 2))
    return Table(f"{plan['title_zh']} {region_name(region)} {year}年 指标评估", ROW_COLUMNS, rows)


@dataset("indicator-regions", "单项指标各地区评估", params=("plan", "code", "year"))
def indicator_regions(ctx: DataContext) -> Table:
    """One indicator: one row per assessed region."""
    plan, year, cached = _plan_year(ctx)
    code = ctx.required("code")
    ind = find_indicator(plan, code)
    rows = [row_cells(r) for r in filter_rows(cached.result.rows, indicator=code)]
    return Table(f"{ind['name_zh']} {year}年 各地区评估", ROW_COLUMNS, rows)


VALUE_COLUMNS = [
    Column("code", "指标代码"),
    Column("name", "指标"),
    Column("region", "地区"),
    Column("year", "年份"),
    Column("value", "数值"),
    Column("unit", "单位"),
    Column("source_kind", "来源类型"),
    Column("file_name", "来源文件"),
]


@dataset("indicator-values", "指标数值（趋势图）", params=("plan", "code", "year", "region"))
def indicator_values(ctx: DataContext) -> Table:
    """Every value of one indicator up to the year (the trend chart's points)."""
    plan, year, cached = _plan_year(ctx)
    code = ctx.required("code")
    find_indicator(plan, code)
    region = ctx.code("region")
    if region is not None:
        _region(ctx, plan, cached)
    items = values_of(ctx.store, plan, cached, region=region, indicator=code)
    rows = [
        [
            v["indicator_code"],
            v["name_zh"],
            v["region_zh"],
            v["year"],
            v["value"],
            v["unit"],
            SOURCE_KIND_ZH.get(v["source_kind"], "其他"),
            v["file_name"],
        ]
        for v in items
    ]
    where = region_name(region) if region else "各地区"
    name = items[0]["name_zh"] if items else code
    return Table(f"{name} {where} 截至{year}年 数值", VALUE_COLUMNS, rows)


RANK_COLUMNS = [
    Column("region_code", "区划代码"),
    Column("region", "盟市"),
    Column("rank", "排名"),
    Column("score", "得分"),
    Column("achieved", STATUS_ZH["achieved"]),
    Column("on_track", STATUS_ZH["on_track"]),
    Column("at_risk", STATUS_ZH["at_risk"]),
    Column("off_track", STATUS_ZH["off_track"]),
    Column("no_data", STATUS_ZH["no_data"]),
    Column("n_assessed", "有数据指标数"),
    Column("n_assessable", "应评估指标数"),
    Column("share", "已达标或进展顺利占比", "%"),
    Column("note", "说明"),
]


def _ranking_table(plan: dict[str, Any], year: int, cached: CachedAssessment) -> Table:
    by_region: dict[str, list[AssessmentRow]] = {}
    for r in cached.result.rows:
        by_region.setdefault(r.region_code, []).append(r)
    rows = []
    for rk in cached.result.ranking:
        share = region_summary(by_region.get(rk.region_code, []))["share"]
        c = rk.counts
        rows.append(
            [
                rk.region_code,
                rk.region_zh,
                rk.rank,
                None if rk.score is None else round(rk.score, 1),
                c.get("achieved", 0),
                c.get("on_track", 0),
                c.get("at_risk", 0),
                c.get("off_track", 0),
                c.get("no_data", 0),
                rk.n_assessed,
                rk.n_assessable,
                None if share is None else round(share * 100, 1),
                rk.note_zh or None,
            ]
        )
    return Table(f"{plan['title_zh']} {year}年 盟市进展与排名", RANK_COLUMNS, rows)


@dataset("ranking", "盟市进展与排名（总览地图与排名表）", params=("plan", "year"))
def ranking(ctx: DataContext) -> Table:
    plan, year, cached = _plan_year(ctx)
    return _ranking_table(plan, year, cached)


# --- public (no login) -----------------------------------------------------------------------


def public_plan_id(ctx: DataContext) -> str | None:
    """The ``plan`` parameter, 404 unless the plan is published (as the public page)."""
    plan_id = ctx.get("plan")
    if plan_id is not None and plan_id not in {p["id"] for p in visible_summaries(ctx.store, None)}:
        raise not_found(f"已公开的规划 {plan_id}", f"Published plan {plan_id!r}")
    return plan_id


@dataset("public-indicators", "公开规划指标与评估状态", params=("plan",), action=PUBLIC_READ)
def public_indicators(ctx: DataContext) -> Table:
    """The public portal's table: the published plan's indicators at its own region."""
    plan_id = public_plan_id(ctx)
    plan, year, cached = _plan_year(
        DataContext(ctx.store, None, {"plan": plan_id or ""}), published_only=True
    )
    rows = _indicator_rows(plan, cached, str(plan["region_code"]), None)
    return Table(f"{plan['title_zh']} {year}年 指标评估（公开）", ROW_COLUMNS, rows)


@dataset("public-ranking", "公开规划盟市进展", params=("plan",), action=PUBLIC_READ)
def public_ranking(ctx: DataContext) -> Table:
    plan, year, cached = _plan_year(
        DataContext(ctx.store, None, {"plan": public_plan_id(ctx) or ""}), published_only=True
    )
    return _ranking_table(plan, year, cached)
