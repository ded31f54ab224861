"""End to end in headless Chromium (Debian's /usr/bin/chromium via Playwright's sync API)
against a real uvicorn server on a free loopback port: log in, the overview's map renders,
plans → indicator list (htmx filter) → indicator detail, log out, the public portal.

Screenshots go to ``$ECOPLAN_SCREENSHOT_DIR`` when set (``docs/screenshots`` for the docs),
else to the test's temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, live_server
from playwright.sync_api import Page, sync_playwright

from ecoplan.config import settings
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import load_embedded_plans, sync_regions
from ecoplan.store.users import create_user

PASSWORD = "e2e password 1"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server (in a thread) over a fresh SQLite store with the embedded plans."""
    home = tmp_path_factory.mktemp("e2e-home")
    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    with store.session() as s:
        sync_regions(s)
        load_embedded_plans(s)
        create_user(
            s,
            Actor.system("(e2e)"),
            username="planner",
            password=PASSWORD,
            role="admin",
            display_name="规划处",
        )
    with live_server(store) as base:
        yield base


@pytest.fixture(scope="module")
def browser_page() -> Iterator[tuple[Page, list[str]]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        problems: list[str] = []
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on(
            "console",
            lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
        )
        try:
            yield page, problems
        finally:
            browser.close()


def _shot(page: Page, shots: Path, name: str) -> Path:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a real picture, not an empty page
    return path


def test_login_overview_indicators_detail_logout(
    server: str, shots: Path, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    page.goto(f"{server}/")
    assert page.url.startswith(f"{server}/login?next=")
    _shot(page, shots, "login")
    page.fill("#username", "planner")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{server}/")
    # the ECharts map draws on a canvas once the boundaries are loaded
    page.wait_for_selector("#league-map[data-ready='1'] canvas", timeout=15_000)
    assert page.locator("#league-map canvas").count() >= 1
    assert page.inner_text("h1") == "总览"
    page.wait_for_timeout(300)  # let the map's entry animation finish
    _shot(page, shots, "overview")

    page.click("nav.main-nav a[data-nav='indicators']")
    page.wait_for_url(f"{server}/plans")
    page.click("a[href='/plans/hohhot-14fyp-eco/indicators']")
    page.wait_for_url(f"{server}/plans/hohhot-14fyp-eco/indicators")
    all_rows = page.locator("#indicator-table tbody tr").count()
    # htmx: choosing a filter swaps the table in place and pushes the URL
    page.select_option("#filter-category", "eco")
    page.wait_for_url("**category=eco**")
    page.wait_for_function(
        "n => document.querySelectorAll('#indicator-table tbody tr').length < n", arg=all_rows
    )
    rows = page.locator("#indicator-table tbody tr")
    assert 0 < rows.count() < all_rows
    label = page.locator("#filter-category option:checked").inner_text().strip()
    assert {c.strip() for c in rows.locator("td:nth-child(3)").all_inner_texts()} == {label}
    _shot(page, shots, "indicators")

    # 森林覆盖率: a baseline (2020: 23 %) and a target (2025: ≥ 23.8 %), both quoted
    page.click("#indicator-table a[href$='/HH-FOREST-COVER']")
    page.wait_for_url("**/plans/hohhot-14fyp-eco/indicators/HH-FOREST-COVER")
    assert page.locator("#targets tbody tr").count() >= 1
    assert page.locator("blockquote, q").count() >= 1  # source quotes shown
    page.wait_for_selector("#indicator-chart[data-ready='1'] canvas")
    _shot(page, shots, "indicator-detail")

    page.click("#logout")
    page.wait_for_url(f"{server}/login")
    assert page.locator("#login-link").count() == 1
    assert problems == []


def test_public_portal_and_phone_layout(
    server: str, shots: Path, browser_page: tuple[Page, list[str]]
) -> None:
    page, problems = browser_page
    page.context.clear_cookies()
    page.goto(f"{server}/public?plan=hohhot-14fyp-eco")
    page.wait_for_selector("#public-map[data-ready='1'] canvas", timeout=15_000)
    assert "生态环境保护规划信息公开" in page.inner_text("h1")
    assert page.locator("#public-targets tbody tr").count() > 5
    page.wait_for_timeout(300)
    _shot(page, shots, "public")
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{server}/public?lang=en")
    page.wait_for_selector("#public-map[data-ready='1'] canvas", timeout=15_000)
    # nothing wider than the screen except inside the scrollable table wrappers
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    page.wait_for_timeout(300)
    _shot(page, shots, "public-phone-en")
    assert problems == []
