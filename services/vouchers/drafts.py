"""Year-end adjustment vouchers (bokslutsverifikationer): what a voucher is, and writing, editing, reversing and
attaching files to drafts. Checks live in `voucher_checks`, the export to Fortnox in `voucher_export`.

A voucher may only change while nothing of it can be in Fortnox: a draft, or one whose last attempt Fortnox
refused outright. Once an attempt's outcome is unknown, the voucher is frozen until an export has looked it up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date

from sqlite_utils import Database

from services import attachment_files, store
from services.audit import AuditAction, record
from services.config import Settings
from services.context import Acting
from services.money import oversized
from services.timestamps import now_iso
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherError, VoucherSource, VoucherStatus

DEFAULT_SERIES = "A"
REFERENCE_PREFIX = "Skatt & Bokslut ref "
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def _insert_rows(db: Database, voucher_id: str, day: date, text: str, rows: Sequence[AdjustmentRow]) -> None:
    """The rows as stored; an amount the store can't hold is refused with the voucher and row named."""
    for row_no, row in enumerate(rows, start=1):
        if refusal := oversized(f"«{text.strip()}» ({day}), rad {row_no}", row.debit_ore, row.credit_ore):
            raise VoucherError(refusal)
    db.table("adjustment_rows").insert_all(
        {
            "voucher_id": voucher_id,
            "row_no": row_no,
            "account": row.account.strip(),
            "debit_ore": row.debit_ore,
            "credit_ore": row.credit_ore,
            "text": row.text.strip(),
            "cost_center": row.cost_center.strip(),
            "project": row.project.strip(),
        }
        for row_no, row in enumerate(rows, start=1)
    )


def create_draft(db: Database, company_id: str, day: date, text: str, rows: Sequence[AdjustmentRow], *,
                 source: str = VoucherSource.MANUAL, reverses: str | None = None) -> str:
    """Store a new draft; callers hold the transaction."""
    voucher_id = uuid.uuid4().hex
    db.table("adjustment_vouchers").insert(
        {"id": voucher_id, "company_id": company_id, "date": day.isoformat(), "text": text.strip(),
         "status": VoucherStatus.DRAFT,
         "created_at": now_iso(), "updated_at": now_iso(), "source": source, "reverses": reverses}
    )
    _insert_rows(db, voucher_id, day, text, rows)
    return voucher_id


def voucher_from_row(db: Database, row: dict) -> AdjustmentVoucher:
    rows = tuple(
        AdjustmentRow(account=r["account"], debit_ore=r["debit_ore"], credit_ore=r["credit_ore"], text=r["text"] or "",
                      cost_center=r["cost_center"] or "", project=r["project"] or "")
        for r in db["adjustment_rows"].rows_where("voucher_id = ?", [row["id"]], order_by="row_no")
    )
    return AdjustmentVoucher(
        id=row["id"], company_id=row["company_id"], date=date.fromisoformat(row["date"]), text=row["text"],
        status=VoucherStatus(row["status"]), rows=rows, fortnox_series=row["fortnox_series"],
        fortnox_number=row["fortnox_number"],
        fortnox_year=row["fortnox_year"], error=row["error"], attempted_at=row["attempted_at"],
        reference=row["reference"], claimed_by=row["claimed_by"], outcome_unknown=bool(row["outcome_unknown"]),
        source=VoucherSource(row["source"] or VoucherSource.MANUAL), reverses=row["reverses"],
        attachment_name=row["attachment_name"],
        attachment_sha256=row["attachment_sha256"], attachment_connected=bool(row["attachment_connected"]),
        attachment_error=row["attachment_error"],
    )


def load(db: Database, company_id: str, voucher_id: str) -> AdjustmentVoucher | None:
    rows = list(db["adjustment_vouchers"].rows_where("id = ? and company_id = ?", [voucher_id, company_id]))
    return voucher_from_row(db, rows[0]) if rows else None


def list_vouchers(settings: Settings, company_id: str) -> list[AdjustmentVoucher]:
    with store.open_db(settings.database_path) as db:
        return [
            voucher_from_row(db, row)
            for row in db["adjustment_vouchers"].rows_where("company_id = ?", [company_id], order_by="date, created_at")
        ]


def get_voucher(settings: Settings, company_id: str, voucher_id: str) -> AdjustmentVoucher:
    with store.open_db(settings.database_path) as db:
        found = load(db, company_id, voucher_id)
    if found is None:
        raise VoucherError("Verifikationen finns inte (längre) för det här företaget.")
    return found


def _editable(db: Database, company_id: str, voucher_id: str) -> AdjustmentVoucher:
    found = load(db, company_id, voucher_id)
    if found is None:
        raise VoucherError("Verifikationen finns inte (längre) för det här företaget.")
    if not found.editable:
        if found.status == VoucherStatus.EXPORTED:
            raise VoucherError(f"{found.name} är exporterad till Fortnox som {found.fortnox_label} och kan inte ändras. "
                               "Skapa en vändning och en ny verifikation i stället.")
        raise VoucherError(f"{found.name} kan redan ha nått Fortnox. Exportera den igen så kontrolleras det i Fortnox "
                           "först; därefter kan den ändras om den inte fanns där.")
    return found


@contextmanager
def _writing(settings: Settings, company_id: str, actor: str) -> Iterator[Database]:
    """The database under the write lock, for a person who may draft the company's vouchers (refused otherwise,
    with the reason and a line in the audit log)."""
    with Acting(settings, actor).writing("reconcile", company_id) as db:
        yield db


def add_drafts(settings: Settings, company_id: str, drafts: Sequence[tuple[date, str, Sequence[AdjustmentRow]]], *,
               actor: str, source: str = VoucherSource.MANUAL) -> list[str]:
    """Store several drafts at once (all or none)."""
    with _writing(settings, company_id, actor) as db:
        return [create_draft(db, company_id, day, text, rows, source=source) for day, text, rows in drafts]


def update_draft(settings: Settings, company_id: str, voucher_id: str, day: date, text: str,
                 rows: Sequence[AdjustmentRow], *, actor: str) -> None:
    """Replace a draft's date, text and rows; a refused voucher becomes a draft again."""
    with _writing(settings, company_id, actor) as db:
        _editable(db, company_id, voucher_id)
        db.table("adjustment_vouchers").update(voucher_id, {"date": day.isoformat(), "text": text.strip(),
                                                            "status": VoucherStatus.DRAFT,
                                                            "error": None, "updated_at": now_iso()})
        db.execute("delete from adjustment_rows where voucher_id = ?", [voucher_id])
        _insert_rows(db, voucher_id, day, text, rows)


def delete_draft(settings: Settings, company_id: str, voucher_id: str, *, actor: str) -> None:
    with _writing(settings, company_id, actor) as db:
        _editable(db, company_id, voucher_id)
        db.execute("delete from adjustment_rows where voucher_id = ?", [voucher_id])
        db.execute("delete from adjustment_vouchers where id = ?", [voucher_id])


def create_reversal(settings: Settings, company_id: str, voucher_id: str, day: date | None = None, *,
                    actor: str) -> str:
    """A new draft that undoes an exported voucher (debit and credit swapped): Fortnox vouchers never change."""
    with _writing(settings, company_id, actor) as db:
        original = load(db, company_id, voucher_id)
        if original is None or original.status != VoucherStatus.EXPORTED:
            raise VoucherError("Bara en exporterad verifikation kan vändas.")
        rows = [replace(row, debit_ore=row.credit_ore, credit_ore=row.debit_ore) for row in original.rows]
        text = f"Vändning av {original.fortnox_label} {original.text}"[:200]
        return create_draft(db, company_id, day or original.date, text, rows, source=VoucherSource.REVERSAL,
                            reverses=original.id)


def attach_pdf(settings: Settings, company_id: str, voucher_id: str, name: str, content: bytes, *,
               actor: str) -> None:
    """Keep a PDF with a draft; it goes to Fortnox's inbox and is connected to the voucher when it is exported."""
    if not content.startswith(PDF_MAGIC):
        raise VoucherError(f"Filen {name} är inte en PDF. Välj en PDF-fil.")
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise VoucherError(f"Filen {name} är större än {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB. Välj en mindre fil.")
    Acting(settings, actor).require("reconcile", company_id)  # before the file is kept
    sha256 = attachment_files.keep(settings, content, "application/pdf")  # it takes the write lock itself
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        _editable(db, company_id, voucher_id)
        db.table("adjustment_vouchers").update(voucher_id, {"attachment_sha256": sha256, "attachment_name": name,
                                                            "attachment_file_id": None, "attachment_connected": 0,
                                                            "attachment_error": None, "updated_at": now_iso()})


def remove_attachment(settings: Settings, company_id: str, voucher_id: str, *, actor: str) -> None:
    with _writing(settings, company_id, actor) as db:
        _editable(db, company_id, voucher_id)
        db.table("adjustment_vouchers").update(voucher_id, {"attachment_sha256": None, "attachment_name": None,
                                                            "attachment_file_id": None, "updated_at": now_iso()})


def series_for(settings: Settings, company_id: str) -> str:
    """The company's year-end voucher series (A, Redovisning, until someone chooses another)."""
    with store.open_db(settings.database_path) as db:
        row = db.execute("select series from voucher_settings where company_id = ?", [company_id]).fetchone()
    return row[0] if row else DEFAULT_SERIES


def set_series(settings: Settings, company_id: str, series: str, actor: str) -> None:
    with _writing(settings, company_id, actor) as db:
        db.table("voucher_settings").upsert({"company_id": company_id, "series": series.strip().upper(),
                                             "checked_at": now_iso(), "checked_by": actor}, pk="company_id")
        record(db, actor, AuditAction.SERIES, company_id, f"Verifikationsserie för bokslutsverifikationer: {series}")


def audit_entries(settings: Settings, company_id: str) -> list[dict]:
    """The company's audit log, newest first."""
    with store.open_db(settings.database_path) as db:
        return list(db.query(
            "select at, actor, action, voucher_id, fortnox_ref, detail from audit_log where company_id = ? "
            "order by at desc, id desc", [company_id]))


def financial_year_label(settings: Settings, company_id: str, day: date) -> str:
    """The imported financial year a date falls in, as "2025-01-01 – 2025-12-31", for the export confirmation."""
    with store.open_db(settings.database_path) as db:
        for row in db.query(
            'select start, "end" from financial_years where company_id = ? and start <= ? and "end" >= ?',
            [company_id, day.isoformat(), day.isoformat()],
        ):
            return f"{row['start']} – {row['end']}"
    return "inget importerat räkenskapsår"


def known_accounts(settings: Settings, company_id: str) -> dict[str, str]:
    """The accounts of the company's latest imported year (number → name), for choosing accounts in the editor."""
    with store.open_db(settings.database_path) as db:
        return {row["number"]: row["name"] for row in db.query(
            "select number, name from accounts where company_id = ? and year_id = (select year_id from financial_years "
            'where company_id = ? order by "end" desc limit 1) order by number', [company_id, company_id])}
