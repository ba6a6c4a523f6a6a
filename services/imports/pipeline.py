"""An import run from Fortnox: the parts the article names, each fetched into the staging area and published in
one transaction when complete. A failure or a cancel leaves that part's previous good data, and the next run
resumes from what was staged. After a first complete import, runs are incremental: only what changed since.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from services import logs, store
from services.companies import scopes as permissions
from services.companies.connections import open_client
from services.config import Settings
from services.context import Acting
from services.fortnox import resources
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxError
from services.fortnox.resources import FinancialYear
from services.imports import attachments, hooks, ledgers, sie4
from services.imports.model import ImportCancelled, ImportFailed, ImportResult, ProgressCallback, RunStatus
from services.imports.runs import Tracker, begin_run, end_early, end_failed, finish_run
from services.imports.staging import Staging
from services.ledgers.model import LedgerKind
from services.timestamps import STOCKHOLM

PART_SIE4, PART_LEDGERS, PART_ATTACHMENTS = sie4.PART, ledgers.PART, attachments.PART
PARTS = (PART_SIE4, PART_LEDGERS, PART_ATTACHMENTS)
CURSOR_MARGIN = timedelta(minutes=10)  # clocks differ; fetching a little twice is harmless, missing a change is not
log = logging.getLogger(__name__)


def available_years(settings: Settings, company_id: str) -> list[FinancialYear]:
    """The company's financial years in Fortnox, newest first."""
    try:
        with open_client(settings, company_id) as client:
            return list(reversed(resources.financial_years(client)))
    except FortnoxError as exc:
        raise ImportFailed(exc.message) from None


def _choose_years(all_years: list[FinancialYear], year_ids: Sequence[str] | None) -> list[FinancialYear]:
    if not all_years:
        raise ImportFailed("Företaget har inga räkenskapsår i Fortnox. Skapa räkenskapsåret i Fortnox först.")
    if not year_ids:
        return sorted(all_years, key=lambda year: year.start)[-2:]
    chosen = [year for year in all_years if year.id in set(year_ids)]
    if len(chosen) != len(set(year_ids)):
        raise ImportFailed("Ett valt räkenskapsår finns inte i Fortnox. Välj bland företagets räkenskapsår.")
    return chosen


def _refuse_blocked_parts(settings: Settings, company_id: str, parts: Sequence[str]) -> None:
    blocked = permissions.blocked_parts(permissions.known_blockers(settings, company_id) or [])
    for part in parts:
        if part in blocked:
            raise ImportFailed(blocked[part][0].message)


def begin_import(settings: Settings, company_id: str, parts: Sequence[str], started_by: str) -> int:
    """Check the person's access and the parts, then claim the company's one running import."""
    Acting(settings, started_by).require("import", company_id)
    unknown = set(parts) - set(PARTS)
    if unknown or not parts:
        raise ImportFailed(f"Okänd del: {', '.join(sorted(unknown))}. Välj bland {', '.join(PARTS)}.")
    _refuse_blocked_parts(settings, company_id, parts)
    with store.open_db(settings.database_path) as db:
        return begin_run(db, company_id, parts, started_by)


def run_import(
    settings: Settings,
    company_id: str,
    *,
    parts: Sequence[str] = (PART_SIE4,),
    year_ids: Sequence[str] | None = None,
    started_by: str = "okänd",
    on_progress: ProgressCallback | None = None,
    full: bool = False,
    run_id: int | None = None,
) -> ImportResult:
    """Import the chosen parts for the chosen years (default: the two latest); `full` ignores earlier imports.
    `run_id` is a run already begun with `begin_import` (a background run's caller needs its id at once)."""
    if run_id is None:
        run_id = begin_import(settings, company_id, parts, started_by)
    started = datetime.now(STOCKHOLM)
    client: FortnoxClient | None = None
    try:
        logs.event(log, "import.start", company=company_id, run=run_id, parts=",".join(parts))
        with open_client(settings, company_id, run=run_id) as client:
            rate = settings.fortnox.rate_limit.requests / settings.fortnox.rate_limit.window
            tracker = Tracker(settings, run_id, rate, on_progress, lambda: client.requests_made)
            years = _choose_years(resources.financial_years(client), year_ids)
            result = ImportResult(run_id, company_id, years)
            run = _Run(settings, company_id, client, tracker, years, full, started)
            tracker.start([part for part in PARTS if part in parts], [year.id for year in years])
            # First the plan: how much each part holds and what is new, so the totals shown never grow.
            sie4_plan = run.plan_sie4() if PART_SIE4 in parts else None
            ledger_run = run.fetch_ledgers() if PART_LEDGERS in parts else None
            files_plan = run.plan_attachments(ledger_run) if PART_ATTACHMENTS in parts else None
            tracker.plan_known()
            if sie4_plan is not None:
                result.counts[PART_SIE4] = run.sie4(sie4_plan)
            if ledger_run is not None:
                result.counts[PART_LEDGERS] = run.publish_ledgers(ledger_run)
            if files_plan is not None:
                result.counts[PART_ATTACHMENTS], result.notes = run.attachments(files_plan)
            result.requests, result.rate_limited = client.requests_made, client.rate_limited
        with store.open_db(settings.database_path) as db, store.write_lock(db):
            finish_run(db, run_id, RunStatus.OK, requests=result.requests, rate_limited=result.rate_limited,
                       counts=result.counts)
            hooks.after_import(db, result)
        logs.event(log, "import.end", company=company_id, run=run_id, outcome=RunStatus.OK, requests=result.requests,
                   rate_limited=result.rate_limited)
        return result
    except Exception as exc:
        failure = end_early(settings, run_id, exc, *_cost(client))
        logs.event(log, "import.end", company=company_id, run=run_id,
                   outcome=RunStatus.CANCELLED if isinstance(failure, ImportCancelled) else RunStatus.FAILED,
                   error=type(exc).__name__)
        raise failure from None
    except BaseException:
        # The page was left mid-import (Streamlit stops the script): the run must not stay "running", or it would
        # block the company's next import.
        end_failed(settings, run_id, RunStatus.FAILED, *_cost(client),
                   "Importen avbröts innan den var klar. Det som hämtats sparas till nästa import.")
        raise


def _cost(client: FortnoxClient | None) -> tuple[int, int]:
    return (client.requests_made, client.rate_limited) if client else (0, 0)


class _Run:
    """One run's parts; each publishes in its own transaction and moves its incremental cursor."""

    def __init__(self, settings: Settings, company_id: str, client: FortnoxClient, tracker: Tracker,
                 years: list[FinancialYear], full: bool, started: datetime) -> None:
        self.settings, self.company_id, self.client, self.tracker = settings, company_id, client, tracker
        self.years, self.full = years, full
        self.next_cursor = (started - CURSOR_MARGIN).strftime("%Y-%m-%d %H:%M")

    def _cursor(self, resource: str) -> str | None:
        if self.full:
            return None
        with store.open_db(self.settings.database_path) as db:
            row = db.execute("select since from import_cursors where company_id = ? and resource = ?",
                             [self.company_id, resource]).fetchone()
        return row[0] if row else None

    def _move_cursor(self, db: Database, resource: str) -> None:
        db.table("import_cursors").insert({"company_id": self.company_id, "resource": resource,
                                           "since": self.next_cursor}, replace=True)

    def plan_sie4(self) -> Sie4Plan:
        """The years whose SIE file is fetched: all on a first or full run, else those Fortnox says changed."""
        cursors = {year.id: self._cursor(f"sie4:{year.id}") for year in self.years}
        known = [year for year in self.years if cursors[year.id]]
        to_fetch = [year for year in self.years if not cursors[year.id]]
        if known:
            since = min(cursor for cursor in cursors.values() if cursor)  # the known years' earliest
            to_fetch += sie4.changed_years(self.client, known, since, self.tracker)
        staging = Staging(self.settings, self.company_id, PART_SIE4, json.dumps(sorted(y.id for y in to_fetch)),
                          fresh=self.full)
        self.tracker.part_planned(PART_SIE4, items=len(self.years),
                                  remaining_requests=sum(1 for y in to_fetch if not sie4.is_staged(staging, y)))
        return Sie4Plan(to_fetch, staging)

    def sie4(self, plan: Sie4Plan) -> dict[str, int]:
        documents = sie4.fetch(self.client, plan.staging, plan.to_fetch, self.tracker)
        self.tracker.update(PART_SIE4, items=len(self.years) - len(plan.to_fetch), force=True)
        books = sie4.prepare(self.company_id, documents)
        with store.open_db(self.settings.database_path) as db, store.write_lock(db):
            sie4.publish(db, self.company_id, books)
            for year in self.years:
                self._move_cursor(db, f"sie4:{year.id}")
            plan.staging.clear(db)
            return _books_counts(db, self.company_id, self.years)

    def fetch_ledgers(self) -> LedgerRun:
        """Every list of the ledgers, fetched (and staged) while the run plans: the attachments to ask Fortnox
        about are those of these invoices."""
        end = max(year.end for year in self.years)
        since = self._cursor(f"ledgers:{end.isoformat()}")
        staging = Staging(self.settings, self.company_id, PART_LEDGERS, json.dumps([end.isoformat(), since]),
                          fresh=self.full)
        data = ledgers.fetch(self.client, staging, self.tracker, end=end, since=since)
        return LedgerRun(data, since, staging, end)

    def publish_ledgers(self, run: LedgerRun) -> dict[str, int]:
        rows = ledgers.prepare(self.company_id, run.data)
        with store.open_db(self.settings.database_path) as db, store.write_lock(db):
            counts = ledgers.publish(db, self.company_id, rows, replace_all=run.since is None)
            self._move_cursor(db, f"ledgers:{run.end.isoformat()}")
            run.staging.clear(db)
        return counts

    def plan_attachments(self, ledger_run: LedgerRun | None) -> AttachmentsPlan:
        """Which files to download. Only the changed customer invoices are asked about when the attachments were
        last completed together with the ledgers this run continues from; otherwise (first time, an interrupted or
        skipped attachments part) all. Supplier invoices' files are always listed whole (see attachments.plan)."""
        incremental = (ledger_run is not None and ledger_run.since is not None
                       and self._cursor(PART_ATTACHMENTS) == ledger_run.since)
        with store.open_db(self.settings.database_path) as db:
            known = attachments.known_files(db, self.company_id)
            published = [row["number"] for row in db.query(
                "select number from ledger_invoices where company_id = ? and kind = ? order by number",
                [self.company_id, LedgerKind.CUSTOMER])]
        if ledger_run is None and not published:
            raise ImportFailed("Bilagor hör till reskontrans fakturor: importera Kund- och leverantörsreskontra "
                               "först, eller välj båda delarna.")
        fetched = ledger_run.data.invoice_numbers(LedgerKind.CUSTOMER) if ledger_run is not None else []
        if ledger_run is not None and (incremental or ledger_run.since is None):
            customer = fetched  # the changed invoices, or (a full read) every one
        else:
            customer = sorted(set(published) | set(fetched))  # the ledgers being published next hold both
        staging = Staging(self.settings, self.company_id, PART_ATTACHMENTS, json.dumps(incremental), fresh=self.full)
        plan = attachments.plan(self.client, staging, self.tracker, customer_invoices=customer, known=known)
        return AttachmentsPlan(plan, staging, incremental)

    def attachments(self, files_plan: AttachmentsPlan) -> tuple[dict[str, int], list[str]]:
        data = attachments.download(self.client, self.settings, files_plan.staging, self.tracker, files_plan.plan)
        rows = attachments.prepare(self.company_id, data)
        with store.open_db(self.settings.database_path) as db, store.write_lock(db):
            counts = attachments.publish(db, self.company_id, rows, len(data.missing),
                                         replace_all=not files_plan.incremental)
            self._move_cursor(db, PART_ATTACHMENTS)
            files_plan.staging.clear(db)
        notes = [f"Bilagan {link.name or link.file_id} till faktura {link.document} finns inte längre i Fortnox "
                 "och hämtades inte." for _, link in data.missing]
        return counts, notes


@dataclass(frozen=True)
class Sie4Plan:
    to_fetch: list[FinancialYear]
    staging: Staging


@dataclass(frozen=True)
class AttachmentsPlan:
    plan: attachments.FilesPlan
    staging: Staging
    incremental: bool


@dataclass(frozen=True)
class LedgerRun:
    data: ledgers.LedgerData
    since: str | None  # None: a full read
    staging: Staging
    end: date


def _books_counts(db: Database, company_id: str, years: list[FinancialYear]) -> dict[str, int]:
    ids = [year.id for year in years]
    marks = ",".join("?" * len(ids))

    def count(sql: str) -> int:
        return db.execute(sql.format(marks=marks), [company_id, *ids]).fetchone()[0]

    return {
        "accounts": count("select count(distinct number) from accounts where company_id = ? and year_id in ({marks})"),
        "vouchers": count("select count(*) from vouchers where company_id = ? and year_id in ({marks})"),
        "transactions": count("select count(*) from transactions where company_id = ? and year_id in ({marks})"),
    }
