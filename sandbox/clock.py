"""The sandbox's notion of time, injectable so tests never sleep.

Two readings: `now()` is wall-clock epoch seconds (token and code expiry, dates in SIE headers),
`monotonic()` drives the rate limiter's sliding window. `advance()` moves both, which is what
`POST /sandbox/clock` does.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    """What the sandbox needs to know about time."""

    def now(self) -> float: ...

    def monotonic(self) -> float: ...

    def advance(self, seconds: float) -> None: ...

    @property
    def offset(self) -> float: ...


class SystemClock:
    """Real time plus an offset that only ever moves forward through `advance`."""

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = float(offset)
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        return time.time() + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += float(seconds)


class ManualClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: float | None = None, monotonic_start: float = 1000.0) -> None:
        self._now = time.time() if start is None else float(start)
        self._monotonic = float(monotonic_start)
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def offset(self) -> float:
        return self._offset

    def now(self) -> float:
        return self._now

    def monotonic(self) -> float:
        return self._monotonic

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += float(seconds)
            self._monotonic += float(seconds)
            self._offset += float(seconds)


def today(clock: Clock) -> date:
    """The sandbox's current date (UTC), used for registration dates and `#GEN`."""
    return datetime.fromtimestamp(clock.now(), tz=UTC).date()


def timestamp(clock: Clock) -> str:
    """The sandbox's current time as Fortnox writes `lastmodified` values: `YYYY-MM-DD HH:MM:SS`, Swedish local
    time (NOTES.md §3.2)."""
    return datetime.fromtimestamp(clock.now(), tz=STOCKHOLM).strftime("%Y-%m-%d %H:%M:%S")
