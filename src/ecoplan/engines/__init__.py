"""Compute engines for the heavy warehouse steps: DuckDB on one machine (the default) and
Apache Spark for a cluster (``docs/scale.md``).

An engine does only the data-parallel part: the unit-hourly aggregation and the water means
(one SQL text shared by both engines, :mod:`ecoplan.engines.sql`), and running a per-group
function — always the one implementation in :mod:`ecoplan.standards` reached through
:mod:`ecoplan.assess` — on every unit (``applyInPandas`` on Spark). The engine in use is chosen
with ``ECOPLAN_ENGINE=duckdb|spark`` or ``--engine``; callers set it for a block with
:func:`use`, and :mod:`ecoplan.assess` asks :func:`active`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final

from ecoplan.engines.base import Engine, EngineUnavailableError
from ecoplan.store.db import Store

ENGINES: Final = ("duckdb", "spark")
ENV: Final = "ECOPLAN_ENGINE"
INSTALL_HINT: Final = "pip install -e '.[spark]'"

_current: ContextVar[Engine | None] = ContextVar("ecoplan_engine", default=None)

__all__ = ["ENGINES", "ENV", "INSTALL_HINT", "Engine", "EngineUnavailableError"]


def active() -> Engine | None:
    """The engine set by :func:`use` in this context; ``None`` means DuckDB on the connection
    the caller holds."""
    return _current.get()


@contextmanager
def use(engine: Engine | None) -> Iterator[Engine | None]:
    """Run the block with *engine* as the :func:`active` engine."""
    token = _current.set(engine)
    try:
        yield engine
    finally:
        _current.reset(token)


def engine_name(name: str | None = None) -> str:
    """*name*, else ``$ECOPLAN_ENGINE``, else ``duckdb``; checked against :data:`ENGINES`."""
    chosen = (name or os.environ.get(ENV) or "duckdb").strip().lower()
    if chosen not in ENGINES:
        raise EngineUnavailableError(
            f"unknown engine {chosen!r}: choose one of {', '.join(ENGINES)} (--engine or {ENV})"
        )
    return chosen


def open_engine(name: str | None, store: Store) -> Engine | None:
    """The engine called *name* over *store*'s warehouse; ``None`` for DuckDB (the callers'
    own connection is the DuckDB engine). Raises :class:`EngineUnavailableError` with the
    install command when PySpark is missing."""
    if engine_name(name) == "duckdb":
        return None
    try:
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise EngineUnavailableError(
            f"the Spark engine needs PySpark, which is not installed: {INSTALL_HINT} "
            "(Java 17 or later must be on PATH)"
        ) from exc
    from ecoplan.engines.spark_engine import SparkEngine

    return SparkEngine(store)
