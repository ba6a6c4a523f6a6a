"""A person at Fortnox's login, without a browser: fill the sandbox's forms by their visible labels and press
buttons by their text, the way a user does, so tests don't depend on the pages' field names."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

import httpx

from services.companies.model import Requester

DEMO = Requester(actor="demo", browser="hash-of-the-browser-that-pressed-anslut")  # who presses Anslut in tests


@dataclass
class _Form:
    action: str
    method: str
    inputs: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self._button: dict | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self.forms.append(_Form(action=a.get("action", ""), method=a.get("method", "get").lower()))
        elif tag in ("input", "select") and self.forms:
            if a.get("type") == "submit":
                self.forms[-1].buttons.append({"name": a.get("name"), "value": a.get("value", ""), "text": a.get("value", "")})
            else:
                self.forms[-1].inputs.append(a)
        elif tag == "option" and self.forms and self.forms[-1].inputs:
            select = self.forms[-1].inputs[-1]
            if "value" not in select or "selected" in a:
                select["value"] = a.get("value", "")
        elif tag == "button" and self.forms:
            self._button = {"name": a.get("name"), "value": a.get("value", ""), "text": ""}
            self.forms[-1].buttons.append(self._button)
        elif tag == "label":
            self._label_for = a.get("for")

    def handle_endtag(self, tag: str) -> None:
        if tag == "button":
            self._button = None
        elif tag == "label":
            self._label_for = None

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button["text"] += data.strip()
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data.strip()


def _submit(client: httpx.Client, url: str, html: str, fields_by_label: dict[str, str], button: str) -> httpx.Response:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        pressed = next((b for b in form.buttons if b["text"] == button), None)
        if pressed is None:
            continue
        data: dict[str, str] = {}
        for item in form.inputs:
            name = item.get("name")
            if not name or (item.get("type") in ("radio", "checkbox") and "checked" not in item):
                continue
            label = parser.labels.get(item.get("id", ""), "")
            data[name] = fields_by_label.get(label, item.get("value", ""))
        if pressed["name"]:
            data[pressed["name"]] = pressed["value"]
        target = urljoin(url, form.action or url)
        if form.method == "post":
            return client.post(target, data=data)
        return client.get(target, params=data)
    raise AssertionError(f"No form with a button {button!r} on {url}")


def authorize(authorization_url: str, *, email: str = "demo@example.com", password: str = "demo", approve: bool = True) -> str:
    """Log in, keep the preselected company, press Godkänn (or Avbryt); return where Fortnox redirects to."""
    with httpx.Client(follow_redirects=False) as client:
        response = client.get(authorization_url)
        url = str(response.url)
        response = _submit(client, url, response.text, {"E-post": email, "Lösenord": password}, "Logga in")
        while response.status_code in (302, 303) and "oauth-v1" in response.headers["location"]:
            url = urljoin(url, response.headers["location"])
            response = client.get(url)
        if "Välj företag" in response.text:
            url = str(response.url)
            response = _submit(client, url, response.text, {}, "Fortsätt")
            while response.status_code in (302, 303) and "oauth-v1" in response.headers["location"]:
                url = urljoin(url, response.headers["location"])
                response = client.get(url)
        url = str(response.url)
        response = _submit(client, url, response.text, {}, "Godkänn" if approve else "Avbryt")
        assert response.status_code in (302, 303), response.text[:500]
        return response.headers["location"]
