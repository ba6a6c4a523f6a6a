"""Every amount that enters the store is within what it holds (MAX_ORE): a larger one — 1e20 kr in the voucher
editor, a 19-digit SIE amount, a huge number in a Fortnox answer — is refused in Swedish, naming its line, row or
invoice, and is never silently turned into something else."""

from __future__ import annotations

from datetime import date

import pytest

from services import store
from services.config import load_settings
from services.imports import ledgers
from services.imports.model import ImportFailed
from services.imports.sie_file import review_sie_file
from services.money import MAX_ORE
from services.vouchers.checks import draft_problems
from services.vouchers.drafts import add_drafts
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherError, VoucherStatus
from services.vouchers.sie4i import drafts_from_sie
from tests.unit.sie_text import BANK_AND_SALES, IDENTIFICATION, YEAR_2024, sie_bytes
from ui.voucher_editor import rows_frame, rows_from_frame

NINETEEN_DIGITS = "1234567890123456789.00"


def _sie_with_amount(amount: str) -> bytes:
    return sie_bytes(*IDENTIFICATION, '#ORGNR 556677-8899', YEAR_2024, *BANK_AND_SALES,
                     '#VER A 1 20240105 "Stor"', "{", f"#TRANS 1930 {{}} {amount}", f"#TRANS 3010 {{}} -{amount}", "}")


def _edited(kronor: float) -> AdjustmentVoucher:
    frame = rows_frame([])
    frame.loc[0, ["account", "debit"]] = ["1930", kronor]
    frame.loc[1, ["account", "credit"]] = ["3010", kronor]
    return AdjustmentVoucher("", "c", date(2025, 12, 31), "Stor", VoucherStatus.DRAFT, tuple(rows_from_frame(frame)))


def test_1e20_kronor_in_the_editor_is_named_as_too_large_on_its_row() -> None:
    problems = draft_problems(_edited(1e20))
    assert any("rad 1: beloppet är för stort" in problem for problem in problems)


def test_an_amount_beyond_decimal_precision_in_the_editor_is_not_turned_into_zero() -> None:
    voucher = _edited(1e300)
    assert voucher.rows[0].debit_ore > MAX_ORE
    assert any("för stort" in problem for problem in draft_problems(voucher))


def test_the_largest_storable_amount_passes_the_editor_checks() -> None:
    assert not any("för stort" in problem for problem in draft_problems(_edited(MAX_ORE / 100 // 1)))


def test_a_19_digit_amount_in_a_sie_file_is_an_error_naming_its_line_before_import() -> None:
    review = review_sie_file(_sie_with_amount(NINETEEN_DIGITS))
    assert not review.importable
    assert "Rad 13: beloppet är för stort" in [error.message for error in review.errors][0]


def test_a_19_digit_amount_in_sie_4i_vouchers_is_refused_naming_its_line() -> None:
    with pytest.raises(VoucherError, match="Rad 13: beloppet är för stort"):
        drafts_from_sie(_sie_with_amount(NINETEEN_DIGITS))


@pytest.mark.parametrize("total", ["1e20", "9" * 30, "1e400"])
def test_a_huge_amount_in_a_fortnox_answer_fails_the_ledger_import_naming_the_invoice(total: str) -> None:
    invoice = {"GivenNumber": "17", "SupplierNumber": "3", "SupplierName": "L", "InvoiceDate": "2025-03-01",
               "DueDate": "2025-03-31", "Total": total, "Balance": "0", "Currency": "SEK", "Booked": True}
    resource = next(r for r in ledgers.RESOURCES if r.name == "supplier_invoices")
    with pytest.raises(ImportFailed, match="Leverantörsfakturan 17 från Fortnox: beloppet är för stort"):
        ledgers.read_item(resource, invoice)


def test_saving_a_voucher_with_an_amount_beyond_the_store_is_refused_and_stores_nothing(tmp_path) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path)}, secrets_file=tmp_path / "none.toml")
    store.migrate(settings.database_path)
    rows = [AdjustmentRow("1930", debit_ore=10**22), AdjustmentRow("3010", credit_ore=10**22)]
    with pytest.raises(VoucherError, match=r"«Stor» \(2025-12-31\), rad 1: beloppet är för stort"):
        add_drafts(settings, "c", [(date(2025, 12, 31), "Stor", rows)], actor="test")
    with store.open_db(settings.database_path) as db:
        assert db["adjustment_vouchers"].count == 0
