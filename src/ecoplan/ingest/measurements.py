"""Validation and storage of parsed measurement files (air hourly values, water samples).

Validation is vectorised over the whole frame (numpy/pandas); only the records of refused rows
are built one by one. Reasons, first one wins: the parser's (bad date/hour/time, unknown
pollutant/item, empty key, not a number), then unknown station/section, unit mismatch,
negative, physically implausible (:mod:`ecoplan.ingest.codes`), conflicting duplicate.

Storage follows the commit protocol of :mod:`ecoplan.store.warehouse`: compare with the
effective stored values, write the new and changed values as the batch's Parquet files, then
commit one application-DB transaction (batch, quarantine rows, resolutions, revisions).
"""

from __future__ import annotations

import json
import os
import sys
import time as _time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ecoplan.ingest.codes import (
    AIR_PLAUSIBLE_MAX,
    AIR_UNITS,
    POLLUTANTS,
    REASONS,
    WATER_ITEMS,
)
from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.frames import ERR, OK, REASON_CODES, set_error
from ecoplan.ingest.quarantine import canonical_key, plan_quarantine
from ecoplan.ingest.result import ImportResult, Progress
from ecoplan.ingest.tabular import RawTable
from ecoplan.store import monitoring, warehouse
from ecoplan.store.db import Store

TOLERANCE = 1e-9
"""Two values of one key are the same when they differ by at most this (absolute)."""

MAX_QUARANTINE = 200_000
"""A file that would put more rows than this into quarantine is refused whole (usually a
registry not imported yet, or the wrong kind of file): the error says why."""

PAUSE_ENV = "ECOPLAN_TEST_PAUSE_AFTER_PARQUET"
"""Test hook: seconds to sleep after the Parquet files are written, before the DB commit."""


@dataclass(frozen=True)
class MeasureSpec:
    """What differs between air and water measurements."""

    kind: str
    dataset: str
    site: str
    time: str
    param: str
    params: tuple[str, ...]
    units: dict[str, str]
    low: dict[str, float]
    high: dict[str, float]
    unknown_site: str
    registry_hint: str


AIR = MeasureSpec(
    kind="air",
    dataset=warehouse.AIR,
    site="station",
    time="time",
    param="pollutant",
    params=POLLUTANTS,
    units=AIR_UNITS,
    low=dict.fromkeys(POLLUTANTS, 0.0),
    high=AIR_PLAUSIBLE_MAX,
    unknown_site="unknown_station",
    registry_hint="ecoplan import stations",
)
WATER = MeasureSpec(
    kind="water",
    dataset=warehouse.WATER,
    site="section",
    time="date",
    param="item",
    params=tuple(WATER_ITEMS),
    units={c: i.unit for c, i in WATER_ITEMS.items()},
    low={c: i.low for c, i in WATER_ITEMS.items()},
    high={c: i.high for c, i in WATER_ITEMS.items()},
    unknown_site="unknown_section",
    registry_hint="ecoplan import sections",
)


# --- validation --------------------------------------------------------------------------------


def validate(spec: MeasureSpec, frame: pd.DataFrame, meta: dict[str, Any], known: set[str]) -> None:
    """Add the registry and value-domain reasons to ``frame.error`` (in place)."""
    err = frame["error"].to_numpy().copy()
    ecol = frame["error_col"].to_numpy().copy()
    vcol = frame["value_col"].to_numpy()
    site = frame[spec.site].cat
    s_codes = site.codes.to_numpy()
    known_cat = np.asarray(site.categories.isin(list(known)), dtype=bool)
    unknown = (s_codes >= 0) & ~known_cat[np.maximum(s_codes, 0)]
    site_col = meta.get("site_col")
    set_error(err, ecol, unknown, spec.unknown_site, vcol if site_col is None else int(site_col))

    p = frame[spec.param].cat.codes.to_numpy()
    has_p = p >= 0
    pi = np.maximum(p, 0)
    if "unit" in frame:
        expected = np.array([spec.units[c] for c in spec.params], dtype=object)[pi]
        given = frame["unit"].to_numpy(dtype=object)
        stated = pd.notna(given)
        mismatch = has_p & stated & (given != expected)
        set_error(err, ecol, mismatch, "unit_mismatch", int(meta["unit_col"]))
    v = frame["value"].to_numpy()
    low = np.array([spec.low[c] for c in spec.params])[pi]
    high = np.array([spec.high[c] for c in spec.params])[pi]
    with np.errstate(invalid="ignore"):
        set_error(err, ecol, has_p & (v < 0), "negative", vcol)
        set_error(err, ecol, has_p & ((v < low) | (v > high)), "implausible", vcol)
    frame["error"] = err
    frame["error_col"] = ecol


def mark_duplicates(
    spec: MeasureSpec, frame: pd.DataFrame, meta: dict[str, Any]
) -> tuple[npt.NDArray[np.bool_], dict[int, list[int]]]:
    """Within-file duplicates among the rows still valid.

    Rows with the same key and values within :data:`TOLERANCE` are exact duplicates: the first
    is kept, the others are returned in the mask (counted as duplicates, not written). Rows with
    the same key and different values are all refused as ``conflicting_duplicate`` (set in
    ``frame.error``); the returned dict maps each such row to the lines of its group.
    """
    n = len(frame)
    extra = np.zeros(n, dtype=bool)
    if meta.get("unique_keys"):
        return extra, {}
    err = frame["error"].to_numpy()
    ok_idx = np.flatnonzero(err == OK)
    keys = [spec.site, spec.time, spec.param]
    sub = frame.iloc[ok_idx][[*keys, "value", "line"]]
    dup = sub.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return extra, {}
    d = sub[dup]
    g = d.groupby(keys, observed=True, sort=False)["value"]
    spread = (g.transform("max") - g.transform("min")).to_numpy()
    conflicting = spread > TOLERANCE
    rows = ok_idx[dup]
    first = ~d.duplicated(keys, keep="first").to_numpy()
    extra[rows[~conflicting & ~first]] = True
    groups: dict[int, list[int]] = {}
    if conflicting.any():
        c = d[conflicting]
        lines = c.groupby(keys, observed=True, sort=False)["line"].transform(
            lambda s: [sorted(s.tolist())] * len(s)
        )
        for r, ls in zip(rows[conflicting], lines.tolist(), strict=True):
            groups[int(r)] = [int(x) for x in ls]
        e = frame["error"].to_numpy().copy()
        ec = frame["error_col"].to_numpy().copy()
        e[rows[conflicting]] = ERR["conflicting_duplicate"]
        ec[rows[conflicting]] = frame["value_col"].to_numpy()[rows[conflicting]]
        frame["error"] = e
        frame["error_col"] = ec
    return extra, groups


# --- keys --------------------------------------------------------------------------------------


def _time_text(spec: MeasureSpec, t: pd.Series) -> pd.Series:
    return t.dt.strftime("%Y-%m-%dT%H:%M" if spec.time == "time" else "%Y-%m-%d")


def key_strings(spec: MeasureSpec, site: pd.Series, time: pd.Series, param: pd.Series) -> pd.Series:
    """:func:`canonical_key` of many rows at once, vectorised (same text as the scalar form)."""
    parts = {
        spec.site: site.astype("str").map(canonical_key_scalar),
        spec.time: '"' + _time_text(spec, time) + '"',
        spec.param: param.astype("str").map(canonical_key_scalar),
    }
    out = pd.Series("{", index=site.index, dtype="str")
    for i, name in enumerate(sorted(parts)):
        out = out + ("" if i == 0 else ",") + f'"{name}":' + parts[name].to_numpy()
    return out + "}"


def canonical_key_scalar(value: str) -> str:
    """JSON text of one string, as :func:`canonical_key` writes it."""
    return canonical_key(value)


def _parse_key(spec: MeasureSpec, text: str) -> tuple[str, pd.Timestamp, str] | None:
    try:
        d = json.loads(text)
        return d[spec.site], pd.Timestamp(d[spec.time]), d[spec.param]
    except (ValueError, KeyError, TypeError):
        return None


# --- records of refused rows -------------------------------------------------------------------


def _fmt(v: float) -> str:
    return f"{v:.15g}"


def _message(spec: MeasureSpec, code: str, r: dict[str, Any]) -> str:
    label = REASONS[code]
    param: str = r.get("param") or ""
    unit = spec.units.get(param, "")
    raw = r.get("raw_value")
    ctx = " ".join(str(x) for x in (r.get("site"), r.get("param")) if x)
    ctx = f" [{ctx}]" if ctx and r.get("line_level") else ""
    if code == spec.unknown_site:
        return f"{label}: {r['site']} is not in the registry ({spec.registry_hint})"
    if code == "bad_date":
        return f"{label}: {raw!r} (YYYYMMDD or YYYY-MM-DD){ctx}"
    if code == "bad_hour":
        return f"{label}: {raw!r} (an hour 0–23, the hour-end stamp){ctx}"
    if code == "bad_time":
        return f"{label}: {raw!r} (YYYY-MM-DD HH:00, the hour-end stamp, local time UTC+8){ctx}"
    if code in ("unknown_pollutant", "unknown_item"):
        site = f" [{r['site']}]" if r.get("site") and r.get("line_level") else ""
        return f"{label}: {raw!r} (known: {', '.join(spec.params)}){site}"
    if code == "negative":
        return f"{label}: {param} {_fmt(r['value'])} {unit}"
    if code == "implausible":
        return (
            f"{label}: {param} {_fmt(r['value'])} {unit} outside "
            f"{_fmt(spec.low[param])}–{_fmt(spec.high[param])} {unit}"
        )
    if code == "unit_mismatch":
        return f"{label}: {param} is stored in {unit}; the file says {raw!r}"
    if code == "conflicting_duplicate":
        lines = ", ".join(str(x) for x in r.get("group_lines", []))
        return f"{label}: {r['site']} {r['time']} {param} has different values on lines {lines}"
    if code == "missing_field":
        return f"{label}: {r['column']}"
    return f"{label}: {raw!r}"


def _cells(raw: RawTable, rows: npt.NDArray[np.int64], cols: npt.NDArray[np.int32]) -> list[Any]:
    """Cell texts at (rows[i], cols[i]), fetched column by column."""
    out: list[Any] = [None] * rows.size
    for c in np.unique(cols):
        if c < 0:
            continue
        sel = np.flatnonzero(cols == c)
        vals = raw.table.column(int(c)).take(pa.array(rows[sel])).to_pylist()
        for i, v in zip(sel, vals, strict=True):
            out[int(i)] = None if v is None else str(v)
    return out


def rejected_records(
    spec: MeasureSpec,
    frame: pd.DataFrame,
    meta: dict[str, Any],
    groups: dict[int, list[int]],
) -> list[dict[str, Any]]:
    """Quarantine records (without ``batch_id``) for every refused row and malformed line."""
    raw: RawTable = meta["raw"]
    err = frame["error"].to_numpy()
    idx = np.flatnonzero(err != OK)
    src = frame["src_row"].to_numpy()[idx]
    ecol = frame["error_col"].to_numpy()[idx]
    vcol = frame["value_col"].to_numpy()[idx]
    ecol = np.where(ecol < 0, vcol, ecol)
    raw_values = _cells(raw, src, ecol)
    field_cells = {
        f: _cells(raw, src, np.full(idx.size, c, np.int32)) for f, c in meta["fields"].items()
    }
    value_cells = _cells(raw, src, vcol)
    sub = frame.iloc[idx]
    sites = sub[spec.site].astype(object).to_numpy()
    times = sub[spec.time]
    ttext = _time_text(spec, times).astype(object).to_numpy()
    params = sub[spec.param].astype(object).to_numpy()
    values = sub["value"].to_numpy()
    qids = sub["quarantine_id"].to_numpy(dtype=object) if "quarantine_id" in sub else None
    records: list[dict[str, Any]] = []
    for j, i in enumerate(idx):
        code = REASON_CODES[int(err[i])]
        site = None if pd.isna(sites[j]) else str(sites[j])
        param = None if pd.isna(params[j]) else str(params[j])
        tt = None if pd.isna(ttext[j]) else str(ttext[j])
        raw_row = {f: cells[j] for f, cells in field_cells.items()}
        if meta["wide"]:
            raw_row[meta["wide"]] = raw.header[int(vcol[j])]
            raw_row["value"] = value_cells[j]
        key = None
        if site is not None and param is not None and tt is not None:
            key = canonical_key({spec.site: site, spec.time: tt, spec.param: param})
        column = raw.header[int(ecol[j])]
        info = {
            "site": site,
            "time": tt,
            "param": param,
            "value": float(values[j]),
            "raw_value": raw_values[j],
            "column": column,
            "group_lines": groups.get(int(i), []),
            "line_level": meta["wide"] is not None and int(ecol[j]) != int(vcol[j]),
        }
        q = None if qids is None or pd.isna(qids[j]) else int(qids[j])
        records.append(
            {
                "kind": spec.kind,
                "file_name": raw.file_name,
                "file_sha256": raw.sha256,
                "line": int(frame["line"].iat[i]),
                "column_name": column,
                "raw_value": raw_values[j],
                "reason_code": code,
                "reason": _message(spec, code, info),
                "raw_row": canonical_key(raw_row),
                "key": key,
                "resolved": False,
                "resolved_by_batch": None,
                "_qid": q,
            }
        )
    records.extend(malformed_records(spec.kind, raw))
    records.sort(key=lambda r: (r["line"], r["column_name"] or ""))
    return records


def malformed_records(kind: str, raw: RawTable) -> list[dict[str, Any]]:
    """Quarantine records of the CSV lines that could not be split into the header's fields."""
    return [
        {
            "kind": kind,
            "file_name": raw.file_name,
            "file_sha256": raw.sha256,
            "line": line,
            "column_name": None,
            "raw_value": text[:500],
            "reason_code": "malformed_line",
            "reason": f"{REASONS['malformed_line']}: {msg}",
            "raw_row": canonical_key({"text": text}),
            "key": None,
            "resolved": False,
            "resolved_by_batch": None,
            "_qid": None,
        }
        for line, text, msg in raw.malformed
    ]


def _strings(col: pd.Series) -> pa.Array:
    """A categorical column as an Arrow string array (decoded in C++, no Python objects)."""
    arr = pa.array(col.array)
    return pc.cast(arr, pa.string()) if pa.types.is_dictionary(arr.type) else arr


# --- import ------------------------------------------------------------------------------------


def _pause_for_tests() -> None:
    secs = os.environ.get(PAUSE_ENV)
    if secs:
        sys.stderr.write(f"ecoplan: {PAUSE_ENV}: Parquet written, pausing {secs}s before commit\n")
        sys.stderr.flush()
        _time.sleep(float(secs))


def _matched_open_keys(
    spec: MeasureSpec, frame: pd.DataFrame, valid: npt.NDArray[np.bool_], open_rows: pd.DataFrame
) -> set[str]:
    """The keys of open quarantine rows for which *frame* holds a valid row."""
    keyed = open_rows["key"].dropna().unique().tolist()
    if not keyed:
        return set()
    parsed = [k for k in (_parse_key(spec, t) for t in keyed) if k is not None]
    if not parsed:
        return set()
    sites = {p[0] for p in parsed}
    cand = valid & frame[spec.site].isin(list(sites)).to_numpy()
    if not cand.any():
        return set()
    sub = frame.loc[cand]
    ks = key_strings(spec, sub[spec.site], sub[spec.time], sub[spec.param])
    return set(ks[ks.isin(keyed)].tolist())


def import_measurements(
    store: Store,
    spec: MeasureSpec,
    frame: pd.DataFrame,
    meta: dict[str, Any],
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate *frame* (from a parser) and store it: see the module docstring."""
    step = progress or (lambda _stage: None)
    raw: RawTable = meta["raw"]
    res = ImportResult(
        kind=spec.kind,
        file_name=raw.file_name,
        layout=meta["layout"],
        sha256=raw.sha256,
        skipped_derived=int(meta["skipped_derived"]),
        missing=int(meta["missing"]),
    )
    step("validate")
    with store.session() as ses:
        known = (
            monitoring.station_codes(ses) if spec.kind == "air" else monitoring.section_codes(ses)
        )
    validate(spec, frame, meta, known)
    extra, groups = mark_duplicates(spec, frame, meta)
    err = frame["error"].to_numpy()
    n_bad = int((err != OK).sum()) + len(raw.malformed)
    if n_bad > MAX_QUARANTINE:
        top = pd.Series(err[err != OK]).map(lambda e: REASON_CODES[e]).value_counts().head(3)
        raise FileLayoutError(
            raw.file_name,
            f"{n_bad} rows would be quarantined (most: "
            + ", ".join(f"{k} ×{v}" for k, v in top.items())
            + f"); the file is refused whole. Import the registry first ({spec.registry_hint}) "
            "or check that this is the right kind of file.",
        )
    valid = err == OK
    good = np.flatnonzero(valid & ~extra)
    with warehouse.import_lock(store.settings):
        step("compare")
        v = frame["value"].to_numpy()[good]
        old_v = np.full(good.size, np.nan)
        old_code = np.full(good.size, -1, dtype=np.int32)
        batch_ids: list[str] = []
        if good.size and warehouse.dataset_files(store.settings, spec.dataset):
            take = pa.array(good)
            keys = pa.table(
                {
                    spec.site: _strings(frame[spec.site]).take(take),
                    spec.time: pa.array(frame[spec.time].to_numpy()).take(take),
                    spec.param: _strings(frame[spec.param]).take(take),
                }
            )
            con = warehouse.connect(store=store)
            try:
                old_v, old_code, batch_ids = warehouse.lookup_effective(con, spec.dataset, keys)
            finally:
                con.close()
        has_old = ~np.isnan(old_v)
        same = has_old & (np.abs(v - np.where(has_old, old_v, 0.0)) <= TOLERANCE)
        revised = has_old & ~same
        new = ~has_old
        res.accepted, res.revised = int(new.sum()), int(revised.sum())
        res.duplicates = int(same.sum()) + int(extra.sum())
        res.rejected = n_bad

        step("quarantine")
        records = rejected_records(spec, frame, meta, groups)
        res.rejections = records
        with store.session() as ses:
            open_rows = monitoring.open_quarantine(ses, spec.kind)
        valid_qids: list[int] = []
        if "quarantine_id" in frame and len(open_rows):
            q = frame["quarantine_id"].to_numpy(dtype=object)[valid]
            valid_qids = [int(x) for x in q if not pd.isna(x)]
        matched = _matched_open_keys(spec, frame, valid, open_rows) if len(open_rows) else set()
        plan = plan_quarantine(
            open_rows, records, sha256=raw.sha256, valid_qids=valid_qids, matched_keys=matched
        )
        res.new_quarantine, res.resolved = len(plan.new), len(plan.resolve)
        if not (res.accepted or res.revised or plan.new or plan.resolve):
            return res  # nothing new: no batch (importing a file again changes nothing)

        batch_id = str(uuid.uuid4())
        step("write")
        write = good[new | revised]
        if res.revised:
            sup_codes = np.where(revised, old_code, -1)[new | revised]
            supersedes = pa.DictionaryArray.from_arrays(
                pa.array(sup_codes, mask=sup_codes < 0), pa.array(batch_ids, pa.string())
            )
        else:
            supersedes = pa.nulls(write.size, pa.string())
        paths: list[Path] = []
        if write.size:
            table = pa.table(
                {
                    spec.site: pa.array(frame[spec.site].iloc[write].array),
                    spec.time: pa.array(frame[spec.time].to_numpy()[write]),
                    spec.param: pa.array(frame[spec.param].iloc[write].array),
                    "value": pa.array(frame["value"].to_numpy()[write]),
                    "line": pa.array(frame["line"].to_numpy()[write].astype(np.int32)),
                    "batch_id": pa.DictionaryArray.from_arrays(
                        pa.array(np.zeros(write.size, dtype=np.int32)), pa.array([batch_id])
                    ),
                    "supersedes": supersedes,
                }
            )
            paths = warehouse.write_batch(store.settings, spec.dataset, batch_id, table)
        _pause_for_tests()
        step("commit")
        try:
            with store.session() as ses:
                monitoring.add_batch(
                    ses,
                    id=batch_id,
                    kind=spec.kind,
                    layout=meta["layout"],
                    file_name=raw.file_name,
                    file_sha256=raw.sha256,
                    accepted=res.accepted,
                    rejected=res.rejected,
                    duplicates=res.duplicates,
                    revised=res.revised,
                    skipped_derived=res.skipped_derived,
                    missing=res.missing,
                    imported_by=user,
                )
                monitoring.add_quarantine(ses, [r | {"batch_id": batch_id} for r in plan.new])
                monitoring.resolve_quarantine(ses, plan.resolve, batch_id)
                if res.revised:
                    old_b = np.array(batch_ids, dtype=object)[old_code[revised]]
                    monitoring.add_revisions(
                        ses,
                        _revision_records(
                            spec, frame, good[revised], old_v[revised], old_b, batch_id
                        ),
                    )
        except BaseException:
            warehouse.remove_files(paths)
            raise
        res.batch_id = batch_id
    return res


def _revision_records(
    spec: MeasureSpec,
    frame: pd.DataFrame,
    rows: npt.NDArray[np.int64],
    old_v: npt.NDArray[np.float64],
    old_b: npt.NDArray[Any],
    batch_id: str,
) -> list[dict[str, Any]]:
    sub = frame.iloc[rows]
    keys = key_strings(spec, sub[spec.site], sub[spec.time], sub[spec.param]).tolist()
    now = datetime.now()
    new_v = sub["value"].tolist()
    return [
        {
            "kind": spec.kind,
            "key": k,
            "old_value": float(o),
            "new_value": float(n),
            "old_batch_id": b,
            "new_batch_id": batch_id,
            "at": now,
        }
        for k, o, n, b in zip(keys, old_v.tolist(), new_v, old_b.tolist(), strict=True)
    ]
