"""Rectification ledgers (督察整改台账): item kinds, statuses, the allowed transitions — as data —
and the counts and sentences of the ledger statistics.

Status flow (docs/ledger.md)::

    registered 已登记 ──start──▶ in_progress 整改中 ──complete──▶ completed 已完成（待销号）
                                     ▲   ▲                              │        │
                                     │   └──────return 退回（上级，附理由）──┘        │close 销号
                                     └──────reopen 重新打开（管理员，附理由）── closed 已销号 ◀─┘

Who may take a transition is asked of the web application's one permission function
``can(user, action, region)`` (:mod:`ecoplan.api.permissions`) through an *action* and the
region it concerns: the item's own region (:attr:`Scope.ITEM`) or the region directly above it
(:attr:`Scope.ABOVE`). Closure and return are asked for the region above, so a county's item
is closed by its league/city (or an admin), a league/city's by the autonomous region (150000)
— never by an editor of the item's own region. Besides the role, closure needs evidence and
an approver who neither completed the item nor edited it (separation of duties).

"Overdue" 逾期 is never stored: it is derived from the deadline and the day asked about
(:func:`is_overdue`). 阶段性成效 ("stage achieved") is a flag set with a note on open items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from enum import StrEnum

from ecoplan.model.regions import get_region


class LedgerError(ValueError):
    """A refused ledger operation. ``message_zh`` says the same in Chinese; ``code`` is the
    machine-readable reason (the API maps it to a status)."""

    code = "invalid"

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_zh = message_zh


class TransitionError(LedgerError):
    """A status change the flow does not allow from the item's current status."""

    code = "transition"


class Kind(StrEnum):
    """What a ledger item is."""

    INSPECTION = "inspection"  # 督察整改: 中央/自治区生态环境保护督察（含“回头看”）整改任务
    PLAN_TASK = "plan_task"  # 规划任务: a task of a plan (task row, by plan id + task code)
    MAJOR_PROJECT = "major_project"  # 重大工程项目 (task row of kind major_project)
    COMPLAINT = "complaint"  # 信访举报: a public complaint (群众举报)


KIND_ZH: dict[str, str] = {
    Kind.INSPECTION: "督察整改",
    Kind.PLAN_TASK: "规划任务",
    Kind.MAJOR_PROJECT: "重大工程",
    Kind.COMPLAINT: "信访举报",
}
KIND_EN: dict[str, str] = {
    Kind.INSPECTION: "inspection rectification",
    Kind.PLAN_TASK: "plan task",
    Kind.MAJOR_PROJECT: "major project",
    Kind.COMPLAINT: "public complaint",
}
TASK_KINDS = frozenset({Kind.PLAN_TASK, Kind.MAJOR_PROJECT})  # linked to a plan's task row


class Status(StrEnum):
    REGISTERED = "registered"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"


STATUS_ORDER: tuple[Status, ...] = (
    Status.REGISTERED,
    Status.IN_PROGRESS,
    Status.COMPLETED,
    Status.CLOSED,
)
STATUS_ZH: dict[str, str] = {
    Status.REGISTERED: "已登记",
    Status.IN_PROGRESS: "整改中",
    Status.COMPLETED: "已完成（待销号）",
    Status.CLOSED: "已销号",
}
STATUS_EN: dict[str, str] = {
    Status.REGISTERED: "registered",
    Status.IN_PROGRESS: "in progress",
    Status.COMPLETED: "completed (awaiting closure)",
    Status.CLOSED: "closed",
}
# complaints are "办结" (settled) rather than "销号"
COMPLAINT_STATUS_ZH: dict[str, str] = STATUS_ZH | {
    Status.COMPLETED: "已办理（待办结）",
    Status.CLOSED: "已办结",
}
OPEN_STATUSES = frozenset({Status.REGISTERED, Status.IN_PROGRESS})  # may be overdue
EDITABLE_STATUSES = frozenset({Status.REGISTERED, Status.IN_PROGRESS})  # fields may change


def status_zh(status: str, kind: str | None = None) -> str:
    """The Chinese label of *status* (``已办结`` rather than ``已销号`` for complaints)."""
    table = COMPLAINT_STATUS_ZH if kind == Kind.COMPLAINT else STATUS_ZH
    return table[Status(status)]


def parse_kind(text: str) -> Kind:
    """A kind from its code (``inspection``) or Chinese label (``督察整改``)."""
    t = text.strip()
    for k in Kind:
        if t in (k.value, KIND_ZH[k]):
            return k
    allowed = "、".join(f"{k.value} {KIND_ZH[k]}" for k in Kind)
    raise LedgerError(
        f"unknown kind {text!r} (one of: {allowed})", f"类型 {text!r} 无效（{allowed}）"
    )


def parse_status(text: str) -> Status:
    """A status from its code (``closed``) or a Chinese label (``已销号``, ``已办结``, …)."""
    t = text.strip()
    for s in Status:
        labels = {s.value, STATUS_ZH[s], COMPLAINT_STATUS_ZH[s], STATUS_ZH[s].split("（")[0]}
        if t in labels:
            return s
    allowed = "、".join(f"{s.value} {STATUS_ZH[s]}" for s in Status)
    raise LedgerError(
        f"unknown status {text!r} (one of: {allowed})", f"状态 {text!r} 无效（{allowed}）"
    )


# --- permissions: actions and the region they are asked for ---------------------------------

ACTION_WRITE = "ledger.write"  # register, edit, note, evidence, start, complete, stage flag
ACTION_CLOSE = "ledger.close"  # close (销号) or return (退回) a completed item
ACTION_REOPEN = "ledger.reopen"  # reopen a closed item
ACTION_IMPORT = "ledger.import"  # import a ledger file (may carry closed items: admin only)


class Scope(StrEnum):
    """Which region an action is asked for: the item's, or the one directly above it."""

    ITEM = "item"
    ABOVE = "above"


ACTION_SCOPE: dict[str, Scope] = {
    ACTION_WRITE: Scope.ITEM,
    ACTION_CLOSE: Scope.ABOVE,
    ACTION_REOPEN: Scope.ITEM,
    ACTION_IMPORT: Scope.ITEM,
}


def region_for(action: str, region_code: str) -> str | None:
    """The region to ask ``can(user, action, region)`` about for an item of *region_code*.

    For :attr:`Scope.ABOVE` actions it is the parent division (GB/T 2260): a county's
    league/city, a league/city's autonomous region; ``None`` above the autonomous region (only
    roles that act everywhere — admins — pass a check without a region).
    """
    if ACTION_SCOPE[action] is Scope.ITEM:
        return region_code
    return get_region(region_code).parent


# --- transitions -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    """One allowed status change.

    Attributes
    ----------
    verb : its name, also the audit action (``ledger.<verb>``) and the timeline entry's kind.
    source, target : statuses from and to.
    zh, en : what a person calls it.
    action : the permission action asked (with the region given by :data:`ACTION_SCOPE`).
    needs_note : a reason is required.
    needs_evidence : at least one evidence file must be attached.
    separate_duty : the acting account must differ from whoever completed or edited the item.
    """

    verb: str
    source: Status
    target: Status
    zh: str
    en: str
    action: str
    needs_note: bool = False
    needs_evidence: bool = False
    separate_duty: bool = False


TRANSITIONS: tuple[Transition, ...] = (
    Transition("start", Status.REGISTERED, Status.IN_PROGRESS, "开始整改", "start", ACTION_WRITE),
    Transition(
        "complete",
        Status.IN_PROGRESS,
        Status.COMPLETED,
        "完成整改（申请销号）",
        "mark completed (ask for closure)",
        ACTION_WRITE,
    ),
    Transition(
        "close",
        Status.COMPLETED,
        Status.CLOSED,
        "销号",
        "close (approve)",
        ACTION_CLOSE,
        needs_evidence=True,
        separate_duty=True,
    ),
    Transition(
        "return",
        Status.COMPLETED,
        Status.IN_PROGRESS,
        "退回整改",
        "send back",
        ACTION_CLOSE,
        needs_note=True,
        separate_duty=True,
    ),
    Transition(
        "reopen",
        Status.CLOSED,
        Status.IN_PROGRESS,
        "重新打开",
        "reopen",
        ACTION_REOPEN,
        needs_note=True,
    ),
)
_BY_PAIR = {(t.source, t.target): t for t in TRANSITIONS}
_BY_VERB = {t.verb: t for t in TRANSITIONS}

# timeline entries (ledger_note.kind) that count as editing the item: their authors may not
# approve its closure. Approvals (close, return, reopen) and imports (transcriptions of ledgers
# kept elsewhere) do not count.
EDIT_VERBS = frozenset({"create", "update", "note", "stage", "evidence", "start", "complete"})
NOTE_KIND_ZH: dict[str, str] = {
    "create": "登记",
    "update": "修改",
    "note": "进展",
    "stage": "阶段性成效",
    "evidence": "佐证材料",
    "import": "导入",
} | {t.verb: t.zh for t in TRANSITIONS}


def transition_between(source: str, target: str) -> Transition:
    """The transition from *source* to *target*; :class:`TransitionError` if there is none."""
    s, t = Status(source), Status(target)
    found = _BY_PAIR.get((s, t))
    if found is None:
        allowed = "、".join(f"{x.target.value} {STATUS_ZH[x.target]}" for x in transitions_from(s))
        raise TransitionError(
            f"an item that is {s.value} cannot become {t.value}"
            + (f" (allowed: {allowed})" if allowed else ""),
            f"状态为“{STATUS_ZH[s]}”的事项不能改为“{STATUS_ZH[t]}”"
            + (f"（可改为：{allowed}）" if allowed else ""),
        )
    return found


def transition_by_verb(verb: str) -> Transition:
    try:
        return _BY_VERB[verb]
    except KeyError:
        raise KeyError(f"no ledger transition {verb!r}") from None


def transitions_from(status: str) -> list[Transition]:
    """The transitions leaving *status*, in flow order."""
    s = Status(status)
    return [t for t in TRANSITIONS if t.source is s]


# --- derived state ---------------------------------------------------------------------------


def is_overdue(deadline: date | None, status: str, today: date) -> bool:
    """逾期: the deadline has passed (``deadline < today``) and the item is still open
    (registered or in progress). Completed and closed items are never overdue; an item
    without a deadline never is."""
    return deadline is not None and Status(status) in OPEN_STATUSES and deadline < today


def days_overdue(deadline: date | None, status: str, today: date) -> int:
    """Days past the deadline (0 when not overdue)."""
    if deadline is None or not is_overdue(deadline, status, today):
        return 0
    return (today - deadline).days


# --- statistics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """How many items are in each status; ``stage_achieved`` and ``overdue`` count open items
    (registered + in progress) only, and ``overdue_stage`` the open items that are both."""

    total: int = 0
    registered: int = 0
    in_progress: int = 0
    completed: int = 0
    closed: int = 0
    stage_achieved: int = 0
    overdue: int = 0
    overdue_stage: int = 0

    @property
    def open(self) -> int:
        """Registered + in progress: not yet completed."""
        return self.registered + self.in_progress

    @property
    def done(self) -> int:
        """Completed (awaiting closure) + closed."""
        return self.completed + self.closed

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(Counts)))

    def as_dict(self) -> dict[str, int]:
        d = {f.name: getattr(self, f.name) for f in fields(Counts)}
        return d | {"open": self.open, "done": self.done}


def count_of(status: str, *, stage_achieved: bool, overdue: bool, n: int = 1) -> Counts:
    """The :class:`Counts` of *n* items sharing a status and flags (flags count when open)."""
    s = Status(status)
    is_open = s in OPEN_STATUSES
    return Counts(
        total=n,
        registered=n if s is Status.REGISTERED else 0,
        in_progress=n if s is Status.IN_PROGRESS else 0,
        completed=n if s is Status.COMPLETED else 0,
        closed=n if s is Status.CLOSED else 0,
        stage_achieved=n if is_open and stage_achieved else 0,
        overdue=n if is_open and overdue else 0,
        overdue_stage=n if is_open and overdue and stage_achieved else 0,
    )


def total_of(counts: Iterable[Counts]) -> Counts:
    out = Counts()
    for c in counts:
        out = out + c
    return out


@dataclass(frozen=True)
class Wording:
    unit: str  # 项 | 件
    noun: str  # 整改任务 | 群众举报问题 | …
    closed_verb: str  # 销号 | 办结


WORDING: dict[str, Wording] = {
    Kind.INSPECTION: Wording("项", "整改任务", "销号"),
    Kind.PLAN_TASK: Wording("项", "规划任务", "销号"),
    Kind.MAJOR_PROJECT: Wording("项", "重大工程", "销号"),
    Kind.COMPLAINT: Wording("件", "群众举报问题", "办结"),
}


def _open_parts(c: Counts, u: str) -> list[str]:
    """The open items split into stage result / overdue / on schedule (non-zero parts)."""
    late = c.overdue - c.overdue_stage  # overdue and without a stage result
    on_time = c.open - c.stage_achieved - late
    return [
        f"{n}{u}{what}"
        for n, what in (
            (c.stage_achieved, "取得阶段性成效"),
            (late, "逾期"),
            (on_time, "按时序推进"),
        )
        if n
    ]


def _remaining(c: Counts, u: str) -> str:
    """How the open items stand: ``剩余13项按时序推进``, ``剩余1项取得阶段性成效``, or the
    mix (``剩余5项，其中1项取得阶段性成效、2项逾期、2项按时序推进``)."""
    parts = _open_parts(c, u)
    if len(parts) == 1:  # all open items alike: "剩余1项取得阶段性成效"
        return f"剩余{parts[0]}"
    return f"剩余{c.open}{u}，其中" + "、".join(parts)


def summary_sentence(label: str | None, kind: str, c: Counts) -> str:
    """One sentence in the style of the plans' progress statements (seeds/002, 第一章第一节):

    - all closed: ``2016年中央环保督察18项整改任务全部销号``
    - some closed, the rest with a stage result:
      ``2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效``
    - some completed (not yet closed), the rest on schedule:
      ``2019年自治区生态环境保护督察47项整改任务完成34项，剩余13项按时序推进``
    - complaints: ``…期间1546件群众举报问题全部办结``,
      ``自治区生态环境保护督察期间176件群众举报问题已办结168件，剩余8件正在积极推进``

    *label* is the round (督察轮次), shown first; complaints add ``期间`` (during). Completed
    items are "完成" (done, awaiting closure); closed ones "销号" (complaints: "办结"). "按时序
    推进" (on schedule) means open and not overdue; overdue items are named as such.
    """
    w = WORDING[Kind(kind)]
    u = w.unit
    if kind == Kind.COMPLAINT:
        head = f"{label}期间" if label else ""
        head += f"{c.total}{u}{w.noun}"
        if c.total == 0:
            return f"{label or ''}暂无{w.noun}"
        if c.closed == c.total:
            return f"{head}全部{w.closed_verb}"
        rest = c.total - c.closed
        late = f"（其中{c.overdue}{u}逾期）" if c.overdue else ""
        if c.closed == 0:
            return f"{head}正在积极推进{late}"
        return f"{head}已{w.closed_verb}{c.closed}{u}，剩余{rest}{u}正在积极推进{late}"
    head = f"{label or ''}{c.total}{u}{w.noun}"
    if c.total == 0:
        return f"{label or ''}暂无{w.noun}"
    if c.closed == c.total:
        return f"{head}全部{w.closed_verb}"
    if c.open == 0:  # everything done, some not yet closed
        if c.closed == 0:
            return f"{head}全部完成，待{w.closed_verb}"
        return (
            f"{head}全部完成，其中{w.closed_verb}{c.closed}{u}、待{w.closed_verb}{c.completed}{u}"
        )
    if c.closed and c.completed:
        done = f"完成{c.done}{u}（其中{w.closed_verb}{c.closed}{u}）"
    elif c.closed:
        done = f"{w.closed_verb}{c.closed}{u}"
    elif c.completed:
        done = f"完成{c.completed}{u}"
    else:  # nothing done yet
        parts = _open_parts(c, u)
        if len(parts) == 1:
            return f"{head}均{parts[0].removeprefix(f'{c.open}{u}')}"
        return f"{head}均在整改中，其中" + "、".join(parts)
    return f"{head}{done}，{_remaining(c, u)}"


# --- the spreadsheet layout (one row per item, Chinese headers) ------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the officials' ledger sheet: the item key, the Chinese header, the
    English name, the width in Excel characters, and whether an import reads it (``False``:
    derived on export, ignored on import)."""

    key: str
    zh: str
    en: str
    width: int
    imported: bool = True


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "No.", 6, imported=False),
    Column("code", "编号", "code", 16),
    Column("kind", "类型", "kind", 10),
    Column("round", "督察轮次/来源", "round", 26),
    Column("source_doc", "来源文件", "source document", 22),
    Column("title", "问题及整改任务", "title", 44),
    Column("region_code", "地区代码", "region code", 10),
    Column("region_name", "地区", "region", 12, imported=False),
    Column("responsible_unit", "责任单位", "responsible unit", 18),
    Column("lead_department", "牵头部门", "lead department", 18),
    Column("deadline", "整改时限", "deadline", 12),
    Column("measures", "整改措施", "measures", 36),
    Column("progress", "整改进展", "progress", 36),
    Column("status", "整改状态", "status", 14),
    Column("overdue", "是否逾期", "overdue", 9, imported=False),
    Column("stage_achieved", "阶段性成效", "stage achieved", 10),
    Column("stage_note", "阶段性成效说明", "stage note", 24),
    Column("completed_by", "申请销号人", "completed by", 12),
    Column("closed_by", "销号审核人", "closed by", 12),
    Column("closed_at", "销号日期", "closed on", 12),
    Column("closure_note", "销号意见", "closure note", 24),
    Column("evidence_names", "佐证材料", "evidence", 24, imported=False),
    Column("plan_id", "规划编号", "plan id", 18),
    Column("task_code", "任务编号", "task code", 12),
    Column("reconstructed", "据总数重建", "reconstructed", 10),
    Column("provenance", "数据说明", "provenance", 48),
)
REQUIRED_COLUMNS = ("code", "kind", "title", "region_code", "status")
YES = frozenset({"是", "y", "yes", "true", "1", "√", "✓"})
NO = frozenset({"否", "n", "no", "false", "0", ""})


def parse_yes_no(value: object) -> bool:
    """是/否 (also yes/no, true/false, 1/0, √; empty is 否). ValueError otherwise."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    t = str(value).strip().lower()
    if t in YES:
        return True
    if t in NO:
        return False
    raise ValueError(f"{value!r} is not 是/否 (yes/no)")
