"""Keep every request of one (client id, tenant) under Fortnox's limit of 25 requests per sliding 5 seconds.

Fortnox counts per access token's client and tenant, whoever sends, so the window lives in a small file under an
exclusive `flock`: every thread, Streamlit session and command-line process of this product waits its turn in
the same window. The file holds the send times of the last `requests` requests; nothing secret is in it.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

_STAMP = struct.Struct("<d")


class Throttler(Protocol):
    """Blocks until one more request may be sent; returns the seconds it waited."""

    def acquire(self) -> float: ...


@dataclass(frozen=True)
class RateLimit:
    """Fortnox's limit, `requests` per sliding `window` seconds; `margin` absorbs latency between send and arrival."""

    requests: int = 25
    window: float = 5.0
    margin: float = 0.125

    @property
    def span(self) -> float:
        return self.window + self.margin


class SharedWindowThrottler:
    """A sliding window shared through a locked file, so threads and processes count together."""

    def __init__(
        self,
        path: Path,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._path = path
        self._limit = limit
        self._clock = clock
        self._sleep = sleep
        path.parent.mkdir(parents=True, exist_ok=True)

    def acquire(self) -> float:
        waited = 0.0
        while True:
            wait = self._try_take()
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait

    def _try_take(self) -> float:
        """Record a send now if the window has room (returns 0), else how long until the oldest send leaves it."""
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            raw = os.pread(fd, _STAMP.size * self._limit.requests, 0)
            now = self._clock()
            stamps = [s for (s,) in _STAMP.iter_unpack(raw[: len(raw) - len(raw) % _STAMP.size])]
            recent = sorted(s for s in stamps if now - self._limit.span < s <= now)
            if len(recent) >= self._limit.requests:
                return recent[-self._limit.requests] + self._limit.span - now
            kept = (recent + [now])[-self._limit.requests:]
            os.ftruncate(fd, 0)
            os.pwrite(fd, b"".join(_STAMP.pack(s) for s in kept), 0)
            return 0.0
        finally:
            os.close(fd)


def throttler_for(directory: Path, client_id: str, tenant_key: str, limit: RateLimit) -> SharedWindowThrottler:
    """The one window of a (client id, tenant); the file name is a hash, so no id ends up in a file name."""
    digest = hashlib.sha256(f"{client_id}\0{tenant_key}".encode()).hexdigest()[:24]
    return SharedWindowThrottler(directory / f"{digest}.window", limit)
