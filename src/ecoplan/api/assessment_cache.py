"""Assessment results for the web, computed once per data version and kept in memory.

:func:`ecoplan.assess.run.run_assessment` with derivations from the warehouse takes from a
tenth of a second to seconds (the 141-indicator Hohhot plan ≈ 1.4 s on the demo); the overview
and the indicator pages must answer in milliseconds. So results are cached per

    (plan, year, region, data version)

where the **data version** (:class:`DataVersion`) is the latest committed ``import_batch.seq``
— every import of measurements, indicator values, registries or sand-dust events commits a
batch, so any import changes it — and the plan's ``file_sha256`` (replacing the plan file
changes it). Reading the version costs two indexed one-row queries per request; a request
that finds a different version recomputes, so a command-line import into a running server
shows at the next request, and the web's own imports additionally call :func:`invalidate`.

Computing is done once: a lock per key makes 20 concurrent first requests wait for the one
computation (and :data:`MAX_PARALLEL` bounds how many different keys compute at the same
time, each with its own in-memory DuckDB connection over the warehouse). Results are not
persisted with :func:`~ecoplan.assess.run.store_run`: stored runs are what the plan-progress
warnings compare (``ecoplan.warn.indicators.latest_runs``), and a cache must not add runs to
that history. A restarted server recomputes on the first request.

What the version does not see: ``ecoplan/data/assessment.yaml`` edited while the server runs
(restart it), and derived values cached with ``ecoplan assess --save`` (the web always derives
afresh from the warehouse, so it never reads them).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ecoplan.assess.run import AssessmentResult, run_assessment
from ecoplan.store import schema as s
from ecoplan.store import warehouse
from ecoplan.store.db import Store

T = TypeVar("T")

#: How many different (plan, year, region) results may be computed at the same time.
MAX_PARALLEL = 2
#: Results kept per store (least recently used dropped first).
MAX_ENTRIES = 128


@dataclass(frozen=True)
class DataVersion:
    """What an assessment result depends on: the import batches and the plan file."""

    batch_seq: int  # latest committed import_batch.seq (0: nothing imported)
    plan_sha256: str  # plan.file_sha256

    @property
    def tag(self) -> str:
        """Short text form, e.g. ``17-3fa4c2b9e01d`` (shown in API answers and file names)."""
        return f"{self.batch_seq}-{self.plan_sha256[:12]}"


def _latest_seq() -> Any:
    return (
        select(func.max(s.ImportBatch.seq))
        .where(s.ImportBatch.status == "committed")
        .scalar_subquery()
    )


def latest_batch_seq(session: Session) -> int:
    """The ``seq`` of the latest committed import batch (0 when none)."""
    return int(session.scalar(select(_latest_seq())) or 0)


def data_version(session: Session, plan_id: str) -> DataVersion | None:
    """The :class:`DataVersion` of *plan_id* now (one query); ``None`` when there is no such
    plan."""
    row = session.execute(
        select(s.Plan.file_sha256, _latest_seq()).where(s.Plan.id == plan_id)
    ).first()
    if row is None:
        return None
    return DataVersion(int(row[1] or 0), str(row[0]))


def warehouse_years(store: Store) -> set[int]:
    """Years with committed measurement files in the warehouse (air and water)."""
    with store.session() as ses:
        committed = set(
            ses.scalars(
                select(s.ImportBatch.id).where(
                    s.ImportBatch.kind.in_(tuple(warehouse.KIND.values())),
                    s.ImportBatch.status == "committed",
                )
            )
        )
    years: set[int] = set()
    for dataset in warehouse.DATASETS:
        for f in warehouse.dataset_files(store.settings, dataset):
            if f.stem in committed and f.parent.name.startswith("year="):
                years.add(int(f.parent.name.removeprefix("year=")))
    return years


def indicator_value_years(session: Session, plan_id: str) -> set[int]:
    """Years with a stored value (imported or derived) of one of *plan_id*'s indicators."""
    codes = select(s.Indicator.code).where(s.Indicator.plan_id == plan_id)
    iv = s.IndicatorValue
    q = (
        select(iv.year)
        .where(
            iv.indicator_code.in_(codes),
            or_(iv.plan_id == plan_id, iv.plan_id.is_(None)),
        )
        .distinct()
    )
    return {int(y) for y in session.scalars(q)}


@dataclass(frozen=True)
class CachedAssessment:
    """One cached result and how it was obtained.

    ``views`` holds what the web derives from the result once (rows as dicts and as JSON
    text, …) through :meth:`view`; the result is never modified.
    """

    result: AssessmentResult
    version: DataVersion
    computed_at: float  # time.time()
    seconds: float  # computation time
    views: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def view(self, name: str, build: Callable[[AssessmentResult], T]) -> T:
        """``build(result)``, computed on first use and kept with the result (a race computes
        it twice, harmlessly: *build* must be pure)."""
        try:
            value: T = self.views[name]
        except KeyError:
            value = self.views[name] = build(self.result)
        return value


Key = tuple[str, int, str | None]


class AssessmentCache:
    """Assessment results of one store (see the module docstring)."""

    def __init__(self, store: Store, *, max_entries: int = MAX_ENTRIES):
        self.store = store
        self.max_entries = max_entries
        self._entries: OrderedDict[Key, CachedAssessment] = OrderedDict()
        self._years: dict[tuple[str, DataVersion], int | None] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[Key, threading.Lock] = {}
        self._parallel = threading.BoundedSemaphore(MAX_PARALLEL)
        self.computations = 0  # how many results were computed (tests, benchmarks)

    # -- versions ---------------------------------------------------------------------------

    def version(self, plan_id: str) -> DataVersion | None:
        with self.store.session() as ses:
            return data_version(ses, plan_id)

    # -- results ----------------------------------------------------------------------------

    def peek(self, plan_id: str, year: int, region: str | None = None) -> CachedAssessment | None:
        """The cached result if it is current, without computing."""
        version = self.version(plan_id)
        with self._lock:
            entry = self._entries.get((plan_id, year, region))
        return entry if entry is not None and entry.version == version else None

    def get(
        self,
        plan_id: str,
        year: int,
        region: str | None = None,
        *,
        version: DataVersion | None = None,
    ) -> CachedAssessment:
        """The result of *plan_id* × *year* (× *region*) for the current data version (or
        for *version*, read by the caller in this request).

        Raises :class:`~ecoplan.assess.run.AssessmentError` (a ``ValueError``) for an unknown
        plan, a region outside the plan or a year out of range.
        """
        key: Key = (plan_id, year, region)
        if version is None:
            version = self.version(plan_id)
        entry = self._current(key, version)
        if entry is not None:
            return entry
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:  # the first caller computes; the others wait here, then find it
            version = self.version(plan_id)
            entry = self._current(key, version)
            if entry is not None:
                return entry
            with self._parallel:
                t0 = time.perf_counter()
                result = self._compute(plan_id, year, region)
                seconds = time.perf_counter() - t0
            if version is None:  # the plan was created while we computed: label it now
                version = self.version(plan_id)
                assert version is not None
            entry = CachedAssessment(result, version, time.time(), seconds)
            with self._lock:
                self._entries[key] = entry
                self._entries.move_to_end(key)
                while len(self._entries) > self.max_entries:
                    old, _ = self._entries.popitem(last=False)
                    self._key_locks.pop(old, None)
                self.computations += 1
            return entry

    def _current(self, key: Key, version: DataVersion | None) -> CachedAssessment | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.version == version:
                self._entries.move_to_end(key)
                return entry
        return None

    def _compute(self, plan_id: str, year: int, region: str | None) -> AssessmentResult:
        con = warehouse.connect(store=self.store)
        try:
            with self.store.session() as ses:
                return run_assessment(ses, plan_id, year, region=region, con=con)
        finally:
            con.close()

    # -- years ------------------------------------------------------------------------------

    def latest_year(self, plan_id: str, *, version: DataVersion | None = None) -> int | None:
        """The latest year with data for *plan_id*: stored indicator values of its indicators
        and, when it has indicators derived from monitoring, warehouse years; never after this
        calendar year. ``None`` when there is none (cached per data version)."""
        if version is None:
            version = self.version(plan_id)
        if version is None:
            return None
        key = (plan_id, version)
        with self._lock:
            if key in self._years:
                return self._years[key]
        with self.store.session() as ses:
            years = indicator_value_years(ses, plan_id)
            has_derivations = bool(
                ses.scalar(
                    select(func.count())
                    .select_from(s.Indicator)
                    .where(s.Indicator.plan_id == plan_id, s.Indicator.derivation.is_not(None))
                )
            )
        if has_derivations:
            years |= warehouse_years(self.store)
        this_year = date.today().year
        latest = max((y for y in years if y <= this_year), default=None)
        with self._lock:
            if len(self._years) > self.max_entries:
                self._years.clear()
            self._years[key] = latest
        return latest

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._years.clear()
            self._key_locks.clear()


_caches: weakref.WeakKeyDictionary[Store, AssessmentCache] = weakref.WeakKeyDictionary()
_caches_lock = threading.Lock()


def cache_for(store: Store) -> AssessmentCache:
    """The :class:`AssessmentCache` of *store* (one per store, created on first use)."""
    with _caches_lock:
        cache = _caches.get(store)
        if cache is None:
            cache = _caches[store] = AssessmentCache(store)
        return cache


def invalidate(store: Store) -> None:
    """Forget every cached result of *store* (the version check makes this optional; the
    web's own imports call it so that memory is freed at once)."""
    with _caches_lock:
        cache = _caches.get(store)
    if cache is not None:
        cache.clear()
