"""Fortnox failing when the user clicks Importera data: a clear Swedish message, and earlier data still there."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from services import store
from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.steps import connect_through_fortnox


def _import(page: Page) -> None:
    page.get_by_role("button", name="Importera data").click()
    wait_for_app(page)


def test_fortnox_failing_during_import_says_so_and_keeps_the_earlier_import(page: Page, app: RunningApp, sandbox) -> None:
    connect_through_fortnox(page, app)
    page.get_by_text("SIE4-data", exact=True).click()
    _import(page)
    expect(page.get_by_text("Importen är klar")).to_be_visible()
    with store.open_db(app.data_dir / "app.db") as db:
        imported = db["vouchers"].count

    httpx.put(f"{sandbox.url}/sandbox/faults", json=[{"method": "GET", "path": "/3/*", "kind": "status:503", "times": 50}])
    _import(page)
    expect(page.get_by_text("Importen misslyckades")).to_be_visible()
    expect(page.get_by_text("Tidigare importerade uppgifter finns kvar")).to_be_visible()
    with store.open_db(app.data_dir / "app.db") as db:
        assert db["vouchers"].count == imported
