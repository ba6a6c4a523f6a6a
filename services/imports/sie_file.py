"""Importkälla SIE-fil: a SIE file chosen by hand, checked and shown as findings before anything is stored, and
published for the company its #ORGNR names. A file with a severe finding stores nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlite_utils import Database

from services import access, store
from services.companies import Company, UnknownCompany, checked_orgnr, find_company
from services.config import Settings
from services.fortnox.resources import FinancialYear
from services.imports import sie4
from services.imports.runs import (
    DONE,
    ImportFailed,
    ImportResult,
    begin_run,
    end_early,
    finish_run,
)
from services.sie import SieDocument, SieError, SieMessage, read_sie
from services.sie.checks import SEVERE_CODES, check_document
from services.timestamps import now_iso

PART = "siefile"
FIRST_YEAR, YEARS_AHEAD = 1900, 2  # a financial year outside these calendar years is a mistake in the file
MAX_YEAR_MONTHS = 18  # the longest financial year Bokföringslagen allows (a first or a changed one)
MAX_NAMED = 20  # accounts named one by one; a file with more wrong ones has one mistake many times


@dataclass(frozen=True)
class SieFileReview:
    """What a SIE file holds and what is wrong with it, before anything is stored."""

    document: SieDocument | None
    errors: list[SieMessage]  # any of these stops the import
    warnings: list[SieMessage]

    @property
    def importable(self) -> bool:
        return self.document is not None and not self.errors


def review_sie_file(data: bytes) -> SieFileReview:
    """Read (leniently) and check a SIE file; never raises."""
    try:
        document = read_sie(data)
    except SieError as exc:
        return SieFileReview(None, [SieMessage(exc.line, exc.code, exc.message)], [])
    findings = check_document(document)
    errors = [finding for finding in findings if finding.code in SEVERE_CODES]
    errors += _identity_errors(document) + _account_errors(document) + sie4.amount_errors(document)
    checked = {(finding.line, finding.code) for finding in findings}  # the reader may have said the same already
    warnings = [w for w in document.warnings if (w.line, w.code) not in checked]
    warnings += [finding for finding in findings if finding.code not in SEVERE_CODES]
    return SieFileReview(document, errors, warnings)


def _identity_errors(document: SieDocument) -> list[SieMessage]:
    """Whose books and which year: a real organisation number (or personnummer) and a plausible #RAR 0. The number
    is never echoed: a sole trader's is a personal number."""
    errors = []
    if not document.orgnr:
        errors.append(SieMessage(0, "missing_orgnr", "Filen saknar #ORGNR, så företaget kan inte kännas igen. "
                                 "Exportera filen med organisationsnummer."))
    elif checked_orgnr(document.orgnr) is None:
        errors.append(SieMessage(0, "bad_orgnr", "#ORGNR är inget giltigt organisations- eller personnummer (tio "
                                 "siffror, NNNNNN-NNNN, med rätt kontrollsiffra). Rätta det i bokföringsprogrammets "
                                 "företagsuppgifter och exportera filen igen."))
    year = document.year(0)
    if year is None:
        errors.append(SieMessage(0, "missing_year", "Filen saknar #RAR 0 (räkenskapsårets datum). "
                                 "Exportera en SIE 4E-fil med räkenskapsår."))
    elif year.end < year.start:
        errors.append(SieMessage(0, "bad_year", f"#RAR 0 slutar {year.end}, före sin början {year.start}. "
                                 "Rätta räkenskapsåret i bokföringsprogrammet och exportera filen igen."))
    elif year.start.year < FIRST_YEAR or year.end.year > date.today().year + YEARS_AHEAD or (
            (year.end.year - year.start.year) * 12 + year.end.month - year.start.month >= MAX_YEAR_MONTHS):
        errors.append(SieMessage(0, "bad_year", f"Räkenskapsåret i #RAR 0 ({year.start} – {year.end}) är inte "
                                 f"rimligt: det ska ligga mellan {FIRST_YEAR} och {date.today().year + YEARS_AHEAD} "
                                 f"och vara högst {MAX_YEAR_MONTHS} månader. Rätta det och exportera filen igen."))
    return errors


def _account_errors(document: SieDocument) -> list[SieMessage]:
    """Account numbers are digits (BAS: four); the first few others are named with their line."""
    bad = [(0, number) for number in document.accounts if not _account_number(number)]
    bad += [(b.line, b.account) for b in document.balances if not _account_number(b.account)]
    bad += [(row.line, row.account) for voucher in document.vouchers for row in voucher.rows
            if not _account_number(row.account)]
    return [SieMessage(line, "bad_account", f"{f'Rad {line}: ' if line else ''}kontot «{account[:20]}» är inget "
                       "kontonummer (bara siffror, som 1930). Rätta kontoplanen och exportera filen igen.")
            for line, account in bad[:MAX_NAMED]]


def _account_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 10


def import_sie_file(settings: Settings, data: bytes, *, started_by: str = "okänd") -> ImportResult:
    """Publish a SIE file's current year for the company its #ORGNR names; nothing is stored from a failing file."""
    review = review_sie_file(data)
    if not review.importable:
        raise ImportFailed(f"Filen importerades inte: {review.errors[0].message}")
    document = review.document
    sie_year = document.year(0)
    with store.open_db(settings.database_path) as db:
        company = _company_for_file(db, document, settings, started_by)
        run_id = begin_run(db, company.id, [PART], started_by)
        try:
            with store.write_lock(db):
                year = _year_for_file(db, company.id, sie_year.start, sie_year.end)
                counts = sie4.publish(db, company.id, [(year, document)])
                finish_run(db, run_id, DONE, requests=0, counts=counts)
        except Exception as exc:
            raise end_early(settings, run_id, exc) from None
    return ImportResult(run_id, company.id, [year], {PART: counts})


def _company_for_file(db: Database, document: SieDocument, settings: Settings, actor: str) -> Company:
    """The company with the file's organisation number (a new one when it is not known yet), if the person may
    import into it."""
    orgnr = checked_orgnr(document.orgnr or "")  # the review let only a valid one through
    try:
        company = find_company(db, orgnr)
    except UnknownCompany:
        company = None
    company_id = company.id if company else f"sie-{orgnr}"
    access.require(settings, actor, "import", company_id, orgnr, error=ImportFailed)
    if company is None:
        with store.write_lock(db):
            db["companies"].insert({"id": company_id, "orgnr": orgnr, "name": document.company_name or orgnr,
                                    "source": "sie", "created_at": now_iso()})
        company = find_company(db, company_id)
    return company


def _year_for_file(db: Database, company_id: str, start: date, end: date) -> FinancialYear:
    """The company's stored financial year with these dates (e.g. imported from Fortnox), or a new one."""
    for row in db.query('select year_id from financial_years where company_id = ? and start = ? and "end" = ?',
                        [company_id, start.isoformat(), end.isoformat()]):
        return FinancialYear(id=row["year_id"], start=start, end=end)
    return FinancialYear(id=f"sie-{start.isoformat()}", start=start, end=end)
