"""Underhåll → Import with Importkälla Fortnox, after Anslut: what the connection may import, the parts to choose,
the run's live progress with Avbryt, and the outcome. The run itself goes on in the background (services)."""

from __future__ import annotations

import streamlit as st

from services.companies.model import Blocker, Company
from services.errors import ServiceError
from services.imports import api as imports
from services.imports.model import ImportAlreadyRunning, ImportPart, PartProgress, RunProgress, RunStatus
from services.numbers import format_count, format_counted, format_part_of, format_size
from services.timestamps import local_time
from ui import context
from ui.import_status import parts_text
from ui.text import escape_markdown

LAST_RUN_KEY = "underhall.last_run"
PART_KEYS = {ImportPart.SIE4: "underhall.sie4", ImportPart.LEDGERS: "underhall.ledgers",
             ImportPart.ATTACHMENTS: "underhall.attachments"}
PART_UNITS = {ImportPart.SIE4: "räkenskapsår", ImportPart.LEDGERS: "poster", ImportPart.ATTACHMENTS: "filer"}


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
    running = run is not None  # the choices stay, greyed and showing what the run imports, while it runs
    years_key = f"underhall.years.{company.id}"
    try:
        years = _years(company.id)
    except ServiceError as exc:
        years, years_error = [], exc
    else:
        years_error = None
    if running:
        _show_run_choices(run, years, years_key)  # before the widgets: their state can't be set once drawn
    st.subheader("Vad vill du hämta?", anchor=False)
    sie4 = st.checkbox("SIE4-data", key=PART_KEYS[ImportPart.SIE4], disabled=running or ImportPart.SIE4 in blocked,
                       help="Kontoplan, saldon och verifikationer.")
    if years_error is not None:
        context.show_error(years_error, lead="Räkenskapsåren kunde inte hämtas från Fortnox:",
                           note="Tidigare importerade uppgifter finns kvar.", icon=":material/cloud_off:")
        st.button("Försök igen", key="underhall.retry")
        return
    chosen = st.multiselect("Räkenskapsår", years, default=None if running else years[:2],
                            format_func=lambda y: f"{y.start} – {y.end}", key=years_key, disabled=running)
    ledgers = st.checkbox("Kund- och leverantörsreskontra", key=PART_KEYS[ImportPart.LEDGERS],
                          disabled=running or ImportPart.LEDGERS in blocked,
                          help="Kunder, leverantörer, kund- och leverantörsfakturor och deras betalningar.")
    files = st.checkbox("Bilagor", key=PART_KEYS[ImportPart.ATTACHMENTS],
                        disabled=running or ImportPart.ATTACHMENTS in blocked,
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


def _show_run_choices(run: dict, years: list, years_key: str) -> None:
    """The running import's parts and years ticked, whoever started it and whatever this session chose before."""
    for part, key in PART_KEYS.items():
        st.session_state[key] = part in run["parts"]
    progress: RunProgress | None = run["progress"]
    if progress is not None and progress.year_ids:
        st.session_state[years_key] = [year for year in years if year.id in progress.year_ids]


@st.fragment(run_every=1.0)
def _progress(company: Company) -> None:
    run = imports.running(context.acting(), company.id)
    if run is None:
        st.rerun()  # finished: draw the whole page again with the outcome
    progress: RunProgress | None = run["progress"]
    planned = progress is not None and progress.planned
    # Not a with-block: leaving one marks the status complete, so a fragment redrawn every second would flicker
    # between the spinner and ✓.
    status = st.status("Importerar från Fortnox …" if planned else "Förbereder importen …", expanded=True)
    for part in (part for part in PART_KEYS if part in run["parts"]):
        done = progress.parts.get(part) if progress is not None else None
        status.progress(done.share if done else 0.0, text=_part_text(part, done))
    if planned and not progress.requests_left:
        status.caption(f"Allt är hämtat ({format_part_of(progress.requests_done, progress.requests_planned)} anrop); "
                       "importen sparar nu det hämtade i databasen …")
    elif planned:
        minutes, seconds = divmod(round(progress.eta_seconds or 0), 60)
        status.caption(f"Cirka {minutes} min {seconds} s kvar vid Fortnox gräns på "
                       f"{format_count(round(progress.requests_per_second))} anrop per sekund "
                       f"({format_part_of(progress.requests_done, progress.requests_planned)} anrop).")
    else:
        status.caption("Tiden kvar visas när importen vet hur mycket som ska hämtas "
                       f"({format_count(progress.requests_done if progress else 0)} anrop hittills).")
    if run["cancel_requested"]:
        status.write("Avbryter … Det som redan hämtats sparas till nästa import.")
    elif status.button("Avbryt", key="underhall.cancel"):
        try:
            imports.cancel(context.acting(), run["id"])
        except ServiceError as exc:
            context.show_error(exc, status, icon=":material/block:")


def _part_text(part: ImportPart, done: PartProgress | None) -> str:
    label = part.label
    if done is None or not done.planned:
        return f"{label}: tar reda på hur mycket som ska hämtas …"
    text = f"{label}: {format_part_of(done.items_done, done.items_total)} {PART_UNITS[part]}"
    if done.requests_planned:
        text += f" · {format_part_of(done.requests_done, done.requests_planned)} anrop"
    return text


def _draw_outcome(company: Company) -> None:
    """The outcome of the run this session started or followed; else one line on the company's latest run."""
    recent = imports.history(context.acting(), company.id, limit=5)
    run = next((r for r in recent if r["id"] == st.session_state.get(LAST_RUN_KEY)), None)
    if run is None:
        if recent:
            latest = recent[0]
            st.caption(f"Senaste import {local_time(latest['finished_at'] or latest['started_at'])}: "
                       f"{RunStatus(latest['status']).label} – {parts_text(latest)}, startad av "
                       f"{escape_markdown(latest['started_by'])}. Alla importer finns under Historik.")
        return
    if run["status"] == RunStatus.CANCELLED and run["cancel_requested"]:  # asked for: information, said once
        st.info(escape_markdown(run["error"]), icon=":material/info:")
        return
    if run["status"] == RunStatus.CANCELLED:  # the process running it ended; the message says so
        st.warning(f"{escape_markdown(run['error'])} Tidigare importerade uppgifter finns kvar.",
                   icon=":material/warning:")
        return
    if run["status"] != RunStatus.OK:
        st.error(f"Importen misslyckades: {escape_markdown(run['error'])} Tidigare importerade uppgifter finns kvar.",
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
        column.metric(label, format_count(value))
    missing = counts.get(ImportPart.ATTACHMENTS, {}).get("missing")
    if missing:
        st.warning(f"{format_counted(missing, 'bilaga', 'bilagor')} fanns inte längre i Fortnox och hämtades inte.",
                   icon=":material/warning:")
    if ImportPart.ATTACHMENTS in counts:
        st.caption(f"Bilagorna tar {format_size(counts[ImportPart.ATTACHMENTS]['bytes'])}.")
    st.page_link("app_pages/verifikationer.py", label="Vidare till Verifikationer", icon=":material/receipt_long:")
