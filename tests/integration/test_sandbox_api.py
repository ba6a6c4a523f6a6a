"""The sandbox's /3/ resources answer like api.fortnox.se and validate against Fortnox's OpenAPI description."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sandbox.world import MIDSIZE_TENANT_ID, generate_world
from tests.contract import validate_response
from tests.sandbox_flows import bearer, service_token


def _get(sandbox_client, sandbox_auth, path):
    answer = sandbox_client.get(path, headers=sandbox_auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_missing_token_is_unauthorized_with_fortnox_body(sandbox_client):
    answer = sandbox_client.get("/3/companyinformation")

    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/json"
    assert answer.json() == {"message": "unauthorized"}


def test_forged_token_is_unauthorized(sandbox_client, sandbox_auth):
    token = sandbox_auth["Authorization"].split()[1]
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-2]}AA"

    answer = sandbox_client.get("/3/companyinformation", headers=bearer(forged))

    assert answer.status_code == 401
    assert answer.json() == {"message": "unauthorized"}


def test_access_token_expires_after_an_hour(sandbox_client, sandbox_auth, sandbox_clock):
    assert sandbox_client.get("/3/companyinformation", headers=sandbox_auth).status_code == 200
    sandbox_clock.advance(3600)

    answer = sandbox_client.get("/3/companyinformation", headers=sandbox_auth)

    assert answer.status_code == 401
    assert answer.json() == {"message": "unauthorized"}


def test_missing_scope_is_403_with_error_information_naming_the_scope(sandbox_client, small_tenant_id):
    token = service_token(sandbox_client, small_tenant_id, scope="companyinformation")

    answer = sandbox_client.get("/3/vouchers", headers=bearer(token))

    assert answer.status_code == 403
    error = answer.json()["ErrorInformation"]
    assert error["code"] == 2000663 and error["error"] == 1
    assert "bookkeeping" in error["message"]
    validate_response(answer.json(), "GET", "/3/vouchers", 403)


def test_company_information_names_the_tenant_and_matches_the_spec(sandbox_client, sandbox_auth, small_tenant_id):
    body = _get(sandbox_client, sandbox_auth, "/3/companyinformation")

    validate_response(body, "GET", "/3/companyinformation")
    info = body["CompanyInformation"]
    assert info["DatabaseNumber"] == int(small_tenant_id)
    assert info["CompanyName"] == "Bokslutsdemo AB"
    assert info["OrganizationNumber"] == "556677-8899"
    assert info["Address"] and info["City"] and info["ZipCode"]


def test_answers_carry_server_fortnox_and_php_style_json(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/financialyears", headers=sandbox_auth)

    assert answer.headers["server"] == "Fortnox"
    assert answer.headers["content-type"] == "application/json"
    assert '"@url":"http:\\/\\/testserver\\/3\\/financialyears\\/1"' in answer.text


def test_financial_years_list_and_single_match_the_spec(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/financialyears")
    single = _get(sandbox_client, sandbox_auth, "/3/financialyears/2")

    validate_response(body, "GET", "/3/financialyears")
    validate_response(single, "GET", "/3/financialyears/{Id}")
    assert [(y["Id"], y["FromDate"], y["ToDate"]) for y in body["FinancialYears"]] == [
        (1, "2024-01-01", "2024-12-31"), (2, "2025-01-01", "2025-12-31")]
    assert body["MetaInformation"] == {"@TotalResources": 2, "@TotalPages": 1, "@CurrentPage": 1}
    assert single["FinancialYear"]["Id"] == 2


def test_financial_years_by_date_finds_the_broken_year(sandbox_client, midsize_tenant_id):
    sandbox_auth = bearer(service_token(sandbox_client, midsize_tenant_id))

    body = _get(sandbox_client, sandbox_auth, "/3/financialyears?date=2024-03-15")
    empty = _get(sandbox_client, sandbox_auth, "/3/financialyears?date=2030-01-01")

    assert [(y["FromDate"], y["ToDate"]) for y in body["FinancialYears"]] == [("2023-07-01", "2024-06-30")]
    assert empty["FinancialYears"] == []
    assert empty["MetaInformation"] == {"@TotalResources": 0, "@TotalPages": 0, "@CurrentPage": 1}


def test_unknown_financial_year_is_404(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/financialyears/99", headers=sandbox_auth)

    assert answer.status_code == 404
    validate_response(answer.json(), "GET", "/3/financialyears/{Id}", 404)


def test_accounts_are_sorted_by_number_and_match_the_spec(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/accounts?financialyear=2&limit=500")

    validate_response(body, "GET", "/3/accounts")
    numbers = [a["Number"] for a in body["Accounts"]]
    assert numbers == sorted(numbers)
    assert len(numbers) == body["MetaInformation"]["@TotalResources"] > 200
    by_number = {a["Number"]: a for a in body["Accounts"]}
    assert by_number[1229]["Description"] == "Ackumulerade avskrivningar på inventarier"
    assert by_number[2990]["Description"] == "Övriga upplupna kostnader och förutbetalda intäkter"
    assert by_number[1930]["SRU"] == 7281
    assert by_number[1910]["Active"] is False
    assert all(a["Year"] == 2 for a in body["Accounts"])


def test_account_brings_forward_the_previous_years_closing_balance(sandbox_client, sandbox_auth):
    year1 = _get(sandbox_client, sandbox_auth, "/3/accounts/1930?financialyear=1")["Account"]
    year2 = _get(sandbox_client, sandbox_auth, "/3/accounts/1930?financialyear=2")

    validate_response(year2, "GET", "/3/accounts/{Number}")
    assert year2["Account"]["BalanceBroughtForward"] == year1["BalanceCarriedForward"]
    assert year1["BalanceBroughtForward"] == 412367


def test_unknown_account_is_404_with_fortnox_code(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/accounts/9998", headers=sandbox_auth)

    assert answer.status_code == 404
    assert answer.json()["ErrorInformation"]["code"] == 2000423


def test_voucher_series_a_is_manual_and_the_others_are_not(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/voucherseries")
    single = _get(sandbox_client, sandbox_auth, "/3/voucherseries/A?financialyear=2")

    validate_response(body, "GET", "/3/voucherseries")
    validate_response(single, "GET", "/3/voucherseries/{Code}")
    manual = {s["Code"]: s["Manual"] for s in body["VoucherSeriesCollection"]}
    assert manual == {"A": True, "B": False, "C": False, "D": False, "E": False}
    listed = _get(sandbox_client, sandbox_auth, "/3/vouchers/sublist/A?financialyear=2&limit=1")
    last_a = listed["MetaInformation"]["@TotalResources"]
    assert single["VoucherSeries"]["NextVoucherNumber"] == last_a + 1


def test_locked_period_ends_with_the_first_year_or_halfway_into_the_midsize_companys_second(
        sandbox_client, sandbox_auth, midsize_tenant_id):
    small = _get(sandbox_client, sandbox_auth, "/3/settings/lockedperiod")
    midsize = _get(sandbox_client, bearer(service_token(sandbox_client, midsize_tenant_id)), "/3/settings/lockedperiod")

    validate_response(small, "GET", "/3/settings/lockedperiod")
    assert small == {"LockedPeriod": {"EndDate": "2024-12-31"}}
    assert midsize == {"LockedPeriod": {"EndDate": "2024-12-31"}}  # a planted finding (sandbox/findings.py)


def test_pagination_pages_through_every_voucher_once(sandbox_client, sandbox_auth):
    first = _get(sandbox_client, sandbox_auth, "/3/vouchers?financialyear=1&limit=100&page=1")
    meta = first["MetaInformation"]
    seen = [(v["VoucherSeries"], v["VoucherNumber"]) for v in first["Vouchers"]]
    for page in range(2, meta["@TotalPages"] + 1):
        body = _get(sandbox_client, sandbox_auth, f"/3/vouchers?financialyear=1&limit=100&page={page}")
        assert body["MetaInformation"]["@CurrentPage"] == page
        seen += [(v["VoucherSeries"], v["VoucherNumber"]) for v in body["Vouchers"]]

    assert meta["@TotalPages"] == -(-meta["@TotalResources"] // 100) >= 2
    assert len(seen) == len(set(seen)) == meta["@TotalResources"]


def test_default_page_size_is_100(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/vouchers?financialyear=1")

    assert len(body["Vouchers"]) == 100


def test_limit_above_500_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/vouchers?limit=501", headers=sandbox_auth)

    assert answer.status_code == 400
    assert answer.json()["ErrorInformation"]["code"] == 2000588


def test_offset_skips_items(sandbox_client, sandbox_auth):
    whole = _get(sandbox_client, sandbox_auth, "/3/vouchers?financialyear=1&limit=10")["Vouchers"]
    shifted = _get(sandbox_client, sandbox_auth, "/3/vouchers?financialyear=1&limit=5&offset=3")["Vouchers"]

    assert shifted == whole[3:8]


def test_voucher_list_items_have_no_rows_are_sorted_and_match_the_spec(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/vouchers?financialyear=1&limit=500")

    validate_response(body, "GET", "/3/vouchers")
    items = body["Vouchers"]
    assert set(items[0]) == {"@url", "ApprovalState", "Comments", "Description", "ReferenceNumber", "ReferenceType",
                             "TransactionDate", "VoucherNumber", "VoucherSeries", "Year"}
    keys = [(v["VoucherSeries"], v["VoucherNumber"]) for v in items]
    assert keys == sorted(keys)
    assert {v["VoucherSeries"] for v in items} == {"A", "B", "C", "D", "E"}


def test_voucher_list_filters_by_series_and_dates(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth,
                "/3/vouchers?financialyear=1&voucherseries=B&fromdate=2024-03-01&todate=2024-03-31")
    sublist = _get(sandbox_client, sandbox_auth, "/3/vouchers/sublist/B?financialyear=1&limit=500")

    assert body["Vouchers"]
    assert all(v["VoucherSeries"] == "B" and "2024-03-01" <= v["TransactionDate"] <= "2024-03-31"
               for v in body["Vouchers"])
    assert all(v["VoucherSeries"] == "B" for v in sublist["Vouchers"])


def test_single_voucher_rows_carry_account_names_and_match_the_spec(sandbox_client, sandbox_auth):
    body = _get(sandbox_client, sandbox_auth, "/3/vouchers/B/1?financialyear=1")

    validate_response(body, "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}")
    voucher = body["Voucher"]
    assert voucher["ReferenceType"] == "INVOICE"
    rows = voucher["VoucherRows"]
    assert sum(r["Debit"] for r in rows) == sum(r["Credit"] for r in rows)
    names = {r["Account"]: r["Description"] for r in rows}
    assert names[1510] == "Kundfordringar"


def test_a_corrected_voucher_keeps_its_struck_row_marked_removed_and_balances_without_it(sandbox_client):
    [company] = [c for c in generate_world(1).companies if c.tenant_id == MIDSIZE_TENANT_ID]
    [corrected] = [v for v in company.vouchers if v.series == "B" and any(r.removed for r in v.rows)]
    auth = bearer(service_token(sandbox_client, MIDSIZE_TENANT_ID))
    answer = sandbox_client.get(f"/3/vouchers/B/{corrected.number}?financialyear={corrected.year_id}", headers=auth)

    body = json.loads(answer.content, parse_float=Decimal)
    validate_response(body, "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}")
    rows = body["Voucher"]["VoucherRows"]
    assert [r["Account"] for r in rows if r["Removed"]] == [1510]
    assert sum(r["Debit"] - r["Credit"] for r in rows if not r["Removed"]) == 0


def test_unknown_voucher_is_404(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/vouchers/A/99999?financialyear=1", headers=sandbox_auth)

    assert answer.status_code == 404
    validate_response(answer.json(), "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}", 404)


def test_sie_export_is_cp437_bytes_as_octet_stream(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/sie/4?financialyear=2", headers=sandbox_auth)

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/octet-stream"
    text = answer.content.decode("cp437")
    assert text.startswith("#FLAGGA 0\r\n#FORMAT PC8\r\n#SIETYP 4\r\n")
    assert '#FNAMN "Bokslutsdemo AB"' in text
    assert "Företagskonto" in text


def test_sie_without_financial_year_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/sie/4", headers=sandbox_auth)

    assert answer.status_code == 400
    assert "ErrorInformation" in answer.json()


def test_sie_with_unknown_financial_year_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/sie/4?financialyear=42", headers=sandbox_auth)

    assert answer.status_code == 400
    assert answer.json()["ErrorInformation"]["message"]


def test_sie_type_must_be_one_to_four(sandbox_client, sandbox_auth):
    assert sandbox_client.get("/3/sie/5?financialyear=1", headers=sandbox_auth).status_code == 400


@pytest.mark.parametrize("path", ["/3/articles", "/3/nosuchroute/1"])
def test_a_route_the_sandbox_lacks_answers_no_such_route_as_fortnox_does(sandbox_client, sandbox_auth, path):
    answer = sandbox_client.get(path, headers=sandbox_auth)

    assert answer.status_code == 404
    assert answer.json() == {"ErrorInformation": {"error": 1, "message": "No such route", "code": 2000762}}


def test_one_tenant_never_sees_anothers_books(sandbox_client, midsize_tenant_id):
    sandbox_auth = bearer(service_token(sandbox_client, midsize_tenant_id))

    info = _get(sandbox_client, sandbox_auth, "/3/companyinformation")["CompanyInformation"]
    first = _get(sandbox_client, sandbox_auth, "/3/vouchers/B/1?financialyear=1")["Voucher"]

    assert info["CompanyName"] == "Fjällbrons Bygg AB"
    assert first["TransactionDate"] >= "2023-07-01"


def test_error_bodies_are_lowercase_error_information(sandbox_client, sandbox_auth):
    answer = sandbox_client.get("/3/vouchers/A/99999?financialyear=1", headers=sandbox_auth)

    assert set(json.loads(answer.text)["ErrorInformation"]) == {"error", "message", "code"}
