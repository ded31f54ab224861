"""End to end in headless Chromium (Debian's /usr/bin/chromium via Playwright) against a real
uvicorn server: log in → overview (the status map is drawn and coloured) → indicator list
(htmx status filter) → indicator detail (trend chart) → upload a file with bad rows on the
imports page and see them reported → download a report → log out.

The server's store holds the embedded plans and the synthetic yearly indicator values of the
demo (``ecoplan.demo.indicators``, 2020–2025; no monitoring warehouse, so indicators derived
from monitoring have no data). Screenshots go to ``$ECOPLAN_SCREENSHOT_DIR`` when set
(``docs/screenshots``), else to a temporary directory.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import CHROMIUM, CHROMIUM_ARGS, live_server
from playwright.sync_api import Page, sync_playwright

from ecoplan.api.routes_assessment import SHARE_CLASSES
from ecoplan.config import settings
from ecoplan.demo.indicators import generate_indicator_values, write_indicators_csv
from ecoplan.ingest.importers import IMPORTERS
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import load_embedded_plans, sync_regions
from ecoplan.store.users import create_user

PASSWORD = "e2e password 2"
PLAN = "im-beautiful-2035"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("e2e-assess-home")
    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    with store.session() as s:
        sync_regions(s)
        load_embedded_plans(s)
        create_user(
            s, Actor.system("(e2e)"), username="planner", password=PASSWORD, role="admin",
            display_name="规划处",
        )  # fmt: skip
    values = write_indicators_csv(generate_indicator_values(7, range(2020, 2026)), home / "v.csv")
    assert IMPORTERS["indicators"](store, values, user="e2e").accepted > 1000
    with live_server(store) as base:
        yield base


@pytest.fixture(scope="module")
def page_and_problems() -> Iterator[tuple[Page, list[str]]]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
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


def _shot(page: Page, shots: Path, name: str) -> None:
    path = shots / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000


# counts the canvas pixels painted in one of the map's status classes (±6 per channel)
COLOURED_PIXELS = """([id, colours]) => {
  const canvas = document.querySelector('#' + id + ' canvas');
  const ctx = canvas.getContext('2d');
  const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  const rgb = colours.map(h => [1, 3, 5].map(i => parseInt(h.slice(i, i + 2), 16)));
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    for (const c of rgb) {
      if (Math.abs(data[i] - c[0]) < 7 && Math.abs(data[i + 1] - c[1]) < 7
          && Math.abs(data[i + 2] - c[2]) < 7) { n++; break; }
    }
  }
  return n;
}"""


def test_assessment_pages_end_to_end(
    server: str, shots: Path, page_and_problems: tuple[Page, list[str]], tmp_path: Path
) -> None:
    page, problems = page_and_problems
    page.goto(f"{server}/")
    page.fill("#username", "planner")
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{server}/")

    # overview: the Beautiful-IM plan by default, the latest year with data (2025)
    assert page.locator("#choose-plan").input_value() == PLAN
    assert page.locator("#choose-year").input_value() == "2025"
    page.wait_for_selector("#league-map[data-ready='1'] canvas", timeout=15_000)
    page.wait_for_timeout(600)  # the map's entry animation
    coloured = page.evaluate(COLOURED_PIXELS, ["league-map", [c for _, c in SHARE_CLASSES]])
    assert coloured > 2000, coloured  # leagues painted in status colours, not grey
    assert page.locator("#ranking tbody tr").count() == 12
    assert page.locator("#headline-cards .status-card").count() == 5
    _shot(page, shots, "overview")

    # choosing another year reloads the overview with it
    page.select_option("#choose-year", "2024")
    page.wait_for_url("**year=2024**")
    page.wait_for_selector("#league-map[data-ready='1'] canvas", timeout=15_000)

    # indicator list of the plan, for 包头市, then filtered by status (htmx swaps the table)
    page.goto(f"{server}/plans/{PLAN}/indicators?region=150200")
    all_rows = page.locator("#indicator-table tbody tr").count()
    page.select_option("#filter-status", "achieved")
    page.wait_for_url("**status=achieved**")
    page.wait_for_function(
        "n => document.querySelectorAll('#indicator-table tbody tr').length < n", arg=all_rows
    )
    statuses = page.locator("#indicator-table tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.status)"
    )
    assert statuses and set(statuses) == {"achieved"}
    page.select_option("#filter-status", "")
    page.wait_for_function(
        "n => document.querySelectorAll('#indicator-table tbody tr').length === n", arg=all_rows
    )
    _shot(page, shots, "indicators")

    # indicator detail: trend chart, status per region, sources
    page.click("#indicator-table tr[data-status='off_track'] a.ind-link >> nth=0")
    page.wait_for_url(f"**/plans/{PLAN}/indicators/**")
    page.wait_for_selector("#indicator-chart[data-ready='1'] canvas", timeout=15_000)
    assert page.locator("#region-status tbody tr").count() >= 12
    assert page.locator("#value-sources tbody tr .kind").count() >= 1
    _shot(page, shots, "indicator-detail")

    # upload a file with bad rows on the imports page
    bad = tmp_path / "上报数据-有误.csv"
    bad.write_text(
        "indicator_code,region_code,year,value,plan_id\n"
        f"BIM-FOREST-COVER,150200,2025,17.2,{PLAN}\n"
        f"BIM-FOREST-COVER,159999,2025,17.2,{PLAN}\n"
        f"BIM-FOREST-COVER,150300,二〇二五,17.2,{PLAN}\n"
        f"BIM-NO-SUCH,150300,2025,1,{PLAN}\n",
        "utf-8",
    )
    page.click("nav.main-nav a[data-nav='imports']")
    page.wait_for_url(f"{server}/imports")
    page.select_option("#import-kind", "indicators")
    page.set_input_files("#import-file", str(bad))
    page.click("#import-submit")
    page.wait_for_selector("#import-result")
    assert page.inner_text("#count-rejected strong") == "3"
    stored = int(page.inner_text("#count-accepted strong")) + int(
        page.inner_text("#count-revised strong")
    )
    assert stored == 1  # the good row (new, or revising the demo value)
    reasons = page.locator("#import-result table.quarantine tbody tr").all_inner_texts()
    assert len(reasons) == 3 and any("unknown_region" in r for r in reasons)
    assert all("上报数据-有误.csv" in r for r in reasons)
    _shot(page, shots, "imports-with-errors")

    # reports: generate and download a Word report through the page's form
    page.click("nav.main-nav a[data-nav='reports']")
    page.wait_for_url(f"{server}/reports")
    page.select_option("#report-format", "docx")
    with page.expect_download(timeout=120_000) as info:
        page.click("#report-download")
    download = info.value
    assert download.suggested_filename.startswith(
        f"{PLAN}-"
    ) and download.suggested_filename.endswith(".docx")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    assert target.read_bytes()[:4] == b"PK\x03\x04"
    page.goto(f"{server}/reports")
    assert page.locator("#report-files tbody tr a").count() == 1
    _shot(page, shots, "reports")

    # a phone: the overview fits the screen (tables scroll inside their wrappers)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}/")
    page.wait_for_selector("#league-map[data-ready='1'] canvas", timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 1
    page.set_viewport_size({"width": 1366, "height": 900})

    page.click("#logout")
    page.wait_for_url(f"{server}/login")
    assert problems == []
