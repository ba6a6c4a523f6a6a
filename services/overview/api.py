"""Översikt's front door: where every client company the person may see stands — connection, last import,
reconciliation at the latest balance date, drafts waiting for export — so support staff see at a glance which client
needs them. Pages call only these functions (and `model`).

`statuses` is cheap (a few queries per company); `reconciliation` runs the checks, worth caching by
`services.reconcile.api.data_version`. Nothing here writes, except that reading the reconciliation may reopen a
sign-off whose figures changed (as Avstämning would), with its audit line, and keeps Fortnox's facts when an import
made it ask for them again.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from services.companies import api as companies
from services.companies.model import Company
from services.context import Acting
from services.errors import Invalid
from services.imports import api as imports
from services.imports.model import RunStatus
from services.overview.model import CompanyStatus, Connection, ConnectionStatus, LastImport, ReconciliationState
from services.reconcile import api as reconcile
from services.vouchers.model import VoucherStatus

REFRESH_TOKEN_LIFETIME = timedelta(days=45)  # Fortnox: a refresh token lives 45 days from its last use
EXPIRY_WARNING = timedelta(days=7)


def statuses(acting: Acting, now: datetime | None = None) -> list[CompanyStatus]:
    """Connection, last import and waiting drafts of every company the person may see, connected last first."""
    now = now or datetime.now(UTC)
    return [_status(acting, company, now) for company in companies.companies(acting)]


def _status(acting: Acting, company: Company, now: datetime) -> CompanyStatus:
    running = imports.running(acting, company.id)  # ends a run whose process is gone, before it is read
    with acting.db() as db:
        connection = next(db.query("select kind, updated_at from connections where company_id = ?", [company.id]),
                          None)
        last = next(db.query("select started_at, finished_at, started_by, status from import_runs "
                             "where company_id = ? order by id desc limit 1", [company.id]), None)
        drafts = db.execute("select count(*) from adjustment_vouchers where company_id = ? and status != ?",
                            [company.id, VoucherStatus.EXPORTED]).fetchone()[0]
    return CompanyStatus(
        company=company,
        connection=_connection(company, connection, now),
        last_import=(LastImport(started_at=last["started_at"], finished_at=last["finished_at"],
                                started_by=last["started_by"], status=RunStatus(last["status"]),
                                running=running is not None) if last else None),
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
    """Avstämning at the end of the latest imported year, with the marks, corrections and sign-offs made there,
    computed by the same functions as Avstämning with Fortnox's facts no older than the last import (asked again
    only after an import), so both pages count the same findings."""
    try:
        day = reconcile.balance_date(acting, company_id)
    except Invalid:  # no financial year imported yet
        return ReconciliationState(balance_date=None)
    known = reconcile.facts_as_new_as_the_books(acting, company_id, reconcile.year_at(acting, company_id, day).id)
    result = reconcile.outcome(acting, reconcile.reconcile(acting, company_id, day, {}, known))
    signed = result.signed_off
    return ReconciliationState(balance_date=day, handled=result.handled, total=result.total,
                               closable=result.closable, signed_off_by=signed.by if signed else None,
                               signed_off_at=signed.at if signed else None)
