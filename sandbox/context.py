"""The running sandbox's shared parts (books, grants, clock, limiter, faults, counters) and who is calling.

Handlers reach it through `sandbox_of(request)`; nothing here is a module-level global, so several sandboxes can
run in one process (tests do).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from sandbox.clock import Clock, today
from sandbox.faults import FaultBook
from sandbox.file_archive import FileArchive
from sandbox.grant_store import GrantStore
from sandbox.ratelimit import RequestCounter, SlidingWindowLimiter
from sandbox.records import FinancialYear
from sandbox.books_store import BooksStore
from sandbox.tokens import decode_jwt, encode_jwt
from sandbox.world import USERS, User

if TYPE_CHECKING:
    from sandbox.server import SandboxSettings

ACCESS_TOKEN_LIFETIME = 3600


@dataclass(frozen=True)
class Caller:
    """The verified bearer of an access token."""

    tenant_id: str
    client_id: str
    scopes: frozenset[str]
    jti: str
    user_email: str | None


@dataclass
class Sandbox:
    """Everything one sandbox instance shares between requests."""

    settings: SandboxSettings
    store: BooksStore
    grants: GrantStore
    clock: Clock
    limiter: SlidingWindowLimiter
    faults: FaultBook
    counter: RequestCounter
    archive: FileArchive

    @property
    def token_secret(self) -> bytes:
        """The key that signs access tokens and the login pages' CSRF tokens."""
        return self.grants.token_secret

    def user(self, email: str) -> User | None:
        return next((u for u in USERS if u.email.lower() == email.strip().lower()), None)

    def issue_access_token(self, tenant_id: str, client_id: str, scope: str, user_email: str | None,
                           auth_source: str) -> str:
        """A fresh JWT-looking access token valid for an hour on the sandbox clock."""
        issued = int(self.clock.now())
        claims = {
            "iss": "fortnox-sandbox",
            "sub": user_email or "service-account",
            "tenantId": int(tenant_id),
            "clientId": client_id,
            "scope": scope,
            "authSource": auth_source,
            "iat": issued,
            "exp": issued + ACCESS_TOKEN_LIFETIME,
            "jti": str(uuid.uuid4()),
        }
        return encode_jwt(claims, self.token_secret)

    def authenticate(self, request: Request) -> Caller | None:
        """The caller behind `Authorization: Bearer …`, or None for a missing, forged, expired or killed token."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        claims = decode_jwt(token.strip(), self.token_secret)
        if claims is None:
            return None
        try:
            expires = float(claims["exp"])
            tenant_id = str(int(claims["tenantId"]))
            jti = str(claims["jti"])
        except (KeyError, TypeError, ValueError):
            return None
        if expires <= self.clock.now() or self.grants.access_token_is_dead(jti):
            return None
        if self.store.company(tenant_id) is None:
            return None
        return Caller(tenant_id, str(claims.get("clientId", "")), frozenset(str(claims.get("scope", "")).split()),
                      jti, claims.get("sub") if claims.get("sub") != "service-account" else None)

    def default_year(self, tenant_id: str) -> FinancialYear:
        """Fortnox's "preselected" year: the one containing today, else the latest that has started, else the first."""
        years = self.store.financial_years(tenant_id)
        now = today(self.clock)
        for year in years:
            if year.contains(now):
                return year
        started = [y for y in years if y.from_date <= now]
        return max(started, key=lambda y: y.from_date) if started else years[0]

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox clock forward and remember the offset across restarts."""
        self.clock.advance(seconds)
        self.store.set_meta("clock_offset", repr(self.clock.offset))


def sandbox_of(request: Request) -> Sandbox:
    """The sandbox instance serving this request."""
    return request.app.state.sandbox
