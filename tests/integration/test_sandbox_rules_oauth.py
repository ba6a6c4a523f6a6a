"""Fortnox's OAuth rules not covered by test_sandbox_oauth.py: refresh-token lifetime on the admin clock, revocation,
users with one or several companies, and service accounts (NOTES.md §1)."""

from __future__ import annotations

import json

from tests.sandbox_flows import (
    CLIENT_AUTH,
    authorization_code,
    authorize_url,
    bearer,
    exchange_code,
    refresh,
    request_id_of,
)

FORTY_FIVE_DAYS = 45 * 24 * 3600


def _tokens(client, **login: str) -> dict:
    return exchange_code(client, authorization_code(client, **login)).json()


def _advance(client, seconds: int) -> None:
    assert client.post("/sandbox/clock", json={"advance_seconds": seconds}).status_code == 200


def _tenant_of(client, access_token: str) -> int:
    answer = client.get("/3/companyinformation", headers=bearer(access_token))
    return answer.json()["CompanyInformation"]["DatabaseNumber"]


def test_a_refresh_token_is_refused_once_45_days_have_passed_on_the_sandbox_clock(sandbox_client):
    tokens = _tokens(sandbox_client)

    _advance(sandbox_client, FORTY_FIVE_DAYS)

    answer = refresh(sandbox_client, tokens["refresh_token"])
    assert answer.status_code == 400
    assert json.loads(answer.text) == {"error": "invalid_grant", "error_description": "Invalid refresh token"}


def test_a_refresh_token_still_works_a_minute_before_45_days(sandbox_client):
    tokens = _tokens(sandbox_client)

    _advance(sandbox_client, FORTY_FIVE_DAYS - 60)

    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 200


def test_each_refresh_starts_a_new_45_days(sandbox_client):
    tokens = _tokens(sandbox_client)
    _advance(sandbox_client, FORTY_FIVE_DAYS - 60)
    rotated = refresh(sandbox_client, tokens["refresh_token"]).json()

    _advance(sandbox_client, FORTY_FIVE_DAYS - 60)

    assert refresh(sandbox_client, rotated["refresh_token"]).status_code == 200


def test_revoking_the_refresh_token_leaves_the_access_token_valid_until_it_expires(sandbox_client):
    tokens = _tokens(sandbox_client)

    sandbox_client.post("/oauth-v1/revoke", auth=CLIENT_AUTH,
                        data={"token_type_hint": "refresh_token", "token": tokens["refresh_token"]})

    assert sandbox_client.get("/3/companyinformation", headers=bearer(tokens["access_token"])).status_code == 200
    _advance(sandbox_client, 3600)
    assert sandbox_client.get("/3/companyinformation", headers=bearer(tokens["access_token"])).status_code == 401


def test_a_replay_in_one_company_leaves_another_companys_consent_alone(sandbox_client, midsize_tenant_id):
    small = _tokens(sandbox_client, email="anna@example.com")
    midsize = _tokens(sandbox_client, tenant_id=midsize_tenant_id)
    refresh(sandbox_client, small["refresh_token"])

    refresh(sandbox_client, small["refresh_token"])

    assert refresh(sandbox_client, midsize["refresh_token"]).status_code == 200


def test_a_user_with_one_company_gets_tokens_for_that_company(sandbox_client, small_tenant_id):
    tokens = _tokens(sandbox_client, email="anna@example.com")

    assert _tenant_of(sandbox_client, tokens["access_token"]) == int(small_tenant_id)


def test_a_user_with_several_companies_gets_the_preselected_first_one_by_default(sandbox_client, small_tenant_id):
    tokens = _tokens(sandbox_client, email="demo@example.com")

    assert _tenant_of(sandbox_client, tokens["access_token"]) == int(small_tenant_id)


def test_a_user_cannot_choose_a_company_that_is_not_theirs(sandbox_client, midsize_tenant_id):
    page = sandbox_client.get(authorize_url())
    consent = sandbox_client.post("/oauth-v1/auth/login", data={
        "request_id": request_id_of(page.text), "email": "anna@example.com", "password": "demo"})

    chosen = sandbox_client.post("/oauth-v1/auth/company", data={"request_id": request_id_of(consent.text),
                                                                 "tenant_id": midsize_tenant_id})

    assert chosen.status_code == 400
    assert "Fjällbrons Bygg AB" not in chosen.text


def test_a_service_account_token_names_the_tenant_of_its_tenant_id_header(sandbox_client, midsize_tenant_id):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "client_credentials"},
                                 headers={"TenantId": midsize_tenant_id})

    assert _tenant_of(sandbox_client, answer.json()["access_token"]) == int(midsize_tenant_id)


def test_client_credentials_without_a_tenant_id_header_is_invalid_client(sandbox_client):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "client_credentials"})

    assert answer.status_code == 400
    assert answer.headers["content-type"] == "text/html; charset=UTF-8"
    assert json.loads(answer.text) == {"error": "invalid_client",
                                       "error_description": "The client credentials are invalid"}


def test_a_service_account_can_narrow_its_scopes(sandbox_client, small_tenant_id):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH,
                                 data={"grant_type": "client_credentials", "scope": "companyinformation"},
                                 headers={"TenantId": small_tenant_id})

    assert answer.json()["scope"] == "companyinformation"
    assert sandbox_client.get("/3/vouchers", headers=bearer(answer.json()["access_token"])).status_code == 403
