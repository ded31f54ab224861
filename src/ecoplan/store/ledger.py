"""The ledger service (督察整改台账): register, edit, note, attach evidence, change status,
close (销号), import, list and count ledger items. Every change is audited through
:func:`ecoplan.store.audit.record` in the same transaction, with the item's state before and
after.

Who may do what is asked of the web application's one permission function,
``can(user, action, region)``, which the caller hands in as :attr:`Caller.permit` (this layer
does not import the web layer): :func:`ledger_can` asks it for the action and the region the
action concerns (:func:`ecoplan.model.ledger.region_for`: the item's region, or the one above
it for closure). The ledger's own rules — the status flow, a reason where one is needed,
evidence before closure, and an approver who neither completed nor edited the item — are
checked here, for the API, the pages and the command line alike.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.elements import ColumnElement

from ecoplan.model.ledger import (
    ACTION_CLOSE,
    ACTION_IMPORT,
    ACTION_REOPEN,
    ACTION_WRITE,
    EDIT_VERBS,
    EDITABLE_STATUSES,
    KIND_ZH,
    NOTE_KIND_ZH,
    OPEN_STATUSES,
    STATUS_EN,
    STATUS_ORDER,
    STATUS_ZH,
    TASK_KINDS,
    Counts,
    Kind,
    LedgerError,
    Status,
    Transition,
    TransitionError,
    count_of,
    days_overdue,
    is_overdue,
    parse_kind,
    parse_status,
    region_for,
    status_zh,
    summary_sentence,
    total_of,
    transition_between,
    transitions_from,
)
from ecoplan.model.regions import UnknownRegionError, get_region, is_within, load_regions
from ecoplan.store import audit
from ecoplan.store.audit import Actor
from ecoplan.store.schema import Region, Task
from ecoplan.store.schema_ledger import LedgerEvidence, LedgerItem, LedgerNote

MAX_EVIDENCE_BYTES = 50 * 1024 * 1024  # one evidence file: 50 MiB
EVIDENCE_DIR = "evidence"
ENTITY = "ledger_item"
FIELDS = (
    "kind",
    "title",
    "round",
    "source_doc",
    "region_code",
    "responsible_unit",
    "lead_department",
    "deadline",
    "measures",
    "plan_id",
    "task_code",
)
FIELD_ZH = {
    "code": "编号",
    "kind": "类型",
    "title": "事项",
    "round": "督察轮次/来源",
    "source_doc": "来源文件",
    "region_code": "地区代码",
    "responsible_unit": "责任单位",
    "lead_department": "牵头部门",
    "deadline": "整改时限",
    "measures": "整改措施",
    "plan_id": "规划编号",
    "task_code": "任务编号",
    "status": "整改状态",
    "stage_achieved": "阶段性成效",
    "stage_note": "阶段性成效说明",
    "completed_by": "申请销号人",
    "closed_by": "销号审核人",
    "closed_at": "销号时间",
    "closure_note": "销号意见",
    "progress": "整改进展",
    "provenance": "数据说明",
}
_LIMITS = {
    "code": 64,
    "round": 200,
    "plan_id": 64,
    "task_code": 64,
    "completed_by": 64,
    "closed_by": 64,
}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# --- errors ----------------------------------------------------------------------------------


class LedgerNotFoundError(LedgerError):
    code = "not_found"


class LedgerForbiddenError(LedgerError):
    """The caller's role or region does not allow the operation, or it would break the
    separation of duties (the approver completed or edited the item)."""

    code = "forbidden"


class LedgerValidationError(LedgerError):
    """Bad field values: ``fields`` lists ``(field, message)`` for every one."""

    code = "invalid"

    def __init__(self, fields: list[tuple[str, str]]):
        self.fields = fields
        en = "; ".join(f"{f}: {m}" for f, m in fields)
        zh = "；".join(f"{FIELD_ZH.get(f, f)}：{m}" for f, m in fields)
        super().__init__(f"invalid ledger item: {en}", f"台账事项数据无效：{zh}")


class LedgerConflictError(LedgerError):
    """The item code exists already, or the file is attached already."""

    code = "exists"


class EvidenceRequiredError(LedgerError):
    code = "evidence_required"


# --- who is acting ---------------------------------------------------------------------------

Permit = Callable[[str, str | None], bool]


def _allow_all(action: str, region_code: str | None) -> bool:
    return True


@dataclass(frozen=True)
class Caller:
    """Who acts: the audit identity (:class:`~ecoplan.store.audit.Actor`) and *permit*, the
    permission function bound to the account — ``lambda action, region: can(user, action,
    region)`` in the web application and on the command line."""

    actor: Actor
    permit: Permit

    @property
    def user_id(self) -> int | None:
        return self.actor.user_id

    @property
    def username(self) -> str | None:
        return self.actor.username

    @classmethod
    def system(cls, label: str) -> Caller:
        """The system itself (command-line import, examples): every action is allowed except
        those that need an approving account (closure, return)."""
        return cls(Actor.system(label), _allow_all)


def ledger_can(caller: Caller, action: str, item: LedgerItem | str) -> bool:
    """May *caller* perform *action* on *item* (or on an item of region code *item*)?

    Asks the permission function for the region the action concerns: the item's own region for
    ``ledger.write``/``ledger.reopen``/``ledger.import``; for ``ledger.close`` the region
    directly above it (a county's league/city; a league/city's autonomous region 150000; for
    the autonomous region's own items no region, which only admins pass).
    """
    region = item if isinstance(item, str) else item.region_code
    return caller.permit(action, region_for(action, region))


def _region_label(code: str | None) -> str:
    if code is None:
        return "—"
    try:
        return get_region(code).label
    except UnknownRegionError:
        return code


def _forbidden(action: str, item: LedgerItem, what_zh: str, what_en: str) -> LedgerForbiddenError:
    if action == ACTION_CLOSE:
        above = region_for(action, item.region_code)
        if above is None:
            return LedgerForbiddenError(
                f"only an administrator may {what_en} items of the autonomous region",
                f"自治区本级事项只有管理员可以{what_zh}",
            )
        return LedgerForbiddenError(
            f"only an editor of {_region_label(above)} (the region above the item's) or an "
            f"administrator may {what_en} this item; editors of the item's own region may not",
            f"该事项须由上级（{_region_label(above)}）编辑或管理员{what_zh}，"
            f"本级（{_region_label(item.region_code)}）账号不能{what_zh}",
        )
    if action == ACTION_REOPEN:
        return LedgerForbiddenError(
            f"only an administrator may {what_en} a closed item",
            f"只有管理员可以{what_zh}已销号事项",
        )
    return LedgerForbiddenError(
        f"your account may not {what_en} items of region {_region_label(item.region_code)}",
        f"您的账号无权{what_zh}地区 {_region_label(item.region_code)} 的台账事项",
    )


def _require(caller: Caller, action: str, item: LedgerItem, what_zh: str, what_en: str) -> None:
    if not ledger_can(caller, action, item):
        raise _forbidden(action, item, what_zh, what_en)


# --- small helpers ---------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _text(value: Any) -> str | None:
    """Stripped text without control characters; ``None`` for empty."""
    if value is None:
        return None
    t = _CONTROL.sub("", str(value)).strip()
    return t or None


def parse_date(value: Any) -> date | None:
    """A date from a ``date``/``datetime`` or text: ``2025-12-31``, ``2025/12/31``,
    ``2025.12.31`` or ``2025年12月31日``; ``None`` for empty. ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    t = str(value).strip()
    if not t:
        return None
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", t)
    if not m:
        m2 = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})[T ][\d:.]+", t)
        if not m2:
            raise ValueError(f"{t!r} is not a date (YYYY-MM-DD or YYYY年M月D日)")
        m = m2
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError as exc:
        raise ValueError(f"{t!r} is not a valid date: {exc}") from None


def _load(session: Session, ref: int | str, *, lock: bool = False) -> LedgerItem:
    """The item with id *ref* (or code *ref*); :class:`LedgerNotFoundError` if none."""
    q = select(LedgerItem)
    if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
        q = q.where(LedgerItem.id == int(ref))
    else:
        q = q.where(LedgerItem.code == str(ref))
    if lock:
        q = q.with_for_update()
    item = session.scalars(q).one_or_none()
    if item is None:
        raise LedgerNotFoundError(f"no ledger item {ref!r}", f"没有台账事项 {ref!r}")
    return item


def get_item(session: Session, ref: int | str) -> LedgerItem:
    """The item with id *ref* (an int or digits) or code *ref*."""
    return _load(session, ref)


# --- dict shapes -----------------------------------------------------------------------------


def _iso(v: date | datetime | None) -> str | None:
    return v.isoformat() if v is not None else None


def latest_progress(item: LedgerItem) -> str | None:
    """The newest progress text: a progress note, or an imported ledger's 整改进展."""
    for n in reversed(item.notes):
        if n.kind in ("note", "import") and n.text:
            return n.text
    return None


def snapshot(item: LedgerItem) -> dict[str, Any]:
    """The stored state of *item* (the audit's before/after): every field, the evidence files
    and the number of timeline entries. Nothing derived from the date (overdue)."""
    return {
        "id": item.id,
        "code": item.code,
        "kind": item.kind,
        "round": item.round,
        "source_doc": item.source_doc,
        "title": item.title,
        "region_code": item.region_code,
        "responsible_unit": item.responsible_unit,
        "lead_department": item.lead_department,
        "deadline": _iso(item.deadline),
        "measures": item.measures,
        "plan_id": item.plan_id,
        "task_code": item.task_code,
        "status": item.status,
        "stage_achieved": item.stage_achieved,
        "stage_note": item.stage_note,
        "completed_by": item.completed_by,
        "completed_at": _iso(item.completed_at),
        "closed_by": item.closed_by,
        "closed_at": _iso(item.closed_at),
        "closure_note": item.closure_note,
        "reconstructed": item.reconstructed,
        "provenance": item.provenance,
        "progress": latest_progress(item),
        "notes_count": len(item.notes),
        "evidence": [{"file_name": e.file_name, "sha256": e.sha256} for e in item.evidence],
    }


def item_to_dict(item: LedgerItem, today: date | None = None) -> dict[str, Any]:
    """The API shape of an item: its stored state plus labels, the region's name, and
    ``overdue``/``days_overdue`` as of *today* (default: the current date)."""
    today = today or date.today()
    d = snapshot(item)
    try:
        region = get_region(item.region_code)
        region_name = region.name_zh
    except UnknownRegionError:
        region_name = ""
    d.update(
        kind_zh=KIND_ZH.get(item.kind, item.kind),
        status_zh=status_zh(item.status, item.kind),
        status_en=STATUS_EN[Status(item.status)],
        region_name=region_name,
        overdue=is_overdue(item.deadline, item.status, today),
        days_overdue=days_overdue(item.deadline, item.status, today),
        evidence_count=len(item.evidence),
        created_by=item.created_by,
        created_at=_iso(item.created_at),
        updated_at=_iso(item.updated_at),
        today=today.isoformat(),
    )
    return d


def note_to_dict(n: LedgerNote) -> dict[str, Any]:
    return {
        "id": n.id,
        "at": n.at.isoformat(),
        "author": n.author,
        "kind": n.kind,
        "kind_zh": NOTE_KIND_ZH.get(n.kind, n.kind),
        "from_status": n.from_status,
        "to_status": n.to_status,
        "text": n.text,
    }


def evidence_to_dict(e: LedgerEvidence) -> dict[str, Any]:
    return {
        "id": e.id,
        "item_id": e.item_id,
        "file_name": e.file_name,
        "size": e.size,
        "sha256": e.sha256,
        "content_type": e.content_type,
        "uploaded_by": e.uploaded_by,
        "uploaded_at": e.uploaded_at.isoformat(),
        "note": e.note,
    }


def item_detail(
    session: Session, item: LedgerItem, today: date | None = None, *, with_ip: bool = False
) -> dict[str, Any]:
    """An item with its timeline (oldest first), evidence and audit history (newest first).
    Client addresses are left out of the history unless *with_ip*."""
    d = item_to_dict(item, today)
    d["notes"] = [note_to_dict(n) for n in item.notes]
    d["evidence"] = [evidence_to_dict(e) for e in item.evidence]
    rows = history(session, item.id)
    if not with_ip:
        for r in rows:
            r.pop("ip", None)
    d["history"] = rows
    return d


def history(session: Session, item_id: int) -> list[dict[str, Any]]:
    """The audit rows of one item, newest first."""
    rows, _ = audit.query(session, entity=ENTITY, entity_id=str(item_id), limit=10_000)
    return rows


# --- validation ------------------------------------------------------------------------------


def _check_len(errors: list[tuple[str, str]], name: str, value: str | None) -> None:
    limit = _LIMITS.get(name)
    if value is not None and limit is not None and len(value) > limit:
        errors.append((name, f"at most {limit} characters 最多 {limit} 个字符"))


def _validate(session: Session, values: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check a full set of item fields (:data:`FIELDS`), filling a plan task's
    title, region, lead department and deadline from its task row when they are empty.

    Raises :class:`LedgerValidationError` naming every bad field.
    """
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    for name in FIELDS:
        v = values.get(name)
        if name == "deadline":
            try:
                out[name] = parse_date(v)
            except ValueError as exc:
                errors.append((name, str(exc)))
                out[name] = None
            continue
        out[name] = _text(v)
        _check_len(errors, name, out[name])
    kind: Kind | None = None
    if out["kind"] is None:
        errors.append(("kind", "required 必填"))
    else:
        try:
            kind = parse_kind(out["kind"])
            out["kind"] = kind.value
        except LedgerError as exc:
            errors.append(("kind", str(exc)))
    plan_id, task_code = out["plan_id"], out["task_code"]
    if (plan_id is None) != (task_code is None):
        errors.append(
            (
                "task_code" if plan_id else "plan_id",
                "give both plan_id and task_code 规划与任务编号须同时填写",
            )
        )
    elif kind in TASK_KINDS and plan_id is None:
        errors.append(
            ("plan_id", f"a {kind} names its plan task (plan_id + task_code) 须关联规划任务")
        )
    if plan_id is not None and task_code is not None:
        task = session.scalars(
            select(Task).where(Task.plan_id == plan_id, Task.code == task_code)
        ).one_or_none()
        if task is None:
            errors.append(
                ("task_code", f"plan {plan_id!r} has no task {task_code!r} 规划中没有该任务")
            )
        else:
            if kind is Kind.MAJOR_PROJECT and task.kind != "major_project":
                errors.append(
                    (
                        "task_code",
                        f"task {task_code} is a {task.kind}, not a major project 不是重大工程",
                    )
                )
            if kind is Kind.PLAN_TASK and task.kind == "major_project":
                errors.append(
                    ("kind", f"task {task_code} is a major project: use kind major_project")
                )
            if out["title"] is None:
                out["title"] = task.title_zh
            if out["lead_department"] is None and task.lead_departments:
                out["lead_department"] = "、".join(task.lead_departments)
            if out["deadline"] is None and task.deadline_year:
                out["deadline"] = date(task.deadline_year, 12, 31)
            if out["region_code"] is None:
                out["region_code"] = task.region_code or task.plan.region_code
    if out["title"] is None:
        errors.append(("title", "required 必填"))
    code = out["region_code"]
    if code is None:
        errors.append(("region_code", "required (GB/T 2260 code) 必填"))
    else:
        try:
            get_region(code)
        except UnknownRegionError:
            errors.append(
                ("region_code", f"{code} is not a known GB/T 2260 region 不是已知地区代码")
            )
        else:
            if session.get(Region, code) is None:
                errors.append(
                    ("region_code", f"region {code} is not loaded (run `ecoplan init`) 地区未载入")
                )
    if errors:
        raise LedgerValidationError(errors)
    return out


def _check_code(session: Session, code: str | None) -> str | None:
    c = _text(code)
    if c is None:
        return None
    errors: list[tuple[str, str]] = []
    _check_len(errors, "code", c)
    if errors:
        raise LedgerValidationError(errors)
    if session.scalars(select(LedgerItem.id).where(LedgerItem.code == c)).first() is not None:
        raise LedgerConflictError(
            f"a ledger item with code {c!r} exists already", f"编号 {c!r} 的台账事项已存在"
        )
    return c


def _next_code(session: Session) -> str:
    """``LG-<year>-<n>``: the first free number after the largest id."""
    n = (session.scalar(select(func.max(LedgerItem.id))) or 0) + 1
    year = date.today().year
    while True:
        code = f"LG-{year}-{n:04d}"
        if session.scalars(select(LedgerItem.id).where(LedgerItem.code == code)).first() is None:
            return code
        n += 1


def _new_note(
    caller: Caller,
    kind: str,
    text: str | None,
    from_status: str | None,
    to_status: str | None,
    at: datetime,
) -> LedgerNote:
    return LedgerNote(
        at=at,
        author_id=caller.user_id,
        author=caller.username,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        text=text,
    )


def _note(
    session: Session,
    item: LedgerItem,
    caller: Caller,
    kind: str,
    text: str | None = None,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    at: datetime | None = None,
) -> LedgerNote:
    n = _new_note(caller, kind, text, from_status, to_status, at or _now())
    item.notes.append(n)
    session.flush()
    return n


def _record(
    session: Session,
    caller: Caller,
    verb: str,
    item: LedgerItem,
    before: dict[str, Any] | None,
    extra: Mapping[str, Any] | None = None,
) -> None:
    after = snapshot(item) | dict(extra or {})
    audit.record(
        session,
        caller.actor,
        action=f"ledger.{verb}",
        entity=ENTITY,
        entity_id=item.id,
        region_code=item.region_code,
        before=before,
        after=after,
    )


# --- writing ---------------------------------------------------------------------------------


def create_item(
    session: Session, caller: Caller, values: Mapping[str, Any], *, note: str | None = None
) -> LedgerItem:
    """Register an item (status 已登记), audited ``ledger.create``.

    *values* holds :data:`FIELDS` and optionally ``code`` (default ``LG-<year>-<n>``). A plan
    task or major project names ``plan_id`` + ``task_code``; its title, region, lead
    department and deadline (31 December of the task's deadline year) default to the task's.
    """
    fields = _validate(session, dict(values))
    probe = LedgerItem(region_code=fields["region_code"])
    _require(caller, ACTION_WRITE, probe, "登记", "register")
    code = _check_code(session, values.get("code")) or _next_code(session)
    now = _now()
    item = LedgerItem(
        code=code,
        status=Status.REGISTERED.value,
        stage_achieved=False,
        created_by_id=caller.user_id,
        created_by=caller.username,
        created_at=now,
        updated_at=now,
        reconstructed=False,
        **fields,
    )
    session.add(item)
    session.flush()
    _note(session, item, caller, "create", _text(note), to_status=item.status, at=now)
    _record(session, caller, "create", item, None)
    return item


def update_item(
    session: Session, caller: Caller, ref: int | str, changes: Mapping[str, Any]
) -> LedgerItem:
    """Change an item's fields (not its code or status), audited ``ledger.update``.

    Only registered or in-progress items change (a completed one is sent back first). Moving
    an item to another region needs the write permission for both regions.
    """
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise LedgerValidationError(
            [(k, "cannot be changed here 不能在此修改") for k in sorted(unknown)]
        )
    item = _load(session, ref, lock=True)
    _require(caller, ACTION_WRITE, item, "修改", "edit")
    if Status(item.status) not in EDITABLE_STATUSES:
        raise TransitionError(
            f"a {item.status} item cannot be edited (send it back or reopen it first)",
            f"“{STATUS_ZH[Status(item.status)]}”的事项不能修改（请先退回或重新打开）",
        )
    current = {k: getattr(item, k) for k in FIELDS}
    fields = _validate(session, current | dict(changes))
    changed = [k for k in FIELDS if fields[k] != current[k]]
    if not changed:
        return item
    if fields["region_code"] != item.region_code:
        probe = LedgerItem(region_code=fields["region_code"])
        _require(caller, ACTION_WRITE, probe, "修改", "edit")
    before = snapshot(item)
    for k in changed:
        setattr(item, k, fields[k])
    item.updated_at = _now()
    _note(session, item, caller, "update", "修改：" + "、".join(FIELD_ZH[k] for k in changed))
    _record(session, caller, "update", item, before)
    return item


def add_note(session: Session, caller: Caller, ref: int | str, text: str) -> LedgerNote:
    """Add a progress note (整改进展) to an item that is not closed, audited ``ledger.note``."""
    t = _text(text)
    if t is None:
        raise LedgerValidationError([("text", "a note needs text 进展内容不能为空")])
    item = _load(session, ref, lock=True)
    _require(caller, ACTION_WRITE, item, "填写进展", "add notes to")
    _not_closed(item, "填写进展", "add notes to")
    before = snapshot(item)
    n = _note(session, item, caller, "note", t)
    item.updated_at = n.at
    _record(session, caller, "note", item, before)
    return n


def _not_closed(item: LedgerItem, what_zh: str, what_en: str) -> None:
    if item.status == Status.CLOSED:
        raise TransitionError(
            f"cannot {what_en} a closed item (reopen it first)",
            f"已销号事项不能{what_zh}（须先重新打开）",
        )


def set_stage_achieved(
    session: Session, caller: Caller, ref: int | str, achieved: bool, note: str | None
) -> LedgerItem:
    """Set (with a note saying what was achieved) or clear the 阶段性成效 flag of an open item,
    audited ``ledger.stage``."""
    t = _text(note)
    if achieved and t is None:
        raise LedgerValidationError(
            [("stage_note", "say what was achieved 须说明取得的阶段性成效")]
        )
    item = _load(session, ref, lock=True)
    _require(caller, ACTION_WRITE, item, "标记阶段性成效", "mark the stage result of")
    if Status(item.status) not in OPEN_STATUSES:
        raise TransitionError(
            "the stage-achieved flag is for open items (registered or in progress)",
            "只有未完成（已登记、整改中）的事项可以标记阶段性成效",
        )
    if item.stage_achieved == achieved and (not achieved or item.stage_note == t):
        return item
    before = snapshot(item)
    item.stage_achieved = achieved
    item.stage_note = t if achieved else None
    n = _note(
        session,
        item,
        caller,
        "stage",
        ("取得阶段性成效：" if achieved else "取消阶段性成效") + (t or ""),
    )
    item.updated_at = n.at
    _record(session, caller, "stage", item, before)
    return item


def editors(session: Session, item_id: int) -> set[int]:
    """Accounts that edited the item (registered it, changed it, wrote notes, attached evidence,
    started or completed it): they may not approve its closure."""
    q = select(LedgerNote.author_id).where(
        LedgerNote.item_id == item_id,
        LedgerNote.author_id.is_not(None),
        LedgerNote.kind.in_(sorted(EDIT_VERBS)),
    )
    return {uid for uid in session.scalars(q) if uid is not None}


def refusal(
    session: Session, caller: Caller, item: LedgerItem, t: Transition
) -> LedgerError | None:
    """Why *caller* may not take transition *t* on *item* now (``None``: nothing stands in
    the way except a reason, when the transition needs one). Checked in this order: the flow,
    role and region (:func:`ledger_can`), separation of duties, evidence."""
    if item.status != t.source:
        try:
            transition_between(item.status, t.target)
        except TransitionError as exc:
            return exc
    if not ledger_can(caller, t.action, item):
        return _forbidden(t.action, item, t.zh, t.en)
    if t.separate_duty:
        if caller.user_id is None:
            return LedgerForbiddenError(
                f"to {t.en} needs an approving account (--user on the command line)",
                f"{t.zh}须由审核人账号办理（命令行请用 --user 指定）",
            )
        if caller.user_id == item.completed_by_id:
            return LedgerForbiddenError(
                f"the account that marked the item completed ({item.completed_by}) may not "
                f"{t.en} it: another account must approve",
                f"申请销号（完成整改）的账号（{item.completed_by}）不能自己{t.zh}，须由他人审核",
            )
        if caller.user_id in editors(session, item.id):
            return LedgerForbiddenError(
                f"{caller.username} edited this item and may not {t.en} it: an approver must "
                "not have worked on the item",
                f"{caller.username} 参与过该事项的登记或整改，不能{t.zh}，须由未参与的上级审核",
            )
    if t.needs_evidence and not item.evidence:
        return EvidenceRequiredError(
            f"no evidence is attached: attach the rectification evidence before you {t.en}",
            f"该事项尚无整改佐证材料，须先上传佐证材料才能{t.zh}",
        )
    return None


def allowed_transitions(
    session: Session, caller: Caller, item: LedgerItem
) -> list[tuple[Transition, LedgerError | None]]:
    """The transitions leaving the item's status, each with why the caller may not take it
    (``None`` when it may) — for pages that show buttons."""
    return [(t, refusal(session, caller, item, t)) for t in transitions_from(item.status)]


def transition(
    session: Session, caller: Caller, ref: int | str, target: str, note: str | None = None
) -> LedgerItem:
    """Move an item to status *target* along the flow (:data:`ecoplan.model.ledger.TRANSITIONS`),
    audited ``ledger.<verb>`` (``ledger.start``, ``ledger.complete``, ``ledger.close``,
    ``ledger.return``, ``ledger.reopen``) with the state before and after.

    Raises :class:`~ecoplan.model.ledger.TransitionError` (not allowed from the current
    status), :class:`LedgerForbiddenError` (role/region, or the approver completed or edited
    the item), :class:`LedgerValidationError` (a reason is needed) or
    :class:`EvidenceRequiredError` (closure without evidence).
    """
    try:
        target_status = parse_status(target)
    except LedgerError as exc:
        raise LedgerValidationError([("status", str(exc))]) from None
    item = _load(session, ref, lock=True)
    t = transition_between(item.status, target_status)
    problem = refusal(session, caller, item, t)
    if problem is not None:
        raise problem
    text = _text(note)
    if t.needs_note and text is None:
        raise LedgerValidationError([("note", f"{t.en} needs a reason 须填写{t.zh}理由")])
    before = snapshot(item)
    now = _now()
    if t.verb == "complete":
        item.completed_by_id, item.completed_by, item.completed_at = (
            caller.user_id,
            caller.username,
            now,
        )
    elif t.verb == "close":
        item.closed_by_id, item.closed_by, item.closed_at = caller.user_id, caller.username, now
        item.closure_note = text
    elif t.verb in ("return", "reopen"):
        item.completed_by_id = item.completed_by = item.completed_at = None
        item.closed_by_id = item.closed_by = item.closed_at = item.closure_note = None
    item.status = t.target.value
    item.updated_at = now
    _note(session, item, caller, t.verb, text, from_status=t.source, to_status=t.target, at=now)
    _record(session, caller, t.verb, item, before)
    return item


def close_item(
    session: Session, caller: Caller, ref: int | str, note: str | None = None
) -> LedgerItem:
    """销号: approve the closure of a completed item (see :func:`transition`)."""
    return transition(session, caller, ref, Status.CLOSED.value, note)


# --- evidence --------------------------------------------------------------------------------


def evidence_path(home: Path, sha256: str) -> Path:
    """Where the bytes of an evidence file live: ``<home>/evidence/<sha256>``."""
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise ValueError(f"{sha256!r} is not a SHA-256 (64 lower-case hex digits)")
    return home / EVIDENCE_DIR / sha256


def _store_bytes(home: Path, sha: str, data: bytes) -> Path:
    path = evidence_path(home, sha)
    if path.exists() and path.stat().st_size == len(data):
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def clean_file_name(name: str | None) -> str:
    """The last path component of an uploaded name, without control characters (≤ 200)."""
    base = _text(re.split(r"[\\/]", name or "")[-1]) or "evidence"
    return base[:200]


def attach_evidence(
    session: Session,
    caller: Caller,
    ref: int | str,
    *,
    file_name: str,
    data: bytes,
    home: Path,
    content_type: str | None = None,
    note: str | None = None,
) -> LedgerEvidence:
    """Attach an evidence file (佐证材料) to an item that is not closed, audited
    ``ledger.evidence``. The bytes go to ``<home>/evidence/<sha256>`` (written before the
    database commits; a rolled-back upload leaves an unreferenced file, never a dangling row).
    """
    item = _load(session, ref, lock=True)
    _require(caller, ACTION_WRITE, item, "上传佐证材料", "attach evidence to")
    _not_closed(item, "上传佐证材料", "attach evidence to")
    if not data:
        raise LedgerValidationError([("file", "the file is empty 文件为空")])
    if len(data) > MAX_EVIDENCE_BYTES:
        raise LedgerValidationError(
            [("file", f"larger than {MAX_EVIDENCE_BYTES >> 20} MiB 文件超过大小上限")]
        )
    sha = hashlib.sha256(data).hexdigest()
    if any(e.sha256 == sha for e in item.evidence):
        raise LedgerConflictError(
            f"this file (sha256 {sha[:12]}…) is attached to item {item.code} already",
            f"该文件已是事项 {item.code} 的佐证材料",
        )
    name = clean_file_name(file_name)
    before = snapshot(item)
    _store_bytes(home, sha, data)
    now = _now()
    ev = LedgerEvidence(
        sha256=sha,
        file_name=name,
        size=len(data),
        content_type=_text(content_type),
        uploaded_by_id=caller.user_id,
        uploaded_by=caller.username,
        uploaded_at=now,
        note=_text(note),
    )
    item.evidence.append(ev)
    item.updated_at = now
    session.flush()
    _note(session, item, caller, "evidence", name + (f"：{_text(note)}" if _text(note) else ""))
    _record(session, caller, "evidence", item, before)
    return ev


def get_evidence(session: Session, item_id: int, evidence_id: int) -> LedgerEvidence:
    ev = session.get(LedgerEvidence, evidence_id)
    if ev is None or ev.item_id != item_id:
        raise LedgerNotFoundError(
            f"item {item_id} has no evidence file {evidence_id}",
            f"事项 {item_id} 没有编号为 {evidence_id} 的佐证材料",
        )
    return ev


# --- import (rows of a ledger file) ----------------------------------------------------------

IMPORT_ONLY = (
    "status",
    "stage_achieved",
    "stage_note",
    "completed_by",
    "closed_by",
    "closed_at",
    "closure_note",
    "reconstructed",
    "provenance",
)


def _import_state(values: Mapping[str, Any]) -> dict[str, Any]:
    """The status part of an imported row, normalised and checked for consistency."""
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    try:
        out["status"] = parse_status(str(values.get("status") or "")).value
    except LedgerError as exc:
        errors.append(("status", str(exc)))
        out["status"] = None
    out["stage_achieved"] = bool(values.get("stage_achieved"))
    out["stage_note"] = _text(values.get("stage_note"))
    out["completed_by"] = _text(values.get("completed_by"))
    _check_len(errors, "completed_by", out["completed_by"])
    out["closed_by"] = _text(values.get("closed_by"))
    _check_len(errors, "closed_by", out["closed_by"])
    try:
        closed_day = parse_date(values.get("closed_at"))
    except ValueError as exc:
        errors.append(("closed_at", str(exc)))
        closed_day = None
    out["closed_at"] = datetime.combine(closed_day, datetime.min.time()) if closed_day else None
    out["closure_note"] = _text(values.get("closure_note"))
    out["reconstructed"] = bool(values.get("reconstructed"))
    out["provenance"] = _text(values.get("provenance"))
    st = out["status"]
    if st is not None:
        if out["stage_achieved"] and Status(st) not in OPEN_STATUSES:
            errors.append(
                (
                    "stage_achieved",
                    "only open items (registered, in progress) carry the flag 仅未完成事项可标记",
                )
            )
        if st != Status.CLOSED and (out["closed_by"] or out["closed_at"] or out["closure_note"]):
            errors.append(
                (
                    "closed_by",
                    "closure details belong to closed items only 仅已销号事项填写销号信息",
                )
            )
        if out["completed_by"] and st not in (Status.COMPLETED, Status.CLOSED):
            errors.append(
                (
                    "completed_by",
                    "only completed or closed items have one 仅已完成或已销号事项填写申请销号人",
                )
            )
    if errors:
        raise LedgerValidationError(errors)
    return out


def check_import_row(session: Session, values: Mapping[str, Any]) -> dict[str, Any]:
    """Validate one row of a ledger file (every field, and the status part); returns the
    normalised values. Raises :class:`LedgerValidationError` listing every bad field."""
    errors: list[tuple[str, str]] = []
    out: dict[str, Any] = {}
    code = _text(values.get("code"))
    if code is None:
        errors.append(("code", "required 必填"))
    else:
        _check_len(errors, "code", code)
    out["code"] = code
    try:
        out |= _validate(session, dict(values))
    except LedgerValidationError as exc:
        errors += exc.fields
    try:
        out |= _import_state(values)
    except LedgerValidationError as exc:
        errors += exc.fields
    out["progress"] = _text(values.get("progress"))
    if errors:
        raise LedgerValidationError(errors)
    return out


def import_rows(
    session: Session, caller: Caller, rows: list[dict[str, Any]], *, source_file: str
) -> dict[str, int]:
    """Write checked rows (:func:`check_import_row`) of a ledger file: insert new codes,
    update changed items, leave identical ones. Returns the counts ``inserted``, ``updated``
    and ``unchanged``; every written item is audited ``ledger.import`` (``after`` also names
    ``source_file``).

    Imports transcribe ledgers kept elsewhere, statuses and closures included, so they need
    the ``ledger.import`` permission (admins). A changed 整改进展 cell becomes a timeline entry.
    Existing items are read in batches and new ones written in one flush (a file may hold
    thousands of complaints).
    """
    for row in rows:
        _require(
            caller, ACTION_IMPORT, LedgerItem(region_code=row["region_code"]), "导入", "import"
        )
    codes = [row["code"] for row in rows]
    existing: dict[str, LedgerItem] = {}
    for i in range(0, len(codes), 500):
        q = (
            select(LedgerItem)
            .where(LedgerItem.code.in_(codes[i : i + 500]))
            .options(selectinload(LedgerItem.notes), selectinload(LedgerItem.evidence))
            .with_for_update()
        )
        existing.update((it.code, it) for it in session.scalars(q))
    keys = (*FIELDS, *IMPORT_ONLY)
    now = _now()
    counts = {"inserted": 0, "updated": 0, "unchanged": 0}
    written: list[tuple[LedgerItem, dict[str, Any] | None]] = []
    for row in rows:
        item = existing.get(row["code"])
        if item is None:
            item = LedgerItem(
                code=row["code"],
                created_by_id=caller.user_id,
                created_by=caller.username,
                created_at=now,
                updated_at=now,
                **{k: row[k] for k in keys},
            )
            item.evidence = []
            item.notes = [_new_note(caller, "import", row["progress"], None, item.status, now)]
            session.add(item)
            written.append((item, None))
            counts["inserted"] += 1
            continue
        _require(caller, ACTION_IMPORT, item, "导入", "import")
        if row["closed_at"] and item.closed_at and row["closed_at"].date() == item.closed_at.date():
            row = row | {"closed_at": item.closed_at}  # the sheet holds the day only
        changed = [k for k in keys if getattr(item, k) != row[k]]
        new_progress = row["progress"] is not None and row["progress"] != latest_progress(item)
        if not changed and not new_progress:
            counts["unchanged"] += 1
            continue
        before = snapshot(item)
        old_status = item.status
        for k in changed:
            setattr(item, k, row[k])
        if "completed_by" in changed:  # a name from the file, not an account of ecoplan
            item.completed_by_id = None
        if "closed_by" in changed:
            item.closed_by_id = None
        if item.status not in (Status.COMPLETED, Status.CLOSED):
            item.completed_by_id = item.completed_at = None
        if item.status != Status.CLOSED:
            item.closed_by_id = None
        item.updated_at = now
        moved = old_status != item.status
        item.notes.append(
            _new_note(
                caller,
                "import",
                row["progress"] if new_progress else None,
                old_status if moved else None,
                item.status if moved else None,
                now,
            )
        )
        written.append((item, before))
        counts["updated"] += 1
    session.flush()
    for it, old in written:
        _record(session, caller, "import", it, old, {"source_file": source_file})
    return counts


# --- reading ---------------------------------------------------------------------------------


def regions_within(code: str) -> list[str]:
    """*code* and every division under it (GB/T 2260). ValueError for an unknown code."""
    try:
        get_region(code)
    except UnknownRegionError:
        raise LedgerValidationError(
            [("region_code", f"{code} is not a known GB/T 2260 region 不是已知地区代码")]
        ) from None
    return [r.code for r in load_regions() if is_within(r.code, code)]


def _overdue_clause(today: date) -> ColumnElement[bool]:
    return and_(
        LedgerItem.deadline.is_not(None),
        LedgerItem.deadline < today,
        LedgerItem.status.in_(sorted(OPEN_STATUSES)),
    )


def _filters(
    *,
    kind: str | None,
    round: str | None,
    region: str | None,
    status: str | None,
    overdue: bool | None,
    q: str | None,
    today: date,
) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if kind:
        try:
            conds.append(LedgerItem.kind == parse_kind(kind).value)
        except LedgerError as exc:
            raise LedgerValidationError([("kind", str(exc))]) from None
    if round:
        conds.append(LedgerItem.round == round)
    if region:
        conds.append(LedgerItem.region_code.in_(regions_within(region)))
    if status:
        try:
            conds.append(LedgerItem.status == parse_status(status).value)
        except LedgerError as exc:
            raise LedgerValidationError([("status", str(exc))]) from None
    if overdue is True:
        conds.append(_overdue_clause(today))
    elif overdue is False:
        conds.append(~_overdue_clause(today))
    if q:
        like = f"%{q.strip()}%"
        conds.append(or_(LedgerItem.title.ilike(like), LedgerItem.code.ilike(like)))
    return conds


def list_items(
    session: Session,
    *,
    kind: str | None = None,
    round: str | None = None,
    region: str | None = None,
    status: str | None = None,
    overdue: bool | None = None,
    q: str | None = None,
    today: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[LedgerItem], int]:
    """Items matching the filters (in id order) and how many match in all.

    ``region`` includes the divisions under it (150100 呼和浩特市 includes its counties);
    ``overdue`` keeps only items overdue (True) or not overdue (False) on *today*; ``q``
    searches titles and codes.
    """
    today = today or date.today()
    conds = _filters(
        kind=kind, round=round, region=region, status=status, overdue=overdue, q=q, today=today
    )
    total = session.scalar(select(func.count()).select_from(LedgerItem).where(*conds)) or 0
    query = select(LedgerItem).where(*conds).order_by(LedgerItem.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query)), total


def rounds(session: Session) -> list[dict[str, Any]]:
    """The rounds (督察轮次/来源) with their number of items, in order of first appearance."""
    q = (
        select(LedgerItem.round, func.count(), func.min(LedgerItem.id))
        .where(LedgerItem.round.is_not(None))
        .group_by(LedgerItem.round)
        .order_by(func.min(LedgerItem.id))
    )
    return [{"round": r, "items": n} for r, n, _ in session.execute(q)]


def statistics(
    session: Session,
    *,
    round: str | None = None,
    region: str | None = None,
    kind: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Counts by round × kind, by kind, by region and by status, with a sentence for every
    round and kind in the plans' style (:func:`ecoplan.model.ledger.summary_sentence`):
    ``2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效``.

    One grouped query; overdue is counted as of *today* (default: the current date).
    """
    today = today or date.today()
    conds = _filters(
        kind=kind, round=round, region=region, status=None, overdue=None, q=None, today=today
    )
    # one row per item with its overdue flag, grouped outside (PostgreSQL cannot match a
    # grouped expression holding a bound parameter)
    inner = (
        select(
            LedgerItem.round,
            LedgerItem.kind,
            LedgerItem.region_code,
            LedgerItem.status,
            LedgerItem.stage_achieved,
            case((_overdue_clause(today), 1), else_=0).label("overdue"),
        )
        .where(*conds)
        .subquery()
    )
    cols = (
        inner.c.round,
        inner.c.kind,
        inner.c.region_code,
        inner.c.status,
        inner.c.stage_achieved,
        inner.c.overdue,
    )
    q = select(*cols, func.count()).group_by(*cols)
    by_group: dict[tuple[str | None, str], list[Counts]] = {}
    by_region: dict[str, list[Counts]] = {}
    by_kind: dict[str, list[Counts]] = {}
    first_seen: dict[tuple[str | None, str], int] = {}
    for rnd, knd, reg, st, stage, late, n in session.execute(q):
        c = count_of(st, stage_achieved=bool(stage), overdue=bool(late), n=int(n))
        by_group.setdefault((rnd, knd), []).append(c)
        by_region.setdefault(reg, []).append(c)
        by_kind.setdefault(knd, []).append(c)
        first_seen.setdefault((rnd, knd), len(first_seen))
    order = {k: i for i, k in enumerate(Kind)}
    first_id = {r["round"]: i for i, r in enumerate(rounds(session))}
    groups = []
    for (rnd, knd), cs in sorted(
        by_group.items(),
        key=lambda kv: (first_id.get(kv[0][0], len(first_id)), order[Kind(kv[0][1])]),
    ):
        c = total_of(cs)
        groups.append(
            {
                "round": rnd,
                "kind": knd,
                "kind_zh": KIND_ZH[knd],
                "counts": c.as_dict(),
                "sentence_zh": summary_sentence(rnd, knd, c),
            }
        )
    total = total_of(total_of(cs) for cs in by_group.values())
    sentences = [str(g["sentence_zh"]) for g in groups]
    return {
        "today": today.isoformat(),
        "filters": {"round": round, "region": region, "kind": kind},
        "total": total.as_dict(),
        "groups": groups,
        "by_kind": [
            {"kind": k.value, "kind_zh": KIND_ZH[k], "counts": total_of(by_kind[k]).as_dict()}
            for k in Kind
            if k in by_kind
        ],
        "by_region": [
            {
                "region_code": reg,
                "region_name": _region_label(reg).split(" ", 1)[-1],
                "counts": total_of(cs).as_dict(),
            }
            for reg, cs in sorted(by_region.items())
        ],
        "by_status": [
            {
                "status": s.value,
                "status_zh": STATUS_ZH[s],
                "count": getattr(total, s.value),
            }
            for s in STATUS_ORDER
        ],
        "sentence_zh": ("；".join(sentences) + "。") if sentences else "暂无台账事项。",
    }


def board(
    session: Session,
    *,
    kind: str | None = None,
    round: str | None = None,
    region: str | None = None,
    today: date | None = None,
    per_column: int = 200,
) -> dict[str, Any]:
    """Items by status for a board (已登记 / 整改中 / 已完成 / 已销号): each column its items
    (overdue first, then by deadline) up to *per_column*, and its total."""
    today = today or date.today()
    cols = []
    for s in STATUS_ORDER:
        conds = _filters(
            kind=kind, round=round, region=region, status=s.value, overdue=None, q=None, today=today
        )
        total = session.scalar(select(func.count()).select_from(LedgerItem).where(*conds)) or 0
        late_first = case((_overdue_clause(today), 0), else_=1)
        no_deadline_last = case((LedgerItem.deadline.is_(None), 1), else_=0)
        q = (
            select(LedgerItem)
            .where(*conds)
            .order_by(late_first, no_deadline_last, LedgerItem.deadline, LedgerItem.id)
            .limit(per_column)
        )
        items = [item_to_dict(i, today) for i in session.scalars(q)]
        cols.append(
            {
                "status": s.value,
                "status_zh": STATUS_ZH[s],
                "status_en": STATUS_EN[s],
                "total": total,
                "items": items,
            }
        )
    return {"today": today.isoformat(), "columns": cols}


def count_items(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(LedgerItem)) or 0


def items_for_export(
    session: Session, items: Iterable[LedgerItem], today: date | None = None
) -> list[dict[str, Any]]:
    """Item dicts with their evidence file names, for the Excel export."""
    today = today or date.today()
    out = []
    for it in items:
        d = item_to_dict(it, today)
        d["evidence_names"] = [e.file_name for e in it.evidence]
        out.append(d)
    return out
