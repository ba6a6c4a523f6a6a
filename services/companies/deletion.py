"""Radera företagets data: everything stored for one company goes, except what proves what was done.

Deleted: the company, its connection (revoked at Fortnox first), and every row of every table with a `company_id`
column, found from the database's schema, so a table added later goes too without anyone remembering to list it.
Attachment files on disk go with their rows, unless another company or a kept voucher uses the same file.

The exceptions, by design (`KEPT_BY_DESIGN`): vouchers already exported (they exist in Fortnox for good, and their
references keep a later export from creating them twice), with their rows; and one audit line saying that the data
was deleted, by whom and when — the company's earlier audit lines go, since they describe its data.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from services import attachment_files, store
from services.audit import AuditAction, record
from services.companies.connections import disconnect
from services.companies.model import DeletePreview, DeleteRefused, DeleteResult
from services.config import Settings
from services.context import Acting
from services.imports.model import RunStatus
from services.imports.runs import end_abandoned_runs
from services.owners import owner_token
from services.vouchers.model import VoucherStatus

# Tables with a company_id whose rows are not all deleted: only the drafts among the year-end vouchers go.
KEPT_BY_DESIGN = frozenset({"adjustment_vouchers"})


def company_tables(db: Database) -> list[str]:
    """Every table holding company data: those with a `company_id` column, as the schema says today."""
    return sorted(name for name in db.table_names()
                  if "company_id" in db[name].columns_dict and name not in KEPT_BY_DESIGN)


def preview_delete(settings: Settings, company_id: str, actor: str) -> DeletePreview:
    """What delete_company_data would delete and keep: the exported vouchers by their Fortnox numbers."""
    Acting(settings, actor).require("delete", company_id)
    with store.open_db(settings.database_path) as db:
        exported = [f"{row[0]} {row[1]}" for row in db.execute(
            "select fortnox_series, fortnox_number from adjustment_vouchers where company_id = ? and status = ? "
            "order by fortnox_series, cast(fortnox_number as integer)", [company_id, VoucherStatus.EXPORTED])]
        drafts = db.execute("select count(*) from adjustment_vouchers where company_id = ? and status != ?",
                            [company_id, VoucherStatus.EXPORTED]).fetchone()[0]
    return DeletePreview(exported=exported, drafts=drafts)


def delete_company_data(settings: Settings, company_id: str, actor: str) -> DeleteResult:
    """Delete what is stored for the company (see the module's docstring) and leave one audit line. The company is
    claimed first, under the same lock an import begins under, so no import can start (and stage rows) meanwhile."""
    Acting(settings, actor).require("delete", company_id)
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
        if db["import_runs"].count_where("company_id = ? and status = ?", [company_id, RunStatus.RUNNING]):
            raise DeleteRefused("En import pågår för företaget. Avbryt den eller vänta tills den är klar.")
        db.table("companies").update(company_id, {"deleting_by": owner_token()})
    try:
        yield
    except BaseException:
        with store.open_db(settings.database_path) as db:
            db.table("companies").update(company_id, {"deleting_by": None})
        raise


def _delete_rows(settings: Settings, company_id: str, actor: str) -> list[str]:
    """Every row of the company in one transaction; returns the attachment files no one uses any more."""
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        files = {row[0] for row in db.execute("select sha256 from attachments where company_id = ?", [company_id])}
        drafts = [row[0] for row in db.execute(
            "select id from adjustment_vouchers where company_id = ? and status != ?",
            [company_id, VoucherStatus.EXPORTED])]
        files |= {row[0] for row in db.execute(
            "select attachment_sha256 from adjustment_vouchers where company_id = ? and status != ? "
            "and attachment_sha256 is not null", [company_id, VoucherStatus.EXPORTED])}
        for voucher_id in drafts:
            db.table("adjustment_rows").delete_where("voucher_id = ?", [voucher_id])
            db.table("adjustment_vouchers").delete_where("id = ?", [voucher_id])
        for table in company_tables(db):
            db.table(table).delete_where("company_id = ?", [company_id])
        db.table("companies").delete_where("id = ?", [company_id])
        still_used = {row[0] for row in db.execute(
            "select sha256 from attachments union select attachment_sha256 from adjustment_vouchers "
            "where attachment_sha256 is not null")}
        orphans = sorted(files - still_used)
        for sha256 in orphans:
            db.table("files").delete_where("sha256 = ?", [sha256])
        record(db, actor, AuditAction.DELETE_COMPANY, company_id, "Företagets data raderades")
    return orphans


def _remove_file(settings: Settings, sha256: str) -> int:
    """1 when the attachment's file was on disk and is gone now."""
    path = attachment_files._path(settings, sha256)  # the one place that knows the layout
    try:
        path.unlink()
    except FileNotFoundError:
        return 0
    return 1
