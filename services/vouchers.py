"""Year-end adjustment vouchers (bokslutsverifikationer): drafts, and their export to Fortnox exactly once.

Fortnox has no idempotency key and its vouchers can never be changed or deleted, so a duplicate is permanent
damage. Each export claims the voucher under a database lock, records a unique reference before the POST, writes
that reference into the voucher's Comments, and after an unknown outcome looks for it in Fortnox before retrying.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlite_utils import Database

from services import store
from services.config import Settings
from services.connections import open_client
from services.fortnox import resources
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxApiError, FortnoxError, FortnoxUnavailable, RateLimited
from services.money import ore_to_decimal
from services.timestamps import now_iso

DRAFT, SENDING, EXPORTED, FAILED = "draft", "sending", "exported", "failed"
STATUS_LABELS = {DRAFT: "Utkast", SENDING: "Skickas", EXPORTED: "Exporterad", FAILED: "Fel"}
DEFAULT_SERIES = "A"
REFERENCE_PREFIX = "Skatt & Bokslut ref "
STUCK_SENDING = timedelta(minutes=5)


@dataclass(frozen=True)
class AdjustmentRow:
    account: str
    debit_ore: int = 0
    credit_ore: int = 0
    text: str = ""


@dataclass(frozen=True)
class AdjustmentVoucher:
    id: str
    company_id: str
    date: date
    text: str
    status: str
    rows: tuple[AdjustmentRow, ...]
    fortnox_series: str | None = None
    fortnox_number: str | None = None
    fortnox_year: str | None = None
    error: str | None = None
    attempted_at: str | None = None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def exportable(self) -> bool:
        """Drafts, refused ones, and sends that never finished (a crash mid-export; checked in Fortnox first)."""
        if self.status == SENDING:
            return (self.attempted_at or "") < now_iso(-STUCK_SENDING)
        return self.status in (DRAFT, FAILED)

    @property
    def total_ore(self) -> int:
        return sum(row.debit_ore for row in self.rows)

    @property
    def fortnox_label(self) -> str:
        return f"{self.fortnox_series} {self.fortnox_number}" if self.fortnox_number else ""


@dataclass(frozen=True)
class ExportResult:
    voucher_id: str
    ok: bool
    message: str
    series: str | None = None
    number: str | None = None
    year: str | None = None


class ExportRefused(Exception):
    """The export could not start at all (e.g. nothing exportable was chosen)."""


def create_draft(db: Database, company_id: str, day: date, text: str, rows: Sequence[AdjustmentRow]) -> str:
    """Store a new draft; callers hold the transaction."""
    voucher_id = uuid.uuid4().hex
    db["adjustment_vouchers"].insert(
        {"id": voucher_id, "company_id": company_id, "date": day.isoformat(), "text": text, "status": DRAFT, "created_at": now_iso()}
    )
    db["adjustment_rows"].insert_all(
        {
            "voucher_id": voucher_id,
            "row_no": row_no,
            "account": row.account,
            "debit_ore": row.debit_ore,
            "credit_ore": row.credit_ore,
            "text": row.text,
        }
        for row_no, row in enumerate(rows, start=1)
    )
    return voucher_id


def _voucher(db: Database, row: dict) -> AdjustmentVoucher:
    rows = tuple(
        AdjustmentRow(account=r["account"], debit_ore=r["debit_ore"], credit_ore=r["credit_ore"], text=r["text"] or "")
        for r in db["adjustment_rows"].rows_where("voucher_id = ?", [row["id"]], order_by="row_no")
    )
    return AdjustmentVoucher(
        id=row["id"],
        company_id=row["company_id"],
        date=date.fromisoformat(row["date"]),
        text=row["text"],
        status=row["status"],
        rows=rows,
        fortnox_series=row["fortnox_series"],
        fortnox_number=row["fortnox_number"],
        fortnox_year=row["fortnox_year"],
        error=row["error"],
        attempted_at=row["attempted_at"],
    )


def list_vouchers(settings: Settings, company_id: str) -> list[AdjustmentVoucher]:
    with store.open_db(settings.database_path) as db:
        return [
            _voucher(db, row)
            for row in db["adjustment_vouchers"].rows_where("company_id = ?", [company_id], order_by="date, created_at")
        ]


def financial_year_label(settings: Settings, company_id: str, day: date) -> str:
    """The imported financial year a date falls in, as "2025-01-01 – 2025-12-31", for the export confirmation."""
    with store.open_db(settings.database_path) as db:
        for row in db.query(
            'select start, "end" from financial_years where company_id = ? and start <= ? and "end" >= ?',
            [company_id, day.isoformat(), day.isoformat()],
        ):
            return f"{row['start']} – {row['end']}"
    return "inget importerat räkenskapsår"


def _claim(settings: Settings, company_id: str, voucher_id: str) -> tuple[AdjustmentVoucher, str, bool] | None:
    """Move one voucher to SENDING under the write lock; None when another export owns it or it is done.

    Returns the voucher, its reference and whether an earlier attempt may already have reached Fortnox.
    """
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        rows = list(db["adjustment_vouchers"].rows_where("id = ? and company_id = ?", [voucher_id, company_id]))
        if not rows:
            return None
        voucher = _voucher(db, rows[0])
        if not voucher.exportable:
            return None
        earlier_attempt = rows[0]["reference"] is not None
        reference = rows[0]["reference"] or uuid.uuid4().hex
        db["adjustment_vouchers"].update(voucher_id, {"status": SENDING, "reference": reference, "attempted_at": now_iso()})
        return voucher, reference, earlier_attempt


def _record(settings: Settings, voucher: AdjustmentVoucher, actor: str, result: ExportResult) -> None:
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        if result.ok:
            update = {
                "status": EXPORTED,
                "fortnox_series": result.series,
                "fortnox_number": result.number,
                "fortnox_year": result.year,
                "error": None,
                "exported_at": now_iso(),
            }
        else:
            update = {"status": FAILED, "error": result.message}
        db["adjustment_vouchers"].update(voucher.id, update)
        db["audit_log"].insert(
            {
                "at": now_iso(),
                "actor": actor,
                "company_id": voucher.company_id,
                "action": "export" if result.ok else "export_refused",
                "detail": f"{voucher.text} {voucher.date}: {result.message}",
            }
        )


def _find_in_fortnox(client: FortnoxClient, year_id: str, voucher: AdjustmentVoucher, reference: str) -> resources.VoucherRef | None:
    for ref in resources.vouchers_on(client, year_id, voucher.date):
        if reference in ref.comments:
            return ref
    return None


def _send_one(client: FortnoxClient, years: list[resources.FinancialYear], voucher: AdjustmentVoucher, reference: str, earlier_attempt: bool, series: str) -> ExportResult:
    year = next((y for y in years if y.contains(voucher.date)), None)
    if year is None:
        return ExportResult(voucher.id, False, f"Det finns inget räkenskapsår i Fortnox för datumet {voucher.date}. Skapa året i Fortnox först.")
    if earlier_attempt:
        found = _find_in_fortnox(client, year.id, voucher, reference)
        if found:
            return _exported(voucher, found)
    payload = resources.voucher_payload(
        series,
        voucher.date,
        voucher.text,
        REFERENCE_PREFIX + reference,
        [
            resources.VoucherRow(account=row.account, debit=ore_to_decimal(row.debit_ore), credit=ore_to_decimal(row.credit_ore), text=row.text)
            for row in voucher.rows
        ],
    )
    try:
        return _exported(voucher, resources.create_voucher(client, year.id, payload))
    except FortnoxApiError as exc:
        return ExportResult(voucher.id, False, f"Fortnox nekade verifikationen: {exc.message}")
    except (FortnoxUnavailable, RateLimited) as exc:
        found = _find_in_fortnox(client, year.id, voucher, reference)
        if found:
            return _exported(voucher, found)
        return ExportResult(voucher.id, False, f"{exc.message} Verifikationen hittades inte i Fortnox; vid nästa export kontrolleras det igen innan den skickas.")


def _exported(voucher: AdjustmentVoucher, ref: resources.VoucherRef) -> ExportResult:
    return ExportResult(voucher.id, True, f"Exporterad som {ref.series} {ref.number}", ref.series, ref.number, ref.year_id)


def export_vouchers(settings: Settings, company_id: str, voucher_ids: Sequence[str], *, actor: str, series: str = DEFAULT_SERIES) -> list[ExportResult]:
    """Create each chosen voucher in Fortnox once; a voucher already exported or being exported is skipped."""
    if not voucher_ids:
        raise ExportRefused("Markera minst en verifikation att exportera.")
    results: list[ExportResult] = []
    with open_client(settings, company_id) as client:
        years: list[resources.FinancialYear] | None = None
        for voucher_id in voucher_ids:
            claimed = _claim(settings, company_id, voucher_id)
            if claimed is None:
                results.append(ExportResult(voucher_id, False, "Verifikationen är redan exporterad eller håller på att exporteras."))
                continue
            voucher, reference, earlier_attempt = claimed
            try:
                if years is None:
                    years = resources.financial_years(client)
                result = _send_one(client, years, voucher, reference, earlier_attempt, series)
            except FortnoxError as exc:
                result = ExportResult(voucher.id, False, exc.message)
            _record(settings, voucher, actor, result)
            results.append(result)
    return results
