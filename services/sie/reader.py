"""Read SIE 4 (and types 1-3) bytes into a :class:`SieDocument`.

The reader follows ``shared/sie-samples/FORMAT.md``. It is lenient in the
sense of FORMAT.md §10: quirks that real exporters produce are accepted and
reported as warnings (``SieDocument.warnings``), while things that make the
content impossible to interpret raise :class:`SieError`:

* not a SIE file (the first non-blank line does not start with ``#``);
* an unparseable amount or date in ``#TRANS``/``#RTRANS``/``#BTRANS``,
  ``#VER``, ``#IB``, ``#UB``, ``#RES`` or ``#RAR``, or a row without amount;
* an unbalanced ``{``/``}`` structure, or a ``#TRANS`` outside a voucher;
* an object list with an odd number of tokens.

Every tolerated quirk goes through :meth:`_Reader.tolerate`, the single place
where a future strict mode can turn warnings into errors.

Records are handled in any order; ``#KTYP`` and ``#SRU`` are resolved against
``#KONTO`` at the end. Unknown labels and extra trailing fields are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from .encoding import CP437, decode
from .errors import SieError, SieMessage, where
from .model import (
    BTRANS,
    IB,
    RES,
    RTRANS,
    TRANS,
    UB,
    SieAccount,
    SieBalance,
    SieDocument,
    SieTransaction,
    SieVoucher,
    SieYear,
)
from .tokenizer import SieLine, tokenize_line

__all__ = ["parse_amount_ore", "parse_date", "read_sie"]

_AMOUNT = re.compile(r"(-?)([0-9]+)(?:\.([0-9]{1,2}))?")
_QUANTITY = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_NO_OBJECTS: tuple[tuple[str, str], ...] = ()

_ROW_KINDS = {"#TRANS": TRANS, "#RTRANS": RTRANS, "#BTRANS": BTRANS}
_BALANCE_KINDS = {"#IB": IB, "#UB": UB, "#RES": RES}

# Voucher block states.
_OUTSIDE = 0
_AWAITING_BRACE = 1
_INSIDE = 2


def read_sie(data: bytes) -> SieDocument:
    """Read a SIE file (types 1-4, 4E and 4I) from its raw bytes.

    Raises :class:`SieError` when the file cannot be interpreted; tolerated
    irregularities are listed in the result's ``warnings``.
    """
    text, encoding = decode(data)
    return _Reader(encoding).read(text)


def parse_amount_ore(value: str, line: int = 0) -> int:
    """Parse a SIE amount (``-?\\d+(\\.\\d{1,2})?``) to integer öre."""
    m = _AMOUNT.fullmatch(value)
    if m is None:
        raise SieError(
            line,
            "bad_amount",
            f'{where(line)}beloppet "{value}" är inte ett giltigt SIE-belopp '
            "(punkt som decimaltecken, högst två decimaler).",
        )
    sign, whole, frac = m.groups()
    ore = int(whole) * 100
    if frac:
        ore += int(frac) * (10 if len(frac) == 1 else 1)
    return -ore if sign else ore


def parse_date(value: str, line: int = 0, what: str = "datumet") -> date:
    """Parse a SIE date ``YYYYMMDD``. ISO ``YYYY-MM-DD`` is not handled here."""
    if len(value) == 8 and value.isdigit() and value.isascii():
        try:
            return date(int(value[:4]), int(value[4:6]), int(value[6:]))
        except ValueError:
            pass
    raise SieError(
        line,
        "bad_date",
        f'{where(line)}{what} "{value}" är inte ett giltigt datum; '
        "SIE-datum skrivs ÅÅÅÅMMDD, till exempel 20240131.",
    )


class _Reader:
    """One pass over the decoded text; builds a :class:`SieDocument`."""

    def __init__(self, encoding: str) -> None:
        self.doc = SieDocument(encoding=encoding)
        self.line = 0
        self._seen: set[str] = set()
        self._date_cache: dict[str, date] = {}
        # #KONTO / #KTYP / #SRU are collected, then resolved in _finish().
        self._account_names: dict[str, tuple[str, int]] = {}
        self._account_types: dict[str, tuple[str, int]] = {}
        self._account_sru: dict[str, tuple[str, int]] = {}
        # Voucher block state.
        self._state = _OUTSIDE
        self._ver: tuple | None = None  # fields of the open #VER
        self._rows: list[SieTransaction] = []
        self._pending_rtrans: SieTransaction | None = None
        self._handlers: dict[str, Callable[[SieLine], None]] = {
            "#FLAGGA": self._flagga,
            "#FORMAT": self._format,
            "#SIETYP": self._sietyp,
            "#PROGRAM": self._program,
            "#GEN": self._gen,
            "#FNAMN": self._fnamn,
            "#ORGNR": self._orgnr,
            "#FNR": self._fnr,
            "#KPTYP": self._kptyp,
            "#VALUTA": self._valuta,
            "#RAR": self._rar,
            "#KONTO": self._konto,
            "#KTYP": self._ktyp,
            "#SRU": self._sru,
            "#DIM": self._dim,
            "#UNDERDIM": self._dim,
            "#OBJEKT": self._objekt,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#VER": self._ver_record,
            "#TRANS": self._row,
            "#RTRANS": self._row,
            "#BTRANS": self._row,
        }

    # ------------------------------------------------------------------ core

    def tolerate(self, code: str, message: str, line: int | None = None) -> None:
        """Record a tolerated quirk. A strict mode would raise here instead."""
        self.doc.warnings.append(SieMessage(self.line if line is None else line, code, message))

    def fail(self, code: str, message: str, line: int | None = None) -> SieError:
        return SieError(self.line if line is None else line, code, message)

    def read(self, text: str) -> SieDocument:
        if "\n" not in text and "\r" in text:
            lines = text.split("\r")  # old Mac line ends
        else:
            lines = text.split("\n")
        first = True
        handlers = self._handlers
        for number, raw in enumerate(lines, 1):
            s = raw.strip(" \t\r\x1a")
            if not s:
                continue
            self.line = number
            if first:
                first = False
                if s[0] != "#":
                    raise self.fail(
                        "not_sie",
                        f"{where(number)}filen är ingen SIE-fil: den första raden ska "
                        f"börja med en etikett som #FLAGGA men börjar med "
                        f'"{_preview(s)}". Exportera en SIE-fil (typ 4) från '
                        "bokföringsprogrammet och försök igen.",
                    )
            c = s[0]
            if c == "{" or c == "}":
                self._brace(c)
                s = s[1:].lstrip(" \t")
                if not s:
                    continue
                self.tolerate(
                    "text_after_brace",
                    f'{where(number)}text efter "{c}" på samma rad har lästs som en egen post.',
                )
                if s[0] != "#":
                    continue
            elif c != "#":
                self.tolerate(
                    "not_a_record",
                    f'{where(number)}raden "{_preview(s)}" är ingen SIE-post och har hoppats över.',
                )
                continue
            if self._state == _AWAITING_BRACE and not s.startswith("#VER"):
                self._missing_brace(s)
            if s.startswith("#VER") and s.endswith("{") and s[-2:-1] in (" ", "\t"):
                # "#VER A 1 20240101 "text" {" — the block opens on the same line.
                rec = tokenize_line(s[:-1], number)
                self._record(rec, handlers)
                self._brace("{")
                continue
            rec = tokenize_line(s, number)
            self._record(rec, handlers)
        if first:
            raise self.fail("empty_file", "Filen: filen är tom; den innehåller ingen SIE-post.", 0)
        if self._state == _INSIDE:
            raise self._unclosed(self.line)
        if self._state == _AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f"{where(self._ver_line)}verifikationen saknar sitt block "
                '"{ ... }" med rader; filen tar slut direkt efter #VER.',
                self._ver_line,
            )
        self._finish()
        bad = text.find("\ufffd")
        if bad >= 0:
            line = text.count("\n", 0, bad) + 1
            self.tolerate(
                "replacement_characters",
                f"{where(line)}filen innehåller ersättningstecken (�) där bokstäver "
                "som å, ä och ö har gått förlorade redan innan filen sparades. "
                "Texterna kan inte återställas; exportera filen på nytt om de behövs.",
                line,
            )
        return self.doc

    def _record(self, rec: SieLine, handlers: dict[str, Callable[[SieLine], None]]) -> None:
        for w in rec.warnings:
            self.tolerate(w.code, w.message, w.line)
        label = rec.label
        handler = handlers.get(label)
        if handler is None:
            upper = label.upper()
            if upper != label and upper in handlers:
                self.tolerate(
                    "lowercase_label",
                    f"{where(self.line)}etiketten {label} är skriven med små "
                    f"bokstäver; den har lästs som {upper}.",
                )
                rec.label = upper
                handler = handlers[upper]
            else:
                return  # unknown labels are ignored (FORMAT.md §3)
        if self._state == _INSIDE and rec.label not in _ROW_KINDS:
            if rec.label == "#VER":
                raise self._unclosed(self.line, nested=True)
            self.tolerate(
                "record_inside_voucher",
                f"{where(self.line)}posten {rec.label} står inne i ett "
                "verifikationsblock; den har lästs som om den stod utanför.",
            )
        self._seen.add(rec.label)
        handler(rec)

    # ------------------------------------------------------------ structure

    def _brace(self, c: str) -> None:
        if c == "{":
            if self._state == _AWAITING_BRACE:
                self._state = _INSIDE
                return
            if self._state == _INSIDE:
                raise self.fail(
                    "nested_block",
                    f'{where(self.line)}ett nytt "{{" inne i verifikationen på rad '
                    f'{self._ver_line}; den saknar troligen sitt avslutande "}}".',
                )
            raise self.fail(
                "unexpected_open_brace",
                f'{where(self.line)}"{{" utan en #VER-post före; ett block med '
                "rader måste börja direkt efter en #VER.",
            )
        # "}"
        if self._state == _INSIDE:
            self._close_voucher()
            return
        if self._state == _AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f'{where(self.line)}"}}" utan "{{": verifikationen på rad '
                f"{self._ver_line} saknar början på sitt block.",
            )
        raise self.fail(
            "unexpected_close_brace",
            f'{where(self.line)}"}}" utan ett öppet verifikationsblock; '
            'kontrollera att varje "{" och "}" hör till en #VER.',
        )

    def _missing_brace(self, s: str) -> None:
        """The line after a #VER is neither "{" nor another #VER (handled by _ver_record)."""
        label = s.split(None, 1)[0].upper()
        if label in _ROW_KINDS:
            # e-conomic: a blank line where "{" should be, then the rows.
            self.tolerate(
                "missing_open_brace",
                f'{where(self._ver_line)}verifikationen saknar "{{" före sina '
                "rader; raderna har lästs som dess innehåll.",
                self._ver_line,
            )
            self._state = _INSIDE
            return
        raise self.fail(
            "missing_open_brace",
            f'{where(self.line)}"{{" saknas efter #VER på rad {self._ver_line}; '
            'en verifikation ska följas av sina rader inom "{" och "}".',
        )

    def _unclosed(self, line: int, nested: bool = False) -> SieError:
        """A voucher block that is never closed with "}".

        ``nested``: a new #VER started inside it, at ``line``. Otherwise the
        file ended; the error then points at the #VER whose block is open.
        """
        if nested:
            return self.fail(
                "unclosed_block",
                f"{where(line)}en ny #VER börjar innan verifikationen på rad "
                f'{self._ver_line} har avslutats med "}}".',
                line,
            )
        return self.fail(
            "unclosed_block",
            f'{where(self._ver_line)}verifikationen avslutas aldrig med "}}"; '
            "filen tar slut mitt i den och är troligen avkortad. Exportera filen på nytt.",
            self._ver_line,
        )

    @property
    def _ver_line(self) -> int:
        return self._ver[0] if self._ver else 0

    # -------------------------------------------------------------- helpers

    def _date(self, value: str, what: str) -> date:
        d = self._date_cache.get(value)
        if d is not None:
            return d
        m = _ISO_DATE.fullmatch(value)
        if m is not None:
            try:
                d = date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                d = None
            if d is not None:
                self.tolerate(
                    "iso_date",
                    f'{where(self.line)}{what} "{value}" är skrivet ÅÅÅÅ-MM-DD; '
                    "SIE skriver ÅÅÅÅMMDD. Det har lästs ändå.",
                )
                return d
        d = parse_date(value, self.line, what)
        self._date_cache[value] = d
        return d

    def _optional_date(self, value: str, what: str) -> date | None:
        return self._date(value, what) if value else None

    def _amount(self, value: str) -> int:
        return parse_amount_ore(value, self.line)

    def _require(self, rec: SieLine, index: int, what: str) -> str:
        fields = rec.fields
        if len(fields) <= index:
            raise self.fail(
                "missing_field",
                f"{where(self.line)}{rec.label} saknar {what}.",
            )
        return self._str(rec, index)

    def _str(self, rec: SieLine, index: int) -> str:
        """Field ``index`` as text; "" when absent."""
        fields = rec.fields
        if len(fields) <= index:
            return ""
        value = fields[index]
        if isinstance(value, str):
            return value
        self.tolerate(
            "unexpected_object_list",
            f"{where(self.line)}{rec.label} har en objektlista där en text "
            "väntades; den har lästs som text.",
        )
        return " ".join(f"{d} {o}" for d, o in value)

    def _text_rest(self, rec: SieLine, index: int, what: str) -> str:
        """A single free-text field, joining unquoted words (``#FNAMN Bolaget AB``)."""
        text = self._str(rec, index)
        fields = rec.fields
        if len(fields) > index + 1 and index not in rec.quoted:
            words = [text]
            for extra in fields[index + 1 :]:
                if not isinstance(extra, str):
                    break
                words.append(extra)
            text = " ".join(words)
            self.tolerate(
                "unquoted_text",
                f"{where(self.line)}{what} har mellanslag men saknar citattecken; "
                f'orden har lästs ihop till "{text}".',
            )
        return text

    # -------------------------------------------------------------- header

    def _flagga(self, rec: SieLine) -> None:
        if self._seen != {"#FLAGGA"}:  # something came before #FLAGGA
            self.tolerate(
                "flagga_not_first",
                f"{where(self.line)}#FLAGGA ska vara filens första post.",
            )

    def _format(self, rec: SieLine) -> None:
        self.doc.format = self._str(rec, 0)

    def _sietyp(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if value in ("1", "2", "3", "4"):
            self.doc.sietype = int(value)
            return
        self.doc.sietype = int(value[0]) if value[:1] in ("1", "2", "3", "4") else 1
        self.tolerate(
            "bad_sietype",
            f'{where(self.line)}#SIETYP "{value}" är inte 1, 2, 3 eller 4; '
            f"filen har lästs som typ {self.doc.sietype}.",
        )

    def _program(self, rec: SieLine) -> None:
        self.doc.program = self._str(rec, 0)
        self.doc.program_version = self._str(rec, 1)
        if len(rec.fields) < 2:
            self.tolerate(
                "program_without_version",
                f"{where(self.line)}#PROGRAM saknar versionsnummer.",
            )

    def _gen(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.generated = self._date(value, "datumet i #GEN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Exportdatumet har ignorerats.")

    def _fnamn(self, rec: SieLine) -> None:
        self.doc.company_name = self._text_rest(rec, 0, "företagsnamnet i #FNAMN")

    def _orgnr(self, rec: SieLine) -> None:
        value = self._str(rec, 0).strip()
        self.doc.orgnr = value or None
        if value and not (len(value) == 11 and value[6] == "-"):
            self.tolerate(
                "orgnr_format",
                f'{where(self.line)}organisationsnumret "{value}" är inte skrivet '
                "NNNNNN-NNNN.",
            )

    def _fnr(self, rec: SieLine) -> None:
        self.doc.fnr = self._str(rec, 0) or None

    def _kptyp(self, rec: SieLine) -> None:
        self.doc.kptyp = self._str(rec, 0) or None

    def _valuta(self, rec: SieLine) -> None:
        self.doc.currency = self._str(rec, 0) or None

    def _rar(self, rec: SieLine) -> None:
        index = self._year_index(self._require(rec, 0, "årsnummer"), rec.label)
        start_s, end_s = self._str(rec, 1), self._str(rec, 2)
        if not start_s or not end_s:
            self.tolerate(
                "rar_without_dates",
                f"{where(self.line)}#RAR {index} saknar start- och slutdatum och "
                "har hoppats över.",
            )
            return
        start = self._date(start_s, "startdatumet i #RAR")
        end = self._date(end_s, "slutdatumet i #RAR")
        if self.doc.year(index) is not None:
            self.tolerate(
                "duplicate_year",
                f"{where(self.line)}#RAR {index} förekommer flera gånger; den sista gäller.",
            )
            self.doc.years = [y for y in self.doc.years if y.index != index]
        self.doc.years.append(SieYear(index, start, end))

    def _year_index(self, value: str, label: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise self.fail(
                "bad_year_index",
                f'{where(self.line)}årsnumret "{value}" i {label} ska vara ett heltal '
                "som 0 (innevarande år) eller -1 (föregående år).",
            ) from None

    # ------------------------------------------------------- chart, objects

    def _konto(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        name = self._text_rest(rec, 1, f"kontonamnet för {number}")
        if number in self._account_names:
            self.tolerate(
                "duplicate_account",
                f"{where(self.line)}konto {number} deklareras flera gånger; "
                "den sista #KONTO-posten gäller.",
            )
        elif not number.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{number}" är inte numeriskt.',
            )
        self._account_names[number] = (name, self.line)

    def _ktyp(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_types[number] = (self._str(rec, 1) or "", self.line)

    def _sru(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        if number not in self._account_sru:
            self._account_sru[number] = (self._str(rec, 1), self.line)

    def _dim(self, rec: SieLine) -> None:
        self.doc.dimensions[self._require(rec, 0, "dimensionsnummer")] = self._str(rec, 1)

    def _objekt(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        obj = self._require(rec, 1, "objektkod")
        self.doc.objects[(dim, obj)] = self._str(rec, 2)

    # ------------------------------------------------------------- balances

    def _balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        amount = self._amount(self._require(rec, 2, "belopp"))
        self.doc.balances.append(SieBalance(_BALANCE_KINDS[label], year, account, amount))

    # ------------------------------------------------------------- vouchers

    def _ver_record(self, rec: SieLine) -> None:
        if self._state == _AWAITING_BRACE:
            raise self.fail(
                "missing_open_brace",
                f'{where(self.line)}verifikationen på rad {self._ver_line} saknar sitt '
                'block "{ ... }" med rader innan nästa #VER börjar.',
            )
        series = self._str(rec, 0)
        number = self._str(rec, 1)
        d = self._date(self._require(rec, 2, "verifikationsdatum"), "verifikationsdatumet")
        text = self._str(rec, 3)
        reg_date = self._optional_date(self._str(rec, 4), "registreringsdatumet")
        sign = self._str(rec, 5) or None
        self._ver = (self.line, series, number, d, text, reg_date, sign)
        self._rows = []
        self._pending_rtrans = None
        self._state = _AWAITING_BRACE

    def _row(self, rec: SieLine) -> None:
        if self._state != _INSIDE:
            raise self.fail(
                "trans_outside_voucher",
                f"{where(self.line)}{rec.label} står utanför en verifikation; "
                'transaktionsrader måste stå inom "{" och "}" direkt efter en #VER.',
            )
        kind = _ROW_KINDS[rec.label]
        fields = rec.fields
        account = self._require(rec, 0, "kontonummer")
        i = 1
        objects = _NO_OBJECTS
        if len(fields) > 1:
            value = fields[1]
            if isinstance(value, tuple):
                objects = value
                i = 2
            elif value == "" and 1 in rec.quoted:
                i = 2  # "" written where the object list belongs
                self._missing_object_list(rec)
            else:
                self._missing_object_list(rec)
        if len(fields) <= i:
            raise self.fail(
                "missing_amount",
                f"{where(self.line)}{rec.label} för konto {account} saknar belopp; "
                'raden ska se ut som #TRANS 1930 {} -100.00. Exportera filen på nytt.',
            )
        amount = self._amount(self._str(rec, i))
        trans_date = self._optional_date(self._str(rec, i + 1), "transaktionsdatumet")
        text = self._str(rec, i + 2)
        quantity = self._quantity(self._str(rec, i + 3))
        sign = self._str(rec, i + 4) or None
        shadow = False
        pending = self._pending_rtrans
        if pending is not None:
            self._pending_rtrans = None
            if kind == TRANS and (
                pending.account == account
                and pending.amount_ore == amount
                and pending.objects == objects
            ):
                shadow = True
            else:
                self._rtrans_unpaired(pending)
        row = SieTransaction(
            account, amount, objects, trans_date, text, quantity, kind, self.line, sign, shadow
        )
        self._rows.append(row)
        if kind == RTRANS:
            self._pending_rtrans = row

    def _missing_object_list(self, rec: SieLine) -> None:
        self.tolerate(
            "missing_object_list",
            f"{where(self.line)}{rec.label} saknar objektlista; skriv {{}} "
            "före beloppet när raden saknar objekt.",
        )

    def _rtrans_unpaired(self, rtrans: SieTransaction) -> None:
        self.tolerate(
            "rtrans_without_shadow",
            f"{where(rtrans.line)}#RTRANS följs inte av en likadan #TRANS-rad; "
            "den tillagda raden har räknats med och nästa rad har lästs som en "
            "vanlig rad.",
            rtrans.line,
        )

    def _quantity(self, value: str) -> Decimal | None:
        if not value:
            return None
        if _QUANTITY.fullmatch(value) is None:
            self.tolerate(
                "bad_quantity",
                f'{where(self.line)}kvantiteten "{value}" är inte ett tal och har ignorerats.',
            )
            return None
        return Decimal(value)

    def _close_voucher(self) -> None:
        if self._pending_rtrans is not None:
            self._rtrans_unpaired(self._pending_rtrans)
            self._pending_rtrans = None
        assert self._ver is not None
        line, series, number, d, text, reg_date, sign = self._ver
        self.doc.vouchers.append(
            SieVoucher(series, number, d, text, reg_date, tuple(self._rows), line, sign)
        )
        self._rows = []
        self._state = _OUTSIDE

    # --------------------------------------------------------------- finish

    def _finish(self) -> None:
        doc = self.doc
        names = self._account_names
        types = self._account_types
        srus = self._account_sru
        for number, (_, line) in list(types.items()) + list(srus.items()):
            if number not in names:
                self.tolerate(
                    "undeclared_account",
                    f"{where(line)}konto {number} används i #KTYP/#SRU men saknar #KONTO.",
                    line,
                )
                names[number] = ("", line)
        for number, (name, _) in names.items():
            ktyp = types.get(number)
            sru = srus.get(number)
            doc.accounts[number] = SieAccount(
                number,
                name,
                ktyp[0] if ktyp else None,
                sru[0] if sru and sru[0] else None,
            )
        if "#FLAGGA" not in self._seen:
            self.tolerate("missing_flagga", "Filen: #FLAGGA saknas.", 0)
        if "#SIETYP" not in self._seen:
            self.tolerate(
                "missing_sietype",
                "Filen: #SIETYP saknas; filen har lästs som SIE typ 1.",
                0,
            )
        if doc.format is None:
            self.tolerate(
                "missing_format",
                "Filen: #FORMAT saknas; teckenkodningen har bestämts utifrån innehållet.",
                0,
            )
        elif doc.format.upper() == "PC8":
            if doc.encoding != CP437:
                self.tolerate(
                    "encoding_mismatch",
                    f"Filen: #FORMAT säger PC8 (teckentabell 437) men filen är "
                    f"kodad som {doc.encoding}; den har lästs som {doc.encoding}.",
                    0,
                )
        else:
            self.tolerate(
                "format_not_pc8",
                f'Filen: #FORMAT "{doc.format}" följer inte SIE-standarden (PC8); '
                f"filen har lästs som {doc.encoding}.",
                0,
            )


def _preview(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
