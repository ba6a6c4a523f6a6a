"""`python -m services reconcile COMPANY [--year YYYY] [--json]`: the reconciliation headless (DESIGN §8).

Exit 0 whenever it ran, whatever it found; 1 when it could not run (unknown company, nothing imported).
"""

from __future__ import annotations

from typing import Any

from services import reconcile, store
from services.companies import UnknownCompany, find_company
from services.config import Settings
from services.money import format_sek


def _text(result: reconcile.Reconciliation) -> str:
    lines = [f"Avstämning per {result.balance_date} (räkenskapsår {result.year.start}–{result.year.end})"]
    for check in result.checks:
        status = reconcile.STATUS_LABELS[check.status]
        figure = f"  differens {format_sek(check.difference_ore)}" if check.difference_ore else ""
        lines.append(f"{check.id:<30} {status:<10}{figure}  {check.label}")
        if check.status == reconcile.UNKNOWN and check.note:
            lines.append(f"    {check.note}")
        lines += [f"    {format_sek(item.amount_ore):>16}  {item.text}" for item in check.items]
        if check.unexplained_ore:
            lines.append(f"    {format_sek(check.unexplained_ore):>16}  Oförklarat")
    return "\n".join(lines)


def reconcile_command(settings: Settings, company_key: str, year: int | None) -> tuple[dict[str, Any], str, int]:
    """(payload for --json, text otherwise, exit code) for the company given by id or organisation number;
    `year` is the calendar year in which the financial year ends (default: the latest imported)."""
    try:
        with store.open_db(settings.database_path) as db:
            company = find_company(db, company_key)
            day = reconcile.balance_date_for(reconcile.financial_years(db, company.id), year)
        result = reconcile.run(settings, company.id, day)
        with store.open_db(settings.database_path) as db:
            marks = reconcile.marks(db, company.id)
    except (UnknownCompany, reconcile.ReconcileError) as exc:
        return {"error": str(exc)}, str(exc), 1
    return reconcile.to_json(result, marks), _text(result), 0
