"""The block path: whole voucher blocks read a block at a time from the text.

Most of a large SIE file is voucher blocks: a ``#VER`` line, ``{``, the
``#TRANS``/``#RTRANS``/``#BTRANS`` rows, ``}``. Reading them line by line
through the tokenizer costs tens of times what decoding the bytes costs, so
runs of blocks are matched in the decoded text with one regular expression
per block (``_BLOCK``) and one ``findall`` for its rows (``_ROW``), and the
vouchers are built from the groups.

The patterns accept every spelling real exporters use that cannot give a
warning: indentation, any run of spaces and tabs between fields, trailing
blanks, CR LF or LF, quoted or bare series, numbers, texts and signatures,
``\\"`` inside quoted texts, object lists with quoted or bare dimensions and
objects, any number of optional fields. Whatever they do not accept (an
amount without integer part, an ISO date, a tab inside quotes, a stray
quote, an extra field...) sends that one block to the careful path
(``lines.py``), which reads it with the tokenizer and gives the same result
for every block the patterns accept: a test checks this on every corpus
file. An error found here (a date that does not exist) also sends the block
there, so that it is raised, or collected, exactly as that path does.
"""

from __future__ import annotations

import datetime
import re
import zlib
from datetime import date
from decimal import Decimal
from typing import cast

from .amounts import parse_amount_ore
from .assembly import OUTSIDE, kronor
from .errors import SieError, where
from .lines import LineReader
from .model import BTRANS, RTRANS, TRANS, SieTransaction, SieVoucher
from .tokenizer import tokenize_line

__all__ = ["BlockReader"]

# The patterns are written for Python's backtracking engine: alternatives
# that exclude each other are atomic (``(?>...)``) and runs are possessive
# (``*+``, ``++``), so that nothing is saved to try again; an optional part is
# ``(?:X|)`` rather than ``(?:X)?``, which re compiles into a repeat that
# saves every group position so far.
#
# The content of a quoted string: a '"' only after a backslash (``\"`` is an
# escaped quote), and never a backslash just before the closing quote (that
# quote would be escaped). No tab (a warning) and no line end.
_CONTENT = r'[^"\\\t\n]*+(?:\\++(?:"|[^"\\\t\n])[^"\\\t\n]*+)*+'
# A text field: quoted, or a bare word without quote, brace or blank.
_FIELD = rf'(?>"{_CONTENT}"|[^\s"{{}}]++)'
# A row's text: its content when quoted without backslash (the common case,
# one group), else the field as written (the other group).
_TEXT = rf'(?>"([^"\\\t\n]*+)"|({_FIELD}))'
# One dimension-object pair of an object list.
_PAIR = r'(?>[0-9]++|"[0-9]++")[ \t]++(?>"[^"\\{}\t\n]*+"|[^\s"{}\\]++)'
_DATE = r'(?>""|([0-9]{8}))'
_END = r"[ \t\r\x1a]*+\n"  # what the careful path strips from a line's end
# A row, as one whole line, without indentation (_dedented). Groups: kind,
# account, object list content, amount with two decimals, any other amount,
# date, text (two groups, see _TEXT), quantity, sign. At most 16 integer
# digits: a longer amount is checked against the store's bound by the
# careful path. The line starts with "#": that literal lets findall skip to
# the next row at once.
_ROW = re.compile(
    r"^#(TRANS|RTRANS|BTRANS)[ \t]++([0-9]++)[ \t]++"
    rf"\{{[ \t]*+((?:{_PAIR})(?:[ \t]++{_PAIR})*+|)[ \t]*+\}}[ \t]++"
    r"(?>(-?[0-9]{1,16}\.[0-9]{2})|(-?[0-9]{1,16}(?:\.[0-9]|)))"
    rf'(?:[ \t]++{_DATE}(?:[ \t]++{_TEXT}(?:[ \t]++(?>""|(-?[0-9]++(?:\.[0-9]++|)))(?:[ \t]++({_FIELD})|)|)|)|)'
    rf"{_END}",
    re.MULTILINE,
)
assert _ROW.groups == 10
# A whole block: the #VER line (series, number, date, text, registration
# date, sign), "{", the row lines (group 7; each must then match _ROW) up to
# the first line that starts with "}", and that line.
_BLOCK = re.compile(
    rf"#VER[ \t]++({_FIELD})[ \t]++({_FIELD})[ \t]++([0-9]{{8}})"
    rf"(?:[ \t]++({_FIELD})(?:[ \t]++{_DATE}(?:[ \t]++({_FIELD})|)|)|){_END}"
    rf"[ \t]*+\{{{_END}"
    rf"((?:[ \t]*+#[RB]?TRANS[ \t][^\n]*+\n)*+)[ \t]*+\}}{_END}"
)
assert _BLOCK.groups == 7
_KINDS = {"TRANS": TRANS, "RTRANS": RTRANS, "BTRANS": BTRANS}


def _unquoted(value: str) -> str:
    """A ``_FIELD`` as the tokenizer reads it."""
    if value[:1] != '"':
        return value
    value = value[1:-1]
    return value.replace('\\"', '"') if "\\" in value else value


def _dedented(rows: str) -> str:
    """Row lines without the indentation of the first (most exporters
    indent every row alike); a row indented otherwise will not match."""
    if rows[:1] not in (" ", "\t"):
        return rows
    indent = rows[: len(rows) - len(rows.lstrip(" \t"))]
    return rows[len(indent) :].replace("\n" + indent, "\n")


def _objects(content: str) -> tuple[tuple[str, str], ...]:
    """An object list's content (matched by ``_ROW``) as the tokenizer reads it."""
    objects = tokenize_line("#X {" + content + "}").fields[0]
    assert isinstance(objects, tuple)
    return objects


class _Row:
    """An empty row that the block path fills and turns into a SieTransaction,
    as ``new_transaction`` does: written out in the loop, because per row a
    call costs as much as filling the ten slots."""

    __slots__ = SieTransaction.__slots__
    account: str
    amount_ore: int
    objects: tuple[tuple[str, str], ...]
    date: date | None
    text: str
    quantity: Decimal | None
    kind: str
    line: int
    sign: str | None
    shadow: bool


class _Voucher:
    """The same for a SieVoucher (``new_voucher``)."""

    __slots__ = SieVoucher.__slots__
    series: str
    number: str
    date: date
    text: str
    reg_date: datetime.date | None  # `date` in this class body is the field above
    transactions: tuple[SieTransaction, ...]
    line: int
    sign: str | None


class _Fallback(Exception):
    """This block must be read by the careful path."""


class BlockReader(LineReader):
    """Reads decoded text, runs of voucher blocks at a time."""

    def __init__(self, encoding: str, strict: bool = False, max_errors: int = 0) -> None:
        super().__init__(encoding, strict, max_errors)
        self._block_hits = 0  # voucher blocks read whole
        self._block_fails = 0  # #VER lines where that was tried in vain
        # Field as written -> value; "" (absent) -> None / no objects.
        self._bulk_dates: dict[str, date | None] = {"": None}
        self._bulk_quantities: dict[str, Decimal | None] = {"": None}
        self._objects_cache: dict[str, tuple[tuple[str, str], ...]] = {"": ()}
        self._names: dict[str, str] = {}  # one string object per account number
        # Object list content -> its #KSUMMA contribution (pairs without blanks).
        self._objects_joined: dict[str, str] = {}

    def _read_text(self, text: str) -> None:
        """Read a piece of decoded text that ends with a line end (``\\n``).

        Runs of whole voucher blocks are read a block at a time when no open
        voucher and not the first record could make a difference; everything
        else goes line by line through :meth:`_read_lines`. Where blocks seldom
        match (a file whose every voucher warns), trying stops."""
        read_lines = self._read_lines
        n = len(text)
        pos = 0
        while pos < n:
            if (
                self._block_fails <= 2 * self._block_hits + 64
                and text.startswith("#VER", pos)
                and self._state == OUTSIDE
                and not self._first
            ):
                pos, hits = self._read_run(text, pos)
                if hits:
                    continue
                self._block_fails += 1
            # Line by line up to the next #VER line (at least one line).
            nxt = text.find("\n#VER", pos)
            end = n if nxt < 0 else nxt + 1
            lines = text[pos:end].split("\n")
            lines.pop()  # the "" after the last line end
            read_lines(lines)
            pos = end

    def _read_run(self, text: str, pos: int) -> tuple[int, int]:
        """Read whole blocks from ``pos`` while they match; return where the
        first that does not begins, and how many were read.

        The hot loop of every import: per block and per row a call or an
        attribute look-up costs about as much as the work, so everything is
        written out here with locals. A block that must go to the careful
        path raises _Fallback before anything of it is kept."""
        block = _BLOCK.match
        rows_of = _ROW.findall
        names = self._names
        objects_cache = self._objects_cache
        dates = self._bulk_dates
        quantities = self._bulk_quantities
        doc = self.doc
        vouchers = doc.vouchers
        keep = self.keep_vouchers
        on_voucher = self.on_voucher
        feed = self._crc is not None and not self._ksumma_closed
        number = self._number
        first_ver_line = number + 1
        hits = 0
        any_rows = False
        while True:
            m = block(text, pos)
            if m is None:
                break
            try:
                series, vnumber, ds, vtext, rs, vsign, row_lines = m.groups("")
                if row_lines:
                    rows_found = rows_of(row_lines if row_lines[0] == "#" else _dedented(row_lines))
                    # Every row is one whole line: then every line matched.
                    if len(rows_found) != row_lines.count("\n"):
                        raise _Fallback
                else:
                    rows_found = []
                d = dates.get(ds)
                reg_date = dates.get(rs)
                if d is None or (reg_date is None and rs):
                    self._fill_dates(ds, rs)
                    d = dates[ds]
                    reg_date = dates[rs]
                assert d is not None  # the pattern took eight digits, which _checked_date made a date
                if vtext[:1] == '"':
                    vtext = _unquoted(vtext)
                ver_line = number + 1
                if "RTRANS" in row_lines or "BTRANS" in row_lines:
                    rows, total = self._revised_rows(rows_found, number + 3, vtext)
                else:
                    for attempt in (1, 2):  # a cache miss: fill the caches, then again
                        try:
                            built: list[_Row] = []
                            append = built.append
                            total = 0
                            ln = number + 3
                            for _, a, o, a2, ao, td, tx, txw, q, sg in rows_found:
                                # Digits with two decimals (a2), or with one or
                                # none (ao): the pattern checked them.
                                if a2:
                                    amount = int(a2.replace(".", ""))
                                elif "." in ao:
                                    amount = int(ao.replace(".", "")) * 10
                                else:
                                    amount = int(ao) * 100
                                total += amount
                                if txw:
                                    tx = _unquoted(txw)
                                row = _Row()
                                row.account = names[a]
                                row.amount_ore = amount
                                row.objects = objects_cache[o]
                                row.date = dates[td]
                                # Rows often repeat the voucher's text: keep one string.
                                row.text = vtext if tx == vtext else tx
                                row.quantity = quantities[q]
                                row.kind = TRANS
                                row.line = ln
                                row.sign = _unquoted(sg) or None if sg else None
                                row.shadow = False
                                row.__class__ = SieTransaction  # type: ignore[assignment]  # class switch
                                append(row)
                                ln += 1
                            break
                        except KeyError:
                            if attempt == 2:
                                raise
                            self._fill(rows_found)
                    rows = cast("tuple[SieTransaction, ...]", tuple(built))  # each row is one now
            except _Fallback:
                break
            if feed:
                self._ksumma_block(m, rows_found)
            twin = _Voucher()
            twin.series = _unquoted(series) if series[:1] == '"' else series
            twin.number = _unquoted(vnumber) if vnumber[:1] == '"' else vnumber
            twin.date = d
            twin.text = vtext
            twin.reg_date = reg_date
            twin.transactions = rows
            twin.line = ver_line
            twin.sign = _unquoted(vsign) or None if vsign else None
            twin.__class__ = SieVoucher  # type: ignore[assignment]  # switch mypy cannot model
            voucher = cast(SieVoucher, twin)
            number = ver_line + 2 + len(rows)  # the "}" line
            if rows:
                any_rows = True
            if total:
                self.tolerate(
                    "unbalanced_voucher",
                    f"{where(ver_line)}verifikation {voucher.label or '(utan nummer)'} "
                    f"balanserar inte: raderna summerar till {kronor(total)} kr i "
                    "stället för 0.",
                    ver_line,
                )
            doc.voucher_count += 1
            if keep:
                vouchers.append(voucher)
            if on_voucher is not None:
                on_voucher(voucher, doc)
            hits += 1
            pos = m.end()
        if hits:
            # What reading the blocks line by line would have left.
            self._number = number
            self.line = number
            if not self._first_ver_line:
                self._first_ver_line = first_ver_line
            self._seen.add("#VER")
            if any_rows:
                self._seen.add("#TRANS")
            self._block_hits += hits
        return pos, hits

    def _revised_rows(
        self, rows_found: list[tuple[str, ...]], first_row: int, vtext: str
    ) -> tuple[tuple[SieTransaction, ...], int]:
        """The rows of a block with #RTRANS or #BTRANS (FORMAT.md §8): an
        #RTRANS counts and the #TRANS that repeats it is its shadow. One
        that is not repeated gives a warning: the careful path says it."""
        self._fill(rows_found)
        rows: list[SieTransaction] = []
        total = 0
        pending: SieTransaction | None = None
        for ln, (kind, a, o, a2, ao, td, tx, txw, q, sg) in enumerate(rows_found, first_row):
            amount = int(a2.replace(".", "")) if a2 else parse_amount_ore(ao)
            objects = self._objects_cache[o]
            shadow = False
            if pending is not None:
                if kind != "TRANS" or (pending.account, pending.amount_ore, pending.objects) != (a, amount, objects):
                    raise _Fallback
                shadow = True
                pending = None
            text = _unquoted(txw) if txw else tx
            row = SieTransaction(
                self._names[a], amount, objects, self._bulk_dates[td], vtext if text == vtext else text,
                self._bulk_quantities[q], _KINDS[kind], ln, _unquoted(sg) or None, shadow,
            )
            rows.append(row)
            self._seen.add("#" + kind)
            if kind == "RTRANS":
                pending = row
                total += amount
            elif kind == "TRANS" and not shadow:
                total += amount
        if pending is not None:
            raise _Fallback
        return tuple(rows), total

    def _fill_dates(self, *written: str) -> None:
        """Put the #VER's dates in the date cache; an impossible date sends
        the block to the careful path, which reports it."""
        for ds in written:
            if ds not in self._bulk_dates:
                try:
                    self._bulk_dates[ds] = self._checked_date(ds)
                except SieError:
                    raise _Fallback from None

    def _fill(self, rows: list[tuple[str, ...]]) -> None:
        """Put the accounts, object lists, dates and quantities of ``rows``
        (groups of ``_ROW``) in the caches the block path looks them up in."""
        names = self._names
        objects_cache = self._objects_cache
        dates = self._bulk_dates
        quantities = self._bulk_quantities
        for _, account, objs, _, _, tds, _, _, qs, _ in rows:
            names.setdefault(account, account)
            if objs not in objects_cache:
                objects_cache[objs] = _objects(objs)
            if tds not in dates:
                try:
                    dates[tds] = self._checked_date(tds)
                except SieError:
                    raise _Fallback from None
            if qs not in quantities:
                quantities[qs] = Decimal(qs)

    def _checked_date(self, written: str) -> date:
        """A date in SIE form that exists (ISO dates never reach here)."""
        return self._date(written, "datumet")

    def _ksumma_block(self, m: re.Match[str], rows_found: list[tuple[str, ...]]) -> None:
        """Feed the block's records into #KSUMMA as the careful path would:
        each record's label and field contents, in CP437 (ASCII text, the
        common case, is the same bytes and encodes much faster)."""
        series, vnumber, ds, vtext, rs, vsign, _ = m.groups("")
        records = ["".join(("#VER", _unquoted(series), _unquoted(vnumber), ds, _unquoted(vtext), rs, _unquoted(vsign)))]
        append = records.append
        joined = self._objects_joined
        for kind, a, o, a2, ao, td, tx, txw, q, sg in rows_found:
            objects = joined.get(o)
            if objects is None:
                objects = joined[o] = "".join(d + obj for d, obj in self._objects_cache[o])
            append("".join(("#", kind, a, objects, a2 or ao, td, _unquoted(txw) if txw else tx, q,
                            _unquoted(sg) if sg else "")))
        text = "".join(records)
        crc = self._crc
        assert crc is not None
        if text.isascii():
            crc = zlib.crc32(text.encode("ascii"), crc)
        else:
            try:
                crc = zlib.crc32(text.encode("cp437"), crc)
            except UnicodeEncodeError:  # record by record, as the careful path
                for record in records:
                    try:
                        data = record.encode("cp437")
                    except UnicodeEncodeError:
                        data = record.encode(self.doc.encoding)
                    crc = zlib.crc32(data, crc)
        self._crc = crc
