"""The book records the demo world is generated as and the store reads back: one type per kind of record.

Amounts are integer öre; account numbers, series and tenant ids are strings. Records are frozen so a cached
world or a row read from the store can be shared freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class CompanyDetails:
    """Who a tenant is, as `GET /3/companyinformation` and the SIE header show it."""

    tenant_id: str
    name: str
    orgnr: str
    address: str
    zip_code: str
    city: str
    phone: str
    contact: str
    email: str


@dataclass(frozen=True)
class CompanyRecord(CompanyDetails):
    """A tenant's details and the last day of its locked period (None when nothing is locked)."""

    locked_until: date | None


@dataclass(frozen=True)
class FinancialYear:
    """A financial year; `id` is Fortnox's financial-year Id (the `financialyear=` value)."""

    id: int
    from_date: date
    to_date: date

    def contains(self, day: date) -> bool:
        return self.from_date <= day <= self.to_date


@dataclass(frozen=True)
class ChartAccount:
    """One account of the chart; `number` is a string (account numbers are identifiers).

    `active` is the per-year switch the store keeps; the chart itself lists every account as active and the
    demo companies switch some off when they are seeded.
    """

    number: str
    name: str
    sru: int
    vat_code: str = ""
    active: bool = True


@dataclass(frozen=True)
class VoucherSeriesInfo:
    """A voucher series; only manual series accept vouchers through the API."""

    code: str
    description: str
    manual: bool


@dataclass(frozen=True)
class VoucherRow:
    """One row; amounts in öre, debit and credit kept apart as Fortnox does.

    A correction in Fortnox strikes a row and adds its replacement, keeping both: a `removed` row (API
    `"Removed": true`, SIE `#BTRANS`) is no longer part of the voucher and counts in no sum; an `added` row (SIE
    `#RTRANS`) is the replacement and counts like any other.
    """

    account: str
    debit: int
    credit: int
    transaction_information: str = ""
    cost_center: str = ""
    project: str = ""
    removed: bool = False
    added: bool = False

    @property
    def amount(self) -> int:
        """Signed amount, debit positive (the SIE convention)."""
        return self.debit - self.credit


@dataclass(frozen=True)
class Voucher:
    """A booked voucher; identity is (year_id, series, number).

    `rows` is empty where only the heads were read (`Store.vouchers`), which is all a voucher list needs.
    """

    year_id: int
    series: str
    number: int
    transaction_date: date
    registration_date: date
    description: str
    reference_type: str
    reference_number: str
    modified_at: str
    comments: str | None = None
    approval_state: int = 0
    rows: tuple[VoucherRow, ...] = ()


@dataclass(frozen=True)
class VoucherRef:
    """Where a document was booked: Fortnox's (series, number, financial-year Id)."""

    series: str
    number: int
    year_id: int


@dataclass(frozen=True)
class Counterparty:
    """A customer or supplier register entry; `number` is Fortnox's CustomerNumber / SupplierNumber (a string).

    `vat_type` uses the register's own vocabulary (customers SEVAT/SEREVERSEDVAT/EUREVERSEDVAT, suppliers
    NORMAL/REVERSE/EUINTERNAL); `account` is the sales account (customer) or predefined cost account (supplier).
    """

    number: str
    name: str
    orgnr: str
    address: str
    zip_code: str
    city: str
    country_code: str
    currency: str
    email: str
    phone: str
    terms_of_payment: int
    vat_type: str
    account: str
    private: bool
    modified_at: str
    active: bool = True


@dataclass(frozen=True)
class Invoice:
    """What customer and supplier invoices share; amounts in öre of `currency`, `currency_rate` SEK per unit.

    `balance` is what is still unpaid after every recorded payment; `voucher` is None while unbooked.
    """

    number: str
    party_number: str
    party_name: str
    invoice_date: date
    due_date: date
    currency: str
    currency_rate: Decimal
    total: int
    vat: int
    balance: int
    booked: bool
    cancelled: bool
    final_pay_date: date | None
    voucher: VoucherRef | None
    account: str
    cost_center: str
    project: str
    ocr: str
    modified_at: str

    def sek(self, amount: int) -> int:
        """An amount of this invoice in SEK öre at the invoice's rate (half up, as a voucher books it)."""
        return to_sek(amount, self.currency_rate)


@dataclass(frozen=True)
class CustomerInvoice(Invoice):
    """A customer invoice (`/3/invoices`): `number` is DocumentNumber, the party the customer."""

    net: int = 0
    round_off: int = 0
    terms_of_payment: int = 30


@dataclass(frozen=True)
class SupplierInvoice(Invoice):
    """A supplier invoice (`/3/supplierinvoices`): `number` is GivenNumber, `supplier_reference` the supplier's
    own invoice number."""

    supplier_reference: str = ""
    vat_type: str = "NORMAL"
    payment_pending: bool = False


@dataclass(frozen=True)
class Payment:
    """One payment of a customer or supplier invoice: `amount` in SEK öre, `amount_currency` in the invoice's."""

    number: str
    invoice_number: str
    payment_date: date
    amount: int
    amount_currency: int
    currency: str
    currency_rate: Decimal
    booked: bool
    voucher: VoucherRef | None
    modified_at: str


@dataclass(frozen=True)
class CostCenter:
    """A cost centre (SIE dimension 1)."""

    code: str
    description: str
    active: bool = True
    note: str = ""


@dataclass(frozen=True)
class Project:
    """A project (SIE dimension 6); `status` is NOTSTARTED, ONGOING or COMPLETED."""

    number: str
    description: str
    status: str
    start_date: date
    end_date: date | None
    leader: str


@dataclass(frozen=True)
class Finding:
    """A year-end problem planted in the demo books on purpose, with the amount a reconciliation should find.

    `amount` is öre in the general ledger's sign; `account` is None where no account is involved.
    """

    tenant_id: str
    kind: str
    account: str | None
    amount: int
    day: date
    voucher: VoucherRef | None
    invoice: str | None
    text: str


def to_sek(amount: int, rate: Decimal) -> int:
    """Öre of a foreign currency converted to SEK öre at `rate`, rounded half up."""
    return int((Decimal(amount) * rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
