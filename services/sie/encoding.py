"""Character-set detection for SIE files (FORMAT.md §2).

The SIE standard says every file is IBM codepage 437 (``#FORMAT PC8``), but
real exporters also write UTF-8 and Latin-1 while still declaring PC8. The
detection therefore looks at the bytes, never at ``#FORMAT``:

1. A UTF-8 byte-order mark means UTF-8 (the mark is dropped).
2. Bytes >= 0x80 that decode as strict UTF-8 mean UTF-8: CP437 Swedish text
   is practically never valid UTF-8 (0x84 ä, 0x86 å and 0x94 ö are bare
   continuation bytes).
3. Otherwise the Swedish letters decide: their CP437 byte values are counted
   against their Latin-1 values. A tie, and every file with only ASCII bytes,
   is CP437, the standard's own character set.

All three codecs decode every byte sequence without error once chosen, so
decoding never fails; validation of the content is the reader's job.
"""

from __future__ import annotations

import codecs

CP437 = "cp437"
UTF8 = "utf-8"
LATIN1 = "latin-1"

_BOM = b"\xef\xbb\xbf"
_SLICE = 1 << 20

# å ä ö Å Ä Ö é ü
_CP437_LETTERS = bytes((0x86, 0x84, 0x94, 0x8F, 0x8E, 0x99, 0x82, 0x81))
_LATIN1_LETTERS = bytes((0xE5, 0xE4, 0xF6, 0xC5, 0xC4, 0xD6, 0xE9, 0xFC))
_NOT_LETTERS = bytes(b for b in range(256) if b not in _CP437_LETTERS + _LATIN1_LETTERS)


def detect_encoding(data: bytes, letters: bytes | None = None) -> str:
    """Return ``"utf-8"``, ``"cp437"`` or ``"latin-1"`` for the raw file bytes.

    ``letters``, when the caller has it, is ``data`` with at least every byte
    of a Swedish letter kept; counting in it spares a pass over ``data``."""
    if data.startswith(_BOM):
        return UTF8
    if data.isascii():
        return CP437
    if _is_utf8(data):
        return UTF8
    cp437_score, latin1_score = letter_scores(data if letters is None else letters)
    return LATIN1 if latin1_score > cp437_score else CP437


def _is_utf8(data: bytes) -> bool:
    """Whether ``data`` is strict UTF-8, decoded a slice at a time: a
    UnicodeDecodeError keeps a copy of the bytes it was raised on, which for
    a whole large CP437 file would cost more than the rest of the detection."""
    decoder = codecs.getincrementaldecoder(UTF8)("strict")
    try:
        for i in range(0, len(data), _SLICE):
            decoder.decode(data[i : i + _SLICE])
        decoder.decode(b"", True)
    except UnicodeDecodeError:
        return False
    return True


def letter_scores(data: bytes) -> tuple[int, int]:
    """How many bytes of ``data`` are Swedish letters in CP437 and in Latin-1."""
    # One pass that drops every other byte, then counting in what is left.
    letters = data.translate(None, _NOT_LETTERS)
    return (
        sum(letters.count(b) for b in _CP437_LETTERS),
        sum(letters.count(b) for b in _LATIN1_LETTERS),
    )


# CP437 as a charmap table: Python's cp437 codec encodes through a dict, one
# look-up per character; this table is looked up in C, several times faster.
_CP437_TABLE = codecs.charmap_build(bytes(range(256)).decode(CP437))


def encode_cp437(text: str) -> bytes:
    """``text.encode("cp437")``, fast (#KSUMMA encodes every record). Raises
    ``UnicodeEncodeError`` for a character CP437 lacks, as the codec does."""
    return codecs.charmap_encode(text, "strict", _CP437_TABLE)[0]


def decode(data: bytes) -> tuple[str, str]:
    """Decode SIE bytes; return ``(text, encoding)``.

    ``encoding`` is one of ``"cp437"``, ``"utf-8"`` and ``"latin-1"``. A UTF-8
    byte-order mark is removed from the text.
    """
    encoding = detect_encoding(data)
    if encoding == UTF8 and data.startswith(_BOM):
        data = data[len(_BOM):]
    # BOM-less UTF-8 was already proven decodable and the other two codecs
    # are total over 0x00-0xFF. Only a BOM followed by invalid UTF-8 could
    # fail; such bytes become U+FFFD rather than an exception.
    return data.decode(encoding, errors="replace"), encoding

