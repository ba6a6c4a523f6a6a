"""Verifikationer – the company's year-end adjustment vouchers: write, import and edit them, tick, Exportera till
Fortnox (exactly once), download as SIE 4I, and the audit log."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from services.companies.model import Company
from services.errors import ServiceError
from services.money import format_sek
from services.numbers import format_part_of
from services.timestamps import local_time
from services.vouchers import api as vouchers
from services.vouchers.model import AdjustmentVoucher, ExportOutcome, ExportResult
from ui import assets, context, tables, voucher_editor
from ui.text import escape_markdown

CONFIRM_KEY = "verifikationer.confirm"
RESULTS_KEY = "verifikationer.results"
CHECKS_KEY = "verifikationer.confirm.checks"


def _close_dialog() -> None:
    st.session_state[CONFIRM_KEY] = None
    st.session_state.pop(CHECKS_KEY, None)


@st.dialog("Exportera till Fortnox", on_dismiss=_close_dialog, width="large")
def _confirm(company_id: str, chosen: list[AdjustmentVoucher], series: str) -> None:
    if CHECKS_KEY not in st.session_state:  # once per opening: clicks inside the dialog rerun it
        try:
            with st.spinner("Kontrollerar verifikationerna mot Fortnox …"):  # the dialog opens at once meanwhile
                st.session_state[CHECKS_KEY] = vouchers.check_export(
                    context.acting(), company_id, [v.id for v in chosen], series)
        except ServiceError as exc:
            context.show_error(exc)
    checks = st.session_state.get(CHECKS_KEY, [])
    sent = [check for check in checks if not check.problems]
    total = sum(check.voucher.total_ore for check in sent)
    st.write(f"{format_part_of(len(sent), len(checks))} verifikationer skapas i Fortnox i verifikationsserie "
             f"**{escape_markdown(series)}**, sammanlagt {format_sek(total)} kr:")
    for check in checks:
        line = (f"{check.voucher.date} · {escape_markdown(check.voucher.text)} · {format_sek(check.voucher.total_ore)} "
                f"kr · räkenskapsår {escape_markdown(check.year_label)}")
        if check.problems:
            st.markdown(f"- {assets.icon_html('block')} {line}  \n  :red[Skickas inte: "
                        f"{' '.join(escape_markdown(problem) for problem in check.problems)}]", unsafe_allow_html=True)
        else:
            st.markdown(f"- {assets.icon_html('check')} {line}", unsafe_allow_html=True)
    if len(sent) < len(checks):
        st.info("Verifikationer med fel skickas inte; de markeras med felet så att du kan rätta dem.")
    st.warning("Verifikationer i Fortnox kan inte ändras eller tas bort efteråt.", icon=":material/warning:")
    ok, cancel = st.columns(2)
    if ok.button("Exportera", type="primary", key="verifikationer.confirm.ok", disabled=not sent):
        try:
            st.session_state[RESULTS_KEY] = vouchers.export_to_fortnox(
                context.acting(), company_id, [v.id for v in chosen], series)
        except ServiceError as exc:
            context.flash("error", exc.message)
        _close_dialog()
        st.rerun()
    if cancel.button("Avbryt", key="verifikationer.confirm.cancel"):
        _close_dialog()
        st.rerun()


def _draw_results(results: list[ExportResult], by_id: dict[str, AdjustmentVoucher]) -> None:
    st.subheader("Resultat av exporten", anchor=False)
    for result in results:
        voucher = by_id.get(result.voucher_id)
        name = escape_markdown(f"{voucher.date} · {voucher.text}" if voucher else "Export")
        if result.ok:
            st.success(f"{name}: exporterad till Fortnox som {escape_markdown(f'{result.series} {result.number}')}.",
                       icon=":material/check_circle:")
        elif result.status == ExportOutcome.SKIPPED:
            st.info(f"{name}: {escape_markdown(result.message)}", icon=":material/info:")
        else:
            st.error(f"{name}: {escape_markdown(result.message)}", icon=":material/error:")


def _draw_series(company: Company) -> str:
    series = vouchers.series(context.acting(), company.id)
    with st.expander(f"Verifikationsserie för bokslutsverifikationer: {escape_markdown(series)}"):
        chosen = st.text_input("Serie i Fortnox", value=series, max_chars=10, key="verifikationer.series")
        if st.button("Kontrollera i Fortnox och spara", key="verifikationer.series.save"):
            try:
                problems = vouchers.check_series(context.acting(), company.id, chosen.strip().upper())
            except ServiceError as exc:
                problems = [exc.message]
            for problem in problems:
                st.error(escape_markdown(problem), icon=":material/error:")
            if not problems:
                try:
                    vouchers.set_series(context.acting(), company.id, chosen)
                except ServiceError as exc:
                    context.show_error(exc)
                else:
                    context.flash("success", f"Serie {chosen.strip().upper()} finns och tar emot manuella "
                                  "verifikationer.")
                    st.rerun()
    return series


def _draw_export_bar(company: Company, chosen: list[AdjustmentVoucher]) -> None:
    export, download = st.columns([1, 1])
    permission = context.allowed("export", company)
    if not permission.allowed:
        assets.caption("lock", permission.reason_sv, export)
    elif export.button("Exportera till Fortnox", type="primary", key="verifikationer.export"):
        if chosen:
            st.session_state[CONFIRM_KEY] = [voucher.id for voucher in chosen]
        else:
            st.warning("Markera minst en verifikation att exportera.")
    if not chosen:
        return
    try:
        data, warnings = vouchers.sie_4i(company, chosen, date.today())
    except ServiceError as exc:
        download.caption(f":red[SIE 4I kan inte skapas: {escape_markdown(exc.message)}]")
        return
    tables.download(download, "Ladda ner SIE 4I", data, f"bokslutsverifikationer-{company.orgnr}.si",
                    "application/octet-stream", "verifikationer.sie")
    for warning in warnings:
        download.caption(escape_markdown(warning.message))


def _draw_import(company: Company) -> None:
    upload = st.file_uploader("SIE 4I-fil med verifikationer", type=["si", "se", "sie"], key="verifikationer.siefile")
    for warning in vouchers.sie_4i_warnings(context.acting(), company, upload.getvalue()) if upload else []:
        st.warning(escape_markdown(warning), icon=":material/warning:")
    if upload is not None and st.button("Lägg till som utkast", key="verifikationer.sie.add"):
        try:
            added = vouchers.import_sie(context.acting(), company.id, upload.getvalue())
        except ServiceError as exc:
            context.show_error(exc)
        else:
            context.flash("success", f"{len(added)} verifikation(er) från {upload.name} tillagda som utkast.")
            st.rerun()


def _draw_audit(company: Company) -> None:
    entries = vouchers.audit_entries(context.acting(), company.id)
    frame = pd.DataFrame({
        "Tid": [local_time(e["at"]) for e in entries],
        "Vem": [e["actor"] for e in entries],
        "Händelse": [e["action_label"] for e in entries],
        "Fortnox": [e["fortnox_ref"] or "" for e in entries],
        "Detalj": [e["detail"] for e in entries],
    })
    tables.show(frame, key="verifikationer.audit", file_name=f"revisionslogg-{company.orgnr}")


def _resend(voucher: AdjustmentVoucher) -> None:
    error = vouchers.send_attachment(context.acting(), voucher.company_id, voucher.id)
    context.flash("error" if error else "success", error or f"Bilagan är kopplad till {voucher.fortnox_label}.")
    st.rerun()


st.title("Verifikationer", anchor=False)
company = context.company_or_stop("Anslut under Underhåll → Import.")
st.caption(f"Bokslutsverifikationer för {escape_markdown(company.label)}")
context.show_flash()
acting = context.acting()
all_vouchers = vouchers.vouchers(acting, company.id)
by_id = {voucher.id: voucher for voucher in all_vouchers}
accounts = vouchers.known_accounts(acting, company.id)
results = st.session_state.pop(RESULTS_KEY, None)
if results:
    _draw_results(results, by_id)
series = _draw_series(company)
listing, new, import_tab, log = st.tabs(["Verifikationer", "Ny verifikation", "Importera SIE 4I", "Logg"])
with listing:
    if not all_vouchers:
        st.info("Inga bokslutsverifikationer ännu. Skriv en under Ny verifikation eller importera en SIE 4I-fil.")
    reversals = {voucher.reverses: voucher for voucher in all_vouchers if voucher.reverses}
    chosen = [voucher for voucher in all_vouchers
              if voucher_editor.card(voucher, accounts, _resend, reversals.get(voucher.id))]
    _draw_export_bar(company, chosen)
with new:
    voucher_editor.editor(
        "verifikationer.new", company.id, None, accounts,
        lambda day, text, rows: vouchers.add_draft(acting, company.id, day, text, rows),
        default_day=max((v.date for v in all_vouchers), default=None),
    )
with import_tab:
    _draw_import(company)
with log:
    _draw_audit(company)
pending = st.session_state.get(CONFIRM_KEY)
if pending:
    _confirm(company.id, [by_id[voucher_id] for voucher_id in pending if voucher_id in by_id], series)
