"""The HTTP side of the API: base URL, bearer auth as an httpx.Auth flow, one retry after a refresh on 401,
and every failure turned into a typed `FortnoxError`."""

from __future__ import annotations

from collections.abc import Generator
from typing import Any, Protocol

import httpx

from services.fortnox import jsonio
from services.fortnox.config import FortnoxConfig
from services.fortnox.errors import FortnoxError, FortnoxUnavailable, error_from_response


class TokenProvider(Protocol):
    """Hands out a valid access token; given the token Fortnox `rejected`, one that differs from it."""

    def access_token(self, *, rejected: str | None = None) -> str: ...


class BearerAuth(httpx.Auth):
    def __init__(self, provider: TokenProvider) -> None:
        self._provider = provider

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._provider.access_token()
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            request.headers["Authorization"] = f"Bearer {self._provider.access_token(rejected=token)}"
            yield request


class FortnoxClient:
    """One company's API session. Counts the requests it makes, for import runs' bookkeeping."""

    def __init__(self, config: FortnoxConfig, tokens: TokenProvider) -> None:
        self._http = httpx.Client(
            base_url=config.api_url,
            auth=BearerAuth(tokens),
            timeout=config.timeout,
            transport=config.transport,
            headers={"Accept": "application/json"},
        )
        self.requests_made = 0

    def __enter__(self) -> FortnoxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> httpx.Response:
        content = None
        headers = {}
        if body is not None:
            content = jsonio.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.requests_made += 1
        try:
            response = self._http.request(method, path, params=params, content=content, headers=headers)
        except httpx.TimeoutException:
            raise FortnoxUnavailable("Fortnox svarade inte i tid. Försök igen om en stund.") from None
        except httpx.HTTPError as exc:
            raise FortnoxUnavailable(
                f"Det gick inte att nå Fortnox ({type(exc).__name__}). Kontrollera anslutningen och försök igen."
            ) from None
        if response.status_code >= 400:
            raise error_from_response(response)
        return response

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._decode(self._send("GET", path, params=params))

    def get_bytes(self, path: str, params: dict[str, Any] | None = None) -> bytes:
        return self._send("GET", path, params=params).content

    def post_json(self, path: str, body: Any, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return self._decode(self._send("POST", path, params=params, body=body))

    @staticmethod
    def _decode(response: httpx.Response) -> dict[str, Any]:
        try:
            data = jsonio.loads(response.content)
        except ValueError:
            raise FortnoxUnavailable("Fortnox skickade ett svar som inte gick att läsa. Försök igen.") from None
        if not isinstance(data, dict):
            raise FortnoxError("Fortnox skickade ett oväntat svar.")
        return data
