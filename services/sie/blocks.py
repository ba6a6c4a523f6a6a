"""The block path: whole voucher blocks read a block at a time from the text.

Most of a large SIE file is voucher blocks: a ``#VER`` line, ``{``, the
``#TRANS``/``#RTRANS``/``#BTRANS`` rows, ``}``. Reading them line by line
through the tokenizer costs tens of times what decoding the bytes costs, so
runs of blocks are matched in the decoded text with one regular expression
per block (``BLOCK``, in ``block_patterns.py``) and one ``findall`` for its
rows (``rows_pattern``), and the vouchers are built from the groups. When
nobody keeps the vouchers and the caller takes columns (``check``), a block of
plain #TRANS rows is handed on as its accounts and amounts, and no object is
made per row.

The patterns accept every spelling real exporters use that cannot give a
warning: indentation, any run of spaces and tabs between fields, trailing
blanks, CR LF or LF, quoted or bare series, numbers, texts and signatures,
``\\"`` inside quoted texts, object lists with quoted or bare dimensions and
objects, any number of optional fields; and one that can, an account that
is not a number (SoftOne's ``FEL``), whose warning is given here as the
careful path gives it. Whatever they do not accept (an amount without
integer part, an ISO date, a tab inside quotes, a stray quote, an extra
field...) sends that one block to the careful path (``lines.py``), which
reads it with the tokenizer and gives the same result for every block the
patterns accept: a test checks this on every corpus file. An error found
here (a date that does not exist) also sends the block there, so that it is
raised, or collected, exactly as that path does.
"""

from __future__ import annotations

import datetime
import zlib
from datetime import date
from decimal import Decimal

from .block_patterns import BLOCK, KINDS, ROW_PATTERNS, object_list, rows_pattern, short_ore, unquoted
from .encoding import encode_cp437
from .errors import SieError, where
from .lines import LineReader
from .model import TRANS, SieTransaction, SieVoucher, new_transaction, voucher_label
from .state import OUTSIDE, kronor

__all__ = ["BlockReader"]



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
        attribute look-up costs about as much as the work, so the common
        case (plain #TRANS rows whose accounts, dates and object lists are
        in the caches) is written out with locals. A block that must go to
        the careful path raises _Fallback before anything of it is kept."""
        block = BLOCK.match
        rows_of = ROW_PATTERNS[""].findall
        indent = ""
        names = self._names
        dates = self._bulk_dates
        plain_rows = self._plain_rows
        general_rows = self._general_rows
        doc = self.doc
        vouchers = doc.vouchers
        keep = self.keep_vouchers
        on_voucher = self.on_voucher
        # Plain rows are handed as columns, never built, when nobody keeps
        # the vouchers and someone takes columns (check).
        on_rows = None if keep else self.on_rows
        feed = self._crc is not None and not self._ksumma_closed
        number = self._number
        first_ver_line = number + 1
        hits = 0
        any_rows = False
        while True:
            m = block(text, pos)
            if m is None:
                break
            series, vnumber, ds, vtext, rs, vsign, row_lines = m.groups("")
            if row_lines:
                if not row_lines.startswith(indent) or row_lines[len(indent)] != "#":
                    indent = row_lines[: len(row_lines) - len(row_lines.lstrip(" \t"))]
                    pattern = rows_pattern(indent)
                    if pattern is None:
                        break
                    rows_of = pattern.findall
                rows_found = rows_of(row_lines)
                # Every row is one whole line: then every line matched.
                if len(rows_found) != row_lines.count("\n"):
                    break
            else:
                rows_found = []
            ver_line = number + 1
            first_row = ver_line + 2
            if vtext[:1] == '"':
                vtext = unquoted(vtext)
            warnings: list[tuple[str, str, int]] = []
            try:
                d = dates.get(ds)
                reg_date = dates.get(rs)
                if d is None or (reg_date is None and rs):
                    self._fill_dates(ds, rs)
                    d = dates[ds]
                    reg_date = dates[rs]
                assert d is not None  # the pattern took eight digits, which _checked_date made a date
                rows = None
                if "RTRANS" in row_lines or "BTRANS" in row_lines:
                    rows, total = general_rows(rows_found, first_row, vtext, warnings)
                else:
                    try:
                        if on_rows is None:
                            rows, total = plain_rows(rows_found, first_row, vtext)
                        else:
                            # Two decimals (a2), or one or none (ao): the pattern checked them.
                            amounts = [int(r[3].replace(".", "")) if r[3] else short_ore(r[4]) for r in rows_found]
                            accounts = [names[r[1]] for r in rows_found]
                            for r in rows_found:
                                dates[r[5]]  # a date not yet checked: a KeyError
                            total = sum(amounts)
                    except KeyError:  # not in the caches yet, or an account that warns
                        rows, total = general_rows(rows_found, first_row, vtext, warnings)
            except _Fallback:
                break
            if series[:1] == '"':
                series = unquoted(series)
            if vnumber[:1] == '"':
                vnumber = unquoted(vnumber)
            if feed:
                self._ksumma_block((series, vnumber, ds, vtext, rs, unquoted(vsign)), rows_found)
            for code, message, line in warnings:
                self.tolerate(code, message, line)
            if total:
                label = voucher_label(series, vnumber)
                self.tolerate(
                    "unbalanced_voucher",
                    f"{where(ver_line)}verifikation {label or '(utan nummer)'} "
                    f"balanserar inte: raderna summerar till {kronor(total)} kr i "
                    "stället för 0.",
                    ver_line,
                )
            doc.voucher_count += 1
            number = first_row + len(rows_found)  # the "}" line
            if rows is None:
                on_rows(series, vnumber, d, ver_line, accounts, amounts, range(first_row, number), doc)  # type: ignore[misc]
            else:
                twin = _Voucher()
                twin.series = series
                twin.number = vnumber
                twin.date = d
                twin.text = vtext
                twin.reg_date = reg_date
                twin.transactions = rows
                twin.line = ver_line
                twin.sign = unquoted(vsign) or None if vsign else None
                twin.__class__ = SieVoucher  # type: ignore[assignment]  # a class switch mypy cannot model
                voucher: SieVoucher = twin  # type: ignore[assignment]  # it is one now
                if keep:
                    vouchers.append(voucher)
                if on_voucher is not None:
                    on_voucher(voucher, doc)
            if rows_found:
                any_rows = True
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

    def _plain_rows(
        self, rows_found: list[tuple[str, ...]], first_row: int, vtext: str
    ) -> tuple[tuple[SieTransaction, ...], int]:
        """The rows of a block of plain #TRANS rows, every field in the
        caches (else a KeyError), and their sum; built as ``new_transaction``
        would, written out, because per row a call costs as much as filling
        the ten slots."""
        names = self._names
        objects_cache = self._objects_cache
        dates = self._bulk_dates
        quantities = self._bulk_quantities
        built: list[_Row] = []
        append = built.append
        total = 0
        ln = first_row
        for _, a, o, a2, ao, td, tx, txw, q, sg in rows_found:
            # Two decimals (a2), or one or none (ao): the pattern checked them.
            amount = int(a2.replace(".", "")) if a2 else short_ore(ao)
            total += amount
            if txw:
                tx = unquoted(txw)
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
            row.sign = unquoted(sg) or None if sg else None
            row.shadow = False
            row.__class__ = SieTransaction  # type: ignore[assignment]  # a class switch mypy cannot model
            append(row)
            ln += 1
        return tuple(built), total  # type: ignore[arg-type]  # each row is one now

    def _general_rows(
        self, rows_found: list[tuple[str, ...]], first_row: int, vtext: str, warnings: list[tuple[str, str, int]]
    ) -> tuple[tuple[SieTransaction, ...], int]:
        """The rows of any block, and their sum: fills the caches, reads
        #RTRANS and #BTRANS (FORMAT.md §8: an #RTRANS counts and the #TRANS
        that repeats it is its shadow) and adds to ``warnings`` those of an
        account that is not a number. An #RTRANS that is not repeated, or an
        account that is not a number in strict mode, raises _Fallback: the
        careful path says it."""
        self._fill(rows_found)
        rows: list[SieTransaction] = []
        total = 0
        pending: SieTransaction | None = None
        for ln, (kind, a, o, a2, ao, td, tx, txw, q, sg) in enumerate(rows_found, first_row):
            amount = int(a2.replace(".", "")) if a2 else short_ore(ao)
            account = self._names.get(a)
            if account is None:
                if self.strict:
                    raise _Fallback
                account = a
                warnings.append(
                    ("non_numeric_account", f'{where(ln)}kontonumret "{a}" i #{kind} är inte numeriskt.', ln)
                )
            objects = self._objects_cache[o]
            shadow = False
            if pending is not None:
                if kind != "TRANS" or (pending.account, pending.amount_ore, pending.objects) != (a, amount, objects):
                    raise _Fallback
                shadow = True
                pending = None
            text = unquoted(txw) if txw else tx
            row = new_transaction(
                account, amount, objects, self._bulk_dates[td], vtext if text == vtext else text,
                self._bulk_quantities[q], KINDS[kind], ln, unquoted(sg) or None, shadow,
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
        (groups of ``ROW``) in the caches the block path looks them up in;
        an account that is not a number is never put there."""
        names = self._names
        objects_cache = self._objects_cache
        dates = self._bulk_dates
        quantities = self._bulk_quantities
        for _, account, objs, _, _, tds, _, _, qs, _ in rows:
            if account.isdigit():  # else the careful path's warning (_general_rows)
                names.setdefault(account, account)
            if objs not in objects_cache:
                objects_cache[objs] = object_list(objs)
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

    def _ksumma_block(self, ver: tuple[str, ...], rows_found: list[tuple[str, ...]]) -> None:
        """Feed the block's records into #KSUMMA as the careful path would:
        each record's label and field contents (``ver``: the #VER's fields,
        unquoted), in CP437 (ASCII text, the common case, is the same bytes
        and encodes much faster)."""
        head = "#VER" + "".join(ver)
        text = head + self._ksumma_rows(rows_found)
        crc = self._crc
        assert crc is not None
        if text.isascii():
            crc = zlib.crc32(text.encode("ascii"), crc)
        else:
            try:
                crc = zlib.crc32(encode_cp437(text), crc)
            except UnicodeEncodeError:  # record by record, as the careful path
                for record in (head, *self._ksumma_records(rows_found)):
                    try:
                        data = encode_cp437(record)
                    except UnicodeEncodeError:
                        data = record.encode(self.doc.encoding)
                    crc = zlib.crc32(data, crc)
        self._crc = crc

    def _ksumma_rows(self, rows_found: list[tuple[str, ...]]) -> str:
        """The rows' records, one after the other. When no row has an object
        list, a quoted text with an escape or a quoted signature, each group
        is its own content and the empty ones add nothing: a record is "#"
        and its groups joined, with no Python-level work per row."""
        if rows_found:
            _, _, objects, _, _, _, _, escaped_texts, _, signs = zip(*rows_found)
            if not any(objects) and not any(escaped_texts) and '"' not in "".join(signs):
                return "#" + "#".join(map("".join, rows_found))
        return "".join(self._ksumma_records(rows_found))

    def _ksumma_records(self, rows_found: list[tuple[str, ...]]) -> list[str]:
        """Each row's record: label and field contents, as the careful path feeds them."""
        records = []
        joined = self._objects_joined
        for kind, a, o, a2, ao, td, tx, txw, q, sg in rows_found:
            objects = joined.get(o)
            if objects is None:
                objects = joined[o] = "".join(d + obj for d, obj in object_list(o))
            records.append("".join(("#", kind, a, objects, a2 or ao, td, unquoted(txw) if txw else tx, q,
                                    unquoted(sg) if sg else "")))
        return records
