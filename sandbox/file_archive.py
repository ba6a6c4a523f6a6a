"""The sandbox's file storage: archive and inbox files, their connections to supplier invoices and vouchers, and
customer-invoice attachments — in its own SQLite file beside the books (`files-seed<N>.sqlite3`).

Kept apart from `sandbox.books_store` because files are bulky and have their own life: the books never need them.
One connection behind a re-entrant lock, as in `sandbox.books_store`, so Starlette's thread pool and test threads
can share it. Folders are Fortnox's static ones (archive root, the inbox and its nine `inbox_*` folders).
Seeded documents are stored as their title and lines and rendered to PDF on first use, so seeding stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sandbox.pdf import render_pdf
from sandbox.sqlite_file import SqliteFile, connect

MAX_FILE_BYTES = 10 * 1024 * 1024
ROOT = "root"
INBOX = "inbox"
PDF = "application/pdf"
SEED_NAMESPACE = uuid.UUID("5f0c2a7e-2f7b-4c1e-9a51-3d6c1b0f9e21")

# Fortnox's static inbox folders (openapi tag fortnox_Inbox): id, name, what they hold.
INBOX_FOLDERS: tuple[tuple[str, str, str], ...] = (
    ("inbox_a", "Inbox_a", "Anläggningsregister"),
    ("inbox_d", "Inbox_d", "Dagskassor"),
    ("inbox_s", "Inbox_s", "Leverantörsfakturor"),
    ("inbox_v", "Inbox_v", "Verifikationer"),
    ("inbox_b", "Inbox_b", "Bankfiler"),
    ("inbox_l", "Inbox_l", "Lönefiler"),
    ("inbox_kf", "Inbox_kf", "Kundfakturor"),
    ("inbox_o", "Inbox_o", "Order"),
    ("inbox_of", "Inbox_of", "Offerter"),
)
FOLDER_NAMES: dict[str, str] = {ROOT: "root", INBOX: "inbox", **{i: name for i, name, _ in INBOX_FOLDERS}}

_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    tenant_id TEXT NOT NULL, id TEXT NOT NULL, archive_file_id TEXT NOT NULL, name TEXT NOT NULL,
    folder TEXT, content_type TEXT NOT NULL, comments TEXT NOT NULL DEFAULT '', size INTEGER, sha256 TEXT,
    content BLOB, source TEXT, created TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX IF NOT EXISTS files_by_archive_file_id ON files (tenant_id, archive_file_id);
CREATE INDEX IF NOT EXISTS files_by_folder ON files (tenant_id, folder, name);
CREATE TABLE IF NOT EXISTS supplier_invoice_connections (
    tenant_id TEXT NOT NULL, file_id TEXT NOT NULL, supplier_invoice_number TEXT NOT NULL,
    supplier_name TEXT NOT NULL, PRIMARY KEY (tenant_id, file_id)
);
CREATE TABLE IF NOT EXISTS voucher_connections (
    tenant_id TEXT NOT NULL, file_id TEXT NOT NULL, series TEXT NOT NULL, number INTEGER NOT NULL,
    year_id INTEGER NOT NULL, description TEXT NOT NULL, PRIMARY KEY (tenant_id, file_id)
);
CREATE TABLE IF NOT EXISTS attachments (
    tenant_id TEXT NOT NULL, id TEXT NOT NULL, entity_id INTEGER NOT NULL, entity_type TEXT NOT NULL,
    file_id TEXT NOT NULL, include_on_send INTEGER NOT NULL, PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, entity_type, entity_id, file_id)
);
"""


@dataclass(frozen=True)
class SeedDocument:
    """A document of the demo world that gets a PDF: its lines are what the PDF shows.

    `counterparty` is the supplier's name for a supplier invoice (Fortnox's `SupplierName` on the connection).
    """

    kind: Literal["invoice", "supplierinvoice"]
    tenant_id: str
    number: str
    title: str
    lines: tuple[str, ...]
    counterparty: str = ""


@dataclass(frozen=True)
class StoredFile:
    """A file's metadata; `folder` is None for files that live only behind a connection or attachment."""

    id: str
    archive_file_id: str
    name: str
    folder: str | None
    content_type: str
    size: int
    sha256: str
    comments: str


@dataclass(frozen=True)
class SupplierInvoiceConnection:
    file_id: str
    file_name: str
    supplier_invoice_number: str
    supplier_name: str


@dataclass(frozen=True)
class VoucherConnection:
    file_id: str
    series: str
    number: int
    year_id: int
    description: str


@dataclass(frozen=True)
class Attachment:
    id: str
    entity_id: int
    entity_type: str
    file_id: str
    include_on_send: bool


def seed_ids(document: SeedDocument) -> tuple[str, str, str]:
    """(file Id, ArchiveFileId, attachment id) of a seeded document: stable across restarts and machines."""
    key = f"{document.tenant_id}/{document.kind}/{document.number}"
    file_id, archive_file_id, attachment_id = (str(uuid.uuid5(SEED_NAMESPACE, f"{key}/{part}"))
                                               for part in ("file", "archivefile", "attachment"))
    return file_id, archive_file_id, attachment_id


def seed_file_name(document: SeedDocument) -> str:
    prefix = "Faktura" if document.kind == "invoice" else "Leverantörsfaktura"
    return f"{prefix} {document.number}.pdf"


class FileArchive(SqliteFile):
    """Every tenant's files, folders, connections and attachments behind one lock."""

    def __init__(self, path: Path, max_file_bytes: int = MAX_FILE_BYTES) -> None:
        super().__init__()
        self.path = path
        self.max_file_bytes = max_file_bytes
        self._seeded: set[str] = set()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = connect(path)
        self._conn.executescript(_SCHEMA)

    # -- seeding ------------------------------------------------------------------------------------
    def seed_once(self, tenant_id: str, documents: Callable[[], Iterable[SeedDocument]]) -> None:
        """Seed a tenant's documents the first time this archive serves it (seeding again is harmless, but slow for
        the large company, so each tenant is seeded once per process)."""
        with self._lock:
            if tenant_id in self._seeded:
                return
            self.seed(documents())
            self._seeded.add(tenant_id)

    def seed(self, documents: Iterable[SeedDocument]) -> None:
        """Give each document a PDF and attach it (invoice) or connect it (supplier invoice); safe to repeat."""
        files, attachments, connections = [], [], []
        for document in documents:
            file_id, archive_file_id, attachment_id = seed_ids(document)
            source = json.dumps({"title": document.title, "lines": list(document.lines)}, ensure_ascii=False)
            files.append((document.tenant_id, file_id, archive_file_id, seed_file_name(document), PDF, source))
            if document.kind == "invoice":
                attachments.append((document.tenant_id, attachment_id, int(document.number), archive_file_id))
            else:
                connections.append((document.tenant_id, file_id, document.number, document.counterparty))
        with self._transaction() as conn:
            conn.executemany("INSERT OR IGNORE INTO files (tenant_id, id, archive_file_id, name, folder, content_type,"
                             " source) VALUES (?, ?, ?, ?, NULL, ?, ?)", files)
            conn.executemany("INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, 'F', ?, 0)", attachments)
            conn.executemany("INSERT OR IGNORE INTO supplier_invoice_connections VALUES (?, ?, ?, ?)", connections)

    def _materialise(self, row: sqlite3.Row) -> sqlite3.Row:
        """Render a seeded file's PDF on first use and keep it."""
        if row["content"] is not None:
            return row
        source = json.loads(row["source"])
        content = render_pdf(source["title"], tuple(source["lines"]))
        with self._transaction() as conn:
            conn.execute("UPDATE files SET content = ?, size = ?, sha256 = ? WHERE tenant_id = ? AND id = ?",
                         (content, len(content), hashlib.sha256(content).hexdigest(), row["tenant_id"], row["id"]))
            return conn.execute("SELECT * FROM files WHERE tenant_id = ? AND id = ?",
                                (row["tenant_id"], row["id"])).fetchone()

    # -- files --------------------------------------------------------------------------------------
    def add_file(self, tenant_id: str, folder: str, name: str, content_type: str, content: bytes,
                 created: str) -> StoredFile:
        """Store an uploaded file in `folder` under fresh ids (Fortnox's are UUIDs)."""
        file_id, archive_file_id = str(uuid.uuid4()), str(uuid.uuid4())
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO files (tenant_id, id, archive_file_id, name, folder, content_type, size, sha256,"
                " content, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (tenant_id, file_id, archive_file_id, name, folder, content_type, len(content),
                 hashlib.sha256(content).hexdigest(), content, created),
            )
        found = self.file(tenant_id, file_id)
        assert found is not None
        return found

    def _file_row(self, tenant_id: str, file_id: str, archive_file_id_only: bool = False) -> sqlite3.Row | None:
        where = "archive_file_id = ?" if archive_file_id_only else "(id = ? OR archive_file_id = ?)"
        params = (file_id,) if archive_file_id_only else (file_id, file_id)
        rows = self._query(f"SELECT * FROM files WHERE tenant_id = ? AND {where}", (tenant_id, *params))
        return self._materialise(rows[0]) if rows else None

    def file(self, tenant_id: str, file_id: str) -> StoredFile | None:
        """A file by its Id or its ArchiveFileId (downloads accept either)."""
        row = self._file_row(tenant_id, file_id)
        return _stored(row) if row is not None else None

    def file_by_archive_file_id(self, tenant_id: str, archive_file_id: str) -> StoredFile | None:
        """A file by its ArchiveFileId only: what attachments refer to, so a client sending the Id is caught."""
        row = self._file_row(tenant_id, archive_file_id, archive_file_id_only=True)
        return _stored(row) if row is not None else None

    def content(self, tenant_id: str, file_id: str, archive_file_id_only: bool = False
                ) -> tuple[StoredFile, bytes] | None:
        """A file and its bytes, by Id or ArchiveFileId (or by ArchiveFileId only)."""
        row = self._file_row(tenant_id, file_id, archive_file_id_only)
        return (_stored(row), bytes(row["content"])) if row is not None else None

    def files_in(self, tenant_id: str, folder: str) -> list[StoredFile]:
        rows = self._query("SELECT * FROM files WHERE tenant_id = ? AND folder = ? ORDER BY name, id",
                           (tenant_id, folder))
        return [_stored(self._materialise(r)) for r in rows]

    def delete_file(self, tenant_id: str, file_id: str) -> bool:
        """Remove a file with its connections and attachments; False when there is no such file."""
        row = self._file_row(tenant_id, file_id)
        if row is None:
            return False
        with self._transaction() as conn:
            conn.execute("DELETE FROM files WHERE tenant_id = ? AND id = ?", (tenant_id, row["id"]))
            conn.execute("DELETE FROM supplier_invoice_connections WHERE tenant_id = ? AND file_id = ?",
                         (tenant_id, row["id"]))
            conn.execute("DELETE FROM voucher_connections WHERE tenant_id = ? AND file_id = ?", (tenant_id, row["id"]))
            conn.execute("DELETE FROM attachments WHERE tenant_id = ? AND file_id = ?",
                         (tenant_id, row["archive_file_id"]))
        return True

    # -- supplier invoice connections ---------------------------------------------------------------------
    def connect_supplier_invoice(self, tenant_id: str, file_id: str, supplier_invoice_number: str,
                                 supplier_name: str) -> SupplierInvoiceConnection | None:
        """Connect an existing file (by Id) to a supplier invoice; None when the file is already connected.

        The caller has checked that the file and the supplier invoice exist.
        """
        with self._transaction() as conn:
            inserted = conn.execute("INSERT OR IGNORE INTO supplier_invoice_connections VALUES (?, ?, ?, ?)",
                                    (tenant_id, file_id, supplier_invoice_number, supplier_name)).rowcount
        return self.supplier_invoice_connection(tenant_id, file_id) if inserted else None

    def _supplier_invoice_connections(self, tenant_id: str, where: str = "", params: Iterable[object] = ()
                                      ) -> list[SupplierInvoiceConnection]:
        rows = self._query("SELECT c.*, f.name AS file_name FROM supplier_invoice_connections c JOIN files f"
                           " ON f.tenant_id = c.tenant_id AND f.id = c.file_id WHERE c.tenant_id = ?" + where
                           + " ORDER BY c.supplier_invoice_number, c.file_id", (tenant_id, *params))
        return [SupplierInvoiceConnection(r["file_id"], r["file_name"], r["supplier_invoice_number"],
                                          r["supplier_name"]) for r in rows]

    def supplier_invoice_connections(self, tenant_id: str, supplier_invoice_number: str | None = None
                                     ) -> list[SupplierInvoiceConnection]:
        if supplier_invoice_number is None:
            return self._supplier_invoice_connections(tenant_id)
        return self._supplier_invoice_connections(tenant_id, " AND c.supplier_invoice_number = ?",
                                                  (supplier_invoice_number,))

    def supplier_invoice_connection(self, tenant_id: str, file_id: str) -> SupplierInvoiceConnection | None:
        found = self._supplier_invoice_connections(tenant_id, " AND c.file_id = ?", (file_id,))
        return found[0] if found else None

    def disconnect_supplier_invoice(self, tenant_id: str, file_id: str) -> bool:
        with self._transaction() as conn:
            return conn.execute("DELETE FROM supplier_invoice_connections WHERE tenant_id = ? AND file_id = ?",
                                (tenant_id, file_id)).rowcount > 0

    # -- voucher connections ------------------------------------------------------------------------
    def connect_voucher(self, tenant_id: str, file_id: str, series: str, number: int, year_id: int,
                        description: str) -> VoucherConnection | None:
        """Connect an existing file (by Id) to a voucher; None when the file is already connected."""
        with self._transaction() as conn:
            inserted = conn.execute("INSERT OR IGNORE INTO voucher_connections VALUES (?, ?, ?, ?, ?, ?)",
                                    (tenant_id, file_id, series, number, year_id, description)).rowcount
        return self.voucher_connection(tenant_id, file_id) if inserted else None

    def voucher_connections(self, tenant_id: str) -> list[VoucherConnection]:
        rows = self._query("SELECT * FROM voucher_connections WHERE tenant_id = ? ORDER BY year_id, series, number,"
                           " file_id", (tenant_id,))
        return [VoucherConnection(r["file_id"], r["series"], r["number"], r["year_id"], r["description"])
                for r in rows]

    def voucher_connection(self, tenant_id: str, file_id: str) -> VoucherConnection | None:
        rows = self._query("SELECT * FROM voucher_connections WHERE tenant_id = ? AND file_id = ?",
                           (tenant_id, file_id))
        return (VoucherConnection(rows[0]["file_id"], rows[0]["series"], rows[0]["number"], rows[0]["year_id"],
                                  rows[0]["description"]) if rows else None)

    def disconnect_voucher(self, tenant_id: str, file_id: str) -> bool:
        with self._transaction() as conn:
            return conn.execute("DELETE FROM voucher_connections WHERE tenant_id = ? AND file_id = ?",
                                (tenant_id, file_id)).rowcount > 0

    # -- attachments (sales documents) ---------------------------------------------------------------------
    def attach(self, tenant_id: str, entity_type: str, entity_id: int, archive_file_id: str,
               include_on_send: bool) -> Attachment:
        """Attach a file (by ArchiveFileId) to an entity; attaching the same file twice returns the first one."""
        with self._transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, ?, ?, ?)",
                         (tenant_id, str(uuid.uuid4()), entity_id, entity_type, archive_file_id,
                          int(include_on_send)))
            row = conn.execute("SELECT * FROM attachments WHERE tenant_id = ? AND entity_type = ? AND entity_id = ?"
                               " AND file_id = ?", (tenant_id, entity_type, entity_id, archive_file_id)).fetchone()
        return _attachment(row)

    def attachments(self, tenant_id: str, entity_type: str, entity_ids: Iterable[int]) -> list[Attachment]:
        ids = sorted(set(entity_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        rows = self._query(f"SELECT * FROM attachments WHERE tenant_id = ? AND entity_type = ? AND entity_id IN"
                           f" ({marks}) ORDER BY entity_id, file_id", (tenant_id, entity_type, *ids))
        return [_attachment(r) for r in rows]

    def attachment(self, tenant_id: str, attachment_id: str) -> Attachment | None:
        rows = self._query("SELECT * FROM attachments WHERE tenant_id = ? AND id = ?", (tenant_id, attachment_id))
        return _attachment(rows[0]) if rows else None

    def update_attachment(self, tenant_id: str, attachment_id: str, include_on_send: bool) -> Attachment | None:
        with self._transaction() as conn:
            conn.execute("UPDATE attachments SET include_on_send = ? WHERE tenant_id = ? AND id = ?",
                         (int(include_on_send), tenant_id, attachment_id))
        return self.attachment(tenant_id, attachment_id)

    def detach(self, tenant_id: str, attachment_id: str) -> bool:
        with self._transaction() as conn:
            return conn.execute("DELETE FROM attachments WHERE tenant_id = ? AND id = ?",
                                (tenant_id, attachment_id)).rowcount > 0


def open_archive(data_dir: Path, seed: int) -> FileArchive:
    """Open (creating on first use) the file archive for `seed` under `data_dir`."""
    return FileArchive(Path(data_dir) / f"files-seed{seed}.sqlite3")


def _stored(r: sqlite3.Row) -> StoredFile:
    return StoredFile(r["id"], r["archive_file_id"], r["name"], r["folder"], r["content_type"], int(r["size"]),
                      r["sha256"], r["comments"])


def _attachment(r: sqlite3.Row) -> Attachment:
    return Attachment(r["id"], r["entity_id"], r["entity_type"], r["file_id"], bool(r["include_on_send"]))
