"""Import runs that stop half-way, are cancelled, or have nothing new to fetch: staged work is never fetched twice,
published data never half-replaced, and an unchanged company costs a handful of requests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from services.companies.connections import connect_service_account, open_client
from services.companies.model import Company
from services.config import Settings
from services.fortnox.resources import VoucherRow, create_voucher, voucher_payload
from services.imports.model import ImportCancelled, RunProgress, RunStatus
from services.imports.pipeline import run_import
from services.imports.runs import import_runs, request_cancel
from tests.conftest import settings_for

YEAR_2025 = "2"


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def test_a_second_import_without_changes_skips_the_sie_files(tmp_path, quiet_sandbox, small_tenant: dict) -> None:
    settings = settings_for(tmp_path, quiet_sandbox.port)
    quiet = connect_service_account(settings, small_tenant["tenant_id"])
    first = run_import(settings, quiet.id)
    second = run_import(settings, quiet.id)
    assert second.requests == 1 + len(second.years)  # the years, then one "anything changed?" per year
    assert (second.vouchers, second.transactions) == (first.vouchers, first.transactions)


def test_a_voucher_added_in_fortnox_is_picked_up_by_the_next_incremental_import(
    settings: Settings, company: Company
) -> None:
    first = run_import(settings, company.id)
    rows = [VoucherRow("6570", Decimal("25.00"), Decimal(0)), VoucherRow("1930", Decimal(0), Decimal("25.00"))]
    with open_client(settings, company.id) as client:
        create_voucher(client, YEAR_2025, voucher_payload("A", date(2025, 11, 30), "Bankavgift", "", rows))
    second = run_import(settings, company.id)
    assert second.vouchers == first.vouchers + 1
    assert second.requests == 1 + len(second.years) + 1  # only the changed year's SIE file


def test_an_interrupted_import_resumes_without_fetching_the_staged_year_again(
    settings: Settings, company: Company
) -> None:
    def leave_after_first_year(progress: RunProgress) -> None:
        if progress.part("sie4").items_done == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(settings, company.id, on_progress=leave_after_first_year)
    resumed = run_import(settings, company.id)
    assert resumed.requests == 1 + 1  # the years, and the one SIE file the first run did not get
    assert resumed.vouchers > 0


def test_a_cancelled_import_publishes_nothing_and_says_so(settings: Settings, company: Company) -> None:
    def cancel_when_started(progress: RunProgress) -> None:
        request_cancel(settings, import_runs(settings, company.id)[0]["id"], "test")

    with pytest.raises(ImportCancelled, match="avbröts"):
        run_import(settings, company.id, on_progress=cancel_when_started)
    latest = import_runs(settings, company.id)[0]
    assert latest["status"] == RunStatus.CANCELLED and latest["counts"] == {}
    assert run_import(settings, company.id).vouchers > 0  # a cancelled run never blocks the next
