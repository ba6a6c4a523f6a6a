"""The audit log: who did what to which company, when. Actions are an enum with their Swedish labels, so the log
reads the same wherever a line is written."""

from __future__ import annotations

from enum import StrEnum

from sqlite_utils import Database

from services.timestamps import now_iso


class AuditAction(StrEnum):
    RECONCILE_MARK = "reconcile_mark"
    RECONCILE_DRAFT = "reconcile_draft"
    RECONCILE_SIGN_OFF = "reconcile_sign_off"
    RECONCILE_REOPENED = "reconcile_reopened"


LABELS = {
    AuditAction.RECONCILE_MARK: "Markerade fynd i avstämningen",
    AuditAction.RECONCILE_DRAFT: "Skapade rättelse från avstämningen",
    AuditAction.RECONCILE_SIGN_OFF: "Signerade avstämningen",
    AuditAction.RECONCILE_REOPENED: "Avstämningen öppnades igen",
}


def record(db: Database, actor: str, action: AuditAction, company_id: str | None, detail: str, *,
           voucher_id: str | None = None) -> None:
    """One audit line; the caller holds the write transaction, so the line lands with the change it describes."""
    db["audit_log"].insert({"at": now_iso(), "actor": actor, "company_id": company_id, "action": str(action),
                            "detail": detail, "voucher_id": voucher_id})
