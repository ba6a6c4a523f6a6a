"""Helpers for tests that drive the sandbox: obtain tokens and walk the login pages without a browser.

They take any httpx-style client pointed at the sandbox (Starlette's `TestClient(create_app(...))`, or
`httpx.Client(base_url=running.url)`), so the app's own tests can use them too.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

CLIENT_ID = "sandbox-client"
CLIENT_SECRET = "sandbox-secret"
CLIENT_AUTH = (CLIENT_ID, CLIENT_SECRET)
DEFAULT_REDIRECT_URI = "http://localhost:8501/anslut"

_REQUEST_ID = re.compile(r'name="request_id" value="([^"]+)"')


def request_id_of(html: str) -> str:
    """The hidden authorization-request id of a login, company or consent page."""
    match = _REQUEST_ID.search(html)
    if match is None:
        raise AssertionError("no request_id on the page")
    return match.group(1)


def authorize_url(scope: str = "companyinformation bookkeeping", state: str = "state-123",
                  redirect_uri: str = DEFAULT_REDIRECT_URI, client_id: str = CLIENT_ID, **extra: str) -> str:
    """The path and query of `GET /oauth-v1/auth` as an app would build it."""
    params = {"client_id": client_id, "redirect_uri": redirect_uri, "scope": scope, "state": state,
              "response_type": "code", "access_type": "offline", **extra}
    return "/oauth-v1/auth?" + urlencode(params)


def walk_login(client: Any, email: str = "demo@example.com", password: str = "demo", tenant_id: str | None = None,
               approve: bool = True, **authorize_params: str) -> httpx.Response:
    """Log in, pick `tenant_id` (or keep the preselected one) and answer the consent page; returns the 302."""
    page = client.get(authorize_url(**authorize_params))
    page.raise_for_status()
    step = client.post("/oauth-v1/auth/login",
                       data={"request_id": request_id_of(page.text), "email": email, "password": password})
    if "Välj företag" in step.text:
        preselected = re.search(r'name="tenant_id" value="([^"]+)" checked', step.text)
        chosen = tenant_id or (preselected.group(1) if preselected else "")
        step = client.post("/oauth-v1/auth/company", data={"request_id": request_id_of(step.text), "tenant_id": chosen})
    return client.post("/oauth-v1/auth/consent", data={"request_id": request_id_of(step.text),
                                                       "decision": "approve" if approve else "deny"})


def redirect_params(response: httpx.Response) -> dict[str, str]:
    """The query parameters of a redirect's Location."""
    query = parse_qs(urlsplit(response.headers["location"]).query)
    return {key: values[0] for key, values in query.items()}


def authorization_code(client: Any, **login_params: Any) -> str:
    """A fresh authorization code (the whole login flow, approved)."""
    return redirect_params(walk_login(client, **login_params))["code"]


def exchange_code(client: Any, code: str, redirect_uri: str = DEFAULT_REDIRECT_URI) -> httpx.Response:
    return client.post("/oauth-v1/token", auth=CLIENT_AUTH,
                       data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri})


def refresh(client: Any, refresh_token: str) -> httpx.Response:
    return client.post("/oauth-v1/token", auth=CLIENT_AUTH,
                       data={"grant_type": "refresh_token", "refresh_token": refresh_token})


def service_token(client: Any, tenant_id: str, scope: str | None = None) -> str:
    """An access token for a service account of `tenant_id` (client_credentials + TenantId header)."""
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    response = client.post("/oauth-v1/token", auth=CLIENT_AUTH, data=data, headers={"TenantId": str(tenant_id)})
    response.raise_for_status()
    return response.json()["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


def fortnox_sie(sandbox_url: str, tenant_id: str, year_id: str) -> bytes:
    """A company's books for one financial year as Fortnox exports them (GET /3/sie/4)."""
    with httpx.Client(base_url=sandbox_url) as client:
        token = service_token(client, tenant_id)
        return client.get("/3/sie/4", params={"financialyear": year_id}, headers=bearer(token)).content
