"""Books and ledgers built row by row in a fresh database, every invoice and payment booked the way Fortnox books
them: what the reconciliation's property tests start from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from hypothesis import strategies as st

from services import currency, store

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
    "second_rate": st.sampled_from(RATES),
}), max_size=30)


def _sek(amount: int, rate: str) -> int:
    return int((Decimal(amount) * Decimal(rate)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _foreign_parts(spec: dict, pay_day: date, value: int) -> list[tuple[date, int, int, int]]:
    """A foreign invoice's payments (one, or two at different rates): (day, currency, SEK paid, SEK taken off the
    control account at the invoice's rate, by the product's rounding rule)."""
    total = spec["total"]
    amounts = [total // 2, total - total // 2] if spec["split"] else [total]
    paid = [_sek(amount, rate) for amount, rate in zip(amounts, (spec["pay_rate"], spec["second_rate"]))]
    parts, cumulative, taken_before = [], 0, 0
    for nth, (amount, sek) in enumerate(zip(amounts, paid)):
        cumulative += sek
        taken = value - currency.open_sek(total, value, currency.paid_in_currency(total, 0, cumulative, sum(paid)))
        parts.append((pay_day + timedelta(days=10 * nth), amount, sek, taken - taken_before))
        taken_before = taken
    return parts


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
                parts = _foreign_parts(spec, pay_day, value)
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
            used = {account for *_, rows in self.vouchers for account, _ in rows} | set(self.opening) | {"3990"}
            db["accounts"].insert_all({"company_id": COMPANY, "year_id": YEAR, "number": account,
                                       "name": f"Konto {account}", "type": None, "sru": "7000"} for account in used)
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
            db["import_cursors"].insert({"company_id": COMPANY, "resource": f"ledgers:{END.isoformat()}",
                                         "since": END.isoformat()})  # as the importer records the ledgers
            db["ledger_invoices"].insert_all(self.invoices)
            db["ledger_payments"].insert_all(self.payments)


def books_of(specs: list[dict]) -> Books:
    books = Books()
    for spec in specs:
        books.add_invoice(spec)
    return books


def export_and_import_back(path: Path) -> None:
    """What exporting every draft to Fortnox and importing the books again leaves: each draft exported with
    Fortnox's series and number, and in the books as that voucher."""
    with store.open_db(path) as db, store.write_lock(db):
        numbers = {series: int(number) for series, number in db.execute(
            "select series, max(cast(number as integer)) from vouchers where company_id = ? group by series",
            [COMPANY])}
        for voucher_id, day, text in db.execute("select id, date, text from adjustment_vouchers where status = 'draft' "
                                                "order by created_at").fetchall():
            numbers["A"] = numbers.get("A", 0) + 1
            number = str(numbers["A"])
            db["adjustment_vouchers"].update(voucher_id, {"status": "exported", "fortnox_series": "A",
                                                          "fortnox_number": number, "fortnox_year": YEAR})
            db["vouchers"].insert({"company_id": COMPANY, "year_id": YEAR, "series": "A", "number": number,
                                   "date": day, "text": text})
            db["transactions"].insert_all(
                {"company_id": COMPANY, "year_id": YEAR, "series": "A", "number": number, "row_no": row["row_no"],
                 "account": row["account"], "amount_ore": row["debit_ore"] - row["credit_ore"], "text": text,
                 "objects": "[]"} for row in db["adjustment_rows"].rows_where("voucher_id = ?", [voucher_id]))
