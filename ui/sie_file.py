"""Importkälla: SIE-fil on Underhåll → Import — upload, the checks as a table of findings, then Importera data."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services.imports import sie_file
from services.imports.runs import ImportFailed
from services.imports.sie_file import SieFileReview
from ui import context
from ui.text import escape_markdown

SEVERITY_ERROR, SEVERITY_WARNING = "Fel", "Varning"


def _findings_table(review: SieFileReview) -> pd.DataFrame:
    findings = [(SEVERITY_ERROR, m) for m in review.errors] + [(SEVERITY_WARNING, m) for m in review.warnings]
    return pd.DataFrame(
        {
            "Allvar": [severity for severity, _ in findings],
            "Rad": [message.line or None for _, message in findings],
            "Kod": [message.code for _, message in findings],
            "Meddelande": [message.message for _, message in findings],
        }
    ).astype({"Rad": "Int64"})


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
    vouchers.metric("Verifikationer", len(document.vouchers))
    transactions.metric("Transaktioner", document.transaction_count)


def draw() -> None:
    upload = st.file_uploader("SIE-fil", type=["se", "si", "sie"], key="underhall.siefile")
    if upload is None:
        st.caption("Välj en SIE 4-fil (.se) exporterad från bokföringsprogrammet. Inget sparas förrän du importerar.")
        return
    data = upload.getvalue()
    review = sie_file.review_sie_file(data)
    if review.document is not None:
        _draw_summary(review)
    if review.errors or review.warnings:
        st.subheader("Kontroller")
        st.dataframe(
            _findings_table(review),
            hide_index=True,
            column_config={"Meddelande": st.column_config.TextColumn("Meddelande", width="large")},
        )
    if not review.importable:
        st.error("Filen kan inte importeras. Rätta felen i tabellen och exportera filen på nytt.", icon=":material/error:")
        return
    st.success("Filen klarade kontrollerna.", icon=":material/check_circle:")
    if st.button("Importera data", type="primary", key="underhall.siefile.import"):
        try:
            result = sie_file.import_sie_file(context.settings(), data, started_by=context.actor())
        except ImportFailed as exc:
            st.error(f"{escape_markdown(exc)} Tidigare importerade uppgifter finns kvar.", icon=":material/error:")
            return
        context.choose_company(result.company_id)
        context.flash("success", f"SIE-filen är importerad: {result.vouchers} verifikationer, {result.transactions} transaktioner.")
        st.rerun()
