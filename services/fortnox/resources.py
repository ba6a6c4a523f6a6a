"""Typed calls to the Fortnox resources the product uses. Lenient on input: Fortnox sends numbers as strings,
`null` and `""` for unset values, and both casings of error keys (NOTES.md §4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.fortnox import values
from services.fortnox.client import FortnoxClient
from services.fortnox.paginate import paginate


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
    series: str
    number: str
    year_id: str
    date: date
    comments: str


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
    """The vouchers of one date; list items carry no rows, but they do carry Comments."""
    items = paginate(
        client, "/3/vouchers", "Vouchers", {"financialyear": year_id, "fromdate": day.isoformat(), "todate": day.isoformat()}
    )
    return [_voucher_ref(item, year_id) for item in items]


def _voucher_ref(item: dict[str, Any], year_id: str) -> VoucherRef:
    """A voucher's identity from a list item or a single answer (Year may be absent or a string)."""
    return VoucherRef(
        series=values.text(item.get("VoucherSeries")),
        number=values.text(item.get("VoucherNumber")),
        year_id=values.text(item.get("Year")) or year_id,
        date=values.day(item.get("TransactionDate")),
        comments=values.text(item.get("Comments")),
    )


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
