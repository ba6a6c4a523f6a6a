"""/anslut – where Fortnox sends the browser back: finish the connection, then move on to Underhåll."""

from __future__ import annotations

import streamlit as st

from services.companies import api as companies
from services.errors import ServiceError
from ui import context

params = st.query_params.to_dict()
if not {"code", "state", "error"} & params.keys():
    st.title("Anslut", anchor=False)
    st.info("Ingen inloggning hos Fortnox pågår. Gå till Underhåll → Import och klicka på Anslut.")
    st.page_link("app_pages/underhall.py", label="Till Underhåll", icon=":material/build:")
    st.stop()

try:
    company = companies.finish_connection(
        context.acting(), context.requester(), code=params.get("code"), state=params.get("state"),
        error=params.get("error"))
except ServiceError as exc:
    context.flash("error", exc.message)
else:
    context.choose_company(company.id)  # Underhåll then says "Ansluten till <företag> (<orgnr>)"
st.query_params.clear()
st.switch_page("app_pages/underhall.py")
