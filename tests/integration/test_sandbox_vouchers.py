"""Creating vouchers through `POST /3/vouchers`: the happy path and every refusal Fortnox makes (NOTES.md §5.4)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.contract import validate_request, validate_response


def voucher_body(**overrides):
    voucher = {
        "VoucherSeries": "A",
        "TransactionDate": "2025-03-15",
        "Description": "Bankavgift mars",
        "Comments": "Skapad i test",
        "VoucherRows": [
            {"Account": 6570, "Debit": 125.5, "Credit": 0, "TransactionInformation": "Månadsavgift"},
            {"Account": 1930, "Debit": 0, "Credit": 125.5},
        ],
    }
    voucher.update(overrides)
    return {"Voucher": voucher}


def _post(sandbox_client, sandbox_auth, body, query=""):
    return sandbox_client.post(f"/3/vouchers{query}", json=body, headers=sandbox_auth)


def _refusal(answer, code=None):
    assert answer.status_code == 400, answer.text
    validate_response(answer.json(), "POST", "/3/vouchers", 400)
    error = answer.json()["ErrorInformation"]
    assert error["error"] == 1 and error["message"]
    if code is not None:
        assert error["code"] == code, error
    return error


def _a_series_count(sandbox_client, sandbox_auth):
    listed = sandbox_client.get("/3/vouchers/sublist/A?financialyear=2&limit=1", headers=sandbox_auth)
    return listed.json()["MetaInformation"]["@TotalResources"]


def _sie_lines(sandbox_client, sandbox_auth, year=2):
    answer = sandbox_client.get(f"/3/sie/4?financialyear={year}", headers=sandbox_auth)
    return answer.content.decode("cp437").split("\r\n")


def _balance(lines, label, account):
    prefix = f"{label} {account} "
    found = [line for line in lines if line.startswith(prefix)]
    return Decimal(found[0].split()[3]) if found else Decimal(0)


def test_create_voucher_answers_201_with_the_next_number_and_matches_the_spec(sandbox_client, sandbox_auth):
    body = voucher_body()
    validate_request(body, "POST", "/3/vouchers")
    series = sandbox_client.get("/3/voucherseries/A?financialyear=2", headers=sandbox_auth).json()
    next_number = series["VoucherSeries"]["NextVoucherNumber"]

    answer = _post(sandbox_client, sandbox_auth, body, "?financialyear=2")

    assert answer.status_code == 201, answer.text
    validate_response(answer.json(), "POST", "/3/vouchers", 201)
    voucher = answer.json()["Voucher"]
    assert voucher["VoucherNumber"] == next_number
    assert voucher["VoucherSeries"] == "A" and voucher["Year"] == 2
    assert voucher["ReferenceType"] == "MANUAL"
    assert voucher["Comments"] == "Skapad i test"
    assert voucher["VoucherRows"][0] == {
        "Account": 6570, "CostCenter": "", "Credit": 0, "Debit": 125.5, "Description": "Bankkostnader",
        "Project": "", "Quantity": 0, "Removed": False, "TransactionInformation": "Månadsavgift"}


def test_numbers_continue_per_series_and_year(sandbox_client, sandbox_auth):
    first = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]["VoucherNumber"]
    second = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]["VoucherNumber"]

    assert second == first + 1


def test_created_voucher_appears_in_the_list_and_the_single_get(sandbox_client, sandbox_auth):
    created = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]
    number = created["VoucherNumber"]

    listed = sandbox_client.get("/3/vouchers/sublist/A?financialyear=2&limit=500", headers=sandbox_auth)
    listed = listed.json()["Vouchers"]
    single = sandbox_client.get(f"/3/vouchers/A/{number}?financialyear=2", headers=sandbox_auth).json()

    assert [v for v in listed if v["VoucherNumber"] == number][0]["Description"] == "Bankavgift mars"
    assert single["Voucher"]["VoucherRows"] == created["VoucherRows"]


def test_created_voucher_appears_in_the_next_sie_export_and_moves_ub_and_res(sandbox_client, sandbox_auth):
    before = _sie_lines(sandbox_client, sandbox_auth)

    number = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]["VoucherNumber"]
    after = _sie_lines(sandbox_client, sandbox_auth)

    assert f'#VER A {number} 20250315 "Bankavgift mars" 20260302' in after
    at = after.index(f'#VER A {number} 20250315 "Bankavgift mars" 20260302')
    assert after[at + 1:at + 5] == [
        "{", '#TRANS 6570 {} 125.5 "" "Månadsavgift" 0', '#TRANS 1930 {} -125.5 "" "" 0', "}"]
    assert _balance(after, "#UB 0", "1930") == _balance(before, "#UB 0", "1930") - Decimal("125.5")
    assert _balance(after, "#RES 0", "6570") == _balance(before, "#RES 0", "6570") + Decimal("125.5")
    assert _balance(after, "#IB 0", "1930") == _balance(before, "#IB 0", "1930")


def test_without_financialyear_the_year_is_the_one_containing_the_date(sandbox_client, midsize_tenant_id):
    from tests.sandbox_flows import bearer, service_token

    sandbox_auth = bearer(service_token(sandbox_client, midsize_tenant_id))

    answer = _post(sandbox_client, sandbox_auth, voucher_body(TransactionDate="2025-02-03"))

    assert answer.status_code == 201
    assert answer.json()["Voucher"]["Year"] == 2


def test_amounts_as_numeric_strings_are_accepted(sandbox_client, sandbox_auth):
    rows = [{"Account": "6570", "Debit": "99.90", "Credit": "0"}, {"Account": "1930", "Debit": "0", "Credit": "99.90"}]

    answer = _post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows))

    assert answer.status_code == 201
    assert answer.json()["Voucher"]["VoucherRows"][0]["Debit"] == 99.9


def test_fewer_than_two_rows_is_refused(sandbox_client, sandbox_auth):
    one_row = [{"Account": 6570, "Debit": 10, "Credit": 0}]

    answer = _post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=one_row))

    _refusal(answer, 2001897)


def test_unbalanced_voucher_is_refused(sandbox_client, sandbox_auth):
    rows = [{"Account": 6570, "Debit": 100, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 99.99}]

    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows)))

    assert error["message"] == "Verifikationen är inte i balans."


def test_unknown_account_is_refused(sandbox_client, sandbox_auth):
    rows = [{"Account": 6571, "Debit": 100, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 100}]

    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows)), 2001304)

    assert error["message"] == "Kunde inte hitta konto"


def test_inactive_account_is_refused(sandbox_client, sandbox_auth):
    rows = [{"Account": 6570, "Debit": 100, "Credit": 0}, {"Account": 1910, "Debit": 0, "Credit": 100}]

    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows)))

    assert "1910" in error["message"] and "inte aktivt" in error["message"]


def test_series_that_is_not_manual_is_refused(sandbox_client, sandbox_auth):
    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherSeries="B")))

    assert error["message"] == "Verifikationsserien är inte manuell (B)"


def test_unknown_series_is_refused(sandbox_client, sandbox_auth):
    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherSeries="Q")))

    assert "Q" in error["message"]


def test_date_without_a_financial_year_is_refused(sandbox_client, sandbox_auth):
    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(TransactionDate="2026-04-01")))

    assert "2026-04-01" in error["message"]


def test_date_outside_the_requested_financial_year_is_refused(sandbox_client, sandbox_auth):
    _refusal(_post(sandbox_client, sandbox_auth, voucher_body(TransactionDate="2025-03-15"), "?financialyear=1"))


def test_unknown_financial_year_is_refused(sandbox_client, sandbox_auth):
    _refusal(_post(sandbox_client, sandbox_auth, voucher_body(), "?financialyear=77"))


@pytest.mark.parametrize("day", ["2024-12-31", "2024-06-01"])
def test_date_in_the_locked_period_is_refused(sandbox_client, sandbox_auth, day):
    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(TransactionDate=day)), 2000401)

    assert error["message"] == ("Bokslutsdemo AB har låst perioden t.o.m. 2024-12-31. "
                                "Lås upp perioden för att fortsätta.")


def test_first_day_after_the_locked_period_is_accepted(sandbox_client, sandbox_auth):
    assert _post(sandbox_client, sandbox_auth, voucher_body(TransactionDate="2025-01-01")).status_code == 201


def test_malformed_json_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.post("/3/vouchers", content=b'{"Voucher": {', headers={**sandbox_auth,
                                                                           "Content-Type": "application/json"})

    error = _refusal(answer, 2002115)

    assert error["message"] == "Error deserializing JSON: JSON_ERROR_SYNTAX"


def test_body_without_a_voucher_is_refused(sandbox_client, sandbox_auth):
    _refusal(_post(sandbox_client, sandbox_auth, {"Vouchers": []}), 2001392)


def test_missing_description_is_refused(sandbox_client, sandbox_auth):
    error = _refusal(_post(sandbox_client, sandbox_auth, voucher_body(Description="")))

    assert "Description" in error["message"]


def test_non_numeric_amount_is_refused(sandbox_client, sandbox_auth):
    rows = [{"Account": 6570, "Debit": "tio", "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 10}]

    _refusal(_post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows)), 2000108)


def test_refused_voucher_is_not_stored(sandbox_client, sandbox_auth):
    count = _a_series_count(sandbox_client, sandbox_auth)
    rows = [{"Account": 6570, "Debit": 100, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 1}]

    _post(sandbox_client, sandbox_auth, voucher_body(VoucherRows=rows))

    assert _a_series_count(sandbox_client, sandbox_auth) == count


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_vouchers_cannot_be_changed_or_deleted(sandbox_client, sandbox_auth, method):
    answer = sandbox_client.request(method, "/3/vouchers/A/1?financialyear=2", headers=sandbox_auth,
                                    json=voucher_body())

    assert answer.status_code == 405
    assert answer.json()["ErrorInformation"]["error"] == 1
    assert sandbox_client.get("/3/vouchers/A/1?financialyear=2", headers=sandbox_auth).status_code == 200


def test_created_voucher_survives_a_restart(sandbox_client, sandbox_auth, sandbox_settings, sandbox_clock):
    from starlette.testclient import TestClient

    from sandbox.server import create_app

    number = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]["VoucherNumber"]

    with TestClient(create_app(sandbox_settings, clock=sandbox_clock)) as restarted:
        answer = restarted.get(f"/3/vouchers/A/{number}?financialyear=2", headers=sandbox_auth)

    assert answer.status_code == 200
    assert answer.json()["Voucher"]["Description"] == "Bankavgift mars"


def test_lastmodified_lists_only_vouchers_changed_since_then(sandbox_client, sandbox_auth):
    number = _post(sandbox_client, sandbox_auth, voucher_body()).json()["Voucher"]["VoucherNumber"]

    answer = sandbox_client.get("/3/vouchers?financialyear=2&lastmodified=2026-03-02 08:00", headers=sandbox_auth)

    assert [(v["VoucherSeries"], v["VoucherNumber"]) for v in answer.json()["Vouchers"]] == [("A", number)]


def test_a_voucher_number_larger_than_any_stored_id_is_not_found(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"/3/vouchers/A/{2**64}?financialyear=1", headers=sandbox_auth)

    assert answer.status_code == 404
    validate_response(answer.json(), "GET", "/3/vouchers/{VoucherSeries}/{VoucherNumber}", 404)


def test_a_financial_year_larger_than_any_stored_id_is_refused(sandbox_client, sandbox_auth):
    answer = sandbox_client.get(f"/3/vouchers?financialyear={2**64}", headers=sandbox_auth)

    assert answer.status_code == 400
    validate_response(answer.json(), "GET", "/3/vouchers", 400)
