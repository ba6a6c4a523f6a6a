"""Underhåll – tab Import follows the help article: Importkälla → Fortnox → Anslut → parts → Importera data."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from services.companies import api as companies
from services.imports import api as imports
from services.imports.model import ImportPart, RunStatus
from services.timestamps import local_time
from ui import company_admin, context, fortnox_import, sie_file
from ui.text import escape_markdown

SOURCES = ["Fortnox", "SIE-fil"]


def _redirect_to_fortnox() -> None:
    url = companies.start_connection(context.acting(), context.requester())
    st.html(f"<script>window.location.assign({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.caption(f"Skickar dig till Fortnox inloggning … [Fortsätt till Fortnox]({url}) om inget händer.")


def _draw_connection(company) -> None:
    if company is not None and company.connected:
        st.success(f"Ansluten till {escape_markdown(company.label)}", icon=":material/link:")
        label = "Anslut ett annat företag"
    else:
        st.write("Anslut för att hämta bokföringsdata från Fortnox. Du skickas till Fortnox inloggning.")
        label = "Anslut"
    if st.button(label, type="secondary" if company and company.connected else "primary", key="underhall.connect"):
        _redirect_to_fortnox()


def _draw_history(company) -> None:
    runs = imports.history(context.acting(), company.id) if company else []
    if not runs:
        st.caption("Inga importer ännu.")
        return

    def count(run: dict, part: str, key: str) -> int | None:
        return (run["counts"].get(part) or {}).get(key)

    table = pd.DataFrame(
        {
            "Start": [local_time(run["started_at"]) for run in runs],
            "Klar": [local_time(run["finished_at"]) for run in runs],
            "Status": [RunStatus(run["status"]).label for run in runs],
            "Av": [run["started_by"] for run in runs],
            "Delar": [", ".join(ImportPart(part).label for part in run["parts"]) for run in runs],
            "Verifikationer": [count(run, "sie4", "vouchers") or count(run, "siefile", "vouchers") for run in runs],
            "Kundfakturor": [count(run, "ledgers", "invoices") for run in runs],
            "Leverantörsfakturor": [count(run, "ledgers", "supplier_invoices") for run in runs],
            "Bilagor": [count(run, "attachments", "files") for run in runs],
            "Anrop": [run["requests"] for run in runs],
            "429-svar": [run["rate_limited"] for run in runs],
            "Fel": [run["error"] or "" for run in runs],
        }
    )
    st.dataframe(table, hide_index=True)


st.title("Underhåll", anchor=False)
context.show_flash()
company = context.current_company()
import_tab, history_tab = st.tabs(["Import", "Historik"])
with import_tab:
    st.subheader("Importkälla", anchor=False)
    source = st.selectbox(
        "Importkälla",
        SOURCES,
        index=SOURCES.index("Fortnox") if company is not None and company.source == "fortnox" else None,
        placeholder="Välj importkälla",
        key="underhall.source",
    )
    if source == "SIE-fil":
        sie_file.draw()
    if source == "Fortnox":
        _draw_connection(company)
        if company is not None and company.connected:
            fortnox_import.draw(company)
with history_tab:
    _draw_history(company)
company_admin.draw(company)
