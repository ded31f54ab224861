"""Quarantine bookkeeping shared by every importer, and the export of refused rows.

*Deduplication.* A refused row already quarantined (unresolved) from a file with the same
SHA-256 at the same line, column and reason is not quarantined again, so importing the same
file twice changes nothing.

*Resolution.* An unresolved quarantine row is resolved by a later import when

- a row of that import names it in a ``quarantine_id`` column and is valid; or
- that import holds a valid row with the same key (station/time/pollutant, section/date/item,
  indicator/region/year/plan, station or section code, dust event); or
- a row naming it is refused again: the new quarantine row then ``replaces_id`` the old one,
  so the open list shows each problem once, with its latest reason.

*Export.* :func:`export_rows` turns quarantine rows into a file in the importable long layout
of their kind (``quarantine_id`` and ``reason`` columns added), for an official to correct
and re-import.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ecoplan.ingest.errors import IngestError
from ecoplan.model.cells import harden_workbook, safe_frame


def canonical_key(key: Any) -> str:
    """The one JSON spelling of a key (sorted, compact, UTF-8) used in quarantine and revision."""
    return json.dumps(key, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass
class QuarantinePlan:
    new: list[dict[str, Any]] = field(default_factory=list)
    resolve: set[int] = field(default_factory=set)


def plan_quarantine(
    open_rows: pd.DataFrame,
    records: list[dict[str, Any]],
    *,
    sha256: str,
    valid_qids: Iterable[int],
    matched_keys: set[str],
) -> QuarantinePlan:
    """Decide which refused *records* to insert and which open rows to resolve.

    *open_rows* are the unresolved quarantine rows of the kind
    (:func:`ecoplan.store.monitoring.open_quarantine`); *records* carry an optional ``_qid``
    (the ``quarantine_id`` the refused row named); *valid_qids* are ids named by valid rows;
    *matched_keys* the open keys for which the import holds a valid row.
    """
    plan = QuarantinePlan()
    open_ids = set(int(i) for i in open_rows["id"])
    plan.resolve |= {int(q) for q in valid_qids} & open_ids
    if matched_keys:
        hit = open_rows["key"].isin(list(matched_keys))
        plan.resolve |= set(int(i) for i in open_rows.loc[hit, "id"])
    replaces: dict[int, int] = {}
    for i, rec in enumerate(records):
        q = rec.get("_qid")
        if q is not None and int(q) in open_ids:
            replaces[i] = int(q)
    still_open = open_rows[~open_rows["id"].isin(list(plan.resolve | set(replaces.values())))]
    seen = set(
        zip(
            still_open["file_sha256"],
            _nullable(still_open["line"]),
            _nullable(still_open["column_name"]),
            still_open["reason_code"],
            strict=True,
        )
    )
    for i, rec in enumerate(records):
        sig = (sha256, rec["line"], rec["column_name"], rec["reason_code"])
        if i not in replaces and sig in seen:
            continue
        out = {k: v for k, v in rec.items() if not k.startswith("_")}
        out["replaces_id"] = replaces.get(i)
        plan.new.append(out)
    plan.resolve |= set(replaces.values())
    return plan


def _nullable(col: pd.Series) -> list[Any]:
    """Values with NaN/NA as ``None`` and integral floats as ``int`` (DB NULLs read back)."""
    out: list[Any] = []
    for v in col.astype(object).tolist():
        if v is None or (not isinstance(v, str) and pd.isna(v)):
            out.append(None)
        elif isinstance(v, float) and v.is_integer():
            out.append(int(v))
        else:
            out.append(v)
    return out


# --- export ------------------------------------------------------------------------------------

EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "air": ("station", "time", "pollutant", "value", "unit"),
    "forecast": ("region_code", "issue_date", "target_date", "aqi", "primary_pollutant"),
    "water": ("section", "date", "item", "value", "unit"),
    "indicators": ("indicator_code", "region_code", "year", "value", "unit", "plan_id", "note"),
    "stations": ("code", "name", "region_code", "longitude", "latitude", "kind"),
    "sections": (
        "code",
        "name",
        "water_body",
        "waterbody_type",
        "region_code",
        "target_class",
        "longitude",
        "latitude",
    ),
    "dust": ("region_code", "station_code", "start", "end", "note"),
}


def _export_fields(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The importable fields of one refused row, from its ``raw_row``."""
    if "text" in raw and len(raw) == 1:  # a malformed line: the official re-types it
        return {}
    if kind == "air" and "date" in raw:  # national layout cell → long layout row
        date, hour = raw.get("date") or "", raw.get("hour") or ""
        time = f"{date} {hour}".strip()
        if len(date) == 8 and date.isdigit() and hour.isdigit() and int(hour) < 24:
            time = f"{date[:4]}-{date[4:6]}-{date[6:]} {int(hour):02d}:00"
        return {
            "station": raw.get("station"),
            "time": time,
            "pollutant": raw.get("type"),
            "value": raw.get("value"),
        }
    return {k: raw.get(k) for k in EXPORT_COLUMNS[kind]}


def export_frame(kind: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Quarantine rows of one *kind* as a frame in that kind's importable long layout."""
    cols = [*EXPORT_COLUMNS[kind], "quarantine_id", "reason"]
    data = []
    for r in rows:
        raw = json.loads(r["raw_row"])
        d = dict.fromkeys(cols)
        d.update(_export_fields(kind, raw))
        d["quarantine_id"] = r["id"]
        src = f"{r['file_name']}:{r['line']}" if r["line"] is not None else r["file_name"]
        text = f" [{raw['text']}]" if "text" in raw and len(raw) == 1 else ""
        d["reason"] = f"{r['reason']} ({src}){text}"
        data.append(d)
    return pd.DataFrame(data, columns=cols)


def export_rows(kind: str, rows: list[dict[str, Any]], path: str | Path) -> int:
    """Write quarantine *rows* of *kind* to *path* (``.csv`` UTF-8 with BOM so Excel shows the
    Chinese, or ``.xlsx``); returns the number of rows written."""
    p = Path(path)
    df = export_frame(kind, rows)
    if p.suffix.lower() == ".csv":  # refused raw text is written as text (model.cells)
        safe_frame(df).to_csv(p, index=False, encoding="utf-8-sig")
    elif p.suffix.lower() == ".xlsx":
        with pd.ExcelWriter(p, engine="openpyxl") as writer:
            df.to_excel(writer, index=False, sheet_name="quarantine")
            harden_workbook(writer.book)
    else:
        raise IngestError(f"{p.name}: export to .csv or .xlsx")
    return len(df)
