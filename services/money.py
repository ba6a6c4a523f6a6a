"""Amounts as integer öre, shown the Swedish way (space thousands, comma decimals), never through a float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from services.numbers import format_decimal, grouped


def format_sek(ore: int) -> str:
    """12345678 → '123 456,78' (a non-breaking space between thousands, so it never wraps)."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{grouped(kronor)},{rest:02d}"


def ore_to_decimal(ore: int) -> Decimal:
    """12345 → Decimal('123.45'), exactly."""
    return Decimal(ore).scaleb(-2)


def ore_to_json(ore: int) -> str:
    """The JSON/CLI form: '-1234.50' (DESIGN §8)."""
    return format(ore_to_decimal(ore), ".2f")


def format_rate(rate: Decimal) -> str:
    """A currency rate with (at least) four decimals and a decimal comma: Decimal('11.38') → '11,3800', so rates
    written side by side ("kursen 10,4300 i stället för fakturans 11,3800") read alike; more decimals are kept."""
    exponent = rate.as_tuple().exponent
    places = max(4, -exponent if isinstance(exponent, int) else 0)
    return format_decimal(rate, places)


# The largest amount stored: 9 999 999 999 999,99 kr, far above any real one, and so small that sums of thousands
# of them still fit SQLite's 64-bit integers (which a single 19-digit amount would not).
MAX_ORE = 10**15 - 1


def oversized(where: str, *amounts_ore: int) -> str | None:
    """The Swedish refusal when any of the amounts is beyond MAX_ORE (`where` names the line, row or invoice)."""
    if any(abs(amount) > MAX_ORE for amount in amounts_ore):
        return f"{where}: beloppet är för stort. Högst {format_sek(MAX_ORE)} kr går att lagra; rätta beloppet."
    return None


def kronor_to_ore(kronor: Decimal) -> int:
    """Kronor as whole öre, half away from zero, however many digits (1e300 too: the bound is checked by the caller,
    nothing is lost to a Decimal precision limit)."""
    return int((kronor.scaleb(2)).to_integral_value(rounding=ROUND_HALF_UP))
