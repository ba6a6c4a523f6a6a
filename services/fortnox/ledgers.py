"""Customer and supplier ledgers as Fortnox lists them: registers, invoices and payments.

List items carry everything the reconciliation needs (totals, balances, dates, booking and voucher), so the import
never fetches invoices one by one. Amounts are in the document's currency (öre or cent), with Fortnox's own rate
(`services.currency` converts, as the booking did).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.fortnox import values


@dataclass(frozen=True)
class VoucherLink:
    series: str
    number: str
    year: str


@dataclass(frozen=True)
class Party:
    """A customer or a supplier."""

    number: str
    name: str
    orgnr: str


@dataclass(frozen=True)
class LedgerInvoice:
    """A customer invoice (`number` = DocumentNumber) or a supplier invoice (`number` = GivenNumber)."""

    number: str
    party_number: str
    party_name: str
    invoice_date: date
    due_date: date | None
    total: int  # in the invoice's currency, hundredths
    balance: int
    currency: str
    currency_rate: Decimal
    currency_unit: Decimal
    booked: bool
    cancelled: bool
    final_pay_date: date | None
    vouchers: tuple[VoucherLink, ...]
    external_number: str = ""  # the supplier's own invoice number


@dataclass(frozen=True)
class LedgerPayment:
    """A payment of a customer invoice (`invoice` = DocumentNumber) or a supplier invoice (GivenNumber)."""

    number: str
    invoice: str
    amount_ore: int  # in SEK, as booked
    currency: str
    payment_date: date
    booked: bool
    voucher: VoucherLink | None


def _voucher(item: dict[str, Any]) -> VoucherLink | None:
    number = values.text(item.get("VoucherNumber"))
    if not number:
        return None
    return VoucherLink(values.text(item.get("VoucherSeries")), number, values.text(item.get("VoucherYear")))


def customer(item: dict[str, Any]) -> Party:
    return Party(values.text(item.get("CustomerNumber")), values.text(item.get("Name")),
                 values.text(item.get("OrganisationNumber")))


def supplier(item: dict[str, Any]) -> Party:
    return Party(values.text(item.get("SupplierNumber")), values.text(item.get("Name")),
                 values.text(item.get("OrganisationNumber")))


def _invoice(item: dict[str, Any], number_key: str, party: str, *, cancelled: bool,
             vouchers: tuple[VoucherLink, ...], external_number: str = "") -> LedgerInvoice:
    """The fields customer and supplier invoices share; `party` is "Customer" or "Supplier"."""
    return LedgerInvoice(
        number=values.text(item.get(number_key)),
        party_number=values.text(item.get(f"{party}Number")),
        party_name=values.text(item.get(f"{party}Name")),
        invoice_date=values.day(item.get("InvoiceDate")),
        due_date=values.optional_day(item.get("DueDate")),
        total=values.ore(item.get("Total")),
        balance=values.ore(item.get("Balance")),
        currency=values.text(item.get("Currency")) or "SEK",
        currency_rate=values.decimal(item.get("CurrencyRate"), "1"),
        currency_unit=values.decimal(item.get("CurrencyUnit"), "1"),
        booked=values.flag(item.get("Booked")),
        cancelled=cancelled,
        final_pay_date=values.optional_day(item.get("FinalPayDate")),
        vouchers=vouchers,
        external_number=external_number,
    )


def customer_invoice(item: dict[str, Any]) -> LedgerInvoice:
    return _invoice(item, "DocumentNumber", "Customer", cancelled=values.flag(item.get("Cancelled")),
                    vouchers=tuple(v for v in (_voucher(item),) if v))


def supplier_invoice(item: dict[str, Any]) -> LedgerInvoice:
    """The list item says `Cancel` where the single answer says `Cancelled` (NOTES.md §5.8); both are read."""
    links = tuple(
        VoucherLink(values.text(v.get("Series")), values.text(v.get("Number")), values.text(v.get("Year")))
        for v in item.get("Vouchers") or []
        if values.text(v.get("Number"))
    )
    return _invoice(item, "GivenNumber", "Supplier", cancelled=values.flag(item.get("Cancelled", item.get("Cancel"))),
                    vouchers=links, external_number=values.text(item.get("InvoiceNumber")))


def payment(item: dict[str, Any]) -> LedgerPayment:
    """Invoice payments and supplier invoice payments share their fields."""
    return LedgerPayment(
        number=values.text(item.get("Number")),
        invoice=values.text(item.get("InvoiceNumber")),
        amount_ore=values.ore(item.get("Amount")),
        currency=values.text(item.get("Currency")) or "SEK",
        payment_date=values.day(item.get("PaymentDate")),
        booked=values.flag(item.get("Booked")),
        voucher=_voucher(item),
    )


def predefined_accounts(items: list[dict[str, Any]]) -> dict[str, str]:
    """Fortnox's named accounts (CUSTCLAIM, SUPDEBT, …): which accounts the ledgers post to, per company."""
    return {values.text(item.get("Name")): values.text(item.get("Account")) for item in items
            if values.text(item.get("Name")) and values.text(item.get("Account"))}
