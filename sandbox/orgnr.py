"""Swedish organisation numbers (NNNNNN-NNNN): the Luhn check digit they end with."""

from __future__ import annotations


def luhn_check_digit(digits: str) -> int:
    """The check digit Swedish organisation numbers end with (Luhn over the first nine digits)."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def is_valid_orgnr(orgnr: str) -> bool:
    """True for NNNNNN-NNNN with a correct Luhn check digit."""
    digits = orgnr.replace("-", "")
    return len(digits) == 10 and digits.isdigit() and luhn_check_digit(digits[:9]) == int(digits[9])


def orgnr_from(nine_digits: str) -> str:
    """A valid organisation number from its first nine digits."""
    return f"{nine_digits[:6]}-{nine_digits[6:]}{luhn_check_digit(nine_digits)}"
