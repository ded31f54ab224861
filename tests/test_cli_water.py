"""``ecoplan water classify`` through Typer's CliRunner."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from ecoplan.cli import app
from ecoplan.cli.water import water_app

runner = CliRunner()


def _json(*args: str) -> dict[str, object]:
    result = runner.invoke(app, ["water", "classify", *args, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict)
    return data


def test_water_app_is_importable_typer() -> None:
    assert isinstance(water_app, typer.Typer)


def test_classify_text_output() -> None:
    result = runner.invoke(
        app, ["water", "classify", "--cod", "18", "--nh3n", "0.9", "--tp", "0.15", "--do", "6.2"]
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    # COD 18 → III, NH3-N 0.9 → III, TP 0.15 (river) → III, DO 6.2 → II: class III, 良好.
    assert "Ⅲ类 (III)" in out
    assert "良好" in out
    assert "COD 化学需氧量 18 mg/L" in out
    assert "DO 溶解氧: 6.2 mg/L → Ⅱ类" in out
    assert "达标" in out


def test_classify_json() -> None:
    data = _json("--cod", "18", "--nh3n", "2.5", "--tp", "0.15", "--do", "6.2")
    # NH3-N 2.5 > 2.0 → 劣V; multiple vs III: (2.5 − 1.0)/1.0 = 1.5.
    assert data["water_class"] == "劣V"
    assert data["grade_zh"] == "重度污染"
    assert data["item_classes"] == {"DO": "II", "COD": "III", "NH3N": "劣V", "TP": "III"}
    assert data["deciding_items"] == ["NH3N"]
    assert data["exceedances"] == {"NH3N": 1.5}
    for key in ("water_class", "grade_zh", "item_classes", "deciding_items", "exceedances"):
        assert key in data


def test_classify_target_and_lake() -> None:
    # Target II: COD (18 − 15)/15 = 0.2, NH3-N (0.9 − 0.5)/0.5 = 0.8, TP (0.15 − 0.1)/0.1 = 0.5.
    data = _json("--cod", "18", "--nh3n", "0.9", "--tp", "0.15", "--target", "II")
    assert data["exceedances"] == {"COD": 0.2, "NH3N": 0.8, "TP": 0.5}
    # Lake: TP 0.15 → V (> 0.1, ≤ 0.2).
    lake = _json("--tp", "0.15", "--lake")
    assert lake["water_class"] == "V"


def test_classify_all_items_and_options() -> None:
    # Without --all-items, TN and fecal coliform are not evaluated.
    nat = _json("--cod", "10", "--tn", "1.2", "--fecal-coliform", "15000", "--lake")
    assert nat["water_class"] == "I"
    # With it (lake): TN 1.2 → IV, coliform 15000 → IV.
    full = _json("--cod", "10", "--tn", "1.2", "--fecal-coliform", "15000", "--lake", "--all-items")
    assert full["water_class"] == "IV"
    assert full["deciding_items"] == ["TN", "fecal_coliform"]
    # Every item has an option.
    opts = [
        "--ph", "7", "--do", "8", "--codmn", "1", "--cod", "10", "--bod5", "2", "--nh3n", "0.1",
        "--tp", "0.01", "--cu", "0.005", "--zn", "0.01", "--f", "0.5", "--se", "0.005",
        "--as", "0.01", "--hg", "0.00001", "--cd", "0.0005", "--cr6", "0.005", "--pb", "0.005",
        "--cn", "0.001", "--phenol", "0.001", "--oil", "0.01", "--las", "0.1", "--sulfide", "0.01",
    ]  # fmt: skip
    every = _json(*opts)
    assert len(every["item_classes"]) == 21  # type: ignore[arg-type]
    assert every["water_class"] == "I"
    # DO 7.0 is II; saturation 92 % makes it I.
    assert _json("--do", "7.0", "--do-saturation", "92")["water_class"] == "I"


def test_classify_failing_ph_text() -> None:
    result = runner.invoke(app, ["water", "classify", "--ph", "9.5", "--cod", "18"])
    assert result.exit_code == 0, result.output
    assert "劣Ⅴ类 (劣V)" in result.stdout
    assert "pH pH值: 劣Ⅴ类（不计倍数）" in result.stdout


def test_classify_errors() -> None:
    none = runner.invoke(app, ["water", "classify"])
    assert none.exit_code == 2
    assert "no evaluated item" in none.output
    neg = runner.invoke(app, ["water", "classify", "--cod", "-1"])
    assert neg.exit_code == 2
    assert "negative" in neg.output
    bad_target = runner.invoke(app, ["water", "classify", "--cod", "1", "--target", "VI"])
    assert bad_target.exit_code == 2
    assert "--target" in bad_target.output
