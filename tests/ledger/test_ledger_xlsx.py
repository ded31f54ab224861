"""Excel/CSV ledgers in the officials' layout: export → import → export gives the same sheet;
imports are all-or-nothing with every bad row and column named; re-imports change nothing and
a changed row is audited with its before and after."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from ecoplan.config import settings
from ecoplan.ingest.errors import FileLayoutError
from ecoplan.ingest.ledger_xlsx import LedgerFileError, import_ledger, import_ledger_bytes
from ecoplan.model.ledger import COLUMNS
from ecoplan.report.ledger_xlsx import write_ledger_xlsx
from ecoplan.store import ledger as svc
from ecoplan.store import users as users_mod
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_user

DAY = date(2025, 7, 1)
SYSTEM = svc.Caller.system("(test)")
HEADER = (
    "编号,类型,督察轮次/来源,问题及整改任务,地区代码,整改时限,整改状态,"
    "阶段性成效,阶段性成效说明,销号审核人,销号日期"
)


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        users_mod, "_hasher", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    )


def _user(s: Session, name: str) -> svc.Caller:
    """An account allowed everything (separation of duties still applies)."""
    u = create_user(s, SYSTEM.actor, username=name, password="password 1", role="admin")
    return svc.Caller(Actor(u.id, name), lambda a, r: True)


def _fill(store: Store) -> None:
    """A small ledger touching every column: four statuses, a stage result, an overdue item,
    evidence, progress notes, a closure with a note."""
    with store.session() as s:
        sync_regions(s)
        a = svc.create_item(
            s,
            SYSTEM,
            {
                "kind": "inspection",
                "code": "DC-2024-01",
                "title": "石料厂扬尘污染",
                "round": "2024年自治区生态环境保护督察",
                "source_doc": "内督反馈〔2024〕1号",
                "region_code": "150121",
                "responsible_unit": "土默特左旗人民政府",
                "lead_department": "旗生态环境分局",
                "deadline": "2025-06-30",
                "measures": "全封闭改造；安装喷淋",
            },
        )
        svc.transition(s, SYSTEM, a.id, "in_progress")
        svc.add_note(s, SYSTEM, a.id, "完成围挡，喷淋安装中")
        b = svc.create_item(
            s,
            SYSTEM,
            {"kind": "complaint", "code": "XF-7", "title": "夜间施工噪声", "region_code": "150102"},
        )
        svc.transition(s, SYSTEM, b.id, "in_progress")
        svc.set_stage_achieved(s, SYSTEM, b.id, True, "已约谈施工单位")
        values = {"kind": "inspection", "code": "DC-2024-02", "title": "污水直排"}
        values |= {"region_code": "150121", "round": "2024年自治区生态环境保护督察"}
        c = svc.create_item(s, SYSTEM, values | {"deadline": "2025-12-31"})
        svc.transition(s, SYSTEM, c.id, "in_progress")
        svc.attach_evidence(
            s, SYSTEM, c.id, file_name="监测报告.pdf", data=b"report", home=store.settings.home
        )
        svc.transition(s, _user(s, "county"), c.id, "completed")
        svc.close_item(s, _user(s, "city"), c.id, "验收合格")
        svc.create_item(
            s,
            SYSTEM,
            {
                "kind": "inspection",
                "code": "DC-2024-03",
                "title": "堆场苫盖",
                "region_code": "150100",
            },
        )


def _export(store: Store, path: Path) -> Path:
    with store.session() as s:
        items, _ = svc.list_items(s, today=DAY)
        rows = svc.items_for_export(s, items, DAY)
        st = svc.statistics(s, today=DAY)
    write_ledger_xlsx(rows, path, stats=st, today=DAY)
    return path


def _sheet(path: Path) -> list[list[Any]]:
    wb = load_workbook(path)
    return [list(r) for r in wb["整改台账"].iter_rows(values_only=True)]


@pytest.fixture
def other(tmp_path: Path) -> Store:
    st = Store(settings(home=tmp_path / "other", database_url=f"sqlite:///{tmp_path / 'b.db'}"))
    st.migrate()
    with st.session() as s:
        sync_regions(s)
    return st


def test_round_trip(store: Store, other: Store, tmp_path: Path) -> None:
    _fill(store)
    first = _export(store, tmp_path / "a.xlsx")
    with other.session() as s:
        res = import_ledger(s, SYSTEM, first)
    assert (res.rows, res.inserted, res.updated, res.unchanged) == (4, 4, 0, 0)
    second = _export(other, tmp_path / "b.xlsx")
    a, b = _sheet(first), _sheet(second)
    evidence = [c.zh for c in COLUMNS].index("佐证材料")
    assert a[0] == b[0]  # the title row (same export day)
    assert len(a) == len(b) == 2 + 4
    for ra, rb in zip(a[1:], b[1:], strict=True):
        # every column but the evidence files (the sheet names them; it cannot carry them)
        assert ra[:evidence] + ra[evidence + 1 :] == rb[:evidence] + rb[evidence + 1 :]
    rows = {r[1]: dict(zip(a[1], r, strict=True)) for r in a[2:]}
    assert (
        rows["DC-2024-01"]["是否逾期"] == "是"
        and rows["DC-2024-01"]["整改进展"] == "完成围挡，喷淋安装中"
    )
    assert rows["DC-2024-02"]["整改状态"] == "已销号" and rows["DC-2024-02"]["销号审核人"] == "city"
    assert (
        rows["DC-2024-02"]["申请销号人"] == "county"
        and rows["DC-2024-02"]["佐证材料"] == "监测报告.pdf"
    )
    assert rows["XF-7"]["整改状态"] == "整改中" and rows["XF-7"]["阶段性成效"] == "是"
    assert rows["DC-2024-01"]["整改时限"].date() == date(2025, 6, 30)
    # the items themselves agree field by field (closure time: the sheet holds the day)
    with store.session() as s1, other.session() as s2:
        for code in rows:
            x, y = svc.snapshot(svc.get_item(s1, code)), svc.snapshot(svc.get_item(s2, code))
            for k in ("id", "notes_count", "evidence", "closed_at", "completed_at"):
                x.pop(k), y.pop(k)
            assert x == y, code
    # importing the file again into either database changes nothing
    for st in (store, other):
        with st.session() as s:
            again = import_ledger(s, SYSTEM, first)
        assert (again.inserted, again.updated, again.unchanged) == (0, 0, 4)
    wb = load_workbook(first)
    assert wb.sheetnames == ["整改台账", "统计", "说明"]
    assert (
        "2024年自治区生态环境保护督察2项整改任务销号1项，剩余1项逾期"
        in [r[0] for r in wb["统计"].iter_rows(values_only=True) if r[0]][1]
    )


def test_bad_rows_are_all_named_and_nothing_is_written(store: Store) -> None:
    with store.session() as s:
        sync_regions(s)
    text = "\n".join(
        [
            "台账（标题行）",
            HEADER + ",备注",
            "A-1,督察整改,R,好的一行,150100,2025-06-30,整改中,否,,,,随便",
            "A-2,督察,R,坏的类型,150100,,整改中,否,,,,",
            "A-3,督察整改,R,坏的地区和日期,159999,2025/02/30,整改中,否,,,,",
            "A-4,督察整改,R,,150100,,已销号,是,,,,",
            "A-1,督察整改,R,重复编号,150100,,整改中,也许,,,,",
            "A-6,督察整改,R,未销号却有审核人,150100,,整改中,否,,张三,2024-01-01,",
        ]
    ).encode("utf-8")
    with store.session() as s, pytest.raises(LedgerFileError) as e:
        import_ledger_bytes(s, SYSTEM, text, "bad.csv")
    got = {(r, c) for r, c, _ in e.value.errors}
    assert got == {
        (4, "类型"),
        (5, "地区代码"),
        (5, "整改时限"),
        (6, "问题及整改任务"),
        (6, "阶段性成效"),
        (7, "阶段性成效"),
        (8, "销号审核人"),
    }
    assert "bad.csv" in str(e.value) and "nothing was imported" in str(e.value)
    with store.session() as s:
        assert svc.count_items(s) == 0
    # without the bad rows the same file imports, its unknown column reported
    good = b"\n".join(text.split(b"\n")[:3])
    with store.session() as s:
        res = import_ledger_bytes(s, SYSTEM, good, "good.csv")
    assert (res.inserted, res.ignored_columns) == (1, ["备注"])


def test_gb18030_csv_and_layout_errors(store: Store) -> None:
    with store.session() as s:
        sync_regions(s)
    row = "B-1,信访举报,,噪声扰民,150102,,已办结,否,,,2024-05-01"
    data = (HEADER + "\n" + row + "\n").encode("gb18030")
    with store.session() as s:
        assert import_ledger_bytes(s, SYSTEM, data, "gbk.csv").inserted == 1
        item = svc.get_item(s, "B-1")
        assert (item.title, item.status, item.closed_at.date() if item.closed_at else None) == (
            "噪声扰民",
            "closed",
            date(2024, 5, 1),
        )
    with store.session() as s, pytest.raises(FileLayoutError, match="missing column"):
        import_ledger_bytes(s, SYSTEM, "编号,类型\nx,督察整改\n".encode(), "short.csv")
    with store.session() as s, pytest.raises(FileLayoutError, match="no header row"):
        import_ledger_bytes(s, SYSTEM, b"a,b\n1,2\n", "nohead.csv")
    with store.session() as s, pytest.raises(FileLayoutError, match=r"\.xlsx or \.csv"):
        import_ledger_bytes(s, SYSTEM, b"x", "ledger.ods")
    with store.session() as s, pytest.raises(FileLayoutError, match="XLSX"):
        import_ledger_bytes(s, SYSTEM, b"not a zip", "ledger.xlsx")


def test_a_changed_row_updates_the_item_with_an_audit_row(store: Store) -> None:
    with store.session() as s:
        sync_regions(s)
        import_ledger_bytes(
            s, SYSTEM, (HEADER + "\nC-1,督察整改,R,事项,150100,,整改中,否,,,\n").encode(), "v1.csv"
        )
    v2 = HEADER + ",整改进展\nC-1,督察整改,R,事项,150100,2025-12-31,已完成,否,,,,已完成主体工程\n"
    with store.session() as s:
        res = import_ledger_bytes(s, SYSTEM, v2.encode(), "v2.csv")
        assert (res.updated, res.unchanged) == (1, 0)
        item = svc.get_item(s, "C-1")
        assert (item.status, item.deadline) == ("completed", date(2025, 12, 31))
        assert svc.latest_progress(item) == "已完成主体工程"
        rows = svc.history(s, item.id)
    assert [r["action"] for r in rows] == ["ledger.import", "ledger.import"]
    newest = rows[0]
    assert newest["before"]["status"] == "in_progress" and newest["after"]["status"] == "completed"
    assert newest["before"]["deadline"] is None and newest["after"]["deadline"] == "2025-12-31"
    assert newest["after"]["source_file"] == "v2.csv" and rows[1]["before"] is None


def test_imports_need_the_import_permission(store: Store) -> None:
    with store.session() as s:
        sync_regions(s)
    editor = svc.Caller(Actor(5, "county"), lambda action, region: action != "ledger.import")
    data = (HEADER + "\nD-1,督察整改,R,事项,150100,,已销号,否,,,\n").encode()
    with store.session() as s, pytest.raises(svc.LedgerForbiddenError, match="import"):
        import_ledger_bytes(s, editor, data, "closed.csv")
