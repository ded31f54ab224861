"""Heavy-pollution weather warning grades (重污染天气预警分级) from forecast daily AQI.

Schemes (see ``/work/shared/reference/standards.md`` §4 and ``docs/standards-water-warning.md``):

- ``"national"`` — the current 3-level scheme (黄/橙/红), per the 忻州市生态环境局 reply of
  2021-03-16 (S10). The MEE document that introduced it is unconfirmed.
- ``"legacy-2017"`` — the 4-level scheme (蓝/黄/橙/红) of the MEP revision slides of
  2017-09-20 (S11).
- ``"hohhot"`` — the start condition of the Hohhot 14th Five-Year Eco-Environment Protection Plan
  (seed 002, 第五章第一节 4.强化重污染天气应急响应), layered on the national levels.

Durations are counted as runs of *consecutive* forecast days, anywhere in the forecast window
(they need not start tomorrow). A run of days with AQI > 300 that a red warning needs must lie
inside the run of days with AQI > 200 it is counted with (one pollution episode). The S11 rule
that two episodes with too short a gap count as one is not applied: it needs a forecaster's
judgement of whether the gap clears the air; merge such episodes before calling.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Literal, TypeAlias

__all__ = [
    "GRADES",
    "GRADE_LEVEL_ZH",
    "GRADE_NAME_ZH",
    "SCHEMES",
    "WarningGrade",
    "WarningInputError",
    "assess_warning",
    "grade",
]

Grade: TypeAlias = Literal["blue", "yellow", "orange", "red"]

GRADES: tuple[str, ...] = ("blue", "yellow", "orange", "red")
"""Grades from lowest to highest."""

GRADE_NAME_ZH: dict[str, str] = {
    "blue": "蓝色预警",
    "yellow": "黄色预警",
    "orange": "橙色预警",
    "red": "红色预警",
}

GRADE_LEVEL_ZH: dict[str, str] = {
    "blue": "四级",
    "yellow": "三级",
    "orange": "二级",
    "red": "一级",
}
"""Warning level (预警级别): 一级 is the highest."""

SCHEMES: tuple[str, ...] = ("national", "legacy-2017", "hohhot")

HOHHOT_CLAUSE = "以预测预报日AQI日均值>150持续天数及小时AQI>200作为预警启动基本条件"
"""The sentence of the Hohhot 14th FYP (seed 002, 第五章第一节 4. 强化重污染天气应急响应)."""


class WarningInputError(ValueError):
    """Bad input to a warning-grade computation (empty series, negative AQI, unknown option …)."""


@dataclass(frozen=True)
class WarningGrade:
    """A warning grade with what produced it (for audit).

    Attributes
    ----------
    scheme : The scheme used.
    grade : ``"blue"``/``"yellow"``/``"orange"``/``"red"``, or None (no warning).
    name_zh : ``"黄色预警"`` …, or ``"无预警"``.
    level_zh : ``"三级"``/``"二级"``/``"一级"`` (``"四级"`` for blue), or None.
    rule : Identifier of the rule that fired, e.g. ``"national.red.aqi500"``; None if none.
    detail : Human-readable reason, Chinese with the numbers.
    episode : ``(first day index, number of days)`` of the run that fired (0 = tomorrow).
    """

    scheme: str
    grade: Grade | None
    name_zh: str
    level_zh: str | None
    rule: str | None
    detail: str
    episode: tuple[int, int] | None = None


# --------------------------------------------------------------------------- helpers


def _check_series(values: Sequence[float], what: str) -> list[float]:
    if isinstance(values, str | bytes):
        raise WarningInputError(f"{what} must be a sequence of AQI values, got a string")
    out: list[float] = []
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, Real):
            raise WarningInputError(f"{what}[{i}]: AQI must be a number, got {v!r}")
        f = float(v)
        if math.isnan(f) or math.isinf(f) or f < 0:
            raise WarningInputError(f"{what}[{i}]: AQI must be finite and ≥ 0, got {v!r}")
        out.append(f)
    if not out:
        raise WarningInputError(f"{what} is empty: no forecast to grade")
    return out


def _check_int(name: str, value: object, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise WarningInputError(f"{name} must be an integer ≥ {minimum}, got {value!r}")
    return value


def _check_threshold(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise WarningInputError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _runs(flags: Sequence[bool]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive True values as ``(start, length)``."""
    runs: list[tuple[int, int]] = []
    start: int | None = None
    for i, f in enumerate(flags):
        if f and start is None:
            start = i
        elif not f and start is not None:
            runs.append((start, i - start))
            start = None
    if start is not None:
        runs.append((start, len(flags) - start))
    return runs


def _first_run(values: list[float], above: float, min_days: int) -> tuple[int, int] | None:
    """First run of ≥ *min_days* consecutive days with AQI > *above*."""
    for start, length in _runs([v > above for v in values]):
        if length >= min_days:
            return start, length
    return None


def _first_run_containing(
    values: list[float], above: float, min_days: int, inner_above: float, inner_days: int
) -> tuple[int, int] | None:
    """First run of ≥ *min_days* days > *above* that holds ≥ *inner_days* consecutive days >
    *inner_above*."""
    for start, length in _runs([v > above for v in values]):
        if length < min_days:
            continue
        if _first_run(values[start : start + length], inner_above, inner_days) is not None:
            return start, length
    return None


def _days(ep: tuple[int, int]) -> str:
    start, length = ep
    return f"第{start + 1}–{start + length}天" if length > 1 else f"第{start + 1}天"


def _result(
    scheme: str, g: Grade | None, rule: str | None, detail: str, ep: tuple[int, int] | None
) -> WarningGrade:
    return WarningGrade(
        scheme=scheme,
        grade=g,
        name_zh=GRADE_NAME_ZH[g] if g else "无预警",
        level_zh=GRADE_LEVEL_ZH[g] if g else None,
        rule=rule,
        detail=detail,
        episode=ep,
    )


# --------------------------------------------------------------------------- schemes

_NATIONAL_PARAMS = {
    "heavy": 200,
    "severe": 300,
    "extreme": 500,
    "yellow_days": 2,
    "orange_days": 3,
    "red_days": 4,
    "red_severe_days": 2,
    "extreme_days": 1,
}


def _red(scheme: str, values: list[float], p: dict[str, float | int]) -> WarningGrade | None:
    """Red (一级): > heavy for ≥ red_days AND > severe for ≥ red_severe_days, or ≥ extreme."""
    heavy, severe, extreme = float(p["heavy"]), float(p["severe"]), float(p["extreme"])
    ext_days = int(p["extreme_days"])
    for start, length in _runs([v >= extreme for v in values]):
        if length >= ext_days:
            return _result(
                scheme,
                "red",
                f"{scheme}.red.aqi{extreme:g}",
                f"预测日AQI达到{extreme:g}（{_days((start, length))}）",
                (start, length),
            )
    ep = _first_run_containing(values, heavy, int(p["red_days"]), severe, int(p["red_severe_days"]))
    if ep is not None:
        return _result(
            scheme,
            "red",
            f"{scheme}.red.duration",
            f"预测日AQI>{heavy:g}持续{ep[1]}天（{_days(ep)}），其中>{severe:g}持续"
            f"≥{int(p['red_severe_days'])}天",
            ep,
        )
    return None


def _national(values: list[float], p: dict[str, float | int], scheme: str) -> WarningGrade:
    """S10, 3 levels. Yellow: daily AQI > 200 for ≥ 2 days; orange: ≥ 3 days; red: > 200 for
    ≥ 4 days and > 300 for ≥ 2 days, or daily AQI ≥ 500."""
    red = _red(scheme, values, p)
    if red is not None:
        return red
    heavy = float(p["heavy"])
    for g, key in (("orange", "orange_days"), ("yellow", "yellow_days")):
        ep = _first_run(values, heavy, int(p[key]))
        if ep is not None:
            return _result(
                scheme,
                "orange" if g == "orange" else "yellow",
                f"{scheme}.{g}",
                f"预测日AQI>{heavy:g}持续{ep[1]}天（{_days(ep)}）",
                ep,
            )
    return _result(scheme, None, None, f"预测日AQI>{heavy:g}未持续{int(p['yellow_days'])}天", None)


_LEGACY_PARAMS = {
    "heavy": 200,
    "severe": 300,
    "extreme": 500,
    "blue_days": 1,
    "yellow_days": 2,
    "orange_days": 3,
    "orange_severe_days": 1,
    "red_days": 4,
    "red_severe_days": 2,
    "extreme_days": 1,
}


def _legacy(values: list[float], p: dict[str, float | int]) -> WarningGrade:
    """S11, 4 levels. Blue: > 200 (1 day); yellow: > 200 for ≥ 2 days; orange: > 200 for ≥ 3 days
    and > 300; red: > 200 for ≥ 4 days and > 300 for ≥ 2 days, or 500 for ≥ 1 day."""
    scheme = "legacy-2017"
    red = _red(scheme, values, p)
    if red is not None:
        return red
    heavy, severe = float(p["heavy"]), float(p["severe"])
    ep = _first_run_containing(
        values, heavy, int(p["orange_days"]), severe, int(p["orange_severe_days"])
    )
    if ep is not None:
        return _result(
            scheme,
            "orange",
            f"{scheme}.orange",
            f"预测日AQI>{heavy:g}持续{ep[1]}天（{_days(ep)}），且出现>{severe:g}",
            ep,
        )
    for g, key in (("yellow", "yellow_days"), ("blue", "blue_days")):
        ep = _first_run(values, heavy, int(p[key]))
        if ep is not None:
            return _result(
                scheme,
                "yellow" if g == "yellow" else "blue",
                f"{scheme}.{g}",
                f"预测日AQI>{heavy:g}持续{ep[1]}天（{_days(ep)}）",
                ep,
            )
    return _result(scheme, None, None, f"预测日AQI均未>{heavy:g}", None)


_HOHHOT_PARAMS: dict[str, object] = {
    "daily_threshold": 150,
    "min_days": 2,
    "hourly_aqi": None,
    "hourly_threshold": 200,
    "min_hours": 1,
    "combine": "and",
}


def _hohhot(
    values: list[float], p: dict[str, object], national: dict[str, float | int]
) -> WarningGrade:
    """Hohhot start condition (seed 002, 第五章第一节 4.):

    "以预测预报日AQI日均值>150持续天数及小时AQI>200作为预警启动基本条件".

    The start condition holds when the forecast daily AQI is > ``daily_threshold`` (150) on
    ≥ ``min_days`` consecutive days **and** (``combine="and"``, the reading of "及") the hourly AQI
    is > ``hourly_threshold`` (200) for ≥ ``min_hours`` consecutive hours; ``combine="or"`` needs
    either. The plan gives no day count ("持续天数"): ``min_days`` defaults to 2 (the 48 h of the
    national yellow level) — UNCONFIRMED. The plan sets a start condition, not levels, so the
    grade is the national grade when that is met and otherwise yellow (the lowest national
    level) when the Hohhot start condition holds.
    """
    scheme = "hohhot"
    daily_thr = _check_threshold("daily_threshold", p["daily_threshold"])
    hourly_thr = _check_threshold("hourly_threshold", p["hourly_threshold"])
    min_days = _check_int("min_days", p["min_days"])
    min_hours = _check_int("min_hours", p["min_hours"])
    combine = p["combine"]
    if combine not in ("and", "or"):
        raise WarningInputError(f"combine must be 'and' or 'or', got {combine!r}")
    hourly_raw = p["hourly_aqi"]
    hour_ep: tuple[int, int] | None = None
    if hourly_raw is None:
        if combine == "and":
            raise WarningInputError(
                "scheme 'hohhot' needs hourly_aqi: its start condition combines daily AQI>150 "
                "and hourly AQI>200 (“…持续天数及小时AQI>200…”); pass hourly_aqi=[…] or "
                "combine='or' to use the daily part alone"
            )
    else:
        if isinstance(hourly_raw, str | bytes) or not isinstance(hourly_raw, Iterable):
            raise WarningInputError(
                f"hourly_aqi must be a sequence of AQI values, got {hourly_raw!r}"
            )
        hourly = _check_series(list(hourly_raw), "hourly_aqi")
        hour_ep = _first_run(hourly, hourly_thr, min_hours)

    nat = _national(values, national, scheme)
    if nat.grade is not None:
        return nat
    day_ep = _first_run(values, daily_thr, min_days)
    fired = (
        (day_ep is not None and hour_ep is not None)
        if combine == "and"
        else (day_ep is not None or hour_ep is not None)
    )
    parts = [
        f"日AQI>{daily_thr:g}持续≥{min_days}天：" + (_days(day_ep) if day_ep else "否"),
        f"小时AQI>{hourly_thr:g}持续≥{min_hours}小时："
        + ("未提供" if hourly_raw is None else ("是" if hour_ep else "否")),
    ]
    detail = "；".join(parts)
    if fired:
        return _result(scheme, "yellow", "hohhot.start", "呼和浩特启动条件：" + detail, day_ep)
    return _result(scheme, None, None, "未达到国家预警条件，呼和浩特启动条件：" + detail, None)


def _split_params(
    defaults: dict[str, object], params: dict[str, object], scheme: str
) -> dict[str, object]:
    unknown = sorted(set(params) - set(defaults))
    if unknown:
        raise WarningInputError(
            f"unknown parameter(s) {unknown} for scheme {scheme!r}; "
            f"accepted: {', '.join(sorted(defaults))}"
        )
    merged = {**defaults, **params}
    return merged


def _numeric_params(
    merged: dict[str, object], keys: Mapping[str, object]
) -> dict[str, float | int]:
    out: dict[str, float | int] = {}
    for k in keys:
        v = merged[k]
        if k.endswith("_days"):
            out[k] = _check_int(k, v)
        else:
            out[k] = _check_threshold(k, v)
    return out


def assess_warning(
    forecast_daily_aqi: Sequence[float], scheme: str = "national", **params: object
) -> WarningGrade:
    """Warning grade with the rule that fired.

    Parameters
    ----------
    forecast_daily_aqi : Forecast daily AQI, one value per day; the first is tomorrow.
    scheme : ``"national"`` (3 levels, S10), ``"legacy-2017"`` (4 levels with blue, S11) or
        ``"hohhot"`` (Hohhot 14th FYP start condition on top of the national levels).
    **params : Thresholds and durations (days) overriding the defaults.
        national: ``heavy=200, severe=300, extreme=500, yellow_days=2, orange_days=3,
        red_days=4, red_severe_days=2, extreme_days=1``.
        legacy-2017: those plus ``blue_days=1, orange_severe_days=1``.
        hohhot: the national ones plus ``daily_threshold=150, min_days=2, hourly_aqi=None,
        hourly_threshold=200, min_hours=1, combine="and"``.

    Rules (thresholds are strict ">" except the extreme clause "达到500", read as ≥ 500):

    - national 黄色 (三级): AQI > 200 on ≥ 2 consecutive days; 橙色 (二级): ≥ 3 days;
      红色 (一级): > 200 on ≥ 4 consecutive days holding ≥ 2 consecutive days > 300, or any day
      ≥ 500.
    - legacy-2017 蓝色 (四级): any day > 200; 黄色: ≥ 2 days; 橙色: ≥ 3 days holding a day > 300;
      红色: as national.
    - hohhot: "以预测预报日AQI日均值>150持续天数及小时AQI>200作为预警启动基本条件" — see
      :func:`_hohhot`.

    Raises
    ------
    WarningInputError
        Empty series, non-numeric/negative/NaN AQI, unknown scheme or parameter.
    """
    values = _check_series(forecast_daily_aqi, "forecast_daily_aqi")
    if scheme == "national":
        merged = _split_params(dict(_NATIONAL_PARAMS), params, scheme)
        return _national(values, _numeric_params(merged, _NATIONAL_PARAMS), scheme)
    if scheme == "legacy-2017":
        merged = _split_params(dict(_LEGACY_PARAMS), params, scheme)
        return _legacy(values, _numeric_params(merged, _LEGACY_PARAMS))
    if scheme == "hohhot":
        merged = _split_params({**_NATIONAL_PARAMS, **_HOHHOT_PARAMS}, params, scheme)
        national = _numeric_params(merged, _NATIONAL_PARAMS)
        return _hohhot(values, merged, national)
    raise WarningInputError(f"unknown scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


def grade(
    forecast_daily_aqi: Sequence[float], scheme: str = "national", **params: object
) -> Grade | None:
    """Warning grade (``"yellow"``, ``"orange"``, ``"red"``; ``"blue"`` in legacy-2017) or None.

    First value of *forecast_daily_aqi* is tomorrow's forecast daily AQI. See
    :func:`assess_warning` for schemes, rules and parameters. The Hohhot scheme implements the
    plan's sentence "以预测预报日AQI日均值>150持续天数及小时AQI>200作为预警启动基本条件".
    """
    return assess_warning(forecast_daily_aqi, scheme, **params).grade
