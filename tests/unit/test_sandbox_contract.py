"""tests/contract.py checks payloads against Fortnox's OpenAPI description, tolerating only its known gaps."""

from __future__ import annotations

import pytest

from tests.contract import ContractError, validate_request, validate_response, validate_schema

VOUCHER = {
    "VoucherSeries": "A", "TransactionDate": "2025-03-15", "Description": "Bankavgift",
    "VoucherRows": [{"Account": 6570, "Debit": 125.5, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 125.5}],
}


def test_a_voucher_create_request_without_year_is_accepted_as_real_clients_send_it():
    validate_request({"Voucher": VOUCHER}, "POST", "/3/vouchers")


def test_strict_mode_follows_the_spec_to_the_letter():
    with pytest.raises(ContractError, match="Year"):
        validate_request({"Voucher": VOUCHER}, "POST", "/3/vouchers", strict=True)


def test_wrong_types_are_reported_with_their_location():
    bad = {"Voucher": {**VOUCHER, "TransactionDate": "15/3/2025", "VoucherRows": [{"Account": 99}]}}

    with pytest.raises(ContractError) as caught:
        validate_request(bad, "POST", "/3/vouchers")

    message = str(caught.value)
    assert "Voucher/TransactionDate" in message
    assert "Voucher/VoucherRows/0/Account" in message


def test_list_answers_may_carry_meta_information_and_nulls_and_numeric_strings():
    body = {"MetaInformation": {"@TotalResources": 1, "@TotalPages": 1, "@CurrentPage": 1},
            "Vouchers": [{"@url": "https://api.fortnox.se/3/vouchers/A/1?financialyear=2", "Comments": None,
                          "VoucherNumber": "1", "Year": 2, "VoucherSeries": "A", "ReferenceType": "MANUAL"}]}

    validate_response(body, "GET", "/3/vouchers")


def test_error_information_is_accepted_in_both_casings():
    validate_response({"ErrorInformation": {"error": 1, "message": "Fel", "code": 2000588}}, "GET", "/3/vouchers", 400)
    validate_response({"ErrorInformation": {"Error": 1, "Message": "Fel", "Code": 2000588}}, "GET", "/3/vouchers", 400)
    with pytest.raises(ContractError):
        validate_response({"ErrorInformation": {"error": 1, "message": "Fel", "code": "x"}}, "GET", "/3/vouchers", 400)


def test_concrete_paths_find_their_template_and_schemas_their_prefix():
    validate_response({"Voucher": VOUCHER | {"Year": 2}}, "GET", "/3/vouchers/A/12")
    validate_schema({"Voucher": VOUCHER}, "Voucher_Wrap")
    with pytest.raises(ContractError):
        validate_response({}, "GET", "/3/not-a-resource")
