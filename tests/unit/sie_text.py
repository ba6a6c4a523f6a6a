"""Building blocks for hand-written SIE files in the SIE tests."""

from __future__ import annotations

IDENTIFICATION = (
    "#FLAGGA 0",
    "#FORMAT PC8",
    "#SIETYP 4",
    '#PROGRAM "Testprogram" 1.0',
    "#GEN 20240115",
    '#FNAMN "Bolaget AB"',
)
YEAR_2024 = "#RAR 0 20240101 20241231"
YEAR_2023 = "#RAR -1 20230101 20231231"
BANK_AND_SALES = ('#KONTO 1930 "Bank"', '#KONTO 3010 "Försäljning"')


def sie_bytes(*lines: str, eol: str = "\r\n", encoding: str = "cp437") -> bytes:
    return eol.join(lines).encode(encoding)
