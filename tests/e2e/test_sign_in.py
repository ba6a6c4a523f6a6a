"""Staff sign in through the sandbox's OpenID Connect provider in Chromium; roles and the allow-list hold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from services import store
from services.companies.connections import connect_service_account
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, running_app, wait_for_app
from tests.e2e.steps import sign_in, staff_auth

MIDSIZE_COMPANY_ID = "fortnox-500202"
STAFF_ENV = {
    "STAFF_ALLOWLIST": "redovisning@example.com, support@example.com, kollega@example.com",
    "STAFF_ROLES": "redovisning@example.com=redovisning, support@example.com=support, kollega@example.com=redovisning",
    "STAFF_COMPANIES": f"kollega@example.com={MIDSIZE_COMPANY_ID}",
}


@pytest.fixture(scope="module")
def app(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    data_dir = tmp_path_factory.mktemp("signed-app")
    settings = settings_for(data_dir, sandbox.port)
    connect_service_account(settings, tenants[1]["tenant_id"])
    connect_service_account(settings, tenants[0]["tenant_id"])  # connected last: the one the app opens on
    with running_app(sandbox, data_dir, auth=staff_auth(sandbox), extra_env=STAFF_ENV) as started:
        yield started


def test_signing_in_through_the_provider_names_the_person_in_the_sidebar(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "redovisning@example.com")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Rita Redovisning (redovisning@example.com) · roll redovisning")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Verifikationer")).to_be_visible()


def test_role_redovisning_sees_the_export_button(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "redovisning@example.com")
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Exportera till Fortnox")).to_be_visible()


def test_role_support_has_no_export_button(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "support@example.com")
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    expect(page.get_by_text("Rollen support får inte exportera till Fortnox.")).to_be_visible()
    expect(page.get_by_role("button", name="Exportera till Fortnox")).to_have_count(0)


def test_a_person_outside_the_allow_list_is_refused(page: Page, app: RunningApp) -> None:
    sign_in(page, app, "extern@example.net")
    expect(page.get_by_text("extern@example.net har inte behörighet till Skatt & Bokslut.")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_have_count(0)


def _expect_companies(page: Page, companies: list[dict]) -> None:
    """The sidebar's company picker offers exactly these companies."""
    page.bring_to_front()  # two contexts share the browser: the picker opens only in the focused one
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Företag")
    picker.click()
    if not page.get_by_role("option").count():
        picker.press("ArrowDown")
    expect(page.get_by_role("option")).to_have_text([f"{c['name']} ({c['orgnr']})" for c in companies])
    page.keyboard.press("Escape")


def _disconnect(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    page.get_by_role("button", name="Koppla från").click()
    wait_for_app(page)
    expect(page.get_by_text("är frånkopplat")).to_be_visible()


def test_two_people_at_once_see_only_their_companies_and_the_log_names_each(
        browser: Browser, browser_context_args: dict, app: RunningApp, tenants: list[dict]) -> None:
    rita, kim = (browser.new_context(**browser_context_args).new_page() for _ in range(2))
    sign_in(rita, app, "redovisning@example.com")
    sign_in(kim, app, "kollega@example.com")
    _expect_companies(kim, [tenants[1]])
    _expect_companies(rita, [tenants[0], tenants[1]])
    _disconnect(kim, app)
    _disconnect(rita, app)
    with store.open_db(app.data_dir / "app.db") as db:
        lines = {(row["actor"], row["company_id"]) for row in db["audit_log"].rows_where("action = 'disconnect'")}
    assert lines == {("kollega@example.com", MIDSIZE_COMPANY_ID),
                     ("redovisning@example.com", f"fortnox-{tenants[0]['tenant_id']}")}


def test_signing_out_in_one_tab_ends_the_sign_in_in_the_others(
        browser: Browser, browser_context_args: dict, app: RunningApp) -> None:
    context = browser.new_context(**browser_context_args)
    first, second = context.new_page(), context.new_page()
    sign_in(first, app, "redovisning@example.com")
    second.goto(f"{app.url}/verifikationer")
    wait_for_app(second)
    expect(second.get_by_role("button", name="Exportera till Fortnox")).to_be_visible()
    first.bring_to_front()
    first.get_by_test_id("stSidebar").get_by_role("button", name="Logga ut").click()
    wait_for_app(first)
    second.bring_to_front()
    second.get_by_test_id("stSidebar").get_by_role("link", name="Underhåll").click()
    wait_for_app(second)
    expect(second.get_by_text("Du har loggat ut. Logga in igen för att fortsätta.")).to_be_visible()
    expect(second.get_by_role("button", name="Logga in igen")).to_be_visible()
    second.goto(f"{app.url}/verifikationer")  # the cookie is gone in this browser: only Logga in is left
    wait_for_app(second)
    expect(second.get_by_role("button", name="Exportera till Fortnox")).to_have_count(0)


def test_a_copied_identity_cookie_does_not_sign_in_after_logga_ut(
        browser: Browser, browser_context_args: dict, app: RunningApp) -> None:
    rita = browser.new_context(**browser_context_args).new_page()
    sign_in(rita, app, "redovisning@example.com")
    copied = rita.context.cookies()
    rita.get_by_test_id("stSidebar").get_by_role("button", name="Logga ut").click()
    wait_for_app(rita)
    thief = browser.new_context(**browser_context_args)
    thief.add_cookies(copied)
    page = thief.new_page()
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    expect(page.get_by_text("Du har loggat ut. Logga in igen för att fortsätta.")).to_be_visible()
    expect(page.get_by_role("button", name="Exportera till Fortnox")).to_have_count(0)
