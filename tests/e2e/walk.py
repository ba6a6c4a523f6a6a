"""A signed-in person walking every page of the app, with the small company's books, ledgers and invoice PDFs
imported so that each page shows data: shared by the browser tests that judge all pages at once (accessibility,
nothing loaded from outside loopback)."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, expect

from services.companies.connections import connect_service_account
from services.imports.pipeline import PART_ATTACHMENTS, PART_LEDGERS, PART_SIE4, run_import
from tests.conftest import SMALL_COMPANY, settings_for
from tests.e2e.conftest import RunningApp, running_app, wait_for_app
from tests.e2e.steps import sign_in, staff_auth

PAGES = ("/underhall", "/reskontra", "/avstamning", "/kontomappning", "/verifikationer", "/anslut")
STAFF = "redovisning@example.com"
STAFF_ENV = {"STAFF_ALLOWLIST": STAFF, "STAFF_ROLES": f"{STAFF}=redovisning"}
AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
AXE_SRI = "sha256-KTSJmUUM3yhJqOcLeRL8LahahJ2jnA0NU5T1HUqe2Vw="  # axe-core 4.14.1, from its sri-history.json


@contextmanager
def app_with_books(sandbox, tenants: list[dict], data_dir: Path) -> Iterator[RunningApp]:
    """The app with staff sign-in on, after a full import of the small company (SIE4, reskontra, attachments)."""
    settings = settings_for(data_dir, sandbox.port)
    company = connect_service_account(settings, tenants[SMALL_COMPANY]["tenant_id"])
    run_import(settings, company.id, parts=(PART_SIE4, PART_LEDGERS, PART_ATTACHMENTS))
    with running_app(sandbox, data_dir, auth=staff_auth(sandbox), extra_env=STAFF_ENV) as app:
        yield app


@contextmanager
def signed_in(browser: Browser, context_args: dict, app: RunningApp) -> Iterator[BrowserContext]:
    """A browser context signed in as the accountant; its pages share the sign-in."""
    context = browser.new_context(**context_args)
    try:
        sign_in(context.new_page(), app, STAFF)
        yield context
    finally:
        context.close()


def every_view(page: Page, app: RunningApp) -> Iterator[str]:
    """Open each page, then each of its tabs, with every expander opened; yields a name for what is on screen."""
    for path in PAGES:
        page.goto(app.url + path)
        wait_for_app(page)
        assert page.get_by_test_id("stMain").get_by_role("heading", level=1).is_visible(), f"{path} drew no title"
        _open_expanders(page)
        yield path
        for name in page.get_by_test_id("stMain").get_by_role("tab").all_inner_texts():
            page.get_by_role("tab", name=name, exact=True).click()
            wait_for_app(page)
            expect(page.get_by_role("tabpanel", name=name).get_by_test_id("stElementContainer").first).to_be_attached()
            _open_expanders(page)
            yield f"{path} → {name}"


def _open_expanders(page: Page) -> None:
    """Opening one may rerun the page (an expander with on_change), so each is followed by a wait for the app."""
    for summary in page.locator("[data-testid='stMain'] details:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()
            wait_for_app(page)


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    """axe-core's violations of the given impacts on the page as drawn now, one line per rule with its elements."""
    script = AXE.read_bytes()
    assert f"sha256-{base64.b64encode(hashlib.sha256(script).digest()).decode()}" == AXE_SRI, "axe.min.js changed"
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=script.decode())
    found = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [f"[{v['impact']}] {v['id']} ({v['help']}): "
            + "; ".join(f"{' '.join(n['target'])} – {n['failureSummary']}" for n in v["nodes"][:5])
            for v in found if v["impact"] in impacts]
