"""Sand-dust events (沙尘过程) as time-ranged annotations: they never edit measurements.

Layout::

    region_code,start,end[,station_code][,note][,source]
    150100,2023-03-21 08:00,2023-03-23 20:00,,沙尘暴过程
    150200,2023-04-10,2023-04-11,,扬沙

Times are local time (UTC+8). The range is ``[start, end)``; a date without a time means the
whole day: ``start`` at 00:00 of that day, ``end`` at 00:00 of the day after (so
``2023-04-10,2023-04-11`` covers two days). Either a region or a station code must be given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.frames import OK, set_error
from ecoplan.ingest.records import RecordSpec, message
from ecoplan.ingest.tabular import (
    RawTable,
    parse_int,
    read_raw,
    resolve_header,
    text_series,
)
from ecoplan.store import monitoring

SPEC: dict[str, tuple[str, ...]] = {
    "region_code": ("region", "地区代码", "行政区划代码", "区划代码"),
    "station_code": ("station", "站点编码", "站点代码"),
    "start": ("start_time", "开始时间", "起始时间", "开始"),
    "end": ("end_time", "结束时间", "终止时间", "结束"),
    "note": ("备注", "说明", "描述"),
    "source": ("来源", "数据来源"),
    "quarantine_id": ("隔离编号",),
}
IGNORED = ("reason", "原因", "region_name", "地区名称")

_DATE_ONLY = r"^\d{4}[-/]?\d{1,2}[-/]?\d{1,2}$"


def _times(text: pd.Series, *, end: bool) -> pd.Series:
    s = text.str.replace("/", "-", regex=False)
    s = s.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    t = pd.to_datetime(s, format="ISO8601", errors="coerce").astype("datetime64[us]")
    if end:
        whole_day = text.str.match(_DATE_ONLY, na=False).to_numpy()
        t = t.where(~whole_day, t + pd.Timedelta(days=1))
    return t


def _load(ses: Any) -> pd.DataFrame:
    df = monitoring.dust_events_frame(ses).rename(
        columns={"start_time": "start", "end_time": "end"}
    )
    for c in ("start", "end"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[us]")
    return df


def _write(ses: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    ren = {"start": "start_time", "end": "end_time"}

    def conv(r: dict[str, Any]) -> dict[str, Any]:
        out = {ren.get(k, k): v for k, v in r.items()}
        for k in ("start_time", "end_time"):
            if isinstance(out.get(k), str):
                out[k] = pd.Timestamp(out[k]).to_pydatetime()
        return out

    monitoring.write_dust_events(ses, [conv(r) for r in inserts], [conv(r) for r in updates])


RECORD_SPEC = RecordSpec(
    kind="dust",
    keys=("region_code", "station_code", "start", "end"),
    fields=("note", "source"),
    numeric=(),
    pk="id",
    load=_load,
    write=_write,
    optional_keys=("region_code", "station_code"),
)


def parse_dust(
    raw: RawTable, regions: set[str], stations: set[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse and validate a sand-dust event file."""
    cols = resolve_header(
        raw, SPEC, required=("start", "end"), ignored=IGNORED, layout="sand-dust event"
    )
    if "region_code" not in cols and "station_code" not in cols:
        raise FileLayoutError(raw.file_name, "needs a region_code or a station_code column")
    n = raw.num_rows
    t = raw.table
    empty = pd.Series(pd.NA, index=range(n), dtype="str")
    region = (
        text_series(t.column(cols["region_code"])).str.replace(r"\.0$", "", regex=True)
        if "region_code" in cols
        else empty
    )
    station = text_series(t.column(cols["station_code"])) if "station_code" in cols else empty
    start_t = text_series(t.column(cols["start"]))
    end_t = text_series(t.column(cols["end"]))
    start, end = _times(start_t, end=False), _times(end_t, end=True)
    err = np.full(n, OK, dtype=np.int8)
    ecol = np.full(n, -1, dtype=np.int32)
    neither = (region.isna() & station.isna()).to_numpy()
    set_error(
        err, ecol, neither, "missing_field", cols.get("region_code", cols.get("station_code", -1))
    )
    if "region_code" in cols:
        bad_region = region.notna().to_numpy() & ~region.isin(list(regions)).to_numpy()
        set_error(err, ecol, bad_region, "unknown_region", cols["region_code"])
    if "station_code" in cols:
        bad_station = station.notna().to_numpy() & ~station.isin(list(stations)).to_numpy()
        set_error(err, ecol, bad_station, "unknown_station", cols["station_code"])
    set_error(err, ecol, start.isna().to_numpy(), "bad_time", cols["start"])
    set_error(err, ecol, end.isna().to_numpy(), "bad_time", cols["end"])
    set_error(err, ecol, (end <= start).fillna(False).to_numpy(), "bad_range", cols["end"])
    frame = pd.DataFrame(
        {
            "region_code": region.astype(object).where(region.notna(), None),
            "station_code": station.astype(object).where(station.notna(), None),
            "start": start,
            "end": end,
            "note": text_series(t.column(cols["note"])).astype(object) if "note" in cols else None,
            "source": text_series(t.column(cols["source"])).astype(object)
            if "source" in cols
            else None,
            "line": raw.lines,
            "src_row": np.arange(n),
            "error": err,
            "error_col": ecol,
        }
    )
    if "quarantine_id" in cols:
        q, ok = parse_int(text_series(t.column(cols["quarantine_id"])).fillna(""), 1, 2**31)
        qa = pd.array(q, dtype="Int64")
        qa[~ok] = pd.NA
        frame["quarantine_id"] = qa
    meta = {
        "layout": "dust",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
    }
    return frame, meta


def read_dust(
    path: str | Path, regions: set[str], stations: set[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a sand-dust event file → ``(frame, meta)``."""
    return parse_dust(read_raw(path), regions, stations)


def dust_message(code: str, info: dict[str, Any]) -> str:
    raw = info.get("raw_value")
    details = {
        "missing_field": "give a region_code or a station_code",
        "unknown_region": f"{raw!r} is not a GB/T 2260 region code held",
        "unknown_station": f"{raw!r} is not in the station registry",
        "bad_time": f"{raw!r} (YYYY-MM-DD or YYYY-MM-DD HH:MM, local time UTC+8)",
        "bad_range": f"end {raw!r} is not after start {info.get('start')}",
        "conflicting_duplicate": "the same event appears with a different note",
    }
    return message(code, details.get(code, repr(raw)))
