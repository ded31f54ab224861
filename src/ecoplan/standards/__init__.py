"""Pure functions implementing the national standards (no I/O).

- :mod:`ecoplan.standards.aqi` — HJ 633-2012 / HJ 633-2026 air quality index.
- :mod:`ecoplan.standards.limits` — GB 3095-2012 / GB 3095-2026 concentration limits.
- :mod:`ecoplan.standards.validity` — data validity (GB 3095 Table 4), daily means, O3 MDA8.
- :mod:`ecoplan.standards.airqual` — HJ 663 annual evaluation, percentile, composite index.
- :mod:`ecoplan.standards.water` — GB 3838-2002 surface-water classes.
- :mod:`ecoplan.standards.warning` — heavy-pollution warning grades.
"""
