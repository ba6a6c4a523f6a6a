"""Balance records: #IB, #UB, #RES, #OIB, #OUB, #PSALDO and #PBUDGET."""

from __future__ import annotations

import re

from .errors import where
from .model import IB, OIB, OUB, PBUDGET, PSALDO, RES, UB, SieBalance, SieObjectBalance, SiePeriodBalance
from .state import NO_OBJECTS, ReadingState
from .tokenizer import SieLine

__all__ = ["BalanceRecords"]

_PERIOD = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")
_BALANCE_KINDS = {"#IB": IB, "#UB": UB, "#RES": RES}
_OBJECT_BALANCE_KINDS = {"#OIB": OIB, "#OUB": OUB}
_PERIOD_KINDS = {"#PSALDO": PSALDO, "#PBUDGET": PBUDGET}


class BalanceRecords(ReadingState):
    """The handlers of the balance records."""

    def _balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        amount = self._amount(self._require(rec, 2, "belopp"))
        self.doc.balances.append(SieBalance(_BALANCE_KINDS[label], year, account, amount, self.line))

    def _object_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        objects = self._objects_at(rec, 2)
        if objects is None:
            raise self.fail(
                "missing_object_list",
                f"{where(self.line)}{label} saknar objektlista, till exempel {{1 \"100\"}}.",
            )
        amount = self._amount(self._require(rec, 3, "belopp"))
        quantity = self._quantity(self._str(rec, 4))
        self.doc.object_balances.append(
            SieObjectBalance(_OBJECT_BALANCE_KINDS[label], year, account, objects, amount, quantity)
        )

    def _period_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        period = self._require(rec, 1, "period")
        if _PERIOD.fullmatch(period) is None:
            # BL Administration 2018 writes "#PBUDGET 0 1119 201701 -1666.00".
            self.tolerate(
                "bad_period",
                f'{where(self.line)}perioden "{period}" i {label} ska skrivas ÅÅÅÅMM, '
                "till exempel 202401; posten har hoppats över.",
            )
            return
        account = self._require(rec, 2, "kontonummer")
        objects = self._objects_at(rec, 3)
        i = 4
        if objects is None:
            objects = NO_OBJECTS
            i = 3
            self._missing_object_list(rec)
        amount = self._amount(self._require(rec, i, "belopp"))
        quantity = self._quantity(self._str(rec, i + 1))
        self.doc.period_balances.append(
            SiePeriodBalance(_PERIOD_KINDS[label], year, period, account, objects, amount, quantity)
        )
