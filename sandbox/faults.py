"""Faults injected on request (`PUT /sandbox/faults`), so clients can be tested against Fortnox misbehaving.

A fault matches a request by method, path (exact, or a prefix when it ends in `*`) and optionally tenant; each
matching request uses up one of its `times`, and a spent fault disappears. Kinds:
`status:<code>`, `delay:<seconds>`, `body:malformed`, `expire_token`, `revoke_refresh`, `drop_after_commit`,
`licence_missing:<scope>`, and two that reproduce real answers the sandbox does not give by default:
`errors:capitalised` (`ErrorInformation` as `{"Error", "Message", "Code"}`, as Fortnox also answers; put it on
`/3/*` with a `tenant_id` for a company that always answers so) and `body:sparse_items` (list items without
`TransactionDate`, `Description` and `Comments`, as older answers left them out).

`drop_after_commit` lets the handler do its write, sends the status line and headers, then raises
`ConnectionDropped`. Under uvicorn that closes the socket mid-answer (the client sees a broken connection, never a
500); in-process (Starlette's TestClient, httpx.ASGITransport) the exception reaches the caller, and because it *is*
an `httpx.RemoteProtocolError`, client code sees exactly what it would see over a real socket.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from sandbox.errors import fortnox_dumps

SIMPLE_KINDS = ("body:malformed", "expire_token", "revoke_refresh", "drop_after_commit", "errors:capitalised",
                "body:sparse_items")
# What older list answers left out of their items (recordings/SOURCE.md).
SPARSE_ITEM_KEYS = ("TransactionDate", "Description", "Comments")


class FaultSpecError(ValueError):
    """The fault list sent to `PUT /sandbox/faults` is not valid."""


class ConnectionDropped(httpx.RemoteProtocolError):
    """The connection broke after the server committed the request (the `drop_after_commit` fault)."""


@dataclass
class Fault:
    """One injected fault and how many more requests it will hit."""

    method: str
    path: str
    kind: str
    times: int
    tenant_id: str | None = None

    def matches(self, method: str, path: str, tenant_id: str | None, scope: str | None) -> bool:
        if self.method not in ("*", method.upper()):
            return False
        if self.path.endswith("*"):
            if not path.startswith(self.path[:-1]):
                return False
        elif path != self.path:
            return False
        if self.tenant_id is not None and self.tenant_id != tenant_id:
            return False
        if self.kind.startswith("licence_missing:") and self.kind.split(":", 1)[1] != scope:
            return False
        return True

    @property
    def argument(self) -> str:
        return self.kind.split(":", 1)[1] if ":" in self.kind else ""


def parse_faults(payload: Any) -> list[Fault]:
    """Validate the JSON list of `PUT /sandbox/faults`."""
    if not isinstance(payload, list):
        raise FaultSpecError("Felet måste vara en JSON-lista av fel.")
    faults = []
    for index, item in enumerate(payload):
        if not isinstance(item, dict):
            raise FaultSpecError(f"Post {index} är inte ett objekt.")
        method = str(item.get("method", "*")).upper()
        path = item.get("path")
        kind = item.get("kind")
        times = item.get("times", 1)
        tenant = item.get("tenant_id")
        if not isinstance(path, str) or not path.startswith("/"):
            raise FaultSpecError(f"Post {index}: 'path' måste börja med '/'.")
        if not isinstance(kind, str) or not _valid_kind(kind):
            raise FaultSpecError(f"Post {index}: okänd 'kind' {kind!r}.")
        if not isinstance(times, int) or isinstance(times, bool) or times < 1:
            raise FaultSpecError(f"Post {index}: 'times' måste vara ett heltal större än noll.")
        faults.append(Fault(method, path, kind, times, None if tenant is None else str(tenant)))
    return faults


def _valid_kind(kind: str) -> bool:
    if kind in SIMPLE_KINDS:
        return True
    name, _, argument = kind.partition(":")
    if name == "status":
        return argument.isdigit() and 200 <= int(argument) <= 599  # a 1xx status cannot end an answer
    if name == "delay":
        try:
            return 0 <= float(argument) <= 120
        except ValueError:
            return False
    if name == "licence_missing":
        return bool(argument)
    return False


class FaultBook:
    """The current fault list, shared by all requests."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def replace(self, faults: list[Fault]) -> None:
        with self._lock:
            self._faults = list(faults)

    def clear(self) -> None:
        self.replace([])

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def take(self, method: str, path: str, tenant_id: str | None, scope: str | None = None) -> list[Fault]:
        """The faults hitting this request, each with one of its `times` used up."""
        hit: list[Fault] = []
        with self._lock:
            for fault in list(self._faults):
                if fault.matches(method, path, tenant_id, scope):
                    fault.times -= 1
                    hit.append(Fault(fault.method, fault.path, fault.kind, fault.times, fault.tenant_id))
                    if fault.times <= 0:
                        self._faults.remove(fault)
        return hit


def first_of(faults: list[Fault], name: str) -> Fault | None:
    """The first hit fault whose kind is `name` or starts with `name:`."""
    return next((f for f in faults if f.kind == name or f.kind.startswith(name + ":")), None)


def malformed(response: Response) -> Response:
    """The same answer with its body cut in half (truncated JSON)."""
    body = bytes(response.body)
    cut = body[: max(1, len(body) // 2)] if len(body) > 1 else b"{"
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(cut, status_code=response.status_code, headers=headers)


def _rewritten(response: Response, change: Callable[[Any], Any]) -> Response:
    """The same answer with its JSON body changed by `change`; an answer that is not JSON, or that `change` leaves
    as it was, is returned untouched (byte for byte)."""
    body = getattr(response, "body", None)  # a streamed download has none
    try:
        data = json.loads(bytes(body)) if isinstance(body, (bytes, memoryview)) else None
    except ValueError:
        return response
    changed = change(data)
    if changed == data:
        return response
    headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
    return Response(fortnox_dumps(changed), status_code=response.status_code, headers=headers)


def capitalised_errors(response: Response) -> Response:
    """An `ErrorInformation` answer in the capitalised casing (`Error`, `Message`, `Code`); others unchanged."""

    def recase(data: Any) -> Any:
        info = data.get("ErrorInformation") if isinstance(data, dict) else None
        if not isinstance(info, dict):
            return data
        return {**data, "ErrorInformation": {key[:1].upper() + key[1:]: value for key, value in info.items()}}

    return _rewritten(response, recase)


def sparse_items(response: Response) -> Response:
    """A list answer whose items lack the keys older answers left out (`SPARSE_ITEM_KEYS`)."""

    def strip(data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {key: [{k: v for k, v in item.items() if k not in SPARSE_ITEM_KEYS} if isinstance(item, dict) else item
                      for item in value] if isinstance(value, list) else value
                for key, value in data.items()}

    return _rewritten(response, strip)


class DroppedResponse(Response):
    """Starts the inner answer, then breaks the connection before any body byte is sent."""

    def __init__(self, inner: Response) -> None:
        self.inner = inner
        self.status_code = inner.status_code
        self.background = None
        self.body = b""
        self.raw_headers = inner.raw_headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.inner.status_code, "headers": self.inner.raw_headers})
        raise ConnectionDropped("Sandbox fault drop_after_commit: the connection was closed before the answer.")


class _HideDroppedConnections(logging.Filter):
    """Keeps uvicorn from logging a traceback for every deliberately dropped connection."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionDropped)


_LOG_FILTER = _HideDroppedConnections()


def quiet_dropped_connections() -> None:
    """Install the filter on uvicorn's error logger (idempotent)."""
    logger = logging.getLogger("uvicorn.error")
    if _LOG_FILTER not in logger.filters:
        logger.addFilter(_LOG_FILTER)
