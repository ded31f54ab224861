"""Tables of the application database (SQLAlchemy 2 declarative).

Schema changes go through Alembic migrations in ``ecoplan/store/migrations``; a test checks
that the migrations produce exactly this metadata.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Region(Base):
    """An administrative division (GB/T 2260). Links carry validity dates (divisions change)."""

    __tablename__ = "region"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(128))
    level: Mapped[str] = mapped_column(String(16))  # province | prefecture | county
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))


class Plan(Base):
    __tablename__ = "plan"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    issuer_zh: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    period_start: Mapped[int] = mapped_column(Integer)
    period_end: Mapped[int] = mapped_column(Integer)
    source_doc: Mapped[str] = mapped_column(Text)
    source_title_zh: Mapped[str | None] = mapped_column(Text)
    notes_zh: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(16))  # embedded | imported
    file_name: Mapped[str | None] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime)

    categories: Mapped[list[IndicatorCategory]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="IndicatorCategory.position"
    )
    indicators: Mapped[list[Indicator]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Indicator.position"
    )
    tasks: Mapped[list[Task]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="Task.position"
    )


class IndicatorCategory(Base):
    __tablename__ = "indicator_category"

    plan_id: Mapped[str] = mapped_column(
        ForeignKey("plan.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="categories")


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    category_code: Mapped[str | None] = mapped_column(String(64))
    binding: Mapped[str | None] = mapped_column(String(16))  # binding | expected | NULL
    unit: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(16))  # higher | lower | reach
    derivation: Mapped[str | None] = mapped_column(String(128))
    source_file: Mapped[str | None] = mapped_column(Text)
    source_quote: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)
    # --- migration 0110: aggregation type (ecoplan.model.aggregation); NULL = default rule ---
    aggregation: Mapped[str | None] = mapped_column(String(16))
    agg_numerator: Mapped[str | None] = mapped_column(String(64))
    agg_denominator: Mapped[str | None] = mapped_column(String(64))
    agg_weight: Mapped[str | None] = mapped_column(String(64))

    plan: Mapped[Plan] = relationship(back_populates="indicators")
    baselines: Mapped[list[Baseline]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Baseline.year"
    )
    targets: Mapped[list[Target]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="Target.year"
    )
    qualitative_targets: Mapped[list[QualitativeTarget]] = relationship(
        back_populates="indicator", cascade="all, delete-orphan", order_by="QualitativeTarget.year"
    )


class Baseline(Base):
    __tablename__ = "baseline"
    __table_args__ = (UniqueConstraint("indicator_id", "region_code", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    source_file: Mapped[str] = mapped_column(Text)
    source_quote: Mapped[str] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="baselines")


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("indicator_id", "region_code", "year", "comparator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    comparator: Mapped[str] = mapped_column(String(2))
    value: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))  # reach | maintain
    source_file: Mapped[str] = mapped_column(Text)
    source_quote: Mapped[str] = mapped_column(Text)
    note_zh: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="targets")


class QualitativeTarget(Base):
    __tablename__ = "qualitative_target"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    indicator_id: Mapped[int] = mapped_column(
        ForeignKey("indicator.id", ondelete="CASCADE"), index=True
    )
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"))
    year: Mapped[int] = mapped_column(Integer)
    text_zh: Mapped[str] = mapped_column(Text)
    source_file: Mapped[str] = mapped_column(Text)
    source_quote: Mapped[str] = mapped_column(Text)

    indicator: Mapped[Indicator] = relationship(back_populates="qualitative_targets")


class Task(Base):
    __tablename__ = "task"
    __table_args__ = (UniqueConstraint("plan_id", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    title_zh: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str | None] = mapped_column(Text)
    parent_code: Mapped[str | None] = mapped_column(String(64))
    lead_departments: Mapped[list[str]] = mapped_column(JSON)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"))
    deadline_year: Mapped[int | None] = mapped_column(Integer)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_quote: Mapped[str | None] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)

    plan: Mapped[Plan] = relationship(back_populates="tasks")


# --- monitoring data (capability 4: ingestion) -------------------------------------------------
# Measurements themselves live in the Parquet warehouse (ecoplan.store.warehouse); the tables
# below hold the registries, the provenance of every import (batches), the rows that were
# refused (quarantine), the audit of changed values (revision), yearly indicator values and
# time-ranged annotations (sand-dust events). See docs/ingest.md.


class ImportBatch(Base):
    """One committed import of one file. Warehouse files carry the batch id in their names.

    ``seq`` increases with every committed batch and orders them (newest wins). Counts:
    ``accepted`` new values written, ``revised`` changed values written, ``duplicates`` values
    already held (not written), ``rejected`` rows quarantined, ``skipped_derived`` derived
    values of the national hourly layout (``*_24h``, ``*_8h``, ``AQI``) not stored.
    """

    __tablename__ = "import_batch"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # air|water|indicators|stations|…
    layout: Mapped[str | None] = mapped_column(String(32))
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16))  # committed
    accepted: Mapped[int] = mapped_column(Integer)
    rejected: Mapped[int] = mapped_column(Integer)
    duplicates: Mapped[int] = mapped_column(Integer)
    revised: Mapped[int] = mapped_column(Integer)
    skipped_derived: Mapped[int] = mapped_column(Integer, default=0)
    missing: Mapped[int] = mapped_column(Integer, default=0)
    imported_by: Mapped[str | None] = mapped_column(String(64))


class Station(Base):
    """An air-quality monitoring station (national 国控, provincial 省控 or micro 微站)."""

    __tablename__ = "station"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16))  # national | provincial | micro
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))


class Section(Base):
    """A surface-water monitoring section (断面) with its GB 3838 target class."""

    __tablename__ = "section"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    water_body: Mapped[str | None] = mapped_column(Text)
    waterbody_type: Mapped[str] = mapped_column(String(8))  # river | lake
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    target_class: Mapped[str | None] = mapped_column(String(4))  # I … V
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))


class Quarantine(Base):
    """A refused row: where it was (file, 1-based line, column), its raw value and why.

    ``key`` is the canonical JSON of the row's identity when it could be parsed (for air
    ``{"pollutant","station","time"}``); a later import that stores a value for that key, or that
    names the row in a ``quarantine_id`` column, marks it resolved.
    """

    __tablename__ = "quarantine"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    file_name: Mapped[str] = mapped_column(Text)
    file_sha256: Mapped[str] = mapped_column(String(64))
    line: Mapped[int | None] = mapped_column(Integer)
    column_name: Mapped[str | None] = mapped_column(Text)
    raw_value: Mapped[str | None] = mapped_column(Text)
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    raw_row: Mapped[str] = mapped_column(Text)  # JSON object
    key: Mapped[str | None] = mapped_column(Text)  # canonical JSON
    resolved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    resolved_by_batch: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))
    replaces_id: Mapped[int | None] = mapped_column(Integer)


class Revision(Base):
    """A stored value replaced by a different one from a later batch (audit of corrections)."""

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    key: Mapped[str] = mapped_column(Text)  # canonical JSON
    old_value: Mapped[float | None] = mapped_column(Float)
    new_value: Mapped[float | None] = mapped_column(Float)
    old_batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))
    new_batch_id: Mapped[str] = mapped_column(ForeignKey("import_batch.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)


class IndicatorValue(Base):
    """A yearly value of a plan indicator for a region: imported, or derived from monitoring.

    ``plan_id`` may be NULL only for derived values; imports always resolve the plan. Databases
    treat NULLs as distinct in the unique constraint, so the code enforces uniqueness there.
    """

    __tablename__ = "indicator_value"
    __table_args__ = (UniqueConstraint("indicator_code", "region_code", "year", "plan_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plan_id: Mapped[str | None] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    indicator_code: Mapped[str] = mapped_column(String(64), index=True)
    region_code: Mapped[str] = mapped_column(ForeignKey("region.code"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(64))
    source_kind: Mapped[str] = mapped_column(String(16))  # imported | derived
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))
    source_note: Mapped[str | None] = mapped_column(Text)


class DustEvent(Base):
    """A sand-dust episode (沙尘) as a time range over a region or one station.

    Local time UTC+8, naive; the range is ``[start_time, end_time)``. Values are never edited:
    evaluations (HJ 663 sand-dust deduction) read these annotations beside them.
    """

    __tablename__ = "dust_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    region_code: Mapped[str | None] = mapped_column(ForeignKey("region.code"), index=True)
    station_code: Mapped[str | None] = mapped_column(ForeignKey("station.code"), index=True)
    start_time: Mapped[datetime] = mapped_column(DateTime)
    end_time: Mapped[datetime] = mapped_column(DateTime)
    source: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("import_batch.id"))


from ecoplan.store import schema_assess as _schema_assess  # noqa: E402,F401  (registers the assessment tables)
from ecoplan.store import schema_auth as _schema_auth  # noqa: E402,F401
from ecoplan.store import schema_forecast as _schema_forecast  # noqa: E402,F401
from ecoplan.store import schema_ledger as _schema_ledger  # noqa: E402,F401
from ecoplan.store import schema_reporting as _schema_reporting  # noqa: E402,F401
from ecoplan.store import schema_schedule as _schema_schedule  # noqa: E402,F401
from ecoplan.store import schema_warn as _schema_warn  # noqa: E402,F401
