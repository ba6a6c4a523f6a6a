"""A signed-in outsider's refusals are logged once per person per hour, not once per page load."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from services import store
from services.companies import access
from services.config import Settings
from tests.conftest import settings_for


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, sandbox_port=9)


def _refusals(settings: Settings) -> int:
    with store.open_db(settings.database_path) as db:
        return db["audit_log"].count_where("action = 'refused'")


def test_an_outsider_is_logged_once_an_hour_however_often_the_page_loads(settings: Settings) -> None:
    start = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    for minute in range(0, 60, 5):
        access.log_sign_in_refusal(settings, "extern@example.net", "inte med", now=start + timedelta(minutes=minute))
    assert _refusals(settings) == 1
    access.log_sign_in_refusal(settings, "extern@example.net", "inte med", now=start + timedelta(minutes=61))
    access.log_sign_in_refusal(settings, "annan@example.net", "inte med", now=start + timedelta(minutes=61))
    assert _refusals(settings) == 3
