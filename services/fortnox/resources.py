"""Typed calls to the Fortnox resources the product uses. Lenient on input: Fortnox sends numbers as strings,
`null` and `""` for unset values, and both casings of error keys (NOTES.md §4.4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxError
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


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        raise FortnoxError(f"Fortnox skickade ett ogiltigt datum: {value!r}.") from None


def company_information(client: FortnoxClient) -> CompanyInfo:
    info = client.get_json("/3/companyinformation").get("CompanyInformation") or {}
    return CompanyInfo(
        tenant_id=_text(info.get("DatabaseNumber")),
        orgnr=_text(info.get("OrganizationNumber")),
        name=_text(info.get("CompanyName")),
    )


def financial_years(client: FortnoxClient) -> list[FinancialYear]:
    """All of the company's financial years, oldest first."""
    years = [
        FinancialYear(id=_text(item.get("Id")), start=_date(item.get("FromDate")), end=_date(item.get("ToDate")))
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
        series=_text(item.get("VoucherSeries")),
        number=_text(item.get("VoucherNumber")),
        year_id=_text(item.get("Year")) or year_id,
        date=_date(item.get("TransactionDate")),
        comments=_text(item.get("Comments")),
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
