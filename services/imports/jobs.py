"""Imports that run on in the background: a large company takes minutes at Fortnox's rate limit, and the person
should be free to look at other pages meanwhile. Progress and cancelling go through the run's row, so any session
sees the same run."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from services.config import Settings
from services.imports.model import ImportFailed
from services.imports.pipeline import begin_import, run_import

log = logging.getLogger(__name__)


def start_import(settings: Settings, company_id: str, *, parts: Sequence[str], year_ids: Sequence[str] | None,
                 started_by: str, full: bool = False) -> int:
    """Begin the run here (so a second click is refused at once) and carry it out in a daemon thread."""
    run_id = begin_import(settings, company_id, parts, started_by)

    def work() -> None:
        try:
            run_import(settings, company_id, parts=parts, year_ids=year_ids, started_by=started_by, full=full,
                       run_id=run_id)
        except ImportFailed:
            pass  # the run's row holds the message for the page to show
        except Exception:
            log.exception("import run %s failed unexpectedly", run_id)

    threading.Thread(target=work, name=f"import-{run_id}", daemon=True).start()
    return run_id
