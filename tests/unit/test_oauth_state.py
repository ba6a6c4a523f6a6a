"""The OAuth `state` is server-side, hashed, single-use, short-lived and bound to the person and browser that pressed
Anslut; a refused callback stores nothing."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from services import store
from services.companies.connections import finish_authorization, start_authorization
from services.companies.model import ConnectError, Requester
from services.config import Settings
from tests.conftest import settings_for
from tests.fortnox_login import DEMO

COLLEAGUE = Requester(actor="kim@byra.se", browser="hash-of-kims-browser")


@pytest.fixture
def offline_settings(tmp_path: Path) -> Settings:
    return settings_for(tmp_path, sandbox_port=9)  # nothing listens: these tests never reach Fortnox


def _state_of(url: str) -> str:
    return parse_qs(urlparse(url).query)["state"][0]


def _stored(settings: Settings, table: str) -> int:
    with store.open_db(settings.database_path) as db:
        return db[table].count


def test_authorization_url_asks_fortnox_for_a_code_with_a_random_state(offline_settings: Settings) -> None:
    query = parse_qs(urlparse(start_authorization(offline_settings, DEMO)).query)
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["sandbox-client"]
    assert query["redirect_uri"] == ["http://localhost:8501/anslut"]
    assert len(query["state"][0]) >= 32
    assert _state_of(start_authorization(offline_settings, DEMO)) != query["state"][0]


def test_the_state_is_stored_only_as_a_hash(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with store.open_db(offline_settings.database_path) as db:
        stored = [row["state_hash"] for row in db["oauth_states"].rows]
    assert stored == [hashlib.sha256(state.encode()).hexdigest()]


def test_a_cancel_at_fortnox_is_refused_in_swedish_and_stores_nothing(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with pytest.raises(ConnectError, match="avbröt"):
        finish_authorization(offline_settings, code=None, state=state, error="access_denied", requester=DEMO)
    assert _stored(offline_settings, "connections") == 0
    assert _stored(offline_settings, "oauth_states") == 0


def test_an_unknown_state_is_refused(offline_settings: Settings) -> None:
    start_authorization(offline_settings, DEMO)
    with pytest.raises(ConnectError, match="Anslut"):
        finish_authorization(offline_settings, code="abc", state="forged", error=None, requester=DEMO)
    assert _stored(offline_settings, "connections") == 0


def test_a_state_is_usable_once(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with pytest.raises(ConnectError):  # first use consumes it (the code exchange then fails: no Fortnox here)
        finish_authorization(offline_settings, code="abc", state=state, error=None, requester=DEMO)
    with pytest.raises(ConnectError, match="redan använts"):
        finish_authorization(offline_settings, code="abc", state=state, error=None, requester=DEMO)


def test_a_state_older_than_ten_minutes_is_refused(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with store.open_db(offline_settings.database_path) as db:
        db.execute("update oauth_states set created_at = ?", [int(time.time()) - 601])
    with pytest.raises(ConnectError, match="10 minuter"):
        finish_authorization(offline_settings, code="abc", state=state, error=None, requester=DEMO)


def test_a_callback_without_code_is_refused(offline_settings: Settings) -> None:
    with pytest.raises(ConnectError, match="saknar kod"):
        finish_authorization(offline_settings, code=None, state=None, error=None, requester=DEMO)


def test_a_colleague_opening_the_intercepted_link_is_refused_and_the_state_stays(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with pytest.raises(ConnectError, match="startades av någon annan eller i en annan webbläsare"):
        finish_authorization(offline_settings, code="abc", state=state, error=None, requester=COLLEAGUE)
    assert _stored(offline_settings, "oauth_states") == 1


def test_the_same_person_in_another_browser_is_refused(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    elsewhere = Requester(actor=DEMO.actor, browser="hash-of-another-browser")
    with pytest.raises(ConnectError, match="i en annan webbläsare"):
        finish_authorization(offline_settings, code="abc", state=state, error=None, requester=elsewhere)


def test_a_cancel_carrying_someone_elses_state_does_not_cancel_their_anslut(offline_settings: Settings) -> None:
    state = _state_of(start_authorization(offline_settings, DEMO))
    with pytest.raises(ConnectError, match="någon annan"):
        finish_authorization(offline_settings, code=None, state=state, error="access_denied", requester=COLLEAGUE)
    assert _stored(offline_settings, "oauth_states") == 1
