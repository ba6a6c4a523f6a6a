"""Every page opened by its URL on a freshly started server shows the shared sidebar and the company context."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from services.companies.connections import connect_service_account
from tests.conftest import settings_for
from tests.e2e.conftest import running_app, wait_for_app


@pytest.mark.parametrize("path", ["/underhall", "/verifikationer", "/anslut", "/"])
def test_a_deep_link_on_a_fresh_server_shows_sidebar_and_company(
    page: Page, sandbox, small_tenant: dict, tmp_path: Path, path: str
) -> None:
    connect_service_account(settings_for(tmp_path, sandbox.port), small_tenant["tenant_id"])
    with running_app(sandbox, tmp_path) as app:
        page.goto(app.url + path)
        wait_for_app(page)
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Skatt & Bokslut")).to_be_visible()
        company = sidebar.get_by_role("combobox", name="Företag")
        expect(company).to_have_value(f"{small_tenant['name']} ({small_tenant['orgnr']})")
        expect(sidebar.get_by_text("Ansluten till Fortnox")).to_be_visible()
        expect(sidebar.get_by_role("link", name="Verifikationer")).to_be_visible()
