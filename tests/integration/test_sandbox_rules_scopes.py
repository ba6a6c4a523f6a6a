"""Scopes are enforced per resource as Fortnox's scope table says (NOTES.md §1.10): a token without the resource's
scope gets 403 with code 2000663, a company without the module's licence 403 with code 2001101 (NOTES.md §1.9)."""

from __future__ import annotations

import pytest

from sandbox.scopes import ALL_SCOPES
from tests.contract import path_key, validate_answer
from tests.sandbox_flows import bearer, service_token

# Each implemented resource, as an example request, with the scope Fortnox requires for it.
SCOPE_OF_RESOURCE = {
    "/3/companyinformation": "companyinformation",
    "/3/financialyears": "bookkeeping",
    "/3/financialyears/1": "bookkeeping",
    "/3/accounts": "bookkeeping",
    "/3/accounts/1930": "bookkeeping",
    "/3/voucherseries": "bookkeeping",
    "/3/voucherseries/A": "bookkeeping",
    "/3/settings/lockedperiod": "bookkeeping",
    "/3/sie/4?financialyear=1": "bookkeeping",
    "/3/vouchers": "bookkeeping",
    "/3/vouchers/sublist": "bookkeeping",
    "/3/vouchers/sublist/A": "bookkeeping",
    "/3/vouchers/A/1?financialyear=1": "bookkeeping",
}
NO_LICENCE = "Det finns ingen aktiv licens för önskat scope"


def _token_with(client, tenant_id: str, scopes: list[str]) -> dict[str, str]:
    return bearer(service_token(client, tenant_id, scope=" ".join(scopes)))


@pytest.mark.parametrize(("path", "scope"), SCOPE_OF_RESOURCE.items())
def test_a_token_without_the_resources_scope_gets_2000663(sandbox_client, small_tenant_id, path, scope):
    headers = _token_with(sandbox_client, small_tenant_id, [s for s in ALL_SCOPES if s != scope])

    answer = sandbox_client.get(path, headers=headers)

    assert answer.status_code == 403
    assert answer.json()["ErrorInformation"]["code"] == 2000663
    assert scope in answer.json()["ErrorInformation"]["message"]
    validate_answer(answer, "GET", path_key(path))


@pytest.mark.parametrize(("path", "scope"), SCOPE_OF_RESOURCE.items())
def test_the_resources_scope_alone_is_enough(sandbox_client, small_tenant_id, path, scope):
    answer = sandbox_client.get(path, headers=_token_with(sandbox_client, small_tenant_id, [scope]))

    assert answer.status_code == 200


def test_a_token_asking_for_no_known_scope_reads_nothing(sandbox_client, small_tenant_id):
    headers = _token_with(sandbox_client, small_tenant_id, ["profile"])

    assert sandbox_client.get("/3/companyinformation", headers=headers).status_code == 403


def test_a_missing_licence_answers_2001101_with_fortnoxs_message(sandbox_client, sandbox_auth):
    sandbox_client.put("/sandbox/faults", json=[{"method": "GET", "path": "/3/accounts",
                                                 "kind": "licence_missing:bookkeeping", "times": 1}])

    answer = sandbox_client.get("/3/accounts", headers=sandbox_auth)

    assert answer.status_code == 403
    assert answer.json()["ErrorInformation"] == {"error": 1, "message": NO_LICENCE, "code": 2001101}
    validate_answer(answer, "GET", "/3/accounts")


def test_a_missing_licence_is_not_used_up_by_requests_needing_another_scope(sandbox_client, sandbox_auth):
    sandbox_client.put("/sandbox/faults", json=[{"method": "*", "path": "/3/*",
                                                 "kind": "licence_missing:bookkeeping", "times": 1}])

    assert sandbox_client.get("/3/companyinformation", headers=sandbox_auth).status_code == 200
    assert sandbox_client.get("/3/vouchers", headers=sandbox_auth).status_code == 403
    assert sandbox_client.get("/3/vouchers", headers=sandbox_auth).status_code == 200
