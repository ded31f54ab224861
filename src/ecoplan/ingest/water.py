"""Surface-water section samples (GB 3838-2002 items): a wide and a long layout.

Wide layout (one row per section and sampling date; item columns by code or Chinese name)::

    section,date,pH,DO,CODMn,COD,NH3N,TP,…        or   断面编码,采样日期,pH值,溶解氧,高锰酸盐指数,…
    HH-01,2024-01-15,7.8,9.1,3.2,14,0.21,0.05,…

Long layout::

    section,date,item,value[,unit][,quarantine_id]
    HH-01,2024-01-15,NH3N,0.21,mg/L

Units (GB 3838-2002 Table 1): mg/L, pH dimensionless, faecal coliforms 个/L. Values written
with a detection-limit marker (``0.01L``, ``<0.01``, ``ND``) are not numbers here: they are
quarantined as ``non_numeric`` so that an official decides the value to hold (docs/ingest.md).
Optional descriptive columns (section name, water body, note) are allowed and not read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ecoplan.ingest.codes import WATER_ITEM_LOOKUP, WATER_ITEMS, _fold, canonical_unit
from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.frames import OK, categorical, melt_wide, set_error
from ecoplan.ingest.tabular import (
    RawTable,
    parse_dates,
    parse_int,
    parse_raw,
    read_raw,
    resolve_header,
    text_series,
    to_float,
)

ITEMS: list[str] = list(WATER_ITEMS)

KEY_SPEC: dict[str, tuple[str, ...]] = {
    "section": ("section_code", "断面编码", "断面代码", "断面编号", "断面"),
    "date": ("sample_date", "采样日期", "监测日期", "日期", "采样时间", "监测时间"),
}
LONG_SPEC: dict[str, tuple[str, ...]] = {
    **KEY_SPEC,
    "item": ("监测项目", "项目", "指标"),
    "value": ("数值", "浓度", "监测值", "值"),
    "unit": ("单位",),
    "quarantine_id": ("隔离编号",),
}
IGNORED = (
    "name",
    "section_name",
    "断面名称",
    "water_body",
    "河流",
    "水体",
    "所属水体",
    "所属河流",
    "note",
    "备注",
    "reason",
    "原因",
)


def _is_long(raw: RawTable) -> bool:
    folded = {_fold(h) for h in raw.header}
    return bool(folded & {"item", "监测项目", "项目", "指标"}) and bool(
        folded & {"value", "数值", "浓度", "监测值", "值"}
    )


def parse_water(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse a :class:`RawTable` in either water layout (long when it has item and value
    columns)."""
    return _long(raw) if _is_long(raw) else _wide(raw)


def read_water(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a water-sample file (CSV/XLSX/Parquet, wide or long) → ``(frame, meta)``."""
    return parse_water(read_raw(path))


def parse_water_buffer(
    buffer: bytes, *, fmt: str = "csv", file_name: str = "<buffer>"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse the bytes of a water-sample file → ``(frame, meta)``."""
    return parse_water(parse_raw(buffer, fmt=fmt, file_name=file_name))


def _keys(raw: RawTable, cols: dict[str, int]) -> tuple[pd.Series, pd.Series]:
    section = text_series(raw.table.column(cols["section"]))
    dates = parse_dates(text_series(raw.table.column(cols["date"])))
    return section, dates


def _wide(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    item_cols: dict[int, str] = {}
    for i, h in enumerate(raw.header):
        code = WATER_ITEM_LOOKUP.get(_fold(h))
        if code is not None:
            item_cols[i] = code
    try:
        cols = resolve_header(
            _drop_items(raw, item_cols),
            KEY_SPEC,
            required=("section", "date"),
            ignored=IGNORED,
            layout="water-sample",
        )
    except FileLayoutError as exc:
        raise FileLayoutError(
            raw.file_name,
            exc.message
            + ". Item columns are GB 3838 codes or Chinese names: "
            + ", ".join(f"{c} {WATER_ITEMS[c].name_zh}" for c in ITEMS),
        ) from exc
    if not item_cols:
        raise FileLayoutError(raw.file_name, "no item columns (pH, DO, COD, NH3N, 氨氮 …)")
    n = raw.num_rows
    section, dates = _keys(raw, cols)
    row_err = np.full(n, OK, dtype=np.int8)
    row_err_col = np.full(n, -1, dtype=np.int32)
    set_error(row_err, row_err_col, section.isna().to_numpy(), "missing_field", cols["section"])
    set_error(row_err, row_err_col, dates.isna().to_numpy(), "bad_date", cols["date"])

    vcols = list(item_cols)
    long = melt_wide(raw, np.arange(n, dtype=np.int64), vcols)
    r, k = long["row"], long["col"]
    item_pos = np.array([ITEMS.index(item_cols[c]) for c in vcols], dtype=np.int32)
    col_idx = np.asarray(vcols, dtype=np.int32)
    error, error_col = row_err[r], row_err_col[r]
    set_error(error, error_col, long["non_numeric"], "non_numeric", col_idx[k])
    sec_codes, sec_names = pd.factorize(section.iloc[r], use_na_sentinel=True)
    frame = pd.DataFrame(
        {
            "section": categorical(sec_codes, [str(x) for x in sec_names]),
            "date": dates.to_numpy(dtype="datetime64[us]")[r],
            "item": categorical(item_pos[k], ITEMS),
            "value": long["value"],
            "line": raw.lines[r].astype(np.uint32),
            "src_row": r,
            "value_col": col_idx[k].astype(np.int16),
            "error": error,
            "error_col": error_col,
        }
    )
    meta = {
        "layout": "water_wide",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": dict(cols),
        "wide": "item",
        "site_col": cols["section"],
        "missing": long["missing"],
        "skipped_derived": 0,
        "malformed": raw.malformed,
        "unique_keys": False,
        "item_columns": {raw.header[c]: code for c, code in item_cols.items()},
    }
    return frame, meta


def _drop_items(raw: RawTable, item_cols: dict[int, str]) -> RawTable:
    """The same table with the item columns' headers blanked and their cells hidden, so the
    header check only sees the key and descriptive columns."""
    t = raw.table
    arrays = [
        pa.nulls(t.num_rows, pa.string()) if i in item_cols else t.column(i)
        for i in range(t.num_columns)
    ]
    return RawTable(
        pa.table(arrays, names=t.column_names),
        ["" if i in item_cols else h for i, h in enumerate(raw.header)],
        raw.lines,
        raw.file_name,
        raw.sha256,
        raw.fmt,
        raw.malformed,
    )


def _long(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    cols = resolve_header(
        raw,
        LONG_SPEC,
        required=("section", "date", "item", "value"),
        ignored=IGNORED,
        layout="water-sample (long layout section,date,item,value[,unit])",
    )
    n = raw.num_rows
    t = raw.table
    section, dates = _keys(raw, cols)
    item_t = text_series(t.column(cols["item"]))
    item_code = item_t.map(lambda x: WATER_ITEM_LOOKUP.get(_fold(x)), na_action="ignore")
    item_pos = item_code.map({c: i for i, c in enumerate(ITEMS)}).fillna(-1).to_numpy(np.int32)
    values, present, non_numeric = to_float(t.column(cols["value"]))
    rows = np.flatnonzero(present).astype(np.int64)

    error = np.full(n, OK, dtype=np.int8)
    error_col = np.full(n, -1, dtype=np.int32)
    set_error(error, error_col, section.isna().to_numpy(), "missing_field", cols["section"])
    set_error(error, error_col, dates.isna().to_numpy(), "bad_date", cols["date"])
    set_error(error, error_col, item_pos < 0, "unknown_item", cols["item"])
    set_error(error, error_col, non_numeric, "non_numeric", cols["value"])
    sec_codes, sec_names = pd.factorize(section.iloc[rows], use_na_sentinel=True)
    data: dict[str, Any] = {
        "section": categorical(sec_codes, [str(x) for x in sec_names]),
        "date": dates.to_numpy(dtype="datetime64[us]")[rows],
        "item": categorical(item_pos[rows], ITEMS),
        "value": values[rows],
    }
    if "unit" in cols:
        unit_t = text_series(t.column(cols["unit"]))
        data["unit"] = unit_t.map(canonical_unit, na_action="ignore").to_numpy(dtype=object)[rows]
    if "quarantine_id" in cols:
        q, q_ok = parse_int(text_series(t.column(cols["quarantine_id"])).fillna(""), 1, 2**31)
        qa = pd.array(q[rows], dtype="Int64")
        qa[~q_ok[rows]] = pd.NA
        data["quarantine_id"] = qa
    data |= {
        "line": raw.lines[rows].astype(np.uint32),
        "src_row": rows,
        "value_col": np.full(rows.size, cols["value"], dtype=np.int16),
        "error": error[rows],
        "error_col": error_col[rows],
    }
    meta = {
        "layout": "water_long",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
        "wide": None,
        "site_col": cols["section"],
        "param_col": cols["item"],
        "unit_col": cols.get("unit"),
        "missing": int((~present).sum()),
        "skipped_derived": 0,
        "malformed": raw.malformed,
        "unique_keys": False,
    }
    return pd.DataFrame(data), meta
