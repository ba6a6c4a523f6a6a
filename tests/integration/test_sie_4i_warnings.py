"""Importera SIE 4I on Verifikationer warns before the vouchers become drafts: a file made for another
organisation number, or vouchers dated outside the company's imported financial years."""

from __future__ import annotations

import pytest

from services import store
from services.companies.model import Company
from services.companies.registry import find_company
from services.config import Settings
from services.vouchers.sie4i import sie_4i_warnings

OWN_ORGNR, OTHER_ORGNR = "556677-8899", "556036-0793"


def _sie_4i(orgnr: str, *dates: str) -> bytes:
    vouchers = "".join(f'#VER "" "" {day} "Periodisering {day}"\r\n{{\r\n#TRANS 6420 {{}} 100.00\r\n'
                       "#TRANS 2990 {} -100.00\r\n}\r\n" for day in dates)
    return (f'#FLAGGA 0\r\n#PROGRAM "Test" 1\r\n#FORMAT PC8\r\n#SIETYP 4\r\n#ORGNR {orgnr}\r\n'
            f'#FNAMN "Bokslutsdemo AB"\r\n{vouchers}').encode("cp437")


@pytest.fixture
def company(settings: Settings) -> Company:
    with store.open_db(settings.database_path) as db:
        db["companies"].insert({"id": "c1", "orgnr": OWN_ORGNR, "name": "Bokslutsdemo AB", "source": "sie",
                                "created_at": "2026-01-01T00:00:00Z"})
        db["financial_years"].insert({"company_id": "c1", "year_id": "2", "start": "2025-01-01", "end": "2025-12-31"})
        return find_company(db, "c1")


def test_a_file_of_the_company_dated_inside_its_year_gives_no_warning(settings: Settings, company: Company) -> None:
    assert sie_4i_warnings(settings, company, _sie_4i(OWN_ORGNR, "20251231")) == []


def test_a_file_of_another_organisation_number_is_warned_about(settings: Settings, company: Company) -> None:
    [warning] = sie_4i_warnings(settings, company, _sie_4i(OTHER_ORGNR, "20251231"))
    assert "organisationsnummer" in warning and OTHER_ORGNR not in warning


def test_vouchers_outside_the_companys_years_are_named(settings: Settings, company: Company) -> None:
    [warning] = sie_4i_warnings(settings, company, _sie_4i(OWN_ORGNR, "20251231", "20261231"))
    assert warning.startswith("1 av 2 verifikationer är daterade utanför")
    assert "2026-12-31 Periodisering 20261231" in warning and "2025-12-31" in warning


def test_an_unreadable_file_gets_no_warning_here(settings: Settings, company: Company) -> None:
    assert sie_4i_warnings(settings, company, b"<html>404</html>") == []
