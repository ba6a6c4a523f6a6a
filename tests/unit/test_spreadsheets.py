"""Files people open in Excel: amounts as numbers with Excel's own grouping, dates as dates, shares as numbers, texts
as text, and file names in Swedish."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook

from services.spreadsheets import MONEY_FORMAT, Sheet, csv_bytes, excel_bytes, file_stem

FRAME = pd.DataFrame({
    "Faktura": ["1001", "=HYPERLINK(\"x\")"],
    "Fakturadatum": ["2025-12-31", None],
    "Kvar (SEK)": [100_025_540, -5],
    "Andel": [0.125, None],
    "Antal": [3, 4],
})


def _sheet() -> list[list[object]]:
    book = load_workbook(io.BytesIO(excel_bytes([Sheet("Öppna poster", FRAME, ["Kvar (SEK)"], ["Andel"])])))
    return book.active


def test_excel_amounts_are_exact_numbers_with_excels_own_grouping() -> None:
    cell = _sheet()["C2"]
    assert Decimal(str(cell.value)) == Decimal("1000255.40")
    assert cell.number_format == MONEY_FORMAT == "#,##0.00"


def test_excel_dates_are_dates() -> None:
    cell = _sheet()["B2"]
    assert cell.value == datetime(2025, 12, 31)
    assert cell.number_format == "yyyy-mm-dd"


def test_excel_shares_are_numbers_shown_in_per_cent() -> None:
    cell = _sheet()["D2"]
    assert cell.value == 0.125
    assert cell.number_format == "0.0%"


def test_excel_counts_are_numbers_and_missing_values_empty() -> None:
    sheet = _sheet()
    assert sheet["E3"].value == 4
    assert sheet["B3"].value is None


def test_excel_text_that_looks_like_a_formula_stays_text() -> None:
    cell = _sheet()["A3"]
    assert cell.data_type == "s"
    assert cell.value == "=HYPERLINK(\"x\")"


def test_csv_has_exact_kronor_per_cent_and_neutralised_text() -> None:
    lines = csv_bytes(FRAME, ["Kvar (SEK)"], ["Andel"]).decode("utf-8-sig").splitlines()
    assert lines[1] == "1001;2025-12-31;1000255,40;12,5%;3"
    assert lines[2] == '"\'=HYPERLINK(""x"")";;-0,05;;4'


def test_file_names_are_swedish_words_without_special_characters() -> None:
    assert file_stem("fynd", "Kundreskontra mot huvudbok") == "fynd-kundreskontra-mot-huvudbok"
    assert file_stem("Åldersanalys", "2025-12-31") == "aldersanalys-2025-12-31"
