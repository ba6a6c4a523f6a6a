"""Översikt: where every client company the person may see stands — connection, last import, reconciliation at the
latest balance date, drafts waiting for export — so support staff see at a glance which client needs them.

The front door is `visible_companies`, `statuses` (cheap: a few queries per company) and `reconciliation` (runs the
checks, worth caching by `services.reconcile.api.data_version`). Nothing here writes, except that reading the
reconciliation may reopen a sign-off whose figures changed (as Avstämning would), with its audit line.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from services import access
from services.acting import Acting
from services.companies import Company, list_companies
from services.errors import Invalid
from services.imports.runs import STATUS_LABELS, running_run
from services.reconcile import api as reconcile
from services.vouchers import EXPORTED

REFRESH_TOKEN_LIFETIME = timedelta(days=45)  # Fortnox: a refresh token lives 45 days from its last use
EXPIRY_WARNING = timedelta(days=7)


class ConnectionStatus(StrEnum):
    OK = "ok"
    EXPIRING = "expiring"
    RECONNECT = "reconnect"
    FILE = "file"


CONNECTION_LABELS = {
    ConnectionStatus.OK: "Ansluten",
    ConnectionStatus.EXPIRING: "Går ut snart",
    ConnectionStatus.RECONNECT: "Anslut igen",
    ConnectionStatus.FILE: "SIE-fil (ingen anslutning)",
}


@dataclass(frozen=True)
class Connection:
    status: ConnectionStatus
    expires: date | None = None  # when the refresh token dies unless used (user connections only)

    @property
    def label(self) -> str:
        label = CONNECTION_LABELS[self.status]
        return f"{label} ({self.expires.isoformat()})" if self.status is ConnectionStatus.EXPIRING else label


@dataclass(frozen=True)
class LastImport:
    started_at: str
    finished_at: str | None
    started_by: str
    status: str
    running: bool

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class CompanyStatus:
    company: Company
    connection: Connection
    last_import: LastImport | None
    drafts_waiting: int


@dataclass(frozen=True)
class ReconciliationState:
    """The reconciliation at the latest balance date; `balance_date` None when no books are imported yet."""

    balance_date: date | None
    handled: int = 0
    total: int = 0
    closable: bool = False
    signed_off_by: str | None = None
    signed_off_at: str | None = None

    @property
    def progress(self) -> str:
        if self.balance_date is None:
            return "Ingen bokföring importerad"
        if not self.total:
            return "Inga fynd" if self.closable else "Data saknas"
        return f"{self.handled} av {self.total} hanterade"


def visible_companies(acting: Acting) -> list[Company]:
    """The companies the person may see (all of them when access control is off), connected last first."""
    with acting.db() as db:
        known = list_companies(db)
    return [company for company in known
            if access.decide(acting.settings.staff, acting.actor, "review", company.id, company.orgnr).allowed]


def statuses(acting: Acting, now: datetime | None = None) -> list[CompanyStatus]:
    """Connection, last import and waiting drafts of every company the person may see."""
    now = now or datetime.now(UTC)
    return [_status(acting, company, now) for company in visible_companies(acting)]


def _status(acting: Acting, company: Company, now: datetime) -> CompanyStatus:
    running = running_run(acting.settings, company.id)  # ends a run whose process is gone, before it is read
    with acting.db() as db:
        connection = next(db.query("select kind, updated_at from connections where company_id = ?", [company.id]),
                          None)
        last = next(db.query("select started_at, finished_at, started_by, status from import_runs "
                             "where company_id = ? order by id desc limit 1", [company.id]), None)
        drafts = db.execute("select count(*) from adjustment_vouchers where company_id = ? and status != ?",
                            [company.id, EXPORTED]).fetchone()[0]
    return CompanyStatus(
        company=company,
        connection=_connection(company, connection, now),
        last_import=LastImport(**last, running=running is not None) if last else None,
        drafts_waiting=drafts,
    )


def _connection(company: Company, row: dict | None, now: datetime) -> Connection:
    if row is None:
        return Connection(ConnectionStatus.FILE if company.source != "fortnox" else ConnectionStatus.RECONNECT)
    if row["kind"] == "service" or not row["updated_at"]:
        return Connection(ConnectionStatus.OK)  # a service account gets new tokens on its own
    expires = datetime.fromisoformat(row["updated_at"]) + REFRESH_TOKEN_LIFETIME
    if expires <= now:
        return Connection(ConnectionStatus.RECONNECT)
    if expires - now <= EXPIRY_WARNING:
        return Connection(ConnectionStatus.EXPIRING, expires.date())
    return Connection(ConnectionStatus.OK)


def reconciliation(acting: Acting, company_id: str) -> ReconciliationState:
    """Avstämning at the end of the latest imported year, with the marks, corrections and sign-offs made there
    (Fortnox is not asked: the facts kept from the last import are used)."""
    try:
        result = reconcile.run(acting, company_id, live=False)
    except Invalid:  # no financial year imported yet
        return ReconciliationState(balance_date=None)
    signed = result.signed_off
    return ReconciliationState(balance_date=result.result.balance_date, handled=result.handled, total=result.total,
                               closable=result.closable, signed_off_by=signed.by if signed else None,
                               signed_off_at=signed.at if signed else None)
