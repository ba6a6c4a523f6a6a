"""The PDFs the demo world's invoices carry: one per customer invoice (attached through attachments-v1) and one per
supplier invoice (connected through supplierinvoicefileconnections), rendered from the invoice itself.

A tenant's documents are handed to the file archive the first time its files are asked for, so the sandbox starts
fast and the large company's eleven thousand PDFs cost nothing until someone wants them.
"""

from __future__ import annotations

from collections.abc import Iterator

from sandbox.file_archive import SeedDocument
from sandbox.records import Invoice
from sandbox.books_store import BooksStore, InvoiceQuery


def _kronor(ore: int, currency: str) -> str:
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor:,}".replace(",", " ") + f",{rest:02d} {currency}"


def _lines(invoice: Invoice, party_label: str) -> tuple[str, ...]:
    return (
        f"{party_label}: {invoice.party_name} ({invoice.party_number})",
        f"Fakturadatum: {invoice.invoice_date.isoformat()}",
        f"Förfallodatum: {invoice.due_date.isoformat()}",
        f"Varav moms: {_kronor(invoice.vat, invoice.currency)}",
        f"Att betala: {_kronor(invoice.total, invoice.currency)}",
        f"OCR: {invoice.ocr}" if invoice.ocr else "",
    )


def documents_of(store: BooksStore, tenant_id: str) -> Iterator[SeedDocument]:
    company = store.company(tenant_id)
    issuer = company.name if company else ""
    for invoice in store.invoices(tenant_id, InvoiceQuery()):
        yield SeedDocument("invoice", tenant_id, invoice.number, f"{issuer} – Faktura {invoice.number}",
                           _lines(invoice, "Kund"))
    for bill in store.supplier_invoices(tenant_id, InvoiceQuery()):
        yield SeedDocument("supplierinvoice", tenant_id, bill.number, f"{bill.party_name} – Faktura till {issuer}",
                           _lines(bill, "Leverantör"), counterparty=bill.party_name)
