"""Account mapping on the demo companies' books as imported from the Fortnox sandbox (and as a SIE file)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from services import store
from services.companies.connections import connect_service_account
from services.config import Settings
from services.imports.model import ImportResult
from services.imports.pipeline import run_import
from services.imports.sie_file import import_sie_file
from services.mapping import review as mapping
from services.mapping.model import ChartSource, MappingStatus, Problem
from tests.sandbox_flows import fortnox_sie

SMALL, MIDSIZE = 0, 1  # indexes in GET /sandbox/tenants


def imported(settings: Settings, tenant: dict) -> ImportResult:
    company = connect_service_account(settings, tenant["tenant_id"])
    return run_import(settings, company.id)


def reviews(settings: Settings, company_id: str) -> dict[str, mapping.AccountReview]:
    with store.open_db(settings.database_path) as db:
        return {review.number: review for review in mapping.review_accounts(db, company_id)}


def change_of(settings: Settings, company_id: str) -> mapping.SourceChange | None:
    with store.open_db(settings.database_path) as db:
        return mapping.source_change(db, company_id)


@pytest.fixture
def planted(sandbox) -> list[dict]:
    return httpx.get(f"{sandbox.url}/sandbox/findings").json()


def test_an_account_without_sru_in_fortnox_is_reported_as_sru_missing(
    settings: Settings, tenants: list[dict], planted: list[dict]
) -> None:
    tenant = tenants[MIDSIZE]
    result = imported(settings, tenant)
    [finding] = [f for f in planted if f["tenant_id"] == tenant["tenant_id"] and f["kind"] == "account_without_sru"]
    missing = [number for number, review in reviews(settings, result.company_id).items()
               if Problem.SRU_MISSING in review.problems]
    assert missing == [finding["account"]]


def test_the_account_without_sru_carries_the_planted_balance(
    settings: Settings, tenants: list[dict], planted: list[dict]
) -> None:
    tenant = tenants[MIDSIZE]
    result = imported(settings, tenant)
    [finding] = [f for f in planted if f["tenant_id"] == tenant["tenant_id"] and f["kind"] == "account_without_sru"]
    balance = reviews(settings, result.company_id)[finding["account"]].balance_ore
    assert balance == int(Decimal(finding["amount"]) * 100)


def test_every_account_of_the_small_company_has_an_sru_code(settings: Settings, tenants: list[dict]) -> None:
    result = imported(settings, tenants[SMALL])
    assert not [n for n, r in reviews(settings, result.company_id).items() if Problem.SRU_MISSING in r.problems]


def test_a_new_company_gets_a_proposal_for_each_account_the_reference_has(
    settings: Settings, tenants: list[dict]
) -> None:
    result = imported(settings, tenants[SMALL])
    with store.open_db(settings.database_path) as db:
        proposed = mapping.proposals(db, result.company_id)
        in_reference = set(mapping.reference_chart(db)) & set(reviews(settings, result.company_id))
    assert set(proposed) == in_reference
    assert proposed["1510"] == mapping.MappingEdit("1510", "1510", "7251")


def test_an_sru_code_other_than_the_references_is_reported(settings: Settings, tenants: list[dict]) -> None:
    result = imported(settings, tenants[SMALL])
    review = reviews(settings, result.company_id)["4010"]  # Fortnox 7511, Visma 2022 reference 7512
    assert Problem.SRU_DIFFERS in review.problems


def test_fortnox_books_state_neither_account_type_nor_activity(settings: Settings, tenants: list[dict]) -> None:
    result = imported(settings, tenants[SMALL])
    found = reviews(settings, result.company_id).values()
    assert {(r.type_stated, r.active) for r in found} == {(False, None)}


def test_saved_mappings_survive_a_new_import(settings: Settings, tenants: list[dict]) -> None:
    result = imported(settings, tenants[SMALL])
    with store.open_db(settings.database_path) as db:
        mapping.save_mappings(db, result.company_id, [mapping.MappingEdit("1510", "1510", "7252")], "anna")
    run_import(settings, result.company_id)
    review = reviews(settings, result.company_id)["1510"]
    assert (review.status, review.effective_sru, review.mapped_by) == (MappingStatus.MAPPED, "7252", "anna")


def test_a_sie_file_import_after_a_fortnox_import_asks_for_the_mappings_to_be_checked(
    settings: Settings, sandbox, tenants: list[dict]
) -> None:
    tenant = tenants[SMALL]
    result = imported(settings, tenant)
    import_sie_file(settings, fortnox_sie(sandbox.url, tenant["tenant_id"], result.years[-1].id))
    change = change_of(settings, result.company_id)
    assert (change.previous, change.current) == (ChartSource.FORTNOX, ChartSource.SIE_FILE)


def test_importing_from_fortnox_again_asks_for_no_check(settings: Settings, tenants: list[dict]) -> None:
    result = imported(settings, tenants[SMALL])
    run_import(settings, result.company_id)
    assert change_of(settings, result.company_id) is None


def test_confirming_the_mappings_ends_the_request_to_check(
    settings: Settings, sandbox, tenants: list[dict]
) -> None:
    tenant = tenants[SMALL]
    result = imported(settings, tenant)
    import_sie_file(settings, fortnox_sie(sandbox.url, tenant["tenant_id"], result.years[-1].id))
    with store.open_db(settings.database_path) as db:
        mapping.record_review(db, result.company_id, "anna")
    assert change_of(settings, result.company_id) is None
