"""Tables of the early warnings (capability 7, docs/warnings.md). Migration: ``0030_warnings``.

- ``aqi_forecast``: city daily AQI forecasts, one row per city × issue date × target date, kept
  for every issue date (a later issue never overwrites an earlier one) so that forecasts can be
  scored against what was observed.
- ``warning``: one warning raised by one rule (``rule_id`` of the rules file) for one subject
  (a city, a section, a plan indicator, a station) in one region; ``state`` active until lifted.
  At most one *active* warning per rule × region × subject (a partial unique index).
- ``warning_event``: its history — start, upgrade, downgrade, lift, and repeat-suppressed (the
  same level confirmed by new evidence: recorded, never sent again) — each with the inputs it
  was computed from.
- ``outbox``: one row per event × notification channel (file, email, webhook), sent
  asynchronously; ``sent_at`` is set once delivered, ``error`` keeps the last failure.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base

WARNING_STATES = ("active", "lifted")
EVENTS = ("start", "upgrade", "downgrade", "lift", "repeat-suppressed")
OUTBOX_CHANNELS = ("file", "email", "webhook")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class AqiForecast(Base):
    """A city's forecast daily AQI for *target_date*, issued on *issue_date* (local dates).

    ``aqi`` is the forecast daily AQI (HJ 633, dimensionless, 0–500); ``primary_pollutant`` the
    forecast primary pollutant(s) (``PM2.5``, ``O3_8h`` …, several joined by ``,``) if given.
    """

    __tablename__ = "aqi_forecast"
    __table_args__ = (UniqueConstraint("region_code", "issue_date", "target_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    issue_date: Mapped[date] = mapped_column(Date, index=True)
    target_date: Mapped[date] = mapped_column(Date)
    aqi: Mapped[float] = mapped_column(Float)
    primary_pollutant: Mapped[str | None] = mapped_column(String(64))
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))


class WarningRecord(Base):
    """A warning: raised by rule ``rule_id`` for ``subject`` in ``region_code``.

    ``subject`` is the city code (air), section code (water), ``<plan_id>/<indicator_code>``
    (indicators) or station code (data quality). ``level`` is in the kind's vocabulary
    (``ecoplan.model.warning_rules.LEVELS``). ``started_on``/``evaluated_on`` are the run dates
    (``warn run --date``) of the first and the latest evaluation applied; ``*_at`` are wall-clock
    times (local, naive). ``basis`` identifies the evidence of the latest evaluation (issue date,
    month, run id …): new evidence at the same level is a repeat, not a new warning.
    """

    __tablename__ = "warning"
    __table_args__ = (
        CheckConstraint(_in("state", WARNING_STATES), name="state"),
        Index(
            "uq_warning_active",
            "rule_id",
            "region_code",
            "subject",
            unique=True,
            sqlite_where=text("state = 'active'"),
            postgresql_where=text("state = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    category: Mapped[str] = mapped_column(String(16))  # environment | progress | data_quality
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    subject_name: Mapped[str | None] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(8), index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(DateTime)
    started_on: Mapped[date] = mapped_column(Date)
    evaluated_on: Mapped[date] = mapped_column(Date)
    basis: Mapped[str] = mapped_column(Text)
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    message_zh: Mapped[str] = mapped_column(Text)


class WarningEvent(Base):
    """One change of a warning (or a suppressed repeat), with the inputs behind it."""

    __tablename__ = "warning_event"
    __table_args__ = (CheckConstraint(_in("event", EVENTS), name="event"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warning_id: Mapped[int] = mapped_column(
        ForeignKey("warning.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    as_of: Mapped[date] = mapped_column(Date)
    event: Mapped[str] = mapped_column(String(20))
    grade_from: Mapped[str | None] = mapped_column(String(16))
    grade_to: Mapped[str | None] = mapped_column(String(16))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    message_zh: Mapped[str] = mapped_column(Text)


class OutboxMessage(Base):
    """A notification to send: one event on one channel (``payload`` is what is sent)."""

    __tablename__ = "outbox"
    __table_args__ = (CheckConstraint(_in("channel", OUTBOX_CHANNELS), name="channel"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    warning_event_id: Mapped[int] = mapped_column(
        ForeignKey("warning_event.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    error: Mapped[str | None] = mapped_column(Text)
