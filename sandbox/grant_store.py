"""The sandbox's OAuth state: authorization requests in progress, codes, refresh tokens and killed access tokens.

They live in the same SQLite file as the books (`sandbox.books_store`), so a restart keeps every grant, through a
connection and lock of their own: token traffic never waits on a long ledger query. The token secret that signs
access tokens is made on first start and kept in the file's `meta` table.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sandbox.sqlite_file import META_TABLE, SqliteFile, connect

_SCHEMA = META_TABLE + """
CREATE TABLE IF NOT EXISTS auth_requests (
    id TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, scope TEXT NOT NULL,
    state TEXT NOT NULL, access_type TEXT NOT NULL, account_type TEXT NOT NULL,
    user_email TEXT, tenant_id TEXT, created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_codes (
    code TEXT PRIMARY KEY, client_id TEXT NOT NULL, redirect_uri TEXT NOT NULL, tenant_id TEXT NOT NULL,
    scope TEXT NOT NULL, user_email TEXT NOT NULL, expires_at REAL NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS refresh_tokens (
    token TEXT PRIMARY KEY, client_id TEXT NOT NULL, tenant_id TEXT NOT NULL, scope TEXT NOT NULL,
    user_email TEXT NOT NULL, expires_at REAL NOT NULL, dead INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS dead_access_tokens (jti TEXT PRIMARY KEY);
"""


@dataclass(frozen=True)
class AuthRequest:
    id: str
    client_id: str
    redirect_uri: str
    scope: str
    state: str
    access_type: str
    account_type: str
    user_email: str | None
    tenant_id: str | None
    created_at: float


@dataclass(frozen=True)
class GrantRecord:
    """What an authorization code or refresh token grants."""

    client_id: str
    tenant_id: str
    scope: str
    user_email: str
    redirect_uri: str = ""


class GrantStore(SqliteFile):
    """What the sandbox's authorization server has handed out, behind one lock."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._conn = connect(path)
        self._conn.executescript(_SCHEMA)
        if self.meta("token_secret") is None:
            self.set_meta("token_secret", secrets.token_hex(32))

    @property
    def token_secret(self) -> bytes:
        """The key access tokens are signed with."""
        return bytes.fromhex(self.meta("token_secret") or "")

    # -- OAuth: authorization requests in progress -----------------------------------------------------
    def create_auth_request(self, request: AuthRequest) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO auth_requests VALUES (?,?,?,?,?,?,?,?,?,?)",
                         (request.id, request.client_id, request.redirect_uri, request.scope, request.state,
                          request.access_type, request.account_type, request.user_email, request.tenant_id,
                          request.created_at))

    def auth_request(self, request_id: str) -> AuthRequest | None:
        rows = self._query("SELECT * FROM auth_requests WHERE id = ?", (request_id,))
        return AuthRequest(**dict(rows[0])) if rows else None

    def update_auth_request(
        self, request_id: str, *, user_email: str | None = None, tenant_id: str | None = None
    ) -> None:
        with self._transaction() as conn:
            if user_email is not None:
                conn.execute("UPDATE auth_requests SET user_email = ? WHERE id = ?", (user_email, request_id))
            if tenant_id is not None:
                conn.execute("UPDATE auth_requests SET tenant_id = ? WHERE id = ?", (tenant_id, request_id))

    def delete_auth_request(self, request_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("DELETE FROM auth_requests WHERE id = ?", (request_id,))

    # -- OAuth: codes and tokens -----------------------------------------------------------------------
    def create_code(self, code: str, grant: GrantRecord, expires_at: float) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO auth_codes VALUES (?,?,?,?,?,?,?,0)",
                         (code, grant.client_id, grant.redirect_uri, grant.tenant_id, grant.scope, grant.user_email,
                          expires_at))

    def consume_code(self, code: str, now: float) -> GrantRecord | None:
        """Mark a code used and return its grant; None when unknown, already used or expired."""
        with self._transaction() as conn:
            row = conn.execute("SELECT * FROM auth_codes WHERE code = ?", (code,)).fetchone()
            if row is None or row["used"]:
                return None
            conn.execute("UPDATE auth_codes SET used = 1 WHERE code = ?", (code,))
            if row["expires_at"] <= now:
                return None
            return GrantRecord(row["client_id"], row["tenant_id"], row["scope"], row["user_email"], row["redirect_uri"])

    def peek_code_tenant(self, code: str) -> str | None:
        rows = self._query("SELECT tenant_id FROM auth_codes WHERE code = ?", (code,))
        return rows[0]["tenant_id"] if rows else None

    def create_refresh_token(self, token: str, grant: GrantRecord, expires_at: float) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO refresh_tokens VALUES (?,?,?,?,?,?,0)",
                         (token, grant.client_id, grant.tenant_id, grant.scope, grant.user_email, expires_at))

    def consume_refresh_token(self, token: str, client_id: str, now: float) -> GrantRecord | None:
        """Kill a refresh token and return its grant; None when unknown, dead, expired or another client's."""
        with self._transaction() as conn:
            row = conn.execute("SELECT * FROM refresh_tokens WHERE token = ?", (token,)).fetchone()
            if row is None or row["dead"] or row["client_id"] != client_id:
                return None
            conn.execute("UPDATE refresh_tokens SET dead = 1 WHERE token = ?", (token,))
            if row["expires_at"] <= now:
                return None
            return GrantRecord(row["client_id"], row["tenant_id"], row["scope"], row["user_email"])

    def peek_refresh_tenant(self, token: str) -> str | None:
        rows = self._query("SELECT tenant_id FROM refresh_tokens WHERE token = ?", (token,))
        return rows[0]["tenant_id"] if rows else None

    def revoke_refresh_token(self, token: str, client_id: str) -> None:
        with self._transaction() as conn:
            conn.execute("UPDATE refresh_tokens SET dead = 1 WHERE token = ? AND client_id = ?", (token, client_id))

    def revoke_refresh_tokens_of_tenant(self, tenant_id: str) -> int:
        with self._transaction() as conn:
            return conn.execute("UPDATE refresh_tokens SET dead = 1 WHERE tenant_id = ? AND dead = 0",
                                (tenant_id,)).rowcount

    def kill_access_token(self, jti: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO dead_access_tokens VALUES (?)", (jti,))

    def access_token_is_dead(self, jti: str) -> bool:
        return bool(self._query("SELECT 1 FROM dead_access_tokens WHERE jti = ?", (jti,)))
