"""Target allocation (目标分解): the leagues'/counties' shares of a plan's regional targets.

``ecoplan allocation template --plan P --out F.xlsx`` writes one row per indicator × target
year × comparator of the plan region's numeric targets, with the region's target and one
column per subdivision (the 12 leagues/cities of a regional plan, the counties of a city
plan); ``ecoplan allocation import F.xlsx --plan P`` validates and loads it, all or nothing
(docs/allocation.md):

* every cell: a number or blank; never negative for a total; within 0–100 for a ``%`` unit;
* **additive / count** indicators (``ecoplan.model.aggregation.SUMMABLE``): all subdivisions
  or none, and their sum equals the region's target (within ``SUM_TOLERANCE``·max(1, |T|)),
  else the report names the row, the sum, the target and the difference;
* ratio / mean / max: any subset; a subdivision left blank keeps the region's target
  (inherited, the row says so) — the assessment's rule;
* qualitative indicators have no numeric target to allocate.

An import replaces, for each indicator × year × comparator in the file, the allocations held
before (a blank cell removes one), and is audited as ``allocation.import``.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ecoplan.model.aggregation import SUMMABLE, Aggregation, resolve
from ecoplan.model.regions import children, get_region
from ecoplan.store import audit
from ecoplan.store import schema as s
from ecoplan.store.schema_reporting import TargetAllocation

SHEET = "目标分解 allocation"
FIXED: tuple[tuple[str, str], ...] = (
    ("指标代码", "indicator_code"),
    ("指标名称", "name_zh"),
    ("单位", "unit"),
    ("汇总方式", "aggregation"),
    ("目标年", "year"),
    ("比较符", "comparator"),
    ("全区目标", "region_target"),
)
#: Relative tolerance of "the allocations add up to the region's target".
SUM_TOLERANCE = 1e-6
_CODE = re.compile(r"^\s*(\d{6})")


class AllocationError(ValueError):
    """An allocation file that cannot be loaded; ``errors`` lists (row, column, reason)."""

    def __init__(self, path: str, errors: list[tuple[int | None, str | None, str]]):
        self.path = path
        self.errors = errors
        lines = "\n".join(
            f"  {path}" + (f" 第{r}行" if r else "") + (f" 列「{c}」" if c else "") + f"：{m}"
            for r, c, m in errors
        )
        super().__init__(f"{path}: {len(errors)} 处错误 error(s)\n{lines}")


@dataclass(frozen=True)
class SumCheck:
    """Whether allocated *parts* add up to *total* (additive indicators)."""

    ok: bool
    total: float
    allocated: float
    difference: float  # allocated − total


def check_sum(total: float, parts: Sequence[float], tolerance: float = SUM_TOLERANCE) -> SumCheck:
    """Σ *parts* (math.fsum) against *total*: equal within ``tolerance``·max(1, |total|)."""
    got = math.fsum(parts)
    diff = got - total
    return SumCheck(abs(diff) <= tolerance * max(1.0, abs(total)), total, got, diff)


def subdivisions(plan: s.Plan) -> list[str]:
    """The regions a plan's targets are allocated to: the plan region's direct subdivisions."""
    return [c.code for c in children(plan.region_code)]


def regional_targets(plan: s.Plan) -> list[tuple[s.Indicator, s.Target, Aggregation]]:
    """The plan region's numeric targets that can be allocated (not qualitative)."""
    out: list[tuple[s.Indicator, s.Target, Aggregation]] = []
    for ind in plan.indicators:
        agg = resolve(ind.aggregation, ind.unit, ind.derivation)
        if agg is Aggregation.QUALITATIVE:
            continue
        for t in ind.targets:
            if t.region_code == plan.region_code:
                out.append((ind, t, agg))
    return out


def write_template(path: str | Path, plan: s.Plan, held: Mapping[tuple[str, str, int, str], float]
                   | None = None) -> Path:  # fmt: skip
    """Write the allocation template of *plan* (with the allocations *held* filled in)."""
    p = Path(path)
    kids = subdivisions(plan)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(
        [f"{zh} {code}" for zh, code in FIXED] + [f"{k} {get_region(k).name_zh}" for k in kids]
    )
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    for ind, t, agg in regional_targets(plan):
        vals = [(held or {}).get((ind.code, k, t.year, t.comparator)) for k in kids]
        ws.append([ind.code, ind.name_zh, ind.unit, agg.name_zh, t.year, t.comparator, t.value,
                   *vals])  # fmt: skip
    ws.freeze_panes = "H2"
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 36
    note = wb.create_sheet("说明 notes")
    for line in (
        "每行是全区（全市）一个目标年的数值目标；在各盟市（旗县）列填写分解目标，不分解的留空。",
        "总量（可加）和计数类指标：各列须全部填写，且合计等于全区目标；否则整个文件不导入。",
        "比率/占比、均值、最大值类指标：可只填部分地区；留空的地区沿用全区目标（评估页面注明）。",
        "百分比不得超出0–100；总量不得为负。导入：ecoplan allocation import 文件 --plan 规划代码",
    ):
        note.append([line])
    note.column_dimensions["A"].width = 100
    wb.save(p)
    return p


@dataclass
class AllocationRow:
    indicator_code: str
    region_code: str
    year: int
    comparator: str
    value: float
    kind: str


@dataclass
class Parsed:
    rows: list[AllocationRow] = field(default_factory=list)
    keys: set[tuple[str, int, str]] = field(default_factory=set)  # indicator × year × cmp


def _num(v: Any) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise ValueError("不是数值")
    try:
        x = float(str(v).strip().replace(",", "")) if isinstance(v, str) else float(v)
    except ValueError:
        raise ValueError(f"不是数值：{v!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"不是有限数值：{v!r}")
    return x


def parse_allocation(path: str | Path, plan: s.Plan) -> Parsed:
    """Read and validate an allocation workbook against *plan* (module docstring); raise
    :class:`AllocationError` listing every problem (row, column, reason)."""
    p = Path(path)
    name = p.name
    try:
        wb = load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise AllocationError(name, [(None, None, f"不是可读的 .xlsx 文件：{exc}")]) from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    if not rows:
        raise AllocationError(name, [(None, None, "文件为空")])
    header = [str(h or "").strip() for h in rows[0]]
    errors: list[tuple[int | None, str | None, str]] = []
    kids = set(subdivisions(plan))
    col_region: dict[int, str] = {}
    for i, h in enumerate(header[len(FIXED) :], start=len(FIXED)):
        m = _CODE.match(h)
        if not m:
            if h:
                errors.append((1, h, "列名须以地区代码开头，如“150100 呼和浩特市”"))
            continue
        if m.group(1) not in kids:
            errors.append(
                (1, h, f"{m.group(1)} 不是{get_region(plan.region_code).name_zh}的下级地区")
            )
            continue
        col_region[i] = m.group(1)
    targets = {
        (ind.code, t.year, t.comparator): (ind, t, agg) for ind, t, agg in regional_targets(plan)
    }
    out = Parsed()
    for r, raw in enumerate(rows[1:], start=2):
        if raw is None or all(v is None or str(v).strip() == "" for v in raw):
            continue
        cells = list(raw) + [None] * (len(header) - len(raw))
        code = str(cells[0] or "").strip()
        try:
            year = int(float(cells[4])) if cells[4] is not None else None
        except (TypeError, ValueError):
            year = None
        cmp_ = str(cells[5] or "").strip()
        key = (code, year or 0, cmp_)
        if key not in targets:
            errors.append((r, "指标代码/目标年/比较符",
                           f"{code} {year} {cmp_} 不是本规划全区（全市）的数值目标"))  # fmt: skip
            continue
        ind, t, agg = targets[key]
        if key in out.keys:
            errors.append((r, "指标代码", f"{code} {year} {cmp_} 重复出现"))
            continue
        try:
            region_target = _num(cells[6])
        except ValueError as exc:
            errors.append((r, "全区目标", str(exc)))
            continue
        if region_target is not None and region_target != t.value:
            errors.append(
                (r, "全区目标", f"{region_target:g} 与规划目标 {t.value:g} 不一致（模板过期？）")
            )
        values: dict[str, float] = {}
        for i, region in col_region.items():
            try:
                v = _num(cells[i] if i < len(cells) else None)
            except ValueError as exc:
                errors.append((r, header[i], str(exc)))
                continue
            if v is None:
                continue
            if agg in SUMMABLE and v < 0:
                errors.append((r, header[i], f"总量不得为负：{v:g}"))
            if ind.unit.strip().startswith("%") and not 0 <= v <= 100:
                errors.append((r, header[i], f"百分比须在0–100之间：{v:g}"))
            values[region] = v
        if agg in SUMMABLE and values:
            missing = [k for k in subdivisions(plan) if k not in values]
            if missing:
                names = "、".join(get_region(k).name_zh for k in missing)
                errors.append((r, None, f"{agg.name_zh}指标须分解到全部下级地区，缺：{names}"))
            else:
                chk = check_sum(t.value, list(values.values()))
                if not chk.ok:
                    msg = (
                        f"{code}（{ind.name_zh}）{year}年：分解合计 {chk.allocated:g} ≠ "
                        f"全区目标 {t.value:g}（差 {chk.difference:+g} {ind.unit}）"
                    )
                    errors.append((r, None, msg))
        out.keys.add(key)
        out.rows += [
            AllocationRow(code, region, t.year, t.comparator, v, t.kind)
            for region, v in values.items()
        ]
    if errors:
        raise AllocationError(name, errors)
    return out


def import_allocation(
    session: Session, path: str | Path, plan: s.Plan, actor: audit.Actor
) -> dict[str, Any]:
    """Validate and load an allocation file (inside the caller's transaction); returns counts."""
    p = Path(path)
    parsed = parse_allocation(p, plan)
    sha = hashlib.sha256(p.read_bytes()).hexdigest()
    ta = TargetAllocation
    removed = 0
    for code, year, cmp_ in sorted(parsed.keys):
        res = session.execute(
            delete(ta).where(
                ta.plan_id == plan.id, ta.indicator_code == code, ta.year == year,
                ta.comparator == cmp_,
            )
        )  # fmt: skip
        removed += int(getattr(res, "rowcount", 0) or 0)
    now = datetime.now().replace(microsecond=0)
    who = actor.username or "system"
    session.add_all(
        ta(
            plan_id=plan.id, indicator_code=r.indicator_code, region_code=r.region_code,
            year=r.year, comparator=r.comparator, value=r.value, kind=r.kind,
            file_name=p.name, file_sha256=sha, created_by=who, created_at=now,
        )
        for r in parsed.rows
    )  # fmt: skip
    session.flush()
    summary = {"plan_id": plan.id, "file": p.name, "sha256": sha, "targets": len(parsed.keys),
               "allocations": len(parsed.rows), "replaced": removed}  # fmt: skip
    audit.record(session, actor, action="allocation.import", entity="target_allocation",
                 entity_id=plan.id, after=summary)  # fmt: skip
    return summary


@dataclass(frozen=True)
class MatrixRow:
    label: str
    cells: list[str]


@dataclass(frozen=True)
class Matrix:
    region_names: list[str]
    rows: list[MatrixRow]


def allocation_matrix(plan: s.Plan, held: Mapping[tuple[str, str], Sequence[Any]]) -> Matrix:
    """What each subdivision gets per regional target: its allocation, 沿用 (the region's
    target is inherited: shares, means, maxima) or — (a total not allocated: not assessed)."""
    kids = subdivisions(plan)
    rows: list[MatrixRow] = []
    for ind, t, agg in regional_targets(plan):
        cells = []
        for k in kids:
            mine = [a for a in held.get((ind.code, k), []) if a.year == t.year
                    and a.comparator == t.comparator]  # fmt: skip
            if mine:
                cells.append(f"{mine[0].value:g}")
            elif agg in SUMMABLE:
                cells.append("—")
            else:
                cells.append("沿用")
        label = f"{ind.name_zh}（{ind.unit}，{agg.name_zh}）{t.comparator}{t.value:g}（{t.year}）"
        rows.append(MatrixRow(label, cells))
    return Matrix([get_region(k).name_zh for k in kids], rows)
