"""The ledger service on SQLite and PostgreSQL: every transition, the closure rules (role and
region through the app's ``can``, separation of duties, evidence), overdue from a fixed day,
statistics, plan-task links, evidence files and the audit trail of every change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

import ecoplan.api.routes_ledger  # noqa: F401  (registers the ledger actions with can())
from ecoplan.api.permissions import Principal, can
from ecoplan.model.ledger import TransitionError
from ecoplan.store import ledger as svc
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import embedded_plan_files, import_plan_file, sync_regions
from ecoplan.store.schema_auth import Audit
from ecoplan.store.schema_ledger import LedgerItem
from ecoplan.store.users import create_user

COUNTY, CITY = "150121", "150100"  # 土默特左旗 in 呼和浩特市
ACCOUNTS = {
    "county": ("editor", COUNTY),
    "county2": ("editor", COUNTY),
    "city": ("editor", CITY),
    "city2": ("editor", CITY),
    "baotou": ("editor", "150200"),
    "region": ("editor", "150000"),
    "boss": ("admin", None),
    "boss2": ("admin", None),
    "reader": ("viewer", None),
}


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with tiny costs: these tests check the ledger, not the hash's strength."""
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


HOHHOT = next(p for p in embedded_plan_files() if p.stem == "hohhot-14fyp-eco")


@pytest.fixture
def people(store: Store) -> dict[str, svc.Caller]:
    """Regions and a caller for every account (can() bound to it)."""
    out: dict[str, svc.Caller] = {}
    with store.session() as s:
        sync_regions(s)
        for name, (role, region) in ACCOUNTS.items():
            u = create_user(
                s,
                Actor.system("(test)"),
                username=name,
                password="password 123",
                role=role,
                region_code=region,
            )
            p = Principal(u.id, u.username, role, region)
            out[name] = svc.Caller(Actor(u.id, u.username), lambda a, r, p=p: can(p, a, r))
    return out


Do = Callable[..., object]


def _new(store: Store, who: svc.Caller, **values: object) -> int:
    base: dict[str, object] = {
        "kind": "inspection",
        "title": "某矿山生态修复",
        "region_code": COUNTY,
    }
    with store.session() as s:
        return svc.create_item(s, who, base | values).id


def _status(store: Store, item_id: int) -> str:
    with store.session() as s:
        return svc.get_item(s, item_id).status


def _attach(store: Store, who: svc.Caller, item_id: int, data: bytes = b"%PDF-1.4 report") -> None:
    with store.session() as s:
        svc.attach_evidence(
            s, who, item_id, file_name="验收报告.pdf", data=data, home=store.settings.home
        )


def _completed(store: Store, people: dict[str, svc.Caller], *, evidence: bool = True) -> int:
    """An item registered, started, given evidence and completed by the county editor."""
    a = people["county"]
    item_id = _new(store, a, deadline="2025-06-30")
    with store.session() as s:
        svc.transition(s, a, item_id, "in_progress")
    if evidence:
        _attach(store, a, item_id)
    with store.session() as s:
        svc.transition(s, a, item_id, "completed", "整改完成，申请销号")
    return item_id


def test_walk_through_every_transition(store: Store, people: dict[str, svc.Caller]) -> None:
    a, b, boss = people["county"], people["city"], people["boss"]
    item_id = _new(store, a, deadline="2025-06-30", round="2024年自治区生态环境保护督察")
    assert _status(store, item_id) == "registered"
    with store.session() as s:
        svc.transition(s, a, item_id, "in_progress")
        svc.add_note(s, a, item_id, "已完成围挡和洒水降尘")
    _attach(store, a, item_id)
    with store.session() as s:
        svc.transition(s, a, item_id, "completed")
        # the city sends it back (退回), with a reason …
        svc.transition(s, b, item_id, "in_progress", "佐证材料不全")
        svc.transition(s, a, item_id, "completed", "已补充材料")
        # … then closes it (销号)
        item = svc.close_item(s, b, item_id, "验收合格，同意销号")
        assert (item.status, item.closed_by, item.closure_note) == (
            "closed",
            "city",
            "验收合格，同意销号",
        )
        assert item.completed_by == "county"
        # reopened by an administrator, with a reason
        item = svc.transition(s, boss, item_id, "in_progress", "群众再次举报")
        assert item.status == "in_progress" and item.closed_by is None and item.completed_by is None
        verbs = [n.kind for n in item.notes]
    assert verbs == [
        "create", "start", "note", "evidence", "complete", "return", "complete", "close", "reopen",
    ]  # fmt: skip


def test_closure_refused_to_the_items_own_editor(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    item_id = _completed(store, people)
    # county2 edits for the same county but never touched the item: the role rule refuses
    for name in ("county2", "county"):
        with store.session() as s, pytest.raises(svc.LedgerForbiddenError) as e:
            svc.close_item(s, people[name], item_id)
        assert "150100 呼和浩特市" in e.value.message_zh
    # an editor of another league/city, and a viewer, are refused too
    for name in ("baotou", "reader"):
        with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
            svc.close_item(s, people[name], item_id)
    assert _status(store, item_id) == "completed"


def test_closure_refused_to_whoever_completed_or_edited_it(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    boss, city, city2 = people["boss"], people["city"], people["city2"]
    # an admin who completed it may not close it
    item_id = _new(store, boss)
    with store.session() as s:
        svc.transition(s, boss, item_id, "in_progress")
    _attach(store, boss, item_id)
    with store.session() as s:
        svc.transition(s, boss, item_id, "completed")
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError) as e:
        svc.close_item(s, boss, item_id)
    assert "不能自己销号" in e.value.message_zh
    # a city editor who wrote a note on the item may not close it either (it edited the item)
    with store.session() as s:
        svc.transition(s, city2, item_id, "in_progress", "需补充现场照片")
    with store.session() as s:
        svc.add_note(s, city, item_id, "市局督导：已现场核查")
        svc.transition(s, people["county"], item_id, "completed")
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError) as e:
        svc.close_item(s, city, item_id)
    assert "参与过该事项" in e.value.message_zh
    # sending it back did not make city2 an editor: city2 may close
    with store.session() as s:
        assert svc.close_item(s, city2, item_id).status == "closed"


def test_closure_refused_without_evidence_and_by_the_system(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    item_id = _completed(store, people, evidence=False)
    with store.session() as s, pytest.raises(svc.EvidenceRequiredError) as e:
        svc.close_item(s, people["city"], item_id)
    assert "佐证材料" in e.value.message_zh
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError, match="approving account"):
        svc.close_item(s, svc.Caller.system("(cli:test)"), item_id)
    _attach(store, people["county"], item_id)
    with store.session() as s:
        assert svc.close_item(s, people["region"], item_id).status == "closed"  # 150000 editor


def test_levels_league_items_close_at_the_region_and_region_items_by_admins(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    city, region, boss, boss2 = people["city"], people["region"], people["boss"], people["boss2"]
    league_item = _new(store, city, region_code=CITY)
    region_item = _new(store, boss2, region_code="150000")
    for item_id, author in ((league_item, city), (region_item, boss2)):
        with store.session() as s:
            svc.transition(s, author, item_id, "in_progress")
        _attach(store, author, item_id)
        with store.session() as s:
            svc.transition(s, author, item_id, "completed")
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
        svc.close_item(s, people["city2"], league_item)  # same level: no
    with store.session() as s:
        assert svc.close_item(s, region, league_item).status == "closed"
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError) as e:
        svc.close_item(s, region, region_item)  # nothing above 150000 but admins
    assert "管理员" in e.value.message_zh
    with store.session() as s:
        assert svc.close_item(s, boss, region_item).status == "closed"


def test_reasons_and_admin_only_reopen(store: Store, people: dict[str, svc.Caller]) -> None:
    item_id = _completed(store, people)
    with store.session() as s, pytest.raises(svc.LedgerValidationError):
        svc.transition(s, people["city"], item_id, "in_progress")  # return needs a reason
    with store.session() as s:
        svc.close_item(s, people["city"], item_id)
    for name in ("city", "county", "region"):
        with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
            svc.transition(s, people[name], item_id, "in_progress", "重新核查")
    with store.session() as s, pytest.raises(svc.LedgerValidationError):
        svc.transition(s, people["boss"], item_id, "in_progress")
    with store.session() as s, pytest.raises(TransitionError):
        svc.transition(s, people["boss"], item_id, "completed")
    # a closed item is locked: no notes, evidence or edits until reopened
    with store.session() as s, pytest.raises(TransitionError):
        svc.add_note(s, people["county"], item_id, "补充")
    with store.session() as s, pytest.raises(TransitionError):
        svc.update_item(s, people["county"], item_id, {"measures": "x"})


def test_writes_are_scoped_to_the_region(store: Store, people: dict[str, svc.Caller]) -> None:
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
        svc.create_item(
            s, people["baotou"], {"kind": "inspection", "title": "x", "region_code": COUNTY}
        )
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
        svc.create_item(
            s, people["county"], {"kind": "inspection", "title": "x", "region_code": CITY}
        )
    item_id = _new(store, people["city"])  # a league/city writes for its counties
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
        svc.update_item(s, people["county"], item_id, {"region_code": "150122"})  # not its own
    with store.session() as s:
        svc.update_item(s, people["city"], item_id, {"region_code": "150122", "measures": "复绿"})
        assert svc.get_item(s, item_id).region_code == "150122"


def test_validation_names_every_bad_field(store: Store, people: dict[str, svc.Caller]) -> None:
    with store.session() as s, pytest.raises(svc.LedgerValidationError) as e:
        svc.create_item(
            s,
            people["boss"],
            {"kind": "audit", "region_code": "159999", "deadline": "2025-13-01"},
        )
    bad = {f for f, _ in e.value.fields}
    assert bad == {"kind", "region_code", "deadline", "title"}
    with store.session() as s, pytest.raises(svc.LedgerValidationError) as e:
        svc.create_item(s, people["boss"], {"kind": "plan_task", "title": "x", "region_code": CITY})
    assert {f for f, _ in e.value.fields} == {"plan_id"}
    _new(store, people["boss"], code="DC-1")
    with store.session() as s, pytest.raises(svc.LedgerConflictError):
        svc.create_item(
            s,
            people["boss"],
            {"kind": "inspection", "title": "y", "region_code": CITY, "code": "DC-1"},
        )


def test_plan_tasks_link_to_task_rows(store: Store, people: dict[str, svc.Caller]) -> None:
    with store.session() as s:
        import_plan_file(s, HOHHOT, origin="embedded")
    with store.session() as s:
        item = svc.create_item(
            s,
            people["city"],
            {"kind": "major_project", "plan_id": "hohhot-14fyp-eco", "task_code": "MP02"},
        )
        # title from the task; deadline 31 December of its deadline year (2025); region: the plan's
        assert item.title.startswith("大青山已关闭退出矿山")
        assert (item.deadline, item.region_code) == (date(2025, 12, 31), CITY)
        with pytest.raises(svc.LedgerValidationError, match="not a major project"):
            svc.create_item(
                s,
                people["city"],
                {"kind": "major_project", "plan_id": "hohhot-14fyp-eco", "task_code": "T4.5.2.a"},
            )
        with pytest.raises(svc.LedgerValidationError, match="no task"):
            svc.create_item(
                s,
                people["city"],
                {"kind": "plan_task", "plan_id": "hohhot-14fyp-eco", "task_code": "NOPE"},
            )
        task = svc.create_item(
            s,
            people["city"],
            {"kind": "plan_task", "plan_id": "hohhot-14fyp-eco", "task_code": "T4.5.2.a"},
        )
        assert task.deadline == date(2022, 12, 31)  # “到2022年…清零”


def test_overdue_from_a_fixed_day(store: Store, people: dict[str, svc.Caller]) -> None:
    a = people["county"]
    late = _new(store, a, deadline="2025-06-30", round="R")
    _new(store, a, deadline="2025-12-31", round="R")
    done = _completed(store, people)  # deadline 2025-06-30 but completed: not overdue
    _new(store, a, round="R")  # no deadline
    with store.session() as s:
        svc.transition(s, a, late, "in_progress")
        items, total = svc.list_items(s, overdue=True, today=date(2025, 7, 1))
        assert [i.id for i in items] == [late] and total == 1
        assert svc.list_items(s, overdue=True, today=date(2025, 6, 30))[1] == 0
        assert svc.list_items(s, overdue=True, today=date(2026, 1, 1))[1] == 2
        d = svc.item_to_dict(svc.get_item(s, late), date(2025, 7, 11))
        assert (d["overdue"], d["days_overdue"]) == (True, 11)
        assert not svc.item_to_dict(svc.get_item(s, done), date(2030, 1, 1))["overdue"]
        st = svc.statistics(s, round="R", today=date(2026, 1, 1))
    assert st["total"]["overdue"] == 2 and st["total"]["total"] == 3
    assert st["groups"][0]["sentence_zh"] == "R3项整改任务均在整改中，其中2项逾期、1项按时序推进"


def test_stage_flag_needs_a_note_and_an_open_item(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    a = people["county"]
    item_id = _new(store, a, round="R")
    with store.session() as s, pytest.raises(svc.LedgerValidationError):
        svc.set_stage_achieved(s, a, item_id, True, "")
    with store.session() as s:
        svc.set_stage_achieved(s, a, item_id, True, "完成主体工程")
    with store.session() as s:
        st = svc.statistics(s, round="R", today=date(2025, 1, 1))
        assert st["groups"][0]["sentence_zh"] == "R1项整改任务均取得阶段性成效"
        svc.set_stage_achieved(s, a, item_id, False, None)
        assert not svc.get_item(s, item_id).stage_achieved
    closed = _completed(store, people)
    with store.session() as s, pytest.raises(TransitionError):
        svc.set_stage_achieved(s, a, closed, True, "x")


def test_evidence_is_content_addressed(store: Store, people: dict[str, svc.Caller]) -> None:
    a = people["county"]
    one, two = _new(store, a), _new(store, a)
    data = "整改验收意见".encode()
    sha = hashlib.sha256(data).hexdigest()
    _attach(store, a, one, data)
    _attach(store, a, two, data)
    path: Path = store.settings.home / "evidence" / sha
    assert path.read_bytes() == data
    assert list(path.parent.iterdir()) == [path]  # one copy for both items
    with store.session() as s:
        ev = svc.get_item(s, one).evidence[0]
        assert (ev.file_name, ev.size, ev.sha256, ev.uploaded_by) == (
            "验收报告.pdf",
            len(data),
            sha,
            "county",
        )
    with pytest.raises(svc.LedgerConflictError):
        _attach(store, a, one, data)
    with store.session() as s, pytest.raises(svc.LedgerValidationError):
        svc.attach_evidence(s, a, one, file_name="e", data=b"", home=store.settings.home)
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError):
        svc.attach_evidence(
            s, people["baotou"], one, file_name="e", data=b"x", home=store.settings.home
        )
    assert svc.clean_file_name("C:\\Users\\a\\照片 1.jpg") == "照片 1.jpg"


def test_every_change_is_audited_with_before_and_after(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    a, b = people["county"], people["city"]
    item_id = _new(store, a)
    with store.session() as s:
        svc.update_item(s, a, item_id, {"measures": "拆除违建", "deadline": "2025-09-30"})
        svc.add_note(s, a, item_id, "已拆除")
        svc.set_stage_achieved(s, a, item_id, True, "主体拆除完成")
        svc.transition(s, a, item_id, "in_progress")
    _attach(store, a, item_id)
    with store.session() as s:
        svc.transition(s, a, item_id, "completed")
        svc.close_item(s, b, item_id, "同意")
        svc.transition(s, people["boss"], item_id, "in_progress", "复查")
    with store.session() as s:
        rows = list(
            s.scalars(
                select(Audit)
                .where(Audit.entity == "ledger_item", Audit.entity_id == str(item_id))
                .order_by(Audit.id)
            )
        )
        history = svc.history(s, item_id)
    actions = [r.action for r in rows]
    assert actions == [
        "ledger.create", "ledger.update", "ledger.note", "ledger.stage", "ledger.start",
        "ledger.evidence", "ledger.complete", "ledger.close", "ledger.reopen",
    ]  # fmt: skip
    assert [h["action"] for h in history] == actions[::-1]  # newest first
    assert rows[0].before is None and rows[0].after["status"] == "registered"
    for r in rows[1:]:
        assert r.before is not None and r.after is not None and r.before != r.after, r.action
        assert r.region_code == COUNTY
    upd = rows[1]
    assert (upd.before["measures"], upd.after["measures"]) == (None, "拆除违建")
    assert (upd.before["deadline"], upd.after["deadline"]) == (None, "2025-09-30")
    close = rows[7]
    assert (close.username, close.before["status"], close.after["status"]) == (
        "city",
        "completed",
        "closed",
    )
    assert close.after["closed_by"] == "city"
    assert rows[5].after["evidence"][0]["file_name"] == "验收报告.pdf"
    assert rows[5].before["evidence"] == []
    assert rows[8].before["closed_by"] == "city" and rows[8].after["closed_by"] is None


def test_a_refused_change_writes_nothing(store: Store, people: dict[str, svc.Caller]) -> None:
    item_id = _completed(store, people, evidence=False)
    with store.session() as s:
        n_audit = len(svc.history(s, item_id))
    with store.session() as s, pytest.raises(svc.EvidenceRequiredError):
        svc.close_item(s, people["city"], item_id)
    with store.session() as s:
        assert len(svc.history(s, item_id)) == n_audit
        item = s.get(LedgerItem, item_id)
        assert item is not None and item.status == "completed" and item.closed_by is None


def test_list_filters_by_kind_round_region_status_and_text(
    store: Store, people: dict[str, svc.Caller]
) -> None:
    boss = people["boss"]
    _new(store, boss, round="A", title="烟尘治理")
    _new(store, boss, round="B", region_code="150202", title="河道垃圾")
    _new(store, boss, kind="complaint", round="A", region_code="150200", title="噪声投诉")
    with store.session() as s:
        assert svc.list_items(s, round="A")[1] == 2
        assert svc.list_items(s, region="150200")[1] == 2  # 包头市 includes 150202
        assert svc.list_items(s, region=COUNTY)[1] == 1
        assert svc.list_items(s, kind="信访举报")[1] == 1
        assert svc.list_items(s, status="已登记")[1] == 3
        assert [i.title for i in svc.list_items(s, q="垃圾")[0]] == ["河道垃圾"]
        page, total = svc.list_items(s, limit=2, offset=2)
        assert (len(page), total) == (1, 3)
        assert [r["round"] for r in svc.rounds(s)] == ["A", "B"]
        st = svc.statistics(s, region="150200")
        assert [(g["round"], g["kind"]) for g in st["groups"]] == [
            ("A", "complaint"),
            ("B", "inspection"),
        ]
        with pytest.raises(svc.LedgerValidationError):
            svc.list_items(s, region="999999")
        board = svc.board(s, today=date(2025, 1, 1))
        assert [c["total"] for c in board["columns"]] == [3, 0, 0, 0]
