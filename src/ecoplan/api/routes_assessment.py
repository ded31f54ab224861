"""Assessment in the web: ``/api/plans/{id}/values|assessment|ranking|indicators/{code}/
assessment`` and the data behind the overview, indicator and public pages.

Every figure comes from :mod:`ecoplan.api.assessment_cache` (one computation of
:func:`ecoplan.assess.run.run_assessment` per plan × year × region × data version), so the
pages answer in milliseconds once a result is computed.

Defaults (docs/api.md):

- **plan**: 美丽内蒙古 (``im-beautiful-2035``), else the regional 14th FYP (``im-14fyp-eco``), else
  the first plan with a quantitative target the caller may see;
- **year**: the latest year with data (stored indicator values of the plan, warehouse years
  when it has derived indicators), kept within the plan's baseline year and its last year.

Map colour (stated in the legend): the **share of a league/city's assessed indicators that
have data and are achieved or on track** (已达标 + 进展顺利 over indicators with data), in five
classes; grey when none of its indicators has data, light grey when the plan does not cover it.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from pydantic import BaseModel

from ecoplan.api.assessment_cache import CachedAssessment, DataVersion, cache_for
from ecoplan.api.deps import Authorized, get_store, require
from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.models import ERRORS
from ecoplan.api.paging import PageParams, page_of, page_params
from ecoplan.api.permissions import READ, Principal
from ecoplan.api.plandata import (
    BINDING_ZH,
    DIRECTION_EN,
    DIRECTION_ZH,
    filter_indicators,
    find_indicator,
    is_published,
    plan_detail,
    visible_plans,
    visible_summaries,
)
from ecoplan.api.plandata import names as region_names_cached
from ecoplan.api.templating import lang_of, render, templates
from ecoplan.assess.run import AssessmentError, AssessmentResult
from ecoplan.assess.types import AssessmentRow, RankRow, Status
from ecoplan.assess.values import stored_values
from ecoplan.model.regions import UnknownRegionError, children, get_region
from ecoplan.store import schema as s
from ecoplan.store.db import Store

router = APIRouter(prefix="/api/plans", tags=["assessment 评估"], responses=ERRORS)

DEFAULT_PLANS = ("im-beautiful-2035", "im-14fyp-eco")
PROVINCE = "150000"

STATUS_EN: dict[str, str] = {
    "achieved": "achieved",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
    "not_assessed": "not assessed",
}
STATUS_ZH: dict[str, str] = {st.value: st.name_zh for st in Status} | {"not_assessed": "未评估"}
STATUS_COLOR: dict[str, str] = {st.value: st.color for st in Status} | {"not_assessed": "#ffffff"}
STATUS_ORDER = [st.value for st in Status]
StatusParam = Literal["achieved", "on_track", "at_risk", "off_track", "no_data"]
BindingParam = Literal["binding", "expected", "none"]

#: Map classes: lower bound of the share achieved-or-on-track → colour (RdYlGn, 5 classes).
SHARE_CLASSES: tuple[tuple[float, str], ...] = (
    (0.8, "#1a9850"),
    (0.6, "#91cf60"),
    (0.4, "#fee08b"),
    (0.2, "#fc8d59"),
    (0.0, "#d73027"),
)
NO_DATA_COLOR = "#bdbdbd"
OUTSIDE_COLOR = "#eeeeee"


# ---------------------------------------------------------------------------- plan and year


def has_targets(plan: dict[str, Any]) -> bool:
    return any(ind["targets"] for ind in plan["indicators"])


def assessable_plans(store: Store, user: Principal | None) -> list[dict[str, Any]]:
    """Plans the caller may see that have at least one quantitative target."""
    return [p for p in visible_plans(store, user) if has_targets(p)]


def default_plan_id(plans: Sequence[dict[str, Any]]) -> str | None:
    ids = [p["id"] for p in plans]
    for pid in DEFAULT_PLANS:
        if pid in ids:
            return pid
    return ids[0] if ids else None


def year_bounds(plan: dict[str, Any]) -> tuple[int, int]:
    """The years offered for *plan*: its baseline year (start − 1) to its last year."""
    return int(plan["period_start"]) - 1, int(plan["period_end"])


def default_year(store: Store, plan: dict[str, Any], version: DataVersion | None = None) -> int:
    """The latest year with data, within :func:`year_bounds`; without data, this year (or
    the plan's last year when it has ended)."""
    lo, hi = year_bounds(plan)
    latest = cache_for(store).latest_year(plan["id"], version=version)
    if latest is None:
        latest = date.today().year
    return max(lo, min(hi, latest))


def year_choices(
    store: Store, plan: dict[str, Any], year: int, version: DataVersion | None = None
) -> list[int]:
    lo, hi = year_bounds(plan)
    latest = cache_for(store).latest_year(plan["id"], version=version)
    top = max(hi if latest is None else min(hi, max(latest, lo)), year)
    return sorted({*range(lo, top + 1), year}, reverse=True)


def assess(
    store: Store,
    plan: dict[str, Any],
    year: int,
    region: str | None = None,
    version: DataVersion | None = None,
) -> CachedAssessment:
    """The cached assessment, with assessment errors as 422."""
    try:
        return cache_for(store).get(plan["id"], year, region, version=version)
    except (AssessmentError, UnknownRegionError) as exc:
        raise ApiError(422, f"无法评估：{exc}", f"Cannot assess: {exc}") from None
    except ValueError as exc:  # e.g. a stored value in another unit than the plan's
        raise ApiError(
            422, f"评估数据有误：{exc}", f"The assessment data is invalid: {exc}"
        ) from None


def plan_result(
    store: Store,
    user: Principal | None,
    plan_id: str,
    year: int | None,
    region: str | None = None,
) -> tuple[dict[str, Any], int, CachedAssessment]:
    """Visibility check, default year, then the cached result for the whole plan, or for
    *region* when it is not one of the plan's assessed regions (a county, say)."""
    plan = plan_detail(store, plan_id, user)
    version = cache_for(store).version(plan_id)
    y = default_year(store, plan, version) if year is None else year
    whole = assess(store, plan, y, version=version)
    if region is not None and region not in whole.result.regions:
        return plan, y, assess(store, plan, y, region, version)
    return plan, y, whole


# ----------------------------------------------------------------------------- row helpers


def row_dict(row: AssessmentRow) -> dict[str, Any]:
    d = row.to_dict()
    d["status_en"] = STATUS_EN[row.status.value]
    d["status_color"] = row.status.color
    return d


def rows_json(result: AssessmentResult) -> list[str]:
    """Every row of *result* as compact JSON text (:func:`row_dict`), in row order."""
    return [
        json.dumps(row_dict(r), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        for r in result.rows
    ]


def row_positions(result: AssessmentResult) -> dict[int, int]:
    return {id(r): i for i, r in enumerate(result.rows)}


def filter_rows(
    rows: Iterable[AssessmentRow],
    *,
    region: str | None = None,
    status: str | None = None,
    category: str | None = None,
    binding: str | None = None,
    indicator: str | None = None,
) -> list[AssessmentRow]:
    out = []
    for r in rows:
        if region and r.region_code != region:
            continue
        if status and r.status.value != status:
            continue
        if category and r.category != category:
            continue
        if binding and (r.binding or "none") != binding:
            continue
        if indicator and r.indicator_code != indicator:
            continue
        out.append(r)
    return out


def status_counts(rows: Iterable[AssessmentRow]) -> dict[str, int]:
    c = Counter(r.status.value for r in rows)
    return {k: c.get(k, 0) for k in STATUS_ORDER}


def check_category(plan: dict[str, Any], category: str | None) -> None:
    if category and category not in {c["code"] for c in plan["indicator_categories"]}:
        codes = ", ".join(c["code"] for c in plan["indicator_categories"]) or "(none)"
        raise ApiError(
            422,
            f"规划 {plan['id']} 没有类别 {category}（可选：{codes}）",
            f"Plan {plan['id']!r} has no category {category!r} (choose from: {codes})",
            fields=[{"loc": "query.category", "message": f"unknown category {category!r}"}],
        )


_BATCH = re.compile(r"batch ([0-9a-fA-F-]{36})")
_FILE = re.compile(r"^imported:\s*(.*?)(?:\s+sha256:[0-9a-f]+)?(?:\s+batch\s+\S+)?(?:\s+—.*)?$")


def source_info(source: str) -> dict[str, Any]:
    """The kind of a value's source string (``imported`` / ``derived`` / ``baseline``), its
    import batch and file when imported (:mod:`ecoplan.assess.values` writes these strings)."""
    kind = source.split(":", 1)[0].strip() if ":" in source else "other"
    if kind not in ("imported", "derived", "baseline"):
        kind = "other"
    batch = _BATCH.search(source)
    file_name = None
    if kind == "imported":
        m = _FILE.match(source)
        file_name = m.group(1) if m else None
    return {
        "source": source,
        "source_kind": kind,
        "batch_id": batch.group(1) if batch else None,
        "file_name": file_name,
    }


def values_of(
    store: Store,
    plan: dict[str, Any],
    cached: CachedAssessment,
    *,
    region: str | None = None,
    indicator: str | None = None,
) -> list[dict[str, Any]]:
    """Every value up to the assessment year with its source: the series of the assessed rows
    (imported, derived from monitoring, or the plan's baseline) and, for indicators not
    assessed (no quantitative target, so not derived by the run), the values held in
    ``indicator_value`` (imported, then derived ones cached by ``ecoplan assess --save``).
    Plan order, then region, then year."""
    result = cached.result
    regions = [region] if region else list(result.regions)
    inds = {i["code"]: i for i in plan["indicators"]}
    order = {c: n for n, c in enumerate(inds)}
    seen: set[tuple[str, str, int]] = set()
    out: list[dict[str, Any]] = []

    def add(code: str, reg: str, year: int, value: float, source: str) -> None:
        if (code, reg, year) in seen or (indicator and code != indicator) or reg not in regions:
            return
        seen.add((code, reg, year))
        ind = inds[code]
        out.append(
            {
                "indicator_code": code,
                "name_zh": ind["name_zh"],
                "name_en": ind["name_en"],
                "unit": ind["unit"],
                "region_code": reg,
                "region_zh": get_region(reg).name_zh,
                "year": year,
                "value": value,
            }
            | source_info(source)
        )

    for r in result.rows:
        for p in r.series:
            add(r.indicator_code, r.region_code, p.year, p.value, p.source)
    assessed = {r.indicator_code for r in result.rows}
    rest = [c for c in inds if c not in assessed and (indicator is None or c == indicator)]
    if rest:
        with store.session() as ses:
            db_plan = ses.get(s.Plan, plan["id"])
            if db_plan is not None:
                for kind in ("imported", "derived"):  # derived: cached by `assess --save`
                    for code, reg, pt in stored_values(
                        ses, db_plan, regions, result.year, kind=kind, codes=rest
                    ):
                        add(code, reg, pt.year, pt.value, pt.source)
    region_order = {r: n for n, r in enumerate(result.regions)}
    out.sort(
        key=lambda v: (
            order.get(v["indicator_code"], 1 << 30),
            region_order.get(v["region_code"], 1 << 30),
            v["region_code"],
            v["year"],
        )
    )
    return out


# ------------------------------------------------------------------------------ map, charts


def share_color(share: float | None) -> str:
    if share is None:
        return NO_DATA_COLOR
    for bound, color in SHARE_CLASSES:
        if share >= bound - 1e-12:
            return color
    return SHARE_CLASSES[-1][1]


def region_summary(rows: Sequence[AssessmentRow]) -> dict[str, Any]:
    """Counts of one region's rows, and the share achieved-or-on-track among those with data."""
    counts = status_counts(rows)
    with_data = len(rows) - counts["no_data"]
    good = counts["achieved"] + counts["on_track"]
    share = good / with_data if with_data else None
    return {"counts": counts, "n": len(rows), "with_data": with_data, "good": good, "share": share}


def status_map_data(
    result_rows: Sequence[AssessmentRow],
    ranking: Sequence[RankRow],
    *,
    lang: str = "zh",
    href: str | None = None,
) -> dict[str, dict[str, Any]]:
    """``{league code: {value, color, label, href}}`` for the map macro (module docstring).

    ``value`` is the share achieved-or-on-track in per cent (``None`` without data); *href*
    is a format string with ``{code}``.
    """
    en = lang == "en"
    by_region: dict[str, list[AssessmentRow]] = {}
    for r in result_rows:
        by_region.setdefault(r.region_code, []).append(r)
    ranks = {r.region_code: r for r in ranking}
    out: dict[str, dict[str, Any]] = {}
    for league in children(PROVINCE):
        name = league.name_en if en else league.name_zh
        rows = by_region.get(league.code)
        if not rows:
            out[league.code] = {
                "value": None,
                "color": OUTSIDE_COLOR,
                "label": f"{name} · "
                + ("not covered by this plan" if en else "不在本规划评估范围"),
                "href": None,
            }
            continue
        summ = region_summary(rows)
        share = summ["share"]
        if share is None:
            text = "no indicator has data" if en else "各指标均无数据"
        elif en:
            text = f"{summ['good']}/{summ['with_data']} achieved or on track ({share:.0%})"
        else:
            text = f"{summ['good']}/{summ['with_data']} 项已达标或进展顺利（{share:.0%}）"
        rank = ranks.get(league.code)
        if rank is not None and rank.rank is not None:
            text += (
                f" · score {rank.score:.1f}, rank {rank.rank}"
                if en
                else f" · 得分 {rank.score:.1f}，第 {rank.rank} 名"
            )
        out[league.code] = {
            "value": None if share is None else round(share * 100, 1),
            "color": share_color(share),
            "label": f"{name} · {text}",
            "href": href.format(code=league.code) if href else None,
        }
    return out


def map_legend(lang: str) -> list[tuple[str, str]]:
    en = lang == "en"
    labels = (
        ("≥ 80 %", "60–80 %", "40–60 %", "20–40 %", "< 20 %")
        if en
        else ("≥80%", "60%–80%", "40%–60%", "20%–40%", "<20%")
    )
    out = [(color, text) for (_, color), text in zip(SHARE_CLASSES, labels, strict=True)]
    out.append((NO_DATA_COLOR, "no data" if en else "无数据"))
    out.append((OUTSIDE_COLOR, "not covered" if en else "不在评估范围"))
    return out


def trend_chart(row: AssessmentRow, plan: dict[str, Any], lang: str = "zh") -> dict[str, Any]:
    """Data of the trend chart (``static/js/assessment.js``): values by year with their
    sources, the baseline, the target line, the projection (dashed) and the plan's other
    targets for the region whose target applies."""
    en = lang == "en"
    ind = next((i for i in plan["indicators"] if i["code"] == row.indicator_code), None)
    other_targets = []
    if ind is not None:
        for t in ind["targets"]:
            if t["region_code"] == (row.target_region or row.region_code) and not (
                t["year"] == row.target_year and t["value"] == row.target
            ):
                other_targets.append([t["year"], t["value"], t["comparator"]])
    values = [[p.year, p.value, p.source] for p in row.series]
    projection = None
    if (
        row.projection is not None
        and row.value is not None
        and row.value_year is not None
        and row.target_year is not None
        and row.target_year > row.value_year
    ):
        projection = [[row.value_year, row.value], [row.target_year, row.projection]]
    return {
        "unit": row.unit,
        "values": values,
        "baseline": (
            [row.baseline_year, row.baseline, row.baseline_source or ""]
            if row.baseline is not None and row.baseline_year is not None
            else None
        ),
        "target": (
            {
                "value": row.target,
                "year": row.target_year,
                "comparator": row.comparator,
                "kind": row.target_kind,
            }
            if row.target is not None
            else None
        ),
        "other_targets": other_targets,
        "projection": projection,
        "year": row.year,
        "status_color": row.status.color,
        "labels": {
            "values": "Values" if en else "实际值",
            "baseline": "Baseline" if en else "基准值",
            "target": "Target" if en else "目标值",
            "projection": "Projection" if en else "趋势外推",
            "year": "Assessed year" if en else "评估年",
            "source": "Source" if en else "来源",
        },
    }


def baseline_target_chart(ind: dict[str, Any], names: dict[str, str]) -> dict[str, Any] | None:
    """Baseline → target points per region, for an indicator without an assessment row."""
    series: dict[str, list[list[Any]]] = {}
    for b in ind["baselines"]:
        series.setdefault(b["region_code"], []).append([b["year"], b["value"], "baseline"])
    for t in ind["targets"]:
        series.setdefault(t["region_code"], []).append([t["year"], t["value"], t["comparator"]])
    if not series:
        return None
    return {
        "unit": ind["unit"],
        "series": [
            {"name": f"{code} {names.get(code, '')}", "points": sorted(pts)}
            for code, pts in sorted(series.items())
        ],
    }


def headline(result_rows: Sequence[AssessmentRow], plan_region: str) -> dict[str, Any]:
    """Status counts of the plan region's rows: binding, expected, the others, and all."""
    mine = [r for r in result_rows if r.region_code == plan_region]
    groups = {
        "binding": [r for r in mine if r.binding == "binding"],
        "expected": [r for r in mine if r.binding == "expected"],
        "other": [r for r in mine if r.binding not in ("binding", "expected")],
    }
    return {
        "rows": mine,
        "groups": {k: status_counts(v) | {"total": len(v)} for k, v in groups.items() if v},
        "all": status_counts(mine) | {"total": len(mine)},
    }


# ------------------------------------------------------------------------------------ API


class AssessmentPage(BaseModel):
    """One page of assessment rows (``AssessmentRow.to_dict()`` + ``status_en``,
    ``status_color``), binding indicators first, with the counts of all matching rows."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    plan_id: str
    year: int
    regions: list[str]
    data_version: str
    counts: dict[str, int]


class RankingPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    plan_id: str
    year: int
    data_version: str


class ValuesPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int
    plan_id: str
    year: int
    data_version: str


YEAR_Q = Query(
    None, ge=1949, le=2100, description="assessment year (default: the latest year with data)"
)


@router.get(
    "/{plan_id}/values",
    response_model=ValuesPage,
    summary="Indicator values with their sources 指标数值及来源",
)
def values_route(
    plan_id: str,
    region: str | None = Query(None, description="GB/T 2260 code (default: every region)"),
    year: int | None = YEAR_Q,
    indicator: str | None = Query(None, description="one indicator code"),
    p: PageParams = Depends(page_params),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Values up to *year* of the plan's indicators per region and year, each with its source:
    ``source_kind`` ``imported`` (``file_name``, ``batch_id``), ``derived`` (the derivation,
    the standard, stations and valid days) or ``baseline`` (the plan's own figure, quoted)."""
    plan, y, cached = plan_result(store, auth.user, plan_id, year, region)
    if indicator is not None:
        find_indicator(plan, indicator)
    items = cached.view(
        f"values:{region}:{indicator}",
        lambda _r: values_of(store, plan, cached, region=region, indicator=indicator),
    )
    return page_of(items, p) | {"plan_id": plan_id, "year": y, "data_version": cached.version.tag}


@router.get(
    "/{plan_id}/assessment",
    response_model=AssessmentPage,
    summary="Assessment rows 评估结果",
)
def assessment_route(
    plan_id: str,
    year: int | None = YEAR_Q,
    region: str | None = Query(None, description="GB/T 2260 code (default: every region)"),
    status: StatusParam | None = Query(None, description="achieved | on_track | at_risk | …"),
    category: str | None = Query(None, description="category code"),
    binding: BindingParam | None = Query(None, description="binding | expected | none"),
    p: PageParams = Depends(page_params),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> Response:
    """One row per indicator × region with a quantitative target: value, baseline, target,
    status, rates, ratio, projection, gap and notes (docs/assessment.md §9), binding indicators
    first, then plan order, then region (the plan's region first). ``counts`` are over every
    row matching the filters."""
    plan, y, cached = plan_result(store, auth.user, plan_id, year, region)
    check_category(plan, category)
    rows = filter_rows(
        cached.result.rows, region=region, status=status, category=category, binding=binding
    )
    # the rows' JSON is made once per cached result; a request only joins its page
    texts = cached.view("rows_json", rows_json)
    where = cached.view("row_positions", row_positions)
    items = ",".join(texts[where[id(r)]] for r in rows[p.offset : p.offset + p.limit])
    meta = {
        "total": len(rows),
        "limit": p.limit,
        "offset": p.offset,
        "plan_id": plan_id,
        "year": y,
        "regions": cached.result.regions,
        "data_version": cached.version.tag,
        "counts": status_counts(rows),
    }
    body = '{"items":[' + items + "]," + json.dumps(meta, ensure_ascii=False)[1:]
    return Response(body, media_type="application/json")


@router.get("/{plan_id}/ranking", response_model=RankingPage, summary="Ranking 盟市排名")
def ranking_route(
    plan_id: str,
    year: int | None = YEAR_Q,
    p: PageParams = Depends(page_params),
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Scores (0–100) and ranks of the plan's subdivisions (docs/assessment.md §7): ranked
    regions by rank, then the unranked with the reason in ``note_zh``."""
    _, y, cached = plan_result(store, auth.user, plan_id, year)
    items = [r.to_dict() for r in cached.result.ranking]
    return page_of(items, p) | {"plan_id": plan_id, "year": y, "data_version": cached.version.tag}


@router.get(
    "/{plan_id}/indicators/{code}/assessment",
    summary="One indicator's assessment per region 单项指标评估",
)
def indicator_assessment_route(
    plan_id: str,
    code: str,
    year: int | None = YEAR_Q,
    auth: Authorized = Depends(require(READ)),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """The indicator (with its plan targets) and one row per region: status, value, target,
    ``series`` (every value with its source), ``projection`` to the target year, and
    ``chart`` (the data the trend chart draws). ``assessed`` is false for an indicator without
    a quantitative target (then ``regions`` is empty)."""
    plan, y, cached = plan_result(store, auth.user, plan_id, year)
    ind = find_indicator(plan, code)
    rows = filter_rows(cached.result.rows, indicator=code)
    return {
        "plan_id": plan_id,
        "year": y,
        "data_version": cached.version.tag,
        "indicator": ind,
        "assessed": bool(rows),
        "regions": [row_dict(r) | {"chart": trend_chart(r, plan)} for r in rows],
    }


# ---------------------------------------------------------------------------------- pages


def _int_or_none(text: str | None) -> int | None:
    if text is None or text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise ApiError(422, f"年份 {text} 无效", f"year {text!r} is not a number") from None


def choose_plan(
    store: Store, user: Principal | None, plan_id: str | None, *, published_only: bool = False
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    plans = assessable_plans(store, None if published_only else user)
    if published_only:
        plans = [p for p in plans if is_published(p)]
    if plan_id:
        chosen = next((p for p in plans if p["id"] == plan_id), None)
        if chosen is None:
            plan_detail(store, plan_id, None if published_only else user)  # 404 / 401
            raise ApiError(
                422,
                f"规划 {plan_id} 没有定量目标，无法评估",
                f"Plan {plan_id!r} has no quantitative target to assess",
            )
        return plans, chosen
    pid = default_plan_id(plans)
    return plans, next((p for p in plans if p["id"] == pid), None)


def overview_fragment(
    store: Store, plan: dict[str, Any], year: int, cached: CachedAssessment, lang: str
) -> Markup:
    """The status map, ranking and headline figures of the overview, rendered once per cached
    result and language (template ``assessment_overview.html``)."""

    def build(result: AssessmentResult) -> Markup:
        href = f"/plans/{plan['id']}/indicators?year={year}&region={{code}}"
        ctx = {
            "lang": lang,
            "plan": plan,
            "year": year,
            "map_data": status_map_data(result.rows, result.ranking, lang=lang, href=href),
            "legend": map_legend(lang),
            "headline": headline(result.rows, plan["region_code"]),
            "ranking": result.ranking,
            "names": region_names_cached(store),
            "region_label": region_name(plan["region_code"], lang),
        } | _status_ctx(lang)
        return Markup(templates.env.get_template("assessment_overview.html").render(ctx))

    return cached.view(f"overview:{lang}", build)


def overview_page(request: Request, auth: Authorized, store: Store) -> Response:
    """The overview: plan/year selection, the status map, headline figures and the ranking."""
    lang = lang_of(request)
    q = request.query_params
    plans, plan = choose_plan(store, auth.user, q.get("plan") or None)
    summaries = visible_summaries(store, auth.user)
    ctx: dict[str, Any] = {"plans": plans, "summaries": summaries, "plan": plan}
    if plan is not None:
        version = cache_for(store).version(plan["id"])
        year = _int_or_none(q.get("year"))
        if year is None or not 1949 <= year <= 2100:
            year = default_year(store, plan, version)
        cached = assess(store, plan, year, version=version)
        ctx |= {
            "year": year,
            "years": year_choices(store, plan, year, version),
            "cached": cached,
            "fragment": overview_fragment(store, plan, year, cached, lang),
        }
    return render(request, "overview.html", ctx | _status_ctx(lang))


def _status_ctx(lang: str) -> dict[str, Any]:
    """Status names and colours, binding and direction names, and ``rname(code)``: a region's
    name in the page's language."""
    return {
        "rname": lambda code: region_name(code, lang),
        "status_zh": STATUS_ZH,
        "status_en": STATUS_EN,
        "status_color": STATUS_COLOR,
        "status_order": STATUS_ORDER,
        "binding_zh": BINDING_ZH,
        "direction_zh": DIRECTION_ZH,
        "direction_en": DIRECTION_EN,
    }


def _region_choice(plan: dict[str, Any], regions: Sequence[str], region: str | None) -> str:
    if region in (None, ""):
        return str(plan["region_code"])
    if region not in regions:
        raise ApiError(
            422,
            f"地区 {region} 不在规划 {plan['id']} 的评估范围内（可选：{', '.join(regions)}）",
            f"Region {region!r} is not assessed in plan {plan['id']!r} "
            f"(choose from: {', '.join(regions)})",
        )
    return str(region)


def indicators_page(
    request: Request,
    plan_id: str,
    auth: Authorized,
    store: Store,
) -> Response:
    """Indicators with their status for one region and year (traffic lights), filtered by
    category, binding, region and status (htmx swaps the table)."""
    q = request.query_params
    plan = plan_detail(store, plan_id, auth.user)
    category, binding, status = q.get("category") or "", q.get("binding") or "", q.get("status")
    if binding not in ("", "binding", "expected", "none"):
        raise ApiError(422, f"属性 {binding} 无效", f"binding {binding!r} is not valid")
    if status not in (None, "", *STATUS_ZH):
        raise ApiError(422, f"状态 {status} 无效", f"status {status!r} is not valid")
    rows = filter_indicators(plan, category=category or None, binding=binding or None)
    ctx: dict[str, Any] = {
        "plan": plan,
        "category": category,
        "binding": binding,
        "status": status or "",
        "names": region_names_cached(store),
        "assessed": has_targets(plan),
    }
    if ctx["assessed"]:
        version = cache_for(store).version(plan_id)
        year = _int_or_none(q.get("year")) or default_year(store, plan, version)
        cached = assess(store, plan, year, version=version)
        region = _region_choice(plan, cached.result.regions, q.get("region"))
        by_code = {r.indicator_code: r for r in cached.result.rows if r.region_code == region}
        for ind in rows:
            ind["row"] = by_code.get(ind["code"])
            ind["status"] = ind["row"].status.value if ind["row"] else "not_assessed"
        if status:
            rows = [i for i in rows if i["status"] == status]
        # the detail links keep a year and region other than the defaults
        chosen: dict[str, Any] = {}
        if year != default_year(store, plan, version):
            chosen["year"] = year
        if region != plan["region_code"]:
            chosen["region"] = region
        # binding first, as the assessment lists them
        rows.sort(key=lambda i: {"binding": 0, "expected": 1}.get(i["binding"] or "", 2))
        ctx |= {
            "year": year,
            "years": year_choices(store, plan, year, version),
            "region": region,
            "regions": cached.result.regions,
            "cached": cached,
            "counts": Counter(i["status"] for i in rows),
            "link_query": urlencode(chosen),
        }
    ctx["rows"] = rows
    return render(request, "indicators.html", ctx | _status_ctx(lang_of(request)))


def indicator_page(
    request: Request, plan_id: str, code: str, auth: Authorized, store: Store
) -> Response:
    """One indicator: facts and quotes, the trend chart for a region (values, baseline, target,
    projection), the status of every region, and the source of every value."""
    lang = lang_of(request)
    q = request.query_params
    plan = plan_detail(store, plan_id, auth.user)
    names = region_names_cached(store)
    ind = find_indicator(plan, code)
    ctx: dict[str, Any] = {"plan": plan, "ind": ind, "names": names, "row": None}
    if has_targets(plan):
        version = cache_for(store).version(plan_id)
        year = _int_or_none(q.get("year")) or default_year(store, plan, version)
        cached = assess(store, plan, year, version=version)
        rows = filter_rows(cached.result.rows, indicator=code)
        region = _region_choice(plan, cached.result.regions, q.get("region"))
        row = next((r for r in rows if r.region_code == region), None)
        if row is None and rows and not q.get("region"):
            row = rows[0]
            region = row.region_code
        values = cached.view(
            f"values:{region}:{code}",
            lambda _r: values_of(store, plan, cached, region=region, indicator=code),
        )
        ctx |= {
            "year": year,
            "years": year_choices(store, plan, year, version),
            "region": region,
            "regions": cached.result.regions,
            "rows": rows,
            "row": row,
            "values": values,
            "cached": cached,
        }
        if row is not None:
            ctx["trend"] = trend_chart(row, plan, lang)
    if ctx["row"] is None:
        ctx["chart"] = baseline_target_chart(ind, names)
    return render(request, "indicator.html", ctx | _status_ctx(lang))


def public_page(request: Request, store: Store) -> Response:
    """The published subset for everyone: the embedded plans' targets (quoted) and the latest
    assessment statuses — no values' sources, imports or quarantine."""
    lang = lang_of(request)
    q = request.query_params
    plans = visible_summaries(store, None)
    plan_id = q.get("plan") or None
    if plan_id is not None and plan_id not in {p["id"] for p in plans}:
        raise not_found(f"已公开的规划 {plan_id}", f"Published plan {plan_id!r}")
    assessable = [p for p in assessable_plans(store, None) if is_published(p)]
    selected = plan_id or default_plan_id(assessable) or (plans[0]["id"] if plans else None)
    detail = plan_detail(store, selected, None) if selected else None
    ctx: dict[str, Any] = {
        "plans": plans,
        "plan": detail,
        "names": region_names_cached(store),
        "map_data": status_map_data([], [], lang=lang),
        "legend": map_legend(lang),
    }
    if detail is not None and has_targets(detail):
        version = cache_for(store).version(detail["id"])
        year = default_year(store, detail, version)
        cached = assess(store, detail, year, version=version)
        mine = {
            r.indicator_code: r
            for r in cached.result.rows
            if r.region_code == detail["region_code"]
        }
        ctx |= {
            "year": year,
            "status_of": mine,
            "map_data": status_map_data(
                cached.result.rows, cached.result.ranking, lang=lang, href=None
            ),
            "legend": map_legend(lang),
            "headline": headline(cached.result.rows, detail["region_code"]),
        }
    return render(request, "public.html", ctx | _status_ctx(lang))


def region_name(code: str, lang: str = "zh") -> str:
    try:
        r = get_region(code)
    except UnknownRegionError:
        return code
    return r.name_en if lang == "en" else r.name_zh
