"""Load: ten signed-in staff sessions in Chromium at once, importing and reconciling the three demo companies.

Three people, each allowed one company, share the ten sessions. The sandbox enforces Fortnox's 25 requests per
window (scaled down to 2 s so the test takes a minute, not five); the app's client keeps under it with a little
headroom, so scheduling jitter on a loaded two-core machine can't be mistaken for the app sending too much.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from sandbox.background import RunningSandbox, start_server
from services import store
from services.companies.access import CLI_ACTOR
from services.companies.connections import connect_service_account
from services.config import Settings
from services.context import Acting
from services.imports.pipeline import PART_LEDGERS, PART_SIE4, run_import
from services.mapping.model import Facts
from services.reconcile import api, cli
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp, running_app, wait_for_app
from tests.e2e.steps import sign_in, staff_auth

SESSIONS = 10
PEOPLE = ("redovisning@example.com", "support@example.com", "kollega@example.com")  # person i works on company i
RATE_WINDOW = "2"
CLIENT_LIMIT = {"FORTNOX_RATE_LIMIT": f"22/{RATE_WINDOW}"}
IMPORT_WAIT_MS = 180_000
pytestmark = pytest.mark.alone


@pytest.fixture(scope="module")
def limited_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSandbox]:
    server = start_server(port=0, seed=1, data_dir=tmp_path_factory.mktemp("limited-sandbox"), rate_requests=25,
                          rate_window=float(RATE_WINDOW))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def companies(limited_sandbox: RunningSandbox) -> list[dict]:
    """The three demo companies, each with the app's id for it (person i may only work on company i)."""
    tenants = httpx.get(f"{limited_sandbox.url}/sandbox/tenants").json()
    return [{**tenant, "id": f"fortnox-{tenant['tenant_id']}"} for tenant in tenants]


@pytest.fixture(scope="module")
def app(limited_sandbox: RunningSandbox, companies: list[dict],
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    data_dir = tmp_path_factory.mktemp("load-app")
    settings = settings_for(data_dir, limited_sandbox.port, **CLIENT_LIMIT)
    for company in companies:
        connect_service_account(settings, company["tenant_id"])
    staff = {
        "STAFF_ALLOWLIST": ", ".join(PEOPLE),
        "STAFF_ROLES": f"{PEOPLE[0]}=redovisning",
        "STAFF_COMPANIES": "; ".join(f"{person}={company['id']}" for person, company in zip(PEOPLE, companies,
                                                                                             strict=True)),
        **CLIENT_LIMIT,
    }
    with running_app(limited_sandbox, data_dir, auth=staff_auth(limited_sandbox), extra_env=staff) as started:
        httpx.delete(f"{limited_sandbox.url}/sandbox/requests")  # count only what the sessions send
        yield started


@dataclass
class LoadRun:
    pages: list[Page]  # session i is person i % 3's
    requests: dict[str, dict]  # GET /sandbox/requests once every session had reconciled


@pytest.fixture(scope="module")
def sessions(browser: Browser, browser_context_args: dict, app: RunningApp) -> Iterator[list[Page]]:
    contexts = [browser.new_context(**browser_context_args) for _ in range(SESSIONS)]
    pages = [context.new_page() for context in contexts]
    for index, page in enumerate(pages):
        sign_in(page, app, PEOPLE[index % len(PEOPLE)])
    yield pages
    for context in contexts:
        context.close()


def _start_import(page: Page, app: RunningApp) -> None:
    """Underhåll → Import (Fortnox is the company's source) → SIE4-data and reskontra → Importera data; a session
    that opens the page while a colleague's import of the company runs follows that one instead."""
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    start = page.get_by_role("button", name="Importera data")
    running = page.get_by_role("button", name="Avbryt")  # a run, while it plans and while it fetches
    expect(start.or_(running)).to_be_visible()
    if not start.is_visible():
        return
    parts = page.get_by_test_id("stCheckbox")
    parts.filter(has_text="SIE4-data").click()
    parts.filter(has_text="Kund- och leverantörsreskontra").click()
    wait_for_app(page)  # each tick reran the page: a colleague's import may have begun meanwhile
    expect(start.or_(running)).to_be_visible()
    if start.is_visible():
        start.click()


@pytest.fixture(scope="module")
def load_run(sessions: list[Page], app: RunningApp, limited_sandbox: RunningSandbox) -> LoadRun:
    """Every session has started (or followed) an import, seen it done, then opened Avstämning."""
    for page in sessions:
        _start_import(page, app)
    for page in sessions:
        expect(page.get_by_text("Importen är klar")).to_be_visible(timeout=IMPORT_WAIT_MS)
    for page in sessions:
        page.goto(f"{app.url}/avstamning")
    for page in sessions:
        wait_for_app(page)
    return LoadRun(sessions, httpx.get(f"{limited_sandbox.url}/sandbox/requests").json())


def _company_of(index: int, companies: list[dict]) -> dict:
    return companies[index % len(PEOPLE)]


def _label(company: dict) -> str:
    return f"{company['name']} ({company['orgnr']})"


def test_every_session_ends_without_an_error(load_run: LoadRun, app: RunningApp) -> None:
    for page in load_run.pages:
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    assert "Traceback" not in (app.data_dir / "streamlit.log").read_text()


def test_each_session_reconciles_its_own_company_and_shows_no_other(load_run: LoadRun,
                                                                    companies: list[dict]) -> None:
    for index, page in enumerate(load_run.pages):
        mine = _company_of(index, companies)
        expect(page.get_by_text(f"Avstämning för {_label(mine)}")).to_be_visible()
        page_text = page.locator("body").inner_text()
        assert [c["name"] for c in companies if c["name"] in page_text] == [mine["name"]]


def test_imports_are_recorded_for_the_person_allowed_each_company(load_run: LoadRun, app: RunningApp,
                                                                   companies: list[dict]) -> None:
    with store.open_db(app.data_dir / "app.db") as db:
        runs = list(db["import_runs"].rows_where(select="company_id, started_by, status"))
    expected = {(company["id"], person) for person, company in zip(PEOPLE, companies, strict=True)}
    assert {(run["company_id"], run["started_by"]) for run in runs} == expected
    assert {run["status"] for run in runs} == {"ok"}


def _books_reconciled(settings: Settings, company_id: str) -> dict:
    """The reconciliation of the imported books alone (not what Fortnox said of locked periods in between)."""
    acting = Acting(settings, CLI_ACTOR)
    return cli.to_json(api.outcome(acting, api.reconcile(acting, company_id, None, {}, Facts(False))))


def test_the_books_equal_those_of_each_company_imported_alone(
        load_run: LoadRun, app: RunningApp, limited_sandbox: RunningSandbox, companies: list[dict],
        tmp_path: Path) -> None:
    together = settings_for(app.data_dir, limited_sandbox.port, **CLIENT_LIMIT)
    alone = settings_for(tmp_path, limited_sandbox.port, **CLIENT_LIMIT)
    for company in companies:
        connect_service_account(alone, company["tenant_id"])
        run_import(alone, company["id"], parts=(PART_SIE4, PART_LEDGERS))
        assert _books_reconciled(together, company["id"]) == _books_reconciled(alone, company["id"]), company["name"]


def test_no_company_went_over_the_rate_limit(load_run: LoadRun, companies: list[dict]) -> None:
    assert {tenant: figures["rate_limited"] for tenant, figures in load_run.requests.items()} == {
        company["tenant_id"]: 0 for company in companies}
