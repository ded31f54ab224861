"""Early warnings (capability 7, docs/warnings.md): heavy-pollution warnings from city AQI
forecasts, water sections worse than their target class or in 劣Ⅴ, binding indicators turning at
risk / off track, and monitoring data quality (silent and flat-lining stations).

Rules are data (``ecoplan/data/warning_rules.yaml``, :mod:`ecoplan.model.warning_rules`);
:func:`run_warnings` evaluates them and applies the state machine (start, upgrade, downgrade,
lift; nothing fires twice); :func:`deliver` sends the queued notifications.
"""

from __future__ import annotations

from ecoplan.warn.engine import (
    RunSummary,
    WarningRunError,
    resolve_rules,
    rules_path,
    run_warnings,
    select_kinds,
)
from ecoplan.warn.outbox import DeliveryReport, deliver
from ecoplan.warn.queries import WarningQueryError, get_warning, list_forecasts, list_warnings

__all__ = [
    "DeliveryReport",
    "RunSummary",
    "WarningQueryError",
    "WarningRunError",
    "deliver",
    "get_warning",
    "list_forecasts",
    "list_warnings",
    "resolve_rules",
    "rules_path",
    "run_warnings",
    "select_kinds",
]
