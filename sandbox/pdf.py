"""A tiny deterministic PDF 1.4 writer, so the sandbox's archive serves real, openable documents.

One A4 page: a bold title and lines of Helvetica text, encoded as WinAnsiEncoding (cp1252) so Swedish letters and
the en dash show. The document information (the title a viewer shows in its toolbar) is a PDF text string, which is
not WinAnsi: it is written as UTF-16BE, the one encoding every viewer reads for any character.
No dates, ids or compression: the same input always gives the same bytes, and the text stays greppable in tests.
"""

from __future__ import annotations

from collections.abc import Sequence

PAGE_WIDTH = 595  # A4 in points
PAGE_HEIGHT = 842
MARGIN = 56
TITLE_SIZE = 16
TEXT_SIZE = 10
LEADING = 14
MAX_CHARS = 95  # what fits in one line of 10 pt Helvetica between the margins, roughly
MAX_LINES = (PAGE_HEIGHT - 2 * MARGIN - 2 * LEADING) // LEADING
OMITTED = "[fler rader utelämnade]"
PRODUCER = "Fortnox-sandlåda"


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding: parentheses and backslashes escaped, non-ASCII as octal escapes."""
    out = bytearray(b"(")
    for byte in text.encode("cp1252", errors="replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 0x20 or byte >= 0x7F:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def _text_string(text: str) -> bytes:
    """A PDF text string (document information) as UTF-16BE with its byte order mark, in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def _wrapped(lines: Sequence[str]) -> list[str]:
    """Lines cut to what fits on the page, wrapped at spaces; a marker replaces what does not fit."""
    out: list[str] = []
    for line in lines:
        rest = line.replace("\t", " ").rstrip()
        while len(rest) > MAX_CHARS:
            cut = rest.rfind(" ", 0, MAX_CHARS + 1)
            cut = cut if cut > 0 else MAX_CHARS
            out.append(rest[:cut])
            rest = rest[cut:].lstrip()
        out.append(rest)
    if len(out) > MAX_LINES:
        out = out[: MAX_LINES - 1] + [OMITTED]
    return out


def _content_stream(title: str, lines: Sequence[str]) -> bytes:
    top = PAGE_HEIGHT - MARGIN - TITLE_SIZE
    parts = [b"BT", b"/F1 %d Tf" % TITLE_SIZE, b"%d %d Td" % (MARGIN, top), _literal(title) + b" Tj",
             b"/F2 %d Tf" % TEXT_SIZE, b"%d TL" % LEADING, b"0 %d Td" % -(2 * LEADING)]
    parts += [_literal(line) + b" Tj T*" for line in _wrapped(lines)]
    parts.append(b"ET")
    return b"\n".join(parts) + b"\n"


def render_pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page PDF showing `title` and `lines`; byte-identical for identical input."""
    stream = _content_stream(title, lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >>"
        b" /Contents 6 0 R >>" % (PAGE_WIDTH, PAGE_HEIGHT),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"endstream",
        b"<< /Title " + _text_string(title) + b" /Producer " + _text_string(PRODUCER) + b" >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, len(objects), xref_at)
    return bytes(out)
