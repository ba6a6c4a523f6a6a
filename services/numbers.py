"""Numbers written the Swedish way, in one place for every page, file name and message: thousands grouped with a
non-breaking space (so "6 703" never breaks over a line) and a decimal comma.

Amounts of money and currency rates are `services.money.format_sek` and `format_rate`, grouped through `grouped`
here.
"""

from __future__ import annotations

from decimal import Decimal

GROUP = "\u00a0"  # what Swedish typesetting and sv-SE browsers put between thousands
MB = 1024 * 1024


def grouped(whole: int) -> str:
    """21122 → '21 122', -1234567 → '-1 234 567'."""
    return f"{whole:,}".replace(",", GROUP)


def format_count(count: int | None) -> str:
    """A count of rows, items or requests: '21 122'; nothing known is an empty text, never 'None'."""
    return "" if count is None else grouped(int(count))


def format_counted(count: int, one: str, many: str) -> str:
    """A count and its noun in the right number: (1, 'rad', 'rader') → '1 rad', 316 → '316 rader'."""
    return f"{format_count(count)} {one if count == 1 else many}"


def format_part_of(part: int, whole: int) -> str:
    """'6 703 av 7 583'."""
    return f"{format_count(part)} av {format_count(whole)}"


def format_decimal(value: Decimal | float, places: int) -> str:
    """A grouped number with `places` decimals and a decimal comma: 1234.5, 1 → '1 234,5'."""
    text = f"{value:,.{places}f}"
    return text.replace(",", GROUP).replace(".", ",")


def format_size(size_bytes: int) -> str:
    """A file size in megabytes with one decimal: '0,2 MB' (the unit never trails a stray comma or point)."""
    return f"{format_decimal(Decimal(size_bytes) / MB, 1)}{GROUP}MB"
