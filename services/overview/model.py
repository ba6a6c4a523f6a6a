"""Where a company stands, as Översikt shows it: its connection, its last import, its reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.companies.model import Company
from services.imports.model import RunStatus
from services.labels import LabelledEnum
from services.numbers import format_part_of


class ConnectionStatus(LabelledEnum):
    OK = "ok", "Ansluten"
    EXPIRING = "expiring", "Går ut snart"
    RECONNECT = "reconnect", "Anslut igen"
    FILE = "file", "SIE-fil (ingen anslutning)"


@dataclass(frozen=True)
class Connection:
    status: ConnectionStatus
    expires: date | None = None  # when the refresh token dies unless used (user connections only)

    @property
    def label(self) -> str:
        label = self.status.label
        return f"{label} ({self.expires.isoformat()})" if self.expires is not None else label


@dataclass(frozen=True)
class LastImport:
    started_at: str
    finished_at: str | None
    started_by: str
    status: RunStatus
    running: bool


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
        return f"{format_part_of(self.handled, self.total)} hanterade"  # as Avstämning writes it
