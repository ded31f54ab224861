"""End to end in headless Chromium: downloads, permalinks and the pages of issue 12 over a real
uvicorn server and a store holding the embedded plans and two months of the synthetic demo
(2025-11-01 … 2025-12-31, one national station per league/city, through the public importers).

- download the AQI calendar's CSV (and the Excel file) from the air page and check it against
  ``/api/air/cities/{code}/daily``;
- permalink round trip: choose a city and year (air) and filters (indicator list, htmx), open
  the page's permanent link in a new tab and find the same choices.

Screenshots go to ``$ECOPLAN_SCREENSHOT_DIR`` when set (``docs/screenshots``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, live_server
from openpyxl import load_workbook
from playwright.sync_api import BrowserContext, Page, sync_playwright

from ecoplan.config import settings
from ecoplan.demo.run import generate_demo
from ecoplan.ingest import IMPORTERS
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import load_embedded_plans, sync_regions
from ecoplan.store.users import create_user

PASSWORD = "e2e password 12"
PLAN = "im-beautiful-2035"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("e2e-portal")
    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    with store.session() as s:
        sync_regions(s)
        load_embedded_plans(s)
        create_user(s, Actor.system("(e2e)"), username="officer", password=PASSWORD, role="viewer")
    files = generate_demo(home / "demo", start="2025-11-01", end="2025-12-31", stations_per_city=1)
    for kind, path in files.import_order():
        if kind != "indicators":
            assert IMPORTERS[kind](store, path).rejected == 0
    with live_server(store) as base:
        yield base


@pytest.fixture(scope="module")
def context(server: str) -> Iterator[tuple[BrowserContext, list[str]]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        problems: list[str] = []

        def watch(page: Page) -> None:
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on(
                "console",
                lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
            )

        ctx.on("page", watch)
        try:
            yield ctx, problems
        finally:
            browser.close()


@pytest.fixture(scope="module")
def logged_in(server: str, context: tuple[BrowserContext, list[str]]) -> Page:
    ctx, _ = context
    page = ctx.new_page()
    page.goto(f"{server}/login")
    page.fill("#username", "officer")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{server}/")
    return page


def _shot(page: Page, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


def test_download_the_calendar_csv_and_check_it_against_the_api(
    server: str, logged_in: Page, context: tuple[BrowserContext, list[str]]
) -> None:
    page = logged_in
    page.goto(f"{server}/air?city=150200&year=2025")
    page.wait_for_selector("#aqi-calendar[data-ready='1'] canvas", timeout=15_000)
    card = page.locator("section.card", has=page.locator("#aqi-calendar"))
    with page.expect_download() as info:
        card.locator(".downloads a[data-format='csv']").click()
    download = info.value
    assert download.suggested_filename == "包头市_2025年_日空气质量.csv"
    text = Path(download.path()).read_text("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    api = page.request.get(f"{server}/api/air/cities/150200/daily?year=2025&limit=1000").json()
    assert len(rows) == len(api["items"]) == 61  # the days of November and December
    with_aqi = 0
    for row, day in zip(rows, api["items"], strict=True):
        assert row["日期"] == day["date"]
        assert row["AQI"] == ("" if day["aqi"] is None else str(day["aqi"]))
        assert row["空气质量级别"] == (day["level_zh"] or "")
        with_aqi += day["aqi"] is not None
    assert with_aqi >= 55  # November and December
    # and the same table as an Excel workbook: header frozen, filter on
    with page.expect_download() as info:
        card.locator(".downloads a[data-format='xlsx']").click()
    assert info.value.suggested_filename.endswith(".xlsx")
    ws = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes())).active
    assert ws is not None and ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:M{len(rows) + 1}"
    assert context[1] == []


def test_permalink_round_trip(
    server: str, shots: Path, logged_in: Page, context: tuple[BrowserContext, list[str]]
) -> None:
    ctx, problems = context
    page = logged_in
    page.goto(f"{server}/air")
    page.select_option("#air-city", "150600")
    page.wait_for_url("**city=150600**")
    page.select_option("#air-year", "2025")
    page.wait_for_url("**year=2025**")
    href = page.get_attribute("#permalink", "href")
    assert href == "/air?city=150600&year=2025"
    other = ctx.new_page()
    other.goto(server + href)
    assert other.locator("#air-city option:checked").get_attribute("value") == "150600"
    assert other.locator("#air-year option:checked").inner_text().strip() == "2025"
    assert other.inner_text("h1") == page.inner_text("h1")
    other.close()

    # the indicator list: filters applied by htmx update the link too
    page.goto(f"{server}/plans/{PLAN}/indicators")
    page.select_option("#filter-binding", "binding")
    page.wait_for_url("**binding=binding**")
    page.wait_for_function(
        "document.querySelector('#permalink').getAttribute('href').includes('binding=binding')"
    )
    href = page.get_attribute("#permalink", "href")
    assert href is not None and "year=" in href and "region=150000" in href
    n = page.locator("#indicator-table tbody tr").count()
    other = ctx.new_page()
    other.goto(server + href)
    assert other.locator("#filter-binding option:checked").get_attribute("value") == "binding"
    assert other.locator("#indicator-table tbody tr").count() == n
    other.close()
    assert problems == []
