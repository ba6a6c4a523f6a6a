"""Verifikationer in Chromium: import drafts from a SIE 4I file, export one, see Fortnox's number, reverse it, and
find the export in the audit log."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.steps import connect_through_fortnox

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

SIE_4I = (
    '#FLAGGA 0\r\n#PROGRAM "Test" 1\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#FNAMN "Bokslutsdemo AB"\r\n'
    '#VER "" "" 20251231 "Upplupen revision"\r\n{\r\n#TRANS 6420 {} 15000.00\r\n#TRANS 2990 {} -15000.00\r\n}\r\n'
).encode("cp437")


def test_a_voucher_imported_from_sie_is_exported_reversed_and_logged(page: Page, app: RunningApp) -> None:
    connect_through_fortnox(page, app)
    page.get_by_text("SIE4-data", exact=True).click()
    page.get_by_role("button", name="Importera data").click()
    expect(page.get_by_text("Importen är klar")).to_be_visible(timeout=60_000)
    page.get_by_role("link", name="Verifikationer").first.click()
    wait_for_app(page)

    page.get_by_role("tab", name="Importera SIE 4I").click()
    uploader = page.get_by_test_id("stFileUploader").filter(has_text="SIE 4I-fil med verifikationer")
    uploader.locator("input[type=file]").set_input_files(
        {"name": "bokslut.si", "mimeType": "application/octet-stream", "buffer": SIE_4I})
    page.get_by_role("button", name="Lägg till som utkast").click()
    expect(page.get_by_text("1 verifikation(er) från bokslut.si tillagda som utkast.")).to_be_visible()

    wait_for_app(page)
    page.get_by_role("tab", name="Verifikationer").click()
    page.get_by_text(re.compile("Upplupen revision · 15")).click()
    wait_for_app(page)
    page.get_by_role("button", name="Exportera till Fortnox").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("räkenskapsår 2025-01-01 – 2025-12-31")
    dialog.get_by_role("button", name="Exportera", exact=True).click()
    expect(page.get_by_text(re.compile(r"Upplupen revision: exporterad till Fortnox som A \d+"))).to_be_visible(
        timeout=30_000)

    page.get_by_role("button", name="Skapa vändning").click()
    page.get_by_role("button", name="Ja, skapa vändning").click()
    expect(page.get_by_text(re.compile(r"En vändning av A \d+ har skapats som utkast"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"^2025-12-31 · Vändning av A \d+ Upplupen revision"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Vändning redan skapad: «Vändning av A \d+"))).to_be_visible()

    wait_for_app(page)  # during a rerun the previous run's tabs are still on the page beside the new ones
    page.get_by_role("tab", name="Logg").click()
    expect(page.get_by_role("button", name=re.compile(r"^CSV \(\d+ rad(?:er)?\)"))).to_be_visible()
