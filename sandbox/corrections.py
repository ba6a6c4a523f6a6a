"""Rows struck by a correction, as Fortnox keeps them, planted in the mid-size and large companies.

Someone typed an amount with a zero too many; a later correction struck that row and added the right one. Fortnox
keeps the struck row in the voucher (`"Removed": true`, SIE `#BTRANS`) at its place and puts the added row (SIE
`#RTRANS`) last; the voucher balances only without the struck row (recordings/SOURCE.md;
shared/sie-samples/fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se).

The added row is the row the voucher already had, so a correction changes no balance, ledger item or planted
finding: any figure that moves when corrections are planted counts a struck row.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import date

from sandbox.records import Voucher, VoucherRef

TYPO_FACTOR = 10  # the struck amount had a zero too many
# Corrected in turn: a customer invoice on its receivable, a supplier invoice on its payable, a manual voucher.
CORRECTED_ROW = (("B", "1510"), ("D", "2440"), ("A", None))


def correct(vouchers: Sequence[Voucher], count: int, rng: random.Random, after: date,
            untouched: Collection[VoucherRef]) -> tuple[Voucher, ...]:
    """`vouchers` with `count` of them corrected, each dated after `after` (a locked period takes no corrections)
    and none of `untouched` (the vouchers planted findings point at)."""
    out = list(vouchers)
    for turn in range(count):
        series, account = CORRECTED_ROW[turn % len(CORRECTED_ROW)]
        pool = [i for i, v in enumerate(out) if v.series == series and v.transaction_date > after
                and v is vouchers[i] and VoucherRef(v.series, v.number, v.year_id) not in untouched]
        if pool:
            index = rng.choice(pool)
            out[index] = _corrected(out[index], account, rng)
    return tuple(out)


def _corrected(voucher: Voucher, account: str | None, rng: random.Random) -> Voucher:
    """The voucher with one row (on `account` when given) struck at a tenfold amount and added back as it is."""
    rows = voucher.rows
    position = rng.choice([i for i, row in enumerate(rows) if account in (None, row.account)] or range(len(rows)))
    right = rows[position]
    struck = replace(right, debit=right.debit * TYPO_FACTOR, credit=right.credit * TYPO_FACTOR, removed=True)
    return replace(voucher, rows=rows[:position] + (struck,) + rows[position + 1:] + (replace(right, added=True),))
