"""`GET /sandbox/findings` lists the year-end problems planted in the demo books, and each one shows through the
Fortnox API and the SIE export with exactly the amount it lists."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from sandbox.world import LARGE_TENANT_ID, MIDSIZE_TENANT_ID, SMALL_TENANT_ID
from tests.sandbox_flows import bearer, service_token

AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


@pytest.fixture
def auth(sandbox_client):
    return bearer(service_token(sandbox_client, MIDSIZE_TENANT_ID))


@pytest.fixture
def findings(sandbox_client):
    listed = sandbox_client.get(f"/sandbox/findings?tenant_id={MIDSIZE_TENANT_ID}").json()
    return {f["kind"]: f for f in listed}


def _get(client, auth, path):
    answer = client.get(path, headers=auth)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _voucher_rows(client, auth, finding):
    ref = finding["voucher"]
    voucher = _get(client, auth, f"/3/vouchers/{ref['series']}/{ref['number']}?financialyear={ref['year']}")
    return {r["Account"]: Decimal(str(r["Debit"])) - Decimal(str(r["Credit"])) for r in voucher["Voucher"]["VoucherRows"]}


def _sie_balances(client, auth, year):
    text = client.get(f"/3/sie/4?financialyear={year}", headers=auth).content.decode("cp437")
    return text, {(p[0], p[1], p[2]): Decimal(p[3]) for p in (line.split(" ") for line in text.split("\r\n"))
                  if p[0] in ("#IB", "#UB")}


def test_findings_have_the_documented_shape(sandbox_client):
    listed = sandbox_client.get(f"/sandbox/findings?tenant_id={MIDSIZE_TENANT_ID}").json()

    assert len(listed) == 8
    for finding in listed:
        assert set(finding) == {"tenant_id", "kind", "account", "amount", "date", "voucher", "invoice", "text"}
        assert finding["tenant_id"] == MIDSIZE_TENANT_ID and AMOUNT.match(finding["amount"])
        assert finding["voucher"] is None or set(finding["voucher"]) == {"series", "number", "year"}
        assert finding["text"]


def test_the_small_company_has_no_findings(sandbox_client):
    assert sandbox_client.get(f"/sandbox/findings?tenant_id={SMALL_TENANT_ID}").json() == []


def test_the_manual_voucher_on_1510_is_in_series_a_with_the_listed_amount(sandbox_client, auth, findings):
    finding = findings["manual_customer_ledger_voucher"]

    assert finding["voucher"]["series"] == "A"
    assert _voucher_rows(sandbox_client, auth, finding)[1510] == Decimal(finding["amount"])


def test_the_unbooked_invoice_is_open_and_unbooked_for_the_listed_amount(sandbox_client, auth, findings):
    finding = findings["unbooked_invoice"]
    invoice = _get(sandbox_client, auth, f"/3/invoices/{finding['invoice']}")["Invoice"]
    unbooked = _get(sandbox_client, auth, "/3/invoices?filter=unbooked")["Invoices"]

    assert invoice["Booked"] is False and invoice["VoucherNumber"] is None
    assert Decimal(str(invoice["Balance"])) == Decimal(finding["amount"])
    assert finding["invoice"] in [i["DocumentNumber"] for i in unbooked]


def test_the_euro_supplier_invoice_is_booked_at_another_rate_than_its_own(sandbox_client, auth, findings):
    finding = findings["wrong_currency_rate"]
    invoice = _get(sandbox_client, auth, f"/3/supplierinvoices/{finding['invoice']}")["SupplierInvoice"]
    booked = -_voucher_rows(sandbox_client, auth, finding)[2440]
    correct = (Decimal(invoice["Total"]) * Decimal(invoice["CurrencyRate"])).quantize(Decimal("0.01"))

    assert invoice["Currency"] == "EUR"
    assert correct - booked == Decimal(finding["amount"]) > 0


def test_the_payment_booked_to_the_wrong_account_credits_2420(sandbox_client, auth, findings):
    finding = findings["payment_wrong_account"]
    rows = _voucher_rows(sandbox_client, auth, finding)
    invoice = _get(sandbox_client, auth, f"/3/invoices/{finding['invoice']}")["Invoice"]

    assert rows[2420] == -Decimal(finding["amount"]) and 1510 not in rows
    assert invoice["Balance"] == 0 and invoice["FinalPayDate"] == finding["date"]


def test_the_account_without_sru_has_no_sru_line_and_the_listed_balance(sandbox_client, auth, findings):
    finding = findings["account_without_sru"]
    account = _get(sandbox_client, auth, f"/3/accounts/{finding['account']}?financialyear=2")["Account"]
    text, balances = _sie_balances(sandbox_client, auth, 2)

    assert account["SRU"] == 0 and f"#SRU {finding['account']} " not in text
    assert Decimal(str(account["BalanceCarriedForward"])) == Decimal(finding["amount"])
    assert balances[("#UB", "0", finding["account"])] == Decimal(finding["amount"])


def test_the_inactive_account_carries_the_listed_balance(sandbox_client, auth, findings):
    finding = findings["inactive_account_with_balance"]
    account = _get(sandbox_client, auth, f"/3/accounts/{finding['account']}?financialyear=2")["Account"]

    assert account["Active"] is False
    assert Decimal(str(account["BalanceCarriedForward"])) == Decimal(finding["amount"])


def test_the_locked_period_ends_on_the_listed_date(sandbox_client, auth, findings):
    finding = findings["locked_period"]

    assert _get(sandbox_client, auth, "/3/settings/lockedperiod") == {"LockedPeriod": {"EndDate": finding["date"]}}
    assert finding["amount"] == "0.00" and finding["account"] is None


def test_the_opening_balance_differs_from_last_years_closing_by_the_listed_amount_in_sie_and_api(
        sandbox_client, auth, findings):
    finding = findings["opening_balance_mismatch"]
    account = finding["account"]
    _, balances = _sie_balances(sandbox_client, auth, 2)
    this_year = _get(sandbox_client, auth, f"/3/accounts/{account}?financialyear=2")["Account"]
    last_year = _get(sandbox_client, auth, f"/3/accounts/{account}?financialyear=1")["Account"]

    assert balances[("#IB", "0", account)] - balances[("#UB", "-1", account)] == Decimal(finding["amount"])
    assert (Decimal(str(this_year["BalanceBroughtForward"])) - Decimal(str(last_year["BalanceCarriedForward"]))
            == Decimal(finding["amount"]))


def test_the_large_company_has_every_finding_with_vouchers_that_exist(sandbox_client):
    listed = sandbox_client.get(f"/sandbox/findings?tenant_id={LARGE_TENANT_ID}").json()
    auth = bearer(service_token(sandbox_client, LARGE_TENANT_ID))

    assert len({f["kind"] for f in listed}) == 8
    for finding in listed:
        if finding["voucher"]:
            assert _voucher_rows(sandbox_client, auth, finding)


def test_listing_tenants_does_not_generate_the_large_company(sandbox_client, sandbox_instance):
    sandbox_client.get("/sandbox/tenants")

    assert not sandbox_instance.store.books_generated(LARGE_TENANT_ID)


def test_the_first_token_for_the_large_company_generates_it(sandbox_client, sandbox_instance):
    service_token(sandbox_client, LARGE_TENANT_ID)

    assert sandbox_instance.store.books_generated(LARGE_TENANT_ID)
