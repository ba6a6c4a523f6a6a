"""The sandbox writes SIE the way Fortnox does (shared/sie-samples/FORMAT.md §7, §9 and the real Fortnox export)."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from sandbox.sie_export import export_sie
from sandbox.books_store import open_books
from sandbox.world import MIDSIZE_TENANT_ID, SMALL_TENANT_ID

GENERATED = date(2026, 3, 2)
REAL_FORTNOX_EXPORT = (Path(__file__).resolve().parents[3] / "shared" / "sie-samples"
                       / "fortnox-3.40.4_sie4e_2020_with-rtrans-btrans.se")
OBJECT_LIST = re.compile(r"\{[^}]*\}")  # the mid-size company's rows carry cost centres and projects
MINIMAL_AMOUNT = re.compile(r"^-?(0|[1-9]\d*)(\.\d?[1-9])?$")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_books(tmp_path_factory.mktemp("sie"), 1)
    yield store
    store.close()


def _export(store, tenant_id=SMALL_TENANT_ID, year_index=1, sie_type=4) -> bytes:
    year = store.financial_years(tenant_id)[year_index]
    return export_sie(store, tenant_id, year, sie_type, GENERATED)


def _lines(data: bytes) -> list[str]:
    return data.decode("cp437").split("\r\n")


def _section_kinds(lines: list[str]) -> list[str]:
    """Collapse a file into its sequence of sections (consecutive records of one kind count once)."""
    kinds: list[str] = []
    for line in lines:
        parts = line.split(" ")
        label = parts[0]
        if label in ("#KONTO", "#SRU"):
            kind = "chart"
        elif label in ("#IB", "#UB"):
            kind = f"IB/UB {parts[1]}"
        elif label in ("#RES", "#PSALDO"):
            kind = f"{label} {parts[1]}"
        elif label in ("#VER", "{", "}", "#TRANS", "#RTRANS", "#BTRANS"):
            kind = "vouchers"
        elif label in ("#ORGNR", "#OBJEKT"):
            continue  # the sample company had no org. number and had cost centres
        else:
            kind = label or "blank"
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    return kinds


def test_file_is_cp437_with_crlf_and_no_newline_after_the_last_brace(store):
    data = _export(store)

    assert data.endswith(b"\r\n}")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert "ö".encode("cp437") in data and "ö".encode() not in data


def test_header_is_in_fortnox_order(store):
    lines = _lines(_export(store))

    assert lines[:14] == [
        "#FLAGGA 0",
        "#FORMAT PC8",
        "#SIETYP 4",
        '#PROGRAM "Fortnox" 3.56.9',
        "#GEN 20260302",
        f"#FNR {SMALL_TENANT_ID}",
        '#FNAMN "Bokslutsdemo AB"',
        '#ADRESS "Anna Andersson" "Storgatan 12" "111 22 Stockholm" "08-123 456 78" ',
        "#RAR 0 20250101 20251231",
        "#RAR -1 20240101 20241231",
        "#ORGNR 556677-8899",
        "#OMFATTN 20251231",
        "#KPTYP EUBAS97",
        "",
    ]


def test_sections_come_in_the_same_order_as_in_a_real_fortnox_export(store):
    if not REAL_FORTNOX_EXPORT.exists():
        pytest.skip("the real Fortnox export is not beside the repository")
    real = _section_kinds(REAL_FORTNOX_EXPORT.read_bytes().decode("cp437").split("\r\n"))

    ours = _section_kinds(_lines(_export(store)))

    assert ours == real
    assert ours[-1] == "vouchers"


def test_chart_interleaves_konto_and_sru(store):
    lines = _lines(_export(store))

    at = lines.index('#KONTO 1930 "Företagskonto/checkkonto/affärskonto"')
    assert lines[at + 1] == "#SRU 1930 7281"
    assert '#KONTO 1229 "Ackumulerade avskrivningar på inventarier"' in lines


def test_balances_end_with_a_zero_quantity_and_amounts_are_minimal(store):
    lines = _lines(_export(store))
    balance_lines = [line for line in lines if line.split(" ")[0] in ("#IB", "#UB", "#RES", "#PSALDO")]

    assert balance_lines
    for line in balance_lines:
        assert line.endswith(" 0"), line
        assert MINIMAL_AMOUNT.match(line.split(" ")[-2]), line


def test_voucher_lines_have_fortnox_shape(store):
    lines = _lines(_export(store))
    first = next(i for i, line in enumerate(lines) if line.startswith("#VER "))

    assert re.match(r'^#VER A 1 \d{8} "[^"]+" \d{8}$', lines[first])
    assert lines[first + 1] == "{"
    for line in lines[first:]:
        if line.startswith("#TRANS"):
            assert re.match(r'^#TRANS \d{4} \{\} (\S+) "" "(?:[^"\\]|\\")*" 0$', line), line
            assert MINIMAL_AMOUNT.match(line.split(" ")[3]), line


def test_quotes_in_texts_are_escaped_with_a_backslash(store):
    text = _export(store, year_index=0).decode("cp437")

    assert 'Stiftelsen \\"Solbacken\\"' in text


def test_every_exported_voucher_balances(store):
    lines = _lines(_export(store, MIDSIZE_TENANT_ID))
    total, vouchers = Decimal(0), 0
    for line in lines:
        if line.startswith("#VER"):
            total, vouchers = Decimal(0), vouchers + 1
        elif line.startswith("#TRANS"):
            total += Decimal(OBJECT_LIST.sub("{}", line).split(" ")[3])
        elif line == "}":
            assert total == 0

    assert vouchers > 200


def test_ub_is_ib_plus_the_years_transactions_and_psaldo_adds_up(store):
    lines = _lines(_export(store))
    ib, ub, res = {}, {}, {}
    trans, psaldo = defaultdict(Decimal), defaultdict(Decimal)
    for line in lines:
        parts = line.split(" ")
        if parts[0] in ("#IB", "#UB", "#RES") and parts[1] == "0":
            {"#IB": ib, "#UB": ub, "#RES": res}[parts[0]][parts[2]] = Decimal(parts[3])
        elif parts[0] == "#PSALDO" and parts[1] == "0":
            psaldo[parts[3]] += Decimal(parts[5])
        elif parts[0] == "#TRANS":
            trans[parts[1]] += Decimal(parts[3])

    for account in ub:
        assert ub[account] == ib[account] + trans.get(account, 0)
    for account in res:
        assert res[account] == trans[account]
    assert {a: v for a, v in psaldo.items()} == {a: v for a, v in trans.items()}


def test_opening_balances_of_year_zero_equal_closing_balances_of_year_minus_one(store):
    lines = _lines(_export(store))
    ib0 = {p[2]: p[3] for p in (line.split(" ") for line in lines) if p[:2] == ["#IB", "0"]}
    ub1 = {p[2]: p[3] for p in (line.split(" ") for line in lines) if p[:2] == ["#UB", "-1"]}

    assert {a: v for a, v in ib0.items() if v != "0"} == {a: v for a, v in ub1.items() if v != "0"}


def test_first_year_has_no_previous_year(store):
    text = _export(store, year_index=0).decode("cp437")

    assert "#RAR -1" not in text and "#IB -1" not in text


@pytest.mark.parametrize("sie_type, has_psaldo, has_dim, has_vouchers", [
    (1, False, False, False), (2, True, False, False), (3, True, True, False), (4, True, True, True)])
def test_each_sie_type_has_its_own_content(store, sie_type, has_psaldo, has_dim, has_vouchers):
    data = _export(store, sie_type=sie_type)
    text = data.decode("cp437")

    assert f"#SIETYP {sie_type}\r\n" in text
    assert ("#PSALDO" in text) is has_psaldo
    assert ("#DIM 1" in text) is has_dim
    assert ("#VER" in text) is has_vouchers
    assert not data.endswith(b"\r\n")
