"""Importkälla: SIE-fil on Underhåll → Import — upload, the checks as a table of findings, then Importera data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from services.errors import ServiceError
from services.imports import api as imports
from services.imports.model import MAX_UPLOAD_MB, SieFileReview
from services.numbers import format_counted
from ui import context
from ui.text import escape_markdown

SEVERITY_ERROR, SEVERITY_WARNING = "Fel", "Varning"
SAVED_KEY = "underhall.siefile.saved"  # (upload id, path of its copy on disk)


def _findings_table(review: SieFileReview) -> pd.DataFrame:
    findings = [(SEVERITY_ERROR, m) for m in review.errors] + [(SEVERITY_WARNING, m) for m in review.warnings]
    return pd.DataFrame(
        {
            "Allvar": [severity for severity, _ in findings],
            "Rad": [message.line or None for _, message in findings],
            "Kontroll": [imports.check_label(message.code) for _, message in findings],
            "Meddelande": [message.message for _, message in findings],
        }
    ).astype({"Rad": "Int64"})


@st.cache_resource(max_entries=4, show_spinner="Kontrollerar filen …")
def _review(path: str) -> SieFileReview:
    """Once per file: the name is the content's sha256, so a redraw or another session reuses the review."""
    return imports.review_sie_file(Path(path))


def _saved(upload: UploadedFile) -> Path:
    """The upload on disk, copied once per upload (not on every redraw)."""
    saved = st.session_state.get(SAVED_KEY)
    if saved is None or saved[0] != upload.file_id or not Path(saved[1]).exists():
        upload.seek(0)
        saved = (upload.file_id, str(imports.save_upload(context.acting(), upload)))
        st.session_state[SAVED_KEY] = saved
    return Path(saved[1])


def _draw_summary(review: SieFileReview) -> None:
    document = review.document
    year = document.year(0)
    st.write(
        f"**{escape_markdown(document.company_name or 'Okänt företag')}** "
        f"({escape_markdown(document.orgnr or 'inget organisationsnummer')}) · "
        f"{escape_markdown(document.program or 'okänt program')} · "
        f"räkenskapsår {f'{year.start} – {year.end}' if year else 'saknas'}"
    )
    accounts, vouchers, transactions = st.columns(3)
    accounts.metric("Konton", len(document.accounts))
    vouchers.metric("Verifikationer", review.vouchers)
    transactions.metric("Transaktioner", review.transactions)


def _draw_verdict(review: SieFileReview) -> None:
    """Importable, said honestly: warnings are counted, and a file without vouchers says so before it is imported."""
    if review.warnings:
        count = len(review.warnings)
        st.warning(f"Kan importeras – {count} {'varning' if count == 1 else 'varningar'}. Läs dem i tabellen ovan "
                   "innan du importerar.", icon=":material/warning:")
    else:
        st.success("Filen klarade kontrollerna.", icon=":material/check_circle:")
    if review.document.sietype < 4:
        st.info(f"Filen är SIE typ {review.document.sietype} och innehåller inga verifikationer: importen ger "
                "kontoplan och saldon, men inga verifikationer eller transaktioner för året. Exportera en SIE 4-fil "
                "om du behöver verifikationerna.", icon=":material/info:")


def draw() -> None:
    limit = f"Högst {MAX_UPLOAD_MB} MB."
    upload = st.file_uploader("SIE-fil", type=["se", "si", "sie"], key="underhall.siefile", help=limit,
                              max_upload_size=MAX_UPLOAD_MB)
    if upload is None:
        st.caption("Välj en SIE 4-fil (.se) exporterad från bokföringsprogrammet. Inget sparas förrän du importerar. "
                   f"{limit}")
        return
    path = _saved(upload)
    review = _review(str(path))
    if review.document is not None:
        _draw_summary(review)
    if review.errors or review.warnings:
        st.subheader("Kontroller", anchor=False)
        st.dataframe(
            _findings_table(review),
            hide_index=True,
            column_config={"Meddelande": st.column_config.TextColumn("Meddelande", width="large")},
        )
    if not review.importable:
        st.error("Filen kan inte importeras. Rätta felen i tabellen och exportera filen på nytt.", icon=":material/error:")
        return
    _draw_verdict(review)
    if st.button("Importera data", type="primary", key="underhall.siefile.import"):
        try:
            result = imports.import_sie_file(context.acting(), path)
        except ServiceError as exc:
            context.show_error(exc, note="Tidigare importerade uppgifter finns kvar.")
            return
        path.unlink(missing_ok=True)
        st.session_state.pop(SAVED_KEY, None)
        context.choose_company(result.company_id)
        context.flash("success", f"SIE-filen är importerad: {format_counted(result.vouchers, 'verifikation', 'verifikationer')}, "
                      f"{format_counted(result.transactions, 'transaktion', 'transaktioner')}.")
        st.rerun()
