"""Plans and regions in the application database: load, list, export.

A plan is loaded all-or-nothing inside the caller's transaction: validation happens before
anything is written, and any error raises :class:`~ecoplan.model.planfile.PlanFileError`
so the transaction rolls back.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from ecoplan.model.planfile import PlanFile, PlanFileError, parse_plan
from ecoplan.model.regions import load_regions
from ecoplan.store import schema as s

REGION_SOURCE = "ecoplan/data/regions/regions.csv (see SOURCE.md)"


def sync_regions(session: Session) -> int:
    """Insert or update every region shipped with the package; returns how many were written."""
    existing = {r.code: r for r in session.scalars(select(s.Region))}
    n = 0
    # parents before children so the self-reference is satisfied at every flush
    for reg in sorted(load_regions(), key=lambda r: (r.level != "province", r.level == "county")):
        row = existing.get(reg.code)
        values = {
            "name_zh": reg.name_zh,
            "name_en": reg.name_en,
            "level": reg.level,
            "parent_code": reg.parent,
            "lon": reg.lon,
            "lat": reg.lat,
            "source": REGION_SOURCE,
        }
        if row is None:
            session.add(s.Region(code=reg.code, **values))
            n += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            n += 1
        session.flush()
    return n


def embedded_plan_files() -> list[Path]:
    """The plan files shipped in ``ecoplan/data/plans``, sorted by name."""
    root = resources.files("ecoplan.data") / "plans"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith((".yaml", ".yml")))


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _region_errors(plan: PlanFile, known: set[str]) -> list[tuple[str, str]]:
    errors: list[tuple[str, str]] = []

    def check(loc: str, code: str | None) -> None:
        if code is not None and code not in known:
            errors.append((loc, f"region code {code} is not a known GB/T 2260 region"))

    check("region", plan.region)
    for i, ind in enumerate(plan.indicators):
        for j, b in enumerate(ind.baselines):
            check(f"indicators[{i}]({ind.code}).baselines[{j}].region", b.region)
        for j, t in enumerate(ind.targets):
            check(f"indicators[{i}]({ind.code}).targets[{j}].region", t.region)
        for j, q in enumerate(ind.qualitative_targets):
            check(f"indicators[{i}]({ind.code}).qualitative_targets[{j}].region", q.region)
    for i, task in enumerate(plan.tasks):
        check(f"tasks[{i}]({task.code}).region", task.region)
    return errors


@dataclass(frozen=True)
class LoadResult:
    plan_id: str
    action: str  # inserted | replaced | unchanged
    indicators: int
    baselines: int
    targets: int
    tasks: int


def load_plan(
    session: Session,
    plan: PlanFile,
    *,
    origin: str,
    sha256: str,
    file_name: str | None = None,
    replace: bool = False,
    path: str = "<plan>",
) -> LoadResult:
    """Write *plan* into the database (inside the caller's transaction).

    An existing plan with the same id is replaced only when *replace* is true (or when it is
    byte-identical, in which case nothing changes).
    """
    known = set(session.scalars(select(s.Region.code)))
    errors = _region_errors(plan, known)
    if errors:
        raise PlanFileError(path, errors)
    counts = (
        len(plan.indicators),
        sum(len(i.baselines) for i in plan.indicators),
        sum(len(i.targets) for i in plan.indicators),
        len(plan.tasks),
    )
    old = session.get(s.Plan, plan.id)
    action = "inserted"
    if old is not None:
        if old.file_sha256 == sha256:
            return LoadResult(plan.id, "unchanged", *counts)
        if not replace:
            raise PlanFileError(
                path,
                [
                    (
                        "id",
                        f"a plan with id {plan.id!r} exists already (use --replace to replace it)",
                    )
                ],
            )
        session.delete(old)
        session.flush()
        action = "replaced"

    row = s.Plan(
        id=plan.id,
        title_zh=plan.title_zh,
        title_en=plan.title_en,
        issuer_zh=plan.issuer_zh,
        region_code=plan.region,
        period_start=plan.period_start,
        period_end=plan.period_end,
        source_doc=plan.source_doc,
        source_title_zh=plan.source_title_zh,
        notes_zh=plan.notes_zh,
        origin=origin,
        file_name=file_name,
        file_sha256=sha256,
        loaded_at=datetime.now().replace(microsecond=0),
    )
    row.categories = [
        s.IndicatorCategory(code=c.code, name_zh=c.name_zh, name_en=c.name_en, position=i)
        for i, c in enumerate(plan.indicator_categories)
    ]
    for pos, ind in enumerate(plan.indicators):
        irow = s.Indicator(
            code=ind.code,
            name_zh=ind.name_zh,
            name_en=ind.name_en,
            category_code=ind.category,
            binding=ind.binding.value if ind.binding else None,
            unit=ind.unit,
            direction=ind.direction.value,
            derivation=ind.derivation,
            source_file=ind.source.file if ind.source else None,
            source_quote=ind.source.quote if ind.source else None,
            position=pos,
            aggregation=ind.effective_aggregation.value,
            agg_numerator=ind.numerator,
            agg_denominator=ind.denominator,
            agg_weight=ind.weight,
        )
        irow.baselines = [
            s.Baseline(
                region_code=b.region,
                year=b.year,
                value=b.value,
                source_file=b.source.file,
                source_quote=b.source.quote,
            )
            for b in ind.baselines
        ]
        irow.targets = [
            s.Target(
                region_code=t.region,
                year=t.year,
                comparator=t.comparator.value,
                value=t.value,
                kind=t.kind.value,
                source_file=t.source.file,
                source_quote=t.source.quote,
                note_zh=t.note_zh,
            )
            for t in ind.targets
        ]
        irow.qualitative_targets = [
            s.QualitativeTarget(
                region_code=q.region,
                year=q.year,
                text_zh=q.text_zh,
                source_file=q.source.file,
                source_quote=q.source.quote,
            )
            for q in ind.qualitative_targets
        ]
        row.indicators.append(irow)
    row.tasks = [
        s.Task(
            code=t.code,
            kind=t.kind,
            title_zh=t.title_zh,
            title_en=t.title_en,
            parent_code=t.parent,
            lead_departments=list(t.lead_departments),
            region_code=t.region,
            deadline_year=t.deadline_year,
            source_file=t.source.file if t.source else None,
            source_quote=t.source.quote if t.source else None,
            position=i,
        )
        for i, t in enumerate(plan.tasks)
    ]
    session.add(row)
    session.flush()
    return LoadResult(plan.id, action, *counts)


def decode_plan_bytes(data: bytes, name: str) -> Any:
    """Decode a plan file's bytes (JSON or YAML by suffix) with errors naming the file."""
    import yaml

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanFileError(name, [("(file)", f"not UTF-8 text: {exc}")]) from None
    try:
        return json.loads(text) if name.lower().endswith(".json") else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise PlanFileError(name, [("(syntax)", str(exc))]) from None


def import_plan_file(
    session: Session, path: str | Path, *, origin: str = "imported", replace: bool = False
) -> LoadResult:
    """Validate and load one plan file; raises PlanFileError, leaving the session unchanged."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise PlanFileError(str(p), [("(file)", str(exc))]) from None
    plan = parse_plan(decode_plan_bytes(data, str(p)), str(p))
    with session.begin_nested():
        return load_plan(
            session,
            plan,
            origin=origin,
            sha256=file_sha256(data),
            file_name=p.name,
            replace=replace,
            path=str(p),
        )


def load_embedded_plans(session: Session) -> list[LoadResult]:
    """Load (or refresh, when the shipped file changed) every embedded plan."""
    return [
        import_plan_file(session, f, origin="embedded", replace=True) for f in embedded_plan_files()
    ]


def plan_summaries(session: Session) -> list[dict[str, Any]]:
    """One row per plan with counts, for ``ecoplan plan list``."""
    n_ind = (
        select(s.Indicator.plan_id, func.count().label("n"))
        .group_by(s.Indicator.plan_id)
        .subquery()
    )
    n_tgt = (
        select(s.Indicator.plan_id, func.count(s.Target.id).label("n"))
        .join(s.Target, s.Target.indicator_id == s.Indicator.id)
        .group_by(s.Indicator.plan_id)
        .subquery()
    )
    n_base = (
        select(s.Indicator.plan_id, func.count(s.Baseline.id).label("n"))
        .join(s.Baseline, s.Baseline.indicator_id == s.Indicator.id)
        .group_by(s.Indicator.plan_id)
        .subquery()
    )
    n_task = select(s.Task.plan_id, func.count().label("n")).group_by(s.Task.plan_id).subquery()
    q = (
        select(
            s.Plan,
            func.coalesce(n_ind.c.n, 0),
            func.coalesce(n_base.c.n, 0),
            func.coalesce(n_tgt.c.n, 0),
            func.coalesce(n_task.c.n, 0),
        )
        .outerjoin(n_ind, n_ind.c.plan_id == s.Plan.id)
        .outerjoin(n_base, n_base.c.plan_id == s.Plan.id)
        .outerjoin(n_tgt, n_tgt.c.plan_id == s.Plan.id)
        .outerjoin(n_task, n_task.c.plan_id == s.Plan.id)
        .order_by(s.Plan.period_start, s.Plan.id)
    )
    return [
        {
            "id": p.id,
            "title_zh": p.title_zh,
            "title_en": p.title_en,
            "region_code": p.region_code,
            "period": f"{p.period_start}–{p.period_end}",
            "origin": p.origin,
            "indicators": ni,
            "baselines": nb,
            "targets": nt,
            "tasks": nk,
        }
        for p, ni, nb, nt, nk in session.execute(q)
    ]


def get_plans(session: Session, plan_id: str | None = None) -> list[s.Plan]:
    """Plans with their indicators, baselines, targets and tasks loaded."""
    q = (
        select(s.Plan)
        .options(
            selectinload(s.Plan.categories),
            selectinload(s.Plan.tasks),
            selectinload(s.Plan.indicators).selectinload(s.Indicator.baselines),
            selectinload(s.Plan.indicators).selectinload(s.Indicator.targets),
            selectinload(s.Plan.indicators).selectinload(s.Indicator.qualitative_targets),
        )
        .order_by(s.Plan.period_start, s.Plan.id)
    )
    if plan_id is not None:
        q = q.where(s.Plan.id == plan_id)
    return list(session.scalars(q))


def plan_to_dict(p: s.Plan) -> dict[str, Any]:
    """The export shape of one plan (``ecoplan plan export --format json``)."""
    return {
        "id": p.id,
        "title_zh": p.title_zh,
        "title_en": p.title_en,
        "issuer_zh": p.issuer_zh,
        "region_code": p.region_code,
        "period_start": p.period_start,
        "period_end": p.period_end,
        "source_doc": p.source_doc,
        "source_title_zh": p.source_title_zh,
        "notes_zh": p.notes_zh,
        "origin": p.origin,
        "indicator_categories": [
            {"code": c.code, "name_zh": c.name_zh, "name_en": c.name_en} for c in p.categories
        ],
        "indicators": [
            {
                "code": i.code,
                "name_zh": i.name_zh,
                "name_en": i.name_en,
                "category": i.category_code,
                "binding": i.binding,
                "unit": i.unit,
                "direction": i.direction,
                "derivation": i.derivation,
                "aggregation": i.aggregation,
                "numerator": i.agg_numerator,
                "denominator": i.agg_denominator,
                "weight": i.agg_weight,
                "source": {"file": i.source_file, "quote": i.source_quote}
                if i.source_file
                else None,
                "baselines": [
                    {
                        "region_code": b.region_code,
                        "year": b.year,
                        "value": b.value,
                        "source_file": b.source_file,
                        "quote": b.source_quote,
                    }
                    for b in i.baselines
                ],
                "targets": [
                    {
                        "region_code": t.region_code,
                        "year": t.year,
                        "comparator": t.comparator,
                        "value": t.value,
                        "kind": t.kind,
                        "source_file": t.source_file,
                        "quote": t.source_quote,
                        "note_zh": t.note_zh,
                    }
                    for t in i.targets
                ],
                "qualitative_targets": [
                    {
                        "region_code": q.region_code,
                        "year": q.year,
                        "text_zh": q.text_zh,
                        "source_file": q.source_file,
                        "quote": q.source_quote,
                    }
                    for q in i.qualitative_targets
                ],
            }
            for i in p.indicators
        ],
        "tasks": [
            {
                "code": t.code,
                "kind": t.kind,
                "title_zh": t.title_zh,
                "title_en": t.title_en,
                "parent": t.parent_code,
                "lead_departments": list(t.lead_departments or []),
                "region_code": t.region_code,
                "deadline_year": t.deadline_year,
                "source_file": t.source_file,
                "quote": t.source_quote,
            }
            for t in p.tasks
        ],
    }


def delete_plan(session: Session, plan_id: str) -> bool:
    res = session.execute(delete(s.Plan).where(s.Plan.id == plan_id))
    return bool(res.rowcount)  # type: ignore[attr-defined]
