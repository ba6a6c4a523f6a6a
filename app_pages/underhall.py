"""Underhåll – tab Import follows the help article: Importkälla → Fortnox → Anslut → parts → Importera data."""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from services import importer
from services.connections import start_authorization
from services.importer import ImportFailed, ImportResult
from services.timestamps import local_time
from ui import context, sie_file

RESULT_KEY = "underhall.result"
SOURCES = ["Fortnox", "SIE-fil"]


@st.cache_data(ttl=300, show_spinner=False)
def _years(company_id: str) -> list[importer.FinancialYear]:
    return importer.available_years(context.settings(), company_id)


def _redirect_to_fortnox() -> None:
    url = start_authorization(context.settings())
    st.html(f"<script>window.location.assign({json.dumps(url)});</script>", unsafe_allow_javascript=True)
    st.caption(f"Skickar dig till Fortnox inloggning … [Fortsätt till Fortnox]({url}) om inget händer.")


def _draw_connection(company) -> None:
    if company is not None and company.connected:
        st.success(f"Ansluten till {company.name} ({company.orgnr})", icon=":material/link:")
        label = "Anslut ett annat företag"
    else:
        st.write("Anslut för att hämta bokföringsdata från Fortnox. Du skickas till Fortnox inloggning.")
        label = "Anslut"
    if st.button(label, type="secondary" if company and company.connected else "primary", key="underhall.connect"):
        _redirect_to_fortnox()


def _draw_parts(company) -> None:
    st.subheader("Vad vill du hämta?")
    sie4 = st.checkbox("SIE4-data", key="underhall.sie4", help="Kontoplan, saldon och verifikationer.")
    try:
        years = _years(company.id)
    except ImportFailed as exc:
        st.error(
            f"Räkenskapsåren kunde inte hämtas från Fortnox: {exc} Tidigare importerade uppgifter finns kvar.",
            icon=":material/cloud_off:",
        )
        st.button("Försök igen", key="underhall.retry")
        return
    chosen = st.multiselect(
        "Räkenskapsår",
        years,
        default=years[:2],
        format_func=lambda y: f"{y.start} – {y.end}",
        disabled=not sie4,
        key=f"underhall.years.{company.id}",
    )
    st.checkbox(
        "Kund- och leverantörsreskontra",
        value=False,
        disabled=True,
        key="underhall.ledgers",
        help="Kommer snart: kunder, leverantörer, fakturor, betalningar och bilagor.",
    )
    st.caption("Kund- och leverantörsreskontra med bilagor kommer snart.")
    if st.button("Importera data", type="primary", key="underhall.import"):
        if not sie4:
            st.warning("Välj minst en del att hämta.")
        elif not chosen:
            st.warning("Välj minst ett räkenskapsår.")
        else:
            _run_import(company, [year.id for year in chosen])


def _run_import(company, year_ids: list[str]) -> None:
    failure = None
    with st.status("Importerar från Fortnox …", expanded=True) as status:
        bar = st.progress(0.0, text="Hämtar räkenskapsår …")

        def progress(part: str, done: int, total: int) -> None:
            bar.progress(done / max(total, 1), text=f"SIE4-data: {done} av {total} räkenskapsår hämtade")

        try:
            st.session_state[RESULT_KEY] = importer.run_import(
                context.settings(), company.id, year_ids=year_ids, started_by=context.actor(), on_progress=progress
            )
        except ImportFailed as exc:
            failure = str(exc)
            st.session_state.pop(RESULT_KEY, None)
            status.update(label="Importen misslyckades", state="error", expanded=False)
        else:
            status.update(label="Importen är klar", state="complete", expanded=False)
    if failure:
        st.error(f"{failure} Tidigare importerade uppgifter finns kvar.", icon=":material/error:")


def _draw_result(result: ImportResult) -> None:
    st.subheader("Resultat")
    years = ", ".join(f"{y.start} – {y.end}" for y in result.years)
    st.write(f"SIE4-data för {years} är importerad.")
    accounts, vouchers, transactions, requests = st.columns(4)
    accounts.metric("Konton", result.accounts)
    vouchers.metric("Verifikationer", result.vouchers)
    transactions.metric("Transaktioner", result.transactions)
    requests.metric("Anrop till Fortnox", result.requests)
    st.page_link("app_pages/verifikationer.py", label="Vidare till Verifikationer", icon=":material/receipt_long:")


def _draw_history(company) -> None:
    runs = importer.import_runs(context.settings(), company.id) if company else []
    if not runs:
        st.caption("Inga importer ännu.")
        return
    table = pd.DataFrame(
        {
            "Start": [local_time(run["started_at"]) for run in runs],
            "Klar": [local_time(run["finished_at"]) for run in runs],
            "Status": [importer.STATUS_LABELS[run["status"]] for run in runs],
            "Av": [run["started_by"] for run in runs],
            "Konton": [run["counts"].get("accounts") for run in runs],
            "Verifikationer": [run["counts"].get("vouchers") for run in runs],
            "Transaktioner": [run["counts"].get("transactions") for run in runs],
            "Anrop": [run["requests"] for run in runs],
            "Fel": [run["error"] or "" for run in runs],
        }
    )
    st.dataframe(table, hide_index=True)


st.title("Underhåll")
context.show_flash()
company = context.current_company()
import_tab, history_tab = st.tabs(["Import", "Historik"])
with import_tab:
    st.subheader("Importkälla")
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
            _draw_parts(company)
        result = st.session_state.get(RESULT_KEY)
        if result is not None and company is not None and result.company_id == company.id:
            _draw_result(result)
with history_tab:
    _draw_history(company)
