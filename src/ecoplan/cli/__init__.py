"""Command line (Typer + Rich): ``ecoplan --help``.

Each sub-module registers its commands on the one :data:`app`.
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="ecoplan",
    help="内蒙古生态环境保护规划实施监测评估预警系统 — ecoplan: plans, monitoring data, "
    "national-standard computations (AQI, HJ 663, GB 3838), assessment and warnings. "
    "Data lives in $ECOPLAN_HOME (default ./ecoplan-data); $ECOPLAN_DATABASE_URL selects "
    "PostgreSQL instead of the SQLite file.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

from ecoplan.cli import (  # noqa: E402
    admin,
    allocation,
    aqi,
    assess,
    demo,
    evaluate,
    forecast,
    ingest,
    ledger,
    plans,
    regions,
    report,
    review,
    serve,
    users,
    warn,
    water,
)

for _module in (
    admin, plans, regions, aqi, water, evaluate, ingest, assess, report, demo, users, serve, warn,
    ledger, forecast,
    allocation, review,
):  # fmt: skip
    _module.register(app)
