"""The rules file: the shipped rules, validation errors that name the rule and key, and which
rule governs a region."""

from __future__ import annotations

import pytest

from ecoplan.model.warning_rules import (
    LEVELS,
    WarningRulesError,
    default_rules,
    level_rank,
    parse_rules,
)


def test_shipped_rules() -> None:
    rs = default_rules()
    assert rs.rule_for("air_forecast", "150100").id == "air.heavy.hohhot"  # type: ignore[union-attr]
    assert rs.rule_for("air_forecast", "150200").id == "air.heavy.national"  # type: ignore[union-attr]
    assert rs.rule_for("air_forecast", "150100").params.scheme == "hohhot"  # type: ignore[union-attr]
    silent = rs.rule_for("station_silent", "150102")
    assert silent is not None and silent.params.hours == 24
    flat = rs.rule_for("station_flatline", "150602")
    assert flat is not None and flat.params.hours == 12
    assert [c.channel for c in rs.channels] == ["file"]
    kinds = {r.kind for r in rs.rules}
    assert kinds == set(LEVELS)


def test_levels_are_ordered() -> None:
    assert level_rank("air_forecast", "red") > level_rank("air_forecast", "yellow")
    assert level_rank("water_target", "劣V") > level_rank("water_target", "IV")
    with pytest.raises(WarningRulesError, match="not a level"):
        level_rank("air_forecast", "purple")


def _rule(body: str, extra: str = "") -> str:
    return f"version: 1\nrules:\n  - id: r.one\n{body}{extra}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: []\nbogus: 1\n", "bogus"),
        (_rule("    kind: air_forecast\n    colour: red\n"), r"rules\[0\]\(r.one\).colour"),
        (_rule("    kind: weather\n"), "kind"),
        (_rule("    kind: air_forecast\n    params: {scheme: beijing}\n"), "scheme must be one of"),
        (_rule("    kind: air_forecast\n    params: {scheme_params: {hevy: 1}}\n"),
         "unknown parameter"),
        (_rule("    kind: station_silent\n    params: {hours: 0}\n"), "params.hours"),
        (_rule("    kind: station_silent\n    params: {hours: 200, lookback_days: 2}\n"),
         "lookback_days"),
        (_rule("    kind: station_flatline\n    params: {pollutants: [PM1]}\n"), "PM1"),
        (_rule("    kind: water_target\n    scope: ['159999']\n"), "159999"),
        (_rule("    kind: water_target\n", "  - id: r.one\n    kind: water_target\n"),
         "duplicate rule id"),
        (_rule("    kind: water_target\n", "  - id: r.two\n    kind: water_target\n"),
         "scoped `all`"),
        (_rule("    kind: water_target\n    scope: ['150100']\n",
               "  - id: r.two\n    kind: water_target\n    scope: ['150100', '150200']\n"),
         "named by rules"),
        (_rule("    kind: water_target\n", "notify:\n  - channel: file\n    target: ../x.jsonl\n"),
         "plain file name"),
        (_rule("    kind: water_target\n", "notify:\n  - channel: webhook\n    target: ftp://x\n"),
         "http"),
        (_rule("    kind: water_target\n", "notify:\n  - channel: email\n    target: nobody\n"),
         "not an address"),
        ("rules: [\n", "not valid YAML"),
    ],
)  # fmt: skip
def test_validation_errors_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(WarningRulesError, match=message):
        parse_rules(text, "mine.yaml")


def test_most_specific_rule_governs() -> None:
    rs = parse_rules(
        """
version: 1
rules:
  - id: all
    kind: station_silent
  - id: region
    kind: station_silent
    scope: ['150000']
    params: {hours: 30}
  - id: baotou
    kind: station_silent
    scope: ['150200']
    params: {hours: 12}
  - id: dq.off
    kind: station_flatline
    enabled: false
""",
        "t.yaml",
    )
    gov = {c: rs.rule_for("station_silent", c).id for c in ("150202", "150102", "150000")}  # type: ignore[union-attr]
    assert gov == {"150202": "baotou", "150102": "region", "150000": "region"}
    assert rs.rule_for("station_silent", "110000").id == "all"  # type: ignore[union-attr]
    assert rs.rule_for("station_flatline", "150202") is None  # disabled


def test_disabled_duplicates_are_allowed() -> None:
    rs = parse_rules(
        _rule(
            "    kind: water_target\n",
            "  - id: r.two\n    kind: water_target\n    enabled: false\n",
        ),
        "t.yaml",
    )
    assert [r.id for r in rs.enabled("water_target")] == ["r.one"]
