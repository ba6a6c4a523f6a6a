"""The demo world is deterministic and its books are consistent (what the app's reconciliation relies on)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest

from sandbox.books import year_balances
from sandbox.chart import BAS_CHART
from sandbox.sie_export import export_sie
from sandbox.books_store import open_books
from sandbox.world import (
    LARGE_TENANT_ID,
    MIDSIZE_TENANT_ID,
    SMALL_TENANT_ID,
    USERS,
    generate_world,
    is_valid_orgnr,
    luhn_check_digit,
)

GENERATED = date(2026, 3, 2)


@pytest.fixture(scope="module")
def world():
    return generate_world(1)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    store = open_books(tmp_path_factory.mktemp("world"), 1)
    yield store
    store.close()


def _company(world, tenant_id):
    return next(c for c in world.companies if c.tenant_id == tenant_id)


def _all_sie(store) -> list[bytes]:
    return [export_sie(store, c.tenant_id, y, 4, GENERATED)
            for c in store.companies() for y in store.financial_years(c.tenant_id)]


def test_same_seed_gives_byte_identical_sie_files(tmp_path, store):
    fresh = open_books(tmp_path, 1)
    try:
        assert _all_sie(fresh) == _all_sie(store)
    finally:
        fresh.close()


def test_generating_twice_gives_the_same_world():
    generate_world.cache_clear()
    first = generate_world(1)
    generate_world.cache_clear()

    assert generate_world(1) == first


def test_another_seed_gives_other_books(world):
    other = generate_world(2)

    assert _company(other, SMALL_TENANT_ID).vouchers != _company(world, SMALL_TENANT_ID).vouchers
    assert [c.tenant_id for c in other.companies] == [c.tenant_id for c in world.companies]


def test_tenants_are_the_small_then_the_midsize_company(world):
    assert [(c.tenant_id, c.name) for c in world.companies] == [
        (SMALL_TENANT_ID, "Bokslutsdemo AB"), (MIDSIZE_TENANT_ID, "Fjällbrons Bygg AB")]


def test_organisation_numbers_have_valid_luhn_check_digits(world):
    assert luhn_check_digit("556677889") == 9
    assert [c.orgnr for c in world.companies] == ["556677-8899", "559012-3450"]
    assert all(is_valid_orgnr(c.orgnr) for c in world.companies)
    assert not is_valid_orgnr("556677-8898")


def test_financial_years_are_calendar_years_and_a_broken_year(world):
    small = _company(world, SMALL_TENANT_ID).financial_years
    midsize = _company(world, MIDSIZE_TENANT_ID).financial_years

    assert [(y.id, y.from_date, y.to_date) for y in small] == [
        (1, date(2024, 1, 1), date(2024, 12, 31)), (2, date(2025, 1, 1), date(2025, 12, 31))]
    assert [(y.id, y.from_date, y.to_date) for y in midsize] == [
        (1, date(2023, 7, 1), date(2024, 6, 30)), (2, date(2024, 7, 1), date(2025, 6, 30))]


def test_the_companies_have_a_few_hundred_vouchers(world):
    assert 300 <= len(_company(world, SMALL_TENANT_ID).vouchers) <= 700
    assert 400 <= len(_company(world, MIDSIZE_TENANT_ID).vouchers) <= 700


def test_every_voucher_balances_without_its_struck_rows(world):
    for company in world.companies:
        for voucher in company.vouchers:
            current = [r for r in voucher.rows if not r.removed]
            assert len(current) >= 2
            assert sum(r.debit for r in current) == sum(r.credit for r in current), voucher


def test_every_voucher_is_dated_inside_its_financial_year(world):
    for company in world.companies:
        years = {y.id: y for y in company.financial_years}
        assert all(years[v.year_id].contains(v.transaction_date) for v in company.vouchers)


def test_series_are_numbered_from_one_without_gaps_in_date_order(world):
    for company in world.companies:
        by_series = defaultdict(list)
        for voucher in company.vouchers:
            by_series[(voucher.year_id, voucher.series)].append(voucher)
        assert {s for _, s in by_series} == {"A", "B", "C", "D", "E"}
        for vouchers in by_series.values():
            vouchers.sort(key=lambda v: v.number)
            assert [v.number for v in vouchers] == list(range(1, len(vouchers) + 1))
            dates = [v.transaction_date for v in vouchers]
            assert dates == sorted(dates)


def test_opening_balances_of_the_first_year_sum_to_zero(world):
    for company in world.companies:
        assert sum(amount for _, amount in company.opening_balances) == 0
        assert all(account < "3000" for account, _ in company.opening_balances)


def test_opening_balance_of_the_second_year_is_the_closing_balance_of_the_first(store):
    tenant_id = SMALL_TENANT_ID  # the mid-size company differs on purpose (see test_sandbox_ledger_world.py)
    first, second = store.financial_years(tenant_id)
    closing = year_balances(store, tenant_id, first).closing
    opening = year_balances(store, tenant_id, second).opening

    assert {a: v for a, v in opening.items() if v} == {a: v for a, v in closing.items() if v}
    assert sum(opening.values()) == 0


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_first_year_is_closed_with_the_result_booked_from_8999_to_2099(world, store, tenant_id):
    company = _company(world, tenant_id)
    first = company.financial_years[0]
    balances = year_balances(store, tenant_id, first)

    assert sum(balances.result.values()) == 0
    last_a = max((v for v in company.vouchers if v.year_id == first.id and v.series == "A"), key=lambda v: v.number)
    assert {r.account for r in last_a.rows} == {"8999", "2099"}
    assert last_a.transaction_date == first.to_date
    result_before_closing = sum(v for a, v in balances.result.items() if a != "8999")
    assert balances.closing["2099"] == result_before_closing < 0  # a profit, credited to 2099


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_second_year_moves_last_years_result_from_2099_to_2091_early(world, store, tenant_id):
    company = _company(world, tenant_id)
    first, second = company.financial_years
    profit = -year_balances(store, tenant_id, first).closing["2099"]

    moves = [v for v in company.vouchers if v.year_id == second.id and {r.account for r in v.rows} == {"2099", "2091"}]

    assert len(moves) == 1
    assert moves[0].transaction_date <= second.from_date + timedelta(days=31)
    rows = {r.account: r.amount for r in moves[0].rows}
    assert rows == {"2099": profit, "2091": -profit}
    assert year_balances(store, tenant_id, second).closing["2099"] == 0


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_latest_year_is_not_closed(world, store, tenant_id):
    company = _company(world, tenant_id)
    latest = company.financial_years[-1]

    assert sum(year_balances(store, tenant_id, latest).result.values()) != 0
    assert not any(r.account == "8999" for v in company.vouchers if v.year_id == latest.id for r in v.rows)


def test_locked_period_is_the_end_of_the_first_year_and_halfway_into_the_midsize_companys_second(world):
    assert [c.locked_until for c in world.companies] == [date(2024, 12, 31), date(2024, 12, 31)]


def test_chart_has_the_year_end_accounts_with_swedish_names_and_sru(world):
    chart = {a.number: a for a in BAS_CHART}
    expected = {
        "1229": "Ackumulerade avskrivningar på inventarier",
        "7832": "Avskrivningar på inventarier och verktyg",
        "5010": "Lokalhyra",
        "2990": "Övriga upplupna kostnader och förutbetalda intäkter",
    }
    for number, name in expected.items():
        assert chart[number].name == name
    for number in ("1930", "1510", "2440", "2610", "2640", "2099", "2091", "8999", "3001", "4010", "6570"):
        assert chart[number].sru > 0
    assert len(BAS_CHART) >= 200
    assert all(a.name.encode("cp437") for a in BAS_CHART)


def test_vouchers_only_use_accounts_of_the_chart_that_are_active(world):
    for company in world.companies:
        active = {a.number for a in company.chart} - company.inactive_accounts
        assert {r.account for v in company.vouchers for r in v.rows} <= active


def test_demo_user_has_every_company_and_anna_only_the_small_one():
    users = {u.email: u for u in USERS}

    assert users["demo@example.com"].tenant_ids == (SMALL_TENANT_ID, MIDSIZE_TENANT_ID, LARGE_TENANT_ID)
    assert users["anna@example.com"].tenant_ids == (SMALL_TENANT_ID,)
    assert {u.password for u in USERS} == {"demo"}
