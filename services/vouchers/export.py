"""Export of year-end vouchers to Fortnox, each created there exactly once.

Fortnox has no idempotency key and its vouchers can never be changed or deleted, so a duplicate is permanent
damage. Each voucher is claimed under the database's write lock (one export owns it; a double click, a second tab
or a second person gets "skipped"), gets a unique reference recorded before the POST and written into its
Comments, and after any answer that leaves the outcome open (timeout, broken connection, 5xx, a crash) is looked up
in Fortnox by that reference before anything is sent again. Only a 429 or a 401 — refused before Fortnox did
anything — is retried without a look-up.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date

from services import attachment_files, logs, store
from services.audit import AuditAction, record
from services.companies.connections import open_client
from services.config import Settings
from services.context import Acting
from services.fortnox import files, resources
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxApiError, FortnoxError, FortnoxUnavailable, RateLimited, Unauthorized
from services.money import ore_to_decimal
from services.owners import owner_token
from services.timestamps import now_iso
from services.vouchers.checks import (
    FortnoxBooks,
    cover,
    draft_problems,
    fortnox_problems,
    load_books,
    series_problems,
)
from services.vouchers.drafts import REFERENCE_PREFIX, load, series_for
from services.vouchers.model import (
    AdjustmentVoucher,
    ExportOutcome,
    ExportRefused,
    ExportResult,
    VoucherCheck,
    VoucherStatus,
)

SEND_ATTEMPTS = 4
log = logging.getLogger(__name__)


def check_vouchers(settings: Settings, company_id: str, voucher_ids: Sequence[str], series: str) -> list[VoucherCheck]:
    """Every check, against Fortnox as it is now, without sending anything."""
    with store.open_db(settings.database_path) as db:
        chosen = [v for voucher_id in voucher_ids if (v := load(db, company_id, voucher_id)) is not None]
    with open_client(settings, company_id) as client:
        books = load_books(client, chosen)
    checks = []
    for voucher in chosen:
        year = books.year_of(voucher.date)
        label = f"{year.start} – {year.end}" if year else "inget räkenskapsår i Fortnox"
        checks.append(VoucherCheck(voucher, label, draft_problems(voucher) + fortnox_problems(voucher, books, series)))
    return checks


def available_series(settings: Settings, company_id: str) -> list[resources.VoucherSeries]:
    """The series of Fortnox's latest financial year, for choosing the year-end series."""
    with open_client(settings, company_id) as client:
        years = resources.financial_years(client)
        return resources.voucher_series(client, years[-1].id) if years else []


def check_series(settings: Settings, company_id: str, series: str) -> list[str]:
    """Whether the series exists and takes manual vouchers in each financial year the company's vouchers fall in
    (the latest year when there are none)."""
    with store.open_db(settings.database_path) as db:
        days = [row[0] for row in db.execute("select distinct date from adjustment_vouchers where company_id = ? "
                                             "and status != ?", [company_id, VoucherStatus.EXPORTED])]
    with open_client(settings, company_id) as client:
        books = FortnoxBooks(resources.financial_years(client), None)
        if not books.years:
            return ["Företaget har inget räkenskapsår i Fortnox. Skapa året i Fortnox först."]
        years = {year.id: year for day in days if (year := books.year_of(date.fromisoformat(day)))} or {
            books.years[-1].id: books.years[-1]}
        problems = []
        for year in years.values():
            books.series[year.id] = {s.code: s for s in resources.voucher_series(client, year.id)}
            problems += series_problems(books, series, year)
    return problems


def _claim(settings: Settings, company_id: str, voucher_id: str) -> tuple[AdjustmentVoucher, bool] | ExportResult:
    """Move one voucher to sending under the write lock, with its reference recorded; or say why it is skipped.

    Returns the voucher (carrying its reference) and whether an earlier attempt may already have reached Fortnox.
    """
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        voucher = load(db, company_id, voucher_id)
        if voucher is None:
            return ExportResult(voucher_id, ExportOutcome.SKIPPED, "Verifikationen finns inte för det här företaget.")
        if voucher.status == VoucherStatus.EXPORTED:
            return ExportResult(voucher_id, ExportOutcome.SKIPPED, f"{voucher.name} är redan exporterad till Fortnox som "
                                f"{voucher.fortnox_label}.", voucher.fortnox_series, voucher.fortnox_number,
                                voucher.fortnox_year)
        if not voucher.exportable:
            return ExportResult(voucher_id, ExportOutcome.SKIPPED, f"{voucher.name} exporteras redan just nu (i en annan "
                                "flik eller av någon annan). Vänta en stund och titta igen.")
        earlier_attempt = voucher.reference is not None
        reference = voucher.reference or uuid.uuid4().hex
        db.table("adjustment_vouchers").update(voucher_id, {"status": VoucherStatus.SENDING, "reference": reference,
                                                            "attempted_at": now_iso(), "claimed_by": owner_token()})
        claimed = load(db, company_id, voucher_id)
        assert claimed is not None  # updated just above, under the write lock
        return claimed, earlier_attempt


def _record(settings: Settings, voucher: AdjustmentVoucher, actor: str, result: ExportResult) -> None:
    """The outcome, and an audit row; a refusal that certainly never reached Fortnox frees the voucher for edits."""
    if result.ok:
        update = {"status": VoucherStatus.EXPORTED, "fortnox_series": result.series, "fortnox_number": result.number,
                  "fortnox_year": result.year, "error": None, "outcome_unknown": 0, "exported_at": now_iso(),
                  "claimed_by": None}
        # Fortnox's year id (1, 2, …) means nothing to a reader; the voucher's date names its financial year.
        action, ref = AuditAction.EXPORT, f"{result.series} {result.number} ({voucher.date:%Y-%m-%d})"
    else:
        update = {"status": VoucherStatus.FAILED, "error": result.message, "outcome_unknown": int(result.unknown),
                  "claimed_by": None}
        if not result.unknown:
            update["reference"] = None
        action, ref = (AuditAction.EXPORT_UNKNOWN if result.unknown else AuditAction.EXPORT_REFUSED), None
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        db.table("adjustment_vouchers").update(voucher.id, update)
        record(db, actor, action, voucher.company_id, f"{voucher.name}: {result.message}", voucher_id=voucher.id,
               fortnox_ref=ref)


def find_in_fortnox(client: FortnoxClient, year_id: str, voucher: AdjustmentVoucher) -> resources.VoucherRef | None:
    """The voucher in Fortnox (the look-up is logged either way)."""
    found = _search(client, year_id, voucher)
    logs.event(log, "export.lookup", company=voucher.company_id, voucher=voucher.id,
               outcome="found" if found else "not_found")
    return found


def _search(client: FortnoxClient, year_id: str, voucher: AdjustmentVoucher) -> resources.VoucherRef | None:
    """The voucher in Fortnox by its reference: same year and date, reference in Comments.

    A list item without Comments (older answers leave them out) is read in full; should Fortnox send no Comments
    there either, the voucher is recognised by its text and current rows — rows struck in Fortnox do not count.
    """
    if not voucher.reference:
        return None
    for ref in resources.vouchers_on(client, year_id, voucher.date):
        if ref.comments is None:
            booked = resources.voucher(client, year_id, ref.series, ref.number)
            if booked.ref.comments is None and _same_content(voucher, booked):
                return booked.ref
            ref = booked.ref
        if ref.comments and voucher.reference in ref.comments:
            return ref
    return None


def _same_content(voucher: AdjustmentVoucher, booked: resources.BookedVoucher) -> bool:
    """Same text and the same rows (account, debit, credit) in any order."""
    ours = sorted((row.account, ore_to_decimal(row.debit_ore), ore_to_decimal(row.credit_ore)) for row in voucher.rows)
    theirs = sorted((row.account, row.debit, row.credit) for row in booked.rows)
    return booked.description == voucher.text and ours == theirs


def _exported(voucher: AdjustmentVoucher, ref: resources.VoucherRef) -> ExportResult:
    return ExportResult(voucher.id, ExportOutcome.EXPORTED, f"Exporterad som {ref.series} {ref.number}", ref.series,
                        ref.number, ref.year_id)


def _unknown(voucher: AdjustmentVoucher, why: str) -> ExportResult:
    return ExportResult(voucher.id, ExportOutcome.FAILED, f"{why} Det går inte att säga om verifikationen kom fram; nästa "
                        "export letar efter den i Fortnox innan något skickas igen.", unknown=True)


def _found_earlier(client: FortnoxClient, year_id: str, voucher: AdjustmentVoucher) -> ExportResult | None:
    """The voucher's result when a send that may have arrived is settled by looking in Fortnox: exported when it is
    there, unknown when Fortnox can't be asked; None when it is not there (it may be sent)."""
    try:
        found = find_in_fortnox(client, year_id, voucher)
    except FortnoxError as exc:
        return _unknown(voucher, exc.message)
    return _exported(voucher, found) if found else None


def _payload(voucher: AdjustmentVoucher, series: str) -> dict:
    rows = [resources.VoucherRow(account=row.account, debit=ore_to_decimal(row.debit_ore),
                                 credit=ore_to_decimal(row.credit_ore), text=row.text, cost_center=row.cost_center,
                                 project=row.project) for row in voucher.rows]
    return resources.voucher_payload(series, voucher.date, voucher.text, REFERENCE_PREFIX + (voucher.reference or ""),
                                     rows)


def _send_one(settings: Settings, client: FortnoxClient, books: FortnoxBooks, voucher: AdjustmentVoucher,
              earlier_attempt: bool, series: str) -> ExportResult:
    try:
        cover(client, books, voucher)
    except FortnoxError as exc:
        return _unknown(voucher, exc.message) if earlier_attempt else ExportResult(voucher.id, ExportOutcome.FAILED,
                                                                                  exc.message)
    year = books.year_of(voucher.date)
    if earlier_attempt:
        if year is None:
            return _unknown(voucher, f"Fortnox har inget räkenskapsår för {voucher.date} att leta i.")
        if settled := _found_earlier(client, year.id, voucher):
            return settled
    problems = draft_problems(voucher) + fortnox_problems(voucher, books, series)
    if problems:
        return ExportResult(voucher.id, ExportOutcome.FAILED, "\n".join(problems))
    assert year is not None
    payload = _payload(voucher, series)
    retry = settings.fortnox.retry
    why = ""
    for attempt in range(1, SEND_ATTEMPTS + 1):
        if attempt > 1:
            wait = retry.delay(attempt - 1)
            logs.event(log, "export.retry", company=voucher.company_id, voucher=voucher.id, attempt=attempt,
                       wait=wait)
            retry.sleep(wait)
        try:
            return _exported(voucher, resources.create_voucher(client, year.id, payload))
        except FortnoxApiError as exc:
            return ExportResult(voucher.id, ExportOutcome.FAILED, f"Fortnox nekade verifikationen: {exc.message}")
        except (RateLimited, Unauthorized) as exc:  # refused before Fortnox did anything: no look-up needed
            why = exc.message
            continue
        except FortnoxUnavailable as exc:
            why = exc.message
        except FortnoxError as exc:
            return ExportResult(voucher.id, ExportOutcome.FAILED, exc.message)
        if settled := _found_earlier(client, year.id, voucher):
            return settled
    return _unknown(voucher, why)


def _send_attachment(settings: Settings, client: FortnoxClient, voucher: AdjustmentVoucher, result: ExportResult
                     ) -> str | None:
    """Upload the voucher's PDF to the inbox (once: the file id is kept) and connect it; the error, if any."""
    with store.open_db(settings.database_path) as db:
        file_id = db.execute("select attachment_file_id from adjustment_vouchers where id = ?",
                             [voucher.id]).fetchone()[0]
    error = None
    try:
        if not file_id:
            content = attachment_files.content(settings, voucher.attachment_sha256 or "")
            file_id = files.upload_to_inbox(client, voucher.attachment_name or "bilaga.pdf", content, "application/pdf")
            with store.open_db(settings.database_path) as db, store.write_lock(db):
                db.table("adjustment_vouchers").update(voucher.id, {"attachment_file_id": file_id})
        try:
            files.connect_to_voucher(client, file_id, result.series or "", result.number or "", result.year or "")
        except (FortnoxApiError, FortnoxUnavailable):
            if not files.voucher_connection_exists(client, file_id):
                raise
    except FortnoxError as exc:
        error = f"Bilagan {voucher.attachment_name} kunde inte kopplas till {result.series} {result.number}: " \
                f"{exc.message}"
    except OSError:
        error = f"Bilagan {voucher.attachment_name} finns inte längre på disken. Bifoga den igen i Fortnox."
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        db.table("adjustment_vouchers").update(voucher.id, {"attachment_connected": int(error is None),
                                                            "attachment_error": error})
    return error


def send_attachment(settings: Settings, company_id: str, voucher_id: str) -> str | None:
    """Try again to attach an exported voucher's PDF in Fortnox; the error, if any."""
    with store.open_db(settings.database_path) as db:
        voucher = load(db, company_id, voucher_id)
    if voucher is None or voucher.status != VoucherStatus.EXPORTED or not voucher.attachment_sha256:
        return "Verifikationen har ingen bilaga att skicka."
    result = ExportResult(voucher.id, ExportOutcome.EXPORTED, "", voucher.fortnox_series, voucher.fortnox_number,
                          voucher.fortnox_year)
    with open_client(settings, company_id) as client:
        return _send_attachment(settings, client, voucher, result)


def export_vouchers(settings: Settings, company_id: str, voucher_ids: Sequence[str], *, actor: str,
                    series: str | None = None) -> list[ExportResult]:
    """Create each chosen voucher in Fortnox once; one already exported, or being exported elsewhere, is skipped.

    Raises Refused when the actor's role or company access does not allow exporting (logged as refused),
    and FortnoxError when Fortnox can't be read before anything is claimed (nothing has changed then).
    """
    Acting(settings, actor).require("export", company_id)
    ids = list(dict.fromkeys(voucher_ids))
    if not ids:
        raise ExportRefused("Markera minst en verifikation att exportera.")
    series = series or series_for(settings, company_id)
    with store.open_db(settings.database_path) as db:
        candidates = [v for voucher_id in ids if (v := load(db, company_id, voucher_id)) is not None and v.exportable]
    results = []
    with open_client(settings, company_id) as client:
        books = load_books(client, candidates) if candidates else None
        for voucher_id in ids:
            claimed = _claim(settings, company_id, voucher_id)
            if isinstance(claimed, ExportResult):
                results.append(claimed)
                continue
            voucher, earlier_attempt = claimed
            try:
                books = books or load_books(client, [])
                result = _send_one(settings, client, books, voucher, earlier_attempt, series)
            except BaseException:
                _record(settings, voucher, actor, _unknown(voucher, "Exporten avbröts oväntat."))
                raise
            _record(settings, voucher, actor, result)
            logs.event(log, "export.voucher", company=company_id, voucher=voucher.id,
                       outcome="unknown" if result.unknown else result.status)
            if result.ok and voucher.attachment_sha256 and not voucher.attachment_connected:
                error = _send_attachment(settings, client, voucher, result)
                if error:
                    result = ExportResult(result.voucher_id, result.status, f"{result.message}. {error}",
                                          result.series, result.number, result.year)
            results.append(result)
    return results
