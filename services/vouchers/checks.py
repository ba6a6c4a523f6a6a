"""The checks a voucher passes before anything is sent to Fortnox, each failure a Swedish sentence that names the
voucher (and the row) and says what to do.

`draft_problems` needs nothing but the voucher (the editor runs it on every change); `fortnox_problems` checks it
against the company's books as Fortnox has them right now (`FortnoxBooks`, read once per export).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from services.fortnox import resources
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import MissingLicence, MissingScope
from services.money import format_sek, oversized
from services.vouchers.model import AdjustmentVoucher

TEXT_LIMIT = 200  # Voucher.Description
ROW_TEXT_LIMIT = 100  # VoucherRow.TransactionInformation
MANDATORY, NOT_ALLOWED = "MANDATORY", "NOTALLOWED"
PROJECT_COMPLETED = "COMPLETED"


def _row(voucher: AdjustmentVoucher, number: int) -> str:
    return f"{voucher.name}, rad {number}"


def draft_problems(voucher: AdjustmentVoucher) -> list[str]:
    """What is wrong with the voucher on its own: rows, amounts, balance, texts."""
    problems = []
    if not voucher.text.strip():
        problems.append(f"Verifikationen den {voucher.date} saknar text. Skriv vad den gäller.")
    if len(voucher.text) > TEXT_LIMIT:
        problems.append(f"{voucher.name}: texten är {len(voucher.text)} tecken; Fortnox tar högst {TEXT_LIMIT}. Korta den.")
    if len(voucher.rows) < 2:
        problems.append(f"{voucher.name} har {len(voucher.rows)} rad(er); en verifikation behöver minst två.")
    for number, row in enumerate(voucher.rows, start=1):
        if not (row.account.isdigit() and len(row.account) == 4):
            problems.append(f"{_row(voucher, number)}: kontot «{row.account}» är inget fyrsiffrigt kontonummer.")
        if row.debit_ore < 0 or row.credit_ore < 0:
            problems.append(f"{_row(voucher, number)}: debet och kredit skrivs som positiva belopp.")
        elif row.debit_ore and row.credit_ore:
            problems.append(f"{_row(voucher, number)}: ange antingen debet eller kredit, inte båda.")
        elif not row.debit_ore and not row.credit_ore:
            problems.append(f"{_row(voucher, number)}: raden saknar belopp.")
        elif too_large := oversized(_row(voucher, number), row.debit_ore, row.credit_ore):
            problems.append(too_large)
        if len(row.text) > ROW_TEXT_LIMIT:
            problems.append(f"{_row(voucher, number)}: radtexten är {len(row.text)} tecken; Fortnox tar högst "
                            f"{ROW_TEXT_LIMIT}. Korta den.")
    if voucher.balance_ore:
        side = "debet" if voucher.balance_ore > 0 else "kredit"
        problems.append(f"{voucher.name} är inte i balans: {format_sek(abs(voucher.balance_ore))} kr mer i {side}.")
    return problems


@dataclass
class FortnoxBooks:
    """What Fortnox says right now about the years the vouchers fall in; `None` for dimensions it would not show."""

    years: list[resources.FinancialYear]
    locked_until: date | None
    series: dict[str, dict[str, resources.VoucherSeries]] = field(default_factory=dict)
    accounts: dict[str, dict[str, resources.AccountInfo]] = field(default_factory=dict)
    cost_centers: dict[str, bool] | None = None
    projects: dict[str, str] | None = None
    read: set[str] = field(default_factory=set)

    def year_of(self, day: date) -> resources.FinancialYear | None:
        return next((year for year in self.years if year.contains(day)), None)


def _optional(fetch, client: FortnoxClient) -> dict | None:
    """A dimension list the token may have no scope or licence for: then Fortnox's own check stands alone."""
    try:
        return fetch(client)
    except (MissingScope, MissingLicence):
        return None


def load_books(client: FortnoxClient, vouchers: Iterable[AdjustmentVoucher]) -> FortnoxBooks:
    """Read what the checks need: years and locked period, then per voucher what `cover` adds."""
    books = FortnoxBooks(resources.financial_years(client), resources.locked_period(client))
    for voucher in vouchers:
        cover(client, books, voucher)
    return books


def cover(client: FortnoxClient, books: FortnoxBooks, voucher: AdjustmentVoucher) -> None:
    """Add to `books` what checking `voucher` needs and they lack: its year's series and accounts, and the cost
    centres and projects when it uses them (each read once)."""
    year = books.year_of(voucher.date)
    if year is not None and year.id not in books.accounts:
        books.series[year.id] = {s.code: s for s in resources.voucher_series(client, year.id)}
        books.accounts[year.id] = {a.number: a for a in resources.accounts(client, year.id)}
    if "costcenters" not in books.read and any(row.cost_center for row in voucher.rows):
        books.read.add("costcenters")
        books.cost_centers = _optional(resources.cost_centers, client)
    if "projects" not in books.read and any(row.project for row in voucher.rows):
        books.read.add("projects")
        books.projects = _optional(resources.projects, client)


def series_problems(books: FortnoxBooks, series: str, year: resources.FinancialYear) -> list[str]:
    """The year-end series must exist in the year and take manual vouchers."""
    found = books.series.get(year.id, {}).get(series)
    if found is None:
        return [(f"Verifikationsserien {series} finns inte i Fortnox för räkenskapsåret {year.start} – {year.end}. "
                 "Välj en annan serie eller skapa den i Fortnox.")]
    if not found.manual:
        return [(f"Verifikationsserien {series} ({found.description}) tar inte emot manuella verifikationer i "
                 "Fortnox. Välj en manuell serie, t.ex. A.")]
    return []


def fortnox_problems(voucher: AdjustmentVoucher, books: FortnoxBooks, series: str) -> list[str]:
    """Year, locked period, series, accounts and dimensions, as Fortnox would judge them."""
    year = books.year_of(voucher.date)
    if year is None:
        return [(f"{voucher.name}: det finns inget räkenskapsår i Fortnox för datumet {voucher.date}. "
                 "Skapa året i Fortnox eller ändra datumet.")]
    problems = series_problems(books, series, year)
    if books.locked_until is not None and voucher.date <= books.locked_until:
        problems.append(f"{voucher.name}: perioden t.o.m. {books.locked_until} är låst i Fortnox. Ändra datumet eller "
                        "lås upp perioden i Fortnox (Inställningar → Bokföring → Periodlåsning).")
    accounts = books.accounts.get(year.id, {})
    for number, row in enumerate(voucher.rows, start=1):
        where = _row(voucher, number)
        account = accounts.get(row.account)
        if account is None:
            problems.append(f"{where}: konto {row.account} finns inte i Fortnox för räkenskapsåret {year.start} – "
                            f"{year.end}. Välj ett annat konto eller lägg upp det i Fortnox.")
            continue
        if not account.active:
            problems.append(f"{where}: konto {row.account} ({account.description}) är inaktivt i Fortnox. Aktivera "
                            "kontot i Fortnox eller välj ett annat.")
        problems += _dimension_problems(where, row.account, "kostnadsställe", row.cost_center,
                                        account.cost_center_settings)
        problems += _dimension_problems(where, row.account, "projekt", row.project, account.project_settings)
        if row.cost_center and books.cost_centers is not None:
            active = books.cost_centers.get(row.cost_center)
            if active is None:
                problems.append(f"{where}: kostnadsstället {row.cost_center} finns inte i Fortnox.")
            elif not active:
                problems.append(f"{where}: kostnadsstället {row.cost_center} är inaktivt i Fortnox.")
        if row.project and books.projects is not None:
            status = books.projects.get(row.project)
            if status is None:
                problems.append(f"{where}: projektet {row.project} finns inte i Fortnox.")
            elif status == PROJECT_COMPLETED:
                problems.append(f"{where}: projektet {row.project} är avslutat i Fortnox.")
    return problems


def _dimension_problems(where: str, account: str, what: str, value: str, setting: str) -> list[str]:
    if setting == MANDATORY and not value:
        return [f"{where}: konto {account} kräver {what} i Fortnox. Fyll i {what}."]
    if setting == NOT_ALLOWED and value:
        return [f"{where}: konto {account} tillåter inte {what} i Fortnox. Töm fältet för {what}."]
    return []
