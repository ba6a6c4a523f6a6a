"""The audit log: who did what to which company, when. Every line is written here, with an action from
`AuditAction` (its stored value and its Swedish label side by side), so the log reads the same wherever a line is
written and a page can name any action."""

from __future__ import annotations

import logging
from enum import StrEnum

from sqlite_utils import Database

from services import logs
from services.timestamps import now_iso

log = logging.getLogger(__name__)


class AuditAction(StrEnum):
    CONNECT = "connect"
    DISCONNECT = "disconnect"
    DELETE_COMPANY = "delete_company"
    REFUSED = "refused"
    SERIES = "series"
    EXPORT = "export"
    EXPORT_REFUSED = "export_refused"
    EXPORT_UNKNOWN = "export_unknown"
    RECONCILE_MARK = "reconcile_mark"
    RECONCILE_DRAFT = "reconcile_draft"
    RECONCILE_SIGN_OFF = "reconcile_sign_off"
    RECONCILE_REOPENED = "reconcile_reopened"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    AuditAction.CONNECT: "Ansluten till Fortnox",
    AuditAction.DISCONNECT: "Frånkopplad",
    AuditAction.DELETE_COMPANY: "Företagets data raderades",
    AuditAction.REFUSED: "Nekad behörighet",
    AuditAction.SERIES: "Serie vald",
    AuditAction.EXPORT: "Exporterad",
    AuditAction.EXPORT_REFUSED: "Nekad",
    AuditAction.EXPORT_UNKNOWN: "Okänt utfall",
    AuditAction.RECONCILE_MARK: "Markerade fynd i avstämningen",
    AuditAction.RECONCILE_DRAFT: "Skapade rättelse från avstämningen",
    AuditAction.RECONCILE_SIGN_OFF: "Signerade avstämningen",
    AuditAction.RECONCILE_REOPENED: "Avstämningen öppnades igen",
}


def label(action: str) -> str:
    """The Swedish label of a stored action (an unknown one, from an older version, as it is)."""
    try:
        return AuditAction(action).label
    except ValueError:
        return action


def record(db: Database, actor: str, action: AuditAction, company_id: str | None, detail: str, *,
           voucher_id: str | None = None, fortnox_ref: str | None = None, at: str | None = None) -> None:
    """One audit line; the caller holds the write transaction, so the line lands with the change it describes. The
    log gets a line too (the action and the company, never the detail: it may quote client text)."""
    db["audit_log"].insert({"at": at or now_iso(), "actor": actor, "company_id": company_id, "action": str(action),
                            "detail": detail, "voucher_id": voucher_id, "fortnox_ref": fortnox_ref})
    logs.event(log, "audit", action=str(action), company=company_id, voucher=voucher_id)
