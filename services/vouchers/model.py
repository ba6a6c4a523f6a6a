"""What a year-end voucher is: its status, where it came from, its rows, and what an export of it came to. The
status values are stored as they are; their Swedish labels stand next to them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.errors import Invalid
from services.labels import LabelledEnum
from services.owners import owner_gone
from services.timestamps import now_iso

STUCK_SENDING = timedelta(minutes=5)


class VoucherStatus(LabelledEnum):
    DRAFT = "draft", "Utkast"
    SENDING = "sending", "Skickas"
    EXPORTED = "exported", "Exporterad"
    FAILED = "failed", "Fel"


class VoucherSource(StrEnum):
    """How the voucher was written: by hand, from a SIE 4I file, as the reversal of an exported one, or as a
    correction drafted from a finding in Avstämning."""

    MANUAL = "manual"
    SIE = "sie"
    REVERSAL = "reversal"
    RECONCILIATION = "avstamning"


class ExportOutcome(StrEnum):
    """One voucher's result in an export run (the voucher's own status is `VoucherStatus`)."""

    EXPORTED = "exported"
    FAILED = "failed"
    SKIPPED = "skipped"


class VoucherError(Invalid):
    """A change to a voucher that is not allowed or not valid; the message is Swedish and says what to do."""


@dataclass(frozen=True)
class AdjustmentRow:
    account: str
    debit_ore: int = 0
    credit_ore: int = 0
    text: str = ""
    cost_center: str = ""
    project: str = ""


@dataclass(frozen=True)
class AdjustmentVoucher:
    id: str
    company_id: str
    date: date
    text: str
    status: VoucherStatus
    rows: tuple[AdjustmentRow, ...]
    fortnox_series: str | None = None
    fortnox_number: str | None = None
    fortnox_year: str | None = None
    error: str | None = None
    attempted_at: str | None = None
    reference: str | None = None
    claimed_by: str | None = None
    outcome_unknown: bool = False
    source: str = VoucherSource.MANUAL
    reverses: str | None = None
    attachment_name: str | None = None
    attachment_sha256: str | None = None
    attachment_connected: bool = False
    attachment_error: str | None = None

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def exportable(self) -> bool:
        """Drafts, refused ones, and sends that never finished (checked in Fortnox before anything is sent)."""
        if self.status is VoucherStatus.SENDING:
            return (self.attempted_at or "") < now_iso(-STUCK_SENDING) or owner_gone(self.claimed_by)
        return self.status in (VoucherStatus.DRAFT, VoucherStatus.FAILED)

    @property
    def editable(self) -> bool:
        """Nothing of it can be in Fortnox: a draft, or a voucher Fortnox (or the checks) refused outright."""
        return self.status is VoucherStatus.DRAFT or (self.status is VoucherStatus.FAILED and not self.outcome_unknown)

    @property
    def total_ore(self) -> int:
        return sum(row.debit_ore for row in self.rows)

    @property
    def balance_ore(self) -> int:
        """Debit minus credit: zero for a balanced voucher."""
        return sum(row.debit_ore - row.credit_ore for row in self.rows)

    @property
    def fortnox_label(self) -> str:
        return f"{self.fortnox_series} {self.fortnox_number}" if self.fortnox_number else ""

    @property
    def name(self) -> str:
        """How messages name the voucher."""
        return f"«{self.text}» ({self.date})"



class ExportRefused(Invalid):
    """The export could not start at all (e.g. nothing was chosen)."""


@dataclass(frozen=True)
class ExportResult:
    voucher_id: str
    status: ExportOutcome
    message: str
    series: str | None = None
    number: str | None = None
    year: str | None = None
    unknown: bool = False  # failed without knowing whether Fortnox got it: looked up before the next attempt

    @property
    def ok(self) -> bool:
        return self.status is ExportOutcome.EXPORTED


@dataclass(frozen=True)
class VoucherCheck:
    """The confirmation's view of one voucher: the Fortnox year it lands in, and what stops it."""

    voucher: AdjustmentVoucher
    year_label: str
    problems: list[str]
