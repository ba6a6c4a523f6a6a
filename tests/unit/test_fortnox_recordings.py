"""Every answer recorded from the real Fortnox API is understood by the client: successes decode with exact
numbers (whatever Fortnox sent as strings), failures become the right typed error with Fortnox's own message.

The answers are replayed through an injected transport: the sandbox cannot say what the real Fortnox said.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml

from services.fortnox import auth, resources
from services.fortnox.client import FortnoxClient
from services.fortnox.config import FortnoxConfig
from services.fortnox.errors import AuthError, AuthExpired, FortnoxApiError, NotFound, Unauthorized
from services.fortnox.retry import RetryPolicy
from tests.shared_files import FORTNOX_RECORDINGS

pytestmark = pytest.mark.skipif(not FORTNOX_RECORDINGS.is_dir(), reason="../shared/fortnox/recordings is absent")

CONFIG = FortnoxConfig(
    client_id="client", client_secret="secret", auth_url="https://apps.fortnox.se/oauth-v1",
    api_url="https://api.fortnox.se", redirect_uri="http://localhost:8501/anslut", scopes=("bookkeeping",),
    retry=RetryPolicy(attempts=1),
)


def _interactions() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(FORTNOX_RECORDINGS.rglob("*.yml")) if FORTNOX_RECORDINGS.is_dir() else []:
        cassette = yaml.safe_load(path.read_text(encoding="utf-8"))
        for index, interaction in enumerate(cassette["http_interactions"]):
            found.append((f"{path.parent.name}/{path.stem}#{index}", interaction))
    return found


INTERACTIONS = _interactions()
API = [(name, i) for name, i in INTERACTIONS if "/3/" in i["request"]["uri"]]
TOKEN = [(name, i) for name, i in INTERACTIONS if i["request"]["uri"].endswith("/oauth-v1/token")]


def _replay(interaction: dict[str, Any]) -> httpx.MockTransport:
    answer = interaction["response"]
    headers = {"Content-Type": answer["headers"].get("Content-Type", ["application/json"])[0]}
    body = (answer.get("body") or {}).get("string") or ""

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(answer["status"]["code"], headers=headers, content=body.encode("utf-8"))

    return httpx.MockTransport(respond)


class FixedToken:
    def access_token(self, *, rejected: str | None = None) -> str:
        return "recorded-token"


def _numbers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    return [value] if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) else []


def test_the_recordings_hold_api_and_token_answers() -> None:
    assert len(API) >= 40 and len(TOKEN) >= 3


@pytest.mark.parametrize(("name", "interaction"), API, ids=[name for name, _ in API])
def test_every_recorded_api_answer_is_understood(name: str, interaction: dict[str, Any]) -> None:
    status = interaction["response"]["status"]["code"]
    path = urlsplit(interaction["request"]["uri"]).path
    client = FortnoxClient(replace(CONFIG, transport=_replay(interaction)), FixedToken())
    if status < 400:
        data = client.get_json(path)
        assert isinstance(data, dict) and data
        assert not any(isinstance(number, float) for number in _numbers(data))
        return
    with pytest.raises((NotFound, FortnoxApiError, Unauthorized)) as caught:
        client.get_json(path)
    error = caught.value
    assert error.status == status
    if status == 401:
        assert isinstance(error, Unauthorized) and "Anslut igen" in error.message
    else:
        assert error.code is not None and error.message  # Fortnox's own Swedish text, in either casing
        assert isinstance(error, NotFound) == (status == 404)


def test_a_recorded_missing_customer_keeps_fortnox_message_and_code() -> None:
    interaction = dict(API)["customers/find_failure#0"]
    client = FortnoxClient(replace(CONFIG, transport=_replay(interaction)), FixedToken())
    with pytest.raises(NotFound) as caught:
        client.get_json("/3/customers/123456789")
    assert (caught.value.code, caught.value.message) == (2000433, "Kan inte hitta kunden.")


def test_a_recorded_invalid_filter_is_read_in_lowercase_casing_too() -> None:
    interaction = dict(API)["invoices/filter_invalid#0"]
    client = FortnoxClient(replace(CONFIG, transport=_replay(interaction)), FixedToken())
    with pytest.raises(FortnoxApiError) as caught:
        client.get_json("/3/invoices")
    assert (caught.value.code, caught.value.message) == (2000587, "Ett ogiltigt filter har använts.")


def test_the_recorded_project_list_decodes_with_its_null_fields() -> None:
    client = FortnoxClient(replace(CONFIG, transport=_replay(dict(API)["projects/all#0"])), FixedToken())
    assert resources.projects(client) == {"1": "ONGOING", "2": "ONGOING"}


def test_a_recorded_missing_project_in_the_capitalised_casing_keeps_fortnoxs_code_and_message() -> None:
    client = FortnoxClient(replace(CONFIG, transport=_replay(dict(API)["projects/find_failure#0"])), FixedToken())
    with pytest.raises(NotFound) as caught:
        client.get_json("/3/projects/123456789")
    assert (caught.value.code, caught.value.message) == (2001161, "Kan inte hitta projektet.")


def _token_answer(name: str) -> dict[str, Any]:
    return next(i for n, i in TOKEN if n.startswith(f"authentication/{name}#"))


def test_a_recorded_token_answer_becomes_a_token_set() -> None:
    tokens = auth.refresh(replace(CONFIG, transport=_replay(_token_answer("valid_request"))), "old-refresh")
    assert tokens.access_token and tokens.expires_at > 0


def test_a_recorded_invalid_grant_sent_as_text_html_means_connect_again() -> None:
    with pytest.raises(AuthExpired, match="Anslut igen"):
        auth.refresh(replace(CONFIG, transport=_replay(_token_answer("invalid_refresh_token"))), "old-refresh")


def test_a_recorded_invalid_client_is_an_auth_error_naming_the_client_settings() -> None:
    with pytest.raises(AuthError, match="klient-id"):
        auth.refresh(replace(CONFIG, transport=_replay(_token_answer("invalid_authorization"))), "old-refresh")
