"""The sandbox's OAuth2 server behaves like apps.fortnox.se/oauth-v1 (NOTES.md §1)."""

from __future__ import annotations

import base64
import json
import re

from tests.sandbox_flows import (
    CLIENT_AUTH,
    DEFAULT_REDIRECT_URI,
    authorization_code,
    authorize_url,
    bearer,
    exchange_code,
    redirect_params,
    refresh,
    request_id_of,
    walk_login,
)

TEN_MINUTES = 600
FORTY_FIVE_DAYS = 45 * 24 * 3600


def _login(sandbox_client, email="demo@example.com", password="demo"):
    page = sandbox_client.get(authorize_url())
    return sandbox_client.post("/oauth-v1/auth/login",
                       data={"request_id": request_id_of(page.text), "email": email, "password": password})


def _tenant_of(sandbox_client, access_token):
    answer = sandbox_client.get("/3/companyinformation", headers=bearer(access_token))
    return answer.json()["CompanyInformation"]["DatabaseNumber"]


def test_login_page_has_labelled_email_and_password_fields_and_shows_the_demo_user(sandbox_client):
    page = sandbox_client.get(authorize_url())

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert re.search(r'<label for="email">E-post</label>', page.text)
    assert re.search(r'<label for="password">Lösenord</label>', page.text)
    assert 'id="email"' in page.text and 'id="password"' in page.text
    assert ">Logga in</button>" in page.text
    assert "demo@example.com" in page.text and "<code>demo</code>" in page.text


def test_authorize_with_unknown_client_id_is_an_html_error_and_never_a_redirect(sandbox_client):
    page = sandbox_client.get(authorize_url(client_id="someone-else"))

    assert page.status_code == 400
    assert "location" not in page.headers
    assert "client_id" in page.text


def test_authorize_refuses_redirect_uri_outside_localhost(sandbox_client):
    page = sandbox_client.get(authorize_url(redirect_uri="https://evil.example/anslut"))

    assert page.status_code == 400
    assert "location" not in page.headers


def test_authorize_accepts_any_localhost_or_loopback_port(sandbox_client):
    assert sandbox_client.get(authorize_url(redirect_uri="http://127.0.0.1:9999/cb")).status_code == 200
    assert sandbox_client.get(authorize_url(redirect_uri="http://localhost:8501/anslut")).status_code == 200


def test_authorize_requires_state(sandbox_client):
    assert sandbox_client.get(authorize_url(state="")).status_code == 400


def test_authorize_requires_response_type_code(sandbox_client):
    assert sandbox_client.get(authorize_url(response_type="token")).status_code == 400


def test_wrong_password_shows_the_login_page_again_with_an_error(sandbox_client):
    page = _login(sandbox_client, password="wrong")

    assert page.status_code == 200
    assert "Fel e-post eller lösenord." in page.text
    assert '<label for="password">Lösenord</label>' in page.text


def test_user_with_several_companies_chooses_one_with_the_first_preselected(sandbox_client):
    page = _login(sandbox_client)

    assert "Välj företag" in page.text
    radios = re.findall(r'<input type="radio"[^>]*>', page.text)
    assert len(radios) == 3
    assert 'value="500101" checked' in radios[0]
    assert "checked" not in radios[1]
    assert "Bokslutsdemo AB" in page.text and "Fjällbrons Bygg AB" in page.text
    assert ">Fortsätt</button>" in page.text


def test_user_with_one_company_skips_the_company_choice(sandbox_client):
    page = _login(sandbox_client, email="anna@example.com")

    assert "Välj företag" not in page.text
    assert "Godkänn" in page.text and "Bokslutsdemo AB" in page.text


def test_consent_page_names_the_integration_the_company_and_the_scopes(sandbox_client):
    page = _login(sandbox_client, email="anna@example.com")

    assert "Skatt &amp; Bokslut" in page.text
    assert "Bokslutsdemo AB" in page.text
    assert "companyinformation" in page.text and "bookkeeping" in page.text
    assert "Bokföring" in page.text
    assert 'value="approve">Godkänn</button>' in page.text
    assert 'value="deny">Avbryt</button>' in page.text


def test_cancel_redirects_back_with_access_denied_and_the_state(sandbox_client):
    answer = walk_login(sandbox_client, approve=False, state="xyz/ä 1")

    assert answer.status_code == 302
    assert answer.headers["location"].startswith(DEFAULT_REDIRECT_URI + "?")
    params = redirect_params(answer)
    assert params["error"] == "access_denied"
    assert params["error_description"]
    assert params["state"] == "xyz/ä 1"
    assert "code" not in params


def test_approve_redirects_with_a_code_and_the_state_unchanged(sandbox_client):
    answer = walk_login(sandbox_client, state="s+t=a&t/e")

    assert answer.status_code == 302
    params = redirect_params(answer)
    assert params["state"] == "s+t=a&t/e"
    assert params["code"]


def test_the_chosen_company_is_the_tenant_of_the_tokens(sandbox_client, midsize_tenant_id):
    code = authorization_code(sandbox_client, tenant_id=midsize_tenant_id)

    tokens = exchange_code(sandbox_client, code).json()

    assert _tenant_of(sandbox_client, tokens["access_token"]) == int(midsize_tenant_id)


def test_token_answer_has_fortnox_shape_and_no_store_headers(sandbox_client):
    answer = exchange_code(sandbox_client, authorization_code(sandbox_client))

    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["pragma"] == "no-cache"
    body = answer.json()
    assert set(body) == {"access_token", "refresh_token", "scope", "expires_in", "token_type"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["scope"] == "companyinformation bookkeeping"


def test_access_token_is_a_jwt_with_a_tenant_id_claim(sandbox_client, small_tenant_id):
    token = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()["access_token"]

    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["tenantId"] == int(small_tenant_id)
    assert claims["exp"] - claims["iat"] == 3600
    assert signature


def test_authorization_code_is_single_use(sandbox_client):
    code = authorization_code(sandbox_client)
    assert exchange_code(sandbox_client, code).status_code == 200

    again = exchange_code(sandbox_client, code)

    assert again.status_code == 400
    assert again.headers["content-type"].startswith("text/html")
    assert json.loads(again.text) == {"error": "invalid_grant", "error_description": "Invalid authorization code"}


def test_authorization_code_expires_after_ten_minutes(sandbox_client, sandbox_clock):
    code = authorization_code(sandbox_client)
    sandbox_clock.advance(TEN_MINUTES + 1)

    assert exchange_code(sandbox_client, code).status_code == 400


def test_authorization_code_is_still_good_just_before_ten_minutes(sandbox_client, sandbox_clock):
    code = authorization_code(sandbox_client)
    sandbox_clock.advance(TEN_MINUTES - 5)

    assert exchange_code(sandbox_client, code).status_code == 200


def test_authorization_code_must_be_redeemed_with_the_same_redirect_uri(sandbox_client):
    code = authorization_code(sandbox_client)

    answer = exchange_code(sandbox_client, code, redirect_uri="http://localhost:9999/other")

    assert answer.status_code == 400
    assert json.loads(answer.text)["error"] == "invalid_grant"


def test_token_endpoint_without_basic_auth_is_invalid_client(sandbox_client):
    code = authorization_code(sandbox_client)

    answer = sandbox_client.post("/oauth-v1/token", data={"grant_type": "authorization_code", "code": code,
                                                   "redirect_uri": DEFAULT_REDIRECT_URI})

    assert answer.status_code == 401
    assert answer.headers["content-type"] == "text/plain;charset=UTF-8"
    assert json.loads(answer.text) == {"error": "invalid_client",
                                       "error_description": "The client credentials are invalid"}


def test_token_endpoint_with_a_wrong_secret_is_invalid_client(sandbox_client):
    answer = sandbox_client.post("/oauth-v1/token", auth=("sandbox-client", "nope"),
                         data={"grant_type": "client_credentials"}, headers={"TenantId": "500101"})

    assert answer.status_code == 401


def test_refresh_rotates_and_the_old_refresh_token_fails(sandbox_client):
    first = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()

    rotated = refresh(sandbox_client, first["refresh_token"])
    reused = refresh(sandbox_client, first["refresh_token"])

    assert rotated.status_code == 200
    assert rotated.json()["refresh_token"] != first["refresh_token"]
    assert reused.status_code == 400
    assert reused.headers["content-type"] == "text/html; charset=UTF-8"
    assert json.loads(reused.text) == {"error": "invalid_grant", "error_description": "Invalid refresh token"}


def test_the_rotated_refresh_token_works_once_more(sandbox_client):
    first = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()
    rotated = refresh(sandbox_client, first["refresh_token"]).json()

    assert refresh(sandbox_client, rotated["refresh_token"]).status_code == 200


def test_replaying_a_spent_refresh_token_revokes_the_rotated_one_too(sandbox_client):
    first = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()
    rotated = refresh(sandbox_client, first["refresh_token"]).json()

    refresh(sandbox_client, first["refresh_token"])

    assert refresh(sandbox_client, rotated["refresh_token"]).status_code == 400


def test_a_replay_leaves_the_access_token_working_until_it_expires(sandbox_client):
    first = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()
    rotated = refresh(sandbox_client, first["refresh_token"]).json()

    refresh(sandbox_client, first["refresh_token"])

    assert sandbox_client.get("/3/companyinformation", headers=bearer(rotated["access_token"])).status_code == 200


def test_an_unknown_refresh_token_revokes_nothing(sandbox_client):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()

    assert refresh(sandbox_client, "not-a-token-we-issued").status_code == 400

    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 200


def test_refresh_token_expires_after_45_days(sandbox_client, sandbox_clock):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()
    sandbox_clock.advance(FORTY_FIVE_DAYS + 1)

    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 400


def test_refresh_keeps_tenant_and_scope(sandbox_client, midsize_tenant_id):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client, tenant_id=midsize_tenant_id)).json()

    renewed = refresh(sandbox_client, tokens["refresh_token"]).json()

    assert renewed["scope"] == tokens["scope"]
    assert _tenant_of(sandbox_client, renewed["access_token"]) == int(midsize_tenant_id)


def test_client_credentials_with_tenant_id_gives_a_service_token_without_refresh_token(sandbox_client,
                                                                                      midsize_tenant_id):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "client_credentials"},
                         headers={"TenantId": midsize_tenant_id})

    assert answer.status_code == 200
    body = answer.json()
    assert "refresh_token" not in body
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert "bookkeeping" in body["scope"].split()
    assert _tenant_of(sandbox_client, body["access_token"]) == int(midsize_tenant_id)


def test_client_credentials_with_an_unknown_tenant_is_invalid_client(sandbox_client):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "client_credentials"},
                         headers={"TenantId": "999999"})

    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert json.loads(answer.text)["error"] == "invalid_client"


def test_revoke_kills_the_refresh_token(sandbox_client):
    tokens = exchange_code(sandbox_client, authorization_code(sandbox_client)).json()

    answer = sandbox_client.post("/oauth-v1/revoke", auth=CLIENT_AUTH,
                         data={"token_type_hint": "refresh_token", "token": tokens["refresh_token"]})

    assert answer.status_code == 200
    assert answer.json() == {"revoked": True}
    assert refresh(sandbox_client, tokens["refresh_token"]).status_code == 400


def test_revoke_requires_client_authentication(sandbox_client):
    answer = sandbox_client.post("/oauth-v1/revoke", data={"token_type_hint": "refresh_token", "token": "x"})

    assert answer.status_code == 401


def test_unsupported_grant_type_is_refused(sandbox_client):
    answer = sandbox_client.post("/oauth-v1/token", auth=CLIENT_AUTH, data={"grant_type": "password"})

    assert answer.status_code == 400
    assert json.loads(answer.text)["error"] == "unsupported_grant_type"


def test_a_finished_authorization_request_cannot_be_replayed(sandbox_client):
    page = sandbox_client.get(authorize_url())
    request_id = request_id_of(page.text)
    consent = sandbox_client.post("/oauth-v1/auth/login",
                          data={"request_id": request_id, "email": "anna@example.com", "password": "demo"})
    sandbox_client.post("/oauth-v1/auth/consent",
                        data={"request_id": request_id_of(consent.text), "decision": "approve"})

    replay = sandbox_client.post("/oauth-v1/auth/consent", data={"request_id": request_id, "decision": "approve"})

    assert replay.status_code == 400
    assert "location" not in replay.headers
