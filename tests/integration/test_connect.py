"""Connecting a company through Fortnox's authorization-code flow, against the sandbox over HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from services import store
from services.companies.connections import (
    ReconnectNeeded,
    StoredTokens,
    connect_service_account,
    finish_authorization,
    open_client,
    start_authorization,
)
from services.companies.model import ConnectError
from services.config import Settings
from services.fortnox import auth, resources
from services.fortnox.errors import AuthExpired, FortnoxUnavailable, RateLimited
from services.token_cipher import TokenCipher
from tests.conftest import settings_for
from tests.fortnox_login import DEMO, authorize


# Moves the sandbox's clock: a sandbox of this module's own, so no other test's tokens age with it.
pytestmark = pytest.mark.writes_to_fortnox


def _callback(settings: Settings, **login: object) -> dict[str, str]:
    location = authorize(start_authorization(settings, DEMO), **login)
    assert location.startswith(settings.fortnox.redirect_uri)
    return {key: values[0] for key, values in parse_qs(urlparse(location).query).items()}


def test_connecting_names_the_company_and_stores_encrypted_tokens(settings: Settings, small_tenant: dict) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    assert (company.name, company.orgnr) == (small_tenant["name"], small_tenant["orgnr"])
    with store.open_db(settings.database_path) as db:
        row = next(db["connections"].rows)
    token = StoredTokens(settings, company.id).access_token()
    assert token not in row["access_token"]
    assert row["refresh_token"] and "bookkeeping" in row["scope"]


def test_the_state_comes_back_unchanged(settings: Settings) -> None:
    url = start_authorization(settings, DEMO)
    sent = parse_qs(urlparse(url).query)["state"][0]
    assert parse_qs(urlparse(authorize(url)).query)["state"][0] == sent


def test_avbryt_at_fortnox_connects_nothing(settings: Settings) -> None:
    params = _callback(settings, approve=False)
    assert params["error"] == "access_denied"
    with pytest.raises(ConnectError, match="avbröt"):
        finish_authorization(settings, code=None, state=params["state"], error=params["error"], requester=DEMO)
    with store.open_db(settings.database_path) as db:
        assert db["connections"].count == 0 and db["companies"].count == 0


def _connection_row(settings: Settings) -> dict:
    with store.open_db(settings.database_path) as db:
        return next(db["connections"].rows)


def test_a_replayed_callback_is_refused_and_keeps_no_new_token(settings: Settings) -> None:
    params = _callback(settings)
    finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    before = _connection_row(settings)
    with pytest.raises(ConnectError, match="redan använts"):
        finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    assert _connection_row(settings) == before


def test_a_replayed_code_with_a_fresh_state_is_refused_by_fortnox(settings: Settings) -> None:
    params = _callback(settings)
    finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    before = _connection_row(settings)
    fresh_state = parse_qs(urlparse(start_authorization(settings, DEMO)).query)["state"][0]
    with pytest.raises(ConnectError, match="inloggningskoden"):
        finish_authorization(settings, code=params["code"], state=fresh_state, error=None, requester=DEMO)
    assert _connection_row(settings) == before


def test_an_expired_access_token_is_refreshed_and_the_refresh_token_rotated(settings: Settings, sandbox) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    with store.open_db(settings.database_path) as db:
        before = next(db["connections"].rows)
    httpx.post(f"{sandbox.url}/sandbox/clock", json={"advance_seconds": 3700})
    with open_client(settings, company.id) as client:
        assert resources.company_information(client).orgnr == company.orgnr
    with store.open_db(settings.database_path) as db:
        after = next(db["connections"].rows)
    cipher = TokenCipher(settings.app_secret_key, settings.data_dir)
    assert cipher.decrypt(after["refresh_token"]) != cipher.decrypt(before["refresh_token"])
    with pytest.raises(AuthExpired):
        auth.refresh(settings.fortnox, cipher.decrypt(before["refresh_token"]))


def test_a_revoked_connection_asks_the_user_to_connect_again(settings: Settings, sandbox, small_tenant: dict) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    httpx.put(
        f"{sandbox.url}/sandbox/faults",
        json=[{"method": "GET", "path": "/3/*", "kind": "revoke_refresh", "times": 1}],
    )
    with open_client(settings, company.id) as client:  # the customer revokes the integration in Fortnox
        resources.company_information(client)
    tokens = StoredTokens(settings, company.id)
    with pytest.raises(ReconnectNeeded, match="Anslut igen"):
        tokens.access_token(rejected=tokens.access_token())
    with store.open_db(settings.database_path) as db:
        assert db["connections"].count == 0


def test_tokens_stored_under_another_key_ask_for_a_new_connection(settings: Settings, small_tenant: dict) -> None:
    company = connect_service_account(settings, small_tenant["tenant_id"])
    other_key = settings_for(settings.data_dir, settings.sandbox_port, APP_SECRET_KEY="another key")
    with pytest.raises(ReconnectNeeded, match="APP_SECRET_KEY"):
        StoredTokens(other_key, company.id).access_token()


def test_a_token_about_to_expire_is_refreshed_before_the_call(settings: Settings) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    with store.open_db(settings.database_path) as db:
        db["connections"].update(company.id, {"expires_at": 0})
    before = _connection_row(settings)
    with open_client(settings, company.id) as client:
        resources.company_information(client)
        assert client.requests_made == 1  # no 401 round trip: the refresh happened first
    assert _connection_row(settings)["refresh_token"] != before["refresh_token"]


def test_concurrent_sessions_refresh_a_shared_token_once(settings: Settings, sandbox) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    with store.open_db(settings.database_path) as db:
        db["connections"].update(company.id, {"expires_at": 0})
    with ThreadPoolExecutor(max_workers=6) as pool:
        tokens = set(pool.map(lambda _: StoredTokens(settings, company.id).access_token(), range(6)))
    assert len(tokens) == 1  # one refresh; the others re-read its result inside the lock


@pytest.mark.parametrize(("fault", "kind"), [("status:429", RateLimited), ("body:malformed", FortnoxUnavailable)])
def test_token_endpoint_trouble_is_a_typed_error(settings: Settings, sandbox, small_tenant: dict, fault: str, kind) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults", json=[{"method": "POST", "path": "/oauth-v1/token", "kind": fault, "times": 1}])
    with pytest.raises(kind):
        auth.client_credentials(settings.fortnox, small_tenant["tenant_id"])


def test_a_successful_anslut_is_in_the_audit_log_with_who_connected(settings: Settings) -> None:
    params = _callback(settings)
    company = finish_authorization(settings, code=params["code"], state=params["state"], error=None, requester=DEMO)
    with store.open_db(settings.database_path) as db:
        lines = [(row["actor"], row["company_id"]) for row in db["audit_log"].rows_where("action = 'connect'")]
    assert lines == [("demo", company.id)]
