"""A company's imports as support staff read them: Underhåll's Historik (Swedish statuses, whole dates, what was
fetched; requests and 429 answers folded away) and the notice on pages whose data a running import is changing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.companies.model import Company
from services.imports import api as imports
from services.imports.model import ImportPart, RunStatus
from services.spreadsheets import file_stem
from services.timestamps import local_time
from ui import context, tables

COUNTS = {"Verifikationer": (("sie4", "vouchers"), ("siefile", "vouchers")),
          "Kundfakturor": (("ledgers", "invoices"),), "Leverantörsfakturor": (("ledgers", "supplier_invoices"),),
          "Betalningar": (("ledgers", "payments"),), "Bilagor": (("attachments", "files"),)}


def _count(run: dict, sources: tuple[tuple[str, str], ...]) -> int | None:
    for part, key in sources:
        value = (run["counts"].get(part) or {}).get(key)
        if value is not None:
            return value
    return None


def parts_text(run: dict) -> str:
    return ", ".join(ImportPart(part).label for part in run["parts"])


def history_frame(runs: list[dict]) -> pd.DataFrame:
    """Historik's list: the counts before the texts of what was fetched and of what went wrong, which run on to the
    right, so the counts stay in view."""
    return pd.DataFrame({
        "Start": [local_time(run["started_at"]) for run in runs],
        "Klar": [local_time(run["finished_at"]) for run in runs],
        "Status": [RunStatus(run["status"]).label for run in runs],
        "Startad av": [run["started_by"] for run in runs],
        **{label: pd.array([_count(run, sources) for run in runs], dtype="Int64") for label, sources in COUNTS.items()},
        "Delar": [parts_text(run) for run in runs],
        "Meddelande": [run["error"] or "" for run in runs],
    })


def draw_history(company: Company | None) -> None:
    """Historik: one row per import, newest first, with its downloads like every list; the requests apart."""
    runs = imports.history(context.acting(), company.id) if company else []
    if company is None or not runs:
        st.caption("Inga importer ännu.")
        return
    started = [local_time(run["started_at"]) for run in runs]
    tables.show(history_frame(runs), key="underhall.history", file_name=file_stem("importhistorik", company.orgnr))
    with st.expander("Tekniska detaljer: anrop till Fortnox"):
        st.caption("Anrop är hur många förfrågningar importen skickade till Fortnox; 429-svar är hur många gånger "
                   "Fortnox bad den vänta (gränsen för anrop per sekund). Importen väntar och fortsätter själv.")
        tables.show(pd.DataFrame({
            "Start": started, "Import nr": [str(run["id"]) for run in runs],
            "Anrop": [run["requests"] for run in runs], "429-svar": [run["rate_limited"] for run in runs],
        }), key="underhall.history.technical", file_name=file_stem("importanrop", company.orgnr))


def draw_running_notice(company: Company, parts: tuple[ImportPart, ...]) -> None:
    """Say so when an import is fetching some of `parts` of the company right now: what the page shows is about to
    change."""
    run = imports.running(context.acting(), company.id)
    if run is None:
        return
    for part in (part for part in parts if part in run["parts"]):
        progress = run["progress"].parts.get(part) if run["progress"] else None
        how_far = (f" ({progress.items_done} av {progress.items_total} klara)"
                   if progress is not None and progress.items_total else "")
        if part is ImportPart.ATTACHMENTS:
            text = (f"Bilagor importeras just nu{how_far}. En faktura som saknar PDF här kan få den när importen "
                    "är klar: ladda om sidan då.")
        else:
            text = (f"{part.label} importeras just nu{how_far}. Sidan visar det som importerades förra "
                    "gången tills importen är klar.")
        st.info(text, icon=":material/sync:")
