"""Shared helpers of the command line: opening the store, printing, errors."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import typer
from rich.console import Console

from ecoplan.store.db import Store, is_current

console = Console()
err_console = Console(stderr=True)


def open_store(*, init: bool = True) -> Store:
    """The configured store, migrated to the current schema (and seeded when new)."""
    store = Store()
    if init and not is_current(store.engine):
        initialise(store)
    return store


def initialise(store: Store) -> dict[str, Any]:
    """Create or migrate the schema, then load the shipped regions and plans."""
    from ecoplan.store.plans import load_embedded_plans, sync_regions

    store.migrate()
    with store.session() as s:
        n_regions = sync_regions(s)
        results = load_embedded_plans(s)
    return {"regions_written": n_regions, "plans": results}


def print_json(data: Any) -> None:
    """JSON to stdout, UTF-8, Chinese unescaped (for pipes and other programs)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[bold red]错误 Error:[/] {message}", highlight=False)
    raise typer.Exit(code)
