"""Drawing the reconciliation: the status table, one section per check with its explained items, the drill-down to
vouchers and invoices, marks, and the draft-voucher actions. The logic is in services.reconcile."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
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
PAGE_SIZE = 100  # findings drawn at a time; a check can hold tens of thousands
RATES_KEY = "avstamning.rates"


@st.cache_data(ttl=600, show_spinner="Hämtar låst period och inaktiva konton från Fortnox …")
def facts(company_id: str, year_id: str) -> Facts:
    """Two or three requests to Fortnox, so kept ten minutes rather than asked on every click."""
    return reconcile.fetch_facts(context.settings(), company_id, year_id)


def data_version(company_id: str) -> str:
    """Changes whenever what the reconciliation reads changes (an import, a draft, an edited or exported adjustment
    voucher): only a cache key for `run`, so switching views reuses the result but never shows a stale one."""
    with store.open_db(context.settings().database_path) as db:
        parts = [db.execute("select max(finished_at), count(*) from import_runs where company_id = ?",
                            [company_id]).fetchone()]
        parts += [db.execute(f"select max(rowid) from {table}").fetchone()
                  for table in ("vouchers", "transactions", "balances", "financial_years", "accounts",
                                "ledger_invoices", "ledger_payments", "predefined_accounts")]
        digest = hashlib.sha1()
        for row in db.execute(
                "select a.id, a.date, a.status, a.fortnox_year, a.fortnox_series, a.fortnox_number, r.row_no, "
                "r.account, r.debit_ore, r.credit_ore from adjustment_vouchers a "
                "left join adjustment_rows r on r.voucher_id = a.id where a.company_id = ? order by a.id, r.row_no",
                [company_id]):
            digest.update(repr(tuple(row)).encode())
    return f"{parts}|{digest.hexdigest()}"


@st.cache_resource(ttl=600, max_entries=8, show_spinner="Stämmer av …")
def run(company_id: str, day: date, rates: tuple[tuple[str, Decimal], ...], facts: Facts,
        version: str) -> Reconciliation:
    """The reconciliation per (company, balance date, rates, Fortnox facts); `version` only keys the cache. Shared
    rather than copied per run (cache_resource): it is immutable, so pickling its thousands of findings on a miss
    and unpickling them on every run would be work for nothing."""
    with store.open_db(context.settings().database_path) as db:
        return reconcile.reconcile(db, company_id, day, dict(rates), facts)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _trial_balance(company_id: str, year: reconcile.Year, day: date, version: str) -> pd.DataFrame:
    with store.open_db(context.settings().database_path) as db:
        return reconcile.trial_balance_table(db, company_id, year, day)


def years(company_id: str) -> list[reconcile.Year]:
    with store.open_db(context.settings().database_path) as db:
        return reconcile.financial_years(db, company_id)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _open_currencies(company_id: str, day: date, version: str) -> dict[str, Decimal]:
    with store.open_db(context.settings().database_path) as db:
        return reconcile.open_currencies(db, company_id, day)


def rate_inputs(company_id: str, day: date, version: str) -> dict[str, Decimal]:
    """The balance-date rates entered per currency; empty means each item keeps its invoice's rate. The fields are
    drawn, and the currencies with open items looked up, only while the section is open; the rates are kept in the
    session per company so a closed section still applies them (a rate for a currency with nothing open changes
    nothing)."""
    rates: dict[str, Decimal] = st.session_state.setdefault(f"{RATES_KEY}.{company_id}", {})
    section = st.expander("Valutakurser på balansdagen", key=f"{RATES_KEY}.open", on_change="rerun")
    if not section.open:
        return dict(rates)
    with section:
        currencies = _open_currencies(company_id, day, version)
        if not currencies:
            st.caption("Inga öppna poster i utländsk valuta på balansdagen.")
            return dict(rates)
        st.caption("Öppna poster i utländsk valuta värderas till fakturans kurs tills du anger balansdagens kurs.")
        for column, (currency, invoice_rate) in zip(st.columns(len(currencies)), currencies.items()):
            entered = rates.get(currency)
            value = column.number_input(f"{currency} (senaste fakturakurs {invoice_rate})", min_value=0.0,
                                        value=float(entered) if entered else None, step=0.0001, format="%.4f",
                                        key=f"avstamning.rate.{company_id}.{currency}")
            if value:
                rates[currency] = Decimal(str(value)).quantize(Decimal("0.0001"))
            else:
                rates.pop(currency, None)
    return dict(rates)


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


def _items_table(check: Check, items: Sequence[Item], marks: dict[tuple[str, str], Mark]) -> pd.DataFrame:
    def mark(item: Item) -> Mark | None:
        return marks.get((check.id, item.key))

    return pd.DataFrame({
        "Fynd": [item.text for item in items],
        "Belopp": [item.amount_ore for item in items],
        "Datum": [item.day.isoformat() if item.day else "" for item in items],
        "Verifikation": [", ".join(v.label for v in item.vouchers) for item in items],
        "Faktura": [item.invoice or "" for item in items],
        "Markering": [m.label if (m := mark(item)) else "" for item in items],
        "Anteckning": [m.note if (m := mark(item)) else "" for item in items],
    })


def _kinds(check: Check) -> pd.DataFrame:
    """The check's findings per kind: how many and their sum, what a reader takes in before the items."""
    counts: dict[str, list[int]] = {}
    for item in check.items:
        entry = counts.setdefault(item.kind, [0, 0])
        entry[0] += 1
        entry[1] += item.amount_ore
    return pd.DataFrame({"Slag": list(counts), "Antal": [c for c, _ in counts.values()],
                         "Belopp": [s for _, s in counts.values()]})


def _matches(item: Item, words: list[str]) -> bool:
    haystack = " ".join((_ref(item), item.text, item.invoice or "", item.account or "",
                         *(v.label for v in item.vouchers))).lower()
    return all(word in haystack for word in words)


def check_section(company: Company, result: Reconciliation, check: Check,
                  marks: dict[tuple[str, str], Mark], version: str) -> None:
    """One expander per check, open when it shows a difference; its content is drawn only while it is open, so a
    closed check costs nothing (the trial balance and the findings' tables are the page's heaviest parts)."""
    title = f"{check.label} – {reconcile.STATUS_LABELS[check.status]}"
    section = st.expander(title, expanded=check.status == reconcile.DIFFERENCE, icon=ICONS[check.status],
                          key=f"avstamning.{check.id}.open", on_change="rerun")
    if not section.open:
        return
    with section:
        if check.note:
            st.caption(check.note)
        if check.id == "trial_balance":
            table = _trial_balance(company.id, result.year, result.balance_date, version)
            money = ["IB", "Period", "Saldo", "Bokslutsverifikationer", "Efter bokslutsverifikationer"]
            tables.show(table, money=money,
                        key="avstamning.trial_balance", file_name=f"rabalans-{result.balance_date}", height=300)
        if not check.items:
            return
        shown = _paged_items(result, check, marks)
        if shown:
            _evidence(company, result, check, shown, marks)
        if any(item.kind == reconcile.REVALUATION for item in check.items):
            _revaluation_action(company, result, check)


def _paged_items(result: Reconciliation, check: Check, marks: dict[tuple[str, str], Mark]) -> list[Item]:
    """A summary per kind, then the findings matching the search a page at a time; returns the page's findings,
    which the drill-down chooses among."""
    base = f"avstamning.{check.id}"
    total = len(check.items)
    if total > PAGE_SIZE:
        st.markdown(f"**{total} fynd**")
        tables.show(_kinds(check), money=["Belopp"], key=f"{base}.kinds", file_name=f"{check.id}-slag")
    search, paging = st.columns([3, 1])
    words = search.text_input("Sök bland fynden", key=f"{base}.search",
                              placeholder="verifikation, faktura, konto eller text").lower().split()
    found = [item for item in check.items if _matches(item, words)] if words else list(check.items)
    pages = max(1, -(-len(found) // PAGE_SIZE))
    page = paging.number_input(f"Sida (av {pages})", min_value=1, max_value=pages, value=1, step=1,
                               key=f"{base}.page.{pages}") if pages > 1 else 1
    shown = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    if words or pages > 1:
        st.caption(f"Visar fynd {(page - 1) * PAGE_SIZE + 1 if shown else 0}–{(page - 1) * PAGE_SIZE + len(shown)} "
                   f"av {len(found)}" + (f" som matchar (av {total})" if words else "") + ".")
    if not shown:
        return []
    tables.show(_items_table(check, shown, marks), money=["Belopp"], key=f"{base}.items",
                file_name=f"{check.id}-{result.balance_date}-sida-{page}")
    if total > PAGE_SIZE:
        st.download_button("Ladda ner alla fynd (CSV)", lambda: tables.csv_bytes(_items_table(check, found, marks),
                                                                                ["Belopp"]),
                           f"{check.id}-{result.balance_date}.csv", "text/csv", key=f"{base}.all.csv",
                           icon=":material/download:")
    return shown


@st.fragment
def _evidence(company: Company, result: Reconciliation, check: Check, shown: list[Item],
              marks: dict[tuple[str, str], Mark]) -> None:
    """The finding whose vouchers and invoices are shown: picking another reruns only this part of the page."""
    index = st.selectbox("Visa underlag för", range(len(shown)), key=f"avstamning.{check.id}.item",
                         format_func=lambda i: f"{_ref(shown[i])}: {shown[i].text[:90]}")
    _drill_down(company, result, check, shown[index], marks.get((check.id, shown[index].key)))


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
            try:
                reconcile.set_mark(context.settings(), company.id, check.id, item.key, status, note,
                                   context.actor())
            except reconcile.ReconcileError as exc:
                st.error(str(exc), icon=":material/error:")
            else:
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
