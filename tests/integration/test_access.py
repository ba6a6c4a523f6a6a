"""The services refuse what a person's role or company access does not allow, and the refusal is logged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from services import store
from services.companies.connections import connect_service_account, finish_authorization, start_authorization
from services.companies.deletion import delete_company_data
from services.companies.model import Company, Requester
from services.config import Settings
from services.context import Acting
from services.errors import Refused
from services.fortnox import auth
from services.fortnox.errors import AuthError
from services.imports.pipeline import run_import
from services.imports.runs import import_runs, request_cancel
from services.imports.sie_file import import_sie_file
from services.mapping import review as mapping
from services.mapping.model import Facts
from services.reconcile import api
from services.reconcile.model import (
    REMEDIES,
    Check,
    CheckId,
    CheckOutcome,
    Finding,
    Item,
    ItemKind,
    MarkStatus,
    Outcome,
    Reconciliation,
    Status,
    VoucherKey,
    Year,
)
from services.vouchers.drafts import delete_draft, list_vouchers
from services.vouchers.export import export_vouchers
from services.vouchers.model import VoucherStatus
from tests.conftest import settings_for
from tests.fortnox_login import authorize
from tests.sandbox_flows import fortnox_sie

# Exports vouchers into the demo companies: a sandbox of this module's own, so no other test sees them.
pytestmark = pytest.mark.writes_to_fortnox

STAFF = {"STAFF_ALLOWLIST": "rita@byra.se, sam@byra.se, kim@byra.se",
         "STAFF_ROLES": "rita@byra.se=redovisning, sam@byra.se=support, kim@byra.se=redovisning",
         "STAFF_COMPANIES": "kim@byra.se=000000-0000"}


@pytest.fixture
def staff_settings(tmp_path: Path, sandbox) -> Settings:
    return settings_for(tmp_path, sandbox.port, **STAFF)


@pytest.fixture
def company(staff_settings: Settings, small_tenant: dict) -> Company:
    connected = connect_service_account(staff_settings, small_tenant["tenant_id"])
    run_import(staff_settings, connected.id, started_by="rita@byra.se")
    return connected


def _refusals(settings: Settings) -> list[dict]:
    with store.open_db(settings.database_path) as db:
        return list(db["audit_log"].rows_where("action = 'refused'"))


def test_export_refuses_a_support_actor_and_sends_nothing(staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    with pytest.raises(Refused, match="Rollen support får inte exportera"):
        export_vouchers(staff_settings, company.id, [draft.id], actor="sam@byra.se")
    assert all(v.status != VoucherStatus.EXPORTED for v in list_vouchers(staff_settings, company.id))


def test_a_refused_export_is_in_the_audit_log_with_who_and_why(staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    with pytest.raises(Refused):
        export_vouchers(staff_settings, company.id, [draft.id], actor="sam@byra.se")
    [refusal] = _refusals(staff_settings)
    assert (refusal["actor"], refusal["company_id"]) == ("sam@byra.se", company.id)
    assert refusal["detail"].startswith("export: Rollen support")


def test_export_refuses_someone_outside_the_allow_list(staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    with pytest.raises(Refused, match="finns inte bland personalen"):
        export_vouchers(staff_settings, company.id, [draft.id], actor="extern@example.net")


def test_export_refuses_a_company_outside_the_persons_list(staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    with pytest.raises(Refused, match="inte behörighet till det här företaget"):
        export_vouchers(staff_settings, company.id, [draft.id], actor="kim@byra.se")


def test_redovisning_may_export(staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    [result] = export_vouchers(staff_settings, company.id, [draft.id], actor="rita@byra.se")
    assert result.ok, result.message


def test_delete_refuses_a_support_actor_and_keeps_the_data(staff_settings: Settings, company: Company) -> None:
    with pytest.raises(Refused, match="Rollen support får inte radera"):
        delete_company_data(staff_settings, company.id, "sam@byra.se")
    with store.open_db(staff_settings.database_path) as db:
        assert db["companies"].count == 1 and db["connections"].count == 1


def test_import_refuses_a_company_outside_the_persons_list_before_any_run(
        staff_settings: Settings, company: Company) -> None:
    with pytest.raises(Refused, match="inte behörighet till det här företaget och får inte importera"):
        run_import(staff_settings, company.id, started_by="kim@byra.se")
    assert [run["started_by"] for run in import_runs(staff_settings, company.id)] == ["rita@byra.se"]
    assert _refusals(staff_settings)[0]["detail"].startswith("import: Du har inte behörighet")


def test_support_may_import(staff_settings: Settings, company: Company) -> None:
    result = run_import(staff_settings, company.id, started_by="sam@byra.se")
    assert result.counts


def test_a_sie_file_for_a_company_outside_the_persons_list_is_refused_and_creates_nothing(
        staff_settings: Settings, sandbox, small_tenant: dict, company: Company) -> None:
    books = fortnox_sie(sandbox.url, small_tenant["tenant_id"], "2")
    with pytest.raises(Refused, match="inte behörighet"):
        import_sie_file(staff_settings, books, started_by="kim@byra.se")
    assert len(import_runs(staff_settings, company.id)) == 1


def test_saving_mappings_refuses_a_company_outside_the_persons_list(
        staff_settings: Settings, company: Company) -> None:
    with pytest.raises(Refused, match="får inte ändra kontomappningar"), \
            Acting(staff_settings, "kim@byra.se").writing("map", company.id) as db:
        mapping.save_mappings(db, company.id, [mapping.MappingEdit("1510", "1510", "7251")], "kim@byra.se")
    with store.open_db(staff_settings.database_path) as db:
        assert db["account_mappings"].count == 0
    assert _refusals(staff_settings)[0]["actor"] == "kim@byra.se"


def _finding(kind: ItemKind, amount: int) -> Finding:
    item = Item(kind, "Verifikation A 1 bokför 1,00 kr på 1510.", amount, "1510", date(2025, 12, 31),
                (VoucherKey("A", "1", "1"),))
    return Finding(CheckId.AR_VS_GL, item, REMEDIES[kind], None, None, None)


def test_marking_a_finding_refuses_a_company_outside_the_persons_list(
        staff_settings: Settings, company: Company) -> None:
    with pytest.raises(Refused, match="får inte stämma av"):
        api.set_mark(Acting(staff_settings, "kim@byra.se"), company.id, _finding(ItemKind.MANUAL_POSTING, 100),
                     MarkStatus.OK, "Ok enligt kunden")
    with store.open_db(staff_settings.database_path) as db:
        assert db["reconciliation_marks"].count == 0


def test_a_correction_refuses_a_company_outside_the_persons_list(
        staff_settings: Settings, company: Company) -> None:
    drafts = len(list_vouchers(staff_settings, company.id))
    finding = _finding(ItemKind.MANUAL_POSTING, 100)
    check = Check(CheckId.AR_VS_GL, 100, 0, (finding.item,), "1510")
    result = Outcome(Reconciliation(company.id, date(2025, 12, 31), Year("1", date(2025, 1, 1), date(2025, 12, 31)),
                                    (check,)), (CheckOutcome(check, (finding,), Status.DIFFERENCE),))
    with pytest.raises(Refused, match="får inte stämma av"):
        api.draft_correction(Acting(staff_settings, "kim@byra.se"), result, finding.id, "3990", Facts(False))
    assert len(list_vouchers(staff_settings, company.id)) == drafts


def test_connecting_a_company_outside_the_persons_list_keeps_no_token(
        staff_settings: Settings, small_tenant: dict) -> None:
    with pytest.raises(Refused, match="inte behörighet till det här företaget och får inte ansluta"):
        connect_service_account(staff_settings, small_tenant["tenant_id"], actor="kim@byra.se")
    with store.open_db(staff_settings.database_path) as db:
        assert (db["companies"].count, db["connections"].count) == (0, 0)
    assert _refusals(staff_settings)[0]["detail"].startswith("connect: ")


def test_editing_a_draft_refuses_a_company_outside_the_persons_list(
        staff_settings: Settings, company: Company) -> None:
    draft = list_vouchers(staff_settings, company.id)[0]
    with pytest.raises(Refused, match="inte behörighet till det här företaget"):
        delete_draft(staff_settings, company.id, draft.id, actor="kim@byra.se")
    assert draft.id in {v.id for v in list_vouchers(staff_settings, company.id)}


def test_a_refused_sie_file_for_a_new_company_names_no_company_in_the_log(
        staff_settings: Settings, sandbox, small_tenant: dict) -> None:
    books = fortnox_sie(sandbox.url, small_tenant["tenant_id"], "2")
    with pytest.raises(Refused, match="inte behörighet"):
        import_sie_file(staff_settings, books, started_by="kim@byra.se")
    [refusal] = _refusals(staff_settings)
    assert refusal["company_id"] is None


def test_cancelling_an_import_refuses_a_company_outside_the_persons_list(
        staff_settings: Settings, company: Company) -> None:
    [run] = import_runs(staff_settings, company.id)
    with pytest.raises(Refused, match="får inte importera"):
        request_cancel(staff_settings, run["id"], "kim@byra.se")


def test_the_shared_reference_chart_refuses_someone_limited_to_some_companies(staff_settings: Settings) -> None:
    with pytest.raises(Refused, match="Referenskontoplanen delas av alla företag"):
        Acting(staff_settings, "kim@byra.se").require("map", None)


def test_a_refused_fortnox_login_is_revoked_at_fortnox(staff_settings: Settings,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    issued: list[auth.TokenSet] = []
    token_set = auth._token_set
    monkeypatch.setattr(auth, "_token_set", lambda token: issued.append(token_set(token)) or issued[-1])
    kim = Requester("kim@byra.se", "kims-browser")
    params = parse_qs(urlparse(authorize(start_authorization(staff_settings, kim))).query)
    with pytest.raises(Refused, match="får inte ansluta"):
        finish_authorization(staff_settings, code=params["code"][0], state=params["state"][0], error=None,
                             requester=kim)
    [tokens] = issued
    with pytest.raises(AuthError):
        auth.refresh(staff_settings.fortnox, tokens.refresh_token)


def test_a_person_listed_by_organisation_number_may_write_to_the_company(
        tmp_path: Path, sandbox, small_tenant: dict) -> None:
    by_orgnr = {**STAFF, "STAFF_COMPANIES": f"kim@byra.se={small_tenant['orgnr']}"}
    settings = settings_for(tmp_path, sandbox.port, **by_orgnr)
    company = connect_service_account(settings, small_tenant["tenant_id"])
    result = run_import(settings, company.id, started_by="kim@byra.se")
    assert result.counts and _refusals(settings) == []
