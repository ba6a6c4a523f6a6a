"""Avstämning – the ledgers against the general ledger, opening balances, the trial balance and the locked period
at a balance date, every difference explained and drillable, each finding corrected or marked until every check is
Ok or explained and signed off, with the report for the year-end binder."""

from __future__ import annotations

import streamlit as st

from services.errors import ServiceError
from services.reconcile import api
from ui import context, reconcile_view
from ui.text import escape_markdown

st.title("Avstämning", anchor=False)
company = context.company_or_stop("Anslut under Underhåll → Import.")
acting = context.acting()
st.caption(f"Avstämning för {escape_markdown(company.label)}")
context.show_flash()
years = api.years(acting, company.id)
if not years:
    st.info("Inga räkenskapsår är importerade. Importera SIE4-data och reskontra under Underhåll → Import först.")
    st.page_link("app_pages/underhall.py", label="Till Underhåll → Import", icon=":material/build:")
    st.stop()
day = reconcile_view.balance_date_input(company, years)
version = api.data_version(acting, company.id)
rates = reconcile_view.rate_inputs(company.id, day, version)
try:
    year = api.year_at(acting, company.id, day)
    known = reconcile_view.facts(company.id, year.id)
    result = api.outcome(acting, reconcile_view.run(company.id, day, tuple(sorted(rates.items())), known, version))
except ServiceError as exc:
    context.show_error(exc)
    st.stop()
if not known.known or known.note:
    st.warning(known.note, icon=":material/cloud_off:")
reconcile_view.summary(company, result)
for outcome in result.checks:
    reconcile_view.check_section(company, result, outcome, version, known)
