"""Staff sign-in on: every page path, opened directly on a freshly started server, shows only the sign-in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from services.companies.connections import connect_service_account
from tests.conftest import settings_for
from tests.e2e.conftest import running_app, wait_for_app
from tests.e2e.steps import staff_auth
from tests.e2e.test_sign_in import STAFF_ENV

PAGE_PATHS = ["/", "/underhall", "/reskontra", "/avstamning", "/kontomappning", "/verifikationer", "/anslut"]


@pytest.mark.parametrize("path", PAGE_PATHS)
def test_a_page_opened_directly_without_sign_in_shows_only_the_sign_in(
    page: Page, sandbox, small_tenant: dict, tmp_path: Path, path: str
) -> None:
    connect_service_account(settings_for(tmp_path, sandbox.port), small_tenant["tenant_id"])
    with running_app(sandbox, tmp_path, auth=staff_auth(sandbox), extra_env=STAFF_ENV) as app:
        page.goto(app.url + path)
        wait_for_app(page)
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("button", name="Logga in")).to_be_visible()
        expect(main.get_by_text("Logga in med ditt jobbkonto för att fortsätta.")).to_be_visible()
        expect(page.get_by_test_id("stSidebar")).to_have_count(0)
        expect(page.get_by_text(small_tenant["name"])).to_have_count(0)
        expect(page.get_by_role("link", name="Verifikationer")).to_have_count(0)
