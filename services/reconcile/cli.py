"""`python -m services reconcile COMPANY [--date D] [--json]` and `... reconcile COMPANY draft ITEM_ID [--offset A]`:
the reconciliation headless, in the shape support scripts and tests read (amounts as strings "1234.50")."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.context import Acting
from services.money import format_sek, ore_to_json
from services.reconcile import api
from services.reconcile.model import CheckOutcome, Finding, Outcome, Status


def _finding_json(finding: Finding) -> dict[str, Any]:
    item, first = finding.item, finding.item.vouchers[0] if finding.item.vouchers else None
    resolution = finding.resolution
    return {
        "id": finding.id, "key": item.key, "kind": str(item.kind), "amount": ore_to_json(item.amount_ore),
        "text": item.text, "account": item.account, "date": item.day.isoformat() if item.day else None,
        "voucher": {"series": first.series, "number": first.number, "year": first.year} if first else None,
        "vouchers": [{"series": v.series, "number": v.number, "year": v.year} for v in item.vouchers],
        "invoice": item.invoice, "invoice_kind": item.invoice_kind, "explains_difference": item.explains,
        "remedy": {"kind": str(finding.remedy.kind), "text": finding.remedy.text},
        "resolution": None if resolution is None else {
            key: value for key, value in (("kind", str(resolution.kind)), ("voucher", resolution.voucher),
                                          ("note", resolution.note)) if value is not None},
        "draft": {"voucher": finding.draft.voucher_id, "status": finding.draft.status} if finding.draft else None,
        "mark": {"status": str(finding.mark.status), "note": finding.mark.note, "by": finding.mark.marked_by,
                 "at": finding.mark.marked_at} if finding.mark else None,
    }


def _check_json(outcome: CheckOutcome) -> dict[str, Any]:
    check = outcome.check
    entry: dict[str, Any] = {
        "id": str(check.id), "label": check.label, "status": str(outcome.status), "account": check.account,
        "gl": ore_to_json(check.gl_ore), "ledger": ore_to_json(check.ledger_ore),
        "difference": ore_to_json(check.difference_ore), "explained": ore_to_json(check.explained_ore),
        "unexplained": ore_to_json(check.unexplained_ore), "note": check.note,
        "progress": {"handled": outcome.handled, "total": len(outcome.findings)},
        "signed_off": {"by": outcome.signed_off.by, "at": outcome.signed_off.at} if outcome.signed_off else None,
        "reopened": {"at": outcome.reopened.at, "changes": outcome.reopened.changes} if outcome.reopened else None,
        "items": [_finding_json(finding) for finding in outcome.findings],
    }
    if check.after_ore is not None:
        entry["after_adjustments"] = ore_to_json(check.after_ore)
    return entry


def to_json(result: Outcome) -> dict[str, Any]:
    computed = result.result
    return {
        "company": computed.company_id, "date": computed.balance_date.isoformat(),
        "balance_date": computed.balance_date.isoformat(),
        "year": {"id": computed.year.id, "start": computed.year.start.isoformat(),
                 "end": computed.year.end.isoformat()},
        "progress": {"handled": result.handled, "total": result.total},
        "signed_off": {"by": result.signed_off.by, "at": result.signed_off.at} if result.signed_off else None,
        "checks": [_check_json(outcome) for outcome in result.checks],
    }


def to_text(result: Outcome) -> str:
    computed = result.result
    lines = [f"Avstämning per {computed.balance_date} (räkenskapsår {computed.year.start}–{computed.year.end}): "
             f"{result.handled} av {result.total} hanterade"]
    for outcome in result.checks:
        check = outcome.check
        figure = f"  differens {format_sek(check.difference_ore)}" if check.difference_ore else ""
        lines.append(f"{check.id:<30} {outcome.status.label:<10}{figure}  {check.label}")
        if outcome.status == Status.UNKNOWN and check.note:
            lines.append(f"    {check.note}")
        lines += [f"    {finding.id}  {format_sek(finding.item.amount_ore):>16}  {finding.item.text}"
                  for finding in outcome.findings]
        if check.unexplained_ore:
            lines.append(f"    {'':10}  {format_sek(check.unexplained_ore):>16}  Oförklarat")
    return "\n".join(lines)


def reconcile_command(acting: Acting, company_id: str, day: date | None, year: int | None) -> Outcome:
    """The reconciliation at `day`, or at the end of the year ending in `year`, or of the latest year."""
    return api.run(acting, company_id, day or api.balance_date(acting, company_id, year))


def draft_command(acting: Acting, company_id: str, day: date | None, finding_id: str, offset: str | None) -> str:
    """The correcting draft of one finding; the same id on a second call."""
    result = reconcile_command(acting, company_id, day, None)
    known = api.facts(acting, company_id, result.result.year.id, live=False)
    return api.draft_correction(acting, result, finding_id, offset, known)
