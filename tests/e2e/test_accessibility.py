"""Accessibility in Chromium, signed in, with the small company's data on every page: axe-core finds no serious or
critical violation on any page, tab or opened expander; headings add no tab stops; icons beside text are not read
aloud; the page says it is Swedish; and an invoice is picked and its PDF downloaded with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from services.companies import api as companies
from services.companies.access import CLI_ACTOR
from services.context import Acting
from services.ledgers import api as ledgers
from services.ledgers.model import ItemFilter, LedgerKind
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.walk import app_with_books, axe_violations, every_view, signed_in

TAB_LIMIT = 60  # more Tab presses than any page needs to reach the control a test is after


@dataclass
class Seen:
    violations: list[str]
    heading_links: int
    spoken_icons: list[str]
    lang: str


@pytest.fixture(scope="module")
def app(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    with app_with_books(sandbox, tenants, tmp_path_factory.mktemp("a11y-app")) as started:
        yield started


@pytest.fixture(scope="module")
def staff(browser: Browser, browser_context_args: dict, app: RunningApp) -> Iterator[BrowserContext]:
    with signed_in(browser, browser_context_args, app) as context:
        yield context


@pytest.fixture(scope="module")
def views_seen(staff: BrowserContext, app: RunningApp) -> dict[str, Seen]:
    """One walk over every page and tab, noting what each test below judges."""
    page = staff.new_page()
    seen = {}
    for view in every_view(page, app):
        seen[view] = Seen(
            violations=axe_violations(page),
            heading_links=page.locator(":is(h1, h2, h3, h4, h5, h6) a[href]").count(),
            spoken_icons=page.locator("[role='img'][aria-label$=' icon']").evaluate_all(
                "icons => icons.map(icon => icon.getAttribute('aria-label'))"),
            lang=page.evaluate("() => document.documentElement.lang"),
        )
    page.close()
    return seen


def test_no_page_has_a_serious_or_critical_accessibility_violation(views_seen: dict[str, Seen]) -> None:
    assert len(views_seen) >= 10, f"the walk saw too little: {list(views_seen)}"
    found = {view: seen.violations for view, seen in views_seen.items() if seen.violations}
    assert not found, "\n".join(f"{view}: {line}" for view, lines in found.items() for line in lines)


def test_headings_add_no_tab_stops(views_seen: dict[str, Seen]) -> None:
    assert {view: seen.heading_links for view, seen in views_seen.items() if seen.heading_links} == {}


def test_icons_beside_text_are_not_read_aloud(views_seen: dict[str, Seen]) -> None:
    assert {view: seen.spoken_icons for view, seen in views_seen.items() if seen.spoken_icons} == {}


def test_every_page_says_it_is_swedish(views_seen: dict[str, Seen]) -> None:
    assert {seen.lang for seen in views_seen.values()} == {"sv"}


def test_a_button_with_an_icon_is_named_by_its_text_alone(staff: BrowserContext, app: RunningApp) -> None:
    page = staff.new_page()
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    expect(page.get_by_role("button", name="Koppla från", exact=True)).to_be_visible()


def test_the_delete_dialog_has_no_serious_or_critical_accessibility_violation(staff: BrowserContext,
                                                                                app: RunningApp) -> None:
    page = staff.new_page()
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    page.get_by_role("button", name="Radera företagets data").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    assert axe_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


@pytest.fixture(scope="module")
def invoice_with_pdf(app: RunningApp, sandbox) -> tuple[str, str]:
    """An open customer invoice with a PDF that a search finds alone, and the PDF's file name: read through the
    ledgers' front door, as Reskontra reads them at its default balance date."""
    acting = Acting(settings_for(app.data_dir, sandbox.port), CLI_ACTOR)
    company_id = companies.companies(acting)[0].id
    items = ledgers.items(acting, company_id, LedgerKind.CUSTOMER, ledgers.state(acting, company_id).default_day)
    for number in items["number"]:
        found = [attachment for attachment in ledgers.invoice_attachments(acting, company_id, LedgerKind.CUSTOMER,
                                                                          number)
                 if attachment.content_type == "application/pdf"]
        if found and len(ledgers.filter_items(items, ItemFilter(search=number))) == 1:
            return number, found[0].name
    raise AssertionError("the small demo company has no open customer invoice with a PDF")


def _tab_until(page: Page, reached: str) -> None:
    """Press Tab until the focused element satisfies the JavaScript predicate `reached` (given the element)."""
    for _ in range(TAB_LIMIT):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => ({reached})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {reached}")


def test_an_invoice_is_picked_and_its_pdf_downloaded_with_the_keyboard_alone(
        staff: BrowserContext, app: RunningApp, invoice_with_pdf: tuple[str, str]) -> None:
    number, name = invoice_with_pdf
    page = staff.new_page()
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    page.get_by_label("Sök").focus()
    page.keyboard.type(number)
    page.keyboard.press("Enter")
    expect(page.get_by_text(re.compile(r"^1 av \d+ poster matchar"))).to_be_visible(timeout=30_000)
    wait_for_app(page)
    the_items_grid = ("element => (element.tagName === 'CANVAS' || element.getAttribute('role') === 'gridcell') && "
                      "element.closest('[data-testid=stDataFrame]') === "
                      "[...document.querySelectorAll('[role=tabpanel] [data-testid=stDataFrame]')].at(-1)")
    _tab_until(page, the_items_grid)  # the grid takes focus on its first cell
    page.keyboard.press("Shift+Space")  # the data grid's own key for selecting the focused cell's row
    expect(page.get_by_role("heading", name=f"Bilagor till faktura {number}")).to_be_visible(timeout=30_000)
    expect(page.locator(f"iframe[title='{name}']")).to_be_visible()
    wait_for_app(page)
    _tab_until(page, f"element => element.tagName === 'BUTTON' && element.innerText.trim().endsWith({name!r})")
    wait_for_app(page)  # a rerun still drawing could replace the focused button under the key press
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == name
    assert Path(download.value.path()).stat().st_size > 0
