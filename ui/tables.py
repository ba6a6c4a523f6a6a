"""Tables as Swedes read them and every download button of the app.

A list is drawn whole in one table (the grid scrolls virtually, so 50 000 rows cost no more to show than a page),
which is what lets every column sort over the whole list, not a page of it. Amounts arrive as integer öre: the table
gets kronor as numbers, so they sort as numbers, drawn by the browser in its own locale with two decimals
(1 234,50 in the Swedish browsers staff use); counts are grouped the same way (21 122). Every column is made wide
enough for its longest value, measured in the grid's own font, so no amount or sentence is ever cut, and no wider:
at 1440 px the numbers of a list stay in view (a long free-text column, placed last, is what scrolls sideways). A
missing value is an empty cell, never "None".

Beside each list, its CSV (semicolon, decimal comma: what Swedish Excel opens) and Excel files hold the same whole
list, filters applied, and say how many rows; amounts stay exact there (`services.spreadsheets`).
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
from PIL import ImageFont
from streamlit.delta_generator import DeltaGenerator

from services import spreadsheets
from services.money import format_sek
from services.numbers import format_count, format_counted

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The grid draws its cells in Streamlit's own variable font (Source Sans) at 14 px: regular in cells, semibold in
# headers. Widths are measured in that very font file, shipped inside the streamlit package.
GRID_FONT = next(Path(st.__file__).parent.glob("static/static/media/SourceSansVF-Upright.ttf.*.woff2"), None)
FONT_PX = 14
CELL_WEIGHT, HEADER_WEIGHT = 400, 600
CHAR_PX = 8  # without the font file (a Streamlit that renamed it): a generous width of any character at 14 px
CELL_PADDING_PX = 20  # the grid's padding on both sides of a cell (8.5 px each) and a little room
HEADER_PADDING_PX = 32  # the cell padding and room for the "↑ " Streamlit puts before a sorted column's title
MIN_WIDTH_PX = 60


def download(where: DeltaGenerator, label: str, data: bytes | Callable[[], bytes], file_name: str, mime: str,
             key: str) -> None:
    """Every download button of the app. It never reruns the page on click: the file's answer travels in the same
    outgoing queue as the page, and a rerun starting while it waits there drops it (the button then spins for
    good); the click only asks for the file."""
    where.download_button(label, data, file_name, mime, key=key, icon=":material/download:", on_click="ignore")


def download_pair(frame: Callable[[], pd.DataFrame], rows: int, money: Sequence[str], file_name: str, key: str,
                  shares: Sequence[str] = ()) -> None:
    """CSV and Excel of a whole list (written when clicked), each saying how many rows it holds; side by side,
    each as wide as its label."""
    count = format_counted(rows, "rad", "rader")
    row = st.container(horizontal=True)
    download(row, f"CSV ({count})", lambda: spreadsheets.csv_bytes(frame(), money, shares),
             f"{file_name}.csv", "text/csv", f"{key}.csv")
    download(row, f"Excel ({count})",
             lambda: spreadsheets.excel_bytes([spreadsheets.Sheet(file_name, frame(), money, shares)]),
             f"{file_name}.xlsx", EXCEL, f"{key}.xlsx")


@functools.cache
def _char_px(char: str, weight: int) -> float:
    """One character's advance in the grid's font, summed per text: kerning, which the sum leaves out, pulls this
    font's letters together far more often than apart (the sum came out 0–8 % wider than the browser's text on the
    app's labels and amounts), and CELL_PADDING_PX keeps 3 px of room beyond the grid's padding."""
    if GRID_FONT is None:
        return CHAR_PX
    font = ImageFont.truetype(str(GRID_FONT), FONT_PX)
    font.set_variation_by_axes([weight])
    return font.getlength(char)


def text_px(texts: Iterable[str], weight: int = CELL_WEIGHT) -> float:
    """How wide the grid draws the widest of `texts`."""
    return max((sum(_char_px(char, weight) for char in text) for text in set(texts)), default=0.0)


def _as_drawn(number: str) -> str:
    """A number as the Swedish browser writes it: a minus sign (wider than the hyphen `format_sek` writes)."""
    return number.replace("-", "\u2212")


def _width(label: str, texts: Iterable[str]) -> int:
    return math.ceil(max(MIN_WIDTH_PX, text_px([label], HEADER_WEIGHT) + HEADER_PADDING_PX,
                         text_px(texts) + CELL_PADDING_PX))


def link_column(label: str, display_text: str) -> st.column_config.LinkColumn:
    """A column of links, each drawn as `display_text` and as wide as it."""
    return st.column_config.LinkColumn(label, display_text=display_text, width=_width(label, [display_text]))


def kronor(ore: pd.Series) -> pd.Series:
    """Öre as kronor for a table cell (display only: files and sums keep the integers)."""
    return pd.to_numeric(ore, errors="coerce").astype("float64") / 100


def money_column(label: str, kronor_values: pd.Series) -> st.column_config.NumberColumn:
    """A column of amounts in kronor (from `kronor`) that sorts as numbers and shows 1 234,50, wide enough for the
    largest."""
    values = kronor_values.dropna()
    ends = (values.max(), values.min()) if len(values) else ()
    return st.column_config.NumberColumn(label, format="localized", step=0.01,
                                         width=_width(label, [_as_drawn(format_sek(round(v * 100))) for v in ends]),
                                         alignment="right")


def _count_column(label: str, values: pd.Series) -> st.column_config.NumberColumn:
    numbers = values.dropna()
    ends = (numbers.max(), numbers.min()) if len(numbers) else ()
    return st.column_config.NumberColumn(label, format="localized", step=1,
                                         width=_width(label, [_as_drawn(format_count(int(v))) for v in ends]))


def _text_column(label: str, values: pd.Series) -> st.column_config.TextColumn:
    return st.column_config.TextColumn(label, width=_width(label, values))


def _whole_numbers(values: pd.Series) -> bool:
    """Counts, also with gaps (which pandas holds as floats, or as objects beside None)."""
    present = values.dropna()
    if pd.api.types.is_bool_dtype(values.dtype) or not len(present):
        return False
    if not pd.api.types.is_numeric_dtype(values.dtype):
        if not all(isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present):
            return False
        present = pd.to_numeric(present)
    return pd.api.types.is_integer_dtype(present.dtype) or bool((present == present.round()).all())


def prepared(frame: pd.DataFrame, money: Sequence[str], shares: Sequence[str] = ()) -> tuple[pd.DataFrame,
                                                                                               dict[str, object]]:
    """`frame` as the grid draws it: amounts in kronor, shares in per cent, counts as numbers, missing texts empty;
    and the columns' configuration (formats and widths)."""
    shown = pd.DataFrame(index=frame.index)
    config: dict[str, object] = {}
    for column in frame.columns:
        values = frame[column]
        if column in money:
            shown[column] = kronor(values)
            config[column] = money_column(str(column), shown[column])
        elif column in shares:
            shown[column] = pd.to_numeric(values, errors="coerce").astype("float64")
            config[column] = st.column_config.NumberColumn(str(column), format="percent", step=0.001,
                                                           width=_width(str(column), ["100,0 %"]))
        elif _whole_numbers(values):
            shown[column] = pd.to_numeric(values).astype("Int64")
            config[column] = _count_column(str(column), values)
        elif pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
            shown[column] = values  # other numbers (rates): the browser's decimal comma, every decimal kept
            texts = [_as_drawn(f"{v:,}".replace(",", "\u00a0").replace(".", ",")) for v in values.dropna()]
            config[column] = st.column_config.NumberColumn(str(column), format="localized",
                                                           width=_width(str(column), texts))
        else:
            shown[column] = ["" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v) for v in values]
            config[column] = _text_column(str(column), shown[column])
    return shown, config


def show(frame: pd.DataFrame, *, money: Sequence[str] = (), key: str, file_name: str,
         height: int | str = "auto", selectable: bool = False, shares: Sequence[str] = ()) -> object:
    """Draw the whole list `frame` and its downloads; returns the selection event when `selectable` (its rows are
    positions in `frame`, whatever order the person sorted the table in)."""
    shown, config = prepared(frame, money, shares)
    selection = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(shown, hide_index=True, column_config=config, key=key, height=height, placeholder="",
                         **selection)
    download_pair(lambda: frame, len(frame), money, file_name, key, shares)
    return event
