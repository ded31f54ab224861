"""City daily AQI forecasts (城市空气质量预报), the input of the heavy-pollution warnings.

Layout (CSV, XLSX or Parquet; English or Chinese headers)::

    region_code,issue_date,target_date,aqi[,primary_pollutant]
    150100,2024-12-01,2024-12-02,215,PM2.5
    150100,2024-12-01,2024-12-03,236,PM2.5

One row per league/city × issue date (发布日期) × forecast day (预报日期); the forecast daily
AQI is HJ 633's (dimensionless). Every issue date is kept: a later issue never overwrites an
earlier one, so forecasts can be scored later against what was observed. Importing a
corrected file for the same issue date updates the changed values (recorded in ``revision``).

Rules (a refused row goes to quarantine with its file, line, column and reason):

- ``region_code`` a held GB/T 2260 code of a league/city (盟市): forecasts are per city;
- ``issue_date``, ``target_date`` calendar dates (``YYYY-MM-DD``, ``YYYY/MM/DD``,
  ``YYYYMMDD``) from 2013 (HJ 633-2012 came into force on 2013-01-01) to 2100;
- ``target_date`` 1 to :data:`MAX_LEAD_DAYS` (10) days after ``issue_date``: the Hohhot plan
  asks for 7–10-day forecasts, and "first value = tomorrow";
- ``aqi`` a number 0–500 (HJ 633-2026 §4.1.1: the AQI scale tops at 500; a forecast above
  it is implausible, not clipped); an empty cell is a missing value, counted, not an error;
- ``primary_pollutant`` (optional) one or more of SO2, NO2, PM10, PM2.5, CO, O3, O3_8h
  (Chinese names accepted), separated by ``,``/``、``/``;``; ``—``/``-``/``无`` mean none
  (AQI ≤ 50 has no primary pollutant, HJ 633 §4.3.1).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy import insert, select, update

from ecoplan.ingest.codes import POLLUTANT_LOOKUP
from ecoplan.ingest.frames import OK, set_error
from ecoplan.ingest.records import RecordSpec, import_records, message
from ecoplan.ingest.result import ImportResult, Progress
from ecoplan.ingest.tabular import (
    RawTable,
    parse_dates,
    parse_int,
    read_raw,
    resolve_header,
    text_series,
    to_float,
)
from ecoplan.model.regions import Level, UnknownRegionError, get_region
from ecoplan.store import monitoring
from ecoplan.store.db import Store
from ecoplan.store.schema_warn import AqiForecast

__all__ = [
    "KIND",
    "MAX_AQI",
    "MAX_LEAD_DAYS",
    "RECORD_SPEC",
    "forecast_message",
    "import_forecast",
    "parse_forecast",
    "read_forecast",
]

KIND = "forecast"
MAX_LEAD_DAYS = 10
"""Longest lead accepted: target_date − issue_date ≤ 10 days (7–10-day city forecasts)."""
MAX_AQI = 500.0
"""Top of the AQI scale (HJ 633-2026 §4.1.1 "范围为 1～500"; HJ 633-2012 Table 1 IAQI 500)."""
FIRST_DATE = date(2013, 1, 1)
LAST_DATE = date(2100, 12, 31)

SPEC: dict[str, tuple[str, ...]] = {
    "region_code": (
        "region",
        "city",
        "city_code",
        "地区代码",
        "城市代码",
        "行政区划代码",
        "区划代码",
    ),
    "issue_date": ("issue", "issued", "发布日期", "预报发布日期", "发布时间", "起报日期"),
    "target_date": ("date", "forecast_date", "预报日期", "目标日期", "预报日"),
    "aqi": ("forecast_aqi", "预报aqi", "aqi预报值", "空气质量指数"),
    "primary_pollutant": ("primary", "首要污染物", "首要污染物预报"),
    "quarantine_id": ("隔离编号",),
}
IGNORED = (
    "reason",
    "原因",
    "region_name",
    "city_name",
    "地区名称",
    "城市名称",
    "城市",
    "备注",
    "note",
)

_NONE_WORDS = {"-", "—", "--", "——", "无", "none", "/"}
_EXTRA_POLLUTANTS = {"o3_8h": "O3_8h", "o3-8h": "O3_8h", "臭氧8小时": "O3_8h", "o3_1h": "O3"}


def _pollutant_codes(cell: str) -> tuple[str | None, bool]:
    """``(canonical ","-joined codes or None, unknown?)`` of one distinct cell text."""
    if cell.strip().lower() in _NONE_WORDS:
        return None, False
    codes: list[str] = []
    for part in re.split(r"[,，、;；/]\s*", cell.strip()):
        key = part.strip().lower()
        if not key:
            continue
        code = _EXTRA_POLLUTANTS.get(key) or POLLUTANT_LOOKUP.get(key)
        if code is None:
            return None, True
        if code not in codes:
            codes.append(code)
    return (",".join(codes) or None), False


def _normalise_pollutants(text: pd.Series) -> tuple[pd.Series, npt.NDArray[np.bool_]]:
    """Canonical ``,``-joined pollutant codes and a mask of cells naming an unknown one
    (parsed once per distinct cell text, then mapped)."""
    parsed = {v: _pollutant_codes(v) for v in text.dropna().unique()}
    codes = text.map({k: v[0] for k, v in parsed.items()}, na_action="ignore")
    bad = text.map({k: v[1] for k, v in parsed.items()}, na_action="ignore")
    return codes.astype(object).where(codes.notna(), None), bad.fillna(False).to_numpy(bool)


def _load(ses: Any) -> pd.DataFrame:
    rows = ses.execute(
        select(
            AqiForecast.id,
            AqiForecast.region_code,
            AqiForecast.issue_date,
            AqiForecast.target_date,
            AqiForecast.aqi,
            AqiForecast.primary_pollutant,
            AqiForecast.batch_id,
        )
    ).all()
    cols = ["id", "region_code", "issue_date", "target_date", "aqi", "primary_pollutant"]
    df = pd.DataFrame(rows, columns=[*cols, "batch_id"])
    for c in ("issue_date", "target_date"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[us]")
    return df


def _as_date(v: Any) -> date:
    return v if isinstance(v, date) else pd.Timestamp(v).date()


def _write(ses: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    def conv(r: dict[str, Any]) -> dict[str, Any]:
        out = dict(r)
        for k in ("issue_date", "target_date"):
            if k in out:
                out[k] = _as_date(out[k])
        return out

    if inserts:
        ses.execute(insert(AqiForecast), [conv(r) for r in inserts])
    if updates:
        ses.execute(update(AqiForecast), [conv(r) for r in updates])


RECORD_SPEC = RecordSpec(
    kind=KIND,
    keys=("region_code", "issue_date", "target_date"),
    fields=("aqi", "primary_pollutant"),
    numeric=("aqi",),
    pk="id",
    load=_load,
    write=_write,
    revision_field="aqi",
)


def _is_city(code: str) -> bool:
    try:
        return get_region(code).level is Level.PREFECTURE
    except UnknownRegionError:
        return False


def parse_forecast(raw: RawTable, regions: set[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse and validate a forecast file against the held *regions* → ``(frame, meta)``.

    The frame has one row per non-empty ``aqi`` cell: ``region_code``, ``issue_date``,
    ``target_date`` (datetime64, midnight), ``aqi``, ``primary_pollutant``, ``line``,
    ``src_row``, ``error``/``error_col`` (:mod:`ecoplan.ingest.frames`).
    """
    cols = resolve_header(
        raw,
        SPEC,
        required=("region_code", "issue_date", "target_date", "aqi"),
        ignored=IGNORED,
        layout="city AQI forecast",
    )
    t = raw.table
    n = raw.num_rows
    region = text_series(t.column(cols["region_code"])).str.replace(r"\.0$", "", regex=True)
    issue_txt = text_series(t.column(cols["issue_date"]))
    target_txt = text_series(t.column(cols["target_date"]))
    issue, target = parse_dates(issue_txt), parse_dates(target_txt)
    aqi, present, non_numeric = to_float(t.column(cols["aqi"]))
    if "primary_pollutant" in cols:
        primary, bad_primary = _normalise_pollutants(
            text_series(t.column(cols["primary_pollutant"])).astype(object)
        )
    else:
        primary, bad_primary = pd.Series(None, index=range(n), dtype=object), np.zeros(n, bool)

    err = np.full(n, OK, dtype=np.int8)
    ecol = np.full(n, -1, dtype=np.int32)
    rc, ic, tc, ac = cols["region_code"], cols["issue_date"], cols["target_date"], cols["aqi"]
    known = region.isin(list(regions)).to_numpy()
    city = region.map(_is_city, na_action="ignore").fillna(False).to_numpy(dtype=bool)
    set_error(err, ecol, region.isna().to_numpy(), "missing_field", rc)
    set_error(err, ecol, ~known, "unknown_region", rc)
    set_error(err, ecol, ~city, "bad_value", rc)
    lo, hi = pd.Timestamp(FIRST_DATE), pd.Timestamp(LAST_DATE)
    for col_idx, text, parsed in ((ic, issue_txt, issue), (tc, target_txt, target)):
        set_error(err, ecol, text.isna().to_numpy(), "missing_field", col_idx)
        out_of_range = ((parsed < lo) | (parsed > hi)).fillna(False).to_numpy(dtype=bool)
        set_error(err, ecol, parsed.isna().to_numpy() | out_of_range, "bad_date", col_idx)
    lead = ((target - issue).dt.days).to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad_lead = ~np.isnan(lead) & ((lead < 1) | (lead > MAX_LEAD_DAYS))
    set_error(err, ecol, bad_lead, "bad_range", tc)
    set_error(err, ecol, non_numeric, "non_numeric", ac)
    with np.errstate(invalid="ignore"):
        set_error(err, ecol, aqi < 0, "negative", ac)
        set_error(err, ecol, aqi > MAX_AQI, "implausible", ac)
    if "primary_pollutant" in cols:
        set_error(err, ecol, bad_primary, "unknown_pollutant", cols["primary_pollutant"])

    rows = np.flatnonzero(present)
    frame = pd.DataFrame(
        {
            "region_code": region.astype(object),
            "issue_date": issue,
            "target_date": target,
            "aqi": aqi,
            "primary_pollutant": primary,
            "lead_days": lead,
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
    frame = frame.iloc[rows].reset_index(drop=True)
    meta = {
        "layout": "aqi_forecast",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
        "missing": int(n - rows.size),
    }
    return frame, meta


def read_forecast(path: str | Path, regions: set[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a forecast file → ``(frame, meta)`` (see :func:`parse_forecast`)."""
    return parse_forecast(read_raw(path), regions)


def forecast_message(code: str, info: dict[str, Any]) -> str:
    """The reason text of a refused forecast row."""
    raw = info.get("raw_value")
    details = {
        "missing_field": f"{info.get('column')} is empty",
        "unknown_region": f"{raw!r} is not a GB/T 2260 region code held",
        "bad_value": f"{raw!r} is not a league/city (盟市) code: forecasts are per city",
        "bad_date": f"{raw!r} (a date {FIRST_DATE:%Y-%m-%d}–{LAST_DATE:%Y-%m-%d}: "
        "YYYY-MM-DD, YYYY/MM/DD or YYYYMMDD)",
        "bad_range": f"target_date {raw!r} is {_lead(info)} after issue_date; "
        f"expected 1–{MAX_LEAD_DAYS} days (first value = the day after issue)",
        "non_numeric": f"{raw!r}",
        "negative": f"AQI {raw!r} is negative",
        "implausible": f"AQI {raw!r} is above {MAX_AQI:g}, the top of the AQI scale "
        "(HJ 633-2026 §4.1.1)",
        "unknown_pollutant": f"{raw!r}: expected SO2, NO2, PM10, PM2.5, CO, O3 or O3_8h "
        "(several separated by , or 、)",
        "conflicting_duplicate": f"{info.get('region_code')} issued {_day(info.get('issue_date'))}"
        f" for {_day(info.get('target_date'))} appears with different values",
    }
    return message(code, details.get(code, repr(raw)))


def _day(v: Any) -> str:
    return str(v)[:10] if v is not None else "?"


def _lead(info: dict[str, Any]) -> str:
    lead = info.get("lead_days")
    return f"{lead:g} day(s)" if isinstance(lead, int | float) else "not 1–10 days"


def import_forecast(
    store: Store, path: str | Path, *, user: str | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import a city daily AQI forecast file (one transaction; idempotent: importing the same
    file again changes nothing). Refused rows go to quarantine (kind ``forecast``)."""
    if progress:
        progress("read")
    raw = read_raw(path)
    with store.session() as ses:
        regions = monitoring.region_codes(ses)
    frame, meta = parse_forecast(raw, regions)
    return import_records(
        store, RECORD_SPEC, frame, meta, forecast_message, user=user, progress=progress
    )
