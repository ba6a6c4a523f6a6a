"""Kund- och leverantörsreskontra and Bilagor from the sandbox: what lands in SQLite matches what Fortnox lists,
files are stored once by content, and an unchanged company re-imports in a handful of requests."""

from __future__ import annotations

import hashlib

import pytest

from services import attachment_files, store
from services.companies.connections import connect_service_account, open_client
from services.companies.model import Company
from services.config import Settings
from services.fortnox import files
from services.imports.model import RunProgress
from services.imports.pipeline import PARTS, run_import
from tests.conftest import settings_for
from tests.fortnox_peek import fortnox_get

MIDSIZE = 1  # index in GET /sandbox/tenants: EUR invoices, no other test writes to it


@pytest.fixture
def tenant(tenants: list[dict]) -> dict:
    return tenants[MIDSIZE]


@pytest.fixture
def company(settings: Settings, tenant: dict) -> Company:
    return connect_service_account(settings, tenant["tenant_id"])


def _total(sandbox, tenant: dict, path: str, **params: str) -> int:
    return int(fortnox_get(sandbox.url, tenant["tenant_id"], path, {"limit": 1, **params})
               ["MetaInformation"]["@TotalResources"])


def test_the_ledgers_hold_every_register_invoice_and_payment_fortnox_lists(
    settings: Settings, company: Company, sandbox, tenant: dict
) -> None:
    result = run_import(settings, company.id, parts=("ledgers",))
    end = max(year.end for year in result.years).isoformat()
    assert result.counts["ledgers"] == {
        "customers": _total(sandbox, tenant, "/3/customers"),
        "suppliers": _total(sandbox, tenant, "/3/suppliers"),
        "invoices": _total(sandbox, tenant, "/3/invoices", todate=end),
        "supplier_invoices": _total(sandbox, tenant, "/3/supplierinvoices"),
        "payments": _total(sandbox, tenant, "/3/invoicepayments") + _total(sandbox, tenant, "/3/supplierinvoicepayments"),
    }


def test_foreign_currency_invoices_keep_their_currency_and_sek_amount(settings: Settings, company: Company) -> None:
    run_import(settings, company.id, parts=("ledgers",))
    with store.open_db(settings.database_path) as db:
        euro = list(db.query("select * from ledger_invoices where company_id = ? and currency = 'EUR'", [company.id]))
    assert euro
    assert all(row["total_sek_ore"] != row["total"] and row["currency_rate"] != "1" for row in euro)


def test_the_control_accounts_come_from_fortnox_predefined_accounts(settings: Settings, company: Company) -> None:
    run_import(settings, company.id, parts=("ledgers",))
    with store.open_db(settings.database_path) as db:
        accounts = {row["name"]: row["account"] for row in db["predefined_accounts"].rows_where(
            "company_id = ?", [company.id])}
    assert accounts["CUSTCLAIM"] == "1510" and accounts["SUPDEBT"] == "2440"


def test_every_attachment_is_stored_once_by_its_content(settings: Settings, company: Company) -> None:
    result = run_import(settings, company.id, parts=("ledgers", "attachments"))
    with store.open_db(settings.database_path) as db:
        stored = attachment_files.attachments(db, company.id)
        invoices = db["ledger_invoices"].count_where("company_id = ?", [company.id])
    assert len(stored) == result.counts["attachments"]["files"] == invoices
    for attachment in stored[:20]:
        content = attachment_files.content(settings, attachment.sha256)
        assert content.startswith(b"%PDF-") and hashlib.sha256(content).hexdigest() == attachment.sha256


def test_a_re_import_with_nothing_changed_costs_at_most_eleven_requests(tmp_path, quiet_sandbox, tenant: dict) -> None:
    settings = settings_for(tmp_path, quiet_sandbox.port)
    company = connect_service_account(settings, tenant["tenant_id"])
    first = run_import(settings, company.id, parts=PARTS)
    again = run_import(settings, company.id, parts=PARTS)
    assert again.requests <= 11  # ten, and the supplier invoices' file list (a file attached later changes no invoice)
    assert again.counts == first.counts


def test_an_interrupted_attachment_download_resumes_where_it_stopped(settings: Settings, company: Company) -> None:
    downloaded = []

    def leave_half_way(progress: RunProgress) -> None:
        files = progress.part("attachments")
        downloaded.append(files.requests_done)
        if files.items_total and files.items_done > files.items_total // 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_import(settings, company.id, parts=PARTS, on_progress=leave_half_way)
    resumed = run_import(settings, company.id, parts=PARTS)
    with store.open_db(settings.database_path) as db:
        invoices = db["ledger_invoices"].count_where("company_id = ?", [company.id])
    assert resumed.counts["attachments"]["files"] == invoices
    assert resumed.requests < invoices  # the files the first run got were not fetched again


def test_a_file_attached_in_fortnox_to_an_unchanged_supplier_invoice_arrives_with_the_next_incremental_import(
    tmp_path, quiet_sandbox, tenant: dict
) -> None:
    settings = settings_for(tmp_path, quiet_sandbox.port)
    company = connect_service_account(settings, tenant["tenant_id"])
    first = run_import(settings, company.id, parts=PARTS)
    with store.open_db(settings.database_path) as db:
        number = db.execute("select number from ledger_invoices where company_id = ? and kind = 'supplier' "
                            "order by number limit 1", [company.id]).fetchone()[0]
    with open_client(settings, company.id) as client:
        file_id = files.upload_to_inbox(client, "kvitto.pdf", b"%PDF-1.4 nytt kvitto", "application/pdf")
        client.post_json("/3/supplierinvoicefileconnections",
                         {"SupplierInvoiceFileConnection": {"FileId": file_id, "SupplierInvoiceNumber": number}})
    again = run_import(settings, company.id, parts=PARTS)
    assert again.counts["attachments"]["files"] == first.counts["attachments"]["files"] + 1
    with store.open_db(settings.database_path) as db:
        assert db["attachments"].count_where("company_id = ? and document = ? and file_id = ?",
                                             [company.id, number, file_id]) == 1
