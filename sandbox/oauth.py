"""Fortnox's authorization server (apps.fortnox.se/oauth-v1): the authorize pages, the token endpoint and revoke.

Flow: `GET /oauth-v1/auth` validates the request and shows the login page; the in-progress authorization lives in
the store under a random id carried in a hidden field through login, company choice and consent. Approval
redirects with `code` and the unchanged `state`; a refusal redirects with `error=access_denied`. A malformed
authorize request gets an HTML error page (400) and never a redirect, because the redirect target is not trusted.
Codes live 10 minutes and are single-use; refresh tokens live 45 days, single-use and rotated (replaying a spent one
revokes the company's consent); access tokens an hour — all on the sandbox clock.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import uuid
from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from sandbox import csrf
from sandbox.context import ACCESS_TOKEN_LIFETIME, Sandbox, sandbox_of
from sandbox.errors import invalid_client, oauth_error
from sandbox.pages import company_page, consent_page, error_page, login_page
from sandbox.pipeline import faults_after, faults_before
from sandbox.scopes import ALL_SCOPES, SCOPE_DESCRIPTIONS, parse_scope
from sandbox.grant_store import AuthRequest, GrantRecord
from sandbox.world import USERS

INTEGRATION_NAME = "Skatt & Bokslut"
AUTH_REQUEST_LIFETIME = 30 * 60
CODE_LIFETIME = 10 * 60
REFRESH_TOKEN_LIFETIME = 45 * 24 * 3600
LOCAL_HOSTS = ("localhost", "127.0.0.1")


def is_allowed_redirect_uri(uri: str) -> bool:
    """The sandbox's registered redirect URIs: any http://localhost:* or http://127.0.0.1:* address."""
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname in LOCAL_HOSTS and not parts.username and not parts.fragment


def _with_query(uri: str, params: dict[str, str]) -> str:
    parts = urlsplit(uri)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def _bad_request(message: str) -> HTMLResponse:
    return HTMLResponse(error_page("Felaktig begäran", message), status_code=400)


def _demo_accounts() -> list[tuple[str, str, str]]:
    return [
        (u.email, u.password, "ett företag" if len(u.tenant_ids) == 1 else f"{len(u.tenant_ids)} företag")
        for u in USERS
    ]


# -- authorize pages --------------------------------------------------------------------------------


async def authorize(request: Request) -> Response:
    """`GET /oauth-v1/auth`: check the request, then show the login page."""
    sandbox = sandbox_of(request)
    query = request.query_params
    if query.get("client_id") != sandbox.settings.client_id:
        return _bad_request("Okänt client_id. Integrationen är inte registrerad i sandlådan.")
    redirect_uri = query.get("redirect_uri", "")
    if not is_allowed_redirect_uri(redirect_uri):
        return _bad_request("Ogiltig redirect_uri. Sandlådan godtar bara http://localhost:* och http://127.0.0.1:*.")
    if query.get("response_type") != "code":
        return _bad_request("response_type måste vara code.")
    state = query.get("state", "")
    if not state:
        return _bad_request("Parametern state saknas.")
    scopes = parse_scope(query.get("scope", ""))
    if not scopes:
        return _bad_request("Parametern scope saknas.")
    unknown = [s for s in scopes if s not in SCOPE_DESCRIPTIONS]
    if unknown:
        return _bad_request(f"Okänt scope: {', '.join(unknown)}.")
    account_type = query.get("account_type", "")
    if account_type not in ("", "service"):
        return _bad_request("account_type kan bara vara service.")
    auth_request = AuthRequest(
        id=secrets.token_urlsafe(24), client_id=sandbox.settings.client_id, redirect_uri=redirect_uri,
        scope=" ".join(scopes), state=state, access_type=query.get("access_type", ""), account_type=account_type,
        user_email=None, tenant_id=None, created_at=sandbox.clock.now(),
    )
    sandbox.grants.create_auth_request(auth_request)
    return csrf.bind(HTMLResponse(login_page(auth_request.id, _demo_accounts())), sandbox.token_secret,
                     auth_request.id, "/oauth-v1/auth")


def _pending(sandbox: Sandbox, request_id: str) -> AuthRequest | None:
    auth_request = sandbox.grants.auth_request(request_id) if request_id else None
    if auth_request is None or auth_request.created_at + AUTH_REQUEST_LIFETIME <= sandbox.clock.now():
        return None
    return auth_request


def _forged_page() -> HTMLResponse:
    return HTMLResponse(error_page("Ogiltigt formulär", "Formuläret skickades inte från den här inloggningen. "
                                   "Börja om från integrationen."), status_code=403)


def _expired_page() -> HTMLResponse:
    return _bad_request("Inloggningen har gått ut eller är redan avslutad. Börja om från integrationen.")


def _companies_of(sandbox: Sandbox, email: str) -> list[tuple[str, str, str]]:
    user = sandbox.user(email)
    if user is None:
        return []
    known = {c.tenant_id: c for c in sandbox.store.companies()}
    return [(t, known[t].name, known[t].orgnr) for t in user.tenant_ids if t in known]


def _consent(sandbox: Sandbox, auth_request: AuthRequest, tenant_id: str) -> HTMLResponse:
    company = sandbox.store.company(tenant_id)
    assert company is not None
    scopes = [(s, SCOPE_DESCRIPTIONS[s]) for s in auth_request.scope.split()]
    return HTMLResponse(consent_page(auth_request.id, INTEGRATION_NAME, company.name, company.orgnr, scopes))


async def login(request: Request) -> Response:
    """`POST /oauth-v1/auth/login`: check the password, then choose a company or go straight to consent."""
    sandbox = sandbox_of(request)
    form = await request.form()
    auth_request = _pending(sandbox, str(form.get("request_id", "")))
    if auth_request is None:
        return _expired_page()
    if not csrf.verified(request, sandbox.token_secret, auth_request.id):
        return _forged_page()
    email = str(form.get("email", "")).strip()
    user = sandbox.user(email)
    if user is None or not hmac.compare_digest(str(form.get("password", "")).encode(), user.password.encode()):
        return HTMLResponse(login_page(auth_request.id, _demo_accounts(), email=email,
                                       error="Fel e-post eller lösenord."))
    sandbox.grants.update_auth_request(auth_request.id, user_email=user.email)
    companies = _companies_of(sandbox, user.email)
    if not companies:
        return _bad_request("Användaren har inget företag.")
    if len(companies) == 1:
        sandbox.grants.update_auth_request(auth_request.id, tenant_id=companies[0][0])
        return _consent(sandbox, auth_request, companies[0][0])
    return HTMLResponse(company_page(auth_request.id, user.name, companies))


async def choose_company(request: Request) -> Response:
    """`POST /oauth-v1/auth/company`: remember the chosen company, then ask for consent."""
    sandbox = sandbox_of(request)
    form = await request.form()
    auth_request = _pending(sandbox, str(form.get("request_id", "")))
    if auth_request is None or auth_request.user_email is None:
        return _expired_page()
    if not csrf.verified(request, sandbox.token_secret, auth_request.id):
        return _forged_page()
    tenant_id = str(form.get("tenant_id", ""))
    companies = _companies_of(sandbox, auth_request.user_email)
    if tenant_id not in {c[0] for c in companies}:
        user = sandbox.user(auth_request.user_email)
        return HTMLResponse(company_page(auth_request.id, user.name if user else "", companies), status_code=400)
    sandbox.grants.update_auth_request(auth_request.id, tenant_id=tenant_id)
    return _consent(sandbox, auth_request, tenant_id)


async def consent(request: Request) -> Response:
    """`POST /oauth-v1/auth/consent`: Godkänn redirects with a code, Avbryt with error=access_denied."""
    sandbox = sandbox_of(request)
    form = await request.form()
    auth_request = _pending(sandbox, str(form.get("request_id", "")))
    if auth_request is None or auth_request.user_email is None or auth_request.tenant_id is None:
        return _expired_page()
    if not csrf.verified(request, sandbox.token_secret, auth_request.id):
        return _forged_page()
    sandbox.grants.delete_auth_request(auth_request.id)
    if form.get("decision") != "approve":
        target = _with_query(auth_request.redirect_uri, {
            "error": "access_denied",
            "error_description": "Användaren avbröt godkännandet av integrationen.",
            "state": auth_request.state,
        })
        return RedirectResponse(target, status_code=302)
    code = str(uuid.uuid4())
    grant = GrantRecord(auth_request.client_id, auth_request.tenant_id, auth_request.scope, auth_request.user_email,
                        auth_request.redirect_uri)
    sandbox.grants.create_code(code, grant, sandbox.clock.now() + CODE_LIFETIME)
    return RedirectResponse(_with_query(auth_request.redirect_uri, {"code": code, "state": auth_request.state}),
                            status_code=302)


# -- token endpoint ---------------------------------------------------------------------------------


def _basic_client(request: Request, sandbox: Sandbox) -> str | None:
    """The client id when HTTP Basic credentials match the registered client, else None."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, secret = decoded.partition(":")
    if not separator:
        return None
    settings = sandbox.settings
    if hmac.compare_digest(client_id.encode(), settings.client_id.encode()) and hmac.compare_digest(
        secret.encode(), settings.client_secret.encode()
    ):
        return client_id
    return None


def _token_response(payload: dict[str, object]) -> Response:
    return Response(json.dumps(payload, separators=(",", ":")), status_code=200, media_type="application/json",
                    headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


def _issue(sandbox: Sandbox, grant: GrantRecord, auth_source: str, with_refresh: bool) -> Response:
    access = sandbox.issue_access_token(grant.tenant_id, grant.client_id, grant.scope, grant.user_email or None,
                                        auth_source)
    payload: dict[str, object] = {"access_token": access, "expires_in": ACCESS_TOKEN_LIFETIME,
                                  "token_type": "bearer", "scope": grant.scope}
    if with_refresh:
        refresh = str(uuid.uuid4())
        sandbox.grants.create_refresh_token(refresh, grant, sandbox.clock.now() + REFRESH_TOKEN_LIFETIME)
        payload["refresh_token"] = refresh
    return _token_response(payload)


def _tenant_of_token_request(sandbox: Sandbox, request: Request, form: dict[str, str]) -> str | None:
    grant_type = form.get("grant_type")
    if grant_type == "refresh_token":
        return sandbox.grants.peek_refresh_tenant(form.get("refresh_token", ""))
    if grant_type == "authorization_code":
        return sandbox.grants.peek_code_tenant(form.get("code", ""))
    if grant_type == "client_credentials":
        return request.headers.get("tenantid")
    return None


async def token(request: Request) -> Response:
    """`POST /oauth-v1/token`: authorization_code, refresh_token and client_credentials grants."""
    sandbox = sandbox_of(request)
    form = {k: str(v) for k, v in (await request.form()).items()}
    tenant_hint = _tenant_of_token_request(sandbox, request, form)
    hits = sandbox.faults.take(request.method, request.url.path, tenant_hint)
    early = await faults_before(sandbox, hits, tenant_hint, None, token_endpoint=True)
    if early is not None:
        return early
    return faults_after(hits, _grant(sandbox, request, form))


def _grant(sandbox: Sandbox, request: Request, form: dict[str, str]) -> Response:
    client_id = _basic_client(request, sandbox)
    if client_id is None:
        return invalid_client()
    grant_type = form.get("grant_type", "")
    now = sandbox.clock.now()
    if grant_type == "authorization_code":
        grant = sandbox.grants.consume_code(form.get("code", ""), now)
        if grant is None or grant.client_id != client_id or form.get("redirect_uri", "") != grant.redirect_uri:
            return oauth_error(400, "invalid_grant", "Invalid authorization code")
        return _issue(sandbox, grant, "OAUTH2", with_refresh=True)
    if grant_type == "refresh_token":
        presented = form.get("refresh_token", "")
        grant = sandbox.grants.consume_refresh_token(presented, client_id, now)
        if grant is None:
            _revoke_consent_of_replayed(sandbox, presented)
            return oauth_error(400, "invalid_grant", "Invalid refresh token")
        return _issue(sandbox, grant, "OAUTH2", with_refresh=True)
    if grant_type == "client_credentials":
        tenant_id = request.headers.get("tenantid", "").strip()
        if not tenant_id or sandbox.store.company(tenant_id) is None:
            return invalid_client(400)
        wanted = parse_scope(form.get("scope", "")) or list(ALL_SCOPES)
        scope = " ".join(s for s in wanted if s in SCOPE_DESCRIPTIONS)
        grant = GrantRecord(client_id, tenant_id, scope, "")
        return _issue(sandbox, grant, "CLIENT_CREDENTIALS", with_refresh=False)
    return oauth_error(400, "unsupported_grant_type", "Unsupported grant type")


def _revoke_consent_of_replayed(sandbox: Sandbox, presented: str) -> None:
    """A refresh token this server issued that no longer works was replayed: revoke the whole consent.

    OAuth's reuse detection (RFC 9700 §4.14.2) and Fortnox's own words agree: refreshing from several places "could
    result in token invalidation", and after "Invalid refresh token" the integration "must be reactivated by a
    user" (NOTES.md §1.5). A consent is one integration on one company, so every refresh token of the tenant dies
    (the sandbox registers a single client id, so tenant and consent coincide). Unknown strings revoke nothing.
    """
    tenant_id = sandbox.grants.peek_refresh_tenant(presented) if presented else None
    if tenant_id is not None:
        sandbox.grants.revoke_refresh_tokens_of_tenant(tenant_id)


async def revoke(request: Request) -> Response:
    """`POST /oauth-v1/revoke`: kill a refresh token (access tokens cannot be revoked, as at Fortnox)."""
    sandbox = sandbox_of(request)
    client_id = _basic_client(request, sandbox)
    if client_id is None:
        return invalid_client()
    form = await request.form()
    token_value = str(form.get("token", ""))
    if token_value:
        sandbox.grants.revoke_refresh_token(token_value, client_id)
    return Response(json.dumps({"revoked": True}), media_type="application/json",
                    headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/oauth-v1/auth", authorize, methods=["GET"]),
    Route("/oauth-v1/auth/login", login, methods=["POST"]),
    Route("/oauth-v1/auth/company", choose_company, methods=["POST"]),
    Route("/oauth-v1/auth/consent", consent, methods=["POST"]),
    Route("/oauth-v1/token", token, methods=["POST"]),
    Route("/oauth-v1/revoke", revoke, methods=["POST"]),
]
