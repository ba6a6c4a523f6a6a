"""The SIE 4E/4I writer: one behaviour per test (FORMAT.md §4, §7, §8, §11, §14).

Documents are built by hand so that each rule is visible; the round trips
over random documents and the corpus are in test_sie_roundtrip.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from services.sie import (
    SieAccount,
    SieBalance,
    SieDocument,
    SieError,
    SieTransaction,
    SieVoucher,
    SieYear,
    read_sie,
)
from services.sie.writer import (
    REPLACEMENTS,
    SieWriteError,
    canonical_voucher_order,
    cp437_text,
    format_amount,
    write_sie,
    write_vouchers_4i,
)


def row(account: str, ore: int, text: str = "", *, kind: str = "TRANS", **kw) -> SieTransaction:
    fields = {"objects": (), "date": None, "text": text, "quantity": None, "kind": kind, "line": 0}
    fields.update(kw)
    return SieTransaction(account, ore, **fields)


def voucher(*rows: SieTransaction, series="A", number="1", text="Kontantköp", **kw) -> SieVoucher:
    fields = {"date": date(2024, 1, 10), "text": text, "reg_date": date(2024, 1, 11), "line": 0}
    fields.update(kw)
    return SieVoucher(series, number, transactions=tuple(rows), **fields)


def sale(**kw) -> SieVoucher:
    return voucher(row("1930", 12500), row("3010", -10000), row("2610", -2500), **kw)


def document(*vouchers: SieVoucher, **kw) -> SieDocument:
    fields = {
        "encoding": "cp437",
        "format": "PC8",
        "sietype": 4,
        "program": "Skatt & Bokslut",
        "program_version": "1.0",
        "generated": date(2024, 2, 1),
        "company_name": "Övningsbolaget AB",
        "orgnr": "556677-8899",
        "kptyp": "EUBAS97",
        "years": [SieYear(0, date(2024, 1, 1), date(2024, 12, 31)), SieYear(-1, date(2023, 1, 1), date(2023, 12, 31))],
        "accounts": {
            "1930": SieAccount("1930", "Företagskonto", "T"),
            "2610": SieAccount("2610", "Utgående moms 25 %", "S"),
            "3010": SieAccount("3010", "Försäljning", "I", "3.1"),
        },
        "balances": [
            SieBalance("IB", 0, "1930", 100000),
            SieBalance("UB", 0, "1930", 112500),
            SieBalance("RES", 0, "3010", -10000),
        ],
        "vouchers": list(vouchers) or [sale()],
    }
    fields.update(kw)
    return SieDocument(**fields)


def lines_of(data: bytes) -> list[str]:
    text = data.decode("cp437")
    assert text.endswith("\r\n")
    return text[:-2].split("\r\n")


def write_lines(doc: SieDocument, **kw) -> list[str]:
    kw.setdefault("kind", "4E")
    data, _ = write_sie(doc, **kw)
    return lines_of(data)


def labels(lines: list[str]) -> list[str]:
    return [line.split(" ", 1)[0] for line in lines]


# ------------------------------------------------------------------ header


def test_header_records_come_in_canonical_order():
    doc = document(fnr="0123", currency="SEK")
    heads = labels(write_lines(doc))
    expected = [
        "#FLAGGA",
        "#PROGRAM",
        "#FORMAT",
        "#GEN",
        "#SIETYP",
        "#FNR",
        "#ORGNR",
        "#FNAMN",
        "#RAR",
        "#RAR",
        "#KPTYP",
        "#VALUTA",
        "#KONTO",
    ]
    assert heads[: len(expected)] == expected


def test_chart_then_balances_then_vouchers():
    heads = labels(write_lines(document()))
    assert heads.index("#SRU") < heads.index("#IB") < heads.index("#UB") < heads.index("#RES") < heads.index("#VER")


def test_flagga_sietyp_format_and_orgnr_are_never_quoted():
    lines = write_lines(document())
    assert lines[0] == "#FLAGGA 0"
    assert "#FORMAT PC8" in lines
    assert "#SIETYP 4" in lines
    assert "#ORGNR 556677-8899" in lines


def test_orgnr_without_hyphen_is_written_with_one():
    assert "#ORGNR 556677-8899" in write_lines(document(orgnr="5566778899"))


def test_orgnr_that_needs_quotes_is_refused():
    with pytest.raises(SieWriteError) as exc:
        write_sie(document(orgnr="556677 8899"), kind="4E")
    assert exc.value.code == "bad_orgnr"


def test_program_name_and_company_name_are_quoted_and_version_is_bare():
    lines = write_lines(document())
    assert '#PROGRAM "Skatt & Bokslut" 1.0' in lines
    assert '#FNAMN "Övningsbolaget AB"' in lines


def test_years_are_written_current_first_with_plain_dates():
    lines = write_lines(document())
    assert [line for line in lines if line.startswith("#RAR")] == [
        "#RAR 0 20240101 20241231",
        "#RAR -1 20230101 20231231",
    ]


def test_account_with_leading_zero_is_written_as_given():
    doc = document(accounts={"0027": SieAccount("0027", "Gammalt konto")})
    assert '#KONTO 0027 "Gammalt konto"' in write_lines(doc)


def test_account_type_and_sru_follow_the_account():
    lines = write_lines(document())
    i = lines.index('#KONTO 3010 "Försäljning"')
    assert lines[i + 1 : i + 3] == ["#KTYP 3010 I", "#SRU 3010 3.1"]


# ----------------------------------------------------------------- quoting


def test_quote_in_text_is_escaped_with_backslash():
    lines = write_lines(document(sale(text='Faktura "Solhemmet" 12')))
    assert '#VER A 1 20240110 "Faktura \\"Solhemmet\\" 12" 20240111' in lines


def test_backslash_inside_text_is_written_literally():
    doc = document(voucher(row("1229", -133, "1820\\A012 Cykel"), row("1930", 133)))
    assert '#TRANS 1229 {} -1.33 "" "1820\\A012 Cykel"' in write_lines(doc)


def test_text_ending_in_backslash_gets_a_trailing_space_and_a_warning():
    data, warnings = write_sie(document(sale(text="C:\\")), kind="4E")
    assert '#VER A 1 20240110 "C:\\ " 20240111' in lines_of(data)
    assert [w.code for w in warnings] == ["trailing_backslash"]
    assert read_sie(data).vouchers[0].text == "C:\\ "


def test_empty_text_is_written_as_empty_quotes():
    assert '#VER A 1 20240110 "" 20240111' in write_lines(document(sale(text="")))


def test_skipped_optional_row_fields_are_written_as_empty_quotes():
    doc = document(voucher(row("1930", 100, quantity=Decimal(2)), row("3010", -100, sign="Anna")))
    lines = write_lines(doc)
    assert '#TRANS 1930 {} 1.00 "" "" 2' in lines
    assert '#TRANS 3010 {} -1.00 "" "" "" "Anna"' in lines


def test_trailing_absent_row_fields_are_left_out():
    assert "#TRANS 1930 {} 125.00" in write_lines(document())


def test_row_date_and_text_are_written_in_place():
    doc = document(voucher(row("1930", 100, "Kassa", date=date(2024, 1, 9)), row("3010", -100)))
    assert '#TRANS 1930 {} 1.00 20240109 "Kassa"' in write_lines(doc)


def test_object_list_has_bare_dimensions_and_quoted_objects():
    doc = document(voucher(row("1930", 100, objects=(("1", "0724"), ("6", "P 1"))), row("3010", -100)))
    assert '#TRANS 1930 {1 "0724" 6 "P 1"} 1.00' in write_lines(doc)


def test_empty_series_and_number_are_written_as_empty_quotes():
    data, _ = write_sie(document(sale(series="", number="")), kind="4I")
    assert '#VER "" "" 20240110 "Kontantköp" 20240111' in lines_of(data)


def test_dimensions_and_objects_are_declared_after_the_accounts():
    doc = document(dimensions={"1": "Kostnadsställe"}, objects={("1", "0724"): "Butiken"})
    lines = write_lines(doc)
    assert (
        lines.index('#DIM 1 "Kostnadsställe"')
        < lines.index('#OBJEKT 1 "0724" "Butiken"')
        < lines.index("#IB 0 1930 1000.00")
    )


# ----------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("ore", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (-96, "-0.96"),
        (-120000, "-1200.00"),
        (343450, "3434.50"),
        (123456789012, "1234567890.12"),
    ],
)
def test_amounts_have_exactly_two_decimals(ore, text):
    assert format_amount(ore) == text


def test_quantities_are_written_as_given():
    doc = document(
        voucher(row("1930", 100, quantity=Decimal("10.000000")), row("3010", -100, quantity=Decimal("-1.5")))
    )
    lines = write_lines(doc)
    assert '#TRANS 1930 {} 1.00 "" "" 10.000000' in lines
    assert '#TRANS 3010 {} -1.00 "" "" -1.5' in lines


def test_quantity_in_exponent_form_is_written_in_plain_digits():
    doc = document(voucher(row("1930", 100, quantity=Decimal("1E+2")), row("3010", -100)))
    assert '#TRANS 1930 {} 1.00 "" "" 100' in write_lines(doc)


def test_balances_are_written_with_two_decimals():
    lines = write_lines(document())
    assert ["#IB 0 1930 1000.00", "#UB 0 1930 1125.00", "#RES 0 3010 -100.00"] == [
        line for line in lines if line.startswith(("#IB", "#UB", "#RES"))
    ]


# --------------------------------------------------------------------- 4I


def test_4i_has_no_balance_records():
    data, warnings = write_sie(document(omfattn=date(2024, 12, 31)), kind="4I")
    heads = set(labels(lines_of(data)))
    assert heads.isdisjoint({"#IB", "#UB", "#RES", "#OIB", "#OUB", "#PSALDO", "#PBUDGET", "#OMFATTN"})
    assert "#SIETYP 4" in lines_of(data)
    assert [w.code for w in warnings] == ["balances_omitted"]


def test_4e_writes_omfattn():
    assert "#OMFATTN 20241231" in write_lines(document(omfattn=date(2024, 12, 31)))


def test_4i_of_two_vouchers_looks_like_what_fortnox_imports():
    data = write_vouchers_4i(
        "Övningsbolaget AB",
        "556677-8899",
        [sale(series="A", number="1"), sale(series="A", number="2", text="Kortköp")],
        generated=date(2024, 2, 1),
    )
    assert lines_of(data) == [
        "#FLAGGA 0",
        '#PROGRAM "Skatt & Bokslut" 1.0',
        "#FORMAT PC8",
        "#GEN 20240201",
        "#SIETYP 4",
        "#ORGNR 556677-8899",
        '#FNAMN "Övningsbolaget AB"',
        '#VER A 1 20240110 "Kontantköp" 20240111',
        "{",
        "#TRANS 1930 {} 125.00",
        "#TRANS 3010 {} -100.00",
        "#TRANS 2610 {} -25.00",
        "}",
        '#VER A 2 20240110 "Kortköp" 20240111',
        "{",
        "#TRANS 1930 {} 125.00",
        "#TRANS 3010 {} -100.00",
        "#TRANS 2610 {} -25.00",
        "}",
    ]
    doc = read_sie(data)
    assert doc.warnings == [] and doc.kind == "4I" and len(doc.vouchers) == 2


def test_4i_download_refuses_an_unencodable_character_by_default():
    with pytest.raises(SieWriteError):
        write_vouchers_4i("Bolaget AB", None, [sale(text="Kaffe 10 €")], generated=date(2024, 2, 1))


def test_4i_download_hands_back_its_warnings_when_asked():
    found = []
    write_vouchers_4i("Bolaget AB", None, [sale(text="x" * 60)], generated=date(2024, 2, 1), warnings=found)
    assert [w.code for w in found] == ["text_truncated"]


# --------------------------------------------------------------- text cap


def test_voucher_text_longer_than_the_limit_is_cut_with_a_warning_naming_the_voucher():
    data, warnings = write_sie(document(sale(number="12", text="a" * 60)), kind="4E")
    assert f'#VER A 12 20240110 "{"a" * 50}" 20240111' in lines_of(data)
    assert [w.code for w in warnings] == ["text_truncated"]
    assert "Verifikation A 12" in warnings[0].message and "60" in warnings[0].message


def test_row_text_longer_than_the_limit_is_cut_with_a_warning_naming_the_row():
    doc = document(voucher(row("1930", 100), row("3010", -100, "b" * 51), number="7"))
    data, warnings = write_sie(doc, kind="4E")
    assert f'#TRANS 3010 {{}} -1.00 "" "{"b" * 50}"' in lines_of(data)
    assert len(warnings) == 1
    assert "Verifikation A 7, rad 2 (konto 3010)" in warnings[0].message
    assert warnings[0].line == lines_of(data).index(f'#TRANS 3010 {{}} -1.00 "" "{"b" * 50}"') + 1


def test_text_limit_is_configurable_and_can_be_switched_off():
    long_text = "c" * 80
    assert write_sie(document(sale(text=long_text)), kind="4E", text_limit=None).warnings == []
    data, warnings = write_sie(document(sale(text=long_text)), kind="4E", text_limit=30)
    assert f'"{"c" * 30}"' in data.decode("cp437") and len(warnings) == 1


def test_cut_never_leaves_a_backslash_at_the_end():
    data, _ = write_sie(document(sale(text="a" * 49 + "\\bcd")), kind="4E")
    assert f'#VER A 1 20240110 "{"a" * 49} " 20240111' in lines_of(data)


def test_company_and_account_names_are_not_capped():
    name = "Ett mycket långt kontonamn som är längre än femtio tecken"
    doc = document(accounts={"1930": SieAccount("1930", name)})
    data, warnings = write_sie(doc, kind="4E")
    assert f'#KONTO 1930 "{name}"' in lines_of(data) and warnings == []


# ------------------------------------------------------------- characters


def test_unencodable_character_is_refused_with_a_swedish_error_naming_voucher_and_character():
    with pytest.raises(SieError) as exc:
        write_sie(document(sale(number="3", text="Kaffe 10 €")), kind="4E")
    err = exc.value
    assert isinstance(err, SieWriteError) and err.code == "unencodable_character"
    assert (
        "Verifikation A 3" in err.message
        and "U+20AC" in err.message
        and "€" in err.message
        and "teckentabell" in err.message
    )


def test_unencodable_row_text_names_the_row():
    doc = document(voucher(row("1930", 100), row("3010", -100, "Lån – ränta")))
    with pytest.raises(SieWriteError) as exc:
        write_sie(doc, kind="4E")
    assert "rad 2 (konto 3010)" in exc.value.message and "–" in exc.value.message


def test_control_character_is_refused_in_error_mode():
    with pytest.raises(SieWriteError) as exc:
        write_sie(document(sale(text="rad ett\nrad två")), kind="4E")
    assert exc.value.code == "control_character"


def test_replace_mode_uses_the_documented_table_and_warns_for_each_character():
    text = "Lån – ränta “fast” 10 € ł"
    data, warnings = write_sie(document(sale(text=text)), kind="4E", unencodable="replace")
    assert '#VER A 1 20240110 "Lån - ränta \\"fast\\" 10 EUR l" 20240111' in lines_of(data)
    assert sorted(w.message.split('"')[1] for w in warnings) == sorted(["–", "“", "”", "€", "ł"])
    assert all(w.code == "character_replaced" for w in warnings)


def test_replace_mode_strips_accents_it_can_and_uses_a_question_mark_otherwise():
    assert cp437_text("Škoda Ørsted 中") == "Skoda Örsted ?"


def test_replace_mode_turns_control_characters_into_spaces():
    data, warnings = write_sie(document(sale(text="a\tb")), kind="4E", unencodable="replace")
    assert '"a b"' in data.decode("cp437") and [w.code for w in warnings] == ["character_replaced"]


def test_output_that_encoding_detection_would_misread_is_flagged():
    _, warnings = write_sie(document(company_name="Bolaget ╓", accounts={}, vouchers=[]), kind="4E")
    assert [w.code for w in warnings] == ["encoding_ambiguous"]  # 0xD6 looks like Latin-1 Ö


def test_replacement_table_writes_only_cp437():
    for value in REPLACEMENTS.values():
        value.encode("cp437")


def test_swedish_letters_are_written_as_cp437_bytes():
    data, _ = write_sie(document(), kind="4E")
    assert '"Övningsbolaget AB"'.encode("cp437") in data
    assert b"\x99vningsbolaget" in data  # Ö is 0x99 in CP437


# ------------------------------------------------------------ RTRANS/BTRANS


def test_rtrans_is_followed_by_its_identical_trans_and_btrans_is_kept():
    added = row("1930", 500, "Tillagd", kind="RTRANS", sign="Anna Andersson")
    shadow = dataclasses.replace(added, kind="TRANS", shadow=True, sign=None)
    struck = row("1930", 400, kind="BTRANS", sign="Anna Andersson")
    doc = document(voucher(row("3010", -500), struck, added, shadow))
    lines = write_lines(doc)
    i = lines.index('#RTRANS 1930 {} 5.00 "" "Tillagd" "" "Anna Andersson"')
    assert lines[i + 1] == '#TRANS 1930 {} 5.00 "" "Tillagd" "" "Anna Andersson"'
    assert lines[i + 2] == "}"
    assert '#BTRANS 1930 {} 4.00 "" "" "" "Anna Andersson"' in lines
    back = read_sie(write_sie(doc, kind="4E").data).vouchers[0]
    assert [(t.kind, t.amount_ore, t.shadow) for t in back.transactions] == [
        ("TRANS", -500, False),
        ("BTRANS", 400, False),
        ("RTRANS", 500, False),
        ("TRANS", 500, True),
    ]


def test_rtrans_without_shadow_in_the_document_still_gets_one():
    doc = document(voucher(row("3010", -500), row("1930", 500, kind="RTRANS")))
    lines = write_lines(doc)
    i = lines.index("#RTRANS 1930 {} 5.00")
    assert lines[i + 1] == "#TRANS 1930 {} 5.00"


# ---------------------------------------------------------------- balance


def test_unbalanced_voucher_is_refused_before_writing():
    doc = document(sale(), voucher(row("1930", 100), row("3010", -90), number="2"))
    with pytest.raises(SieWriteError) as exc:
        write_sie(doc, kind="4E")
    assert exc.value.code == "unbalanced_voucher"
    assert "verifikation A 2" in exc.value.message and "0.10" in exc.value.message


def test_struck_rows_do_not_count_in_the_balance_check():
    doc = document(voucher(row("1930", 100), row("3010", -100), row("1930", 999, kind="BTRANS")))
    write_sie(doc, kind="4E")


def test_unbalanced_voucher_can_be_written_on_request_with_a_warning():
    doc = document(voucher(row("1930", 100), row("3010", -90)))
    _, warnings = write_sie(doc, kind="4E", allow_unbalanced=True)
    assert [w.code for w in warnings] == ["unbalanced_voucher"]


# ---------------------------------------------------------- voucher order


def test_vouchers_are_grouped_by_series_in_ascending_number():
    vs = [
        sale(series="B", number="2"),
        sale(series="A", number="10"),
        sale(series="B", number="1"),
        sale(series="A", number="9"),
    ]
    assert [v.label for v in canonical_voucher_order(vs)] == ["B 1", "B 2", "A 9", "A 10"]
    lines = write_lines(document(*vs))
    assert [line.split()[1:3] for line in lines if line.startswith("#VER")] == [
        ["B", "1"],
        ["B", "2"],
        ["A", "9"],
        ["A", "10"],
    ]


def test_voucher_braces_stand_on_their_own_lines():
    lines = write_lines(document())
    i = lines.index('#VER A 1 20240110 "Kontantköp" 20240111')
    assert lines[i + 1] == "{" and lines[i + 5] == "}"


# ------------------------------------------------------------- file level


def test_output_is_cp437_with_crlf_and_a_final_line_end():
    data, _ = write_sie(document(), kind="4E")
    assert data.endswith(b"}\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    data.decode("cp437")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # Swedish letters are CP437 bytes, not UTF-8


def test_lf_line_ending_on_request():
    data, _ = write_sie(document(), kind="4E", line_ending="\n")
    assert b"\r" not in data and data.endswith(b"}\n")


def test_output_reads_back_without_warnings():
    doc = document(
        sale(),
        voucher(row("1930", -500, "Åter", objects=(("1", "0724"),)), row("3010", 500), number="2"),
        dimensions={"1": "Kostnadsställe"},
        objects={("1", "0724"): "Butiken"},
    )
    data, warnings = write_sie(doc, kind="4E")
    back = read_sie(data)
    assert warnings == [] and back.warnings == []
    assert back.company_name == "Övningsbolaget AB" and back.orgnr == "556677-8899"
    assert back.accounts == doc.accounts
    assert [(b.kind, b.account, b.amount_ore) for b in back.balances] == [
        (b.kind, b.account, b.amount_ore) for b in doc.balances
    ]
    assert [[(t.account, t.amount_ore, t.objects, t.text) for t in v.rows] for v in back.vouchers] == [
        [(t.account, t.amount_ore, t.objects, t.text) for t in v.rows] for v in doc.vouchers
    ]


def test_strict_reader_accepts_the_output():
    data, _ = write_sie(document(), kind="4E")
    assert read_sie(data, strict=True).warnings == []


def test_ksumma_is_written_first_and_last_and_verifies():
    data, _ = write_sie(document(), kind="4E", ksumma=True)
    lines = lines_of(data)
    assert lines[:2] == ["#FLAGGA 0", "#KSUMMA"]
    assert lines[-1].startswith("#KSUMMA ") and lines[-1].split()[1].isdigit()
    assert read_sie(data).ksumma == "verified"


def test_missing_generation_date_is_filled_with_today_and_a_warning():
    data, warnings = write_sie(document(generated=None), kind="4E")
    assert read_sie(data).generated == date.today()
    assert [w.code for w in warnings] == ["gen_date_missing"]


def test_unknown_kind_is_refused():
    with pytest.raises(SieWriteError):
        write_sie(document(), kind="4X")  # type: ignore[arg-type]
