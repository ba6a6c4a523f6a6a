"""Balances derived from the stored books: opening (IB), closing (UB) and result (RES) per financial year.

Only the first year's opening balances are stored; every later year opens with the previous year's closing
balance on the balance accounts, so a voucher created through the API moves the UB and RES of its year (and the
IB of the years after it) at once. IB(year) = UB(previous year) holds except where someone changed a later
year's brought-forward balance by hand (`BooksStore.opening_edits`, a planted finding): the SIE export and the
accounts API both read IB from here, so they show such a difference the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.chart import is_balance_account
from sandbox.records import FinancialYear
from sandbox.books_store import BooksStore


@dataclass(frozen=True)
class YearBalances:
    """One financial year's figures, öre per account (debit positive)."""

    year: FinancialYear
    opening: dict[str, int]
    movements: dict[str, int]

    @property
    def closing(self) -> dict[str, int]:
        """UB for balance accounts: IB plus the year's movements."""
        accounts = {a for a in self.opening} | {a for a in self.movements if is_balance_account(a)}
        return {a: self.opening.get(a, 0) + self.movements.get(a, 0) for a in accounts if is_balance_account(a)}

    @property
    def result(self) -> dict[str, int]:
        """RES for result accounts: the year's movements."""
        return {a: v for a, v in self.movements.items() if not is_balance_account(a)}


def previous_year(store: BooksStore, tenant_id: str, year: FinancialYear) -> FinancialYear | None:
    """The financial year that ends the day before `year` starts, if the company has one."""
    earlier = [y for y in store.financial_years(tenant_id) if y.to_date < year.from_date]
    return max(earlier, key=lambda y: y.to_date) if earlier else None


def year_balances(store: BooksStore, tenant_id: str, year: FinancialYear) -> YearBalances:
    """IB, movements (and through them UB and RES) of one year."""
    return YearBalances(year, opening_balances(store, tenant_id, year), store.movements(tenant_id, year.id))


def opening_balances(store: BooksStore, tenant_id: str, year: FinancialYear) -> dict[str, int]:
    """IB per balance account: stored for the first year, the previous year's UB (plus hand edits) for later ones."""
    before = previous_year(store, tenant_id, year)
    if before is None:
        return {a: v for a, v in store.stored_opening_balances(tenant_id, year.id).items() if is_balance_account(a)}
    opening = year_balances(store, tenant_id, before).closing
    for account, amount in store.opening_edits(tenant_id, year.id).items():
        opening[account] = opening.get(account, 0) + amount
    return opening
