"""The SIE record tokenizer (FORMAT.md §4): one line in, label and fields out."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from services.sie import SieError
from services.sie.encoding import decode
from services.sie.tokenizer import _scan, tokenize_line

SAMPLES = Path(
    os.environ.get("SIE_SAMPLES")
    or Path(__file__).resolve().parents[3] / "shared" / "sie-samples"
)


def fields(line: str) -> list:
    return tokenize_line(line).fields


# --------------------------------------------------------------- bare words


def test_label_and_bare_words_are_split_on_spaces():
    rec = tokenize_line("#RAR 0 20200101 20201231")
    assert rec.label == "#RAR"
    assert rec.fields == ["0", "20200101", "20201231"]


def test_label_is_returned_as_written():
    assert tokenize_line("#trans 1930 {} 1").label == "#trans"


@pytest.mark.parametrize(
    "line",
    ["#FLAGGA\t\t0", "#FLAGGA  0", "#FLAGGA \t 0", "#FLAGGA\t0"],
    ids=["double tab", "double space", "mixed", "single tab"],
)
def test_any_run_of_spaces_and_tabs_separates_fields(line):
    rec = tokenize_line(line)
    assert (rec.label, rec.fields) == ("#FLAGGA", ["0"])


def test_leading_and_trailing_whitespace_is_ignored():
    rec = tokenize_line('\t  #TRANS 1930 {} -100.00 "" "" 0 \t\r\n')
    assert rec.label == "#TRANS"
    assert rec.fields == ["1930", (), "-100.00", "", "", "0"]


def test_blank_line_has_no_label_and_no_fields():
    rec = tokenize_line(" \t ")
    assert (rec.label, rec.fields) == ("", [])


def test_backslash_and_quote_inside_a_bare_word_are_literal():
    assert fields('#PROSA \\"muu\\" Leverant"rsskulder') == ['\\"muu\\"', 'Leverant"rsskulder']


def test_identifiers_keep_leading_zeros():
    assert fields("#KONTO 0027 27") == ["0027", "27"]


# ----------------------------------------------------------- quoted strings


def test_quoted_string_keeps_its_spaces():
    assert fields('#FNAMN "Datakonsulterna AB"') == ["Datakonsulterna AB"]


def test_quoted_string_keeps_inner_runs_of_spaces():
    assert fields('#TRANS 3010 {} -1 20140127 "260    aaaa"')[-1] == "260    aaaa"


def test_empty_quoted_string_is_an_empty_field():
    assert fields('#TRANS 1930 {} 12559 "" "" 0') == ["1930", (), "12559", "", "", "0"]


def test_quoted_fields_are_reported_by_index():
    rec = tokenize_line('#TRANS 1930 {} 12559 "" "x" 0')
    assert rec.quoted == (3, 4)


def test_quoted_number_is_unquoted():
    assert fields('#FORMAT "PC8"') == ["PC8"]


def test_escaped_quote_inside_a_quoted_string():
    line = '#PROGRAM "Visma Administration \\"2000\\" med Visma Integration" 2022.2'
    assert fields(line) == ['Visma Administration "2000" med Visma Integration', "2022.2"]


def test_escaped_quote_at_the_end_of_a_quoted_string():
    line = '#PROSA "Exporterat av \\"Norstedts Revision\\""'
    assert fields(line) == ['Exporterat av "Norstedts Revision"']


def test_escaped_quote_may_be_unbalanced():
    line = '#VER A 682 20200305 "Kundbet Stiftelsen \\"Solhemmet för" 20200306'
    assert fields(line)[3] == 'Kundbet Stiftelsen "Solhemmet för'


def test_backslash_not_followed_by_quote_is_literal():
    line = '#TRANS 1229 {} -133 20090731 "1820\\A012 Cykel"'
    assert fields(line)[-1] == "1820\\A012 Cykel"


def test_double_backslash_is_kept_as_two_characters():
    assert fields('#PROSA "C:\\\\temp x"') == ["C:\\\\temp x"]


def test_quote_inside_a_word_does_not_close_the_string_and_warns():
    # SoftOne XE writes ö as '"': "Fordringar hos leverant"r"
    rec = tokenize_line('#KONTO\t1684 "Fordringar hos leverant"r"', 220)
    assert rec.fields == ["1684", 'Fordringar hos leverant"r']
    assert [(w.line, w.code) for w in rec.warnings] == [(220, "stray_quote")]


def test_unterminated_quote_runs_to_end_of_line_with_a_warning():
    line = '#TRANS 3010 {"1" "654321"} -900.00 20140127 "260    aaaaaaaaaaaaaaaa'
    rec = tokenize_line(line, 1041)
    assert rec.fields[-1] == "260    aaaaaaaaaaaaaaaa"
    assert [(w.line, w.code) for w in rec.warnings] == [(1041, "unterminated_quote")]
    assert rec.warnings[0].message.startswith("Rad 1041: ")


def test_well_formed_line_has_no_warnings():
    assert tokenize_line('#VER A 1 20200101 "Text" 20200102').warnings == []


# ------------------------------------------------------------- object lists


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("{}", ()),
        ("{ }", ()),
        ('{1 "100"}', (("1", "100"),)),
        ('{6 "P1040"}', (("6", "P1040"),)),
        ('{"1" "456" "7" "47"}', (("1", "456"), ("7", "47"))),
        ('{ "1" "1010"}', (("1", "1010"),)),
        ("{1 1}", (("1", "1"),)),
        ('{1 "100" 6 "P100"}', (("1", "100"), ("6", "P100"))),
        ("{1\t1}", (("1", "1"),)),
    ],
    ids=["empty", "space", "quoted object", "project", "all quoted", "BL leading space",
         "SoftOne unquoted", "two dimensions", "tab inside"],
)
def test_object_list_spellings_give_dimension_object_pairs(written, expected):
    assert fields(f"#TRANS 3010 {written} -500 20100122") == ["3010", expected, "-500", "20100122"]


def test_object_list_followed_by_a_tab():
    assert fields("\t#TRANS\t3010 {1 1}\t-2000.00") == ["3010", (("1", "1"),), "-2000.00"]


def test_quoted_object_id_may_contain_brace_and_space():
    assert fields('#TRANS 1 {1 "a}b" 6 "c d"} 5') == ["1", (("1", "a}b"), ("6", "c d")), "5"]


def test_object_id_keeps_leading_zeros():
    assert fields('#TRANS 1 {6 "0724"} 5')[1] == (("6", "0724"),)


def test_odd_number_of_object_tokens_is_an_error_naming_the_line():
    with pytest.raises(SieError) as exc:
        tokenize_line('#TRANS 1930 {1 "100" 6} 5', 33)
    assert (exc.value.line, exc.value.code) == (33, "odd_object_list")
    assert exc.value.message.startswith("Rad 33: ")


def test_unterminated_object_list_runs_to_end_of_line_with_a_warning():
    rec = tokenize_line('#TRANS 1930 {1 "100"', 4)
    assert rec.fields == ["1930", (("1", "100"),)]
    assert [w.code for w in rec.warnings] == ["unterminated_object_list"]


# --------------------------------------------------- fast path = careful path


def _corpus_record_lines():
    for path in sorted(SAMPLES.glob("*.s[ei]")):
        text, _ = decode(path.read_bytes())
        for raw in text.split("\n"):
            s = raw.strip(" \t\r")
            if s.startswith("#"):
                yield s


def test_fast_path_and_careful_scanner_agree_on_every_corpus_line():
    lines = list(_corpus_record_lines())
    assert len(lines) > 40_000
    for s in lines:
        fast, careful = tokenize_line(s), _scan(s, 0)
        assert (fast.label, fast.fields, fast.quoted) == (
            careful.label,
            careful.fields,
            careful.quoted,
        ), s


@pytest.mark.parametrize(
    "line",
    [
        '#TRANS 3010 {"1" "654321" "6" "123456"}  -900.00  20140127 "x y"',
        '#TRANS 1 {1 "a}b" 6 "c d"} 5',
        '#TRANS 1 { "1" "1010"} -5 "" ',
        '#TRANS 1 {1 "100"} 5 "{x}" {6 "P"}',
        '#X {} {} "" {1 2}',
        '#X "{" "}" {"}" "{"}',
        '#X {"" "a" "b" ""}x',
        '#X a"b {1 "2"}',
        '#TRANS 1 {1 "a"b} 5',
        '#X "a\\"b" "c\\d"',
        '"#X" a',
    ],
)
def test_fast_path_and_careful_scanner_agree_on_tricky_lines(line):
    fast, careful = tokenize_line(line), _scan(line, 0)
    assert (fast.label, fast.fields, fast.quoted) == (careful.label, careful.fields, careful.quoted)
