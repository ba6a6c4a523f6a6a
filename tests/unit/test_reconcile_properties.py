"""Properties of the ledger-against-general-ledger reconciliation on books built row by row in a fresh database:
consistent books reconcile to zero at any balance date, and one manual posting on the customer ledger account shows
as exactly that difference, naming its voucher."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import reconcile, store

COMPANY, YEAR = "c1", "7"
START, END = date(2025, 1, 1), date(2025, 12, 31)
CONTROL = {"customer": ("1510", 1, "B", "C", "3001"), "supplier": ("2440", -1, "D", "E", "4010")}
RATES = ("10.9800", "11.2000", "11.3500", "11.6125")

invoices = st.lists(st.fixed_dictionaries({
    "kind": st.sampled_from(["customer", "supplier"]),
    "foreign": st.booleans(),
    "total": st.integers(100, 5_000_000),
    "day": st.integers(-60, 364),
    "paid_after": st.none() | st.integers(0, 120),
    "split": st.booleans(),
    "rate": st.sampled_from(RATES),
    "pay_rate": st.sampled_from(RATES),
}), max_size=30)


def _sek(amount: int, rate: str) -> int:
    return int((Decimal(amount) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass
class Books:
    """Books and ledgers as an import leaves them, every invoice and payment booked the way Fortnox books them."""

    opening: dict[str, int] = field(default_factory=dict)
    vouchers: list[tuple[str, str, date, list[tuple[str, int]]]] = field(default_factory=list)
    invoices: list[dict] = field(default_factory=list)
    payments: list[dict] = field(default_factory=list)

    def voucher(self, series: str, day: date, rows: list[tuple[str, int]]) -> list[str]:
        number = str(1 + sum(1 for v in self.vouchers if v[0] == series))
        self.vouchers.append((series, number, day, [row for row in rows if row[1]]))
        return [series, number, YEAR]

    def add_invoice(self, spec: dict) -> None:
        kind = spec["kind"]
        account, sign, book_series, pay_series, other = CONTROL[kind]
        number = str(1000 + sum(1 for i in self.invoices if i["kind"] == kind))
        day = START + timedelta(days=spec["day"])
        currency, rate = ("EUR", spec["rate"]) if spec["foreign"] else ("SEK", "1")
        total = spec["total"]
        value = _sek(total, rate)
        links = []
        if day < START:
            self.opening[account] = self.opening.get(account, 0) + sign * value
        else:
            links.append(self.voucher(book_series, day, [(account, sign * value), (other, -sign * value)]))
        paid_currency = 0
        if spec["paid_after"] is not None:
            pay_day = max(day + timedelta(days=spec["paid_after"]), START)
            if spec["foreign"]:
                parts = [(pay_day, total, _sek(total, spec["pay_rate"]), value)]
            elif spec["split"]:
                parts = [(pay_day, total // 2, total // 2, total // 2),
                         (pay_day + timedelta(days=10), total - total // 2, total - total // 2, total - total // 2)]
            else:
                parts = [(pay_day, total, total, total)]
            for when, currency_amount, paid, booked in parts:
                paid_currency += currency_amount
                voucher = None
                if when <= END:
                    loss = sign * (booked - paid)
                    voucher = self.voucher(pay_series, when, [("1930", sign * paid), (account, -sign * booked),
                                                              ("7960" if loss > 0 else "3960", loss)])
                self.payments.append({"company_id": COMPANY, "kind": kind, "number": str(len(self.payments) + 1),
                                      "invoice": number, "amount_ore": paid, "currency": currency,
                                      "payment_date": when.isoformat(), "booked": int(voucher is not None),
                                      "voucher_series": None, "voucher_number": None, "voucher_year": None})
        self.invoices.append({
            "company_id": COMPANY, "kind": kind, "number": number, "party_number": "1", "party_name": "Part AB",
            "invoice_date": day.isoformat(), "due_date": (day + timedelta(days=30)).isoformat(), "total": total,
            "balance": total - paid_currency, "currency": currency, "currency_rate": rate, "currency_unit": "1",
            "total_sek_ore": value, "booked": int(bool(links)), "cancelled": 0, "final_pay_date": None,
            "vouchers": json.dumps(links), "external_number": ""})

    def save(self, path: Path) -> None:
        store.migrate(path)
        with store.open_db(path) as db:
            db["financial_years"].insert({"company_id": COMPANY, "year_id": YEAR, "start": START.isoformat(),
                                          "end": END.isoformat()})
            db["predefined_accounts"].insert_all([{"company_id": COMPANY, "name": "CUSTCLAIM", "account": "1510"},
                                                  {"company_id": COMPANY, "name": "SUPDEBT", "account": "2440"}])
            db["balances"].insert_all({"company_id": COMPANY, "year_id": YEAR, "kind": "IB", "account": account,
                                       "amount_ore": amount} for account, amount in self.opening.items())
            db["vouchers"].insert_all({"company_id": COMPANY, "year_id": YEAR, "series": series, "number": number,
                                       "date": day.isoformat(), "text": f"Ver {series} {number}"}
                                      for series, number, day, _ in self.vouchers)
            db["transactions"].insert_all(
                {"company_id": COMPANY, "year_id": YEAR, "series": series, "number": number, "row_no": row_no,
                 "account": account, "amount_ore": amount, "text": "", "objects": "[]"}
                for series, number, _, rows in self.vouchers for row_no, (account, amount) in enumerate(rows, 1))
            db["ledger_invoices"].insert_all(self.invoices)
            db["ledger_payments"].insert_all(self.payments)


def _reconcile(books: Books, path: Path, day: date) -> reconcile.Reconciliation:
    books.save(path)
    with store.open_db(path) as db:
        return reconcile.reconcile(db, COMPANY, day)


def _books(specs: list[dict]) -> Books:
    books = Books()
    for spec in specs:
        books.add_invoice(spec)
    return books


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, offset=st.integers(0, 364))
def test_consistently_booked_invoices_and_payments_reconcile_to_zero(tmp_path_factory, specs, offset) -> None:
    result = _reconcile(_books(specs), tmp_path_factory.mktemp("books") / "app.db", START + timedelta(days=offset))
    for check_id in ("ar_vs_gl", "ap_vs_gl"):
        check = result.check(check_id)
        assert (check.difference_ore, check.items) == (0, ()), check.items


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, amount=st.integers(1, 10**9), posted=st.integers(0, 364), later=st.integers(0, 364))
def test_a_manual_posting_on_the_customer_ledger_account_is_the_difference_and_names_its_voucher(
    tmp_path_factory, specs, amount, posted, later
) -> None:
    books = _books(specs)
    series, number, _ = books.voucher("A", START + timedelta(days=posted), [("1510", amount), ("3990", -amount)])
    day = START + timedelta(days=min(posted + later, 364))
    check = _reconcile(books, tmp_path_factory.mktemp("books") / "app.db", day).check("ar_vs_gl")
    assert check.difference_ore == amount
    [item] = check.items
    assert (item.kind, item.amount_ore, item.vouchers) == ("manual_posting", amount,
                                                           (reconcile.VoucherKey(series, number, YEAR),))
