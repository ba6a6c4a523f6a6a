"""The documents behind the demo vouchers: customer and supplier registers, invoices and their payments.

The generator books a voucher and, at the same moment, records the document it came from here, pointing at the
voucher's draft; `finish` resolves drafts to Fortnox voucher numbers once the series are numbered, and derives
what Fortnox derives (Balance, FinalPayDate, LastModified). Register details (addresses, organisation numbers)
come from their own random stream, so adding documents never changes the books.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from sandbox.orgnr import orgnr_from
from sandbox.profiles import CustomerProfile, SupplierProfile
from sandbox.records import Counterparty, CustomerInvoice, Invoice, Payment, SupplierInvoice, VoucherRef

InvoiceT = TypeVar("InvoiceT", bound=Invoice)

_STREETS = ("Storgatan", "Kyrkogatan", "Industrivägen", "Hamngatan", "Järnvägsgatan", "Skolgatan", "Verkstadsgatan",
            "Norra vägen", "Södra Långgatan", "Bruksvägen")
_TOWNS = (("111 22", "Stockholm"), ("831 30", "Östersund"), ("722 15", "Västerås"), ("753 20", "Uppsala"),
          ("702 10", "Örebro"), ("852 30", "Sundsvall"), ("837 52", "Järpen"), ("632 20", "Eskilstuna"))
_FOREIGN = {"Oy": ("FI", "90100", "Oulu"), "GmbH": ("DE", "20095", "Hamburg"), "OÜ": ("EE", "10111", "Tallinn"),
            "B.V.": ("NL", "3011", "Rotterdam")}

# EUR mid rates move around 11.45 SEK; a pure function of the day, so every booking of one day agrees.
_EUR_BASE = Decimal("11.4500")


def exchange_rate(currency: str, day: date) -> Decimal:
    """SEK per unit of `currency` on `day` (1 for SEK)."""
    if currency == "SEK":
        return Decimal(1)
    wobble = (day.toordinal() * 37) % 61 - 30
    return _EUR_BASE + Decimal(wobble) / 200


def _slug(name: str) -> str:
    kept = "".join(c for c in name.lower() if c.isalnum())
    return kept.translate(str.maketrans("åäöüé", "aaoue"))[:24]


def _party(rng: random.Random, number: str, name: str, currency: str, private: bool, vat_type: str, account: str,
           terms: int, registered: date) -> Counterparty:
    suffix = next((s for s in _FOREIGN if name.endswith(s)), None)
    if suffix:
        country, zip_code, city = _FOREIGN[suffix]
    else:
        country, (zip_code, city) = "SE", rng.choice(_TOWNS)
    orgnr = "" if private or suffix else orgnr_from(f"55{rng.randint(0, 9_999_999):07d}")
    return Counterparty(
        number=number, name=name, orgnr=orgnr, address=f"{rng.choice(_STREETS)} {rng.randint(1, 60)}",
        zip_code=zip_code, city=city, country_code=country, currency=currency,
        email=f"faktura@{_slug(name)}.example" if not private else "",
        phone=f"0{rng.randint(8, 90)}-{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        terms_of_payment=terms, vat_type=vat_type, account=account, private=private,
        modified_at=f"{registered.isoformat()} 09:00:00",
    )


def customer_register(rng: random.Random, customers: Iterable[CustomerProfile], registered: date
                      ) -> dict[str, Counterparty]:
    """Customers numbered 1, 2, … in profile order, keyed by name."""
    register: dict[str, Counterparty] = {}
    for index, c in enumerate(customers, start=1):
        vat_type = "EUREVERSEDVAT" if c.currency != "SEK" else "SEREVERSEDVAT" if c.reverse_charge else "SEVAT"
        account = "3308" if c.currency != "SEK" else "3231" if c.reverse_charge else "3001"
        register[c.name] = _party(rng, str(index), c.name, c.currency, c.private, vat_type, account, c.pay_days,
                                  registered)
    return register


def supplier_register(rng: random.Random, suppliers: Iterable[SupplierProfile], registered: date
                      ) -> dict[str, Counterparty]:
    """Suppliers numbered 1, 2, … in profile order, keyed by name (a name listed twice is one supplier)."""
    register: dict[str, Counterparty] = {}
    for s in suppliers:
        if s.name in register:
            continue
        vat_type = "EUINTERNAL" if s.currency != "SEK" else "REVERSE" if s.reverse_charge else "NORMAL"
        register[s.name] = _party(rng, str(len(register) + 1), s.name, s.currency, False, vat_type, s.account, 30,
                                  registered)
    return register


@dataclass(frozen=True)
class Documents:
    """A company's ledger documents, voucher references resolved."""

    customers: tuple[Counterparty, ...]
    suppliers: tuple[Counterparty, ...]
    invoices: tuple[CustomerInvoice, ...]
    invoice_payments: tuple[Payment, ...]
    supplier_invoices: tuple[SupplierInvoice, ...]
    supplier_payments: tuple[Payment, ...]


@dataclass
class _Pending:
    """A payment waiting for its voucher number; `draft` is the generator's voucher draft, None when unbooked."""

    invoice_number: str
    day: date
    amount: int
    amount_currency: int
    currency: str
    rate: Decimal
    draft: int | None


Booked = Mapping[int, tuple[VoucherRef, date]]


class DocumentBook:
    """Collects documents while the generator books their vouchers."""

    def __init__(self, customers: dict[str, Counterparty], suppliers: dict[str, Counterparty]) -> None:
        self.customers = customers
        self.suppliers = suppliers
        self._invoices: list[tuple[CustomerInvoice, int | None]] = []
        self._supplier_invoices: list[tuple[SupplierInvoice, int | None]] = []
        self._payments: list[_Pending] = []
        self._supplier_payments: list[_Pending] = []

    def add_invoice(self, invoice: CustomerInvoice, draft: int | None) -> None:
        self._invoices.append((invoice, draft))

    def add_supplier_invoice(self, invoice: SupplierInvoice, draft: int | None) -> None:
        self._supplier_invoices.append((invoice, draft))

    def pay_invoice(self, invoice: Invoice, day: date, amount: int, draft: int | None) -> None:
        """Record a payment of the whole invoice: `amount` SEK öre received (booked when `draft` is set)."""
        self._payments.append(_Pending(invoice.number, day, amount, invoice.total, invoice.currency,
                                       exchange_rate(invoice.currency, day), draft))

    def pay_supplier_invoice(self, invoice: Invoice, day: date, amount: int, draft: int | None) -> None:
        self._supplier_payments.append(_Pending(invoice.number, day, amount, invoice.total, invoice.currency,
                                                exchange_rate(invoice.currency, day), draft))

    def finish(self, booked: Booked) -> Documents:
        """Resolve voucher numbers and derive balances, final pay dates, payment numbers and LastModified."""
        payments = _numbered_payments(self._payments, booked)
        supplier_payments = _numbered_payments(self._supplier_payments, booked)
        return Documents(
            customers=tuple(self.customers.values()),
            suppliers=tuple(self.suppliers.values()),
            invoices=_settled(self._invoices, payments, booked),
            invoice_payments=payments,
            supplier_invoices=_settled(self._supplier_invoices, supplier_payments, booked),
            supplier_payments=supplier_payments,
        )


def _noon(day: date) -> str:
    return f"{day.isoformat()} 12:00:00"


def _numbered_payments(pending: list[_Pending], booked: Booked) -> tuple[Payment, ...]:
    """Payments numbered 1, 2, … in payment-date order; modified on their voucher's registration day."""
    ordered = sorted(enumerate(pending), key=lambda item: (item[1].day, item[0]))
    out = []
    for number, (_, p) in enumerate(ordered, start=1):
        ref, registered = booked.get(p.draft, (None, p.day)) if p.draft is not None else (None, p.day)
        out.append(Payment(str(number), p.invoice_number, p.day, p.amount, p.amount_currency, p.currency, p.rate,
                           ref is not None, ref, _noon(registered)))
    return tuple(out)


def _settled(invoices: list[tuple[InvoiceT, int | None]], payments: tuple[Payment, ...], booked: Booked
             ) -> tuple[InvoiceT, ...]:
    by_invoice: dict[str, list[Payment]] = defaultdict(list)
    for payment in payments:
        by_invoice[payment.invoice_number].append(payment)
    out = []
    for invoice, draft in invoices:
        ref, registered = booked[draft] if draft is not None else (None, invoice.invoice_date)
        paid = by_invoice.get(invoice.number, [])
        balance = invoice.total - sum(p.amount_currency for p in paid)
        last_change = max([registered] + [date.fromisoformat(p.modified_at[:10]) for p in paid])
        out.append(replace(
            invoice, voucher=ref, booked=ref is not None or invoice.booked, balance=balance,
            final_pay_date=max(p.payment_date for p in paid) if paid and balance == 0 else None,
            modified_at=_noon(last_change),
        ))
    return tuple(out)


def due_date(day: date, terms: int) -> date:
    return day + timedelta(days=terms)
