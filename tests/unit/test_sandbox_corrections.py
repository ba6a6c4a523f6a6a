"""Rows struck by a correction, as Fortnox keeps them: planted in the mid-size and large companies, shown in the API
and the SIE export, and counted in no figure."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date
from functools import cache

import pytest

from sandbox.profiles import EAGER_PROFILES, LAZY_PROFILES
from sandbox.sie_export import export_sie
from sandbox.books_store import open_books
from sandbox.world import LARGE_TENANT_ID, MIDSIZE_TENANT_ID, SMALL_TENANT_ID, Generator, generate_company
from services.sie import read_sie

PROFILES = {p.tenant_id: p for p in EAGER_PROFILES + LAZY_PROFILES}


@cache
def _company(tenant_id: str):
    """Each company generated once for the module (the large one takes seconds)."""
    return generate_company(1, tenant_id)


def _corrected(tenant_id: str):
    return [v for v in _company(tenant_id).vouchers if any(r.removed for r in v.rows)]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_books(tmp_path_factory.mktemp("corrections"), 1)
    yield store
    store.close()


@pytest.mark.parametrize(("tenant_id", "count"), [(SMALL_TENANT_ID, 0), (MIDSIZE_TENANT_ID, 3), (LARGE_TENANT_ID, 9)])
def test_the_midsize_and_large_companies_have_vouchers_with_struck_rows(tenant_id: str, count: int) -> None:
    assert len(_corrected(tenant_id)) == count


@pytest.mark.parametrize("tenant_id", [MIDSIZE_TENANT_ID, LARGE_TENANT_ID])
def test_a_corrected_voucher_balances_only_without_its_struck_row(tenant_id: str) -> None:
    for voucher in _corrected(tenant_id):
        assert sum(r.amount for r in voucher.rows if not r.removed) == 0
        assert sum(r.amount for r in voucher.rows) != 0


@pytest.mark.parametrize("tenant_id", [MIDSIZE_TENANT_ID, LARGE_TENANT_ID])
def test_each_struck_row_is_replaced_by_an_added_row_on_its_account_put_last(tenant_id: str) -> None:
    for voucher in _corrected(tenant_id):
        [struck] = [r for r in voucher.rows if r.removed]
        assert voucher.rows[-1].added and voucher.rows[-1].account == struck.account


def test_struck_rows_fall_on_receivables_and_payables_too() -> None:
    accounts = {r.account for v in _corrected(MIDSIZE_TENANT_ID) for r in v.rows if r.removed}
    assert {"1510", "2440"} <= accounts


@pytest.mark.parametrize("tenant_id", [MIDSIZE_TENANT_ID, pytest.param(LARGE_TENANT_ID, marks=pytest.mark.slow)])
def test_planting_corrections_changes_no_voucher_document_or_finding(tenant_id: str) -> None:
    with_them = _company(tenant_id)
    without = Generator(replace(PROFILES[tenant_id], corrections=0), 1).build()

    def current(company) -> list[tuple]:
        return [(v.series, v.number, v.year_id, Counter((r.account, r.debit, r.credit) for r in v.rows if not r.removed))
                for v in company.vouchers]

    assert current(with_them) == current(without)
    assert (with_them.findings, with_them.documents) == (without.findings, without.documents)


def test_the_sandbox_counts_no_struck_row_in_its_balances(store) -> None:
    company = generate_company(1, MIDSIZE_TENANT_ID)
    year = company.financial_years[-1]
    expected: Counter[str] = Counter()
    for voucher in company.vouchers:
        for row in voucher.rows:
            if voucher.year_id == year.id and not row.removed:
                expected[row.account] += row.amount
    movements = store.movements(MIDSIZE_TENANT_ID, year.id)
    assert {a: v for a, v in movements.items() if v} == {a: v for a, v in expected.items() if v}


def test_the_sie_export_writes_struck_rows_as_btrans_and_their_replacements_as_rtrans(store) -> None:
    company = store.company(MIDSIZE_TENANT_ID)
    year = store.financial_years(MIDSIZE_TENANT_ID)[-1]
    document = read_sie(export_sie(store, MIDSIZE_TENANT_ID, year, 4, date(2026, 3, 2)), strict=True)
    corrected = [v for v in document.vouchers if any(t.kind == "BTRANS" for t in v.transactions)]
    assert len(corrected) == 3
    for voucher in corrected:
        kinds = [t.kind for t in voucher.transactions]
        assert kinds[-2:] == ["RTRANS", "TRANS"] and voucher.transactions[-1].shadow
        assert {t.sign for t in voucher.transactions if t.kind != "TRANS"} == {company.contact}
        assert voucher.is_balanced
