"""Pagination as Fortnox does it (NOTES.md §3.1): `limit` (default 100, at most 500), `page` (from 1), `offset`, and
MetaInformation with @TotalResources, @TotalPages and @CurrentPage on every list."""

from __future__ import annotations

import pytest

from tests.contract import validate_answer

VOUCHERS = "/3/vouchers?financialyear=1"


def _list(client, headers, query: str) -> dict:
    answer = client.get(f"{VOUCHERS}&{query}", headers=headers)
    assert answer.status_code == 200, answer.text
    validate_answer(answer, "GET", "/3/vouchers")
    return answer.json()


def _total(client, headers) -> int:
    return _list(client, headers, "limit=1")["MetaInformation"]["@TotalResources"]


def test_without_limit_a_page_holds_100(sandbox_client, sandbox_auth):
    assert len(_list(sandbox_client, sandbox_auth, "page=1")["Vouchers"]) == 100


def test_a_limit_of_500_is_allowed(sandbox_client, sandbox_auth):
    total = _total(sandbox_client, sandbox_auth)

    page = _list(sandbox_client, sandbox_auth, "limit=500")

    assert len(page["Vouchers"]) == min(total, 500)
    assert page["MetaInformation"]["@TotalPages"] == -(-total // 500)


@pytest.mark.parametrize("limit", ["501", "0", "ten"])
def test_a_limit_outside_1_to_500_is_refused_as_an_invalid_parameter(sandbox_client, sandbox_auth, limit):
    answer = sandbox_client.get(f"{VOUCHERS}&limit={limit}", headers=sandbox_auth)

    assert answer.status_code == 400
    assert answer.json()["ErrorInformation"]["code"] == 2000588
    validate_answer(answer, "GET", "/3/vouchers")


def test_meta_information_counts_resources_and_pages_of_the_limit(sandbox_client, sandbox_auth):
    total = _total(sandbox_client, sandbox_auth)

    meta = _list(sandbox_client, sandbox_auth, "limit=7&page=3")["MetaInformation"]

    assert meta == {"@TotalResources": total, "@TotalPages": -(-total // 7), "@CurrentPage": 3}


def test_the_last_page_holds_the_remainder(sandbox_client, sandbox_auth):
    total = _total(sandbox_client, sandbox_auth)
    last = -(-total // 7)

    page = _list(sandbox_client, sandbox_auth, f"limit=7&page={last}")

    assert len(page["Vouchers"]) == total - 7 * (last - 1)


def test_a_page_beyond_the_last_is_empty_and_names_the_page_asked_for(sandbox_client, sandbox_auth):
    total = _total(sandbox_client, sandbox_auth)
    beyond = -(-total // 100) + 1

    page = _list(sandbox_client, sandbox_auth, f"page={beyond}")

    assert page["Vouchers"] == []
    assert page["MetaInformation"]["@CurrentPage"] == beyond
    assert page["MetaInformation"]["@TotalResources"] == total


def test_page_zero_is_refused(sandbox_client, sandbox_auth):
    assert sandbox_client.get(f"{VOUCHERS}&page=0", headers=sandbox_auth).status_code == 400


def test_offset_skips_that_many_resources_before_the_first_page(sandbox_client, sandbox_auth):
    whole = _list(sandbox_client, sandbox_auth, "limit=20")["Vouchers"]

    shifted = _list(sandbox_client, sandbox_auth, "limit=10&offset=5")["Vouchers"]

    assert shifted == whole[5:15]


def test_a_negative_offset_is_refused(sandbox_client, sandbox_auth):
    assert sandbox_client.get(f"{VOUCHERS}&offset=-1", headers=sandbox_auth).status_code == 400


def test_an_empty_list_has_no_pages_and_is_on_page_one_as_fortnox_answers(sandbox_client, sandbox_auth):
    # recordings/invoices/search_miss.yml: {"@TotalResources":0,"@TotalPages":0,"@CurrentPage":1}
    answer = sandbox_client.get("/3/vouchers/sublist/Q?financialyear=1", headers=sandbox_auth)

    assert answer.json() == {"MetaInformation": {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1},
                             "Vouchers": []}


@pytest.mark.parametrize("path", ["/3/financialyears", "/3/accounts", "/3/voucherseries", "/3/vouchers",
                                  "/3/vouchers/sublist"])
def test_every_list_pages_with_the_same_parameters(sandbox_client, sandbox_auth, path):
    answer = sandbox_client.get(f"{path}?limit=1&page=2", headers=sandbox_auth)

    assert answer.status_code == 200
    meta = answer.json()["MetaInformation"]
    assert meta["@CurrentPage"] == 2 and meta["@TotalPages"] == meta["@TotalResources"]
