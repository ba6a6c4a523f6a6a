"""The sandbox's archive, inbox, file connections and attachments answer like Fortnox and match its OpenAPI."""

from __future__ import annotations

import hashlib
import re
from collections import Counter

import httpx
import pytest

from sandbox.file_archive import SeedDocument, seed_ids
from sandbox.pdf import render_pdf
from sandbox.world import MIDSIZE_TENANT_ID, SMALL_TENANT_ID
from tests.contract import validate_response, validate_schema
from tests.sandbox_flows import bearer, service_token

PDF_BYTES = render_pdf("Kvitto 4711", ["Kontorsmaterial", "Summa: 312,50 kr"])
ATTACHMENTS = "/api/fileattachments/attachments-v1"
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def _upload(client, auth, path="/3/archive", name="kvitto.pdf", content=PDF_BYTES, content_type="application/pdf"):
    return client.post(path, headers=auth, files={"file": (name, content, content_type)})


def _uploaded(client, auth, path="/3/archive", **kwargs):
    answer = _upload(client, auth, path, **kwargs)
    assert answer.status_code == 201, answer.text
    return answer.json()["File"]


def _error(answer, status, code):
    assert answer.status_code == status, answer.text
    error = answer.json()["ErrorInformation"]
    assert error["error"] == 1 and error["code"] == code
    validate_schema(answer.json(), "ErrorInformationWrap")
    return error["message"]


def _voucher(sandbox_instance, tenant_id):
    year = sandbox_instance.default_year(tenant_id)
    return year, sandbox_instance.store.vouchers(tenant_id, year.id)[0]


def _attach(client, auth, file_id, entity_id, include=False):
    return client.post(ATTACHMENTS, headers=auth,
                       json=[{"entityId": entity_id, "entityType": "F", "fileId": file_id, "includeOnSend": include}])


def _every(client, auth, path, key):
    """Every item of a paginated /3/ list, page by page."""
    items, page = [], 1
    while True:
        answer = client.get(path, headers=auth, params={"limit": 500, "page": page})
        assert answer.status_code == 200, answer.text
        items += answer.json()[key]
        if page >= answer.json()["MetaInformation"]["@TotalPages"]:
            return items
        page += 1


def _listed_attachments(client, auth, entity_ids):
    ids = ",".join(str(i) for i in entity_ids)
    answer = client.get(f"{ATTACHMENTS}?entityid={ids}&entitytype=F", headers=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _assert_valid_pdf(pdf: bytes) -> None:
    """A PDF 1.x file whose trailer's startxref finds the xref table and whose xref offsets find their objects."""
    assert pdf.startswith(b"%PDF-1.") and pdf.endswith(b"%%EOF\n")
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    header = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    assert header is not None
    table = pdf[start + header.end():start + header.end() + 20 * int(header.group(1))]
    for number in range(1, int(header.group(1))):
        offset = int(table[20 * number:20 * number + 10])
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)


@pytest.fixture
def invoice_numbers(sandbox_client, sandbox_auth):
    """The small company's customer invoice numbers (DocumentNumber), as `GET /3/invoices` lists them."""
    numbers = [int(i["DocumentNumber"]) for i in _every(sandbox_client, sandbox_auth, "/3/invoices", "Invoices")]
    assert len(numbers) >= 2
    return numbers


@pytest.fixture
def supplier_invoices(sandbox_client, sandbox_auth):
    """GivenNumber -> SupplierName of the small company's supplier invoices, as `GET /3/supplierinvoices` lists them."""
    listed = _every(sandbox_client, sandbox_auth, "/3/supplierinvoices", "SupplierInvoices")
    assert len(listed) >= 2
    return {i["GivenNumber"]: i["SupplierName"] for i in listed}


# -- archive --------------------------------------------------------------------------------------


def test_archive_root_is_the_root_folder_and_matches_the_spec(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/archive", headers=sandbox_auth)

    assert answer.status_code == 200
    validate_response(answer.json(), "GET", "/3/archive")
    folder = answer.json()["Folder"]
    assert folder["Id"] == "root" and folder["Files"] == [] and folder["@url"] == "http://testserver/3/archive"


def test_upload_answers_201_with_a_file_row_matching_the_spec(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth)

    assert answer.status_code == 201
    validate_response(answer.json(), "POST", "/3/archive", 201)
    row = answer.json()["File"]
    assert row["Name"] == "kvitto.pdf" and row["Size"] == len(PDF_BYTES)
    assert row["@url"] == f"http://testserver/3/archive/{row['Id']}"


def test_upload_list_download_round_trip_keeps_the_bytes(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    listed = sandbox_client.get("/3/archive", headers=sandbox_auth).json()["Folder"]["Files"]
    download = sandbox_client.get(f"/3/archive/{row['Id']}", headers=sandbox_auth)

    assert [f["Id"] for f in listed] == [row["Id"]]
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(PDF_BYTES).hexdigest()


def test_upload_keeps_swedish_file_names(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, name="Kvitto Åhléns.pdf")

    assert row["Name"] == "Kvitto Åhléns.pdf"


def test_upload_with_folderid_puts_the_file_in_that_folder(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, "/3/archive?folderid=inbox_v")

    folder = sandbox_client.get("/3/archive?path=inbox_v", headers=sandbox_auth).json()["Folder"]
    assert [f["Id"] for f in folder["Files"]] == [row["Id"]] and row["Path"] == "Inbox_v"


def test_upload_to_an_unknown_folder_is_404(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth, "/3/archive?path=finnsinte")

    assert "finnsinte" in _error(answer, 404, 2009921)


def test_file_downloads_by_its_archive_file_id_too(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    by_path = sandbox_client.get(f"/3/archive/{row['ArchiveFileId']}", headers=sandbox_auth)
    by_query = sandbox_client.get(f"/3/archive?fileid={row['ArchiveFileId']}", headers=sandbox_auth)

    assert by_path.content == PDF_BYTES and by_query.content == PDF_BYTES


def test_download_of_a_missing_file_is_404_with_a_swedish_message(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"/3/archive/{UNKNOWN_ID}", headers=sandbox_auth)

    assert _error(answer, 404, 2009920) == "Kan inte hitta filen."


def test_deleted_file_is_gone(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    deleted = sandbox_client.delete(f"/3/archive/{row['Id']}", headers=sandbox_auth)

    assert deleted.status_code == 204 and deleted.content == b""
    _error(sandbox_client.get(f"/3/archive/{row['Id']}", headers=sandbox_auth), 404, 2009920)


def test_file_is_deleted_by_path(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, "/3/archive?path=inbox_s", name="faktura.pdf")

    assert sandbox_client.delete("/3/archive?path=inbox_s/faktura.pdf", headers=sandbox_auth).status_code == 204
    _error(sandbox_client.get(f"/3/archive/{row['Id']}", headers=sandbox_auth), 404, 2009920)


def test_a_static_folder_cannot_be_deleted(sandbox_client, sandbox_auth):
    answer = sandbox_client.delete("/3/archive/inbox_s", headers=sandbox_auth)

    assert "Inbox_s" in _error(answer, 400, 2009926)


# -- uploads refused ------------------------------------------------------------------------------------


def test_empty_upload_is_refused(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth, content=b"")

    assert _error(answer, 400, 2001392) == "Filen kvitto.pdf är tom."


def test_oversize_upload_is_refused(sandbox_client, sandbox_auth, sandbox_instance):
    sandbox_instance.archive.max_file_bytes = 1024

    answer = _upload(sandbox_client, sandbox_auth, content=b"%PDF-" + b"x" * 2000)

    assert "för stor" in _error(answer, 400, 2009922)


def test_upload_of_an_unsupported_file_type_is_refused(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth, name="program.exe", content=b"MZ\x90\x00",
                     content_type="application/x-msdownload")

    assert "stöds inte" in _error(answer, 400, 2009923)


def test_upload_whose_bytes_are_not_a_pdf_is_refused(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth, content=b"<html>inte en pdf</html>")

    assert "inte en giltig fil" in _error(answer, 400, 2009923)


def test_upload_type_is_taken_from_the_name_when_sent_as_octet_stream(sandbox_client, sandbox_auth, sandbox_instance,
                                                                     small_tenant_id):
    row = _uploaded(sandbox_client, sandbox_auth, content_type="application/octet-stream")

    assert sandbox_instance.archive.file(small_tenant_id, row["Id"]).content_type == "application/pdf"


def test_upload_without_multipart_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.post("/3/archive", headers=sandbox_auth, json={"file": "kvitto.pdf"})

    _error(answer, 400, 1000031)


def test_upload_without_a_file_field_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.post("/3/archive", headers=sandbox_auth, files={"bilaga": ("a.pdf", PDF_BYTES)})

    _error(answer, 400, 2001392)


# -- inbox ---------------------------------------------------------------------------------------------


def test_inbox_root_lists_the_nine_static_folders(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/inbox", headers=sandbox_auth)

    validate_response(answer.json(), "GET", "/3/inbox")
    folders = answer.json()["Folder"]["Folders"]
    assert [f["Id"] for f in folders] == ["inbox_a", "inbox_d", "inbox_s", "inbox_v", "inbox_b", "inbox_l",
                                          "inbox_kf", "inbox_o", "inbox_of"]
    assert folders[2]["Name"] == "Inbox_s" and folders[2]["@url"] == "http://testserver/3/inbox/inbox_s"


def test_inbox_upload_by_path_lands_in_that_folder(sandbox_client, sandbox_auth):
    answer = _upload(sandbox_client, sandbox_auth, "/3/inbox?path=Inbox_s")
    validate_response(answer.json(), "POST", "/3/inbox", 201)

    folder = sandbox_client.get("/3/inbox/inbox_s", headers=sandbox_auth).json()
    validate_response(folder, "GET", "/3/archive")
    assert [f["Id"] for f in folder["Folder"]["Files"]] == [answer.json()["File"]["Id"]]


def test_inbox_upload_with_folder_id_lands_in_that_folder(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?folderId=inbox_kf")

    assert row["Path"] == "Inbox_kf" and row["@url"].startswith("http://testserver/3/inbox/")


def test_inbox_folder_is_reachable_through_the_archive(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?path=inbox_s")

    folder = sandbox_client.get("/3/archive?path=inbox_s", headers=sandbox_auth).json()["Folder"]

    assert [f["Id"] for f in folder["Files"]] == [row["Id"]]


def test_inbox_file_downloads_and_deletes_through_the_inbox(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?path=inbox_v")

    assert sandbox_client.get(f"/3/inbox/{row['Id']}", headers=sandbox_auth).content == PDF_BYTES
    assert sandbox_client.delete(f"/3/inbox/{row['Id']}", headers=sandbox_auth).status_code == 204


def test_inbox_does_not_serve_archive_root_files(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    _error(sandbox_client.get(f"/3/inbox/{row['Id']}", headers=sandbox_auth), 404, 2009920)


def test_inbox_cannot_upload_into_the_archive_root(sandbox_client, sandbox_auth):
    _error(_upload(sandbox_client, sandbox_auth, "/3/inbox?path=root"), 404, 2009921)


# -- scopes and faults ------------------------------------------------------------------------------------


def _token_without(client, tenant_id, missing):
    scopes = {"archive", "inbox", "connectfile", "bookkeeping"} - {missing}
    return bearer(service_token(client, tenant_id, scope=" ".join(sorted(scopes))))


def test_archive_without_the_archive_scope_is_refused(sandbox_client, small_tenant_id):
    answer = sandbox_client.get("/3/archive", headers=_token_without(sandbox_client, small_tenant_id, "archive"))

    assert '"archive"' in _error(answer, 403, 2000663)


def test_inbox_without_the_inbox_scope_is_refused(sandbox_client, small_tenant_id):
    auth = _token_without(sandbox_client, small_tenant_id, "inbox")

    assert '"inbox"' in _error(_upload(sandbox_client, auth, "/3/inbox?path=inbox_s"), 403, 2000663)


def test_file_connections_without_the_connectfile_scope_are_refused(sandbox_client, small_tenant_id):
    auth = _token_without(sandbox_client, small_tenant_id, "connectfile")

    for path in ("/3/voucherfileconnections", "/3/supplierinvoicefileconnections",
                 f"{ATTACHMENTS}?entityid=1&entitytype=F"):
        assert '"connectfile"' in _error(sandbox_client.get(path, headers=auth), 403, 2000663)


def test_status_404_fault_on_archive_files_answers_fortnox_404(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)
    sandbox_client.put("/sandbox/faults", json=[{"method": "GET", "path": "/3/archive/*", "kind": "status:404"}])

    faulted = sandbox_client.get(f"/3/archive/{row['Id']}", headers=sandbox_auth)
    again = sandbox_client.get(f"/3/archive/{row['Id']}", headers=sandbox_auth)

    assert _error(faulted, 404, 2009913) == "Kan inte hitta resursen."
    validate_response(faulted.json(), "GET", "/3/archive/{id}", 404)
    assert again.status_code == 200 and again.content == PDF_BYTES


def test_one_tenant_cannot_download_another_tenants_file(sandbox_client, sandbox_auth, midsize_tenant_id):
    row = _uploaded(sandbox_client, sandbox_auth)
    other = bearer(service_token(sandbox_client, midsize_tenant_id))

    _error(sandbox_client.get(f"/3/archive/{row['Id']}", headers=other), 404, 2009920)


# -- supplier invoice file connections ------------------------------------------------------------------


def _connect_supplier_invoice(client, auth, file_id, number):
    body = {"SupplierInvoiceFileConnection": {"FileId": file_id, "SupplierInvoiceNumber": number}}
    return client.post("/3/supplierinvoicefileconnections", headers=auth, json=body)


def _file_ids_connected_to(client, auth, number):
    answer = client.get(f"/3/supplierinvoicefileconnections?supplierinvoicenumber={number}", headers=auth)
    assert answer.status_code == 200, answer.text
    return [c["FileId"] for c in answer.json()["SupplierInvoiceFileConnections"]]


def test_supplier_invoice_connection_is_created_and_matches_the_spec(sandbox_client, sandbox_auth,
                                                                     supplier_invoices):
    number = next(iter(supplier_invoices))
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?path=inbox_s")

    answer = _connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"], number)

    assert answer.status_code == 201, answer.text
    validate_response(answer.json(), "POST", "/3/supplierinvoicefileconnections", 201)
    created = answer.json()["SupplierInvoiceFileConnection"]
    assert created["FileId"] == row["Id"] and created["Name"] == "kvitto.pdf"
    assert created["SupplierInvoiceNumber"] == number


def test_supplier_invoice_connection_takes_the_supplier_name_from_the_invoice(sandbox_client, sandbox_auth,
                                                                              supplier_invoices):
    number, supplier_name = next(iter(supplier_invoices.items()))
    row = _uploaded(sandbox_client, sandbox_auth)

    created = _connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"], number).json()

    assert created["SupplierInvoiceFileConnection"]["SupplierName"] == supplier_name


def test_supplier_invoice_connections_list_filters_by_number(sandbox_client, sandbox_auth, supplier_invoices):
    first_number, second_number = list(supplier_invoices)[:2]
    seeded = _file_ids_connected_to(sandbox_client, sandbox_auth, second_number)
    first, second = (_uploaded(sandbox_client, sandbox_auth, name=n) for n in ("a.pdf", "b.pdf"))
    assert _connect_supplier_invoice(sandbox_client, sandbox_auth, first["Id"], first_number).status_code == 201
    assert _connect_supplier_invoice(sandbox_client, sandbox_auth, second["Id"], second_number).status_code == 201

    answer = sandbox_client.get(f"/3/supplierinvoicefileconnections?supplierinvoicenumber={second_number}",
                                headers=sandbox_auth)

    validate_response(answer.json(), "GET", "/3/supplierinvoicefileconnections")
    connections = answer.json()["SupplierInvoiceFileConnections"]
    assert sorted(c["FileId"] for c in connections) == sorted([*seeded, second["Id"]])
    assert {c["SupplierInvoiceNumber"] for c in connections} == {second_number}
    assert answer.json()["MetaInformation"]["@TotalResources"] == len(seeded) + 1


def test_supplier_invoice_connection_is_read_and_deleted_by_file_id(sandbox_client, sandbox_auth, supplier_invoices):
    row = _uploaded(sandbox_client, sandbox_auth)
    assert _connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"],
                                     next(iter(supplier_invoices))).status_code == 201
    path = f"/3/supplierinvoicefileconnections/{row['Id']}"

    single = sandbox_client.get(path, headers=sandbox_auth)
    deleted = sandbox_client.delete(path, headers=sandbox_auth)

    assert single.status_code == 200 and single.json()["SupplierInvoiceFileConnection"]["FileId"] == row["Id"]
    validate_response(single.json(), "GET", "/3/supplierinvoicefileconnections/{FileId}")
    assert deleted.status_code == 204
    assert _error(sandbox_client.get(path, headers=sandbox_auth), 404, 2009924) == "Kan inte hitta filkopplingen."


def test_supplier_invoice_connection_to_an_unknown_file_is_refused(sandbox_client, sandbox_auth, supplier_invoices):
    answer = _connect_supplier_invoice(sandbox_client, sandbox_auth, UNKNOWN_ID, next(iter(supplier_invoices)))

    validate_response(answer.json(), "POST", "/3/supplierinvoicefileconnections", 400)
    _error(answer, 400, 2009920)


def test_supplier_invoice_connection_to_a_supplier_invoice_that_does_not_exist_is_404(sandbox_client, sandbox_auth,
                                                                                      supplier_invoices):
    missing = str(max(int(n) for n in supplier_invoices) + 1000)
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = _connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"], missing)

    assert missing in _error(answer, 404, 2009913)
    _error(sandbox_client.get(f"/3/supplierinvoicefileconnections/{row['Id']}", headers=sandbox_auth), 404, 2009924)


def test_a_file_already_connected_to_a_supplier_invoice_is_refused(sandbox_client, sandbox_auth, supplier_invoices):
    first_number, second_number = list(supplier_invoices)[:2]
    row = _uploaded(sandbox_client, sandbox_auth)
    assert _connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"], first_number).status_code == 201

    _error(_connect_supplier_invoice(sandbox_client, sandbox_auth, row["Id"], second_number), 400, 2009925)


def test_supplier_invoice_connection_without_a_number_is_refused(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = sandbox_client.post("/3/supplierinvoicefileconnections", headers=sandbox_auth,
                                 json={"SupplierInvoiceFileConnection": {"FileId": row["Id"]}})

    assert _error(answer, 400, 2009908) == "Fältet SupplierInvoiceNumber är obligatoriskt."


# -- voucher file connections --------------------------------------------------------------------------


def _connect_voucher(client, auth, file_id, series, number, year=None):
    body = {"FileId": file_id, "VoucherSeries": series, "VoucherNumber": str(number)}
    query = f"?financialyear={year}" if year is not None else ""
    return client.post(f"/3/voucherfileconnections{query}", headers=auth, json={"VoucherFileConnection": body})


def test_voucher_connection_is_created_for_an_existing_voucher(sandbox_client, sandbox_auth, sandbox_instance,
                                                               small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?path=inbox_v")

    answer = _connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, voucher.number, year.id)

    assert answer.status_code == 201, answer.text
    validate_response(answer.json(), "POST", "/3/voucherfileconnections", 201)
    assert answer.json()["VoucherFileConnection"] == {
        "@url": f"http://testserver/3/voucherfileconnections/{row['Id']}", "FileId": row["Id"],
        "VoucherDescription": voucher.description, "VoucherNumber": str(voucher.number),
        "VoucherSeries": voucher.series, "VoucherYear": year.id,
    }


def test_voucher_connection_to_an_unknown_voucher_is_refused(sandbox_client, sandbox_auth, sandbox_instance,
                                                             small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = _connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, 999999, year.id)

    assert _error(answer, 400, 2009906).startswith("Kan inte hitta verifikationen")
    assert sandbox_client.get("/3/voucherfileconnections", headers=sandbox_auth).json()["VoucherFileConnections"] == []


def test_voucher_connection_in_an_unknown_year_is_refused(sandbox_client, sandbox_auth, sandbox_instance,
                                                          small_tenant_id):
    _, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)

    _error(_connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, voucher.number, 99), 400,
           2009907)


def test_voucher_connection_with_a_number_in_non_ascii_digits_is_refused(sandbox_client, sandbox_auth,
                                                                         sandbox_instance, small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)

    _error(_connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, "²", year.id), 400, 2000108)


def test_voucher_connection_with_a_year_in_non_ascii_digits_is_refused(sandbox_client, sandbox_auth,
                                                                       sandbox_instance, small_tenant_id):
    _, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)

    _error(_connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, voucher.number, "²"), 400,
           2000108)


def test_voucher_connection_to_a_voucher_number_beyond_int64_is_refused(sandbox_client, sandbox_auth,
                                                                        sandbox_instance, small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = _connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, 2**63, year.id)

    assert _error(answer, 400, 2009906).startswith("Kan inte hitta verifikationen")


def test_voucher_connections_list_filters_and_matches_the_spec(sandbox_client, sandbox_auth, sandbox_instance,
                                                               small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)
    _connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, voucher.number, year.id)

    hit = sandbox_client.get(f"/3/voucherfileconnections?voucherseries={voucher.series}"
                             f"&vouchernumber={voucher.number}", headers=sandbox_auth).json()
    miss = sandbox_client.get("/3/voucherfileconnections?voucherseries=ZZ", headers=sandbox_auth).json()

    validate_response(hit, "GET", "/3/voucherfileconnections")
    assert [c["FileId"] for c in hit["VoucherFileConnections"]] == [row["Id"]]
    assert miss["VoucherFileConnections"] == []


def test_voucher_connection_is_read_and_deleted_by_file_id(sandbox_client, sandbox_auth, sandbox_instance,
                                                           small_tenant_id):
    year, voucher = _voucher(sandbox_instance, small_tenant_id)
    row = _uploaded(sandbox_client, sandbox_auth)
    _connect_voucher(sandbox_client, sandbox_auth, row["Id"], voucher.series, voucher.number, year.id)
    path = f"/3/voucherfileconnections/{row['Id']}"

    single = sandbox_client.get(path, headers=sandbox_auth)
    deleted = sandbox_client.delete(path, headers=sandbox_auth)

    validate_response(single.json(), "GET", "/3/voucherfileconnections/{FileId}")
    assert deleted.status_code == 204
    _error(sandbox_client.delete(path, headers=sandbox_auth), 404, 2009924)


# -- attachments API --------------------------------------------------------------------------------


def test_file_is_attached_to_a_customer_invoice_and_listed(sandbox_client, sandbox_auth, invoice_numbers):
    number = invoice_numbers[0]
    seeded = _listed_attachments(sandbox_client, sandbox_auth, [number])
    row = _uploaded(sandbox_client, sandbox_auth, "/3/inbox?path=inbox_kf")

    created = _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], number)
    listed = _listed_attachments(sandbox_client, sandbox_auth, [number])

    assert created.status_code == 201, created.text
    [attachment] = created.json()
    validate_schema(attachment, "fileattachments_Attachment")
    assert attachment["fileId"] == row["ArchiveFileId"] and attachment["entityId"] == number
    assert sorted(listed, key=lambda a: a["id"]) == sorted([*seeded, attachment], key=lambda a: a["id"])


def test_attachments_of_several_entities_are_listed_with_comma_separated_ids(sandbox_client, sandbox_auth,
                                                                            invoice_numbers):
    numbers = invoice_numbers[:2]
    seeded = _listed_attachments(sandbox_client, sandbox_auth, numbers)
    first, second = (_uploaded(sandbox_client, sandbox_auth, name=n) for n in ("a.pdf", "b.pdf"))
    _attach(sandbox_client, sandbox_auth, first["ArchiveFileId"], numbers[0])
    _attach(sandbox_client, sandbox_auth, second["ArchiveFileId"], numbers[1])

    listed = sandbox_client.get(f"{ATTACHMENTS}?entityid={numbers[0]},{numbers[1]}&entitytype=F",
                                headers=sandbox_auth).json()

    expected = [(a["entityId"], a["fileId"]) for a in seeded]
    expected += [(numbers[0], first["ArchiveFileId"]), (numbers[1], second["ArchiveFileId"])]
    assert sorted((a["entityId"], a["fileId"]) for a in listed) == sorted(expected)


def test_attaching_by_archive_id_instead_of_archive_file_id_is_404(sandbox_client, sandbox_auth, invoice_numbers):
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = _attach(sandbox_client, sandbox_auth, row["Id"], invoice_numbers[0])

    assert answer.status_code == 404
    validate_response(answer.json(), "POST", ATTACHMENTS, 404)
    assert answer.json()["id"] == "file_not_found"


def test_attaching_to_a_customer_invoice_that_does_not_exist_is_404_document_not_found(sandbox_client, sandbox_auth,
                                                                                       invoice_numbers):
    missing = max(invoice_numbers) + 1000
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], missing)

    assert answer.status_code == 404
    validate_response(answer.json(), "POST", ATTACHMENTS, 404)
    assert answer.json()["id"] == "document_not_found" and str(missing) in answer.json()["message"]
    assert _listed_attachments(sandbox_client, sandbox_auth, [missing]) == []


def test_attachments_without_entity_type_are_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"{ATTACHMENTS}?entityid=1001", headers=sandbox_auth)

    assert answer.status_code == 400
    validate_response(answer.json(), "GET", ATTACHMENTS, 400)


def test_attachments_of_an_entity_id_beyond_int64_are_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"{ATTACHMENTS}?entityid={2**63}&entitytype=O", headers=sandbox_auth)

    assert answer.status_code == 400
    validate_response(answer.json(), "GET", ATTACHMENTS, 400)
    assert answer.json()["id"] == "missing_mandatory_field"


def test_number_of_attachments_of_an_entity_id_beyond_int64_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"{ATTACHMENTS}/numberofattachments?entityids={2**63}&entitytype=O",
                                headers=sandbox_auth)

    assert answer.status_code == 400 and answer.json()["id"] == "missing_mandatory_field"


def test_attachments_of_an_entity_id_in_non_ascii_digits_are_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"{ATTACHMENTS}?entityid=²&entitytype=F", headers=sandbox_auth)

    assert answer.status_code == 400 and answer.json()["id"] == "missing_mandatory_field"


def test_attaching_to_an_entity_id_beyond_int64_is_refused(sandbox_client, sandbox_auth):
    row = _uploaded(sandbox_client, sandbox_auth)

    answer = sandbox_client.post(ATTACHMENTS, headers=sandbox_auth, json=[
        {"entityId": 2**63, "entityType": "O", "fileId": row["ArchiveFileId"], "includeOnSend": False}])

    assert answer.status_code == 400
    validate_response(answer.json(), "POST", ATTACHMENTS, 400)
    assert answer.json()["id"] == "missing_mandatory_field"


def test_attaching_an_empty_list_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.post(ATTACHMENTS, headers=sandbox_auth, json=[])

    assert answer.status_code == 400 and answer.json()["id"] == "no_attachment_provided"


def test_only_pdf_files_can_be_included_on_send(sandbox_client, sandbox_auth, invoice_numbers):
    row = _uploaded(sandbox_client, sandbox_auth, name="notering.txt", content=b"hej", content_type="text/plain")

    answer = _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], invoice_numbers[0], include=True)

    assert answer.status_code == 400 and answer.json()["id"] == "wrong_file_type"


def test_attachment_include_on_send_is_updated(sandbox_client, sandbox_auth, invoice_numbers):
    row = _uploaded(sandbox_client, sandbox_auth)
    [attachment] = _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], invoice_numbers[0]).json()

    answer = sandbox_client.put(f"{ATTACHMENTS}/{attachment['id']}", headers=sandbox_auth,
                                json={**attachment, "includeOnSend": True})

    assert answer.status_code == 200
    validate_response(answer.json(), "PUT", f"{ATTACHMENTS}/{{attachmentId}}")
    assert answer.json()["includeOnSend"] is True


def test_detached_attachment_is_no_longer_listed(sandbox_client, sandbox_auth, invoice_numbers):
    number = invoice_numbers[0]
    seeded = _listed_attachments(sandbox_client, sandbox_auth, [number])
    row = _uploaded(sandbox_client, sandbox_auth)
    [attachment] = _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], number).json()

    assert sandbox_client.delete(f"{ATTACHMENTS}/{attachment['id']}", headers=sandbox_auth).status_code == 204
    assert _listed_attachments(sandbox_client, sandbox_auth, [number]) == seeded
    again = sandbox_client.delete(f"{ATTACHMENTS}/{attachment['id']}", headers=sandbox_auth)
    assert again.status_code == 404 and again.json()["id"] == "attachment_not_found"


def _attachment_counts(client, auth, entity_ids):
    ids = ",".join(str(i) for i in entity_ids)
    answer = client.get(f"{ATTACHMENTS}/numberofattachments?entityids={ids}&entitytype=F", headers=auth)
    assert answer.status_code == 200, answer.text
    for item in answer.json():
        validate_schema(item, "fileattachments_NumberOfAttachments")
    return answer.json()


def test_number_of_attachments_counts_per_entity(sandbox_client, sandbox_auth, invoice_numbers):
    attached_to, untouched = invoice_numbers[:2]
    before = {c["entityId"]: c["numberOfAttachments"]
              for c in _attachment_counts(sandbox_client, sandbox_auth, [attached_to, untouched])}
    row = _uploaded(sandbox_client, sandbox_auth)
    assert _attach(sandbox_client, sandbox_auth, row["ArchiveFileId"], attached_to).status_code == 201

    answer = _attachment_counts(sandbox_client, sandbox_auth, [attached_to, untouched])

    assert answer == sorted([{"entityId": attached_to, "numberOfAttachments": before[attached_to] + 1},
                             {"entityId": untouched, "numberOfAttachments": before[untouched]}],
                            key=lambda c: c["entityId"])


# -- seeded documents ----------------------------------------------------------------------------------


def test_seeded_invoice_pdf_is_attached_and_downloadable(sandbox_client, sandbox_auth, sandbox_instance,
                                                         small_tenant_id):
    document = SeedDocument("invoice", small_tenant_id, "1001", "Faktura 1001", ("Kund: Exempel AB",))
    sandbox_instance.archive.seed([document])

    [attachment] = sandbox_client.get(f"{ATTACHMENTS}?entityid=1001&entitytype=F", headers=sandbox_auth).json()
    download = sandbox_client.get(f"/3/archive/{attachment['fileId']}", headers=sandbox_auth)

    assert attachment["fileId"] == seed_ids(document)[1]
    assert download.content == render_pdf(document.title, document.lines)


def test_seeded_supplier_invoice_pdf_is_connected(sandbox_client, sandbox_auth, sandbox_instance, small_tenant_id):
    document = SeedDocument("supplierinvoice", small_tenant_id, "17", "Leverantörsfaktura 17", ("Hyra",),
                            counterparty="Fastighets AB")
    sandbox_instance.archive.seed([document])

    answer = sandbox_client.get("/3/supplierinvoicefileconnections?supplierinvoicenumber=17", headers=sandbox_auth)

    validate_response(answer.json(), "GET", "/3/supplierinvoicefileconnections")
    [connection] = answer.json()["SupplierInvoiceFileConnections"]
    assert connection["SupplierName"] == "Fastighets AB" and connection["FileId"] == seed_ids(document)[0]
    download = sandbox_client.get(f"/3/archive/{connection['FileId']}", headers=sandbox_auth)
    assert download.headers["content-type"] == "application/pdf" and download.content.startswith(b"%PDF-1.4")


def _tenant_auth(client, tenant_id):
    return bearer(service_token(client, tenant_id))


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_every_demo_customer_invoice_has_exactly_one_seeded_attachment(sandbox_client, tenant_id):
    auth = _tenant_auth(sandbox_client, tenant_id)
    numbers = [int(i["DocumentNumber"]) for i in _every(sandbox_client, auth, "/3/invoices", "Invoices")]

    attachments = _listed_attachments(sandbox_client, auth, numbers)

    assert numbers and Counter(a["entityId"] for a in attachments) == Counter(numbers)
    assert {a["entityType"] for a in attachments} == {"F"}


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_every_seeded_invoice_attachment_downloads_as_a_pdf_naming_its_invoice(sandbox_client, sandbox_clock,
                                                                               tenant_id):
    auth = _tenant_auth(sandbox_client, tenant_id)
    numbers = [int(i["DocumentNumber"]) for i in _every(sandbox_client, auth, "/3/invoices", "Invoices")]

    for attachment in _listed_attachments(sandbox_client, auth, numbers):
        sandbox_clock.advance(0.25)  # stay under the sandbox's rate limit (25 requests per 5 s)
        download = sandbox_client.get(f"/3/archive/{attachment['fileId']}", headers=auth)

        assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
        _assert_valid_pdf(download.content)
        assert b"Faktura %d) Tj" % attachment["entityId"] in download.content


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_every_demo_supplier_invoice_has_a_seeded_connection_naming_its_supplier(sandbox_client, tenant_id):
    auth = _tenant_auth(sandbox_client, tenant_id)
    invoices = _every(sandbox_client, auth, "/3/supplierinvoices", "SupplierInvoices")

    connections = _every(sandbox_client, auth, "/3/supplierinvoicefileconnections", "SupplierInvoiceFileConnections")

    assert invoices and len(connections) == len(invoices)
    assert ({c["SupplierInvoiceNumber"]: c["SupplierName"] for c in connections}
            == {i["GivenNumber"]: i["SupplierName"] for i in invoices})


# -- over a real socket ---------------------------------------------------------------------------------


def test_multipart_upload_round_trips_over_real_http(sandbox, small_tenant):
    with httpx.Client(base_url=sandbox.url) as client:
        auth = bearer(service_token(client, small_tenant["tenant_id"]))
        row = _uploaded(client, auth, "/3/inbox?path=inbox_s", name="Faktura Åkeri.pdf")

        download = client.get(f"/3/inbox/{row['Id']}", headers=auth)
        client.delete(f"/3/inbox/{row['Id']}", headers=auth)

    assert row["Name"] == "Faktura Åkeri.pdf"
    assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(PDF_BYTES).hexdigest()
