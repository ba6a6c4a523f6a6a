"""Underhåll – tab Import follows the help article: Importkälla → Fortnox → Anslut → parts → Importera data."""

from __future__ import annotations

import json

import streamlit as st

from services.companies import api as companies
from ui import company_admin, context, fortnox_import, import_status, sie_file
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
    import_status.draw_history(company)
company_admin.draw(company)
