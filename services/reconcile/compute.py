"""Every check at a balance date, computed from the database alone (no Fortnox call: `facts` brings what only
Fortnox knows)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal

from sqlite_utils import Database

from services.mapping.model import Facts
from services.reconcile import book_checks, queries
from services.reconcile.books import account_names, balance_date_for, books, financial_years, year_of
from services.reconcile.ledger_checks import ledger_check
from services.reconcile.model import Check, CheckId, ItemKind, Reconciliation, VoucherKey


def own_vouchers(db: Database, company_id: str) -> dict[VoucherKey, str]:
    """This app's exported corrections, by the Fortnox voucher they became, with their text."""
    return {VoucherKey(series, number, year): text
            for year, series, number, _, text in db.execute(queries.OWN_VOUCHERS, [company_id]).fetchall()}


def reconcile(db: Database, company_id: str, balance_date: date | None, rates: Mapping[str, Decimal],
              facts: Facts) -> Reconciliation:
    years = financial_years(db, company_id)
    day = balance_date or balance_date_for(years)
    year = year_of(years, day)
    names = account_names(db, company_id, year.id)
    without_sru = [row[0] for row in db.execute(queries.ACCOUNTS_WITHOUT_SRU, [company_id, year.id])]
    ledger = books(db, company_id, year, day, {*without_sru, *facts.inactive_accounts})
    unbalanced = book_checks.unbalanced(db, company_id, year, ledger)
    own = own_vouchers(db, company_id)
    checks = [
        ledger_check(db, company_id, CheckId.AR_VS_GL, year, day, ledger, rates, own),
        ledger_check(db, company_id, CheckId.AP_VS_GL, year, day, ledger, rates, own),
        book_checks.opening_check(db, company_id, years, year, ledger),
        book_checks.trial_balance_check(db, company_id, year, day, ledger, unbalanced),
        Check(CheckId.UNBALANCED_VOUCHERS, sum(i.amount_ore for i in unbalanced), 0, tuple(unbalanced)),
        book_checks.locked_check(db, company_id, facts),
        book_checks.account_check(CheckId.ACCOUNT_WITHOUT_SRU, ItemKind.ACCOUNT_WITHOUT_SRU, without_sru, ledger,
                                  names, "saknar SRU-kod", day),
        book_checks.account_check(CheckId.INACTIVE_ACCOUNT_WITH_BALANCE, ItemKind.INACTIVE_ACCOUNT_WITH_BALANCE,
                                  sorted(facts.inactive_accounts), ledger, names, "är inaktivt", day)
        if facts.known else Check(CheckId.INACTIVE_ACCOUNT_WITH_BALANCE, 0, 0, known=False, note=facts.note),
    ]
    return Reconciliation(company_id, day, year, tuple(checks))
