"""What is refused before anything is sent (nothing reaches Fortnox, the message names the voucher), and what goes
along with a voucher: its PDF, its cost centre, the chosen series, a reversal."""

from __future__ import annotations

from datetime import date

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.config import Settings
from services.imports.pipeline import run_import
from services.vouchers import drafts as vouchers
from services.vouchers.drafts import create_draft, get_voucher
from services.vouchers.export import check_series, export_vouchers
from services.vouchers.model import AdjustmentRow, VoucherError, VoucherStatus
from tests.fortnox_peek import fortnox_get, voucher_count

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

YEAR_2025 = "2"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    connected = connect_service_account(settings, small_tenant["tenant_id"])
    run_import(settings, connected.id)
    return connected


def _draft(settings: Settings, company: Company, rows: list[AdjustmentRow], day: date = date(2025, 12, 31),
           text: str = "Bokslutspost") -> str:
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        return create_draft(db, company.id, day, text, rows)


def _refused_before_sending(settings: Settings, company: Company, sandbox, tenant: dict, voucher_id: str,
                            series: str | None = None) -> str:
    posts_before = voucher_count(sandbox.url, tenant["tenant_id"], YEAR_2025)
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test", series=series)
    assert result.status == "failed" and not result.unknown
    assert voucher_count(sandbox.url, tenant["tenant_id"], YEAR_2025) == posts_before
    stored = get_voucher(settings, company.id, voucher_id)
    assert stored.status == VoucherStatus.FAILED and stored.editable and stored.error == result.message
    return result.message


def test_a_date_in_the_locked_period_is_refused_before_sending(settings, company, sandbox, small_tenant) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)],
                        date(2024, 6, 30))
    message = _refused_before_sending(settings, company, sandbox, small_tenant, voucher_id)
    assert "«Bokslutspost» (2024-06-30)" in message and "låst" in message


def test_an_inactive_account_is_refused_before_sending_naming_the_row(settings, company, sandbox, small_tenant) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("1930", debit_ore=100), AdjustmentRow("1910", credit_ore=100)])
    message = _refused_before_sending(settings, company, sandbox, small_tenant, voucher_id)
    assert "rad 2: konto 1910" in message and "inaktivt" in message


def test_an_unknown_series_is_refused_before_sending(settings, company, sandbox, small_tenant) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    message = _refused_before_sending(settings, company, sandbox, small_tenant, voucher_id, series="Z")
    assert "Verifikationsserien Z finns inte" in message


def test_an_unbalanced_voucher_is_refused_before_sending(settings, company, sandbox, small_tenant) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=99)])
    message = _refused_before_sending(settings, company, sandbox, small_tenant, voucher_id)
    assert "inte i balans: 0,01 kr mer i debet" in message


def test_a_series_that_takes_no_manual_vouchers_is_not_accepted(settings, company) -> None:
    [problem] = check_series(settings, company.id, "B")
    assert "tar inte emot manuella verifikationer" in problem


def test_the_chosen_series_is_used_for_the_export(settings, company) -> None:
    vouchers.set_series(settings, company.id, "a", "test")
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    assert (result.status, result.series) == ("exported", "A")


def test_an_attached_pdf_is_uploaded_to_the_inbox_and_connected_to_the_voucher(settings, company, sandbox,
                                                                                small_tenant) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    vouchers.attach_pdf(settings, company.id, voucher_id, "underlag.pdf", PDF, actor="test")
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    assert result.ok, result.message
    connections = fortnox_get(sandbox.url, small_tenant["tenant_id"], "/3/voucherfileconnections",
                              {"voucherseries": result.series, "vouchernumber": result.number})
    [connection] = connections["VoucherFileConnections"]
    assert str(connection["VoucherYear"]) == result.year
    assert get_voucher(settings, company.id, voucher_id).attachment_connected


def test_a_file_that_is_not_a_pdf_is_not_attached(settings, company) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    with pytest.raises(VoucherError, match="inte en PDF"):
        vouchers.attach_pdf(settings, company.id, voucher_id, "bild.png", b"\x89PNG\r\n", actor="test")


def test_an_exported_voucher_cannot_be_edited_but_can_be_reversed(settings, company) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    export_vouchers(settings, company.id, [voucher_id], actor="test")
    with pytest.raises(VoucherError, match="kan inte ändras"):
        vouchers.update_draft(settings, company.id, voucher_id, date(2025, 12, 31), "Ny text", [], actor="test")
    reversal = get_voucher(settings, company.id, vouchers.create_reversal(settings, company.id, voucher_id, actor="test"))
    assert [(r.account, r.debit_ore, r.credit_ore) for r in reversal.rows] == [("5010", 0, 100), ("2990", 100, 0)]
    assert reversal.status == VoucherStatus.DRAFT and reversal.reverses == voucher_id


def test_an_exported_voucher_is_skipped_when_exported_again(settings, company) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    [first] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    [again] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    assert again.status == "skipped" and (again.series, again.number) == (first.series, first.number)
    assert get_voucher(settings, company.id, voucher_id).status == VoucherStatus.EXPORTED


def test_every_export_is_in_the_audit_log_with_fortnox_reference(settings, company) -> None:
    voucher_id = _draft(settings, company, [AdjustmentRow("5010", debit_ore=100), AdjustmentRow("2990", credit_ore=100)])
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="anna@byra.se")
    [entry] = [e for e in vouchers.audit_entries(settings, company.id) if e["voucher_id"] == voucher_id]
    assert (entry["actor"], entry["action"]) == ("anna@byra.se", "export")
    assert entry["fortnox_ref"].startswith(f"{result.series} {result.number}")
