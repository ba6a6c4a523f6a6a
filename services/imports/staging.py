"""What a run has fetched but not yet published, kept per company and part so an interrupted run's successor
resumes from it instead of asking Fortnox again.

A chunk is a list page or a SIE file. Its `signature` says which question it answers (years, full or incremental,
since when): a different question, or chunks older than STALE_AFTER, start over; so does a run asked to fetch
everything again (`fresh`), which never reuses what an earlier run staged.
"""

from __future__ import annotations

from collections.abc import Iterator
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

    def pages(self, client: FortnoxClient, resource: str, path: str, key: str,
              params: dict[str, Any]) -> Iterator[tuple[Page, bool]]:
        first, fetched = self.page(client, resource, path, key, params, 1)
        yield first, fetched
        for number in range(2, first.total_pages + 1):
            yield self.page(client, resource, path, key, params, number)
