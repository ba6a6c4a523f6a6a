"""The company is in the URL of every page (?company=<orgnr>): a reload, a bookmark, a link or a page change lands on
the same company, and a company the person can't have is refused, never replaced by another. Översikt lists all
three demo companies, filters them and links to each one's pages."""

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

PAGES = ["/oversikt", "/underhall", "/reskontra", "/avstamning", "/kontomappning", "/verifikationer"]
ROW_MARKER_X, ROW_PX = 15, 35  # the grid's row-marker column and its row (and header) height
NOT_HERE = "212000-0142"  # a valid organisation number of no demo company


@pytest.fixture(scope="module")
def app(sandbox, tenants: list[dict], tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """All three demo companies connected, the small and the mid-size one imported; the large one connected last,
    so it is the one the app would open on by itself."""
    data_dir = tmp_path_factory.mktemp("company-url")
    settings = settings_for(data_dir, sandbox.port)
    for tenant in tenants[:2]:
        run_import(settings, connect_service_account(settings, tenant["tenant_id"]).id, parts=["sie4", "ledgers"],
                   started_by="rita@byra.se")
    # the sandbox builds the large company's books on first use, longer than a token request may take: first here
    httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenants[2]["tenant_id"]},
              timeout=600).raise_for_status()
    connect_service_account(settings, tenants[2]["tenant_id"])
    with running_app(sandbox, data_dir) as started:
        yield started


def _label(tenant: dict) -> str:
    return f"{tenant['name']} ({tenant['orgnr']})"


def _expect_company(page: Page, tenant: dict) -> None:
    picker = page.get_by_test_id("stSidebar").get_by_role("combobox", name="Företag")
    expect(picker).to_have_value(_label(tenant), timeout=20_000)  # its code loads lazily: slow on a busy machine
    assert f"company={tenant['orgnr']}" in page.url


@pytest.mark.parametrize("path", PAGES)
def test_reloading_a_page_with_company_in_the_url_keeps_that_company(page: Page, app: RunningApp,
                                                                     tenants: list[dict], path: str) -> None:
    midsize = tenants[1]
    page.goto(f"{app.url}{path}?company={midsize['orgnr']}")
    wait_for_app(page)
    _expect_company(page, midsize)
    page.reload()
    wait_for_app(page)
    _expect_company(page, midsize)


def test_a_page_change_keeps_the_company_in_the_url(page: Page, app: RunningApp, tenants: list[dict]) -> None:
    small = tenants[0]
    page.goto(f"{app.url}/underhall?company={small['orgnr']}")
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Avstämning").click()
    wait_for_app(page)
    expect(page).to_have_url(re.compile(r"/avstamning\?company=" + re.escape(small["orgnr"])))
    _expect_company(page, small)


def test_choosing_a_company_in_the_sidebar_puts_it_in_the_url_and_a_reload_keeps_it(
        page: Page, app: RunningApp, tenants: list[dict]) -> None:
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    _expect_company(page, tenants[2])  # without a company in the URL: the one connected last, written into it
    page.get_by_test_id("stSidebar").get_by_role("combobox", name="Företag").click()
    page.get_by_role("option", name=_label(tenants[0])).click()
    wait_for_app(page)
    _expect_company(page, tenants[0])
    page.reload()
    wait_for_app(page)
    _expect_company(page, tenants[0])


@pytest.mark.parametrize("key", [NOT_HERE, "not-a-company"])
def test_a_company_not_here_is_refused_and_no_other_company_is_shown(page: Page, app: RunningApp,
                                                                     tenants: list[dict], key: str) -> None:
    page.goto(f"{app.url}/reskontra?company={key}")
    wait_for_app(page)
    expect(page.get_by_text("Företaget i adressen finns inte här, eller så har du inte behörighet till det."))\
        .to_be_visible()
    expect(page.get_by_test_id("stSidebar").get_by_role("combobox", name="Företag")).to_have_value("")
    main = page.get_by_test_id("stMain")
    for tenant in tenants:
        expect(main.get_by_text(tenant["name"])).to_have_count(0)
    expect(main.get_by_role("heading", name="Kund- och leverantörsreskontra")).to_have_count(0)


def test_oversikt_is_the_start_page_and_shows_where_each_demo_company_stands(page: Page, app: RunningApp,
                                                                             tenants: list[dict]) -> None:
    page.goto(app.url)
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Översikt")).to_be_visible()
    table = page.get_by_test_id("stDataFrame")
    for tenant in tenants:
        expect(table.locator("td", has_text=re.compile(f"^{re.escape(tenant['name'])}$"))).to_have_count(1)
    small_row = table.locator("tr").filter(has_text=tenants[0]["orgnr"])
    expect(small_row).to_contain_text("rita@byra.se")
    expect(small_row).to_contain_text("Klar")
    expect(small_row).to_contain_text("Inga fynd")  # the small company's books reconcile
    midsize_row = table.locator("tr").filter(has_text=tenants[1]["orgnr"])
    expect(midsize_row).to_contain_text(re.compile(r"\d+ av \d+ hanterade"))
    expect(table.locator("tr").filter(has_text=tenants[2]["orgnr"])).to_contain_text("Ingen import")
    expect(page.get_by_text("3 av 3 företag.")).to_be_visible()


def test_oversikt_filters_and_links_to_the_chosen_companys_pages(page: Page, app: RunningApp,
                                                                tenants: list[dict]) -> None:
    midsize = tenants[1]
    page.goto(f"{app.url}/oversikt")
    wait_for_app(page)
    page.get_by_label("Sök företag").fill(midsize["orgnr"])
    page.get_by_label("Sök företag").press("Enter")
    wait_for_app(page)
    expect(page.get_by_text("1 av 3 företag.")).to_be_visible()
    grid = page.get_by_test_id("stDataFrame")
    box = grid.bounding_box()  # a canvas: the first row's selection box is clicked where it is drawn
    page.mouse.click(box["x"] + ROW_MARKER_X, box["y"] + ROW_PX * 1.5)
    wait_for_app(page)
    link = page.get_by_test_id("stMain").get_by_role("link", name="Avstämning")
    expect(link).to_have_attribute("href", re.compile(r"avstamning\?company=" + re.escape(midsize["orgnr"])))
    link.click()
    wait_for_app(page)
    _expect_company(page, midsize)
    expect(page.get_by_role("heading", name="Avstämning")).to_be_visible()
