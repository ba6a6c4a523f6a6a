"""The product's SQLite database: one file, WAL mode, schema by sqlite-utils migrations.

Open one `Database` per unit of work (`with open_db(path) as db:`): Streamlit runs every session in its own
thread and a sqlite3 connection must not cross threads.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database, Migrations

from services.errors import CORRUPT, ServiceError, failure_message

migrations = Migrations("skatt_bokslut")
TRANSACTIONS_BY_ACCOUNT = "idx_transactions_company_id_year_id_account"  # reconcile names it (INDEXED BY)


@migrations()
def m001_companies_and_connections(db: Database) -> None:
    db.table("companies").create(
        {"id": str, "orgnr": str, "name": str, "source": str, "tenant_id": str, "created_at": str},
        pk="id",
        not_null={"orgnr", "name", "source"},
    )
    db.table("companies").create_index(["orgnr"])
    db.table("oauth_pending").create({"state_hash": str, "created_at": int}, pk="state_hash")
    db.table("connections").create(
        {
            "company_id": str,
            "kind": str,
            "access_token": str,
            "refresh_token": str,
            "expires_at": int,
            "scope": str,
            "updated_at": str,
        },
        pk="company_id",
        foreign_keys=[("company_id", "companies", "id")],
    )


@migrations()
def m002_books(db: Database) -> None:
    db.table("financial_years").create(
        {"company_id": str, "year_id": str, "start": str, "end": str}, pk=("company_id", "year_id")
    )
    db.table("accounts").create(
        {"company_id": str, "year_id": str, "number": str, "name": str, "type": str, "sru": str},
        pk=("company_id", "year_id", "number"),
    )
    db.table("balances").create(
        {"company_id": str, "year_id": str, "kind": str, "account": str, "amount_ore": int},
        pk=("company_id", "year_id", "kind", "account"),
    )
    db.table("vouchers").create(
        {
            "company_id": str,
            "year_id": str,
            "series": str,
            "number": str,
            "date": str,
            "text": str,
            "reg_date": str,
        },
        pk=("company_id", "year_id", "series", "number"),
    )
    db.table("transactions").create(
        {
            "company_id": str,
            "year_id": str,
            "series": str,
            "number": str,
            "row_no": int,
            "account": str,
            "amount_ore": int,
            "text": str,
            "objects": str,
        },
        pk=("company_id", "year_id", "series", "number", "row_no"),
    )
    db.table("transactions").create_index(["company_id", "year_id", "account"], index_name=TRANSACTIONS_BY_ACCOUNT)


@migrations()
def m003_import_runs(db: Database) -> None:
    db.table("import_runs").create(
        {
            "id": int,
            "company_id": str,
            "parts": str,
            "started_by": str,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "counts": str,
            "requests": int,
            "error": str,
        },
        pk="id",
    )
    db.table("import_runs").create_index(["company_id", "started_at"])


@migrations()
def m004_adjustment_vouchers(db: Database) -> None:
    db.table("adjustment_vouchers").create(
        {
            "id": str,
            "company_id": str,
            "date": str,
            "text": str,
            "status": str,
            "reference": str,
            "fortnox_series": str,
            "fortnox_number": str,
            "fortnox_year": str,
            "error": str,
            "created_at": str,
            "exported_at": str,
        },
        pk="id",
        not_null={"company_id", "date", "text", "status"},
    )
    db.table("adjustment_vouchers").create_index(["company_id"])
    db.table("adjustment_vouchers").create_index(["reference"], unique=True)
    db.table("adjustment_rows").create(
        {
            "voucher_id": str,
            "row_no": int,
            "account": str,
            "debit_ore": int,
            "credit_ore": int,
            "text": str,
            "cost_center": str,
            "project": str,
        },
        pk=("voucher_id", "row_no"),
        foreign_keys=[("voucher_id", "adjustment_vouchers", "id")],
    )
    db.table("audit_log").create(
        {"id": int, "at": str, "actor": str, "company_id": str, "action": str, "detail": str}, pk="id"
    )


@migrations()
def m005_attempts_and_connection_time(db: Database) -> None:
    """When an export attempt started (to recognise one that never finished), and when a company was connected
    (token refreshes must not change which company the app opens on)."""
    db.table("adjustment_vouchers").add_column("attempted_at", str)
    db.table("connections").add_column("connected_at", str)


@migrations()
def m006_ledgers_attachments_and_staging(db: Database) -> None:
    """Customer and supplier ledgers, their attachments (content stored once by sha256), the staging area an
    interrupted import resumes from, the incremental cursors, and live progress and cancelling of a run."""
    db.table("parties").create(
        {"company_id": str, "kind": str, "number": str, "name": str, "orgnr": str},
        pk=("company_id", "kind", "number"),
    )
    db.table("ledger_invoices").create(
        {
            "company_id": str, "kind": str, "number": str, "party_number": str, "party_name": str,
            "invoice_date": str, "due_date": str, "total": int, "balance": int, "currency": str,
            "currency_rate": str, "currency_unit": str, "total_sek_ore": int, "booked": int, "cancelled": int,
            "final_pay_date": str, "vouchers": str, "external_number": str,
        },
        pk=("company_id", "kind", "number"),
    )
    db.table("ledger_payments").create(
        {
            "company_id": str, "kind": str, "number": str, "invoice": str, "amount_ore": int, "currency": str,
            "payment_date": str, "booked": int, "voucher_series": str, "voucher_number": str, "voucher_year": str,
        },
        pk=("company_id", "kind", "number"),
    )
    db.table("ledger_payments").create_index(["company_id", "kind", "invoice"])
    db.table("files").create({"sha256": str, "size": int, "content_type": str, "stored_at": str}, pk="sha256")
    db.table("attachments").create(
        {"company_id": str, "kind": str, "document": str, "file_id": str, "name": str, "sha256": str},
        pk=("company_id", "kind", "document", "file_id"),
        foreign_keys=[("sha256", "files", "sha256")],
    )
    db.table("import_staging").create(
        {"company_id": str, "part": str, "resource": str, "chunk": str, "signature": str, "payload": bytes,
         "staged_at": str},
        pk=("company_id", "part", "resource", "chunk"),
    )
    db.table("import_cursors").create({"company_id": str, "resource": str, "since": str}, pk=("company_id", "resource"))
    db.table("connection_permissions").create(
        {"company_id": str, "checked_at": str, "missing": str}, pk="company_id",
        foreign_keys=[("company_id", "companies", "id")],
    )
    db.table("import_runs").add_column("progress", str)
    db.table("import_runs").add_column("cancel_requested", int)
    db.table("import_runs").add_column("rate_limited", int)


@migrations()
def m007_control_accounts_reconciliation_and_mapping(db: Database) -> None:
    """Fortnox's predefined accounts (which accounts are the ledgers' control accounts), the marks people put on
    reconciliation findings, the editable reference chart (BAS with SRU), each company's mapping onto it, and when
    someone last confirmed a company's mappings for an import source."""
    db.table("predefined_accounts").create({"company_id": str, "name": str, "account": str}, pk=("company_id", "name"))
    db.table("reconciliation_marks").create(
        {"company_id": str, "check_id": str, "item_key": str, "status": str, "note": str, "marked_by": str,
         "marked_at": str},
        pk=("company_id", "check_id", "item_key"),
    )
    db.table("reference_accounts").create(
        {"number": str, "name": str, "type": str, "sru": str, "edited_by": str, "edited_at": str}, pk="number"
    )
    db.table("account_mappings").create(
        {"company_id": str, "account": str, "target_account": str, "sru": str, "mapped_by": str, "mapped_at": str},
        pk=("company_id", "account"),
    )
    db.table("mapping_reviews").create(
        {"company_id": str, "source": str, "reviewed_by": str, "reviewed_at": str}, pk="company_id"
    )


@migrations()
def m008_voucher_authoring_and_export(db: Database) -> None:
    """Year-end vouchers: where a draft came from (and which voucher a reversal undoes), which process holds an
    export (so a dead one's claim can be taken over at once), whether a failed attempt may have reached Fortnox,
    the attached PDF and its way into Fortnox, each company's year-end voucher series, and audit rows that name
    the voucher and Fortnox's reference."""
    for column in ("source", "reverses", "claimed_by", "updated_at", "attachment_sha256", "attachment_name",
                   "attachment_file_id", "attachment_error"):
        db.table("adjustment_vouchers").add_column(column, str)
    db.table("adjustment_vouchers").add_column("outcome_unknown", int)
    db.table("adjustment_vouchers").add_column("attachment_connected", int)
    db.table("voucher_settings").create(
        {"company_id": str, "series": str, "checked_at": str, "checked_by": str}, pk="company_id",
        foreign_keys=[("company_id", "companies", "id")],
    )
    db.table("audit_log").add_column("voucher_id", str)
    db.table("audit_log").add_column("fortnox_ref", str)
    db.table("audit_log").create_index(["company_id", "at"])


@migrations()
def m009_reconciliation_work_and_fortnox_facts(db: Database) -> None:
    """Which draft corrects which finding (so a correction is made once and recognised when it comes back), who
    signed off a check or the whole reconciliation at a balance date and on which figures (so an import that changes
    them reopens it), and the locked period and inactive accounts as Fortnox last said (one source for Avstämning
    and Kontomappning)."""
    db.table("reconciliation_links").create(
        {"company_id": str, "check_id": str, "item_key": str, "voucher_id": str, "linked_by": str, "linked_at": str},
        pk=("company_id", "check_id", "item_key"))
    db.table("reconciliation_links").create_index(["voucher_id"])
    db.table("reconciliation_signoffs").create(
        {"company_id": str, "balance_date": str, "check_id": str, "signed_by": str, "signed_at": str,
         "fingerprint": str, "figures": str, "reopened_by": str, "reopened_at": str, "changes": str},
        pk=("company_id", "balance_date", "check_id"))
    db.table("account_facts").create(
        {"company_id": str, "year_id": str, "locked_until": str, "inactive": str, "checked_at": str},
        pk=("company_id", "year_id"))


@migrations()
def m010_struck_transactions(db: Database) -> None:
    """Rows struck by a correction in Fortnox (SIE `#BTRANS`, API `"Removed": true`): kept for the drill-down to
    show as struck, in a table of their own so that no sum over `transactions` ever counts them. `row_no` numbers
    a voucher's struck rows in file order; `struck_by` is who corrected the voucher, as Fortnox names them."""
    db.table("struck_transactions").create(
        {
            "company_id": str,
            "year_id": str,
            "series": str,
            "number": str,
            "row_no": int,
            "account": str,
            "amount_ore": int,
            "text": str,
            "objects": str,
            "struck_by": str,
        },
        pk=("company_id", "year_id", "series", "number", "row_no"),
    )


@migrations()
def m011_import_run_owners_and_company_lock(db: Database) -> None:
    """Which process runs an import and when it last showed life (a run whose process has ended is over at once,
    whatever the reason it ended), and which process is deleting a company (no import may start meanwhile)."""
    db.table("import_runs").add_column("owner", str)
    db.table("import_runs").add_column("heartbeat_at", str)
    db.table("companies").add_column("deleting_by", str)


def connect(path: Path) -> Database:
    """A connection with a busy timeout, so concurrent writers wait instead of failing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=60, isolation_level=None)
    db = Database(conn)
    db.execute("PRAGMA busy_timeout = 60000")  # well above a token call, the longest write transaction
    db.execute("PRAGMA foreign_keys = ON")
    return db


@contextmanager
def open_db(path: Path) -> Iterator[Database]:
    db = connect(path)
    try:
        yield db
    finally:
        db.close()


def migrate(path: Path) -> None:
    """Create or upgrade the schema; safe to call at every start. A new database file is readable by its owner only
    (SQLite gives its -wal and -shm files the same mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    with open_db(path) as db:
        db.enable_wal()
        migrations.apply(db)


class StoreProblem(ServiceError):
    """The database can't be used as it is; `message` says in Swedish what is wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def open_checked(path: Path) -> None:
    """What every entry point does with the database first: SQLite's own check of every page (PRAGMA quick_check),
    then the migrations; a damaged file or a full disk is a StoreProblem, so nothing runs on against it."""
    try:
        if path.exists():
            with open_db(path) as db:
                verdict = [row[0] for row in db.execute("PRAGMA quick_check").fetchall()]
            if verdict != ["ok"]:
                raise StoreProblem(CORRUPT)
        migrate(path)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise StoreProblem(failure_message(exc) or CORRUPT) from None


@dataclass(frozen=True)
class TableRows:
    """Rows for one table, built before the write transaction that stores them and written by one SQL statement.
    Row by row (executemany, sqlite-utils' insert_all) the writing thread gives up Python's lock at every row and
    waits for it again behind every session's thread: with ten sessions open, an import's publish held the database
    for minutes and other writes gave up. One statement over a JSON array keeps the loop inside SQLite."""

    table: str
    columns: tuple[str, ...]
    values: list[tuple[Any, ...]]
    replace: bool = False

    @classmethod
    def of(cls, table: str, rows: Iterable[Mapping[str, Any]], *, replace: bool = False) -> TableRows:
        """Dicts with the same keys (a table's columns) as one batch; `replace` is INSERT OR REPLACE."""
        listed = list(rows)
        columns = tuple(listed[0]) if listed else ()
        return cls(table, columns, [tuple(row[column] for column in columns) for row in listed], replace)

    def insert(self, db: Database) -> None:
        if not self.values:
            return
        verb = "insert or replace" if self.replace else "insert"
        names = ", ".join(f'"{column}"' for column in self.columns)
        fields = ", ".join(f"json_extract(value, '$[{index}]')" for index in range(len(self.columns)))
        db.execute(f'{verb} into "{self.table}" ({names}) select {fields} from json_each(?) order by key',
                   [json.dumps(self.values, ensure_ascii=False)])


@contextmanager
def write_lock(db: Database) -> Iterator[Database]:
    """A write transaction taken up front (BEGIN IMMEDIATE): a lock that holds across threads and processes."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    else:
        db.execute("COMMIT")


