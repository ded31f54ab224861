"""One function per kind of file: read, validate, store. Each returns an
:class:`~ecoplan.ingest.result.ImportResult`; a file that cannot be read at all raises
:class:`~ecoplan.ingest.errors.FileLayoutError` and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ecoplan.ingest import dust, indicators, registry
from ecoplan.ingest.air import parse_air
from ecoplan.ingest.measurements import AIR, WATER, import_measurements
from ecoplan.ingest.records import import_records
from ecoplan.ingest.result import ImportResult, Progress
from ecoplan.ingest.tabular import RawTable, read_raw
from ecoplan.ingest.water import parse_water
from ecoplan.store import monitoring
from ecoplan.store.db import Store


def _read(path: str | Path, progress: Progress | None) -> RawTable:
    if progress:
        progress("read")
    return read_raw(path)


def import_air(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import an hourly air file (national ``date,hour,type,<stations>`` or long
    ``station,time,pollutant,value[,unit]``; CSV/XLSX/Parquet)."""
    frame, meta = parse_air(_read(path, progress))
    return import_measurements(store, AIR, frame, meta, user=user, progress=progress)


def import_water(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import water-section samples (wide ``section,date,<items>`` or long
    ``section,date,item,value[,unit]``)."""
    frame, meta = parse_water(_read(path, progress))
    return import_measurements(store, WATER, frame, meta, user=user, progress=progress)


def import_indicators(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import yearly indicator values (``indicator_code,region_code,year,value[,unit,plan_id,
    note]``, Chinese headers accepted)."""
    raw = _read(path, progress)
    with store.session() as ses:
        catalog = monitoring.indicator_catalog(ses)
        regions = monitoring.region_codes(ses)
        history = monitoring.indicator_values_frame(ses)
    frame, meta = indicators.parse_indicators(raw, catalog, regions, history=history)
    return import_records(
        store,
        indicators.RECORD_SPEC,
        frame,
        meta,
        indicators.indicator_message,
        user=user,
        progress=progress,
    )


def _import_registry(
    kind: str, store: Store, path: str | Path, user: str | None, progress: Progress | None
) -> ImportResult:
    raw = _read(path, progress)
    with store.session() as ses:
        regions = monitoring.region_codes(ses)
    frame, meta = registry.parse_registry(raw, kind, regions)
    spec = registry.record_spec(kind, meta["present"])
    return import_records(
        store, spec, frame, meta, registry.registry_message, user=user, progress=progress
    )


def import_stations(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import or update the station registry (``code,name,region_code,longitude,latitude,
    kind``)."""
    return _import_registry("stations", store, path, user, progress)


def import_sections(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import or update the section registry (``code,name,water_body,waterbody_type,
    region_code,target_class``)."""
    return _import_registry("sections", store, path, user, progress)


def import_dust(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import sand-dust events (``region_code,start,end[,station_code,note]``)."""
    raw = _read(path, progress)
    with store.session() as ses:
        regions = monitoring.region_codes(ses)
        stations = monitoring.station_codes(ses)
    frame, meta = dust.parse_dust(raw, regions, stations)
    return import_records(
        store, dust.RECORD_SPEC, frame, meta, dust.dust_message, user=user, progress=progress
    )


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "air": import_air,
    "water": import_water,
    "indicators": import_indicators,
    "stations": import_stations,
    "sections": import_sections,
    "dust": import_dust,
}
"""Kind (as in ``import_batch.kind`` and ``quarantine.kind``) → importer."""
