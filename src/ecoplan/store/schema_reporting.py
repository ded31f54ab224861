"""Bottom-up reporting tables (issue 11): verdicts on qualitative targets, target allocations.

``qualitative_verdict`` (migration ``0111``): one row per verdict an evaluator recorded on a
qualitative target (完成国家下达任务…) of one indicator × region × year — met / partly / not
met, with text and evidence. Rows are never updated: a later verdict supersedes an earlier
one, and the history stays.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ecoplan.store.schema import Base


class QualitativeVerdict(Base):
    """An evaluator's verdict on a qualitative target (docs/assessment.md §3.5)."""

    __tablename__ = "qualitative_verdict"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    verdict: Mapped[str] = mapped_column(String(16))  # met | partly | not_met
    text_zh: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(Text)
    evaluator: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class TargetAllocation(Base):
    """A league's/county's share of a regional target (目标分解, migration ``0112``).

    One row per plan × indicator × region × target year × comparator; written by an
    allocation import (``ecoplan allocation import``), which replaces the rows of every
    indicator × year it contains.
    """

    __tablename__ = "target_allocation"
    __table_args__ = (
        UniqueConstraint("plan_id", "indicator_code", "region_code", "year", "comparator"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    indicator_code: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    comparator: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))  # reach | maintain (the regional target's)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime)
