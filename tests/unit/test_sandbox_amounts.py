"""Money crosses the sandbox's edges without ever being a float inside."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sandbox.amounts import AmountError, json_amount, sie_amount, to_ore


@pytest.mark.parametrize("ore, text", [(1255900, "12559"), (343450, "3434.5"), (-96, "-0.96"), (0, "0"),
                                       (5, "0.05"), (-100, "-1"), (12345678901, "123456789.01")])
def test_sie_amounts_use_fortnox_minimal_form(ore, text):
    assert sie_amount(ore) == text


def test_json_amounts_are_ints_when_whole_and_two_decimal_numbers_otherwise():
    assert json_amount(12500) == 125 and isinstance(json_amount(12500), int)
    assert json.dumps(json_amount(12550)) == "125.5"
    assert json.dumps(json_amount(-1)) == "-0.01"
    assert json.dumps(json_amount(99999999999)) == "999999999.99"


@pytest.mark.parametrize("value, ore", [(Decimal("125.50"), 12550), ("99.9", 9990), (10, 1000), (None, 0), ("", 0),
                                        (Decimal("0.005"), 1), ("-3.21", -321)])
def test_amounts_are_parsed_to_oere(value, ore):
    assert to_ore(value) == ore


@pytest.mark.parametrize("value", ["tio", True, "1,5", Decimal("NaN")])
def test_non_numeric_amounts_are_refused(value):
    with pytest.raises(AmountError):
        to_ore(value)
