"""How the writer writes one field: CP437 characters only, quoting, amounts.

**Replacement table** for ``unencodable="replace"`` (:data:`REPLACEMENTS`):
dashes and minus signs (``– — ‒ ― −``) → ``-``; ``€`` → ``EUR``; curly single
quotes and primes (``‘ ’ ‚ ‛ ′``) → ``'``; curly double quotes (``“ ” „ ‟ ″``)
→ ``"``; ``…`` → ``...``; ``•`` → ``*``; ``×`` → ``x``; ``ø Ø`` → ``ö Ö``;
``ł Ł`` → ``l L``; ``™`` → ``TM``; ``©`` → ``(c)``; ``®`` → ``(R)``;
control characters (tab, line breaks…) → a space. Any other character is
replaced by its unaccented base letter when Unicode decomposes it into CP437
characters (``š`` → ``s``, ``ﬁ`` → ``fi``), otherwise by ``?``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Literal

from .errors import SieError, SieMessage

__all__ = [
    "BARE_FORBIDDEN", "REPLACEMENTS", "WRITABLE", "FieldWriter", "SieWriteError", "Unencodable", "cp437_replace", "cp437_text", "format_amount",
]

Unencodable = Literal["error", "replace"]

#: Characters outside CP437 and what ``unencodable="replace"`` writes instead.
REPLACEMENTS: dict[str, str] = {
    "\u2013": "-",  # – en dash
    "\u2014": "-",  # — em dash
    "\u2012": "-",  # ‒ figure dash
    "\u2015": "-",  # ― horizontal bar
    "\u2212": "-",  # − minus sign
    "\u2010": "-",  # ‐ hyphen
    "\u2011": "-",  # ‑ non-breaking hyphen
    "\u20ac": "EUR",  # €
    "\u2018": "'",  # ‘
    "\u2019": "'",  # ’
    "\u201a": "'",  # ‚
    "\u201b": "'",  # ‛
    "\u2032": "'",  # ′
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',  # ‟
    "\u2033": '"',  # ″
    "\u2026": "...",  # …
    "\u2022": "*",  # •
    "\u00d7": "x",  # ×
    "\u00f8": "\u00f6",  # ø -> ö
    "\u00d8": "\u00d6",  # Ø -> Ö
    "\u0142": "l",  # ł
    "\u0141": "L",  # Ł
    "\u2122": "TM",  # ™
    "\u00a9": "(c)",  # ©
    "\u00ae": "(R)",  # ®
}

# Every character a CP437 byte 0x20-0x7E or 0x80-0xFF decodes to: what may be
# written. 0x00-0x1F and 0x7F decode to control characters, which SIE forbids.
WRITABLE = frozenset(bytes([b]).decode("cp437") for b in [*range(0x20, 0x7F), *range(0x80, 0x100)])
BARE_FORBIDDEN = frozenset('"{}')


class SieWriteError(SieError):
    """The document cannot be written as asked (the message is Swedish).

    ``line`` is the line of the output file the problem belongs to (0 when it
    concerns the document as a whole), ``code`` one of ``"unbalanced_voucher"``,
    ``"unencodable_character"``, ``"control_character"``, ``"bad_orgnr"``,
    ``"bad_value"``, ``"bad_kind"``.
    """


def format_amount(ore: int) -> str:
    """Integer öre as a SIE amount with exactly two decimals: ``-120000`` → ``-1200.00``."""
    sign = "-" if ore < 0 else ""
    whole, frac = divmod(abs(ore), 100)
    return f"{sign}{whole}.{frac:02d}"


def _replacement(ch: str) -> str:
    if ch in REPLACEMENTS:
        return REPLACEMENTS[ch]
    if unicodedata.category(ch) == "Cc":
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and all(c in WRITABLE for c in base):
        return base
    return "?"


def cp437_replace(value: str) -> str:
    """``value`` with characters outside CP437 and control characters replaced
    per :data:`REPLACEMENTS`, as ``unencodable="replace"`` writes identifiers."""
    if all(c in WRITABLE for c in value):
        return value
    return "".join(c if c in WRITABLE else _replacement(c) for c in value)


def cp437_text(text: str) -> str:
    """A free text as ``unencodable="replace"`` writes it (before any length cap).

    :func:`cp437_replace`, and a text ending in a backslash gets a trailing space.
    """
    text = cp437_replace(text)
    if text.endswith("\\"):
        text += " "
    return text


def quote(value: str) -> str:
    return '"' + value.replace('"', '\\"') + '"'


def char_name(ch: str) -> str:
    return f"U+{ord(ch):04X}"


class FieldWriter:
    """The output lines and warnings, and each field written into them."""

    def __init__(self, text_limit: int | None, unencodable: Unencodable) -> None:
        self.text_limit = text_limit
        self.unencodable = unencodable
        self.lines: list[str] = []
        self.warnings: list[SieMessage] = []

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def warn(self, code: str, message: str) -> None:
        line = self.next_line
        self.warnings.append(SieMessage(line, code, f"Rad {line} i SIE-filen: {message}"))

    def emit(self, label: str, *fields: str) -> None:
        self.lines.append(" ".join((label, *fields)) if fields else label)

    def clean(self, value: str, what: Callable[[], str]) -> str:
        """``value`` with only writable characters (or an error), per ``unencodable``."""
        if all(c in WRITABLE for c in value):
            return value
        out: list[str] = []
        replaced: dict[str, tuple[str, int]] = {}
        for ch in value:
            if ch in WRITABLE:
                out.append(ch)
                continue
            control = unicodedata.category(ch) == "Cc"
            if self.unencodable == "error":
                line = self.next_line
                if control:
                    raise SieWriteError(
                        line,
                        "control_character",
                        f"Rad {line} i SIE-filen: {what()} innehåller ett styrtecken "
                        f"({char_name(ch)}, t.ex. tabb eller radbrytning) som inte får "
                        "förekomma i en SIE-fil. Ta bort det, eller välj att tecken ersätts.",
                    )
                raise SieWriteError(
                    line,
                    "unencodable_character",
                    f'Rad {line} i SIE-filen: {what()} innehåller tecknet "{ch}" '
                    f"({char_name(ch)}), som inte finns i SIE-filens teckentabell "
                    "(CP437). Ändra texten, eller välj att tecken ersätts.",
                )
            repl = _replacement(ch)
            out.append(repl)
            old = replaced.get(ch)
            replaced[ch] = (repl, (old[1] if old else 0) + 1)
        for ch, (repl, count) in replaced.items():
            times = f" ({count} gånger)" if count > 1 else ""
            shown = f'tecknet "{ch}"' if unicodedata.category(ch) != "Cc" else "ett styrtecken"
            self.warn(
                "character_replaced",
                f"{what()}: {shown} ({char_name(ch)}) finns inte i SIE-filens "
                f'teckentabell (CP437) och har ersatts med "{repl}"{times}.',
            )
        return "".join(out)

    def text(self, value: str, what: Callable[[], str], *, capped: bool = False) -> str:
        """A free-text field, quoted."""
        value = self.clean(value, what)
        if value.endswith("\\"):
            value += " "
            self.warn(
                "trailing_backslash",
                f"{what()} slutar med ett omvänt snedstreck (\\); ett mellanslag har "
                "lagts till efter det, annars kan texten inte läsas tillbaka.",
            )
        limit = self.text_limit
        if capped and limit is not None and len(value) > limit:
            original = len(value)
            value = value[:limit]
            if value.endswith("\\"):
                value = value[:-1] + " "
            self.warn(
                "text_truncated",
                f'{what()} var {original} tecken lång och har kortats till {limit} tecken: "{value}".',
            )
        return quote(value)

    def ident(self, value: str, what: Callable[[], str]) -> str:
        """An identifier: bare when possible, else quoted."""
        value = self.clean(value, what)
        if value and not any(c in BARE_FORBIDDEN or c.isspace() for c in value):
            return value
        if value.endswith("\\"):
            raise SieWriteError(
                self.next_line,
                "bad_value",
                f'Rad {self.next_line} i SIE-filen: {what()} "{value}" slutar med ett omvänt '
                "snedstreck och innehåller mellanslag eller citattecken; det kan inte skrivas i SIE.",
            )
        return quote(value)

    def objects(self, objects: Sequence[tuple[str, str]], what: Callable[[], str]) -> str:
        if not objects:
            return "{}"
        parts = []
        for dim, obj in objects:
            parts.append(self.ident(dim, lambda: f"{what()}, dimensionsnumret"))
            parts.append(self.text(obj, lambda: f"{what()}, objektkoden"))
        return "{" + " ".join(parts) + "}"
