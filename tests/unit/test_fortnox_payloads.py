from datetime import date
from decimal import Decimal

from services.fortnox import jsonio
from services.fortnox.resources import VoucherRow, voucher_payload
from tests.contract import validate_request


def test_the_voucher_request_body_follows_fortnox_openapi() -> None:
    payload = voucher_payload(
        "A",
        date(2025, 12, 31),
        "Avskrivning inventarier",
        "Skatt & Bokslut ref 1",
        [VoucherRow("7832", Decimal("12500.00"), Decimal(0)), VoucherRow("1229", Decimal(0), Decimal("12500.00"))],
    )
    validate_request(jsonio.loads(jsonio.dumps(payload)), "POST", "/3/vouchers")
