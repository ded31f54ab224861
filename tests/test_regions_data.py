"""The shipped Inner Mongolia regions table (GB/T 2260) and its loader ``ecoplan.model.regions``."""

from __future__ import annotations

import csv
import io
from collections import Counter
from importlib.resources import files

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecoplan.model.regions import (
    HEADER,
    Level,
    RegionDataError,
    UnknownRegionError,
    ancestors,
    children,
    level_of_code,
    load_regions,
    parse_regions,
    prefecture_of,
    regions_by_code,
)

REGIONS = load_regions()
BY_CODE = regions_by_code()
CSV_TEXT = (files("ecoplan.data") / "regions" / "regions.csv").read_text(encoding="utf-8")

# Codes and names from the official GB/T 2260 list (Ministry of Civil Affairs).
OFFICIAL = {
    "150000": "内蒙古自治区",
    "150102": "新城区",
    "150206": "白云鄂博矿区",
    "150602": "东胜区",
    "150603": "康巴什区",
    "150703": "扎赉诺尔区",
    "150722": "莫力达瓦达斡尔族自治旗",
    "150781": "满洲里市",
    "150784": "额尔古纳市",
    "150802": "临河区",
    "150902": "集宁区",
    "150981": "丰镇市",
    "152201": "乌兰浩特市",
    "152501": "二连浩特市",
    "152502": "锡林浩特市",
    "152921": "阿拉善左旗",
    "152923": "额济纳旗",
}

PREFECTURES_EN = {
    "150100": ("呼和浩特市", "Hohhot"),
    "150200": ("包头市", "Baotou"),
    "150300": ("乌海市", "Wuhai"),
    "150400": ("赤峰市", "Chifeng"),
    "150500": ("通辽市", "Tongliao"),
    "150600": ("鄂尔多斯市", "Ordos"),
    "150700": ("呼伦贝尔市", "Hulunbuir"),
    "150800": ("巴彦淖尔市", "Bayannur"),
    "150900": ("乌兰察布市", "Ulanqab"),
    "152200": ("兴安盟", "Hinggan League"),
    "152500": ("锡林郭勒盟", "Xilingol League"),
    "152900": ("阿拉善盟", "Alxa League"),
}


def _kind(name_zh: str) -> str:
    """County type from the Chinese name's ending."""
    return "自治旗" if name_zh.endswith("自治旗") else name_zh[-1]


# --- the data -------------------------------------------------------------------------------


def test_counts_by_level() -> None:
    assert Counter(r.level for r in REGIONS) == {
        Level.PROVINCE: 1,
        Level.PREFECTURE: 12,
        Level.COUNTY: 103,
    }


def test_county_counts_by_type() -> None:
    # 23 市辖区 + 11 县级市 + 17 县 + 49 旗 + 3 自治旗 = 103
    kinds = Counter(_kind(r.name_zh) for r in REGIONS if r.level is Level.COUNTY)
    assert kinds == {"区": 23, "市": 11, "县": 17, "旗": 49, "自治旗": 3}


def test_official_codes_spot_checks() -> None:
    for code, name in OFFICIAL.items():
        assert BY_CODE[code].name_zh == name, code


def test_prefectures_names() -> None:
    prefs = {r.code: (r.name_zh, r.name_en) for r in REGIONS if r.level is Level.PREFECTURE}
    assert prefs == PREFECTURES_EN


def test_english_name_suffixes_consistent() -> None:
    suffix = {"区": " District", "市": " City", "县": " County", "旗": " Banner"}
    for r in REGIONS:
        if r.level is Level.COUNTY:
            assert r.name_en.endswith(suffix[r.name_zh[-1]]), r.label
            assert r.name_en.isascii(), r.label
    assert BY_CODE["150781"].name_en == "Manzhouli City"
    assert BY_CODE["152501"].name_en == "Erenhot City"
    assert BY_CODE["152923"].name_en == "Ejin Banner"
    assert BY_CODE["152221"].name_en == "Horqin Right Front Banner"
    assert BY_CODE["150724"].name_en == "Evenk Autonomous Banner"


def test_parent_links() -> None:
    for r in REGIONS:
        if r.level is Level.PROVINCE:
            assert r.parent is None
            continue
        assert r.parent is not None
        parent = BY_CODE[r.parent]
        expected = Level.PROVINCE if r.level is Level.PREFECTURE else Level.PREFECTURE
        assert parent.level is expected, r.label
        assert r.code.startswith(r.parent[:2] if expected is Level.PROVINCE else r.parent[:4])


def test_no_duplicate_codes_or_names_within_parent() -> None:
    rows = list(csv.DictReader(io.StringIO(CSV_TEXT)))
    assert len({row["code"] for row in rows}) == len(rows) == 116
    for field in ("name_zh", "name_en"):
        per_parent = Counter((row["parent"], row[field]) for row in rows)
        assert max(per_parent.values()) == 1, field


def test_coordinates_inside_inner_mongolia() -> None:
    # Inner Mongolia spans about 97.2-126.1 °E, 37.4-53.4 °N.
    for r in REGIONS:
        assert r.lon is not None and r.lat is not None, r.label
        assert 97.2 <= r.lon <= 126.1 and 37.4 <= r.lat <= 53.4, r.label


@pytest.mark.parametrize(
    ("prefecture", "seat"),
    [
        ("150500", "150502"),  # 通辽市 at 科尔沁区
        ("150600", "150603"),  # 鄂尔多斯市 at 康巴什区
        ("150700", "150702"),  # 呼伦贝尔市 at 海拉尔区
        ("150800", "150802"),  # 巴彦淖尔市 at 临河区
        ("150900", "150902"),  # 乌兰察布市 at 集宁区
        ("152200", "152201"),  # 兴安盟 at 乌兰浩特市
        ("152500", "152502"),  # 锡林郭勒盟 at 锡林浩特市
        ("152900", "152921"),  # 阿拉善盟 at 阿拉善左旗 (巴彦浩特镇)
    ],
)
def test_prefecture_point_is_its_seat(prefecture: str, seat: str) -> None:
    p, s = BY_CODE[prefecture], BY_CODE[seat]
    assert p.lon is not None and p.lat is not None and s.lon is not None and s.lat is not None
    assert abs(p.lon - s.lon) < 0.15 and abs(p.lat - s.lat) < 0.15


# --- the API --------------------------------------------------------------------------------


def test_children() -> None:
    assert [r.code for r in children("150000")] == sorted(PREFECTURES_EN)
    # 呼伦贝尔市: 2 市辖区 + 4 旗 + 3 自治旗 + 5 县级市 = 14
    hulunbuir = children("150700")
    assert len(hulunbuir) == 14
    assert {r.code for r in hulunbuir} >= {"150781", "150784", "150703"}
    assert children("150781") == []
    assert sum(len(children(p)) for p in PREFECTURES_EN) == 103


def test_ancestors_and_prefecture_of() -> None:
    assert [r.code for r in ancestors("150781")] == ["150700", "150000"]
    assert [r.code for r in ancestors("152900")] == ["150000"]
    assert ancestors("150000") == []
    assert prefecture_of("152923").name_zh == "阿拉善盟"
    assert prefecture_of("150900").code == "150900"
    with pytest.raises(ValueError, match="not within a prefecture"):
        prefecture_of("150000")


@pytest.mark.parametrize("func", [children, ancestors, prefecture_of])
def test_unknown_code(func: object) -> None:
    with pytest.raises(UnknownRegionError, match="150999"):
        func("150999")  # type: ignore[operator]


def test_load_returns_fresh_containers() -> None:
    a = load_regions()
    a.clear()
    regions_by_code().clear()
    assert len(load_regions()) == 116 and len(regions_by_code()) == 116


def test_label_shows_chinese_name() -> None:
    assert BY_CODE["150603"].label == "150603 康巴什区"


# --- validation -----------------------------------------------------------------------------


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    return out.getvalue()


GOOD = [
    ["150000", "内蒙古自治区", "Inner Mongolia", "province", "", "111.7", "40.8"],
    ["150100", "呼和浩特市", "Hohhot", "prefecture", "150000", "111.7", "40.8"],
    ["150102", "新城区", "Xincheng District", "county", "150100", "", ""],
]


def test_parse_good_table() -> None:
    regions = parse_regions(_csv(GOOD))
    assert [r.level for r in regions] == [Level.PROVINCE, Level.PREFECTURE, Level.COUNTY]
    assert regions[2].lon is None and regions[1].lat == 40.8


@pytest.mark.parametrize(
    ("index", "row", "message"),
    [
        (3, ["150102", "回民区", "Huimin District", "county", "150100", "", ""], "duplicate code"),
        (3, ["150103", "新城区", "Huimin District", "county", "150100", "", ""], "duplicate name"),
        (
            3,
            ["150103", "回民区", "Xincheng District", "county", "150100", "", ""],
            "duplicate name",
        ),
        (
            2,
            ["150202", "东河区", "Donghe District", "county", "150200", "", ""],
            "not in the table",
        ),
        (2, ["150102", "新城区", "X", "prefecture", "150000", "", ""], "code pattern"),
        (1, ["150100", "呼和浩特市", "Hohhot", "county", "150000", "", ""], "code pattern"),
        (2, ["150102", "新城区", "X", "county", "150000", "", ""], "parent"),
        (0, ["150000", "内蒙古", "IM", "province", "150000", "", ""], "parent"),
        (2, ["15010", "新城区", "X", "county", "150100", "", ""], "six digits"),
        (2, ["150102", "新城区", "X", "city", "150100", "", ""], "city"),
        (2, ["150102", "", "X", "county", "150100", "", ""], "empty name"),
        (2, ["150102", "新城区", "X", "county", "150100", "111.6", ""], "only one"),
        (2, ["150102", "新城区", "X", "county", "150100", "111.6", "95"], "lat"),
        (2, ["150102", "新城区", "X", "county", "150100", "east", "40"], "not a number"),
        (2, ["150102", "新城区", "X", "county", "150100", "nan", "40"], "lon"),
    ],
)
def test_parse_rejects(index: int, row: list[str], message: str) -> None:
    """Replace row *index* of a good table (index 3: append) and expect the named error."""
    rows = [list(r) for r in GOOD]
    if index == len(rows):
        rows.append(row)
    else:
        rows[index] = row
    with pytest.raises(RegionDataError, match=message):
        parse_regions(_csv(rows))


def test_parse_rejects_bad_header_and_short_row() -> None:
    with pytest.raises(RegionDataError, match="header"):
        parse_regions("code,name,level\n150000,内蒙古自治区,province\n")
    with pytest.raises(RegionDataError, match="fields"):
        parse_regions(_csv(GOOD) + "150103,回民区\n")


@given(st.text(alphabet="0123456789", min_size=6, max_size=6))
def test_level_of_code_matches_pattern(code: str) -> None:
    level = level_of_code(code)
    assert (level is Level.PROVINCE) == code.endswith("0000")
    assert (level is Level.COUNTY) == (not code.endswith("00"))


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_dropping_rows_keeps_table_valid_iff_no_orphans(data: st.DataObject) -> None:
    """Removing any set of rows leaves a valid table exactly when no row loses its parent."""
    lines = CSV_TEXT.splitlines()
    body = lines[1:]
    drop = data.draw(st.sets(st.integers(0, len(body) - 1), max_size=20))
    kept = [line for i, line in enumerate(body) if i not in drop]
    kept_codes = {line.split(",", 1)[0] for line in kept}
    orphan = any((parent := line.split(",")[4]) and parent not in kept_codes for line in kept)
    text = "\n".join([lines[0], *kept]) + "\n"
    if orphan:
        with pytest.raises(RegionDataError, match="not in the table"):
            parse_regions(text)
    else:
        assert len(parse_regions(text)) == len(kept)
