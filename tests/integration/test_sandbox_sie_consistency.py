"""The SIE 4 file the sandbox exports is one the project's reader takes in strict mode, and it tells the same story
as the sandbox's own API: the opening and closing balances of every account agree."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from services.sie import read_sie
from services.sie.checks import SEVERE_CODES, check_document
from tests.fortnox_peek import fortnox_get
from tests.sandbox_flows import bearer, service_token

SMALL, MIDSIZE = 0, 1  # indexes in GET /sandbox/tenants; the large company is covered by the import benchmark


def _sie(sandbox, tenant_id: str, year_id: str) -> bytes:
    with httpx.Client(base_url=sandbox.url) as client:
        response = client.get("/3/sie/4", params={"financialyear": year_id},
                              headers=bearer(service_token(client, tenant_id)))
    response.raise_for_status()
    return response.content


def _ore(value: object) -> int:
    return int(Decimal(str(value)) * 100)


@pytest.fixture(params=[SMALL, MIDSIZE], ids=["small", "midsize"])
def tenant(request: pytest.FixtureRequest, tenants: list[dict]) -> dict:
    return tenants[request.param]


def _years(sandbox, tenant: dict) -> list[str]:
    return [str(y["Id"]) for y in fortnox_get(sandbox.url, tenant["tenant_id"], "/3/financialyears")["FinancialYears"]]


def test_every_exported_year_reads_in_strict_mode_without_a_severe_finding(sandbox, tenant: dict) -> None:
    for year_id in _years(sandbox, tenant):
        document = read_sie(_sie(sandbox, tenant["tenant_id"], year_id), strict=True)
        assert document.vouchers
        assert [f for f in check_document(document) if f.code in SEVERE_CODES] == []


def test_opening_balances_in_the_sie_file_equal_the_accounts_api(sandbox, tenant: dict) -> None:
    for year_id in _years(sandbox, tenant):
        document = read_sie(_sie(sandbox, tenant["tenant_id"], year_id), strict=True)
        sie_ib = {b.account: b.amount_ore for b in document.balances if b.kind == "IB" and b.year == 0}
        accounts = fortnox_get(sandbox.url, tenant["tenant_id"], "/3/accounts",
                               {"financialyear": year_id, "limit": 500})["Accounts"]
        api_ib = {str(a["Number"]): _ore(a["BalanceBroughtForward"]) for a in accounts
                  if _ore(a["BalanceBroughtForward"])}
        assert {k: v for k, v in sie_ib.items() if v} == api_ib


def test_closing_balances_in_the_sie_file_equal_the_accounts_api(sandbox, tenant: dict) -> None:
    year_id = _years(sandbox, tenant)[-1]
    document = read_sie(_sie(sandbox, tenant["tenant_id"], year_id), strict=True)
    closing = {b.account: b.amount_ore for b in document.balances if b.kind == "UB" and b.year == 0}
    for account in sorted(closing)[:8]:
        single = fortnox_get(sandbox.url, tenant["tenant_id"], f"/3/accounts/{account}",
                             {"financialyear": year_id})["Account"]
        assert _ore(single["BalanceCarriedForward"]) == closing[account], account
