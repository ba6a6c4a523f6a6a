"""The checks before sending: each problem is one Swedish sentence naming the voucher (and row) and what to do."""

from __future__ import annotations

from datetime import date

from services.fortnox.resources import AccountInfo, FinancialYear, VoucherSeries
from services.vouchers.checks import FortnoxBooks, draft_problems, fortnox_problems
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherStatus

YEAR = FinancialYear("2", date(2025, 1, 1), date(2025, 12, 31))


def _voucher(*rows: AdjustmentRow, text: str = "Avskrivning", day: date = date(2025, 12, 31)) -> AdjustmentVoucher:
    return AdjustmentVoucher("v1", "c1", day, text, VoucherStatus.DRAFT, tuple(rows))


def _account(number: str, active: bool = True, cost_center: str = "ALLOWED", project: str = "ALLOWED") -> AccountInfo:
    return AccountInfo(number, f"Konto {number}", active, cost_center, project)


def _books(*accounts: AccountInfo, locked_until: date | None = None, manual: bool = True) -> FortnoxBooks:
    return FortnoxBooks([YEAR], locked_until, series={"2": {"A": VoucherSeries("A", "Redovisning", manual)}},
                        accounts={"2": {a.number: a for a in accounts}})


BALANCED = (AdjustmentRow("7832", debit_ore=1000), AdjustmentRow("1229", credit_ore=1000))


def test_a_balanced_voucher_with_two_rows_has_no_draft_problems() -> None:
    assert draft_problems(_voucher(*BALANCED)) == []


def test_an_unbalanced_voucher_says_by_how_much_and_on_which_side() -> None:
    [problem] = draft_problems(_voucher(AdjustmentRow("7832", debit_ore=1000), AdjustmentRow("1229", credit_ore=900)))
    assert problem == "«Avskrivning» (2025-12-31) är inte i balans: 1,00 kr mer i debet."


def test_a_single_row_is_too_few() -> None:
    assert any("minst två" in p for p in draft_problems(_voucher(AdjustmentRow("7832", debit_ore=0))))


def test_a_row_with_both_debit_and_credit_is_named_by_its_number() -> None:
    problems = draft_problems(_voucher(AdjustmentRow("7832", debit_ore=5, credit_ore=5), AdjustmentRow("1229")))
    assert "«Avskrivning» (2025-12-31), rad 1: ange antingen debet eller kredit, inte båda." in problems


def test_texts_longer_than_fortnox_takes_are_refused() -> None:
    long_row = AdjustmentRow("7832", debit_ore=1000, text="x" * 101)
    problems = draft_problems(_voucher(long_row, BALANCED[1], text="y" * 201))
    assert any("högst 200" in p for p in problems) and any("rad 1: radtexten är 101 tecken" in p for p in problems)


def test_an_inactive_account_is_named_with_its_row() -> None:
    [problem] = fortnox_problems(_voucher(*BALANCED), _books(_account("7832"), _account("1229", active=False)), "A")
    assert problem.startswith("«Avskrivning» (2025-12-31), rad 2: konto 1229 (Konto 1229) är inaktivt")


def test_an_account_missing_in_fortnox_is_refused() -> None:
    [problem] = fortnox_problems(_voucher(*BALANCED), _books(_account("7832")), "A")
    assert "rad 2: konto 1229 finns inte i Fortnox" in problem


def test_a_cost_centre_is_required_where_the_account_says_mandatory() -> None:
    books = _books(_account("7832", cost_center="MANDATORY"), _account("1229"))
    [problem] = fortnox_problems(_voucher(*BALANCED), books, "A")
    assert "rad 1: konto 7832 kräver kostnadsställe" in problem


def test_a_project_on_an_account_that_allows_none_is_refused() -> None:
    rows = (AdjustmentRow("7832", debit_ore=1000, project="P1"), BALANCED[1])
    [problem] = fortnox_problems(_voucher(*rows), _books(_account("7832", project="NOTALLOWED"), _account("1229")), "A")
    assert "tillåter inte projekt" in problem


def test_a_date_in_the_locked_period_is_refused() -> None:
    [problem] = fortnox_problems(_voucher(*BALANCED, day=date(2025, 6, 30)),
                                 _books(_account("7832"), _account("1229"), locked_until=date(2025, 6, 30)), "A")
    assert "perioden t.o.m. 2025-06-30 är låst" in problem


def test_a_date_outside_every_financial_year_is_refused() -> None:
    [problem] = fortnox_problems(_voucher(*BALANCED, day=date(2031, 1, 1)), _books(), "A")
    assert "inget räkenskapsår i Fortnox för datumet 2031-01-01" in problem


def test_a_series_without_manual_entry_is_refused() -> None:
    [problem] = fortnox_problems(_voucher(*BALANCED), _books(_account("7832"), _account("1229"), manual=False), "A")
    assert "tar inte emot manuella verifikationer" in problem


def test_an_inactive_cost_centre_is_refused_when_fortnox_shows_cost_centres() -> None:
    books = _books(_account("7832"), _account("1229"))
    books.cost_centers = {"MARK": False}
    rows = (AdjustmentRow("7832", debit_ore=1000, cost_center="MARK"), BALANCED[1])
    assert fortnox_problems(_voucher(*rows), books, "A") == [
        "«Avskrivning» (2025-12-31), rad 1: kostnadsstället MARK är inaktivt i Fortnox."]
