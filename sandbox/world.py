"""The deterministic demo world: companies, charts, opening balances, vouchers, ledger documents and users.

Same seed, same world, byte for byte: every random choice comes from `random.Random` seeded with a string
(hashed with SHA-512, so independent of PYTHONHASHSEED), and nothing here reads the clock. The books are
consistent on purpose — opening balances sum to zero, every voucher balances, the first financial year is
closed (result booked 8999 -> 2099) and the next year starts by moving 2099 -> 2091, open customer and
supplier invoices add up to 1510 and 2440 — so the app's reconciliation has something true to check against.
The mid-size and large companies then get the year-end problems of `sandbox.findings` planted on purpose, and a
few vouchers with a row struck by a correction (`sandbox.corrections`), which change no figure.

The small and mid-size companies are generated when a store is first created; the large one only on first
use (`generate_company`), because it takes seconds.
"""

from __future__ import annotations

import calendar
import functools
import random
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sandbox.chart import BAS_CHART, INACTIVE_ACCOUNTS
from sandbox.corrections import correct
from sandbox.findings import plant_findings
from sandbox.ledger_documents import (
    DocumentBook,
    Documents,
    customer_register,
    due_date,
    exchange_rate,
    supplier_register,
)
from sandbox.orgnr import is_valid_orgnr, luhn_check_digit
from sandbox.profiles import (
    EAGER_PROFILES,
    LARGE_TENANT_ID,
    LAZY_PROFILES,
    MIDSIZE_TENANT_ID,
    SMALL_TENANT_ID,
    CustomerProfile,
    Profile,
    SupplierProfile,
)
from sandbox.records import (
    ChartAccount,
    CompanyDetails,
    CompanyRecord,
    CostCenter,
    CustomerInvoice,
    FinancialYear,
    Finding,
    Project,
    SupplierInvoice,
    Voucher,
    VoucherRef,
    VoucherRow,
    VoucherSeriesInfo,
    to_sek,
)

__all__ = [
    "LARGE_TENANT_ID", "MIDSIZE_TENANT_ID", "SMALL_TENANT_ID", "USERS", "Company", "User", "World",
    "generate_company", "generate_world", "is_valid_orgnr", "luhn_check_digit",
]

MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)

VAT_ACCOUNTS = ("2610", "2617", "2640", "2647", "2614", "2645")


@dataclass(frozen=True)
class Company(CompanyRecord):
    """One demo tenant with everything needed to seed its books and ledgers.

    `opening_edits` are (year Id, account, öre) changes someone made by hand to a later year's brought-forward
    balance, so that year's IB differs from the previous year's UB by that much.
    """

    financial_years: tuple[FinancialYear, ...]
    voucher_series: tuple[VoucherSeriesInfo, ...]
    chart: tuple[ChartAccount, ...]
    inactive_accounts: frozenset[str]
    opening_balances: tuple[tuple[str, int], ...]
    vouchers: tuple[Voucher, ...]
    documents: Documents
    cost_centers: tuple[CostCenter, ...] = ()
    projects: tuple[Project, ...] = ()
    opening_edits: tuple[tuple[int, str, int], ...] = ()
    findings: tuple[Finding, ...] = ()


@dataclass(frozen=True)
class User:
    """A person who can log in on the sandbox's login page."""

    email: str
    password: str
    name: str
    tenant_ids: tuple[str, ...]


@dataclass(frozen=True)
class World:
    """Everything the sandbox seeds its database with on first start.

    `deferred` are the companies listed from the start whose books are generated on first use.
    """

    seed: int
    companies: tuple[Company, ...]
    users: tuple[User, ...]
    deferred: tuple[CompanyRecord, ...] = ()


USERS: tuple[User, ...] = (
    User("demo@example.com", "demo", "Demo Användare", (SMALL_TENANT_ID, MIDSIZE_TENANT_ID, LARGE_TENANT_ID)),
    User("anna@example.com", "demo", "Anna Andersson", (SMALL_TENANT_ID,)),
)

STANDARD_SERIES: tuple[VoucherSeriesInfo, ...] = (
    VoucherSeriesInfo("A", "Redovisning", True),
    VoucherSeriesInfo("B", "Kundfakturor", False),
    VoucherSeriesInfo("C", "Kundinbetalningar", False),
    VoucherSeriesInfo("D", "Leverantörsfakturor", False),
    VoucherSeriesInfo("E", "Leverantörsutbetalningar", False),
)


# --------------------------------------------------------------------------------------------------
# The ledger being generated.


# A voucher row while generating: (account, öre debit-positive, transaction text, cost centre, project).
_Row = tuple[str, int, str, str, str]


@dataclass
class _Draft:
    seq: int
    series: str
    day: date
    reg_day: date
    text: str
    rows: list[_Row]
    reference_type: str
    reference_number: str


@dataclass
class _Ledger:
    rng: random.Random
    first_day: date
    last_day: date
    cost_centers: dict[str, str] = field(default_factory=dict)
    drafts: list[_Draft] = field(default_factory=list)

    def post(
        self,
        series: str,
        day: date,
        text: str,
        rows: list[tuple[str, int]] | list[tuple[str, int, str]],
        reference_type: str = "MANUAL",
        reference_number: str = "",
        reg_day: date | None = None,
        project: str = "",
    ) -> _Draft | None:
        """Book a voucher if its date is inside the generated years; returns its draft, None when outside.

        Result-account rows get the company's cost centre for their account and `project`, if any.
        """
        if not (self.first_day <= day <= self.last_day):
            return None
        full_rows: list[_Row] = []
        for r in rows:
            account, amount = r[0], r[1]
            if amount == 0:
                continue
            result = account >= "3000"
            full_rows.append((account, amount, r[2] if len(r) > 2 else "",
                              self.cost_centers.get(account, "") if result else "", project if result else ""))
        if sum(r[1] for r in full_rows) != 0:
            raise AssertionError(f"unbalanced demo voucher {text!r}: {full_rows}")
        if reg_day is None:
            reg_day = day + timedelta(days=self.rng.randint(0, 4))
        draft = _Draft(len(self.drafts), series, day, reg_day, text, full_rows, reference_type, reference_number)
        self.drafts.append(draft)
        return draft

    def sums(self, accounts: tuple[str, ...] | None, start: date, end: date) -> dict[str, int]:
        """Σ amount per account over vouchers dated in [start, end] (all accounts when `accounts` is None)."""
        totals: dict[str, int] = {}
        for draft in self.drafts:
            if start <= draft.day <= end:
                for account, amount, *_ in draft.rows:
                    if accounts is None or account in accounts:
                        totals[account] = totals.get(account, 0) + amount
        return totals


def _percent_of(ore: int, percent: int | Decimal) -> int:
    """`percent` % of an amount in öre, rounded half up to whole öre."""
    return int((Decimal(ore) * Decimal(percent) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _round_to_krona(ore: int) -> int:
    return int((Decimal(ore) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 100


def _business_day(day: date) -> date:
    """Saturday and Sunday roll forward to Monday, as bank payments do."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _months(first: date, last: date) -> list[tuple[int, int]]:
    out = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        out.append((cursor.year, cursor.month))
        cursor = _add_months(cursor, 1)
    return out


def _random_ore(rng: random.Random, low_kr: int, high_kr: int) -> int:
    """A plausible invoice amount: whole kronor most of the time, sometimes with öre."""
    kronor = rng.randint(low_kr, high_kr)
    return kronor * 100 + rng.choice((0, 0, 0, 0, 0, 50, 20, 75))


# --------------------------------------------------------------------------------------------------
# Business events.


class Generator:
    """Invents one company's two financial years: its vouchers and, alongside, the documents behind them."""

    def __init__(self, profile: Profile, seed: int) -> None:
        self.p = profile
        self.rng = random.Random(f"fortnox-sandbox:{seed}:{profile.tenant_id}")
        self.doc_rng = random.Random(f"fortnox-sandbox:{seed}:{profile.tenant_id}:documents")
        self.corrections_rng = random.Random(f"fortnox-sandbox:{seed}:{profile.tenant_id}:corrections")
        start = profile.first_year_start
        self.years = (
            FinancialYear(profile.first_year_id, start, _add_months(start, 12) - timedelta(days=1)),
            FinancialYear(profile.first_year_id + 1, _add_months(start, 12),
                          _add_months(start, 24) - timedelta(days=1)),
        )
        self.ledger = _Ledger(self.rng, self.years[0].from_date, self.years[-1].to_date,
                              dict(profile.cost_center_by_account))
        self.opening: dict[str, int] = {}
        self.opening_edits: list[tuple[int, str, int]] = []
        self.locked_until: date | None = self.years[0].to_date
        self.invoice_number = profile.first_invoice_number
        self.supplier_number = profile.first_supplier_number
        registered = start - timedelta(days=90)
        self.docs = DocumentBook(customer_register(self.doc_rng, profile.customers, registered),
                                 supplier_register(self.doc_rng, profile.suppliers, registered))

    # -- opening position ---------------------------------------------------------------------
    def opening_position(self) -> None:
        p, rng, start = self.p, self.rng, self.years[0].from_date
        for account, kronor in p.fixed_opening:
            self._open(account, kronor * 100)
        if p.loan:
            self._open(p.loan[0], -p.loan[1] * 100)
        # Customer invoices from the last month before the first year, paid early in the year.
        domestic = [c for c in p.customers if c.currency == "SEK"]
        for _ in range(3):
            customer = rng.choice(domestic)
            invoice_day = start - timedelta(days=rng.randint(5, 28))
            net, vat, total = self.sale_amounts(customer, _random_ore(rng, *p.sales_net))
            invoice = self.customer_invoice(customer, invoice_day, net, vat, total)
            self.docs.add_invoice(replace(invoice, booked=True), None)
            self._open("1510", total)
            pay = _business_day(invoice_day + timedelta(days=customer.pay_days + rng.randint(-3, 6)))
            pay = max(pay, _business_day(start))
            self.pay_invoice(invoice, customer, pay, [("1930", total), ("1510", -total)], total)
        # Supplier invoices not yet paid.
        for supplier in [s for s in p.suppliers if s.schedule == "random" and s.currency == "SEK"][:2]:
            net = _random_ore(rng, supplier.low, supplier.high)
            vat = _percent_of(net, supplier.vat_percent) if not supplier.reverse_charge else 0
            gross = net + vat
            bill = self.supplier_invoice(supplier, start - timedelta(days=self.doc_rng.randint(5, 25)), gross, vat)
            self.docs.add_supplier_invoice(replace(bill, booked=True), None)
            self._open("2440", -gross)
            pay = _business_day(start + timedelta(days=rng.randint(3, 20)))
            self.pay_supplier_invoice(bill, supplier, pay, [("1930", -gross), ("2440", gross)], gross)
        # Last month's payroll taxes, paid on the 12th.
        tax, fees = self._payroll_amounts()
        self._open("2710", -tax)
        self._open("2731", -fees)
        prev_month = _add_months(start, -1)
        self.ledger.post("A", _business_day(start.replace(day=12)),
                         f"Skatter och avgifter {MONTHS_SV[prev_month.month - 1]} {prev_month.year}",
                         [("2710", tax), ("2731", fees), ("1930", -(tax + fees))])
        # The previous VAT period's liability, paid in the second month.
        vat = p.opening_vat_liability * 100
        self._open("2650", -vat)
        self.ledger.post("A", _business_day(_add_months(start, 1).replace(day=12)),
                         "Betalning moms föregående period", [("2650", vat), ("1930", -vat)])
        # Accrued audit fee from the year before, reversed in the first month.
        accrual = p.opening_accrual * 100
        self._open("2990", -accrual)
        previous = f"{_add_months(start, -12):%Y-%m-%d} - {start - timedelta(days=1):%Y-%m-%d}"
        self.ledger.post("A", _business_day(start + timedelta(days=9)),
                         f"Återföring upplupen revisionskostnad {previous}", [("2990", accrual), ("6420", -accrual)])
        # Retained earnings make the opening balance sheet balance.
        self._open("2091", -sum(self.opening.values()))

    def open_balance(self, account: str, amount: int) -> None:
        """Add to the first year's opening balance of `account`, against retained earnings (2091)."""
        self._open(account, amount)
        self._open("2091", -amount)

    def _open(self, account: str, amount: int) -> None:
        self.opening[account] = self.opening.get(account, 0) + amount

    def _next_invoice(self) -> int:
        number = self.invoice_number
        self.invoice_number += 1
        return number

    def _next_supplier(self) -> int:
        number = self.supplier_number
        self.supplier_number += 1
        return number

    @staticmethod
    def sale_amounts(customer: CustomerProfile, net: int) -> tuple[int, int, int]:
        """(net, VAT, total) of a domestic sale; the total is rounded to whole kronor (the rest is 3740)."""
        if customer.reverse_charge:
            return net, 0, net
        vat = _percent_of(net, 25)
        return net, vat, _round_to_krona(net + vat)

    # -- documents -----------------------------------------------------------------------------
    def customer_invoice(self, customer: CustomerProfile, day: date, net: int, vat: int, total: int,
                         booked: bool = False, cancelled: bool = False) -> CustomerInvoice:
        """A customer invoice under the next document number (unbooked until the book resolves its voucher)."""
        party = self.docs.customers[customer.name]
        number = str(self._next_invoice())
        return CustomerInvoice(
            number=number, party_number=party.number, party_name=party.name, invoice_date=day,
            due_date=due_date(day, customer.pay_days), currency=customer.currency,
            currency_rate=exchange_rate(customer.currency, day), total=total, vat=vat, balance=total, booked=booked,
            cancelled=cancelled, final_pay_date=None, voucher=None, account=party.account,
            cost_center=self.ledger.cost_centers.get(party.account, ""), project=customer.project,
            ocr=f"{number}{luhn_check_digit(number)}", modified_at="", net=net, round_off=total - net - vat,
            terms_of_payment=customer.pay_days,
        )

    def supplier_invoice(self, supplier: SupplierProfile, day: date, total: int, vat: int) -> SupplierInvoice:
        """A supplier invoice under the next given number."""
        party = self.docs.suppliers[supplier.name]
        number = str(self._next_supplier())
        return SupplierInvoice(
            number=number, party_number=party.number, party_name=party.name, invoice_date=day,
            due_date=due_date(day, 30), currency=supplier.currency,
            currency_rate=exchange_rate(supplier.currency, day), total=total, vat=vat, balance=total, booked=False,
            cancelled=False, final_pay_date=None, voucher=None, account=supplier.account,
            cost_center=self.ledger.cost_centers.get(supplier.account, ""), project="",
            ocr="", modified_at="", supplier_reference=f"{self.doc_rng.randint(10_000, 999_999)}",
            vat_type=party.vat_type,
        )

    def book_invoice(self, invoice: CustomerInvoice, rows: list[tuple[str, int]]) -> _Draft | None:
        draft = self.ledger.post("B", invoice.invoice_date, f"Kundfaktura {invoice.party_name} ({invoice.number})",
                                 rows, "INVOICE", invoice.number, project=invoice.project)
        self.docs.add_invoice(invoice, draft.seq if draft else None)
        return draft

    def pay_invoice(self, invoice: CustomerInvoice, customer: CustomerProfile, day: date,
                    rows: list[tuple[str, int]], received: int) -> _Draft | None:
        """Book a customer payment (if inside the years) and record it; `received` is SEK öre."""
        draft = self.ledger.post("C", day, f"Kundbet {customer.name} ({invoice.number})", rows, "INVOICEPAYMENT",
                                 invoice.number)
        if draft is not None:
            self.docs.pay_invoice(invoice, day, received, draft.seq)
        return draft

    def book_supplier_invoice(self, invoice: SupplierInvoice, rows: list[tuple[str, int]],
                              project: str = "") -> _Draft | None:
        draft = self.ledger.post("D", invoice.invoice_date, f"Levfakt {invoice.party_name} ({invoice.number})",
                                 rows, "SUPPLIERINVOICE", invoice.number, project=project)
        self.docs.add_supplier_invoice(replace(invoice, project=project), draft.seq if draft else None)
        return draft

    def pay_supplier_invoice(self, invoice: SupplierInvoice, supplier: SupplierProfile, day: date,
                             rows: list[tuple[str, int]], paid: int) -> None:
        draft = self.ledger.post("E", day, f"Levbet {supplier.name} ({invoice.number})", rows, "SUPPLIERPAYMENT",
                                 invoice.number)
        if draft is not None:
            self.docs.pay_supplier_invoice(invoice, day, paid, draft.seq)

    # -- sales ---------------------------------------------------------------------------------
    def sales(self) -> None:
        p, rng = self.p, self.rng
        for year, month in _months(self.ledger.first_day, self.ledger.last_day):
            for _ in range(rng.randint(*p.sales_per_month)):
                day = date(year, month, rng.randint(1, 28))
                customer = rng.choice(p.customers)
                if customer.currency != "SEK":
                    self._foreign_sale(customer, day)
                    continue
                invoice = self.sell(customer, day, _random_ore(rng, *p.sales_net))
                pay = _business_day(day + timedelta(days=customer.pay_days + rng.randint(-5, 12)))
                self.pay_invoice(invoice, customer, pay, [("1930", invoice.total), ("1510", -invoice.total)],
                                 invoice.total)
        for fiscal_year in self.years:
            for _ in range(self.p.cancelled_invoices):
                day = fiscal_year.from_date + timedelta(days=rng.randint(0, 360))
                customer = rng.choice([c for c in p.customers if c.currency == "SEK"])
                net, vat, total = self.sale_amounts(customer, _random_ore(rng, *p.sales_net))
                self.docs.add_invoice(self.customer_invoice(customer, day, net, vat, total, cancelled=True), None)

    def sell(self, customer: CustomerProfile, day: date, net: int) -> CustomerInvoice:
        """Invoice and book a domestic sale of `net` öre (VAT and öresavrundning added unless reverse charge)."""
        net, vat, total = self.sale_amounts(customer, net)
        invoice = self.customer_invoice(customer, day, net, vat, total)
        if customer.reverse_charge:
            rows = [("3231", -net), ("1510", total)]
        else:
            rows = [("3001", -net), ("2610", -vat), ("3740", -(total - net - vat)), ("1510", total)]
        self.book_invoice(invoice, rows)
        return invoice

    def _foreign_sale(self, customer: CustomerProfile, day: date) -> None:
        """An EU service sale invoiced in the customer's currency, paid later at that day's rate."""
        total = _random_ore(self.rng, *self.p.eur_sales_net)
        invoice = self.customer_invoice(customer, day, total, 0, total)
        booked = invoice.sek(total)
        self.book_invoice(invoice, [("3308", -booked), ("1510", booked)])
        pay = _business_day(day + timedelta(days=customer.pay_days + self.rng.randint(-5, 12)))
        received = to_sek(total, exchange_rate(invoice.currency, pay))
        self.pay_invoice(invoice, customer, pay,
                         [("1930", received), ("1510", -booked), (_exchange_account(booked - received),
                                                                  booked - received)], received)

    # -- purchases -----------------------------------------------------------------------------
    def purchases(self) -> None:
        p, rng = self.p, self.rng
        for year, month in _months(self.ledger.first_day, self.ledger.last_day):
            for supplier in p.suppliers:
                days: list[int] = []
                if supplier.schedule == "monthly" or supplier.schedule == "bimonthly" and month % 2 == 1 or supplier.schedule == "quarterly" and month % 3 == 1 or supplier.schedule == "yearly" and month == supplier.month:
                    days = [supplier.day]
                elif supplier.schedule == "random":
                    days = [rng.randint(1, 28) for _ in range(rng.randint(*supplier.per_month))]
                for day_of_month in days:
                    self._supplier_invoice(supplier, date(year, month, day_of_month))

    def _purchase_project(self, account: str) -> str:
        """Material and subcontracting go to an ongoing project now and then (companies with projects only)."""
        ongoing = [pr.number for pr in self.p.projects if pr.status != "NOTSTARTED"]
        if not ongoing or account not in ("4010", "4056", "4425"):
            return ""
        return self.doc_rng.choice(ongoing + [""])

    def _supplier_invoice(self, supplier: SupplierProfile, day: date) -> None:
        rng = self.rng
        net = _random_ore(rng, supplier.low, supplier.high) if supplier.low != supplier.high else supplier.low * 100
        project = self._purchase_project(supplier.account)
        if supplier.currency != "SEK":
            self._foreign_purchase(supplier, day, net, project)
            return
        if supplier.reverse_charge:
            vat = _percent_of(net, 25)
            total = net
            rows = [("2440", -total), ("2647", vat), ("2617", -vat), (supplier.account, net)]
            invoice_vat = 0
        else:
            vat = _percent_of(net, supplier.vat_percent)
            total = net + vat
            rows = [("2440", -total), ("2640", vat), (supplier.account, net)]
            invoice_vat = vat
        invoice = self.supplier_invoice(supplier, day, total, invoice_vat)
        self.book_supplier_invoice(invoice, rows, project)
        pay = _business_day(day + timedelta(days=30 - rng.randint(0, 3)))
        self.pay_supplier_invoice(invoice, supplier, pay, [("1930", -total), ("2440", total)], total)

    def _foreign_purchase(self, supplier: SupplierProfile, day: date, total: int, project: str,
                          booking_rate: Decimal | None = None) -> _Draft | None:
        """An EU goods purchase in the supplier's currency: acquisition VAT both ways, paid at the pay day's rate.

        `booking_rate` books the voucher at another rate than the invoice's (a planted mistake).
        """
        invoice = self.supplier_invoice(supplier, day, total, 0)
        booked = to_sek(total, booking_rate or invoice.currency_rate)
        vat = _percent_of(booked, 25)
        draft = self.book_supplier_invoice(invoice, [("2440", -booked), ("2645", vat), ("2614", -vat),
                                                     (supplier.account, booked)], project)
        pay = _business_day(day + timedelta(days=30 - self.rng.randint(0, 3)))
        paid = to_sek(total, exchange_rate(invoice.currency, pay))
        self.pay_supplier_invoice(invoice, supplier, pay, [("1930", -paid), ("2440", booked),
                                                           (_exchange_account(paid - booked), paid - booked)], paid)
        return draft

    def foreign_purchase(self, supplier: SupplierProfile, day: date, total: int, booking_rate: Decimal
                         ) -> _Draft | None:
        """A foreign purchase whose voucher uses `booking_rate` instead of the invoice's rate."""
        return self._foreign_purchase(supplier, day, total, "", booking_rate)

    # -- payroll -------------------------------------------------------------------------------
    def _payroll_amounts(self) -> tuple[int, int]:
        gross = sum(kronor * 100 for _, kronor in self.p.employees)
        tax = sum(_round_to_krona(_percent_of(kronor * 100, 30)) for _, kronor in self.p.employees)
        fees = _round_to_krona(_percent_of(gross, Decimal("31.42")))
        return tax, fees

    def payroll(self) -> None:
        p = self.p
        tax, fees = self._payroll_amounts()
        gross = sum(kronor * 100 for _, kronor in p.employees)
        for year, month in _months(self.ledger.first_day, self.ledger.last_day):
            pay_day = date(year, month, 25)
            while pay_day.weekday() >= 5:
                pay_day -= timedelta(days=1)
            rows: list[tuple[str, int]] = []
            for account, kronor in p.employees:
                rows.append((account, kronor * 100))
            rows += [("2710", -tax), ("1930", -(gross - tax)), ("7510", fees), ("2731", -fees)]
            label = f"{MONTHS_SV[month - 1]} {year}"
            self.ledger.post("A", pay_day, f"Lön {label}", rows)
            next_month = _add_months(date(year, month, 1), 1)
            self.ledger.post("A", _business_day(next_month.replace(day=12)), f"Skatter och avgifter {label}",
                             [("2710", tax), ("2731", fees), ("1930", -(tax + fees))])

    # -- bank, depreciation, loan ----------------------------------------------------------------
    def bank_fees(self) -> None:
        for year, month in _months(self.ledger.first_day, self.ledger.last_day):
            day = _month_end(year, month)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
            fee = self.rng.randint(*self.p.bank_fee)
            self.ledger.post("A", day, f"Bankavgifter {MONTHS_SV[month - 1]} {year}", [("6570", fee), ("1930", -fee)])

    def depreciation(self) -> None:
        every = self.p.depreciation_every_months
        start = self.ledger.first_day
        for index, (year, month) in enumerate(_months(self.ledger.first_day, self.ledger.last_day)):
            if (index + 1) % every:
                continue
            rows: list[tuple[str, int]] = []
            for cost, accumulated, per_year in self.p.depreciation:
                amount = per_year * every // 12
                rows += [(cost, amount), (accumulated, -amount)]
            period_start = _add_months(start, index + 1 - every)
            text = (f"Avskrivningar {MONTHS_SV[month - 1]} {year}" if every == 1 else
                    f"Avskrivningar {period_start:%Y-%m-%d} - {_month_end(year, month):%Y-%m-%d}")
            self.ledger.post("A", _month_end(year, month), text, rows)

    def loan(self) -> None:
        if not self.p.loan:
            return
        account, opening, amortisation, rate = self.p.loan
        balance = opening * 100
        for index, (year, month) in enumerate(_months(self.ledger.first_day, self.ledger.last_day)):
            if (index + 1) % 3:
                continue
            interest = int((Decimal(balance) * rate / 4).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            amort = amortisation * 100
            day = _business_day(date(year, month, 28))
            if self.ledger.post("A", day, "Amortering och ränta banklån",
                                [(account, amort), ("8410", interest), ("1930", -(amort + interest))]):
                balance -= amort

    # -- VAT -----------------------------------------------------------------------------------
    def vat_returns(self) -> None:
        first, last = self.ledger.first_day, self.ledger.last_day
        cursor = date(first.year, first.month, 1)
        while cursor <= last:
            period_end = _add_months(cursor, 3) - timedelta(days=1)
            sums = self.ledger.sums(VAT_ACCOUNTS, cursor, period_end)
            rows = [(account, -sums[account]) for account in VAT_ACCOUNTS if sums.get(account)]
            settle = sum(sums.values())  # negative = to pay
            rows.append(("2650", settle))
            text_period = f"{cursor:%Y-%m-%d} - {period_end:%Y-%m-%d}"
            report_day = _business_day(_add_months(period_end.replace(day=1), 1).replace(day=10))
            self.ledger.post("A", period_end, f"Momsrapport {text_period}", rows, reg_day=report_day)
            pay_day = _business_day(_add_months(period_end.replace(day=1), 2).replace(day=12))
            self.ledger.post("A", pay_day, f"Betalning moms {text_period}", [("2650", -settle), ("1930", settle)])
            cursor = _add_months(cursor, 3)

    # -- year end ------------------------------------------------------------------------------
    def close_first_year(self) -> None:
        rng = self.rng
        first, second = self.years
        year_end = first.to_date
        reg = year_end + timedelta(days=rng.randint(40, 55))
        label = f"{first.from_date:%Y-%m-%d} - {first.to_date:%Y-%m-%d}"
        accrual = rng.randint(*self.p.year_end_accrual) * 100
        self.ledger.post("A", year_end, f"Upplupen revisionskostnad {label}",
                         [("6420", accrual), ("2990", -accrual)], reg_day=reg)
        result_accounts = self.ledger.sums(None, first.from_date, first.to_date)
        profit_before_tax = -sum(v for k, v in result_accounts.items() if k >= "3000")
        tax = 0
        if profit_before_tax > 0:
            tax_kronor = (Decimal(profit_before_tax) * Decimal("0.206") / 100).quantize(Decimal(1), ROUND_FLOOR)
            tax = int(tax_kronor) * 100
            self.ledger.post("A", year_end, f"Skatt på årets resultat {label}",
                             [("8910", tax), ("2512", -tax)], reg_day=reg)
        profit = profit_before_tax - tax
        self.ledger.post("A", year_end, f"Årets resultat {label}", [("8999", profit), ("2099", -profit)], reg_day=reg)
        # Early in the next year: last year's result to retained earnings, the accrual reversed, the tax paid.
        start = second.from_date
        self.ledger.post("A", _business_day(start + timedelta(days=14)),
                         f"Omföring av föregående års resultat {label}",
                         [("2099", profit), ("2091", -profit)], reg_day=reg + timedelta(days=1))
        self.ledger.post("A", _business_day(start + timedelta(days=9)),
                         f"Återföring upplupen revisionskostnad {label}", [("2990", accrual), ("6420", -accrual)])
        if tax:
            self.ledger.post("A", _business_day(_add_months(start, 5).replace(day=12)),
                             f"Inbetalning inkomstskatt {label}", [("2512", tax), ("1930", -tax)])

    # -- result ----------------------------------------------------------------------------------
    def build(self) -> Company:
        self.opening_position()
        self.sales()
        self.purchases()
        self.payroll()
        self.bank_fees()
        self.depreciation()
        self.loan()
        planted = plant_findings(self) if self.p.with_findings else []
        self.vat_returns()
        self.close_first_year()
        vouchers, booked = self._numbered()
        refs = {seq: ref for seq, (ref, _) in booked.items()}
        findings = tuple(f.resolve(self.p.tenant_id, refs) for f in planted)
        vouchers = correct(vouchers, self.p.corrections, self.corrections_rng, self.locked_until or date.min,
                           {f.voucher for f in findings if f.voucher})
        details = {f.name: getattr(self.p, f.name) for f in fields(CompanyDetails)}
        return Company(
            **details,
            financial_years=self.years,
            voucher_series=STANDARD_SERIES,
            chart=BAS_CHART + self.p.extra_accounts,
            inactive_accounts=INACTIVE_ACCOUNTS,
            opening_balances=tuple(sorted((k, v) for k, v in self.opening.items() if v)),
            vouchers=vouchers,
            locked_until=self.locked_until,
            documents=self.docs.finish(booked),
            cost_centers=self.p.cost_centers,
            projects=self.p.projects,
            opening_edits=tuple(self.opening_edits),
            findings=findings,
        )

    def _numbered(self) -> tuple[tuple[Voucher, ...], dict[int, tuple[VoucherRef, date]]]:
        """Number each series per financial year in date order (ties keep booking order).

        A seeded voucher counts as last modified at noon on its registration day. Also returns, per draft, its
        voucher reference and registration day, for the documents booked by it.
        """
        by_key: dict[tuple[int, str], list[_Draft]] = {}
        for draft in self.ledger.drafts:
            year = next(y for y in self.years if y.contains(draft.day))
            by_key.setdefault((year.id, draft.series), []).append(draft)
        vouchers: list[Voucher] = []
        booked: dict[int, tuple[VoucherRef, date]] = {}
        for (year_id, series), drafts in sorted(by_key.items()):
            drafts.sort(key=lambda d: (d.day, d.seq))
            for number, draft in enumerate(drafts, start=1):
                rows = tuple(VoucherRow(account, max(amount, 0), max(-amount, 0), text, cost_center, project)
                             for account, amount, text, cost_center, project in draft.rows)
                vouchers.append(Voucher(
                    year_id=year_id, series=series, number=number, transaction_date=draft.day,
                    registration_date=draft.reg_day, description=draft.text,
                    reference_type=draft.reference_type, reference_number=draft.reference_number,
                    modified_at=f"{draft.reg_day.isoformat()} 12:00:00", rows=rows,
                ))
                booked[draft.seq] = (VoucherRef(series, number, year_id), draft.reg_day)
        return tuple(vouchers), booked


def _exchange_account(loss: int) -> str:
    """Where a currency difference goes: 7960 for a loss (positive, debit), 3960 for a gain."""
    return "7960" if loss > 0 else "3960"


def _record(profile: Profile) -> CompanyRecord:
    """A deferred company's register entry, known without generating its books."""
    details = {f.name: getattr(profile, f.name) for f in fields(CompanyDetails)}
    return CompanyRecord(**details, locked_until=None)


@functools.lru_cache(maxsize=4)
def generate_world(seed: int = 1) -> World:
    """Build the demo world for `seed` (cached: the result is immutable); deferred companies are only listed."""
    companies = tuple(Generator(profile, seed).build() for profile in EAGER_PROFILES)
    return World(seed=seed, companies=companies, users=USERS, deferred=tuple(_record(p) for p in LAZY_PROFILES))


@functools.lru_cache(maxsize=2)
def generate_company(seed: int, tenant_id: str) -> Company:
    """The full books of one company (any, but meant for the deferred ones), cached per process."""
    profile = next(p for p in EAGER_PROFILES + LAZY_PROFILES if p.tenant_id == tenant_id)
    return Generator(profile, seed).build()
