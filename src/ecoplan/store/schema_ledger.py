"""Tables of the rectification ledgers (capability 8: 督察整改台账, 销号).

Registered on :class:`ecoplan.store.schema.Base` (imported at the end of ``schema.py``);
created by migration ``0020_ledger``. The flow, kinds and statuses are data in
:mod:`ecoplan.model.ledger`; the service is :mod:`ecoplan.store.ledger`.

- ``ledger_item`` — one item: what, where (GB/T 2260 region), who (responsible unit, lead
  department), by when (deadline), its status and closure approval. "Overdue" is derived, not
  stored. A plan task or major project names its task by ``plan_id`` + ``task_code`` (checked
  when written; no foreign key, so re-importing a plan does not delete ledger items).
- ``ledger_note`` — the item's timeline: progress notes and every status change, with author
  and time. Authors of editing entries (:data:`ecoplan.model.ledger.EDIT_VERBS`) may not
  approve the item's closure.
- ``ledger_evidence`` — attached files (佐证材料), stored content-addressed under
  ``$ECOPLAN_HOME/evidence/<sha256>``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ecoplan.store.schema import Base

KIND_CHECK = "kind IN ('inspection', 'plan_task', 'major_project', 'complaint')"
STATUS_CHECK = "status IN ('registered', 'in_progress', 'completed', 'closed')"


class LedgerItem(Base):
    """One rectification item, plan task, major project or complaint.

    ``completed_by*`` name who marked it completed (申请销号), ``closed_by*`` who approved the
    closure (销号), with ``closure_note``. Imported closed items may carry an approver's name
    (``closed_by``) without an account (``closed_by_id`` NULL): the approval happened outside
    ecoplan. ``reconstructed`` marks example items rebuilt from published totals
    (``provenance`` says from which document and quote).
    """

    __tablename__ = "ledger_item"
    __table_args__ = (
        CheckConstraint(KIND_CHECK, name="kind"),
        CheckConstraint(STATUS_CHECK, name="status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    round: Mapped[str | None] = mapped_column(String(200), index=True)
    source_doc: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    responsible_unit: Mapped[str | None] = mapped_column(Text)
    lead_department: Mapped[str | None] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    measures: Mapped[str | None] = mapped_column(Text)
    plan_id: Mapped[str | None] = mapped_column(String(64))
    task_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage_achieved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    stage_note: Mapped[str | None] = mapped_column(Text)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    completed_by: Mapped[str | None] = mapped_column(String(64))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    closed_by: Mapped[str | None] = mapped_column(String(64))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    closure_note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    reconstructed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    provenance: Mapped[str | None] = mapped_column(Text)

    notes: Mapped[list[LedgerNote]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="LedgerNote.id",
        passive_deletes=True,
    )
    evidence: Mapped[list[LedgerEvidence]] = relationship(
        back_populates="item",
        cascade="all, delete-orphan",
        order_by="LedgerEvidence.id",
        passive_deletes=True,
    )


class LedgerNote(Base):
    """One entry of an item's timeline (local time, naive).

    ``kind``: ``create``, ``update``, ``note`` (progress), ``stage``, ``evidence``, ``import``
    or a transition verb (``start``, ``complete``, ``close``, ``return``, ``reopen``), with the
    statuses before and after for transitions.
    """

    __tablename__ = "ledger_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_item.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    author: Mapped[str | None] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)

    item: Mapped[LedgerItem] = relationship(back_populates="notes")


class LedgerEvidence(Base):
    """An evidence file (佐证材料) of an item: its original name, size (bytes) and SHA-256; the
    bytes are at ``$ECOPLAN_HOME/evidence/<sha256>`` (shared by identical files)."""

    __tablename__ = "ledger_evidence"
    __table_args__ = (UniqueConstraint("item_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("ledger_item.id", ondelete="CASCADE"), index=True
    )
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(String(128))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    uploaded_by: Mapped[str | None] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)

    item: Mapped[LedgerItem] = relationship(back_populates="evidence")
