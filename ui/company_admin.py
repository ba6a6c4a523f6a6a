"""Underhåll's company administration: Koppla från (revoke at Fortnox; a running import is cancelled first, after a
warning) and Radera företagets data (confirmed, saying truthfully what stays and where it can be seen)."""

from __future__ import annotations

from contextlib import nullcontext

import streamlit as st

from services.companies import api as companies
from services.companies.model import Company, DeletePreview
from services.errors import ServiceError
from services.imports import api as imports
from ui import assets, context
from ui.text import escape_markdown

CONFIRM_KEY = "company_admin.confirm_delete"
CONFIRM_DISCONNECT_KEY = "company_admin.confirm_disconnect"
SHOWN_EXPORTED = 10  # voucher numbers named in the confirmation; the rest are counted


def _disconnect(company: Company, stopping_import: bool) -> None:
    try:
        with st.spinner("Avbryter importen …") if stopping_import else nullcontext():
            warning = companies.disconnect(context.acting(), company.id)
    except ServiceError as exc:
        context.flash("error", exc.message)
    else:
        stopped = "Importen avbröts (det som hämtats sparas till nästa import) och " if stopping_import else ""
        context.flash("error" if warning else "success",
                      warning or f"{stopped}{company.name} är frånkopplat: anslutningen är återkallad hos Fortnox.")


def _close(key: str) -> None:
    st.session_state[key] = None


@st.dialog("Koppla från under en import", on_dismiss=lambda: _close(CONFIRM_DISCONNECT_KEY))
def _confirm_disconnect(company: Company, started_by: str) -> None:
    st.warning(f"En import för {escape_markdown(company.name)} pågår (startad av {escape_markdown(started_by)}). "
               "Koppla från avbryter den först; det som redan hämtats sparas till nästa import, men inget nytt "
               "publiceras för de delar som inte är klara. Sedan återkallas anslutningen hos Fortnox.",
               icon=":material/warning:")
    ok, cancel = st.columns(2)
    if ok.button("Avbryt importen och koppla från", type="primary", key="company_admin.disconnect.ok"):
        _close(CONFIRM_DISCONNECT_KEY)
        _disconnect(company, stopping_import=True)
        st.rerun()
    if cancel.button("Behåll anslutningen", key="company_admin.disconnect.cancel"):
        _close(CONFIRM_DISCONNECT_KEY)
        st.rerun()


def _kept_vouchers(preview: DeletePreview) -> str:
    if not preview.exported:
        return "Inga verifikationer har exporterats till Fortnox härifrån, så inga finns kvar."
    named = ", ".join(preview.exported[:SHOWN_EXPORTED])
    more = f" och {len(preview.exported) - SHOWN_EXPORTED} till" if len(preview.exported) > SHOWN_EXPORTED else ""
    return (f"**{len(preview.exported)} exporterade verifikationer** ({escape_markdown(named)}{more}) finns kvar i "
            "Fortnox under Bokföring → Verifikationer. Här sparas de med sina Fortnox-nummer, så att de aldrig "
            "exporteras två gånger; de syns under Verifikationer om företaget ansluts igen.")


@st.dialog("Radera företagets data", on_dismiss=lambda: _close(CONFIRM_KEY))
def _confirm_delete(company: Company) -> None:
    preview = companies.preview_delete(context.acting(), company.id)
    drafts = f"{preview.drafts} verifikationer som inte exporterats" if preview.drafts else "utkast till verifikationer"
    st.write(f"**Raderas** för {escape_markdown(company.label)}: bokföring, reskontror, bilagor, kontomappningar, "
             f"avstämningens markeringar och signeringar, {drafts}, importhistoriken och anslutningen till Fortnox "
             "(den återkallas hos Fortnox). Det går inte att ångra; data kan importeras igen efter en ny anslutning.")
    st.markdown("**Finns kvar:**")
    st.markdown(f"- {_kept_vouchers(preview)}\n"
                "- **Revisionsloggen** behåller en rad om att data raderades, av vem och när. Företagets tidigare "
                "rader i loggen raderas; ladda ner revisionsloggen under Verifikationer först om du behöver dem. "
                "Raden syns i revisionsloggen under Verifikationer om företaget ansluts igen.")
    ok, cancel = st.columns(2)
    if ok.button(f"Radera {escape_markdown(company.name)}", type="primary", key="company_admin.delete.ok"):
        _close(CONFIRM_KEY)
        try:
            result = companies.delete_data(context.acting(), company.id)
        except ServiceError as exc:
            context.flash("error", exc.message)
        else:
            context.flash("error" if result.warning else "success",
                          result.warning or f"All data för {company.name} är raderad.")
        st.rerun()
    if cancel.button("Avbryt", key="company_admin.delete.cancel"):
        _close(CONFIRM_KEY)
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
        if imports.running(context.acting(), company.id) is None:
            _disconnect(company, stopping_import=False)
            st.rerun()
        st.session_state[CONFIRM_DISCONNECT_KEY] = company.id
    permission = context.allowed("delete", company)
    if not permission.allowed:
        assets.caption("lock", permission.reason_sv, delete_column)
    elif delete_column.button("Radera företagets data", key="company_admin.delete", icon=":material/delete:"):
        st.session_state[CONFIRM_KEY] = company.id
    if st.session_state.get(CONFIRM_DISCONNECT_KEY) == company.id:
        run = imports.running(context.acting(), company.id)
        if run is None:  # it ended meanwhile: nothing to warn about any more
            _close(CONFIRM_DISCONNECT_KEY)
        else:
            _confirm_disconnect(company, run["started_by"])
    if st.session_state.get(CONFIRM_KEY) == company.id:
        _confirm_delete(company)
