"""Verifikationer – the company's year-end adjustment vouchers: tick, Exportera till Fortnox, see the outcome."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from services import vouchers
from services.money import format_sek
from services.vouchers import AdjustmentVoucher, ExportRefused, ExportResult
from ui import context

CONFIRM_KEY = "verifikationer.confirm"
RESULTS_KEY = "verifikationer.results"


def _rows_table(voucher: AdjustmentVoucher) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Konto": [row.account for row in voucher.rows],
            "Debet": [format_sek(row.debit_ore) if row.debit_ore else "" for row in voucher.rows],
            "Kredit": [format_sek(row.credit_ore) if row.credit_ore else "" for row in voucher.rows],
            "Text": [row.text for row in voucher.rows],
        }
    )


def _draw_voucher(voucher: AdjustmentVoucher) -> bool:
    """One bordered card per voucher; returns whether it is ticked."""
    with st.container(border=True):
        tick, status = st.columns([4, 1])
        ticked = tick.checkbox(
            f"{voucher.date} · {voucher.text} · {format_sek(voucher.total_ore)} kr",
            key=f"verifikationer.tick.{voucher.id}",
            disabled=not voucher.exportable,
        )
        if voucher.fortnox_number:
            status.markdown(f"**{voucher.status_label}** som {voucher.fortnox_label}")
        else:
            status.markdown(f"**{voucher.status_label}**")
        if voucher.error:
            st.error(voucher.error, icon=":material/error:")
        st.dataframe(_rows_table(voucher), hide_index=True)
    return ticked and voucher.exportable


def _close_dialog() -> None:
    st.session_state[CONFIRM_KEY] = None


@st.dialog("Exportera till Fortnox", on_dismiss=_close_dialog)
def _confirm(company_id: str, chosen: list[AdjustmentVoucher]) -> None:
    st.write(f"{len(chosen)} verifikation(er) skapas i Fortnox i verifikationsserie **{vouchers.DEFAULT_SERIES}**:")
    for voucher in chosen:
        year = vouchers.financial_year_label(context.settings(), company_id, voucher.date)
        st.write(f"- {voucher.date} · {voucher.text} · räkenskapsår {year}")
    st.warning("Verifikationer i Fortnox kan inte ändras eller tas bort efteråt.", icon=":material/warning:")
    ok, cancel = st.columns(2)
    if ok.button("Exportera", type="primary", key="verifikationer.confirm.ok"):
        try:
            st.session_state[RESULTS_KEY] = vouchers.export_vouchers(
                context.settings(), company_id, [v.id for v in chosen], actor=context.actor()
            )
        except ExportRefused as exc:
            context.flash("error", str(exc))
        _close_dialog()
        st.rerun()
    if cancel.button("Avbryt", key="verifikationer.confirm.cancel"):
        _close_dialog()
        st.rerun()


def _draw_results(results: list[ExportResult], by_id: dict[str, AdjustmentVoucher]) -> None:
    st.subheader("Resultat av exporten")
    for result in results:
        voucher = by_id.get(result.voucher_id)
        name = f"{voucher.date} · {voucher.text}" if voucher else "Export"
        if result.ok:
            st.success(f"{name}: exporterad till Fortnox som {result.series} {result.number}.", icon=":material/check_circle:")
        else:
            st.error(f"{name}: {result.message}", icon=":material/error:")


st.title("Verifikationer")
company = context.current_company()
if company is None:
    st.info("Inget företag är anslutet. Anslut under Underhåll → Import.")
    st.stop()
st.caption(f"Bokslutsverifikationer för {company.label}")
context.show_flash()
all_vouchers = vouchers.list_vouchers(context.settings(), company.id)
by_id = {voucher.id: voucher for voucher in all_vouchers}
results = st.session_state.pop(RESULTS_KEY, None)
if results:
    _draw_results(results, by_id)
if not all_vouchers:
    st.info("Inga bokslutsverifikationer ännu. Importera SIE4-data under Underhåll → Import först.")
    st.stop()
chosen = [voucher for voucher in all_vouchers if _draw_voucher(voucher)]
if st.button("Exportera till Fortnox", type="primary", key="verifikationer.export"):
    if chosen:
        st.session_state[CONFIRM_KEY] = [voucher.id for voucher in chosen]
    else:
        st.warning("Markera minst en verifikation att exportera.")
pending = st.session_state.get(CONFIRM_KEY)
if pending:
    _confirm(company.id, [by_id[voucher_id] for voucher_id in pending if voucher_id in by_id])
