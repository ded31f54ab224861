"""Pure functions implementing the national standards (no I/O).

- :mod:`ecoplan.standards.aqi` — HJ 633-2012 / HJ 633-2026 air quality index.
- :mod:`ecoplan.standards.limits` — GB 3095-2012 / GB 3095-2026 concentration limits.
- :mod:`ecoplan.standards.airqual` — data validity (GB 3095) and evaluation (HJ 663).
- :mod:`ecoplan.standards.water` — GB 3838-2002 surface-water classes.
- :mod:`ecoplan.standards.warning` — heavy-pollution warning grades.
"""
