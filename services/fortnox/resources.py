"""Typed calls to the Fortnox resources the product uses. Lenient on input: Fortnox sends numbers as strings,
`null` and `""` for unset values, and both casings of error keys (NOTES.md §4.4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.fortnox import values
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxError
from services.fortnox.paginate import paginate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CompanyInfo:
    tenant_id: str
    orgnr: str
    name: str


@dataclass(frozen=True)
class FinancialYear:
    id: str
    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class VoucherRow:
    account: str
    debit: Decimal
    credit: Decimal
    text: str = ""
    cost_center: str = ""
    project: str = ""


@dataclass(frozen=True)
class VoucherRef:
    """A voucher's identity. `date` and `comments` are None when the answer left them out, as older voucher lists
    did (a `null` Comments is Fortnox saying there are none: "")."""

    series: str
    number: str
    year_id: str
    date: date | None
    comments: str | None


@dataclass(frozen=True)
class BookedVoucher:
    """A voucher as Fortnox holds it now: rows struck by a correction (`"Removed": true`) are not among `rows`, since
    the voucher balances only without them."""

    ref: VoucherRef
    description: str
    rows: tuple[VoucherRow, ...]


def company_information(client: FortnoxClient) -> CompanyInfo:
    info = client.get_json("/3/companyinformation").get("CompanyInformation") or {}
    return CompanyInfo(
        tenant_id=values.text(info.get("DatabaseNumber")),
        orgnr=values.text(info.get("OrganizationNumber")),
        name=values.text(info.get("CompanyName")),
    )


def financial_years(client: FortnoxClient) -> list[FinancialYear]:
    """All of the company's financial years, oldest first."""
    years = [
        FinancialYear(id=values.text(item.get("Id")), start=values.day(item.get("FromDate")), end=values.day(item.get("ToDate")))
        for item in paginate(client, "/3/financialyears", "FinancialYears")
    ]
    return sorted(years, key=lambda year: year.start)


def sie(client: FortnoxClient, year_id: str, sie_type: int = 4) -> bytes:
    """The year's books as Fortnox exports them: SIE bytes in CP437."""
    return client.get_bytes(f"/3/sie/{sie_type}", {"financialyear": year_id})


def vouchers_on(client: FortnoxClient, year_id: str, day: date) -> list[VoucherRef]:
    """The vouchers of one date (list items carry no rows). Read leniently, so that one odd item does not fail the
    look-up it serves: an item Fortnox sent without series, number or a readable date is skipped and logged."""
    items = paginate(
        client, "/3/vouchers", "Vouchers", {"financialyear": year_id, "fromdate": day.isoformat(), "todate": day.isoformat()}
    )
    refs = []
    for item in items:
        try:
            refs.append(_voucher_ref(item, year_id))
        except FortnoxError as exc:
            log.warning("En verifikation i Fortnox lista hoppades över: %s (serie %r, nummer %r)", exc.message,
                        item.get("VoucherSeries"), item.get("VoucherNumber"))
    return refs


def voucher(client: FortnoxClient, year_id: str, series: str, number: str) -> BookedVoucher:
    """One voucher with its current rows."""
    item = client.get_json(f"/3/vouchers/{series}/{number}", {"financialyear": year_id}).get("Voucher") or {}
    rows = tuple(_voucher_row(row) for row in item.get("VoucherRows") or [] if not values.flag(row.get("Removed")))
    return BookedVoucher(_voucher_ref(item, year_id), values.text(item.get("Description")), rows)


def _voucher_ref(item: dict[str, Any], year_id: str) -> VoucherRef:
    """A voucher's identity from a list item or a single answer (Year may be absent or a string)."""
    series, number = values.text(item.get("VoucherSeries")), values.text(item.get("VoucherNumber"))
    if not series or not number:
        raise FortnoxError("Fortnox skickade en verifikation utan serie eller nummer.")
    return VoucherRef(
        series=series,
        number=number,
        year_id=values.text(item.get("Year")) or year_id,
        date=values.optional_day(item.get("TransactionDate")),
        comments=values.text(item["Comments"]) if "Comments" in item else None,
    )


def _voucher_row(row: dict[str, Any]) -> VoucherRow:
    return VoucherRow(account=values.text(row.get("Account")), debit=values.decimal(row.get("Debit")),
                      credit=values.decimal(row.get("Credit")), text=values.text(row.get("TransactionInformation")),
                      cost_center=values.text(row.get("CostCenter")), project=values.text(row.get("Project")))


def voucher_payload(series: str, day: date, text: str, comments: str, rows: list[VoucherRow]) -> dict[str, Any]:
    """The body of `POST /3/vouchers`, amounts as exact decimals."""
    voucher_rows = []
    for row in rows:
        item: dict[str, Any] = {"Account": int(row.account), "Debit": row.debit, "Credit": row.credit}
        if row.text:
            item["TransactionInformation"] = row.text
        if row.cost_center:
            item["CostCenter"] = row.cost_center
        if row.project:
            item["Project"] = row.project
        voucher_rows.append(item)
    return {
        "Voucher": {
            "VoucherSeries": series,
            "TransactionDate": day.isoformat(),
            "Description": text,
            "Comments": comments,
            "VoucherRows": voucher_rows,
        }
    }


def create_voucher(client: FortnoxClient, year_id: str, payload: dict[str, Any]) -> VoucherRef:
    created = client.post_json("/3/vouchers", payload, {"financialyear": year_id}).get("Voucher") or {}
    return _voucher_ref(created, year_id)


@dataclass(frozen=True)
class VoucherSeries:
    code: str
    description: str
    manual: bool


@dataclass(frozen=True)
class AccountInfo:
    """What the pre-send checks need of an account: whether it may be booked on, and its dimension rules."""

    number: str
    description: str
    active: bool
    cost_center_settings: str  # ALLOWED | MANDATORY | NOTALLOWED
    project_settings: str


def voucher_series(client: FortnoxClient, year_id: str) -> list[VoucherSeries]:
    """The series of one financial year (`Manual` says whether vouchers may be created in it through the API)."""
    return [
        VoucherSeries(values.text(item.get("Code")), values.text(item.get("Description")), values.flag(item.get("Manual")))
        for item in paginate(client, "/3/voucherseries", "VoucherSeriesCollection", {"financialyear": year_id})
    ]


def locked_period(client: FortnoxClient) -> date | None:
    """The last locked day; None when no period is locked (the key may be missing, null or empty)."""
    info = client.get_json("/3/settings/lockedperiod").get("LockedPeriod") or {}
    return values.optional_day(info.get("EndDate"))


def accounts(client: FortnoxClient, year_id: str) -> list[AccountInfo]:
    return [
        AccountInfo(
            number=values.text(item.get("Number")),
            description=values.text(item.get("Description")),
            active=values.flag(item.get("Active")),
            cost_center_settings=values.text(item.get("CostCenterSettings")).upper() or "ALLOWED",
            project_settings=values.text(item.get("ProjectSettings")).upper() or "ALLOWED",
        )
        for item in paginate(client, "/3/accounts", "Accounts", {"financialyear": year_id})
    ]


def cost_centers(client: FortnoxClient) -> dict[str, bool]:
    """Cost centre code → active."""
    return {values.text(item.get("Code")): values.flag(item.get("Active"))
            for item in paginate(client, "/3/costcenters", "CostCenters")}


def projects(client: FortnoxClient) -> dict[str, str]:
    """Project number → status (NOTSTARTED, ONGOING, COMPLETED)."""
    return {values.text(item.get("ProjectNumber")): values.text(item.get("Status")).upper()
            for item in paginate(client, "/3/projects", "Projects")}
