"""Swedish names for the SIE checks' codes, for people: the codes stay stable identifiers for scripts (the command
line's JSON), while a page shows what kind of problem a finding is in words an accountant uses."""

from __future__ import annotations

LABELS = {
    # The file as a whole
    "not_sie": "Ingen SIE-fil",
    "empty_file": "Tom fil",
    "unreadable": "Filen kunde inte läsas",
    "missing_header": "Filhuvud saknas",
    "missing_flagga": "#FLAGGA saknas",
    "flagga_not_first": "#FLAGGA inte först",
    "missing_format": "#FORMAT saknas",
    "missing_sietype": "#SIETYP saknas",
    "bad_sietype": "Okänd SIE-typ",
    "vouchers_in_type": "Verifikationer i fel SIE-typ",
    "encoding_mismatch": "Teckenkodningen skiljer sig från #FORMAT",
    "control_character": "Otillåtet tecken",
    "replacement_characters": "Oläsbara tecken",
    "program_without_version": "Programversion saknas",
    "too_many_errors": "För många fel",
    # Company and financial year
    "missing_orgnr": "Organisationsnummer saknas",
    "bad_orgnr": "Ogiltigt organisationsnummer",
    "orgnr_format": "Organisationsnumrets form",
    "missing_year": "Räkenskapsår saknas",
    "bad_year": "Orimligt räkenskapsår",
    "bad_year_index": "Ogiltigt årsindex",
    "duplicate_year": "Räkenskapsår angivet två gånger",
    "rar_without_dates": "Räkenskapsår utan datum",
    "bad_taxar": "Ogiltigt taxeringsår",
    # Records and their fields
    "not_a_record": "Ingen SIE-post",
    "missing_record": "Post saknas",
    "missing_field": "Fält saknas",
    "lowercase_label": "Postnamn med gemener",
    "unquoted_text": "Text utan citattecken",
    "stray_quote": "Felplacerat citattecken",
    "unterminated_quote": "Citattecken avslutas inte",
    "text_after_brace": "Text efter klammer",
    "missing_open_brace": "Startklammer saknas",
    "unexpected_open_brace": "Oväntad startklammer",
    "unexpected_close_brace": "Oväntad slutklammer",
    "unclosed_block": "Verifikation avslutas inte",
    "nested_block": "Verifikation i verifikation",
    "record_inside_voucher": "Post inne i verifikation",
    "trans_outside_voucher": "Transaktion utanför verifikation",
    "rtrans_without_shadow": "#RTRANS utan #TRANS",
    "missing_object_list": "Objektlista saknas",
    "odd_object_list": "Ofullständig objektlista",
    "unexpected_object_list": "Oväntad objektlista",
    "unterminated_object_list": "Objektlista avslutas inte",
    "duplicate_ksumma": "#KSUMMA två gånger",
    "ksumma_mismatch": "Kontrollsumma stämmer inte",
    "ksumma_not_closed": "Kontrollsumma avslutas inte",
    "ksumma_not_opened": "Kontrollsumma saknar början",
    # Values
    "bad_amount": "Ogiltigt belopp",
    "missing_amount": "Belopp saknas",
    "leading_point_amount": "Belopp utan heltalsdel",
    "amount_out_of_range": "Belopp utanför gränserna",
    "amount_too_large": "För stort belopp",
    "bad_quantity": "Ogiltigt antal",
    "bad_date": "Ogiltigt datum",
    "bad_period": "Ogiltig period",
    "bad_account": "Ogiltigt kontonummer",
    "non_numeric_account": "Konto med andra tecken än siffror",
    "duplicate_account": "Konto angivet två gånger",
    # The books' checks
    "undeclared_account": "Konto saknas i kontoplanen",
    "unbalanced_voucher": "Verifikation i obalans",
    "date_outside_year": "Datum utanför räkenskapsåret",
    "ub_ib_mismatch": "Föregående års UB skiljer sig från IB",
    "ib_ub_mismatch": "IB och årets rader skiljer sig från UB",
    "res_mismatch": "Resultatet skiljer sig från årets rader",
}
OTHER = "Övrig kontroll"


def label(code: str) -> str:
    """The check's Swedish name; a code added later without one is still shown as a check, never as English."""
    return LABELS.get(code, OTHER)
