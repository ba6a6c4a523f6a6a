"""What Kontomappning shows and saves: each account's status against the reference chart, what differs, the import
source of the chart, and the edits; the Swedish labels stand beside the stored values. `Facts` (Fortnox's locked
period and inactive accounts) lives in `facts`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.errors import Invalid
from services.labels import LabelledEnum


class MappingStatus(LabelledEnum):
    MAPPED = "mapped", "Mappat"
    PROPOSED = "proposed", "Förslag (ej sparat)"
    UNMAPPED = "unmapped", "Omappat"


class Problem(LabelledEnum):
    """What differs between an account and its target in the reference chart."""

    UNMAPPED = "unmapped", "Omappat"
    NAME_DIFFERS = "name_differs", "Namnet skiljer"
    TYPE_DIFFERS = "type_differs", "Kontotypen skiljer (balans/resultat)"
    SRU_MISSING = "sru_missing", "SRU-kod saknas"
    SRU_DIFFERS = "sru_differs", "SRU-koden skiljer"
    INACTIVE_WITH_BALANCE = "inactive_with_balance", "Inaktivt med saldo"


class ChartSource(LabelledEnum):
    """Where the company's chart of accounts was imported from."""

    FORTNOX = "fortnox", "Fortnox"
    SIE_FILE = "sie", "SIE-fil"


ACCOUNT_TYPES = {"T": "Tillgång", "S": "Skuld/eget kapital", "K": "Kostnad", "I": "Intäkt"}


class MappingError(Invalid):
    """Edits that cannot be saved; `messages` name each bad row in Swedish."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class ReferenceAccount:
    number: str
    name: str
    type: str
    sru: str | None
    edited_by: str | None = None
    edited_at: str | None = None


@dataclass(frozen=True)
class AccountReview:
    """One account of the company's chart and how it compares with its target in the reference chart."""

    number: str
    name: str
    type: str  # the company's #KTYP, or derived from the account class when the books do not say
    type_stated: bool  # False: derived (Fortnox's SIE export has no #KTYP)
    sru: str | None  # the SRU code in the company's books
    balance_ore: int
    active: bool | None  # None: the imported data does not say
    status: MappingStatus
    target_account: str | None
    target_name: str | None
    reference_sru: str | None
    mapped_sru: str | None  # the SRU saved in the mapping, which overrides the books'
    mapped_by: str | None
    mapped_at: str | None
    problems: tuple[Problem, ...]

    @property
    def effective_sru(self) -> str | None:
        """The SRU code the tax return would use: the mapping's, else the books'."""
        return self.mapped_sru or self.sru

    @property
    def proposed_sru(self) -> str | None:
        """What the editor offers: the effective code, else the reference's."""
        return self.effective_sru or self.reference_sru


@dataclass(frozen=True)
class MappingEdit:
    """One row of the mapping editor: the company's account, the chosen target and SRU (empty = none)."""

    account: str
    target_account: str | None
    sru: str | None


@dataclass(frozen=True)
class SourceChange:
    previous: ChartSource
    current: ChartSource

    @property
    def message(self) -> str:
        return (f"Importkällan har bytts från {self.previous.label} till {self.current.label}. "
                "Kontrollera att dina kontomappningar stämmer överens.")


@dataclass(frozen=True)
class Facts:
    """The locked period's end (None: nothing locked) and the inactive accounts; `known` False when never read."""

    known: bool
    locked_until: date | None = None
    inactive_accounts: frozenset[str] = frozenset()
    note: str = ""
    checked_at: str | None = None

    def active(self, account: str) -> bool | None:
        """None when Fortnox was never asked."""
        return None if not self.known else account not in self.inactive_accounts
