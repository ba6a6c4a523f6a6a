"""Injected faults (DESIGN.md §8) not covered by test_sandbox_limits_faults.py: Fortnox's body for each status, the
token faults' reach, tenant scoping together with `times`, and faults over a real socket."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from sandbox import background
from tests.contract import validate_answer
from tests.sandbox_flows import authorization_code, bearer, exchange_code, refresh, service_token

COMPANY = "/3/companyinformation"


def _faults(client, *faults: dict) -> None:
    answer = client.put("/sandbox/faults", json=list(faults))
    assert answer.status_code == 200, answer.text


def _status_fault(client, code: int, **extra: object) -> None:
    _faults(client, {"method": "GET", "path": COMPANY, "kind": f"status:{code}", "times": 1, **extra})


@pytest.mark.parametrize(("status", "code"), [(400, 2000588), (403, 2000663), (404, 2009913), (409, 2000588),
                                              (500, 1000003)])
def test_a_status_fault_answers_error_information_for_an_api_error(sandbox_client, sandbox_auth, status, code):
    _status_fault(sandbox_client, status)

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == status
    assert answer.json()["ErrorInformation"]["code"] == code
    validate_answer(answer, "GET", COMPANY)


def test_a_401_fault_answers_like_an_expired_token(sandbox_client, sandbox_auth):
    _status_fault(sandbox_client, 401)

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 401 and answer.json() == {"message": "unauthorized"}
    validate_answer(answer, "GET", COMPANY)


def test_a_429_fault_answers_like_the_rate_limit(sandbox_client, sandbox_auth):
    _status_fault(sandbox_client, 429)

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 429 and answer.json() == {"message": "Too Many Requests"}


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_gateway_fault_answers_an_html_page(sandbox_client, sandbox_auth, status):
    _status_fault(sandbox_client, status)

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    validate_answer(answer, "GET", COMPANY)


def test_a_204_fault_answers_without_a_body(sandbox_client, sandbox_auth):
    _status_fault(sandbox_client, 204)

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 204 and answer.content == b""


def test_a_1xx_status_fault_is_refused_because_it_cannot_end_an_answer(sandbox_client):
    answer = sandbox_client.put("/sandbox/faults", json=[{"method": "GET", "path": COMPANY, "kind": "status:100"}])

    assert answer.status_code == 400


def test_a_tenants_fault_is_not_used_up_by_other_tenants(sandbox_client, sandbox_auth, midsize_tenant_id):
    other = bearer(service_token(sandbox_client, midsize_tenant_id))
    _status_fault(sandbox_client, 500, tenant_id=midsize_tenant_id)

    assert [sandbox_client.get(COMPANY, headers=sandbox_auth).status_code for _ in range(3)] == [200] * 3
    assert [sandbox_client.get(COMPANY, headers=other).status_code for _ in range(2)] == [500, 200]


def test_faults_answer_before_the_scope_check(sandbox_client, small_tenant_id):
    headers = bearer(service_token(sandbox_client, small_tenant_id, scope="bookkeeping"))
    _status_fault(sandbox_client, 503)

    assert sandbox_client.get(COMPANY, headers=headers).status_code == 503


def test_a_faulted_request_is_still_counted(sandbox_client, sandbox_auth, small_tenant_id):
    sandbox_client.delete("/sandbox/requests")
    _status_fault(sandbox_client, 500)

    sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert sandbox_client.get("/sandbox/requests").json()[small_tenant_id]["total"] == 1


def test_expire_token_kills_only_the_token_that_made_the_request(sandbox_client, sandbox_auth, small_tenant_id):
    second = bearer(service_token(sandbox_client, small_tenant_id))
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "expire_token", "times": 1})

    sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert sandbox_client.get(COMPANY, headers=sandbox_auth).status_code == 401
    assert sandbox_client.get(COMPANY, headers=second).status_code == 200


def test_revoke_refresh_spares_other_companies(sandbox_client, midsize_tenant_id):
    small = exchange_code(sandbox_client, authorization_code(sandbox_client, email="anna@example.com")).json()
    midsize = exchange_code(sandbox_client, authorization_code(sandbox_client, tenant_id=midsize_tenant_id)).json()
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "revoke_refresh", "times": 1})

    sandbox_client.get(COMPANY, headers=bearer(small["access_token"]))

    assert refresh(sandbox_client, small["refresh_token"]).status_code == 400
    assert refresh(sandbox_client, midsize["refresh_token"]).status_code == 200


def test_malformed_body_keeps_the_status_and_the_json_content_type(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "body:malformed", "times": 1})

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    assert answer.content and not answer.content.endswith(b"}")


def test_capitalised_errors_answer_error_information_in_fortnoxs_other_casing(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": "/3/*", "kind": "errors:capitalised", "times": 1})

    answer = sandbox_client.get("/3/vouchers/A/999999", headers=sandbox_auth)

    assert answer.status_code == 404
    assert set(answer.json()["ErrorInformation"]) == {"Error", "Message", "Code"}
    validate_answer(answer, "GET", "/3/vouchers/A/999999")


def test_capitalised_errors_reach_answers_a_fault_gives_before_the_handler(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "errors:capitalised", "times": 1},
            {"method": "GET", "path": COMPANY, "kind": "status:403", "times": 1})

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.json()["ErrorInformation"]["Code"] == 2000663


def test_capitalised_errors_leave_a_successful_answer_byte_for_byte(sandbox_client, sandbox_auth):
    plain = sandbox_client.get(COMPANY, headers=sandbox_auth)
    _faults(sandbox_client, {"method": "GET", "path": COMPANY, "kind": "errors:capitalised", "times": 1})

    answer = sandbox_client.get(COMPANY, headers=sandbox_auth)

    assert answer.content == plain.content


def test_sparse_items_leave_out_what_older_voucher_lists_did_not_send(sandbox_client, sandbox_auth):
    _faults(sandbox_client, {"method": "GET", "path": "/3/vouchers", "kind": "body:sparse_items", "times": 1})

    answer = sandbox_client.get("/3/vouchers", headers=sandbox_auth, params={"limit": 5})

    items = answer.json()["Vouchers"]
    assert items and all({"TransactionDate", "Description", "Comments"}.isdisjoint(item) for item in items)
    assert all(item["VoucherSeries"] and item["VoucherNumber"] for item in items)


# -- over a real socket --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[background.RunningSandbox]:
    server = background.start_server(port=0, data_dir=tmp_path_factory.mktemp("sandbox-faults"))
    yield server
    server.stop()


@pytest.fixture
def http(running) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=running.url, timeout=10) as client:
        yield client
        client.delete("/sandbox/faults")


@pytest.mark.parametrize("status", [204, 304])
def test_a_bodiless_status_fault_keeps_the_connection_usable(http, status):
    headers = bearer(service_token(http, "500101"))
    _status_fault(http, status)

    first = http.get(COMPANY, headers=headers)
    second = http.get(COMPANY, headers=headers)

    assert (first.status_code, first.content) == (status, b"")
    assert second.status_code == 200


def test_drop_after_commit_on_the_token_endpoint_breaks_a_real_connection(http):
    _faults(http, {"method": "POST", "path": "/oauth-v1/token", "kind": "drop_after_commit", "times": 1})

    with pytest.raises(httpx.RemoteProtocolError):
        service_token(http, "500101")

    assert service_token(http, "500101")


def test_a_delay_fault_holds_a_real_answer_past_the_clients_timeout(http):
    headers = bearer(service_token(http, "500101"))
    _faults(http, {"method": "GET", "path": COMPANY, "kind": "delay:1", "times": 1})

    with pytest.raises(httpx.ReadTimeout):
        http.get(COMPANY, headers=headers, timeout=0.3)
