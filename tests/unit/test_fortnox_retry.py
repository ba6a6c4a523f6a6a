"""When the client tries again: safe requests on overload and broken connections, with growing, jittered waits."""

from __future__ import annotations

import httpx

from services.fortnox.retry import RetryPolicy

POLICY = RetryPolicy(attempts=5, base_delay=0.5, max_delay=20.0, jitter=lambda: 1.0)


def test_reads_are_retried_on_rate_limit_and_overload() -> None:
    assert all(POLICY.retries_status("GET", status, attempt=1) for status in (429, 502, 503, 504))


def test_overload_gives_up_after_the_last_attempt() -> None:
    assert POLICY.retries_status("GET", 503, attempt=4) and not POLICY.retries_status("GET", 503, attempt=5)


def test_a_429_storm_is_waited_out_longer_than_overload() -> None:
    assert POLICY.retries_status("GET", 429, attempt=11) and not POLICY.retries_status("GET", 429, attempt=12)


def test_server_errors_that_are_bugs_are_not_retried() -> None:
    assert not POLICY.retries_status("GET", 500, attempt=1)


def test_a_post_is_never_repeated_after_an_answer_or_a_timeout() -> None:
    request = httpx.Request("POST", "https://api.fortnox.se/3/vouchers")
    assert not POLICY.retries_status("POST", 503, attempt=1)
    assert not POLICY.retries_error("POST", httpx.ReadTimeout("slow", request=request))
    assert not POLICY.retries_error("POST", httpx.RemoteProtocolError("dropped", request=request))


def test_a_refused_connection_is_retried_for_any_method_because_nothing_was_sent() -> None:
    request = httpx.Request("POST", "https://api.fortnox.se/3/vouchers")
    assert POLICY.retries_error("POST", httpx.ConnectError("refused", request=request))


def test_a_read_that_timed_out_is_retried() -> None:
    request = httpx.Request("GET", "https://api.fortnox.se/3/invoices")
    assert POLICY.retries_error("GET", httpx.ReadTimeout("slow", request=request))


def test_waits_double_and_stop_at_the_ceiling() -> None:
    assert [POLICY.delay(attempt) for attempt in (1, 2, 3, 4, 7)] == [0.5, 1.0, 2.0, 4.0, 20.0]


def test_jitter_spreads_the_wait_below_the_ceiling() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=lambda: 0.25)
    assert policy.delay(3) == 1.0


def test_retry_after_from_fortnox_is_never_undercut() -> None:
    assert POLICY.delay(1, retry_after="3") == 3.0


def test_a_garbled_retry_after_is_ignored() -> None:
    assert POLICY.delay(1, retry_after="soon") == 0.5
