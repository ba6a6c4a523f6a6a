"""Voucher assembly: #VER opens a voucher, #TRANS, #RTRANS and #BTRANS add
its rows (FORMAT.md §8: an #RTRANS counts, the #TRANS that repeats it is its
shadow), and its "}" closes it: the voucher is checked, kept and handed on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from .errors import where
from .model import BTRANS, RTRANS, TRANS, SieTransaction, new_transaction, new_voucher
from .state import AWAITING_BRACE, INSIDE, NO_OBJECTS, OUTSIDE, ReadingState, kronor
from .tokenizer import SieLine

__all__ = ["ROW_KINDS", "VoucherAssembly"]

ROW_KINDS = {"#TRANS": TRANS, "#RTRANS": RTRANS, "#BTRANS": BTRANS}


class VoucherAssembly(ReadingState):
    """The handlers of a voucher's records, and the closing of its block."""

    def _ver_record(self, rec: SieLine) -> None:
        if self._state == AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f'{where(self.line)}verifikationen på rad {self._ver_line} saknar sitt '
                'block "{ ... }" med rader innan nästa #VER börjar.',
            )
        series = self._str(rec, 0)
        number = self._str(rec, 1)
        d = self._date(self._require(rec, 2, "verifikationsdatum"), "verifikationsdatumet")
        text = self._str(rec, 3)
        reg_date = self._optional_date(self._str(rec, 4), "registreringsdatumet")
        sign = self._str(rec, 5) or None
        self._open_voucher(series, number, d, text, reg_date, sign)

    def _open_voucher(
        self, series: str, number: str, d: date, text: str, reg_date: date | None, sign: str | None
    ) -> None:
        self._ver = (self.line, series, number, d, text, reg_date, sign)
        self._total = 0
        if not self._first_ver_line:
            self._first_ver_line = self.line
        self._rows = []
        self._pending_rtrans = None
        self._state = AWAITING_BRACE

    def _row(self, rec: SieLine) -> None:
        if self._state != INSIDE:
            raise self.fail(
                "trans_outside_voucher",
                f"{where(self.line)}{rec.label} står utanför en verifikation; "
                'transaktionsrader måste stå inom "{" och "}" direkt efter en #VER.',
            )
        kind = ROW_KINDS[rec.label]
        fields = rec.fields
        account = self._require(rec, 0, "kontonummer")
        if not account.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{account}" i {rec.label} är inte numeriskt.',
            )
        i = 1
        objects = NO_OBJECTS
        if len(fields) > 1:
            value = fields[1]
            if isinstance(value, tuple):
                objects = value
                i = 2
            elif value == "" and 1 in rec.quoted:
                i = 2  # "" written where the object list belongs
                self._missing_object_list(rec)
            else:
                self._missing_object_list(rec)
        if len(fields) <= i:
            raise self.fail(
                "missing_amount",
                f"{where(self.line)}{rec.label} för konto {account} saknar belopp; "
                'raden ska se ut som #TRANS 1930 {} -100.00. Exportera filen på nytt.',
            )
        amount = self._amount(self._str(rec, i))
        trans_date = self._optional_date(self._str(rec, i + 1), "transaktionsdatumet")
        text = self._str(rec, i + 2)
        quantity = self._quantity(self._str(rec, i + 3))
        sign = self._str(rec, i + 4) or None
        self._add_row(kind, account, amount, objects, trans_date, text, quantity, sign)

    def _add_row(
        self,
        kind: str,
        account: str,
        amount: int,
        objects: tuple[tuple[str, str], ...],
        trans_date: date | None,
        text: str,
        quantity: Decimal | None,
        sign: str | None,
    ) -> None:
        shadow = False
        pending = self._pending_rtrans
        if pending is not None:
            self._pending_rtrans = None
            if kind == TRANS and (
                pending.account == account
                and pending.amount_ore == amount
                and pending.objects == objects
            ):
                shadow = True
            else:
                self._rtrans_unpaired(pending)
        row = new_transaction(account, amount, objects, trans_date, text, quantity, kind, self.line, sign, shadow)
        self._rows.append(row)
        if kind == RTRANS:
            self._pending_rtrans = row
            self._total += amount
        elif kind == TRANS and not shadow:
            self._total += amount

    def _rtrans_unpaired(self, rtrans: SieTransaction) -> None:
        self.tolerate(
            "rtrans_without_shadow",
            f"{where(rtrans.line)}#RTRANS följs inte av en likadan #TRANS-rad; "
            "den tillagda raden har räknats med och nästa rad har lästs som en "
            "vanlig rad.",
            rtrans.line,
        )

    def _close_voucher(self) -> None:
        if self._pending_rtrans is not None:
            self._rtrans_unpaired(self._pending_rtrans)
            self._pending_rtrans = None
        assert self._ver is not None
        line, series, number, d, text, reg_date, sign = self._ver
        voucher = new_voucher(series, number, d, text, reg_date, tuple(self._rows), line, sign)
        self._rows = []
        self._state = OUTSIDE
        total = self._total
        if total:
            self.tolerate(
                "unbalanced_voucher",
                f"{where(line)}verifikation {voucher.label or '(utan nummer)'} "
                f"balanserar inte: raderna summerar till {kronor(total)} kr i "
                "stället för 0.",
                line,
            )
        self.doc.voucher_count += 1
        if self.keep_vouchers:
            self.doc.vouchers.append(voucher)
        if self.on_voucher is not None:
            self.on_voucher(voucher, self.doc)
