"""Station and section registries (CSV/XLSX/Parquet).

Stations::

    code,name,region_code,longitude,latitude,kind[,synthetic][,source]
    1001A,呼和浩特市环境监测站,150102,111.67,40.82,national

``kind``: ``national`` (国控) | ``provincial`` (省控/区控) | ``micro`` (微站).

Sections::

    code,name,water_body,waterbody_type,region_code,target_class[,longitude,latitude,…]
    HH-01,小黑河入黄口,小黑河,river,150100,IV

``waterbody_type``: ``river`` (河流) | ``lake`` (湖库: lakes and reservoirs, GB 3838 treats them
alike); ``target_class`` I–V (Ⅲ, III类 and 3 are accepted).

Re-importing updates the rows whose fields changed and never duplicates a code. Optional
columns absent from the file keep their held values (new rows: ``synthetic`` false, the rest
empty); the batch that last wrote a row is in its ``batch_id``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.ingest.codes import STATION_KINDS, TARGET_CLASSES, WATERBODY_TYPES, _fold
from ecoplan.ingest.frames import OK, set_error
from ecoplan.ingest.records import RecordSpec, message
from ecoplan.ingest.tabular import (
    RawTable,
    parse_int,
    read_raw,
    resolve_header,
    text_series,
    to_float,
)
from ecoplan.store import monitoring

_COMMON: dict[str, tuple[str, ...]] = {
    "region_code": ("region", "地区代码", "行政区划代码", "区划代码", "地区编码"),
    "longitude": ("lon", "lng", "经度"),
    "latitude": ("lat", "纬度"),
    "synthetic": ("模拟", "模拟数据", "合成数据"),
    "source": ("来源", "数据来源"),
    "quarantine_id": ("隔离编号",),
}
STATION_SPEC: dict[str, tuple[str, ...]] = {
    "code": ("station_code", "站点编码", "站点代码", "监测点编码", "点位编码", "站点编号"),
    "name": ("station_name", "站点名称", "名称", "监测点名称", "点位名称"),
    "kind": ("type", "类型", "站点类型", "级别", "站点级别"),
    **_COMMON,
}
SECTION_SPEC: dict[str, tuple[str, ...]] = {
    "code": ("section_code", "断面编码", "断面代码", "断面编号"),
    "name": ("section_name", "断面名称", "名称"),
    "water_body": ("river", "河流", "水体", "所属水体", "所属河流", "河流名称"),
    "waterbody_type": ("type", "水体类型", "类型"),
    "target_class": ("target", "目标水质", "水质目标", "目标类别", "水质类别目标"),
    **_COMMON,
}
IGNORED = ("reason", "原因", "note", "备注", "region_name", "地区名称", "所属地区", "所属盟市")

_BOOL = {"true": True, "1": True, "是": True, "yes": True, "y": True, "t": True}
_BOOL |= {"false": False, "0": False, "否": False, "no": False, "n": False, "f": False, "": False}


def _loader(kind: str) -> Any:
    def load(ses: Any) -> pd.DataFrame:
        return monitoring.registry_frame(ses, kind).rename(
            columns={"lon": "longitude", "lat": "latitude"}
        )

    return load


def _writer(kind: str) -> Any:
    def write(ses: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
        ren = {"longitude": "lon", "latitude": "lat"}
        monitoring.write_registry(
            ses,
            kind,
            [{ren.get(k, k): v for k, v in r.items()} for r in inserts],
            [{ren.get(k, k): v for k, v in r.items()} for r in updates],
        )

    return write


def record_spec(kind: str, present: set[str]) -> RecordSpec:
    """The record spec of ``stations`` / ``sections``, comparing only the fields the file has
    (absent columns keep their held values)."""
    names = (
        ("name", "region_code", "longitude", "latitude", "kind", "synthetic", "source")
        if kind == "stations"
        else (
            "name",
            "water_body",
            "waterbody_type",
            "region_code",
            "target_class",
            "longitude",
            "latitude",
            "synthetic",
            "source",
        )
    )
    return RecordSpec(
        kind=kind,
        keys=("code",),
        fields=tuple(f for f in names if f in present),
        numeric=("longitude", "latitude"),
        pk="code",
        load=_loader(kind),
        write=_writer(kind),
    )


def parse_registry(
    raw: RawTable, kind: str, regions: set[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse and validate a station (``kind="stations"``) or section registry file."""
    spec = STATION_SPEC if kind == "stations" else SECTION_SPEC
    required = (
        ("code", "name", "region_code", "kind")
        if kind == "stations"
        else ("code", "name", "waterbody_type", "region_code")
    )
    cols = resolve_header(
        raw, spec, required=required, ignored=IGNORED, layout=f"{kind[:-1]} registry"
    )
    n = raw.num_rows
    t = raw.table
    err = np.full(n, OK, dtype=np.int8)
    ecol = np.full(n, -1, dtype=np.int32)
    data: dict[str, Any] = {}
    for f in ("code", "name"):
        data[f] = text_series(t.column(cols[f]))
        set_error(err, ecol, data[f].isna().to_numpy(), "missing_field", cols[f])
    region = text_series(t.column(cols["region_code"])).str.replace(r"\.0$", "", regex=True)
    data["region_code"] = region
    set_error(
        err, ecol, ~region.isin(list(regions)).to_numpy(), "unknown_region", cols["region_code"]
    )
    if kind == "stations":
        kt = text_series(t.column(cols["kind"]))
        data["kind"] = kt.map(lambda x: STATION_KINDS.get(_fold(x)), na_action="ignore")
        set_error(err, ecol, data["kind"].isna().to_numpy(), "bad_value", cols["kind"])
    else:
        wt = text_series(t.column(cols["waterbody_type"]))
        data["waterbody_type"] = wt.map(lambda x: WATERBODY_TYPES.get(_fold(x)), na_action="ignore")
        set_error(
            err, ecol, data["waterbody_type"].isna().to_numpy(), "bad_value", cols["waterbody_type"]
        )
        if "water_body" in cols:
            data["water_body"] = text_series(t.column(cols["water_body"]))
        if "target_class" in cols:
            tc = text_series(t.column(cols["target_class"]))
            folded = tc.map(
                lambda x: TARGET_CLASSES.get(_fold(x).removesuffix("类")), na_action="ignore"
            )
            data["target_class"] = folded
            set_error(
                err,
                ecol,
                (tc.notna() & folded.isna()).to_numpy(),
                "bad_value",
                cols["target_class"],
            )
    for f, lim in (("longitude", 180.0), ("latitude", 90.0)):
        if f in cols:
            v, present, bad = to_float(t.column(cols[f]))
            data[f] = v
            set_error(err, ecol, bad, "non_numeric", cols[f])
            with np.errstate(invalid="ignore"):
                set_error(err, ecol, present & (np.abs(v) > lim), "implausible", cols[f])
    if "synthetic" in cols:
        st = text_series(t.column(cols["synthetic"])).fillna("")
        mapped = st.map(lambda x: _BOOL.get(_fold(x)))
        data["synthetic"] = mapped.fillna(False).astype(bool)
        set_error(err, ecol, mapped.isna().to_numpy(), "bad_value", cols["synthetic"])
    if "source" in cols:
        data["source"] = text_series(t.column(cols["source"]))
    frame = pd.DataFrame(data)
    if "quarantine_id" in cols:
        q, ok = parse_int(text_series(t.column(cols["quarantine_id"])).fillna(""), 1, 2**31)
        qa = pd.array(q, dtype="Int64")
        qa[~ok] = pd.NA
        frame["quarantine_id"] = qa
    frame["line"] = raw.lines
    frame["src_row"] = np.arange(n)
    frame["error"] = err
    frame["error_col"] = ecol
    meta = {
        "layout": kind,
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
        "present": set(cols),
    }
    return frame, meta


def read_stations(path: str | Path, regions: set[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a station registry file → ``(frame, meta)`` (validated against *regions*)."""
    return parse_registry(read_raw(path), "stations", regions)


def read_sections(path: str | Path, regions: set[str]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a section registry file → ``(frame, meta)`` (validated against *regions*)."""
    return parse_registry(read_raw(path), "sections", regions)


def registry_message(code: str, info: dict[str, Any]) -> str:
    raw = info.get("raw_value")
    details = {
        "missing_field": f"{info.get('column')} is empty",
        "unknown_region": f"{raw!r} is not a GB/T 2260 region code of Inner Mongolia",
        "bad_value": f"{info.get('column')} = {raw!r} is not one of the allowed values",
        "non_numeric": f"{info.get('column')} = {raw!r}",
        "implausible": f"{info.get('column')} = {raw!r} is not a coordinate",
        "conflicting_duplicate": f"code {info.get('code')} appears with different fields",
    }
    return message(code, details.get(code, repr(raw)))
