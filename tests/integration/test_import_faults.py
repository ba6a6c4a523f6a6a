"""Fortnox misbehaving in the middle of an import, through the sandbox's faults: every case ends in a clear
outcome, earlier data is kept, and nothing is stored twice."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from services import store
from services.companies.connections import connect_service_account, finish_authorization, start_authorization
from services.companies.model import Company
from services.config import Settings
from services.imports.model import ImportFailed, RunProgress, RunStatus
from services.imports.pipeline import PARTS, run_import
from services.imports.runs import import_runs
from tests.conftest import settings_for
from tests.fortnox_login import DEMO, authorize

LEDGERS_AND_FILES = ("ledgers", "attachments")


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


@pytest.fixture
def reference(tmp_path, sandbox, small_tenant: dict) -> dict:
    """What a clean import of everything stores, to compare a disturbed one with."""
    clean = settings_for(tmp_path / "clean", sandbox.port)
    return run_import(clean, connect_service_account(clean, small_tenant["tenant_id"]).id, parts=PARTS).counts


def _faults(sandbox, *faults: dict) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults", json=list(faults)).raise_for_status()


def _stored(settings: Settings, company: Company) -> dict[str, int]:
    with store.open_db(settings.database_path) as db:
        return {table: db[table].count_where("company_id = ?", [company.id])
                for table in ("vouchers", "parties", "ledger_invoices", "ledger_payments", "attachments")}


def test_a_429_storm_is_waited_out_and_counted(settings: Settings, company: Company, sandbox, reference) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/invoices", "kind": "status:429", "times": 8})
    result = run_import(settings, company.id, parts=PARTS)
    assert result.counts == reference
    assert result.rate_limited == 8 and import_runs(settings, company.id)[0]["rate_limited"] == 8


def test_a_passing_503_is_retried_and_a_500_fails_clearly(settings: Settings, company: Company, sandbox,
                                                          reference) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/suppliers", "kind": "status:503", "times": 2})
    assert run_import(settings, company.id, parts=PARTS).counts == reference
    before = _stored(settings, company)
    _faults(sandbox, {"method": "GET", "path": "/3/supplierinvoices", "kind": "status:500", "times": 1})
    with pytest.raises(ImportFailed, match="serverfel"):
        run_import(settings, company.id, parts=PARTS, full=True)
    assert _stored(settings, company) == before
    assert import_runs(settings, company.id)[0]["status"] == RunStatus.FAILED


def test_a_slow_answer_is_given_up_on_and_asked_again(tmp_path, sandbox, small_tenant: dict, reference) -> None:
    impatient = settings_for(tmp_path / "impatient", sandbox.port, FORTNOX_TIMEOUT="0.5")
    company = connect_service_account(impatient, small_tenant["tenant_id"])
    _faults(sandbox, {"method": "GET", "path": "/3/customers", "kind": "delay:2", "times": 1})
    assert run_import(impatient, company.id, parts=PARTS).counts == reference


def test_an_access_token_expiring_mid_import_is_renewed(settings: Settings, company: Company, sandbox,
                                                        reference) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/invoicepayments", "kind": "expire_token", "times": 1})
    assert run_import(settings, company.id, parts=PARTS).counts == reference


def test_a_refresh_token_revoked_mid_import_asks_to_connect_again_and_keeps_data(
    settings: Settings, sandbox
) -> None:
    location = authorize(start_authorization(settings, DEMO))
    params = {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    run_import(settings, company.id, parts=("sie4",))
    before = _stored(settings, company)
    _faults(sandbox, {"method": "GET", "path": "/3/customers", "kind": "revoke_refresh", "times": 1},
            {"method": "GET", "path": "/3/suppliers", "kind": "expire_token", "times": 1})
    with pytest.raises(ImportFailed, match="Anslut igen"):
        run_import(settings, company.id, parts=LEDGERS_AND_FILES)
    assert _stored(settings, company) == before


def test_a_licence_missing_mid_import_names_it(settings: Settings, company: Company, sandbox) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/supplierinvoices", "kind": "licence_missing:supplierinvoice",
                      "times": 1})
    with pytest.raises(ImportFailed, match="licens"):
        run_import(settings, company.id, parts=LEDGERS_AND_FILES)


def test_an_attachment_gone_from_fortnox_is_reported_and_the_rest_arrive(
    settings: Settings, company: Company, sandbox, reference
) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/archive/*", "kind": "status:404", "times": 1})
    result = run_import(settings, company.id, parts=PARTS)
    assert result.counts["attachments"]["missing"] == 1
    assert result.counts["attachments"]["files"] == reference["attachments"]["files"] - 1
    assert "finns inte längre i Fortnox" in result.notes[0]
    again = run_import(settings, company.id, parts=PARTS, full=True)
    assert again.counts["attachments"]["files"] == reference["attachments"]["files"]


def test_a_malformed_answer_fails_clearly_and_the_next_run_resumes_without_duplicates(
    settings: Settings, company: Company, sandbox, reference
) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/supplierinvoicepayments", "kind": "body:malformed", "times": 1})
    with pytest.raises(ImportFailed, match="inte gick att läsa"):
        run_import(settings, company.id, parts=PARTS)
    resumed = run_import(settings, company.id, parts=PARTS)
    assert resumed.counts == reference
    assert "sie4" in resumed.counts  # published by the first run already: the second only asked what changed


def test_a_malformed_sie_file_is_never_staged_so_the_next_import_gets_the_good_one(
    settings: Settings, company: Company, sandbox
) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/sie/*", "kind": "body:malformed", "times": 1})
    with pytest.raises(ImportFailed, match="kunde inte läsas"):
        run_import(settings, company.id)
    with store.open_db(settings.database_path) as db:
        assert db["import_staging"].count_where("company_id = ? and part = 'sie4'", [company.id]) == 0
    assert run_import(settings, company.id).vouchers > 0


def _stage_first_year_then_leave(settings: Settings, company: Company) -> None:
    def leave_after_first_year(progress: RunProgress) -> None:
        if progress.part("sie4").items_done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(settings, company.id, on_progress=leave_after_first_year)


def test_a_staged_sie_file_that_no_longer_reads_is_fetched_again(settings: Settings, company: Company) -> None:
    _stage_first_year_then_leave(settings, company)
    with store.open_db(settings.database_path) as db:
        db.execute("update import_staging set payload = ? where company_id = ?", [b"#FLAGGA 0\r\n{", company.id])
    resumed = run_import(settings, company.id)
    assert resumed.vouchers > 0 and resumed.requests == 1 + 2  # the years, and both SIE files


def test_a_full_import_never_reuses_staged_downloads(settings: Settings, company: Company) -> None:
    _stage_first_year_then_leave(settings, company)
    assert run_import(settings, company.id, full=True).requests == 1 + 2
