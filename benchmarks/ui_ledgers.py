"""Reskontra in Chromium with 50 000 open items in each ledger: seconds until each view is interactive (page load,
switching tab, selecting a customer, searching, selecting an invoice) against issue 6's target of 3 s.

The company is written straight into SQLite in a fresh DATA_DIR (ledgers need no Fortnox); the app is started the
way the browser tests start it (tests/e2e/conftest.py), against a sandbox that only has to answer demo mode's
health check. "Interactive" means the view's own content is on screen and the script has finished its run.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

from playwright.sync_api import Locator, Page, expect, sync_playwright

from sandbox.background import start_server
from sandbox.pdf import render_pdf
from services import attachment_files, store
from services.config import Settings, load_settings
from tests.e2e.conftest import CHROMIUM, running_app

TARGET_SECONDS = 3.0
OPEN_ITEMS = int(os.environ.get("UI_BENCH_OPEN_ITEMS", "50000"))  # per ledger
COMPANY_ID = "bench-reskontra"
BALANCE_DAY = date(2024, 12, 31)
WORDS = ("Norr", "Söder", "Väst", "Öst", "Berg", "Sjö", "Skog", "Dal", "Ång", "Ek", "Lind", "Björk")
TRADES = ("Bygg", "Måleri", "Transport", "Data", "Konsult", "Handel", "El", "VVS", "Redovisning", "Städ")
EURO_RATE_HUNDREDTHS = 1145  # 11.45 SEK per EUR
ROW_MARKER_X, HEADER_PX, ROW_PX = 15, 35, 35  # st.dataframe's canvas: the row-selection column and row heights
# Counts finished script runs (the app's running → notRunning flips), so a view is timed to the end of the run it
# started, not to a leftover element of the previous run.
COUNT_RUNS = """
window.__finishedRuns = 0;
document.addEventListener("DOMContentLoaded", () => new MutationObserver((changes) => {
  for (const change of changes) {
    if (change.oldValue === "running" && change.target.getAttribute("data-test-script-state") === "notRunning") {
      window.__finishedRuns += 1;
    }
  }
}).observe(document.body, {subtree: true, attributes: true, attributeOldValue: true,
                           attributeFilter: ["data-test-script-state"]}));
"""


def _party_names(rng: random.Random, count: int) -> list[str]:
    return [f"{rng.choice(WORDS)}{rng.choice(WORDS).lower()} {rng.choice(TRADES)} {index} AB"
            for index in range(1, count + 1)]


def _sek(euro_cents: int) -> int:
    return (euro_cents * EURO_RATE_HUNDREDTHS + 50) // 100


def _ledger_rows(rng: random.Random, kind: str, parties: list[str], open_count: int) -> Iterator[tuple[dict, list]]:
    """Invoices with their payments: `open_count` open at the balance day (some part paid, some settled after it,
    a few in EUR, a few unbooked), and half as many settled before it."""
    year_start = date(2024, 1, 1)
    for index in range(open_count + open_count // 2):
        number = str(index + 1)
        party = rng.randrange(len(parties))
        invoiced = year_start + timedelta(days=rng.randrange(366))
        total = rng.randrange(10_000, 50_000_000)
        euro = rng.random() < 0.03
        payments: list[tuple[int, date]] = []
        if index >= open_count:  # settled by the balance day
            payments.append((total, invoiced + timedelta(days=rng.randrange((BALANCE_DAY - invoiced).days + 1))))
        else:
            if rng.random() < 0.1:
                payments.append((total // 3, invoiced))
            if rng.random() < 0.3:
                settled = BALANCE_DAY + timedelta(days=rng.randrange(1, 60))
                payments.append((total - sum(amount for amount, _ in payments), settled))
        balance = total - sum(amount for amount, _ in payments)
        invoice = {
            "company_id": COMPANY_ID, "kind": kind, "number": number, "party_number": str(party + 1),
            "party_name": parties[party], "invoice_date": invoiced.isoformat(),
            "due_date": (invoiced + timedelta(days=30)).isoformat(), "total": total, "balance": balance,
            "currency": "EUR" if euro else "SEK", "currency_rate": "11.45" if euro else "1", "currency_unit": "1",
            "total_sek_ore": _sek(total) if euro else total, "booked": int(rng.random() < 0.95),
            "cancelled": 0, "final_pay_date": payments[-1][1].isoformat() if balance == 0 and payments else None,
            "vouchers": "[]", "external_number": "",
        }
        paid = [{"company_id": COMPANY_ID, "kind": kind, "number": f"{number}-{n}", "invoice": number,
                 "amount_ore": _sek(amount) if euro else amount, "currency": invoice["currency"],
                 "payment_date": day.isoformat(), "booked": 1} for n, (amount, day) in enumerate(payments, start=1)]
        yield invoice, paid


def synthesise(settings: Settings, open_count: int) -> None:
    """A company whose customer and supplier ledgers each hold `open_count` open items, every invoice with a PDF."""
    rng = random.Random(6)
    sha = attachment_files.keep(settings, render_pdf("Faktura", ["Syntetisk faktura för prestandamätning."]),
                                "application/pdf")
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        db["companies"].insert({"id": COMPANY_ID, "orgnr": "556000-0006", "name": "Reskontra Prestanda AB",
                                "source": "fortnox", "tenant_id": None, "created_at": "2025-01-01T00:00:00+00:00"})
        db["financial_years"].insert({"company_id": COMPANY_ID, "year_id": "1", "start": "2024-01-01",
                                      "end": BALANCE_DAY.isoformat()})
        for kind, party_count in (("customer", 2_500), ("supplier", 1_200)):
            names = _party_names(rng, party_count)
            db["parties"].insert_all({"company_id": COMPANY_ID, "kind": kind, "number": str(n), "name": name,
                                      "orgnr": ""} for n, name in enumerate(names, start=1))
            invoices, payments = [], []
            for invoice, paid in _ledger_rows(rng, kind, names, open_count):
                invoices.append(invoice)
                payments += paid
            db["ledger_invoices"].insert_all(invoices, batch_size=5_000)
            db["ledger_payments"].insert_all(payments, batch_size=5_000)
            db["attachments"].insert_all(({"company_id": COMPANY_ID, "kind": kind, "document": row["number"],
                                           "file_id": f"{kind}-{row['number']}", "name": f"Faktura {row['number']}.pdf",
                                           "sha256": sha} for row in invoices), batch_size=5_000)


def _timed(page: Page, action: Callable[[], None], ready: Locator, loads_page: bool = False) -> float:
    """Seconds from `action` until the script run it started has finished and `ready` is visible."""
    before = 0 if loads_page else page.evaluate("window.__finishedRuns")
    start = time.perf_counter()
    action()
    page.wait_for_function(f"(window.__finishedRuns || 0) > {before}", timeout=120_000, polling=20)
    expect(ready).to_be_visible(timeout=120_000)
    return time.perf_counter() - start


def _click_first_row(table: Locator) -> None:
    table.scroll_into_view_if_needed()
    box = table.bounding_box()
    table.page.mouse.click(box["x"] + ROW_MARKER_X, box["y"] + HEADER_PX + ROW_PX / 2)


def _measure(page: Page, url: str) -> tuple[float, list[tuple[str, float]]]:
    """The baseline (the app's smallest page, the first one the fresh server draws) and each Reskontra view."""

    def goto(path: str) -> Callable[[], None]:
        return lambda: page.goto(f"{url}/{path}")

    baseline = _timed(page, goto("anslut"), page.get_by_text("Ingen inloggning", exact=False), loads_page=True)
    customers = page.get_by_text("Per kund", exact=False)
    suppliers = page.get_by_text("Per leverantör", exact=False)
    panel = page.get_by_role("tabpanel")
    search = page.get_by_label("Sök")
    figures = [
        ("Sidan laddas, reskontran läses", _timed(page, goto("reskontra"), customers, loads_page=True)),
        ("Sidan laddas igen (cachad)", _timed(page, goto("reskontra"), customers, loads_page=True)),
        ("Byta flik, reskontran läses", _timed(
            page, page.get_by_role("tab", name="Leverantörsreskontra").click, suppliers)),
        ("Byta flik tillbaka (cachad)", _timed(page, page.get_by_role("tab", name="Kundreskontra").click, customers)),
        ("Välja en kund", _timed(page, lambda: _click_first_row(panel.get_by_test_id("stDataFrame").nth(1)),
                                 page.get_by_text("Öppna poster för", exact=False))),
        ("Välja en faktura, bilagan visas", _timed(
            page, lambda: _click_first_row(panel.get_by_test_id("stDataFrame").nth(2)),
            page.get_by_text("Bilagor till faktura", exact=False))),
        ("Söka på namn", _timed(page, lambda: (search.fill("Bygg 7"), search.press("Enter")),
                                page.get_by_text("poster matchar", exact=False))),
    ]
    return baseline, figures


def run() -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        settings = load_settings({"DATA_DIR": str(root / "app")}, secrets_file=root / "none.toml")
        store.migrate(settings.database_path)
        started = time.perf_counter()
        synthesise(settings, OPEN_ITEMS)
        print(f"ui_ledgers: {OPEN_ITEMS} open items per ledger written in {time.perf_counter() - started:.1f} s")
        sandbox = start_server(port=0, seed=1, data_dir=root / "sandbox")
        try:
            with running_app(sandbox, settings.data_dir) as app, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_context(locale="sv-SE", viewport={"width": 1600, "height": 1000}).new_page()
                page.add_init_script(COUNT_RUNS)
                baseline, figures = _measure(page, app.url)
                browser.close()
        finally:
            sandbox.stop()
    print(f"ui_ledgers: baseline, the first page a fresh server draws (/anslut): {baseline:.2f} s")
    for label, seconds in figures:
        verdict = "ok" if seconds <= TARGET_SECONDS else "OVER TARGET"
        print(f"ui_ledgers: {label}: {seconds:.2f} s = {seconds / TARGET_SECONDS:.2f} x the {TARGET_SECONDS:g} s "
              f"target ({verdict}), {seconds / baseline:.1f} x baseline")


if __name__ == "__main__":
    run()
