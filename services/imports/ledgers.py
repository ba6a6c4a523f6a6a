"""Kund- och leverantörsreskontra: customers, suppliers, customer and supplier invoices and their payments.

A full run reads every list (customer invoices up to the last chosen balance date); an incremental run asks each
list only for what changed since the last import (`lastmodified`) and merges it in, so a re-import with nothing
new costs one request per list. List items hold all the ledger needs: no invoice is fetched one by one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlite_utils import Database

from services import currency
from services.fortnox import jsonio, ledgers, values
from services.fortnox.client import FortnoxClient
from services.fortnox.ledgers import LedgerInvoice, LedgerPayment, Party
from services.fortnox.paginate import Page
from services.imports.model import ImportFailed, ImportPart
from services.imports.runs import Tracker
from services.imports.staging import Staging
from services.ledgers.model import LedgerKind
from services.money import MAX_ORE, oversized
from services.store import TableRows

PART = ImportPart.LEDGERS


@dataclass(frozen=True)
class ListResource:
    name: str
    path: str
    key: str
    kind: str
    parse: Callable[[dict[str, Any]], Any]
    label: str  # how messages name one item
    dated: bool = False  # accepts todate (Fortnox: only customer invoices among these)


RESOURCES = (
    ListResource("customers", "/3/customers", "Customers", LedgerKind.CUSTOMER, ledgers.customer, "Kunden"),
    ListResource("suppliers", "/3/suppliers", "Suppliers", LedgerKind.SUPPLIER, ledgers.supplier, "Leverantören"),
    ListResource("invoices", "/3/invoices", "Invoices", LedgerKind.CUSTOMER, ledgers.customer_invoice, "Kundfakturan",
                 dated=True),
    ListResource("invoice_payments", "/3/invoicepayments", "InvoicePayments", LedgerKind.CUSTOMER, ledgers.payment,
                 "Kundinbetalningen"),
    ListResource("supplier_invoices", "/3/supplierinvoices", "SupplierInvoices", LedgerKind.SUPPLIER, ledgers.supplier_invoice,
                 "Leverantörsfakturan"),
    ListResource("supplier_payments", "/3/supplierinvoicepayments", "SupplierInvoicePayments", LedgerKind.SUPPLIER,
                 ledgers.payment, "Leverantörsbetalningen"),
)


@dataclass
class LedgerData:
    predefined_accounts: dict[str, str] = field(default_factory=dict)  # e.g. CUSTCLAIM → 1510
    parties: list[tuple[str, Party]] = field(default_factory=list)
    invoices: list[tuple[str, LedgerInvoice]] = field(default_factory=list)
    payments: list[tuple[str, LedgerPayment]] = field(default_factory=list)

    def add(self, resource: ListResource, record: Any) -> None:
        lists: dict[type, list[tuple[str, Any]]] = {Party: self.parties, LedgerInvoice: self.invoices,
                                                   LedgerPayment: self.payments}
        target = lists[type(record)]
        target.append((resource.kind, record))

    def invoice_numbers(self, kind: str) -> list[str]:
        return [invoice.number for k, invoice in self.invoices if k == kind]


def fetch(client: FortnoxClient, staging: Staging, tracker: Tracker, *, end: date, since: str | None) -> LedgerData:
    """Every list, staged page by page. The first page of each list tells how many there are, so the part is
    planned after those few requests and its totals never grow after."""
    data = LedgerData()
    staged = staging.get("predefinedaccounts", "all")
    if staged is None:
        answer = client.get_json("/3/predefinedaccounts")
        staged = jsonio.dumps(answer.get("PreDefinedAccounts") or []).encode()
        staging.put("predefinedaccounts", "all", staged)
        tracker.update(PART, requests=1)
    data.predefined_accounts = ledgers.predefined_accounts(jsonio.loads(staged))
    lists = []
    for resource in RESOURCES:
        params: dict[str, Any] = {"lastmodified": since} if since else {}
        if resource.dated:
            params["todate"] = end.isoformat()
        first, fetched = staging.page(client, resource.name, resource.path, resource.key, params, 1)
        _keep(data, resource, first, end)
        tracker.update(PART, items=len(first.items), requests=int(fetched))
        lists.append((resource, params, first))
    tracker.part_planned(PART, items=sum(first.total_resources for _, _, first in lists),
                         remaining_requests=sum(staging.pages_to_fetch(r.name, first) for r, _, first in lists))
    for resource, params, first in lists:
        for number in range(2, first.total_pages + 1):
            page, fetched = staging.page(client, resource.name, resource.path, resource.key, params, number)
            _keep(data, resource, page, end)
            tracker.update(PART, items=len(page.items), requests=int(fetched))
    return data


def _keep(data: LedgerData, resource: ListResource, page: Page, end: date) -> None:
    for item in page.items:
        record = read_item(resource, item)
        if not isinstance(record, LedgerInvoice) or record.invoice_date <= end:
            data.add(resource, record)


def read_item(resource: ListResource, item: dict[str, Any]) -> Any:
    """One list item, its amounts within what the store holds; ImportFailed naming the item otherwise."""
    number = next((values.text(item.get(key)) for key in ("DocumentNumber", "GivenNumber", "Number",
                                                          "CustomerNumber", "SupplierNumber") if item.get(key)), "")
    where = " ".join(filter(None, (resource.label, number, "från Fortnox")))
    amounts: tuple[int, ...]
    try:
        record = resource.parse(item)
        if isinstance(record, LedgerInvoice):
            amounts = (record.total, record.balance, _total_sek(record))
        else:
            amounts = (record.amount_ore,) if isinstance(record, LedgerPayment) else ()
    except ArithmeticError:  # a number beyond what Decimal's precision can round
        amounts = (MAX_ORE + 1,)
    if refusal := oversized(where, *amounts):
        raise ImportFailed(f"{refusal} Inget nytt publicerades för reskontran.")
    return record


def prepare(company_id: str, data: LedgerData) -> list[TableRows]:
    """The fetched ledgers as table rows, built before the publishing transaction (see store.TableRows)."""
    return [
        TableRows.of("predefined_accounts", ({"company_id": company_id, "name": name, "account": account}
                                             for name, account in data.predefined_accounts.items())),
        TableRows.of("parties", ({"company_id": company_id, "kind": kind, "number": p.number, "name": p.name,
                                  "orgnr": p.orgnr} for kind, p in data.parties), replace=True),
        TableRows.of("ledger_invoices", (_invoice_row(company_id, kind, i) for kind, i in data.invoices),
                     replace=True),
        TableRows.of("ledger_payments", (_payment_row(company_id, kind, p) for kind, p in data.payments),
                     replace=True),
    ]


def publish(db: Database, company_id: str, rows: list[TableRows], *, replace_all: bool) -> dict[str, int]:
    """Replace the company's ledgers (a full run) or merge the changes in (incremental); inside a transaction."""
    if replace_all:
        for table in ("parties", "ledger_invoices", "ledger_payments"):
            db.table(table).delete_where("company_id = ?", [company_id])
    db.table("predefined_accounts").delete_where("company_id = ?", [company_id])
    for table_rows in rows:
        table_rows.insert(db)
    return counts(db, company_id)


def counts(db: Database, company_id: str) -> dict[str, int]:
    """What the company's published ledgers hold, in the command line's shape (DESIGN §8)."""

    def count(table: str, kind: str | None = None) -> int:
        where, args = "company_id = ?", [company_id]
        if kind:
            where, args = where + " and kind = ?", args + [kind]
        return db[table].count_where(where, args)

    return {"customers": count("parties", LedgerKind.CUSTOMER), "suppliers": count("parties", LedgerKind.SUPPLIER),
            "invoices": count("ledger_invoices", LedgerKind.CUSTOMER),
            "supplier_invoices": count("ledger_invoices", LedgerKind.SUPPLIER),
            "payments": count("ledger_payments")}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _total_sek(invoice: LedgerInvoice) -> int:
    """The invoice's value in the books: at its own rate, by the product's one rounding rule."""
    if invoice.currency in ("", "SEK"):
        return invoice.total
    return currency.to_sek(invoice.total, invoice.currency_rate, invoice.currency_unit)


def _invoice_row(company_id: str, kind: str, invoice: LedgerInvoice) -> dict[str, Any]:
    return {
        "company_id": company_id, "kind": kind, "number": invoice.number, "party_number": invoice.party_number,
        "party_name": invoice.party_name, "invoice_date": invoice.invoice_date.isoformat(),
        "due_date": _iso(invoice.due_date), "total": invoice.total, "balance": invoice.balance,
        "currency": invoice.currency, "currency_rate": str(invoice.currency_rate),
        "currency_unit": str(invoice.currency_unit), "total_sek_ore": _total_sek(invoice),
        "booked": int(invoice.booked), "cancelled": int(invoice.cancelled),
        "final_pay_date": _iso(invoice.final_pay_date),
        "vouchers": json.dumps([[v.series, v.number, v.year] for v in invoice.vouchers]),
        "external_number": invoice.external_number,
    }


def _payment_row(company_id: str, kind: str, payment: LedgerPayment) -> dict[str, Any]:
    voucher = payment.voucher
    return {
        "company_id": company_id, "kind": kind, "number": payment.number, "invoice": payment.invoice,
        "amount_ore": payment.amount_ore, "currency": payment.currency,
        "payment_date": payment.payment_date.isoformat(), "booked": int(payment.booked),
        "voucher_series": voucher.series if voucher else None, "voucher_number": voucher.number if voucher else None,
        "voucher_year": voucher.year if voucher else None,
    }
