"""/anslut – where Fortnox sends the browser back: finish the connection, then move on to Underhåll."""

from __future__ import annotations

import streamlit as st

from services.connections import ConnectError, finish_authorization
from ui import context

params = st.query_params.to_dict()
if not {"code", "state", "error"} & params.keys():
    st.title("Anslut", anchor=False)
    st.info("Ingen inloggning hos Fortnox pågår. Gå till Underhåll → Import och klicka på Anslut.")
    st.page_link("app_pages/underhall.py", label="Till Underhåll", icon=":material/build:")
    st.stop()

try:
    company = finish_authorization(
        context.settings(), code=params.get("code"), state=params.get("state"), error=params.get("error"),
        requester=context.requester())
except ConnectError as exc:
    context.flash("error", str(exc))
else:
    context.choose_company(company.id)  # Underhåll then says "Ansluten till <företag> (<orgnr>)"
st.query_params.clear()
st.switch_page("app_pages/underhall.py")
