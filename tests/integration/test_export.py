"""Exporting adjustment vouchers to the sandbox: each is created once, with its rows, or refused with Fortnox's words."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date

import httpx
import pytest

from services import store
from services.companies.connections import connect_service_account, open_client
from services.companies.model import Company
from services.config import Settings
from services.fortnox.resources import VoucherRow, create_voucher, voucher_payload
from services.imports.pipeline import run_import
from services.money import ore_to_decimal
from services.vouchers.drafts import REFERENCE_PREFIX, create_draft, list_vouchers
from services.vouchers.export import export_vouchers
from services.vouchers.model import AdjustmentRow, VoucherStatus
from tests.fortnox_peek import voucher_count, voucher_rows

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

YEAR_2025 = "2"  # the small demo company's Fortnox financial-year Id for 2025


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    connected = connect_service_account(settings, small_tenant["tenant_id"])
    run_import(settings, connected.id)
    return connected


def _draft(settings: Settings, company: Company, rows: list[AdjustmentRow], day: date = date(2025, 12, 31)) -> str:
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        return create_draft(db, company.id, day, "Testverifikation", rows)


def test_an_exported_draft_exists_in_fortnox_with_its_rows(settings: Settings, company: Company, sandbox, small_tenant) -> None:
    draft = list_vouchers(settings, company.id)[0]
    [result] = export_vouchers(settings, company.id, [draft.id], actor="test")
    assert result.ok, result.message
    rows = voucher_rows(sandbox.url, small_tenant["tenant_id"], result.series, result.number, result.year)
    assert rows == {(r.account, r.debit_ore, r.credit_ore) for r in draft.rows}
    [stored] = [v for v in list_vouchers(settings, company.id) if v.id == draft.id]
    assert (stored.status, stored.fortnox_series, stored.fortnox_number) == (VoucherStatus.EXPORTED, result.series, result.number)


def test_a_voucher_is_never_exported_twice(settings: Settings, company: Company) -> None:
    draft = list_vouchers(settings, company.id)[0]
    export_vouchers(settings, company.id, [draft.id], actor="test")
    [again] = export_vouchers(settings, company.id, [draft.id], actor="test")
    assert not again.ok and "redan exporterad" in again.message


def test_fortnox_refusal_is_kept_beside_the_voucher(settings: Settings, company: Company, sandbox) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("7832", debit_ore=100), AdjustmentRow("1229", credit_ore=100)])
    httpx.put(f"{sandbox.url}/sandbox/faults",
              json=[{"method": "POST", "path": "/3/vouchers", "kind": "status:400", "times": 1}])
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    assert not result.ok and result.message.startswith("Fortnox nekade verifikationen: ")
    [stored] = [v for v in list_vouchers(settings, company.id) if v.id == voucher_id]
    assert stored.status == VoucherStatus.FAILED and stored.error == result.message and stored.editable


def test_a_date_without_financial_year_is_refused_before_sending(settings: Settings, company: Company) -> None:
    voucher_id = _draft(
        settings, company, [AdjustmentRow("7832", debit_ore=100), AdjustmentRow("1229", credit_ore=100)], date(2031, 1, 1)
    )
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    assert not result.ok and "räkenskapsår" in result.message


def test_export_after_dropped_answer_creates_voucher_once(settings: Settings, company: Company, sandbox, small_tenant) -> None:
    httpx.put(
        f"{sandbox.url}/sandbox/faults",
        json=[{"method": "POST", "path": "/3/vouchers", "kind": "drop_after_commit", "times": 1}],
    )
    draft = list_vouchers(settings, company.id)[1]
    before = voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025)
    [result] = export_vouchers(settings, company.id, [draft.id], actor="test")
    assert result.ok, result.message
    assert voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025) == before + 1
    rows = voucher_rows(sandbox.url, small_tenant["tenant_id"], result.series, result.number, result.year)
    assert rows == {(r.account, r.debit_ore, r.credit_ore) for r in draft.rows}


def test_two_sessions_exporting_the_same_voucher_at_once_create_it_once(
    settings: Settings, company: Company, sandbox, small_tenant
) -> None:
    draft = list_vouchers(settings, company.id)[0]
    before = voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025)
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda _: export_vouchers(settings, company.id, [draft.id], actor="test")[0], range(2)))
    assert sorted(outcome.ok for outcome in outcomes) == [False, True]
    assert voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025) == before + 1


def test_an_export_that_crashed_after_reaching_fortnox_is_found_not_sent_again(
    settings: Settings, company: Company, sandbox, small_tenant
) -> None:
    draft = list_vouchers(settings, company.id)[0]
    with store.open_db(settings.database_path) as db:  # a crash mid-export, 10 minutes ago, after Fortnox got it
        db["adjustment_vouchers"].update(
            draft.id, {"status": VoucherStatus.SENDING, "reference": "crashed-1", "attempted_at": "2000-01-01T00:00:00+00:00"}
        )
    payload = voucher_payload(
        "A", draft.date, draft.text, REFERENCE_PREFIX + "crashed-1",
        [VoucherRow(r.account, ore_to_decimal(r.debit_ore), ore_to_decimal(r.credit_ore)) for r in draft.rows],
    )
    with open_client(settings, company.id) as client:
        created = create_voucher(client, YEAR_2025, payload)
    assert [v.id for v in list_vouchers(settings, company.id) if v.exportable][0] == draft.id
    before = voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025)
    [result] = export_vouchers(settings, company.id, [draft.id], actor="test")
    assert (result.ok, result.number) == (True, created.number)
    assert voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025) == before
