"""SIE amounts as integer öre, bounded by what the store can hold.

An amount is written ``-?\\d+(\\.\\d{1,2})?`` (FORMAT.md §5). Hogia Ekonomi and
at least one other generator leave out the integer part of amounts under one
krona (``.23``, ``-.96``); :func:`parse_amount_ore` reads them and says so
(``leading_point``), so that the reader can warn once per file.

Every amount is stored in SQLite INTEGER; the product's one bound on an amount
is :data:`services.money.MAX_ORE` (sums of many still fit 64 bits). An amount
outside :data:`ORE_MIN`..:data:`ORE_MAX` is refused here, before it can overflow
later (and before Python converts thousands of digits to an int).
"""

from __future__ import annotations

import re

from services.money import MAX_ORE, format_sek

from .errors import SieError, where

__all__ = ["ORE_MAX", "ORE_MIN", "ore_fits_store", "parse_amount_ore", "read_amount_ore"]

ORE_MAX = MAX_ORE
ORE_MIN = -MAX_ORE
# More integer digits than this can never fit (ORE_MAX has 13 in kronor).
_MAX_DIGITS = len(str(ORE_MAX // 100))

_AMOUNT = re.compile(r"(-?)([0-9]*)(?:\.([0-9]{1,2}))?")


def ore_fits_store(ore: int) -> bool:
    """Whether ``ore`` is within the product's bound on a stored amount."""
    return ORE_MIN <= ore <= ORE_MAX


def read_amount_ore(value: str, line: int = 0) -> tuple[int, bool]:
    """``value`` in öre, and whether it lacks its integer part (``.23``).

    Raises ``bad_amount`` for anything else that is not a SIE amount and
    ``amount_out_of_range`` for an amount the store cannot hold."""
    m = _AMOUNT.fullmatch(value)
    if m is None or not (m[2] or m[3]):
        raise SieError(
            line,
            "bad_amount",
            f'{where(line)}beloppet "{_preview(value)}" är inte ett giltigt SIE-belopp '
            "(punkt som decimaltecken, högst två decimaler).",
        )
    sign, whole, frac = m.groups()
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        raise _out_of_range(value, line)
    ore = int(whole or "0") * 100
    if frac:
        ore += int(frac) * (10 if len(frac) == 1 else 1)
    if sign:
        ore = -ore
    if not ore_fits_store(ore):
        raise _out_of_range(value, line)
    return ore, not whole


def parse_amount_ore(value: str, line: int = 0) -> int:
    """A SIE amount in integer öre (see :func:`read_amount_ore`)."""
    return read_amount_ore(value, line)[0]


def _out_of_range(value: str, line: int) -> SieError:
    return SieError(
        line,
        "amount_out_of_range",
        f'{where(line)}beloppet är för stort ("{_preview(value)}"). Högst {format_sek(ORE_MAX)} kr går att '
        "lagra (plus eller minus); rätta beloppet.",
    )


def _preview(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
