"""Read SIE 4 (and types 1-3) bytes into a :class:`SieDocument`.

The reader follows ``shared/sie-samples/FORMAT.md``. It is lenient in the
sense of FORMAT.md §10: quirks that real exporters produce are accepted and
reported as warnings (``SieDocument.warnings``), while things that make the
content impossible to interpret raise :class:`SieError`:

* not a SIE file (the first non-blank line does not start with ``#``);
* an unparseable amount or date in ``#TRANS``/``#RTRANS``/``#BTRANS``,
  ``#VER``, ``#IB``, ``#UB``, ``#RES`` or ``#RAR``, or a row without amount;
* an amount the store cannot hold (beyond a signed 64-bit number of öre);
* an unbalanced ``{``/``}`` structure, or a ``#TRANS`` outside a voucher;
* an object list with an odd number of tokens.

In strict mode (``read_sie(data, strict=True)``) every tolerated quirk is an
error too, except the few in ``STRICT_TOLERATED`` (FORMAT.md §10: things the
standard itself allows); strict mode also rejects files that lack a record
the declared type makes mandatory, and vouchers in types 1-3. ``check``
collects up to ``max_errors`` errors with their lines instead of stopping at
the first.

Format notes beyond FORMAT.md, seen in real files:

* Hogia Ekonomi (and at least one other generator) writes amounts under one
  krona without their integer part: ``.23``, ``-.96``, in ``#RES``,
  ``#PSALDO`` and ``#TRANS``. They are read as 0.23 and -0.96 with one
  warning per file (``leading_point_amount``) that counts them and names the
  first line; strict mode refuses each one.
* A fragment of a file (vouchers without ``#FLAGGA``, ``#SIETYP``,
  ``#PROGRAM`` or ``#RAR``) is read as type 4 with a ``missing_header``
  warning: its type is a guess.

Records are handled in any order; ``#KTYP`` and ``#SRU`` are resolved against
``#KONTO`` at the end. Unknown labels and extra trailing fields are ignored.

The work is split by concern:

* ``source.py`` turns bytes (in memory, or a file read in chunks) into
  decoded text;
* ``blocks.py`` reads runs of whole voucher blocks from that text, one
  regular expression per block, in every spelling that cannot give a
  warning (and rows whose account is no number, warning as ``lines.py``
  would); for ``check`` plain blocks become columns, not objects;
* ``lines.py`` reads every other line with the tokenizer (``tokenizer.py``);
* ``assembly.py`` gives each record its meaning and builds the document, with
  the handlers of ``header_records.py``, ``balance_records.py`` and
  ``voucher_assembly.py`` over the shared state of ``state.py``.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

from .amounts import parse_amount_ore
from .blocks import BlockReader
from .errors import SieError, where
from .model import SieDocument, SieVoucher
from .source import LineSource
from .state import AWAITING_BRACE, INSIDE, STRICT_TOLERATED, RowsSink, TooManyErrors, parse_date

__all__ = ["STRICT_TOLERATED", "parse_amount_ore", "parse_date", "read_lines", "read_sie"]


def read_sie(
    data: bytes | bytearray | memoryview,
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
    max_errors: int = 0,
    on_rows: RowsSink | None = None,
) -> SieDocument:
    """Read a SIE file from a :class:`LineSource` (bytes in memory or a file
    read chunk by chunk); the arguments are those of :func:`read_sie`.

    With ``max_errors`` > 0, errors are not raised (but for a file that is no
    SIE file at all) but listed in ``doc.errors``, and reading goes on after
    each until that many are found.

    ``on_rows``, with ``keep_vouchers=False``, is handed the vouchers whose
    rows are all plain #TRANS as columns (accounts, amounts in öre) instead
    of ``on_voucher`` being handed them built: a check that only sums needs
    no object per row (see ``assembly.RowsSink``)."""
    reader = _Reader(source.encoding, strict=strict, max_errors=max_errors)
    reader.on_voucher = on_voucher
    reader.keep_vouchers = keep_vouchers
    reader.on_rows = on_rows
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


class _Reader(BlockReader):
    """One pass over a :class:`LineSource`."""

    def read(self, source: LineSource) -> SieDocument:
        """Read every line of ``source``, then what only the end can tell."""
        try:
            self._read_all(source)
        except TooManyErrors:
            return self.doc
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

    def _read_all(self, source: LineSource) -> None:
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
        if self._first:
            raise self.fail("empty_file", "Filen: filen är tom; den innehåller ingen SIE-post.", 0)
        try:
            if self._state == INSIDE:
                raise self._unclosed(self.line)
            if self._state == AWAITING_BRACE:
                raise self.fail(
                    "missing_open_brace",
                    f"{where(self._ver_line)}verifikationen saknar sitt block "
                    '"{ ... }" med rader; filen tar slut direkt efter #VER.',
                    self._ver_line,
                )
        except SieError as exc:
            self.error(exc)
        self._finish()
