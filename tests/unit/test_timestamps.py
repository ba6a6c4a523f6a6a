from datetime import timedelta

from services.timestamps import local_time, now_iso


def test_stored_utc_is_shown_in_stockholm_time_winter_and_summer() -> None:
    assert local_time("2026-11-25T13:36:25+00:00") == "2026-11-25 14:36"
    assert local_time("2026-07-01T10:00:00+00:00") == "2026-07-01 12:00"


def test_no_timestamp_shows_empty() -> None:
    assert local_time(None) == ""


def test_stored_timestamps_sort_as_text() -> None:
    assert now_iso(-timedelta(hours=1)) < now_iso()
