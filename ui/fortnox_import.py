"""Underhåll → Import with Importkälla Fortnox, after Anslut: what the connection may import, the parts to choose,
the run's live progress with Avbryt, and the outcome. The run itself goes on in the background (services)."""

from __future__ import annotations

import streamlit as st

from services.companies.model import Blocker, Company
from services.errors import ServiceError
from services.imports import api as imports
from services.imports.model import ImportAlreadyRunning, ImportPart, RunProgress, RunStatus
from ui import context
from ui.text import escape_markdown

LAST_RUN_KEY = "underhall.last_run"


@st.cache_data(ttl=300, show_spinner=False)
def _years(company_id: str) -> list:
    return imports.available_years(context.acting(), company_id)


def _blockers(company: Company) -> dict[str, list[Blocker]]:
    known = imports.known_blockers(context.acting(), company.id)
    if known is None:
        with st.spinner("Kontrollerar behörigheter i Fortnox …"):
            try:
                known = imports.check_permissions(context.acting(), company.id)
            except ServiceError as exc:
                st.warning(f"Behörigheterna kunde inte kontrolleras: {escape_markdown(exc.message)}",
                           icon=":material/warning:")
                known = []
    return imports.blocked_parts(known)


def _draw_permissions(company: Company, blocked: dict[str, list[Blocker]]) -> None:
    for part_blockers in blocked.values():
        for blocker in part_blockers:
            st.warning(escape_markdown(blocker.message), icon=":material/lock:")
    if blocked and st.button("Kontrollera behörigheter igen", key="underhall.recheck"):
        with st.spinner("Kontrollerar behörigheter i Fortnox …"):
            imports.check_permissions(context.acting(), company.id)
        st.rerun()


def draw(company: Company) -> None:
    """The parts and Importera data, or the running import's progress."""
    blocked = _blockers(company)
    _draw_permissions(company, blocked)
    run = imports.running(context.acting(), company.id)
    running = run is not None  # the choices stay, greyed, while it runs
    st.subheader("Vad vill du hämta?", anchor=False)
    sie4 = st.checkbox("SIE4-data", key="underhall.sie4", disabled=running or ImportPart.SIE4 in blocked,
                       help="Kontoplan, saldon och verifikationer.")
    try:
        years = _years(company.id)
    except ServiceError as exc:
        context.show_error(exc, lead="Räkenskapsåren kunde inte hämtas från Fortnox:",
                           note="Tidigare importerade uppgifter finns kvar.", icon=":material/cloud_off:")
        st.button("Försök igen", key="underhall.retry")
        return
    chosen = st.multiselect("Räkenskapsår", years, default=years[:2], format_func=lambda y: f"{y.start} – {y.end}",
                            key=f"underhall.years.{company.id}", disabled=running)
    ledgers = st.checkbox("Kund- och leverantörsreskontra", key="underhall.ledgers",
                          disabled=running or ImportPart.LEDGERS in blocked,
                          help="Kunder, leverantörer, kund- och leverantörsfakturor och deras betalningar.")
    files = st.checkbox("Bilagor", key="underhall.attachments", disabled=running or ImportPart.ATTACHMENTS in blocked,
                        help="Filerna som är bifogade till kund- och leverantörsfakturorna.")
    full = st.toggle("Hämta allt igen", key="underhall.full", disabled=running,
                     help="Annars hämtas bara det som ändrats i Fortnox sedan förra importen.")
    if running:
        st.session_state[LAST_RUN_KEY] = run["id"]  # its outcome is shown afterwards, whoever started it
        _progress(company)
        return
    choices = ((ImportPart.SIE4, sie4), (ImportPart.LEDGERS, ledgers), (ImportPart.ATTACHMENTS, files))
    parts = [part for part, wanted in choices if wanted]
    if st.button("Importera data", type="primary", key="underhall.import"):
        if not parts:
            st.warning("Välj minst en del att hämta.")
        elif not chosen:
            st.warning("Välj minst ett räkenskapsår.")
        else:
            _start(company, parts, [year.id for year in chosen], full)
    _draw_outcome(company)


def _start(company: Company, parts: list[str], year_ids: list[str], full: bool) -> None:
    try:
        st.session_state[LAST_RUN_KEY] = imports.start(context.acting(), company.id, parts, year_ids, full=full)
    except ImportAlreadyRunning:  # someone else started one a moment ago: show that one's progress and outcome
        run = imports.running(context.acting(), company.id)
        st.session_state[LAST_RUN_KEY] = run["id"] if run else None
    except ServiceError as exc:
        context.show_error(exc)
        return
    st.rerun()


@st.fragment(run_every=1.0)
def _progress(company: Company) -> None:
    run = imports.running(context.acting(), company.id)
    if run is None:
        st.rerun()  # finished: draw the whole page again with the outcome
    with st.status("Importerar från Fortnox …", expanded=True):
        progress: RunProgress | None = run["progress"]
        if progress is None:
            st.write("Förbereder …")
        else:
            for part, done in progress.parts.items():
                share = done.items_done / done.items_total if done.items_total else 0.0
                st.progress(min(share, 1.0), text=f"{ImportPart(part).label}: {done.items_done} av {done.items_total} · "
                                                  f"{done.requests_done} av {done.requests_planned} anrop")
            minutes, seconds = divmod(int(progress.eta_seconds), 60)
            st.caption(f"Cirka {minutes} min {seconds} s kvar vid Fortnox gräns på "
                       f"{progress.requests_per_second:g} anrop per sekund.")
        if run["cancel_requested"]:
            st.write("Avbryter …")
        elif st.button("Avbryt", key="underhall.cancel"):
            try:
                imports.cancel(context.acting(), run["id"])
            except ServiceError as exc:
                context.show_error(exc, icon=":material/block:")


def _draw_outcome(company: Company) -> None:
    run_id = st.session_state.get(LAST_RUN_KEY)
    run = next((r for r in imports.history(context.acting(), company.id, limit=5) if r["id"] == run_id), None)
    if run is None:
        return
    if run["status"] != RunStatus.OK:
        label = "Importen avbröts" if run["status"] == RunStatus.CANCELLED else "Importen misslyckades"
        st.error(f"{label}: {escape_markdown(run['error'])} Tidigare importerade uppgifter finns kvar.",
                 icon=":material/error:")
        return
    st.success("Importen är klar", icon=":material/check_circle:")
    st.subheader("Resultat", anchor=False)
    counts = run["counts"]
    metrics = []
    if ImportPart.SIE4 in counts:
        books = counts[ImportPart.SIE4]
        metrics += [("Konton", books["accounts"]), ("Verifikationer", books["vouchers"]),
                    ("Transaktioner", books["transactions"])]
    if ImportPart.LEDGERS in counts:
        ledger = counts[ImportPart.LEDGERS]
        metrics += [("Kundfakturor", ledger["invoices"]), ("Leverantörsfakturor", ledger["supplier_invoices"]),
                    ("Betalningar", ledger["payments"])]
    if ImportPart.ATTACHMENTS in counts:
        metrics += [("Bilagor", counts[ImportPart.ATTACHMENTS]["files"])]
    metrics.append(("Anrop till Fortnox", run["requests"]))
    for column, (label, value) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, value)
    missing = counts.get(ImportPart.ATTACHMENTS, {}).get("missing")
    if missing:
        st.warning(f"{missing} bilagor fanns inte längre i Fortnox och hämtades inte.", icon=":material/warning:")
    if ImportPart.ATTACHMENTS in counts:
        st.caption(f"Bilagorna tar {counts[ImportPart.ATTACHMENTS]['bytes'] / 1_048_576:.1f} MB.".replace(".", ","))
    st.page_link("app_pages/verifikationer.py", label="Vidare till Verifikationer", icon=":material/receipt_long:")
