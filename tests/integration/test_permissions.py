"""Before any import, the app knows which parts the connection may import and says what the customer must turn on."""

from __future__ import annotations

import httpx
import pytest

from services import store
from services.companies import scopes as permissions
from services.companies.connections import connect_service_account
from services.companies.model import Company
from services.config import Settings
from services.imports.model import ImportFailed
from services.imports.pipeline import run_import


@pytest.fixture
def company(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _requests(sandbox, tenant_id: str) -> int:
    return httpx.get(f"{sandbox.url}/sandbox/requests").json().get(tenant_id, {}).get("total", 0)


def test_a_connection_with_every_permission_may_import_every_part(settings: Settings, company: Company) -> None:
    assert permissions.check(settings, company.id) == []
    assert permissions.known_blockers(settings, company.id) == []


def test_a_missing_licence_blocks_its_part_and_says_what_to_turn_on(
    settings: Settings, company: Company, sandbox
) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults",
              json=[{"method": "GET", "path": "/3/invoices", "kind": "licence_missing:invoice", "times": 1}])
    [blocker] = permissions.check(settings, company.id)
    assert (blocker.part, blocker.scope, blocker.kind) == ("ledgers", "invoice", "licence")
    assert "Kundfakturor" in blocker.message and "API-åtkomst" in blocker.message


def test_a_scope_not_approved_blocks_its_part_without_asking_fortnox(settings: Settings, company: Company) -> None:
    with store.open_db(settings.database_path) as db:
        db.execute("update connections set scope = replace(scope, 'archive', '') where company_id = ?", [company.id])
    [blocker] = permissions.check(settings, company.id)
    assert (blocker.part, blocker.scope, blocker.kind) == ("attachments", "archive", "scope")
    assert "Anslut igen" in blocker.message


def test_an_import_of_a_blocked_part_is_refused_before_any_request(
    settings: Settings, company: Company, sandbox, small_tenant: dict
) -> None:
    httpx.put(f"{sandbox.url}/sandbox/faults",
              json=[{"method": "GET", "path": "/3/supplierinvoices", "kind": "licence_missing:supplierinvoice",
                     "times": 1}])
    permissions.check(settings, company.id)
    before = _requests(sandbox, small_tenant["tenant_id"])
    with pytest.raises(ImportFailed, match="Leverantörsfakturor"):
        run_import(settings, company.id, parts=["ledgers"])
    assert _requests(sandbox, small_tenant["tenant_id"]) == before
    assert run_import(settings, company.id, parts=["sie4"]).vouchers > 0  # the other parts still import
