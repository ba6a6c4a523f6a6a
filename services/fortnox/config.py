"""The Fortnox client's immutable configuration; the transport is injectable so tests can swap it."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class FortnoxConfig:
    client_id: str
    client_secret: str
    auth_url: str
    api_url: str
    redirect_uri: str
    scopes: tuple[str, ...]
    timeout: float = 30.0
    transport: httpx.BaseTransport | None = None

    @property
    def token_url(self) -> str:
        return f"{self.auth_url}/token"
