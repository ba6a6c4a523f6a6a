"""Skatt & Bokslut – the Fortnox integration dashboard.

The only place that configures the page and the navigation; the sidebar drawn here frames every page, deep links
included (pages live in app_pages/, not pages/, so Streamlit never runs a page without this file). The sign-in gate
runs before the navigation, so no page is reachable until the person is signed in and on the staff allow-list.
"""

from __future__ import annotations

import streamlit as st

from ui import assets, context
from ui.text import escape_markdown

COMPANY_PICKER = "sidebar.company"


def _company_picked() -> None:
    picked = st.session_state[COMPANY_PICKER]
    if picked is not None:
        context.choose_company(picked.id)


st.set_page_config(page_title="Skatt & Bokslut", page_icon=assets.FAVICON, layout="wide")
assets.apply()
context.require_sign_in()

underhall = st.Page("app_pages/underhall.py", title="Underhåll", icon=":material/build:", url_path="underhall")
reskontra = st.Page("app_pages/reskontra.py", title="Kund- och leverantörsreskontra", icon=":material/groups:",
                    url_path="reskontra")
avstamning = st.Page("app_pages/avstamning.py", title="Avstämning", icon=":material/balance:", url_path="avstamning")
kontomappning = st.Page("app_pages/kontomappning.py", title="Kontomappning", icon=":material/account_tree:",
                        url_path="kontomappning")
verifikationer = st.Page(
    "app_pages/verifikationer.py", title="Verifikationer", icon=":material/receipt_long:", url_path="verifikationer"
)
oversikt = st.Page("app_pages/oversikt.py", title="Översikt", icon=":material/dashboard:", url_path="oversikt")
anslut = st.Page("app_pages/anslut.py", title="Anslut", icon=":material/link:", url_path="anslut", visibility="hidden")
start = st.Page(lambda: st.switch_page(oversikt, query_params=st.query_params.to_dict()), title="Start",
                default=True, visibility="hidden")

# One flat list: a section header makes Streamlit put a <div> inside the menu's <ul>, which screen readers then
# announce as a broken list (axe: serious; tests/e2e/test_accessibility.py).
navigation = st.navigation([oversikt, underhall, reskontra, avstamning, kontomappning, verifikationer, anslut, start])

settings = context.settings()
with st.sidebar:
    assets.mark_page_swedish()
    st.markdown("### Skatt & Bokslut")
    context.draw_identity()
    if settings.demo_mode:
        st.info(
            "**Demoläge.** Fortnox är den inbyggda sandlådan. Logga in hos Fortnox med "
            "`demo@example.com` och lösenordet `demo`.",
            icon=":material/science:",
        )
    known = context.companies()
    company, refused = context.settle_company(known)
    if not known:
        st.caption("Inget företag är anslutet ännu. Anslut under Underhåll → Import.")
    else:
        st.session_state[COMPANY_PICKER] = company
        st.selectbox("Företag", known, index=None, key=COMPANY_PICKER, format_func=lambda c: c.label,
                     placeholder="Välj företag", on_change=_company_picked)
    if company is not None and company.connected:  # the org.nr in full: a long name cuts it in the picker
        assets.caption("check_circle", f"Ansluten till Fortnox · org.nr {escape_markdown(company.orgnr)}")
    elif company is not None:
        assets.caption("link_off", f"Inte ansluten – klicka på Anslut under Underhåll → Import · org.nr "
                                   f"{escape_markdown(company.orgnr)}")

if refused:
    context.refuse_company_in_url()
try:
    navigation.run()
except Exception as exc:  # st.stop and st.rerun are BaseExceptions and pass through
    context.failed(exc)
