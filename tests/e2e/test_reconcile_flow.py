"""Avstämning in Chromium: the accountant takes the mid-size company from import to every check Ok or explained and
signed off — corrections drafted from findings, exported, imported back and recognised — and downloads the report;
a second click on a finding's correction shows the draft instead of making another.

The module runs against a sandbox of its own (it exports into Fortnox), so the shared one keeps its findings."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from services import store
from tests.e2e.conftest import RunningApp, running_app, wait_for_app
from tests.e2e.steps import connect_through_fortnox

MIDSIZE = "Fjällbrons Bygg AB"
NOTE = "Genomgånget med kunden, se bilaga 4."


@pytest.fixture(scope="module")
def app(quiet_sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with running_app(quiet_sandbox, tmp_path_factory.mktemp("app-data")) as started:
        yield started


def _import(page: Page) -> None:
    page.get_by_test_id("stSidebar").get_by_role("link", name="Underhåll").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Import").click()
    page.get_by_text("SIE4-data", exact=True).click()
    page.get_by_test_id("stTabs").get_by_text("Kund- och leverantörsreskontra", exact=True).click()
    page.get_by_role("button", name="Importera data").click()
    expect(page.get_by_text("Importen är klar")).to_be_visible(timeout=120_000)


def _section(page: Page, check: str) -> Locator:
    return page.get_by_test_id("stExpander").filter(has=page.get_by_text(re.compile(f"^{check} – ")))


def _open(page: Page, check: str) -> Locator:
    section = _section(page, check)
    expect(section).to_be_visible()
    if section.locator("details").first.get_attribute("open") is None:
        section.locator("summary").first.click()
        wait_for_app(page)
    expect(section.get_by_text("Visa underlag för")).to_be_visible()
    return section


def _pick(page: Page, section: Locator, typed: str) -> None:
    """Choose the finding whose sentence starts with `typed` in the section's drill-down."""
    section.get_by_test_id("stSelectbox").filter(has_text="Visa underlag för").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    wait_for_app(page)


def _correct(page: Page, check: str, finding: str) -> None:
    section = _open(page, check)
    _pick(page, section, finding)
    section.get_by_role("button", name="Skapa verifikation").click()
    wait_for_app(page)
    expect(_section(page, check).get_by_text("Rättelsen är skapad som utkast")).to_be_visible()


def _mark_ok(page: Page, check: str, finding: str) -> None:
    section = _open(page, check)
    _pick(page, section, finding)
    form = section.get_by_test_id("stForm")
    form.get_by_text("Ok", exact=True).click()
    form.get_by_role("textbox", name="Anteckning").fill(NOTE)
    form.get_by_role("button", name="Spara markering").click()
    wait_for_app(page)


def _avstamning(page: Page) -> None:
    page.get_by_role("link", name="Avstämning").click()
    wait_for_app(page)


def test_a_second_click_on_a_correction_shows_the_draft(page: Page, app: RunningApp) -> None:
    connect_through_fortnox(page, app, company=MIDSIZE)
    _import(page)
    _avstamning(page)
    _correct(page, "Kundreskontra mot huvudbok", "Verifikation A")
    section = _section(page, "Kundreskontra mot huvudbok")
    expect(section.get_by_text("Rättelsen är ett utkast.")).to_be_visible()
    expect(section.get_by_role("button", name="Skapa verifikation")).to_have_count(0)
    section.get_by_role("link", name="Visa utkast").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile(r"Avstämning 1510: rättelse verifikation A \d+")).first).to_be_visible()


def test_the_midsize_company_closes_and_its_report_reads_back(page: Page, app: RunningApp) -> None:
    page.goto(app.url)
    wait_for_app(page)
    _avstamning(page)
    _correct(page, "Kundreskontra mot huvudbok", "Inbetalning")
    _mark_ok(page, "Kundreskontra mot huvudbok", "Kundfaktura")
    _correct(page, "Leverantörsreskontra mot huvudbok", "Leverantörsfaktura")
    for check, finding in (("Ingående balans mot föregående års utgående balans", "Ingående"),
                           ("Råbalans summerar till noll", "Årets"), ("Konton med saldo men utan SRU-kod", "Konto"),
                           ("Inaktiva konton med saldo", "Konto")):
        _mark_ok(page, check, finding)
    expect(page.get_by_test_id("stMetric").filter(has_text="Hanterade fynd")).to_contain_text("5 av 8")

    page.get_by_role("link", name="Verifikationer").first.click()
    wait_for_app(page)
    corrections = page.get_by_test_id("stCheckbox").filter(has_text=re.compile(r"Avstämning \d+: rättelse"))
    expect(corrections).to_have_count(3)
    for nth in range(3):
        corrections.nth(nth).click()
        wait_for_app(page)
    page.get_by_role("button", name="Exportera till Fortnox").click()
    page.get_by_role("dialog").get_by_role("button", name="Exportera", exact=True).click()
    expect(page.get_by_text(re.compile(r"exporterad till Fortnox som")).first).to_be_visible(timeout=60_000)
    _import(page)

    _avstamning(page)
    expect(page.get_by_test_id("stMetric").filter(has_text="Kontroller")).to_contain_text("8 av 8 klara")
    expect(page.get_by_text("Skatt & Boksluts rättelse")).to_have_count(0)
    page.get_by_role("button", name="Signera hela avstämningen").click()
    wait_for_app(page)
    expect(page.get_by_text(re.compile("Avstämd av demo"))).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Avstämningsrapport (PDF)").click()
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(
        download.value.path().read_bytes())).pages)
    assert "Avstämningsrapport per 2025-06-30" in text and "Avstämd av demo" in text
    assert len(re.findall(r"Rättad med [A-Z]+ \d+", text)) == 3 and NOTE in text
    with store.open_db(app.data_dir / "app.db") as db:
        assert db["audit_log"].count_where("action = 'reconcile_sign_off'") == 1
