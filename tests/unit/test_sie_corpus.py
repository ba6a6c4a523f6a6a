"""The reader against the real SIE files in shared/sie-samples.

``EXPECTED.json`` comes from an independent reference reader that follows
FORMAT.md. Every non-``BROKEN_`` file must read without SieError and agree
with it; the ``BROKEN_`` files must fail (or, for a semantic problem, read
and show it) exactly where the damage is.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from services.sie import SieDocument, SieError, read_sie

SAMPLES = Path(
    os.environ.get("SIE_SAMPLES")
    or Path(__file__).resolve().parents[3] / "shared" / "sie-samples"
)


def _expected() -> dict[str, dict]:
    path = SAMPLES / "EXPECTED.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


EXPECTED = _expected()
GOOD_FILES = sorted(p.name for p in SAMPLES.glob("*.s[ei]") if not p.name.startswith("BROKEN_"))

# EXPECTED.json fields and how this reader answers them.
CHECKED_FIELDS = {
    "program": lambda doc: doc.program,
    "sietype": lambda doc: doc.sietype,
    "vouchers": lambda doc: len(doc.vouchers),
    "transactions": lambda doc: doc.transaction_count,
    "unbalanced_vouchers": lambda doc: len(doc.unbalanced_vouchers),
}
# #KSUMMA verification: "verified", "mismatch" or "absent" (FORMAT.md §6).
CHECKED_FIELDS["ksumma"] = lambda doc: doc.ksumma
DEFERRED_FIELDS: set[str] = set()

_cache: dict[str, SieDocument] = {}


def doc_of(name: str) -> SieDocument:
    if name not in _cache:
        _cache[name] = read_sie((SAMPLES / name).read_bytes())
    return _cache[name]


# ------------------------------------------------------------ the corpus


def test_corpus_folder_is_present():
    assert SAMPLES.is_dir(), f"SIE samples not found at {SAMPLES}; set SIE_SAMPLES"
    assert len(list(SAMPLES.glob("*.s[ei]"))) >= 37


def test_expected_json_covers_exactly_the_good_files():
    assert sorted(EXPECTED) == GOOD_FILES


def test_every_expected_field_is_checked_or_explicitly_deferred():
    fields = {key for entry in EXPECTED.values() for key in entry}
    assert fields <= set(CHECKED_FIELDS) | DEFERRED_FIELDS, fields


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_reads_without_error(name):
    assert isinstance(doc_of(name), SieDocument)


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_agrees_with_expected_json(name):
    doc = doc_of(name)
    expected = {k: v for k, v in EXPECTED[name].items() if k in CHECKED_FIELDS}
    actual = {k: CHECKED_FIELDS[k](doc) for k in expected}
    assert actual == expected


# Files whose year-0 balances follow from their vouchers: IB + rows = UB for
# every balance-sheet account. A strong check of amounts and of which rows
# count. (The others export only part of the year's vouchers, or no #IB.)
CONTINUOUS_FILES = [
    "avendo-5.10_sie4e_rtrans-btrans.se",
    "avendo-5.20_ovnbolag_sie4e.se",
    "bl-administration-2011_sie4e_rtrans-btrans.se",
    "bl-administration-2018_sie4e_iso-8859-15.se",
    "mamut-14.8_sie4e_quoted-format.se",
    "norstedts-bokslut-2011_sie4e_ksumma.se",
    "sie-gruppen_exempelfil_underdim_utf8_sie4e.se",
    "sie-gruppen_exempelfil_visma-admin-2022.2_sie4e.se",
    "softone-xe_sie4_unbalanced-6dec-qty.se",
    "specter-3.61_sie4e.se",
    "visma-avendo-eekonomi-3.2_sie4.se",
]


@pytest.mark.parametrize("name", CONTINUOUS_FILES)
def test_opening_balance_plus_rows_is_closing_balance(name):
    doc = doc_of(name)
    ib, ub, totals = doc.balances_of("IB"), doc.balances_of("UB"), doc.account_totals()
    assert ub
    for account in set(ib) | set(ub):
        assert ib.get(account, 0) + totals.get(account, 0) == ub.get(account, 0), account


def test_year_balance_file_agrees_with_the_transaction_file_of_the_same_company():
    def balances(doc):
        return sorted((b.kind, b.year, b.account, b.amount_ore) for b in doc.balances)

    sie1 = doc_of("avendo-5.20_ovnbolag_sie1_arsaldo.se")
    sie4 = doc_of("avendo-5.20_ovnbolag_sie4e.se")
    assert sie1.sietype == 1
    assert balances(sie1) == balances(sie4) != []


# --------------------------------------------------------------- Fortnox

FORTNOX = "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se"


def test_fortnox_header():
    doc = doc_of(FORTNOX)
    assert (doc.program, doc.program_version, doc.format, doc.sietype) == ("Fortnox", "3.40.4", "PC8", 4)
    assert (doc.fnr, doc.orgnr, doc.kptyp, doc.generated) == ("334228", None, "EUBAS97", date(2021, 4, 26))
    assert doc.year(0).start == date(2020, 1, 1) and doc.year(-1).end == date(2019, 12, 31)
    assert doc.warnings == []


def test_fortnox_all_2324_vouchers_balance_using_current_rows():
    doc = doc_of(FORTNOX)
    assert len(doc.vouchers) == 2324
    assert all(v.is_balanced for v in doc.vouchers)


def test_fortnox_rtrans_btrans_and_shadows_are_recognised():
    kinds = Counter(
        "SHADOW" if t.shadow else t.kind for v in doc_of(FORTNOX).vouchers for t in v.transactions
    )
    assert (kinds["RTRANS"], kinds["BTRANS"], kinds["SHADOW"]) == (203, 104, 203)


def test_fortnox_counting_shadows_and_struck_rows_would_unbalance_vouchers():
    # FORMAT.md §8: the mistake this reader avoids breaks 53 Fortnox vouchers.
    naive = [
        v for v in doc_of(FORTNOX).vouchers
        if sum(t.amount_ore for t in v.transactions if t.kind != "BTRANS") != 0
    ]
    assert len(naive) == 53


def test_fortnox_rtrans_keeps_the_signature_the_shadow_omits():
    rows = [t for v in doc_of(FORTNOX).vouchers for t in v.transactions]
    rtrans = next(t for t in rows if t.kind == "RTRANS")
    shadow = rows[rows.index(rtrans) + 1]
    assert rtrans.sign and shadow.sign is None and shadow.shadow


def test_fortnox_leading_zero_account_and_minimal_amounts():
    doc = doc_of(FORTNOX)
    assert doc.accounts["0027"].name == "27"
    by_line = {t.line: t for v in doc.vouchers for t in v.transactions}
    assert by_line[3124].amount_ore == 343450  # 3434.5
    assert by_line[18864].amount_ore == -96  # -0.96
    assert by_line[3124].quantity == Decimal(0)


def test_fortnox_escaped_quote_in_voucher_text():
    texts = [v.text for v in doc_of(FORTNOX).vouchers if '"' in v.text]
    assert texts and all('\\"' not in t for t in texts)


# ------------------------------------------------------- exporter quirks


def test_bl_rtrans_shadows_differ_in_date_but_pair():
    doc = doc_of("bl-administration-2011_sie4e_rtrans-btrans.se")
    assert sum(t.shadow for v in doc.vouchers for t in v.transactions) == 6
    assert doc.warnings == []


def test_bl_4i_rar_without_dates_is_skipped_with_a_warning():
    doc = doc_of("bl-administration-2011_sie4i.si")
    assert doc.years == []
    assert [(w.line, w.code) for w in doc.warnings] == [(7, "rar_without_dates")]
    assert doc.vouchers[0].series == ""


def test_bl_literal_backslash_in_text():
    texts = {t.text for v in doc_of("bl-administration-2011_sie4e_rtrans-btrans.se").vouchers
             for t in v.transactions}
    assert any("\\" in t for t in texts)


def test_old_fortnox_empty_orgnr_and_quoted_series():
    doc = doc_of("fortnox-bokforing-2.0.0_sie4e-content_named-si.si")
    assert doc.orgnr is None
    assert (doc.vouchers[0].series, doc.vouchers[0].number) == ("A", "1")
    assert doc.program == "Fortnox Bokföring"


def test_softone_unterminated_quotes_close_at_end_of_line():
    doc = doc_of("softone-business-2016_sie4e_unterminated-quote.se")
    unterminated = [w.line for w in doc.warnings if w.code == "unterminated_quote"]
    assert unterminated == [1041, 1042, 1043]
    by_line = {t.line: t for v in doc.vouchers for t in v.transactions}
    assert by_line[1041].text == "260    aaaaaaaaaaaaaaaa"
    assert by_line[1041].objects == (("1", "654321"), ("6", "123456"))


def test_softone_xe_quantities_objects_and_one_unbalanced_voucher():
    doc = doc_of("softone-xe_sie4_unbalanced-6dec-qty.se")
    rows = [t for v in doc.vouchers for t in v.transactions]
    assert Decimal("10.000000") in {t.quantity for t in rows}
    assert (("1", "1"),) in {t.objects for t in rows}
    assert doc.objects[("6", "0724")] == "2040 Henriks kund"
    (bad,) = doc.unbalanced_vouchers
    assert bad.total_ore == 200


def test_softone_xe_quote_used_as_a_letter_stays_in_the_name():
    doc = doc_of("softone-xe_sie4_unbalanced-6dec-qty.se")
    assert doc.accounts["1684"].name == 'Fordringar hos leverant"r'
    assert doc.accounts["2440"].name == 'Leverant"rsskulder'


def test_mamut_quoted_format_and_orgnr():
    doc = doc_of("mamut-14.8_sie4e_quoted-format.se")
    assert (doc.format, doc.orgnr, doc.kptyp) == ("PC8", "555555-5555", "EUBAS97")


def test_norstedts_tab_separated_header_and_escaped_quotes_in_program():
    doc = doc_of("norstedts-revision-2010_sie1_ksumma-escaped-quotes.se")
    assert (doc.program, doc.fnr, doc.sietype) == ('"Norstedts Revision"', "0123", 1)
    assert doc.year(0) is not None and doc.year(0).start == date(2009, 7, 1)


def test_kassasystem_escaped_quotes_and_unquoted_company_name():
    doc = doc_of("kassasystem_sie4i_escaped-quotes-unquoted-name.si")
    assert doc.program_version == '1.0 - "Oblique Ozelot" - alpha'
    assert doc.company_name == "Övningsbolaget AB"
    assert "unquoted_text" in {w.code for w in doc.warnings}


def test_sir_missing_format_and_program_version():
    doc = doc_of("sir_sie4_no-format-no-program-version.se")
    assert (doc.format, doc.program, doc.program_version) == (None, "SIR", "")
    assert {"missing_format", "program_without_version"} <= {w.code for w in doc.warnings}


def test_visma_lon_version_keeps_its_trailing_space():
    assert doc_of("visma-lon-100_sie4i_version-trailing-space.si").program_version == "2012.1 "


def test_real09_empty_voucher_numbers():
    doc = doc_of("real09_sie4i_empty-verno.si")
    assert {v.number for v in doc.vouchers} == {""}
    assert {v.series for v in doc.vouchers} == {"B"}


def test_barsoom_unknown_label_is_ignored_and_unbalanced_voucher_shows():
    doc = doc_of("synthetic_barsoom_unknown-label-momskod.se")
    assert [(w.line, w.code) for w in doc.warnings] == [(22, "unbalanced_voucher")]
    (bad,) = doc.unbalanced_vouchers
    assert (bad.series, bad.number, bad.total_ore) == ("A", "1", -4000)


def test_visma_eekonomi_type_4_without_vouchers():
    doc = doc_of("visma-eekonomi-7.5_sie4_no-vouchers.se")
    assert (doc.sietype, doc.vouchers, doc.transaction_count) == (4, [], 0)
    assert doc.balances


# ------------------------------------------------------------ BROKEN_ files


@pytest.mark.parametrize(
    ("name", "line", "code"),
    [
        ("BROKEN_not-sie_html-404-page.se", 1, "not_sie"),
        ("BROKEN_kassasystem_sie4i_bad-voucher-date.si", 8, "bad_date"),
        ("BROKEN_kassasystem_sie4i_trans-missing-amount.si", 10, "missing_amount"),
    ],
)
def test_broken_file_raises_sie_error_at_the_damaged_line(name, line, code):
    with pytest.raises(SieError) as exc:
        read_sie((SAMPLES / name).read_bytes())
    assert (exc.value.line, exc.value.code) == (line, code)
    assert exc.value.message.startswith(f"Rad {line}: ")


def test_broken_unbalanced_voucher_file_reads_and_shows_the_voucher():
    doc = doc_of("BROKEN_avendo-5.20_ovnbolag_unbalanced-voucher.se")
    (bad,) = doc.unbalanced_vouchers
    assert (bad.series, bad.number, bad.line, bad.total_ore) == ("B", "1", 3905, -1277100)
    assert len(doc.vouchers) == len(doc_of("avendo-5.20_ovnbolag_sie4e.se").vouchers)


def test_broken_e_conomic_missing_open_brace_reads_with_a_warning():
    doc = doc_of("BROKEN_e-conomic_sie4_missing-open-brace.se")
    assert [(w.line, w.code) for w in doc.warnings] == [(1459, "missing_open_brace")]
    voucher = next(v for v in doc.vouchers if v.line == 1459)
    assert (voucher.series, voucher.number) == ("", "19")
    assert [(t.account, t.amount_ore) for t in voucher.rows] == [("8910", 300000), ("1630", -300000)]
    assert {v.series for v in doc.vouchers} == {""}
    assert doc.unbalanced_vouchers == []
