"""What the rule evaluators hand to the engine: findings (a condition holds) and clears (it
was evaluated and does not hold), keyed by rule × region × subject."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Key = tuple[str, str | None, str]
"""``(rule_id, region_code, subject)``: at most one active warning per key."""


def canonical(value: Any) -> str:
    """One JSON spelling of *value* (sorted keys, compact, dates as ISO text)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def jsonable(value: Any) -> Any:
    """*value* as plain JSON types (what the JSON columns store and read back)."""
    return json.loads(canonical(value))


@dataclass(frozen=True)
class Finding:
    """A rule's condition holds for one subject.

    Attributes
    ----------
    rule_id, kind : the rule (``ecoplan/data/warning_rules.yaml``) and its kind.
    region_code : region the subject lies in (city, section's region, station's region …).
    subject, subject_name : what the warning is about (city / section / ``plan/indicator`` /
        station code) and its Chinese name.
    level : level in the kind's vocabulary (``warning_rules.LEVELS``).
    inputs : what the level was computed from (stored with the warning and its events).
    basis : the evidence's identity (issue date, month, run id …): the same level on new
        evidence is a repeat (recorded as ``repeat-suppressed``), on the same evidence nothing.
    message_zh : one Chinese sentence for people.
    may_start : False when the finding may only continue an active warning, not start one
        (the indicator rule starts a warning only when the status *turned*).
    """

    rule_id: str
    kind: str
    region_code: str | None
    subject: str
    subject_name: str
    level: str
    inputs: dict[str, Any]
    basis: Any
    message_zh: str
    may_start: bool = True

    @property
    def key(self) -> Key:
        return (self.rule_id, self.region_code, self.subject)


@dataclass(frozen=True)
class Clear:
    """A rule was evaluated for a subject and its condition does not hold (lifts an active
    warning), with the inputs that show it."""

    rule_id: str
    region_code: str | None
    subject: str
    inputs: dict[str, Any]
    message_zh: str

    @property
    def key(self) -> Key:
        return (self.rule_id, self.region_code, self.subject)


@dataclass
class Evaluation:
    """Everything one evaluator found for one run date.

    A subject neither found nor cleared was not evaluated (no data): its active warning, if
    any, is left as it is.
    """

    kind: str
    as_of: date
    findings: list[Finding] = field(default_factory=list)
    clears: list[Clear] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
