"""End to end in headless Chromium: a county editor registers a rectification item, attaches
evidence and completes it; the county editor cannot close it; the league/city editor logs in
and closes it (销号); the board shows it closed. The board's screenshot goes to
``$ECOPLAN_SCREENSHOT_DIR/ledger-board.png`` (docs/screenshots for the docs).

Reuses the browser set-up of ``test_browser.py`` (Debian's /usr/bin/chromium via Playwright).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import test_browser as browser_setup
from e2e_support import live_server
from playwright.sync_api import Page

from ecoplan.config import settings
from ecoplan.store import ledger as svc
from ecoplan.store.audit import Actor
from ecoplan.store.db import Store
from ecoplan.store.plans import sync_regions
from ecoplan.store.users import create_user

# the browser fixtures and helpers of test_browser.py, shared
browser_page = browser_setup.browser_page
_shot = browser_setup._shot

PASSWORD = "e2e ledger password"
ROUND = "2025年自治区生态环境保护督察"


def _seed(store: Store) -> None:
    """Accounts, and a few items in other states so the board has every column."""
    system = svc.Caller.system("(e2e)")
    today = date.today()
    with store.session() as s:
        sync_regions(s)
        for name, role, region, label in (
            ("county", "editor", "150121", "土默特左旗生态环境分局"),
            ("city", "editor", "150100", "呼和浩特市生态环境局"),
        ):
            create_user(
                s,
                Actor.system("(e2e)"),
                username=name,
                password=PASSWORD,
                role=role,
                region_code=region,
                display_name=label,
            )
        items = [
            ("E2E-01", "砖瓦窑厂脱硫设施未正常运行", "150122", today + timedelta(days=60), None),
            (
                "E2E-02",
                "黄河支流入河排污口整治",
                "150121",
                today - timedelta(days=20),
                "in_progress",
            ),
            ("E2E-03", "建筑垃圾消纳场扬尘", "150104", today + timedelta(days=30), "in_progress"),
            ("E2E-04", "城中村散煤替代", "150105", today + timedelta(days=90), "completed"),
        ]
        for code, title, region, deadline, status in items:
            values = {"kind": "inspection", "code": code, "title": title, "round": ROUND}
            item = svc.create_item(
                s, system, values | {"region_code": region, "deadline": deadline}
            )
            if status:
                svc.transition(s, system, item.id, "in_progress")
            if status == "completed":
                svc.transition(s, system, item.id, "completed")
        svc.set_stage_achieved(s, system, "E2E-03", True, "主体苫盖完成")
        c = svc.create_item(
            s,
            system,
            {"kind": "complaint", "code": "E2E-05", "title": "夜间施工噪声扰民",
             "region_code": "150102", "round": ROUND},
        )  # fmt: skip
        svc.transition(s, system, c.id, "in_progress")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("e2e-ledger")
    store = Store(settings(home=home, database_url=f"sqlite:///{home / 'ecoplan.db'}"))
    store.migrate()
    _seed(store)
    with live_server(store) as base:
        yield base


def _login(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?next=/ledgers")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("#login-submit")
    page.wait_for_url(f"{base}/ledgers")


def test_county_completes_city_closes(
    server: str, shots: Path, browser_page: tuple[Page, list[str]], tmp_path: Path
) -> None:
    page, problems = browser_page
    page.set_viewport_size({"width": 1366, "height": 900})

    # A: the county editor registers the item …
    _login(page, server, "county")
    page.click("#new-item")
    page.wait_for_url(f"{server}/ledgers/new")
    page.select_option("#i-kind", "inspection")
    page.fill("#i-title", "养殖场粪污直排大黑河支流")
    page.select_option("#i-region", "150121")
    page.fill("#i-round", ROUND)
    page.fill("#i-deadline", (date.today() + timedelta(days=45)).isoformat())
    page.fill("#i-measures", "建设防渗储粪池；粪污资源化利用")
    page.click("#i-submit")
    page.wait_for_url("**/ledgers/*")
    item_url = page.url
    assert page.inner_text("#item-title") == "养殖场粪污直排大黑河支流"
    assert "已登记" in page.inner_text("#item-status")

    # … starts it, attaches evidence, completes it (申请销号)
    page.click("#btn-start")
    page.wait_for_selector("#item-status [data-status='in_progress']")
    evidence = tmp_path / "整改验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4\n% rectification acceptance report\n")
    page.set_input_files("#evidence-file", str(evidence))
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("#evidence tbody a")
    assert "整改验收报告.pdf" in page.inner_text("#evidence")
    page.fill("#form-complete textarea", "储粪池已建成，粪污不再直排")
    page.click("#btn-complete")
    page.wait_for_selector("#item-status [data-status='completed']")

    # A may not close it: the button is replaced by the reason
    assert page.locator("#btn-close").count() == 0
    reason = page.inner_text("#refused-close")
    assert "呼和浩特市" in reason and "不能销号" in reason
    page.click("#logout")
    page.wait_for_url(f"{server}/login")

    # B: the city editor closes it (销号)
    _login(page, server, "city")
    page.goto(item_url)
    page.fill("#form-close textarea", "经现场核查，整改到位，同意销号")
    page.click("#btn-close")
    page.wait_for_selector("#item-status [data-status='closed']")
    assert "city" in page.inner_text("#closed-by") and "同意销号" in page.inner_text("#closed-by")
    assert "county" in page.inner_text("#completed-by")
    assert page.locator("#history code", has_text="ledger.close").count() == 1
    _shot(page, shots, "ledger-item")

    # the board shows it closed; the overdue item stands out in red
    page.goto(f"{server}/ledgers/board?round={ROUND}")
    closed = page.locator("#col-closed .lg-card")
    assert closed.count() == 1 and "养殖场粪污直排" in closed.first.inner_text()
    assert page.locator("#col-in_progress .lg-card.overdue").count() == 1  # E2E-02
    assert page.get_attribute("#col-completed", "data-total") == "1"  # E2E-04
    sentences = page.inner_text("#ledger-stats")
    assert "5项整改任务完成2项（其中销号1项）" in sentences
    page.wait_for_timeout(200)
    _shot(page, shots, "ledger-board")
    assert problems == []
