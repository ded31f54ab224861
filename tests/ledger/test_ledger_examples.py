"""The shipped example ledgers (src/ecoplan/data/ledger) reproduce the inspection and complaint
statements of the Hohhot 14th FYP (seeds/002, 第一章第一节“4.”) — checked against the plan's own
inspection indicators (their baselines and source quotes), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest

from ecoplan.ingest.ledger_xlsx import example_files, load_examples, read_ledger
from ecoplan.model.planfile import read_plan
from ecoplan.store import ledger as svc
from ecoplan.store.db import Store
from ecoplan.store.plans import embedded_plan_files, sync_regions

HOHHOT = read_plan(next(p for p in embedded_plan_files() if p.stem == "hohhot-14fyp-eco"))
BASE = {i.code: i.baselines[0] for i in HOHHOT.indicators if i.category == "inspection"}
SYSTEM = svc.Caller.system("(test)")
DAY = date(2021, 1, 1)  # the plan describes the end of 2020


def _value(code: str) -> int:
    return int(BASE[code].value)


def _quote(code: str) -> str:
    return BASE[code].source.quote.replace(",", "，")  # the seed text has half-width commas


# round → (kind, indicator of the total, suffix of the done count's indicator and which count it
# is, suffix of the open count's indicator). 2019: the plan says 完成 (completed), not 销号.
ROUNDS = {
    "2016年中央环保督察": (
        "inspection", "HH-INSPECT-2016-CENTRAL-ITEMS", ("-CLOSED", "closed"), None,
    ),
    "2018年中央环保督察“回头看”": (
        "inspection", "HH-INSPECT-2018-CENTRAL-REVIEW-ITEMS", ("-CLOSED", "closed"), "-OPEN",
    ),
    "2019年自治区生态环境保护督察": (
        "inspection", "HH-INSPECT-2019-REGIONAL-ITEMS", ("-CLOSED", "completed"), "-OPEN",
    ),
    "中央环保督察及“回头看”": (
        "complaint", "HH-INSPECT-CENTRAL-COMPLAINTS", ("-RESOLVED", "closed"), None,
    ),
    "自治区生态环境保护督察": (
        "complaint", "HH-INSPECT-REGIONAL-COMPLAINTS", ("-RESOLVED", "closed"), "-OPEN",
    ),
}  # fmt: skip


def test_every_example_row_says_it_was_rebuilt_from_a_total() -> None:
    files = example_files()
    assert {p.suffix for p in files} == {".csv", ".xlsx"}
    n = 0
    for path in files:
        rows, meta = read_ledger(path)
        assert meta["ignored_columns"] == []
        for r in rows:
            assert r["reconstructed"] == "是" and "据总数重建" in r["title"], (
                path.name,
                r["_line"],
            )
            assert r["provenance"].startswith("示例：据来源文件所载总数重建")
        n += len(rows)
    assert n == 18 + 21 + 47 + 1546 + 176


@pytest.fixture
def loaded(store: Store) -> Store:
    with store.session() as s:
        sync_regions(s)
        results = load_examples(s, SYSTEM)
    assert sum(r.inserted for r in results) == 18 + 21 + 47 + 1546 + 176
    return store


def test_examples_reproduce_the_plans_statements(loaded: Store) -> None:
    with loaded.session() as s:
        st = svc.statistics(s, today=DAY)
        again = load_examples(s, SYSTEM)  # loading twice changes nothing
    assert [(r.inserted, r.updated) for r in again] == [(0, 0)] * len(again)
    groups = {g["round"]: g for g in st["groups"]}
    assert list(groups) == list(ROUNDS)  # in the order of the files
    for rnd, (kind, total_code, (done_sfx, done_key), open_sfx) in ROUNDS.items():
        c = groups[rnd]["counts"]
        assert groups[rnd]["kind"] == kind
        assert c["total"] == _value(total_code), rnd
        assert c[done_key] == _value(total_code + done_sfx), rnd
        assert c["open"] == (_value(total_code + open_sfx) if open_sfx else 0), rnd
        assert c["total"] == c[done_key] + c["open"], rnd
    s16, s18, s19, c_central, c_regional = (groups[r]["sentence_zh"] for r in ROUNDS)
    assert s16 == "2016年中央环保督察18项整改任务全部销号"
    assert s16 == _quote("HH-INSPECT-2016-CENTRAL-ITEMS")  # word for word
    assert s18.startswith(_quote("HH-INSPECT-2018-CENTRAL-REVIEW-ITEMS"))
    assert s19.startswith(_quote("HH-INSPECT-2019-REGIONAL-ITEMS"))
    assert s18 == "2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效"
    assert s18.endswith(_quote("HH-INSPECT-2018-CENTRAL-REVIEW-ITEMS-OPEN"))
    assert s19 == "2019年自治区生态环境保护督察47项整改任务完成34项，剩余13项按时序推进"
    assert s19.endswith(_quote("HH-INSPECT-2019-REGIONAL-ITEMS-OPEN"))
    assert c_central == "中央环保督察及“回头看”期间1546件群众举报问题全部办结"
    assert (
        c_regional == "自治区生态环境保护督察期间176件群众举报问题已办结168件，剩余8件正在积极推进"
    )
    assert c_regional.startswith(_quote("HH-INSPECT-REGIONAL-COMPLAINTS"))


def test_examples_by_round_region_and_kind(loaded: Store) -> None:
    with loaded.session() as s:
        one = svc.statistics(s, round="2018年中央环保督察“回头看”", today=DAY)
        complaints = svc.statistics(s, kind="complaint", region="150100", today=DAY)
        elsewhere = svc.statistics(s, region="150200", today=DAY)
        stage, total = svc.list_items(s, round="2018年中央环保督察“回头看”", status="in_progress")
    assert (
        one["sentence_zh"]
        == "2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效。"
    )
    assert (
        complaints["total"]["total"] == 1546 + 176 and complaints["total"]["closed"] == 1546 + 168
    )
    assert elsewhere["total"]["total"] == 0 and elsewhere["sentence_zh"] == "暂无台账事项。"
    assert total == 1 and stage[0].stage_achieved and stage[0].code == "HH-2018-ZYDCHTK-21"
    assert stage[0].reconstructed and "第21项（据总数重建）" in stage[0].title
