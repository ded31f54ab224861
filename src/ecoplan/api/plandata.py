"""Plan data as the web shows it — the same functions serve the API and the pages.

Visibility: the **published subset** is the embedded plans (the seeds: official documents the
government has published, ``origin == "embedded"``). Plans imported through ``ecoplan plan
import`` or ``POST /api/plans`` may be drafts and are shown to logged-in accounts only.

Nothing here writes SQL: it calls :mod:`ecoplan.store.plans` and :mod:`ecoplan.store.regions`.

Cache: the export shape of every plan (and the region names) is kept per store for
:data:`CACHE_SECONDS`; the web's own plan writes call :func:`invalidate` so they show at once,
while a plan imported from the command line into a running server shows within that time.
Loading all plans takes ~100 ms (hundreds of ORM rows), an overview request far less.
"""

from __future__ import annotations

import threading
import time
import weakref
from typing import Any

from ecoplan.api.errors import ApiError, not_found
from ecoplan.api.permissions import READ, Principal, can
from ecoplan.model.regions import Level, UnknownRegionError, get_region, prefecture_of
from ecoplan.store.db import Store
from ecoplan.store.plans import get_plans, plan_summaries, plan_to_dict
from ecoplan.store.regions import region_names

BINDING_ZH = {"binding": "约束性", "expected": "预期性"}
DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好", "reach": "达到目标值"}
DIRECTION_EN = {"higher": "higher is better", "lower": "lower is better", "reach": "reach"}

CACHE_SECONDS = 5.0

_lock = threading.Lock()
_cache: weakref.WeakKeyDictionary[Store, dict[str, tuple[float, Any]]] = weakref.WeakKeyDictionary()


_loading: set[tuple[int, str]] = set()


def _cached(store: Store, key: str, load: Any) -> Any:
    """The cached value of *key*, reloaded after :data:`CACHE_SECONDS`. While one thread
    reloads an expired value the others keep getting the previous one (no thundering herd of
    reloads under load: all_plans takes ~100 ms)."""
    now = time.monotonic()
    token = (id(store), key)
    with _lock:
        entry = _cache.setdefault(store, {}).get(key)
        if entry is not None and now - entry[0] < CACHE_SECONDS:
            return entry[1]
        if entry is not None and token in _loading:
            return entry[1]
        _loading.add(token)
    try:
        value = load()
    finally:
        with _lock:
            _loading.discard(token)
    with _lock:
        _cache.setdefault(store, {})[key] = (now, value)
    return value


def invalidate(store: Store) -> None:
    """Forget the cached plans of *store* (call after writing plans)."""
    with _lock:
        _cache.pop(store, None)


def all_plans(store: Store) -> dict[str, dict[str, Any]]:
    """Every plan in the export shape, by id, in plan order (cached; do not modify)."""

    def load() -> dict[str, dict[str, Any]]:
        with store.session() as s:
            return {p.id: plan_to_dict(p) for p in get_plans(s)}

    plans: dict[str, dict[str, Any]] = _cached(store, "plans", load)
    return plans


def names(store: Store) -> dict[str, str]:
    """Region code → Chinese name (cached)."""

    def load() -> dict[str, str]:
        with store.session() as s:
            return region_names(s)

    out: dict[str, str] = _cached(store, "region_names", load)
    return out


def is_published(plan: dict[str, Any]) -> bool:
    """A plan in the published subset (see module docstring)."""
    return plan.get("origin") == "embedded"


def summaries(store: Store) -> list[dict[str, Any]]:
    """``plan_summaries`` of every plan (cached; do not modify)."""

    def load() -> list[dict[str, Any]]:
        with store.session() as s:
            return plan_summaries(s)

    rows: list[dict[str, Any]] = _cached(store, "summaries", load)
    return rows


def visible_summaries(store: Store, user: Principal | None) -> list[dict[str, Any]]:
    """``plan_summaries`` the caller may see, each with ``published``."""
    everything = can(user, READ)
    return [
        r | {"published": is_published(r)}
        for r in summaries(store)
        if everything or is_published(r)
    ]


def plan_detail(store: Store, plan_id: str, user: Principal | None) -> dict[str, Any]:
    """The export shape of one plan (+ ``published``); 404 unknown, 401 unpublished+anonymous."""
    data = all_plans(store).get(plan_id)
    if data is None:
        raise not_found(f"编号为 {plan_id} 的规划", f"Plan {plan_id!r}")
    if not is_published(data) and not can(user, READ):
        raise ApiError(
            401,
            "该规划尚未公开，请登录后查看",
            "This plan is not published; log in to see it",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return data | {"published": is_published(data)}


def visible_plans(store: Store, user: Principal | None) -> list[dict[str, Any]]:
    """Every plan the caller may see, in the export shape."""
    everything = can(user, READ)
    return [
        d | {"published": is_published(d)}
        for d in all_plans(store).values()
        if everything or is_published(d)
    ]


def category_names(plan: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["code"]: c for c in plan["indicator_categories"]}


def with_category(plan: dict[str, Any], ind: dict[str, Any]) -> dict[str, Any]:
    """An indicator of the export shape plus its category's names."""
    cat = category_names(plan).get(ind["category"] or "")
    return ind | {
        "plan_id": plan["id"],
        "category_name_zh": cat["name_zh"] if cat else None,
        "category_name_en": cat["name_en"] if cat else None,
    }


def filter_indicators(
    plan: dict[str, Any], *, category: str | None = None, binding: str | None = None
) -> list[dict[str, Any]]:
    """Indicators of *plan* in plan order, filtered by category code and binding attribute.

    ``binding`` is ``binding`` (约束性), ``expected`` (预期性) or ``none`` (no attribute).
    """
    out = []
    for ind in plan["indicators"]:
        if category and ind["category"] != category:
            continue
        if binding and (ind["binding"] or "none") != binding:
            continue
        out.append(with_category(plan, ind))
    return out


def find_indicator(plan: dict[str, Any], code: str) -> dict[str, Any]:
    for ind in plan["indicators"]:
        if ind["code"] == code:
            return with_category(plan, ind)
    raise not_found(
        f"规划 {plan['id']} 中代码为 {code} 的指标", f"Indicator {code!r} of plan {plan['id']!r}"
    )


def league_of(code: str) -> str | None:
    """The 盟市 (prefecture) code containing *code*; ``None`` for the province or unknown."""
    try:
        region = get_region(code)
        if region.level is Level.PROVINCE:
            return None
        return prefecture_of(code).code
    except (UnknownRegionError, ValueError):
        return None


def targets_per_league(plans: list[dict[str, Any]]) -> dict[str, int]:
    """Number of quantitative and qualitative targets per 盟市 (its counties' included)."""
    counts: dict[str, int] = {}
    for plan in plans:
        for ind in plan["indicators"]:
            for t in (*ind["targets"], *ind["qualitative_targets"]):
                league = league_of(t["region_code"])
                if league is not None:
                    counts[league] = counts.get(league, 0) + 1
    return counts


# light → dark green (ColorBrewer "Greens", 5 classes); grey for no value
SEQUENTIAL = ("#c7e9c0", "#a1d99b", "#74c476", "#31a354", "#006d2c")
NO_VALUE = "#e0e0e0"


def sequential_color(value: float, vmax: float) -> str:
    """Colour of *value* on a 5-class scale from 0 to *vmax* (0 or less: grey)."""
    if value <= 0 or vmax <= 0:
        return NO_VALUE
    idx = min(len(SEQUENTIAL) - 1, int((value / vmax) * len(SEQUENTIAL) - 1e-9))
    return SEQUENTIAL[max(idx, 0)]


def league_map_data(
    counts: dict[str, int],
    leagues: list[dict[str, Any]],
    *,
    lang: str = "zh",
    href: str | None = None,
) -> dict[str, dict[str, Any]]:
    """``{code: {"value", "color", "label", "href"}}`` for the map macro.

    *leagues* are ``list_regions(level="prefecture")`` rows; *href* is a format string with
    ``{code}`` (e.g. ``/public?region={code}``) or ``None``.
    """
    vmax = max((counts.get(r["code"], 0) for r in leagues), default=0)
    out: dict[str, dict[str, Any]] = {}
    for r in leagues:
        code, n = r["code"], counts.get(r["code"], 0)
        label = f"{r['name_en']} · {n} targets" if lang == "en" else f"{r['name_zh']} · {n} 项目标"
        out[code] = {
            "value": n,
            "color": sequential_color(n, vmax),
            "label": label,
            "href": href.format(code=code) if href else None,
        }
    return out
