"""Who is acting, with what settings: built once per page run (or command) and handed to the features' `api`
functions, which open the database, check access and write the audit log through it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlite_utils import Database

from services import audit, store
from services.companies import access
from services.config import Settings


@dataclass(frozen=True)
class Acting:
    settings: Settings
    actor: str

    @contextmanager
    def db(self) -> Iterator[Database]:
        """A connection for reading (one per unit of work: connections never cross threads)."""
        with store.open_db(self.settings.database_path) as db:
            yield db

    def require(self, action: str, company_id: str | None, orgnr: str | None = None) -> None:
        """Raise `Refused` with the Swedish reason (and log it) unless the person may do `action` there: the one
        access check of every service. `orgnr` names a company not stored yet (a new connection, a new SIE file)."""
        access.require(self.settings, self.actor, action, company_id, orgnr)

    @contextmanager
    def writing(self, action: str, company_id: str) -> Iterator[Database]:
        """A write transaction for an action the person may do: the one door for the features' writes."""
        self.require(action, company_id)
        with self.db() as db, store.write_lock(db):
            yield db

    def audit(self, db: Database, action: audit.AuditAction, company_id: str | None, detail: str, *,
              voucher_id: str | None = None) -> None:
        audit.record(db, self.actor, action, company_id, detail, voucher_id=voucher_id)
