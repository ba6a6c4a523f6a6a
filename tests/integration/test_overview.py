"""Översikt's service: where each company the person may see stands — connection, last import, reconciliation,
drafts waiting for export — read from the same rows the other pages use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.config import Settings
from services.context import Acting
from services.imports.model import RunStatus
from services.imports.pipeline import run_import
from services.overview import api as overview
from services.overview.model import CompanyStatus, ConnectionStatus
from services.reconcile import api as reconcile
from services.vouchers.drafts import list_vouchers
from tests.conftest import settings_for

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _status(settings: Settings, company: Company, now: datetime = NOW) -> CompanyStatus:
    [status] = [s for s in overview.statuses(Acting(settings, "support@byra.se"), now) if s.company.id == company.id]
    return status


def _user_connection_refreshed(settings: Settings, company: Company, ago: timedelta) -> None:
    with store.open_db(settings.database_path) as db:
        db["connections"].update(company.id, {"kind": "user", "updated_at": (NOW - ago).isoformat()})


def test_a_company_without_imports_is_connected_and_has_no_import_or_drafts(settings: Settings,
                                                                            company: Company) -> None:
    status = _status(settings, company)
    assert status.connection.status is ConnectionStatus.OK
    assert status.last_import is None and status.drafts_waiting == 0


def test_a_user_connection_unused_for_over_38_days_expires_soon_and_after_45_needs_anslut_igen(
        settings: Settings, company: Company) -> None:
    _user_connection_refreshed(settings, company, timedelta(days=40))
    expiring = _status(settings, company).connection
    assert expiring.status is ConnectionStatus.EXPIRING
    assert expiring.label == "Går ut snart (2026-12-08)"
    _user_connection_refreshed(settings, company, timedelta(days=46))
    assert _status(settings, company).connection.label == "Anslut igen"


def test_a_fortnox_company_whose_connection_is_gone_says_anslut_igen(settings: Settings, company: Company) -> None:
    with store.open_db(settings.database_path) as db:
        db["connections"].delete_where("company_id = ?", [company.id])
    assert _status(settings, company).connection.status is ConnectionStatus.RECONNECT


def test_the_last_import_says_when_who_and_how_it_went(settings: Settings, company: Company) -> None:
    run_import(settings, company.id, parts=["sie4"], started_by="rita@byra.se")
    last = _status(settings, company).last_import
    assert (last.started_by, last.status, last.running) == ("rita@byra.se", RunStatus.OK, False)
    assert last.status.label == "Klar"
    assert last.finished_at


def test_drafts_waiting_for_export_are_counted(settings: Settings, company: Company) -> None:
    run_import(settings, company.id, parts=["sie4"])
    assert _status(settings, company).drafts_waiting == len(list_vouchers(settings, company.id)) > 0


def test_the_reconciliation_is_at_the_latest_balance_date_with_its_progress(settings: Settings,
                                                                            company: Company) -> None:
    acting = Acting(settings, "support@byra.se")
    assert overview.reconciliation(acting, company.id).progress == "Ingen bokföring importerad"
    run_import(settings, company.id)
    state = overview.reconciliation(acting, company.id)
    assert state.balance_date is not None and state.signed_off_by is None
    assert state.progress in (f"{state.handled} av {state.total} hanterade", "Inga fynd")


def test_right_after_an_import_the_findings_counted_are_those_avstamning_counts(tmp_path: Path, sandbox,
                                                                              tenants: list[dict]) -> None:
    settings = settings_for(tmp_path, sandbox.port)
    company = connect_service_account(settings, tenants[1]["tenant_id"])  # one with an inactive account's balance
    run_import(settings, company.id, parts=("sie4", "ledgers"))
    acting = Acting(settings, "support@byra.se")
    before_avstamning = overview.reconciliation(acting, company.id)
    avstamning = reconcile.run(acting, company.id)  # what the page shows: Fortnox asked now
    after_avstamning = overview.reconciliation(acting, company.id)
    assert avstamning.total > 0
    assert ((before_avstamning.handled, before_avstamning.total) == (avstamning.handled, avstamning.total)
            == (after_avstamning.handled, after_avstamning.total))


def test_fortnox_is_asked_for_the_facts_again_only_when_an_import_came_after_the_kept_answer(
        settings: Settings, company: Company) -> None:
    run_import(settings, company.id)
    acting = Acting(settings, "support@byra.se")
    with store.open_db(settings.database_path) as db:
        imported = db.execute("select max(finished_at) from import_runs where company_id = ?",
                              [company.id]).fetchone()[0]

    def kept_at(checked_at: str | None = None) -> str:
        with store.open_db(settings.database_path) as db:
            if checked_at:
                db.execute("update account_facts set checked_at = ? where company_id = ?", [checked_at, company.id])
            return db.execute("select checked_at from account_facts where company_id = ?", [company.id]).fetchone()[0]

    overview.reconciliation(acting, company.id)
    kept_at(imported)  # asked when the import finished: still as new as the books
    overview.reconciliation(acting, company.id)
    assert kept_at() == imported
    kept_at("2020-01-01T00:00:00+00:00")  # asked before the import
    overview.reconciliation(acting, company.id)
    assert kept_at() >= imported


def test_only_companies_the_person_may_see_are_listed(tmp_path: Path, sandbox, tenants: list[dict]) -> None:
    settings = settings_for(tmp_path, sandbox.port, STAFF_ALLOWLIST="kim@byra.se, rita@byra.se",
                            STAFF_COMPANIES=f"kim@byra.se={tenants[1]['orgnr']}")
    for tenant in tenants[:2]:
        connect_service_account(settings, tenant["tenant_id"], actor="rita@byra.se")
    seen_by_kim = [status.company.orgnr for status in overview.statuses(Acting(settings, "kim@byra.se"))]
    assert seen_by_kim == [tenants[1]["orgnr"]]
    assert len(overview.statuses(Acting(settings, "rita@byra.se"))) == 2
