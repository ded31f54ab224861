"""Ambient air concentration limits: GB 3095-2012 and GB 3095-2026 (环境空气质量标准).

Three limit sets exist, chosen by the date the data describe (``docs/standards-airqual.md``):

============================  ==========================  =====================================
edition / stage               applies to dates             source
============================  ==========================  =====================================
GB 3095-2012 (with 2018 amd.)  before 2026-03-01           Table 1 (standards.md §2.1)
GB 3095-2026, transition       2026-03-01 .. 2030-12-31    Table 1 过渡阶段, Table 2 (§2.2, §4.4)
GB 3095-2026, final            from 2031-01-01             Table 1 最终阶段, Table 2 (§2.2, §4.4)
============================  ==========================  =====================================

Units are µg/m³ for every item except CO, which is mg/m³.  Gaseous pollutants are at the
reference state 298.15 K / 1013.25 hPa; particles, TSP, Pb and BaP at actual conditions
(GB 3095-2026 §4.3).  Level 1 (一级) applies to 一类区, level 2 (二级) to 二类区 (§4.1).

Averaging periods use these codes (Chinese names as printed in the standard):

``annual`` 年平均, ``24h`` 24小时平均 (2012) / 日平均 (2026), ``8h`` 日最大8小时平均 (O3 only),
``1h`` 1小时平均, ``quarter`` 季平均 (Pb only).

GB 3095-2012 Table 2 (TSP, NOx, Pb, BaP) is not held: no source for it was read
(standards.md §2.1 gives Table 1 only); asking for it raises :class:`LimitNotDefinedError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "BASIC_POLLUTANTS",
    "EDITION_2026_START",
    "FINAL_STAGE_START",
    "LIMIT_SETS",
    "PERIOD_NAMES_ZH",
    "POLLUTANT_NAMES_ZH",
    "UNITS",
    "Edition",
    "LimitError",
    "LimitNotDefinedError",
    "LimitSet",
    "Stage",
    "canonical_period",
    "canonical_pollutant",
    "edition_on",
    "limit",
    "limit_array",
    "limit_set",
    "to_local_date",
]

#: The six basic items evaluated by HJ 663 (GB 3095 Table 1), in bulletin order.
BASIC_POLLUTANTS: tuple[str, ...] = ("SO2", "NO2", "PM10", "PM2.5", "CO", "O3")

POLLUTANT_NAMES_ZH: Mapping[str, str] = MappingProxyType(
    {
        "SO2": "二氧化硫",
        "NO2": "二氧化氮",
        "CO": "一氧化碳",
        "O3": "臭氧",
        "PM10": "可吸入颗粒物",
        "PM2.5": "细颗粒物",
        "TSP": "总悬浮颗粒物",
        "NOx": "氮氧化物",
        "Pb": "铅",
        "BaP": "苯并[a]芘",
    }
)

UNITS: Mapping[str, str] = MappingProxyType(
    {p: ("mg/m³" if p == "CO" else "µg/m³") for p in POLLUTANT_NAMES_ZH}
)

PERIOD_NAMES_ZH: Mapping[str, str] = MappingProxyType(
    {
        "annual": "年平均",
        "24h": "24小时平均",
        "8h": "日最大8小时平均",
        "1h": "1小时平均",
        "quarter": "季平均",
    }
)

#: First day of GB 3095-2026 / HJ 633-2026 / HJ 663-2026 (GB 3095-2026 preface).
EDITION_2026_START = dt.date(2026, 3, 1)
#: First day of the GB 3095-2026 final-stage limits (GB 3095-2026 §4.4).
FINAL_STAGE_START = dt.date(2031, 1, 1)


class LimitError(ValueError):
    """Bad argument to a limit look-up (unknown pollutant, period, level or date)."""


class LimitNotDefinedError(LimitError):
    """The pollutant has no limit for that averaging period in that edition/stage."""


class Edition(StrEnum):
    """Edition of the ambient air quality standard."""

    GB3095_2012 = "GB 3095-2012"
    GB3095_2026 = "GB 3095-2026"


class Stage(StrEnum):
    """Implementation stage within an edition (GB 3095-2026 §4.4)."""

    SINGLE = "single"  # GB 3095-2012 has one stage
    TRANSITION = "transition"  # 过渡阶段, 2026-03-01 .. 2030-12-31
    FINAL = "final"  # 最终阶段, from 2031-01-01


_Key = tuple[str, str]


@dataclass(frozen=True)
class LimitSet:
    """The limits of one edition and stage.

    Attributes
    ----------
    edition, stage
        Which table this is.
    valid_from, valid_to
        First and last date (inclusive) the set applies to; ``None`` is open-ended.
    values
        ``(pollutant, period) -> (level-1 limit, level-2 limit)``; units as :data:`UNITS`.
    source
        Clause/table the values come from.
    """

    edition: Edition
    stage: Stage
    valid_from: dt.date | None
    valid_to: dt.date | None
    values: Mapping[_Key, tuple[float, float]] = field(repr=False)
    source: str = ""

    def limit(self, pollutant: str, period: str, level: int = 2) -> float:
        """Concentration limit of *pollutant* over *period* at *level* (1 or 2).

        Units: µg/m³, CO mg/m³.  Raises :class:`LimitNotDefinedError` when the standard
        sets no such limit (e.g. an annual CO limit).
        """
        p, per, lv = canonical_pollutant(pollutant), canonical_period(period), _level(level)
        try:
            pair = self.values[(p, per)]
        except KeyError:
            raise LimitNotDefinedError(
                f"{self.edition} ({self.stage}) sets no {PERIOD_NAMES_ZH[per]} ({per}) limit "
                f"for {p}"
            ) from None
        return float(pair[lv - 1])

    def covers(self, day: dt.date) -> bool:
        """Whether *day* falls within this set's validity dates."""
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )

    def items(self) -> tuple[tuple[str, str], ...]:
        """All ``(pollutant, period)`` pairs that have a limit in this set."""
        return tuple(self.values)


def _set(pairs: dict[_Key, tuple[float, float]]) -> Mapping[_Key, tuple[float, float]]:
    return MappingProxyType(dict(pairs))


# GB 3095-2012 Table 1 (standards.md §2.1).  Level-2 values are confirmed by HJ 633-2012's
# IAQI=100 column and the composite-index denominators; level-1 values are UNCONFIRMED from a
# primary copy (they match GB 3095-2026 level 1 / transition level 1).
_GB3095_2012 = _set(
    {
        ("SO2", "annual"): (20, 60),
        ("SO2", "24h"): (50, 150),
        ("SO2", "1h"): (150, 500),
        ("NO2", "annual"): (40, 40),
        ("NO2", "24h"): (80, 80),
        ("NO2", "1h"): (200, 200),
        ("CO", "24h"): (4, 4),
        ("CO", "1h"): (10, 10),
        ("O3", "8h"): (100, 160),
        ("O3", "1h"): (160, 200),
        ("PM10", "annual"): (40, 70),
        ("PM10", "24h"): (50, 150),
        ("PM2.5", "annual"): (15, 35),
        ("PM2.5", "24h"): (35, 75),
    }
)

# GB 3095-2026 Table 2 (standards.md §2.2): TSP, Pb, BaP are the same in both stages; NOx has
# transition values 50 (annual) and 100 (daily) until 2030-12-31, applied to both levels.
_TABLE2_COMMON: dict[_Key, tuple[float, float]] = {
    ("TSP", "annual"): (80, 200),
    ("TSP", "24h"): (120, 300),
    ("NOx", "1h"): (250, 250),
    ("Pb", "annual"): (0.5, 0.5),
    ("Pb", "quarter"): (1.0, 1.0),
    ("BaP", "annual"): (0.001, 0.001),
    ("BaP", "24h"): (0.0025, 0.0025),
}

# GB 3095-2026 Table 1, transition columns (过渡阶段).
_GB3095_2026_TRANSITION = _set(
    {
        ("SO2", "annual"): (20, 60),
        ("SO2", "24h"): (50, 150),
        ("SO2", "1h"): (150, 500),
        ("NO2", "annual"): (40, 40),
        ("NO2", "24h"): (80, 80),
        ("NO2", "1h"): (200, 200),
        ("CO", "24h"): (4, 4),
        ("CO", "1h"): (10, 10),
        ("O3", "8h"): (100, 160),
        ("O3", "1h"): (160, 200),
        ("PM10", "annual"): (40, 60),
        ("PM10", "24h"): (50, 120),
        ("PM2.5", "annual"): (15, 30),
        ("PM2.5", "24h"): (35, 60),
        ("NOx", "annual"): (50, 50),
        ("NOx", "24h"): (100, 100),
        **_TABLE2_COMMON,
    }
)

# GB 3095-2026 Table 1, final columns (最终阶段).
_GB3095_2026_FINAL = _set(
    {
        ("SO2", "annual"): (20, 20),
        ("SO2", "24h"): (50, 50),
        ("SO2", "1h"): (150, 150),
        ("NO2", "annual"): (30, 30),
        ("NO2", "24h"): (50, 50),
        ("NO2", "1h"): (200, 200),
        ("CO", "24h"): (4, 4),
        ("CO", "1h"): (10, 10),
        ("O3", "8h"): (100, 160),
        ("O3", "1h"): (160, 200),
        ("PM10", "annual"): (20, 50),
        ("PM10", "24h"): (50, 100),
        ("PM2.5", "annual"): (10, 25),
        ("PM2.5", "24h"): (25, 50),
        ("NOx", "annual"): (40, 40),
        ("NOx", "24h"): (70, 70),
        **_TABLE2_COMMON,
    }
)

LIMIT_SETS: tuple[LimitSet, ...] = (
    LimitSet(
        Edition.GB3095_2012,
        Stage.SINGLE,
        None,
        EDITION_2026_START - dt.timedelta(days=1),
        _GB3095_2012,
        "GB 3095-2012 表1 (standards.md §2.1)",
    ),
    LimitSet(
        Edition.GB3095_2026,
        Stage.TRANSITION,
        EDITION_2026_START,
        FINAL_STAGE_START - dt.timedelta(days=1),
        _GB3095_2026_TRANSITION,
        "GB 3095-2026 表1 过渡阶段, 表2, §4.4",
    ),
    LimitSet(
        Edition.GB3095_2026,
        Stage.FINAL,
        FINAL_STAGE_START,
        None,
        _GB3095_2026_FINAL,
        "GB 3095-2026 表1 最终阶段, 表2, §4.4",
    ),
)

_POLLUTANT_ALIASES: dict[str, str] = {
    "so2": "SO2",
    "no2": "NO2",
    "co": "CO",
    "o3": "O3",
    "pm10": "PM10",
    "pm25": "PM2.5",
    "tsp": "TSP",
    "nox": "NOx",
    "pb": "Pb",
    "bap": "BaP",
}

_PERIOD_ALIASES: dict[str, str] = {
    "annual": "annual",
    "year": "annual",
    "yearly": "annual",
    "年平均": "annual",
    "24h": "24h",
    "daily": "24h",
    "day": "24h",
    "日平均": "24h",
    "24小时平均": "24h",
    "8h": "8h",
    "mda8": "8h",
    "日最大8小时平均": "8h",
    "8小时平均": "8h",
    "1h": "1h",
    "hourly": "1h",
    "hour": "1h",
    "1小时平均": "1h",
    "quarter": "quarter",
    "quarterly": "quarter",
    "季平均": "quarter",
}


def canonical_pollutant(pollutant: str) -> str:
    """Canonical code of *pollutant* (``"pm2_5"``, ``"PM25"`` → ``"PM2.5"``).

    Raises :class:`LimitError` for an unknown name.
    """
    key = re.sub(r"[^0-9a-z]", "", str(pollutant).lower())
    try:
        return _POLLUTANT_ALIASES[key]
    except KeyError:
        raise LimitError(
            f"unknown pollutant {pollutant!r}; expected one of {sorted(POLLUTANT_NAMES_ZH)}"
        ) from None


def canonical_period(period: str) -> str:
    """Canonical averaging-period code (``"daily"`` → ``"24h"``, ``"年平均"`` → ``"annual"``)."""
    key = str(period).strip().lower().replace(" ", "")
    try:
        return _PERIOD_ALIASES[key]
    except KeyError:
        raise LimitError(
            f"unknown averaging period {period!r}; expected one of {sorted(PERIOD_NAMES_ZH)}"
        ) from None


def _level(level: int) -> int:
    if level not in (1, 2):
        raise LimitError(f"level must be 1 (一级) or 2 (二级), got {level!r}")
    return int(level)


def to_local_date(on: Any) -> dt.date:
    """Calendar date (UTC+8) of *on*.

    Accepts :class:`datetime.date`, :class:`datetime.datetime`, :class:`pandas.Timestamp`,
    :class:`numpy.datetime64` or an ISO string.  Time-zone-aware values are converted to
    UTC+8 first; naive values are taken as UTC+8 local time already.
    """
    if isinstance(on, dt.datetime | pd.Timestamp | np.datetime64 | str):
        try:
            ts = pd.Timestamp(on)
        except (ValueError, TypeError) as exc:
            raise LimitError(f"cannot read a date from {on!r}: {exc}") from None
        if ts is pd.NaT:
            raise LimitError("date is NaT (missing)")
        if ts.tzinfo is not None:
            ts = ts.tz_convert("Asia/Shanghai")
        return dt.date(ts.year, ts.month, ts.day)
    if isinstance(on, dt.date):
        return on
    raise LimitError(f"cannot read a date from {on!r} (type {type(on).__name__})")


def edition_on(on: Any) -> tuple[Edition, Stage]:
    """Edition and stage of GB 3095 in force on date *on* (see module table)."""
    s = limit_set(on=on)
    return s.edition, s.stage


def limit_set(
    *,
    on: Any = None,
    edition: Edition | str | None = None,
    stage: Stage | str | None = None,
) -> LimitSet:
    """The :class:`LimitSet` in force on *on*, or the one named by *edition* (and *stage*).

    Parameters
    ----------
    on
        A date (see :func:`to_local_date`).  Picks the set whose validity dates cover it.
    edition, stage
        Choose explicitly instead.  ``stage`` defaults to the transition stage for
        GB 3095-2026 and is ignored for GB 3095-2012.  When both ``on`` and ``edition`` are
        given they must agree.
    """
    if edition is None:
        if on is None:
            raise LimitError("give a date (on=...) or an edition to choose the limit set")
        day = to_local_date(on)
        for s in LIMIT_SETS:
            if s.covers(day):
                return s
        raise LimitError(f"no limit set covers {day}")  # pragma: no cover - sets are contiguous
    try:
        ed = Edition(edition)
    except ValueError:
        raise LimitError(
            f"unknown edition {edition!r}; expected one of {[e.value for e in Edition]}"
        ) from None
    if ed is Edition.GB3095_2012:
        st = Stage.SINGLE
    else:
        try:
            st = Stage(stage) if stage is not None else Stage.TRANSITION
        except ValueError:
            raise LimitError(f"unknown stage {stage!r}") from None
        if st is Stage.SINGLE:
            raise LimitError("GB 3095-2026 has stages 'transition' and 'final'")
    chosen = next(s for s in LIMIT_SETS if s.edition is ed and s.stage is st)
    if on is not None and not chosen.covers(to_local_date(on)):
        raise LimitError(
            f"{chosen.edition} ({chosen.stage}) does not apply on {to_local_date(on)} "
            f"(valid {chosen.valid_from} .. {chosen.valid_to})"
        )
    return chosen


def limit(pollutant: str, period: str, level: int = 2, *, on: Any) -> float:
    """GB 3095 concentration limit in force on date *on*.

    Parameters
    ----------
    pollutant
        ``SO2, NO2, CO, O3, PM10, PM2.5, TSP, NOx, Pb, BaP`` (aliases accepted).
    period
        ``annual, 24h, 8h, 1h, quarter`` (aliases and Chinese names accepted).
    level
        1 (一级, 一类区) or 2 (二级, 二类区).
    on
        Date the data describe; picks GB 3095-2012 (before 2026-03-01), GB 3095-2026
        transition (to 2030-12-31) or final (from 2031-01-01).

    Returns
    -------
    float
        µg/m³ (CO: mg/m³).

    Examples
    --------
    >>> limit("PM2.5", "24h", on="2025-12-31")
    75.0
    >>> limit("PM2.5", "24h", on="2026-03-01")
    60.0
    >>> limit("PM2.5", "24h", on="2031-01-01")
    50.0
    """
    return float(limit_set(on=on).limit(pollutant, period, level))


def limit_array(pollutant: str, period: str, dates: Any, level: int = 2) -> npt.NDArray[np.float64]:
    """Vectorised :func:`limit`: the limit in force on each of *dates*.

    *dates* is anything :func:`pandas.to_datetime` reads (naive = UTC+8).  Returns a float
    array of the same length; NaT dates give NaN.  Raises :class:`LimitNotDefinedError` if a
    date falls in an edition without that limit.
    """
    ts = pd.DatetimeIndex(pd.to_datetime(dates))
    if ts.tz is not None:
        ts = ts.tz_convert("Asia/Shanghai").tz_localize(None)
    days = ts.normalize()
    out = np.full(len(days), np.nan)
    present = ~days.isna()
    for s in LIMIT_SETS:
        m = present.copy()
        if s.valid_from is not None:
            m &= days >= pd.Timestamp(s.valid_from)
        if s.valid_to is not None:
            m &= days <= pd.Timestamp(s.valid_to)
        if m.any():
            out[m] = s.limit(pollutant, period, level)
    return out
