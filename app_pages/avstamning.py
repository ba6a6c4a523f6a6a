"""Avstämning – the ledgers against the general ledger, opening balances, the trial balance and the locked period
at a balance date, every difference explained and drillable, findings marked, corrections drafted."""

from __future__ import annotations

import streamlit as st

from services import reconcile, store
from ui import context, reconcile_view

st.title("Avstämning")
company = context.company_or_stop("Anslut under Underhåll → Import.")
st.caption(f"Avstämning för {company.label}")
context.show_flash()
years = reconcile_view.years(company.id)
if not years:
    st.info("Inga räkenskapsår är importerade. "
            "Importera SIE4-data och reskontra under Underhåll → Import först.")
    st.stop()
day = st.date_input("Balansdag", value=years[-1].end, min_value=years[0].start, max_value=years[-1].end,
                    format="YYYY-MM-DD", key="avstamning.day")
version = reconcile_view.data_version(company.id)
rates = reconcile_view.rate_inputs(company.id, day, version)
try:
    year = reconcile.year_of(years, day)
    facts = reconcile_view.facts(company.id, year.id)
    result = reconcile_view.run(company.id, day, tuple(sorted(rates.items())), facts, version)
    with store.open_db(context.settings().database_path) as db:
        marks = reconcile.marks(db, company.id)
except reconcile.ReconcileError as exc:
    st.error(str(exc), icon=":material/error:")
    st.stop()
if not facts.known:
    st.warning(facts.note, icon=":material/cloud_off:")
reconcile_view.summary(result)
for check in result.checks:
    reconcile_view.check_section(company, result, check, marks, version)
