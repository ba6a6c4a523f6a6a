"""The sandbox's ledger resources (`/3/customers`, `/3/invoices`, `/3/supplierinvoices`, payments, predefined
accounts, cost centres, projects) answer like api.fortnox.se: in contract, filtered, sorted and paged."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.world import LARGE_TENANT_ID, MIDSIZE_TENANT_ID
from tests.contract import validate_response
from tests.sandbox_flows import bearer, service_token

LISTS = [
    ("/3/customers", "Customers", "/3/customers/{CustomerNumber}"),
    ("/3/suppliers", "Suppliers", "/3/suppliers/{SupplierNumber}"),
    ("/3/invoices", "Invoices", "/3/invoices/{DocumentNumber}"),
    ("/3/invoicepayments", "InvoicePayments", "/3/invoicepayments/{Number}"),
    ("/3/supplierinvoices", "SupplierInvoices", "/3/supplierinvoices/{GivenNumber}"),
    ("/3/supplierinvoicepayments", "SupplierInvoicePayments", "/3/supplierinvoicepayments/{Number}"),
    ("/3/predefinedaccounts", "PreDefinedAccounts", "/3/predefinedaccounts/{name}"),
    ("/3/costcenters", "CostCenters", "/3/costcenters/{Code}"),
    ("/3/projects", "Projects", "/3/projects/{ProjectNumber}"),
]
SCOPES = {"/3/customers": "customer", "/3/suppliers": "supplier", "/3/invoices": "invoice",
          "/3/invoicepayments": "payment", "/3/supplierinvoices": "supplierinvoice",
          "/3/supplierinvoicepayments": "payment", "/3/predefinedaccounts": "settings",
          "/3/costcenters": "costcenter", "/3/projects": "project"}
NOT_FOUND = [("/3/customers/999999", 2000433), ("/3/invoices/999999", 2000434), ("/3/suppliers/999999", None),
             ("/3/supplierinvoices/999999", None), ("/3/invoicepayments/999999", None),
             ("/3/supplierinvoicepayments/abc", None), ("/3/predefinedaccounts/NOSUCH", None),
             ("/3/costcenters/NOSUCH", None), ("/3/projects/NOSUCH", None)]


@pytest.fixture
def auth(sandbox_client):
    return bearer(service_token(sandbox_client, MIDSIZE_TENANT_ID))


def _get(client, auth, path):
    answer = client.get(path, headers=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _all(client, auth, path, key):
    separator = "&" if "?" in path else "?"
    return _get(client, auth, f"{path}{separator}limit=500")[key]


@pytest.mark.parametrize("path, key, single", LISTS)
def test_every_list_and_its_first_single_answer_in_contract(sandbox_client, auth, path, key, single):
    body = _get(sandbox_client, auth, path)
    validate_response(body, "GET", path)
    assert body[key]

    first = _get(sandbox_client, auth, body[key][0]["@url"].split("testserver", 1)[1])
    validate_response(first, "GET", single)


@pytest.mark.parametrize("path, code", NOT_FOUND)
def test_unknown_numbers_answer_fortnox_not_found(sandbox_client, auth, path, code):
    answer = sandbox_client.get(path, headers=auth)

    assert answer.status_code == 404
    validate_response(answer.json(), "GET", path, 404)
    if code:
        assert answer.json()["ErrorInformation"]["code"] == code


@pytest.mark.parametrize("path, scope", sorted(SCOPES.items()))
def test_each_resource_needs_its_scope(sandbox_client, path, scope):
    token = service_token(sandbox_client, MIDSIZE_TENANT_ID, scope="companyinformation")

    answer = sandbox_client.get(path, headers=bearer(token))

    assert answer.status_code == 403
    assert answer.json()["ErrorInformation"]["code"] == 2000663
    assert f'"{scope}"' in answer.json()["ErrorInformation"]["message"]


def test_invoice_list_items_carry_the_recorded_value_quirks(sandbox_client, auth):
    item = _get(sandbox_client, auth, "/3/invoices?limit=1")["Invoices"][0]

    assert item["CurrencyRate"] == "1" and item["DocumentNumber"] == "5001" and item["CustomerNumber"].isdigit()
    assert item["@url"] == "http://testserver/3/invoices/5001"
    single = _get(sandbox_client, auth, "/3/invoices/5001")["Invoice"]
    assert single["CurrencyRate"] == 1 and single["Credit"] == "false"


def test_supplier_invoice_amounts_are_strings(sandbox_client, auth):
    item = _get(sandbox_client, auth, "/3/supplierinvoices?limit=1")["SupplierInvoices"][0]

    assert isinstance(item["Total"], str) and isinstance(item["Balance"], str) and isinstance(item["GivenNumber"], str)


@pytest.mark.parametrize("name, check", [
    ("cancelled", lambda i: i["Cancelled"]),
    ("fullypaid", lambda i: i["Balance"] == 0 and i["FinalPayDate"] and not i["Cancelled"]),
    ("unpaid", lambda i: i["Balance"] != 0 and not i["Cancelled"]),
    ("unpaidoverdue", lambda i: i["Balance"] != 0 and i["DueDate"] < "2026-03-02"),
    ("unbooked", lambda i: not i["Booked"] and not i["Cancelled"]),
])
def test_each_invoice_filter_selects_only_its_invoices(sandbox_client, auth, name, check):
    items = _all(sandbox_client, auth, f"/3/invoices?filter={name}", "Invoices")

    assert items and all(check(i) for i in items)


@pytest.mark.parametrize("name, check", [
    ("fullypaid", lambda i: i["Balance"] == "0" and i["FinalPayDate"]),
    ("unpaid", lambda i: i["Balance"] != "0"),
    ("unpaidoverdue", lambda i: i["Balance"] != "0" and i["DueDate"] < "2026-03-02"),
    ("unbooked", lambda i: False),
    ("cancelled", lambda i: False),
    ("pendingpayment", lambda i: False),
])
def test_each_supplier_invoice_filter_selects_only_its_invoices(sandbox_client, auth, name, check):
    items = _all(sandbox_client, auth, f"/3/supplierinvoices?filter={name}", "SupplierInvoices")

    assert all(check(i) for i in items)


@pytest.mark.parametrize("path", ["/3/invoices?filter=doesntexist", "/3/supplierinvoices?filter=nope"])
def test_an_unknown_filter_is_fortnox_invalid_filter(sandbox_client, auth, path):
    answer = sandbox_client.get(path, headers=auth)

    assert answer.status_code == 400
    assert answer.json() == {"ErrorInformation": {"error": 1, "message": "Ett ogiltigt filter har använts.",
                                                  "code": 2000587}}


@pytest.mark.parametrize("query", ["sortby=nothing", "sortorder=sideways", "lastmodified=yesterday",
                                   "fromdate=2025-13-01", "financialyear=x", "limit=501", "page=0"])
def test_invalid_parameters_are_refused_with_fortnox_error_not_a_crash(sandbox_client, auth, query):
    answer = sandbox_client.get(f"/3/invoices?{query}", headers=auth)

    assert answer.status_code == 400
    validate_response(answer.json(), "GET", "/3/invoices", 400)


@pytest.mark.parametrize("sortby, key", [("documentnumber", lambda i: int(i["DocumentNumber"])),
                                         ("invoicedate", lambda i: i["InvoiceDate"]),
                                         ("customername", lambda i: i["CustomerName"]),
                                         ("total", lambda i: i["Total"])])
@pytest.mark.parametrize("order", ["ascending", "descending"])
def test_invoices_sort_by_each_field_both_ways(sandbox_client, auth, sortby, key, order):
    items = _all(sandbox_client, auth, f"/3/invoices?sortby={sortby}&sortorder={order}", "Invoices")

    assert [key(i) for i in items] == sorted((key(i) for i in items), reverse=order == "descending")


def test_invoices_between_two_dates_are_exactly_those_dated_then(sandbox_client, auth):
    everything = _all(sandbox_client, auth, "/3/invoices", "Invoices")
    items = _all(sandbox_client, auth, "/3/invoices?fromdate=2024-09-01&todate=2024-09-30", "Invoices")

    assert items == [i for i in everything if "2024-09-01" <= i["InvoiceDate"] <= "2024-09-30"]


def test_financialyear_narrows_invoices_to_the_year(sandbox_client, auth):
    items = _all(sandbox_client, auth, "/3/invoices?financialyear=1", "Invoices")

    assert items and all("2023-07-01" <= i["InvoiceDate"] <= "2024-06-30" for i in items)


def test_lastmodified_returns_only_invoices_changed_since(sandbox_client, auth):
    items = _all(sandbox_client, auth, "/3/invoices?lastmodified=2025-06-01%2000:00", "Invoices")
    everything = _all(sandbox_client, auth, "/3/invoices", "Invoices")

    assert 0 < len(items) < len(everything)
    for item in items:
        single = _get(sandbox_client, auth, f"/3/invoices/{item['DocumentNumber']}")["Invoice"]
        assert single["FinalPayDate"] is None or single["FinalPayDate"] >= "2025-05-27"


def test_payments_of_one_invoice_are_found_by_invoicenumber(sandbox_client, auth):
    paid = _all(sandbox_client, auth, "/3/invoices?filter=fullypaid", "Invoices")[0]

    payments = _get(sandbox_client, auth, f"/3/invoicepayments?invoicenumber={paid['DocumentNumber']}")

    assert [p["InvoiceNumber"] for p in payments["InvoicePayments"]] == [int(paid["DocumentNumber"])]
    assert payments["InvoicePayments"][0]["PaymentDate"] == paid["FinalPayDate"]


def test_payments_between_two_dates_are_exactly_those_paid_then(sandbox_client, auth):
    items = _all(sandbox_client, auth, "/3/supplierinvoicepayments?fromdate=2025-01-01&todate=2025-01-31",
                 "SupplierInvoicePayments")

    assert items and all("2025-01-01" <= p["PaymentDate"] <= "2025-01-31" for p in items)


def test_payments_sorted_by_payment_date_descending(sandbox_client, auth):
    items = _all(sandbox_client, auth, "/3/invoicepayments?sortby=paymentdate&sortorder=descending",
                 "InvoicePayments")

    assert [p["PaymentDate"] for p in items] == sorted((p["PaymentDate"] for p in items), reverse=True)


def test_customers_are_sorted_by_number_and_found_by_name(sandbox_client, auth):
    numbers = [int(c["CustomerNumber"]) for c in _all(sandbox_client, auth, "/3/customers", "Customers")]
    found = _get(sandbox_client, auth, "/3/customers?name=brf")["Customers"]

    assert numbers == sorted(numbers) == list(range(1, len(numbers) + 1))
    assert {c["Name"] for c in found} == {"Brf Fjällsippan", "Brf Älvstranden"}


def test_private_customers_have_no_organisation_number(sandbox_client, auth):
    customers = {c["Name"]: c for c in _all(sandbox_client, auth, "/3/customers", "Customers")}

    assert customers["Lars Ödmark"]["OrganisationNumber"] == ""
    assert customers["Brf Fjällsippan"]["OrganisationNumber"]


def test_predefined_accounts_name_the_ledger_accounts(sandbox_client, auth):
    accounts = {a["Name"]: a["Account"] for a in _get(sandbox_client, auth, "/3/predefinedaccounts")[
        "PreDefinedAccounts"]}

    assert accounts["CUSTCLAIM"] == 1510 and accounts["SUPDEBT"] == 2440
    assert _get(sandbox_client, auth, "/3/predefinedaccounts/CUSTCLAIM")["PreDefinedAccount"]["Account"] == 1510


def test_cost_centres_and_projects_match_the_sie_objects(sandbox_client, auth):
    centres = {c["Code"] for c in _get(sandbox_client, auth, "/3/costcenters")["CostCenters"]}
    projects = {p["ProjectNumber"] for p in _get(sandbox_client, auth, "/3/projects")["Projects"]}
    sie = sandbox_client.get("/3/sie/4?financialyear=2", headers=auth).content.decode("cp437")

    assert {f'#OBJEKT 1 "{c}"' in sie for c in centres} == {True}
    assert {f'#OBJEKT 6 "{p}"' in sie for p in projects} == {True}
    assert '{1 "BYGG" 6 "P10' in sie


@pytest.mark.parametrize("query, size, current", [("limit=10&page=2", 10, 2), ("limit=500&page=99", 0, 99)])
def test_pagination_pages_and_past_the_end(sandbox_client, auth, query, size, current):
    body = _get(sandbox_client, auth, f"/3/invoices?{query}")

    assert len(body["Invoices"]) == size
    assert body["MetaInformation"]["@CurrentPage"] == current
    assert body["MetaInformation"]["@TotalResources"] > 100


def test_pages_together_list_every_invoice_once(sandbox_client, auth):
    total = _get(sandbox_client, auth, "/3/invoices?limit=1")["MetaInformation"]["@TotalResources"]
    pages = -(-total // 37)
    numbers = [i["DocumentNumber"] for page in range(1, pages + 1)
               for i in _get(sandbox_client, auth, f"/3/invoices?limit=37&page={page}")["Invoices"]]

    assert len(numbers) == len(set(numbers)) == total


def test_offset_skips_the_first_invoices(sandbox_client, auth):
    everything = _all(sandbox_client, auth, "/3/invoices", "Invoices")
    body = _get(sandbox_client, auth, "/3/invoices?offset=5&limit=3")

    assert body["Invoices"] == everything[5:8]
    assert body["MetaInformation"]["@TotalResources"] == len(everything)


def test_the_large_company_lists_its_thousands_of_invoices_a_page_at_a_time(sandbox_client):
    auth = bearer(service_token(sandbox_client, LARGE_TENANT_ID))

    body = _get(sandbox_client, auth, "/3/invoices?limit=500&page=3")
    suppliers = _get(sandbox_client, auth, "/3/supplierinvoices?limit=1")

    assert body["MetaInformation"]["@TotalResources"] >= 5_000 and len(body["Invoices"]) == 500
    assert suppliers["MetaInformation"]["@TotalResources"] >= 3_000
    assert date.fromisoformat(body["Invoices"][0]["InvoiceDate"]).year in (2024, 2025)
