"""The demo companies' books and ledgers in the sandbox's SQLite file, so a restart keeps everything.

One file per seed (`sandbox-seed<N>.sqlite3` under the data directory); the demo world is written on first
start only. The large company is listed from the start; its books are generated either up front
(`all_books=True`, what a served sandbox does before it answers) or on first use of that tenant (any
tenant-scoped read below triggers it), and then written into the same file, which is the cache: a restart on the
same data directory reuses them. A single connection guarded by a re-entrant lock makes the store safe to share
between Starlette's thread pool and test threads. Ledger queries filter, sort and page in SQL (`LazyRows`), so the
large company's thousands of invoices are never all read for one page. The tables and their rows are in
`sandbox.books_schema`; OAuth grants live beside them in the same file (`sandbox.grant_store`).
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TypeVar

from sandbox.books_schema import (
    COST_CENTERS,
    CUSTOMERS,
    FINDINGS,
    INSERT_ROWS,
    INSERT_VOUCHER,
    INVOICE_FILTERS,
    INVOICE_PAYMENTS,
    INVOICES,
    PROJECTS,
    SCHEMA_VERSION,
    SUPPLIER_INVOICE_FILTERS,
    SUPPLIER_INVOICES,
    SUPPLIER_PAYMENTS,
    SUPPLIERS,
    create_tables,
    insert_books,
    insert_company,
    read_account,
    read_company,
    read_row,
    read_voucher,
    row_values,
    voucher_values,
)
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
from sandbox.world import World, generate_company, generate_world

T = TypeVar("T")
Method = TypeVar("Method", bound=Callable[..., object])

# Freshly seeded files, serialized per (seed, whether the deferred companies' books are in), so a second sandbox in
# the same process (tests) starts in milliseconds instead of generating and inserting the world again.
_TEMPLATES: dict[tuple[int, bool], bytes] = {}
_TEMPLATES_LOCK = threading.Lock()


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
    def wrapper(self: BooksStore, tenant_id: str, *args: object, **kwargs: object) -> object:
        self.ensure_books(tenant_id)
        return method(self, tenant_id, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class BooksStore(SqliteFile):
    """The demo companies' books and ledgers, behind one lock."""

    def __init__(self, path: Path, seed: int, all_books: bool = False) -> None:
        super().__init__()
        self.path = path
        self.seed = seed
        self._generation_lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = not path.exists()
        self._conn = self._connect(all_books)
        if self.meta("schema_version") not in (None, SCHEMA_VERSION):
            self._conn.close()  # written by an older sandbox: start over with today's demo world
            for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            fresh = True
            self._conn = self._connect(all_books)
        if self.meta("schema_version") is None:
            self._initialise(seed)
        self._deferred = {r["tenant_id"] for r in self._query("SELECT tenant_id FROM companies WHERE books_loaded = 0")}
        if all_books and self._deferred:
            for tenant_id in sorted(self._deferred):
                self.ensure_books(tenant_id)
            if fresh:
                self._remember_template(all_books=True)

    def _connect(self, all_books: bool) -> sqlite3.Connection:
        if not self.path.exists():
            with _TEMPLATES_LOCK:
                template = _TEMPLATES.get((self.seed, all_books)) or _TEMPLATES.get((self.seed, False))
            if template is not None:
                self.path.write_bytes(template)
        return connect(self.path)

    # -- lifecycle -------------------------------------------------------------------------------
    def _initialise(self, seed: int) -> None:
        """Create the schema and write the demo world; remember the result as this process's template."""
        create_tables(self._conn)
        self._seed_world(generate_world(seed))
        self._remember_template(all_books=False)

    def _remember_template(self, all_books: bool) -> None:
        """Keep the file as it is now (untouched by any request) as the starting point of later stores."""
        if hasattr(self._conn, "serialize"):
            with self._lock:
                image = self._conn.serialize()
            with _TEMPLATES_LOCK:
                _TEMPLATES.setdefault((self.seed, all_books), image)

    def _seed_world(self, world: World) -> None:
        with self._transaction() as conn:
            conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
            conn.execute("INSERT INTO meta VALUES ('seed', ?)", (str(world.seed),))
            for position, company in enumerate(world.companies):
                insert_company(conn, position, company, books_loaded=True)
                insert_books(conn, company)
            for position, record in enumerate(world.deferred, start=len(world.companies)):
                insert_company(conn, position, record, books_loaded=False)

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
                insert_books(conn, company)
                conn.execute("UPDATE companies SET books_loaded = 1, locked_until = ? WHERE tenant_id = ?",
                             (company.locked_until.isoformat() if company.locked_until else None, tenant_id))
            self._deferred.discard(tenant_id)

    # -- companies and their registers -------------------------------------------------------------
    def companies(self) -> list[CompanyRecord]:
        return [read_company(r) for r in self._query("SELECT * FROM companies ORDER BY position")]

    @_needs_books
    def company(self, tenant_id: str) -> CompanyRecord | None:
        rows = self._query("SELECT * FROM companies WHERE tenant_id = ?", (tenant_id,))
        return read_company(rows[0]) if rows else None

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
        return [read_account(r) for r in rows]

    @_needs_books
    def account(self, tenant_id: str, year_id: int, number: str) -> ChartAccount | None:
        rows = self._query("SELECT * FROM accounts WHERE tenant_id = ? AND year_id = ? AND number = ?",
                           (tenant_id, year_id, number))
        return read_account(rows[0]) if rows else None

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
        return [read_voucher(r) for r in self._query(sql, params)]

    @_needs_books
    def voucher(self, tenant_id: str, year_id: int, series: str, number: int) -> Voucher | None:
        """One voucher with its rows."""
        heads = self._query("SELECT * FROM vouchers WHERE tenant_id = ? AND year_id = ? AND series = ? AND number = ?",
                            (tenant_id, year_id, series, number))
        if not heads:
            return None
        rows = self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? AND series = ?"
                           " AND number = ? ORDER BY position", (tenant_id, year_id, series, number))
        return replace(read_voucher(heads[0]), rows=tuple(read_row(r) for r in rows))

    @_needs_books
    def voucher_rows_by_voucher(self, tenant_id: str, year_id: int) -> dict[tuple[str, int], list[VoucherRow]]:
        """All rows of a year in one query, grouped per (series, number) — for the SIE export."""
        grouped: dict[tuple[str, int], list[VoucherRow]] = {}
        for r in self._query("SELECT * FROM voucher_rows WHERE tenant_id = ? AND year_id = ? "
                             "ORDER BY series, number, position", (tenant_id, year_id)):
            grouped.setdefault((r["series"], r["number"]), []).append(read_row(r))
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
            conn.execute(INSERT_VOUCHER, voucher_values(tenant_id, voucher))
            conn.executemany(INSERT_ROWS, row_values(tenant_id, voucher))
        return number



def open_books(data_dir: Path, seed: int, all_books: bool = False) -> BooksStore:
    """Open (creating and seeding on first use) the books for `seed` under `data_dir`; `all_books` generates the
    deferred companies' books now rather than on their first use."""
    return BooksStore(books_path(data_dir, seed), seed, all_books)


def books_path(data_dir: Path, seed: int) -> Path:
    """The sandbox's SQLite file for `seed` (books and OAuth grants)."""
    return Path(data_dir) / f"sandbox-seed{seed}.sqlite3"


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
