"""Radera företagets data says beforehand what it deletes and what stays: the exported vouchers, by their Fortnox
numbers, and the drafts that go."""

from __future__ import annotations

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.deletion import delete_company_data, preview_delete
from services.companies.model import Company
from services.config import Settings
from services.imports.pipeline import run_import
from services.vouchers.drafts import list_vouchers
from services.vouchers.model import VoucherStatus


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    connected = connect_service_account(settings, small_tenant["tenant_id"])
    run_import(settings, connected.id, parts=["sie4"])
    return connected


def _mark_exported(settings: Settings, voucher_id: str, number: str) -> None:
    with store.open_db(settings.database_path) as db:
        db["adjustment_vouchers"].update(voucher_id, {"status": VoucherStatus.EXPORTED, "fortnox_series": "A",
                                                      "fortnox_number": number})


def test_the_preview_names_the_exported_vouchers_that_stay_and_counts_the_drafts_that_go(
        settings: Settings, company: Company) -> None:
    vouchers = list_vouchers(settings, company.id)
    _mark_exported(settings, vouchers[0].id, "60")
    preview = preview_delete(settings, company.id, "rita@byra.se")
    assert preview.exported == ["A 60"]
    assert preview.drafts == len(vouchers) - 1


def test_what_the_preview_says_stays_is_what_stays(settings: Settings, company: Company) -> None:
    exported = list_vouchers(settings, company.id)[0]
    _mark_exported(settings, exported.id, "61")
    delete_company_data(settings, company.id, "rita@byra.se")
    with store.open_db(settings.database_path) as db:
        kept = [row["id"] for row in db["adjustment_vouchers"].rows_where("company_id = ?", [company.id])]
        audit = [row["action"] for row in db["audit_log"].rows_where("company_id = ?", [company.id])]
    assert kept == [exported.id]
    assert audit == ["delete_company"]
