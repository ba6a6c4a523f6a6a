"""Kund- och leverantörsreskontra at a balance date: the open items, their ageing, and totals per party.

An item is open at the balance date D when it is dated on or before D, not cancelled, and what remained of it at D
(its total less the payments dated on or before D) is not zero. The imported balance is today's, so it cannot say
that; an item settled since D is open at D and marked as paid after the balance date. SQLite aggregates the payments
per invoice, so 50 000 open items load in one query; pandas only shapes the result.

Amounts are integers: hundredths of the invoice's currency, and öre for SEK. A foreign item's open part and its SEK
value follow `services.currency`, the rule Avstämning uses too, so both pages agree to the öre.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
from sqlite_utils import Database

from services import currency
from services.attachment_files import Attachment, attachments
from services.ledgers import queries
from services.ledgers.model import BUCKETS, PAID_AFTER, PART_PAID_AFTER, ItemFilter, Summary

SEK = "SEK"

COLUMNS = (
    "number", "party_number", "party_name", "invoice_date", "due_date", "currency", "total", "remaining",
    "total_sek", "remaining_sek", "booked", "days_overdue", "bucket", "after_status", "after_date",
)



def _foreign_remaining(total: int, balance: int, paid_by_day: int, paid_in_all: int, total_sek: int) -> tuple[int, int]:
    """(remaining in currency, remaining in SEK at the invoice's rate) for a foreign-currency invoice."""
    paid = currency.paid_in_currency(total, balance, paid_by_day, paid_in_all)
    return total - paid, currency.open_sek(total, total_sek, paid)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(dtype="object") for column in COLUMNS}).pipe(_types)


def _types(frame: pd.DataFrame) -> pd.DataFrame:
    money = {column: "Int64" for column in ("total", "remaining", "total_sek", "remaining_sek", "days_overdue")}
    frame = frame.astype({**money, "booked": "bool"})
    frame["bucket"] = pd.Categorical(frame["bucket"], categories=BUCKETS, ordered=True)
    return frame


def open_items(db: Database, company_id: str, kind: str, day: date) -> pd.DataFrame:
    """Every open item of the company's customer or supplier ledger at `day`, sorted by party and date."""
    raw = pd.read_sql_query(queries.OPEN_ITEMS, db.conn, params={"company": company_id, "kind": kind,
                                                                "day": day.isoformat()})
    if raw.empty:
        return _empty()
    sek = raw["currency"] == SEK
    raw["remaining"] = raw["total"] - raw["paid_by_day"]
    raw["remaining_sek"] = raw["remaining"]
    if (~sek).any():
        foreign = raw.loc[~sek, ["total", "balance", "paid_by_day", "paid_in_all", "total_sek"]]
        remaining = [_foreign_remaining(*row) for row in foreign.itertuples(index=False, name=None)]
        raw.loc[~sek, "remaining"] = [currency for currency, _ in remaining]
        raw.loc[~sek, "remaining_sek"] = [kronor for _, kronor in remaining]
    raw = raw.loc[raw["remaining"] != 0].copy()
    raw["bucket"] = pd.cut(raw["days_overdue"], [-1, 0, 30, 60, 90, float("inf")], labels=list(BUCKETS))
    after = raw["last_after"].notna()
    raw["after_status"] = ""
    raw.loc[after, "after_status"] = PART_PAID_AFTER
    raw.loc[after & (raw["balance"] == 0), "after_status"] = PAID_AFTER
    raw["after_date"] = raw["last_after"]  # the latest payment after the balance date: the settling one if settled
    raw = raw.sort_values(["party_name", "invoice_date", "number"], kind="stable").reset_index(drop=True)
    return _types(raw[list(COLUMNS)])


def filter_items(items: pd.DataFrame, wanted: ItemFilter) -> pd.DataFrame:
    """The items that match every given criterion; the search looks in the invoice number and the party's name."""
    keep = pd.Series(True, index=items.index)
    if wanted.party:
        keep &= items["party_number"] == wanted.party
    if wanted.bucket:
        keep &= items["bucket"] == wanted.bucket
    if wanted.booked is not None:
        keep &= items["booked"] == wanted.booked
    if wanted.currency:
        keep &= items["currency"] == wanted.currency
    term = wanted.search.strip()
    if term:
        keep &= (items["number"].str.contains(term, case=False, regex=False)
                 | items["party_name"].str.contains(term, case=False, regex=False))
    return items.loc[keep]


def party_totals(items: pd.DataFrame) -> pd.DataFrame:
    """One row per customer or supplier: open items, remaining and overdue in SEK, and the SEK in each age bucket;
    the largest balance first."""
    frame = items.assign(overdue_sek=items["remaining_sek"].where(items["days_overdue"] > 0, 0))
    keys = ["party_number", "party_name"]
    totals = frame.groupby(keys, observed=True, sort=False).agg(
        items=("number", "size"), remaining_sek=("remaining_sek", "sum"), overdue_sek=("overdue_sek", "sum"))
    ages = frame.pivot_table(index=keys, columns="bucket", values="remaining_sek", aggfunc="sum", observed=False,
                             fill_value=0)
    ages = ages.reindex(columns=list(BUCKETS), fill_value=0)
    ages.columns = list(BUCKETS)
    joined = totals.join(ages, how="left").fillna(0).reset_index()
    joined = joined.astype({column: "Int64" for column in ("items", "remaining_sek", "overdue_sek", *BUCKETS)})
    return joined.sort_values(["remaining_sek", "party_name"], ascending=[False, True], kind="stable").reset_index(
        drop=True)


def ageing(items: pd.DataFrame) -> pd.DataFrame:
    """Items and SEK per age bucket, every bucket listed (an empty one with zeros)."""
    grouped = items.groupby("bucket", observed=False).agg(items=("number", "size"),
                                                          remaining_sek=("remaining_sek", "sum"))
    grouped = grouped.reindex(list(BUCKETS), fill_value=0)
    return grouped.rename_axis("bucket").reset_index().astype({"items": "Int64", "remaining_sek": "Int64"})


def summarise(items: pd.DataFrame) -> Summary:
    foreign = items.loc[items["currency"] != SEK].groupby("currency")["remaining"].sum()
    return Summary(
        items=len(items),
        remaining_sek=int(items["remaining_sek"].sum()),
        overdue_sek=int(items.loc[items["days_overdue"] > 0, "remaining_sek"].sum()),
        unbooked=int((~items["booked"]).sum()),
        paid_after=int((items["after_status"] != "").sum()),
        foreign={str(currency): int(amount) for currency, amount in foreign.items()},
    )


def invoice_attachments(db: Database, company_id: str, kind: str, number: str) -> list[Attachment]:
    return attachments(db, company_id, kind, number)


def has_ledgers(db: Database, company_id: str) -> bool:
    found = db.execute("select exists(select 1 from ledger_invoices where company_id = ?)", [company_id]).fetchone()
    return bool(found[0])


def ledger_version(db: Database, company_id: str) -> str:
    """Changes whenever an import changes the company's ledgers: a cache key for views built from them."""
    finished = db.execute("select max(finished_at) from import_runs where company_id = ?", [company_id]).fetchone()[0]
    count = db.execute("select count(*) from ledger_invoices where company_id = ?", [company_id]).fetchone()[0]
    return f"{finished}|{count}"


def default_balance_date(db: Database, company_id: str) -> date | None:
    """The end of the latest imported financial year; without books, the date the ledgers were imported up to
    (or their latest invoice)."""
    candidates = (
        'select max("end") from financial_years where company_id = ?',
        "select max(substr(resource, 9)) from import_cursors where company_id = ? and resource like 'ledgers:%'",
        "select max(invoice_date) from ledger_invoices where company_id = ?",
    )
    for sql in candidates:
        found = db.execute(sql, [company_id]).fetchone()[0]
        if found:
            return date.fromisoformat(found)
    return None
