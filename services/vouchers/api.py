"""Verifikationer's front door: year-end vouchers written, checked, exported to Fortnox and read or written as
SIE 4I. Pages and `ui/` call only these functions (and `model`).

Every function takes the `Acting` person first; writes check access, leave an audit line and a log line. Errors are
`services.errors.ServiceError`s (`VoucherError`, `ExportRefused`, Fortnox's) with a Swedish message.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

from services import audit, logs
from services.companies.model import Company
from services.context import Acting
from services.sie import SieMessage, SieWriteError
from services.vouchers import checks, drafts, export, sie4i
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, ExportResult, VoucherCheck, VoucherError

log = logging.getLogger(__name__)


def vouchers(acting: Acting, company_id: str) -> list[AdjustmentVoucher]:
    return drafts.list_vouchers(acting.settings, company_id)


def known_accounts(acting: Acting, company_id: str) -> dict[str, str]:
    """The company's accounts (number → name) in its latest imported year, for the editor's account picker."""
    return drafts.known_accounts(acting.settings, company_id)


def problems(voucher: AdjustmentVoucher) -> list[str]:
    """What stops a voucher before Fortnox is asked (balance, rows, texts): the editor shows them as it is typed."""
    return checks.draft_problems(voucher)


def add_draft(acting: Acting, company_id: str, day: date, text: str, rows: Sequence[AdjustmentRow]) -> list[str]:
    added = drafts.add_drafts(acting.settings, company_id, [(day, text, rows)], actor=acting.actor)
    logs.event(log, "vouchers.add", company=company_id, vouchers=len(added))
    return added


def update_draft(acting: Acting, company_id: str, voucher_id: str, day: date, text: str,
                 rows: Sequence[AdjustmentRow]) -> None:
    drafts.update_draft(acting.settings, company_id, voucher_id, day, text, rows, actor=acting.actor)
    logs.event(log, "vouchers.update", company=company_id, voucher=voucher_id)


def delete_draft(acting: Acting, company_id: str, voucher_id: str) -> None:
    drafts.delete_draft(acting.settings, company_id, voucher_id, actor=acting.actor)
    logs.event(log, "vouchers.delete", company=company_id, voucher=voucher_id)


def create_reversal(acting: Acting, company_id: str, voucher_id: str) -> str:
    reversal = drafts.create_reversal(acting.settings, company_id, voucher_id, actor=acting.actor)
    logs.event(log, "vouchers.reverse", company=company_id, voucher=voucher_id, reversal=reversal)
    return reversal


def attach_pdf(acting: Acting, company_id: str, voucher_id: str, name: str, content: bytes) -> None:
    drafts.attach_pdf(acting.settings, company_id, voucher_id, name, content, actor=acting.actor)
    logs.event(log, "vouchers.attach", company=company_id, voucher=voucher_id, bytes=len(content))


def remove_attachment(acting: Acting, company_id: str, voucher_id: str) -> None:
    drafts.remove_attachment(acting.settings, company_id, voucher_id, actor=acting.actor)
    logs.event(log, "vouchers.detach", company=company_id, voucher=voucher_id)


def series(acting: Acting, company_id: str) -> str:
    """The voucher series the company's year-end vouchers go to in Fortnox."""
    return drafts.series_for(acting.settings, company_id)


def check_series(acting: Acting, company_id: str, chosen: str) -> list[str]:
    """Why Fortnox would not take vouchers in the series (none: it exists and takes manual vouchers)."""
    return export.check_series(acting.settings, company_id, chosen)


def set_series(acting: Acting, company_id: str, chosen: str) -> None:
    drafts.set_series(acting.settings, company_id, chosen, acting.actor)
    logs.event(log, "vouchers.series", company=company_id, series=chosen.strip().upper())


def check_export(acting: Acting, company_id: str, voucher_ids: Sequence[str], chosen_series: str
                 ) -> list[VoucherCheck]:
    """Every check against Fortnox as it is now, nothing sent: what the confirmation shows."""
    return export.check_vouchers(acting.settings, company_id, voucher_ids, chosen_series)


def export_to_fortnox(acting: Acting, company_id: str, voucher_ids: Sequence[str], chosen_series: str
                      ) -> list[ExportResult]:
    """Each voucher created in Fortnox exactly once (see `export`); the export module logs each send."""
    return export.export_vouchers(acting.settings, company_id, voucher_ids, actor=acting.actor, series=chosen_series)


def send_attachment(acting: Acting, company_id: str, voucher_id: str) -> str | None:
    """Send an exported voucher's PDF again; the Swedish reason when it still did not arrive."""
    return export.send_attachment(acting.settings, company_id, voucher_id)


def import_sie(acting: Acting, company_id: str, data: bytes) -> list[str]:
    """Drafts from a SIE 4I file's vouchers; nothing is added when one of them is wrong."""
    added = sie4i.import_sie(acting.settings, company_id, data, actor=acting.actor)
    logs.event(log, "vouchers.import_sie", company=company_id, vouchers=len(added))
    return added


def sie_4i(company: Company, chosen: Sequence[AdjustmentVoucher], today: date) -> tuple[bytes, list[SieMessage]]:
    """A SIE 4I file of the chosen vouchers, for a Fortnox that can't take them through the API; `VoucherError` with
    the writer's reason when a voucher can't be written."""
    try:
        return sie4i.sie_4i(company, chosen, today)
    except SieWriteError as exc:
        raise VoucherError(exc.message) from None


def audit_entries(acting: Acting, company_id: str) -> list[dict]:
    """The company's audit log, newest first (exports, refusals, series, connections), each action with its Swedish
    label (`action_label`)."""
    return [{**entry, "action_label": audit.label(entry["action"])}
            for entry in drafts.audit_entries(acting.settings, company_id)]
