"""Radera företagets data: everything stored for one company goes, except what proves what was done.

Deleted: the company, its connection (revoked at Fortnox first), books, ledgers, attachments (the files on disk too,
unless another company or a kept voucher uses the same file), mappings, reconciliation marks, year-end vouchers not
exported, import staging and runs. Kept: vouchers already exported (they exist in Fortnox for good, and their
references keep a later export from creating them twice) and one audit line saying that the data was deleted, by
whom and when — the company's earlier audit lines go, since they describe its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from services import access, attachment_files, store
from services.config import Settings
from services.connections import disconnect
from services.imports.runs import RUNNING, end_abandoned_runs
from services.owners import owner_token
from services.timestamps import now_iso
from services.vouchers import EXPORTED

COMPANY_TABLES = (
    "financial_years", "accounts", "balances", "vouchers", "transactions", "struck_transactions", "parties",
    "ledger_invoices", "ledger_payments", "attachments", "import_staging", "import_cursors", "import_runs",
    "predefined_accounts", "reconciliation_marks", "reconciliation_links", "reconciliation_signoffs",
    "account_facts", "account_mappings", "mapping_reviews", "voucher_settings", "connection_permissions", "audit_log",
)


class DeleteRefused(Exception):
    """The data can't be deleted now; the message says why, in Swedish."""


@dataclass(frozen=True)
class DeleteResult:
    files_removed: int
    warning: str | None  # e.g. the token could not be revoked at Fortnox


@dataclass(frozen=True)
class DeletePreview:
    """What Radera företagets data would delete and keep, for the confirmation to say truthfully."""

    exported: list[str]  # Fortnox's series and number of each exported voucher, kept
    drafts: int  # vouchers not exported, deleted


def preview_delete(settings: Settings, company_id: str, actor: str) -> DeletePreview:
    access.require(settings, actor, "delete", company_id)
    with store.open_db(settings.database_path) as db:
        exported = [f"{row[0]} {row[1]}" for row in db.execute(
            "select fortnox_series, fortnox_number from adjustment_vouchers where company_id = ? and status = ? "
            "order by fortnox_series, cast(fortnox_number as integer)", [company_id, EXPORTED])]
        drafts = db.execute("select count(*) from adjustment_vouchers where company_id = ? and status != ?",
                            [company_id, EXPORTED]).fetchone()[0]
    return DeletePreview(exported=exported, drafts=drafts)


def delete_company_data(settings: Settings, company_id: str, actor: str) -> DeleteResult:
    """Delete what is stored for the company (see the module's docstring) and leave one audit line. The company is
    claimed first, under the same lock an import begins under, so no import can start (and stage rows) meanwhile."""
    access.require(settings, actor, "delete", company_id)
    with _claimed(settings, company_id):
        warning = disconnect(settings, company_id, actor)
        orphans = _delete_rows(settings, company_id, actor)
    return DeleteResult(files_removed=sum(_remove_file(settings, sha256) for sha256 in orphans), warning=warning)


@contextmanager
def _claimed(settings: Settings, company_id: str) -> Iterator[None]:
    """The company marked as being deleted by this process (refused while an import runs); the mark goes with the
    company, or is taken off again when the deletion fails. A mark whose process died is ignored by imports."""
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        if not db["companies"].count_where("id = ?", [company_id]):
            raise DeleteRefused("Företaget finns inte här längre.")
        end_abandoned_runs(db, company_id)
        if db["import_runs"].count_where("company_id = ? and status = ?", [company_id, RUNNING]):
            raise DeleteRefused("En import pågår för företaget. Avbryt den eller vänta tills den är klar.")
        db["companies"].update(company_id, {"deleting_by": owner_token()})
    try:
        yield
    except BaseException:
        with store.open_db(settings.database_path) as db:
            db["companies"].update(company_id, {"deleting_by": None})
        raise


def _delete_rows(settings: Settings, company_id: str, actor: str) -> list[str]:
    """Every row of the company in one transaction; returns the attachment files no one uses any more."""
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        files = {row[0] for row in db.execute("select sha256 from attachments where company_id = ?", [company_id])}
        drafts = [row[0] for row in db.execute(
            "select id from adjustment_vouchers where company_id = ? and status != ?", [company_id, EXPORTED])]
        files |= {row[0] for row in db.execute(
            "select attachment_sha256 from adjustment_vouchers where company_id = ? and status != ? "
            "and attachment_sha256 is not null", [company_id, EXPORTED])}
        for voucher_id in drafts:
            db["adjustment_rows"].delete_where("voucher_id = ?", [voucher_id])
            db["adjustment_vouchers"].delete_where("id = ?", [voucher_id])
        for table in COMPANY_TABLES:
            db[table].delete_where("company_id = ?", [company_id])
        db["connections"].delete_where("company_id = ?", [company_id])
        db["companies"].delete_where("id = ?", [company_id])
        still_used = {row[0] for row in db.execute(
            "select sha256 from attachments union select attachment_sha256 from adjustment_vouchers "
            "where attachment_sha256 is not null")}
        orphans = sorted(files - still_used)
        for sha256 in orphans:
            db["files"].delete_where("sha256 = ?", [sha256])
        db["audit_log"].insert({"at": now_iso(), "actor": actor, "company_id": company_id,
                                "action": "delete_company", "detail": "Företagets data raderades"})
    return orphans


def _remove_file(settings: Settings, sha256: str) -> int:
    """1 when the attachment's file was on disk and is gone now."""
    path = attachment_files._path(settings, sha256)  # the one place that knows the layout
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1
