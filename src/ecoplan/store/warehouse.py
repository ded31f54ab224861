"""The measurement warehouse: Parquet files under ``Settings.warehouse``, queried with DuckDB.

Layout (one file per import batch and year; the file name is the batch id)::

    <warehouse>/air_hourly/year=2024/<batch_id>.parquet     station, time, pollutant, value, …
    <warehouse>/water_samples/year=2024/<batch_id>.parquet  section, date, item, value, …

Every file has the columns of :data:`SCHEMAS`: the key, ``value``, ``line`` (the line of the
source file the value came from), ``batch_id`` and ``supersedes`` (the batch whose value for the
same key this row replaces, NULL for a new key). Times are local time (UTC+8), naive; an hourly
``time`` is the end of the averaging hour (HJ 663; docs/ingest.md).

**Commit protocol.** An import writes its files first (under a temporary name, then renamed),
then commits one application-DB transaction that records the batch. Readers
(:func:`connect`) only ever open files whose batch id is committed in the application DB, so a
crash at any point leaves what readers see unchanged; :func:`gc` deletes the orphans.

**Effective values.** A key stored by several batches has one effective value: the newest
one. Because an import writes a key again only when its value changed, and then records the
batch it replaces in ``supersedes``, the effective rows are exactly the rows that no committed
row supersedes (an anti-join against the few revised rows, cheap when revisions are rare).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import duckdb
import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy import select

from ecoplan.config import Settings, settings
from ecoplan.store import schema as s
from ecoplan.store.db import Store

AIR: Final = "air_hourly"
WATER: Final = "water_samples"
DATASETS: Final[tuple[str, ...]] = (AIR, WATER)

SCHEMAS: Final[dict[str, pa.Schema]] = {
    AIR: pa.schema(
        [
            ("station", pa.string()),
            ("time", pa.timestamp("us")),
            ("pollutant", pa.string()),
            ("value", pa.float64()),
            ("line", pa.int32()),
            ("batch_id", pa.string()),
            ("supersedes", pa.string()),
        ]
    ),
    WATER: pa.schema(
        [
            ("section", pa.string()),
            ("date", pa.date32()),
            ("item", pa.string()),
            ("value", pa.float64()),
            ("line", pa.int32()),
            ("batch_id", pa.string()),
            ("supersedes", pa.string()),
        ]
    ),
}
KEYS: Final[dict[str, tuple[str, str, str]]] = {
    AIR: ("station", "time", "pollutant"),
    WATER: ("section", "date", "item"),
}
KIND: Final[dict[str, str]] = {AIR: "air", WATER: "water"}
"""Dataset → ``import_batch.kind`` of the batches that write it."""

LOCK_NAME = ".import.lock"


def dataset_dir(cfg: Settings, dataset: str) -> Path:
    return cfg.warehouse / dataset


def dataset_files(cfg: Settings, dataset: str) -> list[Path]:
    """Every final-named Parquet file of *dataset*, committed or not."""
    return sorted(dataset_dir(cfg, dataset).glob("year=*/*.parquet"))


@contextmanager
def import_lock(cfg: Settings) -> Iterator[None]:
    """Serialise imports (and :func:`gc`) on this warehouse with an OS file lock.

    The lock is released by the OS when the process ends, even when it is killed.
    """
    cfg.warehouse.mkdir(parents=True, exist_ok=True)
    with open(cfg.warehouse / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_batch(cfg: Settings, dataset: str, batch_id: str, table: pa.Table) -> list[Path]:
    """Write *table* (columns of ``SCHEMAS[dataset]``) as the batch's files, one per year.

    String columns may come dictionary-encoded (they are stored as strings either way). Each
    file is written under a temporary name, flushed to disk and renamed, so a file with a final
    name is always complete. Returns the final paths.
    """
    fields = []
    for f in SCHEMAS[dataset]:
        t = table.schema.field(f.name).type
        if pa.types.is_dictionary(t) and f.type == pa.string():  # recode the dictionary only
            fields.append(pa.field(f.name, pa.dictionary(t.index_type, pa.string())))
        else:
            fields.append(f)
    table = table.select(SCHEMAS[dataset].names).cast(pa.schema(fields))
    tcol = table.column(KEYS[dataset][1])
    years = np.asarray(pc.year(tcol).to_numpy(), dtype=np.int64) if table.num_rows else np.zeros(0)
    single = years.size > 0 and years.min() == years.max()
    uniq = years[:1] if single else np.unique(years)
    paths: list[Path] = []
    for year in uniq.tolist():
        part = table if single else table.filter(pa.array(years == year))
        folder = dataset_dir(cfg, dataset) / f"year={year:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{batch_id}.parquet.tmp"
        final = folder / f"{batch_id}.parquet"
        with open(tmp, "wb") as fh:
            pq.write_table(part, fh, compression="zstd")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        _fsync_dir(folder)
        paths.append(final)
    return paths


def remove_files(paths: Sequence[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def committed_batches(store: Store) -> pd.DataFrame:
    """The committed batches: ``id, seq, kind, layout, file_name, imported_at, revised``."""
    with store.session() as ses:
        rows = ses.execute(
            select(
                s.ImportBatch.id,
                s.ImportBatch.seq,
                s.ImportBatch.kind,
                s.ImportBatch.layout,
                s.ImportBatch.file_name,
                s.ImportBatch.imported_at,
                s.ImportBatch.revised,
            ).where(s.ImportBatch.status == "committed")
        ).all()
    return pd.DataFrame(
        rows, columns=["id", "seq", "kind", "layout", "file_name", "imported_at", "revised"]
    )


def _sql_list(paths: Sequence[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _empty_select(dataset: str, with_meta: bool) -> str:
    types = {"string": "VARCHAR", "timestamp[us]": "TIMESTAMP", "date32[day]": "DATE"}
    types |= {"double": "DOUBLE", "int32": "INTEGER"}
    fields = list(SCHEMAS[dataset]) if with_meta else list(SCHEMAS[dataset])[:4]
    cols = ", ".join(f"CAST(NULL AS {types[str(f.type)]}) AS {f.name}" for f in fields)
    if with_meta:
        cols += ", CAST(NULL AS INTEGER) AS seq"
    return f"SELECT {cols} WHERE false"


_V, _D, _B, _T, _I = "VARCHAR", "DOUBLE", "BOOLEAN", "TIMESTAMP", "BIGINT"
_TABLES: Final[dict[str, dict[str, str]]] = {
    "import_batch": {
        "id": _V,
        "seq": _I,
        "kind": _V,
        "layout": _V,
        "file_name": _V,
        "imported_at": _T,
        "revised": _I,
    },
    "station": {
        "code": _V,
        "name": _V,
        "region_code": _V,
        "lon": _D,
        "lat": _D,
        "kind": _V,
        "synthetic": _B,
        "source": _V,
    },
    "section": {
        "code": _V,
        "name": _V,
        "water_body": _V,
        "waterbody_type": _V,
        "region_code": _V,
        "target_class": _V,
        "lon": _D,
        "lat": _D,
        "synthetic": _B,
    },
    "dust_event": {
        "id": _I,
        "region_code": _V,
        "station_code": _V,
        "start_time": _T,
        "end_time": _T,
        "source": _V,
        "note": _V,
    },
    "region": {"code": _V, "name_zh": _V, "name_en": _V, "level": _V, "parent_code": _V},
}
"""DuckDB column types of the tables copied from the application DB (typed even when empty)."""


def _load_table(con: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    cols = _TABLES[name]
    con.execute(
        f"CREATE OR REPLACE TABLE {name} ({', '.join(f'{c} {t}' for c, t in cols.items())})"
    )
    if len(df):
        con.register("_load_df", df[list(cols)])
        try:
            con.execute(f"INSERT INTO {name} SELECT * FROM _load_df")
        finally:
            con.unregister("_load_df")


def _install(con: duckdb.DuckDBPyConnection, cfg: Settings, store: Store) -> None:
    batches = committed_batches(store)
    _load_table(con, "import_batch", batches)
    for dataset in DATASETS:
        kind = KIND[dataset]
        mine = batches[batches["kind"] == kind]
        ids = set(mine["id"])
        files = [f for f in dataset_files(cfg, dataset) if f.stem in ids]
        a, b, c = KEYS[dataset]
        if not files:
            con.execute(
                f"CREATE OR REPLACE VIEW {dataset}_versions AS {_empty_select(dataset, True)}"
            )
            con.execute(f"CREATE OR REPLACE VIEW {dataset} AS {_empty_select(dataset, False)}")
            continue
        src = f"read_parquet({_sql_list(files)})"
        con.execute(
            f"CREATE OR REPLACE VIEW {dataset}_versions AS SELECT v.*, b.seq FROM {src} v "
            "JOIN import_batch b ON b.id = v.batch_id"
        )
        if int(mine["revised"].sum()) == 0:
            con.execute(
                f"CREATE OR REPLACE VIEW {dataset} AS SELECT {a}, {b}, {c}, value, batch_id "
                f"FROM {src}"
            )
        else:
            con.execute(
                f"CREATE OR REPLACE VIEW {dataset} AS "
                f"SELECT v.{a}, v.{b}, v.{c}, v.value, v.batch_id FROM {src} v "
                f"ANTI JOIN (SELECT {a}, {b}, {c}, supersedes FROM {src} "
                "WHERE supersedes IS NOT NULL) r "
                f"ON v.{a} = r.{a} AND v.{b} = r.{b} AND v.{c} = r.{c} "
                "AND v.batch_id = r.supersedes"
            )
    _install_registries(con, store)


def _install_registries(con: duckdb.DuckDBPyConnection, store: Store) -> None:
    models = {"station": s.Station, "section": s.Section, "dust_event": s.DustEvent}
    models["region"] = s.Region
    with store.session() as ses:
        for name, model in models.items():
            cols = list(_TABLES[name])
            rows = ses.execute(select(*(getattr(model, c) for c in cols))).all()
            _load_table(con, name, pd.DataFrame(rows, columns=cols))


def connect(
    cfg: Settings | None = None, *, store: Store | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection over the committed warehouse.

    Views: ``air_hourly`` (station, time, pollutant, value, batch_id — effective values) and
    ``air_hourly_versions`` (every committed row with line, supersedes and the batch ``seq``);
    ``water_samples`` (section, date, item, value, batch_id) and ``water_samples_versions``.
    Tables copied from the application DB: ``import_batch``, ``station``, ``section``,
    ``dust_event``, ``region``. The views are a snapshot of the batches committed when the
    connection was made; call :func:`refresh` to see later imports.
    """
    own = store is None
    st = store or Store(cfg or settings())
    try:
        con = duckdb.connect()
        _install(con, st.settings, st)
    finally:
        if own:
            st.dispose()
    return con


def refresh(con: duckdb.DuckDBPyConnection, store: Store) -> None:
    """Rebuild the views and tables of *con* from the batches committed now."""
    _install(con, store.settings, store)


def gc(cfg: Settings | None = None, *, store: Store | None = None) -> list[Path]:
    """Delete files of uncommitted batches (left by a crashed or killed import) and temporary
    files. Holds the import lock, so it never deletes the files of an import in progress.
    Returns the deleted paths."""
    own = store is None
    st = store or Store(cfg or settings())
    try:
        removed: list[Path] = []
        with import_lock(st.settings):
            batches = committed_batches(st)
            for dataset in DATASETS:
                ids = set(batches.loc[batches["kind"] == KIND[dataset], "id"])
                root = dataset_dir(st.settings, dataset)
                orphans = [p for p in dataset_files(st.settings, dataset) if p.stem not in ids]
                orphans += sorted(root.glob("year=*/.*.parquet.tmp"))
                remove_files(orphans)
                removed += orphans
        return removed
    finally:
        if own:
            st.dispose()


def lookup_effective(
    con: duckdb.DuckDBPyConnection, dataset: str, keys: pa.Table
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int32], list[str]]:
    """Effective stored value and batch for each row of *keys* (the dataset's three key
    columns). Returns ``(old_value, old_batch_code, batch_ids)``: NaN / -1 where the key is not
    stored; the batch of row ``i`` is ``batch_ids[old_batch_code[i]]``."""
    a, b, c = KEYS[dataset]
    n = keys.num_rows
    probe = keys.append_column("_i", pa.array(np.arange(n, dtype=np.int64)))
    lo, hi = pc.min_max(keys.column(b)).values()
    con.register("_probe", probe)
    try:
        res = con.sql(
            f"SELECT p._i, e.value, e.batch_id FROM _probe p JOIN {dataset} e "
            f"ON e.{a} = p.{a} AND e.{b} = p.{b} AND e.{c} = p.{c} "
            f"WHERE e.{b} BETWEEN ? AND ?",
            params=[lo.as_py(), hi.as_py()],
        ).to_arrow_table()
    finally:
        con.unregister("_probe")
    old_value = np.full(n, np.nan)
    old_code = np.full(n, -1, dtype=np.int32)
    idx = res.column("_i").to_numpy()
    old_value[idx] = res.column("value").to_numpy()
    enc = res.column("batch_id").combine_chunks().dictionary_encode()
    old_code[idx] = enc.indices.to_numpy(zero_copy_only=False)
    return old_value, old_code, enc.dictionary.to_pylist()
