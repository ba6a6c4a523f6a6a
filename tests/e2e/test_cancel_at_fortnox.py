"""Avbryt at Fortnox's consent page: back in the app, a Swedish message, and nothing stored."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from services import store
from tests.e2e.conftest import RunningApp
from tests.e2e.steps import connect_through_fortnox


def test_avbryt_at_fortnox_says_no_connection_was_made_and_stores_nothing(page: Page, app: RunningApp) -> None:
    connect_through_fortnox(page, app, approve=False)
    expect(page.get_by_text("Ingen anslutning gjordes")).to_be_visible()
    assert "error=" not in page.url
    with store.open_db(app.data_dir / "app.db") as db:
        assert db["connections"].count == 0 and db["companies"].count == 0
