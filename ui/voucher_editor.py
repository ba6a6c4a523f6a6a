"""The Verifikationer page's parts: a voucher editor with a live balance and the checks as you type, and one card
per voucher with its status and what can be done with it (edit, attach a PDF, delete, reverse).

Amounts are edited as kronor with two decimals and become integer öre through Decimal, never float arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

import pandas as pd
import streamlit as st

from services.errors import ServiceError
from services.money import MAX_ORE, format_sek, kronor_to_ore
from services.vouchers import api as vouchers
from services.vouchers.model import AdjustmentRow, AdjustmentVoucher, VoucherStatus
from ui import assets, context, tables
from ui.text import escape_markdown

COLUMNS = {"account": "Konto", "debit": "Debet", "credit": "Kredit", "cost_center": "Kostnadsställe",
           "project": "Projekt", "text": "Radtext"}
EMPTY_ROWS = 2


def _kronor(ore: int) -> float | None:
    return ore / 100 if ore else None


def _ore(value: object) -> int:
    """Kronor from the grid as öre, however large (the checks and the save refuse what can't be stored)."""
    if value is None or pd.isna(value) or value == "":
        return 0
    try:
        kronor = Decimal(str(value))
    except InvalidOperation:
        return 0
    return kronor_to_ore(kronor) if kronor.is_finite() else MAX_ORE + 1  # infinity: refused as too large


def _text(value: object) -> str:
    return "" if value is None or pd.isna(value) else str(value).strip()


def rows_frame(rows: tuple[AdjustmentRow, ...] | list[AdjustmentRow]) -> pd.DataFrame:
    rows = list(rows) or [AdjustmentRow("")] * EMPTY_ROWS
    return pd.DataFrame({
        "account": [r.account or None for r in rows],
        "debit": pd.array([_kronor(r.debit_ore) for r in rows], dtype="Float64"),
        "credit": pd.array([_kronor(r.credit_ore) for r in rows], dtype="Float64"),
        "cost_center": [r.cost_center for r in rows],
        "project": [r.project for r in rows],
        "text": [r.text for r in rows],
    })


def rows_from_frame(frame: pd.DataFrame) -> list[AdjustmentRow]:
    """The edited rows; rows left completely empty are dropped."""
    rows = [
        AdjustmentRow(account=_text(r["account"]), debit_ore=_ore(r["debit"]), credit_ore=_ore(r["credit"]),
                      text=_text(r["text"]), cost_center=_text(r["cost_center"]).upper(), project=_text(r["project"]))
        for _, r in frame.iterrows()
    ]
    return [r for r in rows if r.account or r.debit_ore or r.credit_ore or r.text]


def _column_config(accounts: dict[str, str]) -> dict:
    account = (st.column_config.SelectboxColumn(COLUMNS["account"], options=list(accounts), required=True,
                                                format_func=lambda n: f"{n} {accounts.get(n, '')}", width="medium")
               if accounts else st.column_config.TextColumn(COLUMNS["account"], required=True, max_chars=4))
    money = {"format": "localized", "min_value": 0, "step": 0.01}
    return {
        "account": account,
        "debit": st.column_config.NumberColumn(COLUMNS["debit"], **money),
        "credit": st.column_config.NumberColumn(COLUMNS["credit"], **money),
        "cost_center": st.column_config.TextColumn(COLUMNS["cost_center"], max_chars=10),
        "project": st.column_config.TextColumn(COLUMNS["project"], max_chars=20),
        "text": st.column_config.TextColumn(COLUMNS["text"], max_chars=100, width="large"),
    }


@st.fragment
def editor(key: str, company_id: str, voucher: AdjustmentVoucher | None, accounts: dict[str, str],
           on_save: Callable[[date, str, list[AdjustmentRow]], None], default_day: date | None = None) -> None:
    """Date, text and rows; the balance and the checks update on every edit; Spara hands the result to `on_save`
    and clears the editor's state (its deltas would otherwise be applied again to the saved rows)."""
    day = st.date_input("Datum", value=voucher.date if voucher else default_day or date.today(), key=f"{key}.date",
                        format="YYYY-MM-DD")
    text = st.text_input("Text", value=voucher.text if voucher else "", key=f"{key}.text", max_chars=200)
    frame = st.data_editor(rows_frame(voucher.rows if voucher else []), key=f"{key}.rows", num_rows="dynamic",
                           hide_index=True, column_config=_column_config(accounts), width="stretch", placeholder="")
    rows = rows_from_frame(frame)
    draft = AdjustmentVoucher("", company_id, day, text, VoucherStatus.DRAFT, tuple(rows))
    debit, credit = sum(r.debit_ore for r in rows), sum(r.credit_ore for r in rows)
    balance = f"Debet {format_sek(debit)} kr · Kredit {format_sek(credit)} kr · Differens {format_sek(debit - credit)} kr"
    (st.success if debit == credit and debit else st.warning)(balance, icon=":material/balance:")
    for problem in vouchers.problems(draft):
        st.caption(f":red[{escape_markdown(problem)}]")
    if st.button("Spara", type="primary", key=f"{key}.save"):
        try:
            on_save(day, text, rows)
        except ServiceError as exc:
            context.show_error(exc)
            return
        for part in ("date", "text", "rows"):
            st.session_state.pop(f"{key}.{part}", None)
        context.flash("success", f"«{text}» sparad.")
        st.rerun(scope="app")


def account_label(number: str, accounts: dict[str, str]) -> str:
    """"1930 Företagskonto": the number an accountant types, with the name that tells it is the right one."""
    name = accounts.get(number)
    return f"{number} {name}" if name else number


def _rows_table(voucher: AdjustmentVoucher, accounts: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({
        "Konto": [account_label(r.account, accounts) for r in voucher.rows],
        "Debet": pd.Series([r.debit_ore or None for r in voucher.rows], dtype="Int64"),
        "Kredit": pd.Series([r.credit_ore or None for r in voucher.rows], dtype="Int64"),
        "Kostnadsställe": [r.cost_center for r in voucher.rows],
        "Projekt": [r.project for r in voucher.rows],
        "Radtext": [r.text for r in voucher.rows],
    })


def _act(action: Callable[[], object], success: str) -> None:
    """Run a change; the outcome is shown once after the page redraws."""
    try:
        action()
    except ServiceError as exc:
        context.flash("error", exc.message)
    else:
        context.flash("success", success)
    st.rerun()


def _draw_actions(voucher: AdjustmentVoucher, accounts: dict[str, str], reversal: AdjustmentVoucher | None) -> None:
    acting, key = context.acting(), f"verifikationer.card.{voucher.id}"
    if voucher.editable:
        with st.expander("Ändra"):
            editor(f"{key}.edit", voucher.company_id, voucher, accounts,
                   lambda day, text, rows: vouchers.update_draft(acting, voucher.company_id, voucher.id, day, text,
                                                                 rows))
        with st.expander("Bilaga (PDF)"):
            upload = st.file_uploader("PDF som skickas med verifikationen", type=["pdf"], key=f"{key}.pdf")
            if upload is not None and st.button("Bifoga", key=f"{key}.attach"):
                _act(lambda: vouchers.attach_pdf(acting, voucher.company_id, voucher.id, upload.name,
                                                 upload.getvalue()), f"{upload.name} bifogad.")
            if voucher.attachment_name and st.button("Ta bort bilagan", key=f"{key}.detach"):
                _act(lambda: vouchers.remove_attachment(acting, voucher.company_id, voucher.id),
                     "Bilagan borttagen.")
        if _confirmed(f"{key}.delete", "Ta bort verifikationen", ":material/delete:",
                      f"Ta bort {escape_markdown(voucher.name)}? Utkastet och dess bilaga försvinner och kan inte "
                      "återskapas.", "Ja, ta bort"):
            _act(lambda: vouchers.delete_draft(acting, voucher.company_id, voucher.id),
                 f"{voucher.name} borttagen.")
    if voucher.status != VoucherStatus.EXPORTED:
        return
    if reversal is not None:
        assets.caption("undo", f"Vändning redan skapad: {escape_markdown(reversal.name)} "
                       f"({escape_markdown(reversal.status_label.lower())}"
                       f"{f' som {escape_markdown(reversal.fortnox_label)}' if reversal.fortnox_number else ''}).")
    question = (f"Skapa ett utkast som vänder {escape_markdown(voucher.fortnox_label)} (debet och kredit byter "
                "plats)? Det skickas till Fortnox först när du exporterar det.")
    if reversal is not None:
        question += " En vändning finns redan; en till vänder verifikationen två gånger."
    if _confirmed(f"{key}.reverse", "Skapa vändning", ":material/undo:", question, "Ja, skapa vändning"):
        _act(lambda: vouchers.create_reversal(acting, voucher.company_id, voucher.id),
             f"En vändning av {voucher.fortnox_label} har skapats som utkast. Exportera den för att rätta i Fortnox.")


def _confirmed(key: str, label: str, icon: str, question: str, yes: str) -> bool:
    """A button that asks before it acts: the first click shows the question beside Avbryt; True on the yes."""
    asking = f"{key}.asking"
    if not st.session_state.get(asking):
        st.button(label, key=key, icon=icon, on_click=st.session_state.__setitem__, args=(asking, True))
        return False
    st.warning(question, icon=":material/help:")
    confirm, cancel = st.columns(2)
    cancel.button("Avbryt", key=f"{key}.cancel", on_click=st.session_state.__setitem__, args=(asking, False))
    if confirm.button(yes, key=f"{key}.yes", type="primary"):
        st.session_state[asking] = False
        return True
    return False


def card(voucher: AdjustmentVoucher, accounts: dict[str, str], on_resend: Callable[[AdjustmentVoucher], None],
         reversal: AdjustmentVoucher | None = None) -> bool:
    """One bordered card per voucher (`reversal`: the draft or voucher that reverses it, if made); returns whether
    it is ticked."""
    with st.container(border=True):
        tick, status = st.columns([4, 1])
        # Only the text is escaped: escape_markdown folds white space, and the amount keeps its no-break space.
        tick_label = f"{escape_markdown(f'{voucher.date} · {voucher.text}')} · {format_sek(voucher.total_ore)} kr"
        ticked = tick.checkbox(tick_label,
                               key=f"verifikationer.tick.{voucher.id}", disabled=not voucher.exportable)
        exported_as = f" som {escape_markdown(voucher.fortnox_label)}" if voucher.fortnox_number else ""
        label = f"**{voucher.status_label}**{exported_as}"
        status.markdown(label)
        if voucher.error and voucher.status != VoucherStatus.EXPORTED:
            st.error(escape_markdown(voucher.error), icon=":material/error:")
        if voucher.attachment_name:
            sent = " (skickad till Fortnox)" if voucher.attachment_connected else ""
            assets.caption("attach_file", f"{escape_markdown(voucher.attachment_name)}{sent}")
        if voucher.attachment_error:
            st.warning(escape_markdown(voucher.attachment_error), icon=":material/attach_file:")
            if voucher.status == VoucherStatus.EXPORTED and st.button("Skicka bilagan igen",
                                                                      key=f"resend.{voucher.id}"):
                on_resend(voucher)
        shown, config = tables.prepared(_rows_table(voucher, accounts), ["Debet", "Kredit"])
        st.dataframe(shown, hide_index=True, column_config=config, placeholder="")
        _draw_actions(voucher, accounts, reversal)
    return ticked and voucher.exportable
