"""The book records the demo world is generated as and the store reads back: one type per kind of record.

Amounts are integer öre; account numbers, series and tenant ids are strings. Records are frozen so a cached
world or a row read from the store can be shared freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
    """One row; amounts in öre, debit and credit kept apart as Fortnox does."""

    account: str
    debit: int
    credit: int
    transaction_information: str = ""
    cost_center: str = ""
    project: str = ""

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
