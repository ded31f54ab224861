"""End to end in headless Chromium: the 空气 and 水 pages over a real uvicorn server and a
store loaded with a slice of the synthetic demo (the 12 leagues/cities with two national
stations each, 2025-01-01 … 2026-01-31, through the public importers).

Log in, open the air page, pick a year and a city (the selects reload the page), the daily AQI
calendar renders (a canvas, ≥ 300 cells in the ECharts option, the six official level colours,
the tooltip), the evaluation shows the raw and 扣沙 figures and its edition, the leagues table
arrives by htmx; a 2026 page carries the two-edition note; the water page shows the sections on
the map; a phone-sized English page does not overflow.

Screenshots go to ``$ECOPLAN_SCREENSHOT_DIR`` when set (``docs/screenshots``), else to a
temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, live_server
from playwright.sync_api import Page, sync_playwright

from ecoplan.config import settings
from ecoplan.demo.run import generate_demo
from ecoplan.ingest import IMPORTERS
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_user

PASSWORD = "e2e password 1"
AQI_COLORS = ["#00E400", "#FFFF00", "#FF7E00", "#FF0000", "#99004C", "#7E0023"]
INSTANCE = "echarts.getInstanceByDom(document.getElementById('{}')).getOption()"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """uvicorn (in a thread) over a fresh SQLite store holding a slice of the demo data."""
    home = tmp_path_factory.mktemp("e2e-airwater")
    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    files = generate_demo(home / "demo", start="2025-01-01", end="2026-01-31", stations_per_city=2)
    store.migrate()
    with store.session() as s:
        sync_regions(s)
        create_user(s, Actor.system("(e2e)"), username="monitor", password=PASSWORD, role="viewer")
    for kind, path in files.import_order():  # the public importers; no plans needed here
        if kind != "indicators":
            assert IMPORTERS[kind](store, path).rejected == 0
    with live_server(store) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page(server: str) -> Iterator[tuple[Page, list[str]]]:
    """A logged-in page; *problems* collects page errors and console errors."""
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        page.goto(f"{server}/login")
        page.fill("#username", "monitor")
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(f"{server}/")
        try:
            yield page, problems
        finally:
            browser.close()


def _shot(page: Page, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a real picture, not an empty page
    return path


def test_air_page_calendar_and_evaluation(
    server: str, shots: Path, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    page.click("nav.main-nav a[data-nav='air']")
    page.wait_for_url(f"{server}/air")
    assert page.locator("#air-year option:checked").inner_text().strip() == "2026"  # latest
    page.select_option("#air-year", "2025")
    page.wait_for_url("**year=2025**")
    page.select_option("#air-city", "150200")
    page.wait_for_url("**city=150200**")
    assert "包头市 2025" in page.inner_text("h1")
    assert "演示数据（合成）" in page.inner_text("h1")
    page.wait_for_selector("#aqi-calendar[data-ready='1'] canvas", timeout=15_000)
    option = INSTANCE.format("aqi-calendar")
    assert page.evaluate(f"{option}.series[0].data.length") >= 300
    assert page.evaluate(f"{option}.calendar[0].range") in ("2025", ["2025"])
    colors = page.evaluate(f"{option}.visualMap[0].pieces.map(p => p.color)")
    assert [c.upper() for c in colors] == AQI_COLORS
    # the annual evaluation, raw and dust deducted side by side, with its edition
    assert page.inner_text("#eval-edition") == "HJ 663-2013 / GB 3095-2012"
    head = page.inner_text("#evaluation-table thead")
    assert "实况" in head and "扣沙" in head
    assert page.locator("#station-table tbody tr").count() >= 3
    page.wait_for_selector("#monthly-chart[data-ready='1'] canvas")
    page.wait_for_selector("#leagues-table tbody tr", timeout=15_000)  # htmx, after the page
    assert page.locator("#leagues-table tbody tr").count() == 12
    page.wait_for_timeout(300)
    _shot(page, shots, "air")
    # the tooltip of the first day: AQI, its level, the edition
    page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('aqi-calendar'))"
        ".dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0})"
    )
    tip = page.locator("#aqi-calendar div").filter(has_text="AQI").last
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert "2025-01-01" in text and "HJ 633-2012" in text
    assert any(
        name in text for name in ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
    )
    assert page.locator("#edition-note").count() == 0

    page.select_option("#air-year", "2026")
    page.wait_for_url("**year=2026**")
    assert "2026-03-01" in page.inner_text("#edition-note")
    page.wait_for_selector("#aqi-calendar[data-ready='1'] canvas", timeout=15_000)
    assert problems == []


def test_water_page_map_shows_the_sections(
    server: str, shots: Path, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    page.click("nav.main-nav a[data-nav='water']")
    page.wait_for_url(f"{server}/water")
    page.select_option("#water-year", "2025")
    page.wait_for_url("**year=2025**")
    page.wait_for_selector("#water-map[data-ready='1'] canvas", timeout=15_000)
    option = INSTANCE.format("water-map")
    points = page.evaluate(f"{option}.series.reduce((n, s) => n + s.data.length, 0)")
    rows = page.locator("#section-table tbody tr").count()
    assert rows >= 20 and points == rows  # every section has a place on the map
    legend = page.evaluate(f"{option}.legend[0].data")
    assert legend[:6] == ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"]
    assert page.locator("#section-table .badge.ok, #section-table .badge.fail").count() > 0
    assert page.locator("#shares-table tbody tr").count() >= 2
    page.wait_for_timeout(300)
    _shot(page, shots, "water")
    # one section's monthly classes
    page.click("#section-table tbody tr:first-child a")
    page.wait_for_url("**/water/sections/**")
    assert page.locator("#monthly-classes tbody tr").count() == 12
    assert problems == []


def test_phone_layout_in_english(
    server: str, shots: Path, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/air?city=150100&year=2025&lang=en")
    page.wait_for_selector("#aqi-calendar[data-ready='1'] canvas", timeout=15_000)
    assert page.inner_text("h1").startswith("Air quality")
    assert page.evaluate(f"{INSTANCE.format('aqi-calendar')}.calendar[0].orient") == "vertical"
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.wait_for_timeout(300)
    _shot(page, shots, "air-phone-en")
    page.goto(f"{server}/water?year=2025&lang=en")
    page.wait_for_selector("#water-map[data-ready='1'] canvas", timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.set_viewport_size({"width": 1366, "height": 900})
    assert problems == []
