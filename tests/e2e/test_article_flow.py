"""The help article, click by click, in Chromium: connect Fortnox, import SIE4-data, export a voucher."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from services import store
from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.steps import connect_through_fortnox
from tests.fortnox_peek import voucher_count, voucher_rows, vouchers_with_comment

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

YEAR_2025 = "2"  # the small demo company's financial-year Id for 2025, where the demo drafts are dated


def test_the_article_steps_connect_import_and_export_one_voucher_once(
    page: Page, app: RunningApp, sandbox, small_tenant: dict
) -> None:
    connect_through_fortnox(page, app)
    expect(page.get_by_text(f"Ansluten till {small_tenant['name']} ({small_tenant['orgnr']})")).to_be_visible()
    assert "code=" not in page.url

    page.get_by_text("SIE4-data", exact=True).click()
    page.get_by_role("button", name="Importera data").click()
    expect(page.get_by_text("Importen är klar")).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stMetric").filter(has_text="Verifikationer")).to_be_visible()
    later = page.context.new_page()  # another session opening Underhåll is told of the import too
    later.goto(page.url)
    wait_for_app(later)
    expect(later.get_by_text(re.compile(r"^Senaste import .+: Klar – SIE4-data, startad av"))).to_be_visible()
    later.close()

    page.get_by_role("link", name="Verifikationer").first.click()
    wait_for_app(page)
    page.get_by_text(re.compile("Avskrivning inventarier")).first.click()
    wait_for_app(page)
    page.get_by_role("button", name="Exportera till Fortnox").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("verifikationsserie A")
    before = voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025)
    dialog.get_by_role("button", name="Exportera", exact=True).click()
    outcome = page.get_by_text(re.compile(r"exporterad till Fortnox som A \d+"))
    expect(outcome).to_be_visible(timeout=30_000)

    with store.open_db(app.data_dir / "app.db") as db:
        [exported] = list(db["adjustment_vouchers"].rows_where("status = 'exported'"))
        rows = list(db["adjustment_rows"].rows_where("voucher_id = ?", [exported["id"]], order_by="row_no"))
    in_fortnox = vouchers_with_comment(sandbox.url, small_tenant["tenant_id"], exported["fortnox_year"], exported["reference"])
    assert len(in_fortnox) == 1
    assert voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025) == before + 1
    assert str(in_fortnox[0]["VoucherNumber"]) == exported["fortnox_number"]
    in_fortnox_rows = voucher_rows(
        sandbox.url, small_tenant["tenant_id"], exported["fortnox_series"], exported["fortnox_number"], exported["fortnox_year"]
    )
    assert in_fortnox_rows == {(row["account"], row["debit_ore"], row["credit_ore"]) for row in rows}
