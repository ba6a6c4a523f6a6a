"""Import runs: a company's books from Fortnox, or from a SIE file, published all at once.

Everything of a run is fetched and parsed before anything is written; the publish is one transaction, so a
failure (Fortnox down, a bad SIE file) leaves the previous good data in place. Re-running replaces, never adds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlite_utils import Database

from services import demo, store
from services.companies import Company, UnknownCompany, find_company, normalise_orgnr
from services.config import Settings
from services.connections import open_client
from services.fortnox import resources
from services.fortnox.errors import FortnoxError
from services.fortnox.resources import FinancialYear
from services.sie import SieDocument, SieError, SieMessage, read_sie
from services.sie.checks import SEVERE_CODES, check_document
from services.timestamps import now_iso

PART_SIE4 = "sie4"
PART_SIE_FILE = "siefile"
STALE_RUN = timedelta(hours=1)
RUNNING, DONE, FAILED = "running", "ok", "failed"
STATUS_LABELS = {RUNNING: "Pågår", DONE: "Klar", FAILED: "Fel"}

ProgressCallback = Callable[[str, int, int], None]


class ImportFailed(Exception):
    """The run failed; the message is Swedish and says what to do. Earlier data is untouched."""


@dataclass
class ImportResult:
    run_id: int
    company_id: str
    years: list[FinancialYear]
    accounts: int = 0
    vouchers: int = 0
    transactions: int = 0
    requests: int = 0
    counts: dict[str, int] = field(default_factory=dict)


def available_years(settings: Settings, company_id: str) -> list[FinancialYear]:
    """The company's financial years in Fortnox, newest first."""
    try:
        with open_client(settings, company_id) as client:
            return list(reversed(resources.financial_years(client)))
    except FortnoxError as exc:
        raise ImportFailed(exc.message) from None


def _begin_run(db: Database, company_id: str, parts: Sequence[str], started_by: str) -> int:
    with store.write_lock(db):
        cutoff = now_iso(-STALE_RUN)
        db.execute(
            "update import_runs set status = ?, error = 'Avbröts utan att slutföras.', finished_at = ? "
            "where company_id = ? and status = ? and started_at < ?",
            [FAILED, now_iso(), company_id, RUNNING, cutoff],
        )
        if db["import_runs"].count_where("company_id = ? and status = ?", [company_id, RUNNING]):
            raise ImportFailed("En import för företaget pågår redan. Vänta tills den är klar.")
        return db["import_runs"].insert(
            {
                "company_id": company_id,
                "parts": json.dumps(list(parts)),
                "started_by": started_by,
                "started_at": now_iso(),
                "status": RUNNING,
                "requests": 0,
            }
        ).last_pk


def _finish_run(db: Database, run_id: int, status: str, requests: int, counts: dict | None, error: str | None) -> None:
    db["import_runs"].update(
        run_id,
        {
            "status": status,
            "finished_at": now_iso(),
            "requests": requests,
            "counts": json.dumps(counts) if counts is not None else None,
            "error": error,
        },
    )


def _choose_years(all_years: list[FinancialYear], year_ids: Sequence[str] | None) -> list[FinancialYear]:
    if not all_years:
        raise ImportFailed("Företaget har inga räkenskapsår i Fortnox. Skapa räkenskapsåret i Fortnox först.")
    if not year_ids:
        return sorted(all_years, key=lambda year: year.start)[-2:]
    chosen = [year for year in all_years if year.id in set(year_ids)]
    if len(chosen) != len(set(year_ids)):
        raise ImportFailed("Ett valt räkenskapsår finns inte i Fortnox. Välj bland företagets räkenskapsår.")
    return chosen


def run_import(
    settings: Settings,
    company_id: str,
    *,
    parts: Sequence[str] = (PART_SIE4,),
    year_ids: Sequence[str] | None = None,
    started_by: str = "okänd",
    on_progress: ProgressCallback | None = None,
) -> ImportResult:
    """Fetch the chosen parts for the chosen years (default: the two latest) and publish them."""
    report = on_progress or (lambda part, done, total: None)
    with store.open_db(settings.database_path) as db:
        run_id = _begin_run(db, company_id, parts, started_by)
    requests = 0
    try:
        with open_client(settings, company_id) as client:
            try:
                years = _choose_years(resources.financial_years(client), year_ids)
                documents: list[tuple[FinancialYear, SieDocument]] = []
                for done, year in enumerate(years):
                    report(PART_SIE4, done, len(years))
                    documents.append((year, _parse(resources.sie(client, year.id), year)))
                report(PART_SIE4, len(years), len(years))
            finally:
                requests = client.requests_made
        with store.open_db(settings.database_path) as db, store.write_lock(db):
            result = _publish_sie(db, company_id, documents)
            result.run_id, result.requests = run_id, requests
            _finish_run(db, run_id, DONE, requests, result.counts, None)
            if settings.demo_mode:
                demo.create_demo_drafts(db, company_id, years[-1])
        return result
    except (FortnoxError, ImportFailed, sqlite3.DatabaseError) as exc:
        message = _message_of(exc)
        _fail_run(settings, run_id, requests, message)
        raise ImportFailed(message) from None
    except BaseException:
        # The page was left or a button pressed mid-import (Streamlit stops the script): the run must not stay
        # "running", or it would block the company's next import.
        _fail_run(settings, run_id, requests, "Importen avbröts innan den var klar. Inget nytt publicerades.")
        raise


def _message_of(exc: Exception) -> str:
    if isinstance(exc, FortnoxError):
        return exc.message
    if isinstance(exc, sqlite3.DatabaseError):
        return "Importen kunde inte sparas i databasen. Inget nytt publicerades; försök igen."
    return str(exc)


def _fail_run(settings: Settings, run_id: int, requests: int, message: str) -> None:
    with store.open_db(settings.database_path) as db:
        _finish_run(db, run_id, FAILED, requests, None, message)


def _parse(data: bytes, year: FinancialYear) -> SieDocument:
    try:
        return read_sie(data)
    except SieError as exc:
        raise ImportFailed(
            f"SIE-filen för räkenskapsåret {year.start}–{year.end} från Fortnox kunde inte läsas: {exc.message}"
        ) from None


def _publish_sie(db: Database, company_id: str, documents: list[tuple[FinancialYear, SieDocument]]) -> ImportResult:
    result = ImportResult(run_id=0, company_id=company_id, years=[year for year, _ in documents])
    account_numbers: set[str] = set()
    for year, document in documents:
        key = [company_id, year.id]
        for table in ("financial_years", "accounts", "balances", "vouchers", "transactions"):
            db[table].delete_where("company_id = ? and year_id = ?", key)
        db["financial_years"].insert(
            {"company_id": company_id, "year_id": year.id, "start": year.start.isoformat(), "end": year.end.isoformat()}
        )
        db["accounts"].insert_all(
            {
                "company_id": company_id,
                "year_id": year.id,
                "number": account.number,
                "name": account.name,
                "type": account.type,
                "sru": account.sru,
            }
            for account in document.accounts.values()
        )
        balances = [
            {
                "company_id": company_id,
                "year_id": year.id,
                "kind": balance.kind,
                "account": balance.account,
                "amount_ore": balance.amount_ore,
            }
            for balance in document.balances
            if balance.year == 0
        ]
        db["balances"].insert_all(balances, replace=True)  # a repeated balance line: the last one counts
        db["vouchers"].insert_all(
            {
                "company_id": company_id,
                "year_id": year.id,
                "series": voucher.series,
                "number": voucher.number,
                "date": voucher.date.isoformat(),
                "text": voucher.text,
                "reg_date": voucher.reg_date.isoformat() if voucher.reg_date else None,
            }
            for voucher in document.vouchers
        )
        db["transactions"].insert_all(
            {
                "company_id": company_id,
                "year_id": year.id,
                "series": voucher.series,
                "number": voucher.number,
                "row_no": row_no,
                "account": row.account,
                "amount_ore": row.amount_ore,
                "text": row.text,
                "objects": json.dumps(row.objects),
            }
            for voucher in document.vouchers
            for row_no, row in enumerate(voucher.rows, start=1)
        )
        account_numbers.update(document.accounts)
        result.vouchers += len(document.vouchers)
        result.transactions += sum(len(voucher.rows) for voucher in document.vouchers)
    result.accounts = len(account_numbers)
    result.counts = {"accounts": result.accounts, "vouchers": result.vouchers, "transactions": result.transactions}
    return result


def import_runs(settings: Settings, company_id: str, limit: int = 50) -> list[dict]:
    """The company's latest runs, newest first, for the history tab."""
    with store.open_db(settings.database_path) as db:
        rows = list(
            db.query(
                "select * from import_runs where company_id = ? order by id desc limit ?", [company_id, limit]
            )
        )
    for row in rows:
        row["parts"] = json.loads(row["parts"] or "[]")
        row["counts"] = json.loads(row["counts"] or "{}")
    return rows


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
    if not document.orgnr:
        errors.append(SieMessage(0, "missing_orgnr", "Filen saknar #ORGNR, så företaget kan inte kännas igen. "
                                 "Exportera filen med organisationsnummer."))
    if document.year(0) is None:
        errors.append(SieMessage(0, "missing_year", "Filen saknar #RAR 0 (räkenskapsårets datum). "
                                 "Exportera en SIE 4E-fil med räkenskapsår."))
    checked = {(finding.line, finding.code) for finding in findings}  # the reader may have said the same already
    warnings = [w for w in document.warnings if (w.line, w.code) not in checked]
    warnings += [finding for finding in findings if finding.code not in SEVERE_CODES]
    return SieFileReview(document, errors, warnings)


def import_sie_file(settings: Settings, data: bytes, *, started_by: str = "okänd") -> ImportResult:
    """Publish a SIE file's current year for the company its #ORGNR names; nothing is stored from a failing file."""
    review = review_sie_file(data)
    if not review.importable:
        first = review.errors[0]
        raise ImportFailed(f"Filen importerades inte: {first.message}")
    document = review.document
    sie_year = document.year(0)
    with store.open_db(settings.database_path) as db:
        company = _company_for_file(db, document)
        run_id = _begin_run(db, company.id, [PART_SIE_FILE], started_by)
        try:
            with store.write_lock(db):
                year = _year_for_file(db, company.id, sie_year.start, sie_year.end)
                result = _publish_sie(db, company.id, [(year, document)])
                result.run_id = run_id
                _finish_run(db, run_id, DONE, 0, result.counts, None)
        except sqlite3.DatabaseError as exc:
            _fail_run(settings, run_id, 0, _message_of(exc))
            raise ImportFailed(_message_of(exc)) from None
    return result


def _company_for_file(db: Database, document: SieDocument) -> Company:
    """The company with the file's organisation number; a new one when it is not known yet."""
    orgnr = normalise_orgnr(document.orgnr or "")
    try:
        return find_company(db, orgnr)
    except UnknownCompany:
        company_id = f"sie-{orgnr}"
        with store.write_lock(db):
            db["companies"].insert(
                {"id": company_id, "orgnr": orgnr, "name": document.company_name or orgnr, "source": "sie",
                 "created_at": now_iso()}
            )
        return find_company(db, company_id)


def _year_for_file(db: Database, company_id: str, start, end) -> FinancialYear:
    """The company's stored financial year with these dates (e.g. imported from Fortnox), or a new one."""
    for row in db.query(
        'select year_id from financial_years where company_id = ? and start = ? and "end" = ?',
        [company_id, start.isoformat(), end.isoformat()],
    ):
        return FinancialYear(id=row["year_id"], start=start, end=end)
    return FinancialYear(id=f"sie-{start.isoformat()}", start=start, end=end)
