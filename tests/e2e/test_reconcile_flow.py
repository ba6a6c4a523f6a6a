"""Avstämning in Chromium: import the mid-size company, open a difference's underlying voucher, draft the correction
against an offset account, and find the draft on Verifikationer."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.steps import connect_through_fortnox

MIDSIZE = 1  # index in GET /sandbox/tenants


def _pick(page: Page, label: str, typed: str) -> None:
    """Open the selectbox, type to filter its options, take the first match."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_for_app(page)


def test_avstamning_drills_into_a_manual_voucher_and_drafts_its_correction(page: Page, app: RunningApp,
                                                                            tenants: list[dict]) -> None:
    connect_through_fortnox(page, app, company=tenants[MIDSIZE]["name"])
    page.get_by_text("SIE4-data", exact=True).click()
    page.get_by_test_id("stTabs").get_by_text("Kund- och leverantörsreskontra", exact=True).click()
    page.get_by_role("button", name="Importera data").click()
    expect(page.get_by_text("Importen är klar")).to_be_visible(timeout=120_000)

    page.get_by_role("link", name="Avstämning").click()
    wait_for_app(page)
    expect(page.get_by_text("Kundreskontra mot huvudbok – Differens")).to_be_visible()
    _pick(page, "Visa underlag för", "verifikation A")
    expect(page.locator("strong", has_text="Verifikationer").first).to_be_visible()
    expect(page.locator("td").filter(has_text="Justering kundfordringar").first).to_be_attached()

    _pick(page, "Motkonto", "3990")
    page.get_by_role("button", name="Skapa verifikation").first.click()
    wait_for_app(page)
    created = re.compile(r"Avstämning 1510: rättelse verifikation A \d+")
    expect(page.get_by_text(re.compile(r"Utkastet .* är skapat"))).to_be_visible()

    page.get_by_role("link", name="Verifikationer").first.click()
    wait_for_app(page)
    expect(page.get_by_text(created).first).to_be_visible()
