"""Write a :class:`SieDocument` as SIE 4E or 4I bytes (FORMAT.md §14, §11).

Public API::

    from services.sie.writer import write_sie, write_vouchers_4i

    data, warnings = write_sie(doc, kind="4E")
    data = write_vouchers_4i("Bolaget AB", "556000-0000", vouchers,
                             generated=date.today())

What the output looks like (chosen so that Fortnox's SIE import accepts it):

* **CP437 bytes**, ``#FORMAT PC8``, CRLF line ends by default (``line_ending``),
  ending with a line end.
* **Canonical order**: ``#FLAGGA 0`` (then a bare ``#KSUMMA`` when asked for),
  ``#PROGRAM #FORMAT #GEN #SIETYP``, the identification
  (``#FNR #ORGNR #ADRESS #FNAMN #RAR #TAXAR #OMFATTN #KPTYP #VALUTA``), the chart
  (``#KONTO #KTYP #ENHET #SRU``, then ``#DIM #UNDERDIM #OBJEKT``), balances
  (4E only: ``#IB #UB #OIB #OUB #RES #PSALDO #PBUDGET``), the vouchers grouped by
  series (in order of first appearance) in ascending numeric verno, and the
  closing ``#KSUMMA <crc>`` when asked for.
* **Quoting**: ``#FLAGGA``, ``#SIETYP``, ``#FORMAT`` and ``#ORGNR`` are never
  quoted (Fortnox fails with "Fail to format date" otherwise); numbers and dates
  never are. Free text (names, voucher and row texts, signatures, object ids) is
  always quoted, with ``"`` written ``\\"``. Identifiers (accounts, series,
  verno, dimension numbers) are written bare unless they are empty or contain a
  space, quote or brace. Skipped intermediate optional fields are ``""``.
* **Amounts** with exactly two decimals (``-1200.00``); quantities as given
  (``Decimal`` in fixed-point notation, so ``10.000000`` stays so).
* ``{`` and ``}`` on their own lines. Every ``#RTRANS`` is followed by the
  byte-identical ``#TRANS`` (FORMAT.md §8); the shadow ``#TRANS`` rows of the
  document are not written again. ``#BTRANS`` rows are kept.
* **4I** writes no balance records and no ``#OMFATTN``; series and verno may be
  empty (written ``""``).
* ``#ORGNR`` given as ten digits is written ``NNNNNN-NNNN``.

Refusals (:class:`SieWriteError`, a :class:`SieError`, raised before any byte is
returned): an unbalanced voucher (unless ``allow_unbalanced``), a character
outside CP437 or a control character with ``unencodable="error"``, an
``#ORGNR`` that cannot be written unquoted.

Warnings (:class:`SieMessage`, ``line`` = the line of the output file): a
voucher or row text cut to ``text_limit`` characters, every replaced character
(``unencodable="replace"``), a text ending in a backslash (a space is appended:
``"C:\\"`` cannot be read back, FORMAT.md §4), balances left out of a 4I file,
an unbalanced voucher written with ``allow_unbalanced``, output whose only
non-ASCII bytes are CP437 symbols that make it look like UTF-8 or Latin-1 to
the encoding detection of FORMAT.md §2 (``"encoding_ambiguous"``).

**Replacement table** for ``unencodable="replace"``: :data:`REPLACEMENTS` in
``writer_fields.py``, which writes every field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

from .encoding import CP437, detect_encoding
from .errors import SieMessage
from .model import BTRANS, RTRANS, TRANS, SieDocument, SieTransaction, SieVoucher
from .writer_fields import (
    BARE_FORBIDDEN,
    REPLACEMENTS,
    FieldWriter,
    SieWriteError,
    Unencodable,
    cp437_replace,
    cp437_text,
    format_amount,
)

_ksumma_of: Callable[[Iterable[bytes | str]], int] | None
try:  # written by the #KSUMMA work; optional so the writer stands alone
    from .ksumma import ksumma_of as _ksumma_of
except ImportError:  # pragma: no cover - depends on the package version
    _ksumma_of = None

__all__ = [
    "REPLACEMENTS",
    "SieWriteError",
    "SieWriteResult",
    "canonical_voucher_order",
    "cp437_replace",
    "cp437_text",
    "format_amount",
    "write_sie",
    "write_vouchers_4i",
]

Kind = Literal["4E", "4I"]

_BALANCE_ORDER = ("IB", "UB", "OIB", "OUB", "RES", "PSALDO", "PBUDGET")


class SieWriteResult(NamedTuple):
    """The written bytes and the writer's warnings; unpacks as ``data, warnings``."""

    data: bytes
    warnings: list[SieMessage]


def _verno_key(number: str) -> tuple[int, int]:
    return (0, int(number)) if number.isdigit() else (1, 0)


def canonical_voucher_order(vouchers: Iterable[SieVoucher]) -> list[SieVoucher]:
    """The vouchers in the order the writer writes them.

    Grouped by series in order of first appearance; within a series by
    ascending numeric verno, non-numeric or empty verno last, ties in the
    given order (the sort is stable).
    """
    vouchers = list(vouchers)
    first: dict[str, int] = {}
    for v in vouchers:
        first.setdefault(v.series, len(first))
    return sorted(vouchers, key=lambda v: (first[v.series], _verno_key(v.number)))


def _date(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _quantity(q: Decimal) -> str:
    if not q.is_finite():
        raise SieWriteError(0, "bad_value", f"Filen: kvantiteten {q} kan inte skrivas i SIE.")
    s = format(q, "f")
    return s


def _voucher_name(v: SieVoucher) -> str:
    label = v.label
    return f"verifikation {label}" if label else f"verifikationen daterad {v.date.isoformat()}"


class _Writer(FieldWriter):
    def __init__(
        self,
        kind: Kind,
        text_limit: int | None,
        unencodable: Unencodable,
        allow_unbalanced: bool,
    ) -> None:
        if kind not in ("4E", "4I"):
            raise SieWriteError(0, "bad_kind", f'Filen: SIE-typen "{kind}" kan inte skrivas; välj 4E eller 4I.')
        if text_limit is not None and text_limit < 1:
            raise ValueError("text_limit must be positive or None")
        if unencodable not in ("error", "replace"):
            raise ValueError('unencodable must be "error" or "replace"')
        super().__init__(text_limit, unencodable)
        self.kind = kind
        self.allow_unbalanced = allow_unbalanced

    # ----------------------------------------------------------- document

    def write(self, doc: SieDocument, ksumma: bool, line_ending: str) -> SieWriteResult:
        self.check_balance(doc.vouchers)
        self.emit("#FLAGGA", "0")
        if ksumma:
            self.emit("#KSUMMA")
        crc_from = len(self.lines)
        self.header(doc)
        self.chart(doc)
        if self.kind == "4E":
            self.balances(doc)
        else:
            count = (
                len(doc.balances)
                + len(getattr(doc, "object_balances", ()) or ())
                + len(getattr(doc, "period_balances", ()) or ())
            )
            if count:
                self.warn(
                    "balances_omitted",
                    f"en SIE 4I-fil får inte innehålla saldon; dokumentets {count} "
                    "saldoposter (#IB, #UB, #RES …) har inte skrivits.",
                )
        for v in canonical_voucher_order(doc.vouchers):
            self.voucher(v)
        if ksumma:
            if _ksumma_of is None:  # pragma: no cover
                raise SieWriteError(0, "ksumma_unavailable", "Filen: #KSUMMA kan inte beräknas i denna version.")
            self.emit("#KSUMMA", str(_ksumma_of(self.lines[crc_from:])))
        text = line_ending.join(self.lines) + line_ending
        data = text.encode("cp437")
        detected = detect_encoding(data)
        if detected != CP437:
            self.warnings.append(
                SieMessage(
                    0,
                    "encoding_ambiguous",
                    f"Filen: filen är skriven i CP437 men dess enda specialtecken är "
                    f"symboler (t.ex. ramtecken) som gör att den ser ut att vara {detected}; "
                    "ett program som gissar teckenkodningen kan läsa texterna fel.",
                )
            )
        return SieWriteResult(data, self.warnings)

    def check_balance(self, vouchers: Sequence[SieVoucher]) -> None:
        for v in vouchers:
            if v.is_balanced:
                continue
            diff = format_amount(v.total_ore)
            if not self.allow_unbalanced:
                raise SieWriteError(
                    0,
                    "unbalanced_voucher",
                    f"Filen: {_voucher_name(v)} ({v.date.isoformat()}) balanserar inte: "
                    f"raderna summerar till {diff} kronor i stället för 0. Rätta "
                    "verifikationen innan SIE-filen skapas.",
                )
            self.warnings.append(
                SieMessage(
                    0,
                    "unbalanced_voucher",
                    f"Filen: {_voucher_name(v)} balanserar inte (differens {diff} kronor) men har skrivits ändå.",
                )
            )

    def header(self, doc: SieDocument) -> None:
        self.emit(
            "#PROGRAM",
            self.text(doc.program, lambda: "programnamnet i #PROGRAM"),
            self.ident(doc.program_version, lambda: "programversionen i #PROGRAM"),
        )
        self.emit("#FORMAT", "PC8")
        generated = doc.generated
        if generated is None:
            generated = date.today()
            self.warn("gen_date_missing", "dokumentet saknar exportdatum; dagens datum har skrivits i #GEN.")
        self.emit("#GEN", _date(generated))
        self.emit("#SIETYP", "4")
        if doc.fnr:
            self.emit("#FNR", self.ident(doc.fnr, lambda: "företagsidentiteten i #FNR"))
        if doc.orgnr:
            self.emit("#ORGNR", self.orgnr(doc.orgnr))
        address = getattr(doc, "address", None)
        if address is not None:
            self.emit(
                "#ADRESS",
                *(
                    self.text(getattr(address, name), partial("{} i #ADRESS".format, label))
                    for name, label in (
                        ("contact", "kontaktpersonen"),
                        ("street", "utdelningsadressen"),
                        ("postal", "postadressen"),
                        ("phone", "telefonnumret"),
                    )
                ),
            )
        self.emit("#FNAMN", self.text(doc.company_name, lambda: "företagsnamnet i #FNAMN"))
        for y in sorted(doc.years, key=lambda y: -y.index):
            self.emit("#RAR", str(y.index), _date(y.start), _date(y.end))
        taxar = getattr(doc, "taxar", None)
        if taxar is not None:
            self.emit("#TAXAR", str(taxar))
        omfattn = getattr(doc, "omfattn", None)
        if omfattn is not None and self.kind == "4E":
            self.emit("#OMFATTN", _date(omfattn))
        if doc.kptyp:
            self.emit("#KPTYP", self.ident(doc.kptyp, lambda: "kontoplanstypen i #KPTYP"))
        if doc.currency:
            self.emit("#VALUTA", self.ident(doc.currency, lambda: "valutan i #VALUTA"))

    def orgnr(self, value: str) -> str:
        value = value.strip()
        if len(value) == 10 and value.isdigit() and value.isascii():
            value = f"{value[:6]}-{value[6:]}"
        if not value.isascii() or not value.isprintable() or any(c in BARE_FORBIDDEN or c.isspace() for c in value):
            line = self.next_line
            raise SieWriteError(
                line,
                "bad_orgnr",
                f'Rad {line} i SIE-filen: organisationsnumret "{value}" kan inte skrivas; '
                "det skrivs utan citattecken och får bara innehålla siffror och bindestreck "
                "(NNNNNN-NNNN).",
            )
        return value

    def chart(self, doc: SieDocument) -> None:
        for number, acc in doc.accounts.items():
            what = partial("konto {}".format, number)
            acct = self.ident(number, what)
            self.emit("#KONTO", acct, self.text(acc.name, partial("namnet på konto {}".format, number)))
            if acc.type:
                self.emit("#KTYP", acct, self.ident(acc.type, partial("kontotypen för konto {}".format, number)))
            unit = getattr(acc, "unit", None)
            if unit:
                self.emit("#ENHET", acct, self.text(unit, partial("enheten för konto {}".format, number)))
            codes = tuple(getattr(acc, "sru_codes", ()) or ())
            if not codes and acc.sru:
                codes = (acc.sru,)
            for code in codes:
                self.emit("#SRU", acct, self.ident(code, partial("SRU-koden för konto {}".format, number)))
        subdims = getattr(doc, "subdimensions", {}) or {}
        for dim, name in doc.dimensions.items():
            d = self.ident(dim, partial("dimension {}".format, dim))
            n = self.text(name, partial("namnet på dimension {}".format, dim))
            if dim in subdims:
                self.emit("#UNDERDIM", d, n, self.ident(subdims[dim], partial("överdimensionen för {}".format, dim)))
            else:
                self.emit("#DIM", d, n)
        for (dim, obj), name in doc.objects.items():
            what = partial("objekt {} i dimension {}".format, obj, dim)
            self.emit(
                "#OBJEKT",
                self.ident(dim, what),
                self.text(obj, what),
                self.text(name, partial("namnet på objekt {} i dimension {}".format, obj, dim)),
            )

    def balances(self, doc: SieDocument) -> None:
        records: list[tuple[str, list[str]]] = []
        for b in doc.balances:
            what = partial("#{} för konto {}".format, b.kind, b.account)
            fields = [str(b.year), self.ident(b.account, what), format_amount(b.amount_ore)]
            q = getattr(b, "quantity", None)
            if q is not None:
                fields.append(_quantity(q))
            records.append((b.kind, fields))
        for b in getattr(doc, "object_balances", ()) or ():
            what = partial("#{} för konto {}".format, b.kind, b.account)
            fields = [
                str(b.year),
                self.ident(b.account, what),
                self.objects(b.objects, what),
                format_amount(b.amount_ore),
            ]
            if b.quantity is not None:
                fields.append(_quantity(b.quantity))
            records.append((b.kind, fields))
        for b in getattr(doc, "period_balances", ()) or ():
            what = partial("#{} {} för konto {}".format, b.kind, b.period, b.account)
            fields = [
                str(b.year),
                self.ident(str(b.period), what),
                self.ident(b.account, what),
                self.objects(b.objects, what),
                format_amount(b.amount_ore),
            ]
            if b.quantity is not None:
                fields.append(_quantity(b.quantity))
            records.append((b.kind, fields))
        order = {k: i for i, k in enumerate(_BALANCE_ORDER)}
        for kind, fields in sorted(records, key=lambda r: order.get(r[0], len(order))):
            self.emit("#" + kind, *fields)

    # ----------------------------------------------------------- vouchers

    def voucher(self, v: SieVoucher) -> None:
        name = _voucher_name(v)
        fields = [
            self.ident(v.series, lambda: f"serien i {name}"),
            self.ident(v.number, lambda: f"verifikationsnumret i {name}"),
            _date(v.date),
            self.text(v.text, lambda: f"{name[0].upper()}{name[1:]}: verifikationstexten", capped=True),
        ]
        if v.reg_date is not None or v.sign:
            fields.append(_date(v.reg_date) if v.reg_date is not None else '""')
        if v.sign:
            fields.append(self.text(v.sign, lambda: f"signaturen i {name}"))
        self.emit("#VER", *fields)
        self.emit("{")
        row = 0
        for t in v.transactions:
            if t.shadow:
                continue  # written again right after its #RTRANS
            row += 1
            rendered = self.row(t, name, row)
            self.emit("#" + t.kind, *rendered)
            if t.kind == RTRANS:
                self.emit("#" + TRANS, *rendered)
        self.emit("}")

    def row(self, t: SieTransaction, name: str, row: int) -> list[str]:
        if t.kind not in (TRANS, RTRANS, BTRANS):
            raise SieWriteError(0, "bad_value", f"Filen: {name} har en rad av okänd sort ({t.kind}).")
        where = f"{name[0].upper()}{name[1:]}, rad {row} (konto {t.account})"
        fields = [
            self.ident(t.account, lambda: f"{where}: kontonumret"),
            self.objects(t.objects, lambda: where),
            format_amount(t.amount_ore),
        ]
        optional: list[str | None] = [
            _date(t.date) if t.date is not None else None,
            self.text(t.text, lambda: f"{where}: transaktionstexten", capped=True) if t.text else None,
            _quantity(t.quantity) if t.quantity is not None else None,
            self.text(t.sign, lambda: f"{where}: signaturen") if t.sign else None,
        ]
        while optional and optional[-1] is None:
            optional.pop()
        fields.extend(f if f is not None else '""' for f in optional)
        return fields


def write_sie(
    doc: SieDocument,
    *,
    kind: Kind,
    text_limit: int | None = 50,
    ksumma: bool = False,
    line_ending: str = "\r\n",
    unencodable: Unencodable = "error",
    allow_unbalanced: bool = False,
) -> SieWriteResult:
    """Write ``doc`` as a SIE 4E or 4I file; return ``(bytes, warnings)``.

    ``text_limit`` caps voucher and row texts (Fortnox refuses more than 50
    characters; ``None`` for no cap), with a warning per cut text. ``ksumma``
    adds the ``#KSUMMA`` checksum records. ``unencodable`` chooses between an
    error and the documented replacement (:data:`REPLACEMENTS`, one warning per
    replaced character and field) for characters CP437 cannot hold.
    ``allow_unbalanced`` writes unbalanced vouchers with a warning instead of
    refusing them (only for re-writing files that already hold such vouchers).

    Raises :class:`SieWriteError` (a :class:`SieError`) when the document
    cannot be written; see the module docstring.
    """
    if line_ending not in ("\r\n", "\n"):
        raise ValueError(r'line_ending must be "\r\n" or "\n"')
    writer = _Writer(kind, text_limit, unencodable, allow_unbalanced)
    return writer.write(doc, ksumma, line_ending)


def write_vouchers_4i(
    company_name: str,
    orgnr: str | None,
    vouchers: Sequence[SieVoucher],
    *,
    program: tuple[str, str] = ("Skatt & Bokslut", "1.0"),
    generated: date,
    text_limit: int | None = 50,
    unencodable: Unencodable = "error",
    warnings: list[SieMessage] | None = None,
) -> bytes:
    """A SIE 4I file of ``vouchers`` for import into an accounting program.

    The app's "download as SIE 4I": identification (``#PROGRAM``, ``#GEN``,
    ``#FNAMN``, ``#ORGNR``) and the vouchers, nothing else. Unbalanced
    vouchers and characters outside CP437 raise :class:`SieWriteError` (with
    ``unencodable="error"``); the writer's warnings (cut texts, replaced
    characters) are appended to ``warnings`` when a list is given.
    """
    doc = SieDocument(
        encoding="cp437",
        format="PC8",
        sietype=4,
        program=program[0],
        program_version=program[1],
        generated=generated,
        company_name=company_name,
        orgnr=orgnr or None,
        vouchers=list(vouchers),
    )
    data, found = write_sie(doc, kind="4I", text_limit=text_limit, unencodable=unencodable)
    if warnings is not None:
        warnings.extend(found)
    return data
