"""Bilagor: the files attached to the ledgers' invoices, downloaded once, stored by sha256, linked to their invoice.

Listing is cheap (customer invoices in batches, supplier invoice connections by the page); downloads are one request
a file and dominate, so a file a previous run already downloaded (staged or published) is never fetched again.
A file Fortnox no longer has (404) is reported and skipped: the other attachments still arrive.

Requests go out from a few threads at once: one request's round trip is longer than the gap the rate limit leaves
between two, so a single thread would leave most of the limit unused. The shared throttle keeps the pace; all
bookkeeping (staging, progress, cancelling) stays on the run's own thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import TypeVar

from sqlite_utils import Database

from services import attachment_files
from services.config import Settings
from services.fortnox import files
from services.fortnox.client import FortnoxClient
from services.fortnox.errors import NotFound
from services.fortnox.files import FileLink
from services.imports.model import ImportPart
from services.imports.runs import Tracker
from services.imports.staging import Staging
from services.ledgers.model import LedgerKind
from services.store import TableRows

PART = ImportPart.ATTACHMENTS
BATCH = 50  # customer invoices per attachments request; keeps the URL short
PARALLEL_REQUESTS = 4  # enough to keep Fortnox's 5 requests a second busy at a few hundred ms per round trip
T = TypeVar("T")
R = TypeVar("R")


@dataclass
class AttachmentData:
    links: list[tuple[str, FileLink, str]] = field(default_factory=list)  # (kind, link, sha256)
    missing: list[tuple[str, FileLink]] = field(default_factory=list)
    bytes_downloaded: int = 0


@dataclass
class FilesPlan:
    """What the listing found: every file link wanted, the sha256 of those already downloaded (published or
    staged), and the file ids still to download."""

    wanted: list[tuple[str, FileLink]]
    shas: dict[str, str]
    to_fetch: list[str]


def plan(client: FortnoxClient, staging: Staging, tracker: Tracker, *, customer_invoices: list[str],
         known: dict[str, str]) -> FilesPlan:
    """List the files of the given customer invoices and of every supplier invoice, and plan the part: one
    download per new file. `known` maps already published file ids to sha256. Supplier invoices are always listed
    whole (a page holds hundreds): a file attached in Fortnox leaves its invoice unchanged, so asking only the
    changed invoices would miss it."""
    batches = [customer_invoices[i:i + BATCH] for i in range(0, len(customer_invoices), BATCH)]
    wanted: list[tuple[str, FileLink]] = []
    for links in in_parallel(lambda batch: files.customer_invoice_attachments(client, batch), batches):
        wanted += [(LedgerKind.CUSTOMER, link) for link in links]
        tracker.update(PART, requests=1)
    page, pages = 1, 1
    while page <= pages:
        links, pages = files.supplier_invoice_connections(client, page)
        wanted += [(LedgerKind.SUPPLIER, link) for link in links]
        tracker.update(PART, requests=1)
        page += 1
    shas = {file_id: sha.decode() for file_id, sha in staging.chunks("file").items()} | known
    to_fetch = sorted({link.file_id for _, link in wanted if link.file_id not in shas})
    tracker.part_planned(PART, items=len(wanted), remaining_requests=len(to_fetch))
    return FilesPlan(wanted, shas, to_fetch)


def download(client: FortnoxClient, settings: Settings, staging: Staging, tracker: Tracker,
             plan: FilesPlan) -> AttachmentData:
    """The planned downloads, from a few threads at once; the links of files already here count as done."""
    data = AttachmentData()
    shas, wanted, to_fetch = dict(plan.shas), plan.wanted, plan.to_fetch
    fetched_items = dict.fromkeys(to_fetch, 0)  # links per file still to download
    for _, link in wanted:
        if link.file_id in fetched_items:
            fetched_items[link.file_id] += 1
    tracker.update(PART, items=len(wanted) - sum(fetched_items.values()))

    def fetch_one(file_id: str) -> tuple[str, str | None, int]:
        try:
            download = files.download(client, file_id)
        except NotFound:
            return file_id, None, 0
        return file_id, attachment_files.keep(settings, download.content, download.content_type), len(download.content)

    for file_id, sha, size in in_parallel(fetch_one, to_fetch):
        if sha is not None:
            staging.put("file", file_id, sha.encode())
            shas[file_id] = sha
            data.bytes_downloaded += size
        tracker.update(PART, items=fetched_items[file_id], requests=1)
    for kind, link in wanted:
        if link.file_id in shas:
            data.links.append((kind, link, shas[link.file_id]))
        else:
            data.missing.append((kind, link))
    return data


def in_parallel(work: Callable[[T], R], items: Sequence[T], workers: int = PARALLEL_REQUESTS) -> Iterator[R]:
    """`work` over `items` from a few threads, results as they finish; stopping early cancels what has not begun."""
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fortnox")
    try:
        yield from (future.result() for future in as_completed([pool.submit(work, item) for item in items]))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def known_files(db: Database, company_id: str) -> dict[str, str]:
    return {row["file_id"]: row["sha256"] for row in db.query(
        "select file_id, sha256 from attachments where company_id = ?", [company_id])}


def prepare(company_id: str, data: AttachmentData) -> TableRows:
    """The downloaded files' links as rows, built before the publishing transaction (see store.TableRows)."""
    return TableRows.of("attachments", (
        {"company_id": company_id, "kind": kind, "document": link.document, "file_id": link.file_id,
         "name": link.name or f"{'Faktura' if kind == LedgerKind.CUSTOMER else 'Leverantörsfaktura'} {link.document}.pdf",
         "sha256": sha} for kind, link, sha in data.links), replace=True)


def publish(db: Database, company_id: str, rows: TableRows, missing: int, *, replace_all: bool) -> dict[str, int]:
    if replace_all:
        db.table("attachments").delete_where("company_id = ?", [company_id])
    rows.insert(db)
    row = db.execute(
        "select count(*), coalesce(sum(f.size), 0) from attachments a join files f on f.sha256 = a.sha256 "
        "where a.company_id = ?", [company_id]).fetchone()
    return {"files": row[0], "bytes": row[1], "missing": missing}
