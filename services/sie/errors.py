"""Diagnostics shared by every part of the SIE package.

Two kinds of findings exist:

* :class:`SieMessage` is a *tolerated* quirk (a warning). Reading goes on and
  the message is collected in ``SieDocument.warnings``.
* :class:`SieError` stops reading: the file cannot be interpreted safely.

Both carry a 1-based physical line number (0 when the finding concerns the
file as a whole), a stable English-ish ``code`` that callers can switch on, and
a Swedish ``message`` meant for the user that names the line and, where
possible, says what to do.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SieMessage:
    """A tolerated irregularity found while reading (a warning)."""

    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


class SieError(Exception):
    """The bytes are not a readable SIE file.

    ``line`` is the 1-based line where the problem was found (0 for the file
    as a whole), ``code`` a stable identifier such as ``"bad_amount"`` and
    ``message`` a Swedish explanation that starts with ``"Rad N: "``.
    """

    def __init__(self, line: int, code: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"SieError(line={self.line!r}, code={self.code!r}, message={self.message!r})"


def where(line: int) -> str:
    """The Swedish prefix that starts every message: ``"Rad 12: "``."""
    return f"Rad {line}: " if line > 0 else "Filen: "
