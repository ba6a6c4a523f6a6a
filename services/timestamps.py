"""Timestamps: stored as UTC ISO text (sortable, unambiguous), shown in Swedish local time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def now_iso(offset: timedelta = timedelta(0)) -> str:
    """UTC now (plus `offset`) as stored in the database, e.g. '2026-11-25T13:36:25+00:00'."""
    return (datetime.now(UTC) + offset).isoformat(timespec="seconds")


def local_time(stored: str | None) -> str:
    """'2026-11-25T13:36:25+00:00' → '2026-11-25 14:36' (Stockholm); empty for no timestamp."""
    if not stored:
        return ""
    return datetime.fromisoformat(stored).astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
