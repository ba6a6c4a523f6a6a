"""Kund- och leverantörsreskontra: the open items of each ledger at a balance date, their ageing and totals, per
customer or supplier and as a searchable list, and the selected invoice's attachment.

Only the open tab is computed (a ledger may hold 50 000 open items); the pieces live in ui/ledger_view.py.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from services.imports.model import ImportPart
from services.ledgers import api as ledgers
from services.ledgers.model import ItemFilter, LedgerKind
from services.money import format_sek
from services.numbers import format_part_of
from ui import context, import_status, ledger_view
from ui.text import escape_markdown

NO_LEDGERS = "Importera Kund- och leverantörsreskontra under Underhåll → Import."
NOUNS = {LedgerKind.CUSTOMER: ("kund", "kundfakturor"), LedgerKind.SUPPLIER: ("leverantör", "leverantörsfakturor")}


def draw_ledger(company_id: str, kind: str, day: date, version: str) -> None:
    party_noun, invoices_noun = NOUNS[kind]
    items = ledger_view.open_items(company_id, kind, day, version)
    if items.empty:
        st.info(f"Inga obetalda {invoices_noun} den {day:%Y-%m-%d}.", icon=":material/task_alt:")
        return
    ledger_view.draw_summary(items)
    st.subheader("Åldersanalys", anchor=False)
    ledger_view.draw_ageing(items, kind)
    st.subheader("Öppna poster", anchor=False)
    wanted = ledger_view.choose_filter(items, kind)
    filtered = ledgers.filter_items(items, wanted)
    if filtered.empty:
        st.info("Inga öppna poster matchar sökningen och filtren.", icon=":material/filter_alt_off:")
        return
    if len(filtered) < len(items):
        st.caption(f"{format_part_of(len(filtered), len(items))} poster matchar, "
                   f"{format_sek(int(filtered['remaining_sek'].sum()))} SEK kvar.")
    view = ledger_view.signature(company_id, day, version, wanted)
    st.markdown(f"**Per {party_noun}** – markera en rad för att se bara dess fakturor.")
    party = ledger_view.choose_party(filtered, kind, f"reskontra.{kind}.parties.{view}")
    if party is None:
        st.markdown("**Alla öppna poster** – markera en faktura för att se dess bilaga.")
    else:
        filtered = ledgers.filter_items(filtered, ItemFilter(party=party[0]))
        st.markdown(f"**Öppna poster för {escape_markdown(f'{party[1]} ({party[0]})')}** – markera en faktura för "
                    "att se dess bilaga.")
    number = ledger_view.choose_item(filtered, kind, f"reskontra.{kind}.items.{ledger_view.signature(view, party)}")
    if number is not None:
        ledger_view.draw_attachments(company_id, kind, number)


st.title("Kund- och leverantörsreskontra", anchor=False)
company = context.company_or_stop("Anslut under Underhåll → Import och importera sedan Kund- och "
                                   "leverantörsreskontra.")
import_status.draw_running_notice(company, (ImportPart.LEDGERS, ImportPart.ATTACHMENTS))
ledger_state = ledgers.state(context.acting(), company.id)
default_day, version = ledger_state.default_day, ledger_state.version
if not ledger_state.has_ledgers or default_day is None:
    st.info(f"Ingen reskontra är importerad för {escape_markdown(company.label)}. {NO_LEDGERS}",
            icon=":material/info:")
    st.stop()
balance_day = st.date_input(
    "Balansdag", value=default_day, key=f"reskontra.day.{company.id}", format="YYYY-MM-DD", width=220,
    help="Poster som var obetalda den dagen. Förval: sista dagen i det senast importerade räkenskapsåret.",
)
tabs = st.tabs(["Kundreskontra", "Leverantörsreskontra"], key="reskontra.tab", on_change="rerun")
for tab, ledger_kind in zip(tabs, (LedgerKind.CUSTOMER, LedgerKind.SUPPLIER), strict=True):
    if tab.open:
        with tab:
            draw_ledger(company.id, ledger_kind, balance_day, version)
