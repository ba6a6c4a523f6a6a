"""What the grid gets for a list: amounts as numbers (so they sort as numbers), counts as whole numbers even with
gaps, missing texts empty, and every column at least as wide as its longest value."""

from __future__ import annotations

import pandas as pd

from ui import tables

FRAME = pd.DataFrame({
    "Kund": ["Alviks Café AB", None],
    "Kvar (SEK)": [100_025_540, 970_000],
    "Poster": [3, None],
})


def test_amounts_are_kronor_as_numbers_shown_with_two_decimals() -> None:
    shown, config = tables.prepared(FRAME, ["Kvar (SEK)"])
    assert list(shown["Kvar (SEK)"]) == [1_000_255.40, 9_700.00]
    assert config["Kvar (SEK)"]["type_config"] == {"type": "number", "min_value": None, "max_value": None,
                                                   "format": "localized", "step": 0.01}


def test_a_column_is_wide_enough_for_its_largest_amount() -> None:
    _, config = tables.prepared(FRAME, ["Kvar (SEK)"])
    assert config["Kvar (SEK)"]["width"] >= len("1 000 255,40") * tables.CHAR_PX


def test_counts_with_gaps_stay_whole_numbers() -> None:
    shown, config = tables.prepared(FRAME, ["Kvar (SEK)"])
    assert str(shown["Poster"].dtype) == "Int64"
    assert config["Poster"]["type_config"]["step"] == 1


def test_a_missing_text_is_empty_never_none() -> None:
    shown, _ = tables.prepared(FRAME, ["Kvar (SEK)"])
    assert list(shown["Kund"]) == ["Alviks Café AB", ""]
