"""Streaming: ``check`` reads the file in chunks, and the chunked line source
gives exactly what reading the bytes in memory gives.

Speed and memory are measured in ``benchmarks/sie_parse.py``, not here.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import services.sie.__main__ as command
from services.sie import SieError, read_sie
from services.sie.checks import Checker
from services.sie.encoding import detect_encoding
from services.sie.reader import read_lines
from services.sie.source import CHUNK, LineSource, prescan_bytes, prescan_file

from .test_sie_corpus import SAMPLES

CORPUS = sorted(SAMPLES.glob("*.s[ei]"))

HEAD = [
    "#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "T" 1', "#GEN 20240101", '#FNAMN "Bolaget AB"',
    "#RAR 0 20240101 20241231", '#KONTO 1930 "Företagskonto"', '#KONTO 3010 "Försäljning"',
]

# Byte strings that exercise the encoding rules, line ends and chunk borders.
ODD_FILES = [
    b"",
    b"\r\n\r\n",
    b"#FLAGGA 0\r#SIETYP 4\r#FNAMN \"\x94\"\r",  # old Mac line ends, CP437
    b"\xef\xbb\xbf#FLAGGA 0\n#FNAMN \"\xc3\xa5\xff\"\n",  # BOM, then invalid UTF-8
    b"#FLAGGA 0\n#FNAMN \"\xc3\xa5ngstr\xc3\xb6m\"\n",  # UTF-8
    b"#FLAGGA 0\n#FNAMN \"\xe5\xe4\xf6\"\n#KONTO 1 \"\x86\"\n",  # Latin-1 wins
    b"#FLAGGA 0\n#FNAMN \"\x86\x84\"\n#KONTO 1 \"\xe5\"\n",  # CP437 wins
    b"#FLAGGA 0\r\n#FNAMN \"a\x01b\"\r\n#KONTO 1 \"\x7f\"\r\n",  # control characters
    b"#FLAGGA 0\r#FNAMN \"a\"\r#KONTO 1 \"\x02\"\r",  # control character, Mac line ends
    b"#FLAGGA 0\n#FNAMN \"\xef\xbf\xbd\"\n",  # a U+FFFD written in the file
    b"#FLAGGA 0\n#FNAMN \"\xe2\x82\"\n#KONTO 1 \"\xac\"",  # UTF-8 cut in the middle
]


def sie(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("cp437")


class ChunkOnlyFile(io.BytesIO):
    """A binary file that refuses to be read whole or in large pieces."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.reads = 0

    def read(self, size: int | None = -1) -> bytes:  # type: ignore[override]
        assert size is not None and 0 < size <= CHUNK, "the whole file was asked for"
        self.reads += 1
        return super().read(size)

    def readall(self) -> bytes:
        raise AssertionError("the whole file was asked for")

    def getvalue(self) -> bytes:
        raise AssertionError("the whole file was asked for")


def read_in_memory(data: bytes, strict: bool = False):
    return read_sie(data, strict=strict)


def read_streamed(data: bytes, chunk_size: int, strict: bool = False):
    """``read_sie(data, strict)``, but from a file read ``chunk_size`` bytes at a time."""
    return read_lines(LineSource.from_file(io.BytesIO(data), chunk_size), strict=strict)


@pytest.mark.parametrize("data", ODD_FILES)
@pytest.mark.parametrize("chunk_size", [1, 2, 3, 7, 64, CHUNK])
def test_prescan_of_a_file_in_chunks_agrees_with_the_bytes(data, chunk_size):
    whole = prescan_bytes(data)
    streamed = prescan_file(io.BytesIO(data), chunk_size)
    assert whole.encoding == detect_encoding(data)
    assert (streamed.encoding, streamed.bom, streamed.mac, streamed.control) == (
        whole.encoding, whole.bom, whole.mac, whole.control,
    )


@pytest.mark.parametrize("data", ODD_FILES)
@pytest.mark.parametrize("chunk_size", [1, 2, 5, 64, CHUNK])
def test_line_source_gives_the_lines_of_the_whole_decoded_text(data, chunk_size):
    source = LineSource.from_file(io.BytesIO(data), chunk_size)
    lines = [line for block in source for line in block]
    text = data.decode(source.encoding, "replace")
    if source.prescan.bom:
        text = text[1:]
    assert lines == (text.split("\r") if source.prescan.mac else text.split("\n"))
    bad = text.find("\ufffd")
    assert source.replacement_line == (None if bad < 0 else text.count("\n", 0, bad) + 1)


def _outcome(read, *args):
    try:
        doc = read(*args)
    except SieError as exc:
        return ("error", exc.line, exc.code, exc.message)
    return ("doc", doc)


@pytest.mark.parametrize("data", ODD_FILES)
@pytest.mark.parametrize("strict", [False, True])
def test_reading_odd_bytes_in_chunks_is_reading_them_in_memory(data, strict):
    expected = _outcome(read_in_memory, data, strict)
    for chunk_size in (1, 3, 64):
        assert _outcome(read_streamed, data, chunk_size, strict) == expected


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_reading_a_corpus_file_in_chunks_is_reading_it_in_memory(path):
    data = path.read_bytes()
    for strict in (False, True):
        assert _outcome(read_streamed, data, 4096, strict) == _outcome(read_in_memory, data, strict)


def test_check_is_handed_the_path_and_only_reads_chunks(tmp_path, monkeypatch):
    vouchers = []
    for i in range(1, 301):
        vouchers += [f'#VER A {i} 20240110 "Text {i}"', "{", "#TRANS 1930 {} 100.00", "#TRANS 3010 {} -100.00", "}"]
    path = tmp_path / "stor.se"
    path.write_bytes(sie(*HEAD, *vouchers))
    opened: list[ChunkOnlyFile] = []

    def fake_open(file, mode="r", *args, **kwargs):
        assert (str(file), mode) == (str(path), "rb")
        fh = ChunkOnlyFile(Path(file).read_bytes())
        opened.append(fh)
        return fh

    def no_read_sie(*args, **kwargs):
        raise AssertionError("check must not read the file into memory")

    monkeypatch.setattr(command, "open", fake_open, raising=False)
    monkeypatch.setattr("services.sie.reader.read_sie", no_read_sie)
    status, report = command.check_file(str(path))
    assert status == 0
    assert (report["vouchers"], report["transactions"]) == (300, 600)
    assert report["sum_by_account"] == {"1930": "30000.00", "3010": "-30000.00"}
    assert len(opened) == 1 and opened[0].reads >= 2  # encoding pass, then the records


def test_check_keeps_no_voucher(tmp_path):
    lines = [*HEAD, '#VER A 1 20240110 "T"', "{", "#TRANS 1930 {} 1", "#TRANS 3010 {} -1", "}"]
    checker = Checker()
    with open(tmp_path.joinpath("a.se"), "wb") as out:
        out.write(sie(*lines))
    with open(tmp_path.joinpath("a.se"), "rb") as fh:
        doc = command.check_stream(fh, checker)
    assert doc.vouchers == [] and doc.voucher_count == 1 and checker.transactions == 2


# The block path (blocks.py: whole voucher blocks matched in the decoded text)
# must give exactly what the careful path (lines.py: the tokenizer, line by
# line) gives. Old-Mac line ends ("\r" only) always take the careful path.
BLOCK_ROWS = [
    '#TRANS 1930 {} 1250.00 "" "Faktura 12" 0',
    '#TRANS 3010 {1 "100" 6 "P 1"} -1000.5 20240110 "Text" 2.50 "Anna"',
    '#TRANS 3010 {1 ""} -1 "" ""',
    '\t#TRANS\t2611  {  }\t-0.07 20240110 ',
    '  #TRANS 2611 {"1" "456"\t7 47} 7 "" "" ""',
    '#TRANS 2611 {} 7 "" "Kund \\"Solhemmet\\" AB" "" Anna',
    '#TRANS 1229 {} -133 20090731 "1820\\A012 Cykel" ',
    '#TRANS 2941 {}      17240    20090701 Återföring',
    '#RTRANS 1510 {} 5.00 "" "" 0 "Anna"',
    '#TRANS 1510 {} 5.00 "" "" 0',
    '#BTRANS 1510 {} 4.00 20240111 "borttagen" 0 "Anna"',
    '#TRANS 1510 {} -9.00',
]
BLOCK_HEADS = [
    '#VER A 1 20240110 "Text" 20240111',
    '#VER "" 7 20240110 ""',
    '#VER B 0012 20240110 "Med \'citat\' och \\"citattecken\\"" "" "Anna"',
    '#VER\t"1"\t"1"\t20100107\t"Mässan, 12"\t',
    '#VER # 1 20090731',
]


def careful(data: bytes) -> bytes:
    """The same file with old-Mac line ends, which the careful path reads."""
    return data.replace(b"\r\n", b"\r").replace(b"\n", b"\r")


@pytest.mark.parametrize("head", BLOCK_HEADS)
@pytest.mark.parametrize("ksumma", [False, True])
def test_the_block_path_reads_what_the_tokenizer_reads(head, ksumma):
    top = HEAD[:1] + (["#KSUMMA"] if ksumma else []) + HEAD[1:]
    tail = ["#KSUMMA 1"] if ksumma else []
    data = sie(*top, head, "{", *BLOCK_ROWS, "}", head, " {\t", *BLOCK_ROWS[:3], "}\t", *tail)
    fast = read_sie(data)
    assert fast == read_sie(careful(data))
    assert [len(v.transactions) for v in fast.vouchers] == [len(BLOCK_ROWS), 3]


def _lines_read(data: bytes, strict: bool):
    """The outcome, but for the line of lost characters (U+FFFD), which the
    careful path's old-Mac line ends cannot count in "\\n" lines."""
    outcome = _outcome(read_in_memory, data, strict)
    if outcome[0] == "doc":
        outcome[1].warnings = [w for w in outcome[1].warnings if w.code != "replacement_characters"]
    return outcome


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_corpus_file_reads_the_same_on_the_careful_path(path):
    data = path.read_bytes()
    for strict in (False, True):
        assert _lines_read(data, strict) == _lines_read(careful(data), strict)


@pytest.mark.parametrize(
    "bad",
    ['#TRANS 1930 {} 1.00 20241340 "" 0', "#TRANS 1930 {} 1.00 20240230", "#TRANS 1930 {} .5",
     "#TRANS 1930 {} 12345678901234567890.00", '#TRANS 1930 {} 1.00 "" "ej \\"stängd',
     "#TRANS FEL {} 1.00", '#TRANS "1930" {} 1.00'],
)
def test_block_path_errors_and_warnings_are_those_of_the_careful_path(bad):
    data = sie(*HEAD, '#VER A 1 20240110 ""', "{", bad, "#TRANS 3010 {} -1.00", "}")
    for strict in (False, True):
        assert _outcome(read_in_memory, data, strict) == _outcome(read_in_memory, careful(data), strict)


def test_an_rtrans_without_its_shadow_is_read_by_the_careful_path_with_its_warning():
    data = sie(*HEAD, '#VER A 1 20240110 ""', "{", '#RTRANS 1930 {} 5.00 "" "" 0 "Anna"',
               "#TRANS 3010 {} -5.00", "}")
    doc = read_sie(data)
    assert doc == read_sie(careful(data))
    assert [w.code for w in doc.warnings] == ["rtrans_without_shadow"]


def test_a_row_whose_account_is_no_number_is_read_by_the_block_path_with_its_warning():
    data = sie(*HEAD, '#VER A 1 20240110 ""', "{", "#TRANS FEL {} 5.00", "#TRANS 3010 {} -5.00", "}")
    doc = read_sie(data)
    assert doc == read_sie(careful(data))
    assert [(w.line, w.code) for w in doc.warnings] == [(len(HEAD) + 3, "non_numeric_account")]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_check_reports_the_same_whether_rows_come_as_columns_or_as_vouchers(path, tmp_path):
    """``check`` takes plain blocks as columns (no row objects); the careful
    path hands it every voucher built: the report must be the same."""
    mac = tmp_path / path.name
    mac.write_bytes(careful(path.read_bytes()))
    for strict in (False, True):
        status, report = command.check_file(str(path), strict=strict)
        mac_status, mac_report = command.check_file(str(mac), strict=strict)
        for r in (report, mac_report):
            r.pop("file")
            for kind in ("errors", "warnings"):  # old-Mac lines cannot count U+FFFD's line
                r[kind] = [m for m in r[kind] if m["code"] != "replacement_characters"]
        assert (status, report) == (mac_status, mac_report)
