"""Corrections drafted from findings: which rows fix a finding, with which offset account by default, and the draft
kept linked to its finding so a second click shows the same draft instead of making another."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from sqlite_utils import Database

from services.errors import Invalid
from services.mapping.model import Facts
from services.reconcile.books import account_names, predefined_account
from services.reconcile.model import REMEDIES, Check, CheckId, Item, ItemKind, RemedyKind
from services.timestamps import now_iso
from services.vouchers.drafts import create_draft
from services.vouchers.model import AdjustmentRow, VoucherSource

CURRENCY_GAIN, CURRENCY_LOSS = ("CURRENCYWIN", "3960"), ("CURRENCYLOSS", "7960")
OTHER_SIDE = ("select t.account, sum(t.amount_ore) as amount from transactions t where t.company_id = ? "
              "and exists (select 1 from json_each(?) k where json_extract(k.value, '$[0]') = t.year_id "
              "and json_extract(k.value, '$[1]') = t.series and json_extract(k.value, '$[2]') = t.number) "
              "and t.account != ? group by t.account order by abs(sum(t.amount_ore)) desc, t.account")
LINKED_DRAFT = ("select a.id from reconciliation_links l join adjustment_vouchers a on a.id = l.voucher_id "
                "where l.company_id = ? and l.check_id = ? and l.item_key in (select value from json_each(?)) "
                "order by a.created_at limit 1")


def default_offset(db: Database, company_id: str, item: Item, inactive: frozenset[str]) -> str | None:
    """The other side of the voucher behind the finding (its largest row on another account), if it is active."""
    if REMEDIES[item.kind].kind != RemedyKind.VOUCHER or not item.vouchers or item.account is None:
        return None
    keys = json.dumps([[v.year, v.series, v.number] for v in item.vouchers])
    for account, _ in db.execute(OTHER_SIDE, [company_id, keys, item.account]).fetchall():
        if account not in inactive:
            return account
    return None


def linked_draft(db: Database, company_id: str, check_id: str, keys: Sequence[str]) -> str | None:
    """The draft (or exported voucher) already made from one of these findings."""
    found = db.execute(LINKED_DRAFT, [company_id, check_id, json.dumps(list(keys))]).fetchone()
    return found[0] if found else None


def _row(account: str, amount: int, text: str) -> AdjustmentRow:
    """Debit positive."""
    return AdjustmentRow(account, debit_ore=max(amount, 0), credit_ore=max(-amount, 0), text=text)


def _check_accounts(db: Database, company_id: str, year_id: str, rows: Sequence[AdjustmentRow], day: date,
                    inactive: frozenset[str], moved: str | None) -> None:
    known = account_names(db, company_id, year_id)
    missing = sorted({row.account for row in rows} - set(known))
    if missing:
        raise Invalid(f"Konto {', '.join(missing)} finns inte i företagets kontoplan för {day.year}. "
                      "Välj ett annat konto.")
    closed = sorted({row.account for row in rows} & inactive - {moved})
    if closed:
        raise Invalid(f"Konto {', '.join(closed)} är inaktivt i Fortnox, som inte tar emot verifikationer på det. "
                      "Välj ett aktivt motkonto.")


def store_correction(db: Database, company_id: str, check_id: str, keys: Sequence[str], day: date, year_id: str,
                     text: str, rows: list[AdjustmentRow], facts: Facts, actor: str, moved: str | None = None) -> str:
    """Store the draft and link it to the findings it corrects (the caller holds the write transaction)."""
    _check_accounts(db, company_id, year_id, rows, day, facts.inactive_accounts, moved)
    voucher_id = create_draft(db, company_id, day, text, rows, source=VoucherSource.RECONCILIATION)
    db["reconciliation_links"].upsert_all(
        [{"company_id": company_id, "check_id": check_id, "item_key": key, "voucher_id": voucher_id,
          "linked_by": actor, "linked_at": now_iso()} for key in keys], pk=("company_id", "check_id", "item_key"))
    return voucher_id


def correction(item: Item, offset: str, reference: str) -> tuple[str, list[AdjustmentRow]]:
    """The text and rows that take the finding's amount off its account against `offset`."""
    account = item.account or ""
    if not item.amount_ore:
        raise Invalid("Fyndet har inget belopp; det finns inget att bokföra.")
    offset = offset.strip()
    if not offset or offset == account:
        raise Invalid(f"Välj ett motkonto som inte är {account}.")
    text = f"Avstämning {account}: rättelse {reference}"
    return text, [_row(account, -item.amount_ore, text), _row(offset, item.amount_ore, text)]


def revaluation(db: Database, company_id: str, check: Check, day: date) -> tuple[str, list[AdjustmentRow]]:
    """The balance-date revaluation of a ledger's open foreign items as one voucher: the control account against
    the company's currency gain and loss accounts (Fortnox's CURRENCYWIN / CURRENCYLOSS, else 3960 / 7960)."""
    change = sum(item.amount_ore for item in check.items if item.kind == ItemKind.CURRENCY_DIFFERENCE)
    if not change or check.account is None:
        raise Invalid("Ingen omvärdering att bokföra: ange balansdagens kurs för en valuta med öppna poster.")
    gain = predefined_account(db, company_id, *CURRENCY_GAIN)
    loss = predefined_account(db, company_id, *CURRENCY_LOSS)
    ledger = "kundfordringar" if check.id == CheckId.AR_VS_GL else "leverantörsskulder"
    text = f"Omvärdering {ledger} per {day}"
    return text, [_row(check.account, change, text), _row(gain if change > 0 else loss, -change, text)]


def reference(item: Item) -> str:
    """How texts name the finding: its voucher, invoice, account or date."""
    if item.vouchers:
        return f"verifikation {item.vouchers[0].label}"
    if item.invoice:
        return f"faktura {item.invoice}"
    return f"konto {item.account}" if item.account else str(item.day or "")
