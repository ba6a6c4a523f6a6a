"""Foreign-currency invoices in SEK, with one rounding rule for the whole product.

Reskontra, Avstämning and the importer all value foreign items through these functions, so the open SEK value of a
partly paid invoice is the same öre on every page. Payments are booked in SEK at the payment day's rate; the part of
an invoice they settled in its own currency is the paid-in-currency total (total less today's balance) shared out
over its payments by their SEK amounts, and what is open is carried at the invoice's own rate until revaluation.
Every division rounds half away from zero, in integers: no float touches money.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def share(amount: int, part: int, whole: int) -> int:
    """amount × part / whole, rounded half away from zero."""
    numerator = amount * part
    quotient, rest = divmod(abs(numerator), abs(whole))
    quotient += 2 * rest >= abs(whole)
    return quotient if (numerator >= 0) == (whole > 0) else -quotient


def to_sek(amount: int, rate: Decimal | str | None, unit: Decimal | str | None = None) -> int:
    """An amount in a currency's hundredths in öre at `rate` SEK per `unit` of the currency."""
    per_unit = Decimal(unit or 1) or Decimal(1)
    return int((Decimal(amount) * Decimal(rate or 1) / per_unit).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def paid_in_currency(total: int, balance: int, paid_sek: int, paid_sek_in_all: int) -> int:
    """The part of a foreign invoice settled by payments of `paid_sek` (of `paid_sek_in_all` paid so far)."""
    return share(total - balance, paid_sek, paid_sek_in_all) if paid_sek_in_all else 0


def open_sek(total: int, total_sek: int, paid: int) -> int:
    """What is open of an invoice of `total` (valued `total_sek`) once `paid` of it is settled, in SEK at its rate."""
    return total_sek - share(total_sek, paid, total) if total else total_sek
