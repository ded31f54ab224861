"""The common shape of parsed measurement files (air and water) and helpers to build it.

A parser returns ``(frame, meta)``. The frame is long, one row per value that the file holds
(empty cells are not rows; they are counted in ``meta["missing"]``):

==============  ============================================================================
column          meaning
==============  ============================================================================
site            ``station`` (air) / ``section`` (water): categorical code
time            ``time`` (air, hour-end stamp, local UTC+8) / ``date`` (water); NaT if bad
param           ``pollutant`` (air) / ``item`` (water): categorical code; NaN if unknown
value           float64; NaN where the cell is not a number
unit            canonical unit text given in the file, NA when the layout has none (optional)
quarantine_id   the ``quarantine_id`` cell of a corrected row (optional, nullable Int64)
line            1-based line (CSV) / row (XLSX) / record (Parquet) in the file
src_row         row of ``meta["raw"].table`` the value came from
value_col       column index (in the raw table) of the value cell
error           int8 index into :data:`REASON_CODES`, -1 when the row is valid so far
error_col       column index of the cell at fault, -1 when none
==============  ============================================================================

``meta`` holds ``layout``, ``file_name``, ``sha256``, ``raw`` (the :class:`RawTable`),
``fields`` (canonical field → raw column index: the context kept in a quarantined row),
``wide`` (the field a wide layout takes from the value column's header, else ``None``),
``site_col`` (raw column of the site code, ``None`` when it is the header), ``missing``,
``skipped_derived``, ``malformed`` and ``unique_keys`` (true when the layout guarantees no
key occurs twice, which lets the duplicate check be skipped).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from ecoplan.ingest.codes import REASONS
from ecoplan.ingest.tabular import RawTable, to_float

REASON_CODES: tuple[str, ...] = tuple(REASONS)
ERR: dict[str, int] = {c: i for i, c in enumerate(REASON_CODES)}
OK = -1


def set_error(
    error: npt.NDArray[np.int8],
    error_col: npt.NDArray[np.int32],
    mask: npt.NDArray[np.bool_],
    code: str,
    col: int | npt.NDArray[np.int32],
) -> None:
    """Record *code* on the rows of *mask* that have no error yet (first reason wins)."""
    m = mask & (error == OK)
    error[m] = ERR[code]
    error_col[m] = col if isinstance(col, int) else col[m]


def melt_wide(raw: RawTable, rows: npt.NDArray[np.int64], cols: list[int]) -> dict[str, Any]:
    """Wide → long for the value columns *cols* over the raw rows *rows*, vectorised per column.

    Returns arrays over the non-empty cells, column by column (so the result is ordered by
    column, then by file line): ``row`` (raw row), ``col`` (position in *cols*), ``value``,
    ``non_numeric``, and ``missing`` (count of empty cells).
    """
    all_rows = rows.size == raw.num_rows and bool(np.all(rows == np.arange(rows.size)))
    sub = raw.table.select(cols)
    if not all_rows:
        sub = sub.take(pa.array(rows))  # one multi-column gather instead of one per column
    positions: list[npt.NDArray[np.int64]] = []
    values: list[npt.NDArray[np.float64]] = []
    bad_at: list[npt.NDArray[np.int64]] = []
    counts = np.zeros(len(cols), dtype=np.int64)
    offset = 0
    for k in range(len(cols)):
        v, present, bad = to_float(sub.column(k))
        idx = np.flatnonzero(present)
        counts[k] = idx.size
        positions.append(idx)
        values.append(v[idx])
        if bad.any():
            bad_at.append(offset + np.flatnonzero(bad[idx]))
        offset += idx.size
    total = int(counts.sum())
    non_numeric = np.zeros(total, dtype=bool)
    if bad_at:
        non_numeric[np.concatenate(bad_at)] = True
    pos = np.concatenate(positions) if positions else np.zeros(0, np.int64)
    return {
        "row": rows[pos],
        "col": np.repeat(np.arange(len(cols), dtype=np.int32), counts),
        "value": np.concatenate(values) if values else np.zeros(0),
        "non_numeric": non_numeric,
        "missing": int(rows.size * len(cols) - total),
    }


def categorical(codes: npt.NDArray[Any], categories: list[str]) -> pd.Categorical:
    """A categorical from integer codes (-1 = NaN) over unique *categories*."""
    return pd.Categorical.from_codes(codes.astype(np.int32), categories=categories)


def unique_codes(names: list[str]) -> tuple[list[str], npt.NDArray[np.int32]]:
    """Unique names (first-seen order) and, for every name, its position among them."""
    uniq = list(dict.fromkeys(names))
    pos = {n: i for i, n in enumerate(uniq)}
    return uniq, np.array([pos[n] for n in names], dtype=np.int32)
