"""The article's connection steps as a user clicks them, shared by the browser tests."""

from __future__ import annotations

import re

from playwright.sync_api import Page

from tests.e2e.conftest import RunningApp, wait_for_app


def connect_through_fortnox(page: Page, app: RunningApp, approve: bool = True, company: str | None = None) -> None:
    """Underhåll → Import → Importkälla Fortnox → Anslut → log in → (pick `company`) Fortsätt → Godkänn (or Avbryt)."""
    page.goto(app.url)
    wait_for_app(page)
    page.get_by_test_id("stSidebar").get_by_role("link", name="Underhåll").click()
    wait_for_app(page)
    page.get_by_role("tab", name="Import").click()
    page.get_by_test_id("stSelectbox").filter(has_text="Importkälla").click()
    page.get_by_role("option", name="Fortnox").click()
    wait_for_app(page)
    page.get_by_role("button", name="Anslut", exact=True).click()
    page.wait_for_url(re.compile(r"/oauth-v1/"))
    page.get_by_label("E-post").fill("demo@example.com")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    if company is not None:
        page.get_by_label(re.compile(re.escape(company))).check()
    page.get_by_role("button", name="Fortsätt").click()
    page.get_by_role("button", name="Godkänn" if approve else "Avbryt").click()
    page.wait_for_url(re.compile(re.escape(app.url)))
    wait_for_app(page)


def staff_auth(sandbox) -> dict[str, str]:
    """`[auth]` pointing st.login at the sandbox's staff identity provider."""
    return {"client_id": "staff-client", "client_secret": "staff-secret",
            "server_metadata_url": f"{sandbox.url}/staff-idp/.well-known/openid-configuration"}


def sign_in(page: Page, app: RunningApp, email: str, path: str = "") -> None:
    """Logga in → the provider's form (E-post, Lösenord, Logga in) → back in the app."""
    page.goto(app.url + path)
    wait_for_app(page)
    page.get_by_test_id("stMain").get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(r"/staff-idp/authorize"))
    page.get_by_label("E-post").fill(email)
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(re.compile(re.escape(app.url)))
    wait_for_app(page)
