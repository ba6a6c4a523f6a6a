"""``#KSUMMA``: the SIE CRC-32 checksum (FORMAT.md §6).

The checksum is the standard reflected CRC-32 (``zlib.crc32``) over, record
by record in file order, the label bytes as written (``#TRANS``) followed by
each field's *content* bytes in CP437:

* no separators between fields, no surrounding quotes, ``\\"`` counts as ``"``;
* object lists contribute their tokens without braces, quotes or spaces
  (``{1 "100"}`` gives ``1100``);
* lines that are only ``{`` or ``}`` contribute nothing, nor does ``""``.

Records fed are those after the opening bare ``#KSUMMA`` and before the
closing ``#KSUMMA <value>``; ``#FLAGGA`` (which comes before the opening one)
is therefore never part of it.

Writers use :func:`ksumma_of` on the record lines they emit between the two
``#KSUMMA`` records (braces lines may be passed; they count for nothing), or
:func:`ksumma_update` record by record with already-split fields.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

from .encoding import CP437, encode_cp437
from .tokenizer import tokenize_line

__all__ = ["KSUMMA_ABSENT", "KSUMMA_MISMATCH", "KSUMMA_VERIFIED", "ksumma_of", "ksumma_update", "record_bytes"]

KSUMMA_VERIFIED = "verified"
KSUMMA_MISMATCH = "mismatch"
KSUMMA_ABSENT = "absent"

Field = str | Sequence[tuple[str, str]]


def record_bytes(label: str, fields: Iterable[Field], encoding: str = "cp437") -> bytes:
    """The bytes one record contributes to the checksum (label + field contents).

    ``fields`` are unquoted, unescaped values; an object list is a sequence of
    ``(dimension, object)`` pairs. Raises ``UnicodeEncodeError`` when a
    character cannot be written in ``encoding``.
    """
    parts = [label]
    for value in fields:
        if isinstance(value, str):
            parts.append(value)
        else:
            for dim, obj in value:
                parts.append(dim)
                parts.append(obj)
    text = "".join(parts)
    return encode_cp437(text) if encoding == CP437 else text.encode(encoding)


def ksumma_update(crc: int, label: str, fields: Iterable[Field], encoding: str = "cp437") -> int:
    """Feed one record into a running checksum (start with ``crc = 0``)."""
    return zlib.crc32(record_bytes(label, fields, encoding), crc)


def ksumma_of(lines: Iterable[bytes | str]) -> int:
    """The ``#KSUMMA`` value of the given record lines, as an unsigned int.

    ``lines`` are the records between the opening ``#KSUMMA`` and the closing
    one, exactly as written (``bytes`` in CP437, or ``str``), with or without
    line ends. Blank lines and lines holding only ``{`` or ``}`` contribute
    nothing.
    """
    crc = 0
    for raw in lines:
        text = raw.decode("cp437") if isinstance(raw, bytes) else raw
        s = text.strip(" \t\r\n")
        if not s or s in ("{", "}"):
            continue
        rec = tokenize_line(s)
        crc = ksumma_update(crc, rec.label, rec.fields)
    return crc & 0xFFFFFFFF
