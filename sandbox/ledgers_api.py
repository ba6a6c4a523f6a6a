"""The Fortnox resources behind the customer and supplier ledgers (`/3/customers`, `/3/invoices`, … ), read-only.

Lists are the compact list shapes and singles the full shapes of Fortnox's OpenAPI description, with the value
quirks of the recorded live answers: list `CurrencyRate` a string but single a number, supplier-invoice amounts as
strings, `null` for unset voucher fields and `""` for empty texts, except where `sandbox.answer_style` says how
a company writes what the recordings disagree on. Filtering, sorting and paging run in SQL
(`sandbox.books_store`), so the large company answers as fast as the small one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.amounts import json_amount
from sandbox.answer_style import AnswerStyle, answer_style, unset
from sandbox.api import _base, _date_param, _fortnox_order, _invalid_parameter, _year_from_query, paginate
from sandbox.chart import PREDEFINED_ACCOUNTS
from sandbox.clock import today
from sandbox.context import Caller, sandbox_of
from sandbox.errors import RESOURCE_NOT_FOUND, ApiError, FortnoxJSONResponse, error_information
from sandbox.pipeline import fortnox_api
from sandbox.records import (
    CostCenter,
    Counterparty,
    CustomerInvoice,
    Invoice,
    Payment,
    Project,
    SupplierInvoice,
    VoucherRef,
)
from sandbox.books_schema import INVOICE_FILTERS, SUPPLIER_INVOICE_FILTERS
from sandbox.books_store import InvoiceQuery

CUSTOMER_NOT_FOUND = 2000433  # "Kan inte hitta kunden." (recorded live answer)
INVOICE_NOT_FOUND = 2000434  # "Kan inte hitta fakturan." (recorded live answer)
INVALID_FILTER = 2000587  # "Ett ogiltigt filter har använts." (recorded live answer)
PROJECT_NOT_FOUND = 2001161  # "Kan inte hitta projektet." (recordings/projects/find_failure.yml)

_LASTMODIFIED = re.compile(r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}(:\d{2})?)?$")
_SORT_ORDERS = {"ascending": False, "descending": True}
_INVOICE_SORTS = {"documentnumber": "number", "invoicedate": "invoice_date", "customername": "party_name",
                  "customernumber": "party_number", "ocr": "ocr", "total": "total", "duedate": "due_date"}
_SUPPLIER_INVOICE_SORTS = {"givennumber": "number", "invoicedate": "invoice_date", "suppliername": "party_name",
                           "suppliernumber": "party_number", "total": "total", "duedate": "due_date"}
# `filter=` of the customer and supplier registers: active or inactive only (absent: all).
_ACTIVE_FILTERS: dict[str, bool | None] = {"active": True, "inactive": False}
_PARTY_SORTS = {"customernumber": "number", "suppliernumber": "number", "name": "name"}
_PAYMENT_SORTS = {"paymentdate": "payment_date", "number": "number"}

T = TypeVar("T")


# -- parameters ----------------------------------------------------------------------------------


def _modified_since(request: Request) -> str | None:
    raw = request.query_params.get("lastmodified")
    if not raw:
        return None
    if not _LASTMODIFIED.match(raw):
        raise _invalid_parameter()
    return raw


def _choice(request: Request, name: str, allowed: dict[str, T], default: T) -> T:
    raw = request.query_params.get(name)
    if not raw:
        return default
    if raw not in allowed:
        raise _invalid_parameter()
    return allowed[raw]


def _descending(request: Request) -> bool:
    return _choice(request, "sortorder", _SORT_ORDERS, False)


def _filter(request: Request, allowed: Sequence[str]) -> str | None:
    raw = request.query_params.get("filter")
    if not raw:
        return None
    if raw not in allowed:
        raise ApiError(400, INVALID_FILTER, "Ett ogiltigt filter har använts.")
    return raw


def _date_range(request: Request, caller: Caller) -> tuple[date | None, date | None]:
    """`fromdate`/`todate`, narrowed to the financial year when `financialyear` is given."""
    from_date, to_date = _date_param(request, "fromdate"), _date_param(request, "todate")
    if request.query_params.get("financialyear") or request.query_params.get("financialYear"):
        year = _year_from_query(request, caller)
        from_date = max(from_date, year.from_date) if from_date else year.from_date
        to_date = min(to_date, year.to_date) if to_date else year.to_date
    return from_date, to_date


def _invoice_query(request: Request, caller: Caller, filters: Sequence[str], sorts: dict[str, str],
                   party_param: str) -> InvoiceQuery:
    from_date, to_date = _date_range(request, caller)
    return InvoiceQuery(
        status=_filter(request, filters), today=today(sandbox_of(request).clock), from_date=from_date,
        to_date=to_date, modified_since=_modified_since(request),
        party_number=request.query_params.get(party_param) or None,
        sort=_choice(request, "sortby", sorts, "number"), descending=_descending(request),
    )


def _listing(request: Request, key: str, items: Sequence[T], shape: Callable[[T], dict[str, Any]]) -> Response:
    page, meta = paginate(request, items)
    return FortnoxJSONResponse({"MetaInformation": meta, key: [_fortnox_order(shape(item)) for item in page]})


def _single(key: str, item: dict[str, Any]) -> Response:
    return FortnoxJSONResponse({key: _fortnox_order(item)})


def _not_found(code: int, message: str) -> Response:
    return error_information(404, code, message)


# -- value forms -----------------------------------------------------------------------------------


def _rate_text(rate: Decimal) -> str:
    """A rate the way list answers carry it: `"1"`, `"11.38"`."""
    return format(rate.normalize(), "f")


def _rate_number(rate: Decimal) -> int | float:
    """A rate as single answers carry it (a JSON number); rates are not money, so a float is harmless here."""
    return int(rate) if rate == rate.to_integral_value() else float(rate)


def _amount_text(ore: int) -> str:
    """An amount typed as a string (supplier invoices): `"1250"`, `"1234.5"`."""
    return str(json_amount(ore))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _voucher_fields(ref: VoucherRef | None) -> dict[str, Any]:
    return {"VoucherNumber": ref.number if ref else None, "VoucherSeries": ref.series if ref else None,
            "VoucherYear": ref.year_id if ref else None}


# -- customers and suppliers ---------------------------------------------------------------------


def _party_item(request: Request, party: Counterparty, resource: str, number_key: str) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/{resource}/{party.number}",
        "Address1": party.address, "Address2": "", "City": party.city, number_key: party.number,
        "Email": party.email, "Name": party.name, "OrganisationNumber": party.orgnr, "Phone": party.phone,
        "ZipCode": party.zip_code,
    }


def _customer_item(request: Request, party: Counterparty) -> dict[str, Any]:
    return _party_item(request, party, "customers", "CustomerNumber")


def _customer(request: Request, party: Counterparty) -> dict[str, Any]:
    item = _customer_item(request, party)
    item.update({
        "Active": party.active, "Address2": None, "Comments": None, "CostCenter": None,
        "Country": "Sverige" if party.country_code == "SE" else None, "CountryCode": party.country_code,
        "Currency": party.currency, "DefaultDeliveryTypes": {"Invoice": "EMAIL" if party.email else "PRINT",
                                                             "Order": "PRINT", "Offer": "PRINT"},
        "DefaultTemplates": {"Order": "DEFAULTTEMPLATE", "Offer": "DEFAULTTEMPLATE", "Invoice": "DEFAULTTEMPLATE",
                             "CashInvoice": "DEFAULTTEMPLATE"},
        "EmailInvoice": party.email, "ExternalReference": None, "Fax": None, "GLN": None, "InvoiceRemark": "",
        "OurReference": "", "Phone1": unset(party.phone), "Phone2": None, "PriceList": "A", "Project": "",
        "SalesAccount": unset(party.account), "ShowPriceVATIncluded": False, "TermsOfDelivery": "",
        "TermsOfPayment": str(party.terms_of_payment), "Type": "PRIVATE" if party.private else "COMPANY",
        "VATNumber": "", "VATType": party.vat_type, "WWW": "", "WayOfDelivery": "", "YourReference": "",
    })
    return item


def _supplier_item(request: Request, party: Counterparty, style: AnswerStyle) -> dict[str, Any]:
    item = _party_item(request, party, "suppliers", "SupplierNumber")
    item.update({
        "Active": party.active, "BG": "" if party.currency != "SEK" else f"{party.number.zfill(3)}-{party.orgnr[-4:]}",
        "BIC": "", "BankAccountNumber": "", "CostCenter": style.text(""), "CountryCode": party.country_code,
        "Currency": party.currency, "DisablePaymentFile": False, "IBAN": "", "PG": "",
        "PreDefinedAccount": party.account, "Project": "", "TermsOfPayment": str(party.terms_of_payment),
    })
    return item


def _supplier(request: Request, party: Counterparty, style: AnswerStyle) -> dict[str, Any]:
    item = _supplier_item(request, party, style)
    del item["Phone"]
    item.update({
        "Bank": "", "BranchCode": "", "ClearingNumber": "", "Comments": None,
        "Country": "Sverige" if party.country_code == "SE" else "", "Fax": "", "OurCustomerNumber": "",
        "OurReference": "", "Phone1": style.text(party.phone), "Phone2": "", "VATNumber": "", "VATType": party.vat_type,
        "WWW": "", "WorkPlace": "", "YourReference": "",
    })
    return item


def _parties(request: Request, caller: Caller, lister: Callable[..., Sequence[Counterparty]]) -> Sequence[Counterparty]:
    active = _choice(request, "filter", _ACTIVE_FILTERS, None)
    return lister(caller.tenant_id, active=active, name=request.query_params.get("name") or None,
                  modified_since=_modified_since(request), sort=_choice(request, "sortby", _PARTY_SORTS, "number"),
                  descending=_descending(request))


@fortnox_api("customer")
async def customers(request: Request, caller: Caller) -> Response:
    items = _parties(request, caller, sandbox_of(request).store.customers)
    return _listing(request, "Customers", items, lambda c: _customer_item(request, c))


@fortnox_api("customer")
async def customer(request: Request, caller: Caller) -> Response:
    found = sandbox_of(request).store.customer(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(CUSTOMER_NOT_FOUND, "Kan inte hitta kunden.")
    return _single("Customer", _customer(request, found))


@fortnox_api("supplier")
async def suppliers(request: Request, caller: Caller) -> Response:
    items = _parties(request, caller, sandbox_of(request).store.suppliers)
    style = answer_style(caller.tenant_id)
    return _listing(request, "Suppliers", items, lambda s: _supplier_item(request, s, style))


@fortnox_api("supplier")
async def supplier(request: Request, caller: Caller) -> Response:
    found = sandbox_of(request).store.supplier(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta leverantören.")
    return _single("Supplier", _supplier(request, found, answer_style(caller.tenant_id)))


# -- customer invoices -------------------------------------------------------------------------------


def _invoice_item(request: Request, invoice: CustomerInvoice, style: AnswerStyle) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/invoices/{invoice.number}", "Balance": json_amount(invoice.balance),
        "Booked": invoice.booked, "Cancelled": invoice.cancelled, "CostCenter": style.text(invoice.cost_center),
        "Currency": invoice.currency, "CurrencyRate": _rate_text(invoice.currency_rate), "CurrencyUnit": 1,
        "CustomerName": invoice.party_name, "CustomerNumber": invoice.party_number,
        "DocumentNumber": invoice.number, "DueDate": invoice.due_date.isoformat(), "ExternalInvoiceReference1": "",
        "ExternalInvoiceReference2": "", "FinalPayDate": _iso(invoice.final_pay_date),
        "InvoiceDate": invoice.invoice_date.isoformat(), "InvoiceType": "INVOICE", "NoxFinans": False,
        "OCR": invoice.ocr, "Project": invoice.project, "Sent": invoice.booked, "TermsOfPayment":
        str(invoice.terms_of_payment), "Total": json_amount(invoice.total), **_voucher_fields(invoice.voucher),
        "WayOfDelivery": "",
    }


def _invoice(request: Request, invoice: CustomerInvoice, party: Counterparty | None, style: AnswerStyle
             ) -> dict[str, Any]:
    item = _invoice_item(request, invoice, style)
    vat_percent = 25 if invoice.vat else 0
    item.update({
        "@urlTaxReductionList": f"{_base(request)}/3/taxreductions?filter=invoices&referencenumber={invoice.number}",
        "AccountingMethod": "ACCRUAL", "Address1": party.address if party else "", "Address2": "",
        "AdministrationFee": 0, "AdministrationFeeVAT": 0, "BasisTaxReduction": 0,
        "City": party.city if party else "", "Comments": "", "ContractReference": 0, "Country": "",
        "Credit": "false", "CreditInvoiceReference": "0", "CurrencyRate": _rate_number(invoice.currency_rate),
        "DeliveryAddress1": "", "DeliveryAddress2": "", "DeliveryCity": "", "DeliveryCountry": "",
        "DeliveryDate": None, "DeliveryName": "", "DeliveryZipCode": "", "EUQuarterlyReport": invoice.currency != "SEK",
        "EmailInformation": {"EmailAddressFrom": None, "EmailAddressTo": party.email if party else "",
                             "EmailAddressCC": None, "EmailAddressBCC": None,
                             "EmailSubject": "Faktura {no} bifogas", "EmailBody": " "},
        "Freight": 0, "FreightVAT": 0, "Gross": json_amount(invoice.net), "HouseWork": False,
        "InvoicePeriodStart": "", "InvoicePeriodEnd": "",
        "InvoiceRows": [{
            "AccountNumber": int(invoice.account), "ArticleNumber": "", "ContributionPercent": style.number(0),
            "ContributionValue": style.number(0), "CostCenter": style.text(invoice.cost_center),
            "DeliveredQuantity": "1.00",
            "Description": "Enligt överenskommelse", "Discount": 0, "DiscountType": "PERCENT", "HouseWork": False,
            "Price": json_amount(invoice.net), "PriceExcludingVAT": json_amount(invoice.net),
            "Project": invoice.project, "RowId": 1, "StockPointCode": None, "Total": json_amount(invoice.net),
            "TotalExcludingVAT": json_amount(invoice.net), "Unit": "st", "VAT": vat_percent, "VATCode": None,
        }],
        "Labels": [], "Language": "SV" if invoice.currency == "SEK" else "EN", "LastRemindDate": None,
        "Net": json_amount(invoice.net), "NotCompleted": False, "OfferReference": "0", "OrderReference": "0",
        "OrganisationNumber": party.orgnr if party else "", "OurReference": "", "OutboundDate":
        invoice.invoice_date.isoformat(), "PaymentWay": "", "Phone1": style.text(""), "Phone2": "", "PriceList": "A",
        "PrintTemplate": "st", "Remarks": "", "Reminders": 0, "RoundOff": json_amount(invoice.round_off),
        "TaxReduction": None, "TaxReductionType": "none", "TermsOfDelivery": "", "TimeBasisReference": None,
        "TotalToPay": json_amount(invoice.total), "TotalVAT": json_amount(invoice.vat), "VATIncluded": False,
        "WarehouseReady": True, "YourOrderNumber": "", "YourReference": "",
        "ZipCode": party.zip_code if party else "",
    })
    return item


@fortnox_api("invoice")
async def invoices(request: Request, caller: Caller) -> Response:
    query = _invoice_query(request, caller, tuple(INVOICE_FILTERS), _INVOICE_SORTS, "customernumber")
    items = sandbox_of(request).store.invoices(caller.tenant_id, query)
    style = answer_style(caller.tenant_id)
    return _listing(request, "Invoices", items, lambda i: _invoice_item(request, i, style))


@fortnox_api("invoice")
async def invoice(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    found = store.invoice(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(INVOICE_NOT_FOUND, "Kan inte hitta fakturan.")
    return _single("Invoice", _invoice(request, found, store.customer(caller.tenant_id, found.party_number),
                                       answer_style(caller.tenant_id)))


# -- supplier invoices -------------------------------------------------------------------------------


def _supplier_invoice_item(request: Request, invoice: SupplierInvoice) -> dict[str, Any]:
    ref = invoice.voucher
    return {
        "@url": f"{_base(request)}/3/supplierinvoices/{invoice.number}", "AuthorizerName": "",
        "Balance": _amount_text(invoice.balance), "Booked": invoice.booked, "Cancel": invoice.cancelled,
        "CostCenter": invoice.cost_center, "Credit": False, "Currency": invoice.currency,
        "CurrencyRate": _rate_text(invoice.currency_rate), "CurrencyUnit": 1,
        "DueDate": invoice.due_date.isoformat(), "ExternalInvoiceNumber": "", "ExternalInvoiceSeries": "",
        "FinalPayDate": _iso(invoice.final_pay_date), "GivenNumber": invoice.number,
        "InvoiceDate": invoice.invoice_date.isoformat(), "InvoiceNumber": invoice.supplier_reference,
        "Project": invoice.project, "SupplierName": invoice.party_name, "SupplierNumber": invoice.party_number,
        "Total": _amount_text(invoice.total),
        "Vouchers": [{"Number": ref.number, "ReferenceType": "SUPPLIERINVOICE", "Series": ref.series,
                      "Year": ref.year_id}] if ref else [],
    }


def _supplier_invoice_rows(invoice: SupplierInvoice) -> list[dict[str, Any]]:
    """The invoice's own accounting (at its own rate): the debt, the VAT and the cost."""
    def row(account: str, code: str, amount: int) -> dict[str, Any]:
        sek = invoice.sek(amount)
        return {"Account": int(account), "AccountDescription": "", "ArticleNumber": "", "Code": code,
                "CostCenter": invoice.cost_center if code == "PRD" else "", "Credit": json_amount(max(-sek, 0)),
                "CreditCurrency": json_amount(max(-amount, 0)), "Debit": json_amount(max(sek, 0)),
                "DebitCurrency": json_amount(max(amount, 0)), "ItemDescription": "", "Price": 0,
                "Project": invoice.project if code == "PRD" else "", "Quantity": 0, "StockLocationCode": None,
                "StockPointCode": None, "Total": json_amount(sek), "TransactionInformation": "", "Unit": ""}

    rows = [row("2440", "TOT", -invoice.total)]
    if invoice.vat:
        rows.append(row("2640", "VAT", invoice.vat))
    rows.append(row(invoice.account, "PRD", invoice.total - invoice.vat))
    return rows


def _supplier_invoice(request: Request, invoice: SupplierInvoice) -> dict[str, Any]:
    item = _supplier_invoice_item(request, invoice)
    del item["Cancel"], item["AuthorizerName"]
    item.update({
        "AccountingMethod": "ACCRUAL", "AdministrationFee": "0", "Cancelled": invoice.cancelled, "Comments": "",
        "CreditReference": 0, "DisablePaymentFile": False, "Freight": "0", "OCR": invoice.ocr, "OurReference": "",
        "PaymentPending": invoice.payment_pending, "RoundOffValue": "0", "SalesType": "STOCK",
        "SupplierInvoiceRows": _supplier_invoice_rows(invoice), "VAT": _amount_text(invoice.vat),
        "VATType": invoice.vat_type, **_voucher_fields(invoice.voucher), "YourReference": "",
    })
    return item


@fortnox_api("supplierinvoice")
async def supplier_invoices(request: Request, caller: Caller) -> Response:
    query = _invoice_query(request, caller, tuple(SUPPLIER_INVOICE_FILTERS), _SUPPLIER_INVOICE_SORTS,
                           "suppliernumber")
    items = sandbox_of(request).store.supplier_invoices(caller.tenant_id, query)
    return _listing(request, "SupplierInvoices", items, lambda i: _supplier_invoice_item(request, i))


@fortnox_api("supplierinvoice")
async def supplier_invoice(request: Request, caller: Caller) -> Response:
    found = sandbox_of(request).store.supplier_invoice(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta leverantörsfakturan.")
    return _single("SupplierInvoice", _supplier_invoice(request, found))


# -- payments ---------------------------------------------------------------------------------------


def _payment_item(request: Request, payment: Payment, resource: str) -> dict[str, Any]:
    supplier_side = resource == "supplierinvoicepayments"
    return {
        "@url": f"{_base(request)}/3/{resource}/{payment.number}", "Amount": json_amount(payment.amount),
        "Booked": payment.booked, "Currency": payment.currency, "CurrencyRate": _rate_number(payment.currency_rate),
        "CurrencyUnit": 1,
        "InvoiceNumber": payment.invoice_number if supplier_side else int(payment.invoice_number),
        "Number": int(payment.number) if supplier_side else payment.number,
        "PaymentDate": payment.payment_date.isoformat(), "Source": "manual", "WriteOffExist": False,
    }


def _payment(request: Request, payment: Payment, resource: str, invoice: Invoice | None) -> dict[str, Any]:
    item = _payment_item(request, payment, resource)
    del item["WriteOffExist"]
    prefix = "InvoiceSupplier" if resource == "supplierinvoicepayments" else "InvoiceCustomer"
    item.update({
        "AmountCurrency": json_amount(payment.amount_currency),
        f"{prefix}Name": invoice.party_name if invoice else "",
        f"{prefix}Number": invoice.party_number if invoice else "",
        "InvoiceDueDate": _iso(invoice.due_date if invoice else None), "InvoiceOCR": invoice.ocr if invoice else "",
        "InvoiceTotal": _amount_text(invoice.total) if invoice else "0", "ModeOfPayment": "BG",
        **_voucher_fields(payment.voucher), "WriteOffs": [],
    })
    if resource == "supplierinvoicepayments":
        item["Information"] = ""
    else:
        item.update({"ExternalInvoiceReference1": "", "ExternalInvoiceReference2": "", "ModeOfPaymentAccount": 1930})
    return item


def _payments(request: Request, caller: Caller, lister: Callable[..., Sequence[Payment]]) -> Sequence[Payment]:
    return lister(caller.tenant_id, invoice_number=request.query_params.get("invoicenumber") or None,
                  modified_since=_modified_since(request), from_date=_date_param(request, "fromdate"),
                  to_date=_date_param(request, "todate"), sort=_choice(request, "sortby", _PAYMENT_SORTS, "number"),
                  descending=_descending(request))


@fortnox_api("payment")
async def invoice_payments(request: Request, caller: Caller) -> Response:
    items = _payments(request, caller, sandbox_of(request).store.invoice_payments)
    return _listing(request, "InvoicePayments", items, lambda p: _payment_item(request, p, "invoicepayments"))


@fortnox_api("payment")
async def invoice_payment(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    found = store.invoice_payment(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta inbetalningen.")
    invoice_found = store.invoice(caller.tenant_id, found.invoice_number)
    return _single("InvoicePayment", _payment(request, found, "invoicepayments", invoice_found))


@fortnox_api("payment")
async def supplier_invoice_payments(request: Request, caller: Caller) -> Response:
    items = _payments(request, caller, sandbox_of(request).store.supplier_payments)
    return _listing(request, "SupplierInvoicePayments", items,
                    lambda p: _payment_item(request, p, "supplierinvoicepayments"))


@fortnox_api("payment")
async def supplier_invoice_payment(request: Request, caller: Caller) -> Response:
    store = sandbox_of(request).store
    found = store.supplier_payment(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta utbetalningen.")
    invoice_found = store.supplier_invoice(caller.tenant_id, found.invoice_number)
    return _single("SupplierInvoicePayment", _payment(request, found, "supplierinvoicepayments", invoice_found))


# -- settings: predefined accounts, cost centres, projects ------------------------------------------------


def _predefined(request: Request, name: str, account: str) -> dict[str, Any]:
    return {"@url": f"{_base(request)}/3/predefinedaccounts/{name}", "Account": int(account), "Name": name}


@fortnox_api("settings")
async def predefined_accounts(request: Request, caller: Caller) -> Response:
    """All of them in one answer: Fortnox ignores `limit` here (NOTES.md §3.1)."""
    items = [_predefined(request, name, account) for name, account in PREDEFINED_ACCOUNTS]
    meta = {"@TotalResources": len(items), "@TotalPages": 1, "@CurrentPage": 1}
    return FortnoxJSONResponse({"MetaInformation": meta, "PreDefinedAccounts": items})


@fortnox_api("settings")
async def predefined_account(request: Request, caller: Caller) -> Response:
    name = request.path_params["name"].upper()
    account = dict(PREDEFINED_ACCOUNTS).get(name)
    if account is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta det fördefinierade kontot.")
    return FortnoxJSONResponse({"PreDefinedAccount": _predefined(request, name, account)})


def _cost_center(request: Request, center: CostCenter) -> dict[str, Any]:
    return {"@url": f"{_base(request)}/3/costcenters/{center.code}", "Active": center.active, "Code": center.code,
            "Description": center.description, "Note": center.note}


@fortnox_api("costcenter")
async def cost_centers(request: Request, caller: Caller) -> Response:
    items = sandbox_of(request).store.cost_centers(caller.tenant_id)
    return _listing(request, "CostCenters", items, lambda c: _cost_center(request, c))


@fortnox_api("costcenter")
async def cost_center(request: Request, caller: Caller) -> Response:
    found = sandbox_of(request).store.cost_center(caller.tenant_id, request.path_params["code"])
    if found is None:
        return _not_found(RESOURCE_NOT_FOUND, "Kan inte hitta kostnadsstället.")
    return _single("CostCenter", _cost_center(request, found))


def _project_item(request: Request, project: Project) -> dict[str, Any]:
    """A project; an open-ended one answers `"EndDate": null`, as recordings/projects/all.yml does."""
    return {"@url": f"{_base(request)}/3/projects/{project.number}", "Description": project.description,
            "EndDate": _iso(project.end_date), "ProjectLeader": unset(project.leader),
            "ProjectNumber": project.number, "StartDate": project.start_date.isoformat(), "Status": project.status}


@fortnox_api("project")
async def projects(request: Request, caller: Caller) -> Response:
    items = sandbox_of(request).store.projects(caller.tenant_id)
    return _listing(request, "Projects", items, lambda p: _project_item(request, p))


@fortnox_api("project")
async def project(request: Request, caller: Caller) -> Response:
    found = sandbox_of(request).store.project(caller.tenant_id, request.path_params["number"])
    if found is None:
        return _not_found(PROJECT_NOT_FOUND, "Kan inte hitta projektet.")
    return _single("Project", {**_project_item(request, found), "Comments": None, "ContactPerson": None})


ROUTES = [
    Route("/3/customers", customers, methods=["GET"]),
    Route("/3/customers/{number}", customer, methods=["GET"]),
    Route("/3/suppliers", suppliers, methods=["GET"]),
    Route("/3/suppliers/{number}", supplier, methods=["GET"]),
    Route("/3/invoices", invoices, methods=["GET"]),
    Route("/3/invoices/{number}", invoice, methods=["GET"]),
    Route("/3/invoicepayments", invoice_payments, methods=["GET"]),
    Route("/3/invoicepayments/{number}", invoice_payment, methods=["GET"]),
    Route("/3/supplierinvoices", supplier_invoices, methods=["GET"]),
    Route("/3/supplierinvoices/{number}", supplier_invoice, methods=["GET"]),
    Route("/3/supplierinvoicepayments", supplier_invoice_payments, methods=["GET"]),
    Route("/3/supplierinvoicepayments/{number}", supplier_invoice_payment, methods=["GET"]),
    Route("/3/predefinedaccounts", predefined_accounts, methods=["GET"]),
    Route("/3/predefinedaccounts/{name}", predefined_account, methods=["GET"]),
    Route("/3/costcenters", cost_centers, methods=["GET"]),
    Route("/3/costcenters/{code}", cost_center, methods=["GET"]),
    Route("/3/projects", projects, methods=["GET"]),
    Route("/3/projects/{number}", project, methods=["GET"]),
]
