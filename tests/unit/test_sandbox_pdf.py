"""The sandbox's PDF writer produces structurally valid, deterministic one-page PDFs that carry their text."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from sandbox.pdf import MAX_LINES, render_pdf


def _xref_offsets(pdf: bytes) -> dict[int, int]:
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF\n$", pdf).group(1))
    assert pdf[start:start + 4] == b"xref"
    header = re.match(rb"xref\n0 (\d+)\n", pdf[start:])
    count = int(header.group(1))
    table = pdf[start + header.end():start + header.end() + 20 * count]
    entries = [table[i:i + 20] for i in range(0, len(table), 20)]
    assert entries[0] == b"0000000000 65535 f \n"
    return {number: int(entry[:10]) for number, entry in enumerate(entries) if number > 0}


def test_pdf_has_a_1_4_header_and_ends_with_eof():
    pdf = render_pdf("Faktura 1001", ["Rad ett"])

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")


def test_pdf_xref_offsets_point_at_their_objects():
    pdf = render_pdf("Faktura 1001", ["Kund: Exempel AB", "Belopp: 1 250,00 kr"])

    offsets = _xref_offsets(pdf)

    assert len(offsets) == 7
    for number, offset in offsets.items():
        assert pdf[offset:].startswith(b"%d 0 obj\n" % number)


def test_pdf_trailer_names_catalog_and_size():
    pdf = render_pdf("Titel", [])

    trailer = pdf[pdf.rindex(b"trailer"):]
    assert b"/Size 8" in trailer and b"/Root 1 0 R" in trailer
    catalog = pdf[_xref_offsets(pdf)[1]:]
    assert catalog.startswith(b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>")


def test_pdf_stream_length_matches_its_bytes():
    pdf = render_pdf("Titel", ["a", "b", "c"])

    match = re.search(rb"<< /Length (\d+) >>\nstream\n", pdf)
    end = pdf.index(b"endstream", match.end())
    assert end - match.end() == int(match.group(1))


def test_pdf_is_deterministic():
    assert render_pdf("Faktura 7", ["x", "y"]) == render_pdf("Faktura 7", ["x", "y"])
    assert render_pdf("Faktura 7", ["x"]) != render_pdf("Faktura 8", ["x"])


def test_pdf_contains_title_and_lines_as_text_operators():
    pdf = render_pdf("Faktura 1001", ["Kund: Exempel AB"])

    assert b"(Faktura 1001) Tj" in pdf
    assert b"(Kund: Exempel AB) Tj" in pdf
    assert b"/BaseFont /Helvetica /Encoding /WinAnsiEncoding" in pdf


def test_pdf_writes_swedish_letters_in_winansi_encoding():
    pdf = render_pdf("Leverantörsfaktura", ["Räksmörgås ÅÄÖ"])

    assert b"(Leverant\\366rsfaktura) Tj" in pdf
    assert b"(R\\344ksm\\366rg\\345s \\305\\304\\326) Tj" in pdf
    assert max(pdf[pdf.index(b"stream\n"):pdf.index(b"endstream")]) < 0x80


def test_pdf_escapes_parentheses_and_backslashes():
    pdf = render_pdf("T", ["a (b) c\\d"])

    assert b"(a \\(b\\) c\\\\d) Tj" in pdf


def test_pdf_wraps_long_lines_at_spaces():
    pdf = render_pdf("T", ["ord " * 40])

    shown = re.findall(rb"\((ord[^)]*)\) Tj", pdf)
    assert len(shown) == 2 and all(len(line) <= 95 for line in shown)


def test_pdf_marks_lines_that_do_not_fit_on_the_page():
    pdf = render_pdf("T", [f"rad {i}" for i in range(MAX_LINES + 10)])

    assert b"(rad %d) Tj" % (MAX_LINES - 2) in pdf
    assert b"(rad %d) Tj" % (MAX_LINES - 1) not in pdf
    assert b"([fler rader utel\\344mnade]) Tj" in pdf


def test_an_en_dash_shows_in_the_page_and_in_the_title_a_viewer_displays():
    reader = PdfReader(io.BytesIO(render_pdf("Bokslutsdemo AB – Faktura 1001", ["Period 2025-01-01 – 2025-12-31"])))
    assert reader.metadata.title == "Bokslutsdemo AB – Faktura 1001"
    assert reader.metadata.producer == "Fortnox-sandlåda"
    assert reader.pages[0].extract_text().splitlines() == ["Bokslutsdemo AB – Faktura 1001",
                                                           "Period 2025-01-01 – 2025-12-31"]
