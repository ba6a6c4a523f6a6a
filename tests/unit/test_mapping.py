"""Account mapping on a small synthetic database: what each difference is, proposals, saving with who and when,
the Swedish validation messages, and when a change of import source asks for the mappings to be checked."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlite_utils import Database

from services import store
from services.mapping import review as mapping
from services.mapping.model import ChartSource, MappingEdit, MappingError, MappingStatus, Problem, ReferenceAccount

COMPANY = "c1"
YEAR = "2"
REFERENCE = [
    ReferenceAccount("1510", "Kundfordringar", "T", "7251"),
    ReferenceAccount("1930", "Bank, checkräkningskonto", "T", "7281"),
    ReferenceAccount("2440", "Leverantörsskulder", "S", "7365"),
    ReferenceAccount("3041", "Försäljning tjänster 25%", "I", "7410"),
    ReferenceAccount("5010", "Lokalhyra", "K", "7513"),
    ReferenceAccount("6110", "Kontorsmateriel", "K", "7513"),
]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "app.db"
    store.migrate(path)
    with store.open_db(path) as database:
        database["companies"].insert({"id": COMPANY, "orgnr": "556000-0000", "name": "Test AB", "source": "fortnox"})
        database["financial_years"].insert({"company_id": COMPANY, "year_id": YEAR, "start": "2025-01-01",
                                            "end": "2025-12-31"})
        yield database


@pytest.fixture
def reference(db: Database) -> Database:
    db["reference_accounts"].insert_all(
        {"number": a.number, "name": a.name, "type": a.type, "sru": a.sru} for a in REFERENCE)
    return db


def add_account(db: Database, number: str, name: str, *, type_: str | None = None, sru: str | None = None,
                year: str = YEAR, **extra: object) -> None:
    db["accounts"].insert({"company_id": COMPANY, "year_id": year, "number": number, "name": name, "type": type_,
                           "sru": sru, **extra}, alter=True)


def add_balance(db: Database, account: str, kind: str, amount_ore: int) -> None:
    db["balances"].insert({"company_id": COMPANY, "year_id": YEAR, "kind": kind, "account": account,
                           "amount_ore": amount_ore})


def add_run(db: Database, parts: list[str], started_at: str, status: str = "ok") -> None:
    db["import_runs"].insert({"company_id": COMPANY, "parts": json.dumps(parts), "started_at": started_at,
                              "status": status, "started_by": "test"})


def review_of(db: Database, number: str) -> mapping.AccountReview:
    return next(r for r in mapping.review_accounts(db, COMPANY) if r.number == number)


# The bundled reference chart


def test_an_empty_reference_chart_is_filled_from_the_bundled_file(db: Database) -> None:
    assert mapping.ensure_reference_chart(db) == 610
    assert db["reference_accounts"].count == 610


def test_a_filled_reference_chart_is_left_as_it_is(reference: Database) -> None:
    assert mapping.ensure_reference_chart(reference) == 0
    assert reference["reference_accounts"].count == len(REFERENCE)


def test_the_bundled_chart_prefers_the_2022_sru_code() -> None:
    rows = {row.number: row for row in mapping.reference_rows()}
    assert rows["4010"].sru == "7512"  # Avendo 2011 said 7511


def test_the_bundled_chart_takes_the_2011_sru_code_when_2022_has_none() -> None:
    rows = {row.number: row for row in mapping.reference_rows()}
    assert rows["1010"].sru == "7201"


def test_a_damaged_2022_name_gives_way_to_the_2011_name() -> None:
    rows = {row.number: row for row in mapping.reference_rows()}
    assert rows["1930"].name == "Bank, checkräkningskonto"


# Classification


def test_an_account_with_the_same_number_in_the_reference_is_proposed(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar", sru="7251")
    review = review_of(reference, "1510")
    assert (review.status, review.target_account, review.problems) == (MappingStatus.PROPOSED, "1510", ())


def test_an_account_missing_from_the_reference_is_unmapped(reference: Database) -> None:
    add_account(reference, "1687", "Kortfristig fordran hos delägare", sru="7261")
    review = review_of(reference, "1687")
    assert (review.status, review.target_account, review.problems) == (MappingStatus.UNMAPPED, None, (Problem.UNMAPPED,))


def test_a_saved_mapping_counts_as_mapped(reference: Database) -> None:
    add_account(reference, "1687", "Kundfordringar", sru="7251")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1687", "1510", "7251")], "anna")
    review = review_of(reference, "1687")
    assert (review.status, review.target_account, review.problems) == (MappingStatus.MAPPED, "1510", ())


def test_a_different_name_is_reported(reference: Database) -> None:
    add_account(reference, "5010", "El för belysning", sru="7513")
    assert review_of(reference, "5010").problems == (Problem.NAME_DIFFERS,)


def test_an_abbreviated_name_is_the_same_name() -> None:
    assert mapping.names_match("Övriga fakturerade kostnader", "Övr fakt kostnader")


def test_case_punctuation_and_spacing_do_not_make_names_differ() -> None:
    assert mapping.names_match("Bank,  checkräkningskonto", "BANK CHECKRÄKNINGSKONTO")


def test_a_name_starting_with_another_letter_differs() -> None:
    assert not mapping.names_match("Postbefordran", "Porto")


def test_a_result_account_mapped_to_a_balance_account_is_a_type_difference(reference: Database) -> None:
    add_account(reference, "3041", "Kundfordringar", type_="I", sru="7251")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("3041", "1510", "7251")], "anna")
    assert review_of(reference, "3041").problems == (Problem.TYPE_DIFFERS,)


def test_a_balance_account_of_another_balance_type_is_no_type_difference(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar", type_="S", sru="7251")
    assert review_of(reference, "1510").problems == ()


def test_a_missing_type_is_derived_from_the_account_class(reference: Database) -> None:
    add_account(reference, "2440", "Leverantörsskulder", sru="7365")
    review = review_of(reference, "2440")
    assert (review.type, review.type_stated, review.problems) == ("S", False, ())


def test_an_account_without_sru_is_reported_as_sru_missing(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    assert review_of(reference, "1510").problems == (Problem.SRU_MISSING,)


def test_an_sru_other_than_the_references_is_reported(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar", sru="7261")
    assert review_of(reference, "1510").problems == (Problem.SRU_DIFFERS,)


def test_an_sru_saved_in_the_mapping_overrides_the_books(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1510", "1510", "7251")], "anna")
    review = review_of(reference, "1510")
    assert (review.effective_sru, review.problems) == ("7251", ())


def test_the_editor_proposes_the_reference_sru_when_the_books_have_none(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    assert review_of(reference, "1510").proposed_sru == "7251"


def fortnox_says_inactive(db: Database, *accounts: str) -> None:
    """What Avstämning keeps after asking Fortnox: the one source of active flags for both pages."""
    db["account_facts"].insert({"company_id": COMPANY, "year_id": YEAR, "locked_until": None,
                                "inactive": json.dumps(list(accounts)), "checked_at": "2026-01-01T00:00:00+00:00"})


def test_an_inactive_account_with_a_balance_is_reported(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    fortnox_says_inactive(reference, "1930")
    add_balance(reference, "1930", "UB", 150_000)
    assert review_of(reference, "1930").problems == (Problem.INACTIVE_WITH_BALANCE,)


def test_an_inactive_account_without_a_balance_is_fine(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    fortnox_says_inactive(reference, "1930")
    assert review_of(reference, "1930").problems == ()


def test_an_account_fortnox_does_not_list_as_inactive_is_active(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    fortnox_says_inactive(reference, "1910")
    assert review_of(reference, "1930").active is True


def test_activity_is_unknown_until_fortnox_was_asked(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    assert review_of(reference, "1930").active is None


def test_the_balance_is_the_closing_balance(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    add_balance(reference, "1930", "IB", 10_000)
    add_balance(reference, "1930", "UB", 25_050)
    assert review_of(reference, "1930").balance_ore == 25_050


def test_without_a_closing_balance_the_balance_is_opening_balance_plus_the_years_rows(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    add_balance(reference, "1930", "IB", 10_000)
    for row_no, amount in enumerate([5_000, -1_250], start=1):
        reference["transactions"].insert({"company_id": COMPANY, "year_id": YEAR, "series": "A", "number": "1",
                                          "row_no": row_no, "account": "1930", "amount_ore": amount})
    assert review_of(reference, "1930").balance_ore == 13_750


def test_only_the_latest_years_chart_is_reviewed(reference: Database) -> None:
    reference["financial_years"].insert({"company_id": COMPANY, "year_id": "1", "start": "2024-01-01",
                                         "end": "2024-12-31"})
    add_account(reference, "1510", "Kundfordringar", sru="7251", year="1")
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    assert [r.number for r in mapping.review_accounts(reference, COMPANY)] == ["1930"]


def test_a_company_without_books_has_nothing_to_review(db: Database) -> None:
    assert mapping.review_accounts(db, "other") == []


# Proposals and saving


def test_proposals_cover_only_accounts_without_a_saved_mapping(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1930", "1930", "7281")], "anna")
    assert mapping.proposals(reference, COMPANY) == {"1510": MappingEdit("1510", "1510", "7251")}


def test_saving_records_who_and_when(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1510", "1510", "7251")], "anna@byran.se")
    [row] = reference["account_mappings"].rows
    assert (row["mapped_by"], row["target_account"], row["sru"]) == ("anna@byran.se", "1510", "7251")
    assert row["mapped_at"].startswith("20")


def test_saving_again_only_stores_the_rows_that_changed(reference: Database) -> None:
    add_account(reference, "1510", "Kundfordringar")
    add_account(reference, "1930", "Bank, checkräkningskonto")
    first = [MappingEdit("1510", "1510", "7251"), MappingEdit("1930", "1930", "7281")]
    mapping.save_mappings(reference, COMPANY, first, "anna")
    stored = mapping.save_mappings(reference, COMPANY, [first[0], MappingEdit("1930", "1930", "7282")], "bo")
    by_account = {row["account"]: row["mapped_by"] for row in reference["account_mappings"].rows}
    assert (stored, by_account) == (1, {"1510": "anna", "1930": "bo"})


def test_an_sru_equal_to_the_books_is_not_copied_into_the_mapping(reference: Database) -> None:
    add_account(reference, "1930", "Bank, checkräkningskonto", sru="7281")
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1930", "1930", "7281")], "anna")
    assert reference["account_mappings"].get((COMPANY, "1930"))["sru"] is None

def test_a_new_row_with_neither_target_nor_sru_is_not_stored(reference: Database) -> None:
    assert mapping.save_mappings(reference, COMPANY, [MappingEdit("1687", None, "  ")], "anna") == 0


def test_mappings_are_kept_per_company(reference: Database) -> None:
    mapping.save_mappings(reference, COMPANY, [MappingEdit("1510", "1510", "7251")], "anna")
    assert list(reference["account_mappings"].rows_where("company_id = ?", ["other"])) == []


def test_an_sru_that_is_not_four_digits_is_refused_naming_the_row(reference: Database) -> None:
    with pytest.raises(MappingError) as refused:
        mapping.save_mappings(reference, COMPANY, [MappingEdit("1510", "1510", "7X51")], "anna")
    assert refused.value.messages == ["Rad 1510: SRU-koden 7X51 är inte fyra siffror."]


def test_a_target_that_is_not_four_digits_is_refused_naming_the_row(reference: Database) -> None:
    messages = mapping.validate_mappings([MappingEdit("1510", "15100", None)], mapping.reference_chart(reference))
    assert messages == ["Rad 1510: målkontot 15100 är inte fyra siffror."]


def test_a_target_outside_the_reference_is_refused_naming_the_row(reference: Database) -> None:
    messages = mapping.validate_mappings([MappingEdit("1687", "1687", None)], mapping.reference_chart(reference))
    assert messages == ["Rad 1687: målkontot 1687 finns inte i referenskontoplanen."]


def test_nothing_is_saved_when_one_row_is_invalid(reference: Database) -> None:
    edits = [MappingEdit("1510", "1510", "7251"), MappingEdit("1930", "1930", "72")]
    with pytest.raises(MappingError):
        mapping.save_mappings(reference, COMPANY, edits, "anna")
    assert reference["account_mappings"].count == 0


# Editing the reference chart


def test_a_reference_edit_records_who_and_when(reference: Database) -> None:
    edited = ReferenceAccount("1510", "Kundfordringar (BAS)", "T", "7251")
    assert mapping.save_reference_edits(reference, [edited, REFERENCE[1]], "anna") == 1
    row = reference["reference_accounts"].get("1510")
    assert (row["name"], row["edited_by"], row["edited_at"] is not None) == ("Kundfordringar (BAS)", "anna", True)


def test_a_reference_edit_with_an_unknown_type_is_refused_naming_the_row(reference: Database) -> None:
    with pytest.raises(MappingError) as refused:
        mapping.save_reference_edits(reference, [ReferenceAccount("1510", "Kundfordringar", "X", "7251")], "anna")
    assert refused.value.messages == ["Rad 1510: kontotypen X är inte T, S, K eller I."]


def test_a_reference_edit_without_a_name_is_refused_naming_the_row(reference: Database) -> None:
    with pytest.raises(MappingError) as refused:
        mapping.save_reference_edits(reference, [ReferenceAccount("1510", " ", "T", "7251")], "anna")
    assert refused.value.messages == ["Rad 1510: kontonamnet saknas."]


# A change of import source


def test_a_single_import_source_asks_for_no_check(db: Database) -> None:
    add_run(db, ["sie4", "ledgers"], "2026-01-01T10:00:00+00:00")
    add_run(db, ["sie4"], "2026-01-02T10:00:00+00:00")
    assert mapping.source_change(db, COMPANY) is None


def test_a_sie_file_after_fortnox_asks_for_a_check(db: Database) -> None:
    add_run(db, ["sie4"], "2026-01-01T10:00:00+00:00")
    add_run(db, ["siefile"], "2026-01-02T10:00:00+00:00")
    change = mapping.source_change(db, COMPANY)
    assert (change.previous, change.current) == (ChartSource.FORTNOX, ChartSource.SIE_FILE)
    assert "från Fortnox till SIE-fil" in change.message


def test_a_recorded_review_ends_the_request_to_check(db: Database) -> None:
    add_run(db, ["sie4"], "2026-01-01T10:00:00+00:00")
    add_run(db, ["siefile"], "2026-01-02T10:00:00+00:00")
    mapping.record_review(db, COMPANY, "anna")
    assert mapping.source_change(db, COMPANY) is None


def test_a_review_for_another_source_asks_for_a_check(db: Database) -> None:
    add_run(db, ["siefile"], "2026-01-01T10:00:00+00:00")
    mapping.record_review(db, COMPANY, "anna")
    db["import_runs"].delete_where()
    add_run(db, ["sie4"], "2099-01-02T10:00:00+00:00")
    change = mapping.source_change(db, COMPANY)
    assert (change.previous, change.current) == (ChartSource.SIE_FILE, ChartSource.FORTNOX)


def test_switching_back_after_a_review_asks_for_a_check_again(db: Database) -> None:
    add_run(db, ["sie4"], "2026-01-01T10:00:00+00:00")
    db["mapping_reviews"].insert({"company_id": COMPANY, "source": ChartSource.FORTNOX, "reviewed_by": "anna",
                                  "reviewed_at": "2026-01-01T11:00:00+00:00"})
    add_run(db, ["siefile"], "2026-01-02T10:00:00+00:00")
    add_run(db, ["sie4"], "2026-01-03T10:00:00+00:00")
    change = mapping.source_change(db, COMPANY)
    assert (change.previous, change.current) == (ChartSource.SIE_FILE, ChartSource.FORTNOX)


def test_ledger_only_and_failed_imports_do_not_change_the_source(db: Database) -> None:
    add_run(db, ["sie4"], "2026-01-01T10:00:00+00:00")
    add_run(db, ["siefile"], "2026-01-02T10:00:00+00:00", status="failed")
    add_run(db, ["ledgers", "attachments"], "2026-01-03T10:00:00+00:00")
    assert mapping.source_change(db, COMPANY) is None


def test_a_review_records_the_current_source_with_who_and_when(db: Database) -> None:
    add_run(db, ["siefile"], "2026-01-02T10:00:00+00:00")
    mapping.record_review(db, COMPANY, "anna")
    row = db["mapping_reviews"].get(COMPANY)
    assert (row["source"], row["reviewed_by"], row["reviewed_at"] is not None) == (ChartSource.SIE_FILE, "anna", True)
