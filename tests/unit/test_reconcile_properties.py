"""Properties of the ledger-against-general-ledger reconciliation on books built row by row in a fresh database:
consistent books reconcile to zero at any balance date; one manual posting on the customer ledger account shows as
exactly that difference, naming its voucher; Reskontra's open SEK is the ledger side of the check to the öre; and
findings fixed with their proposed corrections, exported and imported back, leave nothing open."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services import store
from services.context import Acting
from services.ledgers import open_items as ledger_views
from services.mapping.model import Facts
from services.reconcile import api, compute
from services.reconcile.model import ItemKind, Reconciliation, RemedyKind, Status, VoucherKey
from tests.conftest import settings_for
from tests.reconcile_books import COMPANY, CONTROL, END, START, YEAR, Books, books_of, export_and_import_back, invoices


def _reconcile(books: Books, path: Path, day: date) -> Reconciliation:
    books.save(path)
    with store.open_db(path) as db:
        return compute.reconcile(db, COMPANY, day, {}, Facts(False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, offset=st.integers(0, 364))
def test_consistently_booked_invoices_and_payments_reconcile_to_zero(tmp_path_factory, specs, offset) -> None:
    result = _reconcile(books_of(specs), tmp_path_factory.mktemp("books") / "app.db", START + timedelta(days=offset))
    for check_id in ("ar_vs_gl", "ap_vs_gl"):
        check = result.check(check_id)
        assert (check.difference_ore, check.items) == (0, ()), check.items


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, amount=st.integers(1, 10**9), posted=st.integers(0, 364), later=st.integers(0, 364))
def test_a_manual_posting_on_the_customer_ledger_account_is_the_difference_and_names_its_voucher(
    tmp_path_factory, specs, amount, posted, later
) -> None:
    books = books_of(specs)
    series, number, _ = books.voucher("A", START + timedelta(days=posted), [("1510", amount), ("3990", -amount)])
    day = START + timedelta(days=min(posted + later, 364))
    check = _reconcile(books, tmp_path_factory.mktemp("books") / "app.db", day).check("ar_vs_gl")
    assert check.difference_ore == amount
    [item] = check.items
    assert (item.kind, item.amount_ore, item.vouchers) == ("manual_posting", amount,
                                                           (VoucherKey(series, number, YEAR),))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, offsets=st.lists(st.integers(0, 364), min_size=1, max_size=3))
def test_reskontras_open_sek_is_the_ledger_side_of_the_reconciliation_to_the_ore(tmp_path_factory, specs,
                                                                                  offsets) -> None:
    path = tmp_path_factory.mktemp("books") / "app.db"
    books_of(specs).save(path)
    with store.open_db(path) as db:
        for day in (START + timedelta(days=offset) for offset in offsets):
            result = compute.reconcile(db, COMPANY, day, {}, Facts(False))
            for kind, check_id in (("customer", "ar_vs_gl"), ("supplier", "ap_vs_gl")):
                open_sek = int(ledger_views.open_items(db, COMPANY, kind, day)["remaining_sek"].sum())
                assert open_sek == CONTROL[kind][1] * result.check(check_id).ledger_ore, (kind, day)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=invoices, postings=st.lists(st.tuples(st.sampled_from(["customer", "supplier"]), st.integers(1, 10**8),
                                                   st.integers(0, 364)), min_size=1, max_size=4))
def test_findings_fixed_with_their_proposed_corrections_and_imported_back_leave_nothing_open(
    tmp_path_factory, specs, postings
) -> None:
    books = books_of(specs)
    for kind, amount, day in postings:
        books.voucher("A", START + timedelta(days=day), [(CONTROL[kind][0], amount), ("3990", -amount)])
    folder = tmp_path_factory.mktemp("books")
    acting = Acting(settings_for(folder, 1), "anna@example.com")
    books.save(acting.settings.database_path)
    found = api.run(acting, COMPANY, END, live=False)
    for outcome in found.checks:
        for finding in outcome.findings:
            if finding.remedy.kind == RemedyKind.VOUCHER:
                api.draft_correction(acting, found, finding.id, None, Facts(False))
    export_and_import_back(acting.settings.database_path)
    after = api.run(acting, COMPANY, END, live=False)
    for check_id in ("ar_vs_gl", "ap_vs_gl"):
        outcome = after.check(check_id)
        assert outcome.status in (Status.OK, Status.EXPLAINED), [f.item.text for f in outcome.findings]
        assert outcome.check.difference_ore == 0
        assert all(f.item.kind != ItemKind.OWN_CORRECTION for f in outcome.findings)
