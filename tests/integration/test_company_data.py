"""Koppla från revokes at Fortnox; Radera företagets data leaves nothing of the company but one audit line."""

from __future__ import annotations

import socket
import subprocess
import sys
from urllib.parse import parse_qs, urlparse

import pytest

from services import attachment_files, store
from services.companies.connections import (
    connect_service_account,
    disconnect,
    finish_authorization,
    start_authorization,
)
from services.companies.deletion import KEPT_BY_DESIGN, company_tables, delete_company_data
from services.companies.model import Company, DeleteRefused
from services.config import Settings
from services.fortnox import auth
from services.fortnox.errors import AuthExpired
from services.imports.model import ImportFailed
from services.imports.pipeline import begin_import, run_import
from services.owners import owner_token
from services.token_cipher import TokenCipher
from tests.fortnox_login import DEMO, authorize


def connect_as_user(settings: Settings) -> Company:
    """The article's connection: log in at the sandbox's Fortnox and approve (so there is a refresh token)."""
    params = parse_qs(urlparse(authorize(start_authorization(settings, DEMO))).query)
    return finish_authorization(settings, code=params["code"][0], state=params["state"][0], error=None, requester=DEMO)


def _refresh_token(settings: Settings, company_id: str) -> str:
    with store.open_db(settings.database_path) as db:
        row = db["connections"].get(company_id)
    return TokenCipher(settings.app_secret_key, settings.data_dir).decrypt(row["refresh_token"])


@pytest.fixture
def company(settings: Settings) -> Company:
    connected = connect_as_user(settings)
    run_import(settings, connected.id, parts=("sie4", "ledgers", "attachments"))
    return connected


def test_disconnect_revokes_the_refresh_token_at_fortnox(settings: Settings) -> None:
    company = connect_as_user(settings)
    refresh_token = _refresh_token(settings, company.id)
    assert disconnect(settings, company.id, "rita@byra.se") is None
    with pytest.raises(AuthExpired):
        auth.refresh(settings.fortnox, refresh_token)


def test_disconnect_deletes_the_token_here_and_logs_who(settings: Settings) -> None:
    company = connect_as_user(settings)
    disconnect(settings, company.id, "rita@byra.se")
    with store.open_db(settings.database_path) as db:
        assert db["connections"].count == 0
        [line] = db["audit_log"].rows_where("action = 'disconnect'")
    assert (line["actor"], line["company_id"]) == ("rita@byra.se", company.id)


def test_delete_leaves_no_row_of_the_company(settings: Settings, company: Company) -> None:
    delete_company_data(settings, company.id, "rita@byra.se")
    with store.open_db(settings.database_path) as db:
        for table in (*company_tables(db), *KEPT_BY_DESIGN):
            if table != "audit_log":
                assert db[table].count_where("company_id = ?", [company.id]) == 0, table
        assert db["companies"].count == 0 and db["connections"].count == 0 and db["adjustment_rows"].count == 0
        assert db["ledger_invoices"].count == 0 and db["files"].count == 0


def test_delete_finds_a_table_added_later_from_the_schema(settings: Settings, company: Company) -> None:
    with store.open_db(settings.database_path) as db:
        db["year_end_notes"].insert({"company_id": company.id, "note": "Inventering klar"})
        db["year_end_notes"].insert({"company_id": "other", "note": "Annat företag"})
    delete_company_data(settings, company.id, "rita@byra.se")
    with store.open_db(settings.database_path) as db:
        assert [row["company_id"] for row in db["year_end_notes"].rows] == ["other"]


def test_delete_removes_the_attachment_files_on_disk(settings: Settings, company: Company) -> None:
    with store.open_db(settings.database_path) as db:
        assert attachment_files.attachments(db, company.id)
    delete_company_data(settings, company.id, "rita@byra.se")
    assert not [path for path in (settings.data_dir / "attachments").rglob("*") if path.is_file()]


def test_delete_keeps_a_file_another_company_uses(settings: Settings, company: Company) -> None:
    with store.open_db(settings.database_path) as db:
        shared = attachment_files.attachments(db, company.id)[0]
        db["attachments"].insert({"company_id": "other", "kind": shared.kind, "document": "1", "file_id": "f",
                                  "name": shared.name, "sha256": shared.sha256})
    delete_company_data(settings, company.id, "rita@byra.se")
    assert attachment_files.content(settings, shared.sha256)


def test_delete_keeps_one_audit_line_saying_who_and_when(settings: Settings, company: Company) -> None:
    delete_company_data(settings, company.id, "rita@byra.se")
    with store.open_db(settings.database_path) as db:
        lines = list(db["audit_log"].rows_where("company_id = ?", [company.id]))
    assert [(line["action"], line["actor"]) for line in lines] == [("delete_company", "rita@byra.se")]
    assert lines[0]["at"] and company.name not in lines[0]["detail"]


def test_delete_revokes_the_connection_at_fortnox(settings: Settings, company: Company) -> None:
    refresh_token = _refresh_token(settings, company.id)
    delete_company_data(settings, company.id, "rita@byra.se")
    with pytest.raises(AuthExpired):
        auth.refresh(settings.fortnox, refresh_token)


@pytest.fixture
def connected(settings: Settings, small_tenant: dict) -> Company:
    return connect_service_account(settings, small_tenant["tenant_id"])


def _mark_deleting(settings: Settings, company: Company, owner: str) -> None:
    with store.open_db(settings.database_path) as db:
        db["companies"].update(company.id, {"deleting_by": owner})


def _rows_of(settings: Settings, company: Company, table: str) -> int:
    with store.open_db(settings.database_path) as db:
        return db[table].count_where("company_id = ?", [company.id])


def test_an_import_asked_for_while_the_company_is_being_deleted_is_refused_and_stores_nothing(
    settings: Settings, connected: Company
) -> None:
    _mark_deleting(settings, connected, owner_token())  # Radera is between its claim and its last write
    with pytest.raises(ImportFailed, match="raderas just nu"):
        run_import(settings, connected.id, parts=("sie4", "ledgers"))
    assert _rows_of(settings, connected, "import_runs") == _rows_of(settings, connected, "import_staging") == 0


def test_a_deletion_whose_process_died_does_not_block_imports(settings: Settings, connected: Company) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    _mark_deleting(settings, connected, f"{socket.gethostname()}:{gone.stdout.strip()}")
    assert run_import(settings, connected.id).vouchers > 0


def test_an_import_of_a_deleted_company_says_so_and_leaves_no_row(settings: Settings, connected: Company) -> None:
    delete_company_data(settings, connected.id, "test")
    with pytest.raises(ImportFailed, match="finns inte här längre"):
        run_import(settings, connected.id)
    assert _rows_of(settings, connected, "import_runs") == _rows_of(settings, connected, "import_staging") == 0


def test_delete_is_refused_while_an_import_of_this_process_runs(settings: Settings, connected: Company) -> None:
    begin_import(settings, connected.id, ["sie4"], "test")
    with pytest.raises(DeleteRefused, match="En import pågår"):
        delete_company_data(settings, connected.id, "test")
    with store.open_db(settings.database_path) as db:
        assert db["companies"].get(connected.id)["deleting_by"] is None  # the refused deletion left no mark
