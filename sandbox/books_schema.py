"""The sandbox books' tables: their SQL, and how a generated company is written into rows and read back.

Amounts are integer öre; account numbers, series and tenant ids are strings. The ledger records (invoices,
payments, registers, findings) map field by field through `RecordTable`; the general ledger's tables are written
here by hand.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from sandbox.record_tables import RecordTable
from sandbox.records import (
    ChartAccount,
    CompanyRecord,
    CostCenter,
    Counterparty,
    CustomerInvoice,
    Finding,
    Payment,
    Project,
    SupplierInvoice,
    Voucher,
    VoucherRow,
)
from sandbox.sqlite_file import META_TABLE
from sandbox.world import Company

SCHEMA_VERSION = "3"

CUSTOMERS = RecordTable("customers", Counterparty, "number")
SUPPLIERS = RecordTable("suppliers", Counterparty, "number")
INVOICES = RecordTable("invoices", CustomerInvoice, "number")
SUPPLIER_INVOICES = RecordTable("supplier_invoices", SupplierInvoice, "number")
INVOICE_PAYMENTS = RecordTable("invoice_payments", Payment, "number")
SUPPLIER_PAYMENTS = RecordTable("supplier_invoice_payments", Payment, "number")
COST_CENTERS = RecordTable("cost_centers", CostCenter, "code")
PROJECTS = RecordTable("projects", Project, "number")
FINDINGS = RecordTable("findings", Finding, "kind")
RECORD_TABLES = (CUSTOMERS, SUPPLIERS, INVOICES, SUPPLIER_INVOICES, INVOICE_PAYMENTS, SUPPLIER_PAYMENTS,
                  COST_CENTERS, PROJECTS, FINDINGS)
INDEXES = """
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

BOOKS_SCHEMA = META_TABLE + """
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
"""


def create_tables(conn: sqlite3.Connection) -> None:
    """The books' tables and indexes, in an empty file."""
    conn.executescript(BOOKS_SCHEMA + "\n".join(t.create_sql() for t in RECORD_TABLES) + INDEXES)


def insert_company(conn: sqlite3.Connection, position: int, company: CompanyRecord, books_loaded: bool) -> None:
    conn.execute(
        "INSERT INTO companies VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (company.tenant_id, position, company.name, company.orgnr, company.address, company.zip_code, company.city,
         company.phone, company.contact, company.email,
         company.locked_until.isoformat() if company.locked_until else None, int(books_loaded)),
    )


def insert_books(conn: sqlite3.Connection, company: Company) -> None:
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
    conn.executemany(INSERT_VOUCHER, [voucher_values(tenant, v) for v in company.vouchers])
    conn.executemany(INSERT_ROWS, [row for v in company.vouchers for row in row_values(tenant, v)])
    documents = company.documents
    CUSTOMERS.insert(conn, tenant, documents.customers)
    SUPPLIERS.insert(conn, tenant, documents.suppliers)
    INVOICES.insert(conn, tenant, documents.invoices)
    SUPPLIER_INVOICES.insert(conn, tenant, documents.supplier_invoices)
    INVOICE_PAYMENTS.insert(conn, tenant, documents.invoice_payments)
    SUPPLIER_PAYMENTS.insert(conn, tenant, documents.supplier_payments)
    COST_CENTERS.insert(conn, tenant, company.cost_centers)
    PROJECTS.insert(conn, tenant, company.projects)
    FINDINGS.insert(conn, tenant, company.findings)


def read_company(r: sqlite3.Row) -> CompanyRecord:
    return CompanyRecord(
        tenant_id=r["tenant_id"], name=r["name"], orgnr=r["orgnr"], address=r["address"], zip_code=r["zip_code"],
        city=r["city"], phone=r["phone"], contact=r["contact"], email=r["email"],
        locked_until=date.fromisoformat(r["locked_until"]) if r["locked_until"] else None,
    )


def read_account(r: sqlite3.Row) -> ChartAccount:
    return ChartAccount(r["number"], r["description"], int(r["sru"]), r["vat_code"], bool(r["active"]))


def read_voucher(r: sqlite3.Row) -> Voucher:
    """A voucher head; its rows are read separately."""
    return Voucher(
        year_id=r["year_id"], series=r["series"], number=r["number"],
        transaction_date=date.fromisoformat(r["transaction_date"]),
        registration_date=date.fromisoformat(r["registration_date"]), description=r["description"],
        comments=r["comments"], reference_type=r["reference_type"], reference_number=r["reference_number"],
        approval_state=r["approval_state"], modified_at=r["modified_at"],
    )


def read_row(r: sqlite3.Row) -> VoucherRow:
    return VoucherRow(r["account"], r["debit"], r["credit"], r["transaction_information"], r["cost_center"],
                      r["project"], bool(r["removed"]), bool(r["added"]))


# Seeded and API-created vouchers are written the same way: a head, then its rows numbered by position.
INSERT_VOUCHER = "INSERT INTO vouchers VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
INSERT_ROWS = "INSERT INTO voucher_rows VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)"


def voucher_values(tenant_id: str, v: Voucher) -> tuple[object, ...]:
    return (tenant_id, v.year_id, v.series, v.number, v.transaction_date.isoformat(), v.registration_date.isoformat(),
            v.description, v.comments, v.reference_type, v.reference_number, v.approval_state, v.modified_at)


def row_values(tenant_id: str, v: Voucher) -> list[tuple[object, ...]]:
    return [(tenant_id, v.year_id, v.series, v.number, position, r.account, r.debit, r.credit,
             r.transaction_information, r.cost_center, r.project, int(r.removed), int(r.added))
            for position, r in enumerate(v.rows)]
