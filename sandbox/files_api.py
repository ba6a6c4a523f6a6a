"""Fortnox's file resources: archive and inbox (`/3/archive`, `/3/inbox`), file connections to supplier invoices and
vouchers, and the attachments API for sales documents (`/api/fileattachments/attachments-v1`).

Handlers run behind `sandbox.pipeline.fortnox_api` like every other resource; storage is `sandbox.file_archive`.
The `/3/` resources answer with `ErrorInformation`; the attachments API with its own `WebException` shape
(`{"error", "id", "message"}`), as the spec declares.
"""

from __future__ import annotations

import mimetypes
import uuid
from typing import Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.api import paginate
from sandbox.clock import timestamp
from sandbox.context import Caller, sandbox_of
from sandbox.errors import (
    FINANCIAL_YEAR_NOT_FOUND,
    NO_DATA,
    NOT_NUMERIC,
    REQUIRED_FIELD_MISSING,
    RESOURCE_NOT_FOUND,
    VOUCHER_NOT_FOUND,
    ApiError,
    FortnoxJSONResponse,
)
from sandbox.file_archive import (
    FOLDER_NAMES,
    INBOX,
    INBOX_FOLDERS,
    PDF,
    ROOT,
    Attachment,
    FileArchive,
    StoredFile,
    SupplierInvoiceConnection,
    VoucherConnection,
)
from sandbox.invoice_pdfs import documents_of
from sandbox.pipeline import fortnox_api
from sandbox.voucher_rules import parse_json_body

# Fortnox's documented code for a request body that is not of the expected content type (NOTES.md §4.3).
INVALID_CONTENT_TYPE = 1000031
# Codes INVENTED by the sandbox for file situations no public source gives a code for (see sandbox.errors).
FILE_NOT_FOUND = 2009920
FOLDER_NOT_FOUND = 2009921
FILE_TOO_LARGE = 2009922
FILE_TYPE_NOT_ALLOWED = 2009923
FILE_CONNECTION_NOT_FOUND = 2009924
FILE_ALREADY_CONNECTED = 2009925
FOLDER_NOT_REMOVABLE = 2009926

ALLOWED_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/gif", "image/tiff", "text/plain")
MAGIC = {"application/pdf": (b"%PDF-",), "image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",),
         "image/gif": (b"GIF87a", b"GIF89a"), "image/tiff": (b"II*\x00", b"MM\x00*")}
ENTITY_TYPES = ("OF", "O", "F", "C", "LGR_IO", "LGR_IG")
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1  # entity ids are int64 in the spec (and INTEGER in SQLite)
INBOX_FOLDER_IDS = frozenset(folder_id for folder_id, _, _ in INBOX_FOLDERS)


def _is_number(text: str) -> bool:
    """ASCII digits only: `str.isdigit` also accepts digits such as '²' that `int` refuses."""
    return text.isascii() and text.isdigit()


def _base(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def _archive(request: Request, caller: Caller) -> FileArchive:
    """The file archive, with the caller's demo invoices' PDFs in it."""
    sandbox = sandbox_of(request)
    sandbox.archive.seed_once(caller.tenant_id, lambda: documents_of(sandbox.store, caller.tenant_id))
    return sandbox.archive


def _no_content() -> Response:
    return Response(status_code=204)


# -- archive and inbox ---------------------------------------------------------------------------


def _in_inbox(folder: str | None) -> bool:
    return folder == INBOX or folder in INBOX_FOLDER_IDS


def _folder_id(raw: str, resource: str) -> str | None:
    """The static folder a `path`/`folderid` names (case-insensitive), if `resource` can reach it."""
    key = raw.strip().strip("/").lower() or (ROOT if resource == "archive" else INBOX)
    if key not in FOLDER_NAMES:
        return None
    return key if resource == "archive" or _in_inbox(key) else None


def _folder_not_found(raw: str) -> ApiError:
    return ApiError(404, FOLDER_NOT_FOUND, f"Kan inte hitta mappen {raw}.")


def _file_not_found() -> ApiError:
    return ApiError(404, FILE_NOT_FOUND, "Kan inte hitta filen.")


def _file_row(request: Request, resource: str, stored: StoredFile) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/{resource}/{stored.id}",
        "ArchiveFileId": stored.archive_file_id,
        "Comments": stored.comments,
        "Id": stored.id,
        "Name": stored.name,
        "Path": "" if stored.folder in (None, ROOT) else FOLDER_NAMES[stored.folder],
        "Size": stored.size,
    }


def _folder_json(request: Request, caller: Caller, resource: str, folder_id: str) -> dict[str, Any]:
    root = ROOT if resource == "archive" else INBOX
    subfolders = [f for f, _, _ in INBOX_FOLDERS] if folder_id == INBOX else []
    url = f"{_base(request)}/3/{resource}" + ("" if folder_id == root else f"/{folder_id}")
    files = _archive(request, caller).files_in(caller.tenant_id, folder_id)
    return {"Folder": {
        "@url": url,
        "Email": "",
        "Files": [_file_row(request, resource, f) for f in files],
        "Folders": [{"@url": f"{_base(request)}/3/{resource}/{f}", "Id": f, "Name": FOLDER_NAMES[f]}
                    for f in subfolders],
        "Id": folder_id,
        "Name": FOLDER_NAMES[folder_id],
    }}


def _download(archive: FileArchive, caller: Caller, file_id: str, resource: str,
              archive_file_id_only: bool = False) -> Response:
    found = archive.content(caller.tenant_id, file_id, archive_file_id_only)
    if found is None or (resource == "inbox" and not _in_inbox(found[0].folder)):
        raise _file_not_found()
    stored, content = found
    return Response(content, media_type=stored.content_type)


async def _get_folder(request: Request, caller: Caller, resource: str) -> Response:
    file_id = request.query_params.get("fileid")
    if file_id:
        return _download(_archive(request, caller), caller, file_id, resource, archive_file_id_only=True)
    raw = request.query_params.get("path", "")
    folder_id = _folder_id(raw, resource)
    if folder_id is None:
        raise _folder_not_found(raw)
    return FortnoxJSONResponse(_folder_json(request, caller, resource, folder_id))


async def _get_by_id(request: Request, caller: Caller, resource: str) -> Response:
    item_id = request.path_params["id"]
    file_id = request.query_params.get("fileid")
    if file_id:
        return _download(_archive(request, caller), caller, file_id, resource, archive_file_id_only=True)
    folder_id = _folder_id(item_id, resource) if item_id.lower() in FOLDER_NAMES else None
    if folder_id is not None:
        return FortnoxJSONResponse(_folder_json(request, caller, resource, folder_id))
    return _download(_archive(request, caller), caller, item_id, resource)


def _upload_type(upload: UploadFile, name: str) -> str:
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared in ("", "application/octet-stream"):
        declared = (mimetypes.guess_type(name)[0] or "application/octet-stream").lower()
    return declared


async def _read_upload(request: Request, max_bytes: int) -> tuple[str, str, bytes]:
    """Name, content type and bytes of the multipart field `file`, or Fortnox's refusal."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(400, INVALID_CONTENT_TYPE,
                       "Ogiltig innehållstyp. Skicka filen som multipart/form-data i fältet file.")
    try:
        form = await request.form(max_files=1, max_fields=10)
    except HTTPException as exc:
        raise ApiError(400, NO_DATA, "Ingen eller felaktig typ av data.") from exc
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise ApiError(400, NO_DATA, "Ingen eller felaktig typ av data. Fältet file med en fil saknas.")
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "fil"
    content = await upload.read(max_bytes + 1)
    if not content:
        raise ApiError(400, NO_DATA, f"Filen {name} är tom.")
    if len(content) > max_bytes:
        raise ApiError(400, FILE_TOO_LARGE,
                       f"Filen {name} är för stor. Största tillåtna storlek är {max_bytes // (1024 * 1024)} MB.")
    content_type = _upload_type(upload, name)
    if content_type not in ALLOWED_TYPES:
        raise ApiError(400, FILE_TYPE_NOT_ALLOWED,
                       f"Filtypen {content_type} stöds inte. Ladda upp PDF, JPEG, PNG, GIF, TIFF eller text.")
    if not content.startswith(MAGIC.get(content_type, (b"",))):
        raise ApiError(400, FILE_TYPE_NOT_ALLOWED, f"Filen {name} är inte en giltig fil av typen {content_type}.")
    return name, content_type, content


async def _upload(request: Request, caller: Caller, resource: str) -> Response:
    params = request.query_params
    raw = params.get("folderid") or params.get("folderId") or params.get("path") or ""
    folder_id = _folder_id(raw, resource)
    if folder_id is None:
        raise _folder_not_found(raw)
    archive = _archive(request, caller)
    name, content_type, content = await _read_upload(request, archive.max_file_bytes)
    stored = archive.add_file(caller.tenant_id, folder_id, name, content_type, content,
                              timestamp(sandbox_of(request).clock))
    return FortnoxJSONResponse({"File": _file_row(request, resource, stored)}, status_code=201)


def _delete_file(request: Request, caller: Caller, resource: str, item_id: str) -> Response:
    if item_id.lower() in FOLDER_NAMES:
        raise ApiError(400, FOLDER_NOT_REMOVABLE,
                       f"Mappen {FOLDER_NAMES[item_id.lower()]} är en systemmapp och kan inte tas bort.")
    archive = _archive(request, caller)
    stored = archive.file(caller.tenant_id, item_id)
    if stored is None or (resource == "inbox" and not _in_inbox(stored.folder)):
        raise _file_not_found()
    archive.delete_file(caller.tenant_id, stored.id)
    return _no_content()


@fortnox_api("archive")
async def archive_folder(request: Request, caller: Caller) -> Response:
    return await _get_folder(request, caller, "archive")


@fortnox_api("archive")
async def archive_item(request: Request, caller: Caller) -> Response:
    return await _get_by_id(request, caller, "archive")


@fortnox_api("archive")
async def archive_upload(request: Request, caller: Caller) -> Response:
    return await _upload(request, caller, "archive")


@fortnox_api("archive")
async def archive_delete(request: Request, caller: Caller) -> Response:
    return _delete_file(request, caller, "archive", request.path_params["id"])


@fortnox_api("archive")
async def archive_delete_by_path(request: Request, caller: Caller) -> Response:
    """`DELETE /3/archive?path=<folder>/<file name>` (a bare name means the root folder)."""
    raw = request.query_params.get("path", "").strip().strip("/")
    if raw.lower() in FOLDER_NAMES:
        return _delete_file(request, caller, "archive", raw)
    folder_part, _, name = raw.rpartition("/")
    folder_id = _folder_id(folder_part, "archive")
    files = _archive(request, caller).files_in(caller.tenant_id, folder_id) if folder_id is not None and name else []
    match = next((f for f in files if f.name == name), None)
    if match is None:
        raise _file_not_found()
    return _delete_file(request, caller, "archive", match.id)


@fortnox_api("inbox")
async def inbox_folder(request: Request, caller: Caller) -> Response:
    return await _get_folder(request, caller, "inbox")


@fortnox_api("inbox")
async def inbox_item(request: Request, caller: Caller) -> Response:
    return await _get_by_id(request, caller, "inbox")


@fortnox_api("inbox")
async def inbox_upload(request: Request, caller: Caller) -> Response:
    return await _upload(request, caller, "inbox")


@fortnox_api("inbox")
async def inbox_delete(request: Request, caller: Caller) -> Response:
    return _delete_file(request, caller, "inbox", request.path_params["id"])


# -- file connections -------------------------------------------------------------------------------


async def _connection_body(request: Request, wrapper: str) -> dict[str, Any]:
    payload = parse_json_body(await request.body())
    body = payload.get(wrapper) if isinstance(payload, dict) else None
    if not isinstance(body, dict):
        raise ApiError(400, NO_DATA, "Ingen eller felaktig typ av data.")
    return body


def _required_text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    text = "" if value is None or isinstance(value, bool) else str(value).strip()
    if not text:
        raise ApiError(400, REQUIRED_FIELD_MISSING, f"Fältet {name} är obligatoriskt.")
    return text


def _connectable_file(request: Request, caller: Caller, file_id: str) -> StoredFile:
    stored = _archive(request, caller).file(caller.tenant_id, file_id)
    if stored is None:
        raise ApiError(400, FILE_NOT_FOUND, f"Kan inte hitta filen {file_id}.")
    return stored


def _connection_not_found() -> ApiError:
    return ApiError(404, FILE_CONNECTION_NOT_FOUND, "Kan inte hitta filkopplingen.")


def _supplier_connection_json(request: Request, c: SupplierInvoiceConnection) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/supplierinvoicefileconnections/{c.file_id}",
        "FileId": c.file_id,
        "Name": c.file_name,
        "SupplierInvoiceNumber": c.supplier_invoice_number,
        "SupplierName": c.supplier_name,
    }


@fortnox_api("connectfile")
async def supplier_invoice_connections(request: Request, caller: Caller) -> Response:
    number = request.query_params.get("supplierinvoicenumber") or None
    items = _archive(request, caller).supplier_invoice_connections(caller.tenant_id, number)
    page, meta = paginate(request, items)
    return FortnoxJSONResponse({"MetaInformation": meta, "SupplierInvoiceFileConnections":
                                [_supplier_connection_json(request, c) for c in page]})


@fortnox_api("connectfile")
async def supplier_invoice_connection(request: Request, caller: Caller) -> Response:
    found = _archive(request, caller).supplier_invoice_connection(caller.tenant_id, request.path_params["file_id"])
    if found is None:
        raise _connection_not_found()
    return FortnoxJSONResponse({"SupplierInvoiceFileConnection": _supplier_connection_json(request, found)})


@fortnox_api("connectfile")
async def create_supplier_invoice_connection(request: Request, caller: Caller) -> Response:
    body = await _connection_body(request, "SupplierInvoiceFileConnection")
    stored = _connectable_file(request, caller, _required_text(body, "FileId"))
    number = _required_text(body, "SupplierInvoiceNumber")
    invoice = sandbox_of(request).store.supplier_invoice(caller.tenant_id, number)
    if invoice is None:
        raise ApiError(404, RESOURCE_NOT_FOUND, f"Kan inte hitta leverantörsfakturan {number}.")
    created = _archive(request, caller).connect_supplier_invoice(caller.tenant_id, stored.id, number,
                                                                 supplier_name=invoice.party_name)
    if created is None:
        raise ApiError(400, FILE_ALREADY_CONNECTED, f"Filen {stored.name} är redan kopplad till en leverantörsfaktura.")
    return FortnoxJSONResponse({"SupplierInvoiceFileConnection": _supplier_connection_json(request, created)},
                               status_code=201)


@fortnox_api("connectfile")
async def delete_supplier_invoice_connection(request: Request, caller: Caller) -> Response:
    if not _archive(request, caller).disconnect_supplier_invoice(caller.tenant_id, request.path_params["file_id"]):
        raise _connection_not_found()
    return _no_content()


def _voucher_connection_json(request: Request, c: VoucherConnection) -> dict[str, Any]:
    return {
        "@url": f"{_base(request)}/3/voucherfileconnections/{c.file_id}",
        "FileId": c.file_id,
        "VoucherDescription": c.description,
        "VoucherNumber": str(c.number),
        "VoucherSeries": c.series,
        "VoucherYear": c.year_id,
    }


def _voucher_filter(request: Request, items: list[VoucherConnection]) -> list[VoucherConnection]:
    """The search params of the spec's tag text; the description matches as a case-insensitive substring."""
    params = request.query_params
    if params.get("voucheryear"):
        items = [c for c in items if str(c.year_id) == params["voucheryear"]]
    if params.get("voucherseries"):
        items = [c for c in items if c.series == params["voucherseries"]]
    if params.get("vouchernumber"):
        items = [c for c in items if str(c.number) == params["vouchernumber"]]
    if params.get("voucherdescription"):
        items = [c for c in items if params["voucherdescription"].lower() in c.description.lower()]
    return items


@fortnox_api("connectfile")
async def voucher_connections(request: Request, caller: Caller) -> Response:
    items = _voucher_filter(request, _archive(request, caller).voucher_connections(caller.tenant_id))
    page, meta = paginate(request, items)
    return FortnoxJSONResponse({"MetaInformation": meta,
                                "VoucherFileConnections": [_voucher_connection_json(request, c) for c in page]})


@fortnox_api("connectfile")
async def voucher_connection(request: Request, caller: Caller) -> Response:
    found = _archive(request, caller).voucher_connection(caller.tenant_id, request.path_params["file_id"])
    if found is None:
        raise _connection_not_found()
    return FortnoxJSONResponse({"VoucherFileConnection": _voucher_connection_json(request, found)})


def _voucher_year_id(request: Request, caller: Caller, body: dict[str, Any]) -> int:
    """`VoucherYear` in the body, else `?financialyear=`, else Fortnox's preselected year."""
    sandbox = sandbox_of(request)
    raw = body.get("VoucherYear") or request.query_params.get("financialyear")
    if raw is None or raw == "":
        return sandbox.default_year(caller.tenant_id).id
    text = str(raw).strip()
    if isinstance(raw, bool) or not _is_number(text):
        raise ApiError(400, NOT_NUMERIC, f"Värdet måste vara numeriskt ({text})")
    if sandbox.store.financial_year(caller.tenant_id, int(text)) is None:
        raise ApiError(400, FINANCIAL_YEAR_NOT_FOUND, f"Räkenskapsåret {text} finns inte.")
    return int(text)


@fortnox_api("connectfile")
async def create_voucher_connection(request: Request, caller: Caller) -> Response:
    body = await _connection_body(request, "VoucherFileConnection")
    stored = _connectable_file(request, caller, _required_text(body, "FileId"))
    series = _required_text(body, "VoucherSeries")
    raw_number = _required_text(body, "VoucherNumber")
    if not _is_number(raw_number):
        raise ApiError(400, NOT_NUMERIC, f"Värdet måste vara numeriskt ({raw_number})")
    year_id = _voucher_year_id(request, caller, body)
    voucher = (sandbox_of(request).store.voucher(caller.tenant_id, year_id, series, int(raw_number))
               if int(raw_number) <= INT64_MAX else None)
    if voucher is None:
        raise ApiError(400, VOUCHER_NOT_FOUND, f"Kan inte hitta verifikationen {series}{raw_number}.")
    created = _archive(request, caller).connect_voucher(caller.tenant_id, stored.id, series, voucher.number, year_id,
                                                voucher.description)
    if created is None:
        raise ApiError(400, FILE_ALREADY_CONNECTED, f"Filen {stored.name} är redan kopplad till en verifikation.")
    return FortnoxJSONResponse({"VoucherFileConnection": _voucher_connection_json(request, created)},
                               status_code=201)


@fortnox_api("connectfile")
async def delete_voucher_connection(request: Request, caller: Caller) -> Response:
    if not _archive(request, caller).disconnect_voucher(caller.tenant_id, request.path_params["file_id"]):
        raise _connection_not_found()
    return _no_content()


# -- attachments API (sales documents) -------------------------------------------------------------------


class AttachmentRefused(ApiError):
    """A refusal of the attachments API, answered as its `WebException` rather than `ErrorInformation`."""

    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(status, 0, message)
        self.error_id = error_id

    def response(self) -> Response:
        reason = {400: "Bad Request", 404: "Not Found"}.get(self.status, "Error")
        return FortnoxJSONResponse({"error": reason, "id": self.error_id, "message": self.message},
                                   status_code=self.status)


def _attachment_json(a: Attachment) -> dict[str, Any]:
    return {"entityId": a.entity_id, "entityType": a.entity_type, "fileId": a.file_id, "id": a.id,
            "includeOnSend": a.include_on_send}


def _entity_type(raw: object) -> str:
    if raw not in ENTITY_TYPES:
        raise AttachmentRefused(400, "missing_mandatory_field",
                                f"entitytype måste vara en av {', '.join(ENTITY_TYPES)}.")
    return str(raw)


def _entity_ids(request: Request, name: str) -> list[int]:
    """Ids given as repeated parameters or comma-separated (`entityid=1&entityid=2`, `entityid=1,2`)."""
    parts = [p.strip() for value in request.query_params.getlist(name) for p in value.split(",") if p.strip()]
    if not parts or not all(_is_number(p) and int(p) <= INT64_MAX for p in parts):
        raise AttachmentRefused(400, "missing_mandatory_field", f"{name} måste vara ett eller flera heltal.")
    return [int(p) for p in parts]


@fortnox_api("connectfile")
async def attachments(request: Request, caller: Caller) -> Response:
    ids = _entity_ids(request, "entityid")
    entity_type = _entity_type(request.query_params.get("entitytype"))
    found = _archive(request, caller).attachments(caller.tenant_id, entity_type, ids)
    return FortnoxJSONResponse([_attachment_json(a) for a in found])


@fortnox_api("connectfile")
async def number_of_attachments(request: Request, caller: Caller) -> Response:
    ids = _entity_ids(request, "entityids")
    entity_type = _entity_type(request.query_params.get("entitytype"))
    found = _archive(request, caller).attachments(caller.tenant_id, entity_type, ids)
    return FortnoxJSONResponse([{"entityId": i, "numberOfAttachments": sum(a.entity_id == i for a in found)}
                                for i in sorted(set(ids))])


def _new_attachment(request: Request, caller: Caller, item: object) -> tuple[int, str, StoredFile, bool]:
    if not isinstance(item, dict):
        raise AttachmentRefused(400, "no_attachment_provided", "Varje bilaga måste vara ett JSON-objekt.")
    entity_id = item.get("entityId")
    file_id = item.get("fileId")
    if (isinstance(entity_id, bool) or not isinstance(entity_id, int) or not INT64_MIN <= entity_id <= INT64_MAX
            or not isinstance(file_id, str) or not file_id):
        raise AttachmentRefused(400, "missing_mandatory_field", "Fälten entityId, entityType och fileId krävs.")
    entity_type = _entity_type(item.get("entityType"))
    if entity_type == "F" and sandbox_of(request).store.invoice(caller.tenant_id, str(entity_id)) is None:
        raise AttachmentRefused(404, "document_not_found", f"Kan inte hitta kundfakturan {entity_id}.")
    stored = _archive(request, caller).file_by_archive_file_id(caller.tenant_id, file_id)
    if stored is None:
        raise AttachmentRefused(404, "file_not_found", f"Kan inte hitta filen {file_id}.")
    include = item.get("includeOnSend") is True
    if include and stored.content_type != PDF:
        raise AttachmentRefused(400, "wrong_file_type", "Bara PDF-filer kan skickas med dokumentet.")
    return entity_id, entity_type, stored, include


@fortnox_api("connectfile")
async def attach(request: Request, caller: Caller) -> Response:
    payload = parse_json_body(await request.body())
    if not isinstance(payload, list) or not payload:
        raise AttachmentRefused(400, "no_attachment_provided", "Skicka en lista med minst en bilaga.")
    wanted = [_new_attachment(request, caller, item) for item in payload]
    if len({entity_type for _, entity_type, _, _ in wanted}) > 1:
        raise AttachmentRefused(400, "mixed_documents", "Alla bilagor i ett anrop måste gälla samma dokumenttyp.")
    archive = _archive(request, caller)
    created = [archive.attach(caller.tenant_id, entity_type, entity_id, stored.archive_file_id, include)
               for entity_id, entity_type, stored, include in wanted]
    return FortnoxJSONResponse([_attachment_json(a) for a in created], status_code=201)


def _attachment_id(request: Request) -> str:
    raw = request.path_params["attachment_id"]
    try:
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise AttachmentRefused(404, "attachment_not_found", "Kan inte hitta bilagan.") from exc


@fortnox_api("connectfile")
async def update_attachment(request: Request, caller: Caller) -> Response:
    attachment_id = _attachment_id(request)
    archive = _archive(request, caller)
    current = archive.attachment(caller.tenant_id, attachment_id)
    if current is None:
        raise AttachmentRefused(404, "attachment_not_found", "Kan inte hitta bilagan.")
    body = parse_json_body(await request.body())
    if not isinstance(body, dict) or not isinstance(body.get("includeOnSend"), bool):
        raise AttachmentRefused(400, "missing_mandatory_field", "Fältet includeOnSend krävs.")
    if body.get("id", attachment_id) != attachment_id:
        raise AttachmentRefused(400, "mismatch_attachment_id", "Bilagans id stämmer inte med adressen.")
    fixed = {"entityId": current.entity_id, "entityType": current.entity_type, "fileId": current.file_id}
    if any(name in body and body[name] != value for name, value in fixed.items()):
        raise AttachmentRefused(400, "field_not_writable", "Bara includeOnSend kan ändras på en bilaga.")
    stored = archive.file_by_archive_file_id(caller.tenant_id, current.file_id)
    if body["includeOnSend"] and (stored is None or stored.content_type != PDF):
        raise AttachmentRefused(400, "wrong_file_type", "Bara PDF-filer kan skickas med dokumentet.")
    updated = archive.update_attachment(caller.tenant_id, attachment_id, body["includeOnSend"])
    assert updated is not None
    return FortnoxJSONResponse(_attachment_json(updated))


@fortnox_api("connectfile")
async def detach(request: Request, caller: Caller) -> Response:
    if not _archive(request, caller).detach(caller.tenant_id, _attachment_id(request)):
        raise AttachmentRefused(404, "attachment_not_found", "Kan inte hitta bilagan.")
    return _no_content()


ATTACHMENTS = "/api/fileattachments/attachments-v1"

ROUTES = [
    Route("/3/archive", archive_folder, methods=["GET"]),
    Route("/3/archive", archive_upload, methods=["POST"]),
    Route("/3/archive", archive_delete_by_path, methods=["DELETE"]),
    Route("/3/archive/{id}", archive_item, methods=["GET"]),
    Route("/3/archive/{id}", archive_delete, methods=["DELETE"]),
    Route("/3/inbox", inbox_folder, methods=["GET"]),
    Route("/3/inbox", inbox_upload, methods=["POST"]),
    Route("/3/inbox/{id}", inbox_item, methods=["GET"]),
    Route("/3/inbox/{id}", inbox_delete, methods=["DELETE"]),
    Route("/3/supplierinvoicefileconnections", supplier_invoice_connections, methods=["GET"]),
    Route("/3/supplierinvoicefileconnections", create_supplier_invoice_connection, methods=["POST"]),
    Route("/3/supplierinvoicefileconnections/{file_id}", supplier_invoice_connection, methods=["GET"]),
    Route("/3/supplierinvoicefileconnections/{file_id}", delete_supplier_invoice_connection, methods=["DELETE"]),
    Route("/3/voucherfileconnections", voucher_connections, methods=["GET"]),
    Route("/3/voucherfileconnections", create_voucher_connection, methods=["POST"]),
    Route("/3/voucherfileconnections/{file_id}", voucher_connection, methods=["GET"]),
    Route("/3/voucherfileconnections/{file_id}", delete_voucher_connection, methods=["DELETE"]),
    Route(ATTACHMENTS, attachments, methods=["GET"]),
    Route(ATTACHMENTS, attach, methods=["POST"]),
    Route(f"{ATTACHMENTS}/numberofattachments", number_of_attachments, methods=["GET"]),
    Route(f"{ATTACHMENTS}/{{attachment_id}}", update_attachment, methods=["PUT"]),
    Route(f"{ATTACHMENTS}/{{attachment_id}}", detach, methods=["DELETE"]),
]
