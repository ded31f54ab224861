"""Fixtures of the evaluation report tests (inputs in report_inputs.py)."""

from __future__ import annotations

from typing import Any

import pytest
from report_inputs import GENERATED, YEAR, make_air, make_plan, make_ranking, make_rows

from ecoplan.report.evaluation import ReportModel, build_report_model


@pytest.fixture(scope="session")
def air() -> list[dict[str, Any]]:
    return make_air()


@pytest.fixture(scope="session")
def model(air: list[dict[str, Any]]) -> ReportModel:
    return build_report_model(
        make_plan(),
        YEAR,
        make_rows(),
        make_ranking(),
        air,
        generated_at=GENERATED,
        synthetic=True,
    )
