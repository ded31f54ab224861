"""Fuzzing the whole OpenAPI surface with schemathesis (issue 13 item 4): every operation,
called as an administrator with boundary values (schemathesis' coverage cases) and a few
generated examples each (valid and invalid parameters and bodies), must never answer 5xx.
Bounded — :data:`COVERAGE_CASES` boundary cases and :data:`EXAMPLES` generated examples per
operation, on one SQLite store — so the module stays well under a minute."""

from __future__ import annotations

import random
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from argon2 import PasswordHasher
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from sqlalchemy import select

from ecoplan.api.app import create_app
from ecoplan.config import settings as eco_settings
from ecoplan.store import ledger as ledger_svc
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import import_plan_file, sync_regions
from ecoplan.store.schema_auth import ApiToken, User
from ecoplan.store.users import create_token, create_user

SMALL = Path(__file__).parents[1] / "data" / "small_plan.yaml"
EXAMPLES = 3
COVERAGE_CASES = 12
CHEAP = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


class Fuzzed:
    """The store under fuzz and a bearer token of its administrator (re-issued if a fuzzed
    ``DELETE /api/tokens/{id}`` or password change revoked it)."""

    def __init__(self, store: Store):
        self.store = store
        self.token = ""

    def headers(self) -> dict[str, str]:
        with self.store.session() as s:
            live = s.scalar(
                select(ApiToken.id).where(
                    ApiToken.token_hash == users_mod.token_hash(self.token),
                    ApiToken.revoked.is_(False),
                )
            )
            if live is None:
                admin = s.scalars(select(User).where(User.username == "admin")).one()
                admin.active = True
                self.token, _ = create_token(s, Actor.system("(fuzz)"), admin, "fuzz")
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, Fuzzed]]:
    mp = pytest.MonkeyPatch()
    mp.setattr(users_mod, "_hasher", CHEAP)
    home = tmp_path_factory.mktemp("fuzz")
    store = Store(eco_settings(home=home, database_url=f"sqlite:///{home / 'fuzz.db'}"))
    store.migrate()
    sys = Actor.system("(fuzz)")
    with store.session() as s:
        sync_regions(s)
        import_plan_file(s, SMALL, origin="embedded")
        create_user(s, sys, username="admin", password="fuzz password 1", role="admin")
        create_user(
            s,
            sys,
            username="editor",
            password="fuzz password 1",
            role="editor",
            region_code="150200",
        )
        ledger_svc.create_item(
            s,
            ledger_svc.Caller.system("(fuzz)"),
            {"kind": "complaint", "code": "XF-1", "title": "噪声", "region_code": "150102"},
        )
    app = create_app(store=store, secret_key="fuzz-secret-" * 4)
    yield app, Fuzzed(store)
    store.dispose()
    mp.undo()


def _operations(app: FastAPI) -> tuple[Any, list[Any]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) > 50  # the whole surface, not an empty document
    return schema, operations


def _failure(case: Any, response: Any) -> str:
    return (
        f"{case.operation.label}: {response.status_code} for path {case.path_parameters} "
        f"query {case.query} body {str(case.body)[:200]}: {response.text[:300]}"
    )


def test_boundary_values_never_answer_5xx(fuzzed: tuple[FastAPI, Fuzzed]) -> None:
    """schemathesis' coverage cases — each parameter at its minimum and maximum, one past
    them, wrong types, missing required values — for every operation (a fixed sample of at
    most :data:`COVERAGE_CASES` each)."""
    app, f = fuzzed
    schema, operations = _operations(app)
    rng = random.Random(13)
    failures: list[str] = []
    calls = 0
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for op in operations:
            cases = list(
                schema.iter_coverage_cases(
                    op,
                    generation_modes=modes,
                    generation_config=schema.config.generation_for(operation=op),
                )
            )
            if len(cases) > COVERAGE_CASES:
                cases = rng.sample(cases, COVERAGE_CASES)
            for case in cases:
                response = case.call(headers=f.headers())
                calls += 1
                if response.status_code >= 500:
                    failures.append(_failure(case, response))
    assert calls > 500
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_never_answer_5xx(
    fuzzed: tuple[FastAPI, Fuzzed], mode: GenerationMode
) -> None:
    """Every operation, :data:`EXAMPLES` generated calls each — valid data (``POSITIVE``) and
    data that breaks the schema (``NEGATIVE``) — answers below 500."""
    app, f = fuzzed
    _, operations = _operations(app)
    failures: list[str] = []
    tried = 0
    for op in operations:

        @given(case=op.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers=f.headers())
            if response.status_code >= 500:
                failures.append(_failure(case, response))

        try:
            run()
        except Unsatisfiable:  # nothing to break: an operation without parameters or body
            assert mode is GenerationMode.NEGATIVE, op.label
            continue
        tried += 1
    assert tried > 30
    assert not failures, "\n".join(failures)
