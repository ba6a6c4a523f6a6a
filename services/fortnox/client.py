"""The HTTP side of the API: base URL, bearer auth as an httpx.Auth flow, one retry after a refresh on 401,
the shared rate-limit window before every request, retries of safe requests, and every failure turned into a
typed `FortnoxError`. Each retry (with its wait) is a log line."""

from __future__ import annotations

import logging
import threading
from collections.abc import Generator, Mapping
from typing import Any, Protocol, Self

import httpx

from services import logs
from services.fortnox import jsonio
from services.fortnox.config import FortnoxConfig
from services.fortnox.errors import FortnoxError, FortnoxUnavailable, error_from_response
from services.fortnox.throttling import Throttler

QueryParams = dict[str, Any] | list[tuple[str, Any]]
log = logging.getLogger(__name__)


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
    """One company's API session. Counts the requests it sends (retries and re-sends after a refresh included)
    and the 429s it received, for import runs' bookkeeping."""

    def __init__(self, config: FortnoxConfig, tokens: TokenProvider, throttler: Throttler | None = None, *,
                 log_fields: Mapping[str, object] | None = None) -> None:
        self._retry = config.retry
        self._log_fields = dict(log_fields or {})  # company, run: named on every log line of this session
        self._throttler = throttler
        self._http = httpx.Client(
            base_url=config.api_url,
            auth=BearerAuth(tokens),
            timeout=config.timeout,
            transport=config.transport,
            headers={"Accept": "application/json"},
            event_hooks={"request": [self._before_send], "response": [self._after_answer]},
        )
        self._counting = threading.Lock()  # an import sends from several threads
        self.requests_made = 0
        self.rate_limited = 0
        self.waited_seconds = 0.0

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _before_send(self, request: httpx.Request) -> None:
        waited = self._throttler.acquire() if self._throttler is not None else 0.0
        with self._counting:
            self.waited_seconds += waited
            self.requests_made += 1

    def _after_answer(self, response: httpx.Response) -> None:
        if response.status_code == 429:
            with self._counting:
                self.rate_limited += 1

    def _send(self, method: str, path: str, *, params: QueryParams | None = None, body: Any = None,
              files: dict[str, tuple[str, bytes, str]] | None = None) -> httpx.Response:
        content = None
        headers = {}
        if body is not None:
            content = jsonio.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        attempt = 1
        while True:
            try:
                response = self._http.request(method, path, params=params, content=content, headers=headers,
                                              files=files)
            except httpx.HTTPError as exc:
                if attempt < self._retry.attempts and self._retry.retries_error(method, exc):
                    self._wait_and_log(method, path, attempt, type(exc).__name__, self._retry.delay(attempt))
                    attempt += 1
                    continue
                self._log_outcome(method, path, attempt, type(exc).__name__)
                raise _unreachable(exc) from None
            if response.status_code >= 400 and self._retry.retries_status(method, response.status_code, attempt):
                wait = self._retry.delay(attempt, response.headers.get("Retry-After"))
                self._wait_and_log(method, path, attempt, f"http_{response.status_code}", wait)
                attempt += 1
                continue
            if attempt > 1:
                self._log_outcome(method, path, attempt, f"http_{response.status_code}")
            if response.status_code >= 400:
                raise error_from_response(response)
            return response

    def _wait_and_log(self, method: str, path: str, attempt: int, outcome: str, wait: float) -> None:
        logs.event(log, "fortnox.retry", **self._log_fields, request=request_class(path), method=method,
                   attempt=attempt, outcome=outcome, wait=wait)
        self._retry.sleep(wait)

    def _log_outcome(self, method: str, path: str, attempts: int, outcome: str) -> None:
        """How a request that needed retrying (or failed to connect) ended."""
        logs.event(log, "fortnox.request", **self._log_fields, request=request_class(path), method=method,
                   attempts=attempts, outcome=outcome)

    def get_json(self, path: str, params: QueryParams | None = None) -> dict[str, Any]:
        data = self.get_any(path, params)
        if not isinstance(data, dict):
            raise FortnoxError("Fortnox skickade ett oväntat svar.")
        return data

    def get_any(self, path: str, params: QueryParams | None = None) -> Any:
        """A JSON answer of any shape (the newer /api/ services answer with bare lists)."""
        return _decode(self._send("GET", path, params=params))

    def get_response(self, path: str, params: QueryParams | None = None) -> httpx.Response:
        """The whole answer, for downloads that need the content type as well as the bytes."""
        return self._send("GET", path, params=params)

    def get_bytes(self, path: str, params: QueryParams | None = None) -> bytes:
        return self._send("GET", path, params=params).content

    def post_json(self, path: str, body: Any, params: QueryParams | None = None) -> dict[str, Any]:
        data = _decode(self._send("POST", path, params=params, body=body))
        if not isinstance(data, dict):
            raise FortnoxError("Fortnox skickade ett oväntat svar.")
        return data


    def post_file(self, path: str, name: str, content: bytes, content_type: str,
                  params: QueryParams | None = None) -> dict[str, Any]:
        """A multipart upload (form field `file`, as Fortnox's archive and inbox take it); never repeated after
        an answer, since a second upload would leave a stray copy."""
        data = _decode(self._send("POST", path, params=params, files={"file": (name, content, content_type)}))
        if not isinstance(data, dict):
            raise FortnoxError("Fortnox skickade ett oväntat svar.")
        return data


def request_class(path: str) -> str:
    """The API area of a path, for logs: `/3/vouchers/2024/A/7` → `vouchers` (ids, numbers and the query left out)."""
    segments = [part for part in path.split("?", 1)[0].split("/") if part and part not in ("3", "api")]
    return segments[0].lower() if segments and segments[0].isalpha() else "other"


def _decode(response: httpx.Response) -> Any:
    try:
        return jsonio.loads(response.content)
    except ValueError:
        raise FortnoxUnavailable("Fortnox skickade ett svar som inte gick att läsa. Försök igen.") from None


def _unreachable(error: httpx.HTTPError) -> FortnoxUnavailable:
    if isinstance(error, httpx.TimeoutException):
        return FortnoxUnavailable("Fortnox svarade inte i tid. Försök igen om en stund.")
    return FortnoxUnavailable(
        f"Det gick inte att nå Fortnox ({type(error).__name__}). Kontrollera anslutningen och försök igen."
    )
