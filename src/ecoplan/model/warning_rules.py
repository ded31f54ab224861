"""Warning rules as data: the rule types and the rules file (``ecoplan/data/warning_rules.yaml``).

Every warning ecoplan raises comes from one rule of the rules file: an id, a kind, parameters,
a scope (region codes, or ``all``) and ``enabled``. Local plans differ (``reference/anchors.md``
§4: "implement heavy-pollution warnings as rule tables … configurable per league/city"), so the
thresholds live here, not in code. ``docs/warnings.md`` documents the file.

Kinds, their warning level vocabulary (ascending severity) and the category that keeps
plan-progress warnings apart from episode warnings (anchors §4):

================  ==================  ==========================  ============================
kind              group               levels                      category
================  ==================  ==========================  ============================
air_forecast      air                 blue < yellow < orange < red  environment (episode)
water_target      water               II < III < IV < V < 劣V       environment
water_worse_v     water               劣V                           environment
indicator_status  indicator           at_risk < off_track           progress
station_silent    data_quality        silent                        data_quality
station_flatline  data_quality        flatline                      data_quality
================  ==================  ==========================  ============================

Every model forbids unknown keys: a misspelt parameter is an error naming it, never a silently
ignored value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ecoplan.model.regions import UnknownRegionError, ancestors, get_region
from ecoplan.standards.aqi_tables import POLLUTANTS
from ecoplan.standards.warning import SCHEMES, WarningInputError, assess_warning

__all__ = [
    "CATEGORIES",
    "CATEGORY_OF_GROUP",
    "CATEGORY_ZH",
    "CHANNELS",
    "GROUPS",
    "GROUP_OF",
    "KINDS",
    "KIND_ZH",
    "LEVELS",
    "LEVEL_ZH",
    "Channel",
    "RuleSet",
    "WarningRule",
    "WarningRulesError",
    "default_rules",
    "level_rank",
    "load_rules_file",
    "parse_rules",
]

KINDS: tuple[str, ...] = (
    "air_forecast",
    "water_target",
    "water_worse_v",
    "indicator_status",
    "station_silent",
    "station_flatline",
)
GROUP_OF: dict[str, str] = {
    "air_forecast": "air",
    "water_target": "water",
    "water_worse_v": "water",
    "indicator_status": "indicator",
    "station_silent": "data_quality",
    "station_flatline": "data_quality",
}
GROUPS: tuple[str, ...] = ("air", "water", "indicator", "data_quality")
CATEGORY_OF_GROUP: dict[str, str] = {
    "air": "environment",
    "water": "environment",
    "indicator": "progress",
    "data_quality": "data_quality",
}
CATEGORIES: tuple[str, ...] = ("environment", "progress", "data_quality")
CATEGORY_ZH: dict[str, str] = {
    "environment": "环境质量预警",
    "progress": "规划进展预警",
    "data_quality": "数据质量预警",
}
KIND_ZH: dict[str, str] = {
    "air_forecast": "重污染天气预警",
    "water_target": "断面水质未达目标",
    "water_worse_v": "河流断面劣Ⅴ类",
    "indicator_status": "约束性指标进展预警",
    "station_silent": "站点数据中断",
    "station_flatline": "站点数据恒定（疑似异常）",
}
LEVELS: dict[str, tuple[str, ...]] = {
    "air_forecast": ("blue", "yellow", "orange", "red"),
    "water_target": ("II", "III", "IV", "V", "劣V"),
    "water_worse_v": ("劣V",),
    "indicator_status": ("at_risk", "off_track"),
    "station_silent": ("silent",),
    "station_flatline": ("flatline",),
}
"""Warning levels of each kind, lowest severity first (upgrade = a later entry)."""

LEVEL_ZH: dict[str, str] = {
    "blue": "蓝色预警",
    "yellow": "黄色预警",
    "orange": "橙色预警",
    "red": "红色预警",
    "II": "Ⅱ类",
    "III": "Ⅲ类",
    "IV": "Ⅳ类",
    "V": "Ⅴ类",
    "劣V": "劣Ⅴ类",
    "at_risk": "存在风险",
    "off_track": "进展滞后",
    "silent": "数据中断",
    "flatline": "数据恒定",
}
CHANNELS: tuple[str, ...] = ("file", "email", "webhook")

DEFAULT_FILE = "warning_rules.yaml"


class WarningRulesError(ValueError):
    """A rules file that cannot be used: names the file, the rule and the key at fault."""


def level_rank(kind: str, level: str) -> int:
    """Position of *level* in the ascending severity order of *kind*."""
    try:
        return LEVELS[kind].index(level)
    except (KeyError, ValueError):
        raise WarningRulesError(f"{level!r} is not a level of kind {kind!r}") from None


# ------------------------------------------------------------------------------ parameters


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AirForecastParams(_Strict):
    """Heavy-pollution warning from the city's forecast daily AQI
    (:func:`ecoplan.standards.warning.assess_warning`).

    ``scheme`` picks the grading scheme; ``scheme_params`` overrides its thresholds/durations
    (the keyword parameters of ``assess_warning``: ``heavy``, ``yellow_days``, ``min_days`` …).
    ``hourly`` (scheme ``hohhot`` only): ``observed`` feeds the city's observed hourly AQI of
    the run date to the "小时AQI>200" part of the Hohhot start condition; ``none`` leaves it out
    (then ``scheme_params.combine`` must be ``or``, else the Hohhot start condition is not
    checked and the national grades alone apply).
    """

    scheme: str = "national"
    scheme_params: dict[str, Any] = Field(default_factory=dict)
    hourly: Literal["observed", "none"] = "observed"

    @model_validator(mode="after")
    def _check_scheme(self) -> AirForecastParams:
        if self.scheme not in SCHEMES:
            raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, got {self.scheme!r}")
        if "hourly_aqi" in self.scheme_params:
            raise ValueError("scheme_params.hourly_aqi is data, not a parameter: use hourly")
        probe: dict[str, Any] = dict(self.scheme_params)
        if self.scheme == "hohhot" and probe.get("combine", "and") == "and":
            probe["hourly_aqi"] = [0.0]
        try:  # validates names and values of the parameters with the standards engine itself
            assess_warning([0.0], self.scheme, **probe)
        except WarningInputError as exc:
            raise ValueError(f"scheme_params: {exc}") from None
        return self


class WaterTargetParams(_Strict):
    """A section's monthly class (GB 3838-2002 single-factor, monthly mean) worse than its
    target class. ``lookback_months``: how many months back (the run date's month included)
    the latest month with samples is looked for."""

    lookback_months: int = Field(3, ge=1, le=24)


class WaterWorseVParams(_Strict):
    """A section's monthly class is 劣Ⅴ (worse than GB 3838-2002 class Ⅴ). ``waterbody``:
    ``river`` (the plans' "劣Ⅴ类水体" targets concern rivers) or ``all``."""

    lookback_months: int = Field(3, ge=1, le=24)
    waterbody: Literal["river", "all"] = "river"


class IndicatorStatusParams(_Strict):
    """A binding (约束性) indicator whose status in the latest stored assessment run of a plan
    is one of ``statuses`` and was not in the previous stored run (a "status turned" warning)."""

    statuses: tuple[Literal["at_risk", "off_track"], ...] = ("at_risk", "off_track")
    binding_only: bool = True

    @field_validator("statuses")
    @classmethod
    def _nonempty(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if not v:
            raise ValueError("statuses is empty: the rule could never fire")
        return v


class StationSilentParams(_Strict):
    """A station with no value (any pollutant) for more than ``hours`` hours, measured up to
    the latest hour any station reported (at most the end of the run date). ``lookback_days``
    bounds the scan; ``station_kinds`` limits the stations (national/provincial/micro)."""

    hours: int = Field(24, ge=1, le=24 * 60)
    lookback_days: int = Field(7, ge=1, le=366)
    station_kinds: tuple[Literal["national", "provincial", "micro"], ...] | None = None

    @model_validator(mode="after")
    def _window(self) -> StationSilentParams:
        if self.lookback_days * 24 <= self.hours:
            raise ValueError(
                f"lookback_days ({self.lookback_days}) must cover more than hours ({self.hours})"
            )
        return self


class StationFlatlineParams(_Strict):
    """A station reporting the same value of one pollutant for ≥ ``hours`` consecutive hours
    (hourly stamps one hour apart, |Δ| ≤ ``tolerance``, µg/m³ or mg/m³ for CO) within the
    ``lookback_days`` before the end of the run date. ``hours_by_pollutant`` overrides
    ``hours`` per pollutant; ``pollutants`` limits the pollutants checked (default all six).
    ``ignore_at_or_below`` (per pollutant, same units) exempts runs at low values, which repeat
    without a fault (integer-rounded publication, instruments near their detection limit)."""

    hours: int = Field(12, ge=2, le=24 * 60)
    lookback_days: int = Field(7, ge=1, le=366)
    tolerance: float = Field(0.0, ge=0.0)
    pollutants: tuple[str, ...] | None = None
    hours_by_pollutant: dict[str, Annotated[int, Field(ge=2, le=24 * 60)]] = Field(
        default_factory=dict
    )
    ignore_at_or_below: dict[str, Annotated[float, Field(ge=0.0)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> StationFlatlineParams:
        named = [*(self.pollutants or ()), *self.hours_by_pollutant, *self.ignore_at_or_below]
        unknown = sorted({p for p in named if p not in POLLUTANTS})
        if unknown:
            raise ValueError(f"unknown pollutant(s) {unknown}; expected {', '.join(POLLUTANTS)}")
        longest = max([self.hours, *self.hours_by_pollutant.values()])
        if self.lookback_days * 24 < longest:
            raise ValueError(
                f"lookback_days ({self.lookback_days}) is shorter than {longest} hours"
            )
        return self

    def hours_for(self, pollutant: str) -> int:
        return self.hours_by_pollutant.get(pollutant, self.hours)

    def checked(self) -> tuple[str, ...]:
        return self.pollutants or POLLUTANTS


PARAMS: dict[str, type[_Strict]] = {
    "air_forecast": AirForecastParams,
    "water_target": WaterTargetParams,
    "water_worse_v": WaterWorseVParams,
    "indicator_status": IndicatorStatusParams,
    "station_silent": StationSilentParams,
    "station_flatline": StationFlatlineParams,
}

# ------------------------------------------------------------------------------ the file

RegionCode = Annotated[str, Field(pattern=r"^\d{6}$", description="GB/T 2260 six-digit code")]
_FILE_TARGET = re.compile(r"^[\w\-][\w.\-]{0,127}$")
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+$")


class _RuleIn(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._\-]{1,63}$")
    kind: Literal[
        "air_forecast",
        "water_target",
        "water_worse_v",
        "indicator_status",
        "station_silent",
        "station_flatline",
    ]
    name_zh: str | None = None
    scope: Literal["all"] | list[RegionCode] = "all"
    enabled: bool = True
    params: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None

    @field_validator("scope")
    @classmethod
    def _known(cls, v: Literal["all"] | list[str]) -> Literal["all"] | list[str]:
        if v == "all":
            return v
        if not v:
            raise ValueError("scope is empty: write `all` or list region codes")
        for code in v:
            try:
                get_region(code)
            except UnknownRegionError as exc:
                raise ValueError(str(exc)) from None
        if len(set(v)) != len(v):
            raise ValueError(f"scope lists a code twice: {v}")
        return v


class _ChannelIn(_Strict):
    channel: Literal["file", "email", "webhook"]
    target: str = Field(min_length=1)
    enabled: bool = True
    kinds: list[str] | None = None
    regions: list[RegionCode] | None = None

    @model_validator(mode="after")
    def _check(self) -> _ChannelIn:
        t = self.target.strip()
        if self.channel == "file" and not _FILE_TARGET.match(t):
            raise ValueError(
                f"file target {t!r} must be a plain file name (written under "
                "$ECOPLAN_HOME/outbox/), without directories"
            )
        if self.channel == "email":
            bad = [a for a in re.split(r"[,;]\s*", t) if not _EMAIL.match(a.strip())]
            if bad:
                raise ValueError(f"email target: not an address: {bad}")
        if self.channel == "webhook" and not re.match(r"^https?://[^\s/]+", t):
            raise ValueError(f"webhook target {t!r} must be an http:// or https:// URL")
        for k in self.kinds or ():
            if k not in KINDS and k not in GROUPS:
                raise ValueError(
                    f"kinds: {k!r} is neither a kind ({', '.join(KINDS)}) nor a group "
                    f"({', '.join(GROUPS)})"
                )
        return self


class _FileIn(_Strict):
    version: Literal[1] = 1
    rules: list[_RuleIn]
    notify: list[_ChannelIn] = Field(
        default_factory=lambda: [_ChannelIn(channel="file", target="warnings.jsonl")]
    )


@dataclass(frozen=True)
class WarningRule:
    """One rule of the rules file (validated).

    Attributes
    ----------
    id : stable identifier, stored with every warning it raises (``air.heavy.national``).
    kind : one of :data:`KINDS`.
    name_zh : Chinese name shown beside the id.
    scope : region codes the rule applies to (a region inside one of them is covered), or
        ``None`` for all regions not named by a more specific rule of the same kind.
    enabled : a disabled rule raises nothing, and its active warnings are lifted.
    params : the validated parameters (one of the ``*Params`` models of this module).
    source : where the thresholds come from (document, clause).
    """

    id: str
    kind: str
    name_zh: str
    scope: tuple[str, ...] | None
    enabled: bool
    params: Any
    source: str | None = None

    @property
    def group(self) -> str:
        return GROUP_OF[self.kind]

    @property
    def category(self) -> str:
        return CATEGORY_OF_GROUP[self.group]

    def specificity(self, region_code: str | None) -> int | None:
        """How specifically the rule names *region_code*: ``None`` when it does not apply, 0
        for ``all``, else 1 + the number of levels the matching scope code lies below the
        province (so a rule naming a league beats one naming the whole region)."""
        if self.scope is None:
            return 0
        if region_code is None:
            return None
        try:
            chain = [region_code, *(a.code for a in ancestors(region_code))]
        except UnknownRegionError:
            return None
        for depth, code in enumerate(reversed(chain)):
            if code in self.scope:
                return depth + 1
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "kind_zh": KIND_ZH[self.kind],
            "group": self.group,
            "category": self.category,
            "name_zh": self.name_zh,
            "scope": "all" if self.scope is None else list(self.scope),
            "enabled": self.enabled,
            "params": self.params.model_dump(mode="json"),
            "source": self.source,
        }


@dataclass(frozen=True)
class Channel:
    """Where new warning events are sent (the outbox adapters of :mod:`ecoplan.warn.outbox`)."""

    channel: str
    target: str
    enabled: bool = True
    kinds: tuple[str, ...] | None = None
    regions: tuple[str, ...] | None = None

    def wants(self, kind: str, region_code: str | None) -> bool:
        """Does this channel take events of *kind* in *region_code*?"""
        if not self.enabled:
            return False
        if self.kinds is not None and kind not in self.kinds and GROUP_OF[kind] not in self.kinds:
            return False
        if self.regions is not None:
            if region_code is None:
                return False
            try:
                chain = {region_code, *(a.code for a in ancestors(region_code))}
            except UnknownRegionError:
                return False
            return bool(chain & set(self.regions))
        return True

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "target": self.target,
            "enabled": self.enabled,
            "kinds": None if self.kinds is None else list(self.kinds),
            "regions": None if self.regions is None else list(self.regions),
        }


@dataclass(frozen=True)
class RuleSet:
    """The rules and notification channels of one rules file."""

    rules: tuple[WarningRule, ...]
    channels: tuple[Channel, ...]
    source: str

    def rule(self, rule_id: str) -> WarningRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def enabled(self, kind: str | None = None) -> list[WarningRule]:
        return [r for r in self.rules if r.enabled and (kind is None or r.kind == kind)]

    def rule_for(self, kind: str, region_code: str | None) -> WarningRule | None:
        """The enabled rule of *kind* that governs *region_code*: the one naming it (or the
        nearest region enclosing it) most specifically; a rule scoped ``all`` covers what no
        other rule of the kind names. ``None`` when no enabled rule applies."""
        best: tuple[int, WarningRule] | None = None
        for r in self.enabled(kind):
            spec = r.specificity(region_code)
            if spec is not None and (best is None or spec > best[0]):
                best = (spec, r)
        return best[1] if best else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "rules": [r.to_dict() for r in self.rules],
            "notify": [c.to_dict() for c in self.channels],
        }


def _loc(err: Mapping[str, Any], data: Any) -> str:
    parts: list[str] = []
    node = data
    for p in err["loc"]:
        if isinstance(p, int) and isinstance(node, list) and p < len(node):
            node = node[p]
            rid = node.get("id") if isinstance(node, dict) else None
            parts.append(f"[{p}]" + (f"({rid})" if rid else ""))
        else:
            parts.append(f".{p}")
            node = node.get(p) if isinstance(node, dict) else None
    return "".join(parts).lstrip(".")


def parse_rules(text: str, source: str = "<rules>") -> RuleSet:
    """Parse and validate a rules file (YAML or JSON text).

    Raises
    ------
    WarningRulesError
        Naming *source*, the rule and the key: bad YAML, unknown keys or kinds, bad parameters,
        unknown region codes, duplicate rule ids, two enabled rules of one kind both scoped
        ``all`` or both naming the same region.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise WarningRulesError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise WarningRulesError(f"{source}: expected a mapping with `rules:` at the top")
    try:
        parsed = _FileIn.model_validate(data)
    except ValidationError as exc:
        msgs = [f"{_loc(e, data)}: {e['msg']}" for e in exc.errors()]
        raise WarningRulesError(f"{source}: " + "; ".join(msgs)) from None
    rules: list[WarningRule] = []
    seen: set[str] = set()
    for i, ri in enumerate(parsed.rules):
        where = f"{source}: rules[{i}]({ri.id})"
        if ri.id in seen:
            raise WarningRulesError(f"{where}: duplicate rule id {ri.id!r}")
        seen.add(ri.id)
        try:
            params = PARAMS[ri.kind].model_validate(ri.params)
        except ValidationError as exc:
            msgs = [
                f"params.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}".replace(".: ", ": ")
                for e in exc.errors()
            ]
            raise WarningRulesError(f"{where}: " + "; ".join(msgs)) from None
        rules.append(
            WarningRule(
                id=ri.id,
                kind=ri.kind,
                name_zh=ri.name_zh or KIND_ZH[ri.kind],
                scope=None if ri.scope == "all" else tuple(ri.scope),
                enabled=ri.enabled,
                params=params,
                source=ri.source,
            )
        )
    for kind in KINDS:
        mine = [r for r in rules if r.enabled and r.kind == kind]
        alls = [r.id for r in mine if r.scope is None]
        if len(alls) > 1:
            raise WarningRulesError(
                f"{source}: enabled rules {alls} of kind {kind} are all scoped `all`; "
                "a region would get two warnings — scope one of them to region codes"
            )
        named: dict[str, str] = {}
        for r in mine:
            for code in r.scope or ():
                if code in named:
                    raise WarningRulesError(
                        f"{source}: region {code} is named by rules {named[code]!r} and "
                        f"{r.id!r} of kind {kind}; a region may be named by one rule per kind"
                    )
                named[code] = r.id
    channels = tuple(
        Channel(
            channel=c.channel,
            target=c.target.strip(),
            enabled=c.enabled,
            kinds=None if c.kinds is None else tuple(c.kinds),
            regions=None if c.regions is None else tuple(c.regions),
        )
        for c in parsed.notify
    )
    return RuleSet(tuple(rules), channels, source)


def load_rules_file(path: str | Path) -> RuleSet:
    """Read and validate a rules file."""
    p = Path(path)
    try:
        text = p.read_text("utf-8")
    except OSError as exc:
        raise WarningRulesError(f"{p}: cannot read the rules file: {exc}") from None
    return parse_rules(text, str(p))


def default_rules() -> RuleSet:
    """The shipped rules (``ecoplan/data/warning_rules.yaml``)."""
    text = (resources.files("ecoplan.data") / DEFAULT_FILE).read_text("utf-8")
    return parse_rules(text, f"ecoplan/data/{DEFAULT_FILE}")
