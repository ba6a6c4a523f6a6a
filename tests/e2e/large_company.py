"""The large demo company (over 7 000 open items) imported into a browser test's app, for the tests where size
matters: whole lists, sorting, downloads."""

from __future__ import annotations

import httpx

from services.connections import connect_service_account
from services.importer import PART_LEDGERS, PART_SIE4, run_import
from tests.conftest import settings_for
from tests.e2e.conftest import RunningApp

LARGE = 2  # index in GET /sandbox/tenants


def import_large_company(app: RunningApp, sandbox, tenants: list[dict]) -> str:
    """Its books and ledgers imported; returns the company's id. The sandbox generates the large company's books on
    the tenant's first use, which takes far longer than a token request may (minutes on a busy machine), so they are
    generated first through the sandbox's own findings endpoint."""
    tenant_id = tenants[LARGE]["tenant_id"]
    httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenant_id}, timeout=600).raise_for_status()
    settings = settings_for(app.data_dir, sandbox.port)
    company = connect_service_account(settings, tenant_id)
    run_import(settings, company.id, parts=(PART_SIE4, PART_LEDGERS))
    return company.id
