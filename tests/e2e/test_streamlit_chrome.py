"""Streamlit's own parts of the page, in Chromium, signed in, with data on every page: nothing is loaded from
outside loopback (favicon, fonts and icons are served by the app), there is no English main menu, and a table with
the app's own whole-list downloads does not also offer Streamlit's "Download as CSV"."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.walk import app_with_books, every_view, signed_in

LOOPBACK = {"localhost", "127.0.0.1", "::1", "[::1]"}


@pytest.fixture(scope="module")
def app(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with app_with_books(sandbox, tenants, tmp_path_factory.mktemp("chrome-app")) as started:
        yield started


@pytest.fixture(scope="module")
def staff(browser: Browser, browser_context_args: dict, app: RunningApp) -> Iterator[BrowserContext]:
    with signed_in(browser, browser_context_args, app) as context:
        yield context


def test_a_walk_over_every_page_requests_nothing_outside_loopback(staff: BrowserContext, app: RunningApp) -> None:
    requested: list[str] = []
    staff.on("request", lambda request: requested.append(request.url))
    page = staff.new_page()
    views = list(every_view(page, app))
    icon = page.locator("link[rel~='icon']").first.get_attribute("href")
    assert len(views) >= 10 and requested
    outside = sorted({url for url in requested
                      if urlsplit(url).scheme in ("http", "https", "ws", "wss") and urlsplit(url).hostname not in LOOPBACK})
    assert outside == []
    assert icon.startswith("data:image/svg+xml") or urlsplit(icon).hostname in LOOPBACK


def test_there_is_no_main_menu(staff: BrowserContext, app: RunningApp) -> None:
    page = staff.new_page()
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    expect(page.get_by_test_id("stMainMenu")).to_have_count(0)
    expect(page.get_by_role("button", name="Main menu")).to_have_count(0)


def test_a_table_with_the_apps_downloads_has_no_second_csv_download(staff: BrowserContext, app: RunningApp) -> None:
    page = staff.new_page()
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    table = page.get_by_role("tabpanel").get_by_test_id("stDataFrame").first
    table.hover()
    expect(table.get_by_role("button", name="Search")).to_be_visible()
    expect(table.get_by_role("button", name="Download as CSV")).to_be_hidden()
    expect(page.get_by_role("tabpanel").get_by_role("button", name="CSV (", exact=False).first).to_be_visible()
