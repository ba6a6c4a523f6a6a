"""The sandbox served over real HTTP by `sandbox.background` (a uvicorn server in a daemon thread)."""

from __future__ import annotations

import socket

import httpx
import pytest

from sandbox import background
from tests.sandbox_flows import CLIENT_AUTH, bearer, service_token


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    server = background.start_server(port=0, data_dir=tmp_path_factory.mktemp("sandbox-http"))
    yield server
    server.stop()


@pytest.fixture
def http(running):
    with httpx.Client(base_url=running.url, timeout=10) as sandbox_client:
        yield sandbox_client


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_start_server_serves_the_sandbox_on_a_free_port(running, http):
    assert running.port > 0
    assert running.url == f"http://127.0.0.1:{running.port}"

    tenants = http.get("/sandbox/tenants")

    assert tenants.status_code == 200
    assert tenants.headers["server"] == "Fortnox"
    assert [t["tenant_id"] for t in tenants.json()] == ["500101", "500202", "500303"]


def test_api_answers_over_http_with_a_service_token(http):
    token = service_token(http, "500101")

    answer = http.get("/3/companyinformation", headers=bearer(token))

    assert answer.status_code == 200
    assert answer.json()["CompanyInformation"]["DatabaseNumber"] == 500101
    assert answer.json()["CompanyInformation"]["OrganizationNumber"] == "556677-8899"


def test_ensure_running_does_nothing_when_a_sandbox_already_answers(running):
    assert background.ensure_running("127.0.0.1", running.port) is False


def test_ensure_running_starts_a_sandbox_where_nothing_answers(tmp_path):
    port = _free_port()

    started = background.ensure_running("127.0.0.1", port, data_dir=tmp_path)
    try:
        assert started is True
        assert background.answers("127.0.0.1", port)
        assert background.ensure_running("127.0.0.1", port, data_dir=tmp_path) is False
    finally:
        background._STARTED.pop(("127.0.0.1", port)).stop()


def test_drop_after_commit_breaks_a_real_connection_after_the_write(http):
    sandbox_auth = bearer(service_token(http, "500101"))
    http.put("/sandbox/faults", json=[{"method": "POST", "path": "/3/vouchers", "kind": "drop_after_commit",
                                       "times": 1}])
    body = {"Voucher": {"VoucherSeries": "A", "TransactionDate": "2025-06-30", "Description": "Tappad anslutning",
                        "VoucherRows": [{"Account": 6570, "Debit": 10, "Credit": 0},
                                        {"Account": 1930, "Debit": 0, "Credit": 10}]}}

    with pytest.raises(httpx.RemoteProtocolError):
        http.post("/3/vouchers", json=body, headers=sandbox_auth)

    listed = http.get("/3/vouchers?financialyear=2&voucherseries=A&limit=500", headers=sandbox_auth).json()["Vouchers"]
    assert [v["Description"] for v in listed].count("Tappad anslutning") == 1


def test_token_errors_keep_fortnox_content_types_over_http(http):
    answer = http.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "refresh_token",
                                                                   "refresh_token": "nope"})

    assert answer.status_code == 400
    assert answer.headers["content-type"] == "text/html; charset=UTF-8"
    assert answer.json() == {"error": "invalid_grant", "error_description": "Invalid refresh token"}
