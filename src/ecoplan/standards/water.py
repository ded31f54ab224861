"""Surface-water quality classes: GB 3838-2002 and the 2011 evaluation method (环办[2011]22号).

Single-factor evaluation (单因子评价, GB 3838-2002 §5.1): every evaluated item gets the best class
whose Table 1 limit it meets; the sample's (section's) class is the worst item class
("参评指标中类别最高的一项"). Limits are in :mod:`ecoplan.standards.water_tables`.

Decisions on points the sources leave open are written up in ``docs/standards-water-warning.md``:

- DO class I uses ≥ 7.5 mg/L; the "saturation ≥ 90 %" alternative applies only when a measured
  saturation is passed (``do_saturation``); it is never computed from temperature/altitude here.
- pH inside 6–9 (inclusive) → class I, outside → 劣V.
- The default item set is the 21 items of national section evaluation; ``items="all"`` adds fecal
  coliform and, for lakes/reservoirs only, TN.
- 超标倍数 (exceedance multiple): (C − L)/L for "≤" items, (L − C)/L for DO, none for pH.
- Basin evaluation: the class-proportion method from 5 sections on (``proportion_min_sections``).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from numbers import Real
from typing import Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from ecoplan.standards.water_tables import (
    ALL_ITEMS,
    CLASS_ZH,
    CLASSES,
    DO_SATURATION_CLASS_I,
    GRADE_ZH,
    NATIONAL_ITEMS,
    NO_DATA,
    PH_MAX,
    PH_MIN,
    TARGET_CLASSES,
    WATER_ITEMS,
    WaterItem,
)

__all__ = [
    "ALL_ITEMS",
    "CLASSES",
    "CLASS_ZH",
    "GRADE_ZH",
    "NATIONAL_ITEMS",
    "NO_DATA",
    "WATER_ITEMS",
    "BasinEvaluation",
    "WaterClassResult",
    "WaterInputError",
    "basin_grade_from_shares",
    "class_code",
    "class_shares",
    "classify",
    "classify_array",
    "evaluate_basin",
    "item_class",
]

Waterbody: TypeAlias = Literal["river", "lake"]
ItemSet: TypeAlias = Literal["national", "all"] | Sequence[str]

WATERBODIES: tuple[str, ...] = ("river", "lake")


class WaterInputError(ValueError):
    """Bad input to a GB 3838 computation (unknown item, negative value, nothing to evaluate …)."""


# --------------------------------------------------------------------------- validation helpers


def _check_waterbody(waterbody: str) -> None:
    if waterbody not in WATERBODIES:
        raise WaterInputError(f"waterbody must be 'river' or 'lake' (湖、库), got {waterbody!r}")


def _check_target(target_class: str) -> int:
    if target_class not in TARGET_CLASSES:
        raise WaterInputError(
            f"target class must be one of {', '.join(TARGET_CLASSES)}, got {target_class!r}"
        )
    return TARGET_CLASSES.index(target_class) + 1


def class_code(water_class: str) -> int:
    """Numeric code of a class: I → 1 … V → 5, 劣V → 6 (as :func:`classify_array` returns)."""
    if water_class not in CLASSES:
        raise WaterInputError(
            f"unknown water class {water_class!r}; expected one of {', '.join(CLASSES)}"
        )
    return CLASSES.index(water_class) + 1


def _resolve_items(items: ItemSet, waterbody: str) -> tuple[str, ...]:
    """The item codes to evaluate, in Table 1 order."""
    if isinstance(items, str):
        if items == "national":
            return NATIONAL_ITEMS
        if items == "all":
            return tuple(
                c for c in ALL_ITEMS if waterbody == "lake" or not WATER_ITEMS[c].lake_only
            )
        raise WaterInputError(
            f"items must be 'national', 'all' or a sequence of item codes, got {items!r}"
        )
    chosen = list(items)
    if not chosen:
        raise WaterInputError("items is empty: nothing to evaluate")
    unknown = [c for c in chosen if c not in WATER_ITEMS]
    if unknown:
        raise WaterInputError(
            f"unknown item code(s) {unknown}; known codes: {', '.join(ALL_ITEMS)}"
        )
    if len(set(chosen)) != len(chosen):
        raise WaterInputError(f"items lists a code more than once: {chosen}")
    if waterbody == "river":
        lake_only = [c for c in chosen if WATER_ITEMS[c].lake_only]
        if lake_only:
            raise WaterInputError(
                f"{lake_only} apply to lakes and reservoirs only (GB 3838-2002 Table 1: "
                "总氮 湖、库); use waterbody='lake' or leave them out"
            )
    wanted = set(chosen)
    return tuple(c for c in ALL_ITEMS if c in wanted)


def _check_value(code: str, value: object) -> float | None:
    """Validate one sample value; None/NaN mean "not measured" and give None."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise WaterInputError(f"{code}: value must be a number or None, got {value!r}")
    v = float(value)
    if math.isnan(v):
        return None
    if math.isinf(v):
        raise WaterInputError(f"{code}: value must be finite, got {v}")
    if v < 0:
        raise WaterInputError(f"{code}: concentration cannot be negative, got {v}")
    if code == "pH" and not PH_MIN <= v <= PH_MAX:
        raise WaterInputError(f"pH: value must lie in {PH_MIN:g}–{PH_MAX:g}, got {v}")
    return v


def _check_saturation(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Real):
        raise WaterInputError(f"do_saturation must be a number (percent), got {value!r}")
    v = float(value)
    if math.isnan(v):
        return None
    if math.isinf(v) or v < 0:
        raise WaterInputError(f"do_saturation must be a finite percentage ≥ 0, got {v}")
    return v


# --------------------------------------------------------------------------- single item


def _class_le(limits: tuple[float, ...], value: float) -> int:
    # Best class k with value ≤ limit_k. Limits are non-decreasing, so bisect_left finds the
    # first limit ≥ value; shared limits (COD I = II = 15) give the best class.
    return bisect_left(limits, value) + 1


def _class_ge(limits: tuple[float, ...], value: float) -> int:
    # Best class k with value ≥ limit_k (DO). Limits decrease; count the limits above value.
    ascending = limits[::-1]
    return 1 + len(limits) - bisect_right(ascending, value)


def _item_class_code(
    item: WaterItem, value: float, waterbody: str, saturation: float | None
) -> int:
    limits = item.limits_for(waterbody)
    if item.direction == "range":
        low, high = limits
        return 1 if low <= value <= high else 6
    if item.direction == "ge":
        code = _class_ge(limits, value)
        if saturation is not None and saturation >= DO_SATURATION_CLASS_I:
            code = 1
        return code
    return _class_le(limits, value)


def item_class(
    code: str,
    value: float,
    waterbody: Waterbody = "river",
    *,
    do_saturation: float | None = None,
) -> str:
    """Class of one item value (GB 3838-2002 Table 1, single-factor rule).

    Parameters
    ----------
    code : Item code (see :data:`ALL_ITEMS`).
    value : Concentration in the item's unit (mg/L; fecal coliform 个/L; pH dimensionless).
    waterbody : ``"river"`` or ``"lake"`` (湖、库; changes the TP limits).
    do_saturation : DO saturation in percent, DO only; ≥ 90 % gives class I (Table 1 item 3).

    Returns
    -------
    ``"I"`` … ``"V"`` or ``"劣V"``.
    """
    _check_waterbody(waterbody)
    if code not in WATER_ITEMS:
        raise WaterInputError(f"unknown item code {code!r}; known codes: {', '.join(ALL_ITEMS)}")
    item = WATER_ITEMS[code]
    if waterbody == "river" and item.lake_only:
        raise WaterInputError(f"{code} applies to lakes and reservoirs only (GB 3838-2002 Table 1)")
    v = _check_value(code, value)
    if v is None:
        raise WaterInputError(f"{code}: no value to classify")
    sat = _check_saturation(do_saturation)
    if sat is not None and code != "DO":
        raise WaterInputError("do_saturation applies to item DO only")
    return CLASSES[_item_class_code(item, v, waterbody, sat) - 1]


def _exceedance_multiple(item: WaterItem, value: float, limit: float) -> float:
    # Computed on the decimal values so that e.g. (0.15 − 0.1)/0.1 gives 0.5, not 0.4999….
    c, lim = Decimal(repr(value)), Decimal(repr(limit))
    if item.direction == "ge":
        return float((lim - c) / lim)
    return float((c - lim) / lim)


# --------------------------------------------------------------------------- sample result


@dataclass(frozen=True)
class WaterClassResult:
    """Class of one sample (section) by the single-factor rule.

    Attributes
    ----------
    water_class : ``"I"`` … ``"V"`` or ``"劣V"`` — the worst item class.
    item_classes : Class of every evaluated item that had a value, in Table 1 order.
    deciding_items : The items whose class equals ``water_class`` (the ones that set it).
    waterbody : ``"river"`` or ``"lake"``.
    values : The evaluated values, keyed by item code.
    skipped : Items present in the sample with a value but not evaluated, with the reason.
    do_saturation : DO saturation (%) used for the class I alternative, if given.
    """

    water_class: str
    item_classes: dict[str, str]
    deciding_items: list[str]
    waterbody: str
    values: dict[str, float]
    skipped: dict[str, str] = field(default_factory=dict)
    do_saturation: float | None = None

    @property
    def class_code(self) -> int:
        """Numeric class: 1 (I) … 6 (劣V)."""
        return class_code(self.water_class)

    @property
    def class_zh(self) -> str:
        """Chinese class name, e.g. ``"Ⅲ类"``."""
        return CLASS_ZH[self.water_class]

    @property
    def grade_zh(self) -> str:
        """Qualitative grade: Ⅰ–Ⅱ 优, Ⅲ 良好, Ⅳ 轻度污染, Ⅴ 中度污染, 劣Ⅴ 重度污染."""
        return GRADE_ZH[self.water_class]

    def meets(self, target_class: str) -> bool:
        """True when the sample is at least as good as *target_class* (达标)."""
        return self.class_code <= _check_target(target_class)

    def failing_items(self, target_class: str) -> list[str]:
        """Items worse than *target_class* (pH and DO included), worst class first."""
        target = _check_target(target_class)
        worse = [c for c, k in self.item_classes.items() if class_code(k) > target]
        return sorted(worse, key=lambda c: -class_code(self.item_classes[c]))

    def exceedances(self, target_class: str, *, include_do: bool = True) -> dict[str, float]:
        """超标倍数 of the items worse than *target_class* (GB 3838-2002 §5.1).

        ``(C − L)/L`` for "≤" items and ``(L − C)/L`` for DO, with ``L`` the target class limit
        (for DO class I: 7.5 mg/L). pH has no multiple (it is listed by :meth:`failing_items`).
        ``include_do=False`` leaves DO out, as practice reportedly does (unconfirmed).

        Returns
        -------
        ``{item: multiple}`` in Table 1 order; empty when every item meets the target.
        """
        target = _check_target(target_class)
        out: dict[str, float] = {}
        for code, k in self.item_classes.items():
            item = WATER_ITEMS[code]
            if class_code(k) <= target or item.direction == "range":
                continue
            if item.direction == "ge" and not include_do:
                continue
            limit = item.limits_for(self.waterbody)[target - 1]
            out[code] = _exceedance_multiple(item, self.values[code], limit)
        return out


def classify(
    sample: Mapping[str, float | None],
    waterbody: Waterbody = "river",
    items: ItemSet = "national",
    *,
    do_saturation: float | None = None,
) -> WaterClassResult:
    """Class of a water sample by the single-factor rule (GB 3838-2002 §5.1, Table 1).

    Parameters
    ----------
    sample : ``{item code: value}``; values in mg/L (fecal coliform 个/L, pH dimensionless);
        None or NaN mean "not measured" and the item is skipped.
    waterbody : ``"river"`` or ``"lake"`` (湖、库: TP has its own limits, TN applies).
    items : ``"national"`` (default) — the 21 items of national section evaluation
        (环办[2011]22号: Table 1 minus 水温, 总氮, 粪大肠菌群); ``"all"`` — also fecal coliform and,
        for lakes, TN; or an explicit sequence of item codes.
    do_saturation : Measured DO saturation in percent; ≥ 90 % puts DO in class I (Table 1 item 3,
        "饱和率90%（或7.5）"). Needs a DO value.

    Returns
    -------
    WaterClassResult

    Raises
    ------
    WaterInputError
        Unknown item codes, non-numeric, infinite or negative values, pH outside 0–14, or no
        evaluated item with a value.
    """
    _check_waterbody(waterbody)
    evaluated = _resolve_items(items, waterbody)
    unknown = [k for k in sample if k not in WATER_ITEMS]
    if unknown:
        raise WaterInputError(
            f"unknown item code(s) {unknown} in sample; known codes: {', '.join(ALL_ITEMS)}"
        )
    checked = {k: _check_value(k, v) for k, v in sample.items()}
    sat = _check_saturation(do_saturation)
    if sat is not None and checked.get("DO") is None:
        raise WaterInputError(
            "do_saturation was given without a DO concentration; classes II–V of DO need mg/L"
        )

    values: dict[str, float] = {}
    codes: dict[str, int] = {}
    for code in evaluated:
        v = checked.get(code)
        if v is None:
            continue
        values[code] = v
        codes[code] = _item_class_code(WATER_ITEMS[code], v, waterbody, sat)
    if not codes:
        raise WaterInputError(
            f"no evaluated item has a value (evaluated items: {', '.join(evaluated)})"
        )

    skipped: dict[str, str] = {}
    for code, v in checked.items():
        if v is None or code in values:
            continue
        if WATER_ITEMS[code].lake_only and waterbody == "river":
            skipped[code] = "applies to lakes and reservoirs only (GB 3838-2002 Table 1)"
        elif items == "national":
            skipped[code] = "not among the 21 national evaluation items (环办[2011]22号)"
        else:
            skipped[code] = "not in the requested item set"

    worst = max(codes.values())
    return WaterClassResult(
        water_class=CLASSES[worst - 1],
        item_classes={c: CLASSES[k - 1] for c, k in codes.items()},
        deciding_items=[c for c, k in codes.items() if k == worst],
        waterbody=waterbody,
        values=values,
        skipped=skipped,
        do_saturation=sat if "DO" in values else None,
    )


# --------------------------------------------------------------------------- arrays


def _as_column(name: str, col: object) -> NDArray[np.float64]:
    try:
        arr = np.asarray(col, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise WaterInputError(f"column {name}: values must be numeric ({exc})") from exc
    if arr.ndim != 1:
        raise WaterInputError(f"column {name}: expected a 1-D array, got shape {arr.shape}")
    bad = np.isinf(arr) | (arr < 0)  # NaN compares False: missing values pass
    if name == "pH":
        bad |= (arr < PH_MIN) | (arr > PH_MAX)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        what = "pH outside 0–14" if name == "pH" else "negative or infinite"
        raise WaterInputError(
            f"column {name}: {int(bad.sum())} {what} value(s), first at row {i}: {arr[i]}"
        )
    return arr


def classify_array(
    columns: Mapping[str, object],
    waterbody: Waterbody = "river",
    items: ItemSet = "national",
    *,
    do_saturation: object | None = None,
) -> NDArray[np.int8]:
    """Vectorised :func:`classify`: class codes for many samples at once.

    Parameters
    ----------
    columns : ``{item code: 1-D array}``, all the same length; NaN means "not measured".
    waterbody, items : As for :func:`classify`.
    do_saturation : Optional 1-D array of DO saturation (%), NaN where not measured.

    Returns
    -------
    int8 array: 1 (I) … 5 (V), 6 (劣V), 0 (:data:`NO_DATA`: no evaluated item in that row).
    Equal to ``class_code(classify(row).water_class)`` for every row that has data.
    """
    _check_waterbody(waterbody)
    evaluated = _resolve_items(items, waterbody)
    unknown = [k for k in columns if k not in WATER_ITEMS]
    if unknown:
        raise WaterInputError(
            f"unknown item column(s) {unknown}; known codes: {', '.join(ALL_ITEMS)}"
        )
    arrays = {k: _as_column(k, v) for k, v in columns.items()}
    present = [c for c in evaluated if c in arrays]
    if not present:
        raise WaterInputError(
            f"no column for any evaluated item (evaluated items: {', '.join(evaluated)})"
        )
    lengths = {k: a.shape[0] for k, a in arrays.items()}
    if len(set(lengths.values())) != 1:
        raise WaterInputError(f"columns differ in length: {lengths}")
    n = next(iter(lengths.values()))

    sat: NDArray[np.float64] | None = None
    if do_saturation is not None:
        sat = _as_column("do_saturation", do_saturation)
        if sat.shape[0] != n:
            raise WaterInputError(f"do_saturation has length {sat.shape[0]}, columns have {n}")
        do = arrays.get("DO")
        orphan = ~np.isnan(sat) & (np.isnan(do) if do is not None else True)
        if np.any(orphan):
            i = int(np.flatnonzero(np.broadcast_to(orphan, (n,)))[0])
            raise WaterInputError(
                f"do_saturation given without a DO concentration (first at row {i}); "
                "classes II–V of DO need mg/L"
            )

    out = np.zeros(n, dtype=np.int8)
    for code in present:
        v = arrays[code]
        item = WATER_ITEMS[code]
        limits = np.asarray(item.limits_for(waterbody), dtype=np.float64)
        if item.direction == "range":
            cls = np.where((v >= limits[0]) & (v <= limits[1]), 1, 6)
        elif item.direction == "ge":
            ascending = limits[::-1]
            cls = 1 + limits.size - np.searchsorted(ascending, v, side="right")
            if sat is not None:
                cls = np.where(sat >= DO_SATURATION_CLASS_I, 1, cls)
        else:
            cls = np.searchsorted(limits, v, side="left") + 1
        cls = np.where(np.isnan(v), NO_DATA, cls).astype(np.int8)
        np.maximum(out, cls, out=out)
    return out


# --------------------------------------------------------------------------- rivers and basins


def _check_classes(classes: Sequence[str]) -> list[str]:
    out = list(classes)
    if not out:
        raise WaterInputError("no section classes given")
    bad = [c for c in out if c not in CLASSES]
    if bad:
        raise WaterInputError(f"unknown water class(es) {bad}; expected {', '.join(CLASSES)}")
    return out


def class_shares(classes: Sequence[str]) -> dict[str, float]:
    """Share of sections in each class, percent (断面水质类别比例).

    Returns
    -------
    ``{"I": %, "II": %, "III": %, "IV": %, "V": %, "劣V": %, "I-III": %}``; unrounded.
    """
    cl = _check_classes(classes)
    n = len(cl)
    shares = {k: 100.0 * cl.count(k) / n for k in CLASSES}
    shares["I-III"] = 100.0 * sum(cl.count(k) for k in CLASSES[:3]) / n
    return shares


def basin_grade_from_shares(classes: Sequence[str]) -> str:
    """Grade of a river/basin by class proportions (≥ 5 sections; S14, 2011 评价办法).

    I–III ≥ 90 % 优; 75 % ≤ I–III < 90 % 良好; I–III < 75 % and 劣V < 20 % 轻度污染;
    20 % ≤ 劣V < 40 % 中度污染; 劣V ≥ 40 % 重度污染. Compared in integer arithmetic, so a share of
    exactly 90 %, 75 %, 20 % or 40 % falls on the side the table gives it.
    """
    cl = _check_classes(classes)
    n = len(cl)
    good = sum(cl.count(k) for k in CLASSES[:3])
    worst = cl.count("劣V")
    if 100 * good >= 90 * n:
        return "优"
    if 100 * good >= 75 * n:
        return "良好"
    if 100 * worst < 20 * n:
        return "轻度污染"
    if 100 * worst < 40 * n:
        return "中度污染"
    return "重度污染"


@dataclass(frozen=True)
class BasinEvaluation:
    """Water quality of a river or basin (河流、流域（水系）水质评价).

    Attributes
    ----------
    method : ``"mean"`` (fewer sections than ``proportion_min_sections``) or ``"proportion"``.
    n_sections : Number of sections.
    grade_zh : 优 / 良好 / 轻度污染 / 中度污染 / 重度污染.
    section_classes : Class of every section (input order).
    shares : :func:`class_shares` of the section classes.
    water_class : The class of the mean sample (mean method only).
    mean_sample : Item means over sections (mean method only).
    mean_result : Full single-factor result of the mean sample (mean method only).
    """

    method: Literal["mean", "proportion"]
    n_sections: int
    grade_zh: str
    section_classes: list[str]
    shares: dict[str, float]
    water_class: str | None = None
    mean_sample: dict[str, float] | None = None
    mean_result: WaterClassResult | None = None


def evaluate_basin(
    sections: Sequence[str] | Sequence[Mapping[str, float | None]],
    waterbody: Waterbody = "river",
    items: ItemSet = "national",
    *,
    proportion_min_sections: int = 5,
) -> BasinEvaluation:
    """Evaluate a river or basin from its sections (2011 评价办法 as given by S14).

    - Fewer than ``proportion_min_sections`` sections: average every item over the sections that
      measured it (arithmetic mean of the decimal values), then classify the mean by the
      single-factor rule; the grade is that class's grade. Needs section samples.
    - Otherwise: grade by the class proportions (:func:`basin_grade_from_shares`).

    Parameters
    ----------
    sections : Section classes (``"III"`` …) or section samples (``{item: value}``), not mixed.
    waterbody, items : As for :func:`classify` (used for samples).
    proportion_min_sections : Smallest section count graded by proportions. Default 5: S14 says
        "少于5个" → mean and leaves exactly 5 open; the 2011 办法 is commonly read as
        "5个（含5个）以上" → proportions (UNCONFIRMED; see docs/standards-water-warning.md).
    """
    if isinstance(proportion_min_sections, bool) or proportion_min_sections < 1:
        raise WaterInputError(
            f"proportion_min_sections must be an integer ≥ 1, got {proportion_min_sections!r}"
        )
    secs = list(sections)
    if not secs:
        raise WaterInputError("no sections given")
    n = len(secs)
    if all(isinstance(s, str) for s in secs):
        classes = _check_classes([str(s) for s in secs])
        if n < proportion_min_sections:
            raise WaterInputError(
                f"{n} section(s) < {proportion_min_sections}: the mean method averages each item "
                "over the sections, so pass the section samples, not their classes"
            )
        return BasinEvaluation(
            method="proportion",
            n_sections=n,
            grade_zh=basin_grade_from_shares(classes),
            section_classes=classes,
            shares=class_shares(classes),
        )
    if not all(isinstance(s, Mapping) for s in secs):
        raise WaterInputError("sections must be all class strings or all sample mappings")

    samples: list[Mapping[str, float | None]] = [s for s in secs if isinstance(s, Mapping)]
    results: list[WaterClassResult] = []
    for i, s in enumerate(samples):
        try:
            results.append(classify(s, waterbody, items))
        except WaterInputError as exc:
            raise WaterInputError(f"section {i}: {exc}") from exc
    classes = [r.water_class for r in results]
    shares = class_shares(classes)
    if n >= proportion_min_sections:
        return BasinEvaluation(
            method="proportion",
            n_sections=n,
            grade_zh=basin_grade_from_shares(classes),
            section_classes=classes,
            shares=shares,
        )

    mean_sample: dict[str, float] = {}
    for code in ALL_ITEMS:
        vals = [r.values[code] for r in results if code in r.values]
        if vals:
            # Decimal arithmetic: the mean of 0.4 and 0.8 is 0.6, exactly on the printed limits.
            total = sum((Decimal(repr(v)) for v in vals), Decimal(0))
            mean_sample[code] = float(total / len(vals))
    mean_result = classify(mean_sample, waterbody, items)
    return BasinEvaluation(
        method="mean",
        n_sections=n,
        grade_zh=mean_result.grade_zh,
        section_classes=classes,
        shares=shares,
        water_class=mean_result.water_class,
        mean_sample=mean_sample,
        mean_result=mean_result,
    )
