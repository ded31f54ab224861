"""The ledger's rules as data (ecoplan.model.ledger): the flow, the region an action is asked
for, overdue, and the statistics sentences in the style of the Hohhot plan (seeds/002)."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecoplan.model.ledger import (
    ACTION_CLOSE,
    ACTION_REOPEN,
    ACTION_WRITE,
    COLUMNS,
    REQUIRED_COLUMNS,
    TRANSITIONS,
    Counts,
    Kind,
    LedgerError,
    Status,
    TransitionError,
    count_of,
    days_overdue,
    is_overdue,
    parse_kind,
    parse_status,
    parse_yes_no,
    region_for,
    status_zh,
    summary_sentence,
    total_of,
    transition_between,
    transitions_from,
)


def test_the_flow_is_the_documented_one() -> None:
    pairs = {(t.source.value, t.target.value): t.verb for t in TRANSITIONS}
    assert pairs == {
        ("registered", "in_progress"): "start",
        ("in_progress", "completed"): "complete",
        ("completed", "closed"): "close",
        ("completed", "in_progress"): "return",
        ("closed", "in_progress"): "reopen",
    }
    close = transition_between("completed", "closed")
    assert close.needs_evidence and close.separate_duty and close.action == ACTION_CLOSE
    assert transition_between("closed", "in_progress").action == ACTION_REOPEN
    assert transition_between("closed", "in_progress").needs_note
    assert transition_between("completed", "in_progress").needs_note
    assert [t.verb for t in transitions_from("completed")] == ["close", "return"]
    assert transitions_from("registered")[0].action == ACTION_WRITE


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("registered", "completed"),
        ("registered", "closed"),
        ("in_progress", "closed"),
        ("closed", "completed"),
        ("closed", "registered"),
        ("in_progress", "registered"),
        ("completed", "completed"),
    ],
)
def test_skipping_steps_is_refused(source: str, target: str) -> None:
    with pytest.raises(TransitionError) as e:
        transition_between(source, target)
    assert "不能改为" in e.value.message_zh


def test_closure_is_asked_for_the_region_above() -> None:
    # a county (150121 土默特左旗) → its league/city 150100; a league/city → 150000;
    # the autonomous region itself → no region (only roles acting everywhere pass)
    assert region_for(ACTION_CLOSE, "150121") == "150100"
    assert region_for(ACTION_CLOSE, "150100") == "150000"
    assert region_for(ACTION_CLOSE, "150000") is None
    assert region_for(ACTION_WRITE, "150121") == "150121"


def test_overdue_is_derived_from_the_deadline_and_the_day() -> None:
    deadline = date(2025, 6, 30)
    assert not is_overdue(deadline, "in_progress", date(2025, 6, 30))  # due today: not late
    assert is_overdue(deadline, "in_progress", date(2025, 7, 1))
    assert is_overdue(deadline, "registered", date(2026, 1, 1))
    assert not is_overdue(deadline, "completed", date(2026, 1, 1))  # done: never overdue
    assert not is_overdue(deadline, "closed", date(2026, 1, 1))
    assert not is_overdue(None, "in_progress", date(2026, 1, 1))
    # 2025-07-01 … 2025-08-01: 31 days
    assert days_overdue(deadline, "in_progress", date(2025, 7, 31)) == 31
    assert days_overdue(deadline, "closed", date(2025, 7, 31)) == 0


def _counts(**by_status: int) -> Counts:
    return total_of(
        count_of(s, stage_achieved=False, overdue=False, n=n) for s, n in by_status.items()
    )


def test_sentences_of_the_hohhot_plan() -> None:
    """seeds/002 第一章第一节“4.”: the plan's statements, rebuilt from counts (full-width
    comma: the source text has half-width ones throughout)."""
    assert (
        summary_sentence("2016年中央环保督察", "inspection", _counts(closed=18))
        == "2016年中央环保督察18项整改任务全部销号"
    )
    c = _counts(closed=20) + count_of("in_progress", stage_achieved=True, overdue=False)
    assert (
        summary_sentence("2018年中央环保督察“回头看”", "inspection", c)
        == "2018年中央环保督察“回头看”21项整改任务销号20项，剩余1项取得阶段性成效"
    )
    c = _counts(completed=34, in_progress=13)
    assert (
        summary_sentence("2019年自治区生态环境保护督察", "inspection", c)
        == "2019年自治区生态环境保护督察47项整改任务完成34项，剩余13项按时序推进"
    )
    assert (
        summary_sentence("中央环保督察及“回头看”", "complaint", _counts(closed=1546))
        == "中央环保督察及“回头看”期间1546件群众举报问题全部办结"
    )
    assert (
        summary_sentence("自治区生态环境保护督察", "complaint", _counts(closed=168, in_progress=8))
        == "自治区生态环境保护督察期间176件群众举报问题已办结168件，剩余8件正在积极推进"
    )


def test_sentences_name_overdue_and_mixed_states() -> None:
    c = (
        _counts(closed=2, completed=1)
        + count_of("in_progress", stage_achieved=True, overdue=False)
        + count_of("in_progress", stage_achieved=False, overdue=True, n=2)
        + count_of("registered", stage_achieved=False, overdue=False, n=3)
    )
    # 9 items: 3 done (2 closed); 6 open = 1 stage + 2 overdue + 3 on schedule
    assert summary_sentence("X", "inspection", c) == (
        "X9项整改任务完成3项（其中销号2项），剩余6项，其中1项取得阶段性成效、2项逾期、3项按时序推进"
    )
    assert (
        summary_sentence(None, "plan_task", _counts(completed=4)) == "4项规划任务全部完成，待销号"
    )
    assert (
        summary_sentence(None, "major_project", _counts(in_progress=3)) == "3项重大工程均按时序推进"
    )
    late = count_of("in_progress", stage_achieved=False, overdue=True, n=2)
    assert summary_sentence("Y", "complaint", _counts(closed=1) + late) == (
        "Y期间3件群众举报问题已办结1件，剩余2件正在积极推进（其中2件逾期）"
    )


statuses = st.sampled_from([s.value for s in Status])


@given(st.lists(st.tuples(statuses, st.booleans(), st.booleans(), st.integers(1, 50)), max_size=12))
def test_counts_add_up(groups: list[tuple[str, bool, bool, int]]) -> None:
    c = total_of(count_of(s, stage_achieved=a, overdue=o, n=n) for s, a, o, n in groups)
    assert c.total == sum(n for *_, n in groups)
    assert c.registered + c.in_progress + c.completed + c.closed == c.total
    assert c.open + c.done == c.total
    assert c.stage_achieved <= c.open and c.overdue <= c.open
    assert c.overdue_stage <= min(c.stage_achieved, c.overdue)


@given(
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.sampled_from([k.value for k in Kind]),
)
def test_sentence_states_the_total_and_closed_count(
    closed: int, completed: int, in_progress: int, registered: int, kind: str
) -> None:
    c = _counts(closed=closed, completed=completed, in_progress=in_progress, registered=registered)
    text = summary_sentence("R", kind, c)
    unit = "件" if kind == "complaint" else "项"
    if c.total == 0:
        assert "暂无" in text
        return
    assert f"{c.total}{unit}" in text
    if closed == c.total:
        assert text.endswith("全部办结" if kind == "complaint" else "全部销号")
    elif closed:
        assert f"{closed}{unit}" in text


def test_parsing_labels_and_yes_no() -> None:
    assert parse_kind("督察整改") is Kind.INSPECTION and parse_kind("complaint") is Kind.COMPLAINT
    assert parse_status("已销号") is Status.CLOSED
    assert parse_status("已办结") is Status.CLOSED
    assert parse_status("已完成（待销号）") is Status.COMPLETED
    assert parse_status("已完成") is Status.COMPLETED
    assert parse_status("in_progress") is Status.IN_PROGRESS
    assert status_zh("closed", "complaint") == "已办结" and status_zh("closed") == "已销号"
    with pytest.raises(LedgerError, match="unknown status"):
        parse_status("done")
    with pytest.raises(LedgerError):
        parse_kind("督察")
    assert parse_yes_no("是") and parse_yes_no("Yes") and not parse_yes_no(None)
    assert not parse_yes_no("否") and not parse_yes_no("")
    with pytest.raises(ValueError, match="是/否"):
        parse_yes_no("也许")


def test_the_sheet_layout_has_unique_headers_and_the_required_columns() -> None:
    zh = [c.zh for c in COLUMNS]
    assert len(zh) == len(set(zh))
    keys = {c.key for c in COLUMNS if c.imported}
    assert set(REQUIRED_COLUMNS) <= keys
