"""Every operation of Fortnox's spec that the sandbox serves answers in contract (tests/contract.py, with the accepted
deviations): its ordinary answer, its answer without a token and its answer for a resource that does not exist.

The operations are found by matching the sandbox's Starlette routes against openapi.json, so an endpoint added to
the sandbox later is checked here as soon as it is routed. A concrete path for an operation with path parameters is
taken from an `@url` in the answers of the operations without parameters; an operation nothing links to (an
empty seeded list) needs an entry in EXAMPLE_PATHS for its ordinary answer, and is skipped, saying so, until it
has one. Write operations without an entry in EXAMPLE_BODIES are sent an empty JSON object.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from sandbox.server import SandboxSettings, create_app
from tests.contract import Operation, served_operations, validate_answer

EXAMPLE_PATHS = {
    "/3/sie/{Type}": "/3/sie/4?financialyear=1",
    "/3/vouchers/sublist/{VoucherSeries}": "/3/vouchers/sublist/A",
}
EXAMPLE_BODIES: dict[tuple[str, str], Any] = {
    ("POST", "/3/vouchers"): {"Voucher": {
        "VoucherSeries": "A", "TransactionDate": "2025-03-15", "Description": "Kontraktstest",
        "VoucherRows": [{"Account": 6570, "Debit": 100, "Credit": 0}, {"Account": 1930, "Debit": 0, "Credit": 100}]}},
}
# Operations the app depends on; the enumeration must find at least these.
CORE_OPERATIONS = {
    "GET /3/companyinformation", "GET /3/financialyears", "GET /3/financialyears/{Id}", "GET /3/accounts",
    "GET /3/accounts/{Number}", "GET /3/voucherseries", "GET /3/voucherseries/{Code}", "GET /3/settings/lockedperiod",
    "GET /3/sie/{Type}", "GET /3/vouchers", "POST /3/vouchers", "GET /3/vouchers/sublist",
    "GET /3/vouchers/sublist/{VoucherSeries}", "GET /3/vouchers/{VoucherSeries}/{VoucherNumber}",
}


def _served() -> list[Operation]:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(SandboxSettings(data_dir=Path(folder)))
        try:
            return served_operations(app)
        finally:
            app.state.sandbox.store.close()


SERVED = _served()


def _has_parameters(operation: Operation) -> bool:
    return "{" in operation.path


def _template_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/?]+", re.escape(template)) + r"(\?.*)?$")


def _urls(node: Any) -> Iterator[str]:
    """Every `@url` anywhere in a JSON answer."""
    if isinstance(node, dict):
        if isinstance(node.get("@url"), str):
            yield node["@url"]
        for value in node.values():
            yield from _urls(value)
    elif isinstance(node, list):
        for value in node:
            yield from _urls(value)


def _linked_paths(client: TestClient, headers: dict[str, str]) -> list[str]:
    """Path and query of every `@url` in the answers of the served GET operations without path parameters."""
    links: list[str] = []
    for operation in SERVED:
        if operation.method != "GET" or _has_parameters(operation):
            continue
        answer = client.get(operation.path, headers=headers)
        if answer.headers.get("content-type") == "application/json":
            links += [urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
                      for url in _urls(answer.json())]
    return links


def _example_path(client: TestClient, headers: dict[str, str], operation: Operation) -> str:
    if not _has_parameters(operation):
        return operation.path
    if operation.path in EXAMPLE_PATHS:
        return EXAMPLE_PATHS[operation.path]
    pattern = _template_pattern(operation.path)
    linked = next((path for path in _linked_paths(client, headers) if pattern.match(path)), None)
    if linked is None:
        pytest.skip(f"no answer links to a resource of {operation}: add an example path to EXAMPLE_PATHS")
    return linked


def _missing_path(operation: Operation) -> str:
    return re.sub(r"\{[^}]+\}", "0", operation.path)


def _send(client: TestClient, operation: Operation, path: str, headers: dict[str, str]):
    if operation.method in ("GET", "DELETE"):
        return client.request(operation.method, path, headers=headers)
    body = EXAMPLE_BODIES.get((operation.method, operation.path), {})
    return client.request(operation.method, path, headers=headers, json=body)


def test_the_sandbox_serves_every_operation_the_app_needs():
    assert CORE_OPERATIONS <= {str(op) for op in SERVED}


@pytest.mark.parametrize("operation", SERVED, ids=str)
def test_the_ordinary_answer_is_in_contract(sandbox_client, sandbox_auth, operation):
    path = _example_path(sandbox_client, sandbox_auth, operation)

    answer = _send(sandbox_client, operation, path, sandbox_auth)

    assert answer.status_code < 400 or (operation.method, operation.path) not in EXAMPLE_BODIES, answer.text
    validate_answer(answer, operation.method, operation.path)


@pytest.mark.parametrize("operation", SERVED, ids=str)
def test_the_answer_without_a_token_is_in_contract(sandbox_client, operation):
    answer = _send(sandbox_client, operation, _missing_path(operation), {})

    assert answer.status_code == 401
    validate_answer(answer, operation.method, operation.path)


@pytest.mark.parametrize("operation", [op for op in SERVED if _has_parameters(op)], ids=str)
def test_the_answer_for_a_missing_resource_is_in_contract(sandbox_client, sandbox_auth, operation):
    answer = _send(sandbox_client, operation, _missing_path(operation), sandbox_auth)

    assert answer.status_code < 500, answer.text
    validate_answer(answer, operation.method, operation.path)
