"""What a reconciliation is made of: checks, their findings, and the people's work on them (marks, corrections,
sign-off), with the Swedish labels beside every enum value.

Every finding carries its effect on the check's difference in the general ledger's sign (debit positive), so the
findings add up to the difference and what is left is unexplained. Money is integer öre.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from services.labels import LabelledEnum


class CheckId(LabelledEnum):
    AR_VS_GL = "ar_vs_gl", "Kundreskontra mot huvudbok"
    AP_VS_GL = "ap_vs_gl", "Leverantörsreskontra mot huvudbok"
    IB_VS_PREVIOUS_UB = "ib_vs_previous_ub", "Ingående balans mot föregående års utgående balans"
    TRIAL_BALANCE = "trial_balance", "Råbalans summerar till noll"
    UNBALANCED_VOUCHERS = "unbalanced_vouchers", "Verifikationer i obalans"
    LOCKED_PERIOD = "locked_period", "Bokslutsverifikationer i låst period"
    ACCOUNT_WITHOUT_SRU = "account_without_sru", "Konton med saldo men utan SRU-kod"
    INACTIVE_ACCOUNT_WITH_BALANCE = "inactive_account_with_balance", "Inaktiva konton med saldo"


class Status(LabelledEnum):
    OK = "ok", "Ok"  # difference 0 and nothing found
    EXPLAINED = "explained", "Förklarad"  # every finding corrected or marked Ok with a note
    DIFFERENCE = "difference", "Differens"  # something is open
    UNKNOWN = "unknown", "Okänt"  # the data the check needs is missing


class ItemKind(LabelledEnum):
    OPENING_DIFFERENCE = "opening_difference", "Ingående balans skiljer från reskontran"
    MANUAL_POSTING = "manual_posting", "Manuell bokning på kontrollkontot"
    # an exported correction of this app, back in the books
    OWN_CORRECTION = "own_correction", "Rättelse från Skatt & Bokslut"
    UNBOOKED_INVOICE = "unbooked_invoice", "Faktura inte bokförd"
    INVOICE_BOOKED_ELSEWHERE = "invoice_booked_elsewhere", "Faktura bokförd på annat konto"
    CANCELLED_INVOICE_BOOKED = "cancelled_invoice_booked", "Makulerad faktura bokförd"
    WRONG_CURRENCY_RATE = "wrong_currency_rate", "Fel valutakurs"
    INVOICE_AMOUNT_DIFFERS = "invoice_amount_differs", "Faktura bokförd med annat belopp"
    PAYMENT_VOUCHER_MISSING = "payment_voucher_missing", "Betalning saknas i huvudboken"
    UNBOOKED_PAYMENT = "unbooked_payment", "Betalning inte bokförd"
    PAYMENT_AMOUNT_DIFFERS = "payment_amount_differs", "Betalning bokförd med annat belopp"
    PAYMENT_WRONG_ACCOUNT = "payment_wrong_account", "Betalning bokförd på annat konto"
    CURRENCY_DIFFERENCE = "currency_difference", "Omvärdering till balansdagens kurs"
    OPENING_BALANCE_MISMATCH = "opening_balance_mismatch", "Ingående balans ≠ föregående års utgående"
    OPENING_BALANCES_UNBALANCED = "opening_balances_unbalanced", "Ingående balanser summerar inte till noll"
    UNBALANCED_VOUCHER = "unbalanced_voucher", "Verifikation i obalans"
    UNBALANCED_ADJUSTMENT = "unbalanced_adjustment", "Bokslutsverifikation i obalans"
    ADJUSTMENT_IN_LOCKED_PERIOD = "adjustment_in_locked_period", "Bokslutsverifikation i låst period"
    ACCOUNT_WITHOUT_SRU = "account_without_sru", "Saknar SRU-kod"
    INACTIVE_ACCOUNT_WITH_BALANCE = "inactive_account_with_balance", "Inaktivt konto med saldo"


class RemedyKind(StrEnum):
    VOUCHER = "voucher"  # a correcting voucher drafted here and exported
    FORTNOX = "fortnox"  # fixed in Fortnox; the next import shows it
    MAPPING = "mapping"  # fixed in Kontomappning
    NONE = "none"  # no voucher can fix it: mark it with a note


class MarkStatus(LabelledEnum):
    OK = "ok", "Ok"
    FIX = "atgardas", "Åtgärdas"


UNHANDLED = "Ej hanterad"


class ResolutionKind(StrEnum):
    CORRECTED = "corrected"  # its correcting voucher is exported
    MARKED = "marked"  # marked Ok (with a note where there is an amount)
    OWN_CORRECTION = "own_correction"  # this app's exported correction, back in the books


@dataclass(frozen=True)
class Year:
    id: str
    start: date
    end: date


@dataclass(frozen=True)
class VoucherKey:
    series: str
    number: str
    year: str

    @property
    def label(self) -> str:
        return f"{self.series} {self.number}"


@dataclass(frozen=True)
class Item:
    """One finding. `amount_ore` is its effect on the check's difference, except for currency revaluations
    (`explains` False), where it is the proposed revaluation of the control account."""

    kind: ItemKind
    text: str
    amount_ore: int
    account: str | None = None
    day: date | None = None
    vouchers: tuple[VoucherKey, ...] = ()
    invoice: str | None = None
    invoice_kind: str | None = None
    explains: bool = True

    @property
    def key(self) -> str:
        """Stable across balance dates and re-imports, so marks and corrections stay on their finding."""
        voucher = f"{self.vouchers[0].year}/{self.vouchers[0].label}" if self.vouchers else ""
        return ":".join((self.kind, self.invoice or "", voucher, self.account or ""))


def item_id(check_id: str, key: str) -> str:
    """A short id for the command line, stable as long as the finding is."""
    return hashlib.sha1(f"{check_id}/{key}".encode()).hexdigest()[:10]


@dataclass(frozen=True)
class Check:
    id: CheckId
    gl_ore: int
    ledger_ore: int
    items: tuple[Item, ...] = ()
    account: str | None = None
    note: str = ""
    after_ore: int | None = None  # trial balance only: the sum once the adjustment vouchers are added
    known: bool = True  # False: the data the check needs is missing (`note` says which)

    @property
    def label(self) -> str:
        return self.id.label

    @property
    def difference_ore(self) -> int:
        return self.gl_ore - self.ledger_ore

    @property
    def explained_ore(self) -> int:
        return sum(item.amount_ore for item in self.items if item.explains)

    @property
    def unexplained_ore(self) -> int:
        return self.difference_ore - self.explained_ore


@dataclass(frozen=True)
class Reconciliation:
    """The computed checks at a balance date: pure figures, before anyone's marks or corrections."""

    company_id: str
    balance_date: date
    year: Year
    checks: tuple[Check, ...]

    def check(self, check_id: str) -> Check:
        return next(check for check in self.checks if check.id == check_id)


@dataclass(frozen=True)
class Mark:
    status: MarkStatus
    note: str
    marked_by: str
    marked_at: str

    @property
    def label(self) -> str:
        return self.status.label


@dataclass(frozen=True)
class Remedy:
    kind: RemedyKind
    text: str  # what to do, in Swedish


@dataclass(frozen=True)
class Resolution:
    kind: ResolutionKind
    voucher: str | None = None  # Fortnox's series and number of the correction
    note: str | None = None


@dataclass(frozen=True)
class Draft:
    """A correction drafted from a finding, waiting on Verifikationer (or exported: then `fortnox` is set)."""

    voucher_id: str
    status: str
    fortnox: str | None = None


@dataclass(frozen=True)
class Finding:
    """A computed item with the people's work on it applied."""

    check_id: CheckId
    item: Item
    remedy: Remedy
    mark: Mark | None
    draft: Draft | None
    resolution: Resolution | None

    @property
    def id(self) -> str:
        return item_id(self.check_id, self.item.key)

    @property
    def resolved(self) -> bool:
        return self.resolution is not None

    @property
    def mark_label(self) -> str:
        return self.mark.label if self.mark else UNHANDLED


@dataclass(frozen=True)
class SignOff:
    by: str
    at: str


@dataclass(frozen=True)
class Reopened:
    """A sign-off undone because the figures behind it changed; `changes` says how, in Swedish."""

    by: str
    at: str
    changes: str


@dataclass(frozen=True)
class CheckOutcome:
    check: Check
    findings: tuple[Finding, ...]
    status: Status
    signed_off: SignOff | None = None
    reopened: Reopened | None = None

    @property
    def handled(self) -> int:
        return sum(finding.resolved for finding in self.findings)

    @property
    def open_count(self) -> int:
        return len(self.findings) - self.handled

    @property
    def closable(self) -> bool:
        """Nothing open: it may be signed off."""
        return self.status in (Status.OK, Status.EXPLAINED)


@dataclass(frozen=True)
class Outcome:
    """The reconciliation as the accountant works on it: every check's status, findings and sign-off."""

    result: Reconciliation
    checks: tuple[CheckOutcome, ...]
    signed_off: SignOff | None = None
    reopened: Reopened | None = None

    def check(self, check_id: str) -> CheckOutcome:
        return next(outcome for outcome in self.checks if outcome.check.id == check_id)

    @property
    def handled(self) -> int:
        return sum(outcome.handled for outcome in self.checks)

    @property
    def total(self) -> int:
        return sum(len(outcome.findings) for outcome in self.checks)

    @property
    def closable(self) -> bool:
        """No check has anything open (a check whose data is missing is reported, not open)."""
        return all(outcome.status != Status.DIFFERENCE for outcome in self.checks)


_VOUCHER = "Skapa en rättelse med motkonto – förvalt är andra sidan av den ursprungliga verifikationen."
REMEDIES = {
    ItemKind.OPENING_DIFFERENCE: Remedy(RemedyKind.NONE, "Rättas i föregående års bokslut; markera med en "
                                                         "anteckning."),
    ItemKind.MANUAL_POSTING: Remedy(RemedyKind.VOUCHER, _VOUCHER),
    ItemKind.OWN_CORRECTION: Remedy(RemedyKind.NONE, "Skatt & Boksluts egen rättelse; inget att göra."),
    ItemKind.UNBOOKED_INVOICE: Remedy(RemedyKind.FORTNOX, "Bokför fakturan i Fortnox; nästa import visar den "
                                                         "bokförd."),
    ItemKind.INVOICE_BOOKED_ELSEWHERE: Remedy(RemedyKind.VOUCHER, "Skapa en rättelse mellan kontot fakturan "
                                                                  "bokfördes på och kontrollkontot."),
    ItemKind.CANCELLED_INVOICE_BOOKED: Remedy(RemedyKind.VOUCHER, _VOUCHER),
    ItemKind.WRONG_CURRENCY_RATE: Remedy(RemedyKind.VOUCHER, "Skapa en rättelse mellan kontrollkontot och kontot "
                                                             "fakturan bokfördes mot."),
    ItemKind.INVOICE_AMOUNT_DIFFERS: Remedy(RemedyKind.VOUCHER, "Skapa en rättelse mellan kontrollkontot och kontot "
                                                                "fakturan bokfördes mot."),
    ItemKind.PAYMENT_VOUCHER_MISSING: Remedy(RemedyKind.FORTNOX, "Bokför betalningen i Fortnox; nästa import visar "
                                                                 "den."),
    ItemKind.UNBOOKED_PAYMENT: Remedy(RemedyKind.FORTNOX, "Bokför betalningen i Fortnox; nästa import visar den."),
    ItemKind.PAYMENT_AMOUNT_DIFFERS: Remedy(RemedyKind.VOUCHER, "Skapa en rättelse mellan kontrollkontot och "
                                                                "betalningens motkonto."),
    ItemKind.PAYMENT_WRONG_ACCOUNT: Remedy(RemedyKind.VOUCHER, "Skapa en rättelse som flyttar beloppet från kontot "
                                                               "betalningen bokfördes på till kontrollkontot."),
    ItemKind.CURRENCY_DIFFERENCE: Remedy(RemedyKind.VOUCHER, "Skapa omvärderingsverifikationen för kontrollens "
                                                             "öppna poster i utländsk valuta."),
    ItemKind.OPENING_BALANCE_MISMATCH: Remedy(RemedyKind.NONE, "En ingående balans rättas i föregående års "
                                                               "utgående balans (i Fortnox), inte med en "
                                                               "verifikation på balansdagen; markera med en "
                                                               "anteckning."),
    ItemKind.OPENING_BALANCES_UNBALANCED: Remedy(RemedyKind.NONE, "Rättas i föregående års utgående balans i "
                                                                  "Fortnox; markera med en anteckning."),
    ItemKind.UNBALANCED_VOUCHER: Remedy(RemedyKind.NONE, "Verifikationen rättas i Fortnox; markera med en "
                                                         "anteckning."),
    ItemKind.UNBALANCED_ADJUSTMENT: Remedy(RemedyKind.NONE, "Rätta bokslutsverifikationen under Verifikationer."),
    ItemKind.ADJUSTMENT_IN_LOCKED_PERIOD: Remedy(RemedyKind.NONE, "Ändra datumet under Verifikationer, eller lås "
                                                                  "upp perioden i Fortnox."),
    ItemKind.ACCOUNT_WITHOUT_SRU: Remedy(RemedyKind.MAPPING, "Ange SRU-koden under Kontomappning; när den är "
                                                             "sparad är fyndet löst."),
    ItemKind.INACTIVE_ACCOUNT_WITH_BALANCE: Remedy(RemedyKind.VOUCHER, "Aktivera kontot i Fortnox, eller flytta "
                                                                       "saldot till ett aktivt konto du väljer (Fortnox "
                                                                       "tar bara emot flytten medan kontot är "
                                                                       "aktivt)."),
}
