"""Tables of stored assessment runs (docs/assessment.md §10).

A run keeps the parameters it used and every row with its calculation components, so that a
published evaluation can be shown again exactly as it was computed. ``plan_id`` is not a
foreign key on purpose: replacing a plan (a refreshed embedded plan file) must not delete the
runs made with its earlier version. Migration: ``0003_assessment``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base


class AssessmentRun(Base):
    """One stored assessment: plan × year (× region) with its parameters."""

    __tablename__ = "assessment_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(6))  # NULL: the whole plan
    created_at: Mapped[datetime] = mapped_column(DateTime)
    method_version: Mapped[str] = mapped_column(String(16))
    dust_deducted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)  # ranking, skipped, categories


class AssessmentRowRecord(Base):
    """One row of a stored run; ``components`` is the whole ``AssessmentRow.to_dict()``."""

    __tablename__ = "assessment_row"
    __table_args__ = (UniqueConstraint("run_id", "indicator_code", "region_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_run.id", ondelete="CASCADE"), index=True
    )
    indicator_code: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Float)
    target: Mapped[float | None] = mapped_column(Float)
    ratio: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON)
