"""Demo mode's year-end drafts read as an accountant would write them for the company's own year."""

from __future__ import annotations

from services import store
from services.config import Settings
from services.companies.connections import connect_service_account
from services.imports.pipeline import run_import


def test_the_accrual_names_the_month_the_companys_year_ends_in(settings: Settings, tenants: list[dict]) -> None:
    company = connect_service_account(settings, tenants[1]["tenant_id"])  # Fjällbrons: years end 30 June
    run_import(settings, company.id)
    with store.open_db(settings.database_path) as db:
        texts = {row["text"]: row["date"] for row in db.query(
            "select text, date from adjustment_vouchers where company_id = ?", [company.id])}
    assert "Upplupen lokalhyra juni" in texts and texts["Upplupen lokalhyra juni"].endswith("-06-30")
