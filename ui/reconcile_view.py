"""Drawing the reconciliation: progress and sign-off on top, one section per check (open only while something in it
is open), every finding's whole sentence, the drill-down to vouchers, invoices and their PDFs, marks, the remedy that
fits each finding, and the report for the year-end binder. The logic is in services.reconcile.api."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pandas as pd
import streamlit as st

from services.companies.model import Company
from services.errors import ServiceError
from services.mapping.model import Facts
from services.money import format_rate, format_sek
from services.numbers import format_part_of
from services.reconcile import api
from services.reconcile.model import (
    UNHANDLED,
    CheckId,
    CheckOutcome,
    Finding,
    ItemKind,
    MarkStatus,
    Outcome,
    Reconciliation,
    RemedyKind,
    Status,
    Year,
)
from services.spreadsheets import file_stem
from ui import context, ledger_view, tables
from ui.text import escape_markdown

ICONS = {Status.OK: ":material/check_circle:", Status.EXPLAINED: ":material/task_alt:",
         Status.DIFFERENCE: ":material/error:", Status.UNKNOWN: ":material/help:"}
RATES_KEY = "avstamning.rates"
NOTICE_KEY = "avstamning.notice"
WANTED_DAY_KEY = "avstamning.day"
# Identifying columns and amounts first, texts after them: a long text runs on to the right, the amounts stay in view.
VOUCHER_COLUMNS = {"series": "Serie", "number": "Nr", "date": "Datum", "account": "Konto", "amount_ore": "Belopp",
                   "text": "Text", "row_text": "Radtext", "struck_by": "Struken"}
INVOICE_COLUMNS = {"number": "Faktura", "party_name": "Motpart", "invoice_date": "Fakturadatum",
                   "due_date": "Förfallodatum", "currency": "Valuta", "total": "Belopp i valuta",
                   "total_sek_ore": "Belopp SEK", "paid_sek": "Betalt SEK", "booked": "Bokförd"}
TRIAL_COLUMNS = {"account": "Konto", "opening": "IB", "period": "Period", "balance": "Saldo",
                 "adjustments": "Bokslutsverifikationer", "after": "Efter bokslutsverifikationer", "name": "Namn"}


def _ordered(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """`frame`'s columns named and placed as `labels` has them."""
    return frame.rename(columns=labels)[list(labels.values())]


@st.cache_data(ttl=600, show_spinner="Hämtar låst period och inaktiva konton från Fortnox …")
def facts(company_id: str, year_id: str) -> Facts:
    """Two or three requests to Fortnox, so kept ten minutes rather than asked on every click."""
    return api.facts(context.acting(), company_id, year_id)


@st.cache_resource(ttl=600, max_entries=8, show_spinner="Stämmer av …")
def run(company_id: str, day: date, rates: tuple[tuple[str, Decimal], ...], known: Facts,
        version: str) -> Reconciliation:
    """The computed checks per (company, balance date, rates, Fortnox facts); `version` only keys the cache. Shared
    rather than copied per run (cache_resource): it is immutable, so pickling its thousands of findings would be
    work for nothing. People's marks and sign-offs are applied on every run, outside the cache."""
    return api.reconcile(context.acting(), company_id, day, dict(rates), known)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _trial_balance(company_id: str, year: Year, day: date, version: str) -> pd.DataFrame:
    return _ordered(api.trial_balance(context.acting(), company_id, year, day), TRIAL_COLUMNS)


@st.cache_data(ttl=600, max_entries=8, show_spinner=False)
def _open_currencies(company_id: str, day: date, version: str) -> dict[str, Decimal]:
    return api.open_currencies(context.acting(), company_id, day)


def balance_date_input(company: Company, years: Sequence[Year]) -> date:
    """The balance date; one chosen on another company carries over when it lies in this company's years, and the
    page says so when it cannot (another financial year end)."""
    wanted: date | None = st.session_state.get(WANTED_DAY_KEY)
    key = f"avstamning.day.{company.id}"
    if wanted is not None and any(year.start <= wanted <= year.end for year in years):
        st.session_state[key] = wanted
    else:
        shown = st.session_state.setdefault(key, years[-1].end)
        if wanted is not None and shown != wanted:
            st.info(f"Balansdagen ändrades till {shown}: {wanted} ligger inte i något importerat räkenskapsår för "
                    f"{company.name}, vars senaste år slutar {years[-1].end}.", icon=":material/event:")
    day = st.date_input("Balansdag", min_value=years[0].start, max_value=years[-1].end, format="YYYY-MM-DD", key=key)
    st.session_state[WANTED_DAY_KEY] = day
    return day


def rate_inputs(company_id: str, day: date, version: str) -> dict[str, Decimal]:
    """The balance-date rates entered per currency (11,10 or 11.10); empty means each item keeps its invoice's rate.
    Drawn, and the open currencies looked up, only while the section is open; kept per company in the session."""
    rates: dict[str, Decimal] = st.session_state.setdefault(f"{RATES_KEY}.{company_id}", {})
    section = st.expander("Valutakurser på balansdagen", key=f"{RATES_KEY}.open", on_change="rerun")
    if not section.open:
        return dict(rates)
    with section:
        currencies = _open_currencies(company_id, day, version)
        if not currencies:
            st.caption("Inga öppna poster i utländsk valuta på balansdagen.")
            return dict(rates)
        st.caption("Öppna poster i utländsk valuta värderas till fakturans kurs tills du anger balansdagens kurs "
                   "(kronor per valutaenhet, till exempel 11,10).")
        for column, (currency, invoice_rate) in zip(st.columns(len(currencies)), currencies.items()):
            entered = rates.get(currency)
            typed = column.text_input(f"{currency} (senaste fakturakurs {format_rate(invoice_rate)})",
                                      value=format_rate(entered) if entered else "",
                                      key=f"avstamning.rate.{company_id}.{currency}")
            try:
                rate = api.parse_rate(typed)
            except ServiceError as exc:
                context.show_error(exc, column)
                continue
            if rate is None:
                rates.pop(currency, None)
                continue
            rates[currency] = rate
            warning = api.rate_warning(currency, rate, invoice_rate)
            if warning:
                column.warning(warning, icon=":material/warning:")
    return dict(rates)


def summary(company: Company, result: Outcome) -> None:
    """Progress for the company at the balance date, the sign-off of the whole, the report, the checks table."""
    counts = {status: sum(o.status == status for o in result.checks) for status in Status}
    left, middle, right = st.columns([1, 2, 2])
    left.metric("Hanterade fynd", format_part_of(result.handled, result.total))
    ready = counts[Status.OK] + counts[Status.EXPLAINED]
    middle.metric("Kontroller", f"{format_part_of(ready, len(result.checks))} klara",
                  help="Ok eller förklarade; okända saknar underlag och räknas inte som klara.")
    with right:
        if result.signed_off:
            st.success(api.signed_text(result), icon=":material/verified:")
        elif result.reopened:
            st.warning(api.signed_text(result), icon=":material/history:")
        if result.closable and not result.signed_off:
            _sign_off_button(result, None, "Signera hela avstämningen")
        elif not result.closable:
            st.caption("Hela avstämningen kan signeras när inget fynd är öppet.")
    reports = st.container(horizontal=True)  # side by side, each as wide as its label
    name = f"avstamningsrapport-{company.orgnr}-{result.result.balance_date}"
    tables.download(reports, "Avstämningsrapport (PDF)",
                    lambda: api.report_pdf(context.acting(), result, company.name, company.orgnr), f"{name}.pdf",
                    "application/pdf", "avstamning.report.pdf")
    tables.download(reports, "Avstämningsrapport (Excel)",
                    lambda: api.report_excel(context.acting(), result, company.name, company.orgnr), f"{name}.xlsx",
                    tables.EXCEL, "avstamning.report.xlsx")
    tables.show(api.summary_frame(result), money=api.REPORT_MONEY[:-1], key="avstamning.summary",
                file_name=f"avstamning-{company.orgnr}-{result.result.balance_date}")


def _sign_off_button(result: Outcome, check_id: str | None, label: str) -> None:
    if st.button(label, key=f"avstamning.signoff.{check_id or 'alla'}", icon=":material/verified:"):
        context.act(lambda: api.sign_off(context.acting(), result, check_id),
                    "Signerat. Det syns i avstämningsrapporten.")


def check_section(company: Company, result: Outcome, outcome: CheckOutcome, version: str, known: Facts) -> None:
    """One expander per check, open while something in it is open; drawn only while open (closed checks cost
    nothing: the trial balance and long lists of findings are the page's heaviest parts)."""
    check = outcome.check
    progress = f" · {format_part_of(outcome.handled, len(outcome.findings))} hanterade" if outcome.findings else ""
    signed = f" · {api.signed_text(outcome)}" if outcome.signed_off else ""
    title = f"{check.label} – {outcome.status.label}{progress}{signed}"
    section = st.expander(title, expanded=outcome.status == Status.DIFFERENCE, icon=ICONS[outcome.status],
                          key=f"avstamning.{check.id}.open", on_change="rerun")
    if not section.open:
        return
    with section:
        if outcome.status == Status.UNKNOWN:
            st.info(check.note, icon=":material/help:")
            st.page_link("app_pages/underhall.py", label="Till Underhåll → Import", icon=":material/build:")
            return
        if check.note:
            st.caption(check.note)
        if outcome.reopened and not outcome.signed_off:
            st.warning(f"Signeringen är öppnad igen: {outcome.reopened.changes}.", icon=":material/history:")
        if check.id == CheckId.TRIAL_BALANCE:
            tables.show(_trial_balance(company.id, result.result.year, result.result.balance_date, version),
                        money=list(TRIAL_COLUMNS.values())[2:], key="avstamning.trial_balance",
                        file_name=f"rabalans-{result.result.balance_date}", height=300)
        if outcome.findings:
            shown = _listed(outcome)
            if shown:
                _evidence(company, result, outcome, shown, known)
            if any(f.item.kind == ItemKind.CURRENCY_DIFFERENCE for f in outcome.findings):
                _revaluation_action(result, outcome, known)
        if outcome.closable and not outcome.signed_off:
            _sign_off_button(result, check.id, "Signera kontrollen")


def _state(finding: Finding) -> str:
    return f"{api.finding_state(finding)} · {finding.mark_label}"


def _findings_frame(findings: Sequence[Finding]) -> pd.DataFrame:
    return pd.DataFrame({
        "Id": [f.id for f in findings], "Slag": [f.item.kind.label for f in findings],
        "Belopp": [f.item.amount_ore for f in findings], "Fynd": [f.item.text for f in findings],
        "Åtgärd": [f.remedy.text for f in findings], "Status": [_state(f) for f in findings],
        "Anteckning": [f.mark.note if f.mark else "" for f in findings],
    })


def _matches(finding: Finding, words: list[str]) -> bool:
    item = finding.item
    haystack = " ".join((item.text, item.invoice or "", item.account or "", finding.id,
                         *(v.label for v in item.vouchers))).lower()
    return all(word in haystack for word in words)


def _listed(outcome: CheckOutcome) -> list[Finding]:
    """The findings matching the search, all of them in one table that sorts over the whole list, each sentence
    whole; the same list downloadable. Returns them for the drill-down to choose among."""
    base = f"avstamning.{outcome.check.id}"
    words = st.text_input("Sök bland fynden", key=f"{base}.search",
                          placeholder="verifikation, faktura, konto eller text").lower().split()
    found = [f for f in outcome.findings if _matches(f, words)] if words else list(outcome.findings)
    if words:
        st.caption(f"{format_part_of(len(found), len(outcome.findings))} fynd matchar sökningen.")
    if found:
        frame = _findings_frame(found)
        tables.show(frame.drop(columns=["Id"]), money=["Belopp"], key=f"{base}.list.{len(found)}",
                    file_name=file_stem("fynd", outcome.check.label), height=min(400, 38 + 35 * len(found)))
    return found


def _short(text: str, limit: int = 110) -> str:
    """A finding's start as a choice (the whole sentence is drawn right below it, and in the list above); longer
    labels make the box's fuzzy search match the wrong finding."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


@st.fragment
def _evidence(company: Company, result: Outcome, outcome: CheckOutcome, shown: list[Finding], known: Facts) -> None:
    """The finding whose vouchers and invoices are shown: picking another reruns only this part of the page."""
    index = st.selectbox("Visa underlag för", range(len(shown)), key=f"avstamning.{outcome.check.id}.item",
                         format_func=lambda i: _short(shown[i].item.text))
    _drill_down(company, result, shown[index], known)


def _drill_down(company: Company, result: Outcome, finding: Finding, known: Facts) -> None:
    item, acting = finding.item, context.acting()
    key = f"avstamning.{finding.check_id}.{finding.id}"
    st.markdown(f"**{escape_markdown(item.text)}**")
    st.caption(f"Åtgärd: {escape_markdown(finding.remedy.text)} Status: {escape_markdown(_state(finding))}.")
    if item.vouchers:
        rows = api.voucher_rows(acting, company.id, item.vouchers).drop(columns=["year_id"])
        rows["struck_by"] = [f"Struken av {by}" if by else ("Struken" if by == "" else "") for by in rows["struck_by"]]
        tables.show(_ordered(rows, VOUCHER_COLUMNS), money=["Belopp"], key=f"{key}.vouchers",
                    file_name=file_stem("verifikationer", finding.check_id.label))
    if item.invoice and item.invoice_kind:
        invoices = api.invoice_rows(acting, company.id, item.invoice_kind, [item.invoice], result.result.balance_date)
        invoices["booked"] = invoices["booked"].map({1: "Ja", 0: "Nej"})
        tables.show(invoices.rename(columns=INVOICE_COLUMNS), money=["Belopp i valuta", "Belopp SEK", "Betalt SEK"],
                    key=f"{key}.invoices", file_name=file_stem("fakturor", finding.check_id.label))
        with st.expander(f"Fakturans bilagor ({item.invoice})", icon=":material/attach_file:"):
            ledger_view.draw_attachments(company.id, item.invoice_kind, item.invoice)
    notice = st.session_state.pop(f"{NOTICE_KEY}.{finding.id}", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    marking, remedy = st.columns(2)
    _mark_form(marking, company, finding, key)
    with remedy.container(border=True):
        _remedy(company, result, finding, known, key)


def _mark_form(where: st.delta_generator.DeltaGenerator, company: Company, finding: Finding, key: str) -> None:
    choices: list[MarkStatus | None] = [None, *MarkStatus]
    current = finding.mark.status if finding.mark else None
    with where.form(f"{key}.mark", border=True):
        status = st.radio("Markering", choices, index=choices.index(current), horizontal=True,
                          format_func=lambda s: s.label if s else UNHANDLED)
        note = st.text_area("Anteckning", value=finding.mark.note if finding.mark else "", height=80,
                            help="Krävs för Ok när fyndet har ett belopp; följer med i avstämningsrapporten.")
        if st.form_submit_button("Spara markering"):
            try:
                api.set_mark(context.acting(), company.id, finding, status, note)
            except ServiceError as exc:
                context.show_error(exc)
                return
            st.session_state[f"{NOTICE_KEY}.{finding.id}"] = "Markeringen är sparad."
            st.rerun()


def _remedy(company: Company, result: Outcome, finding: Finding, known: Facts, key: str) -> None:
    kind = finding.remedy.kind
    if kind == RemedyKind.MAPPING:
        st.caption(finding.remedy.text)
        st.page_link("app_pages/kontomappning.py", label="Öppna Kontomappning", icon=":material/account_tree:")
    elif kind in (RemedyKind.FORTNOX, RemedyKind.NONE) or finding.item.kind == ItemKind.CURRENCY_DIFFERENCE:
        st.caption(finding.remedy.text)
    elif finding.draft is not None:
        done = f"exporterad som {finding.draft.fortnox}" if finding.draft.fortnox else "ett utkast"
        st.caption(f"Rättelsen är {done}.")
        st.page_link("app_pages/verifikationer.py", label="Visa utkast", icon=":material/receipt_long:")
    elif not finding.resolved:
        _draft_form(company, result, finding, known, key)


def _draft_form(company: Company, result: Outcome, finding: Finding, known: Facts, key: str) -> None:
    acting, item = context.acting(), finding.item
    accounts = api.offset_accounts(acting, company.id, result.result.year.id, known)
    options = [a for a in accounts if a != item.account]
    proposed = api.default_offset(acting, company.id, finding, known)
    side = "debiterar" if item.amount_ore < 0 else "krediterar"  # the correction's row on the account is -amount
    st.caption(f"{finding.remedy.text} Rättelsen {side} {item.account} med {format_sek(abs(item.amount_ore))} kr "
               "och motkontot med samma belopp åt andra hållet; den kan redigeras under Verifikationer tills den "
               "exporteras.")
    offset = st.selectbox("Motkonto", options, key=f"{key}.offset", format_func=lambda a: f"{a} {accounts[a]}",
                          index=options.index(proposed) if proposed in options else None,
                          placeholder="Välj motkonto")
    if st.button("Skapa verifikation", key=f"{key}.draft", icon=":material/add:"):
        try:
            api.draft_correction(acting, result, finding.id, offset, known)
        except ServiceError as exc:
            context.show_error(exc)
            return
        st.session_state[f"{NOTICE_KEY}.{finding.id}"] = "Rättelsen är skapad som utkast under Verifikationer."
        st.rerun()


def _revaluation_action(result: Outcome, outcome: CheckOutcome, known: Facts) -> None:
    findings = [f for f in outcome.findings if f.item.kind == ItemKind.CURRENCY_DIFFERENCE]
    change = sum(f.item.amount_ore for f in findings)
    st.caption(f"Omvärdering till balansdagens kurs: {format_sek(change)} kr på {outcome.check.account}.")
    if any(f.draft for f in findings):
        st.page_link("app_pages/verifikationer.py", label="Visa omvärderingsverifikationen",
                     icon=":material/receipt_long:")
        return
    if st.button("Skapa omvärderingsverifikation", key=f"avstamning.{outcome.check.id}.revaluation"):
        context.act(lambda: api.draft_revaluation(context.acting(), result, outcome.check.id, known),
                    "Omvärderingsverifikationen är skapad och finns under Verifikationer.")
