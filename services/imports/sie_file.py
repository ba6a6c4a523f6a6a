"""Importkälla SIE-fil: a SIE file chosen by hand, checked and shown as findings before anything is stored, and
published for the company its #ORGNR names. A file with a severe finding stores nothing."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlite_utils import Database

from services import store
from services.companies.model import Company, UnknownCompany
from services.companies.registry import checked_orgnr, find_company
from services.config import Settings
from services.context import Acting
from services.fortnox.resources import FinancialYear
from services.imports import sie4
from services.imports.model import ImportFailed, ImportPart, ImportResult, RunStatus, SieFileReview
from services.imports.runs import begin_run, end_early, finish_run
from services.sie import SieDocument, SieError, SieMessage, SieVoucher, read_sie
from services.sie.checks import SEVERE_CODES, Checker
from services.sie.reader import read_lines
from services.sie.source import CHUNK, LineSource
from services.timestamps import now_iso

PART = ImportPart.SIE_FILE
FIRST_YEAR, YEARS_AHEAD = 1900, 2  # a financial year outside these calendar years is a mistake in the file
MAX_YEAR_MONTHS = 18  # the longest financial year Bokföringslagen allows (a first or a changed one)
MAX_NAMED = 20  # accounts and amounts named one by one; a file with more wrong ones has one mistake many times
UPLOAD_KEPT_SECONDS = 24 * 3600  # a saved upload not imported within a day is removed
PUBLISH_BATCH = 5000  # vouchers held at a time while a file is published


SieSource = bytes | Path  # a file in memory, or one on disk (an upload saved by save_upload)


def _read(source: SieSource, on_voucher: Callable[[SieVoucher, SieDocument], None]) -> SieDocument:
    """The file read voucher by voucher, keeping none: memory stays that of the chart, whatever the file's size."""
    if isinstance(source, Path):
        with source.open("rb") as handle:
            return read_lines(LineSource.from_file(handle), on_voucher=on_voucher, keep_vouchers=False)
    return read_sie(source, on_voucher=on_voucher, keep_vouchers=False)


def review_sie_file(source: SieSource) -> SieFileReview:
    """Read (leniently, streaming) and check a SIE file; never raises."""
    checker = Checker()
    voucher_errors: list[SieMessage] = []

    def check(voucher: SieVoucher, document: SieDocument) -> None:
        checker.voucher(voucher, document)
        if len(voucher_errors) < MAX_NAMED:
            voucher_errors.extend(_account_errors([], [voucher]) + sie4.amount_errors([], [voucher]))

    try:
        document = _read(source, check)
    except SieError as exc:
        return SieFileReview(None, [SieMessage(exc.line, exc.code, exc.message)], [])
    except OSError as exc:  # an upload's copy removed meanwhile, a disk error
        return SieFileReview(None, [SieMessage(0, "unreadable", f"Filen kunde inte läsas ({exc.strerror or exc}). "
                                               "Välj filen igen.")], [])
    findings = checker.finish(document)
    errors = [finding for finding in findings if finding.code in SEVERE_CODES]
    errors += _identity_errors(document) + _account_errors(document.accounts, []) + voucher_errors[:MAX_NAMED]
    errors += sie4.amount_errors(document.balances, [])
    checked = {(finding.line, finding.code) for finding in findings}  # the reader may have said the same already
    warnings = [w for w in document.warnings if (w.line, w.code) not in checked]
    warnings += [finding for finding in findings if finding.code not in SEVERE_CODES]
    return SieFileReview(document, errors, warnings, checker.vouchers, checker.transactions)


def save_upload(settings: Settings, upload: BinaryIO) -> Path:
    """An uploaded file copied to DATA_DIR/uploads/<sha256>.se a chunk at a time (never whole in memory twice), so
    it is read from disk and known by its content: the same file is checked once, however often the page redraws."""
    folder = settings.data_dir / "uploads"
    folder.mkdir(mode=0o700, exist_ok=True)
    for old in folder.iterdir():  # uploads checked but never imported
        if old.stat().st_mtime < time.time() - UPLOAD_KEPT_SECONDS:
            old.unlink(missing_ok=True)
    digest = hashlib.sha256()
    fd, temporary = tempfile.mkstemp(dir=folder, suffix=".part")
    with os.fdopen(fd, "wb") as handle:
        while chunk := upload.read(CHUNK):
            digest.update(chunk)
            handle.write(chunk)
    path = folder / f"{digest.hexdigest()}.se"
    os.replace(temporary, path)
    return path


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


def _account_errors(accounts: Iterable[str], vouchers: Iterable[SieVoucher]) -> list[SieMessage]:
    """Account numbers are digits (BAS: four); the first few others are named with their line."""
    bad = [(0, number) for number in accounts if not _account_number(number)]
    bad += [(row.line, row.account) for voucher in vouchers for row in voucher.rows if not _account_number(row.account)]
    return [SieMessage(line, "bad_account", f"{f'Rad {line}: ' if line else ''}kontot «{account[:20]}» är inget "
                       "kontonummer (bara siffror, som 1930). Rätta kontoplanen och exportera filen igen.")
            for line, account in bad[:MAX_NAMED]]


def _account_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 10


def import_sie_file(settings: Settings, source: SieSource, *, started_by: str = "okänd") -> ImportResult:
    """Publish a SIE file's current year for the company its #ORGNR names; nothing is stored from a failing file.
    The file is checked in one pass and published in a second, vouchers written in batches as they are read."""
    review = review_sie_file(source)
    if not review.importable:
        raise ImportFailed(f"Filen importerades inte: {review.errors[0].message}")
    document = review.document
    sie_year = document.year(0) if document else None
    assert document is not None and sie_year is not None  # importable: read, and with a #RAR 0 (_identity_errors)
    with store.open_db(settings.database_path) as db:
        company = _company_for_file(db, document, settings, started_by)
        run_id = begin_run(db, company.id, [PART], started_by)
        try:
            year = _year_for_file(db, company.id, sie_year.start, sie_year.end)  # unlocked: one run per company
            staged = _stage(db, company.id, year, source)
            with store.write_lock(db):
                sie4.clear_year(db, company.id, year)
                staged.publish(db)
                finish_run(db, run_id, RunStatus.OK, requests=0, counts=staged.counts)
        except Exception as exc:
            raise end_early(settings, run_id, exc) from None
    return ImportResult(run_id, company.id, [year], {PART: staged.counts})


@dataclass
class _Staged:
    """A file's books in this connection's temporary tables (`staged_<table>`), written while the file is read: the
    database stays open to everyone else's writes however long a large file takes, and is locked only to copy."""

    counts: dict[str, int] = field(default_factory=dict)
    replacing: dict[str, bool] = field(default_factory=dict)  # table → INSERT OR REPLACE (a repeated balance line)

    def write(self, db: Database, rows: store.TableRows) -> None:
        if rows.table not in self.replacing:
            db.execute(f'drop table if exists temp."staged_{rows.table}"')
            db.execute(f'create temp table "staged_{rows.table}" as select * from main."{rows.table}" where 0')
            self.replacing[rows.table] = rows.replace
        replace(rows, table=f"staged_{rows.table}").insert(db)

    def publish(self, db: Database) -> None:
        """Inside the caller's write transaction, after the year is cleared; in the order written, so the last of
        a repeated key counts."""
        for table, replacing in self.replacing.items():
            verb = "insert or replace" if replacing else "insert"
            db.execute(f'{verb} into main."{table}" select * from temp."staged_{table}" order by rowid')
            db.execute(f'drop table temp."staged_{table}"')


def _stage(db: Database, company_id: str, year: FinancialYear, source: SieSource) -> _Staged:
    """The file read once more, its vouchers staged in batches as they come (memory stays that of the chart)."""
    staged = _Staged()
    batch: list[SieVoucher] = []
    transactions = 0

    def write(vouchers: list[SieVoucher], document: SieDocument | None = None) -> None:
        rows = sie4.voucher_rows(company_id, year, vouchers)
        for table_rows in rows + (sie4.chart_rows(company_id, year, document) if document else []):
            staged.write(db, table_rows)

    def keep(voucher: SieVoucher, document: SieDocument) -> None:
        nonlocal transactions
        batch.append(voucher)
        transactions += len(voucher.rows)
        if len(batch) >= PUBLISH_BATCH:
            write(batch)
            batch.clear()

    document = _read(source, keep)
    write(batch, document)
    staged.counts = {"accounts": len(document.accounts), "vouchers": document.voucher_count,
                     "transactions": transactions}
    return staged


def _company_for_file(db: Database, document: SieDocument, settings: Settings, actor: str) -> Company:
    """The company with the file's organisation number (a new one when it is not known yet), if the person may
    import into it."""
    orgnr = checked_orgnr(document.orgnr or "")
    assert orgnr is not None  # the review let only a valid one through
    try:
        company = find_company(db, orgnr)
    except UnknownCompany:
        company = None
    company_id = company.id if company else f"sie-{orgnr}"
    Acting(settings, actor).require("import", company_id, orgnr)
    if company is None:
        with store.write_lock(db):
            db.table("companies").insert({"id": company_id, "orgnr": orgnr, "name": document.company_name or orgnr,
                                          "source": "sie", "created_at": now_iso()})
        company = find_company(db, company_id)
    return company


def _year_for_file(db: Database, company_id: str, start: date, end: date) -> FinancialYear:
    """The company's stored financial year with these dates (e.g. imported from Fortnox), or a new one."""
    for row in db.query('select year_id from financial_years where company_id = ? and start = ? and "end" = ?',
                        [company_id, start.isoformat(), end.isoformat()]):
        return FinancialYear(id=row["year_id"], start=start, end=end)
    return FinancialYear(id=f"sie-{start.isoformat()}", start=start, end=end)
