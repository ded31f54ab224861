"""Warnings on a schedule inside ``ecoplan serve`` (docs/warnings.md, "Schedule").

Every ``$ECOPLAN_WARN_EVERY`` minutes (``0`` = off) the server evaluates every warning rule as of
today and delivers the outbox. Time is cut into slots of that length (counted from midnight
UTC, 1970-01-01); each slot is evaluated once however many workers or machines serve the same
database: a worker first *claims* the slot by inserting its ``scheduled_run`` row (the primary
key job × slot lets exactly one insert succeed), and only the claimant runs it. A claim carries
a lease; if its holder dies before finishing and the lease runs out, another worker may take
the slot over (a conditional update that again only one worker can win).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.schema_schedule import ScheduledRun

__all__ = [
    "ENV",
    "JOB",
    "SERVE_DEFAULT_MINUTES",
    "ScheduleError",
    "SlotRun",
    "claim_slot",
    "holder_id",
    "run_warning_slot",
    "slot_key",
    "warn_every_minutes",
    "warning_schedule",
]

log = logging.getLogger("ecoplan.warn.schedule")

ENV = "ECOPLAN_WARN_EVERY"
JOB = "warnings"
SERVE_DEFAULT_MINUTES = 60
"""``ecoplan serve`` evaluates the warnings hourly unless told otherwise."""
MIN_LEASE = timedelta(minutes=10)
EPOCH = datetime(1970, 1, 1)


class ScheduleError(ValueError):
    """A schedule setting that cannot be used (names the variable and the value)."""


def warn_every_minutes(environ: Mapping[str, str] | None = None, default: int = 0) -> int:
    """Minutes between scheduled warning runs from ``$ECOPLAN_WARN_EVERY`` (``0``: off)."""
    raw = (os.environ if environ is None else environ).get(ENV, "").strip()
    if raw == "":
        return default
    try:
        minutes = int(raw)
    except ValueError:
        raise ScheduleError(f"${ENV}={raw!r}: expected whole minutes (0 = off)") from None
    if not 0 <= minutes <= 7 * 24 * 60:
        raise ScheduleError(f"${ENV}={raw!r}: expected 0 (off) to 10080 minutes (a week)")
    return minutes


def _utc_naive(now: datetime | None) -> datetime:
    t = now or datetime.now(UTC)
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def slot_start(now: datetime, every: int) -> datetime:
    """Start (naive UTC) of the *every*-minute slot holding *now* (naive = UTC)."""
    minutes = int((_utc_naive(now) - EPOCH).total_seconds() // 60)
    return EPOCH + timedelta(minutes=minutes - minutes % every)


def slot_key(now: datetime, every: int) -> str:
    """The slot's key, e.g. ``60m@2026-12-05T13:00`` (the length is part of it, so changing the
    setting starts a new series instead of colliding with the old one)."""
    return f"{every}m@{slot_start(now, every):%Y-%m-%dT%H:%M}"


def holder_id() -> str:
    """Who claims: host, process and a random part (unique per scheduler)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:128]


def claim_slot(
    store: Store, job: str, slot: str, holder: str, now: datetime, lease: timedelta
) -> bool:
    """Claim *slot* of *job* for *holder*; true for exactly one caller per slot (or, after an
    unfinished claim's lease has run out, for exactly one taker)."""
    t = _utc_naive(now)
    try:
        with store.session() as s:
            s.add(
                ScheduledRun(job=job, slot=slot, holder=holder, claimed_at=t, lease_until=t + lease)
            )
    except IntegrityError:
        pass
    else:
        return True
    with store.session() as s:
        res = s.execute(
            update(ScheduledRun)
            .where(
                ScheduledRun.job == job,
                ScheduledRun.slot == slot,
                ScheduledRun.finished_at.is_(None),
                ScheduledRun.lease_until < t,
            )
            .values(holder=holder, claimed_at=t, lease_until=t + lease)
        )
        return int(getattr(res, "rowcount", 0) or 0) == 1


def _finish(store: Store, job: str, slot: str, holder: str, outcome: dict[str, Any]) -> None:
    with store.session() as s:
        s.execute(
            update(ScheduledRun)
            .where(
                ScheduledRun.job == job, ScheduledRun.slot == slot, ScheduledRun.holder == holder
            )
            .values(
                finished_at=_utc_naive(None),
                outcome=json.dumps(outcome, ensure_ascii=False, sort_keys=True),
            )
        )


@dataclass(frozen=True)
class SlotRun:
    """What one scheduler did for one slot: ``ran`` false when another worker had it."""

    slot: str
    ran: bool
    outcome: dict[str, Any] | None = None


def _evaluate(store: Store, as_of: date) -> dict[str, Any]:
    from ecoplan.warn import deliver, run_warnings

    summary = run_warnings(store, as_of, actor=Actor.system("(schedule)"))
    report = deliver(store)
    return {
        "as_of": f"{as_of:%Y-%m-%d}",
        "counts": summary.counts,
        "active": summary.active,
        "sent": report.sent,
        "failed": report.failed,
    }


def run_warning_slot(
    store: Store,
    every: int,
    *,
    holder: str,
    now: datetime | None = None,
    as_of: date | None = None,
    evaluate: Callable[[Store, date], dict[str, Any]] = _evaluate,
) -> SlotRun:
    """Claim the slot of *now* and, if this caller won it, evaluate the warnings as of *as_of*
    (default today) and deliver; the outcome (counts or the error) is stored on the claim."""
    t = _utc_naive(now)
    slot = slot_key(t, every)
    lease = max(MIN_LEASE, timedelta(minutes=every))
    if not claim_slot(store, JOB, slot, holder, t, lease):
        return SlotRun(slot, False)
    try:
        outcome = evaluate(store, as_of or date.today())
    except Exception as exc:  # recorded and logged; the next slot tries again
        log.exception("scheduled warning run %s failed", slot)
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    _finish(store, JOB, slot, holder, outcome)
    return SlotRun(slot, True, outcome)


def seconds_to_next_slot(now: datetime, every: int) -> float:
    t = _utc_naive(now)
    return (slot_start(t, every) + timedelta(minutes=every) - t).total_seconds()


async def _loop(store: Store, every: int, holder: str) -> None:
    while True:
        try:
            done = await asyncio.to_thread(run_warning_slot, store, every, holder=holder)
            if done.ran:
                log.info("scheduled warning run %s: %s", done.slot, done.outcome)
        except Exception:  # the database unreachable for a moment: try the next slot
            log.exception("scheduled warning run could not claim its slot")
        await asyncio.sleep(seconds_to_next_slot(datetime.now(UTC), every) + 1.0)


@asynccontextmanager
async def warning_schedule(store: Store, every: int | None = None) -> AsyncIterator[str | None]:
    """Run the warnings every *every* minutes (default ``$ECOPLAN_WARN_EVERY``, else off) in a
    background task for the life of the context; yields the holder id, or None when off."""
    minutes = warn_every_minutes() if every is None else every
    if minutes <= 0:
        yield None
        return
    holder = holder_id()
    task = asyncio.create_task(_loop(store, minutes, holder), name="ecoplan-warning-schedule")
    try:
        yield holder
    finally:
        task.cancel()
        with suppress(asyncio.CancelledError):
            await task
