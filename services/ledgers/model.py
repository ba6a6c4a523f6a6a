"""What Reskontra shows: the two ledgers, the ageing buckets, a filter and a summary; labels in Swedish beside
the values."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.labels import LabelledEnum


class LedgerKind(LabelledEnum):
    """Which ledger: stored as is in ledger_invoices.kind and friends."""

    CUSTOMER = "customer", "Kundreskontra"
    SUPPLIER = "supplier", "Leverantörsreskontra"


NOT_DUE = "Ej förfallet"
BUCKETS = (NOT_DUE, "1–30 dagar", "31–60 dagar", "61–90 dagar", "> 90 dagar")
PAID_AFTER = "Betald efter balansdagen"
PART_PAID_AFTER = "Delbetald efter balansdagen"


@dataclass(frozen=True)
class ItemFilter:
    """What the user narrowed the list to; None or empty means no narrowing on that field."""

    party: str | None = None
    bucket: str | None = None
    booked: bool | None = None
    currency: str | None = None
    search: str = ""


@dataclass(frozen=True)
class Summary:
    items: int
    remaining_sek: int
    overdue_sek: int
    unbooked: int
    paid_after: int
    foreign: dict[str, int] = field(default_factory=dict)  # remaining per foreign currency, in its hundredths
