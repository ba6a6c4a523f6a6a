"""Fault lists are validated, matched by method, path (prefix with *) and tenant, and used up."""

from __future__ import annotations

import pytest

from sandbox.faults import FaultBook, FaultSpecError, parse_faults
from sandbox.tokens import decode_jwt, encode_jwt


def _book(*faults):
    book = FaultBook()
    book.replace(parse_faults(list(faults)))
    return book


def test_a_fault_matches_exact_path_and_method_and_counts_down():
    book = _book({"method": "get", "path": "/3/vouchers", "kind": "status:500", "times": 2})

    assert book.take("POST", "/3/vouchers", "1") == []
    assert book.take("GET", "/3/vouchers/A/1", "1") == []
    assert [f.kind for f in book.take("GET", "/3/vouchers", "1")] == ["status:500"]
    assert book.take("GET", "/3/vouchers", "1")
    assert book.take("GET", "/3/vouchers", "1") == []
    assert book.snapshot() == []


def test_star_makes_the_path_a_prefix_and_method_star_matches_any():
    book = _book({"method": "*", "path": "/3/*", "kind": "delay:0.1", "times": 3})

    assert book.take("GET", "/3/accounts", None)
    assert book.take("POST", "/3/vouchers", None)
    assert book.take("GET", "/oauth-v1/token", None) == []


def test_tenant_restricts_the_fault():
    book = _book({"method": "GET", "path": "/3/accounts", "kind": "status:503", "times": 1, "tenant_id": 500202})

    assert book.take("GET", "/3/accounts", "500101") == []
    assert book.take("GET", "/3/accounts", "500202")


def test_times_defaults_to_one():
    assert parse_faults([{"method": "GET", "path": "/x", "kind": "expire_token"}])[0].times == 1


@pytest.mark.parametrize("payload", [
    {"method": "GET", "path": "/x", "kind": "status:500"},
    [{"method": "GET", "path": "/x", "kind": "delay:soon"}],
    [{"method": "GET", "path": "/x", "kind": "status:500", "times": True}],
    [{"method": "GET", "kind": "status:500"}],
    [{"method": "GET", "path": "/x", "kind": "licence_missing:"}],
])
def test_invalid_fault_lists_are_refused(payload):
    with pytest.raises(FaultSpecError):
        parse_faults(payload)


def test_jwt_round_trips_and_detects_tampering():
    token = encode_jwt({"tenantId": 500101, "exp": 10}, b"secret")

    assert decode_jwt(token, b"secret") == {"tenantId": 500101, "exp": 10}
    assert decode_jwt(token, b"other") is None
    header, payload, signature = token.split(".")
    assert decode_jwt(f"{header}.{payload}x.{signature}", b"secret") is None
    assert decode_jwt("not-a-jwt", b"secret") is None
