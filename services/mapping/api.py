"""Kontomappning's front door: the company's accounts against the reference chart (BAS with SRU codes), saving
mappings and reference edits, and confirming the mappings after a change of import source. Pages and `ui/` call
only these functions (and `model`).

Every function takes the `Acting` person first; writes check access ("map") and leave a log line. Errors are
`services.errors.ServiceError`s: `MappingError` names every bad row.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from services import logs
from services.context import Acting
from services.mapping import review
from services.mapping.model import AccountReview, MappingEdit, ReferenceAccount, SourceChange

log = logging.getLogger(__name__)
MAP = "map"


@dataclass(frozen=True)
class Overview:
    chart: dict[str, ReferenceAccount]  # the reference chart by account number
    reviews: list[AccountReview]  # the company's latest chart against it
    change: SourceChange | None  # the import source changed since the mappings were last confirmed


def overview(acting: Acting, company_id: str) -> Overview:
    with acting.db() as db:
        return Overview(review.reference_chart(db), review.review_accounts(db, company_id),
                        review.source_change(db, company_id))


def save_mappings(acting: Acting, company_id: str, edits: Iterable[MappingEdit]) -> int:
    """Store the changed rows (all or none); returns how many were stored."""
    acting.require(MAP, company_id)
    with acting.db() as db:
        saved = review.save_mappings(db, company_id, edits, acting.actor)
    logs.event(log, "mapping.save", company=company_id, rows=saved)
    return saved


def save_reference(acting: Acting, edits: Iterable[ReferenceAccount]) -> int:
    """Store changed names, types and SRU codes of the shared reference chart; returns how many changed."""
    acting.require(MAP, None)
    with acting.db() as db:
        saved = review.save_reference_edits(db, edits, acting.actor)
    logs.event(log, "mapping.reference", rows=saved)
    return saved


def confirm_review(acting: Acting, company_id: str) -> None:
    """'Mappningarna är kontrollerade' for the current import source."""
    acting.require(MAP, company_id)
    with acting.db() as db:
        review.record_review(db, company_id, acting.actor)
    logs.event(log, "mapping.reviewed", company=company_id)
