"""Semantic checks of a read SIE document (the issue's "Semantic checks").

* ``unbalanced_voucher``: a voucher whose current rows do not sum to 0;
* ``ub_ib_mismatch``: closing balance of year -1 differs from opening balance
  of year 0 for an account;
* ``ib_ub_mismatch``: for a balance-sheet account, IB(0) + the year's rows
  differs from UB(0);
* ``res_mismatch``: for a result account, RES(0) differs from the year's rows;
* ``date_outside_year``: a voucher dated outside ``#RAR 0``;
* ``undeclared_account``: a row uses an account that no ``#KONTO`` declares
  (only when the file declares accounts at all: 4I files need not).

Balance continuity is only checked when the file has vouchers, and only for
accounts the file gives balances for or books rows on.

:class:`Checker` works voucher by voucher, so ``python -m services.sie check``
can run it while the reader streams (``read_sie(..., on_voucher=...,
keep_vouchers=False)``); its memory grows with the number of accounts, not
with the number of vouchers. :func:`check_document` runs it on a whole document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from services.money import format_sek

from .errors import SieMessage, where
from .model import IB, RES, UB, SieDocument, SieVoucher, voucher_label

__all__ = ["SEVERE_CODES", "Checker", "check_document"]

# Findings that make a file invalid in strict mode; the rest are warnings
# (balance continuity is good practice, not a rule of the format).
SEVERE_CODES = frozenset({"unbalanced_voucher", "date_outside_year", "undeclared_account"})


def check_document(doc: SieDocument) -> list[SieMessage]:
    """Every semantic finding of ``doc``, ordered by line."""
    checker = Checker()
    for voucher in doc.vouchers:
        checker.voucher(voucher, doc)
    return checker.finish(doc)


class Checker:
    """Collects counts, sums and findings voucher by voucher."""

    def __init__(self) -> None:
        self.vouchers = 0
        self.transactions = 0
        self.unbalanced: list[tuple[str, str, int]] = []  # (series, number, line)
        # Year-0 sums of current rows per account (öre); all vouchers when
        # the file has no #RAR 0.
        self.sum_by_account: dict[str, int] = {}
        self._findings: list[SieMessage] = []
        self._first_use: dict[str, int] = {}
        # Vouchers read while #RAR 0 is not known (a 4I file has none), by
        # date: their rows' sums per account and each one's (line, label), so
        # that memory grows with the dates, not with the rows.
        self._pending: dict[date, tuple[dict[str, int], list[tuple[int, str]]]] = {}

    def voucher(self, v: SieVoucher, doc: SieDocument) -> None:
        """Count, sum and check one voucher (its current rows)."""
        current = [t for t in v.transactions if t.is_current]
        self.rows(v.series, v.number, v.date, v.line, [t.account for t in current],
                  [t.amount_ore for t in current], [t.line for t in current], doc)

    def rows(
        self, series: str, number: str, day: date, line: int, accounts: Sequence[str], amounts: Sequence[int],
        row_lines: Sequence[int], doc: SieDocument,
    ) -> None:
        """The same for a voucher given as columns of its current rows (the
        reader's ``on_rows`` hands plain blocks so, never built).

        One pass over the rows, as this runs for every voucher of the
        largest files."""
        self.vouchers += 1
        year0 = doc.year(0)
        inside = year0 is not None and year0.start <= day <= year0.end
        if inside:
            sums = self.sum_by_account
        elif year0 is None:
            pending = self._pending.get(day)
            if pending is None:
                pending = self._pending[day] = ({}, [])
            pending[1].append((line, voucher_label(series, number)))
            sums = pending[0]
        else:
            sums = {}  # a date outside the year: counted, not summed
        first_use = self._first_use
        get = sums.get
        for account, amount, row_line in zip(accounts, amounts, row_lines):
            if account not in first_use:
                first_use[account] = row_line
            sums[account] = get(account, 0) + amount
        self.transactions += len(accounts)
        total = sum(amounts)
        if total:
            self.unbalanced.append((series, number, line))
            self._findings.append(
                SieMessage(
                    line,
                    "unbalanced_voucher",
                    f"{where(line)}verifikation {voucher_label(series, number) or '(utan nummer)'} balanserar "
                    f"inte: raderna summerar till {format_sek(total)} kr i stället för 0.",
                )
            )
        if year0 is not None and not inside:
            self._outside(line, voucher_label(series, number), day, year0.start, year0.end)

    def _outside(self, line: int, label: str, day: date, start: date, end: date) -> None:
        self._findings.append(
            SieMessage(
                line,
                "date_outside_year",
                f"{where(line)}verifikation {label or '(utan nummer)'} är daterad "
                f"{day.isoformat()}, utanför räkenskapsåret "
                f"{start.isoformat()}–{end.isoformat()} (#RAR 0).",
            )
        )

    def finish(self, doc: SieDocument) -> list[SieMessage]:
        """All findings, ordered by line (file-level findings, line 0, first)."""
        year0 = doc.year(0)
        totals = self.sum_by_account
        for day, (sums, vouchers) in self._pending.items():
            if year0 is not None and not year0.start <= day <= year0.end:
                for line, label in vouchers:
                    self._outside(line, label, day, year0.start, year0.end)
                continue
            for account, ore in sums.items():
                totals[account] = totals.get(account, 0) + ore
        self._pending = {}
        findings = self._findings
        if doc.accounts:
            for account, line in self._first_use.items():
                if account not in doc.accounts:
                    findings.append(
                        SieMessage(
                            line,
                            "undeclared_account",
                            f"{where(line)}konto {account} används men deklareras inte "
                            "med #KONTO.",
                        )
                    )
        findings.extend(self._continuity(doc))
        findings.sort(key=lambda m: m.line)
        return findings

    def _continuity(self, doc: SieDocument) -> list[SieMessage]:
        out: list[SieMessage] = []
        ib0, ub0, res0 = _amounts(doc, IB, 0), _amounts(doc, UB, 0), _amounts(doc, RES, 0)
        ub_prev = _amounts(doc, UB, -1)
        if ub_prev and ib0:
            for account in sorted(set(ub_prev) | set(ib0)):
                ub, ib = ub_prev.get(account, (0, 0)), ib0.get(account, (0, 0))
                if ub[0] != ib[0]:
                    line = ib[1] or ub[1]
                    out.append(
                        SieMessage(
                            line,
                            "ub_ib_mismatch",
                            f"{where(line)}konto {account}: utgående balans föregående år "
                            f"({format_sek(ub[0])}) är inte lika med ingående balans i år "
                            f"({format_sek(ib[0])}).",
                        )
                    )
        if not self.vouchers:
            return out
        sums = self.sum_by_account
        if ub0:
            balance_accounts = {
                a for a in set(ib0) | set(ub0) | set(sums) if _is_balance_account(doc, a)
            }
            for account in sorted(balance_accounts):
                ib = ib0.get(account, (0, 0))
                ub = ub0.get(account, (0, 0))
                moved = sums.get(account, 0)
                if ib[0] + moved != ub[0]:
                    line = ub[1] or ib[1]
                    out.append(
                        SieMessage(
                            line,
                            "ib_ub_mismatch",
                            f"{where(line)}konto {account}: ingående balans {format_sek(ib[0])} "
                            f"plus årets rader {format_sek(moved)} är inte lika med "
                            f"utgående balans {format_sek(ub[0])}.",
                        )
                    )
        if res0:
            result_accounts = {a for a in set(res0) | set(sums) if _is_result_account(doc, a)}
            for account in sorted(result_accounts):
                res = res0.get(account, (0, 0))
                moved = sums.get(account, 0)
                if res[0] != moved:
                    line = res[1]
                    out.append(
                        SieMessage(
                            line,
                            "res_mismatch",
                            f"{where(line)}konto {account}: resultatet {format_sek(res[0])} "
                            f"(#RES) är inte lika med summan av årets rader {format_sek(moved)}.",
                        )
                    )
        return out


def _amounts(doc: SieDocument, kind: str, year: int) -> dict[str, tuple[int, int]]:
    """``{account: (öre, line)}`` for one balance kind and year (last record wins)."""
    return {
        b.account: (b.amount_ore, b.line)
        for b in doc.balances
        if b.kind == kind and b.year == year
    }


def _account_class(doc: SieDocument, account: str) -> str | None:
    """"balance", "result" or None (unknown) from #KTYP, else from the BAS class."""
    declared = doc.accounts.get(account)
    ktyp = declared.type.upper() if declared and declared.type else ""
    if ktyp in ("T", "S"):
        return "balance"
    if ktyp in ("K", "I"):
        return "result"
    first = account[:1]
    if first in ("1", "2"):
        return "balance"
    if first in ("3", "4", "5", "6", "7", "8"):
        return "result"
    return None


def _is_balance_account(doc: SieDocument, account: str) -> bool:
    return _account_class(doc, account) == "balance"


def _is_result_account(doc: SieDocument, account: str) -> bool:
    return _account_class(doc, account) == "result"
