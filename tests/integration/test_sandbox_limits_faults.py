"""Rate limiting, request counting, the sandbox clock and injected faults (DESIGN.md §8)."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.sandbox_flows import CLIENT_AUTH, authorization_code, bearer, exchange_code, refresh, service_token

COMPANY = "/3/companyinformation"


@pytest.fixture
def sandbox_settings(tmp_path):
    from sandbox.server import SandboxSettings

    return SandboxSettings(seed=1, data_dir=tmp_path / "sandbox", rate_requests=5, rate_window=5.0)


def _faults(sandbox_client, *faults):
    answer = sandbox_client.put("/sandbox/faults", json=list(faults))
    assert answer.status_code == 200, answer.text
    return answer


def _a_series_count(sandbox_client, sandbox_auth):
    listed = sandbox_client.get("/3/vouchers/sublist/A?financialyear=2&limit=1", headers=sandbox_auth)
    return listed.json()["MetaInformation"]["@TotalResources"]


def _voucher():
    return {"Voucher": {"VoucherSeries": "A", "TransactionDate": "2025-05-05", "Description": "Felinjektion",
                        "VoucherRows": [{"Account": 6570, "Debit": 10, "Credit": 0},
                                        {"Account": 1930, "Debit": 0, "Credit": 10}]}}


# -- rate limit ----------------------------------------------------------------------------------


def test_request_over_the_limit_in_the_window_gets_429(sandbox_client, sandbox_auth):
    statuses = [sandbox_client.get(COMPANY, headers=sandbox_auth).status_code for _ in range(6)]

    assert statuses == [200] * 5 + [429]
    over = sandbox_client.get(COMPANY, headers=sandbox_auth)
    assert over.json() == {"message": "Too Many Requests"}


def test_rate_limit_recovers_when_the_window_has_slid(sandbox_client, sandbox_auth, sandbox_clock):
    for _ in range(5):
        sandbox_client.get(COMPANY, headers=sandbox_auth)
    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 429

    sandbox_clock.advance(5.0)

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200


def test_rate_limit_window_slides_rather_than_resets(sandbox_client, sandbox_auth, sandbox_clock):
    for _ in range(3):
        sandbox_client.get(COMPANY, headers=sandbox_auth)
    sandbox_clock.advance(3)
    for _ in range(2):
        assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200
    sandbox_clock.advance(2.5)  # the first three left the window, the last two are still in it

    statuses = [sandbox_client.get(COMPANY, headers=sandbox_auth).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]


def test_rate_limit_is_per_tenant(sandbox_client, sandbox_auth, midsize_tenant_id):
    for _ in range(5):
        sandbox_client.get(COMPANY, headers=sandbox_auth)
    other = bearer(service_token(sandbox_client, midsize_tenant_id))

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 429
    assert sandbox_client.get(COMPANY, headers=other).status_code == 200


def test_token_calls_do_not_count_against_the_limit(sandbox_client, small_tenant_id):
    for _ in range(10):
        token = service_token(sandbox_client, small_tenant_id)

    assert sandbox_client.get(COMPANY, headers=bearer(token)).status_code == 200


# -- request counting ----------------------------------------------------------------------------


def test_requests_are_counted_per_tenant_without_token_or_admin_calls(sandbox_client, sandbox_auth, small_tenant_id,
                                                                      midsize_tenant_id):
    sandbox_client.delete("/sandbox/requests")
    other = bearer(service_token(sandbox_client, midsize_tenant_id))
    for _ in range(3):
        sandbox_client.get(COMPANY, headers=sandbox_auth)
    sandbox_client.get(COMPANY, headers=other)
    sandbox_client.get("/sandbox/tenants")

    counts = sandbox_client.get("/sandbox/requests").json()

    assert counts[small_tenant_id]["total"] == 3
    assert counts[midsize_tenant_id]["total"] == 1


def test_request_counts_can_be_reset(sandbox_client, sandbox_auth, small_tenant_id):
    sandbox_client.get(COMPANY, headers=sandbox_auth)

    sandbox_client.delete("/sandbox/requests")

    assert sandbox_client.get("/sandbox/requests").json() == {}


# -- sandbox_clock ---------------------------------------------------------------------------------------


def test_advancing_the_clock_through_admin_expires_access_tokens(sandbox_client, sandbox_auth):
    answer = sandbox_client.post("/sandbox/clock", json={"advance_seconds": 3601})

    assert answer.status_code == 200
    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 401


def test_clock_refuses_going_backwards(sandbox_client):
    assert sandbox_client.post("/sandbox/clock", json={"advance_seconds": -5}).status_code == 400


# -- faults --------------------------------------------------------------------------------------


def test_status_fault_answers_with_fortnox_body_for_that_status(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "status:500", "times": 1},
            {"method": "GET", "path": "/3/financialyears", "kind": "status:429", "times": 1})

    server_error = sandbox_client.get(COMPANY, headers=sandbox_auth)
    limited = sandbox_client.get("/3/financialyears", headers=sandbox_auth)

    assert server_error.status_code == 500
    assert server_error.json()["ErrorInformation"]["code"] == 1000003
    assert limited.status_code == 429 and limited.json() == {"message": "Too Many Requests"}


def test_fault_hits_the_given_number_of_matching_requests_then_is_spent(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "status:503", "times": 2})

    statuses = [sandbox_client.get(COMPANY, headers=sandbox_auth).status_code for _ in range(3)]

    assert statuses == [503, 503, 200]
    assert sandbox_client.get("/sandbox/faults").json() == []


def test_fault_does_not_hit_other_methods_or_paths(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "POST", "path": "/3/vouchers", "kind": "status:500", "times": 1})

    assert sandbox_client.get("/3/vouchers", headers=sandbox_auth).status_code == 200
    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200
    assert sandbox_client.post("/3/vouchers", json=_voucher(), headers=sandbox_auth).status_code == 500


def test_fault_path_ending_in_star_matches_a_prefix(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": "/3/vouchers*", "kind": "status:502", "times": 2})

    assert sandbox_client.get("/3/vouchers/A/1?financialyear=1", headers=sandbox_auth).status_code == 502
    assert sandbox_client.get("/3/vouchers", headers=sandbox_auth).status_code == 502
    assert sandbox_client.get("/3/vouchers", headers=sandbox_auth).status_code == 200


def test_fault_with_a_tenant_only_hits_that_tenant(sandbox_client, sandbox_auth, midsize_tenant_id):
    other = bearer(service_token(sandbox_client, midsize_tenant_id))
    _faults(sandbox_client,
            {"method": "GET", "path": COMPANY, "kind": "status:500", "times": 1, "tenant_id": midsize_tenant_id})

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200
    assert sandbox_client.get(COMPANY, headers=other).status_code == 500


def test_malformed_body_fault_truncates_the_json(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "body:malformed", "times": 1})

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(answer.text)


def test_expire_token_fault_makes_the_token_unauthorized_from_then_on(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "expire_token", "times": 1})

    first = sandbox_client.get(COMPANY, headers=sandbox_auth)
    later = sandbox_client.get("/3/financialyears", headers=sandbox_auth)

    assert first.status_code == 401 and first.json() == {"message": "unauthorized"}
    assert later.status_code == 401


def test_revoke_refresh_fault_kills_the_tenants_refresh_tokens(sandbox_client):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client, email="anna@example.com")).json()
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "revoke_refresh", "times": 1})

    answer = sandbox_client.get(COMPANY, headers=bearer(tokens["access_token"]))

    assert answer.status_code == 200
    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 400


def test_drop_after_commit_stores_the_voucher_then_breaks_the_connection(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "POST", "path": "/3/vouchers", "kind": "drop_after_commit", "times": 1})
    before = _a_series_count(sandbox_client, sandbox_auth)

    with pytest.raises(httpx.RemoteProtocolError):
        sandbox_client.post("/3/vouchers", json=_voucher(), headers=sandbox_auth)

    assert _a_series_count(sandbox_client, sandbox_auth) == before + 1


def test_delay_fault_holds_the_answer(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "delay:0.2", "times": 1})

    started = time.monotonic()
    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 200
    assert time.monotonic() - started >= 0.2


def test_licence_missing_fault_answers_2001101_for_that_scope_only(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "*", "path": "/3/*", "kind": "licence_missing:bookkeeping", "times": 5})

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200
    answer = sandbox_client.get("/3/vouchers", headers=sandbox_auth)

    assert answer.status_code == 403
    assert answer.json()["ErrorInformation"]["code"] == 2001101


def test_faults_apply_to_the_token_endpoint(sandbox_client, small_tenant_id):
    _faults(sandbox_client, {"method": "POST", "path": "/oauth-v1/token", "kind": "status:503", "times": 1})

    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "client_credentials"},
                         headers={"TenantId": small_tenant_id})

    assert answer.status_code == 503
    assert service_token(sandbox_client, small_tenant_id)


def test_drop_after_commit_on_refresh_loses_the_rotated_token(sandbox_client):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client, email="anna@example.com")).json()
    _faults(sandbox_client, {"method": "POST", "path": "/oauth-v1/token", "kind": "drop_after_commit", "times": 1})

    with pytest.raises(httpx.RemoteProtocolError):
        refresh(sandbox_client, tokens["refresh_token"])

    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 400


def test_delete_clears_the_faults(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "status:500", "times": 3})

    sandbox_client.delete("/sandbox/faults")

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200


@pytest.mark.parametrize("bad", [
    {"method": "GET", "path": COMPANY, "kind": "explode", "times": 1},
    {"method": "GET", "path": "3/companyinformation", "kind": "status:500", "times": 1},
    {"method": "GET", "path": COMPANY, "kind": "status:500", "times": 0},
    {"method": "GET", "path": COMPANY, "kind": "status:99", "times": 1},
])
def test_invalid_fault_lists_are_refused(sandbox_client, bad):
    answer = sandbox_client.put("/sandbox/faults", json=[bad])

    assert answer.status_code == 400
    assert sandbox_client.get("/sandbox/faults").json() == []


def test_tenants_are_listed_in_a_fixed_order_with_string_ids(sandbox_client):
    assert sandbox_client.get("/sandbox/tenants").json() == [
        {"tenant_id": "500101", "name": "Bokslutsdemo AB", "orgnr": "556677-8899"},
        {"tenant_id": "500202", "name": "Fjällbrons Bygg AB", "orgnr": "559012-3450"},
        {"tenant_id": "500303", "name": "Mälardalens Handelshus AB", "orgnr": "556842-3106"},
    ]
