"""Kontomappning in the browser: an edited mapping is saved and is still there after a reload."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from services import store
from services.companies.connections import connect_service_account
from services.imports.pipeline import run_import
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, wait_for_app

FIRST_ACCOUNT = "1010"  # the small demo company's lowest account number: the editor's first row
SRU_COLUMN = 4  # Konto, Namn, Saldo, Målkonto, SRU
ROW_HEIGHT = 35


def _edit_first_row(page: Page, column: int, text: str) -> None:
    """Select the first data cell, move right to `column`, replace its text and commit (the grid is a canvas)."""
    grid = page.get_by_test_id("stDataFrame").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + ROW_HEIGHT + ROW_HEIGHT / 2)
    for _ in range(column):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the cell's editor in an overlay
    cell_editor = page.locator("textarea.gdg-input")
    cell_editor.fill(text)
    cell_editor.press("Enter")
    expect(grid.get_by_test_id(f"glide-cell-{column}-0")).to_have_text(text)


def test_an_edited_sru_code_is_saved_and_kept_after_a_reload(
    page: Page, app: RunningApp, sandbox, small_tenant: dict
) -> None:
    settings = settings_for(app.data_dir, sandbox.port)
    company = connect_service_account(settings, small_tenant["tenant_id"])
    run_import(settings, company.id)

    page.goto(f"{app.url}/kontomappning")
    wait_for_app(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Förslag")).to_be_visible()
    _edit_first_row(page, SRU_COLUMN, "7202")
    page.get_by_role("button", name="Spara mappningar").click()
    wait_for_app(page)
    expect(page.get_by_text("Mappningarna är sparade")).to_be_visible()

    page.reload()
    wait_for_app(page)
    first_row = page.get_by_test_id("stDataFrame").first.locator("tr").filter(has_text=FIRST_ACCOUNT).first
    expect(first_row).to_contain_text("7202")
    with store.open_db(settings.database_path) as db:
        saved = db["account_mappings"].get((company.id, FIRST_ACCOUNT))
    assert (saved["sru"], saved["mapped_by"]) == ("7202", "demo")
