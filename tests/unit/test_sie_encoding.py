"""Character-set detection for SIE files (FORMAT.md §2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.sie import read_sie
from services.sie.encoding import decode, detect_encoding

SAMPLES = Path(
    os.environ.get("SIE_SAMPLES")
    or Path(__file__).resolve().parents[3] / "shared" / "sie-samples"
)

# Everything else in the corpus is CP437 (or plain ASCII, which reads as CP437).
UTF8_FILES = {
    "bl-administration-2021.2_sie4e_utf8-crlf.se",
    "sie-gruppen_exempelfil_underdim_utf8_sie4e.se",
    "kassasystem_sie4i_escaped-quotes-unquoted-name.si",
    "BROKEN_kassasystem_sie4i_bad-voucher-date.si",
    "BROKEN_kassasystem_sie4i_trans-missing-amount.si",
}
LATIN1_FILES = {"bl-administration-2018_sie4e_iso-8859-15.se"}


# ------------------------------------------------------------ the byte rules


def test_pure_ascii_is_cp437():
    assert decode(b"#FLAGGA 0\r\n#FNAMN \"Foocorp\"\r\n") == (
        '#FLAGGA 0\r\n#FNAMN "Foocorp"\r\n',
        "cp437",
    )


def test_cp437_swedish_letters_decode():
    assert decode(b"#FNAMN \"\x99vningsf\x94retaget p\x86 \x84ng\"") == (
        '#FNAMN "Övningsföretaget på äng"',
        "cp437",
    )


def test_valid_utf8_with_non_ascii_bytes_is_utf8():
    assert decode('#FNAMN "Övningsbolaget"'.encode()) == ('#FNAMN "Övningsbolaget"', "utf-8")


def test_utf8_byte_order_mark_means_utf8_and_is_dropped():
    text, encoding = decode(b"\xef\xbb\xbf#FLAGGA 0\n")
    assert (text, encoding) == ("#FLAGGA 0\n", "utf-8")


def test_latin1_letters_outnumbering_cp437_letters_mean_latin1():
    data = '#KONTO 1930 "Checkräkningskonto"\n#KONTO 2440 "Leverantörsskulder"\n'.encode("latin-1")
    assert decode(data) == (data.decode("latin-1"), "latin-1")


def test_a_tie_between_letter_counts_is_cp437():
    # One CP437 ä (0x84) and one Latin-1 ä (0xE4): the standard's charset wins.
    assert detect_encoding(b"#PROSA \x84 \xe4") == "cp437"


def test_cp437_text_is_never_mistaken_for_utf8():
    data = "#FNAMN \"Företagskonto åäö ÅÄÖ\"".encode("cp437")
    assert detect_encoding(data) == "cp437"


# -------------------------------------------------------------- the corpus


def _corpus():
    return sorted(SAMPLES.glob("*.s[ei]"))


@pytest.mark.parametrize("path", _corpus(), ids=lambda p: p.name)
def test_corpus_file_encoding_is_detected(path):
    expected = "utf-8" if path.name in UTF8_FILES else "latin-1" if path.name in LATIN1_FILES else "cp437"
    assert detect_encoding(path.read_bytes()) == expected


def test_fortnox_cp437_file_reads_swedish_letters():
    doc = read_sie((SAMPLES / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se").read_bytes())
    assert doc.encoding == "cp437"
    assert doc.accounts["1011"].name == "Balanserade utgifter för forskning och utveckling"
    assert doc.accounts["1930"].name == "Checkräkningskonto"
    assert doc.accounts["6310"].name == "Företagsförsäkringar"


def test_iso_8859_15_bl_2018_file_reads_swedish_letters():
    doc = read_sie((SAMPLES / "bl-administration-2018_sie4e_iso-8859-15.se").read_bytes())
    assert doc.encoding == "latin-1"
    assert doc.company_name == "Övningsföretaget AB"
    assert doc.accounts["1930"].name == "Checkräkningskonto"
    assert doc.accounts["2440"].name == "Leverantörsskulder"


def test_utf8_file_reads_swedish_letters():
    doc = read_sie((SAMPLES / "kassasystem_sie4i_escaped-quotes-unquoted-name.si").read_bytes())
    assert doc.encoding == "utf-8"
    assert doc.company_name == "Övningsbolaget AB"
    assert doc.vouchers[0].text == 'Försäljning 25% "DF:157"'


def test_utf8_bl_2021_file_is_utf8_but_its_letters_were_lost_before_export():
    # The file is valid UTF-8, but every å/ä/ö in it is already U+FFFD
    # (EF BF BD): the damage happened before the file was saved. The reader
    # detects UTF-8 correctly and says so in a warning.
    doc = read_sie((SAMPLES / "bl-administration-2021.2_sie4e_utf8-crlf.se").read_bytes())
    assert doc.encoding == "utf-8"
    assert doc.accounts["2440"].name == "Leverant\ufffdrsskulder"
    assert "replacement_characters" in {w.code for w in doc.warnings}


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("bl-administration-2021.2_sie4e_utf8-crlf.se", "utf-8"),
        ("bl-administration-2018_sie4e_iso-8859-15.se", "latin-1"),
    ],
)
def test_pc8_declared_but_other_encoding_gives_a_warning(name, encoding):
    doc = read_sie((SAMPLES / name).read_bytes())
    assert doc.format == "PC8"
    assert doc.encoding == encoding
    assert "encoding_mismatch" in {w.code for w in doc.warnings}


def test_true_cp437_file_has_no_encoding_warning():
    doc = read_sie((SAMPLES / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se").read_bytes())
    assert doc.warnings == []


def test_encoding_mismatch_names_the_format_line():
    data = "\r\n".join(["#FLAGGA 0", "#SIETYP 4", '#PROGRAM "P" 1', "#FORMAT PC8", '#FNAMN "Åkeri"']).encode("utf-8")
    [warning] = [w for w in read_sie(data).warnings if w.code == "encoding_mismatch"]
    assert warning.line == 4
    assert warning.message.startswith("Rad 4: #FORMAT")
