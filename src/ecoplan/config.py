"""Where ecoplan keeps its data: ``ECOPLAN_HOME`` and ``ECOPLAN_DATABASE_URL``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    """Resolved locations. ``home`` holds the SQLite file and the Parquet warehouse."""

    home: Path
    database_url: str

    @property
    def warehouse(self) -> Path:
        return self.home / "warehouse"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def settings(home: str | Path | None = None, database_url: str | None = None) -> Settings:
    """Settings from arguments, else the environment, else ``./ecoplan-data`` and SQLite there."""
    h = Path(home or os.environ.get("ECOPLAN_HOME") or "ecoplan-data").resolve()
    url = database_url or os.environ.get("ECOPLAN_DATABASE_URL") or f"sqlite:///{h / 'ecoplan.db'}"
    return Settings(home=h, database_url=url)
