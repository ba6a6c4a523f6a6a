"""Importkälla: SIE-fil — a file is checked before anything is stored, and a failing file stores nothing."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.config import Settings
from services.imports.model import ImportFailed
from services.imports.pipeline import run_import
from services.imports.runs import import_runs
from services.imports.sie_file import import_sie_file, review_sie_file
from tests.sandbox_flows import fortnox_sie as sie_of

SAMPLES = Path(os.environ.get("SIE_SAMPLES", Path(__file__).resolve().parents[3] / "shared" / "sie-samples"))


@pytest.fixture
def fortnox_sie(sandbox, small_tenant: dict) -> bytes:
    """The small demo company's 2025 books as Fortnox exports them."""
    return sie_of(sandbox.url, small_tenant["tenant_id"], "2")


def _table_count(settings: Settings, table: str) -> int:
    with store.open_db(settings.database_path) as db:
        return db[table].count


def test_a_good_file_is_reviewed_without_errors(fortnox_sie: bytes) -> None:
    review = review_sie_file(fortnox_sie)
    assert review.importable and review.errors == []
    assert review.document.orgnr == "556677-8899"


def test_a_good_file_creates_the_company_and_its_books(settings: Settings, fortnox_sie: bytes) -> None:
    result = import_sie_file(settings, fortnox_sie, started_by="test")
    review = review_sie_file(fortnox_sie)
    assert result.vouchers == review.vouchers > 0
    with store.open_db(settings.database_path) as db:
        [company] = list(db["companies"].rows)
    assert (company["orgnr"], company["source"]) == ("556677-8899", "sie")
    assert import_runs(settings, result.company_id)[0]["parts"] == ["siefile"]


def test_a_file_for_a_connected_company_replaces_the_same_year_not_adds_one(
    settings: Settings, small_tenant: dict, fortnox_sie: bytes
) -> None:
    company = connect_service_account(settings, small_tenant["tenant_id"])
    from_fortnox = run_import(settings, company.id)
    result = import_sie_file(settings, fortnox_sie)
    assert result.company_id == company.id
    assert _table_count(settings, "financial_years") == len(from_fortnox.years)
    assert _table_count(settings, "vouchers") == from_fortnox.vouchers


def test_a_file_that_is_not_sie_stores_nothing_and_names_the_line(settings: Settings) -> None:
    review = review_sie_file(b"<html><body>404</body></html>")
    assert not review.importable and review.errors[0].line == 1
    with pytest.raises(ImportFailed, match="importerades inte"):
        import_sie_file(settings, b"<html><body>404</body></html>")
    assert _table_count(settings, "companies") == 0 and _table_count(settings, "import_runs") == 0


def _unbalance(sie: bytes) -> bytes:
    """The same file with the first voucher row's amount grown by a leading digit."""
    text = sie.decode("cp437")
    amount_start = text.index("} ", text.index("#TRANS ")) + 2
    return (text[:amount_start] + "1" + text[amount_start:]).encode("cp437")


def test_a_file_with_an_unbalanced_voucher_stores_nothing(settings: Settings, fortnox_sie: bytes) -> None:
    broken = _unbalance(fortnox_sie)
    review = review_sie_file(broken)
    assert [error.code for error in review.errors] == ["unbalanced_voucher"]
    with pytest.raises(ImportFailed):
        import_sie_file(settings, broken)
    assert _table_count(settings, "vouchers") == 0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/sie-samples is not beside the repository")
def test_a_file_without_orgnr_cannot_be_imported() -> None:
    review = review_sie_file((SAMPLES / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se").read_bytes())
    assert "missing_orgnr" in [error.code for error in review.errors]


def test_each_problem_is_listed_once(fortnox_sie: bytes) -> None:
    review = review_sie_file(_unbalance(fortnox_sie))
    findings = [(m.line, m.code) for m in review.errors + review.warnings]
    assert len(findings) == len(set(findings))


def test_a_balance_given_twice_in_a_file_is_stored_as_its_last_line(settings: Settings, fortnox_sie: bytes) -> None:
    text = fortnox_sie.decode("cp437")
    line = next(line for line in text.splitlines() if line.startswith("#UB 0 1930 "))
    doubled = text.replace(line, f"#UB 0 1930 1.00\r\n{line}" if "\r\n" in text else f"#UB 0 1930 1.00\n{line}", 1)
    result = import_sie_file(settings, doubled.encode("cp437"))
    expected = int(Decimal(line.split()[3]) * 100)
    with store.open_db(settings.database_path) as db:
        stored = db.execute("select amount_ore from balances where company_id = ? and kind = 'UB' and account = '1930'",
                            [result.company_id]).fetchall()
    assert stored == [(expected,)]
