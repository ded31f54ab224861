"""Validation rules of reported indicator values, as data (``ecoplan/data/validation_rules.yaml``;
docs/validation.md) — the DHIS2 idea of validation rules, applied when a file of yearly
indicator values is imported:

* ``range`` — min/max by unit prefix, aggregation type or indicator (a share within 0–100, a
  total never negative);
* ``max_yoy`` — the largest relative change from the region's previous-year value (file or
  database) allowed without an explanation;
* ``part_le_whole`` — a part (closed items) never above its whole (all items), same region
  and year.

A **hard** rule refuses the row (reason ``rule_violation``, the rule's id and message); a
**soft** one accepts it only when the row's note (备注/说明) explains it, else refuses it asking
for one (``explanation_required``). Everything is vectorised over the file's rows.

:func:`outliers` flags values far from the region's own history (z-score) for review.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import yaml

from ecoplan.ingest.frames import ERR, OK, set_error
from ecoplan.model.aggregation import default_aggregation

KINDS = ("range", "max_yoy", "part_le_whole")
SEVERITIES = ("hard", "soft")


class RuleFileError(ValueError):
    """A validation-rule file that cannot be used (names the file, rule and field)."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    severity: str
    message_zh: str
    unit_prefix: tuple[str, ...] = ()
    exclude_unit_prefix: tuple[str, ...] = ()
    aggregation: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_change_rel: float | None = None
    pairs: tuple[tuple[str, str], ...] = ()

    def applies(self, code: pd.Series, unit: pd.Series, agg: pd.Series) -> npt.NDArray[np.bool_]:
        """Rows of (*code*, *unit*, *agg*) the rule covers (any listed selector matches)."""
        u = unit.fillna("").astype(str).str.strip()
        m = np.zeros(len(code), dtype=bool)
        if self.unit_prefix:
            m |= u.str.startswith(self.unit_prefix).to_numpy()
        if self.aggregation:
            m |= agg.isin(list(self.aggregation)).to_numpy()
        if self.indicators:
            m |= code.isin(list(self.indicators)).to_numpy()
        if self.exclude_unit_prefix:
            m &= ~u.str.startswith(self.exclude_unit_prefix).to_numpy()
        return m


_FIELDS = set(Rule.__dataclass_fields__)


def load_rules(path: str | Path | None = None) -> list[Rule]:
    """Read the rules (default: the shipped ``validation_rules.yaml``)."""
    if path is None:
        where = "ecoplan/data/validation_rules.yaml"
        text = (resources.files("ecoplan.data") / "validation_rules.yaml").read_text("utf-8")
    else:
        where, text = str(path), Path(path).read_text("utf-8")
    data = yaml.safe_load(text) or {}
    out: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(data.get("rules", [])):
        at = f"{where}: rules[{i}]" + (f"({r.get('id')})" if isinstance(r, dict) else "")
        if not isinstance(r, dict):
            raise RuleFileError(f"{at}: a rule is a mapping")
        extra = set(r) - _FIELDS
        if extra:
            raise RuleFileError(f"{at}: unknown field(s) {sorted(extra)}")
        for f in ("id", "kind", "severity", "message_zh"):
            if not r.get(f):
                raise RuleFileError(f"{at}: {f} is required")
        if r["kind"] not in KINDS:
            raise RuleFileError(f"{at}: kind must be one of {KINDS}")
        if r["severity"] not in SEVERITIES:
            raise RuleFileError(f"{at}: severity must be one of {SEVERITIES}")
        if r["id"] in seen:
            raise RuleFileError(f"{at}: id used twice")
        seen.add(r["id"])
        if r["kind"] == "max_yoy" and not (r.get("max_change_rel") or 0) > 0:
            raise RuleFileError(f"{at}: max_yoy needs max_change_rel > 0")
        if r["kind"] == "range" and r.get("min") is None and r.get("max") is None:
            raise RuleFileError(f"{at}: a range needs min or max")
        if r["kind"] == "part_le_whole" and not r.get("pairs"):
            raise RuleFileError(f"{at}: part_le_whole needs pairs [[part, whole], …]")
        kw: dict[str, Any] = dict(r)
        for f in ("unit_prefix", "exclude_unit_prefix", "aggregation", "indicators"):
            kw[f] = tuple(kw.get(f) or ())
        kw["pairs"] = tuple((str(a), str(b)) for a, b in kw.get("pairs") or ())
        out.append(Rule(**kw))
    return out


def _key(df: pd.DataFrame, year_shift: int = 0) -> pd.MultiIndex:
    return pd.MultiIndex.from_arrays(
        [
            df["indicator_code"].astype(str).to_numpy(),
            df["region_code"].astype(str).to_numpy(),
            (
                pd.to_numeric(df["year"], errors="coerce").fillna(-1).astype(int) + year_shift
            ).to_numpy(),
        ]
    )


def apply_rules(
    frame: pd.DataFrame,
    err: npt.NDArray[np.int8],
    ecol: npt.NDArray[np.int32],
    *,
    rules: list[Rule],
    aggregation: pd.Series,
    history: pd.DataFrame | None,
    value_col: int,
) -> npt.NDArray[np.object_]:
    """Check *frame*'s rows (parse_indicators' frame over all file rows) against *rules*;
    sets ``err``/``ecol`` in place and returns the message of each violated rule per row."""
    n = len(frame)
    msg = np.full(n, None, dtype=object)
    if n == 0 or not rules:
        return msg
    v = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    code, unit = frame["indicator_code"].astype(str), frame["unit"]
    note = frame["note"].fillna("").astype(str).str.strip().to_numpy() != ""
    # the values known for (indicator, region, year): this file's valid rows, then the database
    mine = frame.loc[err == OK, ["indicator_code", "region_code", "year", "value"]]
    known = mine
    if history is not None and len(history):
        known = pd.concat([mine, history[["indicator_code", "region_code", "year", "value"]]])
    known = known[pd.to_numeric(known["value"], errors="coerce").notna()]
    lookup = pd.Series(known["value"].astype(float).to_numpy(), index=_key(known))
    lookup = lookup[~lookup.index.duplicated(keep="first")]
    cols4 = ["indicator_code", "region_code", "year", "value"]
    held = history[cols4] if history is not None and len(history) else mine.iloc[:0]
    held = held[pd.to_numeric(held["value"], errors="coerce").notna()]  # the database's only
    held_lookup = pd.Series(held["value"].astype(float).to_numpy(), index=_key(held))
    held_lookup = held_lookup[~held_lookup.index.duplicated(keep="first")]

    def flag(rule: Rule, mask: npt.NDArray[np.bool_], detail: pd.Series | None = None) -> None:
        mask = mask & (err == OK)
        if rule.severity == "soft":
            accepted = mask & note
            mask = mask & ~note
            text = f"{rule.id}：{rule.message_zh}（已说明）"
            msg[accepted] = text
            code_ = "explanation_required"
        else:
            code_ = "rule_violation"
        if not mask.any():
            return
        base = f"{rule.id}：{rule.message_zh}"
        msg[mask] = base if detail is None else (base + detail[mask]).to_numpy()
        set_error(err, ecol, mask, code_, value_col)

    for rule in rules:
        covers = rule.applies(code, unit, aggregation)
        if rule.kind == "range":
            bad = np.zeros(n, dtype=bool)
            with np.errstate(invalid="ignore"):
                if rule.min is not None:
                    bad |= v < rule.min
                if rule.max is not None:
                    bad |= v > rule.max
            flag(rule, covers & bad, pd.Series([f"（{x:g}）" for x in v]))
        elif rule.kind == "max_yoy":
            prev = lookup.reindex(_key(frame, -1)).to_numpy(dtype=float)
            with np.errstate(invalid="ignore", divide="ignore"):
                rel = np.abs(v - prev) / np.abs(prev)
            bad = covers & np.isfinite(rel) & (prev != 0) & (rel > (rule.max_change_rel or 0))
            detail = pd.Series(
                [
                    f"（上年{p:g}→{x:g}，{r:+.0%}）" if np.isfinite(r) else ""
                    for p, x, r in zip(prev, v, np.sign(v - prev) * rel, strict=True)
                ]
            )
            flag(rule, bad, detail)
        else:
            for part, whole in rule.pairs:
                for mine_code, other, sign in ((part, whole, 1), (whole, part, -1)):
                    rows = (code == mine_code).to_numpy()
                    if not rows.any():
                        continue
                    shifted = frame.assign(indicator_code=other)
                    # a part is checked against the whole of the file or the database; a
                    # whole only against parts held (a bad part in the same file is refused
                    # itself, the whole is kept)
                    src = lookup if sign > 0 else held_lookup
                    o = src.reindex(_key(shifted)).to_numpy(dtype=float)
                    with np.errstate(invalid="ignore"):
                        bad = rows & np.isfinite(o) & (sign * (v - o) > 1e-9)
                    detail = pd.Series(
                        [
                            f"（{part} {a:g} > {whole} {b:g}）"
                            for a, b in zip(*((v, o) if sign > 0 else (o, v)), strict=True)
                        ]
                    )
                    flag(rule, bad, detail)
    return msg


def aggregation_of(frame: pd.DataFrame, catalog: pd.DataFrame) -> pd.Series:
    """Each row's aggregation type: the catalog's (explicit or resolved) else the default
    rule by unit."""
    if "aggregation" in catalog.columns:
        agg = catalog.set_index(["plan_id", "code"])["aggregation"]
        agg = agg[~agg.index.duplicated()]
        pair = pd.MultiIndex.from_arrays(
            [frame["plan_id"].astype(object), frame["indicator_code"].astype(object)]
        )
        got = pd.Series(agg.reindex(pair).to_numpy(), index=frame.index)
    else:
        got = pd.Series(None, index=frame.index, dtype=object)
    fallback = frame["unit"].fillna("").astype(str).map(lambda u: default_aggregation(u).value)
    return got.where(got.notna(), fallback)


def outliers(values: pd.DataFrame, *, z: float = 3.0, min_history: int = 4) -> pd.DataFrame:
    """Values far from their region's own history: for each indicator × region × year, the
    z-score of the value against the mean and standard deviation (ddof 1) of that region's
    values of the *other* years; flagged when |z| > *z* and at least *min_history* other years
    exist. Returns the flagged rows with ``mean``, ``std``, ``z``."""
    cols = ["indicator_code", "region_code", "year", "value"]
    df = values[cols].dropna().copy()
    df["value"] = df["value"].astype(float)
    g = df.groupby(["indicator_code", "region_code"])["value"]
    n = g.transform("count")
    s1 = g.transform("sum")
    s2 = g.transform(lambda x: (x * x).sum())
    k = n - 1  # the other years
    mean = (s1 - df["value"]) / k
    var = ((s2 - df["value"] ** 2) - k * mean**2) / (k - 1)
    std = np.sqrt(var.clip(lower=0))
    with np.errstate(invalid="ignore", divide="ignore"):
        zz = (df["value"] - mean) / std
    df = df.assign(mean=mean, std=std, z=zz)
    keep = (k >= min_history) & (std > 0) & (zz.abs() > z)
    return df[keep].reset_index(drop=True)


__all__ = ["ERR", "Rule", "apply_rules", "load_rules", "outliers"]
