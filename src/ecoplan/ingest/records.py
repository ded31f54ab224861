"""Storage of record-like files held in the application DB: station and section registries,
yearly indicator values, sand-dust events.

A parser gives a frame with one row per file row: the kind's key and value columns, ``line``,
``src_row``, ``error``/``error_col`` (as in :mod:`ecoplan.ingest.frames`) and optionally
``quarantine_id``. This module finds within-file duplicates, compares with what is held
(new → insert, different → update and, for indicator values, a revision; equal → duplicate),
and commits everything with the batch and its quarantine rows in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
from sqlalchemy.orm import Session

from ecoplan.ingest.codes import REASONS
from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.frames import ERR, OK, REASON_CODES
from ecoplan.ingest.measurements import MAX_QUARANTINE, TOLERANCE, malformed_records
from ecoplan.ingest.quarantine import canonical_key, plan_quarantine
from ecoplan.ingest.result import ImportResult, Progress
from ecoplan.ingest.tabular import RawTable, cell_str
from ecoplan.store import monitoring, warehouse
from ecoplan.store.db import Store

Writer = Callable[[Session, list[dict[str, Any]], list[dict[str, Any]]], None]


@dataclass(frozen=True)
class RecordSpec:
    """How one record kind is keyed, compared and written.

    ``keys`` identify a record; ``fields`` are compared and written (``numeric`` ones with
    :data:`~ecoplan.ingest.measurements.TOLERANCE`); ``pk`` is the primary-key column of the
    held rows used for updates; ``revision_field`` (indicator values) is recorded in
    ``revision`` when it changes.
    """

    kind: str
    keys: tuple[str, ...]
    fields: tuple[str, ...]
    numeric: tuple[str, ...]
    pk: str
    load: Callable[[Session], pd.DataFrame]
    write: Writer
    revision_field: str | None = None
    optional_keys: tuple[str, ...] = ()


def message(code: str, detail: str) -> str:
    return f"{REASONS[code]}: {detail}"


def _same(a: pd.Series, b: pd.Series, numeric: bool) -> npt.NDArray[np.bool_]:
    an, bn = a.isna().to_numpy(), b.isna().to_numpy()
    if numeric:
        x = pd.to_numeric(a, errors="coerce").to_numpy(dtype=float)
        y = pd.to_numeric(b, errors="coerce").to_numpy(dtype=float)
        with np.errstate(invalid="ignore"):
            eq = np.abs(x - y) <= TOLERANCE
    else:
        eq = (a.astype(object).to_numpy() == b.astype(object).to_numpy()).astype(bool)
    return (an & bn) | (~an & ~bn & eq)


def mark_duplicates(spec: RecordSpec, frame: pd.DataFrame) -> npt.NDArray[np.bool_]:
    """Exact repeats within the file (returned, counted as duplicates) and conflicting ones
    (set to ``conflicting_duplicate`` in ``frame.error``); NaN keys compare equal."""
    extra = np.zeros(len(frame), dtype=bool)
    ok = np.flatnonzero(frame["error"].to_numpy() == OK)
    sub = frame.iloc[ok]
    dup = sub.duplicated(list(spec.keys), keep=False).to_numpy()
    if not dup.any():
        return extra
    d = sub[dup]
    full_dup = d.duplicated([*spec.keys, *spec.fields], keep=False).to_numpy()
    group_sizes = d.groupby(list(spec.keys), dropna=False)[spec.keys[0]].transform("size")
    full_sizes = d.groupby([*spec.keys, *spec.fields], dropna=False)[spec.keys[0]].transform("size")
    conflicting = (group_sizes.to_numpy() != full_sizes.to_numpy()) | ~full_dup
    rows = ok[dup]
    first = ~d.duplicated(list(spec.keys), keep="first").to_numpy()
    extra[rows[~conflicting & ~first]] = True
    e = frame["error"].to_numpy().copy()
    e[rows[conflicting]] = ERR["conflicting_duplicate"]
    frame["error"] = e
    return extra


def key_of(spec: RecordSpec, row: dict[str, Any]) -> str:
    return canonical_key({k: _plain(row[k]) for k in spec.keys})


def _plain(v: Any) -> Any:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp | datetime):
        return pd.Timestamp(v).isoformat()
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    return v


def _records_of(frame: pd.DataFrame, cols: list[str]) -> list[dict[str, Any]]:
    rows = frame[cols].itertuples(index=False, name=None)
    return [{c: _plain(v) for c, v in zip(cols, row, strict=True)} for row in rows]


def rejected_records(
    spec: RecordSpec,
    frame: pd.DataFrame,
    raw: RawTable,
    messages: Callable[[str, dict[str, Any]], str],
    fields: dict[str, int],
) -> list[dict[str, Any]]:
    """Quarantine records for the refused rows of *frame* (plus malformed lines)."""
    out: list[dict[str, Any]] = []
    err = frame["error"].to_numpy()
    bad = frame.iloc[np.flatnonzero(err != OK)]
    if len(bad):
        rows = bad["src_row"].to_numpy()
        by_col = {c: raw.table.column(c).take(rows).to_pylist() for c in set(fields.values())}
        for j, (_, r) in enumerate(bad.iterrows()):
            code = REASON_CODES[int(r["error"])]
            col = int(r["error_col"])
            raw_row = {f: _text(by_col[c][j]) for f, c in fields.items()}
            raw_value = _text(by_col[col][j]) if col in by_col else None
            info = {k: _plain(r[k]) for k in frame.columns}
            info |= {"raw_value": raw_value, "column": raw.header[col] if col >= 0 else None}
            key = None
            if all(info.get(k) is not None for k in spec.keys if k not in spec.optional_keys):
                key = key_of(spec, info)
            q = r.get("quarantine_id")
            out.append(
                {
                    "kind": spec.kind,
                    "file_name": raw.file_name,
                    "file_sha256": raw.sha256,
                    "line": int(r["line"]),
                    "column_name": raw.header[col] if col >= 0 else None,
                    "raw_value": raw_value,
                    "reason_code": code,
                    "reason": messages(code, info),
                    "raw_row": canonical_key(raw_row),
                    "key": key,
                    "resolved": False,
                    "resolved_by_batch": None,
                    "_qid": None if q is None or pd.isna(q) else int(q),
                }
            )
    out.extend(malformed_records(spec.kind, raw))
    return out


def _text(v: Any) -> str | None:
    return None if v is None else cell_str(v)


def import_records(
    store: Store,
    spec: RecordSpec,
    frame: pd.DataFrame,
    meta: dict[str, Any],
    messages: Callable[[str, dict[str, Any]], str],
    *,
    user: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Store a parsed record file (see the module docstring); one transaction."""
    step = progress or (lambda _stage: None)
    raw: RawTable = meta["raw"]
    res = ImportResult(
        kind=spec.kind,
        file_name=raw.file_name,
        layout=meta["layout"],
        sha256=raw.sha256,
        missing=int(meta.get("missing", 0)),
    )
    step("validate")
    extra = mark_duplicates(spec, frame)
    err = frame["error"].to_numpy()
    res.rejected = int((err != OK).sum()) + len(raw.malformed)
    if res.rejected > MAX_QUARANTINE:
        raise FileLayoutError(raw.file_name, f"{res.rejected} rows would be quarantined")
    valid = err == OK
    good = frame.iloc[np.flatnonzero(valid & ~extra)]
    with warehouse.import_lock(store.settings), store.session() as ses:
        step("compare")
        held = spec.load(ses)
        cols = [*spec.keys, *spec.fields]
        held = held.rename(columns={c: c + "_held" for c in held.columns if c not in spec.keys})
        merged = good[[*cols, "line"]].merge(held, on=list(spec.keys), how="left", indicator=True)
        present = (merged["_merge"] == "both").to_numpy()
        same = present.copy()
        for f in spec.fields:
            same &= _same(merged[f], merged[f + "_held"], f in spec.numeric)
        new, changed = ~present, present & ~same
        res.accepted, res.revised = int(new.sum()), int(changed.sum())
        res.duplicates = int((present & same).sum()) + int(extra.sum())

        step("quarantine")
        records = rejected_records(spec, frame, raw, messages, meta["fields"])
        res.rejections = records
        open_rows = monitoring.open_quarantine(ses, spec.kind)
        valid_qids: list[int] = []
        matched: set[str] = set()
        if len(open_rows):
            if "quarantine_id" in frame:
                q = frame.loc[valid, "quarantine_id"]
                valid_qids = [int(x) for x in q.dropna()]
            keys = {key_of(spec, r) for r in _records_of(frame.loc[valid], list(spec.keys))}
            matched = keys & set(open_rows["key"].dropna())
        plan = plan_quarantine(
            open_rows, records, sha256=raw.sha256, valid_qids=valid_qids, matched_keys=matched
        )
        res.new_quarantine, res.resolved = len(plan.new), len(plan.resolve)
        if not (res.accepted or res.revised or plan.new or plan.resolve):
            return res

        step("commit")
        batch_id = str(uuid.uuid4())
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
            skipped_derived=0,
            missing=res.missing,
            imported_by=user,
        )
        inserts = _records_of(merged.loc[new], cols)
        for r in inserts:
            r["batch_id"] = batch_id
        upd = merged.loc[changed]
        pk = upd[spec.pk] if spec.pk in spec.keys else upd[spec.pk + "_held"]
        updates = _records_of(upd, list(spec.fields))
        for r, k in zip(updates, pk.tolist(), strict=True):
            r[spec.pk] = _plain(k)
            r["batch_id"] = batch_id
        spec.write(ses, inserts, updates)
        monitoring.add_quarantine(ses, [r | {"batch_id": batch_id} for r in plan.new])
        monitoring.resolve_quarantine(ses, plan.resolve, batch_id)
        if spec.revision_field and res.revised:
            f = spec.revision_field
            now = datetime.now()
            monitoring.add_revisions(
                ses,
                [
                    {
                        "kind": spec.kind,
                        "key": key_of(spec, r),
                        "old_value": _plain(r[f + "_held"]),
                        "new_value": _plain(r[f]),
                        "old_batch_id": _plain(r.get("batch_id_held")),
                        "new_batch_id": batch_id,
                        "at": now,
                    }
                    for r in _records_of(upd, [*spec.keys, f, f + "_held", "batch_id_held"])
                ],
            )
        res.batch_id = batch_id
    return res
