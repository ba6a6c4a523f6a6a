"""The Reskontra page's pieces: cached open items, Swedish tables, and an invoice's attachments.

A ledger can hold 50 000 open items: they are read once per company, ledger, balance date and import (cached), each
list is one table the browser scrolls (so it sorts over the whole list), and its files are written only when asked.
"""

from __future__ import annotations

import base64
import hashlib
import html
from datetime import date

import pandas as pd
import streamlit as st

from services.ledgers import api as ledgers
from services.ledgers.model import BUCKETS, ItemFilter, LedgerKind
from services.money import format_sek
from services.numbers import format_count
from ui import context, tables
from ui.text import escape_markdown

WORDS = {  # (party, party number, the ledger and the party in a file name)
    LedgerKind.CUSTOMER: ("Kund", "Kundnr", "kundreskontra", "kund"),
    LedgerKind.SUPPLIER: ("Leverantör", "Leverantörsnr", "leverantorsreskontra", "leverantor"),
}
BOOKED_CHOICES = {"Alla": None, "Bokförda": True, "Ej bokförda": False}
ALL = "Alla"
ITEM_MONEY = ["Belopp", "Kvar", "Kvar (SEK)"]


@st.cache_data(ttl=600, max_entries=8, show_spinner="Läser reskontran …")
def open_items(company_id: str, kind: str, day: date, version: str) -> pd.DataFrame:
    """`version` is only a cache key: a new import gives a new one, so the cache never shows stale ledgers."""
    return ledgers.items(context.acting(), company_id, LedgerKind(kind), day)


def _shown(frame: pd.DataFrame, money: list[str]) -> pd.DataFrame:
    """Money as plain int64: ui.tables turns each value into a Decimal, which takes Python ints (what int64 columns
    yield) but not the numpy scalars a nullable Int64 column yields."""
    return frame.astype({column: "int64" for column in money})


def signature(*parts: object) -> str:
    """A short stable key for widget state that must reset when what it shows changes."""
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:12]


def draw_summary(items: pd.DataFrame) -> None:
    summary = ledgers.summarise(items)
    columns = st.columns([1.2, 2, 2, 1, 1.6])
    columns[0].metric("Öppna poster", format_count(summary.items))
    columns[1].metric("Kvar att betala (SEK)", format_sek(summary.remaining_sek))
    columns[2].metric("Varav förfallet (SEK)", format_sek(summary.overdue_sek))
    columns[3].metric("Ej bokförda", format_count(summary.unbooked))
    columns[4].metric("Betalda efter balansdagen", format_count(summary.paid_after))
    if summary.foreign:
        st.caption("I utländsk valuta: " + ", ".join(
            f"{format_sek(amount)} {currency}" for currency, amount in sorted(summary.foreign.items()))
            + ". Beloppen i SEK är värderade till fakturornas kurs.")


def draw_ageing(items: pd.DataFrame, kind: str) -> None:
    table = ledgers.ageing(items)
    total = int(table["remaining_sek"].sum())
    shares = [int(v) / total if total else None for v in table["remaining_sek"]]
    frame = pd.DataFrame({"Ålder": table["bucket"], "Antal": table["items"], "Kvar (SEK)": table["remaining_sek"],
                          "Andel": shares})
    tables.show(_shown(frame, ["Kvar (SEK)"]), money=["Kvar (SEK)"], shares=["Andel"], key=f"reskontra.{kind}.ageing",
                file_name=f"aldersanalys-{WORDS[kind][2]}")


def choose_filter(items: pd.DataFrame, kind: str) -> ItemFilter:
    party = WORDS[kind][0].lower()
    search, bucket, booked, currency = st.columns([3, 2, 2, 1])
    term = search.text_input("Sök", key=f"reskontra.{kind}.search", placeholder=f"Fakturanummer eller {party}ens namn")
    age = bucket.selectbox("Ålder", [ALL, *BUCKETS], key=f"reskontra.{kind}.bucket")
    state = booked.selectbox("Bokföring", list(BOOKED_CHOICES), key=f"reskontra.{kind}.booked")
    currencies = sorted(items["currency"].unique())
    money = currency.selectbox("Valuta", [ALL, *currencies], key=f"reskontra.{kind}.currency.{'-'.join(currencies)}")
    return ItemFilter(bucket=None if age == ALL else age, booked=BOOKED_CHOICES[state],
                            currency=None if money == ALL else money, search=term)


def _party_frame(totals: pd.DataFrame, kind: str) -> pd.DataFrame:
    party, number, *_ = WORDS[kind]
    frame = pd.DataFrame({number: totals["party_number"], "Poster": totals["items"],
                          "Kvar (SEK)": totals["remaining_sek"], "Förfallet (SEK)": totals["overdue_sek"]})
    for bucket in BUCKETS:
        frame[bucket] = totals[bucket]
    frame[party] = totals["party_name"]  # last: a long name runs on to the right, the amounts stay in view
    return frame


def choose_party(items: pd.DataFrame, kind: str, key: str) -> tuple[str, str] | None:
    """The per-party totals, every party; the selected row's (number, name), if any."""
    party_money = ["Kvar (SEK)", "Förfallet (SEK)", *BUCKETS]
    shown = _shown(_party_frame(ledgers.party_totals(items), kind), party_money)
    event = tables.show(shown, money=party_money, key=key, file_name=f"per-{WORDS[kind][3]}-{WORDS[kind][2]}",
                        selectable=True)
    rows = event.selection.rows
    if not rows:
        return None
    picked = shown.iloc[rows[0]]
    return str(picked.iloc[0]), str(picked.iloc[1])


def item_frame(items: pd.DataFrame, kind: str) -> pd.DataFrame:
    party, number, *_ = WORDS[kind]
    after = [f"{status} {day}" if status else "" for status, day in zip(items["after_status"], items["after_date"],
                                                                       strict=True)]
    return _shown(pd.DataFrame({
        "Faktura": items["number"], number: items["party_number"],
        "Belopp": items["total"], "Kvar": items["remaining"], "Valuta": items["currency"],
        "Kvar (SEK)": items["remaining_sek"], "Dagar förfallen": items["days_overdue"],
        "Fakturadatum": items["invoice_date"], "Förfallodatum": items["due_date"], "Ålder": items["bucket"].astype(str),
        "Bokförd": items["booked"].map({True: "Ja", False: "Nej"}), "Efter balansdagen": after,
        party: items["party_name"],  # last: a long name runs on to the right, the amounts stay in view
    }), ITEM_MONEY)


def choose_item(items: pd.DataFrame, kind: str, key: str) -> str | None:
    """Every open item in one table; the selected invoice's number, if any."""
    event = tables.show(item_frame(items, kind), money=ITEM_MONEY, key=key,
                        file_name=f"oppna-poster-{WORDS[kind][2]}", selectable=True)
    rows = event.selection.rows
    return str(items.iloc[rows[0]]["number"]) if rows else None


def draw_attachments(company_id: str, kind: str, number: str) -> None:
    """The invoice's attachments: a PDF shown inline (the browser's own viewer), every file downloadable."""
    acting = context.acting()
    found = ledgers.invoice_attachments(acting, company_id, LedgerKind(kind), number)
    st.subheader(f"Bilagor till faktura {escape_markdown(number)}", anchor=False)
    if not found:
        st.info(f"Faktura {escape_markdown(number)} har ingen importerad bilaga. Bilagor hämtas med delen Bilagor "
                "under "
                "Underhåll → Import.", icon=":material/attach_file:")
        return
    for attachment in found:
        try:
            content = ledgers.attachment_content(acting, attachment)
        except FileNotFoundError:
            st.warning(f"Filen {escape_markdown(attachment.name)} saknas på disken. Importera Bilagor igen under "
                       "Underhåll → Import.",
                       icon=":material/warning:")
            continue
        if attachment.content_type == "application/pdf":
            _show_pdf(content, attachment.name)
        elif attachment.content_type.startswith("image/"):
            st.image(content, caption=attachment.name)
        tables.download(st.container(), f"Ladda ner {attachment.name}", content, attachment.name,
                        attachment.content_type, f"reskontra.file.{kind}.{number}.{attachment.file_id}")


def _show_pdf(content: bytes, name: str) -> None:
    """An <iframe> of a data: URL through st.markdown. The alternatives fail in Chromium: st.pdf needs the
    streamlit-pdf package (not installed), st.html strips iframes, and st.iframe sandboxes its frame, where Chromium
    refuses to run its PDF viewer. The URL holds only base64 and the title is escaped, so no markup gets in."""
    url = "data:application/pdf;base64," + base64.b64encode(content).decode("ascii")
    st.markdown(f'<iframe src="{url}" title="{html.escape(name)}" width="100%" height="640" '
                'style="border: 1px solid #ddd"></iframe>', unsafe_allow_html=True)
