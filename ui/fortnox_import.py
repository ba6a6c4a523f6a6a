"""Underhåll → Import with Importkälla Fortnox, after Anslut: what the connection may import, the parts to choose,
the run's live progress with Avbryt, and the outcome. The run itself goes on in the background (services)."""

from __future__ import annotations

import streamlit as st

from services import import_jobs, permissions
from services.companies import Company
from services.fortnox.errors import FortnoxError
from services.importer import PART_ATTACHMENTS, PART_LEDGERS, PART_SIE4, available_years
from services.imports.runs import (
    CANCELLED,
    DONE,
    ImportAlreadyRunning,
    ImportFailed,
    RunProgress,
    import_runs,
    request_cancel,
    running_run,
)
from ui import context
from ui.text import escape_markdown

LAST_RUN_KEY = "underhall.last_run"
PART_LABELS = permissions.PART_LABELS


@st.cache_data(ttl=300, show_spinner=False)
def _years(company_id: str) -> list:
    return available_years(context.settings(), company_id)


def _blockers(company: Company) -> dict[str, list[permissions.Blocker]]:
    known = permissions.known_blockers(context.settings(), company.id)
    if known is None:
        with st.spinner("Kontrollerar behörigheter i Fortnox …"):
            try:
                known = permissions.check(context.settings(), company.id)
            except FortnoxError as exc:
                st.warning(f"Behörigheterna kunde inte kontrolleras: {escape_markdown(exc.message)}",
                           icon=":material/warning:")
                known = []
    return permissions.blocked_parts(known)


def _draw_permissions(company: Company, blocked: dict[str, list[permissions.Blocker]]) -> None:
    for part_blockers in blocked.values():
        for blocker in part_blockers:
            st.warning(escape_markdown(blocker.message), icon=":material/lock:")
    if blocked and st.button("Kontrollera behörigheter igen", key="underhall.recheck"):
        with st.spinner("Kontrollerar behörigheter i Fortnox …"):
            permissions.check(context.settings(), company.id)
        st.rerun()


def draw(company: Company) -> None:
    """The parts and Importera data, or the running import's progress."""
    blocked = _blockers(company)
    _draw_permissions(company, blocked)
    run = running_run(context.settings(), company.id)
    running = run is not None  # the choices stay, greyed, while it runs
    st.subheader("Vad vill du hämta?", anchor=False)
    sie4 = st.checkbox("SIE4-data", key="underhall.sie4", disabled=running or PART_SIE4 in blocked,
                       help="Kontoplan, saldon och verifikationer.")
    try:
        years = _years(company.id)
    except ImportFailed as exc:
        st.error(f"Räkenskapsåren kunde inte hämtas från Fortnox: {escape_markdown(exc)} Tidigare importerade "
                 "uppgifter finns kvar.",
                 icon=":material/cloud_off:")
        st.button("Försök igen", key="underhall.retry")
        return
    chosen = st.multiselect("Räkenskapsår", years, default=years[:2], format_func=lambda y: f"{y.start} – {y.end}",
                            key=f"underhall.years.{company.id}", disabled=running)
    ledgers = st.checkbox("Kund- och leverantörsreskontra", key="underhall.ledgers",
                          disabled=running or PART_LEDGERS in blocked,
                          help="Kunder, leverantörer, kund- och leverantörsfakturor och deras betalningar.")
    files = st.checkbox("Bilagor", key="underhall.attachments", disabled=running or PART_ATTACHMENTS in blocked,
                        help="Filerna som är bifogade till kund- och leverantörsfakturorna.")
    full = st.toggle("Hämta allt igen", key="underhall.full", disabled=running,
                     help="Annars hämtas bara det som ändrats i Fortnox sedan förra importen.")
    if running:
        st.session_state[LAST_RUN_KEY] = run["id"]  # its outcome is shown afterwards, whoever started it
        _progress(company)
        return
    parts = [part for part, wanted in ((PART_SIE4, sie4), (PART_LEDGERS, ledgers), (PART_ATTACHMENTS, files)) if wanted]
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
        st.session_state[LAST_RUN_KEY] = import_jobs.start_import(
            context.settings(), company.id, parts=parts, year_ids=year_ids, started_by=context.actor(), full=full)
    except ImportAlreadyRunning:  # someone else started one a moment ago: show that one's progress and outcome
        run = running_run(context.settings(), company.id)
        st.session_state[LAST_RUN_KEY] = run["id"] if run else None
    except ImportFailed as exc:
        st.error(escape_markdown(exc), icon=":material/error:")
        return
    st.rerun()


@st.fragment(run_every=1.0)
def _progress(company: Company) -> None:
    run = running_run(context.settings(), company.id)
    if run is None:
        st.rerun()  # finished: draw the whole page again with the outcome
    with st.status("Importerar från Fortnox …", expanded=True):
        progress: RunProgress | None = run["progress"]
        if progress is None:
            st.write("Förbereder …")
        else:
            for part, done in progress.parts.items():
                share = done.items_done / done.items_total if done.items_total else 0.0
                st.progress(min(share, 1.0), text=f"{PART_LABELS[part]}: {done.items_done} av {done.items_total} · "
                                                  f"{done.requests_done} av {done.requests_planned} anrop")
            minutes, seconds = divmod(int(progress.eta_seconds), 60)
            st.caption(f"Cirka {minutes} min {seconds} s kvar vid Fortnox gräns på "
                       f"{progress.requests_per_second:g} anrop per sekund.")
        if run["cancel_requested"]:
            st.write("Avbryter …")
        elif st.button("Avbryt", key="underhall.cancel"):
            try:
                request_cancel(context.settings(), run["id"], context.actor())
            except ImportFailed as exc:
                st.error(escape_markdown(exc), icon=":material/block:")


def _draw_outcome(company: Company) -> None:
    run_id = st.session_state.get(LAST_RUN_KEY)
    run = next((r for r in import_runs(context.settings(), company.id, limit=5) if r["id"] == run_id), None)
    if run is None:
        return
    if run["status"] != DONE:
        label = "Importen avbröts" if run["status"] == CANCELLED else "Importen misslyckades"
        st.error(f"{label}: {escape_markdown(run['error'])} Tidigare importerade uppgifter finns kvar.",
                 icon=":material/error:")
        return
    st.success("Importen är klar", icon=":material/check_circle:")
    st.subheader("Resultat", anchor=False)
    counts = run["counts"]
    metrics = []
    if PART_SIE4 in counts:
        books = counts[PART_SIE4]
        metrics += [("Konton", books["accounts"]), ("Verifikationer", books["vouchers"]),
                    ("Transaktioner", books["transactions"])]
    if PART_LEDGERS in counts:
        ledger = counts[PART_LEDGERS]
        metrics += [("Kundfakturor", ledger["invoices"]), ("Leverantörsfakturor", ledger["supplier_invoices"]),
                    ("Betalningar", ledger["payments"])]
    if PART_ATTACHMENTS in counts:
        metrics += [("Bilagor", counts[PART_ATTACHMENTS]["files"])]
    metrics.append(("Anrop till Fortnox", run["requests"]))
    for column, (label, value) in zip(st.columns(len(metrics)), metrics, strict=True):
        column.metric(label, value)
    missing = counts.get(PART_ATTACHMENTS, {}).get("missing")
    if missing:
        st.warning(f"{missing} bilagor fanns inte längre i Fortnox och hämtades inte.", icon=":material/warning:")
    if PART_ATTACHMENTS in counts:
        st.caption(f"Bilagorna tar {counts[PART_ATTACHMENTS]['bytes'] / 1_048_576:.1f} MB.".replace(".", ","))
    st.page_link("app_pages/verifikationer.py", label="Vidare till Verifikationer", icon=":material/receipt_long:")
