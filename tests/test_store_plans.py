"""Plans in the application database, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from ecoplan.model.planfile import PlanFileError
from ecoplan.store import schema as s
from ecoplan.store.db import Store, current_revisions, head_revisions
from ecoplan.store.plans import (
    get_plans,
    import_plan_file,
    load_embedded_plans,
    plan_to_dict,
    sync_regions,
)

SMALL = Path(__file__).parent / "data" / "small_plan.yaml"


def _counts(store: Store) -> dict[str, int]:
    with store.session() as ses:
        return {
            t.__tablename__: ses.scalar(select(func.count()).select_from(t)) or 0
            for t in (s.Plan, s.Indicator, s.Baseline, s.Target, s.Task, s.IndicatorCategory)
        }


def test_migrations_match_the_models(store: Store) -> None:
    assert current_revisions(store.engine) == head_revisions()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), s.Base.metadata)
    assert diff == []


def test_small_plan_round_trip(store: Store) -> None:
    with store.session() as ses:
        sync_regions(ses)
        res = import_plan_file(ses, SMALL)
    assert (res.action, res.indicators, res.baselines, res.targets, res.tasks) == (
        "inserted",
        2,
        1,
        2,
        2,
    )
    with store.session() as ses:
        d = plan_to_dict(get_plans(ses, "test-plan")[0])
    pm = d["indicators"][0]
    assert pm["code"] == "T-PM25" and pm["binding"] == "binding" and pm["direction"] == "lower"
    assert pm["baselines"] == [
        {
            "region_code": "150100",
            "year": 2020,
            "value": 41.0,
            "source_file": "test",
            "quote": "细颗粒物41",
        }
    ]
    grass = d["indicators"][1]["targets"][0]
    assert (grass["comparator"], grass["value"], grass["kind"]) == (">=", 45.0, "maintain")
    assert d["tasks"][1]["lead_departments"] == ["市生态环境局"]
    assert d["tasks"][1]["parent"] == "C1"


def test_reimport_same_file_changes_nothing_and_conflict_needs_replace(
    store: Store, tmp_path: Path
) -> None:
    with store.session() as ses:
        sync_regions(ses)
        import_plan_file(ses, SMALL)
    before = _counts(store)
    with store.session() as ses:
        assert import_plan_file(ses, SMALL).action == "unchanged"
    assert _counts(store) == before
    changed = yaml.safe_load(SMALL.read_text("utf-8"))
    changed["indicators"][0]["targets"][0]["value"] = 30
    f = tmp_path / "changed.yaml"
    f.write_text(yaml.safe_dump(changed, allow_unicode=True), "utf-8")
    with pytest.raises(PlanFileError, match="exists already"), store.session() as ses:
        import_plan_file(ses, f)
    with store.session() as ses:
        assert import_plan_file(ses, f, replace=True).action == "replaced"
    assert _counts(store) == before
    with store.session() as ses:
        t = ses.scalars(select(s.Target).where(s.Target.comparator == "<=")).one()
        assert t.value == 30


def _mutations() -> list[tuple[str, object, str]]:
    """(description, mutation, expected text in the error) for malformed plan files."""

    def unknown_field(d: dict) -> None:
        d["indicators"][0]["colour"] = "red"

    def bad_comparator(d: dict) -> None:
        d["indicators"][0]["targets"][0]["comparator"] = "≤"

    def bad_region(d: dict) -> None:
        d["indicators"][0]["baselines"][0]["region"] = "159999"

    def dup_code(d: dict) -> None:
        d["indicators"][1]["code"] = "T-PM25"

    def bad_value(d: dict) -> None:
        d["indicators"][0]["targets"][0]["value"] = "thirty-five"

    def bad_parent(d: dict) -> None:
        d["tasks"][1]["parent"] = "C9"

    def missing_name(d: dict) -> None:
        del d["indicators"][1]["name_en"]

    return [
        ("unknown field", unknown_field, "indicators[0](T-PM25).colour"),
        ("bad comparator", bad_comparator, "indicators[0](T-PM25).targets[0].comparator"),
        ("unknown region", bad_region, "159999 is not a known GB/T 2260 region"),
        ("duplicate indicator code", dup_code, "used twice"),
        ("non-numeric value", bad_value, "targets[0].value"),
        ("unknown parent task", bad_parent, "parent 'C9'"),
        ("missing field", missing_name, "indicators[1](T-GRASS).name_en"),
    ]


@pytest.mark.parametrize(("what", "mutate", "expected"), _mutations(), ids=lambda v: str(v)[:20])
def test_malformed_plan_is_refused_whole(
    store: Store, tmp_path: Path, what: str, mutate, expected: str
) -> None:
    with store.session() as ses:
        sync_regions(ses)
    before = _counts(store)
    data = yaml.safe_load(SMALL.read_text("utf-8"))
    mutate(data)
    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), "utf-8")
    with pytest.raises(PlanFileError) as exc, store.session() as ses:
        import_plan_file(ses, f)
    assert expected in str(exc.value), (what, str(exc.value))
    assert str(f) in str(exc.value)
    assert _counts(store) == before


def test_yaml_syntax_error_names_the_file(store: Store, tmp_path: Path) -> None:
    f = tmp_path / "broken.yaml"
    f.write_text("id: x\nindicators: [\n", "utf-8")
    with (
        pytest.raises(PlanFileError, match=r"(?s)broken\.yaml.*\(syntax\)"),
        store.session() as ses,
    ):
        import_plan_file(ses, f)


def test_embedded_plans_load_and_reload_idempotently(store: Store) -> None:
    with store.session() as ses:
        sync_regions(ses)
        first = load_embedded_plans(ses)
    assert first and all(r.action == "inserted" for r in first)
    before = _counts(store)
    with store.session() as ses:
        assert sync_regions(ses) == 0
        again = load_embedded_plans(ses)
    assert all(r.action == "unchanged" for r in again)
    assert _counts(store) == before
    assert before["target"] > 0 and before["baseline"] > 0
