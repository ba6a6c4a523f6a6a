"""Cost centres and projects on voucher rows, through the sandbox (the mid-size company has both): registered,
active ones go along; unknown or inactive ones are refused before anything is sent, naming the row."""

from __future__ import annotations

from datetime import date

import pytest

from services import store
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.config import Settings
from services.vouchers.drafts import create_draft
from services.vouchers.export import export_vouchers
from services.vouchers.model import AdjustmentRow
from tests.fortnox_peek import fortnox_get, voucher_count

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

MIDSIZE_COMPANY = 1


@pytest.fixture
def company(settings: Settings, tenants: list[dict]) -> Company:
    return connect_service_account(settings, tenants[MIDSIZE_COMPANY]["tenant_id"])


@pytest.fixture
def year_end(sandbox, tenants: list[dict]) -> date:
    """The last day of the company's latest financial year (it has a broken year)."""
    years = fortnox_get(sandbox.url, tenants[MIDSIZE_COMPANY]["tenant_id"], "/3/financialyears")["FinancialYears"]
    return max(date.fromisoformat(year["ToDate"]) for year in years)


def _export(settings: Settings, company: Company, day: date, cost_center: str = "", project: str = ""):
    with store.open_db(settings.database_path) as db, store.write_lock(db):
        voucher_id = create_draft(db, company.id, day, "Omföring till projekt", [
            AdjustmentRow("4010", debit_ore=50_000, cost_center=cost_center, project=project),
            AdjustmentRow("2990", credit_ore=50_000),
        ])
    [result] = export_vouchers(settings, company.id, [voucher_id], actor="test")
    return result


def test_an_active_cost_centre_and_an_ongoing_project_go_along_to_fortnox(settings, company, year_end, sandbox,
                                                                          tenants) -> None:
    result = _export(settings, company, year_end, cost_center="BYGG", project="P101")
    assert result.ok, result.message
    voucher = fortnox_get(sandbox.url, tenants[MIDSIZE_COMPANY]["tenant_id"],
                          f"/3/vouchers/{result.series}/{result.number}", {"financialyear": result.year})["Voucher"]
    assert (voucher["VoucherRows"][0]["CostCenter"], voucher["VoucherRows"][0]["Project"]) == ("BYGG", "P101")


@pytest.mark.parametrize(("cost_center", "project", "message"), [
    ("MARK", "", "rad 1: kostnadsstället MARK är inaktivt i Fortnox"),
    ("NEJ", "", "rad 1: kostnadsstället NEJ finns inte i Fortnox"),
    ("", "P999", "rad 1: projektet P999 finns inte i Fortnox"),
    ("", "P102", "rad 1: projektet P102 är avslutat i Fortnox"),
])
def test_an_unknown_or_inactive_dimension_is_refused_before_sending_naming_the_row(
    settings, company, year_end, sandbox, tenants, cost_center: str, project: str, message: str
) -> None:
    tenant_id = tenants[MIDSIZE_COMPANY]["tenant_id"]
    year_id = _latest_year_id(sandbox, tenant_id)
    before = voucher_count(sandbox.url, tenant_id, year_id)
    result = _export(settings, company, year_end, cost_center=cost_center, project=project)
    assert result.status == "failed" and not result.unknown
    assert message in result.message
    assert voucher_count(sandbox.url, tenant_id, year_id) == before


def _latest_year_id(sandbox, tenant_id: str) -> str:
    years = fortnox_get(sandbox.url, tenant_id, "/3/financialyears")["FinancialYears"]
    return str(max(years, key=lambda year: year["ToDate"])["Id"])
