"""Lists on the large company, in the browser: each is one table over the whole list that sorts amounts as numbers,
its downloads hold the whole list (filters applied) and say how many rows, no amount or label is cut, and on a
1440 × 900 laptop every amount and count column is in view without scrolling sideways."""

from __future__ import annotations

import io
import re
from datetime import date

import pandas as pd
import pytest
from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from services import store
from services.companies.access import CLI_ACTOR
from services.context import Acting
from services.imports import api as imports
from services.ledgers import open_items as views
from services.ledgers.model import BUCKETS, ItemFilter, LedgerKind
from services.numbers import format_part_of
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, wait_for_app
from tests.e2e.large_company import LARGE, import_large_company
from ui import import_status, ledger_view, tables

HEADER_PX = 35  # st.dataframe's header row
CELL_PADDING_PX = 8.5  # glide-data-grid's horizontal padding on each side of a cell
ROWS = re.compile(r"CSV \(([\d\u00a0 ]+) rad(?:er)?\)")
LAPTOP = {"width": 1440, "height": 900}  # the screen staff work on


@pytest.fixture(scope="module")
def large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    return import_large_company(app, sandbox, tenants)


@pytest.fixture(scope="module")
def open_items(app: RunningApp, sandbox, large_company: str) -> pd.DataFrame:
    """The large company's open customer invoices at the page's default balance date, as the page reads them."""
    settings = settings_for(app.data_dir, sandbox.port)
    with store.open_db(settings.database_path) as db:
        day: date = views.default_balance_date(db, large_company)
        return views.open_items(db, large_company, LedgerKind.CUSTOMER, day)


@pytest.fixture
def reskontra(page: Page, app: RunningApp, large_company: str) -> Locator:
    """The Kundreskontra tab on the laptop screen staff use."""
    page.set_viewport_size(LAPTOP)
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    panel = page.get_by_role("tabpanel").first
    expect(panel.get_by_test_id("stDataFrame")).to_have_count(3, timeout=60_000)
    expect(panel.get_by_role("button", name=ROWS)).to_have_count(3)  # ageing, per customer, open items
    wait_for_app(page)
    return panel


def _party_frame(items: pd.DataFrame) -> pd.DataFrame:
    money = ["Kvar (SEK)", "Förfallet (SEK)", *BUCKETS]
    return ledger_view._shown(ledger_view._party_frame(views.party_totals(items), LedgerKind.CUSTOMER), money)


def _widths(frame: pd.DataFrame, money: list[str]) -> list[int]:
    _, config = tables.prepared(frame, money)
    return [config[column]["width"] for column in frame.columns]


def _visible_column(grid: Locator, header: str) -> list[str]:
    """The raw values of one column in the rows the grid draws now, top to bottom (its hidden accessible table)."""
    return grid.evaluate("""(grid, header) => {
        const heads = [...grid.querySelectorAll('th')].map(th => th.textContent);
        const at = heads.indexOf(header);
        return [...grid.querySelectorAll('tbody tr')].map(tr => tr.querySelectorAll('td')[at]?.textContent ?? '');
    }""", header)


def _click_header(grid: Locator, widths: list[int], index: int) -> None:
    """Click column `index`'s header: the grid is a canvas, so by position (the row-marker column is what the
    scroller's width holds beyond the data columns, measurable while they overflow the grid)."""
    grid.scroll_into_view_if_needed()
    content, shown = grid.evaluate("grid => [grid.querySelector('.dvn-scroller').scrollWidth, "
                                   "grid.querySelector('.dvn-scroller').clientWidth]")
    assert content > shown, "the columns fit the grid: the row markers' width cannot be told"
    marker = content - sum(widths)
    box = grid.bounding_box()
    grid.page.mouse.click(box["x"] + marker + sum(widths[:index]) + widths[index] / 2, box["y"] + HEADER_PX / 2)


def test_per_customer_list_sorts_amounts_as_numbers_over_every_customer(reskontra: Locator,
                                                                         open_items: pd.DataFrame) -> None:
    frame = _party_frame(open_items)
    grid = reskontra.get_by_test_id("stDataFrame").nth(1)
    widths = _widths(frame, ["Kvar (SEK)", "Förfallet (SEK)", *BUCKETS])
    column = list(frame.columns).index("Förfallet (SEK)")
    _click_header(grid, widths, column)
    _click_header(grid, widths, column)  # second click: largest first
    expected = sorted(frame["Förfallet (SEK)"], reverse=True)
    grid.page.wait_for_timeout(300)
    shown = [round(float(v) * 100) for v in _visible_column(grid, "Förfallet (SEK)") if v]
    assert len(frame) > 100  # more than one page of the old paged table
    assert shown == expected[:len(shown)], shown


def _download(page: Page, button: Locator) -> bytes:
    with page.expect_download(timeout=60_000) as download:
        button.click()
    return download.value.path().read_bytes()


def _stated_rows(button: Locator) -> int:
    return int(re.sub(r"\D", "", re.search(r"\(([\d\u00a0 ]+) rad(?:er)?\)", button.inner_text()).group(1)))


def test_downloads_hold_the_whole_filtered_list_and_say_how_many_rows(page: Page, reskontra: Locator,
                                                                     open_items: pd.DataFrame) -> None:
    parties_csv, items_csv = (reskontra.get_by_role("button", name=ROWS).nth(index) for index in (1, 2))
    assert _stated_rows(parties_csv) == len(_party_frame(open_items)) > 50
    assert _stated_rows(items_csv) == len(open_items) > 100
    search = reskontra.get_by_label("Sök")
    search.fill("Konsult")
    search.press("Enter")
    wanted = views.filter_items(open_items, ItemFilter(search="Konsult"))
    matching = f"{format_part_of(len(wanted), len(open_items))} poster matchar"
    expect(reskontra.get_by_text(re.compile(f"^{matching}"))).to_be_visible(timeout=30_000)
    wait_for_app(page)
    items_csv = reskontra.get_by_role("button", name=ROWS).nth(2)
    assert _stated_rows(items_csv) == len(wanted)
    lines = _download(page, items_csv).decode("utf-8-sig").strip().splitlines()
    assert len(lines) - 1 == len(wanted)
    excel = reskontra.get_by_role("button", name=re.compile(r"Excel \(")).nth(2)
    sheet = load_workbook(io.BytesIO(_download(page, excel))).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.max_row - 1 == len(wanted)
    amount = sheet.cell(row=2, column=header.index("Kvar (SEK)") + 1)
    assert isinstance(amount.value, (int, float)) and amount.number_format == "#,##0.00"
    assert sheet.cell(row=2, column=header.index("Fakturadatum") + 1).is_date


def _text_px(grid: Locator, texts: list[str], weight: int) -> float:
    """How wide the grid's own font draws the widest of `texts`."""
    return grid.evaluate("""(grid, [texts, weight]) => {
        const family = getComputedStyle(grid).fontFamily;
        const context = document.createElement('canvas').getContext('2d');
        context.font = `${weight} 14px ${family}`;
        return Math.max(...texts.map(text => context.measureText(text).width));
    }""", [texts, weight])


def _kronor_sv(grid: Locator, ore: list[int]) -> list[str]:
    """Amounts as the Swedish browser writes them in the table."""
    return grid.evaluate("""(grid, values) => values.map(value => new Intl.NumberFormat('sv-SE',
        {minimumFractionDigits: 2, maximumFractionDigits: 2}).format(value / 100))""", ore)


def test_no_amount_name_header_or_button_label_is_cut(reskontra: Locator, open_items: pd.DataFrame) -> None:
    grids = reskontra.get_by_test_id("stDataFrame")
    frames = {1: (_party_frame(open_items), ["Kvar (SEK)", "Förfallet (SEK)", *BUCKETS]),
              2: (ledger_view.item_frame(open_items, LedgerKind.CUSTOMER), ledger_view.ITEM_MONEY)}
    for nth, (frame, money) in frames.items():
        grid = grids.nth(nth)
        for column, width in zip(frame.columns, _widths(frame, money), strict=True):
            values = frame[column]
            if column in money:
                texts = _kronor_sv(grid, [int(values.max()), int(values.min())])
            else:
                texts = [str(v) for v in values if v is not None]
            assert _text_px(grid, texts, 400) + 2 * CELL_PADDING_PX <= width, (column, width)
            assert _text_px(grid, [str(column)], 600) + 2 * CELL_PADDING_PX <= width, (column, width)
    for button in reskontra.get_by_test_id("stDownloadButton").get_by_role("button").all():
        assert button.evaluate("b => b.scrollWidth <= b.clientWidth"), button.inner_text()
        assert re.fullmatch(r"(CSV|Excel) \([\d\u00a0]+ rad(?:er)?\)", button.inner_text().split("\n")[-1].strip())


def _numbers_out_of_view(grid: Locator, frame: pd.DataFrame, money: list[str]) -> list[str]:
    """The amount and count columns of `frame` (drawn by ui.tables in `grid`) whose header is not wholly
    inside the grid's box, or whose grid reaches past the window: the grid is a canvas, so each header's box is
    its place among the columns' widths after the row markers."""
    _, config = tables.prepared(frame, money)
    widths = [config[column]["width"] for column in frame.columns]
    grid.scroll_into_view_if_needed()
    marker = grid.evaluate("grid => grid.querySelector('.dvn-scroller').scrollWidth") - sum(widths)
    box = grid.bounding_box()
    window = grid.page.viewport_size["width"]
    left = box["x"] + marker
    hidden = []
    for column, width in zip(frame.columns, widths, strict=True):
        is_number = config[column]["type_config"]["type"] == "number"
        if is_number and (left + width > box["x"] + box["width"] or left + width > window):
            hidden.append(column)
        left += width
    return hidden


def test_at_1440_px_every_amount_of_the_reskontra_lists_is_in_view(page: Page, app: RunningApp,
                                                                   open_items: pd.DataFrame) -> None:
    page.set_viewport_size(LAPTOP)
    page.goto(f"{app.url}/reskontra")
    wait_for_app(page)
    grids = page.get_by_role("tabpanel").first.get_by_test_id("stDataFrame")
    expect(grids).to_have_count(3, timeout=60_000)
    wait_for_app(page)
    assert _numbers_out_of_view(grids.nth(1), _party_frame(open_items), ["Kvar (SEK)", "Förfallet (SEK)",
                                                                         *BUCKETS]) == []
    assert _numbers_out_of_view(grids.nth(2), ledger_view.item_frame(open_items, LedgerKind.CUSTOMER),
                                ledger_view.ITEM_MONEY) == []


def test_at_1440_px_every_count_of_the_import_history_is_in_view(page: Page, app: RunningApp, sandbox,
                                                                 tenants: list[dict], large_company: str) -> None:
    runs = imports.history(Acting(settings_for(app.data_dir, sandbox.port), CLI_ACTOR), large_company)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{app.url}/underhall?company={tenants[LARGE]['orgnr']}")
    wait_for_app(page)
    page.get_by_role("tab", name="Historik").click()
    grid = page.get_by_role("tabpanel", name="Historik").get_by_test_id("stDataFrame").first
    expect(grid).to_be_visible(timeout=60_000)
    wait_for_app(page)
    assert _numbers_out_of_view(grid, import_status.history_frame(runs), []) == []
