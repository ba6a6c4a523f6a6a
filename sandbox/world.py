"""The deterministic demo world: companies, charts, opening balances, vouchers and users, all from one seed.

Same seed, same world, byte for byte: every random choice comes from `random.Random` seeded with a string
(hashed with SHA-512, so independent of PYTHONHASHSEED), and nothing here reads the clock. The books are
consistent on purpose — opening balances sum to zero, every voucher balances, the first financial year is
closed (result booked 8999 -> 2099) and the next year starts by moving 2099 -> 2091 — so the app's
reconciliation has something true to check against.
"""

from __future__ import annotations

import calendar
import functools
import random
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sandbox.chart import BAS_CHART, INACTIVE_ACCOUNTS
from sandbox.records import (
    ChartAccount,
    CompanyDetails,
    CompanyRecord,
    FinancialYear,
    Voucher,
    VoucherRow,
    VoucherSeriesInfo,
)

SMALL_TENANT_ID = "500101"
MIDSIZE_TENANT_ID = "500202"

MONTHS_SV = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)

VAT_ACCOUNTS = ("2610", "2617", "2640", "2647")


@dataclass(frozen=True)
class Company(CompanyRecord):
    """One demo tenant with everything needed to seed its books."""

    financial_years: tuple[FinancialYear, ...]
    voucher_series: tuple[VoucherSeriesInfo, ...]
    chart: tuple[ChartAccount, ...]
    inactive_accounts: frozenset[str]
    opening_balances: tuple[tuple[str, int], ...]
    vouchers: tuple[Voucher, ...]


@dataclass(frozen=True)
class User:
    """A person who can log in on the sandbox's login page."""

    email: str
    password: str
    name: str
    tenant_ids: tuple[str, ...]


@dataclass(frozen=True)
class World:
    """Everything the sandbox seeds its database with on first start."""

    seed: int
    companies: tuple[Company, ...]
    users: tuple[User, ...]


USERS: tuple[User, ...] = (
    User("demo@example.com", "demo", "Demo Användare", (SMALL_TENANT_ID, MIDSIZE_TENANT_ID)),
    User("anna@example.com", "demo", "Anna Andersson", (SMALL_TENANT_ID,)),
)

STANDARD_SERIES: tuple[VoucherSeriesInfo, ...] = (
    VoucherSeriesInfo("A", "Redovisning", True),
    VoucherSeriesInfo("B", "Kundfakturor", False),
    VoucherSeriesInfo("C", "Kundinbetalningar", False),
    VoucherSeriesInfo("D", "Leverantörsfakturor", False),
    VoucherSeriesInfo("E", "Leverantörsutbetalningar", False),
)


def luhn_check_digit(digits: str) -> int:
    """The check digit Swedish organisation numbers end with (Luhn over the first nine digits)."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def is_valid_orgnr(orgnr: str) -> bool:
    """True for NNNNNN-NNNN with a correct Luhn check digit."""
    digits = orgnr.replace("-", "")
    return len(digits) == 10 and digits.isdigit() and luhn_check_digit(digits[:9]) == int(digits[9])


# --------------------------------------------------------------------------------------------------
# Company profiles: what kind of business each demo company runs.


@dataclass(frozen=True)
class _Customer:
    name: str
    pay_days: int
    reverse_charge: bool = False


@dataclass(frozen=True)
class _Supplier:
    name: str
    account: str
    schedule: str  # monthly | bimonthly | quarterly | random | yearly
    low: int  # kronor
    high: int
    vat_percent: int = 25
    reverse_charge: bool = False
    day: int = 1
    per_month: tuple[int, int] = (1, 1)
    month: int = 1  # for yearly: month of the year


@dataclass(frozen=True)
class _Profile(CompanyDetails):
    first_year_start: date
    customers: tuple[_Customer, ...]
    suppliers: tuple[_Supplier, ...]
    sales_per_month: tuple[int, int]
    sales_net: tuple[int, int]
    first_invoice_number: int
    first_supplier_number: int
    employees: tuple[tuple[str, int], ...]
    bank_fee: tuple[int, int]  # öre
    depreciation: tuple[tuple[str, str, int], ...]  # (cost account, accumulated account, öre per year)
    depreciation_every_months: int
    fixed_opening: tuple[tuple[str, int], ...]  # kronor
    loan: tuple[str, int, int, Decimal] | None  # (account, opening kronor, amortisation per quarter, yearly rate)
    opening_vat_liability: int  # kronor
    opening_accrual: int  # kronor
    year_end_accrual: tuple[int, int]  # kronor range
    first_year_id: int = 1


_SMALL = _Profile(
    tenant_id=SMALL_TENANT_ID,
    name="Bokslutsdemo AB",
    orgnr="556677-8899",
    address="Storgatan 12",
    zip_code="111 22",
    city="Stockholm",
    phone="08-123 456 78",
    contact="Anna Andersson",
    email="info@bokslutsdemo.example",
    first_year_start=date(2024, 1, 1),
    customers=(
        _Customer("Kvarnbackens Café AB", 30),
        _Customer("Nordlunds Måleri AB", 30),
        _Customer("Svensson & Dotter HB", 20),
        _Customer("Lindqvist Konsult AB", 30),
        _Customer("Hälsogården i Ljusdal AB", 30),
        _Customer("Ekdahls Bageri AB", 15),
        _Customer("Sjöviks Marina AB", 45),
        _Customer("Grönt & Gott Ekonomisk förening", 30),
        _Customer("Åkessons El AB", 30),
        _Customer("Bergström Design AB", 30),
        _Customer('Stiftelsen "Solbacken"', 30),
        _Customer("Fagerhult Transport AB", 60),
    ),
    suppliers=(
        _Supplier("Fastighets AB Kvarnstenen", "5010", "monthly", 18500, 18500, day=1),
        _Supplier("Elbolaget Mitt i Sverige AB", "5020", "bimonthly", 1800, 3400, day=8),
        _Supplier("Telenät Norden AB", "6212", "quarterly", 1190, 1560, day=5),
        _Supplier("Grossisten i Mälardalen AB", "4010", "random", 3000, 24000, per_month=(1, 2)),
        _Supplier("Molnkontoret Sverige AB", "5420", "monthly", 1490, 1490, day=3),
        _Supplier("Kontorsvaruhuset AB", "6110", "random", 300, 2800, per_month=(0, 1)),
        _Supplier("Revisionsbyrån Ek & Partners KB", "6420", "yearly", 16500, 19000, month=3, day=14),
        _Supplier("Försäkringsbolaget Trygghet", "6310", "yearly", 8400, 9200, vat_percent=0, month=1, day=10),
    ),
    sales_per_month=(4, 5),
    sales_net=(12000, 68000),
    first_invoice_number=1001,
    first_supplier_number=301,
    employees=(("7220", 42000), ("7210", 36500)),
    bank_fee=(9500, 18550),
    depreciation=(("7832", "1229", 3_600_000),),
    depreciation_every_months=1,
    fixed_opening=(("1220", 180000), ("1229", -54000), ("1930", 412367), ("2081", -25000)),
    loan=None,
    opening_vat_liability=48312,
    opening_accrual=15000,
    year_end_accrual=(17000, 21000),
)

_MIDSIZE = _Profile(
    tenant_id=MIDSIZE_TENANT_ID,
    name="Fjällbrons Bygg AB",
    orgnr="559012-3450",
    address="Brovägen 4",
    zip_code="837 52",
    city="Järpen",
    phone="0647-123 45",
    contact="Erik Fjällström",
    email="kontoret@fjallbronsbygg.example",
    first_year_start=date(2023, 7, 1),
    customers=(
        _Customer("Storsjö Bygg & Fasad AB", 30, reverse_charge=True),
        _Customer("Hedbergs Byggnads AB", 30, reverse_charge=True),
        _Customer("Jämtlands Husbyggare AB", 45, reverse_charge=True),
        _Customer("Nordlunds Snickeri AB", 30, reverse_charge=True),
        _Customer("Brf Fjällsippan", 30),
        _Customer("Brf Älvstranden", 30),
        _Customer("Frösö Fastigheter AB", 30),
        _Customer("Kommunfastigheter i Berg AB", 30),
        _Customer("Lars Ödmark", 10),
        _Customer("Karin Sjöberg", 20),
    ),
    suppliers=(
        _Supplier("Byggmaterial Norrland AB", "4010", "random", 8000, 65000, per_month=(1, 2)),
        _Supplier("Fastighets AB Brofästet", "5010", "monthly", 14200, 14200, day=1),
        _Supplier("Maskinhyra Jämtland AB", "5210", "random", 4000, 22000, per_month=(0, 1)),
        _Supplier("Drivmedelskortet Sverige AB", "5621", "monthly", 6000, 11000, day=6),
        _Supplier("El & Rör i Jämtland AB", "4425", "random", 15000, 90000, reverse_charge=True, per_month=(0, 1)),
        _Supplier("Målarmästarna Norr AB", "4425", "random", 12000, 60000, reverse_charge=True, per_month=(0, 1)),
        _Supplier("Revisionsbyrån Fjäll & Partners", "6420", "yearly", 24000, 28000, month=10, day=20),
        _Supplier("Försäkringsbolaget Trygghet", "6310", "yearly", 21000, 23500, vat_percent=0, month=7, day=10),
        _Supplier("Telenät Norden AB", "6212", "quarterly", 2400, 3100, day=5),
    ),
    sales_per_month=(4, 5),
    sales_net=(20000, 150000),
    first_invoice_number=5001,
    first_supplier_number=801,
    employees=(("7220", 48000), ("7010", 33500), ("7010", 32800), ("7010", 31900)),
    bank_fee=(18000, 42000),
    depreciation=(("7832", "1229", 6_200_000), ("7834", "1249", 14_400_000)),
    depreciation_every_months=3,
    fixed_opening=(
        ("1220", 310000), ("1229", -124000), ("1240", 720000), ("1249", -216000),
        ("1930", 785432), ("2081", -100000),
    ),
    loan=("2350", 480000, 20000, Decimal("0.049")),
    opening_vat_liability=96418,
    opening_accrual=25000,
    year_end_accrual=(26000, 30000),
)

_PROFILES = (_SMALL, _MIDSIZE)


# --------------------------------------------------------------------------------------------------
# The ledger being generated.


@dataclass
class _Draft:
    seq: int
    series: str
    day: date
    reg_day: date
    text: str
    rows: list[tuple[str, int, str]]
    reference_type: str
    reference_number: str


@dataclass
class _Ledger:
    rng: random.Random
    first_day: date
    last_day: date
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
    ) -> bool:
        """Book a voucher if its date is inside the generated years; returns whether it was booked."""
        if not (self.first_day <= day <= self.last_day):
            return False
        full_rows = [(r[0], r[1], r[2] if len(r) > 2 else "") for r in rows]  # type: ignore[misc]
        full_rows = [r for r in full_rows if r[1] != 0]
        if sum(r[1] for r in full_rows) != 0:
            raise AssertionError(f"unbalanced demo voucher {text!r}: {full_rows}")
        if reg_day is None:
            reg_day = day + timedelta(days=self.rng.randint(0, 4))
        self.drafts.append(
            _Draft(len(self.drafts), series, day, reg_day, text, full_rows, reference_type, reference_number)
        )
        return True

    def sums(self, accounts: tuple[str, ...] | None, start: date, end: date) -> dict[str, int]:
        """Σ amount per account over vouchers dated in [start, end] (all accounts when `accounts` is None)."""
        totals: dict[str, int] = {}
        for draft in self.drafts:
            if start <= draft.day <= end:
                for account, amount, _ in draft.rows:
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


class _Generator:
    def __init__(self, profile: _Profile, seed: int) -> None:
        self.p = profile
        self.rng = random.Random(f"fortnox-sandbox:{seed}:{profile.tenant_id}")
        start = profile.first_year_start
        self.years = (
            FinancialYear(profile.first_year_id, start, _add_months(start, 12) - timedelta(days=1)),
            FinancialYear(profile.first_year_id + 1, _add_months(start, 12),
                          _add_months(start, 24) - timedelta(days=1)),
        )
        self.ledger = _Ledger(self.rng, self.years[0].from_date, self.years[-1].to_date)
        self.opening: dict[str, int] = {}
        self.invoice_number = profile.first_invoice_number
        self.supplier_number = profile.first_supplier_number

    # -- opening position ---------------------------------------------------------------------
    def opening_position(self) -> None:
        p, rng, start = self.p, self.rng, self.years[0].from_date
        for account, kronor in p.fixed_opening:
            self._open(account, kronor * 100)
        if p.loan:
            self._open(p.loan[0], -p.loan[1] * 100)
        # Customer invoices from the last month before the first year, paid early in the year.
        for _ in range(3):
            customer = rng.choice(p.customers)
            invoice_day = start - timedelta(days=rng.randint(5, 28))
            total = self._invoice_total(customer, _random_ore(rng, *p.sales_net))
            number = self._next_invoice()
            self._open("1510", total)
            pay = _business_day(invoice_day + timedelta(days=customer.pay_days + rng.randint(-3, 6)))
            pay = max(pay, _business_day(start))
            self.ledger.post("C", pay, f"Kundbet {customer.name} ({number})",
                             [("1930", total), ("1510", -total)], "INVOICEPAYMENT", str(number))
        # Supplier invoices not yet paid.
        for supplier in [s for s in p.suppliers if s.schedule == "random"][:2]:
            net = _random_ore(rng, supplier.low, supplier.high)
            gross = net + (_percent_of(net, supplier.vat_percent) if not supplier.reverse_charge else 0)
            number = self._next_supplier()
            self._open("2440", -gross)
            pay = _business_day(start + timedelta(days=rng.randint(3, 20)))
            self.ledger.post("E", pay, f"Levbet {supplier.name} ({number})",
                             [("1930", -gross), ("2440", gross)], "SUPPLIERPAYMENT", str(number))
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

    def _invoice_total(self, customer: _Customer, net: int) -> int:
        if customer.reverse_charge:
            return net
        return _round_to_krona(net + _percent_of(net, 25))

    # -- sales ---------------------------------------------------------------------------------
    def sales(self) -> None:
        p, rng = self.p, self.rng
        for year, month in _months(self.ledger.first_day, self.ledger.last_day):
            for _ in range(rng.randint(*p.sales_per_month)):
                day = date(year, month, rng.randint(1, 28))
                customer = rng.choice(p.customers)
                net = _random_ore(rng, *p.sales_net)
                number = self._next_invoice()
                if customer.reverse_charge:
                    total = net
                    rows = [("3231", -net), ("1510", total)]
                else:
                    vat = _percent_of(net, 25)
                    total = _round_to_krona(net + vat)
                    rows = [("3001", -net), ("2610", -vat), ("3740", -(total - net - vat)), ("1510", total)]
                self.ledger.post("B", day, f"Kundfaktura {customer.name} ({number})", rows, "INVOICE", str(number))
                pay = _business_day(day + timedelta(days=customer.pay_days + rng.randint(-5, 12)))
                self.ledger.post("C", pay, f"Kundbet {customer.name} ({number})",
                                 [("1930", total), ("1510", -total)], "INVOICEPAYMENT", str(number))

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

    def _supplier_invoice(self, supplier: _Supplier, day: date) -> None:
        rng = self.rng
        net = _random_ore(rng, supplier.low, supplier.high) if supplier.low != supplier.high else supplier.low * 100
        number = self._next_supplier()
        if supplier.reverse_charge:
            vat = _percent_of(net, 25)
            total = net
            rows = [("2440", -total), ("2647", vat), ("2617", -vat), (supplier.account, net)]
        else:
            vat = _percent_of(net, supplier.vat_percent)
            total = net + vat
            rows = [("2440", -total), ("2640", vat), (supplier.account, net)]
        self.ledger.post("D", day, f"Levfakt {supplier.name} ({number})", rows, "SUPPLIERINVOICE", str(number))
        pay = _business_day(day + timedelta(days=30 - rng.randint(0, 3)))
        self.ledger.post("E", pay, f"Levbet {supplier.name} ({number})",
                         [("1930", -total), ("2440", total)], "SUPPLIERPAYMENT", str(number))

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
        self.vat_returns()
        self.close_first_year()
        details = {f.name: getattr(self.p, f.name) for f in fields(CompanyDetails)}
        return Company(
            **details,
            financial_years=self.years,
            voucher_series=STANDARD_SERIES,
            chart=BAS_CHART,
            inactive_accounts=INACTIVE_ACCOUNTS,
            opening_balances=tuple(sorted((k, v) for k, v in self.opening.items() if v)),
            vouchers=self._numbered(),
            locked_until=self.years[0].to_date,
        )

    def _numbered(self) -> tuple[Voucher, ...]:
        """Number each series per financial year in date order (ties keep booking order).

        A seeded voucher counts as last modified at noon on its registration day.
        """
        by_key: dict[tuple[int, str], list[_Draft]] = {}
        for draft in self.ledger.drafts:
            year = next(y for y in self.years if y.contains(draft.day))
            by_key.setdefault((year.id, draft.series), []).append(draft)
        vouchers: list[Voucher] = []
        for (year_id, series), drafts in sorted(by_key.items()):
            drafts.sort(key=lambda d: (d.day, d.seq))
            for number, draft in enumerate(drafts, start=1):
                rows = tuple(
                    VoucherRow(account, max(amount, 0), max(-amount, 0), text) for account, amount, text in draft.rows
                )
                vouchers.append(Voucher(
                    year_id=year_id, series=series, number=number, transaction_date=draft.day,
                    registration_date=draft.reg_day, description=draft.text,
                    reference_type=draft.reference_type, reference_number=draft.reference_number,
                    modified_at=f"{draft.reg_day.isoformat()} 12:00:00", rows=rows,
                ))
        return tuple(vouchers)


@functools.lru_cache(maxsize=4)
def generate_world(seed: int = 1) -> World:
    """Build the demo world for `seed` (cached: the result is immutable)."""
    companies = tuple(_Generator(profile, seed).build() for profile in _PROFILES)
    return World(seed=seed, companies=companies, users=USERS)
