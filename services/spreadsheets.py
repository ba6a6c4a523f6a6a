"""CSV and Excel files people open in Excel: amounts exact, dates as dates, and every text written as text.

Text from a client (a SIE file, Fortnox) is data, never a formula: a CSV cell starting with = + - @ tab or CR gets
a leading apostrophe, as OWASP advises, and an Excel text cell is stored with the string type (openpyxl would
otherwise store "=HYPERLINK(…)" as a live formula).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

from services.money import ore_to_decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"  # Excel's own grouping: shown as 1 234,50 in Swedish Excel
DATE_FORMAT = "yyyy-mm-dd"
MAX_WIDTH = 80


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet cannot take for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def csv_bytes(frame: pd.DataFrame, money: Sequence[str] = ()) -> bytes:
    """Semicolon-separated with decimal commas and a BOM, so Excel in Swedish opens it right; amounts in öre become
    exact kronor, texts are neutralised."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in money:
            out[column] = ["" if _missing(v) else format(ore_to_decimal(int(v)), "f").replace(".", ",")
                           for v in values]
        else:
            out[column] = ["" if _missing(v) else neutralise(v) if isinstance(v, str) else v for v in values]
    return out.to_csv(sep=";", index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: `money` columns hold öre, `dates` columns ISO dates."""

    title: str
    frame: pd.DataFrame
    money: Sequence[str] = ()
    dates: Sequence[str] = ()
    heading: Sequence[str] = field(default_factory=tuple)  # lines above the table (title, company, date)


def _cell_value(value: Any, column: str, sheet: Sheet) -> tuple[Any, str | None]:
    if _missing(value):
        return None, None
    if column in sheet.money:
        return ore_to_decimal(int(value)), MONEY_FORMAT
    if column in sheet.dates and isinstance(value, str) and value:
        return date.fromisoformat(value[:10]), DATE_FORMAT
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    return value, None


def excel_bytes(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    default = book.active  # a new workbook opens with one empty sheet
    assert default is not None
    book.remove(default)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        for line in sheet.heading:
            ws.append([None])
            cell = ws.cell(row=ws.max_row, column=1, value=line)
            cell.data_type = TYPE_STRING
        if sheet.heading:
            ws.append([])
        header_row = ws.max_row + 1 if sheet.heading else 1
        columns = list(sheet.frame.columns)
        for index, column in enumerate(columns, start=1):
            cell = ws.cell(row=header_row, column=index, value=str(column))
            cell.data_type = TYPE_STRING
        widths = [len(str(column)) for column in columns]
        for offset, record in enumerate(sheet.frame.itertuples(index=False, name=None), start=1):
            for index, (column, raw) in enumerate(zip(columns, record), start=1):
                value, number_format = _cell_value(raw, column, sheet)
                cell = ws.cell(row=header_row + offset, column=index, value=value)
                if isinstance(value, str):
                    cell.data_type = TYPE_STRING
                if number_format:
                    cell.number_format = number_format
                widths[index - 1] = max(widths[index - 1], len(str(value)) if value is not None else 0)
        for index, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
