"""Reading CSV, XLSX and Parquet files into one shape, and vectorised cell parsers.

Every importer starts from a :class:`RawTable`: the file's cells as read (text for CSV and
XLSX, typed columns for Parquet), the header, and for every row the number a person would use
to find it: the physical line of a CSV file (header = line 1, blank lines counted), the row of
the first worksheet of an XLSX file (header = row 1), the 1-based record number of a Parquet
file. Lines that cannot be split into the header's fields are kept aside as *malformed*.

CSV files are read with Apache Arrow's multi-threaded reader as UTF-8 (a BOM is allowed);
files that are not valid UTF-8 are read as GB 18030 (the superset of GBK that Chinese Excel
writes). Quoted fields may contain commas and doubled quotes but not line breaks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from ecoplan.ingest.codes import _fold
from ecoplan.ingest.errors import FileLayoutError

FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".parquet": "parquet"}

_NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


@dataclass
class RawTable:
    """A file's cells as read, before any validation.

    Attributes
    ----------
    table : the data rows; column ``i`` holds the cells under ``header[i]``.
    header : the header cells (stripped), duplicates and empty names kept as they are.
    lines : int64 array, the 1-based line (CSV) / row (XLSX) / record (Parquet) of every row.
    malformed : ``(line, text, message)`` of CSV lines whose field count differs from the header.
    """

    table: pa.Table
    header: list[str]
    lines: npt.NDArray[np.int64]
    file_name: str
    sha256: str
    fmt: str
    malformed: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        return int(self.table.num_rows)

    def cell_text(self, row: int, col: int) -> str | None:
        """The text of one cell (``None`` when empty)."""
        v = self.table.column(col)[row].as_py()
        return None if v is None else cell_str(v)


def cell_str(value: Any) -> str:
    """A typed cell value as text; integral floats without ``.0`` (Excel stores 5 as 5.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def file_format(path: Path) -> str:
    """``csv`` | ``xlsx`` | ``parquet`` from the file suffix."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileLayoutError(
            path.name, f"unsupported file type {path.suffix!r}: use .csv, .xlsx or .parquet"
        )
    return fmt


def read_raw(path: str | Path) -> RawTable:
    """Read *path* (format by suffix) into a :class:`RawTable`."""
    p = Path(path)
    fmt = file_format(p)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FileLayoutError(p.name, f"cannot read the file: {exc}") from exc
    return parse_raw(data, fmt=fmt, file_name=p.name)


def parse_raw(data: bytes, *, fmt: str = "csv", file_name: str = "<buffer>") -> RawTable:
    """Parse the bytes of a CSV, XLSX or Parquet file into a :class:`RawTable`."""
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        return _parse_csv(data, file_name, sha)
    if fmt == "xlsx":
        return _parse_xlsx(data, file_name, sha)
    if fmt == "parquet":
        return _parse_parquet(data, file_name, sha)
    raise FileLayoutError(file_name, f"unknown format {fmt!r}")


# --- CSV ---------------------------------------------------------------------------------------


def _record_lines(data: bytes, n_records: int) -> npt.NDArray[np.int64]:
    """Physical line numbers (1-based) of the first *n_records* non-blank lines."""
    if not data.startswith((b"\n", b"\r\n")) and b"\n\n" not in data and b"\n\r\n" not in data:
        return np.arange(1, n_records + 1, dtype=np.int64)
    arr = np.frombuffer(data, dtype=np.uint8)
    nl = np.flatnonzero(arr == 10)
    starts = np.concatenate(([0], nl + 1))
    ends = np.concatenate((nl, [arr.size]))
    length = ends - starts
    has_cr = (length > 0) & (arr[np.maximum(ends - 1, 0)] == 13)
    length = length - has_cr
    return (np.flatnonzero(length > 0) + 1)[:n_records].astype(np.int64)


def _read_arrow_csv(
    data: bytes, names: list[str], encoding: str, threads: bool
) -> tuple[pa.Table, list[tuple[int | None, str, int, int]]]:
    bad: list[tuple[int | None, str, int, int]] = []

    def handler(row: Any) -> str:
        bad.append((row.number, row.text, row.expected_columns, row.actual_columns))
        return "skip"

    table = pcsv.read_csv(
        pa.py_buffer(data),
        read_options=pcsv.ReadOptions(
            column_names=names, skip_rows=1, encoding=encoding, use_threads=threads
        ),
        parse_options=pcsv.ParseOptions(invalid_row_handler=handler),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
        ),
    )
    return table, bad


def _parse_csv(data: bytes, file_name: str, sha: str) -> RawTable:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        head_text, encoding = first.decode("utf-8"), "utf8"
    except UnicodeDecodeError:
        head_text, encoding = first.decode("gb18030", errors="replace"), "gb18030"
    if not head_text.strip():
        raise FileLayoutError(file_name, "the file is empty or its first line (header) is blank")
    header = [h.strip() for h in next(csv.reader([head_text]))]
    names = [f"c{i}" for i in range(len(header))]
    try:
        try:
            table, bad = _read_arrow_csv(data, names, encoding, True)
        except pa.ArrowInvalid as exc:
            if "UTF8" not in str(exc) or encoding != "utf8":
                raise
            encoding = "gb18030"
            table, bad = _read_arrow_csv(data, names, encoding, True)
        if bad:  # row numbers are only known from a single-threaded read
            table, bad = _read_arrow_csv(data, names, encoding, False)
    except pa.ArrowInvalid as exc:
        raise FileLayoutError(file_name, f"not a readable CSV file: {exc}") from exc
    records = _record_lines(data, 1 + table.num_rows + len(bad))
    bad_idx = {int(b[0]) - 1 for b in bad if b[0] is not None}
    keep = np.ones(records.size, dtype=bool)
    keep[0] = False
    keep[sorted(bad_idx)] = False
    malformed = [
        (
            int(records[int(n) - 1]) if n is not None else -1,
            text,
            f"expected {exp} fields (as the header has), got {act}",
        )
        for n, text, exp, act in bad
    ]
    return RawTable(table, header, records[keep], file_name, sha, "csv", malformed)


# --- XLSX --------------------------------------------------------------------------------------


def _text_column(values: pd.Series) -> pa.Array:
    """Object cells (from openpyxl) as an Arrow string array; empty cells → null."""
    present = values.notna().to_numpy()
    out = np.full(len(values), None, dtype=object)
    out[present] = [cell_str(v) for v in values.to_numpy()[present]]
    return pa.array(out, type=pa.string())


def _parse_xlsx(data: bytes, file_name: str, sha: str) -> RawTable:
    try:
        df = pd.read_excel(io.BytesIO(data), sheet_name=0, header=None, dtype=object)
    except Exception as exc:  # openpyxl raises many types for broken files
        raise FileLayoutError(file_name, f"not a readable XLSX workbook: {exc}") from exc
    filled = df.notna().any(axis=1).to_numpy()
    rows = np.flatnonzero(filled)
    if rows.size == 0:
        raise FileLayoutError(file_name, "the first worksheet is empty")
    head = df.iloc[rows[0]]
    header = ["" if pd.isna(v) else cell_str(v).strip() for v in head.tolist()]
    while header and header[-1] == "":
        header.pop()
    body = df.iloc[rows[1:], : len(header)]
    extra = df.iloc[rows[1:], len(header) :]
    if extra.notna().any(axis=None):
        r = int(rows[1:][extra.notna().any(axis=1).to_numpy()][0]) + 1
        raise FileLayoutError(file_name, f"row {r} has cells to the right of the header")
    table = pa.table(
        [_text_column(body.iloc[:, j]) for j in range(len(header))],
        names=[f"c{i}" for i in range(len(header))],
    )
    return RawTable(table, header, (rows[1:] + 1).astype(np.int64), file_name, sha, "xlsx")


# --- Parquet -----------------------------------------------------------------------------------


def _parse_parquet(data: bytes, file_name: str, sha: str) -> RawTable:
    try:
        t = pq.read_table(pa.BufferReader(data))
    except Exception as exc:
        raise FileLayoutError(file_name, f"not a readable Parquet file: {exc}") from exc
    header = [str(n).strip() for n in t.column_names]
    t = t.rename_columns([f"c{i}" for i in range(len(header))])
    lines = np.arange(1, t.num_rows + 1, dtype=np.int64)
    return RawTable(t, header, lines, file_name, sha, "parquet")


# --- header mapping ----------------------------------------------------------------------------


def resolve_header(
    raw: RawTable,
    spec: Mapping[str, Iterable[str]],
    *,
    required: Iterable[str],
    ignored: Iterable[str] = (),
    layout: str,
) -> dict[str, int]:
    """Map canonical field names to column indices using *spec* (field → aliases).

    A header cell matches a field when its folded text (:func:`~ecoplan.ingest.codes._fold`)
    equals an alias, or when one of its whitespace-separated words does (so the template's
    ``指标代码 indicator_code`` matches). Unknown columns and missing required fields are
    errors (a misspelt column must not be silently dropped); *ignored* aliases are descriptive
    columns that are allowed and not read.
    """
    lookup = {_fold(a): name for name, aliases in spec.items() for a in (name, *aliases)}
    skip = {_fold(a) for a in ignored}
    found: dict[str, int] = {}
    unknown: list[str] = []
    for i, cell in enumerate(raw.header):
        words = [_fold(cell), *(_fold(w) for w in cell.split())]
        name = next((lookup[w] for w in words if w in lookup), None)
        if name is None:
            if any(w in skip for w in words) or (cell == "" and _empty_column(raw, i)):
                continue
            unknown.append(cell or f"<column {i + 1} without a name>")
            continue
        if name in found:
            raise FileLayoutError(
                raw.file_name,
                f"columns {raw.header[found[name]]!r} and {cell!r} both give {name!r}",
            )
        found[name] = i
    missing = [n for n in required if n not in found]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing column(s) {', '.join(missing)}")
        if unknown:
            parts.append(f"unknown column(s) {', '.join(repr(u) for u in unknown)}")
        raise FileLayoutError(
            raw.file_name,
            f"not a {layout} file: {'; '.join(parts)}. Expected columns: "
            + ", ".join(f"{n}{'' if n in set(required) else ' (optional)'}" for n in spec),
        )
    return found


def _empty_column(raw: RawTable, i: int) -> bool:
    return bool(raw.table.column(i).null_count == raw.num_rows)


# --- vectorised cell parsers -------------------------------------------------------------------


def text_series(col: pa.ChunkedArray | pa.Array) -> pd.Series:
    """Cells as stripped text (``str`` dtype); empty cells → NA."""
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = _typed_to_text(col)
    s = pd.Series(pc.utf8_trim_whitespace(col).to_pandas(), dtype="str")
    return s.where(s != "")


def _typed_to_text(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if pa.types.is_floating(col.type):
        col = pc.if_else(pc.is_nan(col), pa.scalar(None, col.type), col)
        integral = pc.fill_null(pc.and_(pc.is_finite(col), pc.equal(col, pc.floor(col))), False)
        as_int = pc.cast(pc.cast(col, pa.int64(), safe=False), pa.string())
        return pc.if_else(integral, as_int, pc.cast(col, pa.string()))
    if pa.types.is_timestamp(col.type):
        return pc.strftime(col, format="%Y-%m-%d %H:%M:%S")
    return pc.cast(col, pa.string())


def to_float(
    col: pa.ChunkedArray | pa.Array,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Parse cells as numbers.

    Returns
    -------
    values : float64, NaN where the cell is empty or not a number.
    present : the cell has content (non-empty after stripping; typed non-null and not NaN).
    non_numeric : the cell has content that is not a decimal number (``12a``, ``1,5``, ``—``,
        the words ``nan``/``inf``). Empty cells are missing values, not errors.
    """
    t = col.type
    if pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        v = np.asarray(_np(pc.cast(col, pa.float64())), dtype=np.float64)
        present = ~np.isnan(v)
        return v, present, np.zeros(v.size, dtype=bool)
    if not (pa.types.is_string(t) or pa.types.is_large_string(t)):
        n = len(col)
        valid = np.asarray(_np(pc.is_valid(col)), dtype=bool)
        return np.full(n, np.nan), valid, valid.copy()
    try:
        v = np.asarray(_np(pc.cast(col, pa.float64())), dtype=np.float64)
        present = np.asarray(_np(pc.is_valid(col)), dtype=bool)
        non_numeric = present & ~np.isfinite(v)  # the words nan / inf
        v = np.where(non_numeric, np.nan, v)
        return v, present, non_numeric
    except pa.ArrowInvalid:
        pass
    trimmed = pc.utf8_trim_whitespace(col)
    empty = pc.fill_null(pc.equal(trimmed, ""), True)
    ok = pc.fill_null(pc.match_substring_regex(trimmed, _NUMBER), False)
    v = np.asarray(
        _np(pc.cast(pc.if_else(ok, trimmed, pa.scalar(None, pa.string())), pa.float64())),
        dtype=np.float64,
    )
    present = ~np.asarray(_np(empty), dtype=bool)
    return v, present, present & ~np.asarray(_np(ok), dtype=bool)


def _np(arr: Any) -> npt.NDArray[Any]:
    if isinstance(arr, pa.ChunkedArray):
        return arr.to_numpy()
    return arr.to_numpy(zero_copy_only=False)


_TZ = re.compile(r"(?:Z|[+-]\d{2}:?\d{2})$")


def parse_hour_times(text: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Parse hour-end timestamps (local time, UTC+8; HJ 663 labels an hour by its end).

    Accepted: ISO 8601 ``YYYY-MM-DD HH:MM[:SS]`` (``T`` or space, ``/`` for ``-``), compact
    ``YYYYMMDDHH``; a UTC offset (``Z``, ``+08:00``, ``+0000``) is converted to UTC+8 and then
    dropped. Returns the naive times (NaT where unparseable) and a mask of times that are not on
    the full hour (minutes or seconds other than 0).
    """
    s = text.str.replace("/", "-", regex=False)
    s = s.str.replace(r"^(\d{4})(\d{2})(\d{2})(\d{2})$", r"\1-\2-\3 \4:00", regex=True)
    s = s.str.replace(r"^(\d{4}-\d{1,2}-\d{1,2})[ T](\d{1,2})$", r"\1 \2:00", regex=True)
    aware = s.str.contains(_TZ, na=False).to_numpy()
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[us]")
    if (~aware).any():
        out[~aware] = pd.to_datetime(s[~aware], format="ISO8601", errors="coerce").astype(
            "datetime64[us]"
        )
    if aware.any():
        t = pd.to_datetime(s[aware], format="ISO8601", errors="coerce", utc=True)
        out[aware] = (t.dt.tz_localize(None) + pd.Timedelta(hours=8)).astype("datetime64[us]")
    off_hour = (out.notna() & (out.dt.floor("h") != out)).to_numpy()
    return out, off_hour


def parse_dates(text: pd.Series) -> pd.Series:
    """Parse calendar dates: ``YYYY-MM-DD``, ``YYYY/MM/DD``, ``YYYYMMDD``, ``YYYY-MM-DD 00:00:00``
    (Excel date cells). A time of day other than midnight is allowed and dropped (the date is
    the key). NaT where unparseable or impossible (2024-02-30)."""
    s = text.str.replace("/", "-", regex=False)
    s = s.str.replace(r"^(\d{4})(\d{2})(\d{2})(\.0+)?$", r"\1-\2-\3", regex=True)
    t = pd.to_datetime(s, format="ISO8601", errors="coerce")
    return t.dt.floor("D").astype("datetime64[us]")


def parse_yyyymmdd(text: pd.Series) -> pd.Series:
    """``YYYYMMDD`` dates of the national hourly CSV (``.0`` of an Excel number allowed)."""
    s = text.str.replace(r"\.0+$", "", regex=True)
    ok = s.str.fullmatch(r"\d{8}", na=False)
    t = pd.to_datetime(s.where(ok), format="%Y%m%d", errors="coerce")
    return t.astype("datetime64[us]")


def parse_int(
    text: pd.Series, low: int, high: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """Integers in ``[low, high]`` (``5`` or ``5.0``); returns values (0 where bad) and a mask."""
    s = text.str.replace(r"\.0+$", "", regex=True)
    ok = s.str.fullmatch(r"[-+]?\d{1,9}", na=False).to_numpy(dtype=bool, copy=True)
    v = np.zeros(len(s), dtype=np.int64)
    if ok.any():
        v[ok] = s[ok].astype("int64").to_numpy()
    ok &= (v >= low) & (v <= high)
    return np.where(ok, v, 0), ok
