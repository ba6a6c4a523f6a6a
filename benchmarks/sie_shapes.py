"""Large SIE files in the shape of each real exporter in ``shared/sie-samples/``.

A real file is cut into its head (the lines before the first ``#VER``), its
voucher blocks (``#VER`` through the ``}`` that closes it) and its tail (every
other line after the first voucher). The large file is the head, the blocks
repeated until the file reaches the size asked for, then the tail, so that
every line keeps the exporter's own spelling (indentation, tabs, quoting,
object lists, ``#RTRANS``/``#BTRANS``, line ends, character set). To keep the
file as valid as the sample was:

* each repetition renumbers its vouchers (the number plus the repetition
  times the highest number in the sample);
* ``#UB 0`` and ``#RES 0`` grow by what the added repetitions book on the
  account (as ``check`` sums it);
* a ``#KSUMMA`` value is computed again over the new content.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from services.sie import read_sie
from services.sie.checks import Checker, _account_class
from services.sie.ksumma import record_bytes
from services.sie.model import RES, UB
from services.sie.tokenizer import tokenize_line

_VER_NUMBER = re.compile(rb'^([ \t]*#VER[ \t]+(?:"[^"]*"|[^ \t"]+)[ \t]+)("?)([0-9]+)("?)')
_YEAR0_BALANCE = re.compile(rb'^([ \t]*#(?:UB|RES)[ \t]+"?0"?[ \t]+"?([0-9]+)"?[ \t]+)(-?[0-9.]+)')
_KSUMMA_VALUE = re.compile(rb"^[ \t]*#KSUMMA[ \t]+[0-9]+")


@dataclass
class Shape:
    """A sample cut into the parts that are kept, repeated or adjusted."""

    name: str
    head: list[bytes]
    blocks: list[list[bytes]]
    tail: list[bytes]
    top_number: int
    year0_sums: dict[str, int]
    ksumma: bool
    encoding: str


def cut(sample: Path) -> Shape | None:
    """The sample's parts, or None when it has no voucher or does not read."""
    data = sample.read_bytes()
    try:
        doc = read_sie(data)
    except Exception:
        return None
    if not doc.vouchers:
        return None
    checker = Checker()
    for voucher in doc.vouchers:
        checker.voucher(voucher, doc)
    checker.finish(doc)
    lines = data.splitlines(keepends=True)
    head: list[bytes] = []
    blocks: list[list[bytes]] = []
    tail: list[bytes] = []
    i = 0
    while i < len(lines):
        if lines[i].lstrip(b" \t").startswith(b"#VER"):
            j = i + 1
            while j < len(lines) and not lines[j].lstrip(b" \t").startswith(b"}"):
                j += 1
            blocks.append(lines[i : j + 1])
            i = j + 1
            continue
        (tail if blocks else head).append(lines[i])
        i += 1
    # Every line of a block ends with a line end, also the file's last "}".
    ending = b"\r\n" if data.count(b"\r\n") * 2 > data.count(b"\n") else b"\n"
    last = blocks[-1][-1]
    if not last.endswith(b"\n"):
        blocks[-1][-1] = last + ending
    # An account the vouchers move but with no #UB 0 (or #RES 0) line has the
    # balance 0; once the vouchers repeat it needs one.
    for kind, label in ((UB, b"#UB"), (RES, b"#RES")):
        given = doc.balances_of(kind, 0)
        if given:
            wanted = "balance" if kind == UB else "result"
            for account, ore in checker.sum_by_account.items():
                if ore and account not in given and _account_class(doc, account) == wanted:
                    tail.append(label + b" 0 " + account.encode() + b" 0.00" + ending)
    numbers = [int(m.group(3)) for b in blocks if (m := _VER_NUMBER.match(b[0]))]
    return Shape(
        sample.name, head, blocks, tail, max(numbers, default=0), checker.sum_by_account,
        any(_KSUMMA_VALUE.match(line) for line in lines), doc.encoding,
    )


def _renumbered(ver: bytes, add: int) -> bytes:
    if not add:
        return ver
    m = _VER_NUMBER.match(ver)
    if m is None:
        return ver
    return m.group(1) + m.group(2) + str(int(m.group(3)) + add).encode() + m.group(4) + ver[m.end() :]


def _adjusted(line: bytes, sums: dict[str, int], extra: int) -> bytes:
    m = _YEAR0_BALANCE.match(line)
    if m is None or extra == 0:
        return line
    account = m.group(2).decode()
    whole, _, frac = m.group(3).decode().partition(".")
    ore = int(whole or "0") * 100 + (int(frac.ljust(2, "0")) if frac else 0) * (-1 if whole.startswith("-") else 1)
    ore += sums.get(account, 0) * extra
    sign = "-" if ore < 0 else ""
    kronor, rest = divmod(abs(ore), 100)
    return m.group(1) + f"{sign}{kronor}.{rest:02d}".encode() + line[m.end() :]


def _record(line: bytes, encoding: str) -> bytes:
    """``line``'s contribution to #KSUMMA (as the reader computes it)."""
    s = line.decode(encoding).strip(" \t\r\n")
    if not s or s in ("{", "}") or s.startswith("#KSUMMA"):
        return b""
    rec = tokenize_line(s)
    try:
        return record_bytes(rec.label, rec.fields)
    except UnicodeEncodeError:
        return record_bytes(rec.label, rec.fields, encoding)


def lines_of(shape: Shape, target_bytes: int) -> Iterator[bytes]:
    """The large file's lines (with their line ends), streamed."""
    block_bytes = sum(len(line) for b in shape.blocks for line in b)
    fixed = sum(len(line) for line in shape.head + shape.tail)
    repeats = max(1, -(-(target_bytes - fixed) // block_bytes))
    extra = repeats - 1
    encoding = shape.encoding
    crc = 0
    feeding = False  # inside #KSUMMA
    for line in shape.head:
        line = _adjusted(line, shape.year0_sums, extra)
        if feeding:
            crc = zlib.crc32(_record(line, encoding), crc)
        feeding = feeding or (shape.ksumma and line.strip() == b"#KSUMMA")
        yield line
    # The rows' contribution to #KSUMMA is the same in every repetition.
    rests = [b"".join(_record(line, encoding) for line in b[1:]) if feeding else b"" for b in shape.blocks]
    step = shape.top_number
    for k in range(repeats):
        for block, rest in zip(shape.blocks, rests):
            ver = _renumbered(block[0], k * step)
            yield ver
            yield from block[1:]
            if feeding:
                crc = zlib.crc32(rest, zlib.crc32(_record(ver, encoding), crc))
    for line in shape.tail:
        if feeding and _KSUMMA_VALUE.match(line):
            ending = line[len(line.rstrip(b"\r\n")) :]
            yield b"#KSUMMA " + str(crc & 0xFFFFFFFF).encode() + ending
            feeding = False
            continue
        line = _adjusted(line, shape.year0_sums, extra)
        if feeding:
            crc = zlib.crc32(_record(line, encoding), crc)
        yield line


def build(shape: Shape, path: Path, target_bytes: int) -> int:
    """Write the large file; return its size in bytes."""
    size = 0
    with path.open("wb") as out:
        buf: list[bytes] = []
        for line in lines_of(shape, target_bytes):
            buf.append(line)
            if len(buf) >= 50_000:
                size += out.write(b"".join(buf))
                buf = []
        size += out.write(b"".join(buf))
    return size
