"""Reskontra's front door: the open items of a ledger at a balance date, their ageing and totals per party, and an
invoice's attachments. Pages and `ui/` call only these functions (and `model`).

Reads take the `Acting` person first; the frame functions (`filter_items`, `party_totals`, `ageing`, `summarise`)
work on items already read, so they take only the frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from services import attachment_files
from services.attachment_files import Attachment
from services.context import Acting
from services.ledgers import open_items
from services.ledgers.model import LedgerKind
from services.ledgers.open_items import ageing, filter_items, party_totals, summarise

__all__ = ["LedgerState", "ageing", "attachment_content", "filter_items", "invoice_attachments", "items",
           "party_totals", "state", "summarise"]


@dataclass(frozen=True)
class LedgerState:
    has_ledgers: bool
    default_day: date | None  # the end of the latest imported year (or what the ledgers were imported up to)
    version: str  # changes with every import that changes the ledgers: a cache key


def state(acting: Acting, company_id: str) -> LedgerState:
    with acting.db() as db:
        return LedgerState(open_items.has_ledgers(db, company_id), open_items.default_balance_date(db, company_id),
                           open_items.ledger_version(db, company_id))


def items(acting: Acting, company_id: str, kind: LedgerKind, day: date) -> pd.DataFrame:
    """The ledger's items open at `day` (see `open_items`)."""
    with acting.db() as db:
        return open_items.open_items(db, company_id, kind, day)


def invoice_attachments(acting: Acting, company_id: str, kind: LedgerKind, number: str) -> list[Attachment]:
    with acting.db() as db:
        return open_items.invoice_attachments(db, company_id, kind, number)


def attachment_content(acting: Acting, attachment: Attachment) -> bytes:
    """The file's bytes; FileNotFoundError when it is gone from disk (import Bilagor again)."""
    return attachment_files.content(acting.settings, attachment.sha256)
