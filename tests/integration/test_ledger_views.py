"""The open items of the imported mid-size company (EUR invoices, July–June years) at each year end agree with what
Fortnox itself says was unpaid then: its invoices less their payments dated on or before the year end."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.config import Settings
from services.imports.pipeline import PART_LEDGERS, run_import
from services.ledgers import open_items as views
from services.ledgers.model import LedgerKind
from tests.conftest import settings_for
from tests.fortnox_peek import fortnox_get

MIDSIZE_COMPANY = 1  # index in GET /sandbox/tenants
CENT = Decimal(1)


@dataclass(frozen=True)
class Imported:
    settings: Settings
    company_id: str
    tenant_id: str
    year_ends: tuple[date, ...]


@pytest.fixture(scope="module")
def imported(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    settings = settings_for(tmp_path_factory.mktemp("ledger-views"), sandbox.port)
    tenant_id = tenants[MIDSIZE_COMPANY]["tenant_id"]
    company = connect_service_account(settings, tenant_id)
    result = run_import(settings, company.id, parts=(PART_LEDGERS,))
    yield Imported(settings, company.id, tenant_id, tuple(year.end for year in result.years))


# Fortnox's list resources per ledger: (invoices, invoice key, number field, cancelled field, payments, payment key)
RESOURCES = {
    LedgerKind.CUSTOMER: ("/3/invoices", "Invoices", "DocumentNumber", "Cancelled", "/3/invoicepayments",
                     "InvoicePayments"),
    LedgerKind.SUPPLIER: ("/3/supplierinvoices", "SupplierInvoices", "GivenNumber", "Cancel", "/3/supplierinvoicepayments",
                     "SupplierInvoicePayments"),
}


def _all(sandbox_url: str, tenant_id: str, path: str, key: str) -> list[dict]:
    found, page = [], 1
    while True:
        data = fortnox_get(sandbox_url, tenant_id, path, {"limit": 500, "page": page})
        found += data[key]
        if page >= int(data["MetaInformation"]["@TotalPages"]):
            return found
        page += 1


def _cents(amount: object) -> Decimal:
    return Decimal(str(amount)).scaleb(2)


def unpaid_in_fortnox(sandbox_url: str, tenant_id: str, kind: str, day: date) -> dict[str, tuple[int, int]]:
    """Per invoice dated by `day` and not cancelled: (unpaid in its currency, that in SEK at the invoice's rate).
    A payment's Amount is SEK at the payment's own rate, so its part in the invoice's currency is Amount / rate."""
    invoices_path, invoices_key, number_field, cancelled_field, payments_path, payments_key = RESOURCES[kind]
    paid: dict[str, Decimal] = {}
    for item in _all(sandbox_url, tenant_id, payments_path, payments_key):
        if date.fromisoformat(item["PaymentDate"]) <= day:
            number = str(item["InvoiceNumber"])
            paid[number] = paid.get(number, Decimal(0)) + _cents(item["Amount"]) / Decimal(str(item["CurrencyRate"]))
    unpaid = {}
    for item in _all(sandbox_url, tenant_id, invoices_path, invoices_key):
        number = str(item[number_field])
        if date.fromisoformat(item["InvoiceDate"]) > day or item[cancelled_field] in (True, "true"):
            continue
        left = int((_cents(item["Total"]) - paid.get(number, Decimal(0))).quantize(CENT, rounding=ROUND_HALF_UP))
        if left:
            sek = (Decimal(left) * Decimal(str(item["CurrencyRate"]))).quantize(CENT, rounding=ROUND_HALF_UP)
            unpaid[number] = (left, int(sek))
    return unpaid


def _open_items(imported: Imported, kind: str, day: date) -> dict[str, tuple[int, int]]:
    with store.open_db(imported.settings.database_path) as db:
        items = views.open_items(db, imported.company_id, kind, day)
    return {number: (int(left), int(sek))
            for number, left, sek in zip(items["number"], items["remaining"], items["remaining_sek"], strict=True)}


@pytest.mark.parametrize("kind", [LedgerKind.CUSTOMER, LedgerKind.SUPPLIER])
@pytest.mark.parametrize("year", [0, 1], ids=["earlier_year_end", "latest_year_end"])
def test_open_items_at_a_year_end_are_what_fortnox_reports_unpaid(sandbox, imported: Imported, kind: str,
                                                                   year: int) -> None:
    day = imported.year_ends[year]
    expected = unpaid_in_fortnox(sandbox.url, imported.tenant_id, kind, day)
    found = _open_items(imported, kind, day)
    assert found == expected
    assert expected  # a year end with nothing open would prove nothing


def test_open_customer_items_at_the_latest_year_end_include_euro_invoices(sandbox, imported: Imported) -> None:
    with store.open_db(imported.settings.database_path) as db:
        items = views.open_items(db, imported.company_id, LedgerKind.CUSTOMER, imported.year_ends[-1])
    assert "EUR" in set(items["currency"])


def test_invoices_open_at_the_earlier_year_end_and_settled_since_are_marked_paid_after(imported: Imported) -> None:
    with store.open_db(imported.settings.database_path) as db:
        items = views.open_items(db, imported.company_id, LedgerKind.CUSTOMER, imported.year_ends[0])
    settled = items.loc[items["after_status"] == views.PAID_AFTER]
    assert len(settled) and (settled["after_date"] > imported.year_ends[0].isoformat()).all()
