"""Fortnox's rate limit (NOTES.md §2): 25 requests per sliding 5 s per client id and tenant, refused with 429; and the
request count of `/sandbox/requests` (DESIGN.md §8)."""

from __future__ import annotations

from starlette.testclient import TestClient

from sandbox.clock import ManualClock
from sandbox.context import Sandbox
from sandbox.scopes import ALL_SCOPES
from sandbox.server import SandboxSettings, create_app
from tests.contract import validate_answer
from tests.sandbox_flows import bearer, service_token

COMPANY = "/3/companyinformation"


def _statuses(client: TestClient, headers: dict[str, str], count: int) -> list[int]:
    return [client.get(COMPANY, headers=headers).status_code for _ in range(count)]


def _other_integrations_token(sandbox: Sandbox, tenant_id: str) -> dict[str, str]:
    """A token of a second integration (another client id) for the same company."""
    token = sandbox.issue_access_token(tenant_id, "another-integration", " ".join(ALL_SCOPES), None,
                                       "CLIENT_CREDENTIALS")
    return bearer(token)


def test_by_default_25_requests_pass_within_5_seconds_and_the_26th_is_refused(sandbox_client, sandbox_auth):
    assert _statuses(sandbox_client, sandbox_auth, 26) == [200] * 25 + [429]


def test_the_429_answer_has_the_rate_limit_body_and_validates(sandbox_client, sandbox_auth):
    _statuses(sandbox_client, sandbox_auth, 25)

    refused = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert refused.json() == {"message": "Too Many Requests"}
    validate_answer(refused, "GET", COMPANY)


def test_the_window_slides_on_the_sandbox_clock(sandbox_client, sandbox_auth, sandbox_clock):
    _statuses(sandbox_client, sandbox_auth, 25)
    sandbox_clock.advance(4.9)
    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 429

    sandbox_clock.advance(0.1)

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 200


def test_limit_and_window_are_configurable(tmp_path, small_tenant_id):
    clock = ManualClock()
    app = create_app(SandboxSettings(data_dir=tmp_path / "sandbox", rate_requests=2, rate_window=1.0), clock=clock)
    with TestClient(app) as client:
        headers = bearer(service_token(client, small_tenant_id))
        assert _statuses(client, headers, 3) == [200, 200, 429]
        clock.advance(1.0)
        assert _statuses(client, headers, 3) == [200, 200, 429]


def test_each_tenant_has_its_own_budget(sandbox_client, sandbox_auth, midsize_tenant_id):
    _statuses(sandbox_client, sandbox_auth, 25)
    other_company = bearer(service_token(sandbox_client, midsize_tenant_id))

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 429
    assert sandbox_client.get(COMPANY, headers=other_company).status_code == 200


def test_each_client_id_has_its_own_budget_for_the_same_tenant(sandbox_client, sandbox_auth, sandbox_instance,
                                                                 small_tenant_id):
    _statuses(sandbox_client, sandbox_auth, 25)
    other_integration = _other_integrations_token(sandbox_instance, small_tenant_id)

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 429
    assert sandbox_client.get(COMPANY, headers=other_integration).status_code == 200


def test_several_tokens_of_one_integration_share_the_budget(sandbox_client, sandbox_auth, small_tenant_id):
    _statuses(sandbox_client, sandbox_auth, 25)
    second_token = bearer(service_token(sandbox_client, small_tenant_id))

    assert sandbox_client.get(COMPANY, headers=second_token).status_code == 429


def test_rate_limited_requests_are_counted_as_requests(sandbox_client, sandbox_auth, small_tenant_id):
    sandbox_client.delete("/sandbox/requests")

    _statuses(sandbox_client, sandbox_auth, 27)

    assert sandbox_client.get("/sandbox/requests").json()[small_tenant_id] == {"total": 27, "rate_limited": 2}


def test_unauthenticated_requests_are_counted_for_no_tenant(sandbox_client):
    sandbox_client.delete("/sandbox/requests")

    assert sandbox_client.get(COMPANY).status_code == 401

    assert sandbox_client.get("/sandbox/requests").json() == {}


def test_token_calls_are_not_counted(sandbox_client, small_tenant_id):
    sandbox_client.delete("/sandbox/requests")

    service_token(sandbox_client, small_tenant_id)

    assert sandbox_client.get("/sandbox/requests").json() == {}


def test_deleting_the_counts_starts_again_from_zero(sandbox_client, sandbox_auth, small_tenant_id):
    _statuses(sandbox_client, sandbox_auth, 3)

    sandbox_client.delete("/sandbox/requests")
    sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert sandbox_client.get("/sandbox/requests").json()[small_tenant_id]["total"] == 1
