"""Reskontra in the browser: after importing the ledgers with their attachments, pick an open invoice and its PDF
shows on the page and downloads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from services import attachment_files, store
from services.companies.connections import connect_service_account
from services.imports.pipeline import PART_ATTACHMENTS, PART_LEDGERS, run_import
from services.ledgers import open_items as views
from services.ledgers.model import LedgerKind
from tests.conftest import SMALL_COMPANY, settings_for
from tests.e2e.conftest import RunningApp, wait_for_app

HEADER_PX, ROW_PX, ROW_MARKER_X = 35, 35, 15  # st.dataframe's canvas: header and row height, row-selection column


@pytest.fixture(scope="module")
def invoice_with_pdf(app: RunningApp, sandbox, tenants: list[dict]) -> tuple[str, str, bytes]:
    """Import the small company's ledgers and attachments into the app's database; an open customer invoice at the
    page's default balance date that a search finds alone, with its attachment's name and content."""
    settings = settings_for(app.data_dir, sandbox.port)
    company = connect_service_account(settings, tenants[SMALL_COMPANY]["tenant_id"])
    run_import(settings, company.id, parts=(PART_LEDGERS, PART_ATTACHMENTS))
    with store.open_db(settings.database_path) as db:
        items = views.open_items(db, company.id, LedgerKind.CUSTOMER, views.default_balance_date(db, company.id))
        for number in items["number"]:
            found = views.invoice_attachments(db, company.id, LedgerKind.CUSTOMER, number)
            if found and len(views.filter_items(items, views.ItemFilter(search=number))) == 1:
                return number, found[0].name, attachment_files.content(settings, found[0].sha256)
    raise AssertionError("the small demo company has no open customer invoice with an attachment")


def _select_first_row(table: Locator) -> None:
    """Tick the first row's selection box (the grid is a canvas; its row-marker column takes the click)."""
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    table.page.mouse.click(box["x"] + ROW_MARKER_X, box["y"] + HEADER_PX + ROW_PX / 2)


def test_picking_an_open_invoice_shows_its_pdf_and_downloads_it(page: Page, app: RunningApp,
                                                                invoice_with_pdf: tuple[str, str, bytes]) -> None:
    number, name, content = invoice_with_pdf
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    expect(page.get_by_role("tab", name="Kundreskontra")).to_be_visible()
    search = page.get_by_label("Sök")
    search.fill(number)
    search.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 av \d+ poster matchar"))).to_be_visible(timeout=30_000)
    wait_for_app(page)
    _select_first_row(page.get_by_role("tabpanel").get_by_test_id("stDataFrame").nth(2))
    expect(page.get_by_role("heading", name=f"Bilagor till faktura {number}")).to_be_visible(timeout=30_000)
    viewer = page.locator(f"iframe[title='{name}']")
    expect(viewer).to_be_visible()
    assert viewer.get_attribute("src").startswith("data:application/pdf;base64,")
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Ladda ner {name}").click()
    assert download.value.suggested_filename == name
    assert Path(download.value.path()).read_bytes() == content
