"""Looking a voucher up in Fortnox after an unknown outcome, against answers the sandbox does not give by default:
voucher-list items of older answers (no TransactionDate, Description or Comments), items that cannot be used, and
vouchers carrying rows struck by a correction ("Removed": true)."""

from __future__ import annotations

import logging
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest

from services.fortnox import jsonio, resources
from services.fortnox.client import FortnoxClient
from services.fortnox.config import FortnoxConfig
from services.fortnox.retry import RetryPolicy
from services.vouchers.export import find_in_fortnox
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherStatus

DAY = date(2025, 12, 31)
REFERENCE = "0f3c2a"
OUR_ROWS = (AdjustmentRow("5010", debit_ore=12_550), AdjustmentRow("2990", credit_ore=12_550))


class FixedToken:
    def access_token(self, *, rejected: str | None = None) -> str:
        return "token"


def _fortnox(answers: dict[str, Any]) -> FortnoxClient:
    """A client whose Fortnox answers each path from `answers` (404 for anything else)."""

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path not in answers:
            return httpx.Response(404, json={"ErrorInformation": {"error": 1, "message": "Not found", "code": 1}})
        return httpx.Response(200, content=jsonio.dumps(answers[request.url.path]).encode(),
                              headers={"Content-Type": "application/json"})

    config = FortnoxConfig(client_id="c", client_secret="s", auth_url="https://apps.fortnox.se/oauth-v1",
                           api_url="https://api.fortnox.se", redirect_uri="http://localhost/anslut", scopes=(),
                           transport=httpx.MockTransport(respond), retry=RetryPolicy(attempts=1))
    return FortnoxClient(config, FixedToken())


def _list(*items: dict[str, Any]) -> dict[str, Any]:
    return {"MetaInformation": {"@TotalResources": len(items), "@TotalPages": 1, "@CurrentPage": 1},
            "Vouchers": list(items)}


def _sparse(number: int) -> dict[str, Any]:
    """A voucher-list item as older answers sent it: no TransactionDate, Description or Comments."""
    return {"@url": f"https://api.fortnox.se/3/vouchers/A/{number}", "VoucherNumber": number, "VoucherSeries": "A",
            "Year": 2}


def _row(account: int, debit: str, credit: str, **extra: Any) -> dict[str, Any]:
    return {"Account": account, "Debit": Decimal(debit), "Credit": Decimal(credit), **extra}


def _single(number: int, rows: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    voucher = {"VoucherNumber": number, "VoucherSeries": "A", "Year": 2, "TransactionDate": DAY.isoformat(),
               "Description": "Periodisering", "VoucherRows": rows, **fields}
    return {"Voucher": voucher}


def _ours() -> AdjustmentVoucher:
    return AdjustmentVoucher(id="v1", company_id="c1", date=DAY, text="Periodisering", status=VoucherStatus.SENDING, rows=OUR_ROWS,
                             reference=REFERENCE)


def test_voucher_list_items_without_date_text_or_comments_are_read_with_those_as_none() -> None:
    client = _fortnox({"/3/vouchers": _list(_sparse(7))})

    [ref] = resources.vouchers_on(client, "2", DAY)

    assert (ref.series, ref.number, ref.year_id, ref.date, ref.comments) == ("A", "7", "2", None, None)


def test_a_voucher_list_item_that_cannot_be_used_is_skipped_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    client = _fortnox({"/3/vouchers": _list({"VoucherSeries": "A", "VoucherNumber": None},
                                            {**_sparse(8), "TransactionDate": "31/12"}, _sparse(9))})

    with caplog.at_level(logging.WARNING):
        refs = resources.vouchers_on(client, "2", DAY)

    assert [ref.number for ref in refs] == ["9"]
    assert len([r for r in caplog.records if "hoppades över" in r.getMessage()]) == 2


def test_the_look_up_reads_a_sparse_list_items_voucher_to_find_the_reference() -> None:
    rows = [_row(5010, "125.50", "0"), _row(2990, "0", "125.50")]
    client = _fortnox({"/3/vouchers": _list(_sparse(6), _sparse(7)),
                       "/3/vouchers/A/6": _single(6, rows, Comments="Skatt & Bokslut: någon annan"),
                       "/3/vouchers/A/7": _single(7, rows, Comments=f"Skatt & Bokslut: {REFERENCE}")})

    found = find_in_fortnox(client, "2", _ours())

    assert found is not None and (found.series, found.number) == ("A", "7")


def test_without_comments_anywhere_a_voucher_is_recognised_by_its_current_rows_struck_rows_ignored() -> None:
    struck = _row(5090, "125.50", "0", Removed=True)
    client = _fortnox({"/3/vouchers": _list(_sparse(7)),
                       "/3/vouchers/A/7": _single(7, [_row(5010, "125.50", "0"), struck, _row(2990, "0", "125.50")])})

    found = find_in_fortnox(client, "2", _ours())

    assert found is not None and found.number == "7"


def test_without_comments_anywhere_a_voucher_with_other_current_rows_is_not_ours() -> None:
    client = _fortnox({"/3/vouchers": _list(_sparse(7)),
                       "/3/vouchers/A/7": _single(7, [_row(5010, "125.50", "0"), _row(2990, "0", "125.50"),
                                                      _row(6570, "1.00", "0"), _row(1930, "0", "1.00")])})

    assert find_in_fortnox(client, "2", _ours()) is None


def test_a_single_voucher_leaves_out_the_rows_struck_in_fortnox() -> None:
    client = _fortnox({"/3/vouchers/A/7": _single(7, [_row(5010, "125.50", "0"), _row(5090, "125.50", "0", Removed=True),
                                                      _row(2990, "0", "125.50")])})

    booked = resources.voucher(client, "2", "A", "7")

    assert [(row.account, row.debit, row.credit) for row in booked.rows] == [
        ("5010", Decimal("125.5"), Decimal(0)), ("2990", Decimal(0), Decimal("125.5"))]
