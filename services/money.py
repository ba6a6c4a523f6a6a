"""Amounts as integer öre, shown the Swedish way (space thousands, comma decimals), never through a float."""

from __future__ import annotations

from decimal import Decimal


def format_sek(ore: int) -> str:
    """12345678 → '123 456,78' (a non-breaking space between thousands, so it never wraps)."""
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return f"{sign}{kronor:,}".replace(",", "\u00a0") + f",{rest:02d}"


def ore_to_json(ore: int) -> str:
    """The JSON/CLI form: '-1234.50' (DESIGN §8)."""
    return format(Decimal(ore).scaleb(-2), ".2f")
