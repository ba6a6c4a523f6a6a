"""Persistence of the sandbox's books and OAuth state in one SQLite file, so a restart keeps everything.

One file per seed (`sandbox-seed<N>.sqlite3` under the data directory); the demo world is written on first
start only. The large company is listed from the start but its books are generated on first use of that tenant
(any tenant-scoped read below triggers it) and then written into the same file, which is the cache: a restart on
the same data directory reuses them. A single connection guarded by a re-entrant lock makes the store safe to
share between uvicorn's event loop, Starlette's thread pool and test threads. Amounts are integer öre; account
numbers, series and tenant ids are strings. Ledger queries filter, sort and page in SQL (`LazyRows`), so the
large company's thousands of invoices are never all read for one page.
"""

from __future__ import annotations

import functools
import secrets
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from sandbox.record_tables import LazyRows, RecordTable
from sandbox.records import (
    ChartAccount,
    CompanyRecord,
    CostCenter,
    Counterparty,
    CustomerInvoice,
    FinancialYear,
    Finding,
    Payment,
    Project,
    SupplierInvoice,
    Voucher,
    VoucherRow,
    VoucherSeriesInfo,
)
from sandbox.sqlite_file import SqliteFile, connect
from sandbox.world import Company, World, generate_company, generate_world

SCHEMA_VERSION = "3"

T = TypeVar("T")
Method = TypeVar("Method", bound=Callable[..., object])

CUSTOMERS = RecordTable("customers", Counterparty, "number")
SUPPLIERS = RecordTable("suppliers", Counterparty, "number")
INVOICES = RecordTable("invoices", CustomerInvoice, "number")
SUPPLIER_INVOICES = RecordTable("supplier_invoices", SupplierInvoice, "number")
INVOICE_PAYMENTS = RecordTable("invoice_payments", Payment, "number")
SUPPLIER_PAYMENTS = RecordTable("supplier_invoice_payments", Payment, "number")
COST_CENTERS = RecordTable("cost_centers", CostCenter, "code")
PROJECTS = RecordTable("projects", Project, "number")
FINDINGS = RecordTable("findings", Finding, "kind")
_RECORD_TABLES = (CUSTOMERS, SUPPLIERS, INVOICES, SUPPLIER_INVOICES, INVOICE_PAYMENTS, SUPPLIER_PAYMENTS,
                  COST_CENTERS, PROJECTS, FINDINGS)
_INDEXES = """
CREATE INDEX IF NOT EXISTS invoices_by_date ON invoices (tenant_id, invoice_date);
CREATE INDEX IF NOT EXISTS supplier_invoices_by_date ON supplier_invoices (tenant_id, invoice_date);
CREATE INDEX IF NOT EXISTS invoice_payments_by_invoice ON invoice_payments (tenant_id, invoice_number);
CREATE INDEX IF NOT EXISTS supplier_payments_by_invoice ON supplier_invoice_payments (tenant_id, invoice_number);
"""

# What each `filter=` of the invoice lists selects (NOTES.md §3.4); `?` is today's date for the overdue ones.
INVOICE_FILTERS: dict[str, str] = {
    "cancelled": "cancelled = 1",
    "fullypaid": "cancelled = 0 AND final_pay_date IS NOT NULL",
    "unpaid": "cancelled = 0 AND balance != 0",
    "unpaidoverdue": "cancelled = 0 AND balance != 0 AND due_date < ?",
    "unbooked": "cancelled = 0 AND booked = 0",
}
SUPPLIER_INVOICE_FILTERS: dict[str, str] = {
    **INVOICE_FILTERS,
    "pendingpayment": "payment_pending = 1 AND booked = 1",
    "authorizepending": "0",
}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS companies (
    tenant_id TEXT PRIMARY KEY, position INTEGER NOT NULL, name TEXT NOT NULL, orgnr TEXT NOT NULL,
    address TEXT NOT NULL, zip_code TEXT NOT NULL, city TEXT NOT NULL, phone TEXT NOT NULL,
    contact TEXT NOT NULL, email TEXT NOT NULL, locked_until TEXT, books_loaded INTEGER NOT NULL DEFAULT 1
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
CREATE TABLE IF NOT EXISTS opening_edits (
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
    removed INTEGER NOT NULL DEFAULT 0, added INTEGER NOT NULL DEFAULT 0,
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


@dataclass(frozen=True)
class InvoiceQuery:
    """How `GET /3/invoices` or `/3/supplierinvoices` narrows and orders its list.

    `status` is a key of the resource's filter table; `today` dates the overdue filters; `sort` is a column.
    """

    status: str | None = None
    today: date | None = None
    from_date: date | None = None
    to_date: date | None = None
    modified_since: str | None = None
    party_number: str | None = None
    sort: str = "number"
    descending: bool = False


def _needs_books(method: Method) -> Method:
    """Make a tenant-scoped read generate a deferred company's books first (its first argument is the tenant)."""

    @functools.wraps(method)
    def wrapper(self: Store, tenant_id: str, *args: object, **kwargs: object) -> object:
        self.ensure_books(tenant_id)
        return method(self, tenant_id, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Store(SqliteFile):
    """All persistent sandbox state behind one lock."""

    def __init__(self, path: Path, seed: int) -> None:
        super().__init__()
        self.path = path
        self.seed = seed
        self._generation_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = self._connect()
        if self.meta("schema_version") not in (None, SCHEMA_VERSION):
            self._conn.close()  # written by an older sandbox: start over with today's demo world
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            self._conn = self._connect()
        if self.meta("schema_version") is None:
            self._initialise(seed)
        if self.meta("token_secret") is None:
            self.set_meta("token_secret", secrets.token_hex(32))
        self._deferred = {r["tenant_id"] for r in self._query("SELECT tenant_id FROM companies WHERE books_loaded = 0")}

    def _connect(self) -> sqlite3.Connection:
        if not self.path.exists():
            with _TEMPLATES_LOCK:
                template = _TEMPLATES.get(self.seed)
            if template is not None:
                self.path.write_bytes(template)
        return connect(self.path)

    # -- lifecycle -------------------------------------------------------------------------------
    def _initialise(self, seed: int) -> None:
        """Create the schema and write the demo world; remember the result as this process's template."""
        self._conn.executescript(_SCHEMA + "\n".join(t.create_sql() for t in _RECORD_TABLES) + _INDEXES)
        self._seed_world(generate_world(seed))
        if hasattr(self._conn, "serialize"):
            with self._lock:
                image = self._conn.serialize()
            with _TEMPLATES_LOCK:
                _TEMPLATES.setdefault(seed, image)

    def _seed_world(self, world: World) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            conn.execute("INSERT INTO meta VALUES ('seed', ?)", (str(world.seed),))
            for position, company in enumerate(world.companies):
                _insert_company(conn, position, company, books_loaded=True)
                _insert_books(conn, company)
            for position, record in enumerate(world.deferred, start=len(world.companies)):
                _insert_company(conn, position, record, books_loaded=False)

    def books_generated(self, tenant_id: str) -> bool:
        """Whether a tenant's books are in the store (False only for a deferred company not used yet)."""
        return tenant_id not in self._deferred

    def ensure_books(self, tenant_id: str) -> None:
        """Generate and store a deferred company's books on its first use; later calls return at once."""
        if tenant_id not in self._deferred:
            return
        with self._generation_lock:
            if tenant_id not in self._deferred:
                return
            company = generate_company(self.seed, tenant_id)
            with self._transaction() as conn:
                _insert_books(conn, company)
                conn.execute("UPDATE companies SET books_loaded = 1, locked_until = ? WHERE tenant_id = ?",
                             (company.locked_until.isoformat() if company.locked_until else None, tenant_id))
            self._deferred.discard(tenant_id)

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

    @_needs_books
    def company(self, tenant_id: str) -> CompanyRecord | None:
        rows = self._query("SELECT * FROM companies WHERE tenant_id = ?", (tenant_id,))
        return _company(rows[0]) if rows else None

    @_needs_books
    def financial_years(self, tenant_id: str) -> list[FinancialYear]:
        rows = self._query("SELECT * FROM financial_years WHERE tenant_id = ? ORDER BY id", (tenant_id,))
        return [FinancialYear(r["id"], date.fromisoformat(r["from_date"]), date.fromisoformat(r["to_date"]))
                for r in rows]

    def financial_year(self, tenant_id: str, year_id: int) -> FinancialYear | None:
        return next((y for y in self.financial_years(tenant_id) if y.id == year_id), None)

    def year_for_date(self, tenant_id: str, day: date) -> FinancialYear | None:
        return next((y for y in self.financial_years(tenant_id) if y.contains(day)), None)

    @_needs_books
    def accounts(self, tenant_id: str, year_id: int) -> list[ChartAccount]:
        rows = self._query("SELECT * FROM accounts WHERE tenant_id = ? AND year_id = ? ORDER BY number",
                           (tenant_id, year_id))
        return [_account(r) for r in rows]

    @_needs_books
    def account(self, tenant_id: str, year_id: int, number: str) -> ChartAccount | None:
        rows = self._query("SELECT * FROM accounts WHERE tenant_id = ? AND year_id = ? AND number = ?",
                           (tenant_id, year_id, number))
        return _account(rows[0]) if rows else None

    @_needs_books
    def stored_opening_balances(self, tenant_id: str, year_id: int) -> dict[str, int]:
        rows = self._query("SELECT account, amount FROM opening_balances WHERE tenant_id = ? AND year_id = ?",
                           (tenant_id, year_id))
        return {r["account"]: r["amount"] for r in rows}

    @_needs_books
    def voucher_series(self, tenant_id: str) -> list[VoucherSeriesInfo]:
        rows = self._query("SELECT * FROM voucher_series WHERE tenant_id = ? ORDER BY code", (tenant_id,))
        return [VoucherSeriesInfo(r["code"], r["description"], bool(r["manual"])) for r in rows]

    def series(self, tenant_id: str, code: str) -> VoucherSeriesInfo | None:
        return next((s for s in self.voucher_series(tenant_id) if s.code == code), None)

    @_needs_books
    def next_voucher_number(self, tenant_id: str, year_id: int, series: str) -> int:
        rows = self._query("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM vouchers "
                           "WHERE tenant_id = ? AND year_id = ? AND series = ?", (tenant_id, year_id, series))
        return int(rows[0]["n"])

    @_needs_books
    def opening_edits(self, tenant_id: str, year_id: int) -> dict[str, int]:
        """Hand-made changes to a later year's brought-forward balances (IB minus the previous year's UB)."""
        rows = self._query("SELECT account, amount FROM opening_edits WHERE tenant_id = ? AND year_id = ?",
                           (tenant_id, year_id))
        return {r["account"]: r["amount"] for r in rows}

    # -- ledgers: registers ------------------------------------------------------------------------
    def _select(self, table: RecordTable[T], tenant_id: str, where: list[tuple[str, list[object]]], order: str
                ) -> LazyRows[T]:
        """Rows of `table` for a tenant matching every (condition, params) pair, ordered by `order`, lazily."""
        query = f"FROM {table.name} WHERE tenant_id = ?" + "".join(f" AND ({c})" for c, _ in where)
        params: list[object] = [tenant_id] + [p for _, ps in where for p in ps]
        return LazyRows(self._query, query, params, order, table.read)

    def _one(self, table: RecordTable[T], tenant_id: str, key: str) -> T | None:
        rows = list(self._select(table, tenant_id, [(f"{table.key} = ?", [key])], table.key))
        return rows[0] if rows else None

    @_needs_books
    def customers(self, tenant_id: str, active: bool | None = None, name: str | None = None,
                  modified_since: str | None = None, sort: str = "number", descending: bool = False
                  ) -> LazyRows[Counterparty]:
        """The customer register, numbers sorted numerically; `name` matches a substring, any case."""
        return self._counterparties(CUSTOMERS, tenant_id, active, name, modified_since, sort, descending)

    @_needs_books
    def suppliers(self, tenant_id: str, active: bool | None = None, name: str | None = None,
                  modified_since: str | None = None, sort: str = "number", descending: bool = False
                  ) -> LazyRows[Counterparty]:
        return self._counterparties(SUPPLIERS, tenant_id, active, name, modified_since, sort, descending)

    def _counterparties(self, table: RecordTable[Counterparty], tenant_id: str, active: bool | None,
                        name: str | None, modified_since: str | None, sort: str, descending: bool
                        ) -> LazyRows[Counterparty]:
        where: list[tuple[str, list[object]]] = []
        if active is not None:
            where.append(("active = ?", [int(active)]))
        if name:
            where.append(("name LIKE ? ESCAPE '\\'", [f"%{_like(name)}%"]))
        if modified_since:
            where.append(("modified_at >= ?", [modified_since]))
        return self._select(table, tenant_id, where, _order(sort, descending))

    @_needs_books
    def customer(self, tenant_id: str, number: str) -> Counterparty | None:
        return self._one(CUSTOMERS, tenant_id, number)

    @_needs_books
    def supplier(self, tenant_id: str, number: str) -> Counterparty | None:
        return self._one(SUPPLIERS, tenant_id, number)

    @_needs_books
    def cost_centers(self, tenant_id: str) -> LazyRows[CostCenter]:
        return self._select(COST_CENTERS, tenant_id, [], "code")

    @_needs_books
    def cost_center(self, tenant_id: str, code: str) -> CostCenter | None:
        return self._one(COST_CENTERS, tenant_id, code)

    @_needs_books
    def projects(self, tenant_id: str) -> LazyRows[Project]:
        return self._select(PROJECTS, tenant_id, [], "number")

    @_needs_books
    def project(self, tenant_id: str, number: str) -> Project | None:
        return self._one(PROJECTS, tenant_id, number)

    # -- ledgers: invoices and payments --------------------------------------------------------------
    @_needs_books
    def invoices(self, tenant_id: str, query: InvoiceQuery) -> LazyRows[CustomerInvoice]:
        """Customer invoices as `GET /3/invoices` lists them."""
        return self._invoices(INVOICES, INVOICE_FILTERS, tenant_id, query)

    @_needs_books
    def supplier_invoices(self, tenant_id: str, query: InvoiceQuery) -> LazyRows[SupplierInvoice]:
        return self._invoices(SUPPLIER_INVOICES, SUPPLIER_INVOICE_FILTERS, tenant_id, query)

    def _invoices(self, table: RecordTable[T], filters: dict[str, str], tenant_id: str, query: InvoiceQuery
                  ) -> LazyRows[T]:
        where: list[tuple[str, list[object]]] = []
        if query.status is not None:
            condition = filters[query.status]
            where.append((condition, [(query.today or date.max).isoformat()] if "?" in condition else []))
        if query.from_date is not None:
            where.append(("invoice_date >= ?", [query.from_date.isoformat()]))
        if query.to_date is not None:
            where.append(("invoice_date <= ?", [query.to_date.isoformat()]))
        if query.modified_since:
            where.append(("modified_at >= ?", [query.modified_since]))
        if query.party_number:
            where.append(("party_number = ?", [query.party_number]))
        return self._select(table, tenant_id, where, _order(query.sort, query.descending))

    @_needs_books
    def invoice(self, tenant_id: str, number: str) -> CustomerInvoice | None:
        return self._one(INVOICES, tenant_id, number)

    @_needs_books
    def supplier_invoice(self, tenant_id: str, number: str) -> SupplierInvoice | None:
        return self._one(SUPPLIER_INVOICES, tenant_id, number)

    @_needs_books
    def invoice_payments(self, tenant_id: str, invoice_number: str | None = None,
                         modified_since: str | None = None, from_date: date | None = None,
                         to_date: date | None = None, sort: str = "number", descending: bool = False
                         ) -> LazyRows[Payment]:
        return self._payments(INVOICE_PAYMENTS, tenant_id, invoice_number, modified_since, from_date, to_date,
                              sort, descending)

    @_needs_books
    def supplier_payments(self, tenant_id: str, invoice_number: str | None = None,
                          modified_since: str | None = None, from_date: date | None = None,
                          to_date: date | None = None, sort: str = "number", descending: bool = False
                          ) -> LazyRows[Payment]:
        return self._payments(SUPPLIER_PAYMENTS, tenant_id, invoice_number, modified_since, from_date, to_date,
                              sort, descending)

    def _payments(self, table: RecordTable[Payment], tenant_id: str, invoice_number: str | None,
                  modified_since: str | None, from_date: date | None, to_date: date | None, sort: str,
                  descending: bool) -> LazyRows[Payment]:
        where: list[tuple[str, list[object]]] = []
        if invoice_number:
            where.append(("invoice_number = ?", [invoice_number]))
        if modified_since:
            where.append(("modified_at >= ?", [modified_since]))
        if from_date is not None:
            where.append(("payment_date >= ?", [from_date.isoformat()]))
        if to_date is not None:
            where.append(("payment_date <= ?", [to_date.isoformat()]))
        return self._select(table, tenant_id, where, _order(sort, descending))

    @_needs_books
    def invoice_payment(self, tenant_id: str, number: str) -> Payment | None:
        return self._one(INVOICE_PAYMENTS, tenant_id, number)

    @_needs_books
    def supplier_payment(self, tenant_id: str, number: str) -> Payment | None:
        return self._one(SUPPLIER_PAYMENTS, tenant_id, number)

    @_needs_books
    def findings(self, tenant_id: str) -> list[Finding]:
        """The year-end problems planted in a company's books, in the order they were planted."""
        return list(self._select(FINDINGS, tenant_id, [], "rowid"))

    # -- vouchers --------------------------------------------------------------------------------
    @_needs_books
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
                    " AND r.cost_center = ? AND r.removed = 0)")
            params.append(cost_center)
        sql += " ORDER BY series, number"
        return [_voucher(r) for r in self._query(sql, params)]

    @_needs_books
    def voucher(self, tenant_id: str, year_id: int, series: str, number: int) -> Voucher | None:
        """One voucher with its rows."""
        heads = self._query("SELECT * FROM vouchers WHERE tenant_id = ? AND year_id = ? AND series = ? AND number = ?",
                            (tenant_id, year_id, series, number))
        if not heads:
            return None
        rows = self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? AND series = ?"
                           " AND number = ? ORDER BY position", (tenant_id, year_id, series, number))
        return replace(_voucher(heads[0]), rows=tuple(_row(r) for r in rows))

    @_needs_books
    def voucher_rows_by_voucher(self, tenant_id: str, year_id: int) -> dict[tuple[str, int], list[VoucherRow]]:
        """All rows of a year in one query, grouped per (series, number) — for the SIE export."""
        grouped: dict[tuple[str, int], list[VoucherRow]] = {}
        for r in self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? "
                             "ORDER BY series, number, position", (tenant_id, year_id)):
            grouped.setdefault((r["series"], r["number"]), []).append(_row(r))
        return grouped

    @_needs_books
    def movements(self, tenant_id: str, year_id: int) -> dict[str, int]:
        """Σ(debit − credit) per account over the year's vouchers (accounts with any row, even if Σ = 0); struck
        rows are not part of their voucher and count nowhere."""
        rows = self._query("SELECT account, SUM(debit - credit) AS amount FROM voucher_rows "
                           "WHERE tenant_id = ? AND year_id = ? AND removed = 0 GROUP BY account", (tenant_id, year_id))
        return {r["account"]: int(r["amount"]) for r in rows}

    @_needs_books
    def monthly_movements(self, tenant_id: str, year_id: int) -> dict[tuple[str, str], int]:
        """Σ(debit − credit) per (account, YYYYMM) — the SIE `#PSALDO` figures."""
        rows = self._query(
            "SELECT r.account AS account,"
            " substr(v.transaction_date, 1, 4) || substr(v.transaction_date, 6, 2) AS period,"
            " SUM(r.debit - r.credit) AS amount FROM voucher_rows r JOIN vouchers v"
            " ON v.tenant_id = r.tenant_id AND v.year_id = r.year_id AND v.series = r.series AND v.number = r.number"
            " WHERE r.tenant_id = ? AND r.year_id = ? AND r.removed = 0 GROUP BY r.account, period",
            (tenant_id, year_id),
        )
        return {(r["account"], r["period"]): int(r["amount"]) for r in rows}

    @_needs_books
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


# Columns holding numbers written as text sort numerically, as Fortnox sorts document and customer numbers.
_NUMERIC_TEXT = {"number", "party_number", "invoice_number"}


def _order(column: str, descending: bool) -> str:
    """An ORDER BY clause for a known column name, ties broken by the record's number."""
    key = f"CAST({column} AS INTEGER)" if column in _NUMERIC_TEXT else column
    direction = " DESC" if descending else ""
    return f"{key}{direction}, CAST(number AS INTEGER){direction}" if column != "number" else f"{key}{direction}"


def _like(text: str) -> str:
    """Escape LIKE wildcards so a search matches the text literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _insert_company(conn: sqlite3.Connection, position: int, company: CompanyRecord, books_loaded: bool) -> None:
    conn.execute(
        "INSERT INTO companies VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (company.tenant_id, position, company.name, company.orgnr, company.address, company.zip_code, company.city,
         company.phone, company.contact, company.email,
         company.locked_until.isoformat() if company.locked_until else None, int(books_loaded)),
    )


def _insert_books(conn: sqlite3.Connection, company: Company) -> None:
    """Write a generated company's books and ledgers (its `companies` row exists already)."""
    tenant = company.tenant_id
    for year in company.financial_years:
        conn.execute("INSERT INTO financial_years VALUES (?,?,?,?)",
                     (tenant, year.id, year.from_date.isoformat(), year.to_date.isoformat()))
        conn.executemany(
            "INSERT INTO accounts VALUES (?,?,?,?,?,?,?)",
            [(tenant, year.id, a.number, a.name, a.sru, a.vat_code,
              0 if a.number in company.inactive_accounts else 1) for a in company.chart],
        )
    first_year = company.financial_years[0].id
    conn.executemany("INSERT INTO opening_balances VALUES (?,?,?,?)",
                     [(tenant, first_year, account, amount) for account, amount in company.opening_balances])
    conn.executemany("INSERT INTO opening_edits VALUES (?,?,?,?)",
                     [(tenant, year_id, account, amount) for year_id, account, amount in company.opening_edits])
    conn.executemany("INSERT INTO voucher_series VALUES (?,?,?,?)",
                     [(tenant, s.code, s.description, int(s.manual)) for s in company.voucher_series])
    conn.executemany(_INSERT_VOUCHER, [_voucher_values(tenant, v) for v in company.vouchers])
    conn.executemany(_INSERT_ROWS, [row for v in company.vouchers for row in _row_values(tenant, v)])
    documents = company.documents
    for table, records in ((CUSTOMERS, documents.customers), (SUPPLIERS, documents.suppliers),
                           (INVOICES, documents.invoices), (SUPPLIER_INVOICES, documents.supplier_invoices),
                           (INVOICE_PAYMENTS, documents.invoice_payments),
                           (SUPPLIER_PAYMENTS, documents.supplier_payments),
                           (COST_CENTERS, company.cost_centers), (PROJECTS, company.projects),
                           (FINDINGS, company.findings)):
        conn.executemany(table.insert_sql(), [table.values(tenant, r) for r in records])


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
                      r["project"], bool(r["removed"]), bool(r["added"]))


# Seeded and API-created vouchers are written the same way: a head, then its rows numbered by position.
_INSERT_VOUCHER = "INSERT INTO vouchers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
_INSERT_ROWS = "INSERT INTO voucher_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"


def _voucher_values(tenant_id: str, v: Voucher) -> tuple[object, ...]:
    return (tenant_id, v.year_id, v.series, v.number, v.transaction_date.isoformat(), v.registration_date.isoformat(),
            v.description, v.comments, v.reference_type, v.reference_number, v.approval_state, v.modified_at)


def _row_values(tenant_id: str, v: Voucher) -> list[tuple[object, ...]]:
    return [(tenant_id, v.year_id, v.series, v.number, position, r.account, r.debit, r.credit,
             r.transaction_information, r.cost_center, r.project, int(r.removed), int(r.added))
            for position, r in enumerate(v.rows)]
