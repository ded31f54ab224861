"""Downloads (``/data/{name}``) and permalinks: every dataset answers CSV, Excel and JSON equal
to the JSON API and the page; Excel has a frozen header row and an autofilter; text that a
spreadsheet would run as a formula is written as text; permissions follow the page.

Air and water on the hand-built warehouse of ``test_air_water_api`` (figures worked there);
the assessment datasets on the small test plan of ``conftest``.
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as hs
from openpyxl import load_workbook
from test_air_water_api import CHEAP_HASHER, SECRET, _load

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from ecoplan.api.app import create_app
from ecoplan.api.datasets import DATASETS
from ecoplan.config import settings as make_settings
from ecoplan.report.tabular import FORMULA_START, Column, Table, cell_text, to_csv, to_xlsx
from ecoplan.store import users as users_mod
from ecoplan.store.db import Store


@pytest.fixture(scope="module")
def aw(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    home = tmp_path_factory.mktemp("downloads")
    store = Store(make_settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    with mock.patch.object(users_mod, "_hasher", CHEAP_HASHER):
        tokens = _load(store, home)
    with TestClient(create_app(store=store, secret_key=SECRET)) as c:
        yield c, {"Authorization": f"Bearer {tokens['viewer']}"}
    store.dispose()


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith("\ufeff".encode())  # BOM: Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


# --- the writers -----------------------------------------------------------------------------


def test_csv_and_xlsx_writers() -> None:
    t = Table(
        "测试/表:一",
        [Column("a", "名称"), Column("b", "数值", "µg/m³"), Column("c", "达标")],
        [['=HYPERLINK("x")', 1.5, True], ["+1", None, False], ["普通", 2, None]],
        note="-说明",
    )
    rows = read_csv(to_csv(t))
    assert list(rows[0]) == ["名称", "数值（µg/m³）", "达标"]
    assert rows[0] == {"名称": '\'=HYPERLINK("x")', "数值（µg/m³）": "1.5", "达标": "是"}
    assert rows[1] == {"名称": "'+1", "数值（µg/m³）": "", "达标": "否"}
    ws = load_workbook(io.BytesIO(to_xlsx(t))).active
    assert ws is not None
    assert ws.title == "测试_表_一"
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C4"
    assert ws["A1"].font.bold
    assert ws["A2"].value == '\'=HYPERLINK("x")' and ws["A2"].data_type == "s"
    assert ws["B2"].value == 1.5 and ws["B3"].value is None
    assert ws["A6"].value == "'-说明"
    with pytest.raises(ValueError, match="row 1"):
        Table("x", [Column("a", "A")], [[1, 2]])


@given(hs.text(min_size=1, max_size=20))
def test_no_text_cell_starts_like_a_formula(text: str) -> None:
    out = cell_text(text)
    assert not out.startswith(FORMULA_START)
    assert out.removeprefix("'") == text or out == text


# --- air and water ---------------------------------------------------------------------------


def test_air_daily_equals_the_api(aw: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = aw
    api = client.get("/api/air/cities/150100/daily?year=2024&limit=1000", headers=auth).json()
    r = client.get("/data/air-daily?format=csv&city=150100&year=2024", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    rows = read_csv(r.content)
    assert len(rows) == len(api["items"])
    by_date = {row["日期"]: row for row in rows}
    for d in api["items"]:
        row = by_date[d["date"]]
        assert row["AQI"] == ("" if d["aqi"] is None else str(d["aqi"]))
        assert row["沙尘日"] == ("是" if d["dust"] else "否")
    # worked in test_air_water_api: 2024-01-10 AQI 107 轻度污染 PM2.5; 03-20 175 dust PM10
    assert by_date["2024-01-10"]["AQI"] == "107" and by_date["2024-01-10"]["首要污染物"] == "PM2.5"
    assert by_date["2024-03-20"]["空气质量级别"] == "中度污染"
    js = client.get("/data/air-daily?format=json&city=150100&year=2024", headers=auth).json()
    assert [c["key"] for c in js["columns"]][:2] == ["date", "aqi"]
    assert len(js["rows"]) == len(rows)


def test_air_tables_in_excel(aw: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = aw
    r = client.get("/data/air-evaluation?format=xlsx&city=150100&year=2024", headers=auth)
    assert r.status_code == 200 and "spreadsheetml" in r.headers["content-type"]
    ws = load_workbook(io.BytesIO(r.content)).active
    assert ws is not None and ws.freeze_panes == "A2" and ws.auto_filter.ref
    cells = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert cells["有效天数"][3:] == (2, 1)  # raw 2 valid days, dust deducted 1
    monthly = client.get("/data/air-monthly?format=json&city=150100&year=2024", headers=auth)
    assert [r[0] for r in monthly.json()["rows"]][:3] == ["2024-01", "2024-02", "2024-03"]
    leagues = client.get("/data/air-leagues?format=json&year=2024", headers=auth).json()
    assert len(leagues["rows"]) == 12
    st = client.get("/data/air-stations?format=json&city=150100", headers=auth).json()
    assert sorted(r[0] for r in st["rows"]) == ["T001", "T002", "T003"]


def test_water_tables(aw: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = aw
    api = client.get("/api/water/evaluation?region=150000&year=2024", headers=auth).json()
    js = client.get("/data/water-sections?format=json&year=2024", headers=auth).json()
    keys = [c["key"] for c in js["columns"]]
    got = {r[0]: r[keys.index("class_zh")] for r in js["rows"]}
    assert got == {s["code"]: s["class_zh"] for s in api["items"]}
    months = client.get("/data/water-section-months?format=csv&code=S1&year=2024", headers=auth)
    assert [r["月份"] for r in read_csv(months.content)] == ["2024-03", "2024-09"]
    shares = client.get("/data/water-shares?format=json&year=2024", headers=auth).json()
    assert shares["rows"][0][0] == "150000"


def test_bad_requests_and_permissions(aw: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = aw
    # a browser without a session is sent to log in, then back to the file
    r = client.get("/data/air-daily?format=csv", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fdata%2Fair-daily%3Fformat%3Dcsv"
    assert client.get("/data/nope", headers=auth).status_code == 404
    r = client.get("/data/air-daily?format=pdf", headers=auth)
    assert r.status_code == 422 and "csv、xlsx、json" in r.text
    r = client.get("/data/air-daily?city=abc", headers=auth)
    assert r.status_code == 422 and "六位行政区划代码" in r.text
    assert client.get("/data/air-daily?year=3000", headers=auth).status_code == 422
    listing = client.get("/data").json()["items"]
    assert {d["name"] for d in listing} == set(DATASETS)
    assert {d["name"] for d in listing if d["public"]} >= {"public-indicators"}


def test_pages_link_their_data(aw: tuple[TestClient, dict[str, str]]) -> None:
    client, auth = aw
    html = client.get("/air?city=150100&year=2024", headers=auth).text
    assert "/data/air-daily?format=csv&amp;city=150100&amp;year=2024" in html
    assert "/data/air-daily?format=xlsx&amp;city=150100&amp;year=2024" in html
    assert 'id="permalink"' in html and "/air?city=150100&amp;year=2024" in html
    water = client.get("/water", headers=auth).text  # the defaults are spelled out
    assert "/water?region=150000&amp;year=2024" in water
    assert "/data/water-sections?format=csv" in water


# --- assessment ------------------------------------------------------------------------------


def test_assessment_datasets(client: TestClient, accounts: Any) -> None:
    auth = accounts.auth("viewer")
    rk = client.get("/data/ranking?format=json&plan=test-plan", headers=auth)
    assert rk.status_code == 200, rk.text
    api = client.get("/api/plans/test-plan/ranking", headers=auth).json()
    assert [r[0] for r in rk.json()["rows"]] == [r["region_code"] for r in api["items"]]
    inds = client.get("/data/indicators?format=json&plan=test-plan", headers=auth).json()
    rows = client.get("/api/plans/test-plan/assessment?limit=500", headers=auth).json()
    mine = {r["indicator_code"]: r["status"] for r in rows["items"] if r["region_code"] == "150000"}
    from ecoplan.api.routes_assessment import STATUS_ZH

    got = {r[0]: r[5] for r in inds["rows"]}
    for code, st in mine.items():
        assert got[code] == STATUS_ZH[st]
    # anonymous: the public datasets only
    assert client.get("/data/ranking?plan=test-plan", follow_redirects=False).status_code == 303
    pub = client.get("/data/public-indicators?format=csv&plan=test-plan")
    assert pub.status_code == 200 and read_csv(pub.content)
    assert client.get("/data/public-indicators?plan=draft-plan").status_code == 404


def test_files_have_chinese_names() -> None:
    from ecoplan.api.datasets import content_disposition, file_name

    name = file_name("呼和浩特市 2024年 日空气质量", "csv")
    assert name == "呼和浩特市_2024年_日空气质量.csv"
    assert "%E5%91%BC" in content_disposition(name, "air-daily.csv")
