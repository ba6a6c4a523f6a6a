"""Underhåll → Import's front door: what the connection may import, starting a run in the background and following
or cancelling it, the history of runs, and importing a SIE file uploaded by hand. Pages and `ui/` call only these
functions (and `model`).

Every function takes the `Acting` person first; runs check access ("import") and log where they go. Errors are
`services.errors.ServiceError`s: `ImportFailed` and its kinds, Fortnox's.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from services import logs
from services.companies import scopes
from services.companies.model import Blocker
from services.context import Acting
from services.fortnox.resources import FinancialYear
from services.imports import jobs, pipeline, runs, sie_file
from services.imports.model import ImportResult, SieFileReview

__all__ = ["available_years", "blocked_parts", "cancel", "check_permissions", "history",
           "import_sie_file", "known_blockers", "review_sie_file", "running", "save_upload", "start"]
log = logging.getLogger(__name__)


def available_years(acting: Acting, company_id: str) -> list[FinancialYear]:
    """The company's financial years in Fortnox, newest first."""
    return pipeline.available_years(acting.settings, company_id)


def known_blockers(acting: Acting, company_id: str) -> list[Blocker] | None:
    """What the connection lacks (scopes, licences), as last checked; None when never checked."""
    return scopes.known_blockers(acting.settings, company_id)


def check_permissions(acting: Acting, company_id: str) -> list[Blocker]:
    """Ask Fortnox now what the connection may read, and keep the answer."""
    return scopes.check(acting.settings, company_id)


def blocked_parts(blockers: list[Blocker]) -> dict[str, list[Blocker]]:
    return scopes.blocked_parts(blockers)


def start(acting: Acting, company_id: str, parts: Sequence[str], year_ids: Sequence[str], *, full: bool) -> int:
    """Begin a run (refused at once when one is running) and carry it out in the background; returns its id."""
    run_id = jobs.start_import(acting.settings, company_id, parts=parts, year_ids=year_ids, started_by=acting.actor,
                               full=full)
    logs.event(log, "import.queued", company=company_id, run=run_id, parts=",".join(parts))
    return run_id


def running(acting: Acting, company_id: str) -> dict | None:
    """The company's run in progress, if any (whoever started it)."""
    return runs.running_run(acting.settings, company_id)


def history(acting: Acting, company_id: str, limit: int = 50) -> list[dict]:
    """The company's runs, newest first."""
    return runs.import_runs(acting.settings, company_id, limit)


def cancel(acting: Acting, run_id: int) -> None:
    """Avbryt: the run stops at its next request; what it staged stays for the next run."""
    runs.request_cancel(acting.settings, run_id, acting.actor)
    logs.event(log, "import.cancel_requested", run=run_id)


def save_upload(acting: Acting, upload: BinaryIO) -> Path:
    """An uploaded SIE file kept on disk by its content (checked once however often the page redraws)."""
    return sie_file.save_upload(acting.settings, upload)


def review_sie_file(path: Path) -> SieFileReview:
    """The file's checks, before anything is stored."""
    return sie_file.review_sie_file(path)


def import_sie_file(acting: Acting, path: Path) -> ImportResult:
    """Importkälla SIE-fil: the file's year replaces that year's books (the company is created when new)."""
    result = sie_file.import_sie_file(acting.settings, path, started_by=acting.actor)
    logs.event(log, "import.sie_file", company=result.company_id, run=result.run_id, vouchers=result.vouchers)
    return result
