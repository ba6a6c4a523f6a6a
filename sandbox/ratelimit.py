"""Fortnox's rate limit (25 requests per sliding 5 s per client id and tenant) and the per-tenant request count.

The window is measured on the injected clock's monotonic reading, so tests move time instead of sleeping.
Refused requests are not logged in the window: Fortnox lets traffic through again as soon as the average allows.
"""

from __future__ import annotations

import threading
from collections import deque

from sandbox.clock import Clock


class SlidingWindowLimiter:
    """At most `limit` accepted requests per `window` seconds per key."""

    def __init__(self, limit: int, window: float, clock: Clock) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: tuple[str, str]) -> bool:
        """Record and allow the request, or refuse it without recording."""
        now = self._clock.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class RequestCounter:
    """API requests per tenant, for `GET /sandbox/requests` (token calls and admin calls are not counted)."""

    def __init__(self) -> None:
        self._counts: dict[str, dict[str, int]] = {}
        self._lock = threading.Lock()

    def count(self, tenant_id: str, rate_limited: bool = False) -> None:
        with self._lock:
            entry = self._counts.setdefault(tenant_id, {"total": 0, "rate_limited": 0})
            entry["total"] += 1
            if rate_limited:
                entry["rate_limited"] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {tenant: dict(entry) for tenant, entry in sorted(self._counts.items())}

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
