"""The audit log: who did what to which company, when. Every line is written here, with an action from
`AuditAction` (its stored value and its Swedish label side by side), so the log reads the same wherever a line is
written and a page can name any action."""

from __future__ import annotations

import logging

from sqlite_utils import Database

from services import logs
from services.labels import LabelledEnum
from services.timestamps import now_iso

log = logging.getLogger(__name__)


class AuditAction(LabelledEnum):
    CONNECT = "connect", "Ansluten till Fortnox"
    DISCONNECT = "disconnect", "Frånkopplad"
    DELETE_COMPANY = "delete_company", "Företagets data raderades"
    REFUSED = "refused", "Nekad behörighet"
    SERIES = "series", "Serie vald"
    EXPORT = "export", "Exporterad"
    EXPORT_REFUSED = "export_refused", "Nekad"
    EXPORT_UNKNOWN = "export_unknown", "Okänt utfall"
    RECONCILE_MARK = "reconcile_mark", "Markerade fynd i avstämningen"
    RECONCILE_DRAFT = "reconcile_draft", "Skapade rättelse från avstämningen"
    RECONCILE_SIGN_OFF = "reconcile_sign_off", "Signerade avstämningen"
    RECONCILE_REOPENED = "reconcile_reopened", "Avstämningen öppnades igen"


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
    db.table("audit_log").insert({"at": at or now_iso(), "actor": actor, "company_id": company_id,
                                  "action": str(action), "detail": detail, "voucher_id": voucher_id,
                                  "fortnox_ref": fortnox_ref})
    logs.event(log, "audit", action=str(action), company=company_id, voucher=voucher_id)
