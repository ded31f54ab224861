"""Hourly air-quality files: the national hourly CSV layout and a long layout.

National layout (the layout of the national real-time release, one file per day or longer)::

    date,hour,type,1001A,1002A,…
    20240101,0,AQI,55,61,…
    20240101,0,PM2.5,38,42,…

``date`` is ``YYYYMMDD``, ``hour`` 0–23 (the hour ENDING at ``hour``:00, local time UTC+8, HJ 663),
``type`` one of ``AQI, PM2.5, PM2.5_24h, PM10, PM10_24h, SO2, SO2_24h, NO2, NO2_24h, O3, O3_24h,
O3_8h, O3_8h_24h, CO, CO_24h``; the other columns are station codes. Empty cells are missing
values. Only the six 1-h types are measurements; the ``*_24h``, ``*_8h`` and ``AQI`` rows are
derived from them and are counted (``skipped_derived``), not stored.

Long layout::

    station,time,pollutant,value[,unit][,quarantine_id]
    1001A,2024-01-01 05:00,PM2.5,38,µg/m³

``time`` is the hour-end stamp (``YYYY-MM-DD HH:MM``; see :func:`~ecoplan.ingest.tabular.
parse_hour_times`), ``pollutant`` a code or Chinese name (PM2.5 / 细颗粒物 …), ``unit``
optional (µg/m³; CO mg/m³). Units: HJ 633-2012 Table 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ecoplan.ingest.codes import (
    NATIONAL_DERIVED_TYPES,
    NATIONAL_MEASURED_TYPES,
    POLLUTANT_LOOKUP,
    POLLUTANTS,
    _fold,
    canonical_unit,
)
from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.frames import OK, categorical, melt_wide, set_error, unique_codes
from ecoplan.ingest.tabular import (
    RawTable,
    parse_hour_times,
    parse_int,
    parse_raw,
    parse_yyyymmdd,
    read_raw,
    resolve_header,
    text_series,
    to_float,
)

LONG_SPEC: dict[str, tuple[str, ...]] = {
    "station": ("station_code", "站点编码", "站点代码", "监测点编码", "点位编码", "站点"),
    "time": ("datetime", "时间", "监测时间", "日期时间"),
    "pollutant": ("污染物", "监测项目", "项目"),
    "value": ("数值", "浓度", "监测值", "值"),
    "unit": ("单位",),
    "quarantine_id": ("隔离编号",),
}
LONG_IGNORED = ("reason", "原因", "note", "备注", "name", "station_name", "站点名称")

_TYPE_LOOKUP = {t.lower(): t for t in (*NATIONAL_MEASURED_TYPES, *NATIONAL_DERIVED_TYPES)}


def _is_national(raw: RawTable) -> bool:
    return [_fold(h) for h in raw.header[:3]] == ["date", "hour", "type"]


def parse_air(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse a :class:`RawTable` in either air layout (chosen by the header)."""
    if _is_national(raw):
        return _national(raw)
    return _long(raw)


def read_air(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read an air file (CSV/XLSX/Parquet; national or long layout) → ``(frame, meta)``."""
    return parse_air(read_raw(path))


def read_national_hourly(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a file in the national hourly layout → ``(frame, meta)`` (see
    :mod:`ecoplan.ingest.frames` for the frame's columns)."""
    raw = read_raw(path)
    if not _is_national(raw):
        raise FileLayoutError(raw.file_name, "not the national layout (date,hour,type,…)")
    return _national(raw)


def parse_national_hourly(
    buffer: bytes, *, fmt: str = "csv", file_name: str = "<buffer>"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse the bytes of a national-layout file → ``(frame, meta)``."""
    raw = parse_raw(buffer, fmt=fmt, file_name=file_name)
    if not _is_national(raw):
        raise FileLayoutError(file_name, "not the national layout (date,hour,type,…)")
    return _national(raw)


def read_air_long(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a file in the long air layout → ``(frame, meta)``."""
    return _long(read_raw(path))


def parse_air_long(
    buffer: bytes, *, fmt: str = "csv", file_name: str = "<buffer>"
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse the bytes of a long-layout air file → ``(frame, meta)``."""
    return _long(parse_raw(buffer, fmt=fmt, file_name=file_name))


def _national(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    n = raw.num_rows
    station_cols: list[int] = []
    for i in range(3, len(raw.header)):
        if raw.header[i] == "":
            if raw.table.column(i).null_count != n:
                raise FileLayoutError(
                    raw.file_name, f"column {i + 1} has values but no station code in the header"
                )
            continue
        station_cols.append(i)
    if not station_cols:
        raise FileLayoutError(raw.file_name, "no station columns after date,hour,type")

    # line-level fields: parsed once per line, broadcast to the line's values
    date_t = text_series(raw.table.column(0))
    hour_t = text_series(raw.table.column(1))
    type_t = text_series(raw.table.column(2))
    dates = parse_yyyymmdd(date_t)
    hours, hour_ok = parse_int(hour_t, 0, 23)
    times = (dates + pd.to_timedelta(hours, unit="h")).to_numpy(dtype="datetime64[us]", copy=True)
    times[~hour_ok] = np.datetime64("NaT")
    canon = type_t.str.lower().map(_TYPE_LOOKUP)
    derived = canon.isin(list(NATIONAL_DERIVED_TYPES)).to_numpy()
    pol_pos = {p: i for i, p in enumerate(POLLUTANTS)}
    pol_code = canon.map(pol_pos).fillna(-1).to_numpy(dtype=np.int32)

    line_err = np.full(n, OK, dtype=np.int8)
    line_err_col = np.full(n, -1, dtype=np.int32)
    set_error(line_err, line_err_col, dates.isna().to_numpy(), "bad_date", 0)
    set_error(line_err, line_err_col, ~hour_ok, "bad_hour", 1)
    set_error(line_err, line_err_col, pol_code < 0, "unknown_pollutant", 2)

    skipped = 0
    if derived.any():
        d_rows = np.flatnonzero(derived)
        for c in station_cols:
            skipped += int(pc.sum(pc.is_valid(raw.table.column(c).take(d_rows))).as_py() or 0)
    rows = np.flatnonzero(~derived).astype(np.int64)
    long = melt_wide(raw, rows, station_cols)
    r, k = long["row"], long["col"]
    names, name_pos = unique_codes([raw.header[c] for c in station_cols])
    col_idx = np.asarray(station_cols, dtype=np.int32)

    error = line_err[r]
    error_col = line_err_col[r]
    set_error(error, error_col, long["non_numeric"], "non_numeric", col_idx[k])
    frame = pd.DataFrame(
        {
            "station": categorical(name_pos[k], names),
            "time": times[r],
            "pollutant": categorical(pol_code[r], list(POLLUTANTS)),
            "value": long["value"],
            "line": raw.lines[r].astype(np.uint32),
            "src_row": r,
            "value_col": col_idx[k].astype(np.int16),
            "error": error,
            "error_col": error_col,
        }
    )
    line_keys = pd.DataFrame({"t": times[rows], "p": pol_code[rows]})
    unique = len(names) == len(station_cols) and not line_keys.duplicated().any()
    meta = {
        "layout": "national_hourly",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {"date": 0, "hour": 1, "type": 2},
        "wide": "station",
        "site_col": None,
        "missing": long["missing"],
        "skipped_derived": skipped,
        "malformed": raw.malformed,
        "unique_keys": bool(unique),
        "stations": names,
    }
    return frame, meta


def _long(raw: RawTable) -> tuple[pd.DataFrame, dict[str, Any]]:
    cols = resolve_header(
        raw,
        LONG_SPEC,
        required=("station", "time", "pollutant", "value"),
        ignored=LONG_IGNORED,
        layout="air (long layout station,time,pollutant,value[,unit] or national "
        "layout date,hour,type,<stations>)",
    )
    n = raw.num_rows
    t = raw.table
    station_t = text_series(t.column(cols["station"]))
    times, off_hour = parse_hour_times(text_series(t.column(cols["time"])))
    pol_t = text_series(t.column(cols["pollutant"]))
    pol_canon = pol_t.str.lower().map(POLLUTANT_LOOKUP)
    derived = (
        pol_canon.isna() & pol_t.str.lower().map(_TYPE_LOOKUP).isin(list(NATIONAL_DERIVED_TYPES))
    ).to_numpy()
    pol_code = pol_canon.map({p: i for i, p in enumerate(POLLUTANTS)}).fillna(-1)
    pol_code_arr = pol_code.to_numpy(dtype=np.int32)
    values, present, non_numeric = to_float(t.column(cols["value"]))

    keep = present & ~derived
    skipped = int((present & derived).sum())
    missing = int((~present).sum())
    rows = np.flatnonzero(keep).astype(np.int64)

    error = np.full(n, OK, dtype=np.int8)
    error_col = np.full(n, -1, dtype=np.int32)
    set_error(error, error_col, station_t.isna().to_numpy(), "missing_field", cols["station"])
    set_error(error, error_col, times.isna().to_numpy() | off_hour, "bad_time", cols["time"])
    set_error(error, error_col, pol_code_arr < 0, "unknown_pollutant", cols["pollutant"])
    set_error(error, error_col, non_numeric, "non_numeric", cols["value"])

    st_codes, st_names = pd.factorize(station_t.iloc[rows], use_na_sentinel=True)
    data: dict[str, Any] = {
        "station": categorical(st_codes, [str(x) for x in st_names]),
        "time": times.to_numpy(dtype="datetime64[us]")[rows],
        "pollutant": categorical(pol_code_arr[rows], list(POLLUTANTS)),
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
    frame = pd.DataFrame(data)
    meta = {
        "layout": "air_long",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
        "wide": None,
        "site_col": cols["station"],
        "param_col": cols["pollutant"],
        "unit_col": cols.get("unit"),
        "missing": missing,
        "skipped_derived": skipped,
        "malformed": raw.malformed,
        "unique_keys": False,
    }
    return frame, meta
