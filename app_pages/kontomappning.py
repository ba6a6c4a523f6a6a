"""Kontomappning: the company's accounts against the reference chart (BAS with SRU codes), the differences,
editing and saving the mappings, and the reference chart itself. After a change of import source the page asks for
the mappings to be checked, as the help article advises."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from services.errors import ServiceError
from services.mapping import api as mapping
from services.mapping.model import AccountReview, MappingError, ReferenceAccount, SourceChange
from services.reconcile import api as reconcile_api
from ui import context, mapping_view, reconcile_view, tables
from ui.text import escape_markdown

VERSION_KEY = "mapping.version"  # bumped after every save: a fresh editor, no stale edits replayed


def _bump_version() -> None:
    st.session_state[VERSION_KEY] = st.session_state.get(VERSION_KEY, 0) + 1


def _changed(count: int) -> str:
    return "1 konto ändrat" if count == 1 else f"{count} konton ändrade"


def _draw_errors(messages: list[str]) -> None:
    st.error("Inget sparades. Rätta raderna och spara igen:\n\n"
             + "\n".join(f"- {escape_markdown(m)}" for m in messages),
             icon=":material/error:")


def _draw_source_change(company_id: str, change: SourceChange) -> None:
    st.warning(escape_markdown(change.message), icon=":material/swap_horiz:")
    if st.button("Mappningarna är kontrollerade", key="mapping.reviewed", icon=":material/task_alt:"):
        context.act(lambda: mapping.confirm_review(context.acting(), company_id), "Kontrollen är sparad.")


def _save(write: Callable[[], int], done: str) -> None:
    """Save (the service checks access); every bad row named, or a fresh editor afterwards."""
    try:
        saved = write()
    except MappingError as exc:
        _draw_errors(exc.messages)
    except ServiceError as exc:
        context.show_error(exc)
    else:
        context.flash("success", f"{done} ({_changed(saved)}).")
        _bump_version()
        st.rerun()


def _draw_mappings(company_id: str, reviews: list[AccountReview]) -> None:
    mapping_view.draw_summary(reviews)
    kind = st.selectbox("Visa", list(mapping_view.FILTERS), format_func=mapping_view.FILTERS.get,
                        key="mapping.filter")
    shown = mapping_view.chosen(reviews, kind)
    if not shown:
        st.success("Inga konton med den avvikelsen.", icon=":material/check_circle:")
        return
    st.caption("Ändra Målkonto och SRU i tabellen och klicka på Spara mappningar. Förslag (samma kontonummer i "
               "referenskontoplanen) sparas när du sparar.")
    version = st.session_state.get(VERSION_KEY, 0)
    with st.form(f"mapping.form.{version}", border=False):
        edited = mapping_view.draw_editor(mapping_view.editor_frame(shown), key=f"mapping.editor.{kind}.{version}")
        submitted = st.form_submit_button("Spara mappningar", type="primary", icon=":material/save:")
    if submitted:
        _save(lambda: mapping.save_mappings(context.acting(), company_id, mapping_view.mapping_edits(edited)),
              "Mappningarna är sparade")
    with st.expander("Jämförelse och nedladdning", icon=":material/table_view:"):
        tables.show(mapping_view.details_frame(shown), money=["Saldo"], key=f"mapping.details.{kind}",
                    file_name="kontomappning")


def _draw_reference(chart: dict[str, ReferenceAccount]) -> None:
    st.caption("Referenskontoplanen (BAS-konton med SRU-koder) som företagens konton jämförs med. Den bygger på "
               "SIE-exempelfiler från Visma (2022) och Avendo (2011), inte på BAS officiella tabeller: rätta namn, "
               "typ och SRU-kod här när de avviker.")
    search = st.text_input("Sök konto eller namn", key="mapping.reference.search")
    frame = mapping_view.reference_frame(chart.values(), search)
    if frame.empty:
        st.info("Inget konto matchar sökningen.", icon=":material/search_off:")
        return
    version = st.session_state.get(VERSION_KEY, 0)
    with st.form(f"mapping.reference.form.{version}", border=False):
        edited = mapping_view.draw_reference_editor(frame, key=f"mapping.reference.editor.{search}.{version}")
        submitted = st.form_submit_button("Spara referenskontoplan", type="primary", icon=":material/save:")
    if submitted:
        _save(lambda: mapping.save_reference(context.acting(), mapping_view.reference_edits(edited)),
              "Referenskontoplanen är sparad")


st.title("Kontomappning", anchor=False)
context.show_flash()
company = context.company_or_stop("Anslut till Fortnox eller importera en SIE-fil under Underhåll → Import.")
if company.connected:  # the active flags come from Fortnox, kept for Avstämning and this page alike
    imported_years = reconcile_api.years(context.acting(), company.id)
    if imported_years:
        reconcile_view.facts(company.id, imported_years[-1].id)

known = mapping.overview(context.acting(), company.id)
chart, reviews, change = known.chart, known.reviews, known.change

if change is not None:
    _draw_source_change(company.id, change)

accounts_tab, reference_tab = st.tabs(["Mappning", "Referenskontoplan"])
with accounts_tab:
    if reviews:
        _draw_mappings(company.id, reviews)
    else:
        st.info(f"{escape_markdown(company.name)} har ingen importerad kontoplan ännu. Importera SIE4-data eller en "
                "SIE-fil under Underhåll → Import.", icon=":material/info:")
with reference_tab:
    _draw_reference(chart)
