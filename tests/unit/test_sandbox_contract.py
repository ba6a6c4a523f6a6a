"""tests/contract.py checks payloads against Fortnox's OpenAPI description, tolerating only the accepted deviations,
each where it says and nowhere else."""

from __future__ import annotations

import fnmatch
import json
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Mount, Route

from tests.contract import (
    ACCEPTED_DEVIATIONS,
    AnswerDeviation,
    ContractError,
    FieldDeviation,
    raw_spec,
    served_operations,
    spec_path,
    validate_answer,
    validate_request,
    validate_response,
    validate_schema,
)

VOUCHER = {
    "VoucherSeries": "A", "TransactionDate": "2025-03-15", "Description": "Bankavgift",
    "VoucherRows": [{"Account": 6570, "Debit": 125.5, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 125.5}],
}
META = {"@TotalResources": 1, "@TotalPages": 1, "@CurrentPage": 1}
RECORDINGS = spec_path().parent / "recordings"
LIST_ITEM = {"@url": "https://api.fortnox.se/3/vouchers/A/1?financialyear=2", "VoucherNumber": 1, "Year": 2,
             "VoucherSeries": "A", "ReferenceType": "MANUAL", "Comments": None}


def _answer(status: int, content: bytes, media_type: str | None) -> httpx.Response:
    headers = {"content-type": media_type} if media_type else {}
    return httpx.Response(status, content=content, headers=headers)


def test_every_accepted_deviation_names_its_reason_and_source():
    for deviation in ACCEPTED_DEVIATIONS:
        assert deviation.name and len(deviation.reason) > 40
        assert any(source in deviation.reason for source in ("NOTES.md", "SOURCE.md", "recordings/")), deviation


def test_every_field_deviation_names_schemas_and_properties_that_exist():
    schemas = raw_spec()["components"]["schemas"]
    for deviation in (d for d in ACCEPTED_DEVIATIONS if isinstance(d, FieldDeviation)):
        for name in deviation.schemas:
            assert name in schemas, (deviation.name, name)
            for field in deviation.fields or ():
                assert field in schemas[name]["properties"], (deviation.name, name, field)


def test_every_answer_deviation_names_operations_of_the_spec():
    operations = [f"{method.upper()} {path}" for path, item in raw_spec()["paths"].items() for method in item]
    for deviation in (d for d in ACCEPTED_DEVIATIONS if isinstance(d, AnswerDeviation)):
        for pattern in deviation.operations:
            assert any(fnmatch.fnmatchcase(op, pattern) for op in operations), (deviation.name, pattern)


def _recorded_api_answers() -> list[Any]:
    """(name, method, path, status, body) of every JSON answer of api.fortnox.se/3 recorded in recordings/."""
    found = []
    for cassette in sorted(RECORDINGS.rglob("*.yml")) if RECORDINGS.is_dir() else []:
        for index, interaction in enumerate(yaml.safe_load(cassette.read_text(encoding="utf-8"))["http_interactions"]):
            request, response = interaction["request"], interaction["response"]
            url = urlsplit(request["uri"])
            try:
                body = json.loads(response["body"]["string"])
            except ValueError:
                continue
            if url.hostname == "api.fortnox.se" and url.path.startswith("/3/"):
                name = f"{cassette.parent.name}/{cassette.stem}#{index}"
                found.append(pytest.param(request["method"], url.path.rstrip("/"), response["status"]["code"], body,
                                          id=name))
    return found


@pytest.mark.skipif(not RECORDINGS.is_dir(), reason="../shared/fortnox/recordings is absent")
@pytest.mark.parametrize(("method", "path", "status", "body"), _recorded_api_answers())
def test_every_recorded_fortnox_answer_validates_with_the_accepted_deviations(method: str, path: str, status: int,
                                                                             body: Any):
    validate_response(body, method, path, status)


def test_a_voucher_create_request_without_year_is_accepted_as_real_clients_send_it():
    validate_request({"Voucher": VOUCHER}, "POST", "/3/vouchers")


def test_year_stays_required_in_a_voucher_answer():
    with pytest.raises(ContractError, match="Year"):
        validate_response({"Voucher": VOUCHER}, "GET", "/3/vouchers/A/1")


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


def test_list_answers_must_carry_meta_information():
    validate_response({"MetaInformation": META, "Vouchers": [LIST_ITEM]}, "GET", "/3/vouchers")
    with pytest.raises(ContractError, match="MetaInformation"):
        validate_response({"Vouchers": [LIST_ITEM]}, "GET", "/3/vouchers")


def test_meta_information_must_hold_the_three_counts_as_integers():
    with pytest.raises(ContractError, match="@TotalPages"):
        validate_response({"MetaInformation": {**META, "@TotalPages": "1"}, "Vouchers": []}, "GET", "/3/vouchers")
    with pytest.raises(ContractError, match="@CurrentPage"):
        validate_response({"MetaInformation": {"@TotalResources": 0, "@TotalPages": 0}, "Vouchers": []},
                          "GET", "/3/vouchers")


def test_single_answers_need_no_meta_information():
    validate_response({"LockedPeriod": {"EndDate": "2024-12-31"}}, "GET", "/3/settings/lockedperiod")


def test_null_is_accepted_where_fortnox_sends_it():
    validate_response({"MetaInformation": META, "Vouchers": [LIST_ITEM]}, "GET", "/3/vouchers")


def test_null_is_refused_in_schemas_without_that_deviation():
    account = {"Number": 1930, "Description": None}

    with pytest.raises(ContractError, match="Description"):
        validate_response({"Account": account}, "GET", "/3/accounts/1930")


def test_numeric_strings_are_accepted_only_where_fortnox_sends_them():
    validate_response({"MetaInformation": META, "Invoices": [{"CurrencyRate": "1"}]}, "GET", "/3/invoices")
    with pytest.raises(ContractError, match="VoucherNumber"):
        validate_response({"MetaInformation": META, "Vouchers": [{**LIST_ITEM, "VoucherNumber": "1"}]},
                          "GET", "/3/vouchers")


def test_error_information_is_accepted_in_both_casings():
    validate_response({"ErrorInformation": {"error": 1, "message": "Fel", "code": 2000588}}, "GET", "/3/vouchers", 400)
    validate_response({"ErrorInformation": {"Error": 1, "Message": "Fel", "Code": 2000588}}, "GET", "/3/vouchers", 400)


def test_error_information_needs_all_three_keys_in_one_casing_with_their_types():
    with pytest.raises(ContractError):
        validate_response({"ErrorInformation": {"error": 1, "message": "Fel", "code": "x"}}, "GET", "/3/vouchers", 400)
    with pytest.raises(ContractError):
        validate_response({"ErrorInformation": {"error": 1, "Message": "Fel", "code": 1}}, "GET", "/3/vouchers", 400)


def test_unauthorized_answer_is_the_bare_message_fortnox_sends():
    validate_response({"message": "unauthorized"}, "GET", "/3/companyinformation", 401)
    with pytest.raises(ContractError):
        validate_response({"ErrorInformation": {"error": 1, "message": "x", "code": 1}}, "GET",
                          "/3/companyinformation", 401)


def test_rate_limited_answer_is_the_bare_message():
    validate_response({"message": "Too Many Requests"}, "GET", "/3/vouchers", 429)
    with pytest.raises(ContractError):
        validate_response({"message": "slow down"}, "GET", "/3/vouchers", 429)


def test_sie_export_must_be_octet_stream_bytes_although_declared_204():
    validate_answer(_answer(200, b"#FLAGGA 0\r\n", "application/octet-stream"), "GET", "/3/sie/4")
    with pytest.raises(ContractError):
        validate_answer(_answer(200, b'{"SIE": 1}', "application/json"), "GET", "/3/sie/4")


def test_an_empty_sie_export_is_refused():
    with pytest.raises(ContractError):
        validate_answer(_answer(200, b"", "application/octet-stream"), "GET", "/3/sie/4")


def test_a_json_answer_must_say_application_json():
    with pytest.raises(ContractError, match="application/json"):
        validate_answer(_answer(200, b'{"LockedPeriod": {}}', "text/html"), "GET", "/3/settings/lockedperiod")


def test_a_declared_empty_answer_must_have_no_body():
    validate_answer(_answer(204, b"", None), "DELETE", "/3/accounts/1930")
    with pytest.raises(ContractError, match="without content"):
        validate_answer(_answer(204, b"{}", "application/json"), "DELETE", "/3/accounts/1930")


def test_concrete_paths_find_their_template_and_schemas_their_prefix():
    validate_response({"Voucher": VOUCHER | {"Year": 2}}, "GET", "/3/vouchers/A/12")
    validate_schema({"Voucher": VOUCHER}, "Voucher_Wrap", direction="request")
    with pytest.raises(ContractError):
        validate_response({}, "GET", "/3/not-a-resource")


def _ok(request) -> Response:
    return Response()


def test_served_operations_match_routes_to_spec_paths_segment_by_segment():
    app = Starlette(routes=[
        Route("/3/vouchers/{series}/{number}", _ok, methods=["GET", "PUT"]),
        Route("/3/vouchers/sublist/{series}", _ok, methods=["GET"]),
        Mount("/3/settings", routes=[Route("/lockedperiod", _ok, methods=["GET"])]),
        Route("/3/{rest:path}", _ok, methods=["GET"]),
        Route("/sandbox/tenants", _ok, methods=["GET"]),
    ])

    served = [str(op) for op in served_operations(app)]

    assert served == ["GET /3/settings/lockedperiod", "GET /3/vouchers/sublist/{VoucherSeries}",
                      "GET /3/vouchers/{VoucherSeries}/{VoucherNumber}"]
