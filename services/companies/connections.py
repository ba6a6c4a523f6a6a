"""Connecting a company's Fortnox and keeping the connection alive.

The OAuth `state` is server-side, single-use and bound to the person and browser that pressed Anslut
(services.companies.oauth_state); every connection made is in the audit log. Tokens are stored encrypted; a refresh happens
inside a `BEGIN IMMEDIATE` transaction that re-reads the token, so the app and the command line never spend the
same single-use refresh token twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from sqlite_utils import Database

from services import logs, store
from services.audit import AuditAction, record
from services.companies import access, oauth_state
from services.companies.model import Company, ConnectError, Requester, StateRefused
from services.companies.registry import find_company, fortnox_company_id, upsert_fortnox_company
from services.config import Settings
from services.context import Acting
from services.errors import Refused
from services.fortnox import auth, resources
from services.fortnox.auth import TokenSet
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import AuthError, AuthExpired, FortnoxError
from services.fortnox.throttling import throttler_for
from services.imports.runs import stop_running
from services.timestamps import now_iso
from services.token_cipher import TokenCipher, TokenCipherError

REFRESH_MARGIN_SECONDS = 60
log = logging.getLogger(__name__)


# RFC 6749 §4.1.2.1 error codes; anything else in the URL is not echoed back to the page.
OAUTH_ERRORS = {
    "access_denied": "Ingen anslutning gjordes: du avbröt inloggningen hos Fortnox.",
    "invalid_scope": "Ingen anslutning gjordes: Fortnox godtog inte behörigheterna som begärdes.",
    "unauthorized_client": "Ingen anslutning gjordes: integrationen får inte ansluta till Fortnox. Kontakta support.",
    "server_error": "Ingen anslutning gjordes: Fortnox hade ett tillfälligt fel. Försök igen om en stund.",
    "temporarily_unavailable": "Ingen anslutning gjordes: Fortnox hade ett tillfälligt fel. Försök igen om en stund.",
}


class ReconnectNeeded(FortnoxError):
    """The stored connection no longer works: the user must click Anslut again."""


def start_authorization(settings: Settings, requester: Requester) -> str:
    """Record a fresh single-use state for the requester and return the Fortnox login URL to send the browser to."""
    return auth.authorization_url(settings.fortnox, oauth_state.issue(settings, requester))


def finish_authorization(settings: Settings, *, code: str | None, state: str | None, error: str | None,
                         requester: Requester) -> Company:
    """Complete the redirect back from Fortnox: check that the state is the requester's own, exchange the code,
    store the tokens (when the person may connect the company they logged in to)."""
    try:
        if error:
            if state:
                oauth_state.cancel(settings, state, requester)
            raise ConnectError(OAUTH_ERRORS.get(error, "Ingen anslutning gjordes: Fortnox nekade inloggningen. "
                                                       "Försök igen."))
        if not code or not state:
            raise ConnectError("Svaret från Fortnox saknar kod eller state. Klicka på Anslut och försök igen.")
        oauth_state.consume(settings, state, requester)
    except StateRefused as exc:
        raise ConnectError(str(exc)) from None
    config = settings.fortnox
    try:
        tokens = auth.exchange_code(config, code)
    except AuthError:
        raise ConnectError(
            "Fortnox godtog inte inloggningskoden (den är ogiltig, för gammal eller redan använd). "
            "Klicka på Anslut och försök igen."
        ) from None
    except FortnoxError as exc:
        raise ConnectError(exc.message) from None
    return _store_connection(settings, tokens, kind="user", actor=requester.actor)


def connect_service_account(settings: Settings, tenant_id: str, actor: str = access.CLI_ACTOR) -> Company:
    """A headless connection (Fortnox service account) for scripts and tests."""
    try:
        tokens = auth.client_credentials(settings.fortnox, tenant_id)
    except FortnoxError as exc:
        raise ConnectError(f"Tjänstekontot för databas {tenant_id} kunde inte anslutas: {exc.message}") from None
    return _store_connection(settings, tokens, kind="service", actor=actor, tenant_id=tenant_id)


class _FixedToken:
    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self, *, rejected: str | None = None) -> str:
        return self._token


def _store_connection(settings: Settings, tokens: TokenSet, *, kind: str, actor: str,
                      tenant_id: str | None = None) -> Company:
    with FortnoxClient(settings.fortnox, _FixedToken(tokens.access_token)) as client:
        try:
            info = resources.company_information(client)
        except FortnoxError as exc:
            raise ConnectError(f"Anslutningen gjordes men företagsuppgifterna kunde inte hämtas: {exc.message}") from None
    try:
        Acting(settings, actor).require("connect", fortnox_company_id(tenant_id or info.tenant_id), info.orgnr)
    except Refused:
        _revoke_quietly(settings, tokens)  # nobody here may keep it
        raise
    cipher = TokenCipher(settings.app_secret_key, settings.data_dir)
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        company = upsert_fortnox_company(db, tenant_id or info.tenant_id, info.orgnr, info.name)
        _save_tokens(db, cipher, company.id, tokens, kind)
        db.table("connections").update(company.id, {"connected_at": now_iso()})
        record(db, actor, AuditAction.CONNECT, company.id,
               "Fortnox anslöts" + (" (tjänstekonto)" if kind == "service" else ""))
    return company


def _revoke_quietly(settings: Settings, tokens: TokenSet) -> None:
    if tokens.refresh_token:
        try:
            auth.revoke(settings.fortnox, tokens.refresh_token)
        except FortnoxError:
            pass  # the access token still expires within the hour, and nothing here keeps it


def _save_tokens(db: Database, cipher: TokenCipher, company_id: str, tokens: TokenSet, kind: str) -> None:
    db.table("connections").upsert(
        {
            "company_id": company_id,
            "kind": kind,
            "access_token": cipher.encrypt(tokens.access_token),
            "refresh_token": cipher.encrypt(tokens.refresh_token) if tokens.refresh_token else None,
            "expires_at": tokens.expires_at,
            "scope": tokens.scope,
            "updated_at": now_iso(),
        },
        pk="company_id",
    )


@dataclass
class StoredTokens:
    """A TokenProvider over the encrypted token row of one company."""

    settings: Settings
    company_id: str

    def access_token(self, *, rejected: str | None = None) -> str:
        cipher = TokenCipher(self.settings.app_secret_key, self.settings.data_dir)
        with store.open_db(self.settings.database_path) as db:
            row = self._row(db)
            current = self._decrypt(cipher, row["access_token"])
            if rejected is None and row["expires_at"] > time.time() + REFRESH_MARGIN_SECONDS:
                return current
            if rejected is not None and current != rejected:
                return current  # Fortnox refused an older token; another session has refreshed since
            with store.write_lock(db):
                fresh = self._row(db)  # re-read inside the lock: another thread or process may have refreshed
                fresh_token = self._decrypt(cipher, fresh["access_token"])
                if fresh_token != current:
                    logs.event(log, "token.refresh", company=self.company_id, outcome="refreshed_elsewhere")
                    return fresh_token
                tokens = self._renew(db, cipher, fresh)
                if tokens is None:
                    db.table("connections").delete_where("company_id = ?", [self.company_id])
                else:
                    _save_tokens(db, cipher, self.company_id, tokens, fresh["kind"])
            logs.event(log, "token.refresh", company=self.company_id, kind=fresh["kind"],
                       reason="rejected" if rejected is not None else "expiring",
                       outcome="connection_dead" if tokens is None else "refreshed")
            if tokens is None:
                raise ReconnectNeeded(
                    "Anslutningen till Fortnox har gått ut eller återkallats. "
                    "Klicka på Anslut igen under Underhåll → Import."
                )
            return tokens.access_token

    @staticmethod
    def _decrypt(cipher: TokenCipher, ciphertext: str) -> str:
        try:
            return cipher.decrypt(ciphertext)
        except TokenCipherError:
            raise ReconnectNeeded(
                "Den sparade anslutningen kan inte läsas (krypteringsnyckeln APP_SECRET_KEY har ändrats). "
                "Klicka på Anslut igen under Underhåll → Import."
            ) from None

    def _row(self, db: Database) -> dict:
        rows = list(db["connections"].rows_where("company_id = ?", [self.company_id]))
        if not rows:
            raise ReconnectNeeded("Företaget är inte anslutet till Fortnox. Klicka på Anslut under Underhåll → Import.")
        return rows[0]

    def _renew(self, db: Database, cipher: TokenCipher, row: dict) -> TokenSet | None:
        """New tokens, or None when the connection is dead for good."""
        config = self.settings.fortnox
        try:
            if row["kind"] == "service":
                return auth.client_credentials(config, find_company(db, self.company_id).tenant_id or "")
            return auth.refresh(config, cipher.decrypt(row["refresh_token"]))
        except (AuthExpired, TokenCipherError):
            return None


def open_client(settings: Settings, company_id: str, run: int | None = None) -> FortnoxClient:
    """An API session for one connected company (use as a context manager); its log lines name the company and,
    for an import, the run."""
    throttler = throttler_for(settings.throttle_dir, settings.fortnox.client_id, company_id, settings.fortnox.rate_limit)
    return FortnoxClient(settings.fortnox, StoredTokens(settings, company_id), throttler,
                         log_fields={"company": company_id, "run": run})


def disconnect(settings: Settings, company_id: str, actor: str) -> str | None:
    """Revoke the company's refresh token at Fortnox, then delete the stored tokens here (audit-logged).

    A running import of the company is cancelled first, and waited for (services.imports.runs.stop_running), so
    it ends as Avbruten with what it staged kept instead of failing half-way without a connection. The tokens are
    deleted even when Fortnox can't be reached: nobody here can use them afterwards, and the returned warning tells
    the person to remove the integration in Fortnox as well.
    """
    Acting(settings, actor).require("connect", company_id)
    stop_running(settings, company_id, actor)
    cipher = TokenCipher(settings.app_secret_key, settings.data_dir)
    with store.open_db(settings.database_path) as db:
        rows = list(db["connections"].rows_where("company_id = ?", [company_id]))
    warning = None
    if rows and rows[0]["refresh_token"]:
        try:
            auth.revoke(settings.fortnox, cipher.decrypt(rows[0]["refresh_token"]))
        except TokenCipherError:
            pass  # unreadable with today's key: it can't be revoked from here, and nobody here can use it either
        except FortnoxError as exc:
            warning = (f"Anslutningen är borttagen här men kunde inte återkallas hos Fortnox: {exc.message} "
                       "Ta bort integrationen under Fortnox → Integrationer.")
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        db.table("connections").delete_where("company_id = ?", [company_id])
        db.table("connection_permissions").delete_where("company_id = ?", [company_id])
        record(db, actor, AuditAction.DISCONNECT, company_id,
               "Fortnox-anslutningen kopplades från" + (" (ej återkallad)" if warning else ""))
    return warning
