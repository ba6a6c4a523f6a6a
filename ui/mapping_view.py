"""Kontomappning's tables: the account reviews as editor and download frames, and edited frames back as edits.

Editors are sorted by account number and keyed by a version that changes after every save, so an edit can never
be replayed onto another row (see STREAMLIT.md §3.3).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import streamlit as st

from services.mapping.model import (
    ACCOUNT_TYPES,
    AccountReview,
    MappingEdit,
    MappingStatus,
    Problem,
    ReferenceAccount,
)
from services.numbers import format_count
from services.timestamps import local_time
from ui import tables

ALL, ANY_PROBLEM = "all", "any_problem"
FILTERS = {ALL: "Alla konton", ANY_PROBLEM: "Alla avvikelser", MappingStatus.PROPOSED: "Förslag (ej sparade)",
           **{problem: problem.label for problem in Problem}}


def chosen(reviews: list[AccountReview], kind: str) -> list[AccountReview]:
    """The accounts the filter `kind` (a key of FILTERS) shows."""
    if kind == ALL:
        return reviews
    if kind == ANY_PROBLEM:
        return [r for r in reviews if r.problems]
    if kind == MappingStatus.PROPOSED:
        return [r for r in reviews if r.status == MappingStatus.PROPOSED]
    return [r for r in reviews if kind in r.problems]


def _problems(review: AccountReview) -> str:
    return ", ".join(p.label for p in review.problems)


def draw_summary(reviews: list[AccountReview]) -> None:
    """How many accounts are mapped, and how many of each difference there is."""
    by_status = {status: sum(r.status == status for r in reviews) for status in MappingStatus}
    columns = st.columns(1 + len(by_status))
    columns[0].metric("Konton", format_count(len(reviews)))
    for column, (status, count) in zip(columns[1:], by_status.items(), strict=True):
        column.metric(status.label, format_count(count))
    inactive_known = any(r.active is not None for r in reviews)
    problems = [problem for problem in Problem if problem != Problem.UNMAPPED]
    for column, problem in zip(st.columns(len(problems)), problems, strict=True):
        count = sum(problem in r.problems for r in reviews)
        unknown = problem == Problem.INACTIVE_WITH_BALANCE and not inactive_known
        column.metric(problem.label, "–" if unknown else format_count(count),
                      help="Fortnox har inte kunnat tillfrågas om vilka konton som är inaktiva." if unknown else None)
    derived = sum(not r.type_stated for r in reviews)
    if derived:
        st.caption(f"Bokföringen anger inte kontotyp för {derived} konton (Fortnox SIE-export saknar #KTYP); "
                   "typen har härletts ur kontoklassen: 1 tillgång, 2 skuld/eget kapital, 3 intäkt, 4–8 kostnad.")
    if not inactive_known:
        st.caption("Vilka konton som är inaktiva vet bara Fortnox, och företaget är inte anslutet (eller Fortnox "
                   "svarade inte), så ”Inaktivt med saldo” kan inte kontrolleras.")


def editor_frame(reviews: Iterable[AccountReview]) -> pd.DataFrame:
    """One row per account; Målkonto and SRU are editable and start from the saved mapping or the proposal."""
    rows = sorted(reviews, key=lambda r: r.number)
    return pd.DataFrame({
        "Konto": [r.number for r in rows],
        "Namn": [r.name for r in rows],
        "Saldo": tables.kronor(pd.Series([r.balance_ore for r in rows], dtype="int64")),
        "Målkonto": [r.target_account for r in rows],
        "SRU": [r.proposed_sru for r in rows],
        "Referensnamn": [r.target_name for r in rows],
        "SRU i bokföringen": [r.sru for r in rows],
        "SRU i referensen": [r.reference_sru for r in rows],
        "Status": [r.status.label for r in rows],
        "Avvikelser": [_problems(r) for r in rows],
        "Mappad av": [r.mapped_by for r in rows],
        "Mappad": [local_time(r.mapped_at) for r in rows],
    })


EDITABLE = ("Målkonto", "SRU")
EDITOR_CONFIG = {
    "Konto": st.column_config.TextColumn("Konto", pinned=True, width="small"),
    "Målkonto": st.column_config.TextColumn("Målkonto", width="small", help="Konto i referenskontoplanen"),
    "SRU": st.column_config.TextColumn("SRU", width="small", help="Fyra siffror; tomt = bokföringens SRU-kod"),
}


def draw_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    config = {**EDITOR_CONFIG, "Saldo": tables.money_column("Saldo", frame["Saldo"])}
    return st.data_editor(frame, key=key, hide_index=True, num_rows="fixed", column_config=config,
                          disabled=[c for c in frame.columns if c not in EDITABLE], placeholder="")


def _text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def mapping_edits(frame: pd.DataFrame) -> list[MappingEdit]:
    return [MappingEdit(str(row["Konto"]), _text(row["Målkonto"]), _text(row["SRU"]))
            for row in frame.to_dict("records")]


def details_frame(reviews: Iterable[AccountReview]) -> pd.DataFrame:
    """The read-only, downloadable view: everything compared, with the balance in öre for tables.show."""
    rows = sorted(reviews, key=lambda r: r.number)
    return pd.DataFrame({
        "Konto": [r.number for r in rows],
        "Namn": [r.name for r in rows],
        "Typ": [ACCOUNT_TYPES[r.type] for r in rows],
        "Saldo": [r.balance_ore for r in rows],
        "Målkonto": [r.target_account for r in rows],
        "Referensnamn": [r.target_name for r in rows],
        "SRU (gäller)": [r.effective_sru for r in rows],
        "SRU i referensen": [r.reference_sru for r in rows],
        "Status": [r.status.label for r in rows],
        "Avvikelser": [_problems(r) for r in rows],
    })


def reference_frame(chart: Iterable[ReferenceAccount], search: str) -> pd.DataFrame:
    """The reference chart, narrowed to accounts whose number or name contains `search`."""
    needle = search.strip().casefold()
    rows = [a for a in chart if needle in a.number or needle in a.name.casefold()]
    return pd.DataFrame({
        "Konto": [a.number for a in rows],
        "Namn": [a.name for a in rows],
        "Typ": [a.type for a in rows],
        "SRU": [a.sru for a in rows],
        "Ändrad av": [a.edited_by for a in rows],
        "Ändrad": [local_time(a.edited_at) for a in rows],
    })


REFERENCE_CONFIG = {
    "Konto": st.column_config.TextColumn("Konto", pinned=True, width="small"),
    "Namn": st.column_config.TextColumn("Namn", width="large", required=True),
    "Typ": st.column_config.SelectboxColumn("Typ", options=list(ACCOUNT_TYPES), required=True,
                                            format_func=lambda t: f"{t} – {ACCOUNT_TYPES[t]}"),
    "SRU": st.column_config.TextColumn("SRU", width="small", help="Fyra siffror"),
}


def draw_reference_editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return st.data_editor(frame, key=key, hide_index=True, num_rows="fixed", column_config=REFERENCE_CONFIG,
                          disabled=["Konto", "Ändrad av", "Ändrad"], placeholder="")


def reference_edits(frame: pd.DataFrame) -> list[ReferenceAccount]:
    return [ReferenceAccount(str(row["Konto"]), _text(row["Namn"]) or "", _text(row["Typ"]) or "", _text(row["SRU"]))
            for row in frame.to_dict("records")]
