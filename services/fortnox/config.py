"""The Fortnox client's immutable configuration; the transport is injectable so tests can swap it."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx

from services.fortnox.retry import RetryPolicy
from services.fortnox.throttling import RateLimit


@dataclass(frozen=True)
class FortnoxConfig:
    client_id: str
    client_secret: str = field(repr=False)
    auth_url: str
    api_url: str
    redirect_uri: str
    scopes: tuple[str, ...]
    timeout: float = 30.0
    token_timeout: float = 10.0  # token calls run inside the database's write lock: keep them short
    transport: httpx.BaseTransport | None = None
    rate_limit: RateLimit = field(default_factory=RateLimit)
    retry: RetryPolicy = field(default_factory=RetryPolicy)

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/token"
