"""Round trips through the SIE writer and reader.

* A random valid document, written as SIE 4E and read back, is the same
  document (every field the format carries; line numbers aside).
* Every readable corpus file, read, written as 4E and read again, keeps its
  meaning: header, chart, balances, vouchers with their current rows and
  history, and the per-account sums.

What the writer changes on purpose, and the comparisons therefore normalise:
vouchers come out grouped by series in ascending verno
(``canonical_voucher_order``); a text ending in a backslash gets a trailing
space and characters outside CP437 are replaced (``cp437_text``); ``#ORGNR``
gets its hyphen; the shadow ``#TRANS`` after an ``#RTRANS`` becomes identical
to it (sign included).
"""

from __future__ import annotations

import dataclasses
import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.sie import (
    SieAccount,
    SieBalance,
    SieDocument,
    SieTransaction,
    SieVoucher,
    SieYear,
    read_sie,
)
from services.sie.writer import canonical_voucher_order, cp437_replace, cp437_text, write_sie
from tests.hypothesis_budget import examples

try:  # fields added with the extended reader; the writer writes them when present
    from services.sie.model import SieAddress, SieObjectBalance, SiePeriodBalance
except ImportError:  # pragma: no cover
    SieAddress = SieObjectBalance = SiePeriodBalance = None  # type: ignore[assignment,misc]

EXTENDED = SieAddress is not None

# ----------------------------------------------------------------- strategies

# Characters for texts: printable ASCII (with " and \) and the CP437 letters
# 0x80-0xA5 (Ç ü é â ä à å ç ê … Ä Å É æ Æ ô ö … Ö Ü … á í ó ú ñ Ñ). The
# box-drawing and Greek bytes 0xA6-0xFF are left out: CP437 itself holds them,
# but a file whose only non-ASCII bytes are such symbols can be valid UTF-8
# ("├⌐" is the UTF-8 of "é") or look like Latin-1 ("╓" is Latin-1 "Ö"), so
# the reader's encoding detection (FORMAT.md §2) cannot tell it is CP437.
# The writer warns about such output (test_sie_writer.py).
CP437_CHARS = [bytes([b]).decode("cp437") for b in [*range(0x20, 0x7F), *range(0x80, 0xA6)]]
SPICY = ['"', "\\", " ", "å", "ä", "ö", "Å", "Ä", "Ö", "{", "}", "#"]

texts = st.text(st.sampled_from(CP437_CHARS) | st.sampled_from(SPICY), max_size=30)
names = texts.filter(lambda s: not s.endswith("\\"))  # see test_text_ending_in_backslash...
optional_texts = st.none() | texts.filter(bool)
accounts = st.from_regex(r"\A[0-9]{4}\Z") | st.from_regex(r"\A0[0-9]{1,7}\Z")
digits = st.from_regex(r"\A[0-9]{1,3}\Z")
series = st.sampled_from(["A", "B", "LEV1", "1", ""])
vernos = st.integers(1, 999).map(str) | st.just("")
dates = st.dates(date(1990, 1, 1), date(2099, 12, 31))
amounts = st.integers(-(10**12), 10**12)
quantities = st.none() | st.from_regex(r"\A-?[0-9]{1,6}(\.[0-9]{1,6})?\Z").map(Decimal)
object_lists = st.lists(st.tuples(digits, texts), max_size=3).map(tuple)


@st.composite
def rows(draw) -> tuple[SieTransaction, ...]:
    """Voucher rows that balance: #TRANS, #RTRANS (with its shadow) and #BTRANS."""

    def one(kind: str, amount: int) -> SieTransaction:
        return SieTransaction(
            account=draw(accounts),
            amount_ore=amount,
            objects=draw(object_lists),
            date=draw(st.none() | dates),
            text=draw(names),
            quantity=draw(quantities),
            kind=kind,
            line=0,
            sign=draw(st.none() | names.filter(bool)),
        )

    out: list[SieTransaction] = []
    total = 0
    for kind in draw(st.lists(st.sampled_from(["TRANS", "TRANS", "RTRANS", "BTRANS"]), min_size=1, max_size=5)):
        t = one(kind, draw(amounts))
        out.append(t)
        if kind == "RTRANS":
            out.append(dataclasses.replace(t, kind="TRANS", shadow=True))
        if kind != "BTRANS":
            total += t.amount_ore
    out.append(one("TRANS", -total))
    return tuple(out)


@st.composite
def vouchers(draw) -> SieVoucher:
    return SieVoucher(
        series=draw(series),
        number=draw(vernos),
        date=draw(dates),
        text=draw(names),
        reg_date=draw(st.none() | dates),
        transactions=draw(rows()),
        line=0,
        sign=draw(st.none() | names.filter(bool)),
    )


@st.composite
def documents(draw) -> SieDocument:
    n_years = draw(st.integers(1, 3))
    start = date(draw(st.integers(2000, 2090)), draw(st.integers(1, 12)), 1)
    years = []
    for i in range(n_years):
        s = start.replace(year=start.year - i)
        years.append(SieYear(-i, s, s.replace(year=s.year + 1) - timedelta(days=1)))
    year_index = st.integers(-(n_years - 1), 0)
    account_map = {
        a.number: a
        for a in draw(
            st.lists(
                st.builds(
                    lambda number, name, ktyp, sru: SieAccount(number, name, ktyp, sru),
                    accounts,
                    names,
                    st.none() | st.sampled_from("TSKI"),
                    st.none() | st.from_regex(r"\A[0-9]{3,4}\Z"),
                ),
                max_size=6,
                unique_by=lambda a: a.number,
            )
        )
    }
    dims = draw(st.dictionaries(digits, names, max_size=3))
    objs = draw(st.dictionaries(st.tuples(digits, texts.filter(lambda s: not s.endswith("\\"))), names, max_size=3))
    balances = [
        SieBalance(kind, year, account, amount)
        for kind, year, account, amount in draw(
            st.lists(st.tuples(st.sampled_from(["IB", "UB", "RES"]), year_index, accounts, amounts), max_size=6)
        )
    ]
    extra = {}
    if EXTENDED:
        extra = {
            "address": draw(st.none() | st.builds(SieAddress, names, names, names, names)),
            "taxar": draw(st.none() | st.integers(2000, 2099)),
            "omfattn": draw(st.none() | dates),
            "object_balances": draw(
                st.lists(
                    st.builds(
                        SieObjectBalance,
                        st.sampled_from(["OIB", "OUB"]),
                        year_index,
                        accounts,
                        object_lists,
                        amounts,
                        quantities,
                    ),
                    max_size=3,
                )
            ),
            "period_balances": draw(
                st.lists(
                    st.builds(
                        SiePeriodBalance,
                        st.sampled_from(["PSALDO", "PBUDGET"]),
                        year_index,
                        st.from_regex(r"\A20[0-9]{2}(0[1-9]|1[0-2])\Z"),
                        accounts,
                        object_lists,
                        amounts,
                        quantities,
                    ),
                    max_size=3,
                )
            ),
        }
    return SieDocument(
        encoding="cp437",
        format="PC8",
        sietype=4,
        program=draw(names),
        program_version=draw(st.from_regex(r"\A[0-9]{1,2}(\.[0-9]{1,2}){0,2}\Z")),
        generated=draw(dates),
        company_name=draw(names),
        orgnr=draw(st.none() | st.from_regex(r"\A[0-9]{6}-[0-9]{4}\Z")),
        fnr=draw(st.none() | st.from_regex(r"\A[0-9]{1,6}\Z")),
        kptyp=draw(st.none() | st.sampled_from(["BAS95", "EUBAS97", "BAS2024"])),
        currency=draw(st.none() | st.just("SEK")),
        years=years,
        accounts=account_map,
        dimensions=dims,
        objects=objs,
        balances=balances,
        vouchers=draw(st.lists(vouchers(), max_size=5)),
        **extra,
    )


# ----------------------------------------------------------------- comparison

_KIND_ORDER = {k: i for i, k in enumerate(("IB", "UB", "OIB", "OUB", "RES", "PSALDO", "PBUDGET"))}


def txt(value: str | None) -> str | None:
    return None if value is None else cp437_text(value)


def ident(value: str | None) -> str | None:
    return None if value is None else cp437_replace(value)


def objects_of(objs) -> tuple:
    return tuple((ident(d), txt(o)) for d, o in objs)


def row_meaning(t: SieTransaction) -> tuple:
    qty = None if t.quantity is None else str(t.quantity)
    return (t.kind, ident(t.account), t.amount_ore, objects_of(t.objects), t.date, txt(t.text), qty, txt(t.sign))


def voucher_meaning(v: SieVoucher) -> tuple:
    return (
        ident(v.series),
        ident(v.number),
        v.date,
        txt(v.text),
        v.reg_date,
        txt(v.sign),
        tuple(row_meaning(t) for t in v.rows),
        tuple(row_meaning(t) for t in v.transactions if t.kind == "BTRANS"),
    )


def balances_meaning(doc: SieDocument) -> list[tuple]:
    """Balances in the writer's order (by kind, stable), without line numbers."""
    out = [(b.kind, b.year, ident(b.account), b.amount_ore) for b in doc.balances]
    if EXTENDED:
        out += [
            (b.kind, b.year, ident(b.account), objects_of(b.objects), b.amount_ore, b.quantity)
            for b in doc.object_balances
        ]
        out += [
            (b.kind, b.year, b.period, ident(b.account), objects_of(b.objects), b.amount_ore, b.quantity)
            for b in doc.period_balances
        ]
    return sorted(out, key=lambda r: _KIND_ORDER[r[0]])


def meaning(doc: SieDocument) -> dict:
    """What a SIE 4E file says, in comparable form."""
    m = {
        "program": (txt(doc.program), doc.program_version),
        "generated": doc.generated,
        "company": txt(doc.company_name),
        "orgnr": (doc.orgnr or "").replace("-", "") or None,
        "fnr": ident(doc.fnr),
        "kptyp": ident(doc.kptyp),
        "currency": ident(doc.currency),
        "years": sorted((y.index, y.start, y.end) for y in doc.years),
        "accounts": {ident(n): (txt(a.name), ident(a.type or None), ident(a.sru)) for n, a in doc.accounts.items()},
        "dimensions": {ident(d): txt(n) for d, n in doc.dimensions.items()},
        "objects": {(ident(d), txt(o)): txt(n) for (d, o), n in doc.objects.items()},
        "balances": balances_meaning(doc),
        "vouchers": [voucher_meaning(v) for v in canonical_voucher_order(doc.vouchers)],
        "sums": {ident(a): s for a, s in doc.account_totals().items()},
        "rows": doc.transaction_count,
    }
    if EXTENDED:
        a = doc.address
        m.update(
            address=None if a is None else tuple(txt(x) for x in (a.contact, a.street, a.postal, a.phone)),
            taxar=doc.taxar,
            omfattn=doc.omfattn,
            units={n: txt(a.unit) for n, a in doc.accounts.items()},
            subdimensions=dict(doc.subdimensions),
        )
    return m


def rtrans_shadows_are_identical(doc: SieDocument) -> bool:
    for v in doc.vouchers:
        for prev, t in zip(v.transactions, v.transactions[1:]):
            if t.shadow and dataclasses.replace(t, kind="RTRANS", shadow=False, line=0) != dataclasses.replace(
                prev, line=0
            ):
                return False
    return True


# ------------------------------------------------------------ random documents


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_document_survives_write_and_read(doc):
    data, _ = write_sie(doc, kind="4E", text_limit=None)
    back = read_sie(data)
    assert back.warnings == []
    assert meaning(back) == meaning(doc)
    assert rtrans_shadows_are_identical(back)


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_document_written_twice_gives_the_same_bytes(doc):
    data, _ = write_sie(doc, kind="4E", text_limit=None, ksumma=True)
    again, _ = write_sie(read_sie(data), kind="4E", text_limit=None, ksumma=True)
    assert again == data
    assert read_sie(data).ksumma == "verified"


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_document_as_4i_keeps_its_vouchers_and_drops_balances(doc):
    data, _ = write_sie(doc, kind="4I", text_limit=None)
    back = read_sie(data)
    assert back.warnings == []
    assert back.balances == []
    assert meaning(back)["vouchers"] == meaning(doc)["vouchers"]


# ---------------------------------------------------------------------- corpus


def _samples() -> Path:
    env = os.environ.get("SIE_SAMPLES")
    return Path(env) if env else Path(__file__).resolve().parents[3] / "shared" / "sie-samples"


SAMPLES = _samples()
CORPUS = sorted(
    p.name for p in (SAMPLES.glob("*.s[ei]") if SAMPLES.is_dir() else []) if not p.name.startswith("BROKEN_")
)


# Reader warnings that describe content (a voucher that does not balance, the
# SoftOne account "DIFF"), which a faithful copy keeps.
CONTENT_FINDINGS = {"unbalanced_voucher", "non_numeric_account"}


@pytest.mark.skipif(not CORPUS, reason=f"SIE samples not found at {SAMPLES}; set SIE_SAMPLES")
@pytest.mark.parametrize("name", CORPUS or ["(none)"])
def test_corpus_file_keeps_its_meaning_through_write_and_read(name):
    original = read_sie((SAMPLES / name).read_bytes())
    data, warnings = write_sie(original, kind="4E", text_limit=None, unencodable="replace", allow_unbalanced=True)
    back = read_sie(data)
    # The only findings left are about the content itself, never the writing.
    assert {w.code for w in back.warnings} <= CONTENT_FINDINGS & {w.code for w in original.warnings}
    assert meaning(back) == meaning(original)
    unbalanced = [w for w in warnings if w.code == "unbalanced_voucher"]
    assert len(unbalanced) == len(original.unbalanced_vouchers)


@pytest.mark.skipif(not CORPUS, reason=f"SIE samples not found at {SAMPLES}; set SIE_SAMPLES")
@pytest.mark.parametrize("name", CORPUS or ["(none)"])
def test_corpus_file_written_again_gives_the_same_bytes(name):
    original = read_sie((SAMPLES / name).read_bytes())
    options = {"kind": "4E", "text_limit": None, "unencodable": "replace", "allow_unbalanced": True}
    data, _ = write_sie(original, **options)
    assert write_sie(read_sie(data), **options).data == data
