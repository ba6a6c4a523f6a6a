"""Avstämningsrapport for the year-end binder (bokslutspärmen): per company and balance date, each check's balances,
difference, explained and unexplained, every finding with its remedy, status, mark and note, corrections with their
Fortnox numbers, and who signed off when. As PDF (reportlab) and as Excel.

Client texts are escaped before reportlab's paragraph markup sees them, and written as text cells in Excel.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

import pandas as pd
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, PropertySet, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from services import spreadsheets
from services.money import format_sek
from services.numbers import format_part_of
from services.reconcile.model import CheckOutcome, Finding, Outcome, ResolutionKind
from services.timestamps import local_time, now_iso


@dataclass(frozen=True)
class Heading:
    company: str
    orgnr: str
    prepared_by: str


def signed_text(outcome: CheckOutcome | Outcome) -> str:
    if outcome.signed_off:
        return f"Avstämd av {outcome.signed_off.by}, {local_time(outcome.signed_off.at)}"
    if outcome.reopened:
        return f"Öppnad igen {local_time(outcome.reopened.at)}: {outcome.reopened.changes}"
    return "Ej signerad"


def check_signed_text(result: Outcome, outcome: CheckOutcome) -> str:
    """A check's signature as an auditor reads it: its own sign-off, else the whole reconciliation's, which covers
    every check in it (signing the whole needs every check closed), so no row says Ej signerad under a signed
    header."""
    if outcome.signed_off is None and result.signed_off is not None:
        return f"{signed_text(result)} (hela avstämningen)"
    return signed_text(outcome)


def finding_state(finding: Finding) -> str:
    resolution = finding.resolution
    if resolution is None:
        if finding.draft is not None:
            return "Öppen – rättelse som utkast"
        return "Öppen"
    if resolution.kind == ResolutionKind.CORRECTED:
        return f"Rättad med {resolution.voucher}"
    if resolution.kind == ResolutionKind.OWN_CORRECTION:
        return f"Rättelse {resolution.voucher} från Skatt & Bokslut"
    return "Förklarad"


def summary_frame(result: Outcome) -> pd.DataFrame:
    return pd.DataFrame({
        "Kontroll": [o.check.label for o in result.checks],
        "Status": [o.status.label for o in result.checks],
        "Hanterade": [format_part_of(o.handled, len(o.findings)) for o in result.checks],
        "Huvudbok": [o.check.gl_ore for o in result.checks],
        "Jämförelse": [o.check.ledger_ore for o in result.checks],
        "Differens": [o.check.difference_ore for o in result.checks],
        "Förklarat": [o.check.explained_ore for o in result.checks],
        "Oförklarat": [o.check.unexplained_ore for o in result.checks],
        "Signering": [check_signed_text(result, o) for o in result.checks],
    })


def findings_frame(result: Outcome) -> pd.DataFrame:
    rows = [(o.check.label, f.item.kind.label, f.item.text, f.item.amount_ore, f.remedy.text, finding_state(f),
             f.mark_label, f.mark.note if f.mark else "", f.mark.marked_by if f.mark else "")
            for o in result.checks for f in o.findings]
    return pd.DataFrame(rows, columns=["Kontroll", "Slag", "Fynd", "Belopp", "Åtgärd", "Status", "Markering",
                                       "Anteckning", "Markerad av"])


MONEY = ["Huvudbok", "Jämförelse", "Differens", "Förklarat", "Oförklarat", "Belopp"]


def _heading_lines(result: Outcome, heading: Heading) -> list[str]:
    computed = result.result
    return [f"Avstämningsrapport per {computed.balance_date}",
            f"{heading.company} ({heading.orgnr}), räkenskapsår {computed.year.start}–{computed.year.end}",
            f"{format_part_of(result.handled, result.total)} fynd hanterade. {signed_text(result)}.",
            f"Utskriven {local_time(now_iso())} av {heading.prepared_by}."]


def excel(result: Outcome, heading: Heading) -> bytes:
    lines = _heading_lines(result, heading)
    return spreadsheets.excel_bytes([
        spreadsheets.Sheet("Sammanfattning", summary_frame(result), MONEY, heading=lines),
        spreadsheets.Sheet("Fynd", findings_frame(result), MONEY, heading=lines[:2]),
    ])


def _p(text: str, style: PropertySet) -> Paragraph:  # PropertySet: how the stubs type the sample sheet's styles
    return Paragraph(escape(text), style)


def _table(frame: pd.DataFrame, widths: list[float], style: ParagraphStyle, right: ParagraphStyle) -> LongTable:
    header = [_p(str(column), style) for column in frame.columns]
    body = [[_p(format_sek(int(value)), right) if column in MONEY else _p(str(value), style)
             for column, value in zip(frame.columns, record)] for record in frame.itertuples(index=False, name=None)]
    table = LongTable([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#9aa5b1")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def pdf(result: Outcome, heading: Heading) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("cell", parent=styles["BodyText"], fontSize=7.5, leading=9)
    right = ParagraphStyle("money", parent=body, alignment=2)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=12 * mm, title="Avstämningsrapport",
                                 author="Skatt & Bokslut", subject=heading.company)
    lines = _heading_lines(result, heading)
    story: list = [_p(lines[0], styles["Title"]), *[_p(line, styles["Normal"]) for line in lines[1:]],
                   Spacer(1, 6 * mm)]
    width = document.width
    story.append(_table(summary_frame(result), [w * width for w in (.2, .07, .07, .09, .09, .09, .09, .09, .21)],
                        body, right))
    for outcome in result.checks:
        story += [Spacer(1, 5 * mm), _p(f"{outcome.check.label} – {outcome.status.label}", styles["Heading3"])]
        if outcome.check.note:
            story.append(_p(outcome.check.note, styles["Normal"]))
        if outcome.findings:
            frame = findings_frame(Outcome(result.result, (outcome,)))[
                ["Slag", "Fynd", "Belopp", "Åtgärd", "Status", "Markering", "Anteckning"]]
            story.append(_table(frame, [w * width for w in (.11, .3, .08, .19, .11, .07, .14)], body, right))
        story.append(_p(check_signed_text(result, outcome), styles["Italic"]))
    document.build(story)
    return buffer.getvalue()
