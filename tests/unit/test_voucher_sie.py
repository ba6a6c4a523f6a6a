"""Year-end vouchers to and from SIE 4I: what is written reads back as the same drafts."""

from __future__ import annotations

from datetime import date

import pytest

from services.companies.model import Company
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherError, VoucherStatus
from services.vouchers.sie4i import drafts_from_sie, sie_4i

COMPANY = Company(id="c1", orgnr="556677-8899", name="Bokslutsdemo AB", source="fortnox", tenant_id="1",
                  connected=True)
ROWS = (AdjustmentRow("7832", debit_ore=1_250_000, text="Inventarier", cost_center="ADM", project="P1"),
        AdjustmentRow("1229", credit_ore=1_250_000))


def _voucher(*rows: AdjustmentRow) -> AdjustmentVoucher:
    return AdjustmentVoucher("v1", "c1", date(2025, 12, 31), "Avskrivning inventarier", VoucherStatus.DRAFT, rows)


def test_a_written_sie_4i_file_reads_back_as_the_same_drafts() -> None:
    data, warnings = sie_4i(COMPANY, [_voucher(*ROWS)], date(2026, 1, 15))
    assert warnings == []
    assert drafts_from_sie(data) == [(date(2025, 12, 31), "Avskrivning inventarier", list(ROWS))]


def test_the_file_is_cp437_with_the_sie_type_and_no_balances() -> None:
    data, _ = sie_4i(COMPANY, [_voucher(*ROWS)], date(2026, 1, 15))
    text = data.decode("cp437")
    assert "#SIETYP 4" in text and "#ORGNR 556677-8899" in text and "#IB" not in text


def test_a_file_without_vouchers_is_refused() -> None:
    with pytest.raises(VoucherError, match="inga verifikationer"):
        drafts_from_sie(b'#FLAGGA 0\r\n#SIETYP 4\r\n#FNAMN "X"\r\n')


def test_a_bad_line_is_named_in_the_message() -> None:
    bad = b'#FLAGGA 0\r\n#SIETYP 4\r\n#VER "" "" 20251231 "T"\r\n{\r\n#TRANS 7832 {} tolv\r\n}\r\n'
    with pytest.raises(VoucherError, match="Rad 5"):
        drafts_from_sie(bad)
