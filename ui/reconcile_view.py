"""Drawing the reconciliation: the status table, one section per check with its explained items, the drill-down to
vouchers and invoices, marks, and the draft-voucher actions. The logic is in services.reconcile."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from services import reconcile, store
from services.companies import Company
from services.money import format_sek
from services.reconcile import Check, Facts, Item, Mark, Reconciliation
from ui import context, tables

ICONS = {reconcile.OK: ":material/check_circle:", reconcile.DIFFERENCE: ":material/error:",
         reconcile.UNKNOWN: ":material/help:"}


@st.cache_data(ttl=600, show_spinner="Hämtar låst period och inaktiva konton från Fortnox …")
def facts(company_id: str, year_id: str) -> Facts:
    """Two or three requests to Fortnox, so kept ten minutes rather than asked on every click."""
    return reconcile.fetch_facts(context.settings(), company_id, year_id)


def years(company_id: str) -> list[reconcile.Year]:
    with store.open_db(context.settings().database_path) as db:
        return reconcile.financial_years(db, company_id)


def rate_inputs(company_id: str, day: date) -> dict[str, Decimal]:
    """A balance-date rate per currency with open items; empty means each item keeps its invoice's rate."""
    with store.open_db(context.settings().database_path) as db:
        currencies = reconcile.open_currencies(db, company_id, day)
    if not currencies:
        return {}
    rates: dict[str, Decimal] = {}
    with st.expander("Valutakurser på balansdagen"):
        st.caption("Öppna poster i utländsk valuta värderas till fakturans kurs tills du anger balansdagens kurs.")
        for column, (currency, invoice_rate) in zip(st.columns(len(currencies)), currencies.items()):
            value = column.number_input(f"{currency} (senaste fakturakurs {invoice_rate})", min_value=0.0,
                                        value=None, step=0.0001, format="%.4f", key=f"avstamning.rate.{currency}")
            if value:
                rates[currency] = Decimal(str(value)).quantize(Decimal("0.0001"))
    return rates


def summary(result: Reconciliation) -> None:
    frame = pd.DataFrame({
        "Kontroll": [check.label for check in result.checks],
        "Status": [reconcile.STATUS_LABELS[check.status] for check in result.checks],
        "Huvudbok": [check.gl_ore for check in result.checks],
        "Jämförelse": [check.ledger_ore for check in result.checks],
        "Differens": [check.difference_ore for check in result.checks],
        "Förklarat": [check.explained_ore for check in result.checks],
        "Oförklarat": [check.unexplained_ore for check in result.checks],
    })
    tables.show(frame, money=["Huvudbok", "Jämförelse", "Differens", "Förklarat", "Oförklarat"],
                key="avstamning.summary", file_name=f"avstamning-{result.balance_date}")


def _ref(item: Item) -> str:
    if item.vouchers:
        return f"verifikation {item.vouchers[0].label}"
    if item.invoice:
        return f"faktura {item.invoice}"
    return f"konto {item.account}" if item.account else str(item.day or "")


def _items_table(check: Check, marks: dict[tuple[str, str], Mark]) -> pd.DataFrame:
    def mark(item: Item) -> Mark | None:
        return marks.get((check.id, item.key))

    return pd.DataFrame({
        "Fynd": [item.text for item in check.items],
        "Belopp": [item.amount_ore for item in check.items],
        "Datum": [item.day.isoformat() if item.day else "" for item in check.items],
        "Verifikation": [", ".join(v.label for v in item.vouchers) for item in check.items],
        "Faktura": [item.invoice or "" for item in check.items],
        "Markering": [m.label if (m := mark(item)) else "" for item in check.items],
        "Anteckning": [m.note if (m := mark(item)) else "" for item in check.items],
    })


def check_section(company: Company, result: Reconciliation, check: Check,
                  marks: dict[tuple[str, str], Mark]) -> None:
    title = f"{check.label} – {reconcile.STATUS_LABELS[check.status]}"
    with st.expander(title, expanded=check.status == reconcile.DIFFERENCE, icon=ICONS[check.status]):
        if check.note:
            st.caption(check.note)
        if check.id == "trial_balance":
            with store.open_db(context.settings().database_path) as db:
                table = reconcile.trial_balance_table(db, company.id, result.year, result.balance_date)
            money = ["IB", "Period", "Saldo", "Bokslutsverifikationer", "Efter bokslutsverifikationer"]
            tables.show(table, money=money,
                        key="avstamning.trial_balance", file_name=f"rabalans-{result.balance_date}", height=300)
        if not check.items:
            return
        tables.show(_items_table(check, marks), money=["Belopp"], key=f"avstamning.{check.id}.items",
                    file_name=f"{check.id}-{result.balance_date}")
        index = st.selectbox("Visa underlag för", range(len(check.items)), key=f"avstamning.{check.id}.item",
                             format_func=lambda i: f"{_ref(check.items[i])}: {check.items[i].text[:90]}")
        _drill_down(company, result, check, check.items[index], marks.get((check.id, check.items[index].key)))
        if any(item.kind == reconcile.REVALUATION for item in check.items):
            _revaluation_action(company, result, check)


def _drill_down(company: Company, result: Reconciliation, check: Check, item: Item, mark: Mark | None) -> None:
    with store.open_db(context.settings().database_path) as db:
        rows = reconcile.voucher_rows(db, company.id, item.vouchers)
        invoices = (reconcile.invoice_rows(db, company.id, item.invoice_kind, [item.invoice], result.balance_date)
                    if item.invoice and item.invoice_kind else pd.DataFrame())
    key = f"avstamning.{check.id}.{item.key}"
    if len(rows):
        st.markdown("**Verifikationer**")
        tables.show(rows, money=["Belopp"], key=f"{key}.vouchers", file_name=f"verifikationer-{check.id}")
    if len(invoices):
        st.markdown("**Fakturor**")
        tables.show(invoices, money=["Belopp i valuta", "Belopp SEK", "Betalt SEK"], key=f"{key}.invoices",
                    file_name=f"fakturor-{check.id}")
    marking, drafting = st.columns(2)
    with marking.form(f"{key}.mark", border=True):
        choices = list(reconcile.MARK_LABELS)
        status = st.radio("Markering", choices, format_func=reconcile.MARK_LABELS.get, horizontal=True,
                          index=choices.index(mark.status) if mark else 0)
        note = st.text_input("Anteckning", value=mark.note if mark else "")
        if st.form_submit_button("Spara markering"):
            reconcile.set_mark(context.settings(), company.id, check.id, item.key, status, note, context.actor())
            context.flash("success", "Markeringen är sparad.")
            st.rerun()
    if item.explains and item.amount_ore and item.account:
        _draft_action(drafting, company, result, check, item, key)


def _draft_action(column: DeltaGenerator, company: Company, result: Reconciliation, check: Check, item: Item,
                  key: str) -> None:
    with store.open_db(context.settings().database_path) as db:
        accounts = {row["number"]: row["name"] for row in db.query(
            "select number, name from accounts where company_id = ? and year_id = ? order by number",
            [company.id, result.year.id])}
    with column.container(border=True):
        st.caption(f"Bokför bort {format_sek(item.amount_ore)} kr på {item.account} mot ett motkonto.")
        offset = st.selectbox("Motkonto", [a for a in accounts if a != item.account], key=f"{key}.offset",
                              format_func=lambda a: f"{a} {accounts[a]}", index=None, placeholder="Välj motkonto")
        if st.button("Skapa verifikation", key=f"{key}.draft"):
            text = f"Avstämning {item.account}: rättelse {_ref(item)}"
            try:
                reconcile.draft_from_difference(context.settings(), company.id, account=item.account or "",
                                                amount_ore=item.amount_ore, offset_account=offset or "",
                                                day=result.balance_date, text=text, actor=context.actor())
            except reconcile.ReconcileError as exc:
                st.error(str(exc), icon=":material/error:")
                return
            context.flash("success", f"Utkastet ”{text}” är skapat och finns under Verifikationer.")
            st.rerun()


def _revaluation_action(company: Company, result: Reconciliation, check: Check) -> None:
    change = sum(item.amount_ore for item in check.items if item.kind == reconcile.REVALUATION)
    st.caption(f"Omvärdering till balansdagens kurs: {format_sek(change)} kr på {check.account}.")
    if st.button("Skapa omvärderingsverifikation", key=f"avstamning.{check.id}.revaluation"):
        try:
            reconcile.revaluation_draft(context.settings(), company.id, check, result.balance_date, context.actor())
        except reconcile.ReconcileError as exc:
            st.error(str(exc), icon=":material/error:")
            return
        context.flash("success", "Omvärderingsverifikationen är skapad och finns under Verifikationer.")
        st.rerun()
