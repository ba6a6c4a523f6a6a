"""Unset values as real answers write them (recordings/SOURCE.md): `null` where every recording agrees, and where the
recordings disagree, the 2023 way (`""`, numbers as strings) in the small company and the older way (`null`, numbers)
in the mid-size one."""

from __future__ import annotations

import pytest

from sandbox.world import MIDSIZE_TENANT_ID, SMALL_TENANT_ID
from tests.contract import validate_response
from tests.sandbox_flows import bearer, service_token

INVOICE = "/3/invoices/{DocumentNumber}"


def _get(client, tenant_id: str, path: str) -> dict:
    answer = client.get(path, headers=bearer(service_token(client, tenant_id)))
    assert answer.status_code == 200, answer.text
    return answer.json()


def _first_invoice(client, tenant_id: str) -> dict:
    number = _get(client, tenant_id, "/3/invoices?limit=1")["Invoices"][0]["DocumentNumber"]
    body = _get(client, tenant_id, f"/3/invoices/{number}")
    validate_response(body, "GET", INVOICE)
    return body["Invoice"]


@pytest.mark.parametrize("tenant_id", [SMALL_TENANT_ID, MIDSIZE_TENANT_ID])
def test_an_unset_vat_code_is_null_in_every_company(sandbox_client, tenant_id: str) -> None:
    accounts = _get(sandbox_client, tenant_id, "/3/accounts?limit=500")["Accounts"]
    [row] = _first_invoice(sandbox_client, tenant_id)["InvoiceRows"]
    assert row["VATCode"] is None
    assert {a["VATCode"] for a in accounts if a["Number"] in (1930, 2440)} == {None}


def test_the_small_company_writes_unset_invoice_texts_and_contribution_as_the_2023_recordings(sandbox_client):
    invoice = _first_invoice(sandbox_client, SMALL_TENANT_ID)
    [row] = invoice["InvoiceRows"]
    assert (invoice["CostCenter"], invoice["Phone1"], row["CostCenter"]) == ("", "", "")
    assert (row["ContributionPercent"], row["ContributionValue"]) == ("0", "0")


def test_the_midsize_company_writes_unset_texts_and_contribution_as_older_answers(sandbox_client):
    invoice = _first_invoice(sandbox_client, MIDSIZE_TENANT_ID)
    [row] = invoice["InvoiceRows"]
    suppliers = _get(sandbox_client, MIDSIZE_TENANT_ID, "/3/suppliers")["Suppliers"]
    assert invoice["Phone1"] is None and {s["CostCenter"] for s in suppliers} == {None}
    assert (row["ContributionPercent"], row["ContributionValue"]) == (0, 0)


def test_an_open_ended_project_has_a_null_end_date_and_a_missing_one_fortnoxs_code(sandbox_client):
    projects = _get(sandbox_client, MIDSIZE_TENANT_ID, "/3/projects")["Projects"]
    missing = sandbox_client.get("/3/projects/NOSUCH", headers=bearer(service_token(sandbox_client, MIDSIZE_TENANT_ID)))
    assert {p["ProjectNumber"]: p["EndDate"] for p in projects}["P101"] is None
    assert (missing.status_code, missing.json()["ErrorInformation"]["code"]) == (404, 2001161)
