"""Semantic checks (services/sie/checks.py), one small hand-made file each."""

from __future__ import annotations

from services.sie import read_sie
from services.sie.checks import check_document

from .sie_text import BANK_AND_SALES, IDENTIFICATION, YEAR_2023, YEAR_2024, sie_bytes

HEADER = (*IDENTIFICATION, YEAR_2024, YEAR_2023, *BANK_AND_SALES)
BODY = len(HEADER) + 1


def findings(*body: str) -> list[tuple[int, str]]:
    doc = read_sie(sie_bytes(*HEADER, *body))
    return [(m.line, m.code) for m in check_document(doc)]


def sale(amount: str = "100", date: str = "20240110", account: str = "3010") -> tuple[str, ...]:
    return (f'#VER A 1 {date} "Försäljning"', "{", f"#TRANS 1930 {{}} {amount}", f"#TRANS {account} {{}} -{amount}", "}")


def test_a_consistent_file_has_no_findings():
    assert findings("#IB 0 1930 50", "#UB -1 1930 50", "#UB 0 1930 150", "#RES 0 3010 -100", *sale()) == []


def test_unbalanced_voucher_is_found_at_its_ver_line():
    assert findings('#VER A 1 20240110 ""', "{", "#TRANS 1930 {} 100", "#TRANS 3010 {} -90", "}") == [
        (BODY, "unbalanced_voucher")
    ]


def test_previous_closing_balance_differing_from_opening_balance_is_found():
    assert findings("#UB -1 1930 40", "#IB 0 1930 50") == [(BODY + 1, "ub_ib_mismatch")]


def test_opening_balance_plus_rows_differing_from_closing_balance_is_found():
    assert findings("#IB 0 1930 50", "#UB 0 1930 100", *sale()) == [(BODY + 1, "ib_ub_mismatch")]


def test_result_differing_from_the_sum_of_rows_is_found():
    assert findings("#RES 0 3010 -90", *sale()) == [(BODY, "res_mismatch")]


def test_ktyp_decides_whether_an_account_is_a_result_account():
    # 1930 declared as an income account (I): its rows are compared with #RES.
    assert findings("#KTYP 1930 I", "#RES 0 1930 100", "#RES 0 3010 -100", *sale()) == []


def test_voucher_dated_outside_year_0_is_found():
    assert findings(*sale(date="20250102")) == [(BODY, "date_outside_year")]


def test_voucher_outside_year_0_is_not_summed():
    doc = read_sie("\r\n".join((*HEADER, *sale(date="20250102"))).encode("cp437"))
    from services.sie.checks import Checker

    checker = Checker()
    for v in doc.vouchers:
        checker.voucher(v, doc)
    checker.finish(doc)
    assert checker.sum_by_account == {}


def test_account_used_but_not_declared_is_found_at_its_first_row():
    assert findings(*sale(account="3011")) == [(BODY + 3, "undeclared_account")]


def test_undeclared_accounts_are_not_reported_when_the_file_declares_none():
    doc = read_sie("\r\n".join((*HEADER[:6], *sale())).encode("cp437"))  # a 4I without #KONTO
    assert check_document(doc) == []


def test_findings_carry_swedish_messages_with_the_line():
    doc = read_sie("\r\n".join((*HEADER, *sale(date="20250102"))).encode("cp437"))
    (m,) = check_document(doc)
    assert m.message.startswith(f"Rad {BODY}: ") and "räkenskapsåret" in m.message
