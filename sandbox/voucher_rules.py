"""The checks Fortnox applies before it books a voucher sent to `POST /3/vouchers` (NOTES.md §5.4).

Each refusal is an `ApiError` with a Swedish message; codes Fortnox is known to use are used, the others are the
sandbox's invented ones (see `sandbox.errors`). Amounts are parsed from the JSON as Decimal, never float.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sandbox.amounts import AmountError, to_ore
from sandbox.errors import (
    ACCOUNT_IN_REQUEST_NOT_FOUND,
    COST_CENTER_NOT_FOUND,
    FINANCIAL_YEAR_NOT_FOUND,
    INACTIVE_ACCOUNT,
    INVALID_DATE,
    INVALID_PARAMETER,
    JSON_SYNTAX,
    LOCKED_PERIOD,
    NO_DATA,
    NO_FINANCIAL_YEAR_FOR_DATE,
    NOT_NUMERIC,
    PROJECT_NOT_FOUND,
    REQUIRED_FIELD_MISSING,
    SERIES_NOT_FOUND,
    SERIES_NOT_MANUAL,
    TOO_FEW_ROWS,
    UNBALANCED_VOUCHER,
    ApiError,
)
from sandbox.records import CompanyRecord, FinancialYear, VoucherRow
from sandbox.books_store import BooksStore

PROJECT_COMPLETED = "COMPLETED"  # Fortnox's status of a finished project: nothing more is booked on it


@dataclass(frozen=True)
class NewVoucher:
    """A voucher that passed every check and can be stored."""

    year: FinancialYear
    series: str
    transaction_date: date
    description: str
    comments: str | None
    rows: list[VoucherRow]


def parse_json_body(body: bytes) -> Any:
    """The request body as JSON with every number as Decimal (never float); 2002115 on a syntax error."""
    try:
        return json.loads(body.decode("utf-8"), parse_float=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiError(400, JSON_SYNTAX, "Error deserializing JSON: JSON_ERROR_SYNTAX") from exc


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _required(voucher: dict[str, Any], name: str) -> str:
    value = _text(voucher.get(name)).strip()
    if not value:
        raise ApiError(400, REQUIRED_FIELD_MISSING, f"Fältet {name} är obligatoriskt.")
    return value


def _year_id(value: object) -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(str(value).strip())
    except ValueError as exc:
        raise ApiError(400, INVALID_PARAMETER, "Ogiltig parameter i anropet.") from exc


def _account_number(value: object) -> str:
    """Accounts arrive as JSON ints (or numeric strings); internally they are strings."""
    if isinstance(value, bool) or value is None:
        raise ApiError(400, ACCOUNT_IN_REQUEST_NOT_FOUND, "Kunde inte hitta konto")
    if isinstance(value, Decimal):
        if value != value.to_integral_value():
            raise ApiError(400, ACCOUNT_IN_REQUEST_NOT_FOUND, "Kunde inte hitta konto")
        value = int(value)
    text = str(value).strip()
    if not text.isdigit():
        raise ApiError(400, ACCOUNT_IN_REQUEST_NOT_FOUND, "Kunde inte hitta konto")
    return text


def _amount(value: object) -> int:
    try:
        return to_ore(value)
    except AmountError as exc:
        raise ApiError(400, NOT_NUMERIC, f"Värdet måste vara numeriskt ({value})") from exc


def _cost_center(store: BooksStore, tenant_id: str, code: str) -> str:
    """A row's cost centre: empty, or registered and active (2009911 otherwise)."""
    if not code:
        return ""
    found = store.cost_center(tenant_id, code)
    if found is None:
        raise ApiError(400, COST_CENTER_NOT_FOUND, f"Kostnadsstället {code} finns inte.")
    if not found.active:
        raise ApiError(400, COST_CENTER_NOT_FOUND, f"Kostnadsstället {code} är inte aktivt.")
    return found.code


def _project(store: BooksStore, tenant_id: str, number: str) -> str:
    """A row's project: empty, or registered and not completed (2009912 otherwise)."""
    if not number:
        return ""
    found = store.project(tenant_id, number)
    if found is None:
        raise ApiError(400, PROJECT_NOT_FOUND, f"Projektet {number} finns inte.")
    if found.status == PROJECT_COMPLETED:
        raise ApiError(400, PROJECT_NOT_FOUND, f"Projektet {number} är avslutat.")
    return found.number


def validate_new_voucher(store: BooksStore, company: CompanyRecord, payload: Any,
                         financialyear: str | None) -> NewVoucher:
    """Check a `{"Voucher": {...}}` payload the way Fortnox would; raise `ApiError` on the first problem."""
    if not isinstance(payload, dict) or not isinstance(payload.get("Voucher"), dict):
        raise ApiError(400, NO_DATA, "Ingen eller felaktig typ av data.")
    voucher: dict[str, Any] = payload["Voucher"]
    tenant_id = company.tenant_id

    series_code = _required(voucher, "VoucherSeries")
    date_text = _required(voucher, "TransactionDate")
    description = _required(voucher, "Description")
    try:
        transaction_date = date.fromisoformat(date_text)
    except ValueError as exc:
        raise ApiError(400, INVALID_DATE, f"Felaktigt datum ({date_text}).") from exc

    year_value = financialyear if financialyear not in (None, "") else voucher.get("Year")
    if year_value not in (None, ""):
        year_id = _year_id(year_value)
        year = store.financial_year(tenant_id, year_id)
        if year is None:
            raise ApiError(400, FINANCIAL_YEAR_NOT_FOUND, f"Räkenskapsåret {year_id} finns inte.")
        if not year.contains(transaction_date):
            raise ApiError(400, NO_FINANCIAL_YEAR_FOR_DATE,
                           f"Datumet {transaction_date} ligger inte i räkenskapsåret "
                           f"{year.from_date} - {year.to_date}.")
    else:
        found = store.year_for_date(tenant_id, transaction_date)
        if found is None:
            raise ApiError(400, NO_FINANCIAL_YEAR_FOR_DATE,
                           f"Det finns inget räkenskapsår för datumet {transaction_date}.")
        year = found

    series = store.series(tenant_id, series_code)
    if series is None:
        raise ApiError(400, SERIES_NOT_FOUND, f"Verifikationsserien {series_code} finns inte.")
    if not series.manual:
        raise ApiError(400, SERIES_NOT_MANUAL, f"Verifikationsserien är inte manuell ({series_code})")

    if company.locked_until is not None and transaction_date <= company.locked_until:
        raise ApiError(400, LOCKED_PERIOD,
                       f"{company.name} har låst perioden t.o.m. {company.locked_until}. "
                       "Lås upp perioden för att fortsätta.")

    raw_rows = voucher.get("VoucherRows")
    if not isinstance(raw_rows, list):
        raw_rows = []
    raw_rows = [r for r in raw_rows if not (isinstance(r, dict) and r.get("Removed") is True)]
    if len(raw_rows) < 2:
        raise ApiError(400, TOO_FEW_ROWS, "En verifikation måste ha minst två rader.")

    rows: list[VoucherRow] = []
    for raw in raw_rows:
        if not isinstance(raw, dict):
            raise ApiError(400, NO_DATA, "Ingen eller felaktig typ av data.")
        number = _account_number(raw.get("Account"))
        account = store.account(tenant_id, year.id, number)
        if account is None:
            raise ApiError(400, ACCOUNT_IN_REQUEST_NOT_FOUND, "Kunde inte hitta konto")
        if not account.active:
            raise ApiError(400, INACTIVE_ACCOUNT, f'Konto "{number}" är inte aktivt.')
        rows.append(VoucherRow(
            account=number,
            debit=_amount(raw.get("Debit")),
            credit=_amount(raw.get("Credit")),
            transaction_information=_text(raw.get("TransactionInformation")),
            cost_center=_cost_center(store, tenant_id, _text(raw.get("CostCenter")).strip()),
            project=_project(store, tenant_id, _text(raw.get("Project")).strip()),
        ))

    if sum(r.debit for r in rows) != sum(r.credit for r in rows):
        raise ApiError(400, UNBALANCED_VOUCHER, "Verifikationen är inte i balans.")

    comments = voucher.get("Comments")
    return NewVoucher(year, series_code, transaction_date, description, None if comments is None else str(comments),
                      rows)
