"""Avstämning's front door: what pages, the command line and support scripts call.

Every function takes the `Acting` person first; writes check access and leave an audit line. Errors are
`services.errors.ServiceError`s with a Swedish message.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd

from services import audit, store
from services.attachment_files import Attachment
from services.audit import AuditAction
from services.context import Acting
from services.errors import Conflict, Invalid, NotFound
from services.ledgers.open_items import invoice_attachments
from services.mapping import facts as account_facts
from services.mapping.model import Facts
from services.money import format_rate
from services.reconcile import book_checks, compute, drafts, ledger_checks, marks, queries, report
from services.reconcile.books import account_names, balance_date_for, financial_years, frame, year_of
from services.reconcile.model import (
    Finding,
    ItemKind,
    MarkStatus,
    Outcome,
    Reconciliation,
    RemedyKind,
    VoucherKey,
    Year,
)
from services.reconcile.report import MONEY as REPORT_MONEY
from services.reconcile.report import finding_state, signed_text, summary_frame
from services.timestamps import now_iso

RATE_WARNING_SHARE = Decimal("0.10")
# REPORT_MONEY, finding_state, signed_text, summary_frame: the report's wording, which the page shows too.
__all__ = ["REPORT_MONEY", "balance_date", "data_version", "default_offset", "draft_correction", "draft_revaluation",
           "facts", "facts_as_new_as_the_books", "find", "finding_state", "invoice_files", "invoice_rows",
           "offset_accounts", "open_currencies", "outcome", "parse_rate", "rate_warning", "reconcile", "report_excel",
           "report_pdf", "run", "set_mark", "sign_off", "signed_text", "summary_frame", "trial_balance",
           "voucher_rows", "year_at", "years"]


def years(acting: Acting, company_id: str) -> list[Year]:
    with acting.db() as db:
        return financial_years(db, company_id)


def balance_date(acting: Acting, company_id: str, calendar_year: int | None = None) -> date:
    """The end of the latest imported year (or of the one ending in `calendar_year`)."""
    return balance_date_for(years(acting, company_id), calendar_year)


def year_at(acting: Acting, company_id: str, day: date) -> Year:
    return year_of(years(acting, company_id), day)


def data_version(acting: Acting, company_id: str) -> str:
    """Changes whenever what the computed checks read changes (an import, a saved mapping, a draft, an edited or
    exported adjustment voucher, Fortnox's facts): a cache key, so views reuse a result but never a stale one."""
    with acting.db() as db:
        parts = [tuple(db.execute(sql, [company_id]).fetchone()) for sql in queries.VERSION_BY_COMPANY]
        parts += [tuple(db.execute(f"select max(rowid) from {table}").fetchone()) for table in queries.VERSION_TABLES]
        digest = hashlib.sha1(repr(parts).encode())
        for row in db.execute(queries.ADJUSTMENT_FINGERPRINT, [company_id]):
            digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def facts(acting: Acting, company_id: str, year_id: str, *, live: bool = True) -> Facts:
    """The locked period and inactive accounts: asked of Fortnox now (`live`), else the last answer kept."""
    if live:
        return account_facts.refresh(acting.settings, company_id, year_id)
    with acting.db() as db:
        return account_facts.stored(db, company_id, year_id)


def facts_as_new_as_the_books(acting: Acting, company_id: str, year_id: str) -> Facts:
    """The kept answer while no import came after it; asked again (and kept) once one did, or when none is kept.
    For a view that cannot ask Fortnox on every look (Översikt): it then counts what Avstämning, which asks on
    opening, counts — also right after an import nobody has reconciled since."""
    with acting.db() as db:
        kept = account_facts.stored(db, company_id, year_id)
        imported = db.execute(queries.LAST_IMPORT_FINISHED, [company_id]).fetchone()[0]
    if kept.known and kept.checked_at is not None and (imported is None or kept.checked_at >= imported):
        return kept
    return account_facts.refresh(acting.settings, company_id, year_id)


def reconcile(acting: Acting, company_id: str, day: date | None, rates: Mapping[str, Decimal],
              known: Facts) -> Reconciliation:
    """The computed checks (the expensive part, worth caching); `outcome` applies people's work to them."""
    with acting.db() as db:
        return compute.reconcile(db, company_id, day, rates, known)


def outcome(acting: Acting, result: Reconciliation) -> Outcome:
    """Statuses, marks, corrections and sign-offs applied; a sign-off whose figures an import changed is reopened
    here, once, with an audit line saying what changed."""
    with acting.db() as db:
        applied, stale = marks.apply(result, marks.load(db, result.company_id, result.balance_date))
    if not stale:
        return applied
    with acting.db() as db, store.write_lock(db):
        for check_id, changed in marks.record_reopened(db, result.company_id, result.balance_date, result, stale,
                                                       now_iso()):
            what = result.check(check_id).label if check_id else "hela avstämningen"
            audit.record(db, marks.AUTOMATIC, AuditAction.RECONCILE_REOPENED, result.company_id,
                         f"{what} per {result.balance_date}: {changed}")
        return marks.apply(result, marks.load(db, result.company_id, result.balance_date))[0]


def run(acting: Acting, company_id: str, day: date | None = None, rates: Mapping[str, Decimal] | None = None, *,
        live: bool = True) -> Outcome:
    """Everything at once, as the command line and tests use it."""
    day = day or balance_date(acting, company_id)
    known = facts(acting, company_id, year_at(acting, company_id, day).id, live=live)
    return outcome(acting, reconcile(acting, company_id, day, rates or {}, known))


def find(result: Outcome, finding_id: str) -> Finding:
    for check in result.checks:
        for finding in check.findings:
            if finding.id == finding_id or finding.item.key == finding_id:
                return finding
    raise NotFound(f"Fyndet {finding_id} finns inte i avstämningen per {result.result.balance_date}. "
                   "Stäm av igen och använd ett id från listan.")


# -- marks and sign-off ------------------------------------------------------------------------------------------


def set_mark(acting: Acting, company_id: str, finding: Finding, status: MarkStatus | None, note: str) -> None:
    """Keep a person's verdict on a finding (None: Ej hanterad again). Ok on an amount needs a note saying why."""
    note = note.strip()
    if status == MarkStatus.OK and finding.item.amount_ore and not note:
        raise Invalid("Skriv en anteckning som förklarar varför fyndet är Ok; den följer med i avstämningsrapporten.")
    key = {"company_id": company_id, "check_id": str(finding.check_id), "item_key": finding.item.key}
    with acting.writing("reconcile", company_id) as db:
        if status is None:
            db.table("reconciliation_marks").delete_where("company_id = ? and check_id = ? and item_key = ?",
                                                          list(key.values()))
        else:
            db.table("reconciliation_marks").upsert({**key, "status": str(status), "note": note,
                                                     "marked_by": acting.actor, "marked_at": now_iso()}, pk=tuple(key))
        acting.audit(db, AuditAction.RECONCILE_MARK, company_id,
                     f"{finding.item.text[:120]} → {status or 'ej hanterad'}{': ' + note if note else ''}")


def sign_off(acting: Acting, result: Outcome, check_id: str | None = None) -> None:
    """Avstämd av: one check (or the whole when None), allowed only when nothing in it is open."""
    company_id, day = result.result.company_id, result.result.balance_date
    if check_id is None:
        blocked = [o.check.label for o in result.checks if not o.closable and o.check.known]
        what = "hela avstämningen"
    else:
        chosen = result.check(check_id)
        blocked = [] if chosen.closable else [chosen.check.label]
        what = chosen.check.label
    if blocked:
        raise Conflict(f"{what[0].upper()}{what[1:]} kan inte signeras förrän inget är öppet: "
                       f"{'; '.join(blocked)}. Rätta eller markera fynden först.")
    with acting.writing("reconcile", company_id) as db:
        db.table("reconciliation_signoffs").upsert(
            marks.sign_off_row(company_id, day, check_id or marks.WHOLE, result.result, acting.actor, now_iso()),
            pk=("company_id", "balance_date", "check_id"))
        acting.audit(db, AuditAction.RECONCILE_SIGN_OFF, company_id, f"{what} per {day}")


# -- corrections --------------------------------------------------------------------------------------------------


def default_offset(acting: Acting, company_id: str, finding: Finding, known: Facts) -> str | None:
    with acting.db() as db:
        return drafts.default_offset(db, company_id, finding.item, known.inactive_accounts)


def offset_accounts(acting: Acting, company_id: str, year_id: str, known: Facts) -> dict[str, str]:
    """The accounts a correction may use (Fortnox refuses inactive ones)."""
    with acting.db() as db:
        return {number: name for number, name in account_names(db, company_id, year_id).items()
                if number not in known.inactive_accounts}


def draft_correction(acting: Acting, result: Outcome, finding_id: str, offset: str | None, known: Facts) -> str:
    """The correcting draft for a finding, linked to it; a finding that has one gets that one back."""
    finding = find(result, finding_id)
    if finding.remedy.kind != RemedyKind.VOUCHER or finding.item.kind == ItemKind.CURRENCY_DIFFERENCE:
        raise Invalid(f"Det här fyndet rättas inte med en verifikation här: {finding.remedy.text}")
    company_id, day = result.result.company_id, result.result.balance_date
    with acting.writing("reconcile", company_id) as db:
        existing = drafts.linked_draft(db, company_id, finding.check_id, [finding.item.key])
        if existing:
            return existing
        chosen = offset or drafts.default_offset(db, company_id, finding.item, known.inactive_accounts)
        if not chosen:
            raise Invalid("Välj ett motkonto för rättelsen.")
        text, rows = drafts.correction(finding.item, chosen, drafts.reference(finding.item))
        moved = finding.item.account if finding.item.kind == ItemKind.INACTIVE_ACCOUNT_WITH_BALANCE else None
        voucher_id = drafts.store_correction(db, company_id, finding.check_id, [finding.item.key], day,
                                             result.result.year.id, text, rows, known, acting.actor, moved)
        acting.audit(db, AuditAction.RECONCILE_DRAFT, company_id, f"{text} {day}", voucher_id=voucher_id)
    return voucher_id


def draft_revaluation(acting: Acting, result: Outcome, check_id: str, known: Facts) -> str:
    """The revaluation voucher of a ledger's open foreign items, linked to each of them (made once)."""
    check = result.check(check_id).check
    keys = [item.key for item in check.items if item.kind == ItemKind.CURRENCY_DIFFERENCE]
    company_id, day = result.result.company_id, result.result.balance_date
    with acting.writing("reconcile", company_id) as db:
        existing = drafts.linked_draft(db, company_id, check_id, keys)
        if existing:
            return existing
        text, rows = drafts.revaluation(db, company_id, check, day)
        voucher_id = drafts.store_correction(db, company_id, check_id, keys, day, result.result.year.id, text, rows,
                                             known, acting.actor)
        acting.audit(db, AuditAction.RECONCILE_DRAFT, company_id, f"{text} {day}", voucher_id=voucher_id)
    return voucher_id


# -- currency rates -----------------------------------------------------------------------------------------------


def open_currencies(acting: Acting, company_id: str, day: date) -> dict[str, Decimal]:
    with acting.db() as db:
        return ledger_checks.open_currencies(db, company_id, year_of(financial_years(db, company_id), day), day)


def parse_rate(text: str) -> Decimal | None:
    """A balance-date rate as a person types it: 11,10 or 11.10 (spaces allowed); empty means none."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "").replace(",", ".")
    if not cleaned:
        return None
    try:
        rate = Decimal(cleaned)
    except InvalidOperation:
        raise Invalid(f"”{text.strip()}” är ingen kurs. Skriv till exempel 11,10.") from None
    if not rate.is_finite() or rate <= 0 or rate > 100_000:
        raise Invalid(f"”{text.strip()}” är ingen rimlig kurs. Skriv kronor per valutaenhet, till exempel 11,10.")
    return rate.quantize(Decimal("0.0001"))


def rate_warning(currency: str, rate: Decimal, invoice_rate: Decimal) -> str | None:
    """A warning when the entered rate is more than 10 % from the latest invoice's."""
    if invoice_rate and abs(rate - invoice_rate) > invoice_rate * RATE_WARNING_SHARE:
        return (f"Kursen {format_rate(rate)} för {currency} avviker mer än 10 % från senaste fakturakursen "
                f"{format_rate(invoice_rate)}. Kontrollera att den är rätt innan du skapar omvärderingen.")
    return None


# -- drill-down ---------------------------------------------------------------------------------------------------


def voucher_rows(acting: Acting, company_id: str, vouchers: Sequence[VoucherKey]) -> pd.DataFrame:
    """The rows of the named vouchers (amount in öre, debit positive); rows struck by a correction in Fortnox come
    last with `struck_by` set (None for a row that counts)."""
    keys = json.dumps([[v.year, v.series, v.number] for v in vouchers])
    with acting.db() as db:
        return frame(db, queries.VOUCHER_ROWS, {"company": company_id, "keys": keys})


def invoice_rows(acting: Acting, company_id: str, kind: str, numbers: Sequence[str], day: date) -> pd.DataFrame:
    """The named invoices with what was paid of them up to `day` (SEK in öre)."""
    with acting.db() as db:
        return frame(db, queries.INVOICES_WITH_PAYMENTS, [day.isoformat(), company_id, kind, json.dumps(list(numbers))])


def invoice_files(acting: Acting, company_id: str, kind: str, number: str) -> list[Attachment]:
    with acting.db() as db:
        return invoice_attachments(db, company_id, kind, number)


def trial_balance(acting: Acting, company_id: str, year: Year, day: date) -> pd.DataFrame:
    with acting.db() as db:
        return book_checks.trial_balance(db, company_id, year, day)



# -- the report for the year-end binder ----------------------------------------------------------------------------


def report_pdf(acting: Acting, result: Outcome, company_name: str, orgnr: str) -> bytes:
    return report.pdf(result, report.Heading(company_name, orgnr, acting.actor))


def report_excel(acting: Acting, result: Outcome, company_name: str, orgnr: str) -> bytes:
    return report.excel(result, report.Heading(company_name, orgnr, acting.actor))
