"""Lenient reading of Fortnox's values: numbers arrive as numbers or strings, unset values as `null` or `""`
(NOTES.md §4.4). Money becomes integer öre, never a float."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from services.fortnox.errors import FortnoxError


def text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def day(value: Any) -> date:
    try:
        return date.fromisoformat(text(value))
    except ValueError:
        raise FortnoxError(f"Fortnox skickade ett ogiltigt datum: {value!r}.") from None


def optional_day(value: Any) -> date | None:
    return day(value) if text(value) else None


def decimal(value: Any, default: str = "0") -> Decimal:
    try:
        return Decimal(text(value).replace(",", ".") or default)
    except InvalidOperation:
        raise FortnoxError(f"Fortnox skickade ett ogiltigt tal: {value!r}.") from None


def ore(value: Any) -> int:
    """An amount in kronor (number or string) as whole öre; Fortnox's amounts have at most two decimals."""
    return int((decimal(value) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def flag(value: Any) -> bool:
    """Booleans arrive as true/false, and in older answers as "true"/"false"."""
    return value is True or text(value).lower() == "true"
