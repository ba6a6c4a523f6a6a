"""Document assembly: what each SIE record means, and the checks at the end.

:class:`DocumentBuilder` holds the state of one reading (the document so far,
the open voucher, the #KSUMMA being computed, the caches) and one handler per
record label, each given a tokenized :class:`~.tokenizer.SieLine`. The
readers that feed it lines (``lines.py``, ``blocks.py``) decide nothing about
meaning; everything a record means, and every warning it gives, is here.

Every tolerated quirk goes through :meth:`DocumentBuilder.tolerate`; in strict
mode it is an error instead, for every code except ``STRICT_TOLERATED``.
When errors are collected (``max_errors``, used by ``check``) an error is
noted in ``doc.errors`` and reading goes on with the next line.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable
from datetime import date
from decimal import Decimal

from .amounts import read_amount_ore
from .encoding import CP437, encode_cp437
from .errors import SieError, SieMessage, where
from .ksumma import KSUMMA_ABSENT, KSUMMA_MISMATCH, KSUMMA_VERIFIED, record_bytes
from .model import (
    BTRANS,
    IB,
    OIB,
    OUB,
    PBUDGET,
    PSALDO,
    RES,
    RTRANS,
    TRANS,
    UB,
    SieAccount,
    SieAddress,
    SieBalance,
    SieDocument,
    SieObjectBalance,
    SiePeriodBalance,
    SieTransaction,
    SieVoucher,
    SieYear,
    new_transaction,
    new_voucher,
)
from .tokenizer import SieLine

__all__ = ["STRICT_TOLERATED", "DocumentBuilder", "RowsSink", "TooManyErrors", "parse_date"]

# on_rows(series, number, date, ver_line, accounts, amounts, row_lines, document):
# a voucher of plain #TRANS rows as columns, never built.
RowsSink = Callable[[str, str, date, int, list[str], list[int], range, SieDocument], None]

# Warning codes that stay warnings in strict mode. ``orgnr_format``: an
# organisation number without its hyphen is unambiguous and common (40 of
# ~140 real files, FORMAT.md §5), so strict mode only warns about it.
STRICT_TOLERATED = frozenset({"duplicate_account", "orgnr_format"})
# Errors after which nothing more can be read, collected or not.
FATAL_CODES = frozenset({"not_sie", "empty_file"})

_PERIOD = re.compile(r"[0-9]{4}(0[1-9]|1[0-2])")
_QUANTITY = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
NO_OBJECTS: tuple[tuple[str, str], ...] = ()

ROW_KINDS = {"#TRANS": TRANS, "#RTRANS": RTRANS, "#BTRANS": BTRANS}
_BALANCE_KINDS = {"#IB": IB, "#UB": UB, "#RES": RES}
_OBJECT_BALANCE_KINDS = {"#OIB": OIB, "#OUB": OUB}
_PERIOD_KINDS = {"#PSALDO": PSALDO, "#PBUDGET": PBUDGET}
# The records of a file's head; a file with none of them is a fragment.
_HEADER_LABELS = ("#FLAGGA", "#SIETYP", "#PROGRAM", "#RAR")

# Voucher block states.
OUTSIDE = 0
AWAITING_BRACE = 1
INSIDE = 2
# A #VER line had an error (errors being collected): its block is skipped.
SKIPPING = 3


class TooManyErrors(Exception):
    """Raised when ``max_errors`` errors have been collected: reading stops."""


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


class DocumentBuilder:
    """The state of one reading and the meaning of every record."""

    def __init__(self, encoding: str, strict: bool = False, max_errors: int = 0) -> None:
        self.doc = SieDocument(encoding=encoding)
        self.strict = strict
        # 0: the first error is raised; otherwise errors are collected up to this many.
        self.max_errors = max_errors
        self.on_voucher: Callable[[SieVoucher, SieDocument], None] | None = None
        # With keep_vouchers False: takes the vouchers of plain #TRANS rows as
        # columns instead of on_voucher (see read_lines).
        self.on_rows: RowsSink | None = None
        self.keep_vouchers = True
        self.line = 0
        # #KSUMMA: None before the opening record, then the running CRC.
        self._crc: int | None = None
        self._ksumma_closed = False
        self._ksumma_line = 0
        self._first_ver_line = 0
        self._first = True
        self._format_line = 0
        # Amounts written without their integer part (.23): count, first line.
        self._leading_points = 0
        self._leading_point_line = 0
        self._number = 0  # lines read so far
        self._account_units: dict[str, str] = {}
        self._account_sru_all: dict[str, list[str]] = {}
        self._seen: set[str] = set()
        self._date_cache: dict[str, date] = {}
        self._quantities: dict[str, Decimal] = {}
        self._total = 0  # sum of the open voucher's current rows
        # #KONTO / #KTYP / #SRU are collected, then resolved in _finish().
        self._account_names: dict[str, tuple[str, int]] = {}
        self._account_types: dict[str, tuple[str, int]] = {}
        self._account_sru: dict[str, tuple[str, int]] = {}
        # Voucher block state.
        self._state = OUTSIDE
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
            "#UNDERDIM": self._underdim,
            "#OBJEKT": self._objekt,
            "#ENHET": self._enhet,
            "#ADRESS": self._adress,
            "#TAXAR": self._taxar,
            "#OMFATTN": self._omfattn,
            "#KSUMMA": self._ksumma,
            "#IB": self._balance,
            "#UB": self._balance,
            "#RES": self._balance,
            "#OIB": self._object_balance,
            "#OUB": self._object_balance,
            "#PSALDO": self._period_balance,
            "#PBUDGET": self._period_balance,
            "#VER": self._ver_record,
            "#TRANS": self._row,
            "#RTRANS": self._row,
            "#BTRANS": self._row,
        }


    # ------------------------------------------------------------------ core

    def tolerate(self, code: str, message: str, line: int | None = None) -> None:
        """Record a tolerated quirk; in strict mode raise it as an error instead."""
        at = self.line if line is None else line
        if self.strict and code not in STRICT_TOLERATED:
            self.error(SieError(at, code, message))
            return
        self.doc.warnings.append(SieMessage(at, code, message))

    def fail(self, code: str, message: str, line: int | None = None) -> SieError:
        return SieError(self.line if line is None else line, code, message)


    def error(self, exc: SieError) -> None:
        """Raise ``exc``, or note it when errors are collected (then reading
        goes on; after ``max_errors`` of them it stops with TooManyErrors)."""
        if not self.max_errors or exc.code in FATAL_CODES:
            raise exc
        errors = self.doc.errors
        errors.append(SieMessage(exc.line, exc.code, exc.message))
        if len(errors) >= self.max_errors:
            raise TooManyErrors


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
        ore, leading_point = read_amount_ore(value, self.line)
        if leading_point:
            self._leading_point()
        return ore

    def _leading_point(self) -> None:
        """An amount without its integer part (Hogia: ``-.96``); strict mode
        refuses it at once, the default mode warns once per file (_finish)."""
        if self.strict:
            self.tolerate(
                "leading_point_amount",
                f"{where(self.line)}beloppet saknar heltalsdel (till exempel .23 i stället "
                "för 0.23), vilket SIE inte tillåter.",
            )
        self._leading_points += 1
        if not self._leading_point_line:
            self._leading_point_line = self.line

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
        if self.strict:
            # Strictly, "#FNAMN Bolaget AB" is the name "Bolaget" and an
            # ignored extra field (FORMAT.md §4).
            return text
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
        self._format_line = self.line

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
        code = self._str(rec, 1)
        if number not in self._account_sru:
            self._account_sru[number] = (code, self.line)
        if code:
            self._account_sru_all.setdefault(number, []).append(code)

    def _dim(self, rec: SieLine) -> None:
        self.doc.dimensions[self._require(rec, 0, "dimensionsnummer")] = self._str(rec, 1)

    def _objekt(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        obj = self._require(rec, 1, "objektkod")
        self.doc.objects[(dim, obj)] = self._str(rec, 2)

    def _underdim(self, rec: SieLine) -> None:
        dim = self._require(rec, 0, "dimensionsnummer")
        self.doc.dimensions[dim] = self._str(rec, 1)
        superdim = self._str(rec, 2)
        if superdim:
            self.doc.subdimensions[dim] = superdim
        else:
            self.tolerate(
                "missing_field",
                f"{where(self.line)}#UNDERDIM {dim} saknar överordnad dimension.",
            )

    def _enhet(self, rec: SieLine) -> None:
        number = self._require(rec, 0, "kontonummer")
        self._account_units[number] = self._str(rec, 1)

    # ----------------------------------------------------- identification

    def _adress(self, rec: SieLine) -> None:
        self.doc.address = SieAddress(*(self._str(rec, i) for i in range(4)))

    def _taxar(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if len(value) == 4 and value.isdigit() and value.isascii():
            self.doc.taxar = int(value)
            return
        self.tolerate(
            "bad_taxar",
            f'{where(self.line)}taxeringsåret "{value}" i #TAXAR ska skrivas ÅÅÅÅ; '
            "det har ignorerats.",
        )

    def _omfattn(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        try:
            self.doc.omfattn = self._date(value, "datumet i #OMFATTN")
        except SieError as exc:
            self.tolerate(exc.code, exc.message + " Datumet har ignorerats.")

    # ------------------------------------------------------------- #KSUMMA

    def _ksumma(self, rec: SieLine) -> None:
        value = self._str(rec, 0)
        if not value:
            if self._crc is None:
                self._crc = 0
                self._ksumma_line = self.line
            else:
                self.tolerate(
                    "duplicate_ksumma",
                    f"{where(self.line)}#KSUMMA utan värde förekommer mer än en gång.",
                )
            return
        if self._crc is None or self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_opened",
                f"{where(self.line)}#KSUMMA med värde saknar den inledande tomma "
                "#KSUMMA efter #FLAGGA; kontrollsumman kan inte kontrolleras.",
            )
            return
        self._ksumma_closed = True
        expected = value.isdigit() and value.isascii() and int(value)
        if expected is not False and expected == self._crc & 0xFFFFFFFF:
            self.doc.ksumma = KSUMMA_VERIFIED
            return
        self.doc.ksumma = KSUMMA_MISMATCH
        self.tolerate(
            "ksumma_mismatch",
            f'{where(self.line)}kontrollsumman i #KSUMMA ("{value}") stämmer inte med '
            f"filens innehåll ({self._crc & 0xFFFFFFFF}); filen har ändrats eller "
            "skadats efter exporten.",
        )

    def _ksumma_text(self, text: str) -> None:
        """Feed the checksum content of one record (label and field contents)."""
        assert self._crc is not None
        try:
            data = encode_cp437(text)
        except UnicodeEncodeError:
            data = text.encode(self.doc.encoding)
        self._crc = zlib.crc32(data, self._crc)

    def _ksumma_feed(self, rec: SieLine) -> None:
        assert self._crc is not None
        try:
            data = record_bytes(rec.label, rec.fields)
        except UnicodeEncodeError:
            data = record_bytes(rec.label, rec.fields, self.doc.encoding)
        self._crc = zlib.crc32(data, self._crc)

    def _finish_ksumma(self) -> None:
        if self._crc is not None and not self._ksumma_closed:
            self.doc.ksumma = KSUMMA_MISMATCH
            self.tolerate(
                "ksumma_not_closed",
                f"{where(self._ksumma_line)}filen inleds med #KSUMMA men saknar "
                "kontrollsumman på sista raden; filen är troligen avkortad. "
                "Exportera den på nytt.",
                self._ksumma_line,
            )
        elif self._crc is None and self.doc.ksumma != KSUMMA_MISMATCH:
            self.doc.ksumma = KSUMMA_ABSENT

    def _finish_mandatory(self) -> None:
        doc = self.doc
        seen = self._seen
        if doc.voucher_count and "#SIETYP" in seen and doc.sietype < 4:
            self.tolerate(
                "vouchers_in_type",
                f"{where(self._first_ver_line)}SIE typ {doc.sietype} får inte innehålla "
                "verifikationer (#VER); bara typ 4 får det.",
                self._first_ver_line,
            )
        if not self.strict:
            return  # lenient reading assumes the defaults (FORMAT.md §10)
        required = ["#PROGRAM", "#GEN", "#FNAMN"]
        if doc.kind != "4I":
            required += ["#RAR", "#KONTO"]
        for label in required:
            if label not in seen:
                self.tolerate(
                    "missing_record",
                    f"Filen: posten {label} saknas, men den är obligatorisk i "
                    f"SIE typ {doc.kind or doc.sietype}.",
                    0,
                )

    # ------------------------------------------------------------- balances

    def _balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        amount = self._amount(self._require(rec, 2, "belopp"))
        self.doc.balances.append(SieBalance(_BALANCE_KINDS[label], year, account, amount, self.line))

    def _objects_at(self, rec: SieLine, index: int) -> tuple[tuple[str, str], ...] | None:
        """The object list at ``index``; None when the field is not a list."""
        fields = rec.fields
        if len(fields) > index and isinstance(fields[index], tuple):
            return fields[index]  # type: ignore[return-value]
        return None

    def _object_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        account = self._require(rec, 1, "kontonummer")
        objects = self._objects_at(rec, 2)
        if objects is None:
            raise self.fail(
                "missing_object_list",
                f"{where(self.line)}{label} saknar objektlista, till exempel {{1 \"100\"}}.",
            )
        amount = self._amount(self._require(rec, 3, "belopp"))
        quantity = self._quantity(self._str(rec, 4))
        self.doc.object_balances.append(
            SieObjectBalance(_OBJECT_BALANCE_KINDS[label], year, account, objects, amount, quantity)
        )

    def _period_balance(self, rec: SieLine) -> None:
        label = rec.label
        year = self._year_index(self._require(rec, 0, "årsnummer"), label)
        period = self._require(rec, 1, "period")
        if _PERIOD.fullmatch(period) is None:
            # BL Administration 2018 writes "#PBUDGET 0 1119 201701 -1666.00".
            self.tolerate(
                "bad_period",
                f'{where(self.line)}perioden "{period}" i {label} ska skrivas ÅÅÅÅMM, '
                "till exempel 202401; posten har hoppats över.",
            )
            return
        account = self._require(rec, 2, "kontonummer")
        objects = self._objects_at(rec, 3)
        i = 4
        if objects is None:
            objects = NO_OBJECTS
            i = 3
            self._missing_object_list(rec)
        amount = self._amount(self._require(rec, i, "belopp"))
        quantity = self._quantity(self._str(rec, i + 1))
        self.doc.period_balances.append(
            SiePeriodBalance(_PERIOD_KINDS[label], year, period, account, objects, amount, quantity)
        )

    # ------------------------------------------------------------- vouchers

    def _ver_record(self, rec: SieLine) -> None:
        if self._state == AWAITING_BRACE:
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
        self._open_voucher(series, number, d, text, reg_date, sign)

    def _open_voucher(
        self, series: str, number: str, d: date, text: str, reg_date: date | None, sign: str | None
    ) -> None:
        self._ver = (self.line, series, number, d, text, reg_date, sign)
        self._total = 0
        if not self._first_ver_line:
            self._first_ver_line = self.line
        self._rows = []
        self._pending_rtrans = None
        self._state = AWAITING_BRACE

    def _row(self, rec: SieLine) -> None:
        if self._state != INSIDE:
            raise self.fail(
                "trans_outside_voucher",
                f"{where(self.line)}{rec.label} står utanför en verifikation; "
                'transaktionsrader måste stå inom "{" och "}" direkt efter en #VER.',
            )
        kind = ROW_KINDS[rec.label]
        fields = rec.fields
        account = self._require(rec, 0, "kontonummer")
        if not account.isdigit():
            self.tolerate(
                "non_numeric_account",
                f'{where(self.line)}kontonumret "{account}" i {rec.label} är inte numeriskt.',
            )
        i = 1
        objects = NO_OBJECTS
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
        self._add_row(kind, account, amount, objects, trans_date, text, quantity, sign)

    def _add_row(
        self,
        kind: str,
        account: str,
        amount: int,
        objects: tuple[tuple[str, str], ...],
        trans_date: date | None,
        text: str,
        quantity: Decimal | None,
        sign: str | None,
    ) -> None:
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
        row = new_transaction(account, amount, objects, trans_date, text, quantity, kind, self.line, sign, shadow)
        self._rows.append(row)
        if kind == RTRANS:
            self._pending_rtrans = row
            self._total += amount
        elif kind == TRANS and not shadow:
            self._total += amount

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
        quantity = self._quantities.get(value)
        if quantity is None:
            quantity = self._quantities[value] = Decimal(value)
        return quantity

    def _close_voucher(self) -> None:
        if self._pending_rtrans is not None:
            self._rtrans_unpaired(self._pending_rtrans)
            self._pending_rtrans = None
        assert self._ver is not None
        line, series, number, d, text, reg_date, sign = self._ver
        voucher = new_voucher(series, number, d, text, reg_date, tuple(self._rows), line, sign)
        self._rows = []
        self._state = OUTSIDE
        total = self._total
        if total:
            self.tolerate(
                "unbalanced_voucher",
                f"{where(line)}verifikation {voucher.label or '(utan nummer)'} "
                f"balanserar inte: raderna summerar till {kronor(total)} kr i "
                "stället för 0.",
                line,
            )
        self.doc.voucher_count += 1
        if self.keep_vouchers:
            self.doc.vouchers.append(voucher)
        if self.on_voucher is not None:
            self.on_voucher(voucher, self.doc)

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
                self._account_units.get(number),
                tuple(self._account_sru_all.get(number, ())),
            )
        seen = self._seen
        # Without #SIETYP a file is type 1, but only type 4 has vouchers.
        guessed = "#SIETYP" not in seen and doc.voucher_count > 0
        if guessed:
            doc.sietype = 4
        self._finish_ksumma()
        self._finish_mandatory()
        if self._leading_points and not self.strict:  # strict mode refused each one
            line = self._leading_point_line
            self.tolerate(
                "leading_point_amount",
                f"{where(line)}{self._leading_points} belopp saknar heltalsdel (till exempel "
                ".23 i stället för 0.23), första gången här; de har lästs som 0.23 osv.",
                line,
            )
        if doc.voucher_count and not any(label in seen for label in _HEADER_LABELS):
            self.tolerate(
                "missing_header",
                "Filen: filen saknar sitt huvud (#FLAGGA, #SIETYP, #PROGRAM och #RAR) och är "
                "troligen ett utdrag ur en SIE-fil; typen har gissats till SIE typ 4 eftersom "
                "den innehåller verifikationer. Exportera hela filen om det går.",
                0,
            )
        if "#FLAGGA" not in seen:
            self.tolerate("missing_flagga", "Filen: #FLAGGA saknas.", 0)
        if "#SIETYP" not in seen:
            self.tolerate(
                "missing_sietype",
                "Filen: #SIETYP saknas; filen har lästs som SIE typ "
                + ("4 eftersom den innehåller verifikationer." if guessed else "1."),
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
                    f"{where(self._format_line)}#FORMAT säger PC8 (teckentabell 437) men filen är "
                    f"kodad som {doc.encoding}; den har lästs som {doc.encoding}.",
                    self._format_line,
                )
        else:
            self.tolerate(
                "format_not_pc8",
                f'{where(self._format_line)}#FORMAT "{doc.format}" följer inte SIE-standarden (PC8); '
                f"filen har lästs som {doc.encoding}.",
                self._format_line,
            )


def kronor(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    whole, frac = divmod(abs(ore), 100)
    return f"{sign}{whole}.{frac:02d}"


def preview(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[: limit - 1] + "…"
