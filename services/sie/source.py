"""Where the reader's lines come from: bytes in memory or a file, read in chunks.

The reader (``reader.py``) consumes numbered text lines; this module turns raw
SIE bytes into them without ever holding the whole decoded text:

1. a **prescan** over the bytes decides the encoding with the rules of
   ``encoding.py`` (BOM, strict UTF-8, CP437 vs Latin-1 letter counts), finds
   the first control character (and its line) and whether the file uses old
   Mac line ends (``\\r`` only). For bytes in memory it runs on the whole
   buffer; for a file it streams (:func:`prescan_file`).
2. :class:`LineSource` then decodes chunk by chunk, each chunk cut just after
   a line end, and yields the lines exactly as ``text.split("\\n")`` (or
   ``split("\\r")``) of the whole decoded text would. A line end byte is never
   part of a multi-byte UTF-8 sequence, so decoding chunk by chunk gives the
   same text as decoding everything at once.

The first line holding U+FFFD (a character lost before the file was written)
is noted while decoding: ``LineSource.replacement_line``.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from .encoding import _BOM, _NOT_LETTERS, CP437, LATIN1, UTF8, detect_encoding, letter_scores

__all__ = ["CHUNK", "LineSource", "Prescan", "prescan_bytes", "prescan_file"]

CHUNK = 1 << 20

# Control characters other than tab, CR, LF and the DOS end-of-file mark. In
# all three encodings bytes below 0x80 are the ASCII characters themselves and
# never part of a multi-byte character, so the bytes can be searched.
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x19\x1b-\x1f\x7f]")
# Every byte but those: bytes.translate(None, _NOT_CONTROL) keeps only control
# characters, which is much faster than searching with the pattern.
_NOT_CONTROL = bytes(b for b in range(256) if _CONTROL_BYTES.match(bytes((b,))) is None)
# Every byte but control characters and the letters detect_encoding counts:
# prescan_bytes keeps both kinds in one pass over the bytes.
_NOT_NOTED = bytes(sorted(set(_NOT_CONTROL) & set(_NOT_LETTERS)))


def _first_control(data: bytes, kept: bytes | None = None) -> int:
    """Index of the first control character in ``data``, or -1.

    ``kept``, when at hand, is ``data`` with at least its control characters
    kept: whether there is one is then decided on fewer bytes."""
    if not (data if kept is None else kept).translate(None, _NOT_CONTROL):
        return -1
    m = _CONTROL_BYTES.search(data)
    assert m is not None
    return m.start()


class Prescan:
    """What must be known of the bytes before their lines are read."""

    __slots__ = ("bom", "control", "encoding", "mac")

    def __init__(self, encoding: str, bom: bool, mac: bool, control: tuple[int, int] | None) -> None:
        self.encoding = encoding
        self.bom = bom  # a UTF-8 byte-order mark to skip
        self.mac = mac  # lines end with "\r" only
        # (line, character code) of the first control character, or None.
        self.control = control


def prescan_bytes(data: bytes) -> Prescan:
    kept = data.translate(None, _NOT_NOTED)
    encoding = detect_encoding(data, kept)
    bom = encoding == UTF8 and data.startswith(_BOM)
    has_lf = b"\n" in data
    mac = not has_lf and b"\r" in data
    control = None
    pos = _first_control(data, kept)
    if pos >= 0:
        line = data.count(b"\n", 0, pos) + 1 if has_lf else data.count(b"\r", 0, pos) + 1
        control = (line, data[pos])
    return Prescan(encoding, bom, mac, control)


def prescan_file(fh: BinaryIO, chunk_size: int = CHUNK) -> Prescan:
    """The same as :func:`prescan_bytes` on the file's content, read in chunks."""
    head = b""
    ascii_only = True
    utf8 = codecs.getincrementaldecoder(UTF8)("strict")
    utf8_ok = True
    scores = [0, 0]
    lf = cr = 0  # line ends before the current chunk
    control: tuple[int, int, int] | None = None  # (lf line, cr line, code)
    while True:
        chunk = fh.read(chunk_size)
        if len(head) < 3:
            head = (head + chunk)[:3]
        if not chunk:
            break
        if control is None:
            pos = _first_control(chunk)
            if pos >= 0:
                control = (lf + chunk.count(b"\n", 0, pos) + 1, cr + chunk.count(b"\r", 0, pos) + 1, chunk[pos])
        lf += chunk.count(b"\n")
        cr += chunk.count(b"\r")
        if ascii_only and chunk.isascii():
            continue
        ascii_only = False
        if utf8_ok:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                utf8_ok = False
        cp437_score, latin1_score = letter_scores(chunk)
        scores[0] += cp437_score
        scores[1] += latin1_score
    if utf8_ok and not ascii_only:
        try:
            utf8.decode(b"", True)
        except UnicodeDecodeError:
            utf8_ok = False
    if head == _BOM:
        encoding = UTF8
    elif ascii_only:
        encoding = CP437
    elif utf8_ok:
        encoding = UTF8
    else:
        encoding = LATIN1 if scores[1] > scores[0] else CP437
    found = None
    if control is not None:
        found = (control[0] if lf else control[1], control[2])
    return Prescan(encoding, head == _BOM, not lf and cr > 0, found)


def _bytes_chunks(data: bytes, start: int, sep: bytes, chunk_size: int = CHUNK) -> Iterator[bytes]:
    """Pieces of about ``chunk_size`` bytes, each but the last cut just after a
    line end ``sep``, so that :meth:`LineSource.texts` never joins or cuts them."""
    n = len(data)
    while start < n:
        end = data.rfind(sep, start, start + chunk_size) + 1
        if not end:
            end = data.find(sep, start + chunk_size) + 1 or n
        yield data[start:end]
        start = end


def _file_chunks(fh: BinaryIO, chunk_size: int = CHUNK) -> Iterator[bytes]:
    while True:
        chunk = fh.read(chunk_size)
        if not chunk:
            return
        yield chunk


class LineSource:
    """The decoded lines of SIE bytes, produced chunk by chunk."""

    def __init__(self, prescan: Prescan, chunks: Iterable[bytes]) -> None:
        self.prescan = prescan
        self.encoding = prescan.encoding
        self.control = prescan.control
        self._chunks = chunks
        # 1-based line of the first U+FFFD, once the lines have been read.
        self.replacement_line: int | None = None

    @classmethod
    def from_bytes(cls, data: bytes, chunk_size: int = CHUNK) -> LineSource:
        pre = prescan_bytes(data)
        return cls(pre, _bytes_chunks(data, 3 if pre.bom else 0, b"\r" if pre.mac else b"\n", chunk_size))

    @classmethod
    def from_file(cls, fh: BinaryIO, chunk_size: int = CHUNK) -> LineSource:
        """Prescan the open binary file, then read it again from the start.

        Only ``fh.read(chunk_size)`` and ``fh.seek`` are used: the file is
        never held whole."""
        pre = prescan_file(fh, chunk_size)
        fh.seek(3 if pre.bom else 0)
        return cls(pre, _file_chunks(fh, chunk_size))

    def __iter__(self) -> Iterator[list[str]]:
        """Yield lists of consecutive lines (as ``text.split(line_end)`` would)."""
        sep = "\r" if self.prescan.mac else "\n"
        for text, complete in self.texts():
            if complete:
                lines = text.split(sep)
                lines.pop()  # the "" after the chunk's last line end
                yield lines
            else:
                yield [text]

    def texts(self) -> Iterator[tuple[str, bool]]:
        """Yield ``(text, complete)``: decoded pieces of consecutive lines.

        A complete piece ends with a line end (its lines are
        ``text.split(line_end)[:-1]``); the last piece is the rest after the
        last line end (possibly empty), which counts as one more line."""
        encoding = self.encoding
        sep_b = b"\r" if self.prescan.mac else b"\n"
        # Only UTF-8 decoding can give U+FFFD: CP437 and Latin-1 map every byte.
        track = encoding == UTF8
        # U+FFFD lines are counted in "\n" lines, as the reader always did.
        lines_before = 0
        rest = b""
        for chunk in self._chunks:
            if rest:
                chunk = rest + chunk
            cut = chunk.rfind(sep_b) + 1
            if not cut:
                rest = chunk
                continue
            rest = chunk[cut:]
            text = chunk[:cut].decode(encoding, "replace")
            if track and self.replacement_line is None:
                self._note_replacement(text, lines_before)
                lines_before += text.count("\n")
            yield text, True
        text = rest.decode(encoding, "replace")
        if track and self.replacement_line is None:
            self._note_replacement(text, lines_before)
        yield text, False

    def _note_replacement(self, text: str, lines_before: int) -> None:
        bad = text.find("\ufffd")
        if bad >= 0:
            self.replacement_line = lines_before + text.count("\n", 0, bad) + 1
