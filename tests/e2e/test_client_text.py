"""A company name from a client's SIE file is shown as text on every page: no image is fetched, no link drawn."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.conftest import RunningApp, wait_for_app
from tests.sandbox_flows import bearer, service_token

HOSTILE_NAME = "![x](http://127.0.0.1:9/pixel.png) [Logga in igen](http://127.0.0.1:9/)"


@pytest.fixture
def hostile_file(sandbox, small_tenant: dict, tmp_path: Path) -> Path:
    """The small demo company's SIE 4 export, renamed by its client to an image and a link."""
    with httpx.Client(base_url=sandbox.url) as client:
        token = service_token(client, small_tenant["tenant_id"])
        content = client.get("/3/sie/4", params={"financialyear": "2"}, headers=bearer(token)).content
    renamed = re.sub(rb'^#FNAMN .*$', b'#FNAMN "' + HOSTILE_NAME.encode("cp437") + b'"', content, flags=re.M)
    assert renamed != content
    path = tmp_path / "export.se"
    path.write_bytes(renamed)
    return path


@pytest.fixture
def fetched(page: Page) -> list[str]:
    """Every request the browser sends to the address in the name."""
    requests: list[str] = []

    def record(route: Route) -> None:
        requests.append(route.request.url)
        route.abort()

    page.route("http://127.0.0.1:9/**", record)
    return requests


def _expect_shown_as_text(page: Page, fetched: list[str]) -> None:
    expect(page.get_by_text(HOSTILE_NAME).first).to_be_visible()
    expect(page.get_by_role("link", name="Logga in igen")).to_have_count(0)
    expect(page.locator("img[src*='pixel.png']")).to_have_count(0)
    assert fetched == []


def test_the_sie_review_and_verifikationer_show_the_name_as_text(page: Page, app: RunningApp, hostile_file: Path,
                                                                  fetched: list[str]) -> None:
    page.goto(f"{app.url}/underhall")
    wait_for_app(page)
    page.get_by_test_id("stSelectbox").filter(has_text="Importkälla").click()
    page.get_by_role("option", name="SIE-fil").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(hostile_file)
    wait_for_app(page)
    _expect_shown_as_text(page, fetched)
    page.get_by_role("button", name="Importera data").click()
    wait_for_app(page)
    expect(page.get_by_text("SIE-filen är importerad")).to_be_visible()
    page.goto(f"{app.url}/verifikationer")
    wait_for_app(page)
    expect(page.get_by_text("Bokslutsverifikationer för")).to_be_visible()
    _expect_shown_as_text(page, fetched)
