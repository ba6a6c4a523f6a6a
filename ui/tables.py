"""Tables as Swedes read them: amounts as 1 234 567,50 (negatives with a minus, right-aligned), dates ISO, and every
table downloadable whole as CSV (semicolon, decimal comma: what Swedish Excel opens) and as Excel.

Amounts arrive as integer öre and stay integers until drawn; the files carry exact kronor and texts as text
(`services.spreadsheets`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from services import spreadsheets
from services.money import format_sek

EXCEL = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(frame: pd.DataFrame, money: Sequence[str] = ()) -> bytes:
    return spreadsheets.csv_bytes(frame, money)


def excel_bytes(frame: pd.DataFrame, money: Sequence[str] = (), sheet: str = "Tabell",
                dates: Sequence[str] = ()) -> bytes:
    return spreadsheets.excel_bytes([spreadsheets.Sheet(sheet, frame, money, dates)])


def download(where: DeltaGenerator, label: str, data: bytes | Callable[[], bytes], file_name: str, mime: str,
             key: str) -> None:
    """Every download button of the app. It never reruns the page on click: a rerun starting while the file is
    still queued for the browser drops it, and the button then spins for good."""
    where.download_button(label, data, file_name, mime, key=key, icon=":material/download:", on_click="ignore")


def download_pair(frame: Callable[[], pd.DataFrame], rows: int, money: Sequence[str], file_name: str, key: str,
                  dates: Sequence[str] = ()) -> None:
    """CSV and Excel of a whole list (written when clicked), saying how many rows they hold."""
    left, right, _ = st.columns([1, 1, 3])
    count = f"{rows:,}".replace(",", "\u00a0")
    download(left, f"CSV ({count} rader)", lambda: csv_bytes(frame(), money), f"{file_name}.csv", "text/csv",
             f"{key}.csv")
    download(right, f"Excel ({count} rader)", lambda: excel_bytes(frame(), money, file_name, dates),
             f"{file_name}.xlsx", EXCEL, f"{key}.xlsx")


def show(frame: pd.DataFrame, *, money: Sequence[str] = (), key: str, file_name: str,
         height: int | str = "auto", selectable: bool = False, whole: Callable[[], pd.DataFrame] | None = None,
         whole_rows: int | None = None, dates: Sequence[str] = ()) -> object:
    """Draw `frame` with Swedish amounts and the downloads of the whole list (`whole`, when `frame` is one page of
    it); returns the selection event when `selectable`."""
    shown = frame.copy()
    for column in money:
        shown[column] = [format_sek(int(v)) if v is not None and not pd.isna(v) else "" for v in shown[column]]
    config = {column: st.column_config.TextColumn(column, alignment="right") for column in money}
    selection = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(shown, hide_index=True, column_config=config, key=key, height=height, **selection)
    download_pair(whole or (lambda: frame), len(frame) if whole_rows is None else whole_rows, money, file_name, key,
                  dates)
    return event
