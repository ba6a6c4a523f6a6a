"""The client's rate-limit window: Fortnox's 25 requests per sliding 5 s, shared by threads and processes."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

import pytest

from services.fortnox.throttling import RateLimit, SharedWindowThrottler, throttler_for


class FakeTime:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def _throttler(path: Path, fake: FakeTime, limit: RateLimit = RateLimit(25, 5.0, 0.0)) -> SharedWindowThrottler:
    return SharedWindowThrottler(path, limit, clock=fake.clock, sleep=fake.sleep)


def test_twenty_five_requests_in_a_window_go_out_without_waiting(tmp_path: Path) -> None:
    fake = FakeTime()
    throttler = _throttler(tmp_path / "w", fake)
    assert [throttler.acquire() for _ in range(25)] == [0.0] * 25
    assert fake.slept == []


def test_the_twenty_sixth_request_waits_until_the_oldest_leaves_the_window(tmp_path: Path) -> None:
    fake = FakeTime()
    throttler = _throttler(tmp_path / "w", fake)
    for _ in range(25):
        throttler.acquire()
        fake.now += 0.1
    start = fake.now
    throttler.acquire()
    assert fake.now - start == pytest.approx(2.5)  # the first send was 2.5 s ago, the window is 5 s


def test_two_throttlers_on_the_same_file_share_one_window(tmp_path: Path) -> None:
    fake = FakeTime()
    first, second = _throttler(tmp_path / "w", fake), _throttler(tmp_path / "w", fake)
    for _ in range(13):
        first.acquire()
    for _ in range(12):
        second.acquire()
    assert fake.slept == []
    assert first.acquire() == 5.0


def test_the_margin_keeps_a_little_distance_from_fortnox_window(tmp_path: Path) -> None:
    fake = FakeTime()
    throttler = _throttler(tmp_path / "w", fake, RateLimit(1, 5.0, 0.25))
    throttler.acquire()
    assert throttler.acquire() == 5.25


def test_each_client_and_tenant_has_its_own_window_file(tmp_path: Path) -> None:
    limit = RateLimit()
    paths = {
        throttler_for(tmp_path, "client", "fortnox-500101", limit)._path,
        throttler_for(tmp_path, "client", "fortnox-500202", limit)._path,
        throttler_for(tmp_path, "other-client", "fortnox-500101", limit)._path,
    }
    assert len(paths) == 3
    assert all("500101" not in path.name for path in paths)


def _send_many(path: str, count: int, out: multiprocessing.Queue[tuple[float, float]]) -> None:
    throttler = SharedWindowThrottler(Path(path), RateLimit(5, 0.3, 0.0))
    started = time.time()
    for _ in range(count):
        throttler.acquire()
    out.put((started, time.time()))


def test_processes_sending_at_once_share_one_window(tmp_path: Path) -> None:
    queue: multiprocessing.Queue[tuple[float, float]] = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_send_many, args=(str(tmp_path / "w"), 12, queue)) for _ in range(3)]
    for worker in workers:
        worker.start()
    spans = [queue.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join()
    first_start, last_send = min(start for start, _ in spans), max(end for _, end in spans)
    # 36 sends at 5 per 0.3 s: the 36th can leave no earlier than 7 windows after the first, however the three
    # processes interleave. Apart, each would have finished after 2 windows.
    assert last_send - first_start >= 7 * 0.3
