"""Importkälla: SIE-fil in the browser: the findings are shown before anything is stored."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.sync_api import Page, expect

from services import store
from tests.e2e.conftest import RunningApp, wait_for_app
from tests.sandbox_flows import bearer, service_token


def _choose_sie_file(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Importkälla").click()
    page.get_by_role("option", name="SIE-fil").click()
    wait_for_app(page)


def _upload(page: Page, path: Path) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(path)
    wait_for_app(page)


def test_a_broken_file_shows_its_finding_and_stores_nothing(page: Page, app: RunningApp, tmp_path: Path) -> None:
    broken = tmp_path / "export.se"
    broken.write_bytes(b"<html><body>404 Not Found</body></html>")
    _choose_sie_file(page, app)
    _upload(page, broken)
    expect(page.get_by_text("Filen kan inte importeras")).to_be_visible()
    expect(page.get_by_role("button", name="Importera data")).to_have_count(0)
    with store.open_db(app.data_dir / "app.db") as db:
        assert db["companies"].count == 0


def test_a_good_file_is_imported_after_its_checks(page: Page, app: RunningApp, sandbox, small_tenant: dict, tmp_path: Path) -> None:
    with httpx.Client(base_url=sandbox.url) as client:
        token = service_token(client, small_tenant["tenant_id"])
        good = tmp_path / "bokslutsdemo.se"
        good.write_bytes(client.get("/3/sie/4", params={"financialyear": "2"}, headers=bearer(token)).content)
    _choose_sie_file(page, app)
    _upload(page, good)
    expect(page.get_by_text("Filen klarade kontrollerna")).to_be_visible()
    page.get_by_role("button", name="Importera data").click()
    wait_for_app(page)
    expect(page.get_by_text("SIE-filen är importerad")).to_be_visible()
    sidebar_company = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Företag")
    expect(sidebar_company).to_have_value(f"{small_tenant['name']} ({small_tenant['orgnr']})")


SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "sie-samples"


def test_a_file_with_warnings_says_it_can_be_imported_and_counts_them(page: Page, app: RunningApp) -> None:
    _choose_sie_file(page, app)
    _upload(page, SAMPLES / "BROKEN_e-conomic_sie4_missing-open-brace.se")
    expect(page.get_by_text("Kan importeras – 24 varningar")).to_be_visible()
    expect(page.get_by_text("Filen klarade kontrollerna")).to_have_count(0)
    expect(page.get_by_role("button", name="Importera data")).to_be_visible()


def test_a_sie_1_file_says_it_holds_no_vouchers_before_it_is_imported(page: Page, app: RunningApp) -> None:
    _choose_sie_file(page, app)
    _upload(page, SAMPLES / "visma-compact-6.00_sie1_ksumma.se")
    expect(page.get_by_text("Filen är SIE typ 1 och innehåller inga verifikationer")).to_be_visible()
