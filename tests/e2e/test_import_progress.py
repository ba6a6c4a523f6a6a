"""Honest import progress in Chromium, on the large company with every part: sampled while it runs, the page shows
no ETA while the import plans, no total grows and no bar runs backwards once it has planned, the chosen parts stay
ticked, the status never flickers to ✓, and an Avbryt the person asked for is said once, as information."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from services.companies.connections import connect_service_account
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, wait_for_app

LARGE = 2  # index in GET /sandbox/tenants
PARTS = ("SIE4-data", "Kund- och leverantörsreskontra", "Bilagor")
FILES_BEFORE_CANCEL = 300
BAR = re.compile(r"^(?P<part>[^:]+): (?P<done>[\d\u00a0 ]+) av (?P<total>[\d\u00a0 ]+) ")
SAMPLE = """() => ({
  label: [...document.querySelectorAll('[data-testid=stExpander] summary')].map(e => e.innerText).join(' '),
  bars: [...document.querySelectorAll('[data-testid=stProgress]')].map(e => e.innerText),
  checks: document.querySelectorAll('[data-testid=stExpanderIconCheck]').length,
  boxes: Object.fromEntries([...document.querySelectorAll('[data-testid=stCheckbox]')]
    .map(e => [e.innerText.trim(), e.querySelector('input').checked])),
  text: document.querySelector('[data-testid=stMain]').innerText,
})"""


def _number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


@pytest.fixture(scope="module")
def large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    tenant_id = tenants[LARGE]["tenant_id"]
    httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenant_id}, timeout=600)  # its books made
    return connect_service_account(settings_for(app.data_dir, sandbox.port), tenant_id).id


def _start_import(page: Page, app: RunningApp) -> None:
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    page.get_by_role("tab", name="Import").click()
    page.get_by_test_id("stSelectbox").filter(has_text="Importkälla").click()
    page.get_by_role("option", name="Fortnox").click()
    wait_for_app(page)
    for part in PARTS:
        page.get_by_test_id("stCheckbox").filter(has_text=part).get_by_text(part, exact=True).click()
    page.get_by_role("button", name="Importera data").click()


def _sample_until_files_arrive(page: Page) -> list[dict]:
    samples: list[dict] = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        sample = page.evaluate(SAMPLE)
        samples.append(sample)
        files = [BAR.match(bar) for bar in sample["bars"] if bar.startswith("Bilagor:")]
        if files and files[0] and _number(files[0]["done"]) >= FILES_BEFORE_CANCEL:
            return samples
        page.wait_for_timeout(250)
    raise AssertionError(f"no {FILES_BEFORE_CANCEL} files within 10 minutes; last sample: {samples[-1]}")


def test_progress_of_a_large_import_is_honest_and_a_cancel_is_information(
    page: Page, app: RunningApp, large_company: str
) -> None:
    _start_import(page, app)
    expect(page.get_by_text("Förbereder importen")).to_be_visible(timeout=60_000)
    samples = [sample for sample in _sample_until_files_arrive(page) if sample["bars"]]

    planning = [sample for sample in samples if "Förbereder importen" in sample["label"]]
    assert planning and not any(re.search(r"Cirka \d+ min", sample["text"]) for sample in planning)
    assert any(re.search(r"Cirka \d+ min \d+ s kvar", sample["text"]) for sample in samples[-3:])
    assert all(sample["checks"] == 0 for sample in samples), "the running status showed ✓"
    assert all(all(sample["boxes"].get(part) for part in PARTS) for sample in samples), "a part was unticked"
    totals: dict[str, int] = {}
    done: dict[str, int] = {}
    for sample in samples:
        for bar in filter(None, map(BAR.match, sample["bars"])):
            part, total, count = bar["part"], _number(bar["total"]), _number(bar["done"])
            assert totals.setdefault(part, total) == total, f"{part}: total grew from {totals[part]} to {total}"
            assert count >= done.get(part, 0), f"{part}: went back from {done[part]} to {count}"
            done[part] = count
    assert totals["Bilagor"] > 10_000  # every download counted from the moment the part is shown

    page.get_by_role("button", name="Avbryt").click()
    notice = page.get_by_test_id("stAlert").filter(has_text="Importen avbröts")
    expect(notice).to_have_count(1, timeout=60_000)
    expect(notice).to_contain_text("info")
    expect(page.get_by_text("Importen avbröts")).to_have_count(1)
    expect(page.get_by_text("misslyckades")).to_have_count(0)
