"""Every download arrives: the large company's whole-list CSV files on Reskontra and Avstämning, clicked over a
hundred times in a row, each received complete (its rows counted against the number the button states). A download
button that reran the page could lose its file in Streamlit's queue and spin for good."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.large_company import import_large_company

CLICKS_PER_PAGE = 55
ROWS = re.compile(r"CSV \(([\d\u00a0 ]+) rad(?:er)?\)")


@pytest.fixture(scope="module")
def large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    return import_large_company(app, sandbox, tenants)


def _rows(button: Locator) -> int:
    return int(re.sub(r"\D", "", ROWS.search(button.inner_text()).group(1)))


def _download_many(page: Page, buttons: list[Locator], clicks: int) -> None:
    """Click the buttons in turn; every file must arrive whole."""
    expected = [_rows(button) for button in buttons]
    for nth in range(clicks):
        button = buttons[nth % len(buttons)]
        with page.expect_download(timeout=30_000) as download:
            button.click()
        lines = download.value.path().read_bytes().decode("utf-8-sig").strip().splitlines()
        assert len(lines) - 1 == expected[nth % len(buttons)], (nth, button.inner_text())


@pytest.mark.xfail(strict=False, reason="issue 19 is open: about one run in two loses one of the 110 downloads. The "
                   "server makes the file and the browser's check of its URL gets 200, but Chromium starts no "
                   "download from the link Streamlit clicks after that round trip; kept running so it stays seen")
def test_reskontra_and_avstamning_downloads_arrive_every_time(page: Page, app: RunningApp,
                                                              large_company: str) -> None:
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    panel = page.get_by_role("tabpanel").first
    csv = panel.get_by_role("button", name=ROWS)
    expect(csv).to_have_count(3, timeout=60_000)  # ageing, per customer, open items
    wait_for_app(page)
    _download_many(page, [csv.nth(index) for index in range(3)], CLICKS_PER_PAGE)

    page.get_by_role("link", name="Avstämning").click()
    wait_for_app(page)
    csv = page.get_by_role("button", name=ROWS)
    expect(csv.first).to_be_visible(timeout=60_000)
    wait_for_app(page)  # the buttons are read once the page is whole, not while it is still being drawn
    _download_many(page, [csv.nth(index) for index in range(min(csv.count(), 3))], CLICKS_PER_PAGE)
