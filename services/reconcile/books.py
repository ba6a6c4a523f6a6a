"""The general ledger as the checks read it: the imported years, IB and movements up to a balance date."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlite_utils import Database

from services.errors import Invalid
from services.money import format_sek
from services.reconcile import queries
from services.reconcile.model import Year


def frame(db: Database, sql: str, params: Sequence[str | int] | Mapping[str, str | int]) -> pd.DataFrame:
    return pd.read_sql_query(sql, db.conn, params=dict(params) if isinstance(params, Mapping) else list(params))


def kr(ore: int) -> str:
    return f"{format_sek(ore)} kr"


def financial_years(db: Database, company_id: str) -> list[Year]:
    """The imported financial years, oldest first."""
    return [Year(row["year_id"], date.fromisoformat(row["start"]), date.fromisoformat(row["end"]))
            for row in db.query(queries.FINANCIAL_YEARS, [company_id])]


def year_of(years: Sequence[Year], day: date) -> Year:
    for year in years:
        if year.start <= day <= year.end:
            return year
    raise Invalid(f"Balansdagen {day} ligger inte i något importerat räkenskapsår. Välj en dag i ett importerat år "
                  "eller importera SIE4-data för året under Underhåll → Import.")


def balance_date_for(years: Sequence[Year], calendar_year: int | None = None) -> date:
    """The default balance date: the end of the latest imported year (or of the one ending in `calendar_year`)."""
    if not years:
        raise Invalid("Inga räkenskapsår är importerade. Importera SIE4-data under Underhåll → Import först.")
    if calendar_year is None:
        return years[-1].end
    for year in reversed(years):
        if year.end.year == calendar_year:
            return year.end
    raise Invalid(f"Inget importerat räkenskapsår slutar {calendar_year}.")


def account_names(db: Database, company_id: str, year_id: str) -> dict[str, str]:
    return {row["number"]: row["name"] for row in db.query(queries.ACCOUNT_NAMES, [company_id, year_id])}


def predefined_account(db: Database, company_id: str, name: str, default: str) -> str:
    """The account Fortnox names `name` for this company (CUSTCLAIM, SUPDEBT, …), else the BAS default."""
    for row in db.query(queries.PREDEFINED_ACCOUNT, [company_id, name]):
        return row["account"]
    return default


def balances(db: Database, company_id: str, year_id: str, kind: str) -> dict[str, int]:
    return {row["account"]: row["amount_ore"] for row in db.query(queries.BALANCES_OF_KIND,
                                                                   [company_id, year_id, kind])}


@dataclass
class Books:
    """The general ledger at the balance date: IB, movements up to the date, per account."""

    opening: dict[str, int]
    movements: dict[str, int]
    late: set[tuple[str, str]] = field(default_factory=set)  # vouchers of the year dated after the balance date

    def balance(self, account: str) -> int:
        return self.opening.get(account, 0) + self.movements.get(account, 0)


def books(db: Database, company_id: str, year: Year, day: date, accounts: Collection[str] | None = None) -> Books:
    """IB, and the movements up to `day` of `accounts` (all when None): the year's sums minus the vouchers dated
    after `day` (none when `day` is the year's end). The control accounts' movements come from the ledger checks."""
    key = [company_id, year.id]
    opening = balances(db, company_id, year.id, "IB")
    if accounts is None:
        movements = {row[0]: row[1] for row in db.execute(queries.MOVEMENTS, key)}
    else:
        movements = {row[0]: row[1] for row in db.execute(queries.MOVEMENTS_OF_ACCOUNTS,
                                                          [*key, json.dumps(sorted(accounts))])}
    late = {(series, number) for series, number in db.execute(
        queries.LATE_VOUCHERS, [*key, day.isoformat()]).fetchall()} if day < year.end else set()
    if late:
        for account, amount in db.execute(queries.LATE_MOVEMENTS, [*key, day.isoformat()]).fetchall():
            if account in movements:
                movements[account] -= amount
    return Books(opening, movements, late)
