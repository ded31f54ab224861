"""Shared fixtures: a real SQLite file and a real PostgreSQL database per test session.

PostgreSQL is reached at ``$ECOPLAN_TEST_PG`` (default
``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``); each test run creates its own
database and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from ecoplan.config import settings
from ecoplan.store.db import Store

PG_ADMIN_URL = os.environ.get(
    "ECOPLAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """URL of a fresh PostgreSQL database, dropped at the end of the session."""
    name = f"ecoplan_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as c:
            c.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE"))
        c.execute(text("CREATE SCHEMA public"))
    eng.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL: a new SQLite file, or the session's PostgreSQL database, emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ecoplan.db'}"
    url = request.getfixturevalue("pg_url")
    _reset_pg(url)
    return url


@pytest.fixture
def store(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """A migrated, empty store on *db_url*."""
    st = Store(settings(home=tmp_path / "home", database_url=db_url))
    st.migrate()
    yield st
    st.dispose()


@pytest.fixture
def cli_env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point the CLI at a fresh home and database."""
    monkeypatch.setenv("ECOPLAN_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("ECOPLAN_DATABASE_URL", db_url)
    return db_url


@pytest.fixture(autouse=True)
def _no_warn_schedule_leak() -> Iterator[None]:
    """``ecoplan serve`` exports ``$ECOPLAN_WARN_EVERY`` for its worker processes; a test that
    calls it must not leave the scheduler switched on for the apps of later tests."""
    before = os.environ.get("ECOPLAN_WARN_EVERY")
    yield
    if before is None:
        os.environ.pop("ECOPLAN_WARN_EVERY", None)
    else:
        os.environ["ECOPLAN_WARN_EVERY"] = before


PlanRow = tuple[str, str, int, float, str]


@pytest.fixture
def load_plan_values(tmp_path: Path) -> Callable[[Store, str, Iterable[PlanRow]], None]:
    """Write a plan YAML text, import it with the regions, and add imported indicator values
    ``(code, region, year, value, unit)`` of that plan."""

    def load(store: Store, plan_yaml: str, rows: Iterable[PlanRow]) -> None:
        from ecoplan.store import schema as s
        from ecoplan.store.plans import import_plan_file, sync_regions

        path = tmp_path / "plan.yaml"
        path.write_text(plan_yaml, encoding="utf-8")
        with store.session() as ses:
            sync_regions(ses)
            plan_id = import_plan_file(ses, path).plan_id
            for code, region, year, value, unit in rows:
                ses.add(
                    s.IndicatorValue(
                        plan_id=plan_id, indicator_code=code, region_code=region, year=year,
                        value=value, unit=unit, source_kind="imported", batch_id=None,
                        source_note=None,
                    )
                )  # fmt: skip

    return load
