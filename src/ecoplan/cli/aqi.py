"""CLI commands for aqi (filled in by the standards work)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Register this module's commands on *app*."""
