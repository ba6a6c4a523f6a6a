"""Tables as Swedes read them: amounts as 1 234 567,50 (negatives with a minus, right-aligned), dates ISO, and every
table downloadable as CSV (semicolon, decimal comma: what Swedish Excel opens) and as Excel.

Amounts arrive as integer öre and stay integers until drawn; the download carries exact kronor.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import pandas as pd
import streamlit as st

from services.money import format_sek, ore_to_decimal


def _for_download(frame: pd.DataFrame, money: Sequence[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in money:
        out[column] = [ore_to_decimal(int(v)) if v is not None and not pd.isna(v) else None for v in out[column]]
    return out


def csv_bytes(frame: pd.DataFrame, money: Sequence[str] = ()) -> bytes:
    """Semicolon-separated with decimal commas and a BOM, so Excel in Swedish opens it right."""
    out = _for_download(frame, money)
    for column in money:
        out[column] = [format(v, "f").replace(".", ",") if v is not None else "" for v in out[column]]
    return out.to_csv(sep=";", index=False).encode("utf-8-sig")


def excel_bytes(frame: pd.DataFrame, money: Sequence[str] = (), sheet: str = "Tabell") -> bytes:
    """An .xlsx with amounts as exact decimal numbers in kronor, formatted with two decimals."""
    buffer = io.BytesIO()
    out = _for_download(frame, money)
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        out.to_excel(writer, sheet_name=sheet[:31], index=False)
        sheet_obj = writer.sheets[sheet[:31]]
        for index, column in enumerate(out.columns, start=1):
            if column in money:
                for cell in sheet_obj.iter_cols(min_col=index, max_col=index, min_row=2):
                    for item in cell:
                        item.number_format = "# ##0.00"
    return buffer.getvalue()


def show(frame: pd.DataFrame, *, money: Sequence[str] = (), key: str, file_name: str,
         height: int | str = "auto", selectable: bool = False) -> object:
    """Draw `frame` with Swedish amounts and CSV/Excel downloads (written when clicked, not on every run); returns
    the selection event when `selectable`."""
    shown = frame.copy()
    for column in money:
        shown[column] = [format_sek(int(v)) if v is not None and not pd.isna(v) else "" for v in shown[column]]
    config = {column: st.column_config.TextColumn(column, width="small", alignment="right") for column in money}
    selection = {"on_select": "rerun", "selection_mode": "single-row"} if selectable else {}
    event = st.dataframe(shown, hide_index=True, column_config=config, key=key, height=height, **selection)
    left, right, _ = st.columns([1, 1, 4])
    left.download_button("Ladda ner CSV", lambda: csv_bytes(frame, money), f"{file_name}.csv", "text/csv",
                         key=f"{key}.csv", icon=":material/download:")
    right.download_button("Ladda ner Excel", lambda: excel_bytes(frame, money, file_name), f"{file_name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}.xlsx",
                          icon=":material/download:")
    return event
