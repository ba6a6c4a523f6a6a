"""OAuth2 against Fortnox's authorization server, through authlib.

Fortnox: authorization-code flow, HTTP Basic client authentication, single-use rotating refresh tokens,
service accounts through `client_credentials` with a `TenantId` header (NOTES.md §1).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import httpx
from authlib.deprecate import AuthlibDeprecationWarning
from authlib.integrations.base_client import OAuthError

from services.fortnox.config import FortnoxConfig
from services.fortnox.errors import AuthError, AuthExpired, FortnoxUnavailable, RateLimited

# authlib 1.9 prefers the httpx2 fork and warns, on importing its httpx client, when it falls back to classic httpx,
# which this product uses on purpose (one HTTP stack; tests/unit guard that authlib's client is an httpx.Client).
with warnings.catch_warnings():
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import OAuth2Client


@dataclass(frozen=True)
class TokenSet:
    access_token: str
    refresh_token: str | None
    expires_at: int
    scope: str

    def __repr__(self) -> str:  # tokens never end up in a log through repr()
        return f"TokenSet(expires_at={self.expires_at}, scope={self.scope!r})"


def _oauth_client(config: FortnoxConfig) -> OAuth2Client:
    return OAuth2Client(
        client_id=config.client_id,
        client_secret=config.client_secret,
        token_endpoint_auth_method="client_secret_basic",
        redirect_uri=config.redirect_uri,
        scope=" ".join(config.scopes),
        timeout=config.token_timeout,
        transport=config.transport,
        event_hooks={"response": [_raise_for_overload]},
    )


def _raise_for_overload(response: httpx.Response) -> None:
    """Answers that carry no OAuth error body: rate limiting and server faults."""
    if response.status_code == 429:
        raise RateLimited("Fortnox begränsar antalet anrop just nu. Vänta några sekunder och försök igen.", status=429)
    if response.status_code >= 500:
        raise FortnoxUnavailable(
            f"Fortnox inloggning svarade med ett serverfel (HTTP {response.status_code}). Försök igen om en stund.",
            status=response.status_code,
        )


def authorization_url(config: FortnoxConfig, state: str) -> str:
    """Where to send the user's browser; `state` is the caller's single-use CSRF value."""
    with _oauth_client(config) as client:
        url, _ = client.create_authorization_url(f"{config.auth_url}/auth", state=state, access_type="offline")
    return url


def _token_set(token: dict) -> TokenSet:
    expires_at = token.get("expires_at")
    if not isinstance(expires_at, int):
        expires_at = int(time.time()) + int(token.get("expires_in", 3600))
    return TokenSet(
        access_token=str(token["access_token"]),
        refresh_token=token.get("refresh_token"),
        expires_at=expires_at,
        scope=str(token.get("scope", "")),
    )


def _token_request(config: FortnoxConfig, **kwargs: object) -> TokenSet:
    statuses: list[int] = []  # the refusal's HTTP status tells a bad TenantId (400) from bad credentials (401)
    try:
        with _oauth_client(config) as client:
            client.event_hooks["response"].append(lambda response: statuses.append(response.status_code))
            return _token_set(client.fetch_token(config.token_url, **kwargs))
    except OAuthError as exc:
        if exc.error == "invalid_grant":
            raise AuthExpired(
                "Anslutningen till Fortnox har upphört eller koden har redan använts. Anslut igen.", status=400
            ) from None
        raise AuthError(
            f"Fortnox godtog inte begäran om åtkomst ({exc.error}). Kontrollera integrationens klient-id och hemlighet.",
            status=statuses[-1] if statuses else None,
        ) from None
    except httpx.HTTPError as exc:
        raise FortnoxUnavailable(
            f"Fortnox inloggning svarar inte ({type(exc).__name__}). Försök igen om en stund."
        ) from None
    except (ValueError, KeyError, TypeError):
        raise FortnoxUnavailable("Fortnox inloggning skickade ett svar som inte gick att läsa. Försök igen.") from None


def exchange_code(config: FortnoxConfig, code: str) -> TokenSet:
    return _token_request(config, grant_type="authorization_code", code=code)


def refresh(config: FortnoxConfig, refresh_token: str) -> TokenSet:
    """Trade a refresh token for new tokens; the old refresh token is dead afterwards."""
    return _token_request(config, grant_type="refresh_token", refresh_token=refresh_token)


def client_credentials(config: FortnoxConfig, tenant_id: str) -> TokenSet:
    """A service-account token for one tenant (no refresh token: mint a new one when it expires). Fortnox answers
    an unknown TenantId with invalid_client and 400, bad client credentials with 401 (NOTES.md §1.8)."""
    try:
        return _token_request(config, grant_type="client_credentials", headers={"TenantId": tenant_id})
    except AuthError as exc:
        if exc.status == 400 and not isinstance(exc, AuthExpired):
            raise AuthError("Fortnox känner inte till den databasen (TenantId). Kontrollera numret: det är "
                            "företagets databasnummer i Fortnox, och integrationen ska vara godkänd där.",
                            status=400) from None
        raise


def revoke(config: FortnoxConfig, refresh_token: str) -> None:
    """Revoke a refresh token at Fortnox (`/oauth-v1/revoke`), so the connection can't be used from anywhere."""
    try:
        with _oauth_client(config) as client:
            response = client.revoke_token(f"{config.auth_url}/revoke", token=refresh_token,
                                           token_type_hint="refresh_token")
    except httpx.HTTPError as exc:
        raise FortnoxUnavailable(
            f"Fortnox inloggning svarar inte ({type(exc).__name__}). Försök igen om en stund."
        ) from None
    if response.status_code >= 400:
        raise AuthError(f"Fortnox återkallade inte anslutningen (HTTP {response.status_code}).",
                        status=response.status_code)
