"""The client reads unset values in both forms real answers use (recordings/SOURCE.md): `""` or `null` for an unset
text, numbers or numeric strings, so a company answering the older way decodes like one answering the 2023 way."""

from __future__ import annotations

from typing import Any

from services.fortnox import ledgers

INVOICE_2023: dict[str, Any] = {
    "DocumentNumber": "1001", "CustomerNumber": "1", "CustomerName": "Kund AB", "InvoiceDate": "2025-03-01",
    "DueDate": "2025-03-31", "Total": "1250.00", "Balance": "0", "Currency": "SEK", "CurrencyRate": "1",
    "CurrencyUnit": "1", "Booked": True, "Cancelled": False, "FinalPayDate": "", "CostCenter": "",
    "VoucherNumber": "12", "VoucherSeries": "B", "VoucherYear": "2",
}
INVOICE_OLDER: dict[str, Any] = {
    **INVOICE_2023, "Total": 1250, "Balance": 0, "CurrencyRate": 1, "CurrencyUnit": 1, "FinalPayDate": None,
    "CostCenter": None, "VoucherNumber": 12, "VoucherYear": 2,
}


def test_an_invoice_in_the_older_form_decodes_like_one_in_the_2023_form() -> None:
    assert ledgers.customer_invoice(INVOICE_OLDER) == ledgers.customer_invoice(INVOICE_2023)


def test_a_customer_with_null_fields_decodes_like_one_with_empty_ones() -> None:
    empty = {"CustomerNumber": "7", "Name": "Kund AB", "OrganisationNumber": ""}
    assert ledgers.customer({**empty, "OrganisationNumber": None}) == ledgers.customer(empty)
