"""The large demo company (over 7 000 open items) imported into a browser test's app, for the tests where size
matters: whole lists, sorting, downloads."""

from __future__ import annotations

from services.companies.connections import connect_service_account
from services.imports.pipeline import PART_LEDGERS, PART_SIE4, run_import
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp

LARGE = 2  # index in GET /sandbox/tenants


def import_large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    """Its books and ledgers imported; returns the company's id. The served sandbox has generated the large
    company's books before its first answer, so no token request waits for them."""
    settings = settings_for(app.data_dir, sandbox.port)
    company = connect_service_account(settings, tenants[LARGE]["tenant_id"])
    run_import(settings, company.id, parts=(PART_SIE4, PART_LEDGERS))
    return company.id
