"""The warning state machine and :func:`run_warnings`, the one entry point.

A run on date *D* evaluates the rules of the selected kinds (:mod:`ecoplan.warn.air`,
:mod:`~ecoplan.warn.water`, :mod:`~ecoplan.warn.indicators`, :mod:`~ecoplan.warn.data_quality`)
and applies what they found to the stored warnings, in one transaction:

==========================================  =================================================
evaluator says, for rule × region × subject  stored warning
==========================================  =================================================
finding, no active warning                   **start** (unless the finding may not start one)
finding, higher level than the active one    **upgrade**
finding, lower level                         **downgrade**
finding, same level, new evidence (basis)    **repeat-suppressed**: recorded, not sent
finding, same level, same evidence           nothing (inputs refreshed silently if changed)
clear (evaluated, condition does not hold)   **lift**
neither (no data to evaluate)                nothing
rule disabled, removed or no longer covering  **lift** (reason says so)
==========================================  =================================================

So nothing fires twice: running again for the same date changes nothing, and the same level on
the next forecast issue is a continuation of the warning, not a new one. A warning last
evaluated on a later date than *D* is not touched by a run for *D* (running an old date again
cannot undo newer states). Every start/upgrade/downgrade/lift event is queued in the outbox for
each notification channel that wants it (:mod:`ecoplan.warn.outbox` sends them).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
from sqlalchemy import select
from sqlalchemy.orm import Session

from ecoplan.config import Settings
from ecoplan.model.regions import UnknownRegionError, get_region
from ecoplan.model.warning_rules import (
    CATEGORY_OF_GROUP,
    CATEGORY_ZH,
    DEFAULT_FILE,
    GROUP_OF,
    GROUPS,
    KIND_ZH,
    KINDS,
    LEVEL_ZH,
    RuleSet,
    default_rules,
    level_rank,
    load_rules_file,
)
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.schema_warn import OutboxMessage, WarningEvent, WarningRecord
from ecoplan.warn.types import Clear, Evaluation, Finding, Key, canonical, jsonable

LOCK_NAME = ".warn.lock"


class WarningRunError(ValueError):
    """A run that cannot be made (unknown kind, bad date)."""


# ------------------------------------------------------------------------------ rules


def rules_path(cfg: Settings) -> Path:
    """Where an installation's own rules file is looked for (``$ECOPLAN_HOME/…yaml``)."""
    return cfg.home / DEFAULT_FILE


def resolve_rules(cfg: Settings) -> RuleSet:
    """The rules in force: ``$ECOPLAN_HOME/warning_rules.yaml`` if it exists, else the shipped
    ``ecoplan/data/warning_rules.yaml``."""
    p = rules_path(cfg)
    return load_rules_file(p) if p.exists() else default_rules()


def select_kinds(kinds: Iterable[str] | None) -> tuple[str, ...]:
    """Rule kinds for *kinds* (kinds or groups ``air``/``water``/``indicator``/
    ``data_quality``); all kinds for ``None``."""
    if kinds is None:
        return KINDS
    out: list[str] = []
    for k in kinds:
        if k in KINDS:
            wanted = [k]
        elif k in GROUPS:
            wanted = [x for x in KINDS if GROUP_OF[x] == k]
        else:
            raise WarningRunError(
                f"unknown warning kind {k!r}: use a group ({', '.join(GROUPS)}) or a kind "
                f"({', '.join(KINDS)})"
            )
        out += [w for w in wanted if w not in out]
    return tuple(x for x in KINDS if x in out)


# ------------------------------------------------------------------------------ results


@dataclass
class RunSummary:
    """What one run did."""

    as_of: date
    kinds: tuple[str, ...]
    rules_source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    active: int = 0
    queued: int = 0

    @property
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("start", "upgrade", "downgrade", "lift", "repeat-suppressed"), 0)
        for e in self.events:
            out[e["event"]] += 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "kinds": list(self.kinds),
            "rules_source": self.rules_source,
            "counts": self.counts,
            "active": self.active,
            "queued": self.queued,
            "events": self.events,
            "notes": self.notes,
        }


# ------------------------------------------------------------------------------ dict shapes


def region_zh(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        return get_region(code).name_zh
    except UnknownRegionError:
        return None


def warning_to_dict(w: WarningRecord) -> dict[str, Any]:
    """The API/CLI shape of one warning."""
    return {
        "id": w.id,
        "rule_id": w.rule_id,
        "kind": w.kind,
        "kind_zh": KIND_ZH.get(w.kind, w.kind),
        "group": GROUP_OF.get(w.kind),
        "category": w.category,
        "category_zh": CATEGORY_ZH.get(w.category, w.category),
        "region_code": w.region_code,
        "region_zh": region_zh(w.region_code),
        "subject": w.subject,
        "subject_name": w.subject_name,
        "level": w.level,
        "level_zh": LEVEL_ZH.get(w.level, w.level),
        "state": w.state,
        "started_at": w.started_at.isoformat(),
        "updated_at": w.updated_at.isoformat(),
        "lifted_at": w.lifted_at.isoformat() if w.lifted_at else None,
        "started_on": f"{w.started_on:%Y-%m-%d}",
        "evaluated_on": f"{w.evaluated_on:%Y-%m-%d}",
        "message_zh": w.message_zh,
        "inputs": w.inputs,
    }


def event_to_dict(e: WarningEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "warning_id": e.warning_id,
        "at": e.at.isoformat(),
        "as_of": f"{e.as_of:%Y-%m-%d}",
        "event": e.event,
        "grade_from": e.grade_from,
        "grade_to": e.grade_to,
        "grade_from_zh": LEVEL_ZH.get(e.grade_from or "", e.grade_from),
        "grade_to_zh": LEVEL_ZH.get(e.grade_to or "", e.grade_to),
        "message_zh": e.message_zh,
        "inputs": e.inputs,
    }


def payload_of(w: WarningRecord, e: WarningEvent) -> dict[str, Any]:
    """What a notification carries: the event, the warning (without its inputs) and the
    event's inputs."""
    warning = warning_to_dict(w)
    warning.pop("inputs")
    ev = event_to_dict(e)
    return {
        "event": e.event,
        "event_id": e.id,
        "at": ev["at"],
        "as_of": ev["as_of"],
        "grade_from": e.grade_from,
        "grade_to": e.grade_to,
        "grade_from_zh": ev["grade_from_zh"],
        "grade_to_zh": ev["grade_to_zh"],
        "message_zh": e.message_zh,
        "warning": warning,
        "inputs": e.inputs,
    }


# ------------------------------------------------------------------------------ state machine

_VERB = {
    "start": "发布",
    "upgrade": "升级",
    "downgrade": "降级",
    "lift": "解除",
    "repeat-suppressed": "维持（不重复发布）",
}


class _Applier:
    """Applies evaluations to the stored warnings of one session."""

    def __init__(
        self, session: Session, rules: RuleSet, as_of: date, now: datetime, summary: RunSummary
    ):
        self.s = session
        self.rules = rules
        self.as_of = as_of
        self.now = now
        self.summary = summary

    def _event(
        self,
        w: WarningRecord,
        event: str,
        grade_from: str | None,
        grade_to: str | None,
        inputs: dict[str, Any],
        message: str,
    ) -> None:
        e = WarningEvent(
            warning_id=w.id,
            at=self.now,
            as_of=self.as_of,
            event=event,
            grade_from=grade_from,
            grade_to=grade_to,
            inputs=inputs,
            message_zh=f"{_VERB[event]}：{message}",
        )
        self.s.add(e)
        self.s.flush()
        if event != "repeat-suppressed":
            payload = jsonable(payload_of(w, e))
            for ch in self.rules.channels:
                if ch.wants(w.kind, w.region_code):
                    self.s.add(
                        OutboxMessage(
                            warning_event_id=e.id,
                            channel=ch.channel,
                            target=ch.target,
                            payload=payload,
                            created_at=self.now,
                            attempts=0,
                        )
                    )
                    self.summary.queued += 1
        self.summary.events.append(
            {
                "event": event,
                "warning_id": w.id,
                "rule_id": w.rule_id,
                "kind": w.kind,
                "region_code": w.region_code,
                "subject": w.subject,
                "subject_name": w.subject_name,
                "grade_from": grade_from,
                "grade_to": grade_to,
                "message_zh": e.message_zh,
            }
        )

    def _stale_keys(self, kind: str) -> set[Key]:
        rows = self.s.execute(
            select(WarningRecord.rule_id, WarningRecord.region_code, WarningRecord.subject)
            .where(WarningRecord.kind == kind, WarningRecord.evaluated_on > self.as_of)
            .distinct()
        ).all()
        return {(r, g, s) for r, g, s in rows}

    def _start(self, f: Finding) -> None:
        inputs = jsonable(f.inputs)
        w = WarningRecord(
            rule_id=f.rule_id,
            kind=f.kind,
            category=CATEGORY_OF_GROUP[GROUP_OF[f.kind]],
            region_code=f.region_code,
            subject=f.subject,
            subject_name=f.subject_name,
            level=f.level,
            state="active",
            started_at=self.now,
            updated_at=self.now,
            lifted_at=None,
            started_on=self.as_of,
            evaluated_on=self.as_of,
            basis=canonical(f.basis),
            inputs=inputs,
            message_zh=f.message_zh,
        )
        self.s.add(w)
        self.s.flush()
        self._event(w, "start", None, f.level, inputs, f.message_zh)

    def _update(self, w: WarningRecord, f: Finding) -> None:
        inputs = jsonable(f.inputs)
        basis = canonical(f.basis)
        old, new = level_rank(w.kind, w.level), level_rank(f.kind, f.level)
        event: str | None = None
        if new > old:
            event = "upgrade"
        elif new < old:
            event = "downgrade"
        elif basis != w.basis:
            event = "repeat-suppressed"
        changed = event is not None or inputs != w.inputs or f.message_zh != w.message_zh
        if not changed and w.evaluated_on >= self.as_of:
            return
        level_from = w.level
        w.level = f.level
        w.basis = basis
        w.inputs = inputs
        w.message_zh = f.message_zh
        w.subject_name = f.subject_name
        w.evaluated_on = self.as_of
        if changed:
            w.updated_at = self.now
        self.s.flush()
        if event is not None:
            msg = f.message_zh
            if event in ("upgrade", "downgrade"):
                change = f"{LEVEL_ZH.get(level_from, level_from)}→{LEVEL_ZH.get(f.level, f.level)}"
                msg = f"{change}。{msg}"
            self._event(w, event, level_from, f.level, inputs, msg)

    def _lift(self, w: WarningRecord, inputs: dict[str, Any], message: str) -> None:
        inputs = jsonable(inputs)
        level = w.level
        w.state = "lifted"
        w.lifted_at = self.now
        w.updated_at = self.now
        w.evaluated_on = self.as_of
        self.s.flush()
        self._event(w, "lift", level, None, inputs, message)

    def apply(self, ev: Evaluation) -> None:
        kind = ev.kind
        active = {
            (w.rule_id, w.region_code, w.subject): w
            for w in self.s.scalars(
                select(WarningRecord).where(
                    WarningRecord.kind == kind, WarningRecord.state == "active"
                )
            )
        }
        stale = self._stale_keys(kind)
        found: dict[Key, Finding] = {}
        for f in ev.findings:
            if f.key in found:
                raise RuntimeError(f"evaluator gave two findings for {f.key}")  # a bug
            found[f.key] = f
        for key, f in found.items():
            if key in stale:
                continue
            w = active.get(key)
            if w is None:
                if f.may_start:
                    self._start(f)
            else:
                self._update(w, f)
        clears: dict[Key, Clear] = {c.key: c for c in ev.clears}
        for key, w in active.items():
            if key in found or key in stale:
                continue
            c = clears.get(key)
            if c is not None:
                self._lift(w, c.inputs, c.message_zh)
                continue
            governing = self.rules.rule_for(kind, w.region_code)
            if governing is None or governing.id != w.rule_id:
                why = (
                    f"规则 {w.rule_id} 已停用或已删除"
                    if self.rules.rule(w.rule_id) is None or governing is None
                    else f"该地区现由规则 {governing.id} 管辖"
                )
                self._lift(
                    w, {"reason": why, "as_of": f"{self.as_of:%Y-%m-%d}"}, f"{why}，预警解除"
                )


# ------------------------------------------------------------------------------ run


@contextmanager
def _run_lock(cfg: Settings) -> Iterator[None]:
    """One run at a time on this installation (an OS file lock, released if the process dies)."""
    cfg.home.mkdir(parents=True, exist_ok=True)
    with open(cfg.home / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _needs_warehouse(rules: RuleSet, kinds: Sequence[str]) -> bool:
    for k in kinds:
        if k == "indicator_status":
            continue
        for r in rules.enabled(k):
            if k != "air_forecast" or (
                r.params.scheme == "hohhot" and r.params.hourly == "observed"
            ):
                return True
    return False


def evaluate(
    store: Store,
    as_of: date,
    kinds: Sequence[str],
    rules: RuleSet,
    con: duckdb.DuckDBPyConnection | None,
) -> list[Evaluation]:
    """Run the evaluators of *kinds* (rule kinds) for *as_of*; nothing is written."""
    from ecoplan.warn.air import evaluate_air
    from ecoplan.warn.data_quality import evaluate_data_quality
    from ecoplan.warn.indicators import evaluate_indicators
    from ecoplan.warn.water import evaluate_water

    out: list[Evaluation] = []
    with store.session() as ses:
        if "air_forecast" in kinds:
            out.append(evaluate_air(ses, rules, as_of, con=con))
        if "indicator_status" in kinds:
            out.append(evaluate_indicators(ses, rules, as_of))
    if con is not None:
        if {"water_target", "water_worse_v"} & set(kinds):
            out += [e for e in evaluate_water(con, rules, as_of) if e.kind in kinds]
        if {"station_silent", "station_flatline"} & set(kinds):
            out += [e for e in evaluate_data_quality(con, rules, as_of) if e.kind in kinds]
    done = {e.kind for e in out}
    # a kind without enabled rules is still applied (empty): its warnings are then lifted
    out += [Evaluation(k, as_of) for k in kinds if k not in done]
    return out


def run_warnings(
    store: Store,
    as_of: date | None = None,
    kinds: Iterable[str] | None = None,
    *,
    rules: RuleSet | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    now: datetime | None = None,
    actor: Actor | None = None,
) -> RunSummary:
    """Evaluate the warning rules for run date *as_of* (default today) and apply them.

    Parameters
    ----------
    store : the application database (and, through its settings, the warehouse).
    as_of : the run date *D*: forecasts issued by *D*, water samples and assessment runs up to
        *D*, hourly air data up to the end of *D*.
    kinds : rule kinds or groups (``air``, ``water``, ``indicator``, ``data_quality``); all
        when ``None``. Importers call it with the kinds their data feeds (forecast → ``air``).
    rules : the rules (default :func:`resolve_rules`).
    con : a warehouse connection (default: opened on the committed warehouse and closed).
    now : the wall-clock time written on warnings and events (default now).
    actor : when given, the run is audited (``warning.run``) in the same transaction.

    Idempotent: a second run for the same date and data changes nothing. New events are
    queued in the outbox; :func:`ecoplan.warn.outbox.deliver` sends them.
    """
    day = as_of or date.today()
    if not isinstance(day, date) or isinstance(day, datetime):
        raise WarningRunError(f"as_of must be a date, got {day!r}")
    selected = select_kinds(kinds)
    rs = rules or resolve_rules(store.settings)
    stamp = (now or datetime.now()).replace(microsecond=0)
    summary = RunSummary(day, selected, rs.source)
    own = con is None and _needs_warehouse(rs, selected)
    if own:
        from ecoplan.store import warehouse

        con = warehouse.connect(store=store)
    try:
        with _run_lock(store.settings):
            evaluations = evaluate(store, day, selected, rs, con)
            with store.session() as ses:
                applier = _Applier(ses, rs, day, stamp, summary)
                for ev in evaluations:
                    applier.apply(ev)
                    summary.notes += [f"{ev.kind}: {n}" for n in ev.notes]
                summary.active = len(
                    ses.scalars(
                        select(WarningRecord.id).where(
                            WarningRecord.state == "active", WarningRecord.kind.in_(selected)
                        )
                    ).all()
                )
                if actor is not None:
                    audit.record(
                        ses,
                        actor,
                        action="warning.run",
                        entity="warning",
                        entity_id=f"{day:%Y-%m-%d}",
                        after={
                            "as_of": f"{day:%Y-%m-%d}",
                            "kinds": list(selected),
                            "counts": summary.counts,
                            "rules_source": rs.source,
                        },
                    )
    finally:
        if own and con is not None:
            con.close()
    return summary
