"""The import run as a row: who started it, what it does, how far it has come, whether someone asked it to stop.

One run per company at a time. Progress is written to the row as the run goes, so any session (or the command
line) can show it, and a cancel is a flag on the row that the run checks between requests. The row names the process
running it and when it last showed life: a run whose process has ended (killed, crashed, the app restarted) is
marked Avbruten as soon as anyone looks, and the next run resumes from what it staged.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import cast

from sqlite_utils import Database

from services import store
from services.config import Settings
from services.context import Acting
from services.errors import Conflict, failure_message
from services.fortnox.errors import FortnoxError
from services.imports.model import (
    ImportAlreadyRunning,
    ImportCancelled,
    ImportFailed,
    ProgressCallback,
    RunProgress,
    RunStatus,
)
from services.owners import owner_gone, owner_token
from services.timestamps import now_iso

log = logging.getLogger(__name__)
SILENT_RUN = timedelta(minutes=15)  # no sign of life this long (another host's process can't be asked): over
ABANDONED = ("Importen avbröts: programmet som körde den avslutades innan den var klar. Det som hämtats sparas "
             "till nästa import.")
STOP_POLL_SECONDS = 0.2  # how often a waiting Koppla från looks whether the cancelled run has ended
PROGRESS_WRITE_INTERVAL = 0.5  # seconds; the row is written at most this often while a run goes


def begin_run(db: Database, company_id: str, parts: Sequence[str], started_by: str) -> int:
    """A new running row owned by this process, unless the company already has a live one or is being deleted."""
    with store.write_lock(db):
        end_abandoned_runs(db, company_id)
        company = db.execute("select deleting_by from companies where id = ?", [company_id]).fetchone()
        if company is None:
            raise ImportFailed("Företaget finns inte här längre. Anslut det igen under Underhåll → Import.")
        if company[0] and not owner_gone(company[0]):
            raise ImportFailed("Företagets data raderas just nu, så ingen import startades.")
        if db["import_runs"].count_where("company_id = ? and status = ?", [company_id, RunStatus.RUNNING]):
            raise ImportAlreadyRunning("En import för företaget pågår redan. Vänta tills den är klar.")
        return cast(int, db.table("import_runs").insert(
            {"company_id": company_id, "parts": json.dumps(list(parts)), "started_by": started_by,
             "started_at": now_iso(), "status": RunStatus.RUNNING, "requests": 0, "cancel_requested": 0,
             "rate_limited": 0,
             "owner": owner_token(), "heartbeat_at": now_iso()}
        ).last_pk)  # last_pk is typed any key; this one is the integer id


def _abandoned(run: dict) -> bool:
    return owner_gone(run["owner"]) or (run["heartbeat_at"] or run["started_at"]) < now_iso(-SILENT_RUN)


def end_abandoned_runs(db: Database, company_id: str | None = None) -> int:
    """Mark the running runs whose process has ended, or that showed no life for SILENT_RUN, Avbruten (call under
    the write lock); `company_id` None means every company's, as at start. Returns how many."""
    where, args = (("status = ? and company_id = ?", [RunStatus.RUNNING, company_id]) if company_id
                   else ("status = ?", [RunStatus.RUNNING]))
    over = [run["id"] for run in db["import_runs"].rows_where(where, args) if _abandoned(run)]
    for run_id in over:
        db.table("import_runs").update(run_id, {"status": RunStatus.CANCELLED, "error": ABANDONED,
                                                "finished_at": now_iso()})
    return len(over)


def finish_run(db: Database, run_id: int, status: str, *, requests: int, rate_limited: int = 0,
               counts: dict | None = None, error: str | None = None) -> None:
    db.table("import_runs").update(run_id, {
        "status": status, "finished_at": now_iso(), "requests": requests, "rate_limited": rate_limited,
        "counts": json.dumps(counts) if counts is not None else None, "error": error,
    })


def end_failed(settings: Settings, run_id: int, status: str, requests: int, rate_limited: int, message: str) -> None:
    with store.open_db(settings.database_path) as db:
        finish_run(db, run_id, status, requests=requests, rate_limited=rate_limited, error=message)


def end_early(settings: Settings, run_id: int, exc: Exception, requests: int = 0, rate_limited: int = 0
              ) -> ImportFailed:
    """Record why a run stopped before it was done (cancelled, refused, Fortnox, a full disk, a bug) and return the
    Swedish ImportFailed (ImportCancelled) to raise: whatever happened, the run never stays running."""
    if not isinstance(exc, (FortnoxError, ImportFailed)) and failure_message(exc) is None:
        log.error("import run %s stopped by an unexpected error", run_id, exc_info=exc)
    message = message_of(exc)
    status = RunStatus.CANCELLED if isinstance(exc, ImportCancelled) else RunStatus.FAILED
    try:
        end_failed(settings, run_id, status, requests, rate_limited, message)
    except sqlite3.DatabaseError:  # e.g. still a full disk: the run is ended as abandoned when this process ends
        log.error("import run %s could not be marked ended", run_id, exc_info=True)
    return (ImportCancelled if status == RunStatus.CANCELLED else ImportFailed)(message)


def message_of(exc: Exception) -> str:
    if isinstance(exc, FortnoxError):
        return exc.message
    if isinstance(exc, ImportFailed):
        return str(exc)
    return failure_message(exc) or (
        "Importen stoppades av ett oväntat fel. Inget nytt publicerades; det som hämtats sparas till nästa import. "
        "Försök igen, och kontakta supporten om det händer igen.")


def request_cancel(settings: Settings, run_id: int, actor: str) -> None:
    """Ask a running import to stop, if the person may import the company: it looks twice a second, and keeps what
    it staged."""
    with store.open_db(settings.database_path) as db:
        found = db.execute("select company_id from import_runs where id = ?", [run_id]).fetchone()
    if found is None:
        return
    Acting(settings, actor).require("import", found[0])
    with store.open_db(settings.database_path) as db:
        db.execute("update import_runs set cancel_requested = 1 where id = ? and status = ?",
                   [run_id, RunStatus.RUNNING])


def stop_running(settings: Settings, company_id: str, actor: str, *, timeout: float = 60.0) -> bool:
    """Cancel the company's running import, if any, and wait until it has ended (it stops at its next request and
    keeps what it staged), so what follows (Koppla från) never pulls the connection out from under a live run.
    True when a run was stopped; Conflict when it has not ended within `timeout` seconds."""
    run = running_run(settings, company_id)
    if run is None:
        return False
    request_cancel(settings, run["id"], actor)
    deadline = time.monotonic() + timeout
    while running_run(settings, company_id) is not None:
        if time.monotonic() > deadline:
            raise Conflict("Importen har inte stannat ännu, så anslutningen är kvar. Vänta en stund och försök "
                           "igen.")
        time.sleep(STOP_POLL_SECONDS)
    return True


def running_run(settings: Settings, company_id: str) -> dict | None:
    """The company's live run, if any; one whose process has ended is marked Avbruten here and is not returned."""
    with store.open_db(settings.database_path) as db:
        rows = list(db.query("select * from import_runs where company_id = ? and status = ? order by id desc limit 1",
                             [company_id, RunStatus.RUNNING]))
        if rows and _abandoned(rows[0]):
            with store.write_lock(db):
                end_abandoned_runs(db, company_id)
            return None
    return _decoded(rows[0]) if rows else None


def import_runs(settings: Settings, company_id: str, limit: int = 50) -> list[dict]:
    """The company's latest runs, newest first, for the history tab."""
    with store.open_db(settings.database_path) as db:
        rows = list(db.query("select * from import_runs where company_id = ? order by id desc limit ?",
                             [company_id, limit]))
    return [_decoded(row) for row in rows]


def _decoded(row: dict) -> dict:
    row["parts"] = json.loads(row["parts"] or "[]")
    row["counts"] = json.loads(row["counts"] or "{}")
    row["progress"] = RunProgress.from_json(row.get("progress"))
    return row


class Tracker:
    """Counts a run's progress, writes it to the run's row now and then, and stops the run when asked to."""

    def __init__(self, settings: Settings, run_id: int, requests_per_second: float,
                 on_progress: ProgressCallback | None = None, requests_made: Callable[[], int] = lambda: 0) -> None:
        self._settings = settings
        self._run_id = run_id
        self._on_progress = on_progress
        self._requests_made = requests_made
        self._last_write = 0.0
        self.progress = RunProgress(requests_per_second)

    def start(self, parts: Sequence[str], year_ids: Sequence[str]) -> None:
        """The run's parts (in the order they are shown) and years, before anything is planned."""
        self.progress.year_ids = list(year_ids)
        for part in parts:
            self.progress.part(part)
        self.update(parts[0], force=True)

    def part_planned(self, part: str, *, items: int, remaining_requests: int) -> None:
        """The part's totals are known: `items` in all, and `remaining_requests` still to send. Set once."""
        progress = self.progress.part(part)
        if progress.planned:
            log.error("import run %s: part %s planned twice; the first plan stands", self._run_id, part)
            return
        progress.items_total, progress.planned = items, True
        progress.requests_planned = progress.requests_done + remaining_requests
        self.update(part, force=True)

    def plan_known(self) -> None:
        """Every part is planned: from here on no total grows, and the ETA can be shown."""
        self.progress.planned = True
        self.update(next(iter(self.progress.parts)), force=True)

    def update(self, part: str, *, items: int = 0, requests: int = 0, force: bool = False) -> None:
        """Count `items` more done (and `requests` sent) for `part`; raises ImportCancelled when asked to stop
        (seen within PROGRESS_WRITE_INTERVAL)."""
        progress = self.progress.part(part)
        progress.items_done += items
        progress.requests_done += requests
        if self._on_progress:
            self._on_progress(self.progress)
        now = time.monotonic()
        if not force and now - self._last_write < PROGRESS_WRITE_INTERVAL:
            return  # the row (and Avbryt) is looked at twice a second, not at each of ten thousand downloads
        self._last_write = now
        with store.open_db(self._settings.database_path) as db:
            db.execute("update import_runs set progress = ?, requests = ?, heartbeat_at = ? where id = ?",
                       [self.progress.to_json(), self._requests_made(), now_iso(), self._run_id])
            cancel = db.execute("select cancel_requested from import_runs where id = ?", [self._run_id]).fetchone()
        if cancel and cancel[0]:
            raise ImportCancelled("Importen avbröts. Det som redan hämtats sparas till nästa import; "
                                  "inget nytt publicerades för de delar som inte var klara.")
