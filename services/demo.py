"""Demo mode: the built-in Fortnox sandbox, and two year-end drafts so a demo has something to send."""

from __future__ import annotations

from sqlite_utils import Database

from services.config import Settings
from services.fortnox.resources import FinancialYear
from services.vouchers import AdjustmentRow, create_draft

DEMO_SEED = 1


def ensure_sandbox(settings: Settings) -> bool:
    """Start the sandbox on loopback unless one already answers there; True when this call started it."""
    from sandbox.background import ensure_running  # demo mode only: production never loads the sandbox

    return ensure_running("127.0.0.1", settings.sandbox_port, settings.sandbox_data_dir, seed=DEMO_SEED)


MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")
# (text, debit account, credit account, amount in öre): a depreciation and an accrual, the two most common
# year-end adjustments, on BAS accounts every demo company has. {month} is the year's last month: a company whose
# year ends in June accrues June's rent.
DEMO_DRAFTS = (
    ("Avskrivning inventarier", "7832", "1229", 1_250_000),
    ("Upplupen lokalhyra {month}", "5010", "2990", 800_000),
)


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
