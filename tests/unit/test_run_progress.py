"""What an import's progress says about the time left."""

from services.imports.model import PartProgress, RunProgress


def _progress(done: int, planned: int) -> RunProgress:
    return RunProgress(requests_per_second=4.0, planned=True,
                       parts={"sie4": PartProgress(requests_done=done, requests_planned=planned, planned=True)})


def test_the_time_left_follows_from_the_requests_left_at_the_rate_limit() -> None:
    progress = _progress(done=9, planned=49)
    assert (progress.requests_left, progress.eta_seconds) == (40, 10.0)


def test_a_run_with_every_request_sent_has_none_left_while_it_saves() -> None:
    assert _progress(done=49, planned=49).requests_left == 0


def test_no_time_left_is_guessed_while_the_run_plans() -> None:
    progress = RunProgress(requests_per_second=4.0, parts={"sie4": PartProgress(requests_done=3)})
    assert progress.eta_seconds is None
