"""Reconciliation compute time on a company with over a million transaction rows (target: under 2 s).

The books are synthesised straight into SQLite, consistent the way Fortnox books them: every customer and supplier
invoice has its booking voucher (linked from the invoice) and most a payment voucher, plus other vouchers that never
touch the ledgers; one manual posting on the customer ledger account gives the explanation something to find.
Baseline: one pass summing every transaction row of the year — the least any reconciliation must read.
"""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date, timedelta
from pathlib import Path

from benchmarks.timing import best_of
from services import store
from services.mapping.model import Facts
from services.money import format_sek
from services.reconcile import compute, marks

COMPANY, YEAR, PREVIOUS = "bench", "2", "1"
START = date(2025, 1, 1)
CUSTOMER_INVOICES, SUPPLIER_INVOICES, OTHER_VOUCHERS = 110_000, 60_000, 70_000


class _Writer:
    def __init__(self) -> None:
        self.vouchers: list[tuple] = []
        self.rows: list[tuple] = []
        self.numbers: dict[str, int] = {}

    def voucher(self, series: str, day: date, rows: list[tuple[str, int]]) -> list[str]:
        number = str(self.numbers.setdefault(series, 0) + 1)
        self.numbers[series] = int(number)
        self.vouchers.append((COMPANY, YEAR, series, number, day.isoformat(), f"Ver {series}{number}"))
        self.rows += [(COMPANY, YEAR, series, number, row_no, account, amount, "", "[]")
                      for row_no, (account, amount) in enumerate(rows, 1)]
        return [series, number, YEAR]


def build(path: Path) -> int:
    """Write the company; returns its transaction row count."""
    rng = random.Random("reconcile-bench")
    store.migrate(path)
    books = _Writer()
    invoices, payments = [], []
    for kind, count, control, sign, book, pay in (("customer", CUSTOMER_INVOICES, "1510", 1, "B", "C"),
                                                  ("supplier", SUPPLIER_INVOICES, "2440", -1, "D", "E")):
        for index in range(count):
            day = START + timedelta(days=rng.randint(0, 364))
            net = rng.randint(1_000, 80_000) * 100
            total = net + net // 4
            rows = [(control, sign * total), ("2610" if sign > 0 else "2640", -sign * (net // 4)),
                    ("3001" if sign > 0 else "4010", -sign * net)]
            link = books.voucher(book, day, rows)
            number = str(10_000 + index)
            paid_day = day + timedelta(days=rng.randint(10, 45))
            balance = total
            if paid_day.year == START.year:
                books.voucher(pay, paid_day, [("1930", sign * total), (control, -sign * total)])
                payments.append((COMPANY, kind, str(len(payments) + 1), number, total, "SEK", paid_day.isoformat(), 1))
                balance = 0
            invoices.append((COMPANY, kind, number, "1", "Part AB", day.isoformat(), day.isoformat(), total, balance,
                             "SEK", "1", "1", total, 1, 0, json.dumps([link])))
    for _ in range(OTHER_VOUCHERS):
        amount = rng.randint(100, 50_000) * 100
        books.voucher("A", START + timedelta(days=rng.randint(0, 364)),
                      [("5010", amount), ("2640", amount // 4), ("1930", -amount - amount // 4)])
    books.voucher("A", date(2025, 12, 5), [("1510", 1_234_500), ("3990", -1_234_500)])
    with store.open_db(path) as db, store.write_lock(db):
        db.execute("insert into financial_years values (?, ?, ?, ?)", [COMPANY, PREVIOUS, "2024-01-01", "2024-12-31"])
        db.execute("insert into financial_years values (?, ?, ?, ?)", [COMPANY, YEAR, "2025-01-01", "2025-12-31"])
        db.conn.executemany("insert into predefined_accounts values (?, ?, ?)",
                            [(COMPANY, "CUSTCLAIM", "1510"), (COMPANY, "SUPDEBT", "2440")])
        db.conn.executemany("insert into balances values (?, ?, ?, ?, ?)",
                            [(COMPANY, year, kind, "1930", 0) for year, kind in ((PREVIOUS, "UB"), (YEAR, "IB"))])
        db.conn.executemany("insert into vouchers (company_id, year_id, series, number, date, text) "
                            "values (?, ?, ?, ?, ?, ?)", books.vouchers)
        db.conn.executemany("insert into transactions values (?, ?, ?, ?, ?, ?, ?, ?, ?)", books.rows)
        db.conn.executemany("insert into ledger_invoices (company_id, kind, number, party_number, party_name, "
                            "invoice_date, due_date, total, balance, currency, currency_rate, currency_unit, "
                            "total_sek_ore, booked, cancelled, vouchers) values "
                            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", invoices)
        db.conn.executemany("insert into ledger_payments (company_id, kind, number, invoice, amount_ore, currency, "
                            "payment_date, booked) values (?, ?, ?, ?, ?, ?, ?, ?)", payments)
        db.conn.executemany("insert into accounts (company_id, year_id, number, name, sru) values (?, ?, ?, ?, ?)",
                            [(COMPANY, YEAR, a, a, "7251") for a in
                             ("1510", "1930", "2440", "2610", "2640", "3001", "3990", "4010", "5010", "6570")])
    return len(books.rows)


UNKNOWN = Facts(False)


def _baseline(db) -> int:
    return db.execute("select sum(amount_ore) from transactions where company_id = ? and year_id = ?",
                      [COMPANY, YEAR]).fetchone()[0]


def run(repeat: int = 3) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "app.db"
        rows = build(path)
        with store.open_db(path) as db:
            result = compute.reconcile(db, COMPANY, None, {}, UNKNOWN)
            baseline = best_of(repeat, lambda: _baseline(db))
            computed = best_of(repeat, lambda: compute.reconcile(db, COMPANY, None, {}, UNKNOWN))
            statuses = best_of(repeat, lambda: marks.apply(result, marks.load(db, COMPANY, result.balance_date)))
    check = result.check("ar_vs_gl")
    def spaced(count: int) -> str:
        return f"{count:,}".replace(",", " ")

    print(f"reconcile_large  {spaced(rows)} transaction rows, {spaced(CUSTOMER_INVOICES + SUPPLIER_INVOICES)} invoices")
    print(f"  baseline sum   : {baseline:6.2f} s")
    print(f"  reconcile      : {computed:6.2f} s  ({computed / baseline:.1f}× baseline; target < 2 s)")
    print(f"  + statuses     : {statuses:6.2f} s  (marks, corrections and sign-offs applied)")
    print(f"  found          : ar_vs_gl difference {format_sek(check.difference_ore)} kr in {len(check.items)} "
          f"item(s), unexplained {format_sek(check.unexplained_ore)} kr")


if __name__ == "__main__":
    run()
