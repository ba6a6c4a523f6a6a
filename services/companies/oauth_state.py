"""The Fortnox OAuth `state`: single-use, short-lived, and bound to the person and the browser that pressed Anslut.

It lives server-side (the redirect back starts a new Streamlit session), stored only as a hash. The binding is what
keeps an intercepted `/anslut?code&state` link from connecting a company under the colleague who opens it, and an
`error=access_denied` carrying someone else's state from cancelling their Anslut. The browser is named by a hash of
a secret only that browser holds (Streamlit's XSRF cookie); the table is created on first use.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from sqlite_utils import Database

from services import store
from services.companies.model import Requester, StateRefused
from services.config import Settings

STATE_TTL_SECONDS = 600
NOT_OURS = ("Anslutningen kunde inte slutföras: svaret från Fortnox hör inte till en inloggning som startades här "
            "eller har redan använts. Klicka på Anslut och försök igen.")
SOMEONE_ELSES = ("Anslutningen gjordes inte: inloggningen hos Fortnox startades av någon annan eller i en annan "
                 "webbläsare. Den som klickade på Anslut måste slutföra den i sin egen webbläsare, eller så klickar "
                 "du själv på Anslut.")
TOO_SLOW = "Anslutningen kunde inte slutföras: inloggningen tog mer än 10 minuter. Klicka på Anslut och försök igen."


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _ensure_table(db: Database) -> None:
    db["oauth_states"].create({"state_hash": str, "actor": str, "browser": str, "created_at": int},
                              pk="state_hash", if_not_exists=True)


def issue(settings: Settings, requester: Requester, now: float | None = None) -> str:
    """A fresh state recorded for the requester (expired ones are cleared on the way)."""
    state = secrets.token_urlsafe(32)
    now = int(time.time() if now is None else now)
    with store.open_db(settings.database_path) as db:
        _ensure_table(db)
        with store.write_lock(db):
            db["oauth_states"].delete_where("created_at < ?", [now - STATE_TTL_SECONDS])
            db["oauth_states"].insert({"state_hash": _hash(state), "actor": requester.actor,
                                       "browser": requester.browser, "created_at": now})
    return state


def _take(settings: Settings, state: str, requester: Requester) -> dict | None:
    """Delete and return the requester's pending state (None when unknown); someone else's stays for them to
    finish or cancel."""
    with store.open_db(settings.database_path) as db:
        _ensure_table(db)
        with store.write_lock(db):
            rows = list(db["oauth_states"].rows_where("state_hash = ?", [_hash(state)]))
            if not rows:
                return None
            if (rows[0]["actor"], rows[0]["browser"]) != (requester.actor, requester.browser):
                raise StateRefused(SOMEONE_ELSES)
            db["oauth_states"].delete_where("state_hash = ?", [_hash(state)])
    return rows[0]


def consume(settings: Settings, state: str, requester: Requester, now: float | None = None) -> None:
    """Use the state up: it must be the requester's own, unused, and under 10 minutes old."""
    row = _take(settings, state, requester)
    if row is None:
        raise StateRefused(NOT_OURS)
    if row["created_at"] < (time.time() if now is None else now) - STATE_TTL_SECONDS:
        raise StateRefused(TOO_SLOW)


def cancel(settings: Settings, state: str, requester: Requester) -> None:
    """Fortnox answered with an error (Avbryt): the requester's state is dropped, nobody else's."""
    _take(settings, state, requester)
