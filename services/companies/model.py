"""The companies and the people: a company as stored, Fortnox's permissions for it, a staff member and what they
may do, and the ways connecting, signing in and deleting can be refused."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from services.errors import Conflict, NotFound, Refused, ServiceError
from services.imports.model import ImportPart


@dataclass(frozen=True)
class Company:
    id: str
    orgnr: str
    name: str
    source: str
    tenant_id: str | None
    connected: bool = False

    @property
    def label(self) -> str:
        return f"{self.name} ({self.orgnr})"


class UnknownCompany(NotFound):
    def __init__(self) -> None:  # the key is not echoed: a sole trader's organisation number is a personal number
        super().__init__("Företaget finns inte här. Anslut det först under Underhåll → Import.")


@dataclass(frozen=True)
class Person:
    """A member of staff as configured: role, and the companies (ids or organisation numbers) when listed."""

    email: str
    role: str
    companies: frozenset[str] | None = None  # None: every company


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason_sv: str


@dataclass(frozen=True)
class Requester:
    """Who pressed Anslut: the signed-in person, and a hash of a secret of their browser ("" when it has none)."""

    actor: str
    browser: str


class StateRefused(Refused):
    """The state does not belong to this person and browser, is unknown, used or too old; the message is Swedish."""


class DeleteRefused(Conflict):
    """The data can't be deleted now; the message says why, in Swedish."""


@dataclass(frozen=True)
class DeletePreview:
    """What Radera företagets data would delete and keep, for the confirmation to say truthfully."""

    exported: list[str]  # Fortnox's series and number of each exported voucher, kept
    drafts: int  # vouchers not exported, deleted


@dataclass(frozen=True)
class DeleteResult:
    files_removed: int
    warning: str | None  # e.g. the token could not be revoked at Fortnox


class ConnectError(ServiceError):
    """The connection could not be made; the message says why, in Swedish, and what to do."""


class SignIn(StrEnum):
    ACTIVE = "active"
    ENDED = "ended"  # Logga ut, in this tab or another
    EXPIRED = "expired"


SCOPE_LABELS = {
    "bookkeeping": "Bokföring",
    "customer": "Kunder",
    "supplier": "Leverantörer",
    "invoice": "Kundfakturor",
    "supplierinvoice": "Leverantörsfakturor",
    "payment": "Betalningar",
    "archive": "Arkiv",
    "connectfile": "Filkopplingar",
}


@dataclass(frozen=True)
class Blocker:
    part: str
    scope: str
    kind: str  # "scope" or "licence"

    @property
    def message(self) -> str:
        label = f"{SCOPE_LABELS.get(self.scope, self.scope)} ({self.scope})"
        if self.kind == "scope":
            return (f"{ImportPart(self.part).label} kan inte importeras: behörigheten {label} saknas. Anslut igen och "
                    "godkänn alla behörigheter; användaren som ansluter måste själv ha den behörigheten i Fortnox.")
        return (f"{ImportPart(self.part).label} kan inte importeras: företaget saknar licens för {label} i Fortnox. "
                "Be kunden aktivera licensen och tillåta externa kopplingar (API-åtkomst) i sitt Fortnox-abonnemang.")
