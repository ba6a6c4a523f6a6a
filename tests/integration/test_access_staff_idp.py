"""The sandbox's staff identity provider speaks OpenID Connect as st.login expects, and its forms resist CSRF."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import warnings
from urllib.parse import parse_qs, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sandbox.oidc import DISCOVERY_PATH
from sandbox.server import create_app
from tests.sandbox_flows import authorize_url, request_id_of

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

REDIRECT_URI = "http://localhost:8501/oauth2callback"
VERIFIER = "v" * 64
BASIC = {"Authorization": "Basic " + base64.b64encode(b"staff-client:staff-secret").decode()}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign_in(client: TestClient, email: str = "support@example.com") -> dict[str, str]:
    """Authorize with state, nonce and a PKCE challenge, sign in, and return the redirect's parameters."""
    query = {"client_id": "staff-client", "redirect_uri": REDIRECT_URI, "response_type": "code",
             "scope": "openid email profile", "state": "st-1", "nonce": "n-1",
             "code_challenge": _b64(hashlib.sha256(VERIFIER.encode()).digest()), "code_challenge_method": "S256"}
    page = client.get("/staff-idp/authorize?" + urlencode(query))
    answer = client.post("/staff-idp/login", data={"request_id": request_id_of(page.text), "email": email,
                                                   "password": "demo"})
    assert answer.status_code == 302, answer.text
    return {k: v[0] for k, v in parse_qs(urlsplit(answer.headers["location"]).query).items()}


def _token(client: TestClient, code: str, verifier: str = VERIFIER):
    return client.post("/staff-idp/token", headers=BASIC, data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier})


def test_discovery_names_the_endpoints_and_s256(sandbox_client: TestClient) -> None:
    metadata = sandbox_client.get(DISCOVERY_PATH).json()
    assert metadata["issuer"] == "http://testserver/staff-idp"
    assert metadata["jwks_uri"] == "http://testserver/staff-idp/jwks"
    assert metadata["code_challenge_methods_supported"] == ["S256"]


def test_the_id_token_is_rs256_signed_by_the_published_key_and_carries_email_name_and_nonce(
        sandbox_client: TestClient) -> None:
    params = _sign_in(sandbox_client)
    assert params["state"] == "st-1"
    id_token = _token(sandbox_client, params["code"]).json()["id_token"]
    header, payload, signature = id_token.split(".")
    [key] = sandbox_client.get("/staff-idp/jwks").json()["keys"]
    assert json.loads(_unb64(header))["kid"] == key["kid"]
    public = rsa.RSAPublicNumbers(int.from_bytes(_unb64(key["e"]), "big"),
                                  int.from_bytes(_unb64(key["n"]), "big")).public_key()
    public.verify(_unb64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    claims = json.loads(_unb64(payload))
    assert (claims["email"], claims["name"], claims["nonce"], claims["aud"]) == (
        "support@example.com", "Sam Support", "n-1", "staff-client")


def test_the_id_token_keeps_real_time_when_fortnox_clock_moves(sandbox_client: TestClient, sandbox_clock) -> None:
    sandbox_clock.advance(90 * 24 * 3600)
    id_token = _token(sandbox_client, _sign_in(sandbox_client)["code"]).json()["id_token"]
    claims = json.loads(_unb64(id_token.split(".")[1]))
    assert abs(claims["iat"] - time.time()) < 60


def test_a_wrong_pkce_verifier_gets_no_token(sandbox_client: TestClient) -> None:
    params = _sign_in(sandbox_client)
    answer = _token(sandbox_client, params["code"], verifier="w" * 64)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"


def test_a_code_works_once(sandbox_client: TestClient) -> None:
    params = _sign_in(sandbox_client)
    assert _token(sandbox_client, params["code"]).status_code == 200
    assert _token(sandbox_client, params["code"]).status_code == 400


def test_a_sign_in_form_posted_from_another_browser_is_refused(sandbox_client: TestClient, sandbox_app) -> None:
    query = {"client_id": "staff-client", "redirect_uri": REDIRECT_URI, "response_type": "code",
             "scope": "openid", "state": "st-1"}
    page = sandbox_client.get("/staff-idp/authorize?" + urlencode(query))
    with TestClient(sandbox_app, base_url="http://testserver", follow_redirects=False) as attacker:
        answer = attacker.post("/staff-idp/login", data={"request_id": request_id_of(page.text),
                                                         "email": "support@example.com", "password": "demo"})
    assert answer.status_code == 403


def test_a_fortnox_login_form_posted_from_another_browser_is_refused(sandbox_client: TestClient, sandbox_app) -> None:
    page = sandbox_client.get(authorize_url())
    with TestClient(sandbox_app, base_url="http://testserver", follow_redirects=False) as attacker:
        answer = attacker.post("/oauth-v1/auth/login", data={"request_id": request_id_of(page.text),
                                                             "email": "demo@example.com", "password": "demo"})
    assert answer.status_code == 403


def test_the_signing_key_survives_a_restart(sandbox_settings, sandbox_clock) -> None:
    kids = []
    for _ in range(2):
        with TestClient(create_app(sandbox_settings, clock=sandbox_clock)) as client:
            kids.append(client.get("/staff-idp/jwks").json()["keys"][0]["kid"])
    assert kids[0] == kids[1]
