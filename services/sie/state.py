"""The state of one reading and what every record handler shares.

:class:`ReadingState` holds the document so far, the open voucher, the
#KSUMMA being computed and the caches, and the helpers the handlers of every
kind of record use: reading a field, a date, an amount, a quantity, and
turning a quirk into a warning (or, in strict mode, an error). The handlers
themselves are in ``header_records.py``, ``balance_records.py`` and
``voucher_assembly.py``; ``assembly.py`` puts them together.

Every tolerated quirk goes through :meth:`ReadingState.tolerate`; in strict
mode it is an error instead, for every code except ``STRICT_TOLERATED``.
When errors are collected (``max_errors``, used by ``check``) an error is
noted in ``doc.errors`` and reading goes on with the next line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from .amounts import read_amount_ore
from .errors import SieError, SieMessage, where
from .model import SieDocument, SieTransaction, SieVoucher
from .tokenizer import SieLine

__all__ = [
    "AWAITING_BRACE", "FATAL_CODES", "INSIDE", "NO_OBJECTS", "OUTSIDE", "SKIPPING", "STRICT_TOLERATED",
    "ReadingState", "RowsSink", "TooManyErrors", "kronor", "parse_date", "preview",
]

# on_rows(series, number, date, ver_line, accounts, amounts, row_lines, document):
# a voucher of plain #TRANS rows as columns, never built.
RowsSink = Callable[[str, str, date, int, list[str], list[int], range, SieDocument], None]

# Warning codes that stay warnings in strict mode. ``orgnr_format``: an
# organisation number without its hyphen is unambiguous and common (40 of
# ~140 real files, FORMAT.md §5), so strict mode only warns about it.
STRICT_TOLERATED = frozenset({"duplicate_account", "orgnr_format"})
# Errors after which nothing more can be read, collected or not.
FATAL_CODES = frozenset({"not_sie", "empty_file"})

_QUANTITY = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
NO_OBJECTS: tuple[tuple[str, str], ...] = ()

# Voucher block states.
OUTSIDE = 0
AWAITING_BRACE = 1
INSIDE = 2
# A #VER line had an error (errors being collected): its block is skipped.
SKIPPING = 3


class TooManyErrors(Exception):
    """Raised when ``max_errors`` errors have been collected: reading stops."""


def parse_date(value: str, line: int = 0, what: str = "datumet") -> date:
    """Parse a SIE date ``YYYYMMDD``. ISO ``YYYY-MM-DD`` is not handled here."""
    if len(value) == 8 and value.isdigit() and value.isascii():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise SieError(
        line,
        "bad_date",
        f'{where(line)}{what} "{value}" är inte ett giltigt datum; '
        "SIE-datum skrivs ÅÅÅÅMMDD, till exempel 20240131.",
    )


def kronor(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    whole, frac = divmod(abs(ore), 100)
    return f"{sign}{whole}.{frac:02d}"


def preview(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"


class ReadingState:
    """The state of one reading and the helpers every record handler uses."""

    def __init__(self, encoding: str, strict: bool = False, max_errors: int = 0) -> None:
        self.doc = SieDocument(encoding=encoding)
        self.strict = strict
        # 0: the first error is raised; otherwise errors are collected up to this many.
        self.max_errors = max_errors
        self.on_voucher: Callable[[SieVoucher, SieDocument], None] | None = None
        # With keep_vouchers False: takes the vouchers of plain #TRANS rows as
        # columns instead of on_voucher (see read_lines).
        self.on_rows: RowsSink | None = None
        self.keep_vouchers = True
        self.line = 0
        # #KSUMMA: None before the opening record, then the running CRC.
        self._crc: int | None = None
        self._ksumma_closed = False
        self._ksumma_line = 0
        self._first_ver_line = 0
        self._first = True
        self._format_line = 0
        # Amounts written without their integer part (.23): count, first line.
        self._leading_points = 0
        self._leading_point_line = 0
        self._number = 0  # lines read so far
        self._account_units: dict[str, str] = {}
        self._account_sru_all: dict[str, list[str]] = {}
        self._seen: set[str] = set()
        self._date_cache: dict[str, date] = {}
        self._quantities: dict[str, Decimal] = {}
        self._total = 0  # sum of the open voucher's current rows
        # #KONTO / #KTYP / #SRU are collected, then resolved in _finish().
        self._account_names: dict[str, tuple[str, int]] = {}
        self._account_types: dict[str, tuple[str, int]] = {}
        self._account_sru: dict[str, tuple[str, int]] = {}
        # Voucher block state.
        self._state = OUTSIDE
        self._ver: tuple | None = None  # fields of the open #VER
        self._rows: list[SieTransaction] = []
        self._pending_rtrans: SieTransaction | None = None

    # ------------------------------------------------------------------ core

    def tolerate(self, code: str, message: str, line: int | None = None) -> None:
        """Record a tolerated quirk; in strict mode raise it as an error instead."""
        at = self.line if line is None else line
        if self.strict and code not in STRICT_TOLERATED:
            self.error(SieError(at, code, message))
            return
        self.doc.warnings.append(SieMessage(at, code, message))

    def fail(self, code: str, message: str, line: int | None = None) -> SieError:
        return SieError(self.line if line is None else line, code, message)


    def error(self, exc: SieError) -> None:
        """Raise ``exc``, or note it when errors are collected (then reading
        goes on; after ``max_errors`` of them it stops with TooManyErrors)."""
        if not self.max_errors or exc.code in FATAL_CODES:
            raise exc
        errors = self.doc.errors
        errors.append(SieMessage(exc.line, exc.code, exc.message))
        if len(errors) >= self.max_errors:
            raise TooManyErrors


    @property
    def _ver_line(self) -> int:
        return self._ver[0] if self._ver else 0


    # -------------------------------------------------------------- helpers

    def _date(self, value: str, what: str) -> date:
        d = self._date_cache.get(value)
        if d is not None:
            return d
        m = _ISO_DATE.fullmatch(value)
        if m is not None:
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                d = None
            if d is not None:
                self.tolerate(
                    "iso_date",
                    f'{where(self.line)}{what} "{value}" är skrivet ÅÅÅÅ-MM-DD; '
                    "SIE skriver ÅÅÅÅMMDD. Det har lästs ändå.",
                )
                return d
        d = parse_date(value, self.line, what)
        self._date_cache[value] = d
        return d

    def _optional_date(self, value: str, what: str) -> date | None:
        return self._date(value, what) if value else None

    def _amount(self, value: str) -> int:
        ore, leading_point = read_amount_ore(value, self.line)
        if leading_point:
            self._leading_point()
        return ore

    def _leading_point(self) -> None:
        """An amount without its integer part (Hogia: ``-.96``); strict mode
        refuses it at once, the default mode warns once per file (_finish)."""
        if self.strict:
            self.tolerate(
                "leading_point_amount",
                f"{where(self.line)}beloppet saknar heltalsdel (till exempel .23 i stället "
                "för 0.23), vilket SIE inte tillåter.",
            )
        self._leading_points += 1
        if not self._leading_point_line:
            self._leading_point_line = self.line

    def _require(self, rec: SieLine, index: int, what: str) -> str:
        fields = rec.fields
        if len(fields) <= index:
            raise self.fail(
                "missing_field",
                f"{where(self.line)}{rec.label} saknar {what}.",
            )
        return self._str(rec, index)

    def _str(self, rec: SieLine, index: int) -> str:
        """Field ``index`` as text; "" when absent."""
        fields = rec.fields
        if len(fields) <= index:
            return ""
        value = fields[index]
        if isinstance(value, str):
            return value
        self.tolerate(
            "unexpected_object_list",
            f"{where(self.line)}{rec.label} har en objektlista där en text "
            "väntades; den har lästs som text.",
        )
        return " ".join(f"{d} {o}" for d, o in value)

    def _text_rest(self, rec: SieLine, index: int, what: str) -> str:
        """A single free-text field, joining unquoted words (``#FNAMN Bolaget AB``)."""
        text = self._str(rec, index)
        fields = rec.fields
        if self.strict:
            # Strictly, "#FNAMN Bolaget AB" is the name "Bolaget" and an
            # ignored extra field (FORMAT.md §4).
            return text
        if len(fields) > index + 1 and index not in rec.quoted:
            words = [text]
            for extra in fields[index + 1 :]:
                if not isinstance(extra, str):
                    break
                words.append(extra)
            text = " ".join(words)
            self.tolerate(
                "unquoted_text",
                f"{where(self.line)}{what} har mellanslag men saknar citattecken; "
                f'orden har lästs ihop till "{text}".',
            )
        return text

    def _year_index(self, value: str, label: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise self.fail(
                "bad_year_index",
                f'{where(self.line)}årsnumret "{value}" i {label} ska vara ett heltal '
                "som 0 (innevarande år) eller -1 (föregående år).",
            ) from None

    def _objects_at(self, rec: SieLine, index: int) -> tuple[tuple[str, str], ...] | None:
        """The object list at ``index``; None when the field is not a list."""
        fields = rec.fields
        if len(fields) > index and isinstance(fields[index], tuple):
            return fields[index]  # type: ignore[return-value]
        return None

    def _missing_object_list(self, rec: SieLine) -> None:
        self.tolerate(
            "missing_object_list",
            f"{where(self.line)}{rec.label} saknar objektlista; skriv {{}} "
            "före beloppet när raden saknar objekt.",
        )

    def _quantity(self, value: str) -> Decimal | None:
        if not value:
            return None
        if _QUANTITY.fullmatch(value) is None:
            self.tolerate(
                "bad_quantity",
                f'{where(self.line)}kvantiteten "{value}" är inte ett tal och har ignorerats.',
            )
            return None
        quantity = self._quantities.get(value)
        if quantity is None:
            quantity = self._quantities[value] = Decimal(value)
        return quantity
