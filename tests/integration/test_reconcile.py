"""The reconciliation against the demo companies imported from the sandbox: it finds every year-end problem
`GET /sandbox/findings` lists, with its amount, and nothing else; the small company reconciles clean.

Every planted kind is found. Two need Fortnox beyond the import: `locked_period` and `inactive_account_with_balance`
are read live (`/3/settings/lockedperiod`, `/3/accounts`) because the SIE file carries neither, so they are only
found while the company is connected. `opening_balance_mismatch` shows twice, as the account's IB against last
year's UB and as the year's opening balances no longer summing to zero in the trial balance.
"""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from services import reconcile, store
from services.config import Settings
from services.connections import connect_service_account
from services.importer import run_import
from services.reconcile_cli import reconcile_command
from services.voucher_export import export_vouchers
from services.vouchers import list_vouchers
from tests.conftest import settings_for

MIDSIZE, LARGE = 1, 2
# finding kind → where the reconciliation shows it: (check id, item kind, sign of the amount, account or None)
SHOWN_AS = {
    "manual_customer_ledger_voucher": [("ar_vs_gl", "manual_posting", 1, "1510")],
    "unbooked_invoice": [("ar_vs_gl", "unbooked_invoice", -1, "1510")],  # missing from the GL: GL − ledger < 0
    "wrong_currency_rate": [("ap_vs_gl", "wrong_currency_rate", 1, "2440")],
    "payment_wrong_account": [("ar_vs_gl", "payment_wrong_account", 1, "1510")],
    "account_without_sru": [("account_without_sru", "account_without_sru", 1, "same")],
    "inactive_account_with_balance": [("inactive_account_with_balance", "inactive_account_with_balance", 1, "same")],
    "locked_period": [("locked_period", "locked_period", 1, None)],
    "opening_balance_mismatch": [("ib_vs_previous_ub", "opening_balance_mismatch", 1, "same"),
                                 ("trial_balance", "opening_balances_unbalanced", 1, None)],
}


def _cents(amount: str, sign: int) -> int:
    whole, _, cents = amount.lstrip("-").partition(".")
    return sign * (-1 if amount.startswith("-") else 1) * (int(whole) * 100 + int(cents))


def _expected(finding: dict) -> list[tuple]:
    voucher = finding["voucher"]
    ref = (voucher["series"], str(voucher["number"]), str(voucher["year"])) if voucher else None
    if finding["kind"] in ("account_without_sru", "inactive_account_with_balance", "opening_balance_mismatch"):
        ref = None  # the account's balance is the finding, not the voucher that made it
    return [(check, kind, finding["account"] if account == "same" else account, _cents(finding["amount"], sign),
             ref if check != "trial_balance" else None, finding["invoice"])
            for check, kind, sign, account in SHOWN_AS[finding["kind"]]]


def _found(payload: dict) -> list[tuple]:
    found = []
    for check in payload["checks"]:
        for item in check["items"]:
            voucher = item["voucher"]
            ref = (voucher["series"], voucher["number"], voucher["year"]) if voucher else None
            found.append((check["id"], item["kind"], item["account"], _cents(item["amount"], 1), ref,
                          item["invoice"]))
    return found


def _import(tmp_path_factory: pytest.TempPathFactory, sandbox, tenant: dict) -> tuple[Settings, str]:
    settings = settings_for(tmp_path_factory.mktemp("reconcile"), sandbox.port)
    company = connect_service_account(settings, tenant["tenant_id"])
    run_import(settings, company.id, parts=("sie4", "ledgers"))
    return settings, company.id


@pytest.fixture(scope="module")
def imported(tmp_path_factory, sandbox, tenants) -> dict[int, tuple[Settings, str]]:
    return {index: _import(tmp_path_factory, sandbox, tenants[index]) for index in range(len(tenants))}


@pytest.mark.parametrize("index", [MIDSIZE, LARGE], ids=["mid-size", "large"])
def test_the_reconciliation_finds_exactly_the_planted_findings(imported, sandbox, tenants, index: int) -> None:
    settings, company_id = imported[index]
    listed = httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenants[index]["tenant_id"]}).json()
    payload, _, code = reconcile_command(settings, company_id, None)
    assert code == 0
    assert sorted(_found(payload), key=repr) == sorted((e for f in listed for e in _expected(f)), key=repr)


def test_the_small_company_reconciles_clean(imported) -> None:
    payload, _, code = reconcile_command(*imported[0], None)
    assert code == 0
    assert {check["id"]: check["status"] for check in payload["checks"]} == dict.fromkeys(reconcile.CHECK_LABELS, "ok")


@pytest.mark.parametrize("index", [MIDSIZE, LARGE], ids=["mid-size", "large"])
def test_every_ledger_difference_is_explained_to_the_ore(imported, index: int) -> None:
    payload, _, _ = reconcile_command(*imported[index], None)
    ledgers = [check for check in payload["checks"] if check["id"] in ("ar_vs_gl", "ap_vs_gl")]
    assert all(check["difference"] != "0.00" and check["unexplained"] == "0.00" for check in ledgers)


def test_the_command_line_payload_has_the_contract_fields_as_strings(imported) -> None:
    payload, _, _ = reconcile_command(*imported[MIDSIZE], 2025)
    assert payload["balance_date"] == "2025-06-30"
    for check in payload["checks"]:
        assert {"id", "status", "gl", "ledger", "difference", "items"} <= set(check)
        assert all(isinstance(check[key], str) for key in ("gl", "ledger", "difference"))


def test_a_year_not_imported_exits_1_with_a_swedish_message(imported) -> None:
    _, text, code = reconcile_command(*imported[MIDSIZE], 2031)
    assert code == 1 and "Inget importerat räkenskapsår slutar 2031" in text


def test_a_balance_date_before_the_findings_shows_none_of_them(imported) -> None:
    settings, company_id = imported[MIDSIZE]
    result = reconcile.run(settings, company_id, date(2025, 3, 31), live=False)
    assert result.check("ar_vs_gl").items == () and result.check("ap_vs_gl").items == ()


def test_a_balance_date_rate_proposes_a_revaluation_per_open_foreign_invoice(imported) -> None:
    settings, company_id = imported[LARGE]
    with store.open_db(settings.database_path) as db:
        rates = reconcile.open_currencies(db, company_id, date(2025, 12, 31))
        bumped = {currency: rate + 1 for currency, rate in rates.items()}
        check = reconcile.reconcile(db, company_id, rates=bumped).check("ap_vs_gl")
    revaluations = [item for item in check.items if item.kind == reconcile.REVALUATION]
    assert rates and revaluations and all(item.amount_ore < 0 for item in revaluations)  # debts grow with the rate
    assert check.unexplained_ore == 0  # a proposal, not part of the difference


def test_a_mark_and_its_note_are_kept(imported) -> None:
    settings, company_id = imported[MIDSIZE]
    payload, _, _ = reconcile_command(settings, company_id, None)
    item = payload["checks"][0]["items"][0]
    reconcile.set_mark(settings, company_id, "ar_vs_gl", item["key"], reconcile.MARK_FIX, "Fråga kunden", "anna")
    again, _, _ = reconcile_command(settings, company_id, None)
    mark = next(i for i in again["checks"][0]["items"] if i["key"] == item["key"])["mark"]
    assert (mark["status"], mark["note"], mark["by"]) == ("atgardas", "Fråga kunden", "anna")


def test_a_draft_from_a_difference_lands_among_the_vouchers_balanced(imported) -> None:
    settings, company_id = imported[MIDSIZE]
    result = reconcile.run(settings, company_id, live=False)
    manual = next(item for item in result.check("ar_vs_gl").items if item.kind == "manual_posting")
    voucher_id = reconcile.draft_from_difference(
        settings, company_id, account="1510", amount_ore=manual.amount_ore, offset_account="3990",
        day=result.balance_date, text="Rättelse kundfordringar", actor="anna")
    [draft] = [v for v in list_vouchers(settings, company_id) if v.id == voucher_id]
    assert [(r.account, r.debit_ore, r.credit_ore) for r in draft.rows] == [
        ("1510", 0, manual.amount_ore), ("3990", manual.amount_ore, 0)]


def test_a_draft_on_an_account_missing_from_the_chart_is_refused(imported) -> None:
    settings, company_id = imported[MIDSIZE]
    with pytest.raises(reconcile.ReconcileError, match="finns inte i företagets kontoplan"):
        reconcile.draft_from_difference(settings, company_id, account="1510", amount_ore=100, offset_account="9999",
                                        day=date(2025, 6, 30), text="x", actor="anna")


def test_an_exported_adjustment_that_came_back_with_the_import_counts_once(tmp_path_factory, sandbox,
                                                                           tenants) -> None:
    settings, company_id = _import(tmp_path_factory, sandbox, tenants[0])
    draft = next(v for v in list_vouchers(settings, company_id) if v.text == "Avskrivning inventarier")
    [exported] = export_vouchers(settings, company_id, [draft.id], actor="anna")
    assert exported.ok
    run_import(settings, company_id, parts=("sie4",))
    result = reconcile.run(settings, company_id, live=False)
    with store.open_db(settings.database_path) as db:
        table = reconcile.trial_balance_table(db, company_id, result.year, result.balance_date).set_index("Konto")
    assert table.at["7832", "Bokslutsverifikationer"] == 0  # already in the books as Fortnox's voucher
    assert table.at["5010", "Bokslutsverifikationer"] == 800_000  # the other demo draft, not yet exported
    assert result.check("trial_balance").after_ore == 0
