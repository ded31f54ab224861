"""``--engine duckdb|spark`` (or ``ECOPLAN_ENGINE``) for the commands that run the warehouse
computations on an engine (:mod:`ecoplan.engines`, docs/scale.md)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.markup import escape

from ecoplan import engines
from ecoplan.cli.common import fail
from ecoplan.store.db import Store

ENGINE_HELP = (
    "计算引擎 compute engine: duckdb (this machine, default) or spark (PySpark: local, "
    "spark-submit or a Spark Connect server; install with pip install -e '.[spark]'; "
    "docs/scale.md). Default: $ECOPLAN_ENGINE, else duckdb"
)


def engine_option() -> Any:
    """The ``--engine`` option (Typer), defaulting to ``$ECOPLAN_ENGINE``."""
    return typer.Option(None, "--engine", envvar=engines.ENV, help=ENGINE_HELP)


@contextmanager
def engine_context(name: str | None, store: Store) -> Iterator[engines.Engine | None]:
    """Open the engine called *name* over *store* and make it the active one for the block;
    exit with the install command when PySpark is missing."""
    try:
        eng = engines.open_engine(name, store)
    except engines.EngineUnavailableError as exc:
        fail(escape(str(exc)))  # the message holds '[spark]', not markup
    try:
        with engines.use(eng):
            yield eng
    finally:
        if eng is not None:
            eng.close()
