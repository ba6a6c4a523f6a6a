"""Verifikationer on the large company in Chromium: deleting a draft and Skapa vändning ask first, a reversal
already made is shown, and the export dialog counts only what will really be sent, with amounts, each refusal
beside its voucher."""

from __future__ import annotations

import re
from datetime import date

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from services.companies.connections import connect_service_account
from services.imports.pipeline import PART_SIE4, run_import
from services.vouchers.drafts import add_drafts
from services.vouchers.model import AdjustmentRow
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, wait_for_app

LARGE = 2  # index in GET /sandbox/tenants
ACCRUAL = "Upplupen revisionskostnad"
OUTSIDE = "Periodisering utanför Fortnox år"


@pytest.fixture(scope="module")
def large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    """The large company's books imported (demo mode adds its depreciation draft), an accrual, and a draft
    Fortnox has no year for."""
    tenant_id = tenants[LARGE]["tenant_id"]
    httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenant_id}, timeout=600)  # its books made
    settings = settings_for(app.data_dir, sandbox.port)
    company = connect_service_account(settings, tenant_id)
    run_import(settings, company.id, parts=(PART_SIE4,))
    add_drafts(settings, company.id, [
        (date(2025, 12, 31), ACCRUAL, [AdjustmentRow("6420", debit_ore=1_500_000),
                                       AdjustmentRow("2990", credit_ore=1_500_000)]),
        (date(2031, 12, 31), OUTSIDE, [AdjustmentRow("6420", debit_ore=10_000), AdjustmentRow("2990", credit_ore=10_000)]),
    ], actor="test")
    return company.id


def _card(page: Page, text: str) -> Locator:
    """The innermost block holding the voucher's tick box and its buttons."""
    return page.get_by_test_id("stVerticalBlock").filter(has=page.get_by_text(re.compile(re.escape(text)))).filter(
        has=page.get_by_role("button")).last


def test_delete_asks_first_and_avbryt_keeps_the_draft(page: Page, app: RunningApp, large_company: str) -> None:
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    card = _card(page, "Avskrivning inventarier")
    card.get_by_role("button", name="Ta bort verifikationen").click()
    wait_for_app(page)
    expect(card.get_by_text(re.compile(r"Ta bort «Avskrivning inventarier» .* kan inte återskapas"))).to_be_visible()
    card.get_by_role("button", name="Avbryt").click()
    wait_for_app(page)
    expect(card.get_by_role("button", name="Ta bort verifikationen")).to_be_visible()
    expect(page.get_by_text("borttagen")).to_have_count(0)

    card.get_by_role("button", name="Ta bort verifikationen").click()
    wait_for_app(page)
    card.get_by_role("button", name="Ja, ta bort").click()
    expect(page.get_by_text(re.compile(r"«Avskrivning inventarier» \(.*\) borttagen"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"Avskrivning inventarier · "))).to_have_count(0)


def test_the_export_dialog_counts_what_is_sent_and_a_reversal_asks_first(
    page: Page, app: RunningApp, large_company: str
) -> None:
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    page.get_by_text(re.compile(ACCRUAL + r" · 15\u00a0000,00 kr")).click()
    wait_for_app(page)
    page.get_by_text(re.compile(re.escape(OUTSIDE) + r" · 100,00 kr")).click()
    wait_for_app(page)
    page.get_by_role("button", name="Exportera till Fortnox").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("1 av 2 verifikationer skapas i Fortnox", timeout=30_000)
    expect(dialog).to_contain_text("sammanlagt 15\u00a0000,00 kr")
    refused = dialog.get_by_role("listitem").filter(has_text=OUTSIDE)
    expect(refused).to_contain_text("100,00 kr")
    expect(refused).to_contain_text("Skickas inte:")
    expect(dialog.get_by_role("listitem").filter(has_text=ACCRUAL)).not_to_contain_text(
        "Skickas inte")
    dialog.get_by_role("button", name="Exportera", exact=True).click()
    expect(page.get_by_text(re.compile(ACCRUAL + r": exporterad till Fortnox som A \d+"))).to_be_visible(
        timeout=60_000)

    card = _card(page, f"2025-12-31 · {ACCRUAL} · ")
    card.get_by_role("button", name="Skapa vändning").click()
    wait_for_app(page)
    expect(card.get_by_text(re.compile(r"Skapa ett utkast som vänder A \d+"))).to_be_visible()
    card.get_by_role("button", name="Avbryt").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Vändning av A \d+"))).to_have_count(0)
    card.get_by_role("button", name="Skapa vändning").click()
    wait_for_app(page)
    card.get_by_role("button", name="Ja, skapa vändning").click()
    expect(page.get_by_text(re.compile(r"En vändning av A \d+ har skapats som utkast"))).to_be_visible()
    expect(_card(page, f"2025-12-31 · {ACCRUAL} · ").get_by_text(
        re.compile(r"Vändning redan skapad: «Vändning av A \d+"))).to_be_visible()
