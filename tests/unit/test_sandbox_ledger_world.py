"""The demo ledgers agree with the books: open invoices add up to 1510 and 2440 at every year end, except by
exactly the planted findings; the large company is big, deterministic and generated only on first use."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from sandbox import books_store
from sandbox.books import year_balances
from sandbox.books_store import InvoiceQuery, open_books
from sandbox.world import LARGE_TENANT_ID, MIDSIZE_TENANT_ID, SMALL_TENANT_ID, generate_company, generate_world

ALL_TENANTS = [SMALL_TENANT_ID, MIDSIZE_TENANT_ID, LARGE_TENANT_ID]
FINDING_KINDS = {
    "manual_customer_ledger_voucher", "unbooked_invoice", "wrong_currency_rate", "payment_wrong_account",
    "account_without_sru", "inactive_account_with_balance", "locked_period", "opening_balance_mismatch",
}


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_books(tmp_path_factory.mktemp("ledgers"), 1)
    yield store
    store.close()


def _open_at(invoices, payments, day: date, booked_only: bool = True) -> int:
    """SEK öre still unpaid on `day` of the invoices dated on or before it (at each invoice's own rate)."""
    paid: dict[str, int] = defaultdict(int)
    for payment in payments:
        if payment.payment_date <= day:
            paid[payment.invoice_number] += payment.amount_currency
    return sum(i.sek(i.total - paid[i.number]) for i in invoices
               if i.invoice_date <= day and not i.cancelled and (i.booked or not booked_only))


def _findings(store, tenant_id, kind):
    return [f for f in store.findings(tenant_id) if f.kind == kind]


def _planted(store, tenant_id, year, kinds) -> int:
    return sum(f.amount for kind in kinds for f in _findings(store, tenant_id, kind) if year.contains(f.day))


@pytest.mark.parametrize("tenant_id", ALL_TENANTS)
def test_open_customer_invoices_equal_1510_at_each_year_end_except_planted_findings(store, tenant_id):
    invoices = list(store.invoices(tenant_id, InvoiceQuery()))
    payments = list(store.invoice_payments(tenant_id))
    for year in store.financial_years(tenant_id):
        ledger = year_balances(store, tenant_id, year).closing["1510"]
        planted = _planted(store, tenant_id, year, ("manual_customer_ledger_voucher", "payment_wrong_account"))

        assert ledger - _open_at(invoices, payments, year.to_date) == planted


@pytest.mark.parametrize("tenant_id", ALL_TENANTS)
def test_open_supplier_invoices_equal_2440_at_each_year_end_except_planted_findings(store, tenant_id):
    invoices = list(store.supplier_invoices(tenant_id, InvoiceQuery()))
    payments = list(store.supplier_payments(tenant_id))
    for year in store.financial_years(tenant_id):
        ledger = year_balances(store, tenant_id, year).closing["2440"]
        planted = _planted(store, tenant_id, year, ("wrong_currency_rate",))

        assert ledger + _open_at(invoices, payments, year.to_date) == planted


@pytest.mark.parametrize("tenant_id", [MIDSIZE_TENANT_ID, LARGE_TENANT_ID])
def test_the_unbooked_invoice_is_the_only_open_invoice_missing_from_the_books(store, tenant_id):
    invoices = list(store.invoices(tenant_id, InvoiceQuery()))
    payments = list(store.invoice_payments(tenant_id))
    end = store.financial_years(tenant_id)[-1].to_date
    unbooked = _findings(store, tenant_id, "unbooked_invoice")[0]

    assert _open_at(invoices, payments, end, booked_only=False) - _open_at(invoices, payments, end) == unbooked.amount


def test_the_small_company_has_no_findings_and_the_others_every_kind(store):
    assert store.findings(SMALL_TENANT_ID) == []
    for tenant_id in (MIDSIZE_TENANT_ID, LARGE_TENANT_ID):
        assert {f.kind for f in store.findings(tenant_id)} == FINDING_KINDS


def test_every_booked_document_points_at_a_voucher_referring_back_to_it(store):
    for tenant_id in (MIDSIZE_TENANT_ID,):
        for invoice in store.invoices(tenant_id, InvoiceQuery()):
            if invoice.voucher is not None:
                voucher = store.voucher(tenant_id, invoice.voucher.year_id, "B", invoice.voucher.number)
                assert voucher is not None and voucher.reference_number == invoice.number
        for payment in store.supplier_payments(tenant_id):
            voucher = store.voucher(tenant_id, payment.voucher.year_id, "E", payment.voucher.number)
            assert voucher is not None and voucher.reference_number == payment.invoice_number


@pytest.mark.parametrize("tenant_id", ALL_TENANTS)
def test_invoices_from_before_the_first_year_are_in_the_opening_position(store, tenant_id):
    first = store.financial_years(tenant_id)[0]
    earlier = list(store.invoices(tenant_id, InvoiceQuery(to_date=first.from_date - timedelta(days=1))))

    assert earlier and all(i.booked and i.voucher is None for i in earlier)
    assert sum(i.total for i in earlier) == store.stored_opening_balances(tenant_id, first.id)["1510"]


def test_the_midsize_company_invoices_in_euro_and_books_on_cost_centres_and_projects(store):
    euro = list(store.invoices(MIDSIZE_TENANT_ID, InvoiceQuery()))

    assert any(i.currency == "EUR" and i.currency_rate != 1 for i in euro)
    assert [c.code for c in store.cost_centers(MIDSIZE_TENANT_ID)] == ["ADM", "BYGG", "MARK", "SERV"]
    rows = [r for rows in store.voucher_rows_by_voucher(MIDSIZE_TENANT_ID, 2).values() for r in rows]
    assert any(r.cost_center == "BYGG" and r.project for r in rows)
    assert not any(r.cost_center or r.project for v in store.voucher_rows_by_voucher(SMALL_TENANT_ID, 2).values()
                   for r in v)


def test_the_large_company_has_twenty_thousand_vouchers_and_thousands_of_invoices():
    company = generate_company(1, LARGE_TENANT_ID)

    assert len(company.vouchers) >= 20_000
    assert len(company.documents.invoices) >= 5_000
    assert len(company.documents.supplier_invoices) >= 3_000


def test_the_large_company_is_the_same_for_the_same_seed():
    first = generate_company(1, LARGE_TENANT_ID)
    generate_company.cache_clear()

    assert generate_company(1, LARGE_TENANT_ID) == first


def test_ledger_documents_are_the_same_for_the_same_seed_and_differ_for_another():
    generate_world.cache_clear()
    first = generate_world(1).companies[1].documents
    generate_world.cache_clear()

    assert generate_world(1).companies[1].documents == first
    assert generate_world(2).companies[1].documents != first


def test_opening_a_store_lists_the_large_company_without_generating_it(tmp_path, monkeypatch):
    monkeypatch.setattr(books_store, "generate_company", _refuse)
    fresh = open_books(tmp_path, 1)
    try:
        assert [c.tenant_id for c in fresh.companies()] == ALL_TENANTS
        assert not fresh.books_generated(LARGE_TENANT_ID)
    finally:
        fresh.close()


def test_first_use_of_the_large_company_generates_it_and_a_restart_reuses_the_file(tmp_path, monkeypatch):
    first = open_books(tmp_path, 1)
    count = len(first.vouchers(LARGE_TENANT_ID, 1))
    first.close()
    monkeypatch.setattr(books_store, "generate_company", _refuse)

    again = open_books(tmp_path, 1)
    try:
        assert again.books_generated(LARGE_TENANT_ID)
        assert len(again.vouchers(LARGE_TENANT_ID, 1)) == count > 9_000
    finally:
        again.close()


def _refuse(*args: object) -> None:
    raise AssertionError("the large company was generated")
