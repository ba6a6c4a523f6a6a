"""The SIE reader: records to a SieDocument, one behaviour per test.

Small hand-written files keep each rule visible; the real exporter files are
exercised in test_sie_corpus.py.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

import services.sie as sie_api
from services.sie import (
    SieAccount,
    SieBalance,
    SieDocument,
    SieError,
    SieMessage,
    SieTransaction,
    SieVoucher,
    SieYear,
    read_sie,
)
from services.sie.amounts import ORE_MAX, ore_fits_store
from services.sie.reader import parse_amount_ore

from .sie_text import IDENTIFICATION, sie_bytes

HEADER = IDENTIFICATION
BODY = len(HEADER) + 1  # line number of the first body line


def read(*body: str) -> SieDocument:
    return read_sie(sie_bytes(*HEADER, *body))


def codes(doc: SieDocument) -> list[str]:
    return [w.code for w in doc.warnings]


def voucher(*rows: str, head: str = '#VER A 1 20240110 "Text" 20240111') -> tuple[str, ...]:
    return (head, "{", *rows, "}")


def raises(*body: str) -> SieError:
    with pytest.raises(SieError) as exc:
        read(*body)
    return exc.value


# ------------------------------------------------------------- public API


def test_package_exports_the_public_api():
    assert set(sie_api.__all__) == {
        "read_sie", "SieDocument", "SieVoucher", "SieTransaction", "SieAccount",
        "SieBalance", "SieYear", "SieMessage", "SieError",
        "write_sie", "write_vouchers_4i", "SieWriteResult", "SieWriteError",
    }


def test_services_sie_does_not_import_streamlit():
    code = "import sys, services.sie; sys.exit('streamlit' in sys.modules)"
    root = Path(__file__).resolve().parents[2]
    assert subprocess.run([sys.executable, "-c", code], cwd=root).returncode == 0


def test_sie_error_carries_line_code_and_swedish_message():
    err = raises(*voucher("#TRANS 1930 {} 12,50"))
    assert (err.line, err.code) == (BODY + 2, "bad_amount")
    assert err.message == (
        f'Rad {BODY + 2}: beloppet "12,50" är inte ett giltigt SIE-belopp '
        "(punkt som decimaltecken, högst två decimaler)."
    )
    assert str(err) == err.message


# ----------------------------------------------------------------- header


def test_header_records_fill_the_document():
    doc = read('#FNR "0123"', "#ORGNR 556639-1537", "#KPTYP EUBAS97", "#VALUTA SEK")
    assert doc.format == "PC8"
    assert doc.sietype == 4
    assert (doc.program, doc.program_version) == ("Testprogram", "1.0")
    assert doc.generated == date(2024, 1, 15)
    assert doc.company_name == "Bolaget AB"
    assert (doc.orgnr, doc.fnr, doc.kptyp, doc.currency) == ("556639-1537", "0123", "EUBAS97", "SEK")
    assert doc.warnings == []


def test_header_records_may_come_in_any_order():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#ORGNR 556639-1537", '#FNAMN "X"', "#SIETYP 2",
                             "#GEN 20240101", '#PROGRAM "P" 2', "#FORMAT PC8"))
    assert (doc.sietype, doc.program, doc.orgnr, doc.company_name) == (2, "P", "556639-1537", "X")
    assert doc.warnings == []


def test_a_headerless_fragment_with_vouchers_is_read_as_type_4_with_a_warning():
    doc = read_sie(sie_bytes(*voucher("#TRANS 1930 {} 1.00", "#TRANS 3010 {} -1.00")))
    assert doc.sietype == 4 and doc.voucher_count == 1
    assert {"missing_header", "missing_sietype", "missing_flagga"} <= set(codes(doc))
    [header] = [w for w in doc.warnings if w.code == "missing_header"]
    assert "gissats" in header.message


def test_missing_sietype_means_type_1_with_a_warning():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT PC8", '#PROGRAM "P" 1', '#FNAMN "X"'))
    assert doc.sietype == 1
    assert codes(doc) == ["missing_sietype"]


def test_missing_format_is_none_with_a_warning():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#SIETYP 4", '#PROGRAM "P" 1', '#FNAMN "X"'))
    assert doc.format is None
    assert codes(doc) == ["missing_format"]


def test_program_without_version_gives_empty_version_and_a_warning():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", "#PROGRAM SIR"))
    assert (doc.program, doc.program_version) == ("SIR", "")
    assert codes(doc) == ["program_without_version"]


def test_empty_orgnr_is_none():
    assert read("#ORGNR ").orgnr is None


def test_orgnr_without_hyphen_is_kept_with_a_warning():
    doc = read("#ORGNR 5560602345")
    assert doc.orgnr == "5560602345"
    assert codes(doc) == ["orgnr_format"]


def test_unquoted_company_name_with_a_space_is_joined_with_a_warning():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "P" 1',
                             "#FNAMN Övningsbolaget AB"))
    assert doc.company_name == "Övningsbolaget AB"
    assert codes(doc) == ["unquoted_text"]


def test_quoted_company_name_ignores_extra_trailing_fields():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", '#PROGRAM "P" 1',
                             '#FNAMN "Bolaget AB" framtida-fält'))
    assert doc.company_name == "Bolaget AB"
    assert doc.warnings == []


def test_format_other_than_pc8_is_kept_with_a_warning():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT UTF-8", "#SIETYP 4", '#PROGRAM "P" 1'))
    assert doc.format == "UTF-8"
    assert codes(doc) == ["format_not_pc8"]


def test_bad_generation_date_is_a_warning_not_an_error():
    doc = read_sie(sie_bytes("#FLAGGA 0", "#FORMAT PC8", "#SIETYP 4", "#GEN igår"))
    assert doc.generated is None
    assert codes(doc) == ["bad_date"]


# ---------------------------------------------------------------- years


def test_rar_records_give_fiscal_years():
    doc = read("#RAR 0 20090701 20100630", "#RAR -1 20080701 20090630")
    assert doc.years == [
        SieYear(0, date(2009, 7, 1), date(2010, 6, 30)),
        SieYear(-1, date(2008, 7, 1), date(2009, 6, 30)),
    ]


def test_year_helper_finds_a_year_by_index():
    doc = read("#RAR 0 20240101 20241231", "#RAR -1 20230101 20231231")
    assert doc.year(-1) == SieYear(-1, date(2023, 1, 1), date(2023, 12, 31))
    assert doc.year(-2) is None


def test_rar_without_dates_is_skipped_with_a_warning():
    doc = read("#RAR 0  ")
    assert doc.years == []
    assert codes(doc) == ["rar_without_dates"]


def test_rar_with_a_bad_date_is_an_error():
    err = raises("#RAR 0 20240101 2024-13-01")
    assert (err.line, err.code) == (BODY, "bad_date")


# --------------------------------------------------------------- accounts


def test_konto_ktyp_and_sru_make_an_account():
    doc = read('#KONTO 1930 "Företagskonto"', "#KTYP 1930 T", "#SRU 1930 7281")
    assert doc.accounts == {"1930": SieAccount("1930", "Företagskonto", "T", "7281")}


def test_ktyp_and_sru_may_come_before_konto():
    doc = read("#SRU 3010 7410", "#KTYP 3010 I", '#KONTO 3010 "Försäljning"')
    assert doc.accounts["3010"] == SieAccount("3010", "Försäljning", "I", "7410")
    assert doc.warnings == []


def test_account_without_ktyp_or_sru_has_none():
    assert read('#KONTO 1510 "Kundfordringar"').accounts["1510"] == SieAccount(
        "1510", "Kundfordringar", None, None
    )


def test_first_of_several_sru_codes_is_kept():
    assert read('#KONTO 1010 "X"', "#SRU 1010 7201", "#SRU 1010 7202").accounts["1010"].sru == "7201"


def test_account_numbers_keep_leading_zeros():
    doc = read('#KONTO 0027 "27"', '#KONTO 0351 "Magenta"')
    assert list(doc.accounts) == ["0027", "0351"]


def test_non_numeric_account_is_kept_with_a_warning():
    doc = read('#KONTO DIFF "DIFF"')
    assert doc.accounts["DIFF"].name == "DIFF"
    assert codes(doc) == ["non_numeric_account"]


def test_dimensions_and_objects_are_collected():
    doc = read('#DIM 1 "Kostnadsställe"', '#OBJEKT 6 0724 "2040 Henriks kund"')
    assert doc.dimensions == {"1": "Kostnadsställe"}
    assert doc.objects == {("6", "0724"): "2040 Henriks kund"}


# --------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("written", "ore"),
    [
        ("-0.96", -96),
        ("3434.5", 343450),
        ("12559", 1255900),
        ("-1200.00", -120000),
        ("0.01", 1),
        ("-0", 0),
        ("123456789012.34", 12345678901234),
    ],
)
def test_amounts_become_integer_ore(written, ore):
    value = parse_amount_ore(written)
    assert value == ore
    assert type(value) is int


@pytest.mark.parametrize(
    "written",
    ["12,50", "1.234", "+5", "1 000", "1e3", "abc", "", ".", "-.", "5.", ".123"],
    ids=["comma", "three decimals", "plus", "space", "exponent", "word", "empty",
         "point only", "minus point", "no decimals after point", "no integer part, three decimals"],
)
def test_invalid_amount_in_a_row_is_an_error_naming_the_line(written):
    err = raises(*voucher(f'#TRANS 1930 {{}} "{written}"'))
    assert (err.line, err.code) == (BODY + 2, "bad_amount")
    assert err.message.startswith(f"Rad {BODY + 2}: beloppet")


HOGIA_AMOUNTS = (
    "#RAR 0 20240101 20241231",
    "#RES 0 3740 -.23",
    "#PSALDO 0 202401 3740 {} .2",
    *voucher("#TRANS 1930 {} .96", "#TRANS 3740 {} -.96"),
)


def test_amounts_without_integer_part_read_as_ore_with_one_warning_naming_the_first():
    doc = read(*HOGIA_AMOUNTS)
    assert doc.balances[0].amount_ore == -23
    assert doc.period_balances[0].amount_ore == 20
    assert [t.amount_ore for t in doc.vouchers[0].transactions] == [96, -96]
    [warning] = [w for w in doc.warnings if w.code == "leading_point_amount"]
    assert warning.line == BODY + 1
    assert warning.message.startswith(f"Rad {BODY + 1}: 4 belopp saknar heltalsdel")


def test_strict_mode_refuses_an_amount_without_integer_part_at_its_line():
    with pytest.raises(SieError) as exc:
        read_sie(sie_bytes(*HEADER, *HOGIA_AMOUNTS), strict=True)
    assert (exc.value.line, exc.value.code) == (BODY + 1, "leading_point_amount")


@pytest.mark.parametrize(
    "written",
    ["10000000000000.00", "-10000000000000.00", "1234567890123456789", "9" * 4301, "-" + "1" * 5000 + ".00"],
    ids=["one öre over", "one öre under", "19 digits", "4301 digits", "5000 digits"],
)
def test_an_amount_beyond_the_store_is_an_error_naming_the_line(written):
    err = raises(*voucher(f"#TRANS 1930 {{}} {written}", "#TRANS 3010 {} 0"))
    assert (err.line, err.code) == (BODY + 2, "amount_out_of_range")
    assert err.message.startswith(f"Rad {BODY + 2}: beloppet")


def test_the_largest_amount_the_store_holds_is_read():
    assert parse_amount_ore("9999999999999.99") == ORE_MAX
    assert parse_amount_ore("-9999999999999.99") == -ORE_MAX


def test_ore_fits_store_is_the_products_one_bound_on_an_amount():
    assert ore_fits_store(ORE_MAX) and ore_fits_store(-ORE_MAX)
    assert not ore_fits_store(ORE_MAX + 1) and not ore_fits_store(-ORE_MAX - 1)


def test_only_ascii_digits_make_an_amount():
    with pytest.raises(SieError) as exc:
        parse_amount_ore("１２", 9)
    assert (exc.value.line, exc.value.code) == (9, "bad_amount")


@pytest.mark.parametrize("label", ["#IB", "#UB", "#RES"])
def test_invalid_amount_in_a_balance_is_an_error_naming_the_line(label):
    err = raises("#RAR 0 20240101 20241231", f"{label} 0 1930 12,50")
    assert (err.line, err.code) == (BODY + 1, "bad_amount")


# -------------------------------------------------------------- balances


def test_ib_ub_and_res_become_balances():
    doc = read("#IB 0 1930 1000.50 0", "#UB 0 1930 -25", "#RES 0 3010 -1678232.96", "#UB -1 1930 7")
    assert doc.balances == [
        SieBalance("IB", 0, "1930", 100050),
        SieBalance("UB", 0, "1930", -2500),
        SieBalance("RES", 0, "3010", -167823296),
        SieBalance("UB", -1, "1930", 700),
    ]
    assert doc.balance("UB", -1, "1930") == 700
    assert doc.balance("IB", -1, "1930") is None
    assert doc.balances_of("UB") == {"1930": -2500}


def test_object_balances_and_period_balances_are_ignored():
    doc = read('#OIB 0 1930 {1 "100"} 5', '#OUB 0 1930 {1 "100"} 5',
               "#PSALDO 0 202401 1930 {} 5 0", "#PBUDGET 0 202401 3010 {} 5")
    assert doc.balances == []
    assert doc.warnings == []


def test_balance_year_must_be_an_integer():
    err = raises("#IB första 1930 5")
    assert (err.line, err.code) == (BODY, "bad_year_index")


# --------------------------------------------------------------- vouchers


def test_voucher_with_rows():
    doc = read(*voucher('#TRANS 1930 {} -100.00 20240110 "Bank" 2', '#TRANS 6110 {1 "10"} 100'))
    (v,) = doc.vouchers
    assert (v.series, v.number, v.date, v.text, v.reg_date, v.line) == (
        "A", "1", date(2024, 1, 10), "Text", date(2024, 1, 11), BODY
    )
    assert v.transactions == (
        SieTransaction("1930", -10000, (), date(2024, 1, 10), "Bank", Decimal(2), "TRANS", BODY + 2),
        SieTransaction("6110", 10000, (("1", "10"),), None, "", None, "TRANS", BODY + 3),
    )
    assert v.rows == v.transactions
    assert v.is_balanced


def test_voucher_without_reg_date_or_text():
    (v,) = read(*voucher("#TRANS 1930 {} 0", head="#VER B 7 20240110")).vouchers
    assert (v.text, v.reg_date) == ("", None)


def test_voucher_series_and_number_keep_leading_zeros():
    (v,) = read(*voucher("#TRANS 1930 {} 0", head='#VER "01" "0012" 20240110')).vouchers
    assert (v.series, v.number) == ("01", "0012")


def test_empty_series_and_number_are_allowed_in_4i():
    (v,) = read(*voucher("#TRANS 1930 {} 0", head='#VER "" "" 20080101 "Porto"')).vouchers
    assert (v.series, v.number, v.label) == ("", "", "")


def test_empty_optional_fields_in_a_row_are_none():
    (v,) = read(*voucher('#TRANS 1930 {} 12559 "" "" 0')).vouchers
    t = v.transactions[0]
    assert (t.amount_ore, t.date, t.text, t.quantity) == (1255900, None, "", Decimal(0))


def test_quantity_keeps_all_its_decimals():
    (v,) = read(*voucher('#TRANS 3010 {1 1} -2000.00 20151001 "" 10.000000')).vouchers
    assert v.transactions[0].quantity == Decimal("10.000000")
    assert str(v.transactions[0].quantity) == "10.000000"


def test_bad_quantity_is_ignored_with_a_warning():
    (v,) = (doc := read(*voucher('#TRANS 3010 {} -2 "" "" tio', "#TRANS 1930 {} 2"))).vouchers
    assert v.transactions[0].quantity is None
    assert codes(doc) == ["bad_quantity"]


def test_row_extra_trailing_fields_are_ignored():
    (v,) = read(*voucher('#TRANS 1930 {} 5 "" "" 0 "sign" framtid mer')).vouchers
    assert v.transactions[0].sign == "sign"


def test_unbalanced_voucher_is_read_and_reported_by_is_balanced():
    doc = read(*voucher("#TRANS 1510 {} -200", "#TRANS 4100 {} 180", "#TRANS 2611 {} -20"),
               *voucher("#TRANS 1510 {} -200", "#TRANS 1970 {} 200", head="#VER A 2 20240110"))
    first, second = doc.vouchers
    assert (first.is_balanced, first.total_ore) == (False, -4000)
    assert second.is_balanced
    assert doc.unbalanced_vouchers == [first]


def test_voucher_date_that_is_not_yyyymmdd_is_an_error_naming_the_line():
    err = raises(*voucher("#TRANS 1930 {} 0", head='#VER "K" "" "180501" "Försäljning"'))
    assert (err.line, err.code) == (BODY, "bad_date")
    assert err.message.startswith(f'Rad {BODY}: verifikationsdatumet "180501"')


def test_impossible_calendar_date_is_an_error():
    err = raises(*voucher("#TRANS 1930 {} 0", head="#VER A 1 20230229"))
    assert (err.line, err.code) == (BODY, "bad_date")


def test_missing_voucher_date_is_an_error():
    err = raises(*voucher("#TRANS 1930 {} 0", head='#VER A 1 ""'))
    assert (err.line, err.code) == (BODY, "bad_date")


def test_bad_transaction_date_is_an_error():
    err = raises(*voucher("#TRANS 1930 {} 0 2024013"))
    assert (err.line, err.code) == (BODY + 2, "bad_date")


def test_iso_date_is_read_with_a_warning():
    doc = read(*voucher("#TRANS 1930 {} 0", head="#VER A 1 2018-05-02"))
    assert doc.vouchers[0].date == date(2018, 5, 2)
    assert codes(doc) == ["iso_date"]


def test_row_without_amount_is_an_error_naming_the_line():
    err = raises(*voucher("#TRANS 1930", "#TRANS 2610 {} -20.00"))
    assert (err.line, err.code) == (BODY + 2, "missing_amount")


def test_row_without_object_list_is_read_with_a_warning():
    doc = read(*voucher("#TRANS 1930 -100 20240110", "#TRANS 3010 {} 100"))
    assert doc.vouchers[0].transactions[0].amount_ore == -10000
    assert codes(doc) == ["missing_object_list"]


# ----------------------------------------------------- #RTRANS / #BTRANS


RTRANS_VOUCHER = voucher(
    '#TRANS 1930 {} -9042 "" "" 0',
    '#BTRANS 2510 {} 9042 "" "" 0 "Anna"',
    '#RTRANS 2510 {} 9129 "" "" 0 "Anna"',
    '#TRANS 2510 {} 9129 "" "" 0',
    '#TRANS 3740 {} -87 "" "" 0',
)


def test_transactions_keep_every_row_record_in_file_order():
    (v,) = read(*RTRANS_VOUCHER).vouchers
    assert [t.kind for t in v.transactions] == ["TRANS", "BTRANS", "RTRANS", "TRANS", "TRANS"]
    assert [t.shadow for t in v.transactions] == [False, False, False, True, False]


def test_rows_skip_the_shadow_trans_after_rtrans_and_all_btrans():
    (v,) = read(*RTRANS_VOUCHER).vouchers
    assert [(t.kind, t.account, t.amount_ore) for t in v.rows] == [
        ("TRANS", "1930", -904200),
        ("RTRANS", "2510", 912900),
        ("TRANS", "3740", -8700),
    ]
    assert v.is_balanced


def test_rtrans_and_btrans_keep_their_signature():
    (v,) = read(*RTRANS_VOUCHER).vouchers
    assert [t.sign for t in v.transactions] == [None, "Anna", "Anna", None, None]


def test_shadow_trans_may_differ_in_date_and_text():
    # BL Administration writes the change date on #RTRANS, the voucher date on #TRANS.
    (v,) = (doc := read(*voucher(
        '#RTRANS 1930 {} 500 20100326 "" "" "2 Christer Bengtsson"',
        '#TRANS 1930 {} 500 20100122 "" ',
        '#RTRANS 3010 { "1" "1"} -500 20100326 "" "" "2 Christer Bengtsson"',
        '#TRANS 3010 { "1" "1"} -500 20100122 "" ',
    ))).vouchers
    assert [t.kind for t in v.rows] == ["RTRANS", "RTRANS"]
    assert v.is_balanced
    assert doc.warnings == []


def test_rtrans_followed_by_a_different_trans_counts_both_with_a_warning():
    (v,) = (doc := read(*voucher("#RTRANS 1930 {} 500", "#TRANS 3010 {} -500"))).vouchers
    assert [t.kind for t in v.rows] == ["RTRANS", "TRANS"]
    assert v.is_balanced
    assert [(w.line, w.code) for w in doc.warnings] == [(BODY + 2, "rtrans_without_shadow")]


def test_rtrans_last_in_its_voucher_counts_with_a_warning():
    (v,) = (doc := read(*voucher("#TRANS 1930 {} -5", "#RTRANS 3010 {} 5"))).vouchers
    assert v.is_balanced
    assert codes(doc) == ["rtrans_without_shadow"]


def test_voucher_of_only_struck_rows_has_no_current_rows():
    (v,) = read(*voucher("#BTRANS 1930 {} 1460", "#BTRANS 2999 {} -1460")).vouchers
    assert v.rows == ()
    assert v.is_balanced


def test_transaction_count_counts_current_rows():
    doc = read(*RTRANS_VOUCHER, *voucher("#TRANS 1 {} 1", "#TRANS 2 {} -1", head="#VER A 2 20240110"))
    assert doc.transaction_count == 5


def test_account_totals_sum_current_rows_per_account():
    doc = read(*RTRANS_VOUCHER)
    assert doc.account_totals() == {"1930": -904200, "2510": 912900, "3740": -8700}


# ------------------------------------------------------- block structure


def test_open_brace_on_the_ver_line():
    doc = read('#VER A 1 20240110 "Text" {', "#TRANS 1930 {} 0", "}")
    assert len(doc.vouchers[0].transactions) == 1
    assert doc.vouchers[0].text == "Text"


def test_open_brace_after_blank_lines():
    doc = read("#VER A 1 20240110", "", "   ", "{", "#TRANS 1930 {} 0", "}")
    assert len(doc.vouchers[0].transactions) == 1


def test_indented_rows_and_braces_with_trailing_tabs():
    doc = read("#VER A 1 20240110", "{\t", "\t#TRANS\t1930 {1 1} 0", "  #TRANS 1930 { } 0", "}\t")
    assert len(doc.vouchers[0].transactions) == 2


def test_missing_open_brace_before_rows_is_read_with_a_warning():
    # e-conomic: a blank line where "{" should be.
    doc = read('#VER "" 19 20100806 ""', "", '#TRANS 8910 {} 3000 20100806 ""',
               '#TRANS 1630 {} -3000 20100806 ""', "}")
    assert [t.account for t in doc.vouchers[0].rows] == ["8910", "1630"]
    assert [(w.line, w.code) for w in doc.warnings] == [(BODY, "missing_open_brace")]


def test_ver_followed_by_another_ver_is_an_error():
    err = raises("#VER A 1 20240110", "#VER A 2 20240110", "{", "}")
    assert (err.line, err.code) == (BODY + 1, "missing_open_brace")


def test_ver_at_end_of_file_is_an_error():
    err = raises("#VER A 1 20240110")
    assert (err.line, err.code) == (BODY, "missing_open_brace")


def test_trans_outside_a_voucher_is_an_error_naming_the_line():
    err = raises(*voucher("#TRANS 1930 {} 0"), "#TRANS 1930 {} 5")
    assert (err.line, err.code) == (BODY + 4, "trans_outside_voucher")


def test_stray_close_brace_is_an_error():
    err = raises(*voucher("#TRANS 1930 {} 0"), "}")
    assert (err.line, err.code) == (BODY + 4, "unexpected_close_brace")


def test_stray_open_brace_is_an_error():
    err = raises("{", "#TRANS 1930 {} 0", "}")
    assert (err.line, err.code) == (BODY, "unexpected_open_brace")


def test_nested_open_brace_is_an_error():
    err = raises("#VER A 1 20240110", "{", "{", "}", "}")
    assert (err.line, err.code) == (BODY + 2, "nested_block")


def test_new_ver_inside_an_open_block_is_an_error():
    err = raises("#VER A 1 20240110", "{", "#TRANS 1930 {} 0", "#VER A 2 20240110", "{", "}")
    assert (err.line, err.code) == (BODY + 3, "unclosed_block")


def test_block_left_open_at_end_of_file_is_an_error_naming_its_ver():
    err = raises("#VER A 1 20240110", "{", "#TRANS 1930 {} 0")
    assert (err.line, err.code) == (BODY, "unclosed_block")


def test_other_record_inside_a_voucher_is_read_with_a_warning():
    doc = read("#VER A 1 20240110", "{", '#KONTO 1930 "Bank"', "#TRANS 1930 {} 0", "}")
    assert doc.accounts["1930"].name == "Bank"
    assert codes(doc) == ["record_inside_voucher"]


# ------------------------------------------------------ file-level rules


def test_html_page_is_not_a_sie_file():
    with pytest.raises(SieError) as exc:
        read_sie(b'\n<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html>')
    assert (exc.value.line, exc.value.code) == (2, "not_sie")
    assert "ingen SIE-fil" in exc.value.message


def test_empty_file_is_an_error():
    with pytest.raises(SieError) as exc:
        read_sie(b" \r\n\r\n")
    assert exc.value.code == "empty_file"


def test_unknown_labels_are_ignored_silently():
    doc = read("#MOMSKOD 2610 10", "#FRAMTIDA a b {1 2} c")
    assert doc.warnings == []


def test_lower_case_label_is_read_with_a_warning():
    doc = read("#konto 1930 Bank")
    assert doc.accounts["1930"].name == "Bank"
    assert codes(doc) == ["lowercase_label"]


def test_line_that_is_not_a_record_is_skipped_with_a_warning():
    doc = read("skräp", '#KONTO 1930 "Bank"')
    assert "1930" in doc.accounts
    assert [(w.line, w.code) for w in doc.warnings] == [(BODY, "not_a_record")]


@pytest.mark.parametrize("eol", ["\r\n", "\n", "\r"], ids=["CRLF", "LF", "CR"])
def test_line_endings(eol):
    doc = read_sie(sie_bytes(*HEADER, *voucher("#TRANS 1930 {} 1", "#TRANS 3010 {} -1"), eol=eol))
    assert doc.transaction_count == 2
    assert doc.vouchers[0].transactions[1].line == BODY + 3


def test_last_line_may_lack_a_newline():
    data = sie_bytes(*HEADER, *voucher("#TRANS 1930 {} 0"))
    assert data.endswith(b"}")
    assert len(read_sie(data).vouchers) == 1


def test_dos_end_of_file_marker_is_ignored():
    data = sie_bytes(*HEADER, *voucher("#TRANS 1930 {} 0")) + b"\r\n\x1a"
    doc = read_sie(data)
    assert (len(doc.vouchers), doc.warnings) == (1, [])


def test_utf8_byte_order_mark_is_accepted():
    doc = read_sie(b"\xef\xbb\xbf" + sie_bytes(*HEADER))
    assert (doc.encoding, doc.company_name) == ("utf-8", "Bolaget AB")


def test_flagga_not_first_gives_a_warning():
    doc = read_sie(sie_bytes("#FORMAT PC8", "#FLAGGA 0", "#SIETYP 4"))
    assert codes(doc) == ["flagga_not_first"]


def test_warnings_are_sie_messages_with_line_and_swedish_text():
    doc = read("#ORGNR 5560602345")
    assert doc.warnings == [
        SieMessage(BODY, "orgnr_format",
                   f'Rad {BODY}: organisationsnumret "5560602345" är inte skrivet NNNNNN-NNNN.')
    ]


# --------------------------------------------------------- immutability


def test_read_records_are_immutable():
    (v,) = read(*voucher("#TRANS 1930 {} 0")).vouchers
    with pytest.raises(AttributeError):
        v.text = "x"  # type: ignore[misc]
    assert isinstance(v, SieVoucher)


# ------------------------------------------------------------ size (speed is measured in benchmarks/, not here)


def test_reads_a_file_of_several_megabytes_completely():
    # Rows with cost centre and project objects, texts with escaped quotes.
    rows = [f'#TRANS {4000 + k} {{1 "10{k}" 6 "P{k}"}} {k}.5 "" "Rad {k}" 0' for k in range(4)]
    rows.append('#TRANS 1930 {} -8.00 "" "" 0')
    lines = list(HEADER)
    for n in range(1, 12_001):
        lines += [f'#VER A {n} 20240110 "Verifikation {n} \\"x\\"" 20240111', "{", *rows, "}"]
    data = sie_bytes(*lines)
    doc = read_sie(data)
    assert len(data) > 3_000_000
    assert (len(doc.vouchers), doc.transaction_count) == (12_000, 60_000)
    assert doc.unbalanced_vouchers == []
