"""Persistence of the sandbox's books and OAuth state in one SQLite file, so a restart keeps everything.

One file per seed (`sandbox-seed<N>.sqlite3` under the data directory); the demo world is written on first
start only. A single connection guarded by a re-entrant lock makes the store safe to share between
uvicorn's event loop, Starlette's thread pool and test threads. Amounts are integer öre; account numbers,
series and tenant ids are strings.
"""

from __future__ import annotations

import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from sandbox.records import ChartAccount, CompanyRecord, FinancialYear, Voucher, VoucherRow, VoucherSeriesInfo
from sandbox.world import World, generate_world

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS companies (
    tenant_id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, orgnr TEXT NOT NULL,
    address TEXT NOT NULL, zip_code TEXT NOT NULL, city TEXT NOT NULL, phone TEXT NOT NULL,
    contact TEXT NOT NULL, email TEXT NOT NULL, locked_until TEXT
);
CREATE TABLE IF NOT EXISTS financial_years (
    tenant_id TEXT NOT NULL, id INTEGER NOT NULL, from_date TEXT NOT NULL, to_date TEXT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE TABLE IF NOT EXISTS accounts (
    tenant_id TEXT NOT NULL, year_id INTEGER NOT NULL, number TEXT NOT NULL, description TEXT NOT NULL,
    sru INTEGER NOT NULL, vat_code TEXT NOT NULL, active INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, year_id, number)
);
CREATE TABLE IF NOT EXISTS opening_balances (
    tenant_id TEXT NOT NULL, year_id INTEGER NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, year_id, account)
);
CREATE TABLE IF NOT EXISTS voucher_series (
    tenant_id TEXT NOT NULL, code TEXT NOT NULL, description TEXT NOT NULL, manual INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, code)
);
CREATE TABLE IF NOT EXISTS vouchers (
    tenant_id TEXT NOT NULL, year_id INTEGER NOT NULL, series TEXT NOT NULL, number INTEGER NOT NULL,
    transaction_date TEXT NOT NULL, registration_date TEXT NOT NULL, description TEXT NOT NULL,
    comments TEXT, reference_type TEXT NOT NULL, reference_number TEXT NOT NULL,
    approval_state INTEGER NOT NULL DEFAULT 0, modified_at TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year_id, series, number)
);
CREATE TABLE IF NOT EXISTS voucher_rows (
    tenant_id TEXT NOT NULL, year_id INTEGER NOT NULL, series TEXT NOT NULL, number INTEGER NOT NULL,
    position INTEGER NOT NULL, account TEXT NOT NULL, debit INTEGER NOT NULL, credit INTEGER NOT NULL,
    transaction_information TEXT NOT NULL, cost_center TEXT NOT NULL, project TEXT NOT NULL,
    PRIMARY KEY (tenant_id, year_id, series, number, position)
);
CREATE INDEX IF NOT EXISTS voucher_rows_by_account ON voucher_rows (tenant_id, year_id, account);
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

# Serialized freshly seeded databases, per seed, so a second sandbox in the same process (tests) starts in
# milliseconds instead of regenerating and inserting the world again.
_TEMPLATES: dict[int, bytes] = {}
_TEMPLATES_LOCK = threading.Lock()


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


class Store:
    """All persistent sandbox state behind one lock."""

    def __init__(self, path: Path, seed: int) -> None:
        self.path = path
        self.seed = seed
        self._lock = threading.RLock()
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        if fresh:
            with _TEMPLATES_LOCK:
                template = _TEMPLATES.get(seed)
            if template is not None:
                path.write_bytes(template)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        if self.meta("schema_version") is None:
            self._initialise(seed)
        if self.meta("token_secret") is None:
            self.set_meta("token_secret", secrets.token_hex(32))

    # -- lifecycle -------------------------------------------------------------------------------
    def _initialise(self, seed: int) -> None:
        """Create the schema and write the demo world; remember the result as this process's template."""
        self._conn.executescript(_SCHEMA)
        self._seed_world(generate_world(seed))
        if hasattr(self._conn, "serialize"):
            with self._lock:
                image = self._conn.serialize()
            with _TEMPLATES_LOCK:
                _TEMPLATES.setdefault(seed, image)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[object] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, tuple(params)).fetchall()

    def _seed_world(self, world: World) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            conn.execute("INSERT INTO meta VALUES ('seed', ?)", (str(world.seed),))
            for position, company in enumerate(world.companies):
                tenant = company.tenant_id
                conn.execute(
                    "INSERT INTO companies VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (tenant, position, company.name, company.orgnr, company.address, company.zip_code, company.city,
                     company.phone, company.contact, company.email,
                     company.locked_until.isoformat() if company.locked_until else None),
                )
                for year in company.financial_years:
                    conn.execute("INSERT INTO financial_years VALUES (?,?,?,?)",
                                 (tenant, year.id, year.from_date.isoformat(), year.to_date.isoformat()))
                    conn.executemany(
                        "INSERT INTO accounts VALUES (?,?,?,?,?,?,?)",
                        [(tenant, year.id, a.number, a.name, a.sru, a.vat_code,
                          0 if a.number in company.inactive_accounts else 1) for a in company.chart],
                    )
                first_year = company.financial_years[0].id
                conn.executemany(
                    "INSERT INTO opening_balances VALUES (?,?,?,?)",
                    [(tenant, first_year, account, amount) for account, amount in company.opening_balances],
                )
                conn.executemany("INSERT INTO voucher_series VALUES (?,?,?,?)",
                                 [(tenant, s.code, s.description, int(s.manual)) for s in company.voucher_series])
                conn.executemany(_INSERT_VOUCHER, [_voucher_values(tenant, v) for v in company.vouchers])
                conn.executemany(_INSERT_ROWS, [row for v in company.vouchers for row in _row_values(tenant, v)])

    # -- meta ------------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        try:
            rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        except sqlite3.OperationalError:
            return None
        return rows[0]["value"] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         (key, value))

    # -- companies and their registers -------------------------------------------------------------
    def companies(self) -> list[CompanyRecord]:
        return [_company(r) for r in self._query("SELECT * FROM companies ORDER BY position")]

    def company(self, tenant_id: str) -> CompanyRecord | None:
        rows = self._query("SELECT * FROM companies WHERE tenant_id = ?", (tenant_id,))
        return _company(rows[0]) if rows else None

    def financial_years(self, tenant_id: str) -> list[FinancialYear]:
        rows = self._query("SELECT * FROM financial_years WHERE tenant_id = ? ORDER BY id", (tenant_id,))
        return [FinancialYear(r["id"], date.fromisoformat(r["from_date"]), date.fromisoformat(r["to_date"]))
                for r in rows]

    def financial_year(self, tenant_id: str, year_id: int) -> FinancialYear | None:
        return next((y for y in self.financial_years(tenant_id) if y.id == year_id), None)

    def year_for_date(self, tenant_id: str, day: date) -> FinancialYear | None:
        return next((y for y in self.financial_years(tenant_id) if y.contains(day)), None)

    def accounts(self, tenant_id: str, year_id: int) -> list[ChartAccount]:
        rows = self._query("SELECT * FROM accounts WHERE tenant_id = ? AND year_id = ? ORDER BY number",
                           (tenant_id, year_id))
        return [_account(r) for r in rows]

    def account(self, tenant_id: str, year_id: int, number: str) -> ChartAccount | None:
        rows = self._query("SELECT * FROM accounts WHERE tenant_id = ? AND year_id = ? AND number = ?",
                           (tenant_id, year_id, number))
        return _account(rows[0]) if rows else None

    def stored_opening_balances(self, tenant_id: str, year_id: int) -> dict[str, int]:
        rows = self._query("SELECT account, amount FROM opening_balances WHERE tenant_id = ? AND year_id = ?",
                           (tenant_id, year_id))
        return {r["account"]: r["amount"] for r in rows}

    def voucher_series(self, tenant_id: str) -> list[VoucherSeriesInfo]:
        rows = self._query("SELECT * FROM voucher_series WHERE tenant_id = ? ORDER BY code", (tenant_id,))
        return [VoucherSeriesInfo(r["code"], r["description"], bool(r["manual"])) for r in rows]

    def series(self, tenant_id: str, code: str) -> VoucherSeriesInfo | None:
        return next((s for s in self.voucher_series(tenant_id) if s.code == code), None)

    def next_voucher_number(self, tenant_id: str, year_id: int, series: str) -> int:
        rows = self._query("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM vouchers "
                           "WHERE tenant_id = ? AND year_id = ? AND series = ?", (tenant_id, year_id, series))
        return int(rows[0]["n"])

    # -- vouchers --------------------------------------------------------------------------------
    def vouchers(
        self,
        tenant_id: str,
        year_id: int,
        series: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        modified_since: str | None = None,
        cost_center: str | None = None,
    ) -> list[Voucher]:
        """The heads of a year's vouchers (without rows), filtered as `GET /3/vouchers` filters them."""
        sql = "SELECT * FROM vouchers v WHERE tenant_id = ? AND year_id = ?"
        params: list[object] = [tenant_id, year_id]
        if series is not None:
            sql += " AND series = ?"
            params.append(series)
        if from_date is not None:
            sql += " AND transaction_date >= ?"
            params.append(from_date.isoformat())
        if to_date is not None:
            sql += " AND transaction_date <= ?"
            params.append(to_date.isoformat())
        if modified_since is not None:
            sql += " AND modified_at >= ?"
            params.append(modified_since)
        if cost_center is not None:
            sql += (" AND EXISTS (SELECT 1 FROM voucher_rows r WHERE r.tenant_id = v.tenant_id"
                    " AND r.year_id = v.year_id AND r.series = v.series AND r.number = v.number"
                    " AND r.cost_center = ?)")
            params.append(cost_center)
        sql += " ORDER BY series, number"
        return [_voucher(r) for r in self._query(sql, params)]

    def voucher(self, tenant_id: str, year_id: int, series: str, number: int) -> Voucher | None:
        """One voucher with its rows."""
        heads = self._query("SELECT * FROM vouchers WHERE tenant_id = ? AND year_id = ? AND series = ? AND number = ?",
                            (tenant_id, year_id, series, number))
        if not heads:
            return None
        rows = self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? AND series = ?"
                           " AND number = ? ORDER BY position", (tenant_id, year_id, series, number))
        return replace(_voucher(heads[0]), rows=tuple(_row(r) for r in rows))

    def voucher_rows_by_voucher(self, tenant_id: str, year_id: int) -> dict[tuple[str, int], list[VoucherRow]]:
        """All rows of a year in one query, grouped per (series, number) — for the SIE export."""
        grouped: dict[tuple[str, int], list[VoucherRow]] = {}
        for r in self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? "
                             "ORDER BY series, number, position", (tenant_id, year_id)):
            grouped.setdefault((r["series"], r["number"]), []).append(_row(r))
        return grouped

    def movements(self, tenant_id: str, year_id: int) -> dict[str, int]:
        """Σ(debit − credit) per account over the year's vouchers (accounts with any row, even if Σ = 0)."""
        rows = self._query("SELECT account, SUM(debit - credit) AS amount FROM voucher_rows "
                           "WHERE tenant_id = ? AND year_id = ? GROUP BY account", (tenant_id, year_id))
        return {r["account"]: int(r["amount"]) for r in rows}

    def monthly_movements(self, tenant_id: str, year_id: int) -> dict[tuple[str, str], int]:
        """Σ(debit − credit) per (account, YYYYMM) — the SIE `#PSALDO` figures."""
        rows = self._query(
            "SELECT r.account AS account,"
            " substr(v.transaction_date, 1, 4) || substr(v.transaction_date, 6, 2) AS period,"
            " SUM(r.debit - r.credit) AS amount FROM voucher_rows r JOIN vouchers v"
            " ON v.tenant_id = r.tenant_id AND v.year_id = r.year_id AND v.series = r.series AND v.number = r.number"
            " WHERE r.tenant_id = ? AND r.year_id = ? GROUP BY r.account, period",
            (tenant_id, year_id),
        )
        return {(r["account"], r["period"]): int(r["amount"]) for r in rows}

    def insert_voucher(
        self,
        tenant_id: str,
        year_id: int,
        series: str,
        transaction_date: date,
        registration_date: date,
        description: str,
        comments: str | None,
        rows: list[VoucherRow],
        modified_at: str,
        reference_type: str = "MANUAL",
        reference_number: str = "",
    ) -> int:
        """Store a voucher under the next number of its series and year, atomically; returns the number."""
        with self._transaction() as conn:
            number = int(conn.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM vouchers WHERE tenant_id = ? AND year_id = ? AND series = ?",
                (tenant_id, year_id, series)).fetchone()[0])
            voucher = Voucher(
                year_id=year_id, series=series, number=number, transaction_date=transaction_date,
                registration_date=registration_date, description=description, reference_type=reference_type,
                reference_number=reference_number, modified_at=modified_at, comments=comments, rows=tuple(rows),
            )
            conn.execute(_INSERT_VOUCHER, _voucher_values(tenant_id, voucher))
            conn.executemany(_INSERT_ROWS, _row_values(tenant_id, voucher))
        return number

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


def open_store(data_dir: Path, seed: int) -> Store:
    """Open (creating and seeding on first use) the store for `seed` under `data_dir`."""
    return Store(Path(data_dir) / f"sandbox-seed{seed}.sqlite3", seed)


def _company(r: sqlite3.Row) -> CompanyRecord:
    return CompanyRecord(
        tenant_id=r["tenant_id"], name=r["name"], orgnr=r["orgnr"], address=r["address"], zip_code=r["zip_code"],
        city=r["city"], phone=r["phone"], contact=r["contact"], email=r["email"],
        locked_until=date.fromisoformat(r["locked_until"]) if r["locked_until"] else None,
    )


def _account(r: sqlite3.Row) -> ChartAccount:
    return ChartAccount(r["number"], r["description"], int(r["sru"]), r["vat_code"], bool(r["active"]))


def _voucher(r: sqlite3.Row) -> Voucher:
    """A voucher head; its rows are read separately."""
    return Voucher(
        year_id=r["year_id"], series=r["series"], number=r["number"],
        transaction_date=date.fromisoformat(r["transaction_date"]),
        registration_date=date.fromisoformat(r["registration_date"]), description=r["description"],
        comments=r["comments"], reference_type=r["reference_type"], reference_number=r["reference_number"],
        approval_state=r["approval_state"], modified_at=r["modified_at"],
    )


def _row(r: sqlite3.Row) -> VoucherRow:
    return VoucherRow(r["account"], r["debit"], r["credit"], r["transaction_information"], r["cost_center"],
                      r["project"])


# Seeded and API-created vouchers are written the same way: a head, then its rows numbered by position.
_INSERT_VOUCHER = "INSERT INTO vouchers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
_INSERT_ROWS = "INSERT INTO voucher_rows VALUES (?,?,?,?,?,?,?,?,?,?,?)"


def _voucher_values(tenant_id: str, v: Voucher) -> tuple[object, ...]:
    return (tenant_id, v.year_id, v.series, v.number, v.transaction_date.isoformat(), v.registration_date.isoformat(),
            v.description, v.comments, v.reference_type, v.reference_number, v.approval_state, v.modified_at)


def _row_values(tenant_id: str, v: Voucher) -> list[tuple[object, ...]]:
    return [(tenant_id, v.year_id, v.series, v.number, position, r.account, r.debit, r.credit,
             r.transaction_information, r.cost_center, r.project) for position, r in enumerate(v.rows)]
