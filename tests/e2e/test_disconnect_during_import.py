"""Koppla från while an import runs, in the browser: Reskontra says the attachments are being imported right now;
Koppla från warns, cancels the run first, then disconnects; the sidebar shows the new state at once and Historik
shows the run as Avbruten, with the technical columns folded away."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect

from services.companies.connections import connect_service_account
from services.imports.pipeline import run_import
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, running_app, wait_for_app

SLOW_DOWNLOADS = {"method": "GET", "path": "/3/archive/*", "kind": "delay:1", "times": 1000}


@pytest.fixture(scope="module")
def app(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    data_dir = tmp_path_factory.mktemp("disconnect-app")
    settings = settings_for(data_dir, sandbox.port)
    run_import(settings, connect_service_account(settings, tenants[0]["tenant_id"]).id, parts=["sie4", "ledgers"])
    with running_app(sandbox, data_dir) as started:
        yield started


@pytest.fixture
def slow_downloads(sandbox) -> Iterator[None]:
    """Attachment downloads slowed, so the import is certainly running when Koppla från is pressed; taken off again
    after the test, since the sandbox is the session's, shared with the tests that run after this one."""
    httpx.put(f"{sandbox.url}/sandbox/faults", json=[SLOW_DOWNLOADS]).raise_for_status()
    yield
    httpx.delete(f"{sandbox.url}/sandbox/faults").raise_for_status()


def _start_attachment_import(page: Page, app: RunningApp, small_tenant: dict) -> None:
    page.goto(f"{app.url}/underhall?company={small_tenant['orgnr']}")
    wait_for_app(page)
    page.get_by_test_id("stCheckbox").filter(has_text="Bilagor").click()  # Importkälla is Fortnox already
    wait_for_app(page)
    page.get_by_role("button", name="Importera data").click()
    expect(page.get_by_text("Importerar från Fortnox")).to_be_visible(timeout=30_000)


def test_koppla_fran_during_an_import_warns_cancels_the_run_then_disconnects(
        page: Page, app: RunningApp, slow_downloads: None, small_tenant: dict) -> None:
    _start_attachment_import(page, app, small_tenant)

    page.get_by_test_id("stSidebar").get_by_role("link", name="Kund- och leverantörsreskontra").click()
    wait_for_app(page)
    expect(page.get_by_text("Bilagor importeras just nu")).to_be_visible(timeout=20_000)

    page.get_by_test_id("stSidebar").get_by_role("link", name="Underhåll").click()
    wait_for_app(page)
    page.get_by_role("button", name="Koppla från").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Koppla från avbryter den först")).to_be_visible(timeout=20_000)
    dialog.get_by_role("button", name="Avbryt importen och koppla från").click()
    wait_for_app(page)

    expect(page.get_by_text("Importen avbröts (det som hämtats sparas till nästa import)")).to_be_visible(
        timeout=60_000)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Inte ansluten")).to_be_visible()
    expect(sidebar.get_by_text("Ansluten till Fortnox")).to_have_count(0)

    page.get_by_role("tab", name="Historik").click()
    history = page.get_by_test_id("stDataFrame").first
    expect(history.locator("td", has_text=re.compile("^Avbruten$"))).to_have_count(1)
    expect(history.locator("th", has_text="Anrop")).to_have_count(0)  # folded away from support staff
    page.get_by_text("Tekniska detaljer: anrop till Fortnox").click()
    expect(page.get_by_test_id("stDataFrame").locator("th", has_text="429-svar")).to_have_count(1)
