"""The sliding-window rate limiter counts per (client id, tenant) on an injected clock."""

from __future__ import annotations

from sandbox.clock import ManualClock
from sandbox.ratelimit import RequestCounter, SlidingWindowLimiter


def test_allows_the_limit_then_refuses_within_the_window():
    limiter = SlidingWindowLimiter(25, 5.0, ManualClock())

    results = [limiter.allow(("client", "1")) for _ in range(26)]

    assert results == [True] * 25 + [False]


def test_refused_requests_do_not_extend_the_wait():
    clock = ManualClock()
    limiter = SlidingWindowLimiter(2, 5.0, clock)
    limiter.allow(("c", "t"))
    limiter.allow(("c", "t"))
    clock.advance(4.9)
    assert not limiter.allow(("c", "t"))

    clock.advance(0.1)

    assert limiter.allow(("c", "t"))


def test_keys_are_independent():
    limiter = SlidingWindowLimiter(1, 5.0, ManualClock())

    assert limiter.allow(("c", "1")) and limiter.allow(("c", "2")) and limiter.allow(("other", "1"))
    assert not limiter.allow(("c", "1"))


def test_counter_counts_per_tenant_and_resets():
    counter = RequestCounter()
    counter.count("1")
    counter.count("1", rate_limited=True)
    counter.count("2")

    assert counter.snapshot() == {"1": {"total": 2, "rate_limited": 1}, "2": {"total": 1, "rate_limited": 0}}
    counter.reset()
    assert counter.snapshot() == {}
