"""The people's work on a reconciliation: marks on findings, corrections drafted from them, sign-off per check and
for the whole, and reopening a sign-off when an import changes the figures behind it.

`apply` is pure: it turns the computed `Reconciliation` and what is stored about it into an `Outcome`, so the page
can cache the expensive computation and apply the (cheap) marks on every run.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from sqlite_utils import Database

from services.money import format_sek
from services.reconcile.model import (
    REMEDIES,
    Check,
    CheckOutcome,
    Draft,
    Finding,
    Item,
    ItemKind,
    Mark,
    MarkStatus,
    Outcome,
    Reconciliation,
    Reopened,
    Resolution,
    ResolutionKind,
    SignOff,
    Status,
    VoucherKey,
)
from services.vouchers.model import VoucherStatus

WHOLE = ""  # the sign-off row of the whole reconciliation
AUTOMATIC = "automatiskt"  # who reopens a sign-off when an import changed its figures

MARKS = "select check_id, item_key, status, note, marked_by, marked_at from reconciliation_marks where company_id = ?"
LINKS = ("select l.check_id, l.item_key, a.id, a.status, a.fortnox_year, a.fortnox_series, a.fortnox_number "
         "from reconciliation_links l join adjustment_vouchers a on a.id = l.voucher_id where l.company_id = ?")
SIGN_OFFS = ("select check_id, signed_by, signed_at, fingerprint, figures, reopened_by, reopened_at, changes "
             "from reconciliation_signoffs where company_id = ? and balance_date = ?")


@dataclass(frozen=True)
class Stored:
    """What people did, as stored for one company (and the sign-offs of one balance date)."""

    marks: Mapping[tuple[str, str], Mark]
    drafts: Mapping[tuple[str, str], Draft]
    own: Mapping[VoucherKey, str]  # the Fortnox voucher of an exported correction → its draft's id
    sign_offs: Mapping[str, dict]


def load(db: Database, company_id: str, day: date) -> Stored:
    marks = {(row["check_id"], row["item_key"]): Mark(MarkStatus(row["status"]), row["note"] or "",
                                                      row["marked_by"] or "", row["marked_at"] or "")
             for row in db.query(MARKS, [company_id])}
    drafts, own = {}, {}
    for check_id, key, voucher_id, status, year, series, number in db.execute(LINKS, [company_id]).fetchall():
        exported = status == VoucherStatus.EXPORTED and number
        drafts[(check_id, key)] = Draft(voucher_id, status, f"{series} {number}" if exported else None)
        if exported:
            own[VoucherKey(series, number, year)] = voucher_id
    sign_offs = {row["check_id"]: row for row in db.query(SIGN_OFFS, [company_id, day.isoformat()])}
    return Stored(marks, drafts, own, sign_offs)


def resolution(item: Item, mark: Mark | None, draft: Draft | None) -> Resolution | None:
    """How a finding is settled, if it is: its correction exported, or marked Ok (with a note when it has an
    amount), or it is this app's own correction back in the books."""
    if item.kind == ItemKind.OWN_CORRECTION:
        return Resolution(ResolutionKind.OWN_CORRECTION, item.vouchers[0].label if item.vouchers else None)
    if draft is not None and draft.fortnox:
        return Resolution(ResolutionKind.CORRECTED, draft.fortnox)
    if mark is not None and mark.status == MarkStatus.OK and (mark.note or not item.amount_ore):
        return Resolution(ResolutionKind.MARKED, note=mark.note)
    return None


def _merge_own(check: Check, stored: Stored) -> Check:
    """An exported correction back in the books joins the finding it corrects (their amounts add up, the finding
    names both vouchers), so it never shows as a new finding."""
    corrected = {draft.voucher_id: key for (check_id, key), draft in stored.drafts.items() if check_id == check.id}
    items = {item.key: item for item in check.items}
    merged: dict[str, Item] = dict(items)
    for key, item in items.items():
        if item.kind != ItemKind.OWN_CORRECTION or not item.vouchers:
            continue
        source = corrected.get(stored.own.get(item.vouchers[0], ""))
        if source in merged and source != key:
            target = merged[source]
            merged[source] = replace(target, amount_ore=target.amount_ore + item.amount_ore,
                                     vouchers=target.vouchers + item.vouchers)
            del merged[key]
    return replace(check, items=tuple(merged.values())) if len(merged) != len(items) else check


def _status(check: Check, findings: tuple[Finding, ...]) -> Status:
    if not check.known:
        return Status.UNKNOWN
    if any(not finding.resolved for finding in findings) or check.unexplained_ore:
        return Status.DIFFERENCE
    return Status.EXPLAINED if findings else Status.OK


def fingerprint(check: Check) -> str:
    """Changes when the figures behind a check change (an import, a new finding), not when people mark it."""
    parts = [check.gl_ore, check.ledger_ore, check.after_ore, sorted((i.key, i.amount_ore) for i in check.items)]
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def figures(check: Check) -> dict[str, int]:
    return {"gl": check.gl_ore, "ledger": check.ledger_ore, "items": len(check.items)}


def changes(before: Mapping[str, int], check: Check) -> str:
    """What changed since a sign-off, in Swedish."""
    now = figures(check)
    said = [f"huvudbok {format_sek(before['gl'])} → {format_sek(now['gl'])} kr" if before["gl"] != now["gl"] else "",
            f"jämförelse {format_sek(before['ledger'])} → {format_sek(now['ledger'])} kr"
            if before["ledger"] != now["ledger"] else "",
            f"fynd {before['items']} → {now['items']}" if before["items"] != now["items"] else ""]
    return ", ".join(filter(None, said)) or "fynden har ändrats"


def _sign_off(row: Mapping | None, current: str) -> tuple[SignOff | None, Reopened | None, bool]:
    """(valid sign-off, reopened, newly reopened: the figures changed since it was given)."""
    if row is None:
        return None, None, False
    if row["reopened_at"]:
        return None, Reopened(row["reopened_by"], row["reopened_at"], row["changes"]), False
    if row["fingerprint"] != current:
        return None, None, True
    return SignOff(row["signed_by"], row["signed_at"]), None, False


def whole_fingerprint(result: Reconciliation) -> str:
    return hashlib.sha1("".join(fingerprint(check) for check in result.checks).encode()).hexdigest()


def apply(result: Reconciliation, stored: Stored) -> tuple[Outcome, list[str]]:
    """The outcome, and the checks (WHOLE for the whole) whose sign-off the figures no longer match: the caller
    records those as reopened."""
    outcomes, stale = [], []
    for computed in result.checks:
        check = _merge_own(computed, stored)
        findings = tuple(
            Finding(check.id, item, REMEDIES[item.kind], mark := stored.marks.get((check.id, item.key)),
                    draft := stored.drafts.get((check.id, item.key)), resolution(item, mark, draft))
            for item in check.items)
        status = _status(check, findings)
        signed, reopened, changed = _sign_off(stored.sign_offs.get(check.id), fingerprint(computed))
        if changed:
            stale.append(check.id)
        if status not in (Status.OK, Status.EXPLAINED):
            signed = None
        outcomes.append(CheckOutcome(check, findings, status, signed, reopened))
    signed, reopened, changed = _sign_off(stored.sign_offs.get(WHOLE), whole_fingerprint(result))
    if changed:
        stale.append(WHOLE)
    outcome = Outcome(result, tuple(outcomes), signed, reopened)
    if not outcome.closable:
        outcome = replace(outcome, signed_off=None)
    return outcome, stale


def record_reopened(db: Database, company_id: str, day: date, result: Reconciliation, stale: list[str],
                    at: str) -> list[tuple[str, str]]:
    """Mark stale sign-offs reopened, saying what changed; returns (check id, changes) for the audit log."""
    said = []
    checks = {check.id: check for check in result.checks}
    for check_id in stale:
        row = db.execute("select figures from reconciliation_signoffs where company_id = ? and balance_date = ? "
                         "and check_id = ?", [company_id, day.isoformat(), check_id]).fetchone()
        if row is None:
            continue
        before = json.loads(row[0])
        if check_id == WHOLE:
            text = "; ".join(f"{checks[cid].label}: {changes(before[cid], checks[cid])}" for cid in sorted(before)
                             if cid in checks and before[cid] != figures(checks[cid])) or "fynden har ändrats"
        else:
            text = changes(before, checks[check_id])
        db.execute("update reconciliation_signoffs set reopened_by = ?, reopened_at = ?, changes = ? "
                   "where company_id = ? and balance_date = ? and check_id = ?",
                   [AUTOMATIC, at, text, company_id, day.isoformat(), check_id])
        said.append((check_id, text))
    return said


def sign_off_row(company_id: str, day: date, check_id: str, result: Reconciliation, actor: str, at: str) -> dict:
    if check_id == WHOLE:
        current, shown = whole_fingerprint(result), {check.id: figures(check) for check in result.checks}
    else:
        check = result.check(check_id)
        current, shown = fingerprint(check), figures(check)
    return {"company_id": company_id, "balance_date": day.isoformat(), "check_id": check_id, "signed_by": actor,
            "signed_at": at, "fingerprint": current, "figures": json.dumps(shown), "reopened_by": None,
            "reopened_at": None, "changes": None}
