"""The checks on the books alone: opening balances against last year's closing, the trial balance, unbalanced
vouchers, adjustments in the locked period, and accounts with a balance the tax return cannot use."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import pandas as pd
from sqlite_utils import Database

from services.mapping.model import Facts
from services.reconcile import queries
from services.reconcile.books import Books, balances, books, frame, kr
from services.reconcile.model import Check, CheckId, Item, ItemKind, VoucherKey, Year


def opening_check(db: Database, company_id: str, years: Sequence[Year], year: Year, ledger: Books) -> Check:
    previous = next((y for y in reversed(years) if y.end < year.start), None)
    if previous is None:
        return Check(CheckId.IB_VS_PREVIOUS_UB, 0, 0, known=False, note="Föregående räkenskapsår är inte importerat.")
    closing = balances(db, company_id, previous.id, "UB")
    items = []
    for account in sorted(set(closing) | set(ledger.opening)):
        opening, before = ledger.opening.get(account, 0), closing.get(account, 0)
        if opening != before:
            items.append(Item(ItemKind.OPENING_BALANCE_MISMATCH, f"Ingående balans på {account} ({kr(opening)}) "
                              f"skiljer sig från föregående års utgående balans ({kr(before)}) med "
                              f"{kr(opening - before)}.", opening - before, account, year.start))
    gl = sum(ledger.opening.get(item.account or "", 0) for item in items)
    compared = sum(closing.get(item.account or "", 0) for item in items)
    return Check(CheckId.IB_VS_PREVIOUS_UB, gl, compared, tuple(items),
                 note=f"Jämfört med {previous.start}–{previous.end}.")


def unbalanced(db: Database, company_id: str, year: Year, ledger: Books) -> list[Item]:
    items = []
    for series, number, amount in db.execute(queries.UNBALANCED_VOUCHERS, [company_id, year.id]).fetchall():
        if (series, number) in ledger.late:
            continue
        key = VoucherKey(series, number, year.id)
        items.append(Item(ItemKind.UNBALANCED_VOUCHER, f"Verifikation {key.label} är i obalans med {kr(amount)}.",
                          amount, vouchers=(key,)))
    return items


def adjustments(db: Database, company_id: str, year: Year, day: date) -> pd.DataFrame:
    return frame(db, queries.ADJUSTMENTS, [company_id, year.start.isoformat(), day.isoformat()])


def trial_balance_check(db: Database, company_id: str, year: Year, day: date, ledger: Books,
                        unbalanced_items: list[Item]) -> Check:
    before = sum(ledger.opening.values()) + sum(item.amount_ore for item in unbalanced_items)  # balanced add 0
    pending = adjustments(db, company_id, year, day)
    after = before + int(pending["amount"].sum())
    items = list(unbalanced_items)
    opening = sum(ledger.opening.values())
    if opening:
        items.insert(0, Item(ItemKind.OPENING_BALANCES_UNBALANCED, f"Årets ingående balanser summerar till "
                             f"{kr(opening)} i stället för noll.", opening, day=year.start))
    for _, rows in pending.groupby("id"):
        if int(rows["amount"].sum()):
            items.append(Item(ItemKind.UNBALANCED_ADJUSTMENT, f"Bokslutsverifikationen ”{rows['text'].iloc[0]}” "
                              f"({rows['date'].iloc[0]}) är i obalans med {kr(int(rows['amount'].sum()))}.",
                              int(rows["amount"].sum()), day=date.fromisoformat(rows["date"].iloc[0]),
                              explains=False))
    note = f"Summa före bokslutsverifikationer {kr(before)}, efter {kr(after)}."
    return Check(CheckId.TRIAL_BALANCE, before, 0, tuple(items), note=note, after_ore=after)


def trial_balance(db: Database, company_id: str, year: Year, day: date) -> pd.DataFrame:
    """Per account (columns account, name, opening, period, balance, adjustments, after; öre), for drill-down."""
    ledger = books(db, company_id, year, day)
    pending = adjustments(db, company_id, year, day).groupby("account")["amount"].sum()
    names = {row["number"]: row["name"] for row in db.query(queries.ACCOUNT_NAMES, [company_id, year.id])}
    accounts = sorted(set(ledger.opening) | set(ledger.movements) | set(pending.index))
    table = pd.DataFrame({
        "account": accounts,
        "name": [names.get(a, "") for a in accounts],
        "opening": [ledger.opening.get(a, 0) for a in accounts],
        "period": [ledger.movements.get(a, 0) for a in accounts],
        "balance": [ledger.balance(a) for a in accounts],
        "adjustments": [int(pending.get(a, 0)) for a in accounts],
    })
    table["after"] = table["balance"] + table["adjustments"]
    return table


def locked_check(db: Database, company_id: str, facts: Facts) -> Check:
    """Only an adjustment voucher dated in the locked period is a finding: a lock alone is how a year is closed."""
    if not facts.known:
        return Check(CheckId.LOCKED_PERIOD, 0, 0, known=False, note=facts.note)
    if facts.locked_until is None:
        return Check(CheckId.LOCKED_PERIOD, 0, 0, note=facts.note or "Ingen period är låst i Fortnox.")
    lock = facts.locked_until
    items = [Item(ItemKind.ADJUSTMENT_IN_LOCKED_PERIOD, f"Bokslutsverifikationen ”{row['text']}” är daterad "
                  f"{row['date']}, i den låsta perioden (t.o.m. {lock}); Fortnox tar inte emot den.", 0,
                  day=date.fromisoformat(row["date"]))
             for row in db.query(queries.ADJUSTMENTS_IN_LOCKED_PERIOD, [company_id, lock.isoformat()])]
    return Check(CheckId.LOCKED_PERIOD, 0, 0, tuple(items), note=" ".join(filter(None, (f"Låst t.o.m. {lock}.",
                                                                                      facts.note))))


def account_check(check_id: CheckId, kind: ItemKind, accounts: Sequence[str], ledger: Books,
                  names: Mapping[str, str], describe: str, day: date) -> Check:
    items = [Item(kind, f"Konto {a} {names.get(a, '')} {describe} men har saldot {kr(ledger.balance(a))}.",
                  ledger.balance(a), a, day) for a in sorted(accounts) if ledger.balance(a)]
    return Check(check_id, sum(item.amount_ore for item in items), 0, tuple(items))
