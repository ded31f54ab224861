"""Yearly indicator values reported by regions (CSV/XLSX/Parquet; the template of
:mod:`ecoplan.ingest.template`).

Layout (English or Chinese headers; the template writes ``指标代码 indicator_code`` …)::

    indicator_code,region_code,year,value[,unit][,plan_id][,note]
    IM14-PM25,150100,2023,31.2,µg/m³,im-14fyp-eco,2023年环境质量公报

Rules: the indicator code must belong to a plan held (table ``indicator``); without
``plan_id`` it must belong to exactly one plan (else the row is refused as ambiguous); the
region must be a held GB/T 2260 code; the year between 1949 and this year (values are
observations, never targets); a ``unit`` cell, when given, must equal the indicator's unit.
Negative values are allowed (rates of change). A row without a value is counted as missing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecoplan.ingest.codes import canonical_unit
from ecoplan.ingest.frames import OK, set_error
from ecoplan.ingest.indicator_rules import Rule, aggregation_of, apply_rules, load_rules
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

SPEC: dict[str, tuple[str, ...]] = {
    "indicator_code": ("indicator", "指标代码", "指标编码", "指标编号"),
    "region_code": ("region", "地区代码", "行政区划代码", "区划代码", "地区编码"),
    "year": ("年份", "年度", "年"),
    "value": ("数值", "指标值", "值", "实际值"),
    "unit": ("单位", "计量单位"),
    "plan_id": ("plan", "规划", "规划代码", "规划编号"),
    "note": ("source_note", "备注", "说明", "数据来源"),
    "quarantine_id": ("隔离编号",),
}
IGNORED = (
    "reason",
    "原因",
    "indicator_name",
    "指标名称",
    "region_name",
    "地区名称",
)
FIRST_YEAR = 1949


def _load(ses: Any) -> pd.DataFrame:
    df = monitoring.indicator_values_frame(ses)
    df = df[df["source_kind"] == "imported"]
    return df.rename(columns={"source_note": "note"})


def _write(ses: Any, inserts: list[dict[str, Any]], updates: list[dict[str, Any]]) -> None:
    def conv(r: dict[str, Any]) -> dict[str, Any]:
        return {("source_note" if k == "note" else k): v for k, v in r.items()}

    monitoring.write_indicator_values(
        ses, [conv(r) | {"source_kind": "imported"} for r in inserts], [conv(r) for r in updates]
    )


RECORD_SPEC = RecordSpec(
    kind="indicators",
    keys=("indicator_code", "region_code", "year", "plan_id"),
    fields=("value", "unit", "note"),
    numeric=("value",),
    pk="id",
    load=_load,
    write=_write,
    revision_field="value",
)


def parse_indicators(
    raw: RawTable,
    catalog: pd.DataFrame,
    regions: set[str],
    *,
    this_year: int | None = None,
    rules: list[Rule] | None = None,
    history: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Parse and validate an indicator-value file against *catalog*
    (:func:`ecoplan.store.monitoring.indicator_catalog`) and *regions*, then against the
    validation *rules* (default: the shipped ``validation_rules.yaml``; ``[]`` for none) with
    the values held (*history*: :func:`ecoplan.store.monitoring.indicator_values_frame`) for
    the year-on-year and part ≤ whole rules (:mod:`ecoplan.ingest.indicator_rules`)."""
    cols = resolve_header(
        raw,
        SPEC,
        required=("indicator_code", "region_code", "year", "value"),
        ignored=IGNORED,
        layout="indicator-value",
    )
    this_year = this_year or date.today().year
    t = raw.table
    n = raw.num_rows
    code = text_series(t.column(cols["indicator_code"]))
    region = text_series(t.column(cols["region_code"])).str.replace(r"\.0$", "", regex=True)
    year, year_ok = parse_int(text_series(t.column(cols["year"])).fillna(""), FIRST_YEAR, this_year)
    value, present, non_numeric = to_float(t.column(cols["value"]))
    plan = (
        text_series(t.column(cols["plan_id"]))
        if "plan_id" in cols
        else pd.Series(pd.NA, index=range(n), dtype="str")
    )
    unit = (
        text_series(t.column(cols["unit"]))
        if "unit" in cols
        else pd.Series(pd.NA, index=range(n), dtype="str")
    )

    # plan resolution, vectorised: rows with a plan look (plan, code) up; rows without one take
    # the only plan that has the code
    per_code = catalog.groupby("code")["plan_id"].agg(["count", "first"])
    n_plans = code.map(per_code["count"]).fillna(0).to_numpy()
    only_plan = code.map(per_code["first"])
    given = plan.notna().to_numpy()
    plan_final = plan.where(plan.notna(), only_plan.where(n_plans == 1))
    known_pairs = pd.MultiIndex.from_frame(catalog[["plan_id", "code"]])
    pair = pd.MultiIndex.from_arrays([plan_final.astype(object), code.astype(object)])
    pair_known = pair.isin(known_pairs)
    plan_known = plan.isin(list(catalog["plan_id"].unique())).to_numpy()
    unit_of = catalog.set_index(["plan_id", "code"])["unit"]
    ind_unit = pd.Series(unit_of.reindex(pair).to_numpy(), index=code.index)

    err = np.full(n, OK, dtype=np.int8)
    ecol = np.full(n, -1, dtype=np.int32)
    ci, ri = cols["indicator_code"], cols["region_code"]
    set_error(err, ecol, code.isna().to_numpy(), "missing_field", ci)
    set_error(err, ecol, n_plans == 0, "unknown_indicator", ci)
    if "plan_id" in cols:
        set_error(err, ecol, given & ~plan_known, "unknown_plan", cols["plan_id"])
    set_error(err, ecol, ~given & (n_plans > 1), "ambiguous_indicator", ci)
    set_error(err, ecol, ~pair_known, "unknown_indicator", ci)
    set_error(err, ecol, ~region.isin(list(regions)).to_numpy(), "unknown_region", ri)
    set_error(err, ecol, ~year_ok, "bad_year", cols["year"])
    set_error(err, ecol, non_numeric, "non_numeric", cols["value"])
    if "unit" in cols:
        mismatch = unit.notna().to_numpy() & (
            unit.map(canonical_unit, na_action="ignore").to_numpy(dtype=object)
            != ind_unit.map(canonical_unit, na_action="ignore").to_numpy(dtype=object)
        )
        set_error(err, ecol, mismatch, "unit_mismatch", cols["unit"])

    rows = np.flatnonzero(present)
    frame = pd.DataFrame(
        {
            "indicator_code": code.astype(object),
            "region_code": region.astype(object),
            "year": year,
            "plan_id": plan_final.astype(object),
            "value": value,
            "unit": ind_unit.astype(object),
            "note": (
                text_series(t.column(cols["note"])).astype(object)
                if "note" in cols
                else pd.Series(None, index=range(n), dtype=object)
            ),
            "given_unit": unit.astype(object),
            "line": raw.lines,
            "src_row": np.arange(n),
            "error": err,
            "error_col": ecol,
        }
    )
    checks = load_rules() if rules is None else rules
    frame["rule_msg"] = apply_rules(
        frame, err, ecol, rules=checks, aggregation=aggregation_of(frame, catalog),
        history=history, value_col=cols["value"],
    )  # fmt: skip
    frame["error"], frame["error_col"] = err, ecol
    if "quarantine_id" in cols:
        q, ok = parse_int(text_series(t.column(cols["quarantine_id"])).fillna(""), 1, 2**31)
        qa = pd.array(q, dtype="Int64")
        qa[~ok] = pd.NA
        frame["quarantine_id"] = qa
    frame = frame.iloc[rows].reset_index(drop=True)
    meta = {
        "layout": "indicators",
        "file_name": raw.file_name,
        "sha256": raw.sha256,
        "raw": raw,
        "fields": {k: v for k, v in cols.items() if k != "quarantine_id"},
        "missing": int(n - rows.size),
    }
    return frame, meta


def read_indicators(
    path: str | Path, catalog: pd.DataFrame, regions: set[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read an indicator-value file → ``(frame, meta)``."""
    return parse_indicators(read_raw(path), catalog, regions)


def indicator_message(code: str, info: dict[str, Any]) -> str:
    raw = info.get("raw_value")
    details = {
        "missing_field": f"{info.get('column')} is empty",
        "unknown_indicator": f"{raw!r} is not an indicator of "
        + (f"plan {info['plan_id']}" if info.get("plan_id") else "any plan held")
        + " (ecoplan plan show ID lists them)",
        "unknown_plan": f"{raw!r} is not a plan held (ecoplan plan list)",
        "ambiguous_indicator": f"{raw!r} belongs to several plans: give plan_id",
        "unknown_region": f"{raw!r} is not a GB/T 2260 region code held",
        "bad_year": f"{raw!r} (a year {FIRST_YEAR}–{date.today().year})",
        "non_numeric": f"{raw!r}",
        "unit_mismatch": f"{info.get('indicator_code')} is in {info.get('unit')!r}; "
        f"the file says {raw!r}",
        "rule_violation": str(info.get("rule_msg") or ""),
        "explanation_required": f"{info.get('rule_msg') or ''}（软规则：在备注中填写说明后可导入）",
        "conflicting_duplicate": f"{info.get('indicator_code')} {info.get('region_code')} "
        f"{info.get('year')} appears with different values",
    }
    return message(code, details.get(code, repr(raw)))
