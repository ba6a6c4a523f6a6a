"""CSV and Excel files people open in Excel: amounts exact, dates as dates, shares as numbers, and every text written
as text.

Text from a client (a SIE file, Fortnox) is data, never a formula: a CSV cell starting with = + - @ tab or CR gets
a leading apostrophe, as OWASP advises, and an Excel text cell is stored with the string type (openpyxl would
otherwise store "=HYPERLINK(…)" as a live formula).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING, Cell, WriteOnlyCell
from openpyxl.utils import get_column_letter

from services.money import ore_to_decimal
from services.numbers import GROUP, format_decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MONEY_FORMAT = "#,##0.00"  # Excel's own grouping: shown as 1 234,50 in Swedish Excel
DATE_FORMAT = "yyyy-mm-dd"
SHARE_FORMAT = "0.0%"
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MAX_WIDTH = 80


def file_stem(*parts: object) -> str:
    """A Swedish file name people recognise, safe on every system: 'Kundreskontra mot huvudbok', '2025-12-31' →
    'kundreskontra-mot-huvudbok-2025-12-31' (å ä ö written a a o, everything else not a letter or digit a dash)."""
    text = "-".join(str(part) for part in parts if str(part))
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def neutralise(text: str) -> str:
    """A CSV cell that a spreadsheet cannot take for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _iso_dates(values: pd.Series) -> bool:
    """A column of dates written as text (2025-12-31), every one of them: such a column becomes real dates."""
    present = [v for v in values if not _missing(v)]
    return bool(present) and all(isinstance(v, str) and ISO_DATE.fullmatch(v) for v in present)


def _share_text(value: Any) -> str:
    return format_decimal(Decimal(str(value)) * 100, 1).replace(GROUP, "") + "%"


def csv_bytes(frame: pd.DataFrame, money: Sequence[str] = (), shares: Sequence[str] = ()) -> bytes:
    """Semicolon-separated with decimal commas and a BOM, so Excel in Swedish opens it right; amounts in öre become
    exact kronor, shares (fractions) per cent ('12,5%', which Excel reads as a number), texts are neutralised."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in money:
            out[column] = ["" if _missing(v) else format(ore_to_decimal(int(v)), "f").replace(".", ",")
                           for v in values]
        elif column in shares:
            out[column] = ["" if _missing(v) else _share_text(v) for v in values]
        else:
            out[column] = ["" if _missing(v) else neutralise(v) if isinstance(v, str) else v for v in values]
    return out.to_csv(sep=";", index=False).encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: `money` columns hold öre, `shares` fractions (0.125 is 12,5 %); a column of ISO dates becomes
    dates by itself."""

    title: str
    frame: pd.DataFrame
    money: Sequence[str] = ()
    shares: Sequence[str] = ()
    heading: Sequence[str] = field(default_factory=tuple)  # lines above the table (title, company, date)


def _column_kind(sheet: Sheet, column: str) -> str:
    if column in sheet.money:
        return "money"
    if column in sheet.shares:
        return "share"
    return "date" if _iso_dates(sheet.frame[column]) else "plain"


def _cell(ws: Any, value: Any, kind: str) -> Cell:
    """The value is set after the cell is made: openpyxl takes Decimal and date cells, its stubs' WriteOnlyCell()
    does not say so, the Cell.value setter does."""
    cell = WriteOnlyCell(ws)
    if _missing(value):
        return cell
    if kind == "money":
        cell.value = ore_to_decimal(int(value))
        cell.number_format = MONEY_FORMAT
    elif kind == "share":
        cell.value = Decimal(str(value))
        cell.number_format = SHARE_FORMAT
    elif kind == "date":
        cell.value = date.fromisoformat(value)
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        return _text_cell(ws, value)
    else:
        cell.value = value.item() if hasattr(value, "item") else value  # numpy scalars
    return cell


def _text_cell(ws: Any, text: str) -> Cell:
    cell = WriteOnlyCell(ws, text)
    cell.data_type = TYPE_STRING
    return cell


def _widths(sheet: Sheet, kinds: dict[str, str]) -> list[int]:
    widths = []
    for column in sheet.frame.columns:
        values = sheet.frame[column]
        if kinds[column] == "money":
            longest = max((len(format(ore_to_decimal(int(v)), ",.2f")) for v in values if not _missing(v)), default=0)
        else:
            longest = int(values.map(lambda v: 0 if _missing(v) else len(str(v))).max()) if len(values) else 0
        widths.append(min(max(len(str(column)), longest) + 2, MAX_WIDTH))
    return widths


def excel_bytes(sheets: Sequence[Sheet]) -> bytes:
    """A workbook written row by row (openpyxl's write-only mode: thousands of rows in a second, not a minute)."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        ws = book.create_sheet(sheet.title[:31])
        columns = list(sheet.frame.columns)
        kinds = {column: _column_kind(sheet, column) for column in columns}
        for index, width in enumerate(_widths(sheet, kinds), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        for line in sheet.heading:
            ws.append([_text_cell(ws, line)])
        ws.append([_text_cell(ws, str(column)) for column in columns])
        for record in sheet.frame.itertuples(index=False, name=None):
            ws.append([_cell(ws, raw, kinds[column]) for column, raw in zip(columns, record, strict=True)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
