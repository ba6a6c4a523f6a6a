"""Översikt – support staff's start page: every client company the person may see, where it stands, and links to its
pages (each carrying ?company=, so it opens on that company in this tab or a new one)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.context import Acting
from services.imports.model import RunStatus
from services.overview import api as overview
from services.overview.model import CompanyStatus, ConnectionStatus, ReconciliationState
from services.reconcile import api as reconcile
from services.timestamps import local_time
from ui import context, tables
from ui.text import escape_markdown

PAGE_FILES = {"Underhåll": ("app_pages/underhall.py", ":material/build:"),
              "Reskontra": ("app_pages/reskontra.py", ":material/groups:"),
              "Avstämning": ("app_pages/avstamning.py", ":material/balance:"),
              "Kontomappning": ("app_pages/kontomappning.py", ":material/account_tree:"),
              "Verifikationer": ("app_pages/verifikationer.py", ":material/receipt_long:")}


@st.cache_data(ttl=600, show_spinner=False, max_entries=200)
def _reconciliation(_acting: Acting, company_id: str, version: str) -> ReconciliationState:
    return overview.reconciliation(_acting, company_id)


def _needs_attention(status: CompanyStatus, state: ReconciliationState) -> bool:
    failed = status.last_import is not None and status.last_import.status in (RunStatus.FAILED, RunStatus.CANCELLED)
    return (status.connection.status in (ConnectionStatus.EXPIRING, ConnectionStatus.RECONNECT) or failed
            or status.drafts_waiting > 0 or (state.balance_date is not None and not state.signed_off_by))


def _row(status: CompanyStatus, state: ReconciliationState) -> dict:
    last = status.last_import
    company = status.company
    return {
        "Företag": company.name,
        "Org.nr": company.orgnr,
        "Anslutning": status.connection.label,
        # one column, time first so it sorts by time: eleven columns side by side would not fit a laptop's width
        "Senaste import": (f"{local_time(last.started_at)} · {'Pågår nu' if last.running else last.status.label}"
                           f" · {last.started_by}") if last else "Ingen import",
        "Balansdag": state.balance_date or pd.NaT,  # the reconciliation's, as Avstämning names it
        "Avstämning": state.progress,
        "Utkast": status.drafts_waiting,
        "Signerad": (f"{state.signed_off_by}, {local_time(state.signed_off_at)[:10]}" if state.signed_off_by else ""),
        "Öppna": f"./underhall?company={company.orgnr}",
    }


def _links(company_orgnr: str) -> None:
    """Buttons to every page of the chosen company (same tab; the URL keeps the company)."""
    for column, (label, (page, icon)) in zip(st.columns(len(PAGE_FILES)), PAGE_FILES.items(), strict=True):
        column.page_link(page, label=label, icon=icon, query_params={"company": company_orgnr})


st.title("Översikt", anchor=False)
st.caption("Alla klientföretag du har behörighet till. Sortera genom att klicka på en kolumnrubrik; välj en rad för "
           "länkar till företagets sidor.")
acting = context.acting()
statuses = overview.statuses(acting)
if not statuses:
    st.info("Inget företag är anslutet ännu. Anslut under Underhåll → Import.", icon=":material/info:")
    st.page_link("app_pages/underhall.py", label="Till Underhåll", icon=":material/build:")
    st.stop()
with st.spinner("Stämmer av …"):
    states = [_reconciliation(acting, status.company.id, reconcile.data_version(acting, status.company.id))
              for status in statuses]
search, attention = st.columns([3, 2], vertical_alignment="bottom")
wanted = search.text_input("Sök företag", placeholder="Namn eller organisationsnummer", key="oversikt.search")
only_attention = attention.toggle("Bara de som behöver något", key="oversikt.attention",
                                  help="Anslutning som går ut, import som misslyckats, avstämning som inte är "
                                       "signerad eller utkast som väntar på export.")
rows = [_row(status, state) for status, state in zip(statuses, states, strict=True)
        if (not only_attention or _needs_attention(status, state))
        and wanted.strip().casefold() in f"{status.company.name} {status.company.orgnr}".casefold()]
if not rows:
    st.info("Inget företag matchar filtret.", icon=":material/filter_alt_off:")
    st.stop()
shown, config = tables.prepared(pd.DataFrame(rows), money=())  # widths from the values, like every list
config["Öppna"] = tables.link_column("Öppna", "Underhåll")
event = st.dataframe(shown, hide_index=True, key="oversikt.table", on_select="rerun", selection_mode="single-row",
                     column_config=config)
st.caption(f"{len(rows)} av {len(statuses)} företag.")
chosen = event.selection.rows
if chosen:
    picked = rows[chosen[0]]
    st.subheader(escape_markdown(picked["Företag"]), anchor=False)
    _links(picked["Org.nr"])
