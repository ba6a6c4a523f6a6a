"""Importing SIE4-data from the sandbox: what lands in SQLite, re-runs, and Fortnox being down."""

from __future__ import annotations

import httpx
import pytest

from services import store
from services.companies.connections import connect_service_account, open_client
from services.companies.model import Company
from services.config import Settings
from services.fortnox import resources
from services.imports import hooks
from services.imports.model import ImportFailed, ImportPart, RunProgress, RunStatus
from services.imports.pipeline import run_import
from services.imports.runs import import_runs
from services.sie import read_sie
from tests.conftest import settings_for


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _count(settings: Settings, table: str, company: Company) -> int:
    with store.open_db(settings.database_path) as db:
        return db[table].count_where("company_id = ?", [company.id])


def test_import_stores_what_fortnox_exports_for_the_two_latest_years(settings: Settings, company: Company) -> None:
    result = run_import(settings, company.id, started_by="test")
    with open_client(settings, company.id) as client:
        years = resources.financial_years(client)[-2:]
        documents = [read_sie(resources.sie(client, year.id)) for year in years]
    assert [year.id for year in result.years] == [year.id for year in years]
    assert result.vouchers == sum(len(doc.vouchers) for doc in documents) == _count(settings, "vouchers", company)
    assert result.transactions == sum(len(v.rows) for doc in documents for v in doc.vouchers)
    assert result.transactions == _count(settings, "transactions", company)
    assert result.requests == 1 + len(years)
    assert result.accounts == len(set().union(*(doc.accounts for doc in documents)))


def test_imported_balances_are_integer_ore_and_match_the_sie_file(settings: Settings, company: Company) -> None:
    run_import(settings, company.id)
    with open_client(settings, company.id) as client:
        latest = resources.financial_years(client)[-1]
        document = read_sie(resources.sie(client, latest.id))
    expected = {(b.kind, b.account): b.amount_ore for b in document.balances if b.year == 0}
    with store.open_db(settings.database_path) as db:
        stored = {
            (row["kind"], row["account"]): row["amount_ore"]
            for row in db["balances"].rows_where("company_id = ? and year_id = ?", [company.id, latest.id])
        }
    assert stored == expected
    assert all(isinstance(amount, int) for amount in stored.values())


def test_running_the_import_again_does_not_duplicate(settings: Settings, company: Company) -> None:
    first = run_import(settings, company.id)
    second = run_import(settings, company.id)
    assert _count(settings, "vouchers", company) == first.vouchers == second.vouchers
    assert [run["status"] for run in import_runs(settings, company.id)] == [RunStatus.OK, RunStatus.OK]


def test_fortnox_down_gives_a_clear_message_and_keeps_earlier_data(
    settings: Settings, company: Company, tmp_path
) -> None:
    first = run_import(settings, company.id)
    down = settings_for(settings.data_dir, sandbox_port=9)  # same database, nothing listening at Fortnox's address
    with pytest.raises(ImportFailed, match="nå Fortnox"):
        run_import(down, company.id)
    assert _count(settings, "vouchers", company) == first.vouchers
    latest = import_runs(settings, company.id)[0]
    assert latest["status"] == RunStatus.FAILED and "Fortnox" in latest["error"]


def test_a_fortnox_failure_after_the_first_year_publishes_nothing(settings: Settings, company: Company, sandbox) -> None:
    first = run_import(settings, company.id)
    with store.open_db(settings.database_path) as db:
        db["vouchers"].update((company.id, first.years[0].id, "A", "1"), {"text": "från förra importen"})

    def fail_after_first_year(progress: RunProgress) -> None:
        if progress.part("sie4").items_done == 1:
            httpx.put(
                f"{sandbox.url}/sandbox/faults",
                json=[{"method": "GET", "path": "/3/sie/*", "kind": "status:503", "times": 50}],
            )

    with pytest.raises(ImportFailed, match="serverfel"):
        run_import(settings, company.id, on_progress=fail_after_first_year, full=True)
    with store.open_db(settings.database_path) as db:
        assert db["vouchers"].get((company.id, first.years[0].id, "A", "1"))["text"] == "från förra importen"
    assert _count(settings, "vouchers", company) == first.vouchers


def test_a_passing_fortnox_overload_is_retried_without_the_user_noticing(
    settings: Settings, company: Company, sandbox
) -> None:
    httpx.put(
        f"{sandbox.url}/sandbox/faults",
        json=[
            {"method": "GET", "path": "/3/sie/*", "kind": "status:503", "times": 2},
            {"method": "GET", "path": "/3/financialyears", "kind": "status:429", "times": 1},
        ],
    )
    result = run_import(settings, company.id)
    assert result.vouchers > 0
    assert import_runs(settings, company.id)[0]["status"] == RunStatus.OK


def test_an_import_interrupted_by_the_page_does_not_block_the_next(settings: Settings, company: Company) -> None:
    def leave_the_page(progress: RunProgress) -> None:
        raise KeyboardInterrupt  # what Streamlit's stop/rerun looks like to the service: a BaseException

    with pytest.raises(KeyboardInterrupt):
        run_import(settings, company.id, on_progress=leave_the_page)
    assert import_runs(settings, company.id)[0]["status"] == RunStatus.FAILED
    assert run_import(settings, company.id).vouchers > 0


def test_demo_mode_adds_two_drafts_after_the_first_import_only(settings: Settings, company: Company) -> None:
    run_import(settings, company.id)
    assert _count(settings, "adjustment_vouchers", company) == 2
    run_import(settings, company.id)
    assert _count(settings, "adjustment_vouchers", company) == 2


def test_an_import_adds_no_drafts_of_its_own_unless_demo_mode_is_composed_in(
        settings: Settings, company: Company, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hooks, "_registered", [])  # for this test only: the worker may run browser files after it
    run_import(settings, company.id)
    assert _count(settings, "adjustment_vouchers", company) == 0


def test_an_import_of_ledgers_alone_adds_no_demo_drafts(settings: Settings, company: Company) -> None:
    run_import(settings, company.id, parts=[ImportPart.LEDGERS])
    assert _count(settings, "adjustment_vouchers", company) == 0


@pytest.fixture
def midsize(settings: Settings, tenants: list[dict]) -> Company:
    return connect_service_account(settings, tenants[1]["tenant_id"])


def test_rows_struck_in_fortnox_are_kept_apart_and_counted_in_no_sum(settings: Settings, midsize: Company) -> None:
    run_import(settings, midsize.id, started_by="test")
    with store.open_db(settings.database_path) as db:
        year_id = db.execute("select max(year_id) from financial_years where company_id = ?", [midsize.id]).fetchone()[0]
        struck = db.execute("select account from struck_transactions where company_id = ? and year_id = ?",
                            [midsize.id, year_id]).fetchall()
        movements = dict(db.execute("select account, sum(amount_ore) from transactions where company_id = ? "
                                    "and year_id = ? group by account", [midsize.id, year_id]).fetchall())
        balances = {kind: dict(db.execute("select account, amount_ore from balances where company_id = ? "
                                          "and year_id = ? and kind = ?", [midsize.id, year_id, kind]).fetchall())
                    for kind in ("IB", "UB")}
    assert {"1510", "2440"} <= {account for (account,) in struck} and len(struck) == 3
    for account in ("1510", "2440"):
        assert balances["IB"].get(account, 0) + movements[account] == balances["UB"][account]
