from decimal import Decimal

import pytest

from services.fortnox import jsonio
from services.money import format_rate, format_sek, ore_to_json


def test_amounts_show_swedish_thousands_and_decimal_comma() -> None:
    assert format_sek(123456789) == "1\u00a0234\u00a0567,89"
    assert format_sek(-5) == "-0,05"
    assert format_sek(0) == "0,00"


def test_json_amounts_have_two_decimals_and_a_dot() -> None:
    assert ore_to_json(-123450) == "-1234.50"
    assert ore_to_json(7) == "0.07"


def test_decimals_travel_as_exact_json_numbers() -> None:
    text = jsonio.dumps({"Debit": Decimal("12500.10"), "Credit": Decimal("0.00"), "Text": "Å \"x\""})
    assert text == '{"Debit":12500.10,"Credit":0.00,"Text":"Å \\"x\\""}'
    assert jsonio.loads(text)["Debit"] == Decimal("12500.10")


@pytest.mark.parametrize(("rate", "text"), [("11.38", "11,3800"), ("10.4300", "10,4300"), ("11.5", "11,5000"),
                                            ("0.071234", "0,071234"), ("1", "1,0000")])
def test_a_rate_is_written_with_at_least_four_decimals_and_a_decimal_comma(rate: str, text: str) -> None:
    assert format_rate(Decimal(rate)) == text
