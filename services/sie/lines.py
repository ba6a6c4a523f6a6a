"""The careful path: SIE lines read one at a time with the full tokenizer.

Every line that the block path (``blocks.py``) does not take comes here: the
head of the file, balances, odd spellings, and every line that could give a
warning. It strips the line, checks that the first record is a label (else
the bytes are no SIE file), follows the ``{``/``}`` structure of voucher
blocks and hands each record to its handler (``assembly.py``).

An error on a line is raised, or, when errors are collected (``check``),
noted and the next line read.
"""

from __future__ import annotations

from collections.abc import Callable

from .assembly import DocumentBuilder
from .state import AWAITING_BRACE, INSIDE, OUTSIDE, SKIPPING, preview
from .errors import SieError, where
from .tokenizer import SieLine, tokenize_line
from .voucher_assembly import ROW_KINDS

__all__ = ["LineReader"]

# Lines that are only a brace, as split from the text (CR LF or LF line ends).
_BRACES = {"{": "{", "{\r": "{", "}": "}", "}\r": "}"}


class LineReader(DocumentBuilder):
    """Reads numbered lines one by one."""

    def _read_lines(self, block: list[str]) -> None:
        """Read consecutive lines (without their line ends), numbered from
        ``self._number + 1``."""
        first = self._first
        handlers = self._handlers
        number = self._number
        braces = _BRACES
        for raw in block:
            number += 1
            # A lone brace is the commonest line: no need to strip it.
            brace = braces.get(raw)
            if brace is not None and not first:
                state = self._state
                if brace == "}" and state == INSIDE:
                    self.line = number
                    self._close_voucher()
                    continue
                if brace == "{" and state == AWAITING_BRACE:
                    self.line = number
                    self._state = INSIDE
                    continue
            s = raw.strip(" \t\r\x1a")
            if not s:
                continue
            self.line = number
            if self._state == SKIPPING:
                if not s.startswith("#VER"):
                    if s[0] == "}":
                        self._state = OUTSIDE
                    continue
                self._state = OUTSIDE
            try:
                if first:
                    first = False
                    self._first = False
                    if s[0] != "#":
                        raise self.fail(
                            "not_sie",
                            f"{where(number)}filen är ingen SIE-fil: den första raden ska "
                            f"börja med en etikett som #FLAGGA men börjar med "
                            f'"{preview(s)}". Exportera en SIE-fil (typ 4) från '
                            "bokföringsprogrammet och försök igen.",
                        )
                self._line(s, number, handlers)
            except SieError as exc:
                self.error(exc)
                if s.startswith("#VER") and self._state != INSIDE:
                    self._state = SKIPPING  # its rows would only give more errors
        self._number = number
        self._first = first

    def _line(self, s: str, number: int, handlers: dict[str, Callable[[SieLine], None]]) -> None:
        """Handle one non-blank line (stripped) with the full tokenizer."""
        c = s[0]
        if c == "{" or c == "}":
            self._brace(c)
            s = s[1:].lstrip(" \t")
            if not s:
                return
            self.tolerate(
                "text_after_brace",
                f'{where(number)}text efter "{c}" på samma rad har lästs som en egen post.',
            )
            if s[0] != "#":
                return
        elif c != "#":
            self.tolerate(
                "not_a_record",
                f'{where(number)}raden "{preview(s)}" är ingen SIE-post och har hoppats över.',
            )
            return
        if self._state == AWAITING_BRACE and not s.startswith("#VER"):
            self._missing_brace(s)
        if s.startswith("#VER") and s.endswith("{") and s[-2:-1] in (" ", "\t"):
            # "#VER A 1 20240101 "text" {" — the block opens on the same line.
            rec = tokenize_line(s[:-1], number)
            self._record(rec, handlers)
            self._brace("{")
            return
        rec = tokenize_line(s, number)
        self._record(rec, handlers)

    def _control_character(self, line: int, code: int) -> None:
        self.tolerate(
            "control_character",
            f"{where(line)}raden innehåller ett otillåtet styrtecken "
            f"(kod {code}); SIE-filer får bara innehålla skrivbara tecken.",
            line,
        )

    def _record(self, rec: SieLine, handlers: dict[str, Callable[[SieLine], None]]) -> None:
        for w in rec.warnings:
            self.tolerate(w.code, w.message, w.line)
        label = rec.label
        if self._crc is not None and not self._ksumma_closed and label != "#KSUMMA":
            self._ksumma_feed(rec)
        for i in rec.quoted:
            value = rec.fields[i]
            if isinstance(value, str) and "\t" in value:
                self.tolerate(
                    "control_character",
                    f"{where(self.line)}en text inom citattecken innehåller ett "
                    "tabbtecken, vilket SIE inte tillåter.",
                )
                break
        handler = handlers.get(label)
        if handler is None:
            upper = label.upper()
            if upper != label and upper in handlers:
                self.tolerate(
                    "lowercase_label",
                    f"{where(self.line)}etiketten {label} är skriven med små "
                    f"bokstäver; den har lästs som {upper}.",
                )
                rec.label = upper
                handler = handlers[upper]
            else:
                return  # unknown labels are ignored (FORMAT.md §3)
        if self._state == INSIDE and rec.label not in ROW_KINDS:
            if rec.label == "#VER":
                raise self._unclosed(self.line, nested=True)
            self.tolerate(
                "record_inside_voucher",
                f"{where(self.line)}posten {rec.label} står inne i ett "
                "verifikationsblock; den har lästs som om den stod utanför.",
            )
        self._seen.add(rec.label)
        handler(rec)

    # ------------------------------------------------------------ structure

    def _brace(self, c: str) -> None:
        if c == "{":
            if self._state == AWAITING_BRACE:
                self._state = INSIDE
                return
            if self._state == INSIDE:
                raise self.fail(
                    "nested_block",
                    f'{where(self.line)}ett nytt "{{" inne i verifikationen på rad '
                    f'{self._ver_line}; den saknar troligen sitt avslutande "}}".',
                )
            raise self.fail(
                "unexpected_open_brace",
                f'{where(self.line)}"{{" utan en #VER-post före; ett block med '
                "rader måste börja direkt efter en #VER.",
            )
        # "}"
        if self._state == INSIDE:
            self._close_voucher()
            return
        if self._state == AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f'{where(self.line)}"}}" utan "{{": verifikationen på rad '
                f"{self._ver_line} saknar början på sitt block.",
            )
        raise self.fail(
            "unexpected_close_brace",
            f'{where(self.line)}"}}" utan ett öppet verifikationsblock; '
            'kontrollera att varje "{" och "}" hör till en #VER.',
        )

    def _missing_brace(self, s: str) -> None:
        """The line after a #VER is neither "{" nor another #VER (handled by _ver_record)."""
        label = s.split(None, 1)[0].upper()
        if label in ROW_KINDS:
            # e-conomic: a blank line where "{" should be, then the rows.
            if self.strict:
                raise self.fail(
                    "missing_open_brace",
                    f'{where(self._ver_line)}verifikationen saknar "{{" före sina rader.',
                    self._ver_line,
                )
            self.tolerate(
                "missing_open_brace",
                f'{where(self._ver_line)}verifikationen saknar "{{" före sina '
                "rader; raderna har lästs som dess innehåll.",
                self._ver_line,
            )
            self._state = INSIDE
            return
        raise self.fail(
            "missing_open_brace",
            f'{where(self.line)}"{{" saknas efter #VER på rad {self._ver_line}; '
            'en verifikation ska följas av sina rader inom "{" och "}".',
        )

    def _unclosed(self, line: int, nested: bool = False) -> SieError:
        """A voucher block that is never closed with "}".

        ``nested``: a new #VER started inside it, at ``line``. Otherwise the
        file ended; the error then points at the #VER whose block is open.
        """
        if nested:
            return self.fail(
                "unclosed_block",
                f"{where(line)}en ny #VER börjar innan verifikationen på rad "
                f'{self._ver_line} har avslutats med "}}".',
                line,
            )
        return self.fail(
            "unclosed_block",
            f'{where(self._ver_line)}verifikationen avslutas aldrig med "}}"; '
            "filen tar slut mitt i den och är troligen avkortad. Exportera filen på nytt.",
            self._ver_line,
        )
