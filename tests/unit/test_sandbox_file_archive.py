"""The sandbox's file archive: files per tenant and folder, connections, attachments and seeded PDFs."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

from sandbox.file_archive import FileArchive, SeedDocument, open_archive, seed_ids
from sandbox.pdf import render_pdf

TENANT = "500101"
OTHER_TENANT = "500202"
PDF_BYTES = render_pdf("Kvitto", ["Kaffe 45,00 kr"])

INVOICE = SeedDocument("invoice", TENANT, "1001", "Faktura 1001", ("Kund: Exempel AB", "Att betala: 1 250,00 kr"))
SUPPLIER_INVOICE = SeedDocument("supplierinvoice", TENANT, "17", "Leverantörsfaktura 17", ("Hyra mars",),
                                counterparty="Fastighets AB")


@pytest.fixture
def archive(tmp_path: Path) -> FileArchive:
    return open_archive(tmp_path, seed=1)


def _add(archive: FileArchive, tenant: str = TENANT, folder: str = "root", name: str = "kvitto.pdf"):
    return archive.add_file(tenant, folder, name, "application/pdf", PDF_BYTES, "2026-03-02 10:00")


def test_archive_lives_in_its_own_file_per_seed(tmp_path):
    open_archive(tmp_path, seed=3)

    assert (tmp_path / "files-seed3.sqlite3").exists()


def test_added_file_comes_back_with_the_same_bytes_and_sha256(archive):
    stored = _add(archive)

    found, content = archive.content(TENANT, stored.id)

    assert content == PDF_BYTES
    assert found.sha256 == hashlib.sha256(PDF_BYTES).hexdigest() and found.size == len(PDF_BYTES)


def test_file_ids_are_uuids_and_archive_file_id_differs(archive):
    stored = _add(archive)

    assert len(stored.id) == 36 and len(stored.archive_file_id) == 36
    assert stored.id != stored.archive_file_id


def test_file_is_found_by_id_or_archive_file_id(archive):
    stored = _add(archive)

    assert archive.file(TENANT, stored.id) == stored
    assert archive.file(TENANT, stored.archive_file_id) == stored


def test_lookup_by_archive_file_id_only_ignores_the_id(archive):
    stored = _add(archive)

    assert archive.file_by_archive_file_id(TENANT, stored.archive_file_id) == stored
    assert archive.file_by_archive_file_id(TENANT, stored.id) is None


def test_folder_lists_only_its_own_files(archive):
    in_root = _add(archive, folder="root", name="a.pdf")
    _add(archive, folder="inbox_s", name="b.pdf")

    assert archive.files_in(TENANT, "root") == [in_root]
    assert [f.name for f in archive.files_in(TENANT, "inbox_s")] == ["b.pdf"]


def test_one_tenant_never_sees_another_tenants_files(archive):
    stored = _add(archive, tenant=OTHER_TENANT)

    assert archive.file(TENANT, stored.id) is None
    assert archive.files_in(TENANT, "root") == []


def test_files_survive_a_restart(tmp_path):
    stored = _add(open_archive(tmp_path, seed=1))

    assert open_archive(tmp_path, seed=1).content(TENANT, stored.id)[1] == PDF_BYTES


def test_concurrent_uploads_are_all_stored(archive):
    threads = [threading.Thread(target=_add, args=(archive,), kwargs={"name": f"{i}.pdf"}) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(archive.files_in(TENANT, "root")) == 20


def test_deleting_a_file_removes_its_connections_and_attachments(archive):
    stored = _add(archive)
    archive.connect_supplier_invoice(TENANT, stored.id, "17", "")
    archive.attach(TENANT, "F", 1001, stored.archive_file_id, False)

    assert archive.delete_file(TENANT, stored.id)

    assert archive.file(TENANT, stored.id) is None
    assert archive.supplier_invoice_connections(TENANT) == []
    assert archive.attachments(TENANT, "F", [1001]) == []


def test_deleting_a_missing_file_says_so(archive):
    assert archive.delete_file(TENANT, "00000000-0000-0000-0000-000000000000") is False


def test_a_file_connects_to_one_supplier_invoice_only(archive):
    stored = _add(archive)

    first = archive.connect_supplier_invoice(TENANT, stored.id, "17", "Fastighets AB")

    assert first.file_name == "kvitto.pdf" and first.supplier_invoice_number == "17"
    assert archive.connect_supplier_invoice(TENANT, stored.id, "18", "") is None


def test_supplier_invoice_connections_filter_by_number(archive):
    a, b = _add(archive, name="a.pdf"), _add(archive, name="b.pdf")
    archive.connect_supplier_invoice(TENANT, a.id, "17", "")
    archive.connect_supplier_invoice(TENANT, b.id, "18", "")

    assert [c.file_id for c in archive.supplier_invoice_connections(TENANT, "18")] == [b.id]


def test_voucher_connection_keeps_series_number_year_and_description(archive):
    stored = _add(archive)

    created = archive.connect_voucher(TENANT, stored.id, "A", 3, 2, "Hyra mars")

    assert (created.series, created.number, created.year_id, created.description) == ("A", 3, 2, "Hyra mars")
    assert archive.disconnect_voucher(TENANT, stored.id)
    assert archive.voucher_connection(TENANT, stored.id) is None


def test_attaching_the_same_file_twice_gives_the_first_attachment(archive):
    stored = _add(archive)

    first = archive.attach(TENANT, "F", 1001, stored.archive_file_id, False)

    assert archive.attach(TENANT, "F", 1001, stored.archive_file_id, True) == first


def test_attachment_update_changes_include_on_send(archive):
    stored = _add(archive)
    first = archive.attach(TENANT, "F", 1001, stored.archive_file_id, False)

    assert archive.update_attachment(TENANT, first.id, True).include_on_send is True


def test_seeded_invoice_gets_a_pdf_attached_to_it(archive):
    archive.seed([INVOICE])

    [attachment] = archive.attachments(TENANT, "F", [1001])
    stored, content = archive.content(TENANT, attachment.file_id)
    assert stored.name == "Faktura 1001.pdf" and stored.content_type == "application/pdf"
    assert content == render_pdf(INVOICE.title, INVOICE.lines)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()


def test_seeded_supplier_invoice_gets_a_pdf_connected_to_it(archive):
    archive.seed([SUPPLIER_INVOICE])

    [connection] = archive.supplier_invoice_connections(TENANT, "17")
    assert connection.supplier_name == "Fastighets AB"
    assert connection.file_name == "Leverantörsfaktura 17.pdf"
    assert archive.content(TENANT, connection.file_id)[1].startswith(b"%PDF-1.4")


def test_seeded_files_are_in_no_folder(archive):
    archive.seed([INVOICE, SUPPLIER_INVOICE])

    assert archive.files_in(TENANT, "root") == []
    assert archive.file(TENANT, seed_ids(INVOICE)[0]).folder is None


def test_seeding_twice_changes_nothing(archive):
    archive.seed([INVOICE, SUPPLIER_INVOICE])
    before = (archive.attachments(TENANT, "F", [1001]), archive.supplier_invoice_connections(TENANT))

    archive.seed([INVOICE, SUPPLIER_INVOICE])

    assert (archive.attachments(TENANT, "F", [1001]), archive.supplier_invoice_connections(TENANT)) == before


def test_seeded_ids_are_the_same_in_every_fresh_archive(tmp_path):
    first, second = open_archive(tmp_path / "a", seed=1), open_archive(tmp_path / "b", seed=1)
    first.seed([INVOICE])
    second.seed([INVOICE])

    assert first.attachments(TENANT, "F", [1001]) == second.attachments(TENANT, "F", [1001])
    assert first.content(TENANT, seed_ids(INVOICE)[0]) == second.content(TENANT, seed_ids(INVOICE)[0])


def test_seeded_ids_differ_per_tenant_kind_and_number():
    other_tenant = SeedDocument("invoice", OTHER_TENANT, "1001", "t", ())
    other_kind = SeedDocument("supplierinvoice", TENANT, "1001", "t", ())
    other_number = SeedDocument("invoice", TENANT, "1002", "t", ())

    ids = {seed_ids(d) for d in (INVOICE, other_tenant, other_kind, other_number)}

    assert len(ids) == 4


def test_seed_once_reads_a_tenants_documents_only_once(archive):
    calls = []

    def documents():
        calls.append(TENANT)
        return [INVOICE]

    archive.seed_once(TENANT, documents)
    archive.seed_once(TENANT, documents)

    assert calls == [TENANT]
    assert len(archive.attachments(TENANT, "F", [1001])) == 1
