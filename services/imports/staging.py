"""What a run has fetched but not yet published, kept per company and part so an interrupted run's successor
resumes from it instead of asking Fortnox again.

A chunk is a list page or a SIE file. Its `signature` says which question it answers (years, full or incremental,
since when): a different question, or chunks older than STALE_AFTER, start over; so does a run asked to fetch
everything again (`fresh`), which never reuses what an earlier run staged.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlite_utils import Database

from services import store
from services.config import Settings
from services.fortnox import jsonio
from services.fortnox.client import FortnoxClient
from services.fortnox.paginate import MAX_PAGE_SIZE, Page, fetch_page
from services.timestamps import now_iso

STALE_AFTER = timedelta(hours=12)


class Staging:
    def __init__(self, settings: Settings, company_id: str, part: str, signature: str, *, fresh: bool = False) -> None:
        self._settings = settings
        self._key = [company_id, part]
        self._signature = signature
        with store.open_db(settings.database_path) as db, store.write_lock(db):
            db.execute(
                "delete from import_staging where company_id = ? and part = ? "
                "and (? or signature != ? or staged_at < ?)",
                [*self._key, fresh, signature, now_iso(-STALE_AFTER)],
            )

    def get(self, resource: str, chunk: str) -> bytes | None:
        with store.open_db(self._settings.database_path) as db:
            row = db.execute(
                "select payload from import_staging where company_id = ? and part = ? and resource = ? and chunk = ?",
                [*self._key, resource, chunk],
            ).fetchone()
        return row[0] if row else None

    def chunks(self, resource: str) -> dict[str, bytes]:
        """Every staged chunk of a resource in one read (a run's plan looks up thousands of downloaded files)."""
        with store.open_db(self._settings.database_path) as db:
            return {row[0]: row[1] for row in db.execute(
                "select chunk, payload from import_staging where company_id = ? and part = ? and resource = ?",
                [*self._key, resource])}

    def has(self, resource: str, chunk: str) -> bool:
        """Whether the chunk is staged, without reading it (a run's plan counts what it still has to fetch)."""
        with store.open_db(self._settings.database_path) as db:
            return db.execute(
                "select 1 from import_staging where company_id = ? and part = ? and resource = ? and chunk = ?",
                [*self._key, resource, chunk],
            ).fetchone() is not None

    def put(self, resource: str, chunk: str, payload: bytes) -> None:
        with store.open_db(self._settings.database_path) as db:
            db.table("import_staging").insert(
                {"company_id": self._key[0], "part": self._key[1], "resource": resource, "chunk": chunk,
                 "signature": self._signature, "payload": payload, "staged_at": now_iso()},
                replace=True,
            )

    def drop(self, resource: str, chunk: str) -> None:
        """Forget one chunk that turned out unusable, so it is fetched again."""
        with store.open_db(self._settings.database_path) as db:
            db.execute("delete from import_staging where company_id = ? and part = ? and resource = ? and chunk = ?",
                       [*self._key, resource, chunk])

    def clear(self, db: Database) -> None:
        """Called inside the publishing transaction: published chunks are not resumed from again."""
        db.execute("delete from import_staging where company_id = ? and part = ?", self._key)

    def page(self, client: FortnoxClient, resource: str, path: str, key: str, params: dict[str, Any],
             number: int) -> tuple[Page, bool]:
        """One list page, from the staging area when a previous run got it; the flag says whether it was fetched."""
        staged = self.get(resource, f"page-{number:06d}")
        if staged is not None:
            data = jsonio.loads(staged)
            return Page(data["items"], number, data["total_pages"], data["total_resources"]), False
        page = fetch_page(client, path, key, params, page=number, limit=MAX_PAGE_SIZE)
        self.put(resource, f"page-{number:06d}", jsonio.dumps(
            {"items": page.items, "total_pages": page.total_pages, "total_resources": page.total_resources}
        ).encode())
        return page, True

    def pages_to_fetch(self, resource: str, first: Page) -> int:
        """How many of the list's pages after `first` are not staged yet: what fetching the rest will cost."""
        return sum(1 for number in range(2, first.total_pages + 1) if not self.has(resource, f"page-{number:06d}"))
