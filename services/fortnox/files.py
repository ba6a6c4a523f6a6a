"""Files attached to invoices and vouchers: which files belong to which invoice, their bytes, and sending a voucher's
PDF along with it.

Customer invoices use the newer attachments API, which takes many invoices per request; supplier invoices and
vouchers use file connections, pointing at files in the archive or the inbox (NOTES.md §5.12–5.13).
"""

from __future__ import annotations

from dataclasses import dataclass

from services.fortnox import values
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import FortnoxError
from services.fortnox.paginate import fetch_page

ATTACHMENTS_PATH = "/api/fileattachments/attachments-v1"
CUSTOMER_INVOICE = "F"
VOUCHER_INBOX = "inbox_v"


@dataclass(frozen=True)
class FileLink:
    document: str
    file_id: str
    name: str


@dataclass(frozen=True)
class Download:
    content: bytes
    content_type: str


def customer_invoice_attachments(client: FortnoxClient, numbers: list[str]) -> list[FileLink]:
    """Attachments of several customer invoices in one request (`entityid` is repeatable)."""
    params = [("entityid", number) for number in numbers] + [("entitytype", CUSTOMER_INVOICE)]
    answer = client.get_any(ATTACHMENTS_PATH, params)
    items = answer if isinstance(answer, list) else [answer] if isinstance(answer, dict) and answer else []
    return [FileLink(values.text(item.get("entityId")), values.text(item.get("fileId")), "")
            for item in items if values.text(item.get("fileId"))]


def supplier_invoice_connections(client: FortnoxClient, page: int, *, invoice: str | None = None
                                 ) -> tuple[list[FileLink], int]:
    """One page of supplier invoice file connections (all, or one invoice's) and the number of pages."""
    params = {"supplierinvoicenumber": invoice} if invoice else {}
    result = fetch_page(client, "/3/supplierinvoicefileconnections", "SupplierInvoiceFileConnections", params,
                        page=page)
    links = [FileLink(values.text(item.get("SupplierInvoiceNumber")), values.text(item.get("FileId")),
                      values.text(item.get("Name"))) for item in result.items if values.text(item.get("FileId"))]
    return links, result.total_pages


def download(client: FortnoxClient, file_id: str) -> Download:
    response = client.get_response(f"/3/archive/{file_id}")
    content_type = response.headers.get("content-type", "application/octet-stream").split(";")[0].strip()
    return Download(response.content, content_type)


def upload_to_inbox(client: FortnoxClient, name: str, content: bytes, content_type: str,
                    folder: str = VOUCHER_INBOX) -> str:
    """Put a file in the inbox's voucher folder; returns its file id."""
    answer = client.post_file("/3/inbox", name, content, content_type, {"folderId": folder})
    file_id = values.text((answer.get("File") or {}).get("Id"))
    if not file_id:
        raise FortnoxError("Fortnox svarade utan fil-id när bilagan laddades upp.")
    return file_id


def connect_to_voucher(client: FortnoxClient, file_id: str, series: str, number: str, year_id: str) -> None:
    """Attach an uploaded file to a voucher (`POST /3/voucherfileconnections`)."""
    body = {"VoucherFileConnection": {"FileId": file_id, "VoucherSeries": series, "VoucherNumber": number}}
    client.post_json("/3/voucherfileconnections", body, {"financialyear": year_id})


def voucher_connection_exists(client: FortnoxClient, file_id: str) -> bool:
    """Whether a connection for the file exists, after an answer that never arrived."""
    try:
        client.get_json(f"/3/voucherfileconnections/{file_id}")
    except FortnoxError as exc:
        if exc.status == 404:
            return False
        raise
    return True
