"""SIE4-data: each chosen financial year's SIE 4 file from Fortnox, read by the project's SIE reader and published
in one transaction. An incremental run asks Fortnox first whether any voucher of the year changed since the last
import, and skips the (large) SIE file when none did."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from services.fortnox import resources
from services.fortnox.client import FortnoxClient
from services.fortnox.paginate import fetch_page
from services.fortnox.resources import FinancialYear
from services.imports.model import ImportFailed, ImportPart
from services.imports.runs import Tracker
from services.imports.staging import Staging
from services.money import oversized
from services.sie import SieBalance, SieDocument, SieError, SieMessage, SieVoucher, read_sie
from services.store import TableRows

PART = ImportPart.SIE4


def changed_years(client: FortnoxClient, years: list[FinancialYear], since: str, tracker: Tracker) -> list[FinancialYear]:
    """The years with a voucher created or changed since `since` (Fortnox's lastmodified, Swedish local time)."""
    changed = []
    for year in years:
        page = fetch_page(client, "/3/vouchers", "Vouchers", {"financialyear": year.id, "lastmodified": since}, limit=1)
        tracker.update(PART, requests=1)
        if page.total_resources:
            changed.append(year)
    return changed


def fetch(client: FortnoxClient, staging: Staging, years: list[FinancialYear],
          tracker: Tracker) -> list[tuple[FinancialYear, SieDocument]]:
    """Each year's SIE file, read; only a file that reads is staged, and a staged one that no longer reads is
    fetched again (a malformed answer must not fail every later run)."""
    documents = []
    for year in years:
        chunk = f"year-{year.id}"
        document = _staged(staging, chunk, year)
        fetched = document is None
        if document is None:
            data = resources.sie(client, year.id)
            document = parse(data, year)
            staging.put("sie", chunk, data)
        documents.append((year, document))
        tracker.update(PART, items=1, requests=int(fetched))
    return documents


def is_staged(staging: Staging, year: FinancialYear) -> bool:
    """Whether an earlier run already fetched the year's file (so this run sends no request for it)."""
    return staging.has("sie", f"year-{year.id}")


def _staged(staging: Staging, chunk: str, year: FinancialYear) -> SieDocument | None:
    data = staging.get("sie", chunk)
    if data is None:
        return None
    try:
        return parse(data, year)
    except ImportFailed:
        staging.drop("sie", chunk)
        return None


def parse(data: bytes, year: FinancialYear) -> SieDocument:
    """The file read, with every amount within what the store holds; ImportFailed naming the line otherwise."""
    try:
        document = read_sie(data)
    except SieError as exc:
        message = exc.message
    else:
        errors = amount_errors(document.balances, document.vouchers)
        if not errors:
            return document
        message = errors[0].message
    raise ImportFailed(f"SIE-filen för räkenskapsåret {year.start}–{year.end} från Fortnox kunde inte läsas: {message}")


def amount_errors(balances: Iterable[SieBalance], vouchers: Iterable[SieVoucher]) -> list[SieMessage]:
    """The balances and voucher rows whose amounts the store can't hold, each naming its line (a SIE file from
    Fortnox, one chosen by hand — voucher by voucher while it streams — or SIE 4I vouchers)."""
    lines = [(b.line, b.amount_ore) for b in balances]
    lines += [(row.line, row.amount_ore) for voucher in vouchers for row in voucher.rows]
    return [SieMessage(line, "amount_too_large", refusal) for line, amount in lines
            if (refusal := oversized(f"Rad {line}", amount))]


@dataclass(frozen=True)
class PreparedBooks:
    """The years' books as table rows, built before the publishing transaction (see store.TableRows)."""

    years: list[FinancialYear]
    rows: list[TableRows]
    counts: dict[str, int]


def prepare(company_id: str, documents: list[tuple[FinancialYear, SieDocument]]) -> PreparedBooks:
    """`transactions` holds each voucher's current rows only; rows struck in Fortnox go to `struck_transactions`,
    which no sum reads."""
    rows: list[TableRows] = []
    account_numbers: set[str] = set()
    for year, document in documents:
        rows += voucher_rows(company_id, year, document.vouchers) + chart_rows(company_id, year, document)
        account_numbers.update(document.accounts)
    counts = {"accounts": len(account_numbers), "vouchers": sum(len(d.vouchers) for _, d in documents),
              "transactions": sum(len(v.rows) for _, d in documents for v in d.vouchers)}
    return PreparedBooks([year for year, _ in documents], rows, counts)


def publish(db: Database, company_id: str, books: PreparedBooks) -> dict[str, int]:
    """Replace the years' books with the prepared ones (call inside a write transaction)."""
    for year in books.years:
        clear_year(db, company_id, year)
    for table_rows in books.rows:
        table_rows.insert(db)
    return books.counts


def clear_year(db: Database, company_id: str, year: FinancialYear) -> None:
    """The year's books gone and the year itself recorded: what a publish starts with."""
    key = [company_id, year.id]
    for table in ("financial_years", "accounts", "balances", "vouchers", "transactions", "struck_transactions"):
        db.table(table).delete_where("company_id = ? and year_id = ?", key)
    db.table("financial_years").insert(
        {"company_id": company_id, "year_id": year.id, "start": year.start.isoformat(), "end": year.end.isoformat()}
    )


def chart_rows(company_id: str, year: FinancialYear, document: SieDocument) -> list[TableRows]:
    """The accounts and the year's opening and closing balances (known once the whole file is read)."""
    return [
        TableRows.of("accounts", (
            {"company_id": company_id, "year_id": year.id, "number": account.number, "name": account.name,
             "type": account.type, "sru": account.sru}
            for account in document.accounts.values())),
        TableRows.of("balances", (
            {"company_id": company_id, "year_id": year.id, "kind": balance.kind, "account": balance.account,
             "amount_ore": balance.amount_ore} for balance in document.balances if balance.year == 0),
            replace=True),  # a repeated balance line: the last one counts
    ]


def voucher_rows(company_id: str, year: FinancialYear, vouchers: Sequence[SieVoucher]) -> list[TableRows]:
    """Vouchers and their current and struck rows (all of a file's at once, or a batch of them while it streams)."""
    return [
        TableRows.of("vouchers", (
            {"company_id": company_id, "year_id": year.id, "series": voucher.series, "number": voucher.number,
             "date": voucher.date.isoformat(), "text": voucher.text,
             "reg_date": voucher.reg_date.isoformat() if voucher.reg_date else None}
            for voucher in vouchers)),
        TableRows.of("transactions", (
            {"company_id": company_id, "year_id": year.id, "series": voucher.series, "number": voucher.number,
             "row_no": row_no, "account": row.account, "amount_ore": row.amount_ore, "text": row.text,
             "objects": json.dumps(row.objects)}
            for voucher in vouchers
            for row_no, row in enumerate(voucher.rows, start=1))),
        TableRows.of("struck_transactions", (
            {"company_id": company_id, "year_id": year.id, "series": voucher.series, "number": voucher.number,
             "row_no": row_no, "account": row.account, "amount_ore": row.amount_ore, "text": row.text,
             "objects": json.dumps(row.objects), "struck_by": row.sign}
            for voucher in vouchers
            for row_no, row in enumerate(voucher.struck, start=1))),
    ]
