"""GB 3838-2002 single-factor classification: worked cases, every class boundary, errors.

The limits below are typed again from GB 3838-2002 Table 1 (reference/standards.md §5.1) so the
boundary tests cross-check the transcription in ``water_tables.py`` instead of reusing it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ecoplan.standards.water import (
    NATIONAL_ITEMS,
    WaterInputError,
    class_code,
    class_shares,
    classify,
    classify_array,
    evaluate_basin,
    item_class,
)

CLASSES = ["I", "II", "III", "IV", "V", "劣V"]

# GB 3838-2002 Table 1, "≤" items, class I..V limits (mg/L; fecal coliform 个/L).
TABLE1_LE: dict[str, tuple[float, float, float, float, float]] = {
    "CODMn": (2, 4, 6, 10, 15),
    "COD": (15, 15, 20, 30, 40),
    "BOD5": (3, 3, 4, 6, 10),
    "NH3N": (0.15, 0.5, 1.0, 1.5, 2.0),
    "TP": (0.02, 0.1, 0.2, 0.3, 0.4),  # rivers
    "Cu": (0.01, 1.0, 1.0, 1.0, 1.0),
    "Zn": (0.05, 1.0, 1.0, 2.0, 2.0),
    "F": (1.0, 1.0, 1.0, 1.5, 1.5),
    "Se": (0.01, 0.01, 0.01, 0.02, 0.02),
    "As": (0.05, 0.05, 0.05, 0.1, 0.1),
    "Hg": (0.00005, 0.00005, 0.0001, 0.001, 0.001),
    "Cd": (0.001, 0.005, 0.005, 0.005, 0.01),
    "Cr6": (0.01, 0.05, 0.05, 0.05, 0.1),
    "Pb": (0.01, 0.01, 0.05, 0.05, 0.1),
    "CN": (0.005, 0.05, 0.2, 0.2, 0.2),
    "phenol": (0.002, 0.002, 0.005, 0.01, 0.1),
    "oil": (0.05, 0.05, 0.05, 0.5, 1.0),
    "LAS": (0.2, 0.2, 0.2, 0.3, 0.3),
    "sulfide": (0.05, 0.1, 0.2, 0.5, 1.0),
    "fecal_coliform": (200, 2000, 10000, 20000, 40000),
}
TP_LAKE = (0.01, 0.025, 0.05, 0.1, 0.2)
TN_LAKE = (0.2, 0.5, 1.0, 1.5, 2.0)


def _boundary_cases() -> list[tuple[str, str, float, str]]:
    """(item, waterbody, value, expected class) at and just above every limit.

    At a limit the value is in the best class that has that limit (COD 15 → I); just above it,
    in the first class whose limit is larger, else 劣V.
    """
    cases: list[tuple[str, str, float, str]] = []
    tables = [(c, "river", lim) for c, lim in TABLE1_LE.items()]
    tables += [("TP", "lake", TP_LAKE), ("TN", "lake", TN_LAKE)]
    for code, body, limits in tables:
        for k, lim in enumerate(limits):
            best = limits.index(lim)
            cases.append((code, body, float(lim), CLASSES[best]))
            above = next((j for j in range(k, 5) if limits[j] > lim), 5)
            cases.append((code, body, lim * (1 + 1e-9), CLASSES[above]))
    return cases


@pytest.mark.parametrize(("code", "body", "value", "expected"), _boundary_cases())
def test_every_class_boundary(code: str, body: str, value: float, expected: str) -> None:
    assert item_class(code, value, body) == expected  # type: ignore[arg-type]


def test_boundary_cases_cover_all_le_items() -> None:
    covered = {c for c, *_ in _boundary_cases()}
    assert covered == set(TABLE1_LE) | {"TN"}
    assert len(_boundary_cases()) == 2 * 5 * (len(TABLE1_LE) + 2)


@pytest.mark.parametrize(
    ("code", "value", "expected"),
    [
        ("COD", 15.0, "I"),  # I and II share 15 → the best, I
        ("COD", 15.01, "III"),  # > 15 (I, II) and ≤ 20 (III)
        ("COD", 40.0, "V"),
        ("COD", 40.01, "劣V"),
        ("Cu", 0.5, "II"),  # > 0.01 (I), ≤ 1.0 (II … V share it)
        ("Cu", 1.0, "II"),
        ("Cu", 1.01, "劣V"),
        ("Hg", 0.00005, "I"),
        ("Hg", 0.00006, "III"),  # > 0.00005 (I, II), ≤ 0.0001 (III)
        ("CN", 0.1, "III"),  # > 0.05 (II), ≤ 0.2 (III … V)
        ("NH3N", 0.0, "I"),
        ("fecal_coliform", 15000.0, "IV"),
    ],
)
def test_hand_computed_item_classes(code: str, value: float, expected: str) -> None:
    assert item_class(code, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (10.0, "I"),
        (7.5, "I"),  # DO ≥ 7.5 → I (higher is better)
        (7.49, "II"),
        (6.0, "II"),
        (5.99, "III"),
        (5.0, "III"),
        (4.99, "IV"),
        (3.0, "IV"),
        (2.99, "V"),
        (2.0, "V"),
        (1.99, "劣V"),
        (0.0, "劣V"),
    ],
)
def test_dissolved_oxygen_is_higher_is_better(value: float, expected: str) -> None:
    assert item_class("DO", value) == expected


def test_do_saturation_alternative_for_class_one() -> None:
    # 7.0 mg/L alone is class II (6 ≤ 7.0 < 7.5); saturation ≥ 90 % makes it class I.
    assert item_class("DO", 7.0, do_saturation=90.0) == "I"
    assert item_class("DO", 7.0, do_saturation=89.9) == "II"
    assert classify({"DO": 7.0}, do_saturation=95.0).water_class == "I"
    assert classify({"DO": 7.0}, do_saturation=95.0).do_saturation == 95.0
    with pytest.raises(WaterInputError, match="without a DO"):
        classify({"COD": 10.0}, do_saturation=95.0)
    with pytest.raises(WaterInputError, match="DO only"):
        item_class("COD", 10.0, do_saturation=95.0)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(6.0, "I"), (7.2, "I"), (9.0, "I"), (5.99, "劣V"), (9.01, "劣V"), (0.0, "劣V")],
)
def test_ph_inside_6_to_9_is_class_one_else_worse_than_v(value: float, expected: str) -> None:
    assert item_class("pH", value) == expected


def test_worked_river_sample() -> None:
    # COD 18: > 15 (I, II), ≤ 20 → III.  NH3-N 0.9: > 0.5, ≤ 1.0 → III.
    # TP 0.15 (river): > 0.1, ≤ 0.2 → III.  DO 6.2: ≥ 6, < 7.5 → II.
    # Section class = worst item class = III (良好), set by COD, NH3-N and TP.
    r = classify({"COD": 18, "NH3N": 0.9, "TP": 0.15, "DO": 6.2})
    assert r.water_class == "III"
    assert r.item_classes == {"DO": "II", "COD": "III", "NH3N": "III", "TP": "III"}
    assert r.deciding_items == ["COD", "NH3N", "TP"]
    assert r.grade_zh == "良好"
    assert r.class_zh == "Ⅲ类"
    assert r.class_code == 3
    assert r.meets("III") and not r.meets("II")


def test_worked_lake_sample_uses_lake_tp() -> None:
    # Same sample in a lake: TP 0.15 > 0.1 (IV), ≤ 0.2 (V) → V; the section becomes V (中度污染).
    r = classify({"COD": 18, "NH3N": 0.9, "TP": 0.15, "DO": 6.2}, "lake")
    assert r.item_classes["TP"] == "V"
    assert r.water_class == "V"
    assert r.deciding_items == ["TP"]
    assert r.grade_zh == "中度污染"


@pytest.mark.parametrize(
    ("tp", "river", "lake"),
    [
        (0.01, "I", "I"),
        (0.025, "II", "II"),  # river: > 0.02 → II; lake: ≤ 0.025 → II
        (0.05, "II", "III"),  # river ≤ 0.1 → II; lake > 0.025, ≤ 0.05 → III
        (0.1, "II", "IV"),
        (0.2, "III", "V"),
        (0.3, "IV", "劣V"),
    ],
)
def test_lake_tp_vs_river_tp(tp: float, river: str, lake: str) -> None:
    assert classify({"TP": tp}, "river").water_class == river
    assert classify({"TP": tp}, "lake").water_class == lake


def test_worse_than_v_and_grades() -> None:
    r = classify({"NH3N": 2.5, "COD": 10})  # NH3-N 2.5 > 2.0 (V) → 劣V
    assert r.water_class == "劣V"
    assert r.grade_zh == "重度污染"
    assert r.class_zh == "劣Ⅴ类"
    grades = {
        0.1: "优",  # NH3-N 0.1 → I
        0.4: "优",  # II
        0.9: "良好",  # III
        1.2: "轻度污染",  # IV
        1.8: "中度污染",  # V
    }
    for v, g in grades.items():
        assert classify({"NH3N": v}).grade_zh == g


def test_exceedance_multiples() -> None:
    r = classify({"NH3N": 2.5, "COD": 18, "TP": 0.15, "DO": 4.0, "pH": 9.5})
    # NH3-N vs III limit 1.0: (2.5 − 1.0)/1.0 = 1.5.  COD 18 ≤ 20 meets III: no multiple.
    # DO 4.0 vs III limit 5: (5 − 4)/5 = 0.2.  pH fails but has no multiple.
    assert r.exceedances("III") == {"DO": 0.2, "NH3N": 1.5}
    assert r.exceedances("III", include_do=False) == {"NH3N": 1.5}
    assert r.failing_items("III") == ["pH", "NH3N", "DO"]
    # Against class II: COD (18 − 15)/15 = 0.2; TP (0.15 − 0.1)/0.1 = 0.5;
    # NH3-N (2.5 − 0.5)/0.5 = 4.0; DO (6 − 4)/6 = 1/3.
    ex2 = r.exceedances("II")
    assert ex2["COD"] == 0.2
    assert ex2["TP"] == 0.5
    assert ex2["NH3N"] == 4.0
    assert math.isclose(ex2["DO"], 1 / 3)
    assert list(ex2) == ["DO", "COD", "NH3N", "TP"]  # Table 1 order
    assert classify({"COD": 12}).exceedances("I") == {}
    with pytest.raises(WaterInputError, match="target class"):
        r.exceedances("劣V")


def test_lake_exceedance_uses_lake_limit() -> None:
    # Lake TP 0.15 vs III limit 0.05: (0.15 − 0.05)/0.05 = 2.0.
    assert classify({"TP": 0.15}, "lake").exceedances("III") == {"TP": 2.0}


def test_missing_items_are_skipped() -> None:
    r = classify({"COD": 18, "NH3N": None, "TP": float("nan")})
    assert r.item_classes == {"COD": "III"}
    assert r.values == {"COD": 18.0}


def test_item_sets() -> None:
    assert len(NATIONAL_ITEMS) == 21
    assert "TN" not in NATIONAL_ITEMS and "fecal_coliform" not in NATIONAL_ITEMS
    sample = {"COD": 10.0, "TN": 1.2, "fecal_coliform": 15000.0}
    # National default: TN and coliform are left out, and the result says so.
    nat = classify(sample, "lake")
    assert nat.water_class == "I"
    assert set(nat.skipped) == {"TN", "fecal_coliform"}
    # "all", lake: TN 1.2 → IV (> 1.0, ≤ 1.5); coliform 15000 → IV (> 10000, ≤ 20000).
    lake_all = classify(sample, "lake", "all")
    assert lake_all.item_classes == {"COD": "I", "TN": "IV", "fecal_coliform": "IV"}
    assert lake_all.deciding_items == ["TN", "fecal_coliform"]
    # "all", river: TN has no river limit (Table 1: 湖、库) and is skipped with the reason.
    river_all = classify(sample, "river", "all")
    assert "TN" not in river_all.item_classes
    assert "lakes" in river_all.skipped["TN"]
    assert river_all.water_class == "IV"
    # An explicit list.
    assert classify(sample, "lake", ["COD"]).item_classes == {"COD": "I"}
    with pytest.raises(WaterInputError, match="lakes and reservoirs only"):
        classify(sample, "river", ["COD", "TN"])


@pytest.mark.parametrize(
    ("sample", "kwargs", "match"),
    [
        ({"COD": -1.0}, {}, "negative"),
        ({"cod": 1.0}, {}, "unknown item"),
        ({"COD": None, "NH3N": float("nan")}, {}, "no evaluated item"),
        ({}, {}, "no evaluated item"),
        ({"COD": True}, {}, "number"),
        ({"COD": "18"}, {}, "number"),
        ({"COD": float("inf")}, {}, "finite"),
        ({"pH": 15.0}, {}, "pH"),
        ({"COD": 1.0}, {"waterbody": "sea"}, "waterbody"),
        ({"COD": 1.0}, {"items": "some"}, "items must be"),
        ({"COD": 1.0}, {"items": []}, "empty"),
        ({"COD": 1.0}, {"items": ["COD", "COD"]}, "more than once"),
        ({"COD": 1.0}, {"items": ["XYZ"]}, "unknown item"),
        ({"COD": 1.0}, {"do_saturation": -5.0}, "do_saturation"),
    ],
)
def test_bad_input_raises(sample: dict[str, object], kwargs: dict[str, object], match: str) -> None:
    with pytest.raises(WaterInputError, match=match):
        classify(sample, **kwargs)  # type: ignore[arg-type]
    assert issubclass(WaterInputError, ValueError)


def test_class_code() -> None:
    assert [class_code(c) for c in CLASSES] == [1, 2, 3, 4, 5, 6]
    with pytest.raises(WaterInputError):
        class_code("VI")


# --------------------------------------------------------------------------- arrays


def test_classify_array_worked() -> None:
    nan = float("nan")
    cols = {
        "COD": np.array([18.0, 15.0, nan, 45.0, nan]),
        "NH3N": np.array([0.9, 0.1, 0.4, 0.2, nan]),
        "DO": np.array([6.2, 8.0, 2.5, 7.5, nan]),
    }
    # row 0: III (COD 18, NH3-N 0.9); row 1: I; row 2: NH3-N II, DO 2.5 → V;
    # row 3: COD 45 > 40 → 劣V (6); row 4: nothing measured → 0.
    out = classify_array(cols)
    assert out.dtype == np.int8
    assert out.tolist() == [3, 1, 5, 6, 0]


def test_classify_array_lake_and_saturation() -> None:
    cols = {"TP": np.array([0.15, 0.05]), "DO": np.array([7.0, 7.0])}
    # lake TP 0.15 → V (5), 0.05 → III (3); DO 7.0 → II, or I with saturation ≥ 90 %.
    assert classify_array(cols, "lake").tolist() == [5, 3]
    sat = np.array([95.0, np.nan])
    assert classify_array({"DO": cols["DO"]}, do_saturation=sat).tolist() == [1, 2]
    with pytest.raises(WaterInputError, match="without a DO"):
        classify_array({"COD": np.array([1.0])}, do_saturation=np.array([95.0]))


@pytest.mark.parametrize(
    ("cols", "match"),
    [
        ({"COD": np.array([1.0, -2.0])}, "negative"),
        ({"COD": np.array([1.0]), "NH3N": np.array([1.0, 2.0])}, "length"),
        ({"cod": np.array([1.0])}, "unknown item"),
        ({"TN": np.array([1.0])}, "no column"),
        ({"COD": np.array([[1.0]])}, "1-D"),
        ({"pH": np.array([7.0, 14.5])}, "pH"),
    ],
)
def test_classify_array_bad_input(cols: dict[str, np.ndarray], match: str) -> None:
    with pytest.raises(WaterInputError, match=match):
        classify_array(cols)


# --------------------------------------------------------------------------- rivers, basins


def test_class_shares() -> None:
    s = class_shares(["I", "II", "III", "IV", "劣V"])
    # 3 of 5 in I–III = 60 %; 1 of 5 劣V = 20 %.
    assert s["I-III"] == 60.0
    assert s["劣V"] == 20.0
    assert s["V"] == 0.0
    assert math.isclose(sum(s[c] for c in CLASSES), 100.0)
    with pytest.raises(WaterInputError):
        class_shares([])
    with pytest.raises(WaterInputError):
        class_shares(["III", "VI"])


@pytest.mark.parametrize(
    ("classes", "grade"),
    [
        (["II"] * 9 + ["IV"], "优"),  # I–III 9/10 = 90 % → 优 (≥ 90 %)
        (["II"] * 8 + ["IV"] * 2, "良好"),  # 80 %
        (["III"] * 15 + ["V"] * 5, "良好"),  # 15/20 = 75 % → 良好 (75 ≤ x < 90)
        (["III"] * 14 + ["V"] * 3 + ["劣V"] * 3, "轻度污染"),  # 70 %, 劣V 15 %
        (["III"] * 14 + ["V"] * 2 + ["劣V"] * 4, "中度污染"),  # 劣V 4/20 = 20 %
        (["III"] * 12 + ["劣V"] * 7 + ["IV"], "中度污染"),  # 劣V 35 %
        (["III"] * 12 + ["劣V"] * 8, "重度污染"),  # 劣V 8/20 = 40 %
    ],
)
def test_basin_proportion_method(classes: list[str], grade: str) -> None:
    r = evaluate_basin(classes)
    assert r.method == "proportion"
    assert r.grade_zh == grade
    assert r.n_sections == len(classes)
    assert r.water_class is None


def test_basin_mean_method() -> None:
    sections = [{"COD": 18.0, "NH3N": 0.4}, {"COD": 24.0, "NH3N": 0.8, "TP": 0.1}]
    # mean COD (18 + 24)/2 = 21 → IV (> 20, ≤ 30); mean NH3-N 0.6 → III;
    # TP from the one section that measured it, 0.1 → II. River class IV → 轻度污染.
    # Section classes: (COD 18 → III, NH3-N 0.4 → II) → III; (COD 24 → IV) → IV.
    r = evaluate_basin(sections)
    assert r.method == "mean"
    assert r.mean_sample == {"COD": 21.0, "NH3N": 0.6, "TP": 0.1}
    assert r.water_class == "IV"
    assert r.grade_zh == "轻度污染"
    assert r.section_classes == ["III", "IV"]
    assert r.shares["I-III"] == 50.0
    # Means land exactly on printed limits: NH3-N (0.9 + 1.1)/2 = 1.0 → III, not IV.
    on_limit = evaluate_basin([{"NH3N": 0.9}, {"NH3N": 1.1}])
    assert on_limit.water_class == "III"
    assert evaluate_basin([{"TP": 0.1}, {"TP": 0.2}, {"TP": 0.3}]).mean_sample == {"TP": 0.2}


def test_basin_exactly_five_sections() -> None:
    five = [{"COD": 12.0}] * 4 + [{"COD": 45.0}]
    # Default: 5 sections → proportions: I–III 4/5 = 80 % → 良好.
    assert evaluate_basin(five).method == "proportion"
    assert evaluate_basin(five).grade_zh == "良好"
    # With the threshold at 6, 5 sections use the mean: COD (4·12 + 45)/5 = 18.6 → III → 良好.
    r = evaluate_basin(five, proportion_min_sections=6)
    assert r.method == "mean"
    assert r.water_class == "III"
    assert math.isclose(r.mean_sample["COD"] if r.mean_sample else 0.0, 18.6)


def test_basin_bad_input() -> None:
    with pytest.raises(WaterInputError, match="pass the section samples"):
        evaluate_basin(["III", "IV"])
    with pytest.raises(WaterInputError, match="no sections"):
        evaluate_basin([])
    with pytest.raises(WaterInputError, match="all class strings"):
        evaluate_basin(["III", {"COD": 1.0}])  # type: ignore[arg-type]
    with pytest.raises(WaterInputError, match="section 1"):
        evaluate_basin([{"COD": 1.0}, {"COD": -1.0}])
    with pytest.raises(WaterInputError, match="proportion_min_sections"):
        evaluate_basin(["III"] * 5, proportion_min_sections=0)
