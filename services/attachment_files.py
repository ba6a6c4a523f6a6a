"""Attachment files, stored once by content: the same PDF attached to two invoices, or downloaded again by a later
import, takes its place on disk once. Files live under DATA_DIR/attachments/<first two hex>/<sha256>."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from services import store
from services.config import Settings
from services.timestamps import now_iso


@dataclass(frozen=True)
class Attachment:
    kind: str  # "customer" or "supplier"
    document: str  # the invoice's number
    file_id: str
    name: str
    sha256: str
    size: int
    content_type: str


def _path(settings: Settings, sha256: str) -> Path:
    return settings.data_dir / "attachments" / sha256[:2] / sha256


def keep(settings: Settings, content: bytes, content_type: str) -> str:
    """Store `content` unless it is already there; returns its sha256. Written atomically, so a crash mid-write
    never leaves a truncated file under a valid name."""
    sha256 = hashlib.sha256(content).hexdigest()
    path = _path(settings, sha256)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temporary, path)
    with store.open_db(settings.database_path) as db:
        db.table("files").insert({"sha256": sha256, "size": len(content), "content_type": content_type,
                                  "stored_at": now_iso()}, ignore=True)
    return sha256


def content(settings: Settings, sha256: str) -> bytes:
    return _path(settings, sha256).read_bytes()


def attachments(db: Database, company_id: str, kind: str | None = None, document: str | None = None) -> list[Attachment]:
    where, args = ["a.company_id = ?"], [company_id]
    if kind:
        where.append("a.kind = ?")
        args.append(kind)
    if document:
        where.append("a.document = ?")
        args.append(document)
    rows = db.query(
        "select a.kind, a.document, a.file_id, a.name, a.sha256, f.size, f.content_type from attachments a "
        f"join files f on f.sha256 = a.sha256 where {' and '.join(where)} order by a.kind, a.document, a.name",
        args,
    )
    return [Attachment(**row) for row in rows]
