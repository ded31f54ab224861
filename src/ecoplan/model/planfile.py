"""The plan file format: one YAML or JSON document per plan.

The format is documented in ``docs/plan-format.md``; this module is its executable
definition.  Every model forbids unknown fields so that a typo in a user's file is an
error naming the field, never a silently ignored value.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ecoplan.model.aggregation import Aggregation, resolve

REGION_CODE = Annotated[str, Field(pattern=r"^\d{6}$", description="GB/T 2260 six-digit code")]
YEAR = Annotated[int, Field(ge=1949, le=2100)]


class Direction(StrEnum):
    """Which way is better for an indicator."""

    HIGHER = "higher"  # higher is better (good-air-day ratio, forest coverage)
    LOWER = "lower"  # lower is better (PM2.5, coal share)
    REACH = "reach"  # reach / hold a value (e.g. 100 % of black-odorous water eliminated)


class Comparator(StrEnum):
    GE = ">="
    LE = "<="
    EQ = "="
    LT = "<"
    GT = ">"


class TargetKind(StrEnum):
    """How a target is judged over time (docs/assessment.md)."""

    REACH = "reach"  # be on the right side of the value by the target year
    MAINTAIN = "maintain"  # stay on the right side every year ("稳定在", "保持", "不降低")


class Category(StrEnum):
    BINDING = "binding"  # 约束性
    EXPECTED = "expected"  # 预期性


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class SourceRef(_Strict):
    """Where a fact comes from: a seed/source file and the exact Chinese phrase in it."""

    file: str = Field(
        min_length=1, description="source document file name, e.g. 002_b2fe04079fb47e5c.txt"
    )
    quote: str = Field(min_length=2, description="exact phrase from the document")


class Baseline(_Strict):
    region: REGION_CODE
    year: YEAR
    value: float
    source: SourceRef


class Target(_Strict):
    region: REGION_CODE
    year: YEAR
    comparator: Comparator
    value: float
    kind: TargetKind = TargetKind.REACH
    source: SourceRef
    note_zh: str | None = None


class QualitativeTarget(_Strict):
    """A target the document states in words only (e.g. 完成国家下达任务): held, never numbered."""

    region: REGION_CODE
    year: YEAR
    text_zh: str
    source: SourceRef


class IndicatorCategory(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$")
    name_zh: str
    name_en: str | None = None


class Indicator(_Strict):
    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=64)
    name_zh: str
    name_en: str
    category: str | None = Field(None, description="code of one of the plan's indicator_categories")
    binding: Category | None = Field(None, description="约束性 / 预期性 where the source says")
    unit: str
    direction: Direction
    derivation: str | None = Field(
        None, description="how the value is computed from monitoring data (docs/assessment.md)"
    )
    aggregation: Aggregation | None = Field(
        None, description="how regions' values combine; omitted: the default rule by unit"
    )
    numerator: str | None = Field(None, description="ratio: code of the numerator indicator")
    denominator: str | None = Field(None, description="ratio: code of the denominator indicator")
    weight: str | None = Field(None, description="ratio/mean: code of the weight indicator")
    source: SourceRef | None = None
    baselines: list[Baseline] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    qualitative_targets: list[QualitativeTarget] = Field(default_factory=list)

    @property
    def effective_aggregation(self) -> Aggregation:
        """The explicit aggregation, else the default rule by unit (model.aggregation)."""
        return resolve(self.aggregation, self.unit, self.derivation)

    @model_validator(mode="after")
    def _aggregation_parts(self) -> Indicator:
        agg = self.effective_aggregation
        if (self.numerator is None) != (self.denominator is None):
            raise ValueError("numerator and denominator are given together or not at all")
        if self.numerator is not None and agg is not Aggregation.RATIO:
            raise ValueError(f"numerator/denominator belong to a ratio, not to {agg.value}")
        if self.weight is not None and agg not in (Aggregation.RATIO, Aggregation.MEAN):
            raise ValueError(f"weight belongs to a ratio or mean, not to {agg.value}")
        if self.weight is not None and self.numerator is not None:
            raise ValueError("a ratio has numerator/denominator or a weight, not both")
        return self

    @model_validator(mode="after")
    def _unique_years(self) -> Indicator:
        seen: set[tuple[str, int]] = set()
        for b in self.baselines:
            key = (b.region, b.year)
            if key in seen:
                raise ValueError(f"baseline for region {b.region} year {b.year} given twice")
            seen.add(key)
        seen_t: set[tuple[str, int, str]] = set()
        for t in self.targets:
            key_t = (t.region, t.year, t.comparator.value)
            if key_t in seen_t:
                raise ValueError(
                    f"target for region {t.region} year {t.year} {t.comparator.value} given twice"
                )
            seen_t.add(key_t)
        return self


class Task(_Strict):
    """A chapter, key task, work area or major project of a plan."""

    code: str = Field(pattern=r"^[A-Za-z0-9_.-]+$", max_length=64)
    kind: str = Field(pattern=r"^(chapter|key_task|work_area|major_project|task)$")
    title_zh: str
    title_en: str | None = None
    parent: str | None = None
    lead_departments: list[str] = Field(default_factory=list)
    region: REGION_CODE | None = None
    deadline_year: YEAR | None = None
    source: SourceRef | None = None


class PlanFile(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    title_zh: str
    title_en: str
    issuer_zh: str
    region: REGION_CODE = Field(description="region the plan covers")
    period_start: YEAR
    period_end: YEAR
    source_doc: str = Field(description="source document file name(s), comma separated")
    source_title_zh: str | None = None
    notes_zh: str | None = None
    indicator_categories: list[IndicatorCategory] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    tasks: list[Task] = Field(default_factory=list)

    @field_validator("period_end")
    @classmethod
    def _period(cls, v: int, info: Any) -> int:
        start = info.data.get("period_start")
        if start is not None and v < start:
            raise ValueError(f"period_end {v} is before period_start {start}")
        return v

    @model_validator(mode="after")
    def _references(self) -> PlanFile:
        cats = {c.code for c in self.indicator_categories}
        codes: set[str] = set()
        for ind in self.indicators:
            if ind.code in codes:
                raise ValueError(f"indicator code {ind.code!r} used twice")
            codes.add(ind.code)
            if ind.category is not None and ind.category not in cats:
                raise ValueError(
                    f"indicator {ind.code!r}: category {ind.category!r} "
                    f"is not one of {sorted(cats)}"
                )
        for ind in self.indicators:
            for part in ("numerator", "denominator", "weight"):
                ref = getattr(ind, part)
                if ref is not None and (ref not in codes or ref == ind.code):
                    raise ValueError(
                        f"indicator {ind.code!r}: {part} {ref!r} is not another indicator "
                        "of this plan"
                    )
        tcodes: set[str] = set()
        for t in self.tasks:
            if t.code in tcodes:
                raise ValueError(f"task code {t.code!r} used twice")
            tcodes.add(t.code)
        for t in self.tasks:
            if t.parent is not None and t.parent not in tcodes:
                raise ValueError(f"task {t.code!r}: parent {t.parent!r} is not a task of this plan")
        return self


class PlanFileError(ValueError):
    """A plan file that cannot be read; ``errors`` lists (location, reason) pairs."""

    def __init__(self, path: str, errors: list[tuple[str, str]]):
        self.path = path
        self.errors = errors
        lines = "\n".join(f"  {loc}: {msg}" for loc, msg in errors)
        super().__init__(f"{path}: {len(errors)} error(s)\n{lines}")


def _loc(loc: tuple[Any, ...], raw: Any) -> str:
    """Render a pydantic error location as ``indicators[3](PM25).targets[0].value``."""
    parts: list[str] = []
    node = raw
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            if isinstance(node, list) and 0 <= item < len(node):
                node = node[item]
                if isinstance(node, dict) and "code" in node:
                    label += f"({node['code']})"
            else:
                node = None
            parts.append(label)
        else:
            parts.append(("." if parts else "") + str(item))
            node = node.get(item) if isinstance(node, dict) else None
    return "".join(parts) or "(document)"


def parse_plan(data: Any, path: str = "<data>") -> PlanFile:
    """Validate a decoded plan document; raise :class:`PlanFileError` naming every bad field."""
    if not isinstance(data, dict):
        raise PlanFileError(
            path, [("(document)", "a plan file must be a mapping at the top level")]
        )
    try:
        return PlanFile.model_validate(data)
    except ValidationError as exc:
        errors = [(_loc(e["loc"], data), e["msg"]) for e in exc.errors()]
        raise PlanFileError(path, errors) from None


def read_plan(path: str | Path) -> PlanFile:
    """Read a plan file (``.yaml``, ``.yml`` or ``.json``)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(str(p), [("(file)", str(exc))]) from None
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanFileError(str(p), [("(syntax)", str(exc))]) from None
    return parse_plan(data, str(p))
