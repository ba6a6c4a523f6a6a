"""When to try a request again, and how long to wait first.

Only requests that are safe to repeat are retried: a POST that timed out may already have created a voucher, and
the export's own look-up decides what happens to it. Waits grow exponentially with full jitter, so parallel
sessions don't retry in step, and never undercut a `Retry-After` Fortnox sent.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRY_STATUSES = frozenset({429, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """`attempts` for overload and broken connections; a 429 storm is waited out longer, since the throttle keeps
    this product inside the limit and only someone else sharing the token can cause it."""

    attempts: int = 5
    rate_limited_attempts: int = 12
    base_delay: float = 0.5
    max_delay: float = 20.0
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    jitter: Callable[[], float] = field(default=random.random, repr=False, compare=False)

    def retries_status(self, method: str, status: int, attempt: int) -> bool:
        """Whether to send again after attempt number `attempt` (from 1) was answered with `status`."""
        limit = self.rate_limited_attempts if status == 429 else self.attempts
        return method.upper() in IDEMPOTENT_METHODS and status in RETRY_STATUSES and attempt < limit

    def retries_error(self, method: str, error: httpx.HTTPError) -> bool:
        """Timeouts and broken connections; a refused connection sent nothing, so any method may retry it."""
        if isinstance(error, httpx.ConnectError):
            return True
        return method.upper() in IDEMPOTENT_METHODS and isinstance(error, httpx.TransportError)

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempt counts from 1)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        wait = ceiling * self.jitter()
        try:
            wait = max(wait, float(retry_after)) if retry_after else wait
        except ValueError:
            pass
        return min(wait, self.max_delay)
