"""Random and mutated bytes never raise anything but SieError (both modes)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.sie import SieDocument, SieError, read_sie
from services.sie.checks import check_document
from tests.hypothesis_budget import examples

from .test_sie_corpus import GOOD_FILES, SAMPLES

SEEDS = [
    (SAMPLES / name).read_bytes()
    for name in (
        "synthetic_barsoom_unknown-label-momskod.se",
        "norstedts-bokslut-2011_sie4i_ksumma.si",
        "bl-administration-2011_sie4e_rtrans-btrans.se",
        "softone-business-2016_sie4e_unterminated-quote.se",
        "bl-administration-2021.2_sie4e_utf8-crlf.se",
    )
    if (SAMPLES / name).exists()
] or [b'#FLAGGA 0\r\n#SIETYP 4\r\n#VER A 1 20240101 ""\r\n{\r\n#TRANS 1930 {1 "x"} 1\r\n}\r\n']

FAST = settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read_both_modes(data: bytes) -> None:
    for strict in (False, True):
        try:
            doc = read_sie(data, strict=strict)
        except SieError as exc:
            assert isinstance(exc.line, int) and exc.code and exc.message
            continue
        assert isinstance(doc, SieDocument)
        check_document(doc)


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


@st.composite
def mutated(draw) -> bytes:
    seed = draw(st.sampled_from(SEEDS))
    # Keep the mutated files short so each example is quick.
    lines = _lines(seed)[: draw(st.integers(5, 60))]
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "delete", "duplicate", "insert"]))
        i = draw(st.integers(0, len(lines) - 1)) if lines else 0
        if op == "delete" and lines:
            del lines[i]
        elif op == "duplicate" and lines:
            lines.insert(i, lines[i])
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from([b"{", b"}", b"#TRANS 1930", b'#VER "', b"#KSUMMA", b"#KSUMMA 1", b"\x00", b"{1 \"x"])))
        elif lines and lines[i]:
            line = bytearray(lines[i])
            j = draw(st.integers(0, len(line) - 1))
            line[j] = draw(st.integers(0, 255))
            lines[i] = bytes(line)
    data = b"\n".join(lines)
    return data[: draw(st.integers(0, len(data)))] if draw(st.booleans()) else data


@FAST
@given(st.binary(max_size=400))
def test_random_bytes_raise_only_sie_error(data):
    read_both_modes(data)


@FAST
@given(st.lists(st.sampled_from([b"#FLAGGA 0", b"#VER A 1 20240101", b"{", b"}", b"#TRANS 1930 {} 1",
                                 b"#RTRANS 1930 {} 1", b"#KSUMMA", b"#RAR 0 20240101 20241231",
                                 b'#OIB 0 1930 {1 "a"} 1', b"#PSALDO 0 202401 1930 {} 1", b"#UB 0 1930 x",
                                 b'"', b"\t", b"#SIETYP 9", b"#KONTO", b"#ADRESS"]), max_size=30))
def test_random_record_sequences_raise_only_sie_error(lines):
    read_both_modes(b"\r\n".join(lines))


@FAST
@given(mutated())
def test_mutated_corpus_files_raise_only_sie_error(data):
    read_both_modes(data)


def test_corpus_is_used_as_seed_when_present():
    assert len(SEEDS) == 5 or not GOOD_FILES
