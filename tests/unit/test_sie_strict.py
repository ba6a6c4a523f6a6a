"""Strict and lenient reading (FORMAT.md §10), identification fields,
object and period balances, and #KSUMMA verification (FORMAT.md §6)."""

from __future__ import annotations

import zlib
from datetime import date
from decimal import Decimal

import pytest

from services.sie import SieDocument, SieError, read_sie
from services.sie.ksumma import ksumma_of
from services.sie.model import SieAddress, SieObjectBalance, SiePeriodBalance

from .sie_text import BANK_AND_SALES, IDENTIFICATION, YEAR_2024, sie_bytes
from .test_sie_corpus import SAMPLES

HEADER = (*IDENTIFICATION, YEAR_2024, *BANK_AND_SALES)
BODY = len(HEADER) + 1

BALANCED = ('#VER A 1 20240110 "Text"', "{", "#TRANS 1930 {} 100.00", "#TRANS 3010 {} -100.00", "}")


def data(*body: str, header: tuple[str, ...] = HEADER) -> bytes:
    return sie_bytes(*header, *body)


def strict_error(*body: str, header: tuple[str, ...] = HEADER) -> SieError:
    with pytest.raises(SieError) as exc:
        read_sie(data(*body, header=header), strict=True)
    return exc.value


def lenient(*body: str, header: tuple[str, ...] = HEADER) -> SieDocument:
    return read_sie(data(*body, header=header))


# ------------------------------------------------------------ strict mode


def test_a_clean_file_reads_the_same_in_strict_and_lenient_mode():
    assert read_sie(data(*BALANCED), strict=True) == lenient(*BALANCED)


def test_strict_is_keyword_only():
    with pytest.raises(TypeError):
        read_sie(data(), True)  # type: ignore[misc]


def test_strict_rejects_an_unbalanced_voucher_at_its_ver_line():
    err = strict_error('#VER A 1 20240110 ""', "{", "#TRANS 1930 {} 100", "}")
    assert (err.line, err.code) == (BODY, "unbalanced_voucher")
    assert err.message.startswith(f"Rad {BODY}: ")


def test_lenient_reads_an_unbalanced_voucher_with_a_warning():
    doc = lenient('#VER A 1 20240110 ""', "{", "#TRANS 1930 {} 100", "}")
    assert [(w.line, w.code) for w in doc.warnings] == [(BODY, "unbalanced_voucher")]


def test_strict_rejects_a_missing_open_brace():
    err = strict_error('#VER A 1 20240110 ""', "", "#TRANS 1930 {} 100", "#TRANS 3010 {} -100", "}")
    assert (err.line, err.code) == (BODY, "missing_open_brace")


def test_strict_rejects_an_unterminated_quote():
    err = strict_error('#KONTO 1510 "Kundfordringar')
    assert (err.line, err.code) == (BODY, "unterminated_quote")


def test_strict_rejects_an_iso_date():
    err = strict_error('#VER A 1 2024-01-10 ""', "{", "}")
    assert (err.line, err.code) == (BODY, "iso_date")


def test_strict_rejects_a_lower_case_label():
    assert strict_error('#konto 1510 "Kund"').code == "lowercase_label"


def test_strict_rejects_a_row_without_object_list():
    err = strict_error('#VER A 1 20240110 ""', "{", "#TRANS 1930 100", "#TRANS 3010 {} -100", "}")
    assert (err.line, err.code) == (BODY + 2, "missing_object_list")


def test_strict_rejects_a_non_numeric_account_on_a_row():
    err = strict_error('#VER A 1 20240110 ""', "{", "#TRANS DIFF {} 100", "#TRANS 3010 {} -100", "}")
    assert (err.line, err.code) == (BODY + 2, "non_numeric_account")


def test_strict_rejects_an_rtrans_without_its_shadow():
    err = strict_error('#VER A 1 20240110 ""', "{", "#RTRANS 1930 {} 100", "#TRANS 3010 {} -100", "}")
    assert (err.line, err.code) == (BODY + 2, "rtrans_without_shadow")


def test_strict_rejects_a_control_character_inside_a_string():
    err = strict_error('#KONTO 1510 "Kund\x07fordringar"')
    assert (err.line, err.code) == (BODY, "control_character")


def test_strict_rejects_a_tab_inside_a_quoted_string():
    err = strict_error('#KONTO 1510 "Kund\tfordringar"')
    assert (err.line, err.code) == (BODY, "control_character")


def test_strict_rejects_utf8_content_declared_pc8():
    raw = "\r\n".join((*HEADER, '#KONTO 1510 "Kundfordringar åäö"')).encode("utf-8")
    with pytest.raises(SieError) as exc:
        read_sie(raw, strict=True)
    assert exc.value.code == "encoding_mismatch"


def test_lenient_warns_when_encoding_and_format_disagree():
    raw = "\r\n".join((*HEADER, '#KONTO 1510 "Kundfordringar åäö"')).encode("utf-8")
    doc = read_sie(raw)
    assert doc.encoding == "utf-8"
    assert [w.code for w in doc.warnings] == ["encoding_mismatch"]


def test_strict_rejects_vouchers_in_type_1_to_3():
    header = tuple("#SIETYP 2" if h == "#SIETYP 4" else h for h in HEADER)
    err = strict_error(*BALANCED, header=header)
    assert (err.line, err.code) == (BODY, "vouchers_in_type")


@pytest.mark.parametrize("label", ["#PROGRAM", "#GEN", "#FNAMN", "#RAR", "#KONTO"])
def test_strict_rejects_a_missing_mandatory_record_of_4e(label):
    header = tuple(h for h in HEADER if not h.startswith(label + " "))
    err = strict_error("#UB 0 1930 100.00", header=header)
    assert (err.line, err.code) == (0, "missing_record")
    assert label in err.message


def test_strict_accepts_a_4i_file_without_rar_and_konto():
    header = tuple(h for h in HEADER if not h.startswith(("#RAR", "#KONTO")))
    doc = read_sie(data(*BALANCED, header=header), strict=True)
    assert doc.kind == "4I"


def test_strict_reads_an_unquoted_company_name_as_its_first_word():
    header = tuple("#FNAMN Bolaget AB" if h.startswith("#FNAMN") else h for h in HEADER)
    doc = read_sie(data(header=header), strict=True)
    assert doc.company_name == "Bolaget"


def test_strict_only_warns_about_an_orgnr_without_hyphen():
    doc = read_sie(data("#ORGNR 5560602345"), strict=True)
    assert [w.code for w in doc.warnings] == ["orgnr_format"]


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        ("BROKEN_avendo-5.20_ovnbolag_unbalanced-voucher.se", 3905, "unbalanced_voucher"),
        ("BROKEN_e-conomic_sie4_missing-open-brace.se", 1459, "missing_open_brace"),
        ("BROKEN_kassasystem_sie4i_bad-voucher-date.si", 8, "bad_date"),
        ("BROKEN_kassasystem_sie4i_trans-missing-amount.si", 10, "missing_amount"),
        ("BROKEN_not-sie_html-404-page.se", 1, "not_sie"),
    ],
)
def test_every_broken_corpus_file_is_rejected_in_strict_mode_at_the_damaged_line(name, line, code):
    path = SAMPLES / name
    if not path.exists():
        pytest.skip("SIE corpus absent")
    with pytest.raises(SieError) as exc:
        read_sie(path.read_bytes(), strict=True)
    assert (exc.value.line, exc.value.code) == (line, code)
    assert exc.value.message.startswith(f"Rad {line}: ")


def test_every_broken_corpus_file_is_covered_by_the_strict_test():
    covered = {
        "BROKEN_avendo-5.20_ovnbolag_unbalanced-voucher.se",
        "BROKEN_e-conomic_sie4_missing-open-brace.se",
        "BROKEN_kassasystem_sie4i_bad-voucher-date.si",
        "BROKEN_kassasystem_sie4i_trans-missing-amount.si",
        "BROKEN_not-sie_html-404-page.se",
    }
    if not SAMPLES.is_dir():
        pytest.skip("SIE corpus absent")
    assert {p.name for p in SAMPLES.glob("BROKEN_*")} == covered


# ------------------------------------------------------ identification


def test_address_has_four_fields_and_tolerates_three():
    assert lenient('#ADRESS "Anna" "Gatan 1" "123 45 Orten" "08-123"').address == SieAddress(
        "Anna", "Gatan 1", "123 45 Orten", "08-123"
    )
    assert lenient('#ADRESS "Anna" "Gatan 1" "123 45 Orten"').address.phone == ""


def test_taxar_and_omfattn_are_read():
    doc = lenient("#TAXAR 2025", "#OMFATTN 20241231")
    assert (doc.taxar, doc.omfattn) == (2025, date(2024, 12, 31))


def test_enhet_gives_the_account_its_unit():
    assert lenient("#ENHET 1930 st").accounts["1930"].unit == "st"


def test_every_sru_code_of_an_account_is_kept():
    account = lenient("#SRU 1930 7281", "#SRU 1930 7282").accounts["1930"]
    assert (account.sru, account.sru_codes) == ("7281", ("7281", "7282"))


def test_underdim_names_the_dimension_and_its_parent():
    doc = lenient('#DIM 1 "Kostnadsställe"', '#UNDERDIM 21 "Avdelning" 1')
    assert doc.dimensions["21"] == "Avdelning"
    assert doc.subdimensions == {"21": "1"}


def test_object_balances_are_read_per_year_and_object():
    doc = lenient('#OIB 0 1930 {1 "100"} 500.50', '#OUB -1 1930 {1 "100"} -20 3')
    assert doc.object_balances == [
        SieObjectBalance("OIB", 0, "1930", (("1", "100"),), 50050),
        SieObjectBalance("OUB", -1, "1930", (("1", "100"),), -2000, Decimal(3)),
    ]


def test_period_balances_are_read_with_period_and_objects():
    doc = lenient("#PSALDO 0 202401 3010 {} -100.00 0", '#PBUDGET 0 202402 3010 {6 "P1"} 50')
    assert doc.period_balances == [
        SiePeriodBalance("PSALDO", 0, "202401", "3010", (), -10000, Decimal(0)),
        SiePeriodBalance("PBUDGET", 0, "202402", "3010", (("6", "P1"),), 5000),
    ]


def test_period_balance_without_object_list_is_read_with_a_warning():
    doc = lenient("#PSALDO 0 202401 3010 -100.00")
    assert doc.period_balances[0].amount_ore == -10000
    assert [w.code for w in doc.warnings] == ["missing_object_list"]


def test_period_balance_with_a_bad_period_is_skipped_with_a_warning():
    doc = lenient("#PBUDGET 0 1119 201701 -1666.00")  # BL Administration 2018
    assert doc.period_balances == []
    assert [w.code for w in doc.warnings] == ["bad_period"]


def test_kind_is_4e_with_balances_and_4i_without():
    assert lenient("#UB 0 1930 100").kind == "4E"
    assert lenient(*BALANCED).kind == "4I"


# ------------------------------------------------------------- #KSUMMA


def with_ksumma(body: list[str], value: int | None) -> bytes:
    lines = ["#FLAGGA 0", "#KSUMMA", *HEADER[1:], *body]
    if value is not None:
        lines.append(f"#KSUMMA {value}")
    return "\r\n".join(lines).encode("cp437")


def test_ksumma_of_feeds_label_and_field_contents_without_separators_quotes_or_braces():
    lines = ['#TRANS 1930 {1 "100"} 12.50 "" "Text \\"x\\""', "{", "}"]
    assert ksumma_of(lines) == zlib.crc32(b'#TRANS1930110012.50Text "x"')


def test_ksumma_of_accepts_cp437_bytes():
    assert ksumma_of(['#KONTO 1930 "Bankkonto å"'.encode("cp437")]) == zlib.crc32(
        "#KONTO1930Bankkonto å".encode("cp437")
    )


def test_ksumma_matching_the_content_is_verified():
    body = list(BALANCED)
    value = ksumma_of([*HEADER[1:], *body])
    assert read_sie(with_ksumma(body, value), strict=True).ksumma == "verified"


def test_ksumma_not_matching_is_a_mismatch_warning_in_lenient_mode():
    doc = read_sie(with_ksumma(list(BALANCED), 12345))
    assert doc.ksumma == "mismatch"
    assert [w.code for w in doc.warnings] == ["ksumma_mismatch"]


def test_ksumma_mismatch_is_rejected_in_strict_mode_at_the_closing_record():
    raw = with_ksumma(list(BALANCED), 12345)
    with pytest.raises(SieError) as exc:
        read_sie(raw, strict=True)
    assert (exc.value.line, exc.value.code) == (len(HEADER) + 1 + len(BALANCED) + 1, "ksumma_mismatch")


def test_ksumma_opened_but_never_closed_is_rejected_in_strict_mode():
    with pytest.raises(SieError) as exc:
        read_sie(with_ksumma(list(BALANCED), None), strict=True)
    assert (exc.value.line, exc.value.code) == (2, "ksumma_not_closed")


def test_file_without_ksumma_reports_absent():
    assert lenient(*BALANCED).ksumma == "absent"


def test_ksumma_of_every_corpus_file_with_one_matches_its_stored_value():
    files = sorted(SAMPLES.glob("*ksumma*"))
    if not files:
        pytest.skip("SIE corpus absent")
    for path in files:
        lines = path.read_bytes().decode("cp437").splitlines()
        marks = [i for i, s in enumerate(lines) if s.strip().startswith("#KSUMMA")]
        stored = int(lines[marks[-1]].split()[1])
        assert ksumma_of(lines[marks[0] + 1 : marks[-1]]) == stored, path.name
