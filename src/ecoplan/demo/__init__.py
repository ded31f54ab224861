"""Synthetic demonstration data (演示数据, 合成) — never real measurements (``docs/demo.md``).

- :mod:`ecoplan.demo.stations` — demo stations at the 12 league/city seats.
- :mod:`ecoplan.demo.air` — hourly air data, dust processes, calibration to the plans.
- :mod:`ecoplan.demo.water` — sections on the plans' rivers and lakes, monthly samples.
- :mod:`ecoplan.demo.indicators` — yearly values of the plans' non-monitoring indicators.
- :mod:`ecoplan.demo.run` — :func:`generate_demo` (files) and :func:`load_demo` (import).
"""

from __future__ import annotations

from ecoplan.demo.run import DEFAULT_SEED, DemoFiles, generate_demo, load_demo
from ecoplan.demo.stations import DemoDataError

__all__ = ["DEFAULT_SEED", "DemoDataError", "DemoFiles", "generate_demo", "load_demo"]
