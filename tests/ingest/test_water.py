"""Water-section samples: wide layout with Chinese headers, long layout, bad rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecoplan.ingest import FileLayoutError, import_water
from ecoplan.store.db import Store

from .conftest import DATA, sigs, table_counts, water_rows


def test_wide_layout_with_chinese_headers(seeded: Store) -> None:
    res = import_water(seeded, DATA / "water_wide.csv")
    assert sigs(res) == sorted(
        [
            (3, "pH值", "implausible"),  # pH 15 outside 0–14
            (3, "溶解氧", "implausible"),  # DO 30 > 25 mg/L
            (3, "高锰酸盐指数", "negative"),
            (3, "化学需氧量", "non_numeric"),  # 0.01L (below detection limit): an official decides
            *[(5, "断面编码", "unknown_section")] * 6,
            *[(6, "采样日期", "bad_date")] * 6,  # 2024-02-30
        ]
    )
    assert (res.accepted, res.rejected, res.missing) == (12, 16, 2)
    rows = water_rows(seeded)
    assert rows[("HH-01", "2024-01-15", "NH3N")] == 0.21
    assert rows[("HH-01", "2024-01-15", "TP")] == 0.05
    assert rows[("HH-01", "2024-02-15", "NH3N")] == 0.5
    assert rows[("HH-02", "2024-01-16", "COD")] == 18.0  # 2024/01/16 read as a date
    assert len(rows) == 12
    ph = next(r for r in res.rejections if r["column_name"] == "pH值")
    assert ph["raw_value"] == "15" and "0–14" in ph["reason"]


def test_long_layout_units_items_and_unknown_columns(seeded: Store, tmp_path: Path) -> None:
    res = import_water(seeded, DATA / "water_long.csv")
    assert sigs(res) == [(4, "unit", "unit_mismatch"), (5, "item", "unknown_item")]
    assert water_rows(seeded) == {
        ("BT-01", "2024-01-20", "TP"): 0.03,
        ("BT-01", "2024-01-20", "TN"): 0.8,  # 总氮 in 毫克/升
        ("BT-01", "2024-01-20", "DO"): 7.5,  # date 20240120
    }
    again = import_water(seeded, DATA / "water_long.csv")
    assert again.unchanged and again.duplicates == 3

    # an unknown (misspelt) item column refuses the whole file
    f = tmp_path / "w.csv"
    f.write_text("断面编码,采样日期,氨 氮x,总磷\nHH-01,2024-01-01,0.2,0.05\n", "utf-8")
    with pytest.raises(FileLayoutError, match=r"unknown column\(s\) '氨 氮x'.*NH3N 氨氮"):
        import_water(seeded, f)
    assert table_counts(seeded)["import_batch"] == 3  # registries + water_long.csv
