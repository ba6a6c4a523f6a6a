"""Money conversions at the sandbox's edges: integer öre inside, JSON numbers and SIE amounts outside.

Money is never a float inside the sandbox. JSON numbers are parsed as Decimal and turned into öre;
the only floats ever made are built from a two-decimal Decimal right before JSON encoding, because
Fortnox sends Debit/Credit as JSON numbers.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

ORE_PER_KRONA = 100


class AmountError(ValueError):
    """A value that should have been an amount was not numeric."""


def to_ore(value: object) -> int:
    """Parse a JSON/form amount (int, Decimal, numeric string, None) into öre, rounding half up to whole öre."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        raise AmountError(str(value))
    if isinstance(value, int):
        return value * ORE_PER_KRONA
    if isinstance(value, float):  # only reachable when a caller parsed JSON without parse_float=Decimal
        value = Decimal(repr(value))
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise AmountError(str(value)) from exc
    if not amount.is_finite():
        raise AmountError(str(value))
    return int((amount * ORE_PER_KRONA).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_decimal(ore: int) -> Decimal:
    """Öre as a two-decimal Decimal (for logic and display)."""
    return (Decimal(ore) / ORE_PER_KRONA).quantize(Decimal("0.01"))


def json_amount(ore: int) -> int | float:
    """Öre as the JSON number Fortnox would send: an int when whole kronor, else a float of a 2-decimal Decimal."""
    if ore % ORE_PER_KRONA == 0:
        return ore // ORE_PER_KRONA
    return float(to_decimal(ore))


def sie_amount(ore: int) -> str:
    """Öre in Fortnox's minimal SIE form: `12559`, `3434.5`, `-0.96`, `0`."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), ORE_PER_KRONA)
    if rest == 0:
        return f"{sign}{kronor}"
    return f"{sign}{kronor}.{rest:02d}".rstrip("0")
