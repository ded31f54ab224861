"""Importers and validators of monitoring data → store (docs/ingest.md).

Readers in the pvlib ``iotools`` style — ``read_<layout>(path)`` / ``parse_<layout>(buffer)``
return ``(frame, meta)`` (frame columns: :mod:`ecoplan.ingest.frames`) — and importers
``import_<kind>(store, path)`` that validate, quarantine and store, returning an
:class:`ImportResult`.
"""

from __future__ import annotations

from ecoplan.ingest.air import (
    parse_air_long,
    parse_national_hourly,
    read_air,
    read_air_long,
    read_national_hourly,
)
from ecoplan.ingest.dust import read_dust
from ecoplan.ingest.errors import FileLayoutError, IngestError
from ecoplan.ingest.importers import (
    IMPORTERS,
    import_air,
    import_dust,
    import_indicators,
    import_sections,
    import_stations,
    import_water,
)
from ecoplan.ingest.indicators import read_indicators
from ecoplan.ingest.registry import read_sections, read_stations
from ecoplan.ingest.result import ImportResult
from ecoplan.ingest.water import parse_water_buffer, read_water

__all__ = [
    "IMPORTERS",
    "FileLayoutError",
    "ImportResult",
    "IngestError",
    "import_air",
    "import_dust",
    "import_indicators",
    "import_sections",
    "import_stations",
    "import_water",
    "parse_air_long",
    "parse_national_hourly",
    "parse_water_buffer",
    "read_air",
    "read_air_long",
    "read_dust",
    "read_indicators",
    "read_national_hourly",
    "read_sections",
    "read_stations",
    "read_water",
]
