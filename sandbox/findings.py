"""The year-end problems planted on purpose in the mid-size and large demo companies.

Each planting books (or leaves unbooked) exactly one mistake in the latest financial year, after its locked
part, and says how much it is worth, so tests can check that the app's reconciliation finds every one and
nothing else. Amounts are öre in the general ledger's sign (debit positive):

- `manual_customer_ledger_voucher`: a series A voucher straight on 1510 (its amount on 1510);
- `unbooked_invoice`: a customer invoice never booked (its total; missing from 1510);
- `wrong_currency_rate`: an EUR supplier invoice booked at the wrong rate (booked minus correct, on 2440);
- `payment_wrong_account`: a customer payment credited to 2420 instead of 1510 (the payment; left on 1510);
- `account_without_sru`: an account with no SRU code that carries a balance (its closing balance);
- `inactive_account_with_balance`: an inactive account with a balance (its balance);
- `locked_period`: the lock reaches into the year being closed (no amount; dated at the lock's end);
- `opening_balance_mismatch`: the year's IB differs from last year's UB on one account (IB minus UB).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from sandbox.amounts import to_decimal
from sandbox.ledger_documents import exchange_rate
from sandbox.records import Finding, VoucherRef, to_sek

if TYPE_CHECKING:
    from sandbox.world import Generator

# How far off the planted EUR booking is: someone typed last year's rate.
WRONG_RATE_OFFSET = Decimal("0.9500")


@dataclass(frozen=True)
class PlantedFinding:
    """A finding whose voucher is still a generator draft (numbers are given when the series are numbered)."""

    kind: str
    account: str | None
    amount: int
    day: date
    draft: int | None
    invoice: str | None
    text: str

    def resolve(self, tenant_id: str, refs: Mapping[int, VoucherRef]) -> Finding:
        return Finding(tenant_id, self.kind, self.account, self.amount, self.day,
                       refs[self.draft] if self.draft is not None else None, self.invoice, self.text)


def swedish_amount(ore: int) -> str:
    """Öre as a Swedish amount: `12 345,50`."""
    whole, _, cents = f"{to_decimal(abs(ore)):,.2f}".partition(".")
    return f"{'-' if ore < 0 else ''}{whole.replace(',', ' ')},{cents}"


def kronor(ore: int) -> str:
    return f"{swedish_amount(ore)} kr"


def _weekday_before(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def plant_findings(gen: Generator) -> list[PlantedFinding]:
    """Plant every kind of finding in the generator's latest year; returns them in a fixed order."""
    latest = gen.years[-1]
    end, rng = latest.to_date, gen.rng
    domestic = [c for c in gen.p.customers if c.currency == "SEK" and not c.private]
    found: list[PlantedFinding] = []

    amount = rng.randint(8_000, 25_000) * 100
    day = _weekday_before(end - timedelta(days=25))
    draft = gen.ledger.post("A", day, "Justering kundfordringar", [("1510", amount), ("3990", -amount)])
    assert draft is not None
    found.append(PlantedFinding(
        "manual_customer_ledger_voucher", "1510", amount, day, draft.seq, None,
        f"Manuell verifikation bokförd direkt mot kundfordringar (1510) med {kronor(amount)}; "
        "ingen kundfaktura motsvarar den."))

    customer = rng.choice(domestic)
    day = _weekday_before(end - timedelta(days=10))
    net, vat, total = gen.sale_amounts(customer, rng.randint(10_000, 60_000) * 100)
    invoice = gen.customer_invoice(customer, day, net, vat, total)
    gen.docs.add_invoice(invoice, None)
    found.append(PlantedFinding(
        "unbooked_invoice", "1510", total, day, None, invoice.number,
        f"Kundfaktura {invoice.number} till {customer.name} på {kronor(total)} är inte bokförd; "
        "den finns i kundreskontran men inte på konto 1510."))

    supplier = next(s for s in gen.p.suppliers if s.currency != "SEK")
    day = _weekday_before(end - timedelta(days=12))
    foreign = rng.randint(4_000, 9_000) * 100
    correct = exchange_rate(supplier.currency, day)
    wrong = correct - WRONG_RATE_OFFSET
    draft = gen.foreign_purchase(supplier, day, foreign, wrong)
    assert draft is not None
    difference = to_sek(foreign, correct) - to_sek(foreign, wrong)
    found.append(PlantedFinding(
        "wrong_currency_rate", "2440", difference, day, draft.seq, draft.reference_number,
        f"Leverantörsfaktura {draft.reference_number} från {supplier.name} på {swedish_amount(foreign)} "
        f"{supplier.currency} är bokförd med kursen {wrong} i stället för {correct}; "
        f"leverantörsskulden är {kronor(difference)} för låg."))

    customer = rng.choice(domestic)
    invoice = gen.sell(customer, _weekday_before(end - timedelta(days=50)), rng.randint(10_000, 40_000) * 100)
    day = _weekday_before(end - timedelta(days=18))
    draft = gen.pay_invoice(invoice, customer, day, [("1930", invoice.total), ("2420", -invoice.total)],
                            invoice.total)
    assert draft is not None
    found.append(PlantedFinding(
        "payment_wrong_account", "1510", invoice.total, day, draft.seq, invoice.number,
        f"Inbetalningen av kundfaktura {invoice.number} ({kronor(invoice.total)}) är bokförd mot 2420 "
        "Förskott från kunder i stället för 1510 Kundfordringar."))

    account = gen.p.extra_accounts[0]
    amount = rng.randint(15_000, 60_000) * 100
    day = _weekday_before(end - timedelta(days=40))
    draft = gen.ledger.post("A", day, "Lån till delägare", [(account.number, amount), ("1930", -amount)])
    assert draft is not None
    found.append(PlantedFinding(
        "account_without_sru", account.number, amount, day, draft.seq, None,
        f"Konto {account.number} {account.name} saknar SRU-kod men har saldot {kronor(amount)}."))

    amount = rng.randint(1_500, 6_000) * 100
    gen.open_balance("1910", amount)
    found.append(PlantedFinding(
        "inactive_account_with_balance", "1910", amount, end, None, None,
        f"Konto 1910 Kassa är inaktivt men har saldot {kronor(amount)}."))

    start = latest.from_date
    half_year = date(start.year + (start.month + 5) // 12, (start.month + 5) % 12 + 1, 1)
    gen.locked_until = half_year - timedelta(days=1)
    found.append(PlantedFinding(
        "locked_period", None, 0, gen.locked_until, None, None,
        f"Perioden är låst t.o.m. {gen.locked_until}, inne i räkenskapsåret {latest.from_date}–{latest.to_date}; "
        "rättelser daterade i den låsta delen avvisas."))

    amount = rng.randint(500, 5_000) * 100
    gen.opening_edits.append((latest.id, "1930", amount))
    found.append(PlantedFinding(
        "opening_balance_mismatch", "1930", amount, latest.from_date, None, None,
        f"Ingående balans för konto 1930 år {latest.from_date.year} skiljer sig med {kronor(amount)} "
        "från föregående års utgående balans."))
    return found
