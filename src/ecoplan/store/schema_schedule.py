"""The scheduled jobs' claim table (migration ``0120_schedule_lease``).

``scheduled_run``: one row per job × time slot. A worker of ``ecoplan serve`` that wants to run
a job for a slot inserts the row (the primary key makes exactly one insert succeed, across
processes and machines sharing the database); the row holds the claim's holder and lease
expiry, and on completion the finishing time and outcome. A claim whose lease expired without
finishing (the worker died) may be taken over by another worker with a conditional update.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base


class ScheduledRun(Base):
    """The claim of one slot of a scheduled job (e.g. ``warnings``, slot ``2026-12-05T13:00``)."""

    __tablename__ = "scheduled_run"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    slot: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    claimed_at: Mapped[datetime] = mapped_column(DateTime)
    lease_until: Mapped[datetime] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    outcome: Mapped[str | None] = mapped_column(Text)
