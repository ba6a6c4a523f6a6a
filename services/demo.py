"""Demo mode: the built-in Fortnox sandbox, and two year-end drafts so a demo has something to send. Both are
composed in at start-up (services.startup); no feature knows of demo mode."""

from __future__ import annotations

import atexit
import subprocess
import sys
import time

import httpx
from sqlite_utils import Database

from services.config import PROJECT_ROOT, Settings
from services.fortnox.resources import FinancialYear
from services.imports.model import ImportPart, ImportResult
from services.vouchers.drafts import create_draft
from services.vouchers.model import AdjustmentRow

DEMO_SEED = 1
SANDBOX_STARTUP_SECONDS = 30.0  # the sandbox seeds three companies on its first start


def ensure_sandbox(settings: Settings) -> bool:
    """Start the sandbox on loopback unless one already answers there; True when this call started it.

    It runs as its own process (`python -m sandbox`), ended when this one ends: the app talks to it over HTTP exactly
    as it would to Fortnox, and no service imports it. A sandbox someone else started (another app process, `make
    sandbox`) is used as it is."""
    if _answers(settings.sandbox_port):
        return False
    command = [sys.executable, "-m", "sandbox", "--port", str(settings.sandbox_port), "--seed", str(DEMO_SEED),
               "--data-dir", str(settings.sandbox_data_dir)]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(_stop, process)
    deadline = time.monotonic() + SANDBOX_STARTUP_SECONDS
    while time.monotonic() < deadline:
        if _answers(settings.sandbox_port):
            return process.poll() is None  # False: another process won the port and answers there
        time.sleep(0.1)
    _stop(process)
    raise RuntimeError(f"Fortnox-sandlådan startade inte på 127.0.0.1:{settings.sandbox_port}.")


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/sandbox/tenants", timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()


MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")
# (text, debit account, credit account, amount in öre): a depreciation and an accrual, the two most common
# year-end adjustments, on BAS accounts every demo company has. {month} is the year's last month: a company whose
# year ends in June accrues June's rent.
DEMO_DRAFTS = (
    ("Avskrivning inventarier", "7832", "1229", 1_250_000),
    ("Upplupen lokalhyra {month}", "5010", "2990", 800_000),
)


def add_demo_drafts(db: Database, result: ImportResult) -> None:
    """The after-import hook of demo mode (services.imports.hooks): drafts once a run has brought SIE4-data."""
    if ImportPart.SIE4 in result.counts:
        create_demo_drafts(db, result.company_id, result.years[-1])


def create_demo_drafts(db: Database, company_id: str, year: FinancialYear) -> list[str]:
    """After a company's first import only, add the demo drafts dated on the year's last day."""
    if db["adjustment_vouchers"].count_where("company_id = ?", [company_id]):
        return []
    known = {
        row["number"]
        for row in db.query("select number from accounts where company_id = ? and year_id = ?", [company_id, year.id])
    }
    return [
        create_draft(
            db,
            company_id,
            year.end,
            text.format(month=MONTHS_SV[year.end.month - 1]),
            [AdjustmentRow(account=debit, debit_ore=amount), AdjustmentRow(account=credit, credit_ore=amount)],
        )
        for text, debit, credit, amount in DEMO_DRAFTS
        if {debit, credit} <= known
    ]
