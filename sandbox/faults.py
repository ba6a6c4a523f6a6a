"""Faults injected on request (`PUT /sandbox/faults`), so clients can be tested against Fortnox misbehaving.

A fault matches a request by method, path (exact, or a prefix when it ends in `*`) and optionally tenant; each
matching request uses up one of its `times`, and a spent fault disappears. Kinds:
`status:<code>`, `delay:<seconds>`, `body:malformed`, `expire_token`, `revoke_refresh`, `drop_after_commit`,
`licence_missing:<scope>`.

`drop_after_commit` lets the handler do its write, sends the status line and headers, then raises
`ConnectionDropped`. Under uvicorn that closes the socket mid-answer (the client sees a broken connection, never a
500); in-process (Starlette's TestClient, httpx.ASGITransport) the exception reaches the caller, and because it *is*
an `httpx.RemoteProtocolError`, client code sees exactly what it would see over a real socket.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

SIMPLE_KINDS = ("body:malformed", "expire_token", "revoke_refresh", "drop_after_commit")


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
