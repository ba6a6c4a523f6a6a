"""The production client against the sandbox: it waits out overload, retries only what is safe to repeat, and
stays inside Fortnox's rate limit however many threads share one company."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import httpx
import pytest

from services.companies.connections import connect_service_account, open_client
from services.companies.model import Company
from services.config import Settings
from services.fortnox.errors import FortnoxUnavailable, MissingScope, NotFound
from services.fortnox.resources import VoucherRow, create_voucher, voucher_payload
from tests.conftest import settings_for
from tests.fortnox_peek import voucher_count

YEAR_2025 = "2"  # the small demo company's Fortnox financial-year Id for 2025


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _faults(sandbox, *faults: dict) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults", json=list(faults)).raise_for_status()


def test_a_storm_of_429_is_waited_out_and_counted(settings: Settings, company: Company, sandbox) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/financialyears", "kind": "status:429", "times": 3})
    with open_client(settings, company.id) as client:
        years = client.get_json("/3/financialyears")
        assert years["FinancialYears"]
        assert (client.rate_limited, client.requests_made) == (3, 4)


def test_a_read_that_keeps_failing_gives_up_with_a_clear_message(settings: Settings, company: Company, sandbox) -> None:
    _faults(sandbox, {"method": "GET", "path": "/3/financialyears", "kind": "status:503", "times": 50})
    with open_client(settings, company.id) as client, pytest.raises(FortnoxUnavailable, match="serverfel"):
        client.get_json("/3/financialyears")
    assert client.requests_made == settings.fortnox.retry.attempts


def test_a_slow_answer_is_retried_after_the_timeout(tmp_path, company: Company, sandbox) -> None:
    impatient = settings_for(tmp_path / "impatient", sandbox.port, FORTNOX_TIMEOUT="0.3")
    connect_service_account(impatient, company.tenant_id or "")
    _faults(sandbox, {"method": "GET", "path": "/3/companyinformation", "kind": "delay:1", "times": 1})
    with open_client(impatient, company.id) as client:
        assert client.get_json("/3/companyinformation")["CompanyInformation"]
        assert client.requests_made == 2


def _capitalised_errors(sandbox, tenant_id: str) -> None:
    """The company answers errors as `{"Error", "Message", "Code"}`, as Fortnox also does."""
    _faults(sandbox, {"method": "*", "path": "/3/*", "kind": "errors:capitalised", "times": 100, "tenant_id": tenant_id})


def test_a_capitalised_not_found_keeps_fortnoxs_code_and_message(
    settings: Settings, company: Company, sandbox, small_tenant: dict
) -> None:
    _capitalised_errors(sandbox, small_tenant["tenant_id"])
    with open_client(settings, company.id) as client, pytest.raises(NotFound) as caught:
        client.get_json("/3/vouchers/A/999999", {"financialyear": YEAR_2025})
    assert (caught.value.code, caught.value.message) == (2009906, "Kan inte hitta verifikationen.")


def test_a_capitalised_missing_scope_is_still_a_missing_scope(settings: Settings, company: Company, sandbox) -> None:
    _faults(sandbox, {"method": "*", "path": "/3/*", "kind": "errors:capitalised", "times": 1},
            {"method": "GET", "path": "/3/companyinformation", "kind": "status:403", "times": 1})
    with open_client(settings, company.id) as client, pytest.raises(MissingScope) as caught:
        client.get_json("/3/companyinformation")
    assert caught.value.code == 2000663


def test_an_unknown_route_is_not_found_with_fortnoxs_own_text(settings: Settings, company: Company) -> None:
    with open_client(settings, company.id) as client, pytest.raises(NotFound) as caught:
        client.get_json("/3/nosuchroute")
    assert (caught.value.code, caught.value.message) == (2000762, "No such route")


def test_a_voucher_post_is_never_repeated_by_the_client(
    settings: Settings, company: Company, sandbox, small_tenant: dict
) -> None:
    before = voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025)
    _faults(sandbox, {"method": "POST", "path": "/3/vouchers", "kind": "status:503", "times": 1})
    rows = [VoucherRow("6570", Decimal("10.00"), Decimal(0)), VoucherRow("1930", Decimal(0), Decimal("10.00"))]
    payload = voucher_payload("A", date(2025, 6, 30), "Bankavgift", "engångsprov", rows)
    with open_client(settings, company.id) as client, pytest.raises(FortnoxUnavailable):
        create_voucher(client, YEAR_2025, payload)
    assert client.requests_made == 1
    assert voucher_count(sandbox.url, small_tenant["tenant_id"], YEAR_2025) == before


def test_threads_sharing_a_company_stay_inside_the_rate_limit(
    tmp_path, company: Company, sandbox, small_tenant: dict
) -> None:
    strict = settings_for(tmp_path / "strict", sandbox.port, FORTNOX_RATE_LIMIT="5/0.5")
    connect_service_account(strict, small_tenant["tenant_id"])
    clients = [open_client(strict, company.id) for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda c: [c.get_json("/3/companyinformation") for _ in range(5)], clients))
    assert sum(c.requests_made for c in clients) == 20
    waited = sum(c.waited_seconds for c in clients)
    assert waited >= 0.5 * 2  # 20 requests at 5 per 0.5 s need at least three full windows of waiting between them
