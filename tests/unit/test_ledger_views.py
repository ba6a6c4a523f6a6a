"""Open items at a balance date, their ageing, totals, filters and search, on a small ledger written into SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlite_utils import Database

from services import store
from services.ledgers import open_items as views
from services.ledgers.model import NOT_DUE, LedgerKind

COMPANY = "c1"
DAY = date(2024, 12, 31)


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as database:
        yield database


def invoice(db: Database, number: str, total: int, *, balance: int | None = None, kind: str = LedgerKind.CUSTOMER,
            party: str = "1", name: str = "Alfa AB", invoiced: date = date(2024, 12, 1), due: date | None = DAY,
            currency: str = "SEK", rate: str = "1", total_sek: int | None = None, booked: bool = True,
            cancelled: bool = False, company: str = COMPANY) -> None:
    db["ledger_invoices"].insert({
        "company_id": company, "kind": kind, "number": number, "party_number": party, "party_name": name,
        "invoice_date": invoiced.isoformat(), "due_date": due.isoformat() if due else None, "total": total,
        "balance": total if balance is None else balance, "currency": currency, "currency_rate": rate,
        "currency_unit": "1", "total_sek_ore": total if total_sek is None else total_sek, "booked": int(booked),
        "cancelled": int(cancelled), "final_pay_date": None, "vouchers": "[]", "external_number": "",
    })


def payment(db: Database, invoice_number: str, amount_ore: int, paid: date, *, kind: str = LedgerKind.CUSTOMER) -> None:
    number = str(db["ledger_payments"].count + 1)
    db["ledger_payments"].insert({
        "company_id": COMPANY, "kind": kind, "number": number, "invoice": invoice_number, "amount_ore": amount_ore,
        "currency": "SEK", "payment_date": paid.isoformat(), "booked": 1,
    })


def items(db: Database, kind: str = LedgerKind.CUSTOMER, day: date = DAY):
    return views.open_items(db, COMPANY, kind, day)


def only(db: Database, **wanted: object) -> dict:
    found = items(db)
    assert len(found) == 1
    return found.iloc[0].to_dict() | wanted


def test_remaining_at_the_balance_date_subtracts_only_payments_up_to_that_date(db: Database) -> None:
    invoice(db, "1", 100_000, balance=0)
    payment(db, "1", 30_000, DAY - timedelta(days=5))
    payment(db, "1", 20_000, DAY)
    payment(db, "1", 50_000, DAY + timedelta(days=3))
    assert only(db)["remaining"] == only(db)["remaining_sek"] == 50_000


def test_invoice_paid_in_full_by_the_balance_date_is_not_open(db: Database) -> None:
    invoice(db, "1", 100_000, balance=0)
    payment(db, "1", 100_000, DAY)
    assert items(db).empty


def test_invoice_dated_after_the_balance_date_is_not_open(db: Database) -> None:
    invoice(db, "1", 100_000, invoiced=DAY + timedelta(days=1))
    assert items(db).empty


def test_cancelled_invoice_is_not_open(db: Database) -> None:
    invoice(db, "1", 100_000, cancelled=True)
    assert items(db).empty


def test_credit_invoice_is_an_open_item_with_a_negative_remainder(db: Database) -> None:
    invoice(db, "1", -40_000)
    assert only(db)["remaining_sek"] == -40_000


def test_invoice_settled_after_the_balance_date_is_marked_paid_after_with_the_payment_date(db: Database) -> None:
    invoice(db, "1", 100_000, balance=0)
    payment(db, "1", 100_000, date(2025, 1, 14))
    row = only(db)
    assert (row["after_status"], row["after_date"]) == (views.PAID_AFTER, "2025-01-14")


def test_invoice_part_paid_after_the_balance_date_is_marked_part_paid(db: Database) -> None:
    invoice(db, "1", 100_000, balance=60_000)
    payment(db, "1", 40_000, date(2025, 1, 14))
    assert only(db)["after_status"] == views.PART_PAID_AFTER


def test_invoice_still_unpaid_carries_no_after_mark(db: Database) -> None:
    invoice(db, "1", 100_000)
    assert only(db)["after_status"] == ""


@pytest.mark.parametrize(
    ("days_overdue", "bucket"),
    [(-10, NOT_DUE), (0, NOT_DUE), (1, "1–30 dagar"), (30, "1–30 dagar"), (31, "31–60 dagar"),
     (60, "31–60 dagar"), (61, "61–90 dagar"), (90, "61–90 dagar"), (91, "> 90 dagar"), (400, "> 90 dagar")],
)
def test_ageing_bucket_at_its_edges(db: Database, days_overdue: int, bucket: str) -> None:
    invoice(db, "1", 100_000, invoiced=DAY - timedelta(days=500), due=DAY - timedelta(days=days_overdue))
    row = only(db)
    assert (row["bucket"], row["days_overdue"]) == (bucket, max(days_overdue, 0))


def test_invoice_without_due_date_is_not_due(db: Database) -> None:
    invoice(db, "1", 100_000, due=None)
    assert only(db)["bucket"] == NOT_DUE


def test_euro_invoice_remains_in_euro_and_in_sek_at_the_invoice_rate(db: Database) -> None:
    invoice(db, "1", 100_000, balance=0, currency="EUR", rate="11.50", total_sek=1_150_000)
    payment(db, "1", 472_000, DAY - timedelta(days=1))  # 40 000 cent, paid at 11.80: the rate moved
    payment(db, "1", 708_000, DAY + timedelta(days=9))  # 60 000 cent at 11.80
    row = only(db)
    assert (row["currency"], row["remaining"], row["remaining_sek"]) == ("EUR", 60_000, 690_000)


def test_unpaid_euro_invoice_keeps_its_booked_sek_total(db: Database) -> None:
    invoice(db, "1", 100_001, currency="EUR", rate="11.505", total_sek=1_150_562)
    assert only(db)["remaining_sek"] == 1_150_562


def test_amounts_are_integer_ore(db: Database) -> None:
    invoice(db, "1", 100_000)
    found = items(db)
    assert all(str(found[column].dtype) == "Int64" for column in ("total", "remaining", "total_sek", "remaining_sek"))


def test_supplier_and_customer_ledgers_stay_apart(db: Database) -> None:
    invoice(db, "1", 100_000, kind=LedgerKind.SUPPLIER)
    invoice(db, "1", 7_000)
    assert items(db, LedgerKind.SUPPLIER)["remaining"].tolist() == [100_000]


def test_another_companys_invoices_never_show(db: Database) -> None:
    invoice(db, "1", 100_000, company="c2")
    assert items(db).empty


def test_party_totals_sum_remaining_overdue_and_buckets_per_party(db: Database) -> None:
    invoice(db, "1", 100_000, due=DAY - timedelta(days=45))
    invoice(db, "2", 20_000, due=DAY + timedelta(days=10))
    invoice(db, "3", 5_000, party="2", name="Beta AB")
    totals = views.party_totals(items(db)).set_index("party_number")
    alfa = totals.loc["1"]
    assert (alfa["items"], alfa["remaining_sek"], alfa["overdue_sek"]) == (2, 120_000, 100_000)
    assert (alfa["31–60 dagar"], alfa[NOT_DUE], alfa["> 90 dagar"]) == (100_000, 20_000, 0)


def test_party_totals_list_the_largest_balance_first(db: Database) -> None:
    invoice(db, "1", 1_000)
    invoice(db, "2", 9_000, party="2", name="Beta AB")
    assert views.party_totals(items(db))["party_name"].tolist() == ["Beta AB", "Alfa AB"]


def test_ageing_lists_every_bucket_with_items_and_sek(db: Database) -> None:
    invoice(db, "1", 100_000, due=DAY - timedelta(days=100))
    invoice(db, "2", 20_000, due=DAY - timedelta(days=95))
    table = views.ageing(items(db)).set_index("bucket")
    assert table.index.tolist() == list(views.BUCKETS)
    assert (table.loc["> 90 dagar", "items"], table.loc["> 90 dagar", "remaining_sek"]) == (2, 120_000)
    assert table.loc[NOT_DUE, "items"] == 0


def test_summary_totals_overdue_unbooked_paid_after_and_foreign_currency(db: Database) -> None:
    invoice(db, "1", 100_000, due=DAY - timedelta(days=1), booked=False)
    invoice(db, "2", 50_000, currency="EUR", rate="11", total_sek=550_000, balance=0)
    payment(db, "2", 550_000, DAY + timedelta(days=1))
    assert views.summarise(items(db)) == views.Summary(
        items=2, remaining_sek=650_000, overdue_sek=100_000, unbooked=1, paid_after=1, foreign={"EUR": 50_000})


@pytest.fixture
def mixed(db: Database) -> Database:
    invoice(db, "101", 1_000, due=DAY - timedelta(days=40))
    invoice(db, "102", 2_000, party="2", name="Beta Bygg AB", booked=False)
    invoice(db, "203", 3_000, party="3", name="Gamma AB", currency="EUR", rate="11", total_sek=33_000)
    return db


@pytest.mark.parametrize(
    ("wanted", "numbers"),
    [
        (views.ItemFilter(party="2"), ["102"]),
        (views.ItemFilter(bucket="31–60 dagar"), ["101"]),
        (views.ItemFilter(booked=False), ["102"]),
        (views.ItemFilter(booked=True), ["101", "203"]),
        (views.ItemFilter(currency="EUR"), ["203"]),
        (views.ItemFilter(), ["101", "102", "203"]),
    ],
)
def test_filter_keeps_the_items_that_match(mixed: Database, wanted: views.ItemFilter, numbers: list[str]) -> None:
    assert sorted(views.filter_items(items(mixed), wanted)["number"]) == numbers


@pytest.mark.parametrize(("term", "numbers"), [("bygg", ["102"]), ("20", ["203"]), ("  GAMMA ", ["203"]),
                                               ("1", ["101", "102"]), ("ingen", [])])
def test_search_matches_invoice_number_or_party_name_ignoring_case(mixed: Database, term: str,
                                                                    numbers: list[str]) -> None:
    assert sorted(views.filter_items(items(mixed), views.ItemFilter(search=term))["number"]) == numbers


def test_filters_combine(mixed: Database) -> None:
    wanted = views.ItemFilter(search="a", booked=True, currency="SEK")
    assert views.filter_items(items(mixed), wanted)["number"].tolist() == ["101"]


def test_attachments_of_an_invoice_are_its_own(db: Database) -> None:
    db["files"].insert_all([{"sha256": "a" * 64, "size": 10, "content_type": "application/pdf"},
                            {"sha256": "b" * 64, "size": 20, "content_type": "application/pdf"}])
    db["attachments"].insert_all([
        {"company_id": COMPANY, "kind": LedgerKind.CUSTOMER, "document": "1", "file_id": "f1", "name": "Faktura 1.pdf",
         "sha256": "a" * 64},
        {"company_id": COMPANY, "kind": LedgerKind.SUPPLIER, "document": "1", "file_id": "f2", "name": "Lev 1.pdf",
         "sha256": "b" * 64},
    ])
    found = views.invoice_attachments(db, COMPANY, LedgerKind.CUSTOMER, "1")
    assert [(a.name, a.content_type, a.size) for a in found] == [("Faktura 1.pdf", "application/pdf", 10)]


def test_default_balance_date_is_the_end_of_the_latest_financial_year(db: Database) -> None:
    db["financial_years"].insert_all([{"company_id": COMPANY, "year_id": "1", "start": "2023-07-01",
                                       "end": "2024-06-30"},
                                      {"company_id": COMPANY, "year_id": "2", "start": "2024-07-01",
                                       "end": "2025-06-30"}])
    assert views.default_balance_date(db, COMPANY) == date(2025, 6, 30)


def test_default_balance_date_without_books_is_the_date_the_ledgers_were_imported_up_to(db: Database) -> None:
    db["import_cursors"].insert({"company_id": COMPANY, "resource": "ledgers:2024-12-31", "since": "2025-02-01"})
    invoice(db, "1", 1_000, invoiced=date(2024, 11, 2))
    assert views.default_balance_date(db, COMPANY) == DAY


def test_default_balance_date_without_anything_imported_is_none(db: Database) -> None:
    assert views.default_balance_date(db, COMPANY) is None


def test_ledger_version_changes_when_invoices_arrive(db: Database) -> None:
    before = views.ledger_version(db, COMPANY)
    invoice(db, "1", 1_000)
    assert views.ledger_version(db, COMPANY) != before
