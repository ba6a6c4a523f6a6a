"""Importkälla SIE-fil trusts nothing it reads: the organisation number (or a sole trader's personnummer), the
financial year and the account numbers are checked before anything is stored, and no company id or path is
built from text that was not."""

from __future__ import annotations

import pytest

from services.companies.registry import checked_orgnr
from services.imports.sie_file import review_sie_file
from tests.unit.sie_text import IDENTIFICATION, YEAR_2024, sie_bytes

VOUCHER = ('#VER A 1 20240105 "Försäljning"', "{", "#TRANS 1930 {} 100.00", "#TRANS 3010 {} -100.00", "}")


def _review(orgnr: str = "556677-8899", year: str = YEAR_2024, accounts=('#KONTO 1930 "Bank"',
                                                                         '#KONTO 3010 "Försäljning"'), voucher=VOUCHER):
    return review_sie_file(sie_bytes(*IDENTIFICATION, f"#ORGNR {orgnr}", year, *accounts, *voucher))


def _codes(review) -> list[str]:
    return [error.code for error in review.errors]


@pytest.mark.parametrize("orgnr", ["../../etc", "1" * 10_000, "556677-8898", "5566778899AB"])
def test_a_file_whose_orgnr_is_no_organisation_number_cannot_be_imported(orgnr: str) -> None:
    review = _review(orgnr)
    assert not review.importable and "bad_orgnr" in _codes(review)
    assert orgnr[:6] not in review.errors[0].message


@pytest.mark.parametrize("orgnr", ["5566778899", "19121212-1212", "121212+1212"])
def test_organisation_numbers_and_personnummer_in_their_usual_forms_are_accepted(orgnr: str) -> None:
    assert _review(orgnr).importable


@pytest.mark.parametrize("year", ["#RAR 0 20241231 20240101", "#RAR 0 29990101 29991231", "#RAR 0 20220101 20241231"])
def test_a_financial_year_that_ends_before_it_starts_lies_far_ahead_or_is_too_long_cannot_be_imported(
    year: str
) -> None:
    assert "bad_year" in _codes(_review(year=year))


def test_an_account_with_letters_is_named_with_its_line() -> None:
    voucher = ('#VER A 1 20240105 "Försäljning"', "{", "#TRANS 19AB {} 100.00", "#TRANS 3010 {} -100.00", "}")
    review = _review(accounts=('#KONTO 3010 "Försäljning"',), voucher=voucher)
    assert not review.importable
    assert any(error.code == "bad_account" and "19AB" in error.message and error.message.startswith("Rad ")
               for error in review.errors)


def test_the_checked_number_is_always_ten_digits_with_a_hyphen() -> None:
    assert checked_orgnr(" 195566778899 ") == "556677-8899"
    assert checked_orgnr("５５６６７７-８８９９") is None  # full-width digits are not digits here
