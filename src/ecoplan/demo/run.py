"""Generate the whole synthetic demo data set into files, and load it through the importers.

:func:`generate_demo` writes, into one directory (file names all ``demo-synthetic-*``):

==========================================  ==================================================
``demo-synthetic-stations.csv``             station registry (``synthetic`` = true)
``demo-synthetic-sections.csv``             water-section registry (``synthetic`` = true)
``demo-synthetic-air-<year>.csv``           national hourly layout, one file per year
``demo-synthetic-dust.csv``                 sand-dust processes per league/city
``demo-synthetic-water.csv``                monthly section samples (wide layout)
``demo-synthetic-indicators.csv``           yearly indicator values (note 演示数据（合成）)
``demo-synthetic-manifest.json``            seed, range, files, calibration, injected faults
==========================================  ==================================================

:func:`load_demo` imports them with the public importers of :mod:`ecoplan.ingest`
(registries first, then air, water, dust, indicators); the importers deduplicate, so loading
twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ecoplan.demo.air import (
    POLLUTANTS,
    Anomaly,
    CityCalibration,
    DustEvent,
    generate_air_year,
    write_dust_csv,
    write_national_hourly_csv,
)
from ecoplan.demo.indicators import generate_indicator_values, write_indicators_csv
from ecoplan.demo.stations import (
    DemoDataError,
    DemoStation,
    demo_stations,
    write_stations_csv,
)
from ecoplan.demo.water import SECTIONS, generate_samples, write_samples_csv, write_sections_csv

__all__ = [
    "DEFAULT_END",
    "DEFAULT_SEED",
    "DEFAULT_START",
    "QUICK_END",
    "QUICK_START",
    "DemoFiles",
    "LoadedFile",
    "default_anomalies",
    "generate_demo",
    "load_demo",
    "prepare_store",
]

#: The default seed: the data set shipped as "the demo" (any seed gives a calibrated set).
DEFAULT_SEED = 150000
DEFAULT_START = dt.date(2015, 1, 1)
#: Default end of the hourly data (both AQI editions: HJ 633-2026 applies from 2026-03-01).
DEFAULT_END = dt.date(2026, 11, 22)
#: ``ecoplan demo --quick``: three years only.
QUICK_START = dt.date(2019, 1, 1)
QUICK_END = dt.date(2021, 12, 31)
#: Length in days of the injected data-quality faults, which end on the demo's last day.
FAULT_DAYS = 10

PREFIX = "demo-synthetic"
SOURCE = "ecoplan demo 演示数据（合成，非真实监测数据）"

StepCallback = Callable[[str, int, int], None]
"""``(what, done, total)`` — called as generation advances (the CLI shows a progress bar)."""


@dataclass
class DemoFiles:
    """The files of one generated demo data set, in import order."""

    out_dir: Path
    seed: int
    start: dt.date
    end: dt.date
    stations: Path
    sections: Path
    air: list[Path]
    dust: Path
    water: Path
    indicators: Path
    manifest: Path
    calibration: list[CityCalibration] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    n_stations: int = 0
    n_sections: int = 0
    n_dust_events: int = 0
    n_indicator_values: int = 0
    seconds: float = 0.0

    def import_order(self) -> list[tuple[str, Path]]:
        """``(kind, path)`` in the order they must be imported (registries first)."""
        return [
            ("stations", self.stations),
            ("sections", self.sections),
            *(("air", p) for p in self.air),
            ("water", self.water),
            ("dust", self.dust),
            ("indicators", self.indicators),
        ]

    def calibration_for(self, city: str, year: int) -> CityCalibration | None:
        return next(
            (c for c in self.calibration if c.targets.city == city and c.targets.year == year),
            None,
        )


def default_anomalies(stations: Sequence[DemoStation], end: dt.date) -> list[Anomaly]:
    """The injected data-quality faults: in the last :data:`FAULT_DAYS` days up to *end*
    (so that warnings evaluated as of *end* see them), 包头 station 3 flat-lines on every
    pollutant, 鄂尔多斯 station 2 on PM2.5 only, and 乌海 station 2 is silent (stations absent
    from *stations* are skipped)."""
    first = end - dt.timedelta(days=FAULT_DAYS - 1)
    # hour-end stamps: the natural days first … end are the stamps first 01:00 … end+1 00:00
    t0 = np.datetime64(first, "h") + np.timedelta64(1, "h")
    t1 = np.datetime64(end, "h") + np.timedelta64(24, "h")
    codes = {s.code for s in stations}
    wanted = [
        Anomaly("D150203", "flatline", t0, t1),
        Anomaly("D150602", "flatline", t0, t1, ("PM2.5",)),
        Anomaly("D150302", "silent", t0, t1),
    ]
    return [a for a in wanted if a.station in codes]


def _as_date(x: dt.date | str | int, *, end: bool) -> dt.date:
    if isinstance(x, dt.date):
        return x
    s = str(x).strip()
    if s.isdigit() and len(s) == 4:
        return dt.date(int(s), 12, 31) if end else dt.date(int(s), 1, 1)
    try:
        return dt.date.fromisoformat(s)
    except ValueError:
        raise DemoDataError(f"not a year or an ISO date (YYYY-MM-DD): {x!r}") from None


def generate_demo(
    out_dir: str | Path,
    seed: int = DEFAULT_SEED,
    start: dt.date | str | int = DEFAULT_START,
    end: dt.date | str | int = DEFAULT_END,
    stations_per_city: int | dict[str, int] | None = None,
    *,
    cities: Sequence[str] | None = None,
    anomalies: bool = True,
    on_step: StepCallback | None = None,
) -> DemoFiles:
    """Generate the synthetic demo data set into *out_dir* (created if needed).

    Parameters
    ----------
    out_dir : directory for the ``demo-synthetic-*`` files (existing ones are overwritten).
    seed : random seed; the same seed and arguments give byte-identical files.
    start, end : first and last day of the hourly and monthly data (dates, ISO strings or
        years); indicator values cover 2020 … ``end.year``.
    stations_per_city : national stations per league/city (1–9, or per-city mapping);
        default 3–5 (``stations.DEFAULT_STATIONS_PER_CITY``).
    cities : leagues/cities to generate air data for (default all 12).
    anomalies : inject the flat-lining/silent stations of :func:`default_anomalies`.
    on_step : progress callback ``(what, done, total)``.

    Raises
    ------
    DemoDataError
        For an empty or reversed range, a range before 2015 or unknown cities.
    """
    t_start = time.perf_counter()
    d0, d1 = _as_date(start, end=False), _as_date(end, end=True)
    if d1 < d0:
        raise DemoDataError(f"the range is empty: {d0} .. {d1}")
    if d0.year < 2015:
        raise DemoDataError(f"the demo data start in 2015 (the plans' base year), not {d0}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    step = on_step or (lambda _w, _d, _t: None)
    stations = demo_stations(
        seed, cities=list(cities) if cities else None, stations_per_city=stations_per_city
    )
    faults = default_anomalies(stations, d1) if anomalies else []
    years = list(range(d0.year, d1.year + 1))
    total = len(years) + 4
    n = 0
    step("站点与断面 registries", n, total)
    flag = {"synthetic": "true", "source": SOURCE}
    st_path = write_stations_csv(stations, out / f"{PREFIX}-stations.csv", flag)
    sec_path = write_sections_csv(SECTIONS, out / f"{PREFIX}-sections.csv", flag)
    n += 1
    air_paths: list[Path] = []
    calibration: list[CityCalibration] = []
    dust: list[DustEvent] = []
    applied: list[Anomaly] = []
    for y in years:  # one file per year
        step(f"小时空气数据 air {y}", n, total)
        ay = generate_air_year(
            seed,
            y,
            stations,
            start=max(d0, dt.date(y, 1, 1)),
            end=min(d1, dt.date(y, 12, 31)),
            anomalies=faults,
        )
        air_paths.append(write_national_hourly_csv(ay, out / f"{PREFIX}-air-{y}.csv"))
        calibration.extend(ay.calibration.values())
        dust.extend(ay.dust)
        applied.extend(ay.anomalies)
        n += 1
    step("沙尘 dust", n, total)
    dust_path = write_dust_csv(dust, out / f"{PREFIX}-dust.csv")
    n += 1
    step("水质 water", n, total)
    samples = generate_samples(seed, d0, d1)
    water_path = write_samples_csv(samples, out / f"{PREFIX}-water.csv")
    n += 1
    step("指标 indicators", n, total)
    ind_years = range(2020, d1.year + 1)
    values = generate_indicator_values(seed, ind_years)
    ind_path = write_indicators_csv(values, out / f"{PREFIX}-indicators.csv")
    n += 1
    files = DemoFiles(
        out_dir=out,
        seed=seed,
        start=d0,
        end=d1,
        stations=st_path,
        sections=sec_path,
        air=air_paths,
        dust=dust_path,
        water=water_path,
        indicators=ind_path,
        manifest=out / f"{PREFIX}-manifest.json",
        calibration=calibration,
        anomalies=applied,
        n_stations=len(stations),
        n_sections=len(SECTIONS),
        n_dust_events=len(dust),
        n_indicator_values=len(values),
    )
    files.seconds = time.perf_counter() - t_start
    _write_manifest(files, stations)
    step("完成 done", total, total)
    return files


def _write_manifest(files: DemoFiles, stations: list[DemoStation]) -> None:
    data: dict[str, Any] = {
        "synthetic": True,
        "note_zh": "本目录全部为演示用合成数据，不是真实监测数据。",
        "note_en": "Everything in this directory is synthetic demo data, not real measurements.",
        "seed": files.seed,
        "start": files.start.isoformat(),
        "end": files.end.isoformat(),
        "pollutants": list(POLLUTANTS),
        "files": [{"kind": k, "file": p.name} for k, p in files.import_order()],
        "stations": len(stations),
        "cities": sorted({s.city_code for s in stations}),
        "sections": files.n_sections,
        "dust_events": files.n_dust_events,
        "indicator_values": files.n_indicator_values,
        "anomalies": [
            {
                "station": a.station,
                "kind": a.kind,
                "pollutants": list(a.pollutants),
                "start": str(a.start),
                "end": str(a.end),
                "description_zh": a.describe(),
            }
            for a in files.anomalies
        ],
        "calibration": [
            {
                "city": c.targets.city,
                "year": c.targets.year,
                "target_pm25": round(c.targets.pm25, 2),
                "pm25": round(c.pm25, 2),
                "target_good_ratio": round(c.targets.good_ratio, 2),
                "good_days": c.good_days,
                "valid_days": c.valid_days,
                "good_ratio": round(c.good_ratio, 2),
                "gamma": round(c.gamma, 4),
                "n_episodes": c.n_episodes,
                "episode_strength": round(c.episode_strength, 4),
            }
            for c in files.calibration
        ],
    }
    files.manifest.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


# --------------------------------------------------------------------------------------------
# loading
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedFile:
    """The import result of one demo file."""

    kind: str
    path: Path
    result: Any  # ecoplan.ingest.ImportResult
    seconds: float


def prepare_store(store: Any) -> None:
    """Migrate the store if needed and load the shipped regions and embedded plans when they
    are missing (the registries and indicator values refer to them).  Plans already held are
    left alone (replacing a plan would drop its indicator values)."""
    from sqlalchemy import select

    from ecoplan.model.planfile import read_plan
    from ecoplan.store import schema
    from ecoplan.store.db import is_current
    from ecoplan.store.plans import embedded_plan_files, import_plan_file, sync_regions

    if not is_current(store.engine):
        store.migrate()
    with store.session() as s:
        if s.scalar(select(schema.Region.code).limit(1)) is None:
            sync_regions(s)
        held = set(s.scalars(select(schema.Plan.id)))
        for path in embedded_plan_files():  # four plan files
            if read_plan(path).id not in held:
                import_plan_file(s, path, origin="embedded", replace=True)


def load_demo(
    store: Any,
    files: DemoFiles,
    *,
    user: str | None = "demo",
    console: Any = None,
    show_progress: bool = True,
    on_file: Callable[[LoadedFile], None] | None = None,
) -> list[LoadedFile]:
    """Import *files* into *store* (``ecoplan.store.db.Store``) with the public importers of
    :mod:`ecoplan.ingest`: stations, sections, the air files year by year, water samples,
    dust events, indicator values.

    A Rich progress bar is drawn on *console* (default: standard error) when it is a terminal
    and *show_progress* is true.  Idempotent: importing the same files again stores nothing
    new (every result then has ``unchanged`` true).
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ecoplan.ingest import IMPORTERS

    con = console if console is not None else Console(stderr=True)
    prepare_store(store)
    order = files.import_order()
    done: list[LoadedFile] = []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=con,
        disable=not (show_progress and con.is_terminal),
    ) as bar:
        task = bar.add_task("导入演示数据 importing the demo data", total=len(order))
        for kind, path in order:  # a few dozen files
            bar.update(task, description=f"导入 import {kind} {path.name}")
            t0 = time.perf_counter()
            res = IMPORTERS[kind](store, path, user=user)
            item = LoadedFile(kind, path, res, time.perf_counter() - t0)
            done.append(item)
            if on_file is not None:
                on_file(item)
            bar.advance(task)
        bar.update(task, description="导入完成 import done")
    return done
