"""The reconciliation against the demo companies imported from the sandbox: it finds every year-end problem
`GET /sandbox/findings` lists, with its amount, and nothing else; the small company reconciles clean; and every
check can be closed — corrected, marked or mapped — and signed off, with its report for the year-end binder.

Two kinds need Fortnox beyond the import: `locked_period` and `inactive_account_with_balance` are read live
(`/3/settings/lockedperiod`, `/3/accounts`) because the SIE file carries neither. A locked period alone is not a
finding (a lock is how a year is closed); an adjustment voucher dated in it is. `opening_balance_mismatch` shows
twice, as the account's IB against last year's UB and as the year's opening balances no longer summing to zero.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from services import store
from services.companies.connections import connect_service_account
from services.config import Settings
from services.context import Acting
from services.errors import Conflict, Invalid
from services.imports.pipeline import run_import
from services.imports.sie_file import import_sie_file
from services.ledgers import open_items as ledger_views
from services.mapping import review as mapping
from services.mapping.model import Problem
from services.reconcile import api, cli
from services.reconcile.model import CheckId, ItemKind, MarkStatus, RemedyKind, Status, VoucherKey
from services.vouchers.drafts import add_drafts, list_vouchers
from services.vouchers.export import export_vouchers
from services.vouchers.model import AdjustmentRow
from tests.conftest import settings_for
from tests.sandbox_flows import fortnox_sie

MIDSIZE, LARGE = 1, 2
ANNA = "anna@example.com"
# finding kind → where the reconciliation shows it: (check id, item kind, sign of the amount, account or None)
SHOWN_AS = {
    "manual_customer_ledger_voucher": [("ar_vs_gl", "manual_posting", 1, "1510")],
    "unbooked_invoice": [("ar_vs_gl", "unbooked_invoice", -1, "1510")],  # missing from the GL: GL − ledger < 0
    "wrong_currency_rate": [("ap_vs_gl", "wrong_currency_rate", 1, "2440")],
    "payment_wrong_account": [("ar_vs_gl", "payment_wrong_account", 1, "1510")],
    "account_without_sru": [("account_without_sru", "account_without_sru", 1, "same")],
    "inactive_account_with_balance": [("inactive_account_with_balance", "inactive_account_with_balance", 1, "same")],
    "locked_period": [],
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


def _import(tmp_path_factory: pytest.TempPathFactory, sandbox, tenant: dict) -> tuple[Acting, str]:
    settings = settings_for(tmp_path_factory.mktemp("reconcile"), sandbox.port)
    company = connect_service_account(settings, tenant["tenant_id"])
    run_import(settings, company.id, parts=("sie4", "ledgers"))
    return Acting(settings, ANNA), company.id


def _payload(acting: Acting, company_id: str, day: date | None = None, year: int | None = None) -> dict:
    return cli.to_json(cli.reconcile_command(acting, company_id, day, year))


@pytest.fixture(scope="module")
def imported(tmp_path_factory, sandbox, tenants) -> dict[int, tuple[Acting, str]]:
    return {index: _import(tmp_path_factory, sandbox, tenants[index]) for index in range(len(tenants))}


@pytest.fixture
def midsize(tmp_path_factory, sandbox, tenants) -> tuple[Acting, str]:
    """The mid-size company imported into a database of the test's own (its marks and drafts stay there)."""
    return _import(tmp_path_factory, sandbox, tenants[MIDSIZE])


@pytest.mark.parametrize("index", [MIDSIZE, LARGE], ids=["mid-size", "large"])
def test_the_reconciliation_finds_exactly_the_planted_findings(imported, sandbox, tenants, index: int) -> None:
    listed = httpx.get(f"{sandbox.url}/sandbox/findings", params={"tenant_id": tenants[index]["tenant_id"]}).json()
    payload = _payload(*imported[index])
    assert sorted(_found(payload), key=repr) == sorted((e for f in listed for e in _expected(f)), key=repr)


def test_the_small_company_reconciles_clean(imported) -> None:
    payload = _payload(*imported[0])
    assert {check["id"]: check["status"] for check in payload["checks"]} == dict.fromkeys(CheckId, "ok")


@pytest.mark.parametrize("index", [MIDSIZE, LARGE], ids=["mid-size", "large"])
def test_every_ledger_difference_is_explained_to_the_ore(imported, index: int) -> None:
    ledgers = [check for check in _payload(*imported[index])["checks"] if check["id"] in ("ar_vs_gl", "ap_vs_gl")]
    assert all(check["difference"] != "0.00" and check["unexplained"] == "0.00" for check in ledgers)


@pytest.mark.parametrize("index", [0, MIDSIZE, LARGE], ids=["small", "mid-size", "large"])
def test_reskontras_open_sek_is_the_ledger_side_of_the_check_at_every_date(imported, index: int) -> None:
    acting, company_id = imported[index]
    end = api.balance_date(acting, company_id)
    for day in (end, date(end.year, max(end.month - 3, 1), 15), date(end.year - 1, end.month, 1)):
        checks = {c["id"]: c for c in _payload(acting, company_id, day)["checks"]}
        with acting.db() as db:
            for kind, check_id, sign in (("customer", "ar_vs_gl", 1), ("supplier", "ap_vs_gl", -1)):
                open_sek = int(ledger_views.open_items(db, company_id, kind, day)["remaining_sek"].sum())
                assert open_sek == sign * _cents(checks[check_id]["ledger"], 1), (check_id, day)


def test_the_command_line_payload_has_the_contract_fields(imported) -> None:
    payload = _payload(*imported[MIDSIZE], year=2025)
    assert payload["date"] == payload["balance_date"] == "2025-06-30"
    for check in payload["checks"]:
        assert {"id", "status", "gl", "ledger", "difference", "signed_off", "items"} <= set(check)
        assert check["status"] in {"ok", "explained", "difference", "unknown"}
        assert all(isinstance(check[key], str) for key in ("gl", "ledger", "difference"))
        for item in check["items"]:
            assert {"id", "kind", "amount", "text", "remedy", "resolution"} <= set(item)
            assert item["remedy"]["kind"] in {"voucher", "fortnox", "mapping", "none"}


def test_item_ids_are_stable_across_runs(imported) -> None:
    ids = [[item["id"] for item in check["items"]] for check in _payload(*imported[MIDSIZE])["checks"]]
    assert ids == [[item["id"] for item in check["items"]] for check in _payload(*imported[MIDSIZE])["checks"]]


def test_each_kind_gets_the_remedy_that_can_fix_it(imported) -> None:
    remedies = {item["kind"]: item["remedy"]["kind"] for check in _payload(*imported[MIDSIZE])["checks"]
                for item in check["items"]}
    assert remedies == {
        "manual_posting": "voucher", "payment_wrong_account": "voucher", "wrong_currency_rate": "voucher",
        "unbooked_invoice": "fortnox", "opening_balance_mismatch": "none", "opening_balances_unbalanced": "none",
        "account_without_sru": "mapping", "inactive_account_with_balance": "voucher",
    }


def test_a_year_not_imported_is_refused_in_swedish(imported) -> None:
    with pytest.raises(Invalid, match="Inget importerat räkenskapsår slutar 2031"):
        _payload(*imported[MIDSIZE], year=2031)


def test_a_balance_date_before_the_findings_shows_none_of_them(imported) -> None:
    result = api.run(*imported[MIDSIZE], date(2025, 3, 31), live=False)
    assert result.check("ar_vs_gl").findings == () and result.check("ap_vs_gl").findings == ()


def test_a_lock_alone_is_no_finding_but_an_adjustment_dated_in_it_is(midsize) -> None:
    acting, company_id = midsize
    assert api.run(acting, company_id).check("locked_period").status == Status.OK
    lock = api.facts(acting, company_id, api.year_at(acting, company_id, date(2025, 6, 30)).id).locked_until
    assert lock is not None
    add_drafts(acting.settings, company_id, [(lock, "Periodisering i låst period",
                                              [AdjustmentRow("1790", debit_ore=100), AdjustmentRow("3990",
                                                                                                 credit_ore=100)])],
               actor=ANNA)
    check = api.run(acting, company_id).check("locked_period")
    assert check.status == Status.DIFFERENCE
    assert [f.item.kind for f in check.findings] == [ItemKind.ADJUSTMENT_IN_LOCKED_PERIOD]


def test_a_balance_date_rate_proposes_a_revaluation_per_open_foreign_invoice(imported) -> None:
    acting, company_id = imported[LARGE]
    rates = api.open_currencies(acting, company_id, date(2025, 12, 31))
    bumped = {currency: rate + 1 for currency, rate in rates.items()}
    check = api.run(acting, company_id, rates=bumped, live=False).check("ap_vs_gl").check
    revaluations = [item for item in check.items if item.kind == ItemKind.CURRENCY_DIFFERENCE]
    assert rates and revaluations and all(item.amount_ore < 0 for item in revaluations)  # debts grow with the rate
    assert check.unexplained_ore == 0  # a proposal, not part of the difference


@pytest.mark.parametrize(("typed", "rate"), [("11,10", "11.1000"), ("11.10", "11.1000"), (" 11,3825 ", "11.3825"),
                                             ("", None)])
def test_a_rate_is_read_with_a_comma_or_a_point(typed: str, rate: str | None) -> None:
    parsed = api.parse_rate(typed)
    assert (str(parsed) if parsed is not None else None) == rate


def test_a_rate_far_from_the_invoices_is_warned_about() -> None:
    assert api.rate_warning("EUR", Decimal("13.00"), Decimal("11.40")) is not None
    assert api.rate_warning("EUR", Decimal("11.60"), Decimal("11.40")) is None


def test_a_mark_and_its_note_are_kept_and_ok_on_an_amount_needs_a_note(midsize) -> None:
    acting, company_id = midsize
    finding = api.run(acting, company_id, live=False).check("ar_vs_gl").findings[0]
    with pytest.raises(Invalid, match="anteckning"):
        api.set_mark(acting, company_id, finding, MarkStatus.OK, " ")
    api.set_mark(acting, company_id, finding, MarkStatus.FIX, "Fråga kunden")
    marked = api.find(api.run(acting, company_id, live=False), finding.id)
    assert (marked.mark.status, marked.mark.note, marked.mark.marked_by, marked.resolved) == (
        MarkStatus.FIX, "Fråga kunden", ANNA, False)
    api.set_mark(acting, company_id, finding, MarkStatus.OK, "Kunden betalar i januari")
    assert api.find(api.run(acting, company_id, live=False), finding.id).resolved


def test_a_draft_from_a_manual_posting_takes_the_other_side_of_its_voucher_and_is_made_once(midsize) -> None:
    acting, company_id = midsize
    result = api.run(acting, company_id, live=False)
    manual = next(f for f in result.check("ar_vs_gl").findings if f.item.kind == ItemKind.MANUAL_POSTING)
    known = api.facts(acting, company_id, result.result.year.id, live=False)
    voucher_id = api.draft_correction(acting, result, manual.id, None, known)
    assert api.draft_correction(acting, api.run(acting, company_id, live=False), manual.id, None, known) == voucher_id
    [draft] = [v for v in list_vouchers(acting.settings, company_id) if v.id == voucher_id]
    other = api.default_offset(acting, company_id, manual, known)
    assert other and other != "1510"
    assert [(r.account, r.debit_ore, r.credit_ore) for r in draft.rows] == [
        ("1510", 0, manual.item.amount_ore), (other, manual.item.amount_ore, 0)]
    assert api.find(api.run(acting, company_id, live=False), manual.id).draft.voucher_id == voucher_id


def test_no_voucher_is_drafted_for_a_finding_a_voucher_cannot_fix(midsize) -> None:
    acting, company_id = midsize
    result = api.run(acting, company_id, live=False)
    unbooked = next(f for f in result.check("ar_vs_gl").findings if f.item.kind == ItemKind.UNBOOKED_INVOICE)
    with pytest.raises(Invalid, match="Bokför fakturan i Fortnox"):
        api.draft_correction(acting, result, unbooked.id, "3990", api.facts(acting, company_id, "", live=False))


def test_a_draft_on_an_account_missing_from_the_chart_or_inactive_is_refused(midsize) -> None:
    acting, company_id = midsize
    result = api.run(acting, company_id)
    manual = next(f for f in result.check("ar_vs_gl").findings if f.item.kind == ItemKind.MANUAL_POSTING)
    known = api.facts(acting, company_id, result.result.year.id, live=False)
    with pytest.raises(Invalid, match="finns inte i företagets kontoplan"):
        api.draft_correction(acting, result, manual.id, "9999", known)
    with pytest.raises(Invalid, match="inaktivt"):
        api.draft_correction(acting, result, manual.id, "1910", known)


def test_saving_the_sru_in_kontomappning_resolves_the_finding(midsize) -> None:
    acting, company_id = midsize
    [finding] = api.run(acting, company_id, live=False).check("account_without_sru").findings
    with acting.db() as db:
        mapping.save_mappings(db, company_id, [mapping.MappingEdit(finding.item.account, "1619", "7261")], ANNA)
    assert api.run(acting, company_id, live=False).check("account_without_sru").status == Status.OK


def test_kontomappning_reads_the_active_flags_avstamning_fetched(midsize) -> None:
    acting, company_id = midsize
    api.run(acting, company_id)
    with acting.db() as db:
        review = {r.number: r for r in mapping.review_accounts(db, company_id)}
    assert review["1910"].active is False and Problem.INACTIVE_WITH_BALANCE in review["1910"].problems


def test_a_company_from_a_sie_file_alone_has_unknown_ledger_checks_and_no_voucher_proposals(
        tmp_path, sandbox, tenants) -> None:
    acting = Acting(settings_for(tmp_path, sandbox.port), ANNA)
    company_id = import_sie_file(acting.settings, fortnox_sie(sandbox.url, tenants[MIDSIZE]["tenant_id"], "2"),
                                 started_by=ANNA).company_id
    result = api.run(acting, company_id)
    for check_id in ("ar_vs_gl", "ap_vs_gl"):
        outcome = result.check(check_id)
        assert (outcome.status, outcome.findings) == (Status.UNKNOWN, ())
        assert "Underhåll → Import" in outcome.check.note


def test_sign_off_waits_until_nothing_is_open(midsize) -> None:
    acting, company_id = midsize
    with pytest.raises(Conflict, match="kan inte signeras"):
        api.sign_off(acting, api.run(acting, company_id, live=False), "ar_vs_gl")
    api.sign_off(acting, api.run(acting, company_id, live=False), "unbalanced_vouchers")
    signed = api.run(acting, company_id, live=False).check("unbalanced_vouchers").signed_off
    assert signed is not None and signed.by == ANNA


def test_an_import_that_changes_the_figures_reopens_a_sign_off_and_says_what_changed(
        tmp_path_factory, sandbox, tenants) -> None:
    acting, company_id = _import(tmp_path_factory, sandbox, tenants[0])
    result = api.run(acting, company_id)
    api.sign_off(acting, result, "ar_vs_gl")
    api.sign_off(acting, result)
    assert api.run(acting, company_id).signed_off is not None
    with acting.db() as db, store.write_lock(db):  # what an import bringing a new manual posting leaves
        year = result.result.year.id
        db["vouchers"].insert({"company_id": company_id, "year_id": year, "series": "A", "number": "9999",
                               "date": str(result.result.balance_date), "text": "Sen justering"})
        db["transactions"].insert_all([
            {"company_id": company_id, "year_id": year, "series": "A", "number": "9999", "row_no": 1,
             "account": "1510", "amount_ore": 50_000, "text": "", "objects": "[]"},
            {"company_id": company_id, "year_id": year, "series": "A", "number": "9999", "row_no": 2,
             "account": "3990", "amount_ore": -50_000, "text": "", "objects": "[]"}])
    after = api.run(acting, company_id)
    assert after.signed_off is None and "huvudbok" in after.reopened.changes
    assert "huvudbok" in after.check("ar_vs_gl").reopened.changes
    with acting.db() as db:
        assert db["audit_log"].count_where("company_id = ? and action = 'reconcile_reopened'", [company_id]) == 2


def _close(acting: Acting, company_id: str) -> None:
    """What the accountant does: a correction for each finding a voucher fixes, Kontomappning for SRU codes, and a
    note for the rest."""
    result = api.run(acting, company_id)
    known = api.facts(acting, company_id, result.result.year.id, live=False)
    for outcome in result.checks:
        for finding in outcome.findings:
            item = finding.item
            if finding.remedy.kind == RemedyKind.VOUCHER and item.kind != ItemKind.INACTIVE_ACCOUNT_WITH_BALANCE:
                api.draft_correction(acting, result, finding.id, None, known)
            elif finding.remedy.kind == RemedyKind.MAPPING:
                with acting.db() as db:
                    mapping.save_mappings(db, company_id, [mapping.MappingEdit(item.account, "1619", "7261")], ANNA)
            else:
                api.set_mark(acting, company_id, finding, MarkStatus.OK, "Utrett med kunden; se bilaga 4.")


def test_a_company_closes_through_corrections_export_and_import_and_its_report_reads_back(
        tmp_path_factory, quiet_sandbox) -> None:
    tenants = httpx.get(f"{quiet_sandbox.url}/sandbox/tenants").json()
    acting, company_id = _import(tmp_path_factory, quiet_sandbox, tenants[MIDSIZE])
    _close(acting, company_id)
    drafts = [v.id for v in list_vouchers(acting.settings, company_id) if v.source == "avstamning"]
    assert len(drafts) == 3 and all(r.ok for r in export_vouchers(acting.settings, company_id, drafts, actor=ANNA))
    run_import(acting.settings, company_id, parts=("sie4", "ledgers"))
    result = api.run(acting, company_id)
    assert {o.check.id: o.status for o in result.checks if o.status not in (Status.OK, Status.EXPLAINED)} == {}
    kinds = [f.item.kind for o in result.checks for f in o.findings]
    assert ItemKind.OWN_CORRECTION not in kinds and ItemKind.MANUAL_POSTING in kinds
    corrected = [f for o in result.checks for f in o.findings if f.resolution and f.resolution.voucher]
    assert len(corrected) == 3 and all(len(f.item.vouchers) >= 2 for f in corrected if f.item.vouchers)
    api.sign_off(acting, result)
    signed = api.run(acting, company_id)
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(
        api.report_pdf(acting, signed, "Fjällbrons Bygg AB", "559012-3450"))).pages)
    assert "Avstämningsrapport per 2025-06-30" in text and f"Avstämd av {ANNA}" in text
    assert all(f"Rättad med {f.resolution.voucher}" in text for f in corrected)
    assert "Utrett med kunden; se bilaga 4." in text
    sheet = load_workbook(io.BytesIO(api.report_excel(acting, signed, "Fjällbrons Bygg AB", "559012-3450")))["Fynd"]
    assert any(isinstance(cell.value, type(sheet.cell(1, 1).value)) for cell in sheet[1])
    amounts = [row[3] for row in sheet.iter_rows(min_row=4, values_only=True) if row[3] is not None]
    assert amounts and all(not isinstance(amount, str) for amount in amounts)


def test_a_signed_reconciliations_report_shows_its_signature_on_every_check_row(tmp_path_factory, sandbox,
                                                                                 tenants) -> None:
    acting, company_id = _import(tmp_path_factory, sandbox, tenants[0])
    api.sign_off(acting, api.run(acting, company_id), "unbalanced_vouchers")
    api.sign_off(acting, api.run(acting, company_id))
    signed = api.run(acting, company_id)
    whole, own = api.signed_text(signed), api.signed_text(signed.check("unbalanced_vouchers"))
    assert whole.startswith(f"Avstämd av {ANNA}") and own.startswith(f"Avstämd av {ANNA}")
    sheet = load_workbook(io.BytesIO(api.report_excel(acting, signed, "Bokslutsdemo AB", "556677-8899")))[
        "Sammanfattning"]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if "Signering" in row)
    column = rows[header].index("Signering")
    by_check = {row[0]: row[column] for row in rows[header + 1:] if row[0]}
    assert by_check == {o.check.label: own if o.check.id == "unbalanced_vouchers" else f"{whole} (hela avstämningen)"
                        for o in signed.checks}
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(
        api.report_pdf(acting, signed, "Bokslutsdemo AB", "556677-8899"))).pages)
    assert "Ej signerad" not in text
    assert text.count("(hela avstämningen)") == 2 * (len(signed.checks) - 1)  # the summary's row, the check's part


def test_the_command_line_drafts_a_correction_once(imported, tmp_path_factory, sandbox, tenants) -> None:
    acting, company_id = _import(tmp_path_factory, sandbox, tenants[MIDSIZE])
    manual = next(i for c in _payload(acting, company_id)["checks"] for i in c["items"] if i["kind"] == "manual_posting")
    first = cli.draft_command(acting, company_id, None, manual["id"], None)
    assert cli.draft_command(acting, company_id, None, manual["id"], None) == first


def test_settings_type_is_what_the_services_take(midsize) -> None:
    assert isinstance(midsize[0].settings, Settings)


def test_the_drill_down_shows_rows_struck_in_fortnox_after_the_rows_that_count(imported) -> None:
    acting, company_id = imported[MIDSIZE]
    with acting.db() as db:
        year, series, number = db.execute("select year_id, series, number from struck_transactions "
                                          "where company_id = ? limit 1", [company_id]).fetchone()
    rows = api.voucher_rows(acting, company_id, [VoucherKey(series, number, year)])
    struck = rows[rows["struck_by"].notna()]
    assert len(struck) >= 1 and len(rows) > len(struck)
    assert list(rows["struck_by"].notna()) == sorted(rows["struck_by"].notna())  # struck rows last
    assert int(rows.loc[rows["struck_by"].isna(), "amount_ore"].sum()) == 0  # the voucher balances without them
