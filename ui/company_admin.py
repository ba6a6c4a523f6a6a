"""Underhåll's company administration: Koppla från (revoke at Fortnox) and Radera företagets data (confirmed)."""

from __future__ import annotations

import streamlit as st

from services.companies import api as companies
from services.companies.model import Company
from services.errors import ServiceError
from ui import assets, context
from ui.text import escape_markdown

CONFIRM_KEY = "company_admin.confirm_delete"


def _disconnect(company: Company) -> None:
    try:
        warning = companies.disconnect(context.acting(), company.id)
    except ServiceError as exc:
        context.flash("error", exc.message)
    else:
        context.flash("error" if warning else "success",
                      warning or f"{company.name} är frånkopplat: anslutningen är återkallad hos Fortnox.")


def _close_dialog() -> None:
    st.session_state[CONFIRM_KEY] = None


@st.dialog("Radera företagets data", on_dismiss=_close_dialog)
def _confirm_delete(company: Company) -> None:
    st.write(f"All data som sparats här för **{escape_markdown(company.label)}** raderas: bokföring, reskontror, "
             "bilagor, kontomappningar, avstämningsmarkeringar, verifikationer som inte exporterats, importer och "
             "anslutningen till Fortnox.")
    st.caption("Exporterade verifikationer finns kvar i Fortnox och här. Revisionsloggen behåller bara att "
               "data raderades, av vem och när.")
    ok, cancel = st.columns(2)
    if ok.button(f"Radera {escape_markdown(company.name)}", type="primary", key="company_admin.delete.ok"):
        _close_dialog()
        try:
            result = companies.delete_data(context.acting(), company.id)
        except ServiceError as exc:
            context.flash("error", exc.message)
        else:
            context.flash("error" if result.warning else "success",
                          result.warning or f"All data för {company.name} är raderad.")
        st.rerun()
    if cancel.button("Avbryt", key="company_admin.delete.cancel"):
        _close_dialog()
        st.rerun()


def draw(company: Company | None) -> None:
    """The section under Underhåll; actions the person's role does not allow are not offered."""
    if company is None:
        return
    st.divider()
    st.subheader("Anslutning och data", anchor=False)
    disconnect_column, delete_column = st.columns(2)
    if company.connected and disconnect_column.button("Koppla från", key="company_admin.disconnect",
                                                      icon=":material/link_off:"):
        _disconnect(company)
        st.rerun()
    permission = context.allowed("delete", company)
    if not permission.allowed:
        assets.caption("lock", permission.reason_sv, delete_column)
    elif delete_column.button("Radera företagets data", key="company_admin.delete", icon=":material/delete:"):
        st.session_state[CONFIRM_KEY] = company.id
    if st.session_state.get(CONFIRM_KEY) == company.id:
        _confirm_delete(company)
