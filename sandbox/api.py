"""The Fortnox REST API v3 resources the app uses (`/3/...`), shaped like Fortnox's own answers.

Every route goes through `sandbox.pipeline.fortnox_api`, which authenticates, counts, rate-limits, injects faults
and checks the scope before the handler here runs. Handlers build PascalCase envelopes (`{"Voucher": {...}}`,
`{"MetaInformation": {...}, "Vouchers": [...]}`), with `@url` links pointing back at this server.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.amounts import json_amount
from sandbox.answer_style import AnswerStyle, answer_style, unset
from sandbox.books import opening_balances, year_balances
from sandbox.chart import is_balance_account
from sandbox.clock import timestamp, today
from sandbox.context import Caller, sandbox_of
from sandbox.errors import (
    ACCOUNT_NOT_FOUND,
    FINANCIAL_YEAR_NOT_FOUND,
    INVALID_PARAMETER,
    NO_SUCH_ROUTE,
    SERIES_NOT_FOUND,
    VOUCHER_IMMUTABLE,
    VOUCHER_NOT_FOUND,
    ApiError,
    FortnoxJSONResponse,
    error_information,
)
from sandbox.pipeline import fortnox_api
from sandbox.records import ChartAccount, CompanyRecord, FinancialYear, Voucher, VoucherSeriesInfo
from sandbox.sie_export import SIE_TYPES, export_sie
from sandbox.voucher_rules import parse_json_body, validate_new_voucher

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
LARGEST_ID = 2**63 - 1  # SQLite's INTEGER: a larger id names nothing
ACCOUNT_CHART_TYPE = "BAS 2024"

T = TypeVar("T")


# -- shared helpers ---------------------------------------------------------------------------------


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _invalid_parameter() -> ApiError:
    return ApiError(400, INVALID_PARAMETER, "Ogiltig parameter i anropet.")


def _stored_id(raw: str) -> int | None:
    """A path or query id as the store keeps it, or None when it cannot name a stored row (not digits, too big)."""
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if value <= LARGEST_ID else None


def _int_param(request: Request, name: str, default: int, minimum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise _invalid_parameter() from exc
    if value < minimum:
        raise _invalid_parameter()
    return value


def _date_param(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise _invalid_parameter() from exc


def paginate(request: Request, items: Sequence[T]) -> tuple[Sequence[T], dict[str, int]]:
    """Apply `limit` (default 100, max 500), `page` and `offset`; return the page and its MetaInformation."""
    limit = _int_param(request, "limit", DEFAULT_LIMIT, 1)
    if limit > MAX_LIMIT:
        raise _invalid_parameter()
    page = _int_param(request, "page", 1, 1)
    offset = _int_param(request, "offset", 0, 0)
    remaining = items[offset:]
    start = (page - 1) * limit
    meta = {
        "@TotalResources": len(items),
        "@TotalPages": math.ceil(len(remaining) / limit),
        "@CurrentPage": page,
    }
    return remaining[start:start + limit], meta


def _year_from_query(request: Request, caller: Caller, required: bool = False) -> FinancialYear:
    sandbox = sandbox_of(request)
    raw = request.query_params.get("financialyear") or request.query_params.get("financialYear")
    if raw is None or raw == "":
        if required:
            raise _invalid_parameter()
        return sandbox.default_year(caller.tenant_id)
    try:
        year_id = int(raw)
    except ValueError as exc:
        raise _invalid_parameter() from exc
    stored = _stored_id(str(year_id)) if year_id >= 0 else None
    year = sandbox.store.financial_year(caller.tenant_id, stored) if stored is not None else None
    if year is None:
        raise ApiError(400, FINANCIAL_YEAR_NOT_FOUND, f"Räkenskapsåret {year_id} finns inte.")
    return year


def _fortnox_order(item: dict[str, Any]) -> dict[str, Any]:
    """Keys as Fortnox orders them: `@url` first, then alphabetical."""
    return dict(sorted(item.items(), key=lambda kv: (kv[0] != "@url", kv[0].lower())))


def _company(request: Request, caller: Caller) -> CompanyRecord:
    company = sandbox_of(request).store.company(caller.tenant_id)
    assert company is not None  # authentication already checked the tenant
    return company


# -- company information, financial years, locked period ----------------------------------------------


@fortnox_api("companyinformation")
async def company_information(request: Request, caller: Caller) -> Response:
    company = _company(request, caller)
    return FortnoxJSONResponse({"CompanyInformation": {
        "Address": company.address,
        "City": company.city,
        "CompanyName": company.name,
        "CountryCode": "SE",
        "DatabaseNumber": int(company.tenant_id),
        "OrganizationNumber": company.orgnr,
        "VisitAddress": company.address,
        "VisitCity": company.city,
        "VisitCountryCode": "SE",
        "VisitZipCode": company.zip_code,
        "ZipCode": company.zip_code,
    }})


def _financial_year_json(request: Request, year: FinancialYear) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/financialyears/{year.id}",
        "Id": year.id,
        "FromDate": year.from_date.isoformat(),
        "ToDate": year.to_date.isoformat(),
        "AccountChartType": ACCOUNT_CHART_TYPE,
        "AccountingMethod": "ACCRUAL",
    }


@fortnox_api("bookkeeping")
async def financial_years(request: Request, caller: Caller) -> Response:
    years = sandbox_of(request).store.financial_years(caller.tenant_id)
    day = _date_param(request, "date") or _date_param(request, "Date")
    if day is not None:
        years = [y for y in years if y.contains(day)]
    page, meta = paginate(request, years)
    return FortnoxJSONResponse({"MetaInformation": meta,
                                "FinancialYears": [_financial_year_json(request, y) for y in page]})


@fortnox_api("bookkeeping")
async def financial_year(request: Request, caller: Caller) -> Response:
    raw = request.path_params["id"]
    year_id = _stored_id(raw)
    year = sandbox_of(request).store.financial_year(caller.tenant_id, year_id) if year_id is not None else None
    if year is None:
        return error_information(404, FINANCIAL_YEAR_NOT_FOUND, f"Räkenskapsåret {raw} finns inte.")
    return FortnoxJSONResponse({"FinancialYear": _financial_year_json(request, year)})


@fortnox_api("bookkeeping")
async def locked_period(request: Request, caller: Caller) -> Response:
    company = _company(request, caller)
    body: dict[str, Any] = {"EndDate": company.locked_until.isoformat()} if company.locked_until else {}
    return FortnoxJSONResponse({"LockedPeriod": body})


# -- accounts -----------------------------------------------------------------------------------


def _account_json(request: Request, account: ChartAccount, year: FinancialYear, opening: dict[str, int],
                  style: AnswerStyle, closing: dict[str, int] | None = None) -> dict[str, Any]:
    balance = is_balance_account(account.number)
    item: dict[str, Any] = {
        "@url": f"{_base(request)}/3/accounts/{account.number}?financialyear={year.id}",
        "Active": account.active,
        "BalanceBroughtForward": json_amount(opening.get(account.number, 0) if balance else 0),
        "CostCenter": style.text(""),
        "CostCenterSettings": "ALLOWED",
        "Description": account.name,
        "Number": int(account.number),
        "Project": "",
        "ProjectSettings": "ALLOWED",
        "SRU": account.sru,
        "VATCode": unset(account.vat_code),
        "Year": year.id,
    }
    if closing is not None:
        item.update({
            "BalanceCarriedForward": json_amount(closing.get(account.number, 0) if balance else 0),
            "OpeningQuantities": [],
            "QuantitySettings": "NOTALLOWED",
            "QuantityUnit": "",
            "TransactionInformation": "",
            "TransactionInformationSettings": "ALLOWED",
        })
    return _fortnox_order(item)


@fortnox_api("bookkeeping")
async def accounts(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    year = _year_from_query(request, caller)
    items = store.accounts(caller.tenant_id, year.id)
    sru = request.query_params.get("sru")
    if sru:
        items = [a for a in items if str(a.sru) == sru]
    opening = opening_balances(store, caller.tenant_id, year)
    style = answer_style(caller.tenant_id)
    page, meta = paginate(request, items)
    return FortnoxJSONResponse({"MetaInformation": meta,
                                "Accounts": [_account_json(request, a, year, opening, style) for a in page]})


@fortnox_api("bookkeeping")
async def account(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    year = _year_from_query(request, caller)
    found = store.account(caller.tenant_id, year.id, request.path_params["number"])
    if found is None:
        return error_information(404, ACCOUNT_NOT_FOUND, "Kan inte hitta kontot.")
    balances = year_balances(store, caller.tenant_id, year)
    return FortnoxJSONResponse({"Account": _account_json(request, found, year, balances.opening,
                                                         answer_style(caller.tenant_id), balances.closing)})


# -- voucher series -----------------------------------------------------------------------------------


def _series_json(request: Request, series: VoucherSeriesInfo, year: FinancialYear, next_number: int | None = None
                 ) -> dict[str, Any]:
    item: dict[str, Any] = {
        "@url": f"{_base(request)}/3/voucherseries/{series.code}?financialyear={year.id}",
        "Approver": {"Id": 0, "Name": ""},
        "Code": series.code,
        "Description": series.description,
        "Manual": series.manual,
        "Year": year.id,
    }
    if next_number is not None:
        item["NextVoucherNumber"] = next_number
    return item


@fortnox_api("bookkeeping")
async def voucher_series_list(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    year = _year_from_query(request, caller)
    page, meta = paginate(request, store.voucher_series(caller.tenant_id))
    return FortnoxJSONResponse({"MetaInformation": meta,
                                "VoucherSeriesCollection": [_series_json(request, s, year) for s in page]})


@fortnox_api("bookkeeping")
async def voucher_series(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    year = _year_from_query(request, caller)
    code = request.path_params["code"]
    series = store.series(caller.tenant_id, code)
    if series is None:
        return error_information(404, SERIES_NOT_FOUND, f"Verifikationsserien {code} finns inte.")
    next_number = store.next_voucher_number(caller.tenant_id, year.id, code)
    return FortnoxJSONResponse({"VoucherSeries": _series_json(request, series, year, next_number)})


# -- vouchers ---------------------------------------------------------------------------------------


def _voucher_item(request: Request, voucher: Voucher) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/vouchers/{voucher.series}/{voucher.number}?financialyear={voucher.year_id}",
        "ApprovalState": voucher.approval_state,
        "Comments": voucher.comments,
        "Description": voucher.description,
        "ReferenceNumber": voucher.reference_number,
        "ReferenceType": voucher.reference_type,
        "TransactionDate": voucher.transaction_date.isoformat(),
        "VoucherNumber": voucher.number,
        "VoucherSeries": voucher.series,
        "Year": voucher.year_id,
    }


def _voucher_json(request: Request, caller: Caller, voucher: Voucher) -> dict[str, Any]:
    store = sandbox_of(request).store
    names = {a.number: a.name for a in store.accounts(caller.tenant_id, voucher.year_id)}
    item = _voucher_item(request, voucher)
    item.update({
        "CostCenter": "",
        "Project": "",
        "VoucherRows": [{
            "Account": int(row.account),
            "CostCenter": row.cost_center,
            "Credit": json_amount(row.credit),
            "Debit": json_amount(row.debit),
            "Description": names.get(row.account, ""),
            "Project": row.project,
            "Quantity": 0,
            "Removed": row.removed,
            "TransactionInformation": row.transaction_information,
        } for row in voucher.rows],
    })
    return _fortnox_order(item)


def _voucher_list(request: Request, caller: Caller, series: str | None) -> Response:
    store = sandbox_of(request).store
    from_date = _date_param(request, "fromdate")
    to_date = _date_param(request, "todate")
    has_year = request.query_params.get("financialyear") or request.query_params.get("financialYear")
    year = _year_from_query(request, caller)
    if not has_year and from_date is not None:
        year = store.year_for_date(caller.tenant_id, from_date) or year
    series = series or request.query_params.get("voucherseries") or None
    modified = request.query_params.get("lastmodified") or None
    items = store.vouchers(caller.tenant_id, year.id, series=series, from_date=from_date, to_date=to_date,
                           modified_since=modified, cost_center=request.query_params.get("costcenter") or None)
    sort_keys = {"vouchernumber": lambda v: (v.number, v.series), "voucherseries": lambda v: (v.series, v.number),
                 "referencenumber": lambda v: (v.reference_number, v.series, v.number),
                 "referencetype": lambda v: (v.reference_type, v.series, v.number)}
    sortby = request.query_params.get("sortby")
    if sortby in sort_keys:
        items = sorted(items, key=sort_keys[sortby])
    if request.query_params.get("sortorder") == "descending":
        items = list(reversed(items))
    page, meta = paginate(request, items)
    return FortnoxJSONResponse({"MetaInformation": meta, "Vouchers": [_voucher_item(request, v) for v in page]})


@fortnox_api("bookkeeping")
async def vouchers(request: Request, caller: Caller) -> Response:
    return _voucher_list(request, caller, None)


@fortnox_api("bookkeeping")
async def voucher_sublist(request: Request, caller: Caller) -> Response:
    return _voucher_list(request, caller, request.path_params.get("series"))


@fortnox_api("bookkeeping")
async def voucher(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    year = _year_from_query(request, caller)
    series, raw_number = request.path_params["series"], request.path_params["number"]
    number = _stored_id(raw_number)
    found = store.voucher(caller.tenant_id, year.id, series, number) if number is not None else None
    if found is None:
        return error_information(404, VOUCHER_NOT_FOUND, "Kan inte hitta verifikationen.")
    return FortnoxJSONResponse({"Voucher": _voucher_json(request, caller, found)})


@fortnox_api("bookkeeping")
async def create_voucher(request: Request, caller: Caller) -> Response:
    sandbox = sandbox_of(request)
    payload = parse_json_body(await request.body())
    financialyear = request.query_params.get("financialyear") or request.query_params.get("financialYear")
    new = validate_new_voucher(sandbox.store, _company(request, caller), payload, financialyear)
    number = sandbox.store.insert_voucher(
        caller.tenant_id, new.year.id, new.series, new.transaction_date, today(sandbox.clock), new.description,
        new.comments, new.rows, modified_at=timestamp(sandbox.clock),
    )
    stored = sandbox.store.voucher(caller.tenant_id, new.year.id, new.series, number)
    assert stored is not None
    return FortnoxJSONResponse({"Voucher": _voucher_json(request, caller, stored)}, status_code=201)


@fortnox_api("bookkeeping")
async def voucher_immutable(request: Request, caller: Caller) -> Response:
    return error_information(405, VOUCHER_IMMUTABLE,
                             "En verifikation kan inte ändras eller tas bort. "
                             "Bokför en ändringsverifikation i stället.")


# -- SIE ---------------------------------------------------------------------------------------------


@fortnox_api("bookkeeping")
async def sie(request: Request, caller: Caller) -> Response:
    sandbox = sandbox_of(request)
    raw_type = request.path_params["type"]
    if not raw_type.isdigit() or int(raw_type) not in SIE_TYPES:
        raise _invalid_parameter()
    year = _year_from_query(request, caller, required=True)
    content = export_sie(sandbox.store, caller.tenant_id, year, int(raw_type), today(sandbox.clock))
    return Response(content, media_type="application/octet-stream")


@fortnox_api("")
async def no_such_route(request: Request, caller: Caller) -> Response:
    """A /3/ path the sandbox has no handler for, answered as Fortnox answers a path it has no route for."""
    return error_information(404, NO_SUCH_ROUTE, "No such route")


ROUTES = [
    Route("/3/companyinformation", company_information, methods=["GET"]),
    Route("/3/financialyears", financial_years, methods=["GET"]),
    Route("/3/financialyears/{id}", financial_year, methods=["GET"]),
    Route("/3/accounts", accounts, methods=["GET"]),
    Route("/3/accounts/{number}", account, methods=["GET"]),
    Route("/3/voucherseries", voucher_series_list, methods=["GET"]),
    Route("/3/voucherseries/{code}", voucher_series, methods=["GET"]),
    Route("/3/settings/lockedperiod", locked_period, methods=["GET"]),
    Route("/3/sie/{type}", sie, methods=["GET"]),
    Route("/3/vouchers", vouchers, methods=["GET"]),
    Route("/3/vouchers", create_voucher, methods=["POST"]),
    Route("/3/vouchers/sublist", voucher_sublist, methods=["GET"]),
    Route("/3/vouchers/sublist/{series}", voucher_sublist, methods=["GET"]),
    Route("/3/vouchers/{series}/{number}", voucher, methods=["GET"]),
    Route("/3/vouchers/{series}/{number}", voucher_immutable, methods=["PUT", "DELETE"]),
    Route("/3/{rest:path}", no_such_route, methods=["GET", "POST", "PUT", "DELETE"]),
]
