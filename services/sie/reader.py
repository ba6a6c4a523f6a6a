"""Read SIE 4 (and types 1-3) bytes into a :class:`SieDocument`.

The reader follows ``shared/sie-samples/FORMAT.md``. It is lenient in the
sense of FORMAT.md §10: quirks that real exporters produce are accepted and
reported as warnings (``SieDocument.warnings``), while things that make the
content impossible to interpret raise :class:`SieError`:

* not a SIE file (the first non-blank line does not start with ``#``);
* an unparseable amount or date in ``#TRANS``/``#RTRANS``/``#BTRANS``,
  ``#VER``, ``#IB``, ``#UB``, ``#RES`` or ``#RAR``, or a row without amount;
* an unbalanced ``{``/``}`` structure, or a ``#TRANS`` outside a voucher;
* an object list with an odd number of tokens.

Every tolerated quirk goes through :meth:`_Reader.tolerate`. In strict mode
(``read_sie(data, strict=True)``) it raises :class:`SieError` instead, for
every code except the few in ``STRICT_TOLERATED`` (FORMAT.md §10: things the
standard itself allows). Strict mode also rejects files that lack a record
the declared type makes mandatory, and vouchers in types 1-3.

Records are handled in any order; ``#KTYP`` and ``#SRU`` are resolved against
``#KONTO`` at the end. Unknown labels and extra trailing fields are ignored.

The reader consumes numbered lines from a :class:`~.source.LineSource`:
``read_sie(bytes)`` makes one over bytes in memory, ``python -m services.sie
check`` one over the file, read in chunks (:func:`read_lines`); the record
handling is the same. The most common line shapes (``#TRANS 1930 {} 100.00
"" "text" 0``, ``#VER A 1 20240101 "text"``, ``{``, ``}``) take a fast path
(``_FAST_ROW``, ``_FAST_VER``) that gives exactly what the tokenizer and the
handlers give; every other line, and every line that could give a warning,
goes through the tokenizer. Over bytes with ``\n`` line ends, whole voucher
blocks made only of such lines (``#VER``, ``{``, ``#TRANS`` rows, ``}``) are
read a block at a time from the decoded text (``_BLOCK_VER``, ``_BLOCK_ROW``,
:meth:`_Reader._read_text`), with the same result.
"""

from __future__ import annotations

import gc
import re
import zlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from .encoding import CP437
from .errors import SieError, SieMessage, where
from .ksumma import KSUMMA_ABSENT, KSUMMA_MISMATCH, KSUMMA_VERIFIED, record_bytes
from .model import (
    BTRANS,
    IB,
    OIB,
    OUB,
    PBUDGET,
    PSALDO,
    RES,
    RTRANS,
    TRANS,
    UB,
    SieAccount,
    SieAddress,
    SieBalance,
    SieDocument,
    SieObjectBalance,
    SiePeriodBalance,
    SieTransaction,
    SieVoucher,
    SieYear,
    new_transaction,
    new_voucher,
)
from .source import LineSource
from .tokenizer import SieLine, tokenize_line

__all__ = ["STRICT_TOLERATED", "parse_amount_ore", "parse_date", "read_sie"]

# Warning codes that stay warnings in strict mode. ``orgnr_format``: an
# organisation number without its hyphen is unambiguous and common (40 of
# ~140 real files, FORMAT.md §5), so strict mode only warns about it.
STRICT_TOLERATED = frozenset({"duplicate_account", "orgnr_format"})

_PERIOD = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")

_AMOUNT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]{1,2}))?")
_QUANTITY = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NO_OBJECTS: tuple[tuple[str, str], ...] = ()

_ROW_KINDS = {"#TRANS": TRANS, "#RTRANS": RTRANS, "#BTRANS": BTRANS}
_ROW_KINDS_BARE = {"TRANS": TRANS, "RTRANS": RTRANS, "BTRANS": BTRANS}
_ROW_LABELS = {TRANS: "#TRANS", RTRANS: "#RTRANS", BTRANS: "#BTRANS"}
# Lines that are only a brace, as split from the text (CR LF or LF line ends).
_BRACES = {"{": "{", "{\r": "{", "}": "}", "}\r": "}"}

# Fast paths of the reader for the most common well-formed line shapes: single
# spaces between fields, quoted strings without backslash, tab or inner quote,
# object lists of numeric dimensions and quoted objects, numeric accounts. A
# line that matches is read directly from the groups (and gives exactly what
# the tokenizer and the record handlers would: no warning is possible for
# it); every other line goes through the tokenizer.
_Q = r'"([^"\\\t]*)"'
_FAST_ROW = re.compile(
    r"#(TRANS|RTRANS|BTRANS) ([0-9]+) "
    r'\{((?:[0-9]+ "[^"\\{}\t]*")(?: [0-9]+ "[^"\\{}\t]*")*)?\} '
    r"(-?[0-9]+(?:\.[0-9]{1,2})?)"
    rf'(?: (?:""|([0-9]{{8}}))(?: {_Q}(?: (?:""|(-?[0-9]+(?:\.[0-9]+)?))(?: {_Q})?)?)?)?'
    r"[ \t\r\x1a]*"  # what the reader strips from the end of a line
)
_FAST_VER = re.compile(
    r'#VER (?:([0-9A-Za-z]+)|"([0-9A-Za-z]*)") ([0-9]+) ([0-9]{8}) '
    rf'{_Q}(?: (?:""|([0-9]{{8}}))(?: {_Q})?)?'
    r"[ \t\r\x1a]*"
)

# Whole voucher blocks in the decoded text (``\n`` line ends): a #VER line
# matching _FAST_VER, a "{" line, #TRANS lines matching _FAST_ROW and a "}"
# line (_BLOCK_VER), each row read with _BLOCK_ROW (which gives its groups but
# the label). The same patterns as above, except that no part of a line may
# be a line end, so that a line matches exactly when it would take the fast
# path. An optional part is written ``(?:X|)`` rather than ``(?:X)?``: the
# same match, but re compiles ``?`` on a group into a repeat that saves every
# group position so far, which made the row pattern a quarter slower.
_QN = r'"([^"\\\t\n]*)"'
# The amount is one of two groups: with exactly two decimals, or any other.
_BLOCK_ROW = re.compile(
    r"^#TRANS ([0-9]+) "
    r'\{((?:[0-9]+ "[^"\\{}\t\n]*")(?: [0-9]+ "[^"\\{}\t\n]*")*|)\} '
    r"(?:(-?[0-9]+\.[0-9]{2})|(-?[0-9]+(?:\.[0-9]|)))"
    rf'(?: (?:""|([0-9]{{8}}))(?: {_QN}(?: (?:""|(-?[0-9]+(?:\.[0-9]+|)))(?: {_QN}|)|)|)|)'
    r"[ \t\r\x1a]*\n",
    re.MULTILINE,
)
assert _BLOCK_ROW.groups == 8
# A whole block: the #VER line, "{", the lines up to the first line that
# starts with "}" (group 8; each must then match _BLOCK_ROW), and that "}"
# line, which must be just "}". The rows are taken possessively (``*+``): a
# "}" can never match where a row line starts, and nothing is saved to try.
_BLOCK_VER = re.compile(
    r'#VER (?:([0-9A-Za-z]+)|"([0-9A-Za-z]*)") ([0-9]+) ([0-9]{8}) '
    rf'{_QN}(?: (?:""|([0-9]{{8}}))(?: {_QN}|)|)'
    r"[ \t\r\x1a]*\n\{\r?\n"
    r"((?:#TRANS [^\n]*\n)*+)\}\r?\n"
)
assert _BLOCK_VER.groups == 8


def _object_pairs(content: str) -> tuple[tuple[str, str], ...]:
    """``1 "100" 6 "P1"`` (a list matched by ``_FAST_ROW``) as pairs."""
    parts = content.split('"')
    return tuple(zip([d.strip(" ") for d in parts[0:-1:2]], parts[1::2]))


class _Row:
    """An empty row that _read_text fills and turns into a SieTransaction, as
    ``new_transaction`` does: written out in the loop, because per row a call
    costs as much as filling the ten slots."""

    __slots__ = SieTransaction.__slots__


class _Voucher:
    """The same for a SieVoucher (``new_voucher``)."""

    __slots__ = SieVoucher.__slots__


def _amount_ore(amount_s: str) -> int:
    """An amount matched by ``_FAST_ROW`` in öre."""
    dot = amount_s.find(".")
    if dot < 0:
        return int(amount_s) * 100
    if len(amount_s) - dot == 3:  # two decimals
        return int(amount_s.replace(".", ""))
    return int(amount_s.replace(".", "")) * 10

_BALANCE_KINDS = {"#IB": IB, "#UB": UB, "#RES": RES}
_OBJECT_BALANCE_KINDS = {"#OIB": OIB, "#OUB": OUB}
_PERIOD_KINDS = {"#PSALDO": PSALDO, "#PBUDGET": PBUDGET}

# Voucher block states.
_OUTSIDE = 0
_AWAITING_BRACE = 1
_INSIDE = 2


def read_sie(
    data: bytes,
    *,
    strict: bool = False,
    on_voucher: Callable[[SieVoucher, SieDocument], None] | None = None,
    keep_vouchers: bool = True,
) -> SieDocument:
    """Read a SIE file (types 1-4, 4E and 4I) from its raw bytes.

    Raises :class:`SieError` when the file cannot be interpreted; tolerated
    irregularities are listed in the result's ``warnings``. With ``strict``
    every irregularity FORMAT.md §10 says to reject raises instead.

    ``on_voucher(voucher, document)`` is called as soon as a voucher's block
    closes (the document holds what was read so far);
    with ``keep_vouchers=False`` the vouchers are not kept in the document
    (``voucher_count`` still counts them), so memory does not grow with them.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError("read_sie expects bytes")
    if not isinstance(data, bytes):
        data = bytes(data)
    return read_lines(LineSource.from_bytes(data), strict=strict, on_voucher=on_voucher, keep_vouchers=keep_vouchers)


def read_lines(
    source: LineSource,
    *,
    strict: bool = False,
    on_voucher: Callable[[SieVoucher, SieDocument], None] | None = None,
    keep_vouchers: bool = True,
) -> SieDocument:
    """Read a SIE file from a :class:`LineSource` (bytes in memory or a file
    read chunk by chunk); the arguments are those of :func:`read_sie`."""
    reader = _Reader(source.encoding, strict=strict)
    reader.on_voucher = on_voucher
    reader.keep_vouchers = keep_vouchers
    # Reading makes millions of small objects and no reference cycles; the
    # cyclic garbage collector would rescan them all again and again (about a
    # third of the reading time on a large file), so it pauses meanwhile.
    collecting = gc.isenabled()
    if collecting:
        gc.disable()
    try:
        return reader.read(source)
    finally:
        if collecting:
            gc.enable()


def parse_amount_ore(value: str, line: int = 0) -> int:
    """Parse a SIE amount (``-?\\d+(\\.\\d{1,2})?``) to integer öre."""
    m = _AMOUNT.fullmatch(value)
    if m is None:
        raise SieError(
            line,
            "bad_amount",
            f'{where(line)}beloppet "{value}" är inte ett giltigt SIE-belopp '
            "(punkt som decimaltecken, högst två decimaler).",
        )
    sign, whole, frac = m.groups()
    ore = int(whole) * 100
    if frac:
        ore += int(frac) * (10 if len(frac) == 1 else 1)
    return -ore if sign else ore


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


class _Reader:
    """One pass over the decoded text; builds a :class:`SieDocument`."""

    def __init__(self, encoding: str, strict: bool = False) -> None:
        self.doc = SieDocument(encoding=encoding)
        self.strict = strict
        self.on_voucher: Callable[[SieVoucher, SieDocument], None] | None = None
        self.keep_vouchers = True
        self.line = 0
        # #KSUMMA: None before the opening record, then the running CRC.
        self._crc: int | None = None
        self._ksumma_closed = False
        self._ksumma_line = 0
        self._first_ver_line = 0
        self._first = True
        self._number = 0  # lines read so far
        self._block_hits = 0  # voucher blocks read whole by _read_text
        self._block_fails = 0  # #VER lines where that was tried in vain
        # For _read_text: field as written -> value, "" (absent) -> None.
        self._bulk_dates: dict[str, date | None] = {"": None}
        self._bulk_quantities: dict[str, Decimal | None] = {"": None}
        self._account_units: dict[str, str] = {}
        self._account_sru_all: dict[str, list[str]] = {}
        self._seen: set[str] = set()
        self._date_cache: dict[str, date] = {}
        self._quantities: dict[str, Decimal] = {}
        # "" (an empty list, as _read_text sees it) is never looked up otherwise.
        self._objects_cache: dict[str, tuple[tuple[str, str], ...]] = {"": _NO_OBJECTS}
        self._names: dict[str, str] = {}  # one string object per account number
        self._total = 0  # sum of the open voucher's current rows
        # #KONTO / #KTYP / #SRU are collected, then resolved in _finish().
        self._account_names: dict[str, tuple[str, int]] = {}
        self._account_types: dict[str, tuple[str, int]] = {}
        self._account_sru: dict[str, tuple[str, int]] = {}
        # Voucher block state.
        self._state = _OUTSIDE
        self._ver: tuple | None = None  # fields of the open #VER
        self._rows: list[SieTransaction] = []
        self._pending_rtrans: SieTransaction | None = None
        self._handlers: dict[str, Callable[[SieLine], None]] = {
            "#FLAGGA": self._flagga,
            "#FORMAT": self._format,
            "#SIETYP": self._sietyp,
            "#PROGRAM": self._program,
            "#GEN": self._gen,
            "#FNAMN": self._fnamn,
            "#ORGNR": self._orgnr,
            "#FNR": self._fnr,
            "#KPTYP": self._kptyp,
            "#VALUTA": self._valuta,
            "#RAR": self._rar,
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#ENHET": self._enhet,
            "#ADRESS": self._adress,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KSUMMA": self._ksumma,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
            "#VER": self._ver_record,
            "#TRANS": self._row,
            "#RTRANS": self._row,
            "#BTRANS": self._row,
        }

    # ------------------------------------------------------------------ core

    def tolerate(self, code: str, message: str, line: int | None = None) -> None:
        """Record a tolerated quirk; in strict mode raise it as an error instead."""
        at = self.line if line is None else line
        if self.strict and code not in STRICT_TOLERATED:
            raise SieError(at, code, message)
        self.doc.warnings.append(SieMessage(at, code, message))

    def fail(self, code: str, message: str, line: int | None = None) -> SieError:
        return SieError(self.line if line is None else line, code, message)

    def read(self, source: LineSource) -> SieDocument:
        """Read every line of ``source`` (see ``source.py``)."""
        if source.control is not None:
            self._control_character(*source.control)
        self._first = True
        self._number = 0
        read_lines = self._read_lines
        if source.prescan.mac:
            for block in source:
                read_lines(block)
        else:
            read_text = self._read_text
            for text, complete in source.texts():
                if complete:
                    read_text(text)
                else:
                    read_lines([text])
        first = self._first
        if first:
            raise self.fail("empty_file", "Filen: filen är tom; den innehåller ingen SIE-post.", 0)
        if self._state == _INSIDE:
            raise self._unclosed(self.line)
        if self._state == _AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f"{where(self._ver_line)}verifikationen saknar sitt block "
                '"{ ... }" med rader; filen tar slut direkt efter #VER.',
                self._ver_line,
            )
        self._finish()
        line = source.replacement_line
        if line is not None:
            self.tolerate(
                "replacement_characters",
                f"{where(line)}filen innehåller ersättningstecken (�) där bokstäver "
                "som å, ä och ö har gått förlorade redan innan filen sparades. "
                "Texterna kan inte återställas; exportera filen på nytt om de behövs.",
                line,
            )
        return self.doc

    def _read_lines(self, block: list[str]) -> None:
        """Read consecutive lines (without their line ends), numbered from
        ``self._number + 1``.

        This is the hot loop of every import: the cache look-ups (dates, quantities, object lists) and the common
        row case are written out inline rather than called, on purpose — a call per row costs more than the work.
        Anything unusual falls back to ``self._line`` and the full tokenizer."""
        first = self._first
        handlers = self._handlers
        slow = self._line
        fast_row = _FAST_ROW.fullmatch
        fast_ver = _FAST_VER.fullmatch
        add_row = self._add_row
        date_cache = self._date_cache
        quantities = self._quantities
        objects_cache = self._objects_cache
        names = self._names
        seen = self._seen
        number = self._number
        feed = self._crc is not None and not self._ksumma_closed  # #KSUMMA is being computed
        braces = _BRACES
        trans_seen = "#TRANS" in seen
        for raw in block:
            number += 1
            # Fast paths for the common well-formed shapes, on the line as
            # it is (the patterns allow what strip() would remove at the
            # end); anything else (and every shape that could give a
            # warning, and the first record) goes to _line.
            if raw[:1] == "#" and not first:
                self.line = number
                state = self._state
                if state == _INSIDE:
                    m = fast_row(raw)
                    if m is not None:
                        label, account, objs, amount_s, ds, text, qs, rsign = m.groups()
                        if objs:
                            objects = objects_cache.get(objs)
                            if objects is None:
                                objects = objects_cache[objs] = _object_pairs(objs)
                        else:
                            objects = _NO_OBJECTS
                        dot = amount_s.find(".")
                        if dot < 0:
                            amount = int(amount_s) * 100
                        elif len(amount_s) - dot == 3:  # two decimals
                            amount = int(amount_s.replace(".", ""))
                        else:
                            amount = int(amount_s.replace(".", "")) * 10
                        if ds is None:
                            trans_date = None
                        else:
                            trans_date = date_cache.get(ds)
                            if trans_date is None:
                                trans_date = self._date(ds, "transaktionsdatumet")
                        if qs is None:
                            quantity = None
                        else:
                            quantity = quantities.get(qs)
                            if quantity is None:
                                quantity = quantities[qs] = Decimal(qs)
                        account = names.setdefault(account, account)
                        if text is None:
                            text = ""
                        if feed:
                            self._ksumma_text(
                                "".join(
                                    (
                                        "#",
                                        label,
                                        account,
                                        *(d + o for d, o in objects),
                                        amount_s,
                                        ds or "",
                                        text,
                                        qs or "",
                                        rsign or "",
                                    )
                                )
                            )
                        kind = _ROW_KINDS_BARE[label]
                        if kind == TRANS and self._pending_rtrans is None:
                            # add_row's common case, inline
                            self._rows.append(
                                new_transaction(
                                    account, amount, objects, trans_date, text, quantity, TRANS, number,
                                    rsign or None, False,
                                )
                            )
                            self._total += amount
                            if not trans_seen:
                                trans_seen = True
                                seen.add("#TRANS")
                        else:
                            seen.add(_ROW_LABELS[kind])
                            add_row(kind, account, amount, objects, trans_date, text, quantity, rsign or None)
                        continue
                elif state == _OUTSIDE:
                    m = fast_ver(raw)
                    if m is not None:
                        series, qseries, vnumber, ds, text, rs, vsign = m.groups()
                        series = series or qseries or ""
                        d = date_cache.get(ds)
                        if d is None:
                            d = self._date(ds, "verifikationsdatumet")
                        if rs is None:
                            reg_date = None
                        else:
                            reg_date = date_cache.get(rs)
                            if reg_date is None:
                                reg_date = self._date(rs, "registreringsdatumet")
                        if feed:
                            self._ksumma_text(
                                "".join(("#VER", series, vnumber, ds, text, rs or "", vsign or ""))
                            )
                        seen.add("#VER")
                        self._open_voucher(series, vnumber, d, text, reg_date, vsign or None)
                        continue
            else:
                brace = braces.get(raw)
                if brace is not None:
                    state = self._state
                    if brace == "}" and state == _INSIDE:
                        self.line = number
                        self._close_voucher()
                        continue
                    if brace == "{" and state == _AWAITING_BRACE and not first:
                        self.line = number
                        self._state = _INSIDE
                        continue
            s = raw.strip(" \t\r\x1a")
            if not s:
                continue
            self.line = number
            if first:
                first = False
                if s[0] != "#":
                    raise self.fail(
                        "not_sie",
                        f"{where(number)}filen är ingen SIE-fil: den första raden ska "
                        f"börja med en etikett som #FLAGGA men börjar med "
                        f'"{_preview(s)}". Exportera en SIE-fil (typ 4) från '
                        "bokföringsprogrammet och försök igen.",
                    )
            slow(s, number, handlers)
            feed = self._crc is not None and not self._ksumma_closed
        self._number = number
        self._first = first

    def _read_text(self, text: str) -> None:
        """Read a piece of decoded text that ends with a line end (``\\n``).

        Runs of whole voucher blocks of the common shape (``_BLOCK_VER``: a
        #VER line, its "{" line, rows that all match ``_BLOCK_ROW``, a "}"
        line) are read a block at a time, when no other state could make a
        difference (not the first record, #KSUMMA not being computed, no open
        voucher); everything else goes line by line through
        :meth:`_read_lines`, which gives the same result for those blocks."""
        block = _BLOCK_VER.match
        rows_of = _BLOCK_ROW.findall
        read_lines = self._read_lines
        date_cache = self._date_cache
        objects_cache = self._objects_cache
        doc = self.doc
        vouchers = doc.vouchers
        keep = self.keep_vouchers
        on_voucher = self.on_voucher
        bulk_dates = self._bulk_dates
        bulk_quantities = self._bulk_quantities
        names = self._names
        amount_of = _amount_ore
        n = len(text)
        pos = 0
        while pos < n:
            if (
                self._block_fails <= self._block_hits + 64
                and text.startswith("#VER ", pos)
                and self._state == _OUTSIDE
                and not self._first
                and (self._crc is None or self._ksumma_closed)
            ):
                number = self._number
                first_ver_line = number + 1
                any_rows = False
                hits = 0
                # Block after block; nothing here changes the state checked above.
                while True:
                    m = block(text, pos)
                    if m is None:
                        break
                    series, qseries, vnumber, ds, vtext, rs, vsign, row_lines = m.groups()
                    if row_lines:
                        rows_found = rows_of(row_lines)
                        # Every row is one whole line: then every line matched.
                        if len(rows_found) != row_lines.count("\n"):
                            break
                    hits += 1
                    ver_line = number + 1
                    d = date_cache.get(ds)
                    if d is None:
                        self.line = ver_line
                        d = self._date(ds, "verifikationsdatumet")
                    if rs is None:
                        reg_date = None
                    else:
                        reg_date = date_cache.get(rs)
                        if reg_date is None:
                            self.line = ver_line
                            reg_date = self._date(rs, "registreringsdatumet")
                    if row_lines:
                        first_row = number + 3
                        for attempt in (1, 2):  # a cache miss: fill the caches in row order, then build again
                            try:
                                rows = []
                                append = rows.append
                                total = 0
                                ln = first_row
                                for a, o, a2, ao, td, tx, q, sg in rows_found:
                                    amount = int(a2.replace(".", "")) if a2 else amount_of(ao)
                                    total += amount
                                    row = _Row()
                                    row.account = names[a]
                                    row.amount_ore = amount
                                    row.objects = objects_cache[o]
                                    row.date = bulk_dates[td]
                                    # Rows often repeat the voucher's text: keep one string.
                                    row.text = vtext if tx == vtext else tx
                                    row.quantity = bulk_quantities[q]
                                    row.kind = TRANS
                                    row.line = ln
                                    row.sign = sg or None
                                    row.shadow = False
                                    row.__class__ = SieTransaction
                                    append(row)
                                    ln += 1
                                break
                            except KeyError:
                                if attempt == 2:
                                    raise
                                self._bulk_fill(rows_found, first_row)
                        rows = tuple(rows)
                        number = first_row + len(rows)  # the "}" line
                        any_rows = True
                    else:
                        rows = ()
                        total = 0
                        number += 3
                    voucher = _Voucher()
                    voucher.series = series or qseries or ""
                    voucher.number = vnumber
                    voucher.date = d
                    voucher.text = vtext
                    voucher.reg_date = reg_date
                    voucher.transactions = rows
                    voucher.line = ver_line
                    voucher.sign = vsign or None
                    voucher.__class__ = SieVoucher
                    if total:
                        self.tolerate(
                            "unbalanced_voucher",
                            f"{where(ver_line)}verifikation {voucher.label or '(utan nummer)'} "
                            f"balanserar inte: raderna summerar till {_kronor(total)} kr i "
                            "stället för 0.",
                            ver_line,
                        )
                    doc.voucher_count += 1
                    if keep:
                        vouchers.append(voucher)
                    if on_voucher is not None:
                        on_voucher(voucher, doc)
                    pos = m.end()
                if hits:
                    # What reading the blocks line by line would have left.
                    if not self._first_ver_line:
                        self._first_ver_line = first_ver_line
                    self._seen.add("#VER")
                    if any_rows:
                        self._seen.add("#TRANS")
                    self._number = number
                    self.line = number
                    self._block_hits += hits
                    continue
                self._block_fails += 1
                if pos >= n:
                    break
            # Line by line up to the next #VER line (at least one line).
            nxt = text.find("\n#VER ", pos)
            end = n if nxt < 0 else nxt + 1
            lines = text[pos:end].split("\n")
            lines.pop()  # the "" after the last line end
            read_lines(lines)
            pos = end

    def _bulk_fill(self, rows: list[tuple[str, ...]], first_row: int) -> None:
        """Put the accounts, object lists, dates and quantities of ``rows``
        (groups of ``_BLOCK_ROW``) in the caches _read_text looks them up in,
        in row order, so that a bad date fails on its own line."""
        names = self._names
        objects_cache = self._objects_cache
        bulk_dates = self._bulk_dates
        bulk_quantities = self._bulk_quantities
        for ln, (account, objs, _, _, tds, _, qs, _) in enumerate(rows, first_row):
            names.setdefault(account, account)
            if objs not in objects_cache:
                objects_cache[objs] = _object_pairs(objs)
            if tds not in bulk_dates:
                self.line = ln
                bulk_dates[tds] = self._date(tds, "transaktionsdatumet")
            if qs not in bulk_quantities:
                quantity = self._quantities.get(qs)
                if quantity is None:
                    quantity = self._quantities[qs] = Decimal(qs)
                bulk_quantities[qs] = quantity

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
                f'{where(number)}raden "{_preview(s)}" är ingen SIE-post och har hoppats över.',
            )
            return
        if self._state == _AWAITING_BRACE and not s.startswith("#VER"):
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
        if self._state == _INSIDE and rec.label not in _ROW_KINDS:
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
            if self._state == _AWAITING_BRACE:
                self._state = _INSIDE
                return
            if self._state == _INSIDE:
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
        if self._state == _INSIDE:
            self._close_voucher()
            return
        if self._state == _AWAITING_BRACE:
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
        if label in _ROW_KINDS:
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
            self._state = _INSIDE
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
        return parse_amount_ore(value, self.line)

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

    # -------------------------------------------------------------- header

    def _flagga(self, rec: SieLine) -> None:
        if self._seen != {"#FLAGGA"}:  # something came before #FLAGGA
            self.tolerate(
                "flagga_not_first",
                f"{where(self.line)}#FLAGGA ska vara filens första post.",
            )

    def _format(self, rec: SieLine) -> None:
        self.doc.format = self._str(rec, 0)

    def _sietyp(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if value in ("1", "2", "3", "4"):
            self.doc.sietype = int(value)
            return
        self.doc.sietype = int(value[0]) if value[:1] in ("1", "2", "3", "4") else 1
        self.tolerate(
            "bad_sietype",
            f'{where(self.line)}#SIETYP "{value}" är inte 1, 2, 3 eller 4; '
            f"filen har lästs som typ {self.doc.sietype}.",
        )

    def _program(self, rec: SieLine) -> None:
        self.doc.program = self._str(rec, 0)
        self.doc.program_version = self._str(rec, 1)
        if len(rec.fields) < 2:
            self.tolerate(
                "program_without_version",
                f"{where(self.line)}#PROGRAM saknar versionsnummer.",
            )

    def _gen(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.generated = self._date(value, "datumet i #GEN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Exportdatumet har ignorerats.")

    def _fnamn(self, rec: SieLine) -> None:
        self.doc.company_name = self._text_rest(rec, 0, "företagsnamnet i #FNAMN")

    def _orgnr(self, rec: SieLine) -> None:
        value = self._str(rec, 0).strip()
        self.doc.orgnr = value or None
        if value and not (len(value) == 11 and value[6] == "-"):
            self.tolerate(
                "orgnr_format",
                f'{where(self.line)}organisationsnumret "{value}" är inte skrivet '
                "NNNNNN-NNNN.",
            )

    def _fnr(self, rec: SieLine) -> None:
        self.doc.fnr = self._str(rec, 0) or None

    def _kptyp(self, rec: SieLine) -> None:
        self.doc.kptyp = self._str(rec, 0) or None

    def _valuta(self, rec: SieLine) -> None:
        self.doc.currency = self._str(rec, 0) or None

    def _rar(self, rec: SieLine) -> None:
        index = self._year_index(self._require(rec, 0, "årsnummer"), rec.label)
        start_s, end_s = self._str(rec, 1), self._str(rec, 2)
        if not start_s or not end_s:
            self.tolerate(
                "rar_without_dates",
                f"{where(self.line)}#RAR {index} saknar start- och slutdatum och "
                "har hoppats över.",
            )
            return
        start = self._date(start_s, "startdatumet i #RAR")
        end = self._date(end_s, "slutdatumet i #RAR")
        if self.doc.year(index) is not None:
            self.tolerate(
                "duplicate_year",
                f"{where(self.line)}#RAR {index} förekommer flera gånger; den sista gäller.",
            )
            self.doc.years = [y for y in self.doc.years if y.index != index]
        self.doc.years.append(SieYear(index, start, end))

    def _year_index(self, value: str, label: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise self.fail(
                "bad_year_index",
                f'{where(self.line)}årsnumret "{value}" i {label} ska vara ett heltal '
                "som 0 (innevarande år) eller -1 (föregående år).",
            ) from None

    # ------------------------------------------------------- chart, objects

    def _konto(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        name = self._text_rest(rec, 1, f"kontonamnet för {number}")
        if number in self._account_names:
            self.tolerate(
                "duplicate_account",
                f"{where(self.line)}konto {number} deklareras flera gånger; "
                "den sista #KONTO-posten gäller.",
            )
        elif not number.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{number}" är inte numeriskt.',
            )
        self._account_names[number] = (name, self.line)

    def _ktyp(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_types[number] = (self._str(rec, 1) or "", self.line)

    def _sru(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        code = self._str(rec, 1)
        if number not in self._account_sru:
            self._account_sru[number] = (code, self.line)
        if code:
            self._account_sru_all.setdefault(number, []).append(code)

    def _dim(self, rec: SieLine) -> None:
        self.doc.dimensions[self._require(rec, 0, "dimensionsnummer")] = self._str(rec, 1)

    def _objekt(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        obj = self._require(rec, 1, "objektkod")
        self.doc.objects[(dim, obj)] = self._str(rec, 2)

    def _underdim(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        self.doc.dimensions[dim] = self._str(rec, 1)
        superdim = self._str(rec, 2)
        if superdim:
            self.doc.subdimensions[dim] = superdim
        else:
            self.tolerate(
                "missing_field",
                f"{where(self.line)}#UNDERDIM {dim} saknar överordnad dimension.",
            )

    def _enhet(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_units[number] = self._str(rec, 1)

    # ----------------------------------------------------- identification

    def _adress(self, rec: SieLine) -> None:
        self.doc.address = SieAddress(*(self._str(rec, i) for i in range(4)))

    def _taxar(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if len(value) == 4 and value.isdigit() and value.isascii():
            self.doc.taxar = int(value)
            return
        self.tolerate(
            "bad_taxar",
            f'{where(self.line)}taxeringsåret "{value}" i #TAXAR ska skrivas ÅÅÅÅ; '
            "det har ignorerats.",
        )

    def _omfattn(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.omfattn = self._date(value, "datumet i #OMFATTN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Datumet har ignorerats.")

    # ------------------------------------------------------------- #KSUMMA

    def _ksumma(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if not value:
            if self._crc is None:
                self._crc = 0
                self._ksumma_line = self.line
            else:
                self.tolerate(
                    "duplicate_ksumma",
                    f"{where(self.line)}#KSUMMA utan värde förekommer mer än en gång.",
                )
            return
        if self._crc is None or self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_opened",
                f"{where(self.line)}#KSUMMA med värde saknar den inledande tomma "
                "#KSUMMA efter #FLAGGA; kontrollsumman kan inte kontrolleras.",
            )
            return
        self._ksumma_closed = True
        expected = value.isdigit() and value.isascii() and int(value)
        if expected is not False and expected == self._crc & 0xFFFFFFFF:
            self.doc.ksumma = KSUMMA_VERIFIED
            return
        self.doc.ksumma = KSUMMA_MISMATCH
        self.tolerate(
            "ksumma_mismatch",
            f'{where(self.line)}kontrollsumman i #KSUMMA ("{value}") stämmer inte med '
            f"filens innehåll ({self._crc & 0xFFFFFFFF}); filen har ändrats eller "
            "skadats efter exporten.",
        )

    def _ksumma_text(self, text: str) -> None:
        """Feed the checksum content of one record (label and field contents)."""
        assert self._crc is not None
        try:
            data = text.encode("cp437")
        except UnicodeEncodeError:
            data = text.encode(self.doc.encoding)
        self._crc = zlib.crc32(data, self._crc)

    def _ksumma_feed(self, rec: SieLine) -> None:
        assert self._crc is not None
        try:
            data = record_bytes(rec.label, rec.fields)
        except UnicodeEncodeError:
            data = record_bytes(rec.label, rec.fields, self.doc.encoding)
        self._crc = zlib.crc32(data, self._crc)

    def _finish_ksumma(self) -> None:
        if self._crc is not None and not self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_closed",
                f"{where(self._ksumma_line)}filen inleds med #KSUMMA men saknar "
                "kontrollsumman på sista raden; filen är troligen avkortad. "
                "Exportera den på nytt.",
                self._ksumma_line,
            )
        elif self._crc is None and self.doc.ksumma != KSUMMA_MISMATCH:
            self.doc.ksumma = KSUMMA_ABSENT

    def _finish_mandatory(self) -> None:
        doc = self.doc
        seen = self._seen
        if doc.voucher_count and "#SIETYP" in seen and doc.sietype < 4:
            self.tolerate(
                "vouchers_in_type",
                f"{where(self._first_ver_line)}SIE typ {doc.sietype} får inte innehålla "
                "verifikationer (#VER); bara typ 4 får det.",
                self._first_ver_line,
            )
        if not self.strict:
            return  # lenient reading assumes the defaults (FORMAT.md §10)
        required = ["#PROGRAM", "#GEN", "#FNAMN"]
        if doc.kind != "4I":
            required += ["#RAR", "#KONTO"]
        for label in required:
            if label not in seen:
                self.tolerate(
                    "missing_record",
                    f"Filen: posten {label} saknas, men den är obligatorisk i "
                    f"SIE typ {doc.kind or doc.sietype}.",
                    0,
                )

    # ------------------------------------------------------------- balances

    def _balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        amount = self._amount(self._require(rec, 2, "belopp"))
        self.doc.balances.append(SieBalance(_BALANCE_KINDS[label], year, account, amount, self.line))

    def _objects_at(self, rec: SieLine, index: int) -> tuple[tuple[str, str], ...] | None:
        """The object list at ``index``; None when the field is not a list."""
        fields = rec.fields
        if len(fields) > index and isinstance(fields[index], tuple):
            return fields[index]  # type: ignore[return-value]
        return None

    def _object_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        objects = self._objects_at(rec, 2)
        if objects is None:
            raise self.fail(
                "missing_object_list",
                f"{where(self.line)}{label} saknar objektlista, till exempel {{1 \"100\"}}.",
            )
        amount = self._amount(self._require(rec, 3, "belopp"))
        quantity = self._quantity(self._str(rec, 4))
        self.doc.object_balances.append(
            SieObjectBalance(_OBJECT_BALANCE_KINDS[label], year, account, objects, amount, quantity)
        )

    def _period_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        period = self._require(rec, 1, "period")
        if _PERIOD.fullmatch(period) is None:
            # BL Administration 2018 writes "#PBUDGET 0 1119 201701 -1666.00".
            self.tolerate(
                "bad_period",
                f'{where(self.line)}perioden "{period}" i {label} ska skrivas ÅÅÅÅMM, '
                "till exempel 202401; posten har hoppats över.",
            )
            return
        account = self._require(rec, 2, "kontonummer")
        objects = self._objects_at(rec, 3)
        i = 4
        if objects is None:
            objects = _NO_OBJECTS
            i = 3
            self._missing_object_list(rec)
        amount = self._amount(self._require(rec, i, "belopp"))
        quantity = self._quantity(self._str(rec, i + 1))
        self.doc.period_balances.append(
            SiePeriodBalance(_PERIOD_KINDS[label], year, period, account, objects, amount, quantity)
        )

    # ------------------------------------------------------------- vouchers

    def _ver_record(self, rec: SieLine) -> None:
        if self._state == _AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f'{where(self.line)}verifikationen på rad {self._ver_line} saknar sitt '
                'block "{ ... }" med rader innan nästa #VER börjar.',
            )
        series = self._str(rec, 0)
        number = self._str(rec, 1)
        d = self._date(self._require(rec, 2, "verifikationsdatum"), "verifikationsdatumet")
        text = self._str(rec, 3)
        reg_date = self._optional_date(self._str(rec, 4), "registreringsdatumet")
        sign = self._str(rec, 5) or None
        self._open_voucher(series, number, d, text, reg_date, sign)

    def _open_voucher(
        self, series: str, number: str, d: date, text: str, reg_date: date | None, sign: str | None
    ) -> None:
        self._ver = (self.line, series, number, d, text, reg_date, sign)
        self._total = 0
        if not self._first_ver_line:
            self._first_ver_line = self.line
        self._rows = []
        self._pending_rtrans = None
        self._state = _AWAITING_BRACE

    def _row(self, rec: SieLine) -> None:
        if self._state != _INSIDE:
            raise self.fail(
                "trans_outside_voucher",
                f"{where(self.line)}{rec.label} står utanför en verifikation; "
                'transaktionsrader måste stå inom "{" och "}" direkt efter en #VER.',
            )
        kind = _ROW_KINDS[rec.label]
        fields = rec.fields
        account = self._require(rec, 0, "kontonummer")
        if not account.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{account}" i {rec.label} är inte numeriskt.',
            )
        i = 1
        objects = _NO_OBJECTS
        if len(fields) > 1:
            value = fields[1]
            if isinstance(value, tuple):
                objects = value
                i = 2
            elif value == "" and 1 in rec.quoted:
                i = 2  # "" written where the object list belongs
                self._missing_object_list(rec)
            else:
                self._missing_object_list(rec)
        if len(fields) <= i:
            raise self.fail(
                "missing_amount",
                f"{where(self.line)}{rec.label} för konto {account} saknar belopp; "
                'raden ska se ut som #TRANS 1930 {} -100.00. Exportera filen på nytt.',
            )
        amount = self._amount(self._str(rec, i))
        trans_date = self._optional_date(self._str(rec, i + 1), "transaktionsdatumet")
        text = self._str(rec, i + 2)
        quantity = self._quantity(self._str(rec, i + 3))
        sign = self._str(rec, i + 4) or None
        self._add_row(kind, account, amount, objects, trans_date, text, quantity, sign)

    def _add_row(
        self,
        kind: str,
        account: str,
        amount: int,
        objects: tuple[tuple[str, str], ...],
        trans_date: date | None,
        text: str,
        quantity: Decimal | None,
        sign: str | None,
    ) -> None:
        shadow = False
        pending = self._pending_rtrans
        if pending is not None:
            self._pending_rtrans = None
            if kind == TRANS and (
                pending.account == account
                and pending.amount_ore == amount
                and pending.objects == objects
            ):
                shadow = True
            else:
                self._rtrans_unpaired(pending)
        row = new_transaction(account, amount, objects, trans_date, text, quantity, kind, self.line, sign, shadow)
        self._rows.append(row)
        if kind == RTRANS:
            self._pending_rtrans = row
            self._total += amount
        elif kind == TRANS and not shadow:
            self._total += amount

    def _missing_object_list(self, rec: SieLine) -> None:
        self.tolerate(
            "missing_object_list",
            f"{where(self.line)}{rec.label} saknar objektlista; skriv {{}} "
            "före beloppet när raden saknar objekt.",
        )

    def _rtrans_unpaired(self, rtrans: SieTransaction) -> None:
        self.tolerate(
            "rtrans_without_shadow",
            f"{where(rtrans.line)}#RTRANS följs inte av en likadan #TRANS-rad; "
            "den tillagda raden har räknats med och nästa rad har lästs som en "
            "vanlig rad.",
            rtrans.line,
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

    def _close_voucher(self) -> None:
        if self._pending_rtrans is not None:
            self._rtrans_unpaired(self._pending_rtrans)
            self._pending_rtrans = None
        assert self._ver is not None
        line, series, number, d, text, reg_date, sign = self._ver
        voucher = new_voucher(series, number, d, text, reg_date, tuple(self._rows), line, sign)
        self._rows = []
        self._state = _OUTSIDE
        total = self._total
        if total:
            self.tolerate(
                "unbalanced_voucher",
                f"{where(line)}verifikation {voucher.label or '(utan nummer)'} "
                f"balanserar inte: raderna summerar till {_kronor(total)} kr i "
                "stället för 0.",
                line,
            )
        self.doc.voucher_count += 1
        if self.keep_vouchers:
            self.doc.vouchers.append(voucher)
        if self.on_voucher is not None:
            self.on_voucher(voucher, self.doc)

    # --------------------------------------------------------------- finish

    def _finish(self) -> None:
        doc = self.doc
        names = self._account_names
        types = self._account_types
        srus = self._account_sru
        for number, (_, line) in list(types.items()) + list(srus.items()):
            if number not in names:
                self.tolerate(
                    "undeclared_account",
                    f"{where(line)}konto {number} används i #KTYP/#SRU men saknar #KONTO.",
                    line,
                )
                names[number] = ("", line)
        for number, (name, _) in names.items():
            ktyp = types.get(number)
            sru = srus.get(number)
            doc.accounts[number] = SieAccount(
                number,
                name,
                ktyp[0] if ktyp else None,
                sru[0] if sru and sru[0] else None,
                self._account_units.get(number),
                tuple(self._account_sru_all.get(number, ())),
            )
        self._finish_ksumma()
        self._finish_mandatory()
        if "#FLAGGA" not in self._seen:
            self.tolerate("missing_flagga", "Filen: #FLAGGA saknas.", 0)
        if "#SIETYP" not in self._seen:
            self.tolerate(
                "missing_sietype",
                "Filen: #SIETYP saknas; filen har lästs som SIE typ 1.",
                0,
            )
        if doc.format is None:
            self.tolerate(
                "missing_format",
                "Filen: #FORMAT saknas; teckenkodningen har bestämts utifrån innehållet.",
                0,
            )
        elif doc.format.upper() == "PC8":
            if doc.encoding != CP437:
                self.tolerate(
                    "encoding_mismatch",
                    f"Filen: #FORMAT säger PC8 (teckentabell 437) men filen är "
                    f"kodad som {doc.encoding}; den har lästs som {doc.encoding}.",
                    0,
                )
        else:
            self.tolerate(
                "format_not_pc8",
                f'Filen: #FORMAT "{doc.format}" följer inte SIE-standarden (PC8); '
                f"filen har lästs som {doc.encoding}.",
                0,
            )


def _kronor(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    whole, frac = divmod(abs(ore), 100)
    return f"{sign}{whole}.{frac:02d}"


def _preview(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
