"""The customer and supplier ledgers against their control accounts, every difference explained item by item.

The joins stay in SQLite (see `queries`); Python only sees the rows that need explaining, so a year of a million
transaction rows reconciles in well under two seconds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pandas as pd
from sqlite_utils import Database

from services import currency
from services.ledgers.model import LedgerKind
from services.money import format_rate, format_sek
from services.reconcile import queries
from services.reconcile.books import Books, frame, kr, predefined_account
from services.reconcile.model import Check, CheckId, Item, ItemKind, VoucherKey, Year

# Which of Fortnox's predefined accounts is each ledger's control account, with BAS defaults when it is missing.
CONTROL_ACCOUNTS = {CheckId.AR_VS_GL: (LedgerKind.CUSTOMER, "CUSTCLAIM", "1510"),
                    CheckId.AP_VS_GL: (LedgerKind.SUPPLIER, "SUPDEBT", "2440")}
DOCUMENT = {LedgerKind.CUSTOMER: ("Kundfaktura", "kundfordringar", "Kundreskontran"),
            LedgerKind.SUPPLIER: ("Leverantörsfaktura", "leverantörsskulder", "Leverantörsreskontran")}


@dataclass
class Foreign:
    """The foreign-currency invoices of a ledger: what each payment took off at the invoice's own rate (the rest of
    the SEK paid is a realised currency difference), and per invoice what is open at the balance date, in its
    currency and in SEK at its rate (the rule of `services.currency`, shared with Reskontra)."""

    invoices: pd.DataFrame
    reductions: dict[int, int]
    open_value: dict[int, int]
    open_amount: dict[int, int]


def foreign(db: Database, params: Mapping[str, object]) -> Foreign:
    invoices = frame(db, queries.FOREIGN_INVOICES, params)
    payments = db.execute(queries.FOREIGN_PAYMENTS, params).fetchall()
    info = {row.iid: row for row in invoices.itertuples()}
    whole: dict[int, int] = {}
    for _, iid, amount, _ in payments:
        whole[iid] = whole.get(iid, 0) + amount
    reductions: dict[int, int] = {}
    paid: dict[int, int] = {}
    taken_before: dict[int, int] = {}
    settled_by_day: dict[int, int] = {}
    for pid, iid, amount, paid_day in payments:
        row = info[iid]
        total, value = int(row.total), int(row.value)
        paid[iid] = paid.get(iid, 0) + amount
        settled = currency.paid_in_currency(total, int(row.balance), paid[iid], whole[iid])
        taken = value - currency.open_sek(total, value, settled) if total else paid[iid]
        reductions[pid] = taken - taken_before.get(iid, 0)
        taken_before[iid] = taken
        if paid_day <= params["day"]:
            settled_by_day[iid] = settled
    open_amount = {iid: int(row.total) - settled_by_day.get(iid, 0) for iid, row in info.items()}
    open_value = {iid: currency.open_sek(int(row.total), int(row.value), settled_by_day.get(iid, 0))
                  for iid, row in info.items()}
    return Foreign(invoices, reductions, open_value, open_amount)


def params_for(company_id: str, kind: str, year: Year, day: date, account: str = "") -> dict[str, object]:
    return {"company": company_id, "kind": kind, "year": year.id, "start": year.start.isoformat(),
            "day": day.isoformat(), "account": account, "sign": 1 if kind == LedgerKind.CUSTOMER else -1}


def _reductions(db: Database, reductions: Mapping[int, int]) -> None:
    for statement in queries.CREATE_REDUCTIONS:
        db.execute(statement)
    db.conn.executemany(queries.INSERT_REDUCTION, list(reductions.items()))


def _scratch(db: Database, params: Mapping[str, object], late: bool) -> None:
    for statement in queries.CREATE_SCRATCH:
        db.execute(statement)
    db.execute(queries.FILL_CONTROL, params)
    if late:
        db.execute(queries.DROP_LATE_CONTROL, params)
    db.execute(queries.FILL_LINKS, params)
    db.execute(queries.FILL_POSTED)


def _unmatched(db: Database, params: Mapping[str, object]) -> tuple[list[int], set[int]]:
    """Pair each payment of the window with a voucher that day posting what it takes off on the control account
    (the n-th payment with the n-th voucher of the same day and amount, both by id); returns the payments left
    without one and the control-account vouchers that neither book an invoice nor were paired."""
    pids: list[int] = []
    free: set[int] = set()
    for payments, vouchers in db.execute(queries.UNPAIRED, params):
        unpaid, unused = _sorted_ids(payments), _sorted_ids(vouchers)
        paired = min(len(unpaid), len(unused))
        pids += unpaid[paired:]
        free.update(unused[paired:])
    return pids, free


def _sorted_ids(concatenated: str | None) -> list[int]:
    return sorted(int(value) for value in concatenated.split(",")) if concatenated else []


def _ids(values: Sequence[int]) -> str:
    return json.dumps([int(v) for v in values])


def ledger_check(db: Database, company_id: str, check_id: CheckId, year: Year, day: date, books: Books,
                 rates: Mapping[str, Decimal], own: Mapping[VoucherKey, str]) -> Check:
    """`own` names this app's exported corrections in the books (by their Fortnox voucher): they are corrections,
    not new findings."""
    kind, predefined, default = CONTROL_ACCOUNTS[check_id]
    account = predefined_account(db, company_id, predefined, default)
    params = params_for(company_id, kind, year, day, account)
    if not db.execute(queries.LEDGERS_IMPORTED, params).fetchone()[0]:
        return Check(check_id, books.balance(account), 0, account=account, known=False,
                     note=f"{DOCUMENT[kind][2]} är inte importerad, så {account} kan inte stämmas av mot den. "
                          "Importera Kund- och leverantörsreskontra under Underhåll → Import.")
    sign = 1 if kind == LedgerKind.CUSTOMER else -1
    found = foreign(db, params)
    _reductions(db, found.reductions)
    _scratch(db, params, bool(books.late))
    total, before = db.execute(queries.LEDGER_TOTALS, params).fetchone()
    paid, paid_before = db.execute(queries.PAYMENT_TOTALS, params).fetchone()
    items: list[Item] = []
    carried = books.opening.get(account, 0) - sign * (before - paid_before)
    if carried:
        items.append(Item(ItemKind.OPENING_DIFFERENCE, f"Ingående balans på {account} skiljer sig från reskontran "
                          f"vid årets början med {kr(carried)}.", carried, account, year.start))
    items += _invoice_items(db, params, account, year)
    pids, free = _unmatched(db, params)
    payment_items, taken = _payment_items(db, params, account, year, pids, found.reductions, free)
    items += payment_items
    for series, number, voucher_day, text, amount in db.execute(
            queries.FREE_VOUCHERS, [_ids(sorted(free - taken)), company_id, year.id]).fetchall():
        key = VoucherKey(series, number, year.id)
        if key in own:
            items.append(Item(ItemKind.OWN_CORRECTION, f"Verifikation {key.label} ({voucher_day}) är Skatt & "
                              f"Boksluts rättelse ”{own[key]}” och bokför {kr(amount)} på {account}.", amount,
                              account, date.fromisoformat(voucher_day), (key,)))
            continue
        items.append(Item(ItemKind.MANUAL_POSTING, f"Verifikation {key.label} ({voucher_day}, ”{text}”) bokför "
                          f"{kr(amount)} på {account} utan att någon faktura eller betalning i reskontran "
                          "förklarar det.", amount, account, date.fromisoformat(voucher_day), (key,)))
    items += _revaluations(kind, account, found, rates)
    posted = db.execute(queries.CONTROL_POSTED).fetchone()[0]
    return Check(check_id, books.opening.get(account, 0) + posted, sign * (total - paid), tuple(items), account,
                 f"Kontrollkonto {account} ({DOCUMENT[kind][1]}).")


def _invoice_items(db: Database, params: Mapping[str, object], account: str, year: Year) -> list[Item]:
    """Invoices whose own vouchers post another amount on the control account than their value (none: unbooked)."""
    rows = frame(db, queries.INVOICES_POSTING_OTHERWISE, params)
    if rows.empty:
        return []
    links: dict[int, tuple[VoucherKey, ...]] = {}
    for iid, series, number in db.execute(queries.INVOICE_VOUCHERS, [_ids(rows["iid"])]).fetchall():
        links[iid] = (*links.get(iid, ()), VoucherKey(series, number, year.id))
    return [_invoice_item(str(params["kind"]), account, row, links.get(row["iid"], ()))
            for row in rows.to_dict("records")]


def _invoice_item(kind: str, account: str, row: dict, vouchers: tuple[VoucherKey, ...]) -> Item:
    document = DOCUMENT[kind][0]
    number, amount, posted = row["number"], int(row["posted"] - row["expected"]), int(row["posted"])
    name = f"{document} {number} ({row['party_name']}, {row['invoice_date']})"
    is_foreign = row["currency"] not in (None, "", "SEK")
    value = f"{format_sek(int(row['total']))} {row['currency']}" if is_foreign else kr(int(row["total_sek_ore"]))
    if row["cancelled"]:
        kind_, text = ItemKind.CANCELLED_INVOICE_BOOKED, (f"{name} är makulerad men bokförd med {kr(posted)} på "
                                                          f"{account}.")
    elif not posted and not row["booked"]:
        kind_, text = ItemKind.UNBOOKED_INVOICE, (f"{name} på {value} är inte bokförd; den finns i reskontran men "
                                                  f"inte på {account}.")
    elif not posted:
        kind_, text = ItemKind.INVOICE_BOOKED_ELSEWHERE, f"{name} på {value} är bokförd men inte på {account}."
    elif is_foreign and row["total"]:
        used = (Decimal(abs(posted)) / Decimal(int(row["total"]))).quantize(Decimal("0.0001"))
        kind_, text = ItemKind.WRONG_CURRENCY_RATE, (f"{name} på {value} är bokförd med kursen {format_rate(used)} "
                                                     f"i stället för fakturans "
                                                     f"{format_rate(Decimal(row['currency_rate']))}; {account} "
                                                     f"skiljer sig med {kr(amount)}.")
    else:
        kind_, text = ItemKind.INVOICE_AMOUNT_DIFFERS, (f"{name} på {value} är bokförd med {kr(abs(posted))} på "
                                                        f"{account}; differens {kr(amount)}.")
    return Item(kind_, text, amount, account, date.fromisoformat(row["invoice_date"]), vouchers, number, kind)


def _pair(left: pd.DataFrame, left_on: list[str], right: pd.DataFrame, right_on: list[str]) -> pd.DataFrame:
    """One-to-one matches on equal keys (the n-th left row with the n-th right row of the same key)."""
    left = left.assign(_nth=left.groupby(left_on).cumcount())
    right = right.assign(_nth=right.groupby(right_on).cumcount())
    return left.merge(right, left_on=[*left_on, "_nth"], right_on=[*right_on, "_nth"], suffixes=("", "_v"))


def _payment_items(db: Database, params: Mapping[str, object], account: str, year: Year, pids: list[int],
                   reductions: Mapping[int, int], free: set[int]) -> tuple[list[Item], set[int]]:
    """Payments no voucher that day posts on the control account as expected: look for a voucher that day moving
    the money (the bank side) and say where it went. Returns the items and the vouchers they account for."""
    if not pids:
        return [], set()
    sign, kind = int(str(params["sign"])), str(params["kind"])
    payments = frame(db, queries.PAYMENTS_BY_ID, [_ids(pids)])
    payments["expected"] = [-sign * reductions.get(pid, amount) for pid, amount in
                            zip(payments["pid"], payments["amount_ore"])]
    payments["bank"] = sign * payments["amount_ore"]
    rows = frame(db, queries.CANDIDATE_PAYMENT_ROWS,
                 [params["company"], year.id, json.dumps(sorted(set(payments["payment_date"]))), _ids(sorted(free))])
    rows = rows[(rows["linked"] != 1) & (rows["vid"].isna() | rows["vid"].isin(list(free)))]
    bank = rows[rows["account"] != account].drop_duplicates(["series", "number", "amount_ore"])
    found = {hit["pid"]: hit for hit in _pair(payments, ["payment_date", "bank"], bank,
                                              ["date", "amount_ore"]).to_dict("records")}
    posted = rows[rows["account"] == account].groupby(["series", "number"])["amount_ore"].sum()
    items, taken = [], set()
    for payment in payments.to_dict("records"):
        what = "Inbetalning" if kind == LedgerKind.CUSTOMER else "Utbetalning"
        name = (f"{what} {payment['number']} av {DOCUMENT[kind][0].lower()} {payment['invoice']} "
                f"({kr(int(payment['amount_ore']))}, {payment['payment_date']})")
        expected, invoice = int(payment["expected"]), payment["invoice"]
        day = date.fromisoformat(payment["payment_date"])
        hit = found.get(payment["pid"])
        if hit is None:
            kind_ = ItemKind.PAYMENT_VOUCHER_MISSING if payment["booked"] else ItemKind.UNBOOKED_PAYMENT
            text = f"{name} hittas inte i huvudboken." if payment["booked"] else f"{name} är inte bokförd."
            items.append(Item(kind_, text, -expected, account, day, (), invoice, kind))
            continue
        if not pd.isna(hit["vid"]):
            taken.add(int(hit["vid"]))
        key = VoucherKey(hit["series"], hit["number_v"], year.id)
        on_control = int(posted.get((hit["series"], hit["number_v"]), 0))
        if on_control:
            items.append(Item(ItemKind.PAYMENT_AMOUNT_DIFFERS, f"{name} är bokförd på {key.label} med "
                              f"{kr(on_control)} på {account}; differens {kr(on_control - expected)}.",
                              on_control - expected, account, day, (key,), invoice, kind))
            continue
        own_rows = rows[(rows["series"] == hit["series"]) & (rows["number"] == hit["number_v"])]
        others = sorted(set(own_rows["account"]) - {hit["account"]})
        items.append(Item(ItemKind.PAYMENT_WRONG_ACCOUNT, f"{name} är bokförd på {key.label} mot "
                          f"{', '.join(others) or 'annat konto'} i stället för {account}.", -expected, account, day,
                          (key,), invoice, kind))
    return items, taken


def _revaluations(kind: str, account: str, found: Foreign, rates: Mapping[str, Decimal]) -> list[Item]:
    """Open foreign items valued at the balance-date rate the user gave for their currency (none given: no item)."""
    sign = 1 if kind == LedgerKind.CUSTOMER else -1
    items = []
    for row in found.invoices[found.invoices["currency"].isin(list(rates))].itertuples():
        open_value, open_amount = found.open_value[row.iid], found.open_amount[row.iid]
        if not open_value or not open_amount:
            continue
        change = sign * (currency.to_sek(open_amount, rates[row.currency], row.currency_unit) - open_value)
        if change:
            text = (f"{DOCUMENT[kind][0]} {row.number} ({row.party_name}): {format_sek(open_amount)} {row.currency} "
                    f"öppet, kurs {format_rate(Decimal(row.currency_rate))} → {format_rate(rates[row.currency])}: "
                    f"omvärdering {kr(change)}.")
            items.append(Item(ItemKind.CURRENCY_DIFFERENCE, text, change, account, None, (), row.number, kind,
                              explains=False))
    return items


def open_currencies(db: Database, company_id: str, year: Year, day: date) -> dict[str, Decimal]:
    """Currencies with open foreign items at `day`, each with the rate of its latest open invoice (a starting
    point for the balance-date rate the user enters)."""
    rates: dict[str, Decimal] = {}
    for kind in (LedgerKind.CUSTOMER, LedgerKind.SUPPLIER):
        found = foreign(db, params_for(company_id, kind, year, day))
        for row in found.invoices.sort_values("invoice_date").itertuples():
            if found.open_value[row.iid]:
                rates[row.currency] = Decimal(row.currency_rate)
    return dict(sorted(rates.items()))
