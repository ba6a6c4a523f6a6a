"""Amounts as integer öre, shown the Swedish way (space thousands, comma decimals), never through a float."""

from __future__ import annotations

from decimal import Decimal


def format_sek(ore: int) -> str:
    """12345678 → '123 456,78' (a non-breaking space between thousands, so it never wraps)."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor:,}".replace(",", "\u00a0") + f",{rest:02d}"


def ore_to_decimal(ore: int) -> Decimal:
    """12345 → Decimal('123.45'), exactly."""
    return Decimal(ore).scaleb(-2)


def ore_to_json(ore: int) -> str:
    """The JSON/CLI form: '-1234.50' (DESIGN §8)."""
    return format(ore_to_decimal(ore), ".2f")


def format_rate(rate: Decimal) -> str:
    """Decimal('11.3825') → '11,3825': a currency rate written the Swedish way."""
    return format(rate, "f").replace(".", ",")
